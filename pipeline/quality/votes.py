"""``stance-corpus validate-votes``: what the statements say about Russia against how the states voted.

Each General Debate statement is reduced to the speaking state's net stance toward Russia: its
claim rows with ``actor`` = the speaker and ``target`` = ``RUS`` are counted, and the net stance
is ``oppose`` when its oppose rows outnumber its support rows, ``support`` when the reverse,
otherwise ``mixed`` (as many of each, at least one), ``neutral`` (only neutral rows) or ``none``
(no row). That is compared with the state's vote in the General Assembly's 11th emergency
special session (``corpus/ungd/unga_votes.csv``): session 77 (September 2022) with A/RES/ES-11/4
(October 2022, the annexations), session 78 (September 2023) with A/RES/ES-11/6 (February 2023,
a just and lasting peace). A "yes" deplores Russia's course; "no", abstaining or staying away
does not.

The votes are behaviour no annotator saw. This module only validates a claim layer against them:
its figures must never feed training, tuning of the rules or the cues, or the gold.

The layer is either the automatic one (``<annotations>/ungd/``: ``documents``, ``sentences``,
``claims``) or the UNGD gold (``annotations/gold/ungd/``: ``claims.jsonl`` over the statements
of ``sample.csv``, sentence text read from the statement files). The gold covers only the
sampled statements; the report says so and counts those.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline.errors import InputError
from pipeline.ingest.manifest import STATEMENT_FILE
from pipeline.io import read_jsonl
from pipeline.nlp.conflicts import load_book
from pipeline.nlp.kb import read_conflicts
from pipeline.quality.ungd_eval import layer_file, read_splits, statement_lines

RESOLUTIONS = {77: "A/RES/ES-11/4", 78: "A/RES/ES-11/6"}
VOTES = ("yes", "no", "abstain", "absent")
NET = ("oppose", "support", "mixed", "neutral", "none")
# What the automatic layer is held to (reported, never tuned toward).
GOAL_MIN_AGAINST = 50
GOAL_AGAINST_YES = 0.90
GOAL_SIDE_NOT_YES = 0.75


@dataclass
class Statement:
    doc_id: str
    speaker: str
    session: int
    counts: dict[str, int]
    net: str
    vote: Optional[str]
    sentences: list[dict] = field(default_factory=list)  # {stance, text} of its rows toward Russia


def net_stance(counts: dict[str, int]) -> str:
    """The net stance of one statement from its row counts per stance."""
    opp, sup = counts.get("oppose", 0), counts.get("support", 0)
    if opp > sup:
        return "oppose"
    if sup > opp:
        return "support"
    if opp:
        return "mixed"
    return "neutral" if counts.get("neutral", 0) else "none"


def read_votes(path: str | Path, conflicts: Optional[set[str]] = None) -> dict[str, dict[str, dict[str, str]]]:
    """``resolution -> iso3 -> {vote, country, date, conflict}`` from ``unga_votes.csv``. ``conflict``
    names the resolution's conflict, an id of ``data/conflicts.jsonl`` (or of ``conflicts``)."""
    path = Path(path)
    known = conflicts if conflicts is not None else {c.id for c in read_conflicts()}
    out: dict[str, dict[str, dict[str, str]]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"resolution", "date", "iso3", "country", "vote", "conflict"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}")
        for n, r in enumerate(reader, start=2):
            if r["vote"] not in VOTES:
                raise InputError(path, f"line {n}: vote must be one of {', '.join(VOTES)}, not {r['vote']!r}")
            if r["conflict"] not in known:
                raise InputError(path, f"line {n}: conflict {r['conflict']!r} is no id of the conflicts file")
            out.setdefault(r["resolution"], {})[r["iso3"]] = {
                "vote": r["vote"],
                "country": r["country"],
                "date": r["date"],
                "conflict": r["conflict"],
            }
    return out


def _speaker_session(doc_id: str) -> tuple[str, int]:
    m = STATEMENT_FILE.match(doc_id)
    if m is None:
        raise InputError(doc_id, "not a statement id of the form ISO3_SESSION_YEAR")
    return m["iso3"], int(m["session"])


def named_party(votes: dict, resolution: str) -> str:
    """The party a resolution's vote is about: the state the General Assembly named aggressor in the
    resolution's conflict (``conflict`` of ``unga_votes.csv``, ``data/conflicts.jsonl``)."""
    conflict = next(iter(votes[resolution].values()))["conflict"]
    roles = load_book().get(conflict)
    if roles is None or not roles.designated:
        raise InputError(resolution, f"conflict {conflict!r} names no aggressor to hold a vote against")
    return roles.designated[0]


def session_parties(votes: dict) -> dict[int, str]:
    """``session -> the party its resolution is about``."""
    return {
        session: named_party(votes, resolution) for session, resolution in RESOLUTIONS.items() if resolution in votes
    }


