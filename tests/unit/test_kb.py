"""The country knowledge base: coverage of the UN members, unambiguous aliases, the generator."""

import csv
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
    expected = {
        "RUS": "Q159",
        "UKR": "Q212",
        "KAZ": "Q232",
        "LTU": "Q37",
        "LVA": "Q211",
        "EST": "Q191",
        "FIN": "Q33",
        "USA": "Q30",
        "CHN": "Q148",
        "FRA": "Q142",
        "DEU": "Q183",
        "GBR": "Q145",
        "ARM": "Q399",
        "GEO": "Q230",
        "AZE": "Q227",
        "PSE": "Q219060",
    }
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


@pytest.mark.parametrize(
    "text,code,kind",
    [
        ("Vucic", "SRB", "leader"),
        ("Vučić", "SRB", "leader"),
        ("Modi", "IND", "leader"),
        ("Jaishankar", "IND", "official"),
        ("Zakharova", "RUS", "official"),
        ("Blinken", "USA", "official"),
        ("Macron", "FRA", "leader"),
        ("Scholz", "DEU", "leader"),
        ("Yerevan", "ARM", "capital"),
        ("Berlin", "DEU", "capital"),
        ("Belgrade", "SRB", "capital"),
        ("Vilnius", "LTU", "capital"),
        ("Tallinn", "EST", "capital"),
        ("Helsinki", "FIN", "capital"),
        ("French", "FRA", "demonym"),
        ("the French", "FRA", "demonym"),
        ("Germans", "DEU", "demonym"),
        ("Russia", "RUS", "country"),
        ("the Russian Federation", "RUS", "country"),
        ("Türkiye", "TUR", "country"),
        ("Turkey", "TUR", "country"),
        ("Côte d'Ivoire", "CIV", "country"),
        ("Ivory Coast", "CIV", "country"),
        ("DPRK", "PRK", "country"),
        ("Republic of Korea", "KOR", "country"),
        ("the Kremlin", "RUS", "metonym"),
        ("Kyiv", "UKR", "capital"),
        ("Holy See", "VAT", "country"),
        ("State of Palestine", "PSE", "country"),
    ],
)
def test_lookup_examples(kb, text, code, kind):
    entry = kb.lookup(text)
    assert (entry.country, entry.type) == (code, kind)


def test_groups_and_organisations(kb):
    stans = kb.lookup("the five 'Stans")
    assert stans.type == "group" and stans.countries == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert kb.lookup("the CAR countries").countries == stans.countries
    assert kb.lookup("Central Asian states").countries == stans.countries
    eu = kb.entries["org:eu"]
    assert (eu.type, eu.country, eu.qid, len(eu.members)) == ("organisation", None, "Q458", 27)
    assert kb.lookup("the European Union") is eu and kb.lookup("European Commission").org == "org:eu"
    assert len(kb.lookup("NATO").members) == 32 and "FIN" in kb.lookup("NATO").members
    assert kb.lookup("United Nations").members == tuple(sorted(_members()))
    assert kb.lookup("CAR") is None  # Central Asian republics or Central African Republic


@pytest.mark.parametrize(
    "text,de_jure",
    [
        ("Crimea", "UKR"),
        ("Donetsk", "UKR"),
        ("Luhansk", "UKR"),
        ("Zaporizhzhia", "UKR"),
        ("Kherson", "UKR"),
        ("Abkhazia", "GEO"),
        ("South Ossetia", "GEO"),
        ("Transnistria", "MDA"),
        ("Kosovo", None),
        ("West Bank", "PSE"),
        ("Gaza", "PSE"),
        ("Nagorno-Karabakh", "AZE"),
    ],
)
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
            assert (entry.country, entry.org) == (None, "org:eu"), name
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
    rows = [
        {"id": "X:capital", "type": "capital", "country": "FRA", "aliases": ["Springfield"]},
        {"id": "Y:capital", "type": "capital", "country": "USA", "aliases": ["Springfield"]},
    ]
    assert build_kb.check(rows) == ["alias 'springfield' links to ['FRA', 'USA']"]


