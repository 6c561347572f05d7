"""Validator for gold coding sheets of statement packets (``annotations/gold/ungd/CODING.md``).

A sheet ``sheets/<coder>/<doc_id>.jsonl`` holds one row per candidate pair of the packet
``packets/<doc_id>.jsonl`` (and per pair the coder added). :func:`check_sheet` compares the two
and returns one line per problem, each naming the sheet file, the line and the field, so a coder
can fix the sheet without reading code. An empty list means the sheet is valid.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pycountry

from pipeline.io import checked_rows
from pipeline.schema import Certainty, Issue, Mode, party_type

STANCES = ("support", "oppose", "neutral", "none")
MODES: tuple[str, ...] = get_args(Mode)
CERTAINTIES: tuple[str, ...] = get_args(Certainty)
ISSUES: tuple[str, ...] = get_args(Issue)
FIELDS = (
    "sent_key",
    "actor",
    "target",
    "stance",
    "negated_act",
    "mode",
    "certainty",
    "issue",
    "expanded_from",
    "time",
    "span",
    "note",
    "added",
)
# Fields a sheet coded under GUIDELINES 3.0 adds (§8); a sheet of 2.0 has none of them.
V3_FIELDS = ("actor_type", "target_type", "conflict")
USER_ASSIGNED = frozenset({"XKX"})  # Kosovo (GUIDELINES §2.1): no ISO 3166-1 code of its own
_ORG_ID = re.compile(r"^(org|group):[a-z0-9_]+$")
_TIME = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def is_party(code) -> bool:
    """An actor/target: an ISO 3166-1 alpha-3 code or an ``org:``/``group:`` identifier."""
    if not isinstance(code, str):
        return False
    if _ORG_ID.match(code) or code in USER_ASSIGNED:
        return True
    return len(code) == 3 and code.isupper() and pycountry.countries.get(alpha_3=code) is not None


def _read_jsonl(path: Path, problems: list[str]) -> list[tuple[int, dict]]:
    rows: list[Any] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return rows
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")
        return rows
    for n, row, problem in checked_rows(text.split("\n")):
        if problem:
            problems.append(f"{path}:{n}: {problem}")
            continue
        rows.append((n, row))
    return rows


def field_problems(where: str, row: dict, fields: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[str]:
    """The fields a row lacks and those it should not have, one line each (``optional`` fields
    may stand or not)."""
    out = []
    missing = [f for f in fields if f not in row]
    if missing:
        out.append(f"{where}: missing field(s) {', '.join(missing)}")
    extra = sorted(set(row) - set(fields) - set(optional))
    if extra:
        out.append(f"{where}: unknown field(s) {', '.join(extra)}")
    return out


def _v3_problems(where: str, row: dict) -> list[str]:
    """The party types and the conflict of a GUIDELINES 3.0 row (§2.1, §3.1)."""
    from pipeline.quality.passages import conflict_ids

    out = []
    for field in ("actor", "target"):
        given = row.get(f"{field}_type")
        if f"{field}_type" in row and isinstance(row.get(field), str) and given != party_type(row[field]):
            out.append(f"{where}: {field}_type {given!r} does not fit {field} {row[field]!r}")
    conflict = row.get("conflict")
    if conflict is not None and conflict not in conflict_ids():
        out.append(f"{where}: conflict {conflict!r} is no id of the conflicts file")
    return out


def _check_row(where: str, row: dict, sentence: dict | None, listed: set) -> list[str]:
    out = field_problems(where, row, FIELDS, V3_FIELDS) + _v3_problems(where, row)
    if sentence is None:
        out.append(f"{where}: sent_key {row.get('sent_key')!r} is not in the packet")
    for field in ("actor", "target"):
        if field in row and not is_party(row[field]):
            out.append(f"{where}: {field} {row[field]!r} is not an ISO3 code or an org:/group: id")
    if row.get("actor") is not None and row.get("actor") == row.get("target"):
        out.append(f"{where}: actor and target are both {row['actor']!r}")
    stance = row.get("stance")
    if "stance" in row and stance not in STANCES:
        out.append(f"{where}: stance {stance!r} not in {'|'.join(STANCES)}")
    for field in ("negated_act", "added"):
        if field in row and not isinstance(row[field], bool):
            out.append(f"{where}: {field} must be true or false, not {row[field]!r}")
    negated = row.get("negated_act") is True
    if negated and stance != "none":
        out.append(f"{where}: negated_act is true but stance is {stance!r} (a negated non-act is 'none')")
    plain_none = stance == "none" and not negated
    for field, allowed in (("mode", MODES), ("certainty", CERTAINTIES), ("issue", ISSUES)):
        if field not in row:
            continue
        value = row[field]
        if value is None:
            if not plain_none and stance in STANCES:
                out.append(f"{where}: {field} is null but stance is {stance!r} (only a plain 'none' leaves it empty)")
        elif value not in allowed:
            out.append(f"{where}: {field} {value!r} not in {'|'.join(allowed)}")
    exp = row.get("expanded_from")
    if "expanded_from" in row and exp is not None and not (isinstance(exp, str) and exp.strip()):
        out.append(f"{where}: expanded_from must be null or a non-empty string")
    time = row.get("time")
    if "time" in row and time is not None and not (isinstance(time, str) and _TIME.match(time)):
        out.append(f"{where}: time {time!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    span = row.get("span")
    if "span" in row:
        if span is None:
            if not plain_none and stance in STANCES:
                out.append(f"{where}: span is null but stance is {stance!r} (give the words that carry it)")
        elif not isinstance(span, str) or not span.strip():
            out.append(f"{where}: span must be null or a non-empty string")
        elif sentence is not None and span not in sentence["text"]:
            out.append(f"{where}: span {span!r} is not a substring of sentence {row.get('sent_key')}")
    note = row.get("note")
    if "note" in row and note is not None and not isinstance(note, str):
        out.append(f"{where}: note must be null or a string")
    pair = (row.get("sent_key"), row.get("actor"), row.get("target"))
    if sentence is not None and row.get("added") is False and pair not in listed:
        out.append(
            f"{where}: pair {row.get('actor')}->{row.get('target')} is not a candidate of "
            f"{row.get('sent_key')}; set added: true for a pair you add"
        )
    return out


def check_sheet(sheet_path: str | Path, packet_path: str | Path | list[dict], complete: bool = True) -> list[str]:
    """All problems of one sheet against its packet (a path, or its rows), one line each (empty
    when valid). ``complete=False`` lets candidate pairs go without a row (a pass coded from the
    plain text, whose missing pairs are ``none``)."""
    sheet_path = Path(sheet_path)
    problems: list[str] = []
    if isinstance(packet_path, list):
        packet = list(enumerate(packet_path, 1))
    else:
        packet = _read_jsonl(Path(packet_path), problems)
    if problems:
        return problems
    sentences = {r["sent_key"]: r for _, r in packet}
    listed = {(r["sent_key"], c["actor"], c["target"]) for _, r in packet for c in r["candidates"]}
    seen: dict[tuple, int] = {}
    covered: set[tuple] = set()
    for n, row in _read_jsonl(sheet_path, problems):
        where = f"{sheet_path}:{n}"
        problems += _check_row(where, row, sentences.get(row.get("sent_key")), listed)
        key = (row.get("sent_key"), row.get("actor"), row.get("target"), row.get("span"))
        if key in seen:
            problems.append(f"{where}: duplicate of line {seen[key]} (same sent_key, actor, target and span)")
        seen.setdefault(key, n)
        covered.add(key[:3])
    for missing in sorted(listed - covered) if complete else ():
        problems.append(f"{sheet_path}: candidate {missing[1]}->{missing[2]} of {missing[0]} has no row")
    return problems


def none_row(sent_key: str, candidate: dict) -> dict:
    """The plain ``none`` row of a candidate pair the coder wrote nothing for."""
    actor, target = candidate["actor"], candidate["target"]
    return {
        "sent_key": sent_key,
        "actor": actor,
        "target": target,
        "actor_type": party_type(actor),
        "target_type": party_type(target),
        "stance": "none",
        "negated_act": False,
        "mode": None,
        "certainty": None,
        "issue": None,
        "conflict": None,
        "expanded_from": candidate.get("expanded_from"),
        "time": None,
        "span": None,
        "note": "no row written: none (default for an unlisted candidate, CODING.md)",
        "added": False,
    }


def fill_none(sheet_rows: list[dict], packet_rows: list[dict]) -> list[dict]:
    """The sheet with a plain ``none`` row added for every candidate pair it has no row for,
    each after the rows of its sentence (packet order), so a coder writes positions only."""
    covered = {(r.get("sent_key"), r.get("actor"), r.get("target")) for r in sheet_rows}
    by_sentence: dict[Any, list[dict]] = {}
    for row in sheet_rows:
        by_sentence.setdefault(row.get("sent_key"), []).append(row)
    out: list[dict] = []
    for sentence in packet_rows:
        key = sentence["sent_key"]
        out += by_sentence.pop(key, [])
        out += [none_row(key, c) for c in sentence["candidates"] if (key, c["actor"], c["target"]) not in covered]
    for rest in by_sentence.values():  # rows whose sent_key is not in the packet: kept for the checker
        out += rest
    return out
