"""Conflicts and organisations as data: ``data/conflicts.jsonl`` against ``schema.Conflict`` and the
knowledge base, and the organisations' memberships with dates (``CountryKB.members``)."""

import datetime
import json

import pycountry
import pytest
from pydantic import ValidationError

from pipeline.nlp.kb import CountryKB, read_conflicts
from pipeline.schema import Conflict, Membership
from pipeline.settings import DATA_DIR

REQUIRED = {
    "russia_ukraine",
    "israel_palestine",
    "israel_syria",
    "iran_israel",
    "armenia_azerbaijan",
    "sudan",
    "yemen",
    "syria",
    "nile_dam",
    "south_china_sea",
    "korea",
    "western_sahara",
    "cyprus",
    "serbia_kosovo",
    "venezuela_guyana",
    "india_pakistan",
    "myanmar",
    "cuba_embargo",
}
# Words that name any conflict; a vocabulary phrase must tell one conflict from the others.
GENERIC = {"war", "conflict", "aggression", "occupation", "invasion", "blockade", "embargo", "ceasefire", "peace"}


@pytest.fixture(scope="module")
def kb():
    return CountryKB.from_path(DATA_DIR / "country_kb.jsonl")


@pytest.fixture(scope="module")
def conflicts(kb):
    return {c.id: c for c in read_conflicts(kb=kb)}


