"""Run the stages over documents: the pipeline, its fingerprint and the per-document cache.

Each document is read and cleaned (``ingest``), its footnotes resolved, and the cleaned
text streamed through the configured spaCy pipeline as one Doc (a text longer than
``Settings.chunk_chars`` in pieces of whole paragraphs: the claim rules compare every
sentence with every mention of its Doc, so one huge Doc costs the square of its length).
Documents go through ``nlp.pipe`` in groups, each inside ``nlp.memory_zone()`` so the
StringStore does not grow.

Each document's serialised rows are stored in a cache folder (``<out>/.cache/``) under a key
made of the source file's hash, its manifest row and the pipeline fingerprint (config, model,
data files, code): a rebuild annotates only documents whose key changed, and a killed build
resumes where it stopped. ``write_layers`` merges the cached rows in manifest order, so the
layers are the same bytes whichever executor (``pipeline.executors``) ran the NLP stage.

Publishing what a build generates (the staged output folder, the gold files, the Parquet
export, ``build.json``) is ``pipeline.publish``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language

import pipeline
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.manifest import MANIFEST_FIELDS, DocInput
from pipeline.ingest.sources import read_source
from pipeline.io import (
    LAYERS,
    LayerWriter,
    _ClosingText,
    dumps,
    file_sha256,
    publish,
    temp_beside,
)
from pipeline.nlp.language import load_nlp, model_info
from pipeline.nlp.segment import DocContext, chunk_bounds, doc_records
from pipeline.schema import Claim, Document, Entity, Sentence, to_dict
from pipeline.settings import Settings


def claims_system(nlp: Language) -> str:
    """The system that makes the claim rows: the stance model that relabels them (``claim_stance``
    with a model), else the claim encoder's mode (``paths.claims_system``: rules, model, combined)."""
    names = nlp.pipe_names
    stance = getattr(nlp.get_pipe("claim_stance"), "model", None) if "claim_stance" in names else None
    if stance is not None:
        return stance.name
    return getattr(nlp.get_pipe("claim_encoder"), "mode", "rules") if "claim_encoder" in names else "rules"


