"""Run the stages over documents and write the layers.

Each document is read and cleaned (``ingest``), its footnotes resolved, and the cleaned
text streamed through the configured spaCy pipeline as one Doc (a text longer than
``nlp.max_length`` in pieces cut at paragraph breaks). Documents go through ``nlp.pipe`` in
groups, each inside ``nlp.memory_zone()`` so the StringStore does not grow.

Where the NLP stage runs is an executor (``pipeline.executors``: this process, a process
pool, Dask). Each document's serialised rows are stored in a cache folder
(``<out>/.cache/``) under a key made of the source file's hash, its manifest row and the
pipeline fingerprint (config, model, data files, code): a rebuild annotates only documents
whose key changed, and a killed build resumes where it stopped. The layers are then merged
from the cache in manifest order, so they are the same bytes whichever executor ran.

``build_corpus`` writes every generated file of a build (the layers of every collection, the
gold files, the Parquet export) into a staging copy of the output folder, ends with
``build.json`` (each generated file's sha256; ``stance-corpus audit`` checks them) and swaps
the copy in with one rename, so a kill leaves the old complete output or the new one. On an
unchanged corpus it writes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language
from tqdm import tqdm

import pipeline
from pipeline.executors import Job
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.manifest import DEFAULT_COLLECTION, MANIFEST_FIELDS, DocInput
from pipeline.ingest.sources import read_source
from pipeline.io import (
    BUILD_FILE,
    LAYERS,
    LayerWriter,
    atomic_path,
    check_build_files,
    dumps,
    file_sha256,
    read_build_state,
    recover_tree,
    staged_tree,
    write_text,
)
from pipeline.nlp.language import load_nlp, model_info
from pipeline.nlp.segment import DocContext, chunk_bounds, doc_records
from pipeline.schema import Claim, Document, Entity, Sentence, to_dict
from pipeline.settings import Settings


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
        stance = (
            getattr(self.nlp.get_pipe("claim_stance"), "model", None) if "claim_stance" in self.nlp.pipe_names else None
        )
        self.produced_by = {
            "pipeline": "stance-corpus",
            "version": pipeline.__version__,
            "spacy": base["spacy"],
            "model": {"name": base["name"], "version": base["version"]},
            "components": self.nlp.pipe_names,
            "kb_sha256": self.kb.sha256,
            "claims": stance.name if stance is not None else "rules",
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
        return Prepared(document, ctx, chunk_bounds(text, self.nlp.max_length))

    def annotate_stream(self, inputs: Iterable[DocInput]) -> Iterator[Records]:
        """Each document's records, in input order."""
        items = iter(inputs)
        while group := [self.prepare(item) for item in islice(items, self.settings.docs_per_zone)]:
            with self.nlp.memory_zone():
                texts = (
                    (self._make_doc(p.document.text[a:b], p.document.speaker), (k, a))
                    for k, p in enumerate(group)
                    for a, b in p.chunks
                )
                done: list[tuple[list, list, list]] = [([], [], []) for _ in group]
                for doc, (k, base) in self.nlp.pipe(texts, as_tuples=True, batch_size=self.settings.batch_size):
                    sents, ents, claims = done[k]
                    new_sents, new_ents, new_claims = doc_records(doc, group[k].ctx, base, len(sents), len(ents))
                    sents.extend(new_sents)
                    ents.extend(new_ents)
                    claims.extend(new_claims)
                for p, (sents, ents, claims) in zip(group, done):
                    yield p.document, sents, ents, claims

    def _make_doc(self, text: str, speaker):
        # A statement's speaker is what first-person phrases refer to (claim_rules reads it).
        doc = self.nlp.make_doc(text)
        doc._.speaker = speaker
        return doc

    def annotate(self, item: DocInput) -> Records:
        return next(self.annotate_stream([item]))


@dataclass(frozen=True)
class Prepared:
    document: Document
    ctx: DocContext
    chunks: list[tuple[int, int]]


Records = tuple[Document, list[Sentence], list[Entity], list[Claim]]


CACHE_DIR = ".cache"
BUILD_FORMAT = 1
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


def record_lines(records: Records) -> dict[str, tuple[str, int]]:
    """A document's rows as the layer text they become: layer -> (lines, count)."""
    document, sentences, entities, claims = records
    out = {}
    groups: tuple[list[Any], ...] = ([document], sentences, entities, claims)
    for layer, rows in zip(LAYERS, groups):
        out[layer] = ("".join(dumps(to_dict(r)) + "\n" for r in rows), len(rows))
    return out


