"""Bad options and hostile pages: one line naming the option or file and exit 1, or output that
passes `audit`, never a traceback."""

from __future__ import annotations

import json

import pytest
from conftest import load
from test_cli_inputs import error_line, run

from pipeline.cli import _executor
from pipeline.errors import InputError
from pipeline.executors import LocalExecutor, usable_cpus
from pipeline.ingest.manifest import DocInput
from pipeline.ingest.sources import read_source
from pipeline.publish import annotate_to_dir
from pipeline.quality.audit import validate_dir

TEXT = "Kazakhstan condemned Russia over the war in Ukraine.\n"


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "paths.claims_system=bogus",
            "--set paths.claims_system=bogus: the pipeline refuses this value (claim_encoder: mode must be one of "
            "rules, model, combined (got 'bogus'))",
        ),
        ("paths.base_model=/tmp", "--set paths.base_model=/tmp: not an installed spaCy model or a pipeline folder"),
        (
            "nosuch.key=1",
            "--set nosuch.key=1: bad config override (Error parsing config overrides; nosuch -> key not a section "
            "value that can be overridden)",
        ),
    ],
)
def test_bad_config_values_are_one_line(src, tmp_path, value, message):
    assert error_line(run("annotate", src, "--out", tmp_path / "out", "--set", value)) == f"error: {message}"
    assert not (tmp_path / "out" / "documents.jsonl").exists()


def test_a_model_folder_that_is_no_model(src, tmp_path):
    line = error_line(run("annotate", src, "--out", tmp_path / "out", "--model", tmp_path))
    assert line == f"error: {tmp_path}: spaCy model not installed (pip install it, or give a pipeline folder)"


def test_build_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert error_line(run("build")) == (
        "error: corpus: no corpus folder here (run from the repository root, or give --corpus)"
    )


def test_n_process_is_capped_at_the_cpu_count(src, tmp_path):
    assert _executor("local", 100000, None).n_process == usable_cpus()
    assert LocalExecutor(100000).n_process == usable_cpus() and LocalExecutor(1).n_process == 1
    result = run("annotate", src, "--out", tmp_path / "out", "--n-process", 100000)
    assert result.exit_code == 0, result.output
    assert f"warning: --n-process 100000 is more than the {usable_cpus()} CPU(s) here; using {usable_cpus()}" in (
        result.output
    )


def test_control_characters_and_noncharacters_in_html(tmp_path):
    cases = {
        # the fuzzers' minimal case: a ValueError from lxml in _take_captions before
        "fffe_caption": "\ufffe<figcaption></figcaption><p>Kazakhstan condemned Russia over the war.</p>",
        # one U+FFFE inside a paragraph made trafilatura drop the page
        "fffe_paragraph": "<html><body><p>Kazakhstan condemned \ufffe Russia over the war in Ukraine.</p></body></html>",
        "controls": "<html><body><p>Kazakhstan\x07 condemned\x85 Russia\x9f over\uffff the\U0001fffe war\ufdd0 in "
        "Ukraine and said so clearly.</p></body></html>",
    }
    for name, html in cases.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        text = " ".join(line.text for line in read_source(path).lines)
        assert "Kazakhstan" in text and "Russia" in text, name
        assert not any(ch in text for ch in "\ufffe\uffff\x07\x85\x9f\U0001fffe\ufdd0"), name


def test_too_deeply_nested_html_has_its_own_message(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "<p>Kazakhstan condemned Russia.</p>" + "</div>" * 100_000)
    with pytest.raises(InputError) as err:
        read_source(path)
    assert str(err.value) == (
        f"{path}: HTML nested too deeply (256 or more levels of elements, the most lxml reads); flatten it"
    )
    shallow = tmp_path / "shallow.html"
    shallow.write_text("<html><body>" + "<div>" * 200 + "<p>Kazakhstan condemned Russia.</p>" + "</div>" * 200)
    assert [line.text for line in read_source(shallow).lines] == ["Kazakhstan condemned Russia."]


def test_allow_orphans_output_passes_audit(tmp_path):
    path = tmp_path / "orphans.txt"
    path.write_text("Kazakhstan condemned Russia.[3]\n\nNotes\n\n[1] A note.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("annotate", path, "--out", out, "--allow-orphans")
    assert result.exit_code == 0, result.output
    (doc,) = load(out / "documents.jsonl")
    assert doc["problems"] == ["marker [3] at offset 28 has no note", "note [1] is cited by no marker"]
    assert run("audit", out).exit_code == 0
    # Orphans nobody recorded are still violations.
    doc["problems"] = []
    (out / "documents.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert {v.problem for v in validate_dir(out)} == {
        "note [1] has no marker",
        "marker [3] at 28 has no note",
    }


def test_a_bullet_line_before_a_sentence(annotator, tmp_path):
    path = tmp_path / "bullet.txt"
    path.write_text("Positions\n* Kazakhstan\nChina condemned France.\n", encoding="utf-8")
    out = tmp_path / "out"
    annotate_to_dir([DocInput(path, "bullet")], out, annotator, progress=False)
    assert validate_dir(out) == []
    sentences = load(out / "sentences.jsonl")
    assert [(s["start"], s["end"], s["text"]) for s in sentences] == [
        (2, 12, "Kazakhstan"),
        (14, 37, "China condemned France."),
    ]
    entities = load(out / "entities.jsonl")
    assert [(e["text"], e["sent_id"]) for e in entities] == [
        ("Kazakhstan", "bullet:s000"),
        ("China", "bullet:s001"),
        ("France", "bullet:s001"),
    ]
