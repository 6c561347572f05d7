"""Build ``pipeline/data/country_kb.jsonl``, the country knowledge base, from data.

Inputs:
- pycountry: ISO 3166-1 codes (alpha-2, alpha-3, numeric) and official/short/common names;
- countryinfo (pinned): capitals, demonyms and alternative spellings (English forms only);
- the reviewed files in ``pipeline/data/kb_sources/`` (see its README.md): UN membership,
  Wikidata QIDs, name/capital/demonym corrections, leaders and officials, organisations,
  groups, contested territories, historical states, places named after states, metonyms and organs.

Every UN member state and the two observer states (Holy See, State of Palestine) get a country
row with ISO codes, QID, capital and demonym, plus a capital row and a demonym row whose aliases
link mentions. The build stops with a list of problems if an alias would link to two different
targets, if a code is not ISO 3166-1 alpha-3, or if a member state lacks a QID, capital or demonym.

Same inputs, same bytes; the file is written atomically.

    python scripts/build_kb.py           # write the file
    python scripts/build_kb.py --check   # exit 1 if the file is not what the sources give
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import sys
import unicodedata
from pathlib import Path

import pycountry
from countryinfo import CountryInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pydantic import ValidationError  # noqa: E402

from pipeline.io import write_text  # noqa: E402
from pipeline.nlp.kb import CountryKB  # noqa: E402
from pipeline.schema import Membership  # noqa: E402

SOURCES = ROOT / "pipeline" / "data" / "kb_sources"
OUT = ROOT / "pipeline" / "data" / "country_kb.jsonl"
OBSERVERS = ("PSE", "VAT")  # UN General Assembly non-member observer states

# countryinfo's altSpellings mix native and English forms; keep English state names only.
_STATE_WORDS = re.compile(
    r"\b(Republic|Kingdom|State|States|Federation|Commonwealth|Union|Principality|Duchy|"
    r"Sultanate|Confederation|Emirates|Islands|Federated)\b"
)
_FOREIGN_WORDS = {
    "des",
    "de",
    "du",
    "la",
    "le",
    "del",
    "ya",
    "wa",
    "di",
    "do",
    "da",
    "y",
    "e",
    "al",
    "as",
    "ng",
    "ko",
    "blong",
    "er",
    "bilong",
    "dal",
    "u",
    "na",
    "i",
    "te",
    "ta",
    "et",
    "und",
    "van",
}


class SourceError(Exception):
    pass


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _dedupe(values) -> list[str]:
    seen, out = set(), []
    for v in values:
        v = " ".join(str(v or "").split())
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _plural(demonym: str) -> str | None:
    """The plural of a demonym noun, formed on its last word: "German" -> "Germans", "Costa Rican"
    -> "Costa Ricans", "Cypriot" -> "Cypriots", "Liechtensteiner" -> "Liechtensteiners", "Greek" ->
    "Greeks". Adjectives ("-ese", "-ish", "-ic", "French", "Swiss") and invariant forms ("Burkinabe",
    "Basotho", "Ni-Vanuatu") take no -s; a two-part form ("Kittitian and Nevisian") is left alone."""
    if not demonym[:1].isupper() or " and " in demonym:
        return None
    last = demonym.split()[-1]
    if last.endswith(("ese", "ish", "ic", "ch", "ss")) or not last[-1].islower():
        return None
    return demonym + "s" if last.endswith(("n", "i", "t", "r", "k")) else None


def _english_alt(name: str) -> bool:
    if not name.isascii() or name.isupper() or name != name.strip() or not _STATE_WORDS.search(name):
        return False
    return not ({w.lower() for w in re.findall(r"[\w']+", name)} & _FOREIGN_WORDS)


def _read_csv(name: str) -> list[dict]:
    path = SOURCES / name
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SourceError(f"{path}: no rows")
    return rows


def _read_jsonl(name: str) -> list[dict]:
    path = SOURCES / name
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SourceError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return rows


def _countryinfo() -> dict[str, dict]:
    """countryinfo records by alpha-3; several records share a code (VAT, MMR, PSE, GBR): the
    first by key gives capital and demonym, all give alternative spellings."""
    by_code: dict[str, dict] = {}
    for key, rec in sorted(CountryInfo.all().items()):
        code = (rec.get("ISO") or {}).get("alpha3")
        if not code:
            continue
        merged = by_code.setdefault(code, {"capital": rec.get("capital"), "demonym": rec.get("demonym"), "names": []})
        merged["names"] += [rec.get("name") or ""] + list(rec.get("altSpellings") or [])
    return by_code


def _row(**fields) -> dict:
    """A KB row with the loader's fields first, in a fixed order; empty optional fields dropped."""
    order = (
        "id",
        "type",
        "country",
        "qid",
        "label",
        "aliases",
        "speaker_aliases",
        "members",
        "iso2",
        "numeric",
        "capital",
        "demonym",
        "role",
        "org",
        "de_jure",
        "unverified",
        "note",
    )
    keep = ("country", "aliases")  # a row of speaker forms only has no aliases
    row = {k: fields[k] for k in order if k in fields and (fields[k] not in (None, "", []) or k in keep)}
    return row


