"""``stance-corpus evaluate``: the automatic claim layer against gold, and coder A against coder B.

The figures come from ``pipeline.quality.compare.compare_claims`` (the record ``audit --report``
renders too): one comparison per gold document (automatic vs gold), one over all gold documents
together (its bootstrap intervals resample the documents), and coder A against coder B over the
double-coded documents. The text shows the per-document scores and the coders' agreement;
``--json`` writes every record.

``collections_report`` adds the UN General Debate statements (``--collection ungd``): the
automatic layer against the UNGD gold, per split (``pipeline.quality.ungd_eval``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.io import read_jsonl
from pipeline.quality.compare import compare_claims, format_agreement, format_scores


def evaluation_report(annotations_dir: str | Path) -> tuple[str, dict]:
    """The text printed by ``stance-corpus evaluate`` and the figures behind it."""
    d = Path(annotations_dir)
    auto = list(read_jsonl(d / "claims.jsonl"))
    gold = list(read_jsonl(d / "gold" / "claims.jsonl"))
    sentences = list(read_jsonl(d / "sentences.jsonl"))
    gold_docs = sorted({r["doc_id"] for r in gold})
    parts: list[str] = []
    figures: dict[str, Any] = {"documents": {}}
    for doc_id in gold_docs:
        c = compare_claims(gold, auto, sentences, names=("gold", "automatic"), documents=[doc_id])
        figures["documents"][doc_id] = c.to_dict()
        parts.append(format_scores(f"automatic vs gold: {doc_id}", c))
    if gold_docs:
        figures["all_documents"] = compare_claims(
            gold, auto, sentences, names=("gold", "automatic"), documents=gold_docs
        ).to_dict()
    a_path, b_path = d / "gold" / "coder_a.jsonl", d / "gold" / "coder_b.jsonl"
    if a_path.is_file() and b_path.is_file():
        c = compare_claims(list(read_jsonl(a_path)), list(read_jsonl(b_path)), sentences, names=("coder_a", "coder_b"))
        figures["coders"] = c.to_dict()
        figures["agreement"] = figures["coders"]["agreement"]
        parts.append(format_agreement("coder_a vs coder_b", c))
    return "\n\n".join(parts), figures


COLLECTIONS = ("articles", "ungd", "passages")


def collections_report(
    annotations_dir: str | Path,
    collections: list[str] | None = None,
    split: str = "all",
    ungd_gold: str | Path = Path("annotations/gold/ungd"),
    corpus_dir: str | Path = Path("corpus"),
) -> tuple[str, dict]:
    """``evaluate`` over the chosen collections (default: each one whose layer ``annotations_dir``
    holds). The articles' figures keep their top-level keys; the UNGD figures go under ``ungd``."""
    from pipeline.errors import InputError
    from pipeline.quality.ungd_eval import ungd_report

    d = Path(annotations_dir)
    unknown = sorted(set(collections or ()) - set(COLLECTIONS))
    if unknown:
        raise InputError(d, f"--collection must be one of {', '.join(COLLECTIONS)}, not {unknown[0]!r}")
    present = {
        "articles": (d / "claims.jsonl").is_file(),
        **{c: any((d / c / f"claims.{ext}").is_file() for ext in ("jsonl.gz", "jsonl")) for c in COLLECTIONS[1:]},
    }
    chosen = list(collections) if collections else [c for c in COLLECTIONS if present[c]]
    if not chosen:
        raise InputError(d, "holds no claim layer (claims.jsonl or ungd/claims.jsonl.gz); run `stance-corpus build`")
    parts: list[str] = []
    figures: dict[str, Any] = {}
    if "articles" in chosen:
        text, figures = evaluation_report(d)
        parts.append(text)
    if "ungd" in chosen:
        text, figures["ungd"] = ungd_report(d / "ungd", ungd_gold, corpus_dir, split)
        parts.append(text)
    if "passages" in chosen:
        from pipeline.quality.passages_eval import passages_report

        text, figures["passages"] = passages_report(d / "passages", d / "gold" / "passages" / "claims.jsonl")
        parts.append(text)
    return "\n\n".join(parts), figures
