"""Reliability of UNGD sheets (all packet units, none included) and the UNGD gold claim file."""

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.quality import reliability as rel
from pipeline.quality.ungd_gold import gold_rows

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "annotations" / "gold" / "ungd"

LINE = "We condemn Xland. We thank Yland for its aid and we thank Zland."


def _sentence(doc, n, start, end, pairs):
    return {
        "sent_key": f"{doc}:1:{n}",
        "doc_id": doc,
        "speaker": "FRA",
        "line": 1,
        "start": start,
        "end": end,
        "text": LINE[start:end],
        "mentions": [],
        "war_terms": [],
        "candidates": [{"actor": a, "target": t, "expanded_from": None} for a, t in pairs],
    }


def _row(sent_key, actor, target, stance, mode=None, span=None, added=False, issue="war"):
    plain = stance == "none"
    return {
        "sent_key": sent_key,
        "actor": actor,
        "target": target,
        "stance": stance,
        "negated_act": False,
        "mode": None if plain else mode,
        "certainty": None if plain else "asserted",
        "issue": None if plain else issue,
        "expanded_from": None,
        "time": None,
        "span": None if plain else span,
        "note": None,
        "added": added,
    }


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def gold(tmp_path):
    """Two documents, two coders. D1 (dev) has 4 units, D2 (eval) 1 unit; C1 is coded by one coder."""
    g = tmp_path / "gold"
    g.joinpath("sheets").mkdir(parents=True)
    (g / "sample.csv").write_text(
        "doc_id,vote,split,reliability\nD1_77_2022,yes,dev,yes\nD2_77_2022,no,eval,yes\nC1_77_2022,no,eval,no\n",
        encoding="utf-8",
    )
    for doc in ("D1_77_2022", "D2_77_2022", "C1_77_2022"):
        _write(
            g / "packets" / f"{doc}.jsonl",
            [
                _sentence(doc, 1, 0, 17, [("FRA", "DEU"), ("FRA", "ITA")]),
                _sentence(doc, 2, 18, 64, [("FRA", "GBR")]),
            ],
        )
    s1, s2 = "D1_77_2022:1:1", "D1_77_2022:1:2"
    # Units of D1: u1 FRA>DEU (oppose, oppose), u2 FRA>ITA (none, support),
    # u3 FRA>GBR (support, support), u4 ESP>GBR added by A only (oppose, none).
    a = [
        _row(s1, "FRA", "DEU", "oppose", "statement", "We condemn Xland"),
        _row(s1, "FRA", "ITA", "none"),
        _row(s2, "FRA", "GBR", "support", "act", "We thank Yland"),
        _row(s2, "ESP", "GBR", "oppose", "act", "its aid", added=True),
    ]
    b = [
        _row(s1, "FRA", "DEU", "oppose", "statement", "We condemn Xland"),
        _row(s1, "FRA", "ITA", "support", "statement", "Xland"),
        _row(s2, "FRA", "GBR", "support", "statement", "We thank Yland"),
    ]
    for coder, rows in (("coder_a", a), ("coder_b", b)):
        (g / "sheets" / coder).mkdir()
        (g / "sheets" / coder / "CODER.md").write_text(f"# {coder}\n", encoding="utf-8")
        _write(g / "sheets" / coder / "D1_77_2022.jsonl", rows)
    # D2: one coder writes two rows (two clauses) for the same pair, the other one.
    t1, t2 = "D2_77_2022:1:1", "D2_77_2022:1:2"
    _write(
        g / "sheets" / "coder_a" / "D2_77_2022.jsonl",
        [
            _row(t1, "FRA", "DEU", "none"),
            _row(t1, "FRA", "ITA", "none"),
            _row(t2, "FRA", "GBR", "support", "statement", "We thank Yland"),
            _row(t2, "FRA", "GBR", "oppose", "statement", "we thank Zland"),
        ],
    )
    _write(
        g / "sheets" / "coder_b" / "D2_77_2022.jsonl",
        [
            _row(t1, "FRA", "DEU", "none"),
            _row(t1, "FRA", "ITA", "none"),
            _row(t2, "FRA", "GBR", "support", "statement", "We thank Yland"),
        ],
    )
    _write(
        g / "sheets" / "coder_b" / "C1_77_2022.jsonl",
        [
            _row("C1_77_2022:1:1", "FRA", "DEU", "oppose", "statement", "condemn Xland"),
            _row("C1_77_2022:1:1", "FRA", "ITA", "none"),
            _row("C1_77_2022:1:2", "FRA", "GBR", "support", "statement", "thank Zland", issue="other"),
        ],
    )
    return g


def _alpha_by_hand(pairs):
    """Nominal alpha for two coders with no missing values, from the coincidence matrix."""
    o = Counter()
    for x, y in pairs:
        o[x, y] += 1
        o[y, x] += 1
    n_c = Counter()
    for (x, _), k in o.items():
        n_c[x] += k
    n = sum(n_c.values())
    d_o = Fraction(sum(k for (x, y), k in o.items() if x != y), n)
    d_e = Fraction(n * n - sum(v * v for v in n_c.values()), n * (n - 1))
    return 1 - d_o / d_e