_SPEAKER_KINDS = ("short", "title", "drop")


def speaker_forms(codes: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """Short forms and titles that stand for a state only in its own statement (README.md, "Forms
    that stand for the speaker"), by code, from ``speaker_forms.csv``: a row's ``scope`` is a code,
    or ``official:WORDS`` for every state whose ISO official name has WORDS before its "of" ("Kingdom
    of Saudi Arabia", "Hashemite Kingdom of Jordan"); ``drop`` removes a derived form from one state."""
    path = SOURCES / "speaker_forms.csv"
    official = {}
    for code in codes:
        c = pycountry.countries.get(alpha_3=code)
        name = getattr(c, "official_name", None) or ""
        official[code] = f" {name.split(' of ')[0]} " if " of " in name else ""
    forms: dict[str, dict[str, list[str]]] = {code: {k: [] for k in _SPEAKER_KINDS} for code in codes}
    problems = []
    for n, r in enumerate(_read_csv("speaker_forms.csv"), 2):
        scope, kind, value = r["scope"], r["kind"], " ".join(r["value"].split())
        if kind not in _SPEAKER_KINDS or not value:
            problems.append(f"{path.name}:{n}: kind {kind!r}, value {value!r}")
            continue
        if scope.startswith("official:"):
            words = f" {scope.removeprefix('official:')} "
            scoped = [code for code in codes if words in official[code]]
        else:
            scoped = [scope] if scope in forms else []
        if not scoped:
            problems.append(f"{path.name}:{n}: scope {scope!r} names no member or observer state")
        for code in scoped:
            forms[code][kind].append(value)
    shorts, titles = {}, {}
    for code, f in forms.items():
        drop = set(f["drop"])
        problems += [
            f"{path.name}: {code}: drops {d!r}, which it does not have"
            for d in sorted(drop - set(f["short"] + f["title"]))
        ]
        shorts[code] = [v for v in _dedupe(f["short"]) if v not in drop]
        titles[code] = [v for v in _dedupe(f["title"]) if v not in drop]
    return shorts, titles, problems


def monarch_rows(titles: dict[str, list[str]]) -> list[dict]:
    """One row per monarchy for its titles ("His Majesty"): a leader with speaker forms only."""
    return [
        _row(
            id=f"{code}:monarch",
            type="leader",
            country=code,
            label="PERSON",
            aliases=[],
            speaker_aliases=forms,
            role="the monarch or a member of the royal house, named by title",
        )
        for code, forms in sorted(titles.items())
        if forms
    ]


def country_rows(
    members: list[str], shorts: dict[str, list[str]]
) -> tuple[list[dict], list[dict], list[dict], list[str]]:
    qids = {r["iso3"]: r["qid"] for r in _read_csv("qids.csv")}
    extras: dict[str, dict[str, list[str]]] = {}
    for r in _read_csv("country_names.csv"):
        extras.setdefault(r["iso3"], {}).setdefault(r["kind"], []).append(r["value"])
    info = _countryinfo()
    problems = []
    countries, capitals, demonyms = [], [], []
    for code in sorted(members) + list(OBSERVERS):
        c = pycountry.countries.get(alpha_3=code)
        if c is None:
            problems.append(f"{code}: not an ISO 3166-1 alpha-3 code")
            continue
        ex, ci = extras.get(code, {}), info.get(code, {})
        drop = set(ex.get("drop", []))
        names = [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)]
        alts = [n for n in ci.get("names", []) if _english_alt(n) or n == (ci.get("names") or [""])[0]]
        aliases = [a for a in _dedupe(names + alts + ex.get("alias", [])) if a not in drop]
        own = {CountryKB.normalise(a).casefold() for a in aliases}

        capital = (ex.get("capital") or [None])[0] or ci.get("capital")
        if isinstance(capital, list):
            capital = capital[0] if capital else None
        # Short forms ("Delhi"), other seats of government or of a branch ("Cotonou", "Cape Town")
        # and former seats that stand for the same state in the texts ("Bonn"): README.md.
        seats = ex.get("capital_alias", []) + ex.get("seat", []) + ex.get("former_seat", [])
        cap_aliases = [
            a for a in _dedupe([capital] + seats) if a not in drop and CountryKB.normalise(a).casefold() not in own
        ]

        raw = (ex.get("demonym") or [None])[0] or ci.get("demonym") or ""
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        demonym = parts[0] if parts else None
        forms = [f for f in parts + ex.get("demonym_alias", []) if f not in drop]
        forms += [p for p in (_plural(f) for f in forms) if p]
        dem_aliases = [a for a in _dedupe(forms) if a not in drop and CountryKB.normalise(a).casefold() not in own]

        if code not in qids:
            problems.append(f"{code}: no QID in qids.csv")
        if not capital or not demonym:
            problems.append(f"{code}: capital {capital!r}, demonym {demonym!r}")
        note = "UN General Assembly non-member observer state" if code in OBSERVERS else None
        countries.append(
            _row(
                id=code,
                type="country",
                country=code,
                qid=qids.get(code),
                label="GPE",
                aliases=aliases,
                speaker_aliases=shorts.get(code, []),
                iso2=c.alpha_2,
                numeric=c.numeric,
                capital=capital,
                demonym=demonym,
                note=note,
            )
        )
        if cap_aliases:
            capitals.append(_row(id=f"{code}:capital", type="capital", country=code, label="GPE", aliases=cap_aliases))
        if dem_aliases:
            demonyms.append(_row(id=f"{code}:demonym", type="demonym", country=code, label="NORP", aliases=dem_aliases))
    return countries, capitals, demonyms, problems