def store_result(cache_dir: Path, key: str, records: Records) -> None:
    """Write one document's rows into the cache (atomically: a killed build leaves no part)."""
    payload = json.dumps(
        {"key": key, "doc_id": records[0].doc_id, "layers": record_lines(records)}, ensure_ascii=False
    ).encode("utf-8")
    with atomic_path(_cache_file(cache_dir, key)) as tmp:
        tmp.write_bytes(gzip.compress(payload, compresslevel=1, mtime=0))


def load_result(cache_dir: Path, key: str) -> dict[str, tuple[str, int]]:
    with gzip.open(_cache_file(cache_dir, key), "rb") as fh:
        layers: dict[str, list] = json.loads(fh.read())["layers"]
    return {k: (v[0], v[1]) for k, v in layers.items()}


def annotate_jobs(
    jobs: Sequence[Job], settings: Settings, cache_dir: Path, executor=None, n_process: int = 1, progress: bool = True
) -> int:
    """Annotate every job whose rows are not in the cache yet; returns how many were annotated."""
    from pipeline.executors import LocalExecutor, shard

    todo = [j for j in jobs if not _cache_file(cache_dir, j.key).is_file()]
    if not todo:
        return 0
    executor = executor or LocalExecutor(n_process)
    shards = shard(todo, getattr(executor, "n_process", 1))
    with tqdm(total=len(todo), desc="documents", unit="doc", disable=not progress or len(todo) < 2) as bar:
        for keys in executor.map(settings, cache_dir, shards):
            bar.update(len(keys))
    return len(todo)


def write_layers(jobs: Sequence[Job], cache_dir: Path, out_dir: Path, compress: bool) -> dict[str, int]:
    """Merge the cached rows of ``jobs`` (in their order) into the four layers of ``out_dir``."""
    with LayerWriter(out_dir, compress=compress) as writer:
        for job in jobs:
            for layer, (text, count) in load_result(cache_dir, job.key).items():
                writer.write_lines(layer, text, count)
        writer.commit()
    return writer.counts