def test_loader_rejects_a_bad_member_code(tmp_path):
    path = tmp_path / "kb.jsonl"
    path.write_text(
        '{"id": "g", "type": "group", "country": null, "label": "NORP", "aliases": ["x"], "members": ["XXX"]}\n',
        encoding="utf-8",
    )
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


def _linked(doc):
    """(text, start_char, end_char, kb_entry, countries) of every entity, countries sorted."""
    return [(e.text, e.start_char, e.end_char, e._.kb_entry, sorted(e._.countries or [])) for e in doc.ents]


def test_capital_short_forms_and_seats_link_to_their_state(nlp, kb):
    text = "Leaders met in Delhi, then in Bonn and Cotonou; New Delhi and Cape Town replied."
    got = {(t, s, e): c for t, s, e, _, c in _linked(nlp(text))}
    assert got[("Delhi", 15, 20)] == ["IND"]
    assert got[("Bonn", 30, 34)] == ["DEU"]
    assert got[("Cotonou", 39, 46)] == ["BEN"]
    assert got[("New Delhi", 48, 57)] == ["IND"] and got[("Cape Town", 62, 71)] == ["ZAF"]
    # A former capital now named as a city or a conference venue is no alias.
    assert kb.lookup("Rio de Janeiro") is None and kb.lookup("Lagos") is None and kb.lookup("Almaty") is None
    assert kb.lookup("Gitega").country == kb.lookup("Bujumbura").country == "BDI"


def test_places_named_after_states_do_not_link(nlp):
    text = (
        "Fishing in the Indian Ocean, the South China Sea and the Sea of Japan, patrols in the Gulf of Mexico, "
        "the Persian Gulf and the Taiwan Strait, talks on the Korean Peninsula and the Niger Delta."
    )
    doc = nlp(text)
    places = {e.text: (e._.kb_type, e._.countries) for e in doc.ents}
    for name in (
        "the Indian Ocean",
        "the South China Sea",
        "the Sea of Japan",
        "the Gulf of Mexico",
        "the Persian Gulf",
        "the Taiwan Strait",
        "the Korean Peninsula",
        "the Niger Delta",
    ):
        assert places[name] == ("place", []), name
    assert not any(e._.countries for e in doc.ents)


def test_unlisted_feature_names_are_shielded_by_the_general_rule(nlp):
    doc = nlp(
        "The Ukrainian Steppe aside, the Ethiopian Highlands, the Gulf of Oman, Lake Malawi and the Mexican "
        "Plateau are places; Ethiopia and Mexico are states."
    )
    got = {e.text: sorted(e._.countries or []) for e in doc.ents}
    assert got["Ethiopian Highlands"] == [] and got["Mexican Plateau"] == [] and got["Lake Malawi"] == []
    assert got["Ethiopia"] == ["ETH"] and got["Mexico"] == ["MEX"]


def test_agendas_and_bodies_named_after_a_capital_or_place_do_not_link(nlp):
    text = (
        "Addis Ababa hosted talks on the Addis Ababa Action Agenda; the Budapest Memorandum, the Moscow Format, "
        "the Minsk Group and the Gulf of Guinea Commission were discussed in Budapest and Minsk."
    )
    got = _linked(nlp(text))
    assert ("Addis Ababa", 0, 11, "ETH:capital", ["ETH"]) in got
    names = {t: c for t, _, _, _, c in got}
    for name in ("Addis Ababa Action Agenda", "Budapest Memorandum", "Moscow Format", "Minsk Group"):
        assert names[name] == [], name
    assert not any(c for t, _, _, _, c in got if "Guinea" in t)
    assert names["Budapest"] == ["HUN"] and names["Minsk"] == ["BLR"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("Cabo Verdeans", "CPV"),
        ("Cape Verdeans", "CPV"),
        ("Ivorians", "CIV"),
        ("Costa Ricans", "CRI"),
        ("Sri Lankans", "LKA"),
        ("Cypriots", "CYP"),
        ("Liechtensteiners", "LIE"),
        ("Spaniards", "ESP"),
        ("Azeris", "AZE"),
        ("South Africans", "ZAF"),
        ("Papua New Guineans", "PNG"),
        ("Burkinabè", "BFA"),
        ("West German", "DEU"),
    ],
)
def test_demonym_plurals_and_variants(kb, text, code):
    entry = kb.lookup(text)
    assert (entry.type, entry.country) == ("demonym", code)


