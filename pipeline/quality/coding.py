"""A coding folder: the statements of one coded set, their packets and the coders' sheets.

Three sets share this layout (``annotations/gold/ungd/CODING.md``): the gold sample
(``annotations/gold/ungd``), the sealed test (``annotations/gold/ungd/sealed``) and the
machine-coded layer (``annotations/machine/ungd``)::

    sample.csv            doc_id, split (dev | eval | test), reliability (yes | no)[, primary]
    packets/<doc>.jsonl   the candidate packets
    plain/<doc>.jsonl     optional: every sentence, for a pass coded from the plain text
    sheets/<coder>/       one sheet per document; a coder is a folder with a CODER.md
    sheets/adjudicated/   the final sheet of a document coded more than once, where adjudicated

A document's final sheet is its adjudicated sheet where there is one, else the sheet of the
``primary`` coder named in ``sample.csv`` (the first of two blind codings), else its only sheet.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Optional

from pipeline.errors import InputError
from pipeline.io import checked_rows

ADJUDICATED = "adjudicated"
SPLITS = ("dev", "eval", "test")


def read_rows(path: Path) -> list[dict]:
    """The JSON rows of a packet or sheet; a bad line is one error naming file and line."""
    rows = []
    for n, row, problem in checked_rows(Path(path).read_text(encoding="utf-8").split("\n")):
        if problem:
            raise InputError(f"{path}:{n}", problem)
        rows.append(row)
    return rows


def read_sample(path: Path) -> dict[str, dict]:
    """``doc_id -> {split, reliability, primary}`` from ``sample.csv`` (other columns are not read)."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"doc_id", "split", "reliability"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}")
        out = {}
        for r in reader:
            if r["split"] not in SPLITS or r["reliability"] not in ("yes", "no"):
                raise InputError(path, f"{r['doc_id']}: split must be {'|'.join(SPLITS)} and reliability yes|no")
            out[r["doc_id"]] = {
                "split": r["split"],
                "reliability": r["reliability"] == "yes",
                "primary": r.get("primary") or None,
            }
    return out


def coders(sheets_dir: Path) -> list[str]:
    """Coder ids: the folders of ``sheets_dir`` that hold a ``CODER.md``."""
    return sorted(p.parent.name for p in Path(sheets_dir).glob("*/CODER.md"))


class CodingFolder:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.sample = read_sample(self.root / "sample.csv")
        self.coders = coders(self.root / "sheets")

    def packet_path(self, doc_id: str) -> Path:
        return self.root / "packets" / f"{doc_id}.jsonl"

    def packet(self, doc_id: str) -> list[dict]:
        """The packet's rows; where a plain packet exists, every sentence of it in order, each
        with the names and candidates of the candidate packet (so a sheet of either pass and
        the adjudicated sheet check against one packet)."""
        path = self.packet_path(doc_id)
        if not path.is_file():
            raise InputError(path, f"packet missing for {doc_id}")
        rows = read_rows(path)
        plain = self.root / "plain" / f"{doc_id}.jsonl"
        if not plain.is_file():
            return rows
        found = {r["sent_key"]: r for r in rows}
        return [found.get(r["sent_key"], r) for r in read_rows(plain)]

    def sheets(self, doc_id: str) -> dict[str, Path]:
        """Each coder's sheet of a document (adjudicated sheets are no coder's)."""
        paths = {c: self.root / "sheets" / c / f"{doc_id}.jsonl" for c in self.coders}
        return {c: p for c, p in paths.items() if p.is_file()}

    def _adjudicated_path(self, doc_id: str) -> Path:
        return self.root / "sheets" / ADJUDICATED / f"{doc_id}.jsonl"

    def adjudicated_sheet(self, doc_id: str) -> Optional[Path]:
        """The document's adjudicated sheet, if it has one."""
        path = self._adjudicated_path(doc_id)
        return path if path.is_file() else None

    def final_sheet(self, doc_id: str) -> tuple[Path, str]:
        """The sheet that is final for a document and its annotator id."""
        adjudicated = self._adjudicated_path(doc_id)
        info = self.sample[doc_id]
        if adjudicated.is_file():
            return adjudicated, ADJUDICATED
        if info["reliability"] and not info["primary"]:
            raise InputError(adjudicated, "missing: a reliability document needs an adjudicated sheet")
        found = self.sheets(doc_id)
        primary: Optional[str] = info["primary"]
        if primary:
            if primary not in found:
                raise InputError(
                    self.root / "sheets" / primary / f"{doc_id}.jsonl", "missing: the primary coder's sheet"
                )
            return found[primary], primary
        if len(found) != 1:
            raise InputError(
                self.root / "sheets" / "*" / f"{doc_id}.jsonl",
                f"expected exactly one coder's sheet for a single-coded document, found {len(found)}"
                + (f" ({', '.join(found)})" if found else ""),
            )
        coder, path = next(iter(found.items()))
        return path, coder
