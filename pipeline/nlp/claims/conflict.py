"""The conflict the claim rules reason about, per sentence: its parties, the party the UN named,
and whether a sentence is about a conflict at all.

Every rule that needs "the party to the war", its victim or a test of "is this about the war"
asks one ``WarContext``. Its answers come from the sentence's conflict as the conflict detector
found it (``span._.conflicts``, ``pipeline/nlp/conflicts.py``, from ``data/conflicts.jsonl``; in
an article, a sentence with none of its own takes the conflict the article names most, while a
statement, which covers every subject, keeps to the sentence's own):
"the aggressor", "the occupying Power" and "the war" resolve to the party the General Assembly
or Security Council named in that conflict, and to nothing where the UN named none (GUIDELINES
§3.1). A sentence that concerns no conflict has no war party.
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.conflicts import ConflictRoles, document_conflict, names_its_conflict, sentence_conflicts
from pipeline.nlp.lexicon import Lexicon
from pipeline.schema import party_type


class WarContext:
    def __init__(self, lexicon: Lexicon):
        self.lex = lexicon

    @staticmethod
    def conflicts(sent: Span) -> list[ConflictRoles]:
        """The sentence's conflicts, the strongest first (in an article, else the article's)."""
        found = sentence_conflicts(sent)
        if found or sent.doc._.speaker:
            return found
        fallback = document_conflict(sent.doc)
        return [fallback] if fallback is not None else []

    def conflict(self, sent: Span) -> Optional[ConflictRoles]:
        """The sentence's strongest conflict, or None."""
        found = self.conflicts(sent)
        return found[0] if found else None

    def party(self, sent: Span) -> Optional[str]:
        """The party the UN named aggressor or occupying power in the sentence's conflict."""
        conflict = self.conflict(sent)
        return conflict.designated[0] if conflict is not None and conflict.designated else None

    def victim(self, sent: Span) -> Optional[str]:
        """The state the named party's war is waged against."""
        conflict = self.conflict(sent)
        victims = [v for v in conflict.victims if party_type(v) == "state"] if conflict is not None else []
        return victims[0] if victims else None

    def parties(self, sent: Span) -> frozenset:
        """Every member of every side of the sentence's conflict."""
        conflict = self.conflict(sent)
        return frozenset(conflict.parties) if conflict is not None else frozenset()

    def neutral_targets(self, sent: Span) -> list[str]:
        """Whom neutrality or a call on both sides is toward (GUIDELINES §3.1): the named party,
        else each state party of the conflict's sides."""
        conflict = self.conflict(sent)
        if conflict is None:
            return []
        if conflict.designated:
            return [conflict.designated[0]]
        return [p for p in conflict.parties if party_type(p) == "state"]

    def about(self, sent: Span) -> bool:
        """Is the sentence about a conflict?"""
        return self.conflict(sent) is not None

    def allows_default(self, own: list[Token], sent: Span, topic: str, stance: str) -> bool:
        """May a cue with no party in reach (``own``: the tokens of its phrase) default to the
        sentence's conflict (GUIDELINES §3.1)? Only in a sentence about a conflict; a positive
        recognition cue also needs the conflict's object in its own phrase (an annexation, a
        referendum, an occupied territory), else "we recognize the urgency" would be a position."""
        if not self.about(sent):
            return False
        if topic != "recognition" or stance != "support":
            return True
        first, last = min(t.i for t in own), max(t.i for t in own)
        inside = [e for e in sent.ents if first <= e.start and e.end <= last + 1]
        if any(e._.kb_type in ("country", "territory") for e in inside):
            return False  # "recognizing Tuvalu's independence", "… of Kosovo": not the war's
        return any(t.lemma_.lower() in self.lex.recognition_objects for t in own)

    def party_noun(self, token: Token) -> bool:
        """ "the aggressor", "the occupying Power": the party the UN named, in a sentence of a
        statement (the lexicon's nouns, alone or with their modifiers)."""
        if not any(c.lower_ == "the" for c in token.children):
            return False
        modifiers = [c.lower_ for c in token.children if c.dep_ == "amod"]
        return token.lemma_.lower() in self.lex.war_party_nouns or (
            " ".join([*modifiers, token.lemma_.lower()]) in self.lex.war_party_nouns
        )

    def named_in(self, sent: Span, tok2ent: dict) -> bool:
        """Does the sentence name its conflict (a party, a territory, a name of the conflict), or
        "the aggressor"?"""
        if names_its_conflict(sent):
            return True
        return any(self.party_noun(t) for t in sent)

    def row_conflict(self, sent: Span, actor: Optional[str], target: Optional[str]) -> Optional[str]:
        """The conflict a row of the sentence concerns: the first of the sentence's conflicts that
        has the actor or the target among its parties, else the sentence's strongest, else None."""
        found = self.conflicts(sent)
        for conflict in found:
            if actor in conflict.parties or target in conflict.parties:
                return conflict.id
        return found[0].id if found else None
