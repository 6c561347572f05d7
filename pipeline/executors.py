"""Where the NLP stage runs: in this process, in a local process pool, or on a Dask cluster.

An executor maps ``annotate_shard`` over shards (lists of documents) and yields each shard's
result in shard order, whatever order the workers finish in. Every executor runs the same
worker function, so the layers do not depend on where a document was annotated: a worker
annotates its shard, writes each document's serialised rows into the cache folder (see
``pipeline.build``) and returns the cache keys; the merge reads them back in manifest order.

Executors are chosen by name through ``pipeline.registry.executors``:

- ``local``: ``n_process=1`` runs in this process; more loads the pipeline here once and forks a
  ``ProcessPoolExecutor`` of workers that share it (copy-on-write) for the whole run, so a
  small batch does not pay a pipeline load per worker; never more workers than CPUs;
- ``dask``: ``dask.distributed``; a ``LocalCluster`` of ``n_process`` single-threaded worker
  processes by default, or the scheduler at ``scheduler`` (a real cluster: its workers need the
  package, the model and a shared file system holding the corpus and the output folder).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from pipeline.ingest.manifest import DocInput
from pipeline.registry import executors
from pipeline.settings import Settings


@dataclass(frozen=True)
class Job:
    """One document to annotate and the cache key its rows are stored under."""

    item: DocInput
    key: str


@contextlib.contextmanager
def torch_hidden() -> Iterator[None]:
    """Import spaCy (and thinc) with torch hidden, so thinc does not import it.

    thinc imports torch at import time whenever it is installed (``thinc.compat``); the spaCy
    engine never uses it, and it costs seconds and hundreds of MiB per process. A ``None``
    entry in ``sys.modules`` makes ``import torch`` raise ImportError (the import system's
    documented way to block a module), which thinc treats as "no torch". The entry is removed
    afterwards, so code that needs torch later (the stanza engine) can still import it. Without
    effect once thinc is imported."""
    if "thinc" in sys.modules or "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
        import thinc.api  # noqa: F401

        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def import_build():
    """``pipeline.build`` (and spaCy) without importing torch: torch is hidden only for the import,
    so a component that needs it (the stanza engine, claim_encoder) can load it later."""
    with torch_hidden():
        import pipeline.build

    return pipeline.build


# Annotators loaded in this process, by settings: a worker loads the pipeline once.
_ANNOTATORS: dict[str, object] = {}


def annotator_for(settings: Settings, annotator=None):
    """The process's annotator for these settings (``annotator``: one the caller already loaded)."""
    key = repr(settings)
    if annotator is not None:
        _ANNOTATORS[key] = annotator
    if key not in _ANNOTATORS:
        _ANNOTATORS[key] = import_build().Annotator(settings)
    return _ANNOTATORS[key]


class ShardInputError(Exception):
    """An ``InputError`` on its way back from a worker process (this one pickles)."""

    def __init__(self, path: str, problem: str):
        super().__init__(path, problem)


def annotate_shard(settings: Settings, cache_dir: str, jobs: Sequence[Job]) -> list[str]:
    """Annotate a shard in one ``nlp.pipe`` stream; store each document's rows in the cache as
    its pieces come (a long document is never held whole as records)."""
    from pipeline.build import CacheWriter
    from pipeline.errors import InputError

    annotator: Any = annotator_for(settings)
    keys: list[str] = []
    writer: Any = None
    try:
        for piece in annotator.chunk_records([j.item for j in jobs]):
            if piece.first:
                writer = CacheWriter(Path(cache_dir), jobs[piece.index].key, piece.document)
            writer.add_records(piece.sentences, piece.entities, piece.claims)
            if piece.last:
                writer.commit()
                writer = None
                keys.append(jobs[piece.index].key)
    except InputError as err:
        raise ShardInputError(err.path, err.problem) from None
    finally:
        if writer is not None:
            writer.abort()
    return keys


def _results(futures) -> Iterator[list[str]]:
    from pipeline.errors import InputError

    for future in futures:
        try:
            yield future.result()
        except ShardInputError as err:
            raise InputError(*err.args) from None


def _warm(settings: Settings) -> None:
    annotator_for(settings)


def _fork_is_safe() -> bool:
    """Forking a loaded process is safe while torch is not imported (its thread pools deadlock a
    forked child) and no other thread runs (one could hold a lock the child would wait on) but
    tqdm's monitor, which only sleeps."""
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    return "torch" not in sys.modules and all(type(t).__name__ == "TMonitor" for t in others)


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover  (not Linux)
        return max(1, os.cpu_count() or 1)


