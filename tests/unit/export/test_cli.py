"""`stance-corpus export` filters and `stance-corpus import` on the tiny corpus."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from tests.unit.export.conftest import DOC_ID

runner = CliRunner()


def test_export_and_import_commands(tiny, tmp_path):
    out = tmp_path / "exports"
    res = runner.invoke(
        app,
        [
            "export",
            "--annotations",
            str(tiny),
            "--format",
            "labelstudio",
            "--out",
            str(out),
            "--layer",
            "gold",
            "--doc",
            DOC_ID,
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "labelstudio: documents=1 entities=8 claim_rows=6 tasks=3"
    tasks = out / "labelstudio" / "tasks.json"
    data = json.loads(tasks.read_text(encoding="utf-8"))
    for task in data:  # the reviewer sets GEO->RUS back to neutral
        for r in task.get("predictions", [{"result": []}])[0]["result"]:
            if r.get("meta", {}).get("text") == [f"{DOC_ID}:c003|GEO|RUS"]:
                r["value"]["labels"] = ["neutral"]
        task["annotations"] = task.get("predictions", [])
    tasks.write_text(json.dumps(data), encoding="utf-8")
    sheet, report = tmp_path / "sheet.jsonl", tmp_path / "conflicts.json"
    res = runner.invoke(
        app, ["import", str(tasks), "--format", "labelstudio", "--out", str(sheet), "--report", str(report)]
    )
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == f"changed  {DOC_ID}:s003: GEO->RUS stance 'support'->'neutral'"
    assert lines[1].startswith("items=4 rows=6 unreviewed_tasks=1 changed=1 moved=0 added=0 removed=0 invalid=0")
    items = [json.loads(l) for l in sheet.read_text(encoding="utf-8").splitlines()]
    assert [i["stance"] for i in items if i["actor"] == "GEO"] == ["neutral"]
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["changed"] == 1


def test_export_errors_are_one_line(tiny, tmp_path):
    res = runner.invoke(
        app, ["export", "--annotations", str(tiny), "--format", "dna", "--out", str(tmp_path), "--doc", "nope"]
    )
    assert res.exit_code == 1
    assert res.output.strip() == f"error: {tiny}/documents.jsonl: no document nope"
    res = runner.invoke(
        app, ["export", "--annotations", str(tiny), "--format", "parquet", "--out", str(tmp_path), "--layer", "gold"]
    )
    assert res.exit_code == 1 and res.output.startswith("error: --format parquet writes every config")
    res = runner.invoke(
        app, ["import", str(tmp_path / "missing.json"), "--format", "labelstudio", "--out", str(tmp_path / "s.jsonl")]
    )
    assert res.exit_code == 1 and res.output.strip() == f"error: {tmp_path}/missing.json: no such file or folder"
    res = runner.invoke(app, ["export", "--annotations", str(tiny), "--format", "xml"])
    assert res.exit_code == 1 and "--format must be one of" in res.output
