"""Nothing escapes the output folder: document ids are checked where they are read, manifest
files stay inside the manifest's folder, and every exporter, the report and import build their
paths with ``out_path``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import load
from test_cli_inputs import error_line, run

from pipeline.errors import InputError
from pipeline.ingest.manifest import inputs_from_manifest, read_manifest
from pipeline.paths import check_doc_id, doc_id_problem, out_path

TEXT = "Kazakhstan condemned Russia over the war in Ukraine.\n"


@pytest.mark.parametrize(
    "doc_id",
    ["besa2023_central_asia", "POL_77_2022", "a", "report 2024", "v1.2-final", "Türkiye_2023", "report (final),+1"],
)
def test_safe_doc_ids_pass(doc_id):
    assert check_doc_id(doc_id, "m.jsonl:1") == doc_id


@pytest.mark.parametrize(
    "doc_id, problem",
    [
        ("/abs/path/x", "is not a safe name"),
        ("../../x", "is not a safe name"),
        ("a/b", "is not a safe name"),
        ("a\\b", "is not a safe name"),
        ("x..y", "is not a safe name"),
        (".hidden", "is not a safe name"),
        ("nul\x00id", "is not a safe name"),
        ("line\nbreak", "is not a safe name"),
        ("x" * 129, "is not a safe name"),
        ("", "is not a safe name"),
        (7, "doc_id must be a string, not int 7"),
        (None, "doc_id must be a string, not NoneType None"),
    ],
)
def test_unsafe_doc_ids_are_refused(doc_id, problem):
    assert problem in (doc_id_problem(doc_id) or "")
    with pytest.raises(InputError) as err:
        check_doc_id(doc_id, "m.jsonl:3")
    assert str(err.value).startswith("m.jsonl:3: ") and "\n" not in str(err.value)


def test_out_path_refuses_to_leave_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert out_path(out, "brat", "doc.ann") == out / "brat" / "doc.ann"
    for parts in (("../x",), ("/etc/x",), ("a", "../../x"), ("a\x00b",), ("",)):
        with pytest.raises(InputError) as err:
            out_path(out, *parts)
        assert str(err.value).startswith(f"{out}: refusing to write")
    (out / "link").symlink_to(tmp_path)  # a link inside the folder that points out of it
    with pytest.raises(InputError, match="leads outside the output folder"):
        out_path(out, "link", "x.html")


def _manifest(folder: Path, *rows: dict) -> Path:
    path = folder / "inputs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_manifest_doc_ids_are_checked_when_read(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for doc_id, problem in (
        (12, "doc_id must be a string, not int 12"),
        ("/abs/path/x", "is not a safe name"),
        ("../../x", "is not a safe name"),
        ("bad\x00id", "is not a safe name"),
    ):
        manifest = _manifest(tmp_path, {"file": "a.txt", "doc_id": doc_id})
        line = error_line(run("annotate", "--manifest", manifest, "--out", tmp_path / "out"))
        assert line.startswith(f"error: {manifest}:1: ") and problem in line, line
    assert not (tmp_path / "out").exists()


def test_manifest_files_stay_inside_its_folder(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Poland supported Ukraine against Russia.\n", encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    for file in ("../secret.txt", str(secret)):
        manifest = _manifest(folder, {"file": file, "doc_id": "s"})
        with pytest.raises(InputError, match="lies outside .*; pass --allow-outside to read it"):
            inputs_from_manifest(manifest)
        line = error_line(run("annotate", "--manifest", manifest, "--out", tmp_path / "out"))
        assert "--allow-outside" in line
        (item,) = inputs_from_manifest(manifest, allow_outside=True)
        assert item.path.resolve() == secret.resolve()
    # The corpus manifest too (build): its rows may not reach out of the corpus folder.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.jsonl").write_text(json.dumps({"doc_id": "s", "file": "../secret.txt"}) + "\n")
    with pytest.raises(InputError, match="manifest.jsonl:1: file '../secret.txt' lies outside"):
        read_manifest(corpus)
    assert [i.doc_id for i in read_manifest(corpus, allow_outside=True)] == ["s"]
    line = error_line(run("build", "--corpus", corpus, "--out", tmp_path / "ann"))
    assert "lies outside" in line and not (tmp_path / "ann").exists()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An annotate output whose document id was edited into a path (a hand-edited layer)."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = root / "work" / "deep" / "layers"
    assert run("annotate", src, "--out", out).exit_code == 0
    for layer in ("documents", "sentences", "entities", "claims"):
        path = out / f"{layer}.jsonl"
        path.write_text(path.read_text(encoding="utf-8").replace('"a"', '"../../../escaped"').replace('"a:', '"x:'))
    assert load(out / "documents.jsonl")[0]["doc_id"] == "../../../escaped"
    return root, out


@pytest.mark.parametrize(
    "fmt", ["webanno", "brat", "labelstudio", "doccano", "prodigy", "conll", "dna", "networks", "spacy"]
)
def test_exporters_refuse_a_document_id_that_names_a_path(hostile, fmt):
    root, ann = hostile
    dest = root / f"export-{fmt}"
    line = error_line(run("export", "--annotations", ann, "--format", fmt, "--out", dest))
    assert line == f"error: {ann / 'documents.jsonl'}:1: doc_id '../../../escaped' is not a safe name " + (
        "(a letter or digit, then letters, digits, '_.-(),+' or spaces, at most 128 characters, no '..')"
    )
    assert not list(root.rglob("escaped*")) and not dest.exists()


def test_report_refuses_a_document_id_that_names_a_path(hostile):
    root, ann = hostile
    line = error_line(run("report", "--annotations", ann, "--out", root / "report"))
    assert "doc_id '../../../escaped' is not a safe name" in line
    assert not list(root.rglob("escaped*")) and not (root / "report").exists()


def test_import_refuses_a_baseline_document_id_that_names_a_path(hostile):
    """A review baseline edited by hand: its document ids become the sheet's, so they are
    checked as the layers' are, and nothing is written."""
    root, _ann = hostile
    folder = root / "import-prodigy"
    folder.mkdir()
    baseline = {"format": "prodigy", "layer": "auto", "documents": {"../x": {"text": "t"}}, "rows": []}
    (folder / "review_baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    (folder / "tasks.jsonl").write_text("", encoding="utf-8")
    sheet = root / "sheet.jsonl"
    line = error_line(run("import", "--format", "prodigy", folder / "tasks.jsonl", "--out", sheet))
    assert line == f"error: {folder / 'review_baseline.json'}: doc_id '../x' is not a safe name " + (
        "(a letter or digit, then letters, digits, '_.-(),+' or spaces, at most 128 characters, no '..')"
    )
    assert not sheet.exists()


def test_import_writes_its_sheet_through_out_path(tmp_path):
    """The sheet and the conflicts report are named through ``out_path``: a NUL is refused."""
    from pipeline.export.review import ReviewResult, write_sheet

    with pytest.raises(InputError, match="not a name inside the output folder"):
        write_sheet(ReviewResult([], [], [], 0), tmp_path / "a\x00b.jsonl")
    write_sheet(ReviewResult([], [], [], 0), tmp_path / "s.jsonl", tmp_path / "r.json")
    assert (tmp_path / "s.jsonl").read_text() == ""
    assert json.loads((tmp_path / "r.json").read_text())["conflicts"] == []
