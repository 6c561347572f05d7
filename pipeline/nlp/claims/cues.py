"""Cue matching: the cue lexicon and the tokens of a Doc that are cues.

Every cue is data. ``data/stance_cues.jsonl`` lists cue classes (a stance, its negation, a topic
and the flags the rules read) with their words; a word with a space is a multi-word cue ("stand
with", "turn away from"), matched on its lemmas or its word forms, whose cue token is the
phrase's syntactic head. ``data/cue_patterns.jsonl`` holds dependency patterns (spaCy
``DependencyMatcher`` patterns) for cues that are a construction rather than a sequence of words:
each row is a cue class plus ``pattern`` and ``cue``, the ``RIGHT_ID`` of the pattern's cue token.
A cue found by a phrase or a pattern wins over a single word at the same token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from spacy.attrs import LEMMA, LOWER
from spacy.matcher import DependencyMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from pipeline.io import read_jsonl
from pipeline.nlp.word_index import phrase_matches, rows_with


@dataclass(frozen=True)
class Cue:
    lemmas: tuple[str, ...]
    stance: Optional[str]
    negated: Optional[str]
    topic: str
    negator: bool = False
    war_default: bool = False
    prep: tuple = ()
    pos: tuple = ()
    experiencer: bool = False  # "X was irritated by Y": the passive subject holds the stance toward the agent
    needs: tuple = ()  # lemmas one of which must be in the cue's clause ("take part" only "in the voting")


def cue_of(row: dict) -> Cue:
    return Cue(
        lemmas=tuple(row.get("lemmas", ())),
        stance=row["stance"],
        negated=row["negated"],
        topic=row["topic"],
        negator=row.get("negator", False),
        war_default=row.get("war_default", False),
        prep=tuple(sorted(row.get("prep", {}).items())),
        pos=tuple(row.get("pos", ())),
        experiencer=row.get("experiencer", False),
        needs=tuple(row.get("needs", ())),
    )


def load_cues(path: str | Path) -> list[Cue]:
    return [cue_of(row) for row in read_jsonl(path)]


@dataclass(frozen=True)
class CuePattern:
    """A cue class found by a dependency pattern; ``cue``: the pattern node that is the cue token."""

    name: str
    cue: Cue
    anchor: str
    pattern: tuple


def load_cue_patterns(path: str | Path) -> list[CuePattern]:
    out = []
    for n, row in enumerate(read_jsonl(path), 1):
        ids = [node["RIGHT_ID"] for node in row["pattern"]]
        if row.get("cue") not in ids:
            raise ValueError(f"{path}: row {n}: 'cue' must name one RIGHT_ID of its pattern ({', '.join(ids)})")
        out.append(CuePattern(row.get("id", f"pattern{n}"), cue_of(row), row["cue"], tuple(row["pattern"])))
    return out


class CueIndex:
    """Finds the cue tokens of a Doc. Every cue word is found in one pass over the Doc's lemma and
    lower-case arrays (a set lookup; spaCy's ``Matcher`` with one pattern per cue made matching
    the slowest part of the pipeline, and with one set pattern it still built a Token per word);
    ``cue_for`` then says which cue it is. A phrase is tried only where its first word stands."""

    def __init__(
        self, vocab: Vocab, cues: list[Cue], topic_keywords: dict[str, set], patterns: Sequence[CuePattern] = ()
    ):
        self.cues = cues
        self.topic_keywords = topic_keywords
        self._by_word: dict[str, Cue] = {}
        phrases: dict[tuple[str, ...], Cue] = {}
        for cue in cues:
            for lemma in cue.lemmas:
                if " " in lemma:
                    phrases.setdefault(tuple(lemma.split()), cue)
                else:
                    self._by_word.setdefault(lemma, cue)
        self._word_ids = sorted(get_string_id(w) for w in self._by_word)
        # (word ids, cue) in a fixed order: a later phrase with the same head token wins
        ordered = sorted(phrases.items())
        self._phrase_ids = [tuple(get_string_id(w) for w in p) for p, _ in ordered]
        self._phrase_cues = [cue for _, cue in ordered]
        self.dep_matcher = DependencyMatcher(vocab) if patterns else None
        self._patterns: dict[int, tuple[Cue, int]] = {}
        for pattern in patterns:
            assert self.dep_matcher is not None
            self.dep_matcher.add(pattern.name, [list(pattern.pattern)])
            at = [node["RIGHT_ID"] for node in pattern.pattern].index(pattern.anchor)
            self._patterns[vocab.strings[pattern.name]] = (pattern.cue, at)
        self.negators = {lemma for c in cues if c.negator for lemma in c.lemmas}

    def cue_for(self, token: Token) -> Optional[Cue]:
        cue = self._by_word.get(token.lemma_.lower()) or self._by_word.get(token.lower_)
        if cue is None or (cue.pos and token.pos_ not in cue.pos):
            return None
        return cue

    def find(self, doc: Doc) -> dict[int, Cue]:
        """Token index -> its cue, for every cue token of the Doc."""
        found: dict[int, Cue] = {}
        longer: dict[int, Cue] = {}
        arr = doc.to_array([LEMMA, LOWER])
        # a word is a cue by its lemma or by its lower-case form
        for i in rows_with(arr, self._word_ids):
            if (word := self.cue_for(doc[i])) is not None:
                found[i] = word
        for start, end, k in phrase_matches(arr, self._phrase_ids):
            phrase, token = self._phrase_cues[k], doc[start:end].root
            if not phrase.pos or token.pos_ in phrase.pos:
                longer[token.i] = phrase  # a later phrase with the same head token wins
        if self.dep_matcher is not None:
            for match_id, token_ids in self.dep_matcher(doc):
                cue, at = self._patterns[match_id]
                if not cue.pos or doc[token_ids[at]].pos_ in cue.pos:
                    longer[token_ids[at]] = cue
        found.update(longer)
        return found

    def is_negator(self, token: Token) -> bool:
        return token.lemma_ in self.negators

    def topic(self, entry: Cue, lemmas: frozenset[str]) -> str:
        """The row's topic: the cue's own, or the first topic one of whose keywords is among the
        sentence's lower-case ``lemmas``."""
        if entry.topic in ("recognition", "symbolic"):
            return entry.topic
        for topic, words in self.topic_keywords.items():
            if lemmas & words:
                return topic
        return entry.topic