ShardFn = Callable[[Sequence[Job]], list[str]]


class LocalExecutor:
    """In this process (``n_process=1``) or a pool of ``n_process`` worker processes (at most
    one per CPU)."""

    def __init__(self, n_process: int = 1, **_):
        self.n_process = max(1, min(n_process, usable_cpus()))

    def map(self, settings: Settings, cache_dir: Path, shards: Sequence[Sequence[Job]]) -> Iterator[list[str]]:
        if self.n_process == 1 or len(shards) < 2:
            from pipeline.errors import InputError

            for shard in shards:
                try:
                    yield annotate_shard(settings, str(cache_dir), shard)
                except ShardInputError as err:
                    raise InputError(*err.args) from None
            return
        workers = min(self.n_process, len(shards))
        forked = _fork_is_safe()
        if forked:
            # Load once, then fork: the workers start with the loaded pipeline (shared
            # copy-on-write) instead of each loading its own, which a small batch never earned back.
            annotator_for(settings)
            # What is alive now (the loaded pipeline) leaves the collector's reach: a worker's
            # collections would otherwise write to, and so copy, every page it shares.
            gc.freeze()
            pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
        else:  # torch's thread pools do not survive a fork: clean workers that load their own
            pool = ProcessPoolExecutor(
                workers, mp_context=mp.get_context("forkserver"), initializer=_warm, initargs=(settings,)
            )
        try:
            with pool:
                futures = [pool.submit(annotate_shard, settings, str(cache_dir), shard) for shard in shards]
                yield from _results(futures)
        finally:
            if forked:
                gc.unfreeze()


class DaskExecutor:
    """``dask.distributed``: a LocalCluster of ``n_process`` workers, or an existing scheduler."""

    def __init__(self, n_process: int = 2, scheduler: Optional[str] = None, **_):
        self.n_process = max(1, n_process)
        self.scheduler = scheduler

    def map(self, settings: Settings, cache_dir: Path, shards: Sequence[Sequence[Job]]) -> Iterator[list[str]]:
        from distributed import Client, LocalCluster

        with contextlib.ExitStack() as stack:
            if self.scheduler:
                client = stack.enter_context(Client(self.scheduler))
            else:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=self.n_process,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=40,
                    )
                )
                client = stack.enter_context(Client(cluster))
            # Pure=False: a rerun after a cache miss must run again, not reuse a remembered result.
            futures = [
                client.submit(annotate_shard, settings, str(cache_dir), list(shard), pure=False) for shard in shards
            ]
            yield from _results(futures)


executors.register("local", func=LocalExecutor)
executors.register("dask", func=DaskExecutor)


def get_executor(name: str, n_process: int = 1, scheduler: Optional[str] = None):
    from pipeline import registry

    return registry.get("executors", name)(n_process=n_process, scheduler=scheduler)


def shard(jobs: Sequence[Job], n_workers: int, size: Optional[int] = None) -> list[list[Job]]:
    """Shards of consecutive documents, at most 16 each (one ``nlp.pipe`` stream and one memory
    zone per shard). ``size`` fixes the number of documents per shard; otherwise one worker gets
    about a quarter of the run in four shards, and a pool gets shards of about an eighth of its
    share in bytes, taken longest first, so that the run ends on short shards and no worker
    idles while another finishes a long one. Each shard's contents, and so its rows, depend only
    on the documents and the worker count; the layers keep the input order."""
    if not jobs:
        return []
    if size or n_workers <= 1:
        size = size or max(1, min(16, len(jobs) // (4 * max(1, n_workers)) or 1))
        return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    sizes = [_job_bytes(job) for job in jobs]
    budget = sum(sizes) / (8 * n_workers)
    shards: list[list[Job]] = []
    weights: list[int] = []
    for job, nbytes in zip(jobs, sizes):
        if shards and len(shards[-1]) < 16 and weights[-1] + nbytes <= budget:
            shards[-1].append(job)
            weights[-1] += nbytes
        else:
            shards.append([job])
            weights.append(nbytes)
    order = sorted(range(len(shards)), key=lambda i: weights[i], reverse=True)
    return [shards[i] for i in order]


def _job_bytes(job: Job) -> int:
    try:
        return job.item.path.stat().st_size
    except OSError:  # reported when the document is read
        return 0