def test_every_state_has_a_demonym_with_a_plural_or_an_invariant_form(kb, build_kb):
    missing = []
    for code in _members() + ["PSE", "VAT"]:
        entry = kb.entries.get(f"{code}:demonym")
        if entry is None:
            missing.append(code)
            continue
        for form in entry.aliases:
            plural = build_kb._plural(form)
            if plural and kb.lookup(plural) is not entry:
                missing.append(f"{code}: {plural}")
    # "Congolese" and "Dominican" name two states each and are dropped (README.md).
    assert missing == ["COD", "COG", "DMA", "DOM"]


def test_demonyms_in_text(nlp):
    got = _linked(nlp("Cabo Verdeans and Ivorians met Costa Ricans."))
    assert [(t, s, e, c) for t, s, e, _, c in got] == [
        ("Cabo Verdeans", 0, 13, ["CPV"]),
        ("Ivorians", 18, 26, ["CIV"]),
        ("Costa Ricans", 31, 43, ["CRI"]),
    ]


def test_regional_adjectives_and_un_regional_groups(nlp, kb):
    doc = nlp(
        "West African and Southeast Asian ministers joined the Group of Eastern European States, "
        "the African Group and the Nordic and Baltic delegations."
    )
    got = {e.text: e._.countries for e in doc.ents}
    assert len(got["West African"]) == 16 and "CPV" in got["West African"] and "CMR" not in got["West African"]
    assert len(got["Southeast Asian"]) == 11 and "TLS" in got["Southeast Asian"]
    eeg = got["the Group of Eastern European States"]
    assert len(eeg) == 23 and "UKR" in eeg
    assert len(got["the African Group"]) == 54
    assert got["Nordic"] == ["DNK", "FIN", "ISL", "NOR", "SWE"] and got["Baltic"] == ["EST", "LVA", "LTU"]
    groups = [
        kb.entries[i]
        for i in (
            "group:un_african",
            "group:un_asia_pacific",
            "group:un_eastern_european",
            "group:un_grulac",
            "group:un_weog",
        )
    ]
    members = [c for g in groups for c in g.members]
    assert len(members) == len(set(members)) == 192 and set(_members()) - set(members) == {"USA"}
    assert kb.lookup("Central American").countries == kb.lookup("Central America").countries
    assert kb.lookup("the Balkans").countries == [] and kb.lookup("Central African").country == "CAF"
    assert kb.lookup("Baltic Sea").type == "place"


def test_historical_states_are_their_own_entries(nlp, kb):
    text = "The Basic Treaty between Bonn and East Berlin was signed as the Soviet Union and Yugoslavia watched."
    got = {(t, s, e): (entry, c) for t, s, e, entry, c in _linked(nlp(text))}
    assert got[("Bonn", 25, 29)] == ("DEU:capital", ["DEU"])
    assert got[("East Berlin", 34, 45)] == ("DDDE:capital", [])
    assert got[("the Soviet Union", 60, 76)] == ("SUHH", [])
    assert got[("Yugoslavia", 81, 91)] == ("YUCS", [])
    ussr = kb.entries["SUHH"]
    assert (ussr.type, ussr.country, ussr.iso2, len(ussr.members)) == ("historical", None, "SU", 15)
    assert kb.lookup("West Germany").country == "DEU" and kb.lookup("East Germany").id == "DDDE"
    assert kb.lookup("West Berlin").countries == [] and kb.lookup("Czechoslovakia").members == ("CZE", "SVK")
    assert kb.lookup("Gorbachev").org == "SUHH" and kb.lookup("Gorbachev").countries == []
    assert kb.lookup("Willy Brandt").country == "DEU"


def test_post_soviet_is_one_mention_of_the_historical_state(nlp):
    got = _linked(nlp("The post-Soviet states met."))
    assert got == [("post-Soviet", 4, 15, "SUHH:demonym", [])]
