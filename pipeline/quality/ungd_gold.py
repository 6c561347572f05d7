"""The UNGD gold claim file: one row per position of the final coding sheets.

The final sheet of a document is chosen by ``pipeline.quality.coding.CodingFolder``: the
adjudicated sheet (``sheets/adjudicated/``) where there is one, else the primary or the single
coder's sheet. Each sheet is validated against its packet first; each of its non-``none`` rows
becomes one gold row carrying the packet sentence's offsets (``line``, ``start``, ``end`` in the
statement file) and the offsets of the span inside that line. Rows are ordered by document,
then by the packet order of sentences, then as in the sheet, so the file is byte-stable.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.io import write_jsonl
from pipeline.quality.coding import CodingFolder, read_rows
from pipeline.quality.sheets import check_sheet

ROW_FIELDS = (
    "doc_id",
    "sent_key",
    "line",
    "start",
    "end",
    "span_start",
    "span_end",
    "actor",
    "target",
    "stance",
    "mode",
    "certainty",
    "issue",
    "expanded_from",
    "time",
    "span",
    "split",
    "annotator",
)


def gold_rows(gold_dir: Path) -> list[dict]:
    """All final rows with a position of the sampled documents, in a fixed order."""
    folder = CodingFolder(gold_dir)
    out = []
    for doc_id in sorted(folder.sample):
        info = folder.sample[doc_id]
        sheet, annotator = folder.final_sheet(doc_id)
        packet = folder.packet(doc_id)
        problems = check_sheet(sheet, packet)
        if problems:
            raise InputError(sheet, f"invalid sheet ({len(problems)} problem(s)), first: {problems[0]}")
        sentences = {r["sent_key"]: r for r in packet}
        order = {r["sent_key"]: i for i, r in enumerate(packet)}
        rows = [r for r in read_rows(sheet) if r["stance"] != "none"]
        for r in sorted(rows, key=lambda r: order[r["sent_key"]]):  # stable: sheet order within a sentence
            s = sentences[r["sent_key"]]
            at = s["start"] + s["text"].index(r["span"])
            row = {
                "doc_id": doc_id,
                "sent_key": r["sent_key"],
                "line": s["line"],
                "start": s["start"],
                "end": s["end"],
                "span_start": at,
                "span_end": at + len(r["span"]),
                "actor": r["actor"],
                "target": r["target"],
                "stance": r["stance"],
                "mode": r["mode"],
                "certainty": r["certainty"],
                "issue": r["issue"],
                "expanded_from": r["expanded_from"],
                "time": r["time"],
                "span": r["span"],
                "split": info["split"],
                "annotator": annotator,
            }
            # a sheet of GUIDELINES 3.0 adds the conflict (2.0 sheets predate it)
            out.append(row | ({"conflict": r["conflict"]} if "conflict" in r else {}))
    return out


def build(gold_dir: Path, out: Path | None = None) -> list[dict]:
    """Write ``claims.jsonl`` (atomically) and return its rows."""
    rows = gold_rows(gold_dir)
    write_jsonl(out or Path(gold_dir) / "claims.jsonl", rows)
    return rows
