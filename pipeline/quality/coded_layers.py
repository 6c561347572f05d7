"""Coded positions as claim layers: the gold and the machine-coded rows in the ``Claim`` schema,
on the pipeline's documents, so ``datasets``, the audit and the exporters read them as they read
the automatic layer.

A coded position locates its sentence in the source file (a statement's ``line`` and offsets,
or a passage's offsets) and its span as words of that sentence. Here the sentence is found in
the document's cleaned text (``alignment.align_sentences``: whitespace-insensitive, in order),
the span inside it, and the pipeline sentence that holds the span's start gives ``sent_id`` (a
span running past that sentence's end is cut there).
``actor_mentions``/``target_mentions`` are the linked mentions of the party in that sentence.

Written per collection: ``annotations/<collection>/gold/claims.jsonl.gz`` and
``annotations/<collection>/machine/claims.jsonl.gz``. A row whose party is a ``group:`` id (a
GUIDELINES 2.0 code for a group without fixed members) is no claim: it is counted, not written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from pipeline.errors import InputError
from pipeline.io import LayerWriter, layer_path, read_jsonl
from pipeline.nlp.parties import names_party
from pipeline.quality.alignment import align_sentences
from pipeline.schema import Claim, Topic, party_type

# The codebook's issue (GUIDELINES §5.3) as the claim layer's coarser topic.
ISSUE_TOPIC: dict[str, Topic] = {
    "war": "military",
    "security_cooperation": "military",
    "nuclear": "military",
    "sanctions": "economy",
    "economic_cooperation": "economy",
    "food_security": "economy",
    "energy": "energy",
    "peace_process": "diplomacy",
    "territorial_integrity": "recognition",
    "humanitarian": "other",
    "other": "other",
}


@dataclass
class Built:
    rows: list[dict] = field(default_factory=list)
    skipped_groups: int = 0


def _locate(text: str, start: int, end: int, span: str) -> Optional[tuple[int, int]]:
    """The span's offsets in ``text[start:end]`` (the aligned sentence), whitespace-insensitive."""
    at = text.find(span, start, end + 1)
    if at >= 0:
        return at, at + len(span)
    found = align_sentences(text[start:end], [("span", span)])["span"]
    return None if found is None else (start + found[0], start + found[1])


def _mentions(entities: list[dict], start: int, end: int, code: str) -> list[str]:
    """The linked mentions of the party in the sentence ``[start, end)``."""
    return [
        e["ent_id"]
        for e in entities
        if start <= e["start"] < end and names_party(e.get("countries"), e.get("kb_entry"), code)
    ]