def _line(**changes) -> str:
    row = json.loads((DATA_DIR / "conflicts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    return json.dumps({**row, **changes}) + "\n"


def test_the_conflicts_file_validates_and_holds_every_required_conflict(conflicts):
    assert REQUIRED <= set(conflicts)
    assert all(isinstance(c, Conflict) for c in conflicts.values())
    ukraine = conflicts["russia_ukraine"]
    assert (ukraine.qid, ukraine.start, ukraine.end) == ("Q15860072", "2014-02-20", None)
    assert [(a.party, a.body, a.resolution) for a in ukraine.aggressors] == [("RUS", "UNGA", "A/RES/ES-11/1")]
    assert [(o.party, o.resolution) for o in conflicts["israel_syria"].occupiers] == [("ISR", "S/RES/497")]
    assert conflicts["cyprus"].aggressors == conflicts["cyprus"].occupiers == []  # S/RES/353, 541 name no one


def test_every_party_is_a_state_or_a_known_organisation(conflicts, kb):
    for c in conflicts.values():
        parties = [m for s in c.sides for m in s.members] + [f.party for f in c.aggressors + c.occupiers]
        for code in parties:
            if code.startswith("org:"):
                assert kb.entries[code].type == "organisation", (c.id, code)
            else:
                assert pycountry.countries.get(alpha_3=code) is not None, (c.id, code)
        for t in c.territories:
            assert t.belongs_to is None or pycountry.countries.get(alpha_3=t.belongs_to) is not None
            assert t.kb_id is None or t.kb_id in kb.entries, (c.id, t.kb_id)


def test_vocabulary_names_the_conflict_not_war_in_general(conflicts):
    for c in conflicts.values():
        assert not {v.casefold() for v in c.vocabulary} & GENERIC, c.id
    assert "special military operation" in conflicts["russia_ukraine"].vocabulary
    assert "Nine-Dash Line" in conflicts["south_china_sea"].vocabulary
    assert "Grand Ethiopian Renaissance Dam" in conflicts["nile_dam"].vocabulary


def test_a_conflict_without_a_qid_lists_it_as_unverified(conflicts):
    assert [c.id for c in conflicts.values() if c.qid is None and "qid" not in c.unverified] == []


@pytest.mark.parametrize(
    "changes,message",
    [
        (
            {"sides": [{"id": "a", "name": "A", "members": ["XXX"]}, {"id": "b", "name": "B", "members": []}]},
            "russia_ukraine: side a: 'XXX' is no state or organisation",
        ),
        (
            {"sides": [{"id": "a", "name": "A", "members": ["org:nowhere"]}, {"id": "b", "name": "B", "members": []}]},
            "russia_ukraine: side a: 'org:nowhere' is no state or organisation",
        ),
        (
            {"aggressors": [{"party": "RUS", "body": "UNSC", "resolution": "A/RES/ES-11/1", "date": "2022-03-02"}]},
            "aggressors.0: Value error, A/RES/ES-11/1 is not a resolution of the UNSC",
        ),
        ({"start": "2024", "end": "2023-05-01"}, "Value error, start 2024 is not before end 2023-05-01"),
        ({"vocabulary": ["Minsk II", "minsk ii"]}, "a vocabulary phrase is listed twice"),
        ({"start": "2014-13-01"}, "start: String should match pattern"),
    ],
)
def test_a_bad_conflict_line_names_the_file_line_and_problem(tmp_path, kb, changes, message):
    path = tmp_path / "conflicts.jsonl"
    path.write_text("\n" + _line(**changes), encoding="utf-8")
    with pytest.raises(ValueError, match=r"conflicts.jsonl:2: ") as err:
        read_conflicts(path, kb)
    assert message in str(err.value)


def test_a_conflict_id_used_twice_is_rejected(tmp_path, kb):
    path = tmp_path / "conflicts.jsonl"
    path.write_text(_line() + _line(), encoding="utf-8")
    with pytest.raises(ValueError, match=r"conflicts.jsonl:2: russia_ukraine: id 'russia_ukraine' is used twice"):
        read_conflicts(path, kb)


def test_every_organisation_has_a_qid_or_lists_it_as_unverified(kb):
    orgs = [e for e in kb.entries.values() if e.type == "organisation" and e.id.startswith("org:")]
    assert len(orgs) >= 20
    assert [e.id for e in orgs if not e.qid and "qid" not in e.unverified] == []
    required = (
        "un eu nato au asean gcc csto arab_league brics sco osce cis eaeu g7 g20 oic ecowas caricom mercosur quad"
    )
    assert {f"org:{i}" for i in required.split()} <= {e.id for e in orgs}


def test_membership_at_a_date(kb):
    before, after = kb.members("org:nato", datetime.date(2022, 1, 1)), kb.members("org:nato", "2024-06-01")
    assert (len(before), "FIN" in before, "SWE" in before) == (30, False, False)
    assert (len(after), "FIN" in after, "SWE" in after) == (32, True, True)
    assert "SWE" not in kb.members("org:nato", "2024-03-06") and "SWE" in kb.members("org:nato", "2024-03-07")
    assert kb.members("org:nato") == list(kb.entries["org:nato"].members)  # no date: the current members
    # ECOWAS: Burkina Faso, Mali and Niger left on 29 January 2025.
    assert {"BFA", "MLI", "NER"} <= set(kb.members("org:ecowas", "2025-01-28"))
    after_exit = set(kb.members("org:ecowas", "2025-01-29")) | set(kb.members("org:ecowas"))
    assert not {"BFA", "MLI", "NER"} & after_exit and len(after_exit) == 12
    assert "ARM" in kb.members("org:csto")  # participation frozen in 2024, not a withdrawal
    assert "GBR" in kb.members("org:eu", "2020-01-31") and "GBR" not in kb.members("org:eu", "2020-02-01")
    assert kb.members("org:eu", "1990-06-01") == []  # before the Treaty on European Union
    assert len(kb.members("org:brics", "2023-12-31")) == 5 and len(kb.members("org:brics")) == 10
    assert "VEN" in kb.members("org:mercosur")  # suspended, still a member
    assert kb.members("org:un", "2000") == kb.members("org:un") and len(kb.members("org:un")) == 193
    assert kb.members("group:baltic_states", "1995") == ["EST", "LVA", "LTU"]  # a group has no dates
    # A partial date stands for its first day: Rwanda left ECCAS in 2007 and rejoined in 2016.
    assert "RWA" in kb.members("org:eccas", "2006-12-31") and "RWA" not in kb.members("org:eccas", "2007")
    assert "RWA" in kb.members("org:eccas", "2016")


def test_membership_asks_for_a_known_entry_and_a_date(kb):
    with pytest.raises(KeyError, match="'org:nowhere' is no entry of the knowledge base"):
        kb.members("org:nowhere")
    with pytest.raises(ValueError, match="'1 June 2024' is not a date"):
        kb.members("org:nato", "1 June 2024")


def test_membership_record_rejects_an_end_before_its_start():
    with pytest.raises(ValidationError, match="FIN: since 2023-04-04 is not before until 2023-01-01"):
        Membership(state="FIN", since="2023-04-04", until="2023-01-01")


def test_generator_rejects_overlapping_and_malformed_memberships(build_kb):
    row = {"id": "org:x", "members": [{"state": "FIN", "since": "2000", "until": "2010"}]}
    overlap = {**row, "members": row["members"] + [{"state": "FIN", "since": "2009-05", "until": None}]}
    with pytest.raises(build_kb.SourceError, match="org:x: two membership periods of FIN overlap"):
        build_kb.memberships(overlap, [])
    again = {**row, "members": row["members"] + [{"state": "FIN", "since": "2010", "until": None}]}
    assert [m["since"] for m in build_kb.memberships(again, [])] == ["2000", "2010"]
    bad = {**row, "members": [{"state": "FIN", "since": "2000-1-1", "until": None}]}
    with pytest.raises(build_kb.SourceError, match=r"org:x: members: String should match pattern"):
        build_kb.memberships(bad, [])
    assert build_kb.memberships({"id": "org:un", "members": "UN_MEMBERS"}, ["FRA", "AFG"]) == [
        {"state": "AFG", "since": None, "until": None},
        {"state": "FRA", "since": None, "until": None},
    ]


def test_generator_rejects_an_organisation_without_qid_or_a_dangling_org(build_kb):
    rows = [
        {"id": "org:x", "type": "organisation", "aliases": ["Xland Pact"]},
        {"id": "org:x:board", "type": "organ", "aliases": ["Xland Board"], "org": "org:y"},
    ]
    assert build_kb.check(rows) == [
        "org:x: no QID, and 'qid' is not listed as unverified",
        "org:x:board: org 'org:y' is no entry",
    ]
    rows[0]["unverified"] = ["qid"]
    rows[1]["org"] = "org:x"
    assert build_kb.check(rows) == []


def test_loader_rejects_a_bad_membership(tmp_path):
    path = tmp_path / "kb.jsonl"
    member = {"state": "FRA", "since": "2010", "until": "2001"}
    row = {
        "id": "org:x",
        "type": "organisation",
        "country": None,
        "label": "ORG",
        "aliases": ["x"],
        "members": [member],
    }
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"kb.jsonl:1: members: Value error, FRA: since 2010 is not before until 2001"):
        CountryKB.from_path(path)
