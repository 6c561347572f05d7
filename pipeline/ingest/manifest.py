"""The corpus folder: source files listed in ``manifest.jsonl`` with their metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError

MANIFEST = "manifest.jsonl"
MANIFEST_FIELDS = ("doc_id", "file", "title", "authors", "date", "publisher", "series", "source", "licence")


@dataclass
class DocInput:
    path: Path
    doc_id: str
    meta: dict = field(default_factory=dict)


def read_manifest(corpus_dir: str | Path) -> list[DocInput]:
    corpus_dir = Path(corpus_dir)
    manifest = corpus_dir / MANIFEST
    if not manifest.is_file():
        raise InputError(manifest, "manifest not found; every corpus document needs a manifest row")
    inputs, seen = [], set()
    for line_no, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{manifest}:{line_no}", f"invalid JSON ({err.msg})") from None
        missing = [k for k in ("doc_id", "file") if not row.get(k)]
        if missing:
            raise InputError(f"{manifest}:{line_no}", f"missing field(s) {', '.join(missing)}")
        if row["doc_id"] in seen:
            raise InputError(f"{manifest}:{line_no}", f"duplicate doc_id {row['doc_id']!r}")
        seen.add(row["doc_id"])
        path = corpus_dir / row["file"]
        if path.is_dir():
            raise InputError(f"{manifest}:{line_no}", f"file {row['file']!r} in {corpus_dir} is a directory")
        if not path.is_file() and not path.is_symlink():
            raise InputError(f"{manifest}:{line_no}", f"file {row['file']!r} not found in {corpus_dir}")
        # A broken or looping link is listed; read_source names what is wrong with it.
        inputs.append(DocInput(path, row["doc_id"], {k: row.get(k) for k in MANIFEST_FIELDS if k not in ("doc_id", "file")}))
    return inputs


def unlisted_files(corpus_dir: str | Path, inputs: list[DocInput]) -> list[Path]:
    from pipeline.ingest.sources import SUFFIXES

    listed = {i.path.resolve() for i in inputs}
    return sorted(p for p in Path(corpus_dir).iterdir()
                  if p.suffix.lower() in SUFFIXES and p.resolve() not in listed and p.name != "README.md")


def inputs_from_paths(paths: list[str | Path]) -> list[DocInput]:
    """Ad-hoc files (``annotate``): the doc_id is the file stem; metadata comes from the header."""
    inputs, seen = [], set()
    for p in paths:
        path = Path(p)
        doc_id = path.stem
        if doc_id in seen:
            raise InputError(path, f"two input files share the doc_id {doc_id!r}")
        seen.add(doc_id)
        inputs.append(DocInput(path, doc_id))
    return inputs