def to_claims(
    positions: Iterable[dict],
    sentence_text: dict[tuple[str, str], str],
    folder: Path,
    claim_prefix: str,
    provenance: dict[str, dict],
) -> Built:
    """Claim rows of ``positions`` (``doc_id``, ``sent_key``, ``span``, the codes), the sentences
    given by ``sentence_text[(doc_id, sent_key)]`` in document order; ``folder`` holds the
    collection's documents, sentences and entities layers; ``provenance[annotator]`` is written
    into each row's ``produced_by``."""
    by_doc: dict[str, list[dict]] = {}
    for p in positions:
        by_doc.setdefault(p["doc_id"], []).append(p)
    texts = {d["doc_id"]: d["text"] for d in read_jsonl(layer_path(folder, "documents")) if d["doc_id"] in by_doc}
    sentences: dict[str, list[dict]] = {}
    for s in read_jsonl(layer_path(folder, "sentences")):
        if s["doc_id"] in by_doc:
            sentences.setdefault(s["doc_id"], []).append(s)
    entities: dict[str, list[dict]] = {}
    for e in read_jsonl(layer_path(folder, "entities")):
        if e["doc_id"] in by_doc:
            entities.setdefault(e["doc_id"], []).append(e)
    out = Built()
    for doc_id in sorted(by_doc):
        if doc_id not in texts:
            raise InputError(layer_path(folder, "documents"), f"no document {doc_id} for its coded positions")
        text = texts[doc_id]
        keys = [k for (d, k) in sentence_text if d == doc_id]
        where = align_sentences(text, [(k, sentence_text[(doc_id, k)]) for k in keys])
        sents = sentences.get(doc_id, [])
        starts = [s["start"] for s in sents]
        n = 0
        for p in by_doc[doc_id]:
            if p["actor"].startswith("group:") or p["target"].startswith("group:"):
                out.skipped_groups += 1
                continue
            sent = where.get(p["sent_key"])
            span = _locate(text, *sent, p["span"]) if sent else None
            if span is None:
                raise InputError(f"{doc_id}:{p['sent_key']}", f"span {p['span']!r} not found in the document's text")
            host = sents[max(0, bisect.bisect_right(starts, span[0]) - 1)]
            # a span that runs past the pipeline sentence holding its start (the coder's sentence
            # was split further) is cut at that sentence's end: a claim lies inside its sentence
            span = (span[0], min(span[1], host["end"]))
            n += 1
            row = Claim.model_validate(
                {
                    "doc_id": doc_id,
                    "claim_id": f"{doc_id}:{claim_prefix}{n:04d}",
                    "sent_id": host["sent_id"],
                    "start": span[0],
                    "end": span[1],
                    "text": text[span[0] : span[1]],
                    "actor": p["actor"],
                    "actor_type": party_type(p["actor"]),
                    "actor_mentions": _mentions(entities.get(doc_id, []), host["start"], host["end"], p["actor"]),
                    "target": p["target"],
                    "target_type": party_type(p["target"]),
                    "target_mentions": _mentions(entities.get(doc_id, []), host["start"], host["end"], p["target"]),
                    "stance": p["stance"],
                    "topic": ISSUE_TOPIC[p["issue"]],
                    "conflict": p.get("conflict"),
                    "expanded_from": p.get("expanded_from"),
                    "footnotes": [],
                    "annotator": p["annotator"],
                    "note": p.get("note"),
                }
            ).model_dump(mode="json")
            row["produced_by"] = provenance.get(p["annotator"], {})
            out.rows.append(row)
    return out


def statement_sentences(packets: Iterable[dict]) -> dict[tuple[str, str], str]:
    return {(r["doc_id"], r["sent_key"]): r["text"] for r in packets}


def write(rows: list[dict], folder: Path, kind: str) -> Path:
    """``<folder>/<kind>/claims.jsonl.gz``, written atomically (deterministic gzip)."""
    out = folder / kind
    out.mkdir(parents=True, exist_ok=True)
    with LayerWriter(out, ["claims"], compress=True) as w:
        w.write("claims", rows)
        w.commit()
    return out / "claims.jsonl.gz"


def coder_cards(sheets_dir: Path) -> dict[str, dict]:
    """Each coder's model and guidelines version from its ``CODER.md`` (a ``Model:`` line and
    the first ``GUIDELINES ... N.N`` it names), for the provenance of its rows."""
    out = {}
    for card in sorted(Path(sheets_dir).glob("*/CODER.md")):
        text = card.read_text(encoding="utf-8")
        model = re.search(r"Model:\s*([^.\n]+)", text)
        version = re.search(r"GUIDELINES(?:\.md)?\)?`?,?\s*(?:version\s*)?(\d\.\d)", text, re.IGNORECASE)
        out[card.parent.name] = {
            "model": model.group(1).strip().rstrip(".") if model else None,
            "guidelines": version.group(1) if version else None,
        }
    return out


# The coded sets of the statements: (folder under the annotations folder, layer kind).
STATEMENT_SETS = (("gold/ungd", "gold"), ("gold/ungd/sealed", "gold"), ("machine/ungd", "machine"))
PASSAGES_GOLD = "gold/passages/claims.jsonl"