class Annotator:
    """Holds the loaded pipeline; ``annotate(doc_input)`` returns one document's records."""

    def __init__(self, settings: Settings | None = None, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp or load_nlp(self.settings)
        self.debris = load_debris_patterns(self.settings.debris_path)
        linker: Any = self.nlp.get_pipe("country_linker")
        self.kb = linker.kb
        engine = self.nlp.meta.get("engine", {"name": "spacy"})
        base = model_info(self.nlp)
        self.produced_by = {
            "pipeline": "stance-corpus",
            "version": pipeline.__version__,
            "spacy": base["spacy"],
            "model": {"name": base["name"], "version": base["version"]},
            "components": self.nlp.pipe_names,
            "kb_sha256": self.kb.sha256,
            "claims": claims_system(self.nlp),
            **engine.get("produced_by", {}),
        }

    def prepare(self, item: DocInput) -> "Prepared":
        """Stages 1-3 for one document: its Document record and what the NLP stage needs."""
        s = self.settings
        cleaned = clean(read_source(item.path), self.debris)
        footnotes, problems = link_footnotes(cleaned, strict=s.strict_footnotes)
        meta: dict[str, Any] = {k: item.meta.get(k) for k in MANIFEST_FIELDS}
        for k in ("title", "authors", "date", "series"):  # the manifest first, else the text's header
            if not meta.get(k):
                meta[k] = cleaned.header.get(k)
        meta.update(authors=meta["authors"] or [], citation=meta["citation"] or [], collection=item.collection)
        text = cleaned.text
        document = Document(
            doc_id=item.doc_id,
            **meta,
            text=text,
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            offset_unit="codepoint",
            sections=cleaned.sections,
            paragraphs=cleaned.paragraphs,
            footnotes=footnotes,
            header=cleaned.header,
            removed_lines=cleaned.removed_lines,
            problems=problems,
            produced_by=self.produced_by,
        )
        ctx = DocContext(item.doc_id, cleaned.sections, cleaned.paragraphs, footnotes, s.entity_labels)
        return Prepared(document, ctx, chunk_bounds(text, min(self.nlp.max_length, s.chunk_chars)))

    def chunk_records(self, inputs: Iterable[DocInput]) -> Iterator[ChunkRecords]:
        """The records of every piece of every document, in input order, as each piece leaves
        the pipeline: a long document is never held as records all at once."""
        items = iter(inputs)
        index = 0
        while group := [self.prepare(item) for item in islice(items, self.settings.docs_per_zone)]:
            with self.nlp.memory_zone():
                seen = [[0, 0, 0] for _ in group]  # pieces, sentences, entities so far
                for doc, (k, base, piece) in self._pipe(self._pieces(group)):
                    pieces, n_sents, n_ents = seen[k]
                    sents, ents, claims = doc_records(doc, group[k].ctx, base, n_sents, n_ents, text=piece)
                    seen[k] = [pieces + 1, n_sents + len(sents), n_ents + len(ents)]
                    last = pieces + 1 == len(group[k].chunks)
                    yield ChunkRecords(index + k, group[k].document, pieces == 0, last, sents, ents, claims)
            index += len(group)

    def _pieces(self, group: list[Prepared]) -> Iterator[tuple[Any, tuple[int, int, str], int]]:
        """Each piece of each document as (a Doc to run, (the document's place in the group, the
        piece's start, its text), its length): the piece's text is cut once, for both."""
        for k, p in enumerate(group):
            for a, b in p.chunks:
                piece = p.document.text[a:b]
                yield self._make_doc(piece, p.document.speaker), (k, a, piece), len(piece)

    def _pipe(self, texts: Iterable[tuple[Any, Any, int]]) -> Iterator[tuple[Any, Any]]:
        """``nlp.pipe`` over batches of at most ``batch_size`` Docs and ``batch_chars`` characters
        (each item: a Doc, its context and its length in characters, which ``doc.text`` would
        rebuild token by token)."""
        s = self.settings
        batch: list[tuple[Any, Any]] = []
        size = 0
        for item in chain(texts, [None]):  # lazily: a piece is tokenized when its batch comes
            if batch and (item is None or len(batch) == s.batch_size or size + item[2] > s.batch_chars):
                yield from self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
                batch, size = [], 0
            if item is not None:
                batch.append(item[:2])
                size += item[2]

    def annotate_stream(self, inputs: Iterable[DocInput]) -> Iterator[Records]:
        """Each document's records, in input order."""
        rows: tuple[list, list, list] = ([], [], [])
        for piece in self.chunk_records(inputs):
            rows[0].extend(piece.sentences)
            rows[1].extend(piece.entities)
            rows[2].extend(piece.claims)
            if piece.last:
                yield piece.document, *rows
                rows = ([], [], [])

    def _make_doc(self, text: str, speaker):
        # A statement's speaker is what first-person phrases refer to (claim_rules reads it).
        doc = self.nlp.make_doc(text)
        doc._.speaker = speaker
        return doc

    def annotate(self, item: DocInput) -> Records:
        return next(self.annotate_stream([item]))


@dataclass(frozen=True)
class ChunkRecords:
    """The records of one piece of a document (``index``: the document's place in the input)."""

    index: int
    document: Document
    first: bool
    last: bool
    sentences: list[Sentence]
    entities: list[Entity]
    claims: list[Claim]


@dataclass(frozen=True)
class Prepared:
    document: Document
    ctx: DocContext
    chunks: list[tuple[int, int]]


Records = tuple[Document, list[Sentence], list[Entity], list[Claim]]


CACHE_DIR = ".cache"
# Code whose change can change the rows: part of the pipeline fingerprint.
_CODE = ("build.py", "io.py", "schema.py", "settings.py", "ingest", "nlp")


# ---------------------------------------------------------------- keys


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


def _files_digest(paths: Iterable[Path], root: Path) -> list[tuple[str, str]]:
    return [(p.relative_to(root).as_posix(), file_sha256(p)) for p in sorted(paths) if p.is_file()]


def _path_digest(value: Any) -> Any:
    """A setting that names a file or folder stands for its content."""
    if isinstance(value, (str, Path)) and str(value) and Path(value).exists():
        p = Path(value)
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
        return {"path_content": _files_digest(files, p if p.is_dir() else p.parent)}
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _model_digest(model: str) -> Any:
    """The base model's meta.json (name, version, sources): found without importing spaCy."""
    import importlib.util

    if Path(model).is_dir():
        folder = Path(model)
    else:
        spec = importlib.util.find_spec(model)
        if spec is None or not spec.submodule_search_locations:
            return model
        folder = Path(list(spec.submodule_search_locations)[0])
    metas = sorted(folder.glob("meta.json")) or sorted(folder.glob("*/meta.json"))
    return [_sha(m.read_bytes()) for m in metas[:1]] or model


def pipeline_fingerprint(settings: Settings) -> str:
    """What besides a document decides its rows: settings, the pipeline config, the model, the
    data files and the code. Computed without loading the pipeline (a no-op build is fast)."""
    from pipeline.nlp.language import CONFIG_PATH

    package = Path(pipeline.__file__).parent
    code = [
        p for name in _CODE for p in ((package / name).rglob("*.py") if (package / name).is_dir() else [package / name])
    ]
    state = {
        "version": pipeline.__version__,
        "settings": {
            "spacy_model": settings.spacy_model,
            "engine": settings.engine,
            "strict_footnotes": settings.strict_footnotes,
            "chunk_chars": settings.chunk_chars,
            "entity_labels": sorted(settings.entity_labels),
            "debris": _path_digest(settings.debris_path),
            "engine_options": {k: _path_digest(v) for k, v in sorted(settings.engine_options.items())},
            "config_overrides": {k: _path_digest(v) for k, v in sorted(settings.config_overrides.items())},
        },
        "config": _sha(CONFIG_PATH.read_bytes()),
        "model": _model_digest(settings.spacy_model),
        "data": _files_digest((package / "data").rglob("*"), package),
        "code": _files_digest(code, package),
    }
    return _sha(json.dumps(state, sort_keys=True, default=str))


def document_key(item: DocInput, fingerprint: str) -> str:
    """The cache key of one document: its source bytes, its manifest row and the pipeline."""
    from pipeline.errors import InputError

    try:
        source = file_sha256(item.path)
    except OSError as err:
        raise InputError(item.path, f"cannot read ({err.strerror or err})") from None
    row = json.dumps({"doc_id": item.doc_id, "meta": item.meta}, sort_keys=True, default=str)
    return _sha(fingerprint, source, row)


# ---------------------------------------------------------------- the per-document cache


def _cache_file(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json.gz"


class CacheWriter:
    """One document's rows into its cache entry as they come, piece by piece: a gzip text file
    whose first line is ``{"key", "doc_id"}`` and every further line ``<layer number> <row>``.
    Written beside its place and renamed when complete (a killed build leaves no part)."""

    def __init__(self, cache_dir: Path, key: str, document: Document):
        self.path = _cache_file(cache_dir, key)
        self.tmp = temp_beside(self.path)
        self._fh = _ClosingText(
            gzip.GzipFile(filename="", mode="wb", fileobj=open(self.tmp, "wb"), compresslevel=1, mtime=0)
        )
        self._fh.write(json.dumps({"key": key, "doc_id": document.doc_id}, ensure_ascii=False) + "\n")
        self.add(0, [document])

    def add(self, layer: int, rows: Iterable) -> None:
        self._fh.write("".join(f"{layer} {dumps(to_dict(r))}\n" for r in rows))

    def add_records(self, sentences: list, entities: list, claims: list) -> None:
        for layer, rows in enumerate((sentences, entities, claims), 1):
            self.add(layer, rows)

    def commit(self) -> None:
        self._fh.close()
        publish(self.tmp, self.path)

    def abort(self) -> None:
        self._fh.close()
        self.tmp.unlink(missing_ok=True)


def store_result(cache_dir: Path, key: str, records: Records) -> None:
    """Write one document's rows into the cache."""
    writer = CacheWriter(cache_dir, key, records[0])
    try:
        writer.add_records(*records[1:])
        writer.commit()
    except BaseException:
        writer.abort()
        raise


def cached_lines(cache_dir: Path, key: str) -> Iterator[tuple[str, str]]:
    """``(layer, line)`` of one document's cached rows, in the order they were written."""
    with gzip.open(_cache_file(cache_dir, key), "rt", encoding="utf-8", newline="\n") as fh:
        next(fh)  # the entry's key and doc_id
        for line in fh:
            number, _, row = line.partition(" ")
            yield LAYERS[int(number)], row


def prune_cache(cache_dir: Path, live: set[str]) -> int:
    """Remove the cache entries whose key is not in ``live`` (and temporary files); returns how
    many. Keeps the cache as large as one build's rows, whatever ran before."""
    gone = 0
    for entry in cache_dir.rglob("*") if cache_dir.is_dir() else []:
        stale = entry.name.endswith(".tmp") or (
            entry.name.endswith(".json.gz") and entry.name[: -len(".json.gz")] not in live
        )
        if stale and entry.is_file():
            entry.unlink()
            gone += 1
    return gone


def write_layers(
    keys: Sequence[str],
    cache_dir: Path,
    out_dir: Path,
    compress: bool,
    first: dict[str, tuple[str, int]] | None = None,
) -> dict[str, int]:
    """Merge the cached rows of the documents ``keys`` name (in their order) into the four layers
    of ``out_dir``, after the rows in ``first`` (layer -> text, count) where given."""
    with LayerWriter(out_dir, compress=compress) as writer:
        for layer, (text, count) in (first or {}).items():
            writer.write_lines(layer, text, count)
        for key in keys:
            for layer, line in cached_lines(cache_dir, key):
                writer.write_lines(layer, line, 1)
        writer.commit()
    return writer.counts