def statements(doc_ids: list[str], rows: list[dict], sentence_text, votes: dict) -> list[Statement]:
    """One ``Statement`` per document; ``sentence_text(row)`` gives the sentence of a claim row."""
    parties = session_parties(votes)
    by_doc: dict[str, list[dict]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], []).append(r)
    out = []
    for doc_id in sorted(doc_ids):
        speaker, session = _speaker_session(doc_id)
        party = parties.get(session)
        toward = [r for r in by_doc.get(doc_id, []) if r["actor"] == speaker and r["target"] == party]
        counts = dict(Counter(r["stance"] for r in toward))
        resolution = RESOLUTIONS.get(session)
        vote = votes.get(resolution, {}).get(speaker, {}).get("vote") if resolution else None
        seen: set[tuple[str, str]] = set()
        sents = []
        for r in toward:
            item = (r["stance"], sentence_text(r))
            if item not in seen:  # one line per (stance, sentence), however many rows repeat it
                seen.add(item)
                sents.append({"stance": item[0], "text": item[1]})
        out.append(Statement(doc_id, speaker, session, counts, net_stance(counts), vote, sents))
    return out


# ---------------------------------------------------------------- the two layers


def auto_layer(
    layer_dir: str | Path, parties: set[str], only: Optional[set[str]] = None, claims_dir: Optional[Path] = None
) -> tuple[list[str], list[dict], Any]:
    """Documents, claim rows and a sentence lookup of the automatic layer in ``layer_dir`` (or
    of the claim layer in ``claims_dir`` on the same documents: the machine-coded layer)."""
    layer_dir = Path(layer_dir)
    docs = [
        d["doc_id"]
        for d in read_jsonl(layer_file(layer_dir, "documents"))
        if STATEMENT_FILE.match(d["doc_id"]) and (only is None or d["doc_id"] in only)
    ]
    keep = set(docs)
    rows = [r for r in read_jsonl(layer_file(claims_dir or layer_dir, "claims")) if r["doc_id"] in keep]
    needed = {r["sent_id"] for r in rows if r["target"] in parties}
    texts = {s["sent_id"]: s["text"] for s in read_jsonl(layer_file(layer_dir, "sentences")) if s["sent_id"] in needed}
    missing = sorted(needed - set(texts))
    if missing:
        raise InputError(layer_file(layer_dir, "sentences"), f"has no sentence {missing[0]} that a claim refers to")
    return docs, rows, lambda r: texts[r["sent_id"]]


def gold_layer(gold_dir: str | Path, corpus_dir: str | Path) -> tuple[list[str], list[dict], Any]:
    """Documents (the sampled statements), claim rows and a sentence lookup of the UNGD gold."""
    gold_dir = Path(gold_dir)
    docs = sorted(read_splits(gold_dir / "sample.csv"))
    rows = list(read_jsonl(gold_dir / "claims.jsonl"))
    lines: dict[str, list[str]] = {}

    def text(r: dict) -> str:
        if r["doc_id"] not in lines:
            lines[r["doc_id"]] = statement_lines(corpus_dir, r["doc_id"])
        return lines[r["doc_id"]][r["line"] - 1][r["start"] : r["end"]]

    return docs, rows, text


# ---------------------------------------------------------------- the comparison


def _share(n: int, d: int) -> Optional[float]:
    return n / d if d else None


def session_figures(items: list[Statement], votes: dict, session: int, goals: bool) -> dict:
    resolution = RESOLUTIONS[session]
    in_session = [s for s in items if s.session == session]
    voted = [s for s in in_session if s.vote is not None]
    against = [s for s in voted if s.net == "oppose"]
    side = [s for s in voted if s.net == "support"]
    against_yes = sum(s.vote == "yes" for s in against)
    side_not_yes = sum(s.vote != "yes" for s in side)
    table = {net: {v: sum(s.net == net and s.vote == v for s in voted) for v in VOTES} for net in NET}
    party = named_party(votes, resolution) if resolution in votes else None
    fig: dict[str, Any] = {
        "session": session,
        "resolution": resolution,
        "party": party,
        "date": next((v["date"] for v in votes.get(resolution, {}).values()), None),
        "statements": len(in_session),
        "without_vote": sorted(s.doc_id for s in in_session if s.vote is None),
        "net_by_vote": table,
        "against": len(against),
        "against_voted_yes": against_yes,
        "against_yes_share": _share(against_yes, len(against)),
        "russia_side": len(side),
        "russia_side_not_yes": side_not_yes,
        "russia_side_not_yes_share": _share(side_not_yes, len(side)),
        "disagreeing": [asdict(s) for s in against if s.vote != "yes"] + [asdict(s) for s in side if s.vote == "yes"],
    }
    if goals:
        fig["goals"] = {
            f"at least {GOAL_MIN_AGAINST} states shown against {party}": len(against) >= GOAL_MIN_AGAINST,
            f"at least {GOAL_AGAINST_YES:.0%} of them voted yes": (fig["against_yes_share"] or 0) >= GOAL_AGAINST_YES,
            f"at least {GOAL_SIDE_NOT_YES:.0%} of those on {party}'s side voted no, abstained or stayed away": (
                fig["russia_side_not_yes_share"] or 0
            )
            >= GOAL_SIDE_NOT_YES,
        }
    return fig


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def format_session(fig: dict, countries: dict[str, str]) -> str:
    lines = [
        f"## session {fig['session']} vs {fig['resolution']} ({fig['date']})",
        f"statements {fig['statements']}; without a vote on the resolution (not scored): "
        f"{len(fig['without_vote'])}" + (f" ({', '.join(fig['without_vote'])})" if fig["without_vote"] else ""),
        f"net stance toward {fig['party']} by vote:",
        "            " + " ".join(f"{v:>8s}" for v in VOTES),
    ]
    for net in NET:
        lines.append(f"  {net:>8s}  " + " ".join(f"{fig['net_by_vote'][net][v]:8d}" for v in VOTES))
    lines.append(
        f"shown against {fig['party']}: {fig['against']} states; voted yes: {fig['against_voted_yes']} "
        f"({_pct(fig['against_yes_share'])})"
    )
    lines.append(
        f"shown on {fig['party']}'s side: {fig['russia_side']} states; voted no, abstained or stayed away: "
        f"{fig['russia_side_not_yes']} ({_pct(fig['russia_side_not_yes_share'])})"
    )
    for goal, holds in fig.get("goals", {}).items():
        lines.append(f"goal: {goal}: {'holds' if holds else 'does not hold'}")
    lines.append(f"disagreeing states: {len(fig['disagreeing'])}")
    for s in fig["disagreeing"]:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(s["counts"].items()))
        lines.append(
            f"- {s['speaker']} ({countries.get(s['speaker'], s['speaker'])}): shown {s['net']} ({counts}), "
            f"voted {s['vote']}"
        )
        for sent in s["sentences"]:
            lines.append(f"    {s['doc_id']} [{sent['stance']}] {sent['text']}")
    return "\n".join(lines)


