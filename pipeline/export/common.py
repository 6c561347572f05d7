"""What every interchange format shares: the layers read with filters, checked, and cut into units.

``load_corpus`` reads ``documents``, ``sentences``, ``entities`` and one claim layer (``auto``:
``claims.jsonl``; ``gold``: ``gold/claims.jsonl``), keeps the documents chosen by
``collection`` and ``doc_ids``, and checks every span against its document's text, so an
exporter never writes an offset that does not point at its text. A bad record stops the
export with one line naming the file, the line and the problem (``ExportError``).

A claim *row* is one (claim, actor, target) line of a claim layer; ``row_id`` names it. The
review formats (Label Studio, Prodigy, doccano) cut a document into paragraph tasks;
``paragraph_units`` yields each paragraph with the mentions and claim rows inside it.

Offsets in the layers are Python code points. ``utf16_offsets``/``codepoint_offset`` convert for
tools that count UTF-16 code units (JavaScript string indices), e.g. doccano.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pipeline.errors import expected
from pipeline.io import LayerReadError, read_jsonl, write_text
from pipeline.layers import require_layers
from pipeline.paths import doc_id_problem

# Claim layers: the automatic layer, gold, and a machine-coded layer (none is built yet: empty).
LAYERS = ("auto", "gold", "machine")
STANCE_LABELS = ("support", "oppose", "neutral")
ROLE_LABELS = ("actor", "target")


@expected
class ExportError(ValueError):
    """Input an exporter or importer refuses; ``str()`` is one line naming the file."""


@dataclass
class DocBundle:
    doc: dict
    sentences: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.doc["doc_id"]

    @property
    def text(self) -> str:
        return self.doc["text"]


def collection_of(doc: dict) -> str:
    """The collection a document belongs to: its ``collection`` field, else its publisher."""
    return doc.get("collection") or doc.get("publisher") or "unknown"


def year_of(doc: dict) -> Optional[str]:
    date = doc.get("date")
    return date[:4] if date else None


def row_id(claim: dict) -> str:
    return f"{claim['claim_id']}|{claim['actor']}|{claim['target']}"


def read_records(path: Path, rows: Optional[Iterable] = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) of a JSONL file (``rows``: its rows, read already); a missing file,
    a bad line or a line that is not an object is one error naming the file."""
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    try:
        for n, rec in enumerate(read_jsonl(path) if rows is None else rows, 1):
            if not isinstance(rec, dict):
                raise ExportError(f"{path}:{n}: a line must be a JSON object")
            yield n, rec
    except (ExportError, LayerReadError):
        raise
    except Exception as err:  # a row that is not what the layer holds
        raise ExportError(f"{path}: not valid JSONL ({err})") from None


def _check_span(path: Path, n: int, rec: dict, text: str, what: str) -> None:
    start, end = rec.get("start"), rec.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        raise ExportError(f"{path}:{n}: {what}: offsets {start}..{end} outside the text ({len(text)} characters)")
    if text[start:end] != rec.get("text"):
        raise ExportError(f"{path}:{n}: {what}: text {rec.get('text')!r} is not the document's text at {start}..{end}")


def _coded_rows(path: Optional[Path]) -> Iterator[tuple[Path, int, dict]]:
    """The rows of a coded claim layer (gold or machine-coded), where the folder has one."""
    if path is not None:
        for n, rec in read_records(path):
            yield path, n, rec


def load_corpus(
    ann: str | Path, layer: str = "auto", collection: Optional[str] = None, doc_ids: Optional[Iterable[str]] = None
) -> list[DocBundle]:
    """The chosen documents of every collection under ``ann`` (``pipeline.layers``) with their
    sentences, entities and claim rows, in layer order. An empty selection is an error."""
    ann = Path(ann)
    if layer not in LAYERS:
        raise ExportError(f"layer must be one of {', '.join(LAYERS)}, not {layer!r}")
    wanted = set(doc_ids) if doc_ids is not None else None
    bundles: dict[str, DocBundle] = {}
    known: set[str] = set()
    named: set[str] = set()
    for folder in require_layers(ann):
        local: dict[str, DocBundle] = {}
        for n, doc in read_records(folder.path("documents"), folder.documents()):
            problem = doc_id_problem(doc.get("doc_id"))
            if problem:  # an id names files (brat, WebAnno): refused where it is read
                raise ExportError(f"{folder.path('documents')}:{n}: {problem}")
            known.add(doc["doc_id"])
            named.add(collection_of(doc))
            if wanted is not None and doc["doc_id"] not in wanted:
                continue
            if collection is not None and collection_of(doc) != collection:
                continue
            local[doc["doc_id"]] = bundles[doc["doc_id"]] = DocBundle(doc)
        if not local:
            continue
        sources: list[tuple[str, Iterable[tuple[Path, int, dict]]]] = [
            (attr, ((folder.path(name), n, r) for n, r in read_records(folder.path(name))))
            for name, attr in (("sentences", "sentences"), ("entities", "entities"))
        ]
        if layer == "auto":
            sources.append(("claims", ((folder.path("claims"), n, r) for n, r in read_records(folder.path("claims")))))
        for attr, rows in sources:
            for path, n, rec in rows:
                _add(local, attr, path, n, rec)
        if layer in ("gold", "machine"):
            for path, n, rec in _coded_rows(folder.gold_claims if layer == "gold" else folder.machine_claims):
                _add(local, "claims", path, n, rec)
    if wanted is not None and wanted - known:
        raise ExportError(f"{ann / 'documents.jsonl'}: no document {', '.join(sorted(wanted - known))}")
    if not bundles:
        which = f"collection {collection!r}" if collection is not None else "the selection"
        raise ExportError(f"{ann}: no document in {which} (collections: {', '.join(sorted(named)) or 'none'})")
    return list(bundles.values())


