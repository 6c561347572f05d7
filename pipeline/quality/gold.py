"""Gold claims: expand a coder's compact coding sheet into full claim rows.

A coder writes one JSON object per claim span:
``{"sent_id": ..., "span": null | "exact clause substring", "actor": "KAZ" | [...],
"target": "RUS" | [...], "stance": ..., "topic": ..., "note": optional}``.
``expand`` turns it into one ``Claim`` per (actor, target) with offsets, mentions and
footnotes filled in from the sentence and entity layers.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pycountry

from pipeline.io import read_jsonl
from pipeline.schema import STANCES, TOPICS, Claim


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
        text = sent["text"][start - sent["start"]:end - sent["start"]]
        ents = [e for e in ents_by_sent[sent["sent_id"]] if start <= e["start"] and e["end"] <= end]
        claim_id = f"{sent['doc_id']}:c{n:03d}"
        for actor in _codes(item["actor"]):
            for target in _codes(item["target"]):
                if actor == target:
                    raise CodingError(f"{where}: actor and target are both {actor}")
                rows.append(Claim(
                    doc_id=sent["doc_id"], claim_id=claim_id, sent_id=sent["sent_id"], start=start, end=end,
                    text=text, actor=actor, actor_mentions=[e["ent_id"] for e in ents if actor in e["countries"]],
                    target=target, target_mentions=[e["ent_id"] for e in ents if target in e["countries"]],
                    stance=item["stance"], topic=item["topic"], footnotes=list(sent["footnotes"]),
                    annotator=annotator, note=item.get("note"),
                ))
    return rows


def build_gold(annotations_dir: str | Path) -> dict[str, int]:
    """Expand every sheet listed in ``gold/sheets/sheets.json`` into its gold file."""
    import json

    from pipeline.io import write_jsonl

    d = Path(annotations_dir)
    config_path = d / "gold" / "sheets" / "sheets.json"
    if not config_path.is_file():
        return {}
    config = {k: v for k, v in json.loads(config_path.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    outputs: dict[str, list] = defaultdict(list)
    for sheet, spec in config.items():
        path = config_path.parent / sheet
        if not path.is_file():
            continue
        compact = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        try:
            outputs[spec["out"]] += expand(compact, d, spec["annotator"])
        except CodingError as err:
            raise CodingError(f"{path}: {err}") from None
    return {out: write_jsonl(d / "gold" / out, rows) for out, rows in sorted(outputs.items())}


def main(argv=None) -> int:
    import argparse
    import json

    from pipeline.io import write_jsonl

    ap = argparse.ArgumentParser(description="Expand a compact coding sheet into gold claim rows.")
    ap.add_argument("sheet")
    ap.add_argument("--annotator", required=True)
    ap.add_argument("--annotations", default="annotations")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    compact = [json.loads(l) for l in Path(args.sheet).read_text(encoding="utf-8").splitlines() if l.strip()]
    try:
        rows = expand(compact, args.annotations, args.annotator)
    except CodingError as err:
        print(f"error: {args.sheet}: {err}")
        return 1
    write_jsonl(args.out, rows)
    print(f"{len(rows)} rows from {len(compact)} claims -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
