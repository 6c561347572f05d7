"""The command line on ordinary mistakes (one line naming the file, exit 1, nothing lost) and on
statements: the file-name convention, --speaker and --manifest make "we" the speaking state."""

from __future__ import annotations

import json
import shutil

from conftest import ROOT, load
from typer.testing import CliRunner

from pipeline.cli import app

# A statement written for these tests, in the style of a General Debate speech.
STATEMENT = """Mr. President, allow me to congratulate you on your election.
We condemn the Russian Federation's aggression against Ukraine.
We stand with Ukraine.
My Government supports the territorial integrity of Georgia.
"""


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1, result.output
    return lines[0]


def rows(folder, layer):
    return load(folder / f"{layer}.jsonl")


def test_file_name_convention_makes_a_statement(tmp_path):
    src = tmp_path / "POL_77_2022.txt"
    src.write_text(STATEMENT, encoding="utf-8")
    result = run("annotate", src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (doc,) = rows(tmp_path / "out", "documents")
    assert (doc["collection"], doc["speaker"], doc["speaker_type"], doc["session"], doc["year"]) == (
        "ungd",
        "POL",
        "state",
        77,
        2022,
    )
    assert doc["licence"] == "CC0-1.0" and len(doc["citation"]) == 2
    claims = {(c["actor"], c["target"], c["stance"]) for c in rows(tmp_path / "out", "claims")}
    assert {("POL", "RUS", "oppose"), ("POL", "UKR", "support"), ("POL", "GEO", "support")} <= claims
    assert all(c["actor"] == "POL" or c["actor"] == "RUS" for c in rows(tmp_path / "out", "claims"))


def test_speaker_option_and_manifest(tmp_path):
    src = tmp_path / "speech.txt"
    src.write_text(STATEMENT, encoding="utf-8")
    result = run("annotate", src, "--out", tmp_path / "one", "--speaker", "EST")
    assert result.exit_code == 0, result.output
    assert {c["actor"] for c in rows(tmp_path / "one", "claims")} >= {"EST"}
    (tmp_path / "plain.txt").write_text(
        "We condemn the Russian Federation's aggression against Ukraine.\n", encoding="utf-8"
    )
    manifest = tmp_path / "inputs.jsonl"
    manifest.write_text(
        json.dumps({"file": "speech.txt", "doc_id": "lva", "speaker": "LVA"})
        + "\n"
        + json.dumps({"file": "plain.txt"})
        + "\n",
        encoding="utf-8",
    )
    result = run("annotate", "--manifest", manifest, "--out", tmp_path / "many")
    assert result.exit_code == 0, result.output
    docs = {d["doc_id"]: d for d in rows(tmp_path / "many", "documents")}
    assert docs["lva"]["speaker"] == "LVA" and docs["plain"]["speaker"] is None
    by_doc = {(c["doc_id"], c["actor"]) for c in rows(tmp_path / "many", "claims")}
    assert ("lva", "LVA") in by_doc and not any(doc == "plain" and actor == "LVA" for doc, actor in by_doc)
    assert "--speaker must be an ISO 3166-1 alpha-3 code" in error_line(
        run("annotate", src, "--out", tmp_path / "bad", "--speaker", "XX")
    )
    assert "give input files or --manifest FILE" in error_line(run("annotate", "--out", tmp_path / "none"))


def test_output_folder_mistakes(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Kazakhstan condemned Russia.\n", encoding="utf-8")
    a_file = tmp_path / "taken"
    a_file.write_text("x", encoding="utf-8")
    assert error_line(run("annotate", src, "--out", a_file)) == f"error: {a_file}: --out names a file; give a folder"
    assert "cannot create the output folder" in error_line(run("annotate", src, "--out", a_file / "sub"))
    # The corpus's own layers are not overwritten without --force.
    corpus_like = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations" / "gold" / "sheets", corpus_like / "gold" / "sheets")
    (corpus_like / "claims.jsonl").write_text("{}\n", encoding="utf-8")
    line = error_line(run("annotate", src, "--out", corpus_like))
    assert "holds the corpus layers" in line and "--force" in line
    assert (corpus_like / "claims.jsonl").read_text(encoding="utf-8") == "{}\n"


def test_commands_on_folders_they_cannot_use(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Kazakhstan condemned Russia.\n", encoding="utf-8")
    assert run("annotate", src, "--out", tmp_path / "out").exit_code == 0
    assert "no gold layer" in error_line(run("evaluate", "--annotations", tmp_path / "out"))
    assert "not a dataset folder" in error_line(
        run("train", "--annotations", tmp_path / "out", "--out", tmp_path / "m")
    )
    assert "not a stance model folder" in error_line(
        run("annotate", src, "--out", tmp_path / "o2", "--stance-model", tmp_path / "nowhere")
    )
    # An annotate output exports like the corpus (no gold: the gold configs are empty), and its
    # files are readable by others (0644), whatever mkstemp's default.
    exported = run("export", "--annotations", tmp_path / "out", "--format", "parquet", "--out", tmp_path / "pq")
    assert exported.exit_code == 0 and "claims_auto: train=" in exported.output, exported.output
    assert {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "out").glob("*.jsonl")} == {"0o644"}
