"""Candidate recall over a coded claim layer: how many of its (sentence, actor, target) pairs the
candidate generator (``pipeline.nlp.candidates``) proposes, per kind of pair.

A learned claim system decides only candidate pairs, so this recall bounds its recall. The
documents are those of a built collection (``annotations/<collection>/documents.jsonl.gz``); each
is run through the pipeline the way ``stance-corpus build`` runs it (same chunks, same speaker),
so a candidate's sentence starts where the layer's sentence does, and the two meet by that
offset. Only training documents may be passed in: the coded pairs a candidate misses are read
to decide what the generator should propose next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

from pipeline.schema import party_type

KINDS = ("state-state", "with organisation", "from a group")


@dataclass(frozen=True)
class Pair:
    sent_id: str
    actor: str
    target: str


def pair_kind(row: dict) -> str:
    """``from a group`` when a party was expanded from a group mention, else whether an
    organisation is a party."""
    if row.get("expanded_from"):
        return "from a group"
    if party_type(row["actor"]) == "state" and party_type(row["target"]) == "state":
        return "state-state"
    return "with organisation"


def document_candidates(nlp, documents: Iterable[dict], sentences: Iterable[dict]) -> Iterator[tuple[str, set[Pair]]]:
    """Each document's candidate pairs keyed by the layer's sentence ids."""
    from pipeline.nlp.candidates import candidates, rules_lexicon
    from pipeline.nlp.segment import chunk_bounds

    lexicon = rules_lexicon(nlp)
    starts: dict[str, dict[int, str]] = {}
    for s in sentences:
        starts.setdefault(s["doc_id"], {})[s["start"]] = s["sent_id"]
    for d in documents:
        text, found = d["text"], set()
        for a, b in chunk_bounds(text, nlp.max_length):
            doc = nlp.make_doc(text[a:b])
            doc._.speaker = d.get("speaker")
            doc = nlp(doc)
            for c in candidates(doc, lexicon):
                sent_id = starts.get(d["doc_id"], {}).get(a + c.sent.start_char)
                if sent_id is not None:
                    found.add(Pair(sent_id, c.actor, c.target))
        yield d["doc_id"], found


def recall(rows: Iterable[dict], proposed: dict[str, set[Pair]]) -> dict[str, Counter]:
    """Per pair kind: ``gold`` distinct coded pairs of the documents in ``proposed``, ``found``
    those among the candidates."""
    out: dict[str, Counter] = {k: Counter() for k in KINDS}
    seen: set[Pair] = set()
    for r in rows:
        if r["doc_id"] not in proposed or r["stance"] == "none":
            continue
        pair = Pair(r["sent_id"], r["actor"], r["target"])
        if pair in seen:
            continue
        seen.add(pair)
        counts = out[pair_kind(r)]
        counts["gold"] += 1
        counts["found"] += pair in proposed[r["doc_id"]]
    return out


def missed(rows: Iterable[dict], proposed: dict[str, set[Pair]]) -> list[dict]:
    """The coded rows whose pair is no candidate (for reading, training documents only)."""
    return [
        r
        for r in rows
        if r["doc_id"] in proposed
        and r["stance"] != "none"
        and Pair(r["sent_id"], r["actor"], r["target"]) not in proposed[r["doc_id"]]
    ]