def annotate_to_dir(
    inputs: Sequence[DocInput],
    out_dir: str | Path,
    annotator: Annotator | None = None,
    progress: bool = True,
    compress: bool = False,
    settings: Settings | None = None,
    executor=None,
    n_process: int = 1,
) -> dict[str, int]:
    """Annotate every input and write the four layers into ``out_dir`` in one atomic step: the
    rows wait in a temporary folder beside it (no cache is kept), then the layers are written
    into a staging copy of ``out_dir`` that replaces it at once (``io.staged_tree``), so a kill
    leaves the old output or the new one."""
    from pipeline.executors import annotator_for

    settings = settings or (annotator.settings if annotator is not None else Settings())
    if annotator is not None:
        annotator_for(settings, annotator)  # this process reuses the pipeline the caller loaded
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    recover_tree(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.rows-*"):  # a killed run's rows
        shutil.rmtree(leftover, ignore_errors=True)
    fingerprint = pipeline_fingerprint(settings)
    jobs = [Job(item, document_key(item, fingerprint)) for item in inputs]
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.rows-", dir=out_dir.parent) as tmp:
        annotate_jobs(jobs, settings, Path(tmp), executor, n_process, progress)
        with staged_tree(out_dir) as stage:
            return write_layers(jobs, Path(tmp), stage, compress)


def collection_dir(out_dir: str | Path, collection: str) -> Path:
    """Where a collection's layers go: the articles at the top of the output folder (plain JSONL,
    easy to diff), every other collection in its own subfolder, gzip-compressed."""
    return Path(out_dir) if collection == DEFAULT_COLLECTION else Path(out_dir) / collection


def layer_files(collection: str) -> list[str]:
    folder = "" if collection == DEFAULT_COLLECTION else f"{collection}/"
    suffix = ".jsonl" if collection == DEFAULT_COLLECTION else ".jsonl.gz"
    return [f"{folder}{name}{suffix}" for name in LAYERS]


# ---------------------------------------------------------------- the whole build


@dataclass
class BuildResult:
    counts: dict[str, dict[str, int]]
    gold: dict[str, int]
    annotated: int  # documents run through the pipeline (the others came from the cache)
    total: int
    unchanged: bool


def _extra_inputs(out: Path) -> dict[str, str]:
    """Files besides the corpus that generated files depend on: the coding sheets (gold) and
    the dataset card (its prose is kept, its header regenerated)."""
    files = (
        [p for p in (out / "gold" / "sheets").rglob("*") if p.is_file()] if (out / "gold" / "sheets").is_dir() else []
    )
    files += [out / "README.md"] if (out / "README.md").is_file() else []
    return dict(_files_digest(files, out))


def build_corpus(
    inputs: Sequence[DocInput],
    out: str | Path,
    settings: Settings,
    executor=None,
    n_process: int = 1,
    progress: bool = True,
) -> BuildResult:
    """Build the layers of every collection in ``inputs`` (others already in ``out`` are kept),
    the gold files and the Parquet export, as one atomic step; nothing is written when the
    corpus, the pipeline and the generated files are as the last build left them."""
    from pipeline.quality.gold import build_gold

    out = Path(out)
    recover_tree(out)
    fingerprint = pipeline_fingerprint(settings)
    by_collection: dict[str, list[Job]] = {}
    for item in inputs:
        by_collection.setdefault(item.collection, []).append(Job(item, document_key(item, fingerprint)))
    total = sum(len(j) for j in by_collection.values())
    previous = read_build_state(out)
    extra = _extra_inputs(out)
    keys = {name: [[j.item.doc_id, j.key] for j in jobs] for name, jobs in by_collection.items()}
    if (
        previous.get("format") == BUILD_FORMAT
        and previous.get("inputs") == extra
        and all((previous.get("collections") or {}).get(name, {}).get("documents") == k for name, k in keys.items())
        and previous.get("files")
        and not check_build_files(out, previous)
    ):
        counts = {name: previous["collections"][name]["counts"] for name in keys}
        return BuildResult(counts, previous.get("gold") or {}, 0, total, unchanged=True)

    cache_dir = out / CACHE_DIR
    all_jobs = [j for jobs in by_collection.values() for j in jobs]
    annotated = annotate_jobs(all_jobs, settings, cache_dir, executor, n_process, progress)

    collections = {k: v for k, v in (previous.get("collections") or {}).items() if k not in by_collection}
    files: dict[str, str] = {}
    with staged_tree(out) as stage:
        intact = {rel for rel in (previous.get("files") or {})} - {rel for rel, _ in check_build_files(out, previous)}
        for name, jobs in by_collection.items():
            before = (previous.get("collections") or {}).get(name)
            if before and before["documents"] == keys[name] and set(layer_files(name)) <= intact:
                collections[name] = before  # same documents, same rows: the files stay as they are
                continue
            counts = write_layers(jobs, stage / CACHE_DIR, collection_dir(stage, name), name != DEFAULT_COLLECTION)
            collections[name] = {"documents": keys[name], "counts": counts}
        gold = build_gold(stage)
        generated = [f for name in collections for f in layer_files(name)]
        generated += [f"gold/{name}" for name in gold]
        if (stage / "README.md").is_file():  # the dataset card: its Parquet files and YAML kept in step
            from pipeline.export.huggingface import export_parquet, rel_path

            exported = export_parquet(stage)
            generated += [rel_path(config, split, "parquet") for config, splits in exported.items() for split in splits]
        files = {rel: file_sha256(stage / rel) for rel in sorted(set(generated)) if (stage / rel).is_file()}
        # Cache entries no collection refers to any more: not carried into the new version.
        live = {key for c in collections.values() for _doc, key in c["documents"]}
        for entry in (stage / CACHE_DIR).rglob("*.json.gz") if (stage / CACHE_DIR).is_dir() else []:
            if entry.name[: -len(".json.gz")] not in live:
                entry.unlink()
        state = {
            "format": BUILD_FORMAT,
            "pipeline": fingerprint,
            "inputs": _extra_inputs(stage),
            "collections": dict(sorted(collections.items())),
            "gold": gold,
            "files": files,
        }
        write_text(stage / BUILD_FILE, json.dumps(state, indent=1, sort_keys=True) + "\n")  # last
    return BuildResult({name: collections[name]["counts"] for name in by_collection}, gold, annotated, total, False)
