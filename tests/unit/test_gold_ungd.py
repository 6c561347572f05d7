"""Gold set for the UN General Debate statements: sample, packets, sheet validator."""

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.nlp.kb import CountryKB
from pipeline.quality.packets import Names, PacketBuilder, load_terms
from pipeline.quality.sheets import check_sheet

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "annotations" / "gold" / "ungd"


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


# -- sampling ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    sampler = _script("sample_gold")
    return sampler, sampler.draw(sampler.frame(ROOT / "corpus" / "ungd"))


def test_sample_is_reproducible_and_matches_the_committed_file(sample):
    sampler, rows = sample
    again = sampler.draw(sampler.frame(ROOT / "corpus" / "ungd"))
    assert sampler.to_csv(rows) == sampler.to_csv(again)
    assert (GOLD / "sample.csv").read_text(encoding="utf-8") == sampler.to_csv(rows)


def test_sample_design(sample):
    _, rows = sample
    votes = Counter(r["vote"] for r in rows)
    assert len(rows) >= 60 and votes["no"] >= 4 and votes["abstain"] >= 8
    assert len({r["iso3"] for r in rows}) == len(rows)  # one statement per state
    n_eval = sum(r["split"] == "eval" for r in rows)
    assert 0.35 <= n_eval / len(rows) <= 0.45
    reliable = [r for r in rows if r["reliability"] == "yes"]
    assert len(reliable) >= max(13, 0.2 * len(rows))
    assert {r["split"] for r in reliable} == {"dev", "eval"}
    assert {r["vote"] for r in reliable} == set(votes)
    for vote in votes:  # the split is stratified by vote
        group = [r for r in rows if r["vote"] == vote]
        assert abs(sum(r["split"] == "eval" for r in group) - 0.4 * len(group)) <= 1


def test_allocation_gives_each_region_one_then_largest_remainder():
    sampler = _script("sample_gold")
    assert sampler.allocate(5, {"A": 10, "B": 1, "C": 0}) == {"A": 4, "B": 1}
    assert sampler.allocate(2, {"A": 1, "B": 5, "C": 3}) == {"A": 0, "B": 1, "C": 1}
    assert sampler.allocate(9, {"A": 2, "B": 3}) == {"A": 2, "B": 3}  # capped at the frame


# -- packets ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def builder():
    terms = load_terms(GOLD / "packet_terms.json")
    kb = CountryKB.from_path(ROOT / "pipeline" / "data" / "country_kb.jsonl")
    return PacketBuilder(Names(kb, terms, {"Chile": "CHL"}), terms)


def test_packet_rows_offsets_and_candidates(builder):
    lines = [
        "I thank the President.",
        "We condemn Russia's aggression against Ukraine. Our farmers export fruit.",
        "",
        "Kenya, Somalia and Chile have received Ukrainian grain.",
    ]
    rows = builder.rows("CHL_77_2022", "CHL", lines)
    assert [r["sent_key"] for r in rows] == ["CHL_77_2022:2:1", "CHL_77_2022:4:1"]
    for r in rows:
        assert lines[r["line"] - 1][r["start"] : r["end"]] == r["text"]
    first = rows[0]
    assert (first["start"], first["end"]) == (0, 47)
    pairs = {(c["actor"], c["target"]) for c in first["candidates"]}
    assert pairs == {("CHL", "RUS"), ("CHL", "UKR"), ("RUS", "UKR")}
    assert [w["text"] for w in first["war_terms"]] == ["aggression"]
    second = {(c["actor"], c["target"]) for c in rows[1]["candidates"]}
    # listed subjects (the speaker among them) act toward Ukraine, never toward each other
    assert second == {("CHL", "UKR"), ("KEN", "UKR"), ("SOM", "UKR")}
    assert rows[1]["candidates"][0] == {"actor": "CHL", "target": "UKR", "expanded_from": None}


def test_committed_packets_match_the_statements():
    sample = list(csv.DictReader((GOLD / "sample.csv").open(encoding="utf-8")))
    assert {p.stem for p in (GOLD / "packets").glob("*.jsonl")} == {r["doc_id"] for r in sample}
    for r in sample[:8]:
        lines = (ROOT / "corpus" / "ungd" / r["file"]).read_text(encoding="utf-8").split("\n")
        for row in _rows(GOLD / "packets" / f"{r['doc_id']}.jsonl"):
            assert lines[row["line"] - 1][row["start"] : row["end"]] == row["text"]
            assert "stance" not in json.dumps(row["candidates"])  # no automatic output


# -- sheets -----------------------------------------------------------------------------------

PACKET = [
    {
        "sent_key": "XYZ:1:1",
        "line": 1,
        "start": 0,
        "end": 41,
        "text": "We condemn the invasion of our neighbour.",
        "candidates": [{"actor": "FRA", "target": "RUS", "expanded_from": None}],
    }
]


