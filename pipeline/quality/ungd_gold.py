"""The UNGD gold claim file: one row per position of the final coding sheets.

The final sheet of a document is the adjudicated sheet (``sheets/adjudicated/``) for the
double-coded reliability documents and the single coder's sheet for every other document of
``sample.csv``. Each sheet is validated against its packet first; each of its non-``none`` rows
becomes one gold row carrying the packet sentence's offsets (``line``, ``start``, ``end`` in the
statement file) and the offsets of the span inside that line. Rows are ordered by document,
then by the packet order of sentences, then as in the sheet, so the file is byte-stable.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.io import write_jsonl
from pipeline.quality.reliability import coders, read_rows, read_sample
from pipeline.quality.sheets import check_sheet

ADJUDICATED = "adjudicated"
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


def final_sheet(gold_dir: Path, doc_id: str, reliability: bool) -> tuple[Path, str]:
    """The sheet that is gold for a document and its annotator id."""
    sheets = Path(gold_dir) / "sheets"
    if reliability:
        path = sheets / ADJUDICATED / f"{doc_id}.jsonl"
        if not path.is_file():
            raise InputError(path, "missing: a reliability document needs an adjudicated sheet")
        return path, ADJUDICATED
    found = [c for c in coders(sheets) if (sheets / c / f"{doc_id}.jsonl").is_file()]
    if len(found) != 1:
        raise InputError(
            sheets / "*" / f"{doc_id}.jsonl",
            f"expected exactly one coder's sheet for a single-coded document, found {len(found)}"
            + (f" ({', '.join(found)})" if found else ""),
        )
    return sheets / found[0] / f"{doc_id}.jsonl", found[0]


def gold_rows(gold_dir: Path) -> list[dict]:
    """All gold rows of the sampled documents, in a fixed order."""
    gold_dir = Path(gold_dir)
    sample = read_sample(gold_dir / "sample.csv")
    out = []
    for doc_id in sorted(sample):
        info = sample[doc_id]
        sheet, annotator = final_sheet(gold_dir, doc_id, info["reliability"])
        packet_path = gold_dir / "packets" / f"{doc_id}.jsonl"
        problems = check_sheet(sheet, packet_path)
        if problems:
            raise InputError(sheet, f"invalid sheet ({len(problems)} problem(s)), first: {problems[0]}")
        packet = read_rows(packet_path)
        sentences = {r["sent_key"]: r for r in packet}
        order = {r["sent_key"]: i for i, r in enumerate(packet)}
        rows = [r for r in read_rows(sheet) if r["stance"] != "none"]
        for r in sorted(rows, key=lambda r: order[r["sent_key"]]):  # stable: sheet order within a sentence
            s = sentences[r["sent_key"]]
            at = s["start"] + s["text"].index(r["span"])
            out.append(
                {
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
            )
    return out


def build(gold_dir: Path, out: Path | None = None) -> list[dict]:
    """Write ``claims.jsonl`` (atomically) and return its rows."""
    rows = gold_rows(gold_dir)
    write_jsonl(out or Path(gold_dir) / "claims.jsonl", rows)
    return rows
