"""``stance-corpus evaluate``: the automatic claim layer against gold, and coder A against coder B.

The figures come from ``pipeline.quality.compare.compare_claims`` (the record ``audit --report``
renders too): one comparison per gold document (automatic vs gold), one over all gold documents
together (its bootstrap intervals resample the documents), and coder A against coder B over the
double-coded documents. The text shows the per-document scores and the coders' agreement;
``--json`` writes every record.
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
        figures["all_documents"] = compare_claims(gold, auto, sentences, names=("gold", "automatic"),
                                                  documents=gold_docs).to_dict()
    a_path, b_path = d / "gold" / "coder_a.jsonl", d / "gold" / "coder_b.jsonl"
    if a_path.is_file() and b_path.is_file():
        c = compare_claims(list(read_jsonl(a_path)), list(read_jsonl(b_path)), sentences, names=("coder_a", "coder_b"))
        figures["coders"] = c.to_dict()
        figures["agreement"] = figures["coders"]["agreement"]
        parts.append(format_agreement("coder_a vs coder_b", c))
    return "\n\n".join(parts), figures