def _row(**kw):
    row = {
        "sent_key": "XYZ:1:1",
        "actor": "FRA",
        "target": "RUS",
        "stance": "oppose",
        "negated_act": False,
        "mode": "statement",
        "certainty": "asserted",
        "issue": "war",
        "expanded_from": None,
        "time": None,
        "span": "We condemn the invasion",
        "note": None,
        "added": False,
    }
    row.update(kw)
    return row


def _write(tmp_path, sheet_rows):
    packet = tmp_path / "packets" / "XYZ.jsonl"
    packet.parent.mkdir()
    packet.write_text("".join(json.dumps(r) + "\n" for r in PACKET), encoding="utf-8")
    sheet = tmp_path / "XYZ.jsonl"
    sheet.write_text("".join(json.dumps(r) + "\n" for r in sheet_rows), encoding="utf-8")
    return sheet, packet


def test_valid_sheet_has_no_problems(tmp_path):
    added = _row(actor="RUS", target="UKR", mode="act", span="the invasion of our neighbour", added=True)
    plain_none = _row(
        actor="FRA", target="UKR", stance="none", mode=None, certainty=None, issue=None, span=None, added=True
    )
    sheet, packet = _write(tmp_path, [_row(), added, plain_none])
    assert check_sheet(sheet, packet) == []


def test_sheet_problems_are_one_line_each(tmp_path):
    bad = [
        _row(stance="against", span="We condemn Russia"),
        _row(sent_key="XYZ:9:9", actor="XXX", time="2022-13"),
        _row(target="UKR", stance="none", negated_act=True, mode=None),
        _row(actor="RUS", target="UKR", added=False, span="the invasion"),
    ]
    sheet, packet = _write(tmp_path, bad)
    assert check_sheet(sheet, packet) == [
        f"{sheet}:1: stance 'against' not in support|oppose|neutral|none",
        f"{sheet}:1: span 'We condemn Russia' is not a substring of sentence XYZ:1:1",
        f"{sheet}:2: sent_key 'XYZ:9:9' is not in the packet",
        f"{sheet}:2: actor 'XXX' is not an ISO3 code or an org:/group: id",
        f"{sheet}:2: time '2022-13' is not YYYY, YYYY-MM or YYYY-MM-DD",
        f"{sheet}:3: mode is null but stance is 'none' (only a plain 'none' leaves it empty)",
        f"{sheet}:3: pair FRA->UKR is not a candidate of XYZ:1:1; set added: true for a pair you add",
        f"{sheet}:4: pair RUS->UKR is not a candidate of XYZ:1:1; set added: true for a pair you add",
    ]


def test_missing_candidate_and_broken_json(tmp_path):
    sheet, packet = _write(tmp_path, [])
    sheet.write_text('{"sent_key": "XYZ:1:1"\n', encoding="utf-8")
    problems = check_sheet(sheet, packet)
    assert problems[0].startswith(f"{sheet}:1: not valid JSON")
    assert problems[1] == f"{sheet}: candidate FRA->RUS of XYZ:1:1 has no row"


def test_example_sheets_are_valid():
    sheets = sorted((GOLD / "sheets" / "example").glob("*.jsonl"))
    assert len(sheets) == 2
    for sheet in sheets:
        assert check_sheet(sheet, GOLD / "example_packets" / sheet.name) == []


def test_packet_targets_follow_the_sentences_conflict(builder):
    lines = [
        "We do not recognise the annexation of the occupied Syrian Golan.",
        "We call on both parties to return to talks.",
        "Switzerland has remained neutral for two centuries.",
    ]
    rows = builder.rows("IRL_78_2023", "IRL", lines)
    by_line = {r["line"]: r for r in rows}
    golan = by_line[1]
    assert golan["conflicts"] == ["israel_syria"]
    assert ("IRL", "ISR") in {(c["actor"], c["target"]) for c in golan["candidates"]}
    # "both parties" takes the conflict of the sentence before it
    assert by_line[2]["conflicts"] == ["israel_syria"]
    # no packet pair is toward a party of another conflict
    assert not {c["target"] for r in rows for c in r["candidates"]} & {"RUS", "UKR"}


def test_a_sheet_of_guidelines_3_gives_party_types_and_the_conflict(tmp_path):
    v3 = dict(actor_type="state", target_type="state", conflict="russia_ukraine")
    good = _row(**v3)
    org = _row(target="org:nato", **{**v3, "target_type": "organisation", "conflict": None}, added=True)
    bad = _row(**{**v3, "target_type": "organisation", "conflict": "atlantis_war"}, span="We condemn")
    sheet, packet = _write(tmp_path, [good, org, bad])
    assert check_sheet(sheet, packet) == [
        f"{sheet}:3: target_type 'organisation' does not fit target 'RUS'",
        f"{sheet}:3: conflict 'atlantis_war' is no id of the conflicts file",
    ]