def territory_rows() -> list[dict]:
    rows = []
    for r in _read_jsonl("contested.jsonl"):
        rows.append(
            _row(
                id=r["id"],
                type="territory",
                country=r.get("country"),
                qid=r.get("qid"),
                label=r.get("label", "GPE"),
                aliases=_dedupe(r["aliases"]),
                iso2=(pycountry.countries.get(alpha_3=r["country"]).alpha_2 if r.get("country") else None),
                numeric=(pycountry.countries.get(alpha_3=r["country"]).numeric if r.get("country") else None),
                capital=r.get("capital"),
                demonym=r.get("demonym"),
                de_jure=r.get("de_jure"),
                note=r["note"],
            )
        )
        if r.get("demonym_aliases"):
            forms = r["demonym_aliases"]
            rows.append(
                _row(
                    id=f"{r['country']}:demonym",
                    type="demonym",
                    country=r["country"],
                    label="NORP",
                    aliases=_dedupe(forms + [p for p in map(_plural, forms) if p]),
                )
            )
    return rows


def place_rows() -> list[dict]:
    """Seas, gulfs, straits, rivers, peninsulas named with a state's name or adjective ("Indian
    Ocean", "Gulf of Guinea"): entries with no country, so the name inside them links to nothing."""
    return [
        _row(
            id=r["id"],
            type="place",
            country=None,
            qid=r.get("qid"),
            label=r.get("label", "LOC"),
            aliases=_dedupe(r["aliases"]),
            note=r.get("note"),
        )
        for r in _read_jsonl("places_not_states.jsonl")
    ]


