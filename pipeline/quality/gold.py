"""Gold claims: expand a coder's compact coding sheet into full claim rows.

A coder writes one JSON object per claim span:
``{"sent_id": ..., "span": null | "exact clause substring", "actor": "KAZ" | [...],
"target": "RUS" | [...], "stance": ..., "topic": ..., "note": optional}``.
``expand`` turns it into one ``Claim`` per (actor, target) with offsets, mentions and
footnotes filled in from the sentence and entity layers.

``build_gold`` expands every sheet that ``gold/sheets/sheets.json`` lists into its gold file
(``stance-corpus build`` and ``stance-corpus gold build`` run it); ``expand_sheet`` does one sheet
(``stance-corpus gold expand``). A bad sheet raises ``CodingError`` naming the file, the item
and the problem.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pycountry

from pipeline.errors import expected
from pipeline.io import LayerReadError, read_jsonl, write_jsonl
from pipeline.schema import STANCES, TOPICS, Claim


@expected
class CodingError(ValueError):
    pass


def _codes(value) -> list[str]:
    codes = [value] if isinstance(value, str) else list(value)
    for code in codes:
        if pycountry.countries.get(alpha_3=code) is None:
            raise CodingError(f"{code!r} is not an ISO 3166-1 alpha-3 code")
    return codes


def expand(compact: list[dict], annotations_dir: str | Path, annotator: str) -> list[Claim]:
    d = Path(annotations_dir)
    sentences = {s["sent_id"]: s for s in read_jsonl(d / "sentences.jsonl")}
    ents_by_sent = defaultdict(list)
    for e in read_jsonl(d / "entities.jsonl"):
        ents_by_sent[e["sent_id"]].append(e)
    rows: list[Claim] = []
    for n, item in enumerate(compact, 1):
        where = f"item {n} ({item.get('sent_id')})"
        sent = sentences.get(item.get("sent_id"))
        if sent is None:
            raise CodingError(f"{where}: unknown sent_id")
        if item.get("stance") not in STANCES:
            raise CodingError(f"{where}: stance must be one of {STANCES}")
        if item.get("topic") not in TOPICS:
            raise CodingError(f"{where}: topic must be one of {TOPICS}")
        start, end = sent["start"], sent["end"]
        if item.get("span"):
            i = sent["text"].find(item["span"])
            if i < 0:
                raise CodingError(f"{where}: span is not a substring of the sentence")
            start, end = start + i, start + i + len(item["span"])
        text = sent["text"][start - sent["start"] : end - sent["start"]]
        ents = [e for e in ents_by_sent[sent["sent_id"]] if start <= e["start"] and e["end"] <= end]
        claim_id = f"{sent['doc_id']}:c{n:03d}"
        for actor in _codes(item["actor"]):
            for target in _codes(item["target"]):
                if actor == target:
                    raise CodingError(f"{where}: actor and target are both {actor}")
                rows.append(
                    Claim(
                        doc_id=sent["doc_id"],
                        claim_id=claim_id,
                        sent_id=sent["sent_id"],
                        start=start,
                        end=end,
                        text=text,
                        actor=actor,
                        actor_mentions=[e["ent_id"] for e in ents if actor in e["countries"]],
                        target=target,
                        target_mentions=[e["ent_id"] for e in ents if target in e["countries"]],
                        stance=item["stance"],
                        topic=item["topic"],
                        footnotes=list(sent["footnotes"]),
                        annotator=annotator,
                        note=item.get("note"),
                    )
                )
    return rows


def read_sheet(path: str | Path) -> list[dict]:
    """A coding sheet's items; a line that is not a JSON object is a ``CodingError`` naming it."""
    try:
        items = list(read_jsonl(path))
    except LayerReadError as err:
        raise CodingError(str(err)) from None
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise CodingError(f"{path}: line {n}: not a JSON object")
    return items


def expand_sheet(sheet: str | Path, annotations_dir: str | Path, annotator: str) -> list[Claim]:
    """``expand`` for one sheet file; errors name the file."""
    compact = read_sheet(sheet)
    try:
        return expand(compact, annotations_dir, annotator)
    except CodingError as err:
        raise CodingError(f"{sheet}: {err}") from None


def build_gold(annotations_dir: str | Path) -> dict[str, int]:
    """Expand every sheet listed in ``gold/sheets/sheets.json`` into its gold file."""
    d = Path(annotations_dir)
    config_path = d / "gold" / "sheets" / "sheets.json"
    if not config_path.is_file():
        return {}
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CodingError(f"{config_path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    outputs: dict[str, list] = defaultdict(list)
    for sheet, spec in config.items():
        if sheet.startswith("_"):  # comments
            continue
        path = config_path.parent / sheet
        if path.is_file():
            outputs[spec["out"]] += expand_sheet(path, d, spec["annotator"])
    return {out: write_jsonl(d / "gold" / out, rows) for out, rows in sorted(outputs.items())}