def _add(bundles: dict[str, DocBundle], attr: str, path: Path, n: int, rec: dict) -> None:
    bundle = bundles.get(rec.get("doc_id") or "")
    if bundle is None:
        return
    what = rec.get("claim_id") or rec.get("ent_id") or rec.get("sent_id") or "record"
    _check_span(path, n, rec, bundle.text, what)
    getattr(bundle, attr).append(rec)


@dataclass
class Unit:
    """A piece of one document (a paragraph) with the mentions and claim rows inside it."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    entities: list[dict]
    claims: list[dict]


def paragraph_units(bundle: DocBundle) -> list[Unit]:
    """One unit per paragraph; a claim goes with the paragraph of its sentence."""
    sent_par = {s["sent_id"]: s["paragraph"] for s in bundle.sentences}
    units = [
        Unit(bundle.doc_id, i, p["start"], p["end"], bundle.text[p["start"] : p["end"]], [], [])
        for i, p in enumerate(bundle.doc["paragraphs"])
    ]
    for e in bundle.entities:
        units[sent_par[e["sent_id"]]].entities.append(e)
    for c in bundle.claims:
        units[sent_par[c["sent_id"]]].claims.append(c)
    return units


def utf16_offsets(text: str) -> list[int]:
    """``out[i]`` is the UTF-16 code-unit index of code point ``i`` (``out[len(text)]`` the length)."""
    out, n = [0], 0
    for ch in text:
        n += 2 if ord(ch) > 0xFFFF else 1
        out.append(n)
    return out


def codepoint_offset(text: str, utf16: int) -> int:
    """The code-point index of a UTF-16 code-unit index; one inside a surrogate pair is an error."""
    table = utf16_offsets(text)
    lo, hi = 0, len(table) - 1
    while lo <= hi:  # the table is strictly increasing: binary search
        mid = (lo + hi) // 2
        if table[mid] == utf16:
            return mid
        if table[mid] < utf16:
            lo = mid + 1
        else:
            hi = mid - 1
    raise ExportError(f"UTF-16 offset {utf16} falls inside a character or past the text")


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: a string that begins like a formula gets a
    leading ``'`` (which spreadsheets hide); numbers and other values pass unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps(obj, indent: Optional[int] = None) -> str:
    """Deterministic JSON (sorted keys are not used: field order is part of each format)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent, separators=(",", ": ") if indent else (", ", ": "))


def write_json(path: str | Path, obj) -> None:
    write_text(path, dumps(obj, indent=1) + "\n")


def counts(bundles: list[DocBundle], **extra: int) -> dict[str, int]:
    """What the CLI prints after an export."""
    out = {
        "documents": len(bundles),
        "entities": sum(len(b.entities) for b in bundles),
        "claim_rows": sum(len(b.claims) for b in bundles),
    }
    out.update(extra)
    return out


_NLP = None


def blank_nlp():
    """A blank English pipeline with the project's tokenizer (a footnote marker ``[7]`` is one token)."""
    global _NLP
    if _NLP is None:
        import spacy

        import pipeline.nlp.language  # noqa: F401  registers the project's tokenizer

        _NLP = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "stance_corpus.marker_tokenizer.v1"}}})
    return _NLP


def token_bounds(doc, start: int, end: int) -> tuple[int, int]:
    """First and last (inclusive) token of a character span; the span widens to token edges."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ExportError(f"no token covers characters {start}..{end}")
    return span.start, span.end - 1