def historical_rows() -> list[dict]:
    """States that no longer exist (HISTORICAL.md): no country; ``members`` lists the UN member
    states now on the former territory, for a user who wants to fold them. ISO 3166-3 codes and
    the numeric code come from pycountry's historic countries where the state has one."""
    rows = []
    for r in _read_jsonl("historical.jsonl"):
        iso = pycountry.historic_countries.get(alpha_4=r["id"]) if len(r["id"]) == 4 else None
        if len(r["id"]) == 4 and iso is None:
            raise SourceError(f"{SOURCES / 'historical.jsonl'}: {r['id']}: not an ISO 3166-3 code")
        common = dict(type="historical", country=None, members=sorted(r["members"]), note=r["note"])
        rows.append(
            _row(
                id=r["id"],
                label="GPE",
                aliases=_dedupe(r["aliases"]),
                qid=r.get("qid"),
                iso2=iso.alpha_2 if iso else None,
                numeric=iso.numeric if iso else None,
                **common,
            )
        )
        if r.get("capital_aliases"):
            rows.append(_row(id=f"{r['id']}:capital", label="GPE", aliases=_dedupe(r["capital_aliases"]), **common))
        if r.get("demonym_aliases") or r.get("adjective_aliases"):
            forms = r.get("demonym_aliases", [])  # adjective_aliases ("post-Soviet") take no plural
            rows.append(
                _row(
                    id=f"{r['id']}:demonym",
                    label="NORP",
                    aliases=_dedupe(forms + [p for p in map(_plural, forms) if p] + r.get("adjective_aliases", [])),
                    **common,
                )
            )
    return rows


def person_rows() -> list[dict]:
    rows = []
    for r in _read_csv("leaders.csv"):
        if r["type"] not in ("leader", "official"):
            raise SourceError(f"{SOURCES / 'leaders.csv'}: {r['name']}: type {r['type']!r}")
        split = lambda v: [x for x in (v or "").split("|") if x.strip()]  # noqa: E731
        rows.append(
            _row(
                id=r["id"] or "person:" + _slug(r["name"]),
                type=r["type"],
                country=r["country"] or None,
                label="PERSON",
                aliases=_dedupe([r["name"]] + split(r["variants"]) + split(r["surname"])),
                role=r["role"],
                org=r["affiliation"] or None,
            )
        )
    return sorted(rows, key=lambda r: (r.get("country") or "~", r["id"]))


def memberships(r: dict, members: list[str]) -> list[dict]:
    """An organisation's members with dates (``schema.Membership``); "UN_MEMBERS" stands for the
    193 states of ``un_members.csv``, whose dates of admission are not recorded. A state may have
    several periods ("left in 2007, rejoined in 2016"), which must not overlap."""
    if r.get("members") == "UN_MEMBERS":
        return [{"state": code, "since": None, "until": None} for code in sorted(members)]
    where = f"{SOURCES / 'organisations.jsonl'}: {r['id']}"
    try:
        dated = [Membership.model_validate(m) for m in r.get("members", [])]
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise SourceError(f"{where}: members: {problem['msg']} (at {problem['loc']})") from None
    for a, b in itertools.combinations(dated, 2):
        a_first = a.until is not None and b.since is not None and a.until <= b.since
        b_first = b.until is not None and a.since is not None and b.until <= a.since
        if a.state == b.state and not (a_first or b_first):
            raise SourceError(f"{where}: two membership periods of {a.state} overlap")
    # A row lists since and until even when null (null since: not recorded; null until: still a member).
    return [{k: v for k, v in m.model_dump().items() if v is not None or k != "note"} for m in dated]


