"""Validator for the gold coding of the project-written passages (``corpus/passages/``).

``annotations/gold/passages/claims.jsonl`` holds one row per (sentence, actor, target) position,
coded under GUIDELINES 3.0 (§8): the sentence by its character offsets in the passage file, the
span that carries the position, the parties with their types, the stance and the conflict.
:func:`check_passages` returns one line per problem, each naming the file, the line and the
field; an empty list means the coding is valid.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry

from pipeline.quality.sheets import _TIME, CERTAINTIES, ISSUES, MODES, USER_ASSIGNED, _read_jsonl, field_problems
from pipeline.schema import ORG_PREFIX, PARTY_TYPES, party_type
from pipeline.settings import DATA_DIR

STANCES = ("support", "oppose", "neutral")  # a passage row is a position: no "none" rows


@lru_cache(maxsize=1)
def conflict_ids() -> frozenset[str]:
    """The conflict ids of GUIDELINES 3.0 §3.1: those of ``data/conflicts.jsonl``."""
    from pipeline.nlp.kb import read_conflicts

    return frozenset(c.id for c in read_conflicts())


# State codes outside ISO 3166-1 that GUIDELINES 3.0 §2.1 admits: Kosovo.
FIELDS = (
    "doc_id",
    "start",
    "end",
    "text",
    "span",
    "actor",
    "target",
    "actor_type",
    "target_type",
    "stance",
    "conflict",
    "mode",
    "certainty",
    "issue",
    "expanded_from",
    "time",
    "note",
    "annotator",
)
MANIFEST_FIELDS = ("doc_id", "file", "title", "authors", "date", "publisher", "series", "source", "licence")
ORGANISATIONS = DATA_DIR / "kb_sources" / "organisations.jsonl"


def organisation_codes(path: Path = ORGANISATIONS) -> frozenset[str]:
    """``org:<id>`` of every organisation of the knowledge-base source (organs stand for their
    organisation, GUIDELINES §2.1). The source keeps the European Union's id as ``EU``, its UN
    speaker code; the guidelines write it ``org:eu``."""
    codes = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            if entry.get("type") != "organ":
                code = entry["id"]
                codes.add(code if code.startswith(ORG_PREFIX) else ORG_PREFIX + code.lower())
    return frozenset(codes)


def is_party(code, organisations: frozenset[str]) -> bool:
    if not isinstance(code, str):
        return False
    if code.startswith(ORG_PREFIX):
        return code in organisations
    return code in USER_ASSIGNED or (len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None)


def _check_row(where: str, row: dict, texts: dict[str, str], organisations: frozenset[str]) -> list[str]:
    out = field_problems(where, row, FIELDS)
    doc = texts.get(str(row.get("doc_id")))
    start, end, text = row.get("start"), row.get("end"), row.get("text")
    if doc is None:
        out.append(f"{where}: doc_id {row.get('doc_id')!r} is not in the passages' manifest")
    elif not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc)):
        out.append(
            f"{where}: start {start!r} and end {end!r} are not offsets in {row['doc_id']} ({len(doc)} characters)"
        )
    elif doc[start:end] != text:
        out.append(f"{where}: text is not the file's [{start}:{end}] ({doc[start:end][:40]!r}...)")
    elif text != text.strip() or "\n" in text:
        out.append(f"{where}: text must be one sentence of one paragraph, without surrounding spaces")
    span = row.get("span")
    if not (isinstance(span, str) and span.strip()):
        out.append(f"{where}: span must be a non-empty string")
    elif isinstance(text, str) and span not in text:
        out.append(f"{where}: span {span!r} is not a substring of text")
    for field in ("actor", "target"):
        code = row.get(field)
        known = is_party(code, organisations)
        if field in row and not known:
            out.append(f"{where}: {field} {code!r} is not an ISO3 code or an org:<id> of {ORGANISATIONS.name}")
        given = row.get(f"{field}_type")
        if given not in PARTY_TYPES:
            out.append(f"{where}: {field}_type {given!r} not in {'|'.join(PARTY_TYPES)}")
        elif known and given != party_type(str(code)):
            out.append(f"{where}: {field}_type {given!r} does not fit {field} {code!r}")
    if row.get("actor") is not None and row.get("actor") == row.get("target"):
        out.append(f"{where}: actor and target are both {row['actor']!r}")
    for field, allowed in (
        ("stance", STANCES),
        ("mode", MODES),
        ("certainty", CERTAINTIES),
        ("issue", ISSUES),
    ):
        if field in row and row[field] not in allowed:
            out.append(f"{where}: {field} {row[field]!r} not in {'|'.join(allowed)}")
    if row.get("conflict") is not None and row["conflict"] not in conflict_ids():
        out.append(f"{where}: conflict {row['conflict']!r} is not a conflict id of GUIDELINES 3.1 (or null)")
    exp = row.get("expanded_from")
    if exp is not None and not (isinstance(exp, str) and exp.strip()):
        out.append(f"{where}: expanded_from must be null or a non-empty string")
    time = row.get("time")
    if time is not None and not (isinstance(time, str) and _TIME.match(time)):
        out.append(f"{where}: time {time!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if row.get("note") is not None and not isinstance(row["note"], str):
        out.append(f"{where}: note must be null or a string")
    if not (isinstance(row.get("annotator"), str) and row["annotator"].startswith("lm:")):
        out.append(f"{where}: annotator {row.get('annotator')!r} must name the coding model as lm:<model>")
    return out


def check_passages(claims_path: str | Path, passages_dir: str | Path) -> list[str]:
    """All problems of the passages' manifest and gold coding, one line each (empty when valid)."""
    claims_path, passages_dir = Path(claims_path), Path(passages_dir)
    problems: list[str] = []
    manifest = passages_dir / "manifest.jsonl"
    texts: dict[str, str] = {}
    for n, row in _read_jsonl(manifest, problems):
        missing = [f for f in MANIFEST_FIELDS if f not in row]
        if missing:
            problems.append(f"{manifest}:{n}: missing field(s) {', '.join(missing)}")
            continue
        path = passages_dir / str(row["file"])
        if not path.is_file():
            problems.append(f"{manifest}:{n}: file {row['file']!r} not found in {passages_dir}")
            continue
        texts[row["doc_id"]] = path.read_text(encoding="utf-8")
    organisations = organisation_codes()
    seen: dict[tuple, int] = {}
    for n, row in _read_jsonl(claims_path, problems):
        where = f"{claims_path}:{n}"
        problems += _check_row(where, row, texts, organisations)
        key = tuple(row.get(f) for f in ("doc_id", "start", "actor", "target", "conflict", "span"))
        if key in seen:
            problems.append(f"{where}: duplicate of line {seen[key]} (same sentence, parties, conflict and span)")
        seen.setdefault(key, n)
    return problems
