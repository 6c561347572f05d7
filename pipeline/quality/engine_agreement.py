"""Agreement between two entity layers of the same documents (e.g. spaCy vs stanza).

``compare_entities(a, b)`` takes two lists of entity records (rows of ``entities.jsonl``)
and returns:
- span P/R/F1 with nervaluate (``pipeline.quality.scoring.span_scores``, shared with the other
  comparisons), ``strict`` (same boundaries and label) and ``partial`` (overlap counts half,
  label ignored), treating ``a`` as the reference;
- country-link agreement on spans both layers found with the same offsets (same set of
  ``countries``);
- the disagreements, one dict per span, sorted by document and offset.

With real stanza models this is a second opinion on every entity; with the tiny model the
tests train offline it only proves the mechanics. ``agreement_report`` says which.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

from pipeline.io import read_jsonl
from pipeline.quality.scoring import span_scores


def _key(e: dict) -> tuple:
    return e["doc_id"], e["start"], e["end"]


def _countries(e: dict) -> list:
    return sorted(e.get("countries") or ([e["country"]] if e.get("country") else []))


def _brief(e: dict) -> dict:
    return {
        "start": e["start"],
        "end": e["end"],
        "text": e.get("text"),
        "label": e["label"],
        "countries": _countries(e),
    }


def load_entities(folder: str | Path) -> list[dict]:
    return list(read_jsonl(Path(folder) / "entities.jsonl"))


def compare_entities(
    a: Iterable[dict],
    b: Iterable[dict],
    names: tuple[str, str] = ("spacy", "stanza"),
    doc_ids: Optional[Iterable[str]] = None,
) -> dict:
    a, b = list(a), list(b)
    docs = sorted(set(doc_ids) if doc_ids is not None else {e["doc_id"] for e in a + b})
    by_doc: dict[str, dict[str, list]] = {name: {d: [] for d in docs} for name in names}
    for name, rows in zip(names, (a, b)):
        for e in rows:
            if e["doc_id"] in by_doc[name]:
                by_doc[name][e["doc_id"]].append(e)
    tags = sorted({e["label"] for e in a + b})
    result: dict = {
        "names": list(names),
        "documents": len(docs),
        "entities": {
            names[0]: sum(map(len, by_doc[names[0]].values())),
            names[1]: sum(map(len, by_doc[names[1]].values())),
        },
    }
    result.update(span_scores([by_doc[names[0]][d] for d in docs], [by_doc[names[1]][d] for d in docs], tags))

    disagreements: list[dict] = []
    matched = agree = 0
    for d in docs:
        ra, rb = by_doc[names[0]][d], by_doc[names[1]][d]
        exact_b = {_key(e): e for e in rb}
        exact_a = {_key(e): e for e in ra}
        for e in ra:
            other = exact_b.get(_key(e))
            if other is not None:
                matched += 1
                same_country = _countries(e) == _countries(other)
                agree += same_country
                if e["label"] != other["label"]:
                    disagreements.append({"doc_id": d, "kind": "label", names[0]: _brief(e), names[1]: _brief(other)})
                if not same_country:
                    disagreements.append({"doc_id": d, "kind": "country", names[0]: _brief(e), names[1]: _brief(other)})
                continue
            overlapping = [o for o in rb if o["start"] < e["end"] and e["start"] < o["end"]]
            if overlapping:
                disagreements.append(
                    {"doc_id": d, "kind": "boundary", names[0]: _brief(e), names[1]: [_brief(o) for o in overlapping]}
                )
            else:
                disagreements.append({"doc_id": d, "kind": f"only_{names[0]}", names[0]: _brief(e)})
        for o in rb:
            if _key(o) in exact_a:
                continue
            if not any(e["start"] < o["end"] and o["start"] < e["end"] for e in ra):
                disagreements.append({"doc_id": d, "kind": f"only_{names[1]}", names[1]: _brief(o)})

    def order(x):
        span = x.get(names[0]) or x.get(names[1])
        return x["doc_id"], span["start"], span["end"], x["kind"]

    result["country_links"] = {
        "matched_spans": matched,
        "agree": agree,
        "agreement": round(agree / matched, 4) if matched else None,
    }
    result["disagreements"] = sorted(disagreements, key=order)
    return result


def agreement_report(result: dict, models: str) -> str:
    """A short text block; ``models`` says what produced the layers (real stanza models or the
    tiny offline test model), since the figures mean nothing without it."""
    a, b = result["names"]
    s, p, c = result["strict"], result["partial"], result["country_links"]
    kinds: dict[str, int] = {}
    for dis in result["disagreements"]:
        kinds[dis["kind"]] = kinds.get(dis["kind"], 0) + 1
    lines = [
        f"## entity agreement: {a} vs {b} ({models})",
        f"documents {result['documents']}; entities {a}={result['entities'][a]} {b}={result['entities'][b]}",
        f"span strict  P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} ({a} as reference)",
        f"span partial P={p['precision']:.3f} R={p['recall']:.3f} F1={p['f1']:.3f}",
        "country links on identical spans: "
        + (
            f"{c['agree']}/{c['matched_spans']} agree ({c['agreement']:.3f})"
            if c["matched_spans"]
            else "no shared spans"
        ),
        "disagreements: " + (" ".join(f"{k}={v}" for k, v in sorted(kinds.items())) or "none"),
    ]
    return "\n".join(lines)


def engine_comparison(reference_dir: str | Path, other_dir: str | Path) -> str:
    """The audit report's block: ``reference_dir`` (spaCy) against ``other_dir`` (e.g. the
    output of ``--engine stanza``) on the documents both hold, with every disagreement."""

    def engine_of(folder: Path) -> tuple[str, str]:
        first = next(iter(read_jsonl(folder / "documents.jsonl")), None)
        produced = first["produced_by"] if first else {}
        engine = produced.get("engine", "spacy")
        model = produced.get("stanza", {}).get("ner_model") or produced.get("model", {})
        return engine, json.dumps(model, sort_keys=True) if isinstance(model, dict) else str(model)

    reference_dir, other_dir = Path(reference_dir), Path(other_dir)
    (ea, ma), (eb, mb) = engine_of(reference_dir), engine_of(other_dir)
    names = (ea, eb) if ea != eb else (f"{ea}:reference", f"{eb}:other")
    a, b = load_entities(reference_dir), load_entities(other_dir)
    shared = {e["doc_id"] for e in a} & {e["doc_id"] for e in b}
    result = compare_entities(a, b, names=names, doc_ids=shared)
    lines = [agreement_report(result, f"{names[0]} model {ma}; {names[1]} model {mb}")]
    for dis in result["disagreements"]:
        spans = "; ".join(f"{n}: {dis[n]}" for n in names if n in dis)
        lines.append(f"- {dis['doc_id']} {dis['kind']}: {spans}")
    return "\n".join(lines)
