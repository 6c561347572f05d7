"""Cue matching: the cue lexicon (``data/stance_cues.jsonl``) and the tokens of a Doc that are cues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from pipeline.io import read_jsonl


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


def load_cues(path: str | Path) -> list[Cue]:
    return [
        Cue(
            lemmas=tuple(row["lemmas"]),
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
        for row in read_jsonl(path)
    ]


class CueIndex:
    """Finds the cue tokens of a Doc. Two set-membership patterns find every cue word in one pass;
    ``cue_for`` then says which cue it is (one pattern per cue made matching the slowest part of
    the pipeline)."""

    def __init__(self, vocab: Vocab, cues: list[Cue], topic_keywords: dict[str, set]):
        self.cues = cues
        self.topic_keywords = topic_keywords
        self._by_word: dict[str, Cue] = {}
        for cue in cues:
            for lemma in cue.lemmas:
                self._by_word.setdefault(lemma, cue)
        words = sorted(self._by_word)
        self.matcher = Matcher(vocab)
        self.matcher.add("CUE", [[{"LEMMA": {"IN": words}}], [{"LOWER": {"IN": words}}]])
        self.negators = {lemma for c in cues if c.negator for lemma in c.lemmas}

    def cue_for(self, token: Token) -> Optional[Cue]:
        cue = self._by_word.get(token.lemma_.lower()) or self._by_word.get(token.lower_)
        if cue is None or (cue.pos and token.pos_ not in cue.pos):
            return None
        return cue

    def find(self, doc: Doc) -> dict[int, Cue]:
        """Token index -> its cue, for every cue token of the Doc."""
        found = {}
        for _, start, _ in self.matcher(doc):
            if (cue := self.cue_for(doc[start])) is not None:
                found[start] = cue
        return found

    def is_negator(self, token: Token) -> bool:
        return token.lemma_ in self.negators

    def topic(self, entry: Cue, sent: Span) -> str:
        if entry.topic in ("recognition", "symbolic"):
            return entry.topic
        lemmas = {t.lemma_.lower() for t in sent}
        for topic, words in self.topic_keywords.items():
            if lemmas & words:
                return topic
        return entry.topic
