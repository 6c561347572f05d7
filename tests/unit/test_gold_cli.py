"""`stance-corpus gold expand|build`: coding sheets into gold claim rows, errors on one line."""

import json
import shutil

from conftest import ROOT, load
from typer.testing import CliRunner

from pipeline.cli import app

ANN = ROOT / "annotations"
SENT_ID = "besa2023_central_asia:s111"


def sentence():
    return next(s for s in load(ANN / "sentences.jsonl") if s["sent_id"] == SENT_ID)


def write_sheet(path, items):
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")


def test_gold_expand_fills_offsets_mentions_and_footnotes(tmp_path):
    s = sentence()
    span = s["text"][4:30]
    sheet, out = tmp_path / "sheet.jsonl", tmp_path / "rows.jsonl"
    write_sheet(
        sheet,
        [
            {
                "sent_id": SENT_ID,
                "span": span,
                "actor": ["UZB", "KAZ"],
                "target": "UKR",
                "stance": "support",
                "topic": "diplomacy",
            },
            {
                "sent_id": SENT_ID,
                "span": None,
                "actor": "UZB",
                "target": "RUS",
                "stance": "neutral",
                "topic": "diplomacy",
                "note": "whole sentence",
            },
        ],
    )
    res = CliRunner().invoke(
        app, ["gold", "expand", str(sheet), "--annotator", "coder_x", "--out", str(out), "--annotations", str(ANN)]
    )
    assert res.exit_code == 0, res.output
    assert res.output.strip() == f"3 rows from 2 claims -> {out}"
    rows = load(out)
    assert [(r["actor"], r["target"]) for r in rows] == [("UZB", "UKR"), ("KAZ", "UKR"), ("UZB", "RUS")]
    assert (rows[0]["start"], rows[0]["end"], rows[0]["text"]) == (s["start"] + 4, s["start"] + 30, span)
    assert (rows[2]["start"], rows[2]["end"], rows[2]["note"]) == (s["start"], s["end"], "whole sentence")
    assert all(r["annotator"] == "coder_x" and r["footnotes"] == s["footnotes"] for r in rows)
    assert [r["claim_id"] for r in rows] == ["besa2023_central_asia:c001"] * 2 + ["besa2023_central_asia:c002"]


def test_gold_expand_reports_a_bad_sheet_on_one_line(tmp_path):
    sheet = tmp_path / "bad.jsonl"
    write_sheet(
        sheet,
        [{"sent_id": SENT_ID, "span": None, "actor": "UZB", "target": "UKR", "stance": "favour", "topic": "diplomacy"}],
    )
    args = [
        "gold",
        "expand",
        str(sheet),
        "--annotator",
        "x",
        "--out",
        str(tmp_path / "o.jsonl"),
        "--annotations",
        str(ANN),
    ]
    res = CliRunner().invoke(app, args)
    assert (
        res.exit_code == 1
        and res.output
        == f"error: {sheet}: item 1 ({SENT_ID}): stance must be one of ('support', 'oppose', 'neutral')\n"
    )
    sheet.write_text('{"sent_id": "x"}\n{"sent_id": \n', encoding="utf-8")
    res = CliRunner().invoke(app, args)
    assert (
        res.exit_code == 1 and res.output == f"error: {sheet}: line 2: not valid JSON (Expecting value at column 13)\n"
    )
    assert not (tmp_path / "o.jsonl").exists()


def test_gold_build_rebuilds_the_committed_gold_files(tmp_path):
    for name in ("sentences.jsonl", "entities.jsonl"):
        shutil.copy(ANN / name, tmp_path / name)
    shutil.copytree(ANN / "gold" / "sheets", tmp_path / "gold" / "sheets")
    res = CliRunner().invoke(app, ["gold", "build", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("gold: claims.jsonl=")
    for name in ("claims.jsonl", "coder_a.jsonl", "coder_b.jsonl"):
        assert (tmp_path / "gold" / name).read_bytes() == (ANN / "gold" / name).read_bytes()
    res = CliRunner().invoke(app, ["gold", "build", str(tmp_path / "nowhere")])
    assert res.exit_code == 1 and "sheets.json: missing" in res.output