def _provenance(folder: Path, source: str, kind: str) -> dict[str, dict]:
    """``produced_by`` of each annotator of a coding folder: the coder (a machine annotator),
    its model, the guidelines version, whether the layer is gold or machine-coded."""
    out = {}
    cards = coder_cards(folder / "sheets")
    for coder, card in cards.items():
        out[coder] = {"annotator": coder, "annotator_kind": "language model", **card, "coding": kind, "source": source}
    versions = sorted({c["guidelines"] for c in cards.values() if c["guidelines"]})
    models = sorted({c["model"] for c in cards.values() if c["model"]})
    out["adjudicated"] = {
        "annotator": "adjudicated",
        "annotator_kind": "adjudication of blind codings by language models",
        "model": "; ".join(models) or None,
        "guidelines": "; ".join(versions) or None,
        "coding": kind,
        "source": source,
    }
    return out


def statement_layer(ann: Path, sets: Iterable[tuple[str, str]], kind: str) -> Built:
    """The claim rows of every coded statement set of one kind (``gold`` or ``machine``)."""
    from pipeline.quality.coding import CodingFolder
    from pipeline.quality.ungd_gold import gold_rows

    positions: list[dict] = []
    sentences: dict[tuple[str, str], str] = {}
    provenance: dict[str, dict] = {}
    for rel, layer_kind in sets:
        folder = ann / rel
        if layer_kind != kind or not (folder / "sample.csv").is_file():
            continue
        if rel.endswith("sealed") and not (folder / "sheets" / "adjudicated").is_dir():
            continue  # not yet adjudicated: no layer until it is frozen
        coding = CodingFolder(folder)
        positions += gold_rows(folder)
        for doc_id in sorted(coding.sample):
            sentences |= statement_sentences(coding.packet(doc_id))
        provenance |= _provenance(folder, rel, kind)
    built = to_claims(positions, sentences, ann / "ungd", "g" if kind == "gold" else "m", provenance)
    return built


def passages_layer(ann: Path) -> Built:
    rows = list(read_jsonl(ann / PASSAGES_GOLD))
    for r in rows:
        r["sent_key"] = f"{r['start']}:{r['end']}"
    sentences = {(r["doc_id"], r["sent_key"]): r["text"] for r in sorted(rows, key=lambda r: (r["doc_id"], r["start"]))}
    models = {
        r["annotator"]: {
            "annotator": r["annotator"],
            "annotator_kind": "language model",
            "model": "Anthropic Claude, a Claude 4-family model",
            "guidelines": "3.0",
            "coding": "gold",
            "source": PASSAGES_GOLD,
        }
        for r in rows
    }
    return to_claims(rows, sentences, ann / "passages", "g", models)


def build_all(ann: str | Path) -> dict[str, int]:
    """Write every coded claim layer whose collection is built; ``{relative path: rows}``."""
    ann = Path(ann)
    written: dict[str, int] = {}
    if layer_path(ann / "ungd", "documents").is_file():
        for kind in ("gold", "machine"):
            built = statement_layer(ann, STATEMENT_SETS, kind)
            if built.rows:
                path = write(built.rows, ann / "ungd", kind)
                written[str(path.relative_to(ann))] = len(built.rows)
    if layer_path(ann / "passages", "documents").is_file() and (ann / PASSAGES_GOLD).is_file():
        built = passages_layer(ann)
        path = write(built.rows, ann / "passages", "gold")
        written[str(path.relative_to(ann))] = len(built.rows)
    return written


def coding_inputs(ann: str | Path) -> list[Path]:
    """The files the coded layers are made from (samples, packets, sheets, the passages' gold):
    a change to any of them makes the build write the layers again."""
    ann = Path(ann)
    files: list[Path] = [ann / PASSAGES_GOLD] if (ann / PASSAGES_GOLD).is_file() else []
    for rel, _ in STATEMENT_SETS:
        folder = ann / rel
        if (folder / "sample.csv").is_file():
            files.append(folder / "sample.csv")
            for sub in ("sheets", "packets", "plain"):
                if (folder / sub).is_dir():
                    files += sorted(p for p in (folder / sub).glob("*/*.jsonl" if sub == "sheets" else "*.jsonl"))
                    files += sorted((folder / sub).glob("*/CODER.md")) if sub == "sheets" else []
    return files
