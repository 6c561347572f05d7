"""Calls on both parties and calls for peace (GUIDELINES §3.1, §4.3): the speaker takes no side in
the conflict: one neutral row toward the party the UN named in it, else toward each state party."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.claims.rows import implied_row
from pipeline.nlp.claims.toolkit import StatementInput, StatementRule
from pipeline.nlp.statement_rules.common import names, reported, speaks_for
from pipeline.registry import statement_rules


def neutral_rows(targets: list[str], speaker: str, verb: Token) -> list[dict]:
    return [implied_row(speaker, t, "neutral", verb, "diplomacy") for t in targets if t != speaker]


@statement_rules.register("calls_on_parties")
class CallsOnParties(StatementRule):
    """ "We call on both sides / all parties to …" a ceasefire, talks or an end to the conflict: one
    neutral row toward the party to the war, when this sentence or the one before is about it."""

    def __call__(self, given: StatementInput) -> list[dict]:
        sent, war = given.sent, self.tools.war
        if not given.lemmas & self.lex.call_verbs or given.speaker == war.party(sent):
            return []
        for verb in sent:
            if verb.lemma_.lower() not in self.lex.call_verbs or verb.pos_ != "VERB":
                continue
            subject = next((c for c in verb.children if c.dep_ == self.labels.nsubj), None)
            if subject is None or not speaks_for(self.tools, subject, given.tok2ent, given.speaker):
                continue
            scope = list(verb.subtree)
            if not self._parties(scope) or not any(t.lemma_.lower() in self.lex.peace_words for t in scope):
                continue
            before = sent.doc[sent.start - 1].sent if sent.start > 0 else None
            if war.named_in(sent, given.tok2ent) or (before is not None and war.named_in(before, given.tok2ent)):
                return neutral_rows(war.neutral_targets(sent), given.speaker, verb)
        return []

    def _parties(self, scope: list[Token]) -> list[Token]:
        """ "both sides", "all parties"."""
        return [
            t
            for t in scope
            if t.lemma_.lower() in self.lex.party_words
            and t.tag_ == self.labels.plural_noun_tag
            and any(c.lower_ in self.lex.all_determiners for c in t.children)
        ]


@statement_rules.register("calls_for_peace")
class CallsForPeace(StatementRule):
    """ "Tonga continues to urge a peaceful resolution of the conflict", "we support the efforts of
    mediation between Russia and Ukraine": the speaker backs talks, a settlement or a ceasefire in a
    sentence that names a party to the war, and takes no side in it: one neutral row toward the war
    party. Not where the speaker already has a row toward a party in the sentence."""

    def __call__(self, given: StatementInput) -> list[dict]:
        sent, speaker, tok2ent = given.sent, given.speaker, given.tok2ent
        if not given.lemmas & self.lex.peace_backing_verbs:
            return []
        parties = self.tools.war.parties(sent)
        taken = {r["target"] for r in given.rows if r["actor"] == speaker}
        if speaker in parties or taken & parties:
            return []
        named = {c for t in sent if (e := tok2ent.get(t.i)) and e["kb_type"] != "group" for c in e["countries"]}
        if not named & parties:
            return []  # a group with a party in it ("the permanent members") is not the war
        for verb in sent:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.lex.peace_backing_verbs:
                continue
            found = self._backing(sent, verb, given)
            aggressor = self.tools.war.party(sent)
            if found == "neutral":
                return neutral_rows(self.tools.war.neutral_targets(sent), speaker, verb)
            if found is not None and aggressor is not None:
                return [implied_row(speaker, aggressor, found, verb, "diplomacy")]
        return []

    def _backing(self, sent: Span, verb: Token, given: StatementInput) -> Optional[str]:
        """The stance toward the war party of the speaker backing peace with ``verb``, or None."""
        tools, tok2ent = self.tools, given.tok2ent
        subject = tools.parse.subject(verb)
        if subject is None or not speaks_for(tools, subject, tok2ent, given.speaker):
            return None
        if reported(tools, verb):
            return None
        if any(t.lemma_.lower() in self.lex.border_words for t in verb.subtree):
            return None  # "peace based on the territorial integrity of Ukraine" takes a side
        L = self.labels
        addressed = {
            c
            for child in verb.children
            if child.dep_ == L.dobj or (child.dep_ == L.prep and child.lower_ == "on")
            for c in names(child, tok2ent)
        }
        if addressed - tools.war.parties(sent):
            return None  # "call on the United States and the Russian Federation to continue their dialogue"
        if addressed == {tools.war.party(sent)}:  # a call on Russia alone is a demand (GUIDELINES §4.3)
            return "oppose"
        return "neutral" if any(self._peace_process(t, tok2ent) for t in verb.subtree) else None

    def _peace_process(self, t: Token, tok2ent: dict) -> bool:
        """Talks, a settlement, a ceasefire: not a General Assembly resolution nor a side's plan."""
        lemma = t.lemma_.lower()
        if lemma not in self.lex.peace_process_words:
            return False
        if lemma == "resolution" and not any(c.lower_ in ("peaceful", "political", "diplomatic") for c in t.children):
            return False  # a General Assembly resolution is no peace process
        return not any(c.dep_ == self.labels.poss and c.i in tok2ent for c in t.children)  # "Ukraine's peace formula"
