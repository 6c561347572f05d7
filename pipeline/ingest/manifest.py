"""The corpus folder: collections of source files, each listed in a ``manifest.jsonl``.

``corpus/manifest.jsonl`` lists the articles (collection ``articles``); every subfolder with
its own ``manifest.jsonl`` is a collection named after the folder (``corpus/ungd``: the UN
General Debate statements). A row names the file and its metadata; statements also name
their speaker. For ad-hoc files (``annotate``) a file named ``ISO3_SESSION_YEAR.txt`` (the
UNGDC convention) is taken as a statement of that state.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import jsonlines
import pycountry

from pipeline.errors import InputError
from pipeline.paths import check_doc_id

MANIFEST = "manifest.jsonl"
DEFAULT_COLLECTION = "articles"
# Document metadata a manifest row may carry (doc_id and file are the row's key and source).
MANIFEST_FIELDS = (
    "title",
    "authors",
    "date",
    "publisher",
    "series",
    "source",
    "licence",
    "collection",
    "speaker",
    "speaker_type",
    "speaker_name",
    "speaker_post",
    "session",
    "year",
    "citation",
)
OBSERVERS = {"EU": "the European Union"}  # speakers that are not states
STATEMENT_FILE = re.compile(r"^(?P<iso3>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})$")
UNGD_SOURCE = "UN General Debate Corpus (UNGDC), Harvard Dataverse, doi:10.7910/DVN/0TJX8Y"
UNGD_CITATION = [
    'Alexander Baturo, Niheer Dasandi and Slava Mikhaylov, "Understanding State Preferences With Text As Data: '
    'Introducing the UN General Debate Corpus", Research & Politics, 2017.',
    'Slava Jankin, Alexander Baturo and Niheer Dasandi, "Words to Unite Nations: The Complete UN General Debate '
    'Corpus, 1946-Present", Journal of Peace Research, 2024.',
]


@dataclass
class DocInput:
    path: Path
    doc_id: str
    meta: dict = field(default_factory=dict)

    @property
    def collection(self) -> str:
        return self.meta.get("collection") or DEFAULT_COLLECTION

    @property
    def speaker(self) -> Optional[str]:
        return self.meta.get("speaker")


def speaker_type(code: str) -> Optional[str]:
    """ "state" for an ISO 3166-1 alpha-3 code, "observer" for a known observer, else None."""
    if code in OBSERVERS:
        return "observer"
    return "state" if pycountry.countries.get(alpha_3=code) is not None else None


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def statement_meta(path: str | Path, country_name: Optional[str] = None) -> Optional[dict]:
    """Metadata of a statement file named ``ISO3_SESSION_YEAR.txt``; None for other names."""
    m = STATEMENT_FILE.match(Path(path).stem)
    if m is None or speaker_type(m["iso3"]) is None:
        return None
    code, session, year = m["iso3"], int(m["session"]), int(m["year"])
    country = pycountry.countries.get(alpha_3=code)
    name = country_name or OBSERVERS.get(code) or (country.name if country else code)
    return {
        "collection": "ungd",
        "speaker": code,
        "speaker_type": speaker_type(code),
        "session": session,
        "year": year,
        "title": f"Statement of {name} at the {ordinal(session)} session of the UN General Assembly",
        "publisher": "United Nations",
        "licence": "CC0-1.0",
        "source": UNGD_SOURCE,
        "citation": list(UNGD_CITATION),
    }


def _manifest_rows(manifest: Path) -> list[tuple[int, dict]]:
    try:
        with jsonlines.open(manifest) as reader:
            rows = []
            for n, row in enumerate(reader.iter(skip_empty=True), 1):
                if not isinstance(row, dict):
                    raise InputError(f"{manifest}:{n}", "a row must be a JSON object")
                rows.append((n, row))
            return rows
    except jsonlines.InvalidLineError as err:
        raise InputError(f"{manifest}:{err.lineno}", "invalid JSON") from None


def source_path(folder: Path, file: object, where: str, allow_outside: bool = False) -> Path:
    """The file a manifest row names, relative to the manifest's folder; one that lies outside
    it (an absolute path, ``..``) is refused unless ``allow_outside``."""
    if not isinstance(file, str) or "\x00" in file:
        raise InputError(where, f"file must be a path relative to {folder}, not {file!r}")
    path = folder / file
    if not allow_outside and (
        Path(file).is_absolute() or not os.path.normpath(path).startswith(os.path.normpath(folder) + os.sep)
    ):
        raise InputError(where, f"file {file!r} lies outside {folder}; pass --allow-outside to read it")
    return path


def read_collection(folder: Path, collection: str, seen: set[str], allow_outside: bool = False) -> list[DocInput]:
    manifest = folder / MANIFEST
    inputs = []
    for line_no, row in _manifest_rows(manifest):
        missing = [k for k in ("doc_id", "file") if not row.get(k)]
        if missing:
            raise InputError(f"{manifest}:{line_no}", f"missing field(s) {', '.join(missing)}")
        check_doc_id(row["doc_id"], f"{manifest}:{line_no}")
        if row["doc_id"] in seen:
            raise InputError(f"{manifest}:{line_no}", f"duplicate doc_id {row['doc_id']!r}")
        seen.add(row["doc_id"])
        path = source_path(folder, row["file"], f"{manifest}:{line_no}", allow_outside)
        if path.is_dir():
            raise InputError(f"{manifest}:{line_no}", f"file {row['file']!r} in {folder} is a directory")
        if not path.is_file() and not path.is_symlink():
            raise InputError(f"{manifest}:{line_no}", f"file {row['file']!r} not found in {folder}")
        # A broken or looping link is listed; read_source names what is wrong with it.
        meta = {k: row.get(k) for k in MANIFEST_FIELDS}
        meta["collection"] = row.get("collection") or collection
        inputs.append(DocInput(path, row["doc_id"], meta))
    return inputs


def collections(corpus_dir: str | Path) -> dict[str, Path]:
    """Collection name -> folder holding its manifest."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise InputError(corpus_dir, "no corpus folder here (run from the repository root, or give --corpus)")
    found = {DEFAULT_COLLECTION: corpus_dir} if (corpus_dir / MANIFEST).is_file() else {}
    for sub in sorted(p for p in corpus_dir.iterdir() if p.is_dir() and (p / MANIFEST).is_file()):
        found[sub.name] = sub
    return found


