"""The country knowledge base: coverage of the UN members, unambiguous aliases, the generator."""

import csv
import importlib.util
import re
from pathlib import Path

import pytest

from pipeline.nlp.kb import CountryKB
from pipeline.settings import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "pipeline" / "data" / "kb_sources"


@pytest.fixture(scope="module")
def kb():
    return CountryKB.from_path(DATA_DIR / "country_kb.jsonl")


@pytest.fixture(scope="module")
def build_kb():
    spec = importlib.util.spec_from_file_location("build_kb", ROOT / "scripts" / "build_kb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _members():
    with (SOURCES / "un_members.csv").open(encoding="utf-8") as f:
        return [r["iso3"] for r in csv.DictReader(f)]


def test_un_member_list_is_the_193_states_of_the_roll_calls():
    with (ROOT / "corpus" / "ungd" / "unga_votes.csv").open(encoding="utf-8") as f:
        voters = {r["iso3"] for r in csv.DictReader(f)}
    assert len(_members()) == len(set(_members())) == 193
    assert set(_members()) == voters


@pytest.mark.parametrize("code", _members() + ["PSE", "VAT"])
def test_every_member_and_observer_state_is_complete(kb, code):
    entry = kb.entries[code]
    assert entry.type == "country" and entry.country == code
    assert re.fullmatch(r"Q[1-9]\d*", entry.qid or "")
    assert entry.capital and entry.demonym and entry.iso2 and entry.numeric
    assert kb.lookup(entry.aliases[0]).country == code


def test_qids_double_checked(kb):
    expected = {"RUS": "Q159", "UKR": "Q212", "KAZ": "Q232", "LTU": "Q37", "LVA": "Q211", "EST": "Q191",
                "FIN": "Q33", "USA": "Q30", "CHN": "Q148", "FRA": "Q142", "DEU": "Q183", "GBR": "Q145",
                "ARM": "Q399", "GEO": "Q230", "AZE": "Q227", "PSE": "Q219060"}
    assert {code: kb.entries[code].qid for code in expected} == expected
    qids = [kb.entries[c].qid for c in _members()]
    assert len(set(qids)) == 193  # no two states share a QID


def test_no_alias_maps_to_two_countries(kb):
    countries: dict[str, set] = {}
    for entry in kb.entries.values():
        for alias in entry.aliases:
            if entry.country:
                countries.setdefault(kb.normalise(alias).casefold(), set()).add(entry.country)
    clashes = {alias: codes for alias, codes in countries.items() if len(codes) > 1}
    assert clashes == {}


@pytest.mark.parametrize("text,code,kind", [
    ("Vucic", "SRB", "leader"), ("Vučić", "SRB", "leader"), ("Modi", "IND", "leader"),
    ("Jaishankar", "IND", "official"), ("Zakharova", "RUS", "official"), ("Blinken", "USA", "official"),
    ("Macron", "FRA", "leader"), ("Scholz", "DEU", "leader"), ("Yerevan", "ARM", "capital"),
    ("Berlin", "DEU", "capital"), ("Belgrade", "SRB", "capital"), ("Vilnius", "LTU", "capital"),
    ("Tallinn", "EST", "capital"), ("Helsinki", "FIN", "capital"), ("French", "FRA", "demonym"),
    ("the French", "FRA", "demonym"), ("Germans", "DEU", "demonym"), ("Russia", "RUS", "country"),
    ("the Russian Federation", "RUS", "country"), ("Türkiye", "TUR", "country"), ("Turkey", "TUR", "country"),
    ("Côte d'Ivoire", "CIV", "country"), ("Ivory Coast", "CIV", "country"), ("DPRK", "PRK", "country"),
    ("Republic of Korea", "KOR", "country"), ("the Kremlin", "RUS", "metonym"), ("Kyiv", "UKR", "capital"),
    ("Holy See", "VAT", "country"), ("State of Palestine", "PSE", "country"),
])
def test_lookup_examples(kb, text, code, kind):
    entry = kb.lookup(text)
    assert (entry.country, entry.type) == (code, kind)


def test_groups_and_organisations(kb):
    stans = kb.lookup("the five 'Stans")
    assert stans.type == "group" and stans.countries == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert kb.lookup("the CAR countries").countries == stans.countries
    assert kb.lookup("Central Asian states").countries == stans.countries
    eu = kb.entries["EU"]
    assert eu.type == "organisation" and eu.country is None and len(eu.members) == 27
    assert kb.lookup("the European Union") is eu
    assert len(kb.lookup("NATO").members) == 32 and "FIN" in kb.lookup("NATO").members
    assert kb.lookup("United Nations").members == tuple(sorted(_members()))
    assert kb.lookup("CAR") is None  # Central Asian republics or Central African Republic


@pytest.mark.parametrize("text,de_jure", [
    ("Crimea", "UKR"), ("Donetsk", "UKR"), ("Luhansk", "UKR"), ("Zaporizhzhia", "UKR"), ("Kherson", "UKR"),
    ("Abkhazia", "GEO"), ("South Ossetia", "GEO"), ("Transnistria", "MDA"), ("Kosovo", None),
    ("West Bank", "PSE"), ("Gaza", "PSE"), ("Nagorno-Karabakh", "AZE"),
])
def test_contested_territories_link_to_no_country(kb, text, de_jure):
    entry = kb.lookup(text)
    assert (entry.type, entry.country, entry.de_jure, entry.countries) == ("territory", None, de_jure, [])
    assert entry.note


def test_taiwan_is_a_territory_with_its_own_code(kb):
    entry = kb.lookup("Taiwan")
    assert (entry.type, entry.country, entry.qid) == ("territory", "TWN", "Q865")


def test_every_ungd_speaker_is_linked_to_the_speaking_state(kb):
    with (ROOT / "corpus" / "ungd" / "speakers.csv").open(encoding="utf-8") as f:
        speakers = list(csv.DictReader(f))
    assert len(speakers) == 385  # one per statement
    for row in speakers:
        name = " ".join(row["speaker"].split()).rstrip(",")
        entry = kb.lookup(name)
        assert entry is not None and entry.type in ("leader", "official"), name
        if row["iso3"] == "EU":
            assert (entry.country, entry.org) == (None, "EU"), name
        else:
            assert entry.country == row["iso3"], name


def test_surnames_link_only_where_unambiguous(kb):
    assert kb.lookup("Truss") is None and kb.lookup("Montenegro").type == "country"
    assert kb.lookup("Browne") is None  # two foreign ministers/prime ministers of different states
    assert kb.lookup("Sall").country == "SEN"


def test_generator_is_deterministic_and_current(build_kb):
    first, second = build_kb.build(), build_kb.build()
    assert first == second
    assert first.encode("utf-8") == (DATA_DIR / "country_kb.jsonl").read_bytes()


def test_generator_rejects_an_alias_for_two_countries(build_kb):
    rows = [{"id": "X:capital", "type": "capital", "country": "FRA", "aliases": ["Springfield"]},
            {"id": "Y:capital", "type": "capital", "country": "USA", "aliases": ["Springfield"]}]
    assert build_kb.check(rows) == ["alias 'springfield' links to ['FRA', 'USA']"]


def test_loader_rejects_a_bad_member_code(tmp_path):
    path = tmp_path / "kb.jsonl"
    path.write_text('{"id": "g", "type": "group", "country": null, "label": "NORP", "aliases": ["x"], '
                    '"members": ["XXX"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"kb.jsonl:1: 'XXX' is not an ISO 3166-1 alpha-3 code"):
        CountryKB.from_path(path)


@pytest.fixture(scope="module")
def nlp():
    from pipeline.nlp.language import load_nlp

    return load_nlp()


def test_capital_inside_an_instrument_name_does_not_link(nlp):
    doc = nlp("France and Paris backed the Paris Agreement; Latin America and Korea signed the Rome Statute.")
    got = [(e.text, e._.country, e._.countries) for e in doc.ents]
    assert ("Paris", "FRA", ["FRA"]) in got
    assert ("Paris Agreement", None, None) in got and ("Rome Statute", None, None) in got
    latin = next(e for e in doc.ents if e.text == "Latin America")
    assert latin._.country is None and "USA" not in latin._.countries and "BRA" in latin._.countries
    assert ("Korea", "KOR", ["KOR"]) in got
