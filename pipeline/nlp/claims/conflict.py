"""The war the claim rules know: its party and its victim, and whether a sentence is about it.

Every rule that needs the party to the war, its victim or a test of "is this about the war"
asks one ``WarContext``, built by the ``claim_rules`` component from its config
(``war_party``, ``war_victim``) and the lexicon. The methods take the sentence so that the
answer can come from the sentence's own conflict.
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.lexicon import Lexicon


class WarContext:
    def __init__(self, war_party: str, war_victim: str, lexicon: Lexicon):
        self._party = war_party
        self._victim = war_victim  # an aggression against it with no doer named is the war party's
        self.lex = lexicon

    def party(self, sent: Optional[Span] = None) -> str:
        """The party held responsible for the war."""
        return self._party

    def victim(self, sent: Optional[Span] = None) -> str:
        """The state the war is waged against."""
        return self._victim

    def parties(self, sent: Optional[Span] = None) -> frozenset:
        return frozenset((self.party(sent), self.victim(sent)))

    def about(self, sent: Span) -> bool:
        """Does the sentence name the war party, a contested territory or war wording?"""
        if any(self.party(sent) in (e._.countries or ()) or e._.kb_type == "territory" for e in sent.ents):
            return True
        return any(t.lemma_.lower() in self.lex.war_context for t in sent)

    def allows_default(self, own: list[Token], sent: Span, topic: str, stance: str) -> bool:
        """May a cue with no country in reach (``own``: the tokens of its phrase) default to the
        party to the war (GUIDELINES §3)? A recognition cue also needs the war in its sentence (a
        contested territory, an annexation, a referendum…), else "we recognize the urgency" would
        be a position."""
        if sent.doc._.speaker and not self.about(sent):
            return False  # a statement covers every subject: "carbon neutrality" is not about the war
        if topic != "recognition":
            return True
        if stance == "support":
            # Recognising something is a position for the war party only when the thing is the
            # war's (an annexation, a referendum, an occupied territory), in the cue's own phrase.
            first, last = min(t.i for t in own), max(t.i for t in own)
            inside = [e for e in sent.ents if first <= e.start and e.end <= last + 1]
            if any(e._.kb_type in ("country", "territory") for e in inside):
                return False  # "recognizing Tuvalu's independence", "… of Kosovo": not the war's
            return any(t.lemma_.lower() in self.lex.recognition_objects for t in own)
        if any(ent._.kb_type == "territory" for ent in sent.ents):
            return True
        return any(t.lemma_.lower() in self.lex.war_context for t in sent)

    def party_noun(self, token: Token) -> bool:
        """ "the aggressor", "the occupier": the party to the war, in a sentence of a statement."""
        return token.lemma_.lower() in self.lex.war_party_nouns and any(c.lower_ == "the" for c in token.children)

    def named_in(self, sent: Span, tok2ent: dict) -> bool:
        """Does the sentence name a party to the war, or "the aggressor"?"""
        codes = {c for t in sent for c in (tok2ent.get(t.i) or {}).get("countries", [])}
        if self.party(sent) in codes or self.victim(sent) in codes:
            return True
        return any(self.party_noun(t) for t in sent)
