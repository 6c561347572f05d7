"""Publish a build: every generated file of the output folder, written as one atomic step.

``build_corpus`` annotates what changed (``pipeline.build``: the pipeline and its per-document
cache; ``pipeline.executors``: where the NLP stage runs), then writes every generated file (the
layers of every collection, the gold files, the Parquet export and the dataset card's header)
into a staging copy of the output folder, ends with ``build.json`` (each generated file's
sha256; ``stance-corpus audit`` checks them) and swaps the copy in with one rename, so a kill
leaves the old complete output or the new one. On an unchanged corpus it writes nothing.
``annotate_to_dir`` does the same for ``stance-corpus annotate`` (no cache is kept).
"""

from __future__ import annotations

import errno
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from pipeline.build import (
    CACHE_DIR,
    Annotator,
    _cache_file,
    _files_digest,
    document_key,
    pipeline_fingerprint,
    prune_cache,
    write_layers,
)
from pipeline.executors import Job, LocalExecutor, annotator_for, shard
from pipeline.ingest.manifest import DEFAULT_COLLECTION, DocInput
from pipeline.io import (
    BUILD_FILE,
    LAYERS,
    check_build_files,
    dumps,
    file_sha256,
    layer_path,
    read_build_state,
    read_jsonl,
    recover_tree,
    staged_tree,
    write_text,
)
from pipeline.settings import Settings

BUILD_FORMAT = 1


def annotate_jobs(
    jobs: Sequence[Job], settings: Settings, cache_dir: Path, executor=None, n_process: int = 1, progress: bool = True
) -> int:
    """Annotate every job whose rows are not in the cache yet; returns how many were annotated."""
    todo = [j for j in jobs if not _cache_file(cache_dir, j.key).is_file()]
    if not todo:
        return 0
    executor = executor or LocalExecutor(n_process)
    shards = shard(todo, getattr(executor, "n_process", 1))
    before = {e.name[: -len(".json.gz")] for e in cache_dir.rglob("*.json.gz")} if cache_dir.is_dir() else set()
    try:
        with tqdm(total=len(todo), desc="documents", unit="doc", disable=not progress or len(todo) < 2) as bar:
            for keys in executor.map(settings, cache_dir, shards):
                bar.update(len(keys))
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EDQUOT):  # a full disk: give back what this run stored
            prune_cache(cache_dir, before)
        raise
    return len(todo)


def kept_rows(folder: Path, replaced: set[str]) -> dict[str, tuple[str, int]]:
    """The rows of the layers in ``folder`` whose document is not in ``replaced``, as layer text
    (what ``annotate --merge`` keeps of a folder's earlier documents)."""
    kept = {}
    for layer in LAYERS:
        path = layer_path(folder, layer)
        rows = [r for r in read_jsonl(path) if r.get("doc_id") not in replaced] if path.is_file() else []
        kept[layer] = ("".join(dumps(r) + "\n" for r in rows), len(rows))
    return kept


def annotate_to_dir(
    inputs: Sequence[DocInput],
    out_dir: str | Path,
    annotator: Annotator | None = None,
    progress: bool = True,
    compress: bool = False,
    settings: Settings | None = None,
    executor=None,
    n_process: int = 1,
    merge: bool = False,
) -> dict[str, int]:
    """Annotate every input and write the four layers into ``out_dir`` in one atomic step: the
    rows wait in a temporary folder beside it (no cache is kept), then the layers are written
    into a staging copy of ``out_dir`` that replaces it at once (``io.staged_tree``), so a kill
    leaves the old output or the new one. With ``merge`` the folder's other documents are kept
    (first, in their order); a document of the same id is replaced."""
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
            first = kept_rows(stage, {j.item.doc_id for j in jobs}) if merge else None
            return write_layers([j.key for j in jobs], Path(tmp), stage, compress, first)


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
    """Files besides the corpus that generated files depend on: the coding sheets (gold, the
    statements' gold and machine coding, the passages' gold) and the dataset card (its prose
    is kept, its header regenerated)."""
    from pipeline.quality.coded_layers import coding_inputs

    files = (
        [p for p in (out / "gold" / "sheets").rglob("*") if p.is_file()] if (out / "gold" / "sheets").is_dir() else []
    )
    files += coding_inputs(out)
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
    from pipeline.quality.coded_layers import build_all as build_coded
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
    # Entries of an older pipeline or of removed documents would only fill the disk.
    kept = {key for c in (previous.get("collections") or {}).values() for _doc, key in c["documents"]}
    prune_cache(cache_dir, kept | {j.key for j in all_jobs})
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
            counts = write_layers(
                [j.key for j in jobs], stage / CACHE_DIR, collection_dir(stage, name), name != DEFAULT_COLLECTION
            )
            collections[name] = {"documents": keys[name], "counts": counts}
        gold = build_gold(stage)
        coded = build_coded(stage)
        generated = [f for name in collections for f in layer_files(name)]
        generated += [f"gold/{name}" for name in gold] + list(coded)
        gold = gold | coded
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
