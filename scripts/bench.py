"""Benchmark the build on a corpus collection: bare spaCy, the pipeline serial, a process pool
and Dask, with peak memory; prints a Markdown table.

    .venv/bin/python scripts/bench.py                         # ungd, every statement
    .venv/bin/python scripts/bench.py --limit 40 --rounds 3   # a sample (make bench)
    .venv/bin/python scripts/bench.py --json bench.json

Every run is a fresh process (``spawn``), so its memory is its own; peak RSS is sampled with
psutil from the benchmark's process over that process and its children (pool and Dask workers
included), never by a thread inside it (the pipeline forks its workers only when no other thread
runs, so a sampler there would send it down the slower path). Runs:

1. ``bare spaCy``: the base model (``spacy.load``) and ``nlp.pipe`` over the cleaned texts of
   the same documents, same batch size; what the pipeline's NLP costs at the least;
2. ``pipeline serial``: ``build_corpus`` (read, clean, NLP, records, layers, build.json) in one
   process. 1 and 2 are paired: they alternate for ``--rounds`` rounds; medians are reported;
3. ``--n-process N``: the same build with a local process pool;
4. ``dask``: the same build on a ``LocalCluster`` of N workers.

Times are of the build alone; "wall" adds loading the pipeline (for 3 and 4 the workers load
theirs inside the timed build, so their speed-up is over serial wall time). Every build starts
from an empty output folder (no cache). Finally the spaCy path's torch import is checked:
loading the pipeline with torch hidden from thinc (what the build does) and without.

Two more modes (``make bench`` runs both after the table):

- ``--long``: a generated text about states (dense: every sentence names three) of
  ``--long-mb`` MB against five of 20 kB, paired rounds, ``annotate`` in fresh processes:
  words/s (pipeline loaded beforehand, timed apart) and peak RSS. Goal: the long document within
  20 % of the short ones' words/s and at most 2 GiB at 20 MB.
- ``--parallel``: ``annotate`` of the first UN statements up to 30k and 100k words, serial against
  ``--n-process 2``, paired rounds, wall time with the pipeline load (what a user waits for).
  Goal: at least 1.5x from 30k words and 1.8x from 100k words.
- ``--many N``: ``annotate`` of N small generated documents (one paragraph each, about 700
  characters) against N/100 of them, paired rounds: peak RSS and words/s. What is held per
  document (its rows stream into the cache, the StringStore is reset per memory zone) should
  not make memory grow with the number of documents.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class PeakRSS:
    """Sample the summed RSS of a process (``pid``) and its descendants from a thread of this
    one. The measured process runs no sampling thread of its own: the pipeline forks its
    workers only where no other thread runs, so a sampler inside it would change what is timed."""

    def __init__(self, pid: int, every: float = 0.1):
        import psutil

        self.proc, self.every, self.peak, self._stop = psutil.Process(pid), every, 0, threading.Event()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for p in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakRSS":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def _inputs(corpus: str, collection: str, limit: Optional[int]):
    from pipeline.ingest.manifest import read_manifest

    inputs = read_manifest(corpus, only=[collection])
    return inputs[:limit] if limit else inputs


def run_bare(corpus: str, collection: str, limit: Optional[int]) -> dict:
    from pipeline.executors import torch_hidden

    with torch_hidden():
        import spacy

    from pipeline.ingest.clean import clean, load_debris_patterns
    from pipeline.ingest.sources import read_source
    from pipeline.settings import Settings

    settings = Settings()
    debris = load_debris_patterns(settings.debris_path)
    texts = [clean(read_source(i.path), debris).text for i in _inputs(corpus, collection, limit)]
    t0 = time.perf_counter()
    nlp = spacy.load(settings.spacy_model)
    load = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=settings.batch_size))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "load_s": load,
        "tokens": tokens,
        "words": sum(len(t.split()) for t in texts),
        "torch": "torch" in sys.modules,
    }


def run_build(corpus: str, collection: str, limit: Optional[int], executor: str, workers: int) -> dict:
    from pipeline.executors import annotator_for, get_executor, torch_hidden

    with torch_hidden():
        from pipeline.publish import build_corpus
    from pipeline.settings import Settings

    settings = Settings()
    inputs = _inputs(corpus, collection, limit)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        t0 = time.perf_counter()
        if executor == "local" and workers == 1:
            annotator_for(settings)  # load here, timed apart
        load = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        result = build_corpus(
            inputs, Path(tmp) / "out", settings, get_executor(executor, workers), workers, progress=False
        )
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = sum(p.stat().st_size for p in (Path(tmp) / "out").rglob("*.jsonl*"))
    return {
        "seconds": seconds,
        "cpu_s": cpu,  # this process only: the serial run's whole work, not a pool's or Dask's
        "load_s": load,
        "annotated": result.annotated,
        "layer_bytes": size,
        "torch": "torch" in sys.modules,
    }


def run_load(hide_torch: bool) -> dict:
    """Import the build module and load the pipeline, with or without torch hidden from thinc."""
    from pipeline.executors import torch_hidden

    t0 = time.perf_counter()
    if hide_torch:
        with torch_hidden():
            from pipeline.build import Annotator
    else:
        from pipeline.build import Annotator
    Annotator()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "torch": "torch" in sys.modules}


STATES = ["Kazakhstan", "Russia", "Ukraine", "China", "France", "Poland", "Uzbekistan", "Germany", "the United States"]
STATES += ["Turkey", "Iran", "India", "Georgia", "Armenia", "Azerbaijan"]
VERBS = ["condemned", "supported", "criticised", "welcomed", "rejected", "backed", "praised", "opposed"]


def states_text(chars: int, seed: int = 0) -> str:
    """Dense text about states of about ``chars`` characters: paragraphs of six sentences."""
    import random

    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < chars:
        sents = []
        for _ in range(6):
            a, b, c = rng.sample(STATES, 3)
            sents.append(
                f"{a} {rng.choice(VERBS)} {b} over its policy toward {c}, and it said that {b} must respect "
                f"the sovereignty of {c}."
            )
        paragraphs.append(" ".join(sents))
        size += len(paragraphs[-1]) + 2
    return "Positions of states\n\n" + "\n\n".join(paragraphs) + "\n"


def run_texts(chars: int, copies: int) -> dict:
    """``annotate`` of ``copies`` generated documents of ``chars`` characters (pipeline loaded first)."""
    from pipeline.executors import annotator_for, torch_hidden

    with torch_hidden():
        from pipeline.publish import annotate_to_dir
    from pipeline.ingest.manifest import DocInput
    from pipeline.settings import Settings

    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="bench-long-") as tmp:
        inputs, words = [], 0
        for i in range(copies):
            text = states_text(chars, seed=i)
            words += len(text.split())
            path = Path(tmp) / f"doc{i}.txt"
            path.write_text(text, encoding="utf-8")
            inputs.append(DocInput(path, f"doc{i}"))
        annotator = annotator_for(settings)
        t0, c0 = time.perf_counter(), time.process_time()
        annotate_to_dir(inputs, Path(tmp) / "out", annotator, progress=False)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu_s": cpu, "words": words}


def run_annotate(corpus: str, words: int, workers: int) -> dict:
    """``annotate`` of the first UN statements up to ``words`` words with ``workers`` processes,
    timed with the pipeline load (a fresh process: nothing loaded before)."""
    from pipeline.executors import LocalExecutor, torch_hidden

    t0 = time.perf_counter()
    with torch_hidden():
        from pipeline.publish import annotate_to_dir
    from pipeline.settings import Settings

    inputs, total = [], 0
    for item in _inputs(corpus, "ungd", None):
        if total >= words:
            break
        inputs.append(item)
        total += len(item.path.read_text(encoding="utf-8").split())
    with tempfile.TemporaryDirectory(prefix="bench-par-") as tmp:
        annotate_to_dir(
            inputs,
            Path(tmp) / "out",
            settings=Settings(),
            executor=LocalExecutor(workers),
            n_process=workers,
            progress=False,
        )
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "documents": len(inputs), "words": total}


def paired(rounds: int, sides: dict[str, tuple], line) -> dict[str, list[dict]]:
    """``rounds`` paired rounds: each side (name -> function and arguments) once per round, each
    in a fresh process, the sides' order reversed every other round (so neither side always runs
    first after a pause); ``line(runs)`` says how the round went (printed to stderr)."""
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    for r in range(rounds):
        order = list(sides.items())
        for name, (fn, *args) in order if r % 2 == 0 else reversed(order):
            runs[name].append(fresh(fn, *args))
        print(f"round {r + 1}: {line(runs)}", file=sys.stderr, flush=True)
    return runs


def long_report(long_mb: float, rounds: int) -> str:
    rate_of = lambda r: f"{r['words'] / r['seconds']:,.0f} words/s"
    runs = paired(
        rounds,
        {"short": (run_texts, 20_000, 5), "long": (run_texts, int(long_mb * 1_000_000), 1)},
        lambda runs: f"5 x 20 kB {rate_of(runs['short'][-1])}, {long_mb:g} MB {rate_of(runs['long'][-1])}",
    )
    rate = {k: statistics.median(r["words"] / r["seconds"] for r in v) for k, v in runs.items()}
    cpu_rate = {k: statistics.median(r["words"] / r["cpu_s"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_rss_mib"] for r in v) for k, v in runs.items()}
    lines = [
        f"long documents: {rounds} paired rounds (medians); generated text about states",
        "",
        "| input | words | words/s (wall) | words/s (CPU) | peak RSS MiB |",
        "|---|---:|---:|---:|---:|",
        f"| 5 documents of 20 kB | {runs['short'][0]['words']:,} | {rate['short']:,.0f} | {cpu_rate['short']:,.0f} "
        f"| {peak['short']:.0f} |",
        f"| 1 document of {long_mb:g} MB | {runs['long'][0]['words']:,} | {rate['long']:,.0f} "
        f"| {cpu_rate['long']:,.0f} | {peak['long']:.0f} |",
        "",
        f"long / short words/s: {rate['long'] / rate['short']:.2f} (wall), {cpu_rate['long'] / cpu_rate['short']:.2f} "
        "(CPU)",
    ]
    return "\n".join(lines)


def many_report(many: int, rounds: int) -> str:
    few = max(1, many // 100)
    runs = paired(
        rounds,
        {"few": (run_texts, 300, few), "many": (run_texts, 300, many)},
        lambda runs: (
            f"{few} documents {runs['few'][-1]['peak_rss_mib']:.0f} MiB, "
            f"{many} documents {runs['many'][-1]['peak_rss_mib']:.0f} MiB"
        ),
    )
    rate = {k: statistics.median(r["words"] / r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: statistics.median(r["peak_rss_mib"] for r in v) for k, v in runs.items()}
    lines = [
        f"many small documents: {rounds} paired rounds (medians); one generated paragraph each",
        "",
        "| input | words | words/s (wall) | peak RSS MiB |",
        "|---|---:|---:|---:|",
    ]
    for k, n in (("few", few), ("many", many)):
        lines.append(f"| {n:,} documents | {runs[k][0]['words']:,} | {rate[k]:,.0f} | {peak[k]:.0f} |")
    return "\n".join(lines)


def parallel_report(corpus: str, rounds: int, workers: int) -> str:
    lines = [
        f"annotate, serial against --n-process {workers}: {rounds} paired rounds (medians), wall time with the load",
        "",
        "| statements | words | serial s | parallel s | speed-up | per round |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for words in (30_000, 100_000):
        runs = paired(
            rounds,
            {"serial": (run_annotate, corpus, words, 1), "parallel": (run_annotate, corpus, words, workers)},
            lambda runs: (
                f"{words:,} words, serial {runs['serial'][-1]['seconds']:.1f} s, "
                f"parallel {runs['parallel'][-1]['seconds']:.1f} s"
            ),
        )
        pairs = list(zip(runs["serial"], runs["parallel"]))
        s = statistics.median(p[0]["seconds"] for p in pairs)
        p = statistics.median(p[1]["seconds"] for p in pairs)
        per_round = ", ".join(f"{a['seconds'] / b['seconds']:.2f}" for a, b in pairs)
        lines.append(
            f"| {pairs[0][0]['documents']} | {pairs[0][0]['words']:,} | {s:.1f} | {p:.1f} | {s / p:.2f}x "
            f"| {per_round} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def _child(conn, fn, args) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException:  # the parent raises it with the child's traceback
        import traceback

        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def fresh(fn, *args) -> dict:
    """``fn(*args)`` in a fresh process (``spawn``); its figures plus ``peak_rss_mib``, the peak
    summed RSS of that process and its workers, sampled from here."""
    ctx = mp.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args))
    proc.start()
    send.close()
    assert proc.pid is not None  # started
    with PeakRSS(proc.pid) as rss:
        try:
            status, result = receive.recv()
        except EOFError:
            status, result = "error", "the benchmark process died"
    proc.join()
    if status != "ok":
        raise RuntimeError(f"{getattr(fn, '__name__', fn)} (exit code {proc.exitcode}): {result}")
    return {**result, "peak_rss_mib": rss.mib}


def main(
    corpus: str = typer.Option(str(ROOT / "corpus"), help="Corpus folder."),
    collection: str = typer.Option("ungd", help="Collection to build."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents of the collection."),
    rounds: int = typer.Option(3, help="Paired rounds of bare spaCy vs the serial pipeline."),
    workers: int = typer.Option(2, help="Processes for --n-process and Dask workers."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write every figure as JSON here."),
    long: bool = typer.Option(False, "--long", help="Only the long-document figures."),
    long_mb: float = typer.Option(2.0, "--long-mb", help="Size of the long document (MB) for --long."),
    parallel: bool = typer.Option(False, "--parallel", help="Only the serial / --n-process figures of annotate."),
    many: int = typer.Option(0, "--many", help="Only the memory of N small documents (against N/100)."),
):
    """Bare spaCy vs the pipeline (serial, process pool, Dask) on one collection."""
    if long or parallel or many:
        if many:
            print(many_report(many, rounds))
        if long:
            print(long_report(long_mb, rounds))
        if parallel:
            print(parallel_report(corpus, rounds, workers))
        return
    args = (corpus, collection, limit)
    n_docs = len(_inputs(*args))
    timed = lambda r: f"{r['seconds']:.1f} s ({r['cpu_s']:.1f} CPU s)"
    runs = paired(
        rounds,
        {"bare": (run_bare, *args), "serial": (run_build, *args, "local", 1)},
        lambda runs: f"bare {timed(runs['bare'][-1])}, serial {timed(runs['serial'][-1])}",
    )
    runs["pool"] = [fresh(run_build, *args, "local", workers)]
    runs["dask"] = [fresh(run_build, *args, "dask", workers)]
    loads = {"torch hidden": fresh(run_load, True), "torch imported": fresh(run_load, False)}
    words = runs["bare"][0]["words"]

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    serial_wall = med("serial", "seconds") + med("serial", "load_s")
    rows = [
        ("bare spaCy `nlp.pipe`", med("bare", "seconds"), med("bare", "seconds") + med("bare", "load_s"), "bare"),
        ("pipeline, serial", med("serial", "seconds"), serial_wall, "serial"),
        (f"pipeline, `--n-process {workers}`", med("pool", "seconds"), med("pool", "seconds"), "pool"),
        (f"pipeline, Dask LocalCluster ({workers} workers)", med("dask", "seconds"), med("dask", "seconds"), "dask"),
    ]
    lines = [
        f"{collection}: {n_docs} documents, {words:,} words; {rounds} paired rounds (medians); {workers} workers",
        "",
        "| run | build s | wall s (with load) | words/s | vs serial (wall) | peak RSS MiB | torch imported |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, seconds, wall, name in rows:
        lines.append(
            f"| {label} | {seconds:.1f} | {wall:.1f} | {words / seconds:,.0f} | {serial_wall / wall:.2f}x | "
            f"{med(name, 'peak_rss_mib'):.0f} | {'yes' if runs[name][0]['torch'] else 'no'} |"
        )
    ratio = med("serial", "seconds") / med("bare", "seconds")
    # Paired: each round's serial run against the bare run just before it. CPU seconds of the
    # process leave out what other jobs on a shared machine take from it (wall time does not).
    wall_pairs = [s["seconds"] / b["seconds"] for b, s in zip(runs["bare"], runs["serial"])]
    cpu_pairs = [s["cpu_s"] / b["cpu_s"] for b, s in zip(runs["bare"], runs["serial"])]
    layer_kib = runs["serial"][0]["layer_bytes"] / 1024
    lines += [
        "",
        f"pipeline / bare spaCy (build s, paired medians): {ratio:.2f}",
        f"pipeline / bare spaCy, per round (wall): {', '.join(f'{r:.2f}' for r in wall_pairs)}; "
        f"median {statistics.median(wall_pairs):.2f}",
        f"pipeline / bare spaCy, per round (CPU s of the process): {', '.join(f'{r:.2f}' for r in cpu_pairs)}; "
        f"median {statistics.median(cpu_pairs):.2f}",
        f"stored layers: {layer_kib:,.0f} KiB = {layer_kib / (words / 1000):.1f} KiB per 1,000 words",
        "",
        "| loading the pipeline | s | peak RSS MiB | torch in sys.modules |",
        "|---|---:|---:|---|",
    ]
    for label, r in loads.items():
        lines.append(f"| {label} | {r['seconds']:.1f} | {r['peak_rss_mib']:.0f} | {'yes' if r['torch'] else 'no'} |")
    print("\n".join(lines))
    if json_out:
        json_out.write_text(
            json.dumps({"documents": n_docs, "words": words, "runs": runs, "loads": loads}, indent=1) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    typer.run(main)
