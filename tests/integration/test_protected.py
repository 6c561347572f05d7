"""Nothing is lost: the corpus's layers are refused as an output at any depth without --force, a
folder holding other documents is replaced only with --force and added to only with --merge,
and two runs on one folder never both write (an advisory lock, tested with real processes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, load
from test_cli_inputs import error_line, run

from pipeline.errors import InputError
from pipeline.locks import folder_lock, lock_paths

TEXT = "Kazakhstan condemned Russia over the war in Ukraine.\n"
STANCE = str(ROOT / ".venv" / "bin" / "stance-corpus")


@pytest.fixture
def corpus_tree(tmp_path):
    """A copy of the corpus's annotation tree: guidelines, gold files, coding sheets, a collection."""
    tree = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations" / "gold" / "sheets", tree / "gold" / "sheets")
    shutil.copy(ROOT / "annotations" / "gold" / "claims.jsonl", tree / "gold" / "claims.jsonl")
    shutil.copy(ROOT / "annotations" / "GUIDELINES.md", tree / "GUIDELINES.md")
    (tree / "ungd").mkdir()
    (tree / "gold" / "ungd").mkdir()
    return tree


@pytest.mark.parametrize("sub", [".", "gold", "gold/ungd", "ungd", "gold/sheets", "gold/new/deeper"])
def test_corpus_layers_are_refused_at_any_depth(corpus_tree, tmp_path, sub):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    gold = (corpus_tree / "gold" / "claims.jsonl").read_bytes()
    out = corpus_tree / sub
    line = error_line(run("annotate", src, "--out", out))
    assert line == f"error: {out}: holds the corpus layers (gold, guidelines); write elsewhere or pass --force"
    assert (corpus_tree / "gold" / "claims.jsonl").read_bytes() == gold
    assert not any(corpus_tree.rglob("documents.jsonl"))


def test_force_writes_into_the_corpus_tree(corpus_tree, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = run("annotate", src, "--out", corpus_tree / "scratch", "--force")
    assert result.exit_code == 0, result.output
    assert [d["doc_id"] for d in load(corpus_tree / "scratch" / "documents.jsonl")] == ["a"]


def test_other_documents_need_force_or_merge(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TEXT, encoding="utf-8")
    b.write_text("Poland supported Ukraine.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("annotate", a, "--out", out).exit_code == 0
    before = (out / "documents.jsonl").read_bytes()
    assert run("annotate", a, "--out", out).exit_code == 0  # the same documents again: no question
    assert (out / "documents.jsonl").read_bytes() == before
    line = error_line(run("annotate", b, "--out", out))
    assert (
        line == f"error: {out}: holds 1 other document(s) (a); pass --merge to add to them or --force to replace them"
    )
    assert (out / "documents.jsonl").read_bytes() == before
    merged = run("annotate", b, "--out", out, "--merge")
    assert merged.exit_code == 0, merged.output
    assert [d["doc_id"] for d in load(out / "documents.jsonl")] == ["a", "b"]
    assert {s["doc_id"] for s in load(out / "sentences.jsonl")} == {"a", "b"}
    assert run("audit", out).exit_code == 0
    # --merge again with a changed "a": replaced in place of nothing, the other kept.
    a.write_text("Russia condemned Kazakhstan.\n", encoding="utf-8")
    assert run("annotate", a, "--out", out, "--merge").exit_code == 0
    docs = load(out / "documents.jsonl")
    assert [d["doc_id"] for d in docs] == ["b", "a"] and docs[1]["text"] == "Russia condemned Kazakhstan."
    assert run("audit", out).exit_code == 0
    assert run("annotate", b, "--out", out, "--force").exit_code == 0
    assert [d["doc_id"] for d in load(out / "documents.jsonl")] == ["b"]
    assert "give one" in error_line(run("annotate", b, "--out", out, "--force", "--merge"))


def test_a_held_lock_is_one_line_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    with folder_lock(out):
        info = json.loads(lock_paths(out)[1].read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        with pytest.raises(InputError) as err:
            with folder_lock(out):
                pass
    message = str(err.value)
    assert message.startswith(f"{out}: in use by another run (pid {os.getpid()}, `stance-corpus")
    assert message.endswith("); wait for it to finish")
    assert not lock_paths(out)[1].exists()  # released: the holder's record is gone
    with folder_lock(out):  # and the lock can be taken again
        pass


HOLD = """
import sys, time
from pipeline.locks import folder_lock
with folder_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(out, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out), str(seconds)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_two_real_annotate_runs_on_one_folder(tmp_path):
    """A second `annotate` while another process holds the folder stops with one line naming it and
    writes nothing; the first run's output is complete."""
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    holder = _holder(out, 60)
    try:
        second = subprocess.run([STANCE, "annotate", str(src), "--out", str(out)], capture_output=True, text=True)
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}: in use by another run (pid {holder.pid}, ")
    assert not (out / "documents.jsonl").exists()
    # killed with the lock held: the operating system released it, the next run goes ahead
    done = subprocess.run([STANCE, "annotate", str(src), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [d["doc_id"] for d in load(out / "documents.jsonl")] == ["a"]


def test_two_real_builds_started_together(tmp_path):
    """Two `build` runs on one output folder started at once: one builds; the other stops with one
    line naming it (or, if it came after, finds the build up to date). Never a traceback (the old
    FileExistsError on the staging folder), and the output is one complete build."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = []
    for path in sorted((ROOT / "corpus" / "ungd" / "session77_2022").glob("*.txt"))[:6]:
        shutil.copy(path, corpus / path.name)
        rows.append(json.dumps({"doc_id": path.stem, "file": path.name}) + "\n")
    (corpus / "manifest.jsonl").write_text("".join(rows), encoding="utf-8")
    out = tmp_path / "ann"
    cmd = [STANCE, "build", "--corpus", str(corpus), "--out", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.pid, p.returncode, *p.communicate(timeout=600)) for p in procs]
    results = [(pid, p.returncode, so, se) for (pid, _, so, se), p in zip(results, procs)]
    built = [r for r in results if r[1] == 0 and "annotated 6 of 6 documents" in r[2]]
    assert len(built) == 1, results
    (other,) = [r for r in results if r is not built[0]]
    if other[1] == 1:
        (line,) = other[3].strip().splitlines()
        assert line.startswith(f"error: {out}: in use by another run (pid {built[0][0]}, `stance-corpus build")
    else:
        assert other[1] == 0 and "up to date" in other[2] and "Traceback" not in other[3]
    assert run("audit", out).exit_code == 0
    assert len(load(out / "documents.jsonl")) == 6
    assert not list(tmp_path.glob(".ann.staging")) and not list(tmp_path.glob(".ann.old"))
