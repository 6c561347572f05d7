"""Scaling the build: executors give the same bytes, rebuilds reuse the cache, a killed build
leaves the old or the new complete output, gzip layers read back with standard tools."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonlines
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.executors import DaskExecutor, LocalExecutor, annotator_for
from pipeline.ingest.manifest import read_manifest
from pipeline.io import BUILD_FILE, check_build_files
from pipeline.publish import build_corpus
from pipeline.quality.audit import validate_dir
from pipeline.settings import Settings

# Short texts written for these tests: two articles and two statements.
ARTICLES = {
    "alpha": "Kazakhstan and Uzbekistan signed a trade agreement in Tashkent.\n\n"
    "Russia criticised the agreement, and Kyrgyzstan supported it.\n",
    "beta": "Georgia condemned the occupation of its territory by Russia.\n\n"
    "Armenia and Azerbaijan met in Brussels to discuss the border.\n",
}
STATEMENTS = {
    "FRA_78_2023": "France supports Ukraine. We condemn the aggression of Russia against Ukraine.\n\n"
    "Mali and Niger must return to constitutional order.\n",
    "BRA_78_2023": "Brazil calls on Israel and Palestine to resume negotiations.\n\n"
    "We welcome the efforts of Qatar and Egypt.\n",
}


def write_corpus(folder: Path, articles=ARTICLES, statements=STATEMENTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"doc_id": k, "file": f"{k}.txt", "title": k.title(), "publisher": "Test Press", "licence": "CC0-1.0"}
        for k in articles
    ]
    for k, text in articles.items():
        (folder / f"{k}.txt").write_text(text, encoding="utf-8")
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    sub = folder / "statements"
    sub.mkdir(exist_ok=True)
    rows = []
    for k, text in statements.items():
        (sub / f"{k}.txt").write_text(text, encoding="utf-8")
        iso, session, year = k.split("_")
        rows.append(
            {
                "doc_id": k,
                "file": f"{k}.txt",
                "speaker": iso,
                "speaker_type": "state",
                "session": int(session),
                "year": int(year),
                "title": f"Statement {k}",
                "licence": "CC0-1.0",
            }
        )
    (sub / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file (bytes, inode, mtime) under a folder, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def published(folder: Path) -> dict[str, bytes]:
    """The output a reader sees: every file but the cache."""
    return {k: v[0] for k, v in snapshot(folder).items() if not k.startswith(".cache/")}


@pytest.fixture(scope="module")
def settings(annotator):
    settings = Settings()
    annotator_for(settings, annotator)  # in-process builds reuse the session's pipeline
    return settings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def serial(corpus, settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    result = build_corpus(read_manifest(corpus), out, settings, LocalExecutor(1), progress=False)
    assert result.annotated == 4 and not result.unchanged
    return out


def test_layers_and_build_file(serial):
    assert sorted(published(serial)) == sorted(
        [BUILD_FILE]
        + [f"{n}.jsonl" for n in ("documents", "sentences", "entities", "claims")]
        + [f"statements/{n}.jsonl.gz" for n in ("documents", "sentences", "entities", "claims")]
    )
    state = json.loads((serial / BUILD_FILE).read_text())
    assert [d for d, _key in state["collections"]["statements"]["documents"]] == ["FRA_78_2023", "BRA_78_2023"]
    assert set(state["files"]) == set(published(serial)) - {BUILD_FILE}
    assert check_build_files(serial) == [] and validate_dir(serial) == []
    # Provenance once per document; rows name their component.
    docs = [json.loads(line) for line in (serial / "documents.jsonl").read_text().splitlines()]
    assert [d["doc_id"] for d in docs] == ["alpha", "beta"] and docs[0]["produced_by"]["model"]["name"]
    sent = json.loads((serial / "sentences.jsonl").read_text().splitlines()[0])
    assert sent["component"] == "segment" and "produced_by" not in sent


def test_pool_and_dask_give_the_same_bytes(corpus, settings, serial, tmp_path):
    inputs = read_manifest(corpus)
    pool = build_corpus(inputs, tmp_path / "pool", settings, LocalExecutor(2), progress=False)
    dask = build_corpus(inputs, tmp_path / "dask", settings, DaskExecutor(2), progress=False)
    assert pool.annotated == dask.annotated == 4
    assert published(tmp_path / "pool") == published(serial)
    assert published(tmp_path / "dask") == published(serial)


def test_pool_workers_load_the_learned_system(corpus, tmp_path):
    """Workers hide torch only while importing spaCy: the encoder they load later needs it."""
    pytest.importorskip("sentence_transformers")
    settings = Settings(config_overrides={"paths.claims_system": "combined"})
    inputs = read_manifest(corpus)
    pool = build_corpus(inputs, tmp_path / "pool", settings, LocalExecutor(2), progress=False)
    assert pool.annotated == 4
    build_corpus(inputs, tmp_path / "serial", settings, LocalExecutor(1), progress=False)
    assert published(tmp_path / "pool") == published(tmp_path / "serial")
    with gzip.open(tmp_path / "pool" / "statements" / "claims.jsonl.gz", "rt", encoding="utf-8") as f:
        annotators = {json.loads(line)["annotator"].split("/")[0] for line in f}
    assert annotators == {"pipeline.claims", "claim_encoder"}


def test_unchanged_rebuild_touches_nothing_and_a_change_reuses_the_rest(corpus, settings, serial, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert published(out) == published(serial)
    before = snapshot(out)
    again = runner.invoke(app, ["build", "--corpus", str(corpus), "--out", str(out)])
    assert again.exit_code == 0 and "up to date: 4 documents unchanged" in again.output
    assert snapshot(out) == before  # same bytes, inodes and mtimes
    # One changed text: only that document goes through the pipeline again.
    changed = tmp_path / "corpus2"
    write_corpus(changed, {**ARTICLES, "beta": ARTICLES["beta"].replace("Brussels", "Geneva")})
    third = runner.invoke(app, ["build", "--corpus", str(changed), "--out", str(out)])
    assert third.exit_code == 0 and "annotated 1 of 4 documents (3 from the cache)" in third.output
    assert (out / "statements/sentences.jsonl.gz").stat().st_ino == before["statements/sentences.jsonl.gz"][1]
    assert "Geneva" in (out / "sentences.jsonl").read_text() and validate_dir(out) == []
    # A changed generated file is what the audit reports.
    (out / "claims.jsonl").write_text((out / "claims.jsonl").read_text() + "\n")
    assert [(v.file, v.problem) for v in validate_dir(out)][-1] == ("claims.jsonl", "sha256 differs from build.json")


def test_gzip_layers_read_back(serial):
    from datasets import load_dataset

    path = serial / "statements" / "sentences.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh, jsonlines.Reader(fh) as reader:
        rows = list(reader)
    docs = {d["doc_id"]: d for d in jsonlines.Reader(gzip.open(serial / "statements/documents.jsonl.gz", "rt"))}
    assert [r["doc_id"] for r in rows][0] == "FRA_78_2023" and rows[0]["text"] == "France supports Ukraine."
    assert all(docs[r["doc_id"]]["text"][r["start"] : r["end"]] == r["text"] for r in rows)
    ds = load_dataset("json", data_files=str(path), split="train")
    assert ds.num_rows == len(rows) and ds[0]["sent_id"] == rows[0]["sent_id"] and ds[0]["end"] == rows[0]["end"]


def _start_build(corpus: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_build_leaves_old_or_new_and_resumes(settings, tmp_path):
    old_corpus = write_corpus(tmp_path / "old")
    new_corpus = write_corpus(
        tmp_path / "new",
        {k: v.replace("agreement", "treaty") for k, v in ARTICLES.items()},
        {k: v + "\nThe Assembly must act.\n" for k, v in STATEMENTS.items()},
    )
    old = build_corpus(read_manifest(old_corpus), tmp_path / "ref_old", settings, progress=False)
    new = build_corpus(read_manifest(new_corpus), tmp_path / "ref_new", settings, progress=False)
    assert not old.unchanged and not new.unchanged
    want_old, want_new = published(tmp_path / "ref_old"), published(tmp_path / "ref_new")
    out = tmp_path / "out"
    staging = tmp_path / ".out.staging"

    def cache_entries() -> int:
        return len(list((out / ".cache").rglob("*.json.gz")))

    state = json.loads((tmp_path / "ref_new" / BUILD_FILE).read_text())
    new_keys = {key for c in state["collections"].values() for _doc, key in c["documents"]}
    shared = 1  # "beta" has no "agreement": the same document in both corpora

    moments = {
        "while loading": lambda: False,  # killed by the short timeout below
        "after a document was annotated": lambda: cache_entries() > 4,
        "while publishing": lambda: staging.exists(),
    }
    for moment, ready in moments.items():
        # The old output (its build drops the new documents' rows from the cache).
        build_corpus(read_manifest(old_corpus), out, settings, progress=False)
        assert published(out) == want_old and cache_entries() == 4
        proc = _start_build(new_corpus, out)
        _kill_when(proc, ready, timeout=1.0 if moment == "while loading" else 120)
        seen = published(out)
        assert seen in (want_old, want_new), moment
        assert validate_dir(out) == [], moment
        stored = {p.name[: -len(".json.gz")] for p in (out / ".cache").rglob("*.json.gz")} & new_keys
        rerun = CliRunner().invoke(app, ["build", "--corpus", str(new_corpus), "--out", str(out)])
        assert rerun.exit_code == 0, rerun.output
        if seen == want_old:  # resumed: only what the killed run had not stored was annotated
            assert f"annotated {4 - len(stored)} of 4 documents" in rerun.output, (moment, rerun.output)
            if moment == "after a document was annotated":
                assert len(stored) > shared
        assert published(out) == want_new, moment
        assert not staging.exists() and not (tmp_path / ".out.old").exists()
        assert not [p for p in out.rglob("*.tmp")], moment


def _start_annotate(files: list[Path], out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "annotate", *map(str, files), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_killed_annotate_leaves_old_or_new(tmp_path):
    """`annotate` writes its layers into a staging copy that replaces the folder at once."""
    sources = []
    for i, text in enumerate(
        [
            "Kazakhstan condemned Russia.",
            "Uzbekistan supported Ukraine.",
            "Tajikistan refused to recognise the annexation of Crimea.",
        ]
    ):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        sources.append(path)
    out = tmp_path / "out"
    ref_old, ref_new = tmp_path / "ref_old", tmp_path / "ref_new"
    for ref, files in ((ref_old, sources[:1]), (ref_new, sources)):
        assert CliRunner().invoke(app, ["annotate", *map(str, files), "--out", str(ref)]).exit_code == 0
    want_old, want_new = published(ref_old), published(ref_new)
    staging = tmp_path / ".out.staging"
    moments = {"while loading": lambda: False, "while publishing": lambda: staging.exists()}
    for moment, ready in moments.items():
        # --force: the folder holds the other documents since the last moment's rerun
        assert CliRunner().invoke(app, ["annotate", str(sources[0]), "--out", str(out), "--force"]).exit_code == 0
        assert published(out) == want_old
        proc = _start_annotate(sources, out)
        _kill_when(proc, ready, timeout=1.0 if moment == "while loading" else 120)
        assert published(out) in (want_old, want_new), moment
        assert validate_dir(out) == [], moment
        rerun = CliRunner().invoke(app, ["annotate", *map(str, sources), "--out", str(out)])
        assert rerun.exit_code == 0, rerun.output
        assert published(out) == want_new, moment
        assert not staging.exists() and not list(tmp_path.glob(".out.rows-*")), moment
        assert not [p for p in out.rglob("*.tmp")], moment