def test_units_are_packet_pairs_plus_added_pairs_with_none_for_missing_rows(gold):
    d1 = [d for d in rel.collect(gold) if d.doc_id == "D1_77_2022"][0]
    assert d1.coders == ("coder_a", "coder_b")
    assert rel.unit_matrix(d1, "stance") == [
        ["oppose", "oppose"],
        ["none", "support"],
        ["oppose", "none"],
        ["support", "support"],
    ]
    assert [k[1:] for k in d1.keys] == [("FRA", "DEU"), ("FRA", "ITA"), ("ESP", "GBR"), ("FRA", "GBR")]


def test_alpha_and_agreement_match_hand_computation(gold):
    d1 = [d for d in rel.collect(gold) if d.doc_id == "D1_77_2022"]
    stance = rel.figure(d1, "stance", resamples=0)
    # n=8 values (oppose 3, none 2, support 3); D_o = 4/8, D_e = (64-22)/56 = 3/4 -> alpha = 1/3.
    assert _alpha_by_hand(
        [("oppose", "oppose"), ("none", "support"), ("oppose", "none"), ("support", "support")]
    ) == Fraction(1, 3)
    assert stance.alpha == pytest.approx(1 / 3, abs=1e-12)
    assert stance.agreement == 0.5 and stance.units == 4 and stance.documents == 1
    # position vs none: P 6, N 2; D_o = 1/2, D_e = 24/56 -> alpha = -1/6.
    position = rel.figure(d1, "position", resamples=0)
    assert position.alpha == pytest.approx(-1 / 6, abs=1e-12) and position.agreement == 0.5
    # Units where both gave a position: FRA>DEU, FRA>GBR -> stance agrees fully; mode (statement, statement),
    # (act, statement): statement 3, act 1, D_o = 1/2, D_e = 6/12 -> alpha = 0.
    assert rel.figure(d1, "stance_both", resamples=0).alpha == pytest.approx(1.0)
    mode = rel.figure(d1, "mode_both", resamples=0)
    assert mode.alpha == pytest.approx(0.0, abs=1e-12) and mode.units == 2
    assert float(_alpha_by_hand([("statement", "statement"), ("act", "statement")])) == pytest.approx(
        mode.alpha, abs=1e-12
    )
    # The same field over all units keeps the none units: 4 units.
    mode_all = rel.figure(d1, "mode_all", resamples=0)
    expected = _alpha_by_hand(
        [("statement", "statement"), ("none", "statement"), ("act", "none"), ("act", "statement")]
    )
    assert mode_all.units == 4 and mode_all.alpha == pytest.approx(float(expected), abs=1e-12)


def test_two_rows_for_one_pair_join_into_one_value(gold):
    d2 = [d for d in rel.collect(gold) if d.doc_id == "D2_77_2022"][0]
    assert rel.unit_matrix(d2, "stance")[-1] == ["oppose+support", "support"]


