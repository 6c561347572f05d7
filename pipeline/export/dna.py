"""Discourse Network Analyzer (DNA) statements: one CSV row per claim row.

``OUT/dna/statements.csv`` (UTF-8, comma-separated, a header line) maps the claim layer onto
DNA's statement type: ``organization`` = the actor (ISO3 or ``org:<id>``; ``organization_name``
its name), ``concept`` = the target (ISO3 or ``org:<id>``; ``concept_name``), ``agreement`` = 1 for
``support`` and 0 for ``oppose``. A ``neutral`` row gets ``agreement`` = 2: DNA stores agreement
as an integer variable, and 2 keeps neutral statements apart from both poles (drop them, or
filter on ``stance``, for DNA's two-valued congruence and conflict networks).

The other columns keep every attribute of the row: ``statement_id`` (the row id), ``document``
(doc_id), ``title``, ``date``, ``collection``, ``start``/``end`` (code points into the document's
text), ``text``, ``stance``, ``topic``, ``claim_id``, ``sent_id``, ``actor_mentions``,
``target_mentions``, ``footnotes`` (lists joined with ``;``), ``annotator``, ``confidence``,
``cue``, ``negated``, ``note``. A text cell that begins like a spreadsheet formula (``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from typing import Optional

from pipeline.export.common import collection_of, counts, csv_cell, load_corpus, row_id
from pipeline.io import write_text
from pipeline.nlp.parties import party_name
from pipeline.paths import out_path
from pipeline.registry import exporters

AGREEMENT = {"support": 1, "oppose": 0, "neutral": 2}
COLUMNS = (
    "statement_id",
    "document",
    "title",
    "date",
    "collection",
    "start",
    "end",
    "text",
    "organization",
    "organization_name",
    "concept",
    "concept_name",
    "agreement",
    "stance",
    "topic",
    "claim_id",
    "sent_id",
    "actor_mentions",
    "target_mentions",
    "footnotes",
    "annotator",
    "confidence",
    "cue",
    "negated",
    "note",
)


def rows(bundles):
    for b in bundles:
        for c in b.claims:
            yield {
                "statement_id": row_id(c),
                "document": b.doc_id,
                "title": b.doc.get("title"),
                "date": b.doc.get("date"),
                "collection": collection_of(b.doc),
                "start": c["start"],
                "end": c["end"],
                "text": c["text"],
                "organization": c["actor"],
                "organization_name": party_name(c["actor"]),
                "concept": c["target"],
                "concept_name": party_name(c["target"]),
                "agreement": AGREEMENT[c["stance"]],
                "stance": c["stance"],
                "topic": c["topic"],
                "claim_id": c["claim_id"],
                "sent_id": c["sent_id"],
                "actor_mentions": ";".join(c["actor_mentions"]),
                "target_mentions": ";".join(c["target_mentions"]),
                "footnotes": ";".join(c["footnotes"]),
                "annotator": c["annotator"],
                "confidence": c.get("confidence"),
                "cue": c.get("cue"),
                "negated": c.get("negated", False),
                "note": c.get("note"),
            }


def csv_text(bundles) -> tuple[str, int]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows(bundles):
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        n += 1
    return buf.getvalue(), n


@exporters.register("dna")
def export_dna(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "dna")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    text, n = csv_text(bundles)
    write_text(out / "statements.csv", text)
    return {"dna": counts(bundles, statements=n)}
