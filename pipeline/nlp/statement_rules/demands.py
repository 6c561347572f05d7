"""Demands (GUIDELINES §4.2, §7.3): "Russia must withdraw its troops", "the aggressor must be held
accountable": a demand on one party is opposition to it."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.claims.parse import VERBAL, countries_in
from pipeline.nlp.claims.rows import implied_row
from pipeline.nlp.claims.toolkit import StatementInput, StatementRule
from pipeline.registry import statement_rules


@statement_rules.register("demands")
class Demands(StatementRule):
    def __call__(self, given: StatementInput) -> list[dict]:
        L = self.labels
        out: list[dict] = []
        if not given.lemmas & self.lex.demand_verbs:
            return out  # a demand's words are words of the sentence
        for verb in given.sent:
            if verb.pos_ not in VERBAL or not self._modal(verb):
                continue
            # "be held accountable", "bear responsibility", "withdraw", "pay for this war"
            words = {verb.lemma_.lower()} | {
                t.lemma_.lower()
                for c in verb.children
                if c.dep_ in (L.oprd, L.acomp, L.dobj, L.attr)
                for t in c.subtree
            }
            if not words & self.lex.demand_verbs:
                continue
            subject = self.tools.parse.clause_subject(verb)
            if subject is None and verb.dep_ == L.xcomp:
                subject = self.tools.parse.clause_subject(verb.head)
            if subject is None:
                continue
            for code, mention in self._named_or_war_party(given.sent, subject, given.tok2ent):
                if code != given.speaker:
                    out.append(implied_row(given.speaker, code, "oppose", verb, "diplomacy", [mention]))
        return out

    def _modal(self, verb: Token) -> bool:
        """ "must withdraw", "should pay", "has to be held accountable", "needs to end"."""
        L = self.labels
        if any(c.dep_ == L.aux and c.lower_ in self.lex.demand_modals for c in verb.children):
            return True
        head = verb.head
        return (
            verb.dep_ == L.xcomp
            and head.lemma_ in ("have", "need")
            and any(c.dep_ == L.aux and c.lower_ == "to" for c in verb.children)
        )

    def _named_or_war_party(self, sent: Span, subject: Token, tok2ent: dict) -> list[tuple[str, Optional[tuple]]]:
        """The states a demand's subject names: one state (not a group: "all States must respect"),
        or the party to the war for "the aggressor"."""
        found = countries_in(
            [
                t
                for t in subject.subtree
                if not any(a.dep_ == self.labels.prep and a in subject.subtree for a in t.ancestors)
            ],
            tok2ent,
        )
        codes = {c for _, e in found for c in e["countries"]}
        if len(codes) == 1 and all(e["kb_type"] != "group" for _, e in found):
            return [(next(iter(codes)), found[0][1]["key"])]
        named = self.tools.war.party(sent)
        if not found and named is not None and self.tools.war.party_noun(subject):
            return [(named, None)]
        return []
