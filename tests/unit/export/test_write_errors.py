"""One line for every error: a refused permission, a read-only file system or a full disk while
`export`, `report`, `import` or `save-pipeline` write is one line naming the file, exit 1, and
leaves no partial folder; an unexpected error is one line naming a log file with the traceback."""

from __future__ import annotations

import errno
import os

import pytest
from typer.testing import CliRunner

import pipeline.io
from pipeline.cli import app

runner = CliRunner()
DENIED = [
    (errno.EACCES, "permission denied"),
    (errno.EROFS, "read-only file system"),
    (errno.ENOSPC, "no space left on the device; nothing was published, earlier output is kept"),
]


def _one_line(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 1 and len(lines) == 1, res.output
    return lines[0]


@pytest.fixture
def failing_writes(monkeypatch):
    """Make every atomic write fail as the operating system would, with the given errno."""

    def arm(code: int):
        real = pipeline.io.publish

        def publish(tmp, path):
            raise OSError(code, os.strerror(code))  # a failed write() names no file

        monkeypatch.setattr(pipeline.io, "publish", publish)
        return real

    return arm


@pytest.mark.parametrize("code, problem", DENIED)
def test_report_write_errors(tiny, tmp_path, failing_writes, code, problem):
    failing_writes(code)
    out = tmp_path / "report"
    line = _one_line(runner.invoke(app, ["report", "--annotations", str(tiny), "--out", str(out)]))
    assert line.startswith(f"error: {out}/") and line.endswith(f": {problem}"), line
    assert not out.exists()  # no empty or partial folder


@pytest.mark.parametrize("code, problem", DENIED)
@pytest.mark.parametrize("fmt", ["brat", "webanno", "labelstudio", "conll"])
def test_export_write_errors(tiny, tmp_path, failing_writes, code, problem, fmt):
    failing_writes(code)
    out = tmp_path / "exports"
    line = _one_line(runner.invoke(app, ["export", "--annotations", str(tiny), "--format", fmt, "--out", str(out)]))
    assert line.startswith(f"error: {out / fmt}/") and line.endswith(f": {problem}"), line
    assert not [p for p in out.rglob("*") if p.is_file()]  # nothing half written


@pytest.mark.parametrize("code, problem", DENIED)
def test_import_write_errors(tiny, tmp_path, failing_writes, code, problem):
    exported = runner.invoke(
        app, ["export", "--annotations", str(tiny), "--format", "labelstudio", "--out", str(tmp_path)]
    )
    assert exported.exit_code == 0, exported.output
    failing_writes(code)
    sheet = tmp_path / "sheet.jsonl"
    res = runner.invoke(
        app, ["import", str(tmp_path / "labelstudio" / "tasks.json"), "--format", "labelstudio", "--out", str(sheet)]
    )
    assert _one_line(res).startswith("error: ") and _one_line(res).endswith(f": {problem}")
    assert not sheet.exists()


def test_unexpected_errors_are_one_line_and_a_log_file(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_CORPUS_LOG_DIR", str(tmp_path / "logs"))

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr("pipeline.report.html.write_report", broken)
    line = _one_line(runner.invoke(app, ["report", "--annotations", str(tiny), "--out", str(tmp_path / "r")]))
    (log,) = (tmp_path / "logs").glob("error-*.log")
    assert line == f"error: unexpected RuntimeError: a bug (traceback in {log})"
    text = log.read_text(encoding="utf-8")
    assert text.startswith("Traceback (most recent call last):") and "RuntimeError: a bug" in text


def test_save_pipeline_write_errors(tmp_path, monkeypatch):
    from spacy.language import Language

    def denied(self, path, **_):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(Language, "to_disk", denied)
    out = tmp_path / "nlp"
    line = _one_line(runner.invoke(app, ["save-pipeline", str(out)]))
    assert line == f"error: {out}: permission denied"