def validate_votes(
    layer: str,
    annotations_dir: str | Path = "annotations",
    ungd_gold: str | Path = "annotations/gold/ungd",
    corpus_dir: str | Path = "corpus",
    votes_csv: Optional[str | Path] = None,
    sample_only: bool = False,
) -> tuple[str, dict]:
    """The text and figures of ``stance-corpus validate-votes`` (validation only: see the module)."""
    votes = read_votes(votes_csv or Path(corpus_dir) / "ungd" / "unga_votes.csv")
    parties = set(session_parties(votes).values())
    named = ", ".join(sorted(parties))
    if layer == "gold":
        docs, rows, text = gold_layer(ungd_gold, corpus_dir)
        scope = (
            f"layer: UNGD gold ({Path(ungd_gold) / 'claims.jsonl'}); only the {len(docs)} sampled statements "
            f"of sample.csv are coded, so the counts are over those, not over every statement"
        )
    elif layer == "auto":
        only = set(read_splits(Path(ungd_gold) / "sample.csv")) if sample_only else None
        docs, rows, text = auto_layer(Path(annotations_dir) / "ungd", parties, only)
        toward = [r for r in rows if r["target"] in parties]
        implicit = sum(1 for r in toward if not r.get("target_mentions", True))
        scope = (
            f"layer: automatic ({Path(annotations_dir) / 'ungd'}); {len(docs)} statements"
            + (" (only the statements sampled for the gold)" if sample_only else "")
            + f"; rows toward {named} {len(toward)}, of them with no mention of it in the sentence {implicit}"
        )
    elif layer == "machine":
        from pipeline.quality.coding import read_sample

        machine = Path(annotations_dir) / "machine" / "ungd"
        only = set(read_sample(machine / "sample.csv"))
        docs, rows, text = auto_layer(
            Path(annotations_dir) / "ungd", parties, only, Path(annotations_dir) / "ungd" / "machine"
        )
        scope = (
            f"layer: machine-coded ({Path(annotations_dir) / 'ungd' / 'machine'}); {len(docs)} statements, every one "
            "outside the sealed test, coded by machine annotators (language models)"
        )
    else:
        raise InputError(layer, "--layer must be auto, gold or machine")
    items = statements(docs, rows, text, votes)
    countries = {iso: v["country"] for table in votes.values() for iso, v in table.items()}
    goals = layer == "auto" and not sample_only
    sessions = [
        session_figures(items, votes, s, goals) for s in sorted(RESOLUTIONS) if any(i.session == s for i in items)
    ]
    head = [
        scope,
        f"net stance of a statement: its rows with actor = speaker and target = {named} (the aggressor the "
        "General Assembly named in the resolution's conflict); oppose if its oppose "
        "rows outnumber its support rows, support if the reverse, else mixed, neutral or none",
        "the votes validate the layer only; they never feed training or tuning",
    ]
    if not goals:
        head.append(
            f"the goals (>= 50 states against {named} per session, >= 90 % of them voting yes, >= 75 % of "
            f"those on {named}'s side voting no, abstaining or away) are for the full automatic layer; "
            "not judged here"
        )
    text_out = "\n".join(head) + "\n\n" + "\n\n".join(format_session(f, countries) for f in sessions)
    return text_out, {"layer": layer, "sample_only": sample_only, "statements": len(docs), "sessions": sessions}
