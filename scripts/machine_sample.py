"""Write the sample table of the machine-coded layer (``annotations/machine/ungd/sample.csv``).

    PYTHONPATH=. .venv/bin/python scripts/machine_sample.py

Every statement of ``corpus/ungd/manifest.jsonl`` outside the sealed test is coded once; a seeded
draw of ``SECOND_SHARE`` of them (``second_coded``) is coded a second time, blind, by another coder.
``assignments.csv`` (doc_id, coding 1 | 2, coder) records who coded what; the coder of coding 1
is the document's ``primary`` (its sheet is the layer's). ``split`` is the gold sample's split
where the statement is in it (``dev`` | ``eval``), else ``dev``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

from pipeline.io import write_text

ROOT = Path("annotations/machine/ungd")
SEED = 20261205
SECOND_SHARE = 0.15


def second_coded(doc_ids: list[str], share: float = SECOND_SHARE, seed: int = SEED) -> list[str]:
    """The statements drawn for a second, blind coding: ceil(share * n), seeded, in id order."""
    ids = sorted(doc_ids)
    return sorted(random.Random(seed).sample(ids, math.ceil(share * len(ids))))


def main() -> None:
    with open("annotations/gold/ungd/sealed/sample.csv", encoding="utf-8", newline="") as fh:
        sealed = {r["doc_id"] for r in csv.DictReader(fh)}
    with open("annotations/gold/ungd/sample.csv", encoding="utf-8", newline="") as fh:
        gold_split = {r["doc_id"]: r["split"] for r in csv.DictReader(fh)}
    manifest = Path("corpus/ungd/manifest.jsonl").read_text(encoding="utf-8").splitlines()
    docs = sorted(d for d in (json.loads(line)["doc_id"] for line in manifest if line) if d not in sealed)
    twice = set(second_coded(docs))
    with open(ROOT / "assignments.csv", encoding="utf-8", newline="") as fh:
        coders = {(r["doc_id"], r["coding"]): r["coder"] for r in csv.DictReader(fh)}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["doc_id", "split", "reliability", "primary"])
    for doc_id in docs:
        if (doc_id, "1") not in coders:
            raise SystemExit(f"error: {ROOT / 'assignments.csv'}: {doc_id} has no first coding")
        writer.writerow(
            [doc_id, gold_split.get(doc_id, "dev"), "yes" if doc_id in twice else "no", coders[(doc_id, "1")]]
        )
    write_text(ROOT / "sample.csv", buf.getvalue())
    print(f"{ROOT / 'sample.csv'}: {len(docs)} statements, {len(twice)} coded twice")


if __name__ == "__main__":
    main()
