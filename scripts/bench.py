"""Benchmark: the whole pipeline against bare spaCy over the same text.

Run it with::

    .venv/bin/python scripts/bench.py            # or: make bench
    .venv/bin/python scripts/bench.py --min-words 20000 --json bench.json   # quick run

A synthetic corpus is built from one seed article, copied as N separate documents
(case000.txt, case001.txt, ...) until the cleaned text holds at least --min-words words.
Then, each in its own fresh process (so each peak RSS is its own):

1. the pipeline over 1/4 of the documents (to see whether memory grows with corpus size);
2. the pipeline over all documents: ``annotate_to_dir`` writing all four JSONL layers;
3. bare spaCy: the same model via ``spacy.load`` and ``nlp.pipe`` over the same paragraph
   texts (taken from the documents.jsonl of step 2) with the same batch size.

Model load times are reported apart and are not in the timed seconds. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "corpus" / "000_88c6a071fbcc8006.txt"
RATIO_GOAL = 1.3


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cleaned_words(path: Path) -> int:
    """Words in the text the pipeline keeps after cleaning (what it would annotate)."""
    from pipeline.ingest.clean import clean, load_debris_patterns
    from pipeline.ingest.sources import read_source
    from pipeline.settings import Settings

    return len(clean(read_source(path), load_debris_patterns(Settings().debris_path)).text.split())


def run_pipeline(paths: list[Path], out_dir: Path, settings_kw: dict | None = None) -> dict:
    from dataclasses import replace

    from pipeline.build import Annotator, annotate_to_dir
    from pipeline.ingest.manifest import inputs_from_paths
    from pipeline.settings import Settings

    t0 = time.perf_counter()
    annotator = Annotator(replace(Settings(), **(settings_kw or {})))
    load_s = time.perf_counter() - t0
    inputs = inputs_from_paths(paths)
    t0 = time.perf_counter()
    counts = annotate_to_dir(inputs, out_dir, annotator, progress=False)
    seconds = time.perf_counter() - t0
    return {"load_s": load_s, "seconds": seconds, "records": counts, "peak_rss_mib": peak_rss_mib()}


def run_bare(documents_jsonl: Path) -> dict:
    import spacy

    from pipeline.settings import Settings

    settings = Settings()
    texts = []
    with open(documents_jsonl, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            texts += [doc["text"][p["start"]:p["end"]] for p in doc["paragraphs"]]
    t0 = time.perf_counter()
    nlp = spacy.load(settings.spacy_model)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=settings.batch_size))
    seconds = time.perf_counter() - t0
    return {"load_s": load_s, "seconds": seconds, "records": {"paragraphs": len(texts), "tokens": tokens},
            "peak_rss_mib": peak_rss_mib()}


def in_fresh_process(fn, *args) -> dict:
    """Run fn(*args) in a new interpreter ('spawn'), so its ru_maxrss is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-words", type=int, default=200_000, help="cleaned words to reach (default 200000)")
    ap.add_argument("--engine", choices=["spacy", "stanza"], default="spacy",
                    help="stanza: also run the pipeline with --engine stanza (spaCy is measured in the same run)")
    ap.add_argument("--stanza-dir", type=Path, help="stanza's model folder (see README, stanza engine)")
    ap.add_argument("--stanza-ner-model", type=Path, help="a locally trained stanza NER model (.pt)")
    ap.add_argument("--stanza-pretrain", type=Path, help="its pretrain file (.pt)")
    ap.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()

    words_per_doc = cleaned_words(SEED)
    n_docs = max(1, math.ceil(args.min_words / words_per_doc))
    n_quarter = max(1, n_docs // 4)
    seed_text = SEED.read_bytes()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        paths = []
        for i in range(n_docs):
            paths.append(corpus / f"case{i:03d}.txt")
            paths[-1].write_bytes(seed_text)
        print(f"corpus: {n_docs} documents x {words_per_doc} cleaned words = {n_docs * words_per_doc} words"
              f" (engine {args.engine})", flush=True)

        runs = {}
        jobs = [
            ("pipeline_quarter", run_pipeline, (paths[:n_quarter], Path(tmp) / "out_quarter"), n_quarter),
            ("pipeline", run_pipeline, (paths, Path(tmp) / "out"), n_docs),
            ("bare_spacy", run_bare, (Path(tmp) / "out" / "documents.jsonl",), n_docs),
        ]
        if args.engine == "stanza":
            kw = {"engine": "stanza", "stanza_dir": args.stanza_dir, "stanza_ner_model": args.stanza_ner_model,
                  "stanza_pretrain": args.stanza_pretrain}
            jobs.append(("pipeline_stanza", run_pipeline, (paths, Path(tmp) / "out_stanza", kw), n_docs))
        for name, fn, fn_args, docs in jobs:
            r = in_fresh_process(fn, *fn_args)
            r.update(documents=docs, words=docs * words_per_doc)
            r["words_per_s"] = r["words"] / r["seconds"]
            runs[name] = r
            print(f"{name:17} {r['documents']:5d} docs {r['words']:8d} words {r['seconds']:8.1f} s"
                  f" {r['words_per_s']:8.0f} words/s  load {r['load_s']:5.1f} s"
                  f"  peak RSS {r['peak_rss_mib']:7.1f} MiB  {r['records']}", flush=True)

    ratio = runs["pipeline"]["seconds"] / runs["bare_spacy"]["seconds"]
    growth = runs["pipeline"]["peak_rss_mib"] - runs["pipeline_quarter"]["peak_rss_mib"]
    print(f"ratio pipeline/bare: {ratio:.2f} (goal <= {RATIO_GOAL}: {'met' if ratio <= RATIO_GOAL else 'NOT met'})")
    print(f"peak RSS pipeline: {runs['pipeline_quarter']['peak_rss_mib']:.1f} MiB at {n_quarter} docs,"
          f" {runs['pipeline']['peak_rss_mib']:.1f} MiB at {n_docs} docs ({growth:+.1f} MiB)")
    print(f"peak RSS bare spaCy: {runs['bare_spacy']['peak_rss_mib']:.1f} MiB")
    if "pipeline_stanza" in runs:
        st, sp = runs["pipeline_stanza"], runs["pipeline"]
        print(f"stanza engine: {st['words_per_s']:.0f} words/s, peak RSS {st['peak_rss_mib']:.1f} MiB"
              f" (spaCy engine: {sp['words_per_s']:.0f} words/s, {sp['peak_rss_mib']:.1f} MiB;"
              f" model {args.stanza_ner_model or args.stanza_dir or 'default stanza dir'})")

    if args.json:
        figures = {"engine": args.engine, "min_words": args.min_words, "words_per_doc": words_per_doc,
                   "runs": runs, "ratio_pipeline_over_bare": ratio, "ratio_goal": RATIO_GOAL,
                   "rss_growth_mib": growth}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