def organisation_rows(members: list[str]) -> list[dict]:
    rows = []
    # Armed groups named after a state they fight or fight in ("Tehrik-e-Taliban Pakistan") are
    # organisations with no members, so the state's name inside the name links to nothing.
    for r in _read_jsonl("organisations.jsonl") + _read_jsonl("armed_groups.jsonl"):
        rows.append(
            _row(
                id=r["id"],
                type=r.get("type", "organisation"),
                country=None,
                qid=r.get("qid"),
                label="ORG",
                aliases=_dedupe(r["aliases"]),
                members=memberships(r, members),
                org=r.get("org"),
                unverified=r.get("unverified"),
                note=r.get("note"),
            )
        )
    for r in _read_jsonl("groups.jsonl"):
        rows.append(
            _row(
                id=r["id"],
                type="group",
                country=None,
                qid=r.get("qid"),
                label=r["label"],
                aliases=_dedupe(r["aliases"]),
                members=r["members"],
                note=r.get("note"),
            )
        )
    return rows


def institution_rows() -> list[dict]:
    return [_row(**{**r, "aliases": _dedupe(r["aliases"])}) for r in _read_jsonl("institutions.jsonl")]


def check(rows: list[dict]) -> list[str]:
    """Problems: unknown codes, duplicate ids, an ``org`` that names no entry, an organisation with
    neither a QID nor "qid" among its ``unverified`` fields, an alias that links to two different
    targets, a speaker form that is also an alias."""
    problems = []
    ids = [r["id"] for r in rows]
    known = set(ids)
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for r in rows:
        states = [m["state"] if isinstance(m, dict) else m for m in r.get("members", [])]
        for code in [r.get("country"), r.get("de_jure")] + states:
            if code and pycountry.countries.get(alpha_3=code) is None:
                problems.append(f"{r['id']}: {code!r} is not an ISO 3166-1 alpha-3 code")
        if r.get("qid") and not re.fullmatch(r"Q\d+", r["qid"]):
            problems.append(f"{r['id']}: QID {r['qid']!r}")
        if r.get("org") and r["org"] not in known:  # an organ's or official's organisation is an entry
            problems.append(f"{r['id']}: org {r['org']!r} is no entry")
        if r.get("type") == "organisation" and r["id"].startswith("org:") and not r.get("qid"):
            if "qid" not in r.get("unverified", []):
                problems.append(f"{r['id']}: no QID, and 'qid' is not listed as unverified")
    targets: dict[str, set[str]] = {}
    # The loader adds pycountry's names for every code, so they take part in the check.
    named = [
        (c.alpha_3, n)
        for c in pycountry.countries
        for n in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None))
        if n
    ]
    named += [(r.get("country") or r["id"], a) for r in rows for a in r["aliases"]]
    for target, alias in named:
        targets.setdefault(CountryKB.normalise(alias).casefold(), set()).add(target)
    problems += [f"alias {k!r} links to {sorted(v)}" for k, v in sorted(targets.items()) if len(v) > 1]
    # A speaker form that is also an alias would link in every text, not only the state's own.
    for r in rows:
        for form in r.get("speaker_aliases", []):
            if CountryKB.normalise(form).casefold() in targets:
                problems.append(f"{r['id']}: speaker form {form!r} is also an alias")
    return problems


def build() -> str:
    members = [r["iso3"] for r in _read_csv("un_members.csv")]
    if len(set(members)) != 193:
        raise SourceError(f"{SOURCES / 'un_members.csv'}: {len(set(members))} codes, expected 193")
    shorts, titles, problems = speaker_forms(sorted(members) + list(OBSERVERS))
    countries, capitals, demonyms, more = country_rows(members, shorts)
    problems += more
    rows = (
        countries
        + territory_rows()
        + capitals
        + demonyms
        + institution_rows()
        + person_rows()
        + monarch_rows(titles)
        + organisation_rows(members)
        + historical_rows()
        + place_rows()
    )
    problems += check(rows)
    if problems:
        raise SourceError("knowledge base sources have problems:\n  " + "\n  ".join(problems))
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str]) -> int:
    try:
        text = build()
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"error: {OUT.relative_to(ROOT)} is out of date; run scripts/build_kb.py", file=sys.stderr)
            return 1
        return 0
    write_text(OUT, text)
    print(f"{OUT.relative_to(ROOT)}: {text.count(chr(10))} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