def test_report_scopes_bootstrap_and_determinism(gold, tmp_path):
    docs = rel.collect(gold)
    assert [d.doc_id for d in docs] == ["D1_77_2022", "D2_77_2022"]  # C1 is single-coded
    report = rel.reliability(docs, resamples=200, seed=3)
    assert list(report.scopes)[:3] == ["overall", "dev", "eval"]
    overall = report.scopes["overall"][0]
    assert overall.units == 7 and overall.documents == 2
    pooled = [r for d in docs for r in rel.unit_matrix(d, "stance")]
    assert overall.alpha == pytest.approx(float(_alpha_by_hand([tuple(r) for r in pooled])), abs=1e-12)
    assert report.scopes["dev"][0].units == 4 and report.scopes["eval"][0].units == 3
    lo, hi = overall.ci
    assert -1 <= lo <= hi <= 1
    again = rel.reliability(docs, resamples=200, seed=3)
    assert rel.render(report) == rel.render(again)
    out = tmp_path / "R.md"
    res = CliRunner().invoke(app, ["gold", "reliability", str(gold), "--out", str(out), "--resamples", "50"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "| stance, all units (support/oppose/neutral/none) | " in text and "| D1_77_2022 | dev |" in text


def test_each_coder_against_the_adjudicated_sheet(gold):
    s1, s2 = "D1_77_2022:1:1", "D1_77_2022:1:2"
    # D1 adjudicated: u1 oppose, u2 support, u3 support, ESP>GBR dropped; D2 has no adjudication
    _write(
        gold / "sheets" / "adjudicated" / "D1_77_2022.jsonl",
        [
            _row(s1, "FRA", "DEU", "oppose", "statement", "We condemn Xland"),
            _row(s1, "FRA", "ITA", "support", "statement", "Xland"),
            _row(s2, "FRA", "GBR", "support", "act", "We thank Yland"),
        ],
    )
    docs = rel.collect(gold)
    assert [d.adjudicated is not None for d in docs] == [True, False]
    report = rel.reliability(docs, resamples=0)
    a, b = report.against_adjudication["coder_a"], report.against_adjudication["coder_b"]
    # coder A: u1 and u3 agree, u4 (ESP>GBR) is not in the adjudication, u2 missed
    assert (a["positions"], a["adjudicated"], a["documents"]) == (3, 3, 1)
    assert a["precision"] == pytest.approx(2 / 3) and a["recall"] == pytest.approx(2 / 3)
    assert a["f1"] == pytest.approx(2 / 3)
    assert (b["precision"], b["recall"], b["f1"]) == (1.0, 1.0, 1.0)
    text = rel.render(report)
    assert "| coder_a | 0.667 | 0.667 | 0.667 | 3 | 3 | 1 |" in text
    assert "| coder_b | 1.000 | 1.000 | 1.000 | 3 | 3 | 1 |" in text


def test_no_adjudicated_sheet_no_comparison(gold):
    report = rel.reliability(rel.collect(gold), resamples=0)
    assert report.against_adjudication == {}
    assert "against the adjudication" not in rel.render(report)


def test_invalid_sheet_is_one_line_naming_the_file(gold):
    path = gold / "sheets" / "coder_b" / "D1_77_2022.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"support"', '"backs"', 1), encoding="utf-8")
    res = CliRunner().invoke(app, ["gold", "reliability", str(gold), "--resamples", "0"])
    assert res.exit_code == 1
    assert str(path) in res.output and "stance 'backs'" in res.output


# -- gold claim file --------------------------------------------------------------------------


def test_build_ungd_rows_offsets_and_annotators(gold, tmp_path):
    adj = gold / "sheets" / "adjudicated"
    (gold / "sheets" / "coder_a" / "D1_77_2022.jsonl").replace(tmp_path / "keep.jsonl")
    with pytest.raises(InputError, match=r"adjudicated[/\\]D1_77_2022\.jsonl: missing"):
        gold_rows(gold)
    d1 = json.loads("[" + ",".join((tmp_path / "keep.jsonl").read_text().splitlines()) + "]")
    _write(adj / "D1_77_2022.jsonl", d1[:3])  # the added ESP>GBR row rejected in adjudication
    _write(
        adj / "D2_77_2022.jsonl",
        [json.loads(x) for x in (gold / "sheets" / "coder_b" / "D2_77_2022.jsonl").read_text().splitlines()],
    )
    out = tmp_path / "claims.jsonl"
    res = CliRunner().invoke(app, ["gold", "build-ungd", str(gold), "--out", str(out)])
    assert res.exit_code == 0, res.output
    first = out.read_bytes()
    rows = [json.loads(x) for x in first.decode().splitlines()]
    assert [(r["doc_id"], r["actor"], r["target"], r["stance"], r["annotator"], r["split"]) for r in rows] == [
        ("C1_77_2022", "FRA", "DEU", "oppose", "coder_b", "eval"),
        ("C1_77_2022", "FRA", "GBR", "support", "coder_b", "eval"),
        ("D1_77_2022", "FRA", "DEU", "oppose", "adjudicated", "dev"),
        ("D1_77_2022", "FRA", "GBR", "support", "adjudicated", "dev"),
        ("D2_77_2022", "FRA", "GBR", "support", "adjudicated", "eval"),
    ]
    c1 = rows[1]
    assert (c1["line"], c1["start"], c1["end"]) == (1, 18, 64)
    assert (c1["span_start"], c1["span_end"]) == (52, 63) and LINE[52:63] == "thank Zland" == c1["span"]
    assert rows[0]["span_start"] == 3 and set(rows[0]) >= {"mode", "certainty", "issue", "expanded_from", "time"}
    CliRunner().invoke(app, ["gold", "build-ungd", str(gold), "--out", str(out)])
    assert out.read_bytes() == first  # same input, same bytes


def test_build_ungd_refuses_two_sheets_for_a_single_coded_document(gold):
    extra = gold / "sheets" / "coder_a" / "C1_77_2022.jsonl"
    extra.write_text((gold / "sheets" / "coder_b" / "C1_77_2022.jsonl").read_text(), encoding="utf-8")
    _write(gold / "sheets" / "adjudicated" / "D1_77_2022.jsonl", [])
    with pytest.raises(InputError, match="found 2 .coder_a, coder_b."):
        gold_rows(gold)


# -- the committed files ----------------------------------------------------------------------


def test_committed_gold_file_and_reliability_figures_are_current():
    rows = gold_rows(GOLD)
    committed = (GOLD / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in committed] == rows
    docs = rel.collect(GOLD)
    assert len(docs) == 16
    stance = rel.figure(docs, "stance", resamples=0)
    line = f"| stance, all units (support/oppose/neutral/none) | {stance.alpha:.3f} |"
    assert line in (GOLD / "RELIABILITY.md").read_text(encoding="utf-8")
    assert {r["annotator"] for r in rows if r["doc_id"] in {d.doc_id for d in docs}} == {"adjudicated"}
