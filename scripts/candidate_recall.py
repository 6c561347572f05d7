"""Candidate recall of the coded layers' pairs on training documents, per collection and kind.

    .venv/bin/python scripts/candidate_recall.py [--every N] [--missed FILE]

Training documents are those of the ``train`` split of the published claim configs
(``annotations/parquet/claims*/train.parquet``): the seed article, the passages, the UN ``dev``
statements (gold) and the machine-coded statements of that split (every N-th of them, to keep
the run short). Prints one table; ``--missed`` writes the missed rows as JSON lines.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pandas as pd

from pipeline.build import Annotator
from pipeline.io import read_jsonl, write_text
from pipeline.training.layer_recall import KINDS, document_candidates, missed, recall

ANN = Path("annotations")


def _read(path: Path) -> list[dict]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    return list(read_jsonl(path))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=8, help="every N-th machine-coded training statement")
    ap.add_argument("--missed", type=Path)
    args = ap.parse_args()
    gold_train = pd.read_parquet(ANN / "parquet" / "claims" / "train.parquet", columns=["doc_id", "collection"])
    machine_train = sorted(set(pd.read_parquet(ANN / "parquet" / "claims_machine" / "train.parquet").doc_id))
    train = {c: set(g.doc_id) for c, g in gold_train.groupby("collection")}
    # (name, collection folder, coded layer, documents)
    layers = [
        ("article gold", ANN, ANN / "gold" / "claims.jsonl", train["articles"]),
        ("passages gold", ANN / "passages", ANN / "passages" / "gold" / "claims.jsonl.gz", train["passages"]),
        ("UN gold (dev)", ANN / "ungd", ANN / "ungd" / "gold" / "claims.jsonl.gz", train["ungd"]),
        (
            f"UN machine (1 in {args.every})",
            ANN / "ungd",
            ANN / "ungd" / "machine" / "claims.jsonl.gz",
            set(machine_train[:: args.every]),
        ),
    ]
    nlp = Annotator().nlp
    print("| layer | documents | kind | coded pairs | candidate recall |")
    print("|---|---|---|---|---|")
    lost: list[dict] = []
    for name, folder, layer, ids in layers:
        suffix = ".jsonl" if folder == ANN else ".jsonl.gz"
        docs = [d for d in _read(folder / f"documents{suffix}") if d["doc_id"] in ids]
        sents = [s for s in _read(folder / f"sentences{suffix}") if s["doc_id"] in ids]
        proposed = dict(document_candidates(nlp, docs, sents))
        rows = [r for r in _read(layer) if r["doc_id"] in ids]
        counts = recall(rows, proposed)
        gold = sum(c["gold"] for c in counts.values())
        found = sum(c["found"] for c in counts.values())
        for kind in (*KINDS, "all"):
            c = counts[kind] if kind != "all" else {"gold": gold, "found": found}
            if c["gold"]:
                print(f"| {name} | {len(docs)} | {kind} | {c['gold']} | {c['found'] / c['gold']:.3f} |")
        lost += [dict(r, layer=name) for r in missed(rows, proposed)]
    if args.missed:
        keep = ("layer", "doc_id", "sent_id", "actor", "target", "stance", "expanded_from", "text")
        write_text(args.missed, "".join(json.dumps({k: r.get(k) for k in keep}) + "\n" for r in lost))


if __name__ == "__main__":
    main()