def read_manifest(
    corpus_dir: str | Path, only: Optional[list[str]] = None, allow_outside: bool = False
) -> list[DocInput]:
    """Every document of the corpus (or of the collections named in ``only``), in manifest order."""
    corpus_dir = Path(corpus_dir)
    found = collections(corpus_dir)
    if not found:
        raise InputError(corpus_dir / MANIFEST, "manifest not found; every corpus document needs a manifest row")
    for name in only or []:
        if name not in found:
            raise InputError(corpus_dir, f"no collection {name!r}; the corpus has {', '.join(found)}")
    inputs: list[DocInput] = []
    seen: set[str] = set()
    for name, folder in found.items():
        if only is None or name in only:
            inputs += read_collection(folder, name, seen, allow_outside)
    return inputs


def unlisted_files(corpus_dir: str | Path, inputs: list[DocInput]) -> list[Path]:
    from pipeline.ingest.sources import SUFFIXES

    listed = {i.path.resolve() for i in inputs}
    folders = {i.path.parent.resolve() for i in inputs} | {Path(corpus_dir).resolve()}
    return sorted(
        p
        for d in folders
        for p in d.iterdir()
        if p.suffix.lower() in SUFFIXES and p.resolve() not in listed and p.name != "README.md"
    )


def inputs_from_paths(paths: Sequence[str | Path], speaker: Optional[str] = None) -> list[DocInput]:
    """Ad-hoc files (``annotate``): the doc_id is the file stem; metadata comes from the header.
    A file named ``ISO3_SESSION_YEAR.txt`` is a statement of that state; ``speaker`` makes a
    single file a statement of the given state."""
    if speaker is not None and speaker_type(speaker) is None:
        raise InputError(speaker, "--speaker must be an ISO 3166-1 alpha-3 code (or EU)")
    if speaker is not None and len(paths) != 1:
        raise InputError(
            paths[0] if paths else "--speaker", "--speaker names the speaker of one file; use --manifest for several"
        )
    inputs, seen = [], set()
    for p in paths:
        path = Path(p)
        doc_id = check_doc_id(path.stem, path)
        if doc_id in seen:
            raise InputError(path, f"two input files share the doc_id {doc_id!r}")
        seen.add(doc_id)
        meta = statement_meta(path) or {}
        if speaker is not None:
            meta = {
                **meta,
                "collection": meta.get("collection") or "statements",
                "speaker": speaker,
                "speaker_type": speaker_type(speaker),
            }
        inputs.append(DocInput(path, doc_id, meta))
    return inputs


def inputs_from_manifest(manifest: str | Path, allow_outside: bool = False) -> list[DocInput]:
    """``annotate --manifest FILE``: a JSONL manifest; ``file`` is relative to its folder."""
    manifest = Path(manifest)
    if not manifest.is_file():
        raise InputError(manifest, "manifest not found")
    inputs: list[DocInput] = []
    seen: set[str] = set()
    for line_no, row in _manifest_rows(manifest):
        if not row.get("file"):
            raise InputError(f"{manifest}:{line_no}", "missing field file")
        path = source_path(manifest.parent, row["file"], f"{manifest}:{line_no}", allow_outside)
        if not path.is_file():
            raise InputError(f"{manifest}:{line_no}", f"file {row['file']!r} not found in {manifest.parent}")
        given = row.get("doc_id")
        doc_id = check_doc_id(path.stem if given is None or given == "" else given, f"{manifest}:{line_no}")
        if doc_id in seen:
            raise InputError(f"{manifest}:{line_no}", f"duplicate doc_id {doc_id!r}")
        seen.add(doc_id)
        meta = {**(statement_meta(path) or {}), **{k: row[k] for k in MANIFEST_FIELDS if row.get(k) is not None}}
        if meta.get("speaker") and speaker_type(meta["speaker"]) is None:
            raise InputError(f"{manifest}:{line_no}", f"speaker {meta['speaker']!r} is not an ISO3 code (or EU)")
        if meta.get("speaker") and not meta.get("speaker_type"):
            meta["speaker_type"] = speaker_type(meta["speaker"])
        inputs.append(DocInput(path, doc_id, meta))
    return inputs
