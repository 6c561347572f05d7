"""Aggression nouns: who does "the invasion of Ukraine", "Russia's war", "the aggression by X",
and the acts a statement reports with them (GUIDELINES §3.1, §7.4)."""

from __future__ import annotations

from typing import Optional

from spacy.parts_of_speech import NOUN
from spacy.tokens import Span, Token

from pipeline.nlp.claims.conflict import WarContext
from pipeline.nlp.claims.doc_words import DocWords
from pipeline.nlp.claims.parse import Parse, countries_in
from pipeline.nlp.lexicon import Lexicon


class Aggression:
    def __init__(self, parse: Parse, lexicon: Lexicon, war: WarContext):
        self.parse = parse
        self.labels = parse.labels
        self.lex = lexicon
        self.war = war

    def noun_of(self, tok: Token) -> Optional[Token]:
        """The aggression noun whose victim ``tok`` names: "the invasion of Ukraine", "aggression
        against Ukraine", "the war in Ukraine"; else None."""
        L = self.labels
        head = tok.head
        while tok.dep_ == L.conj and head.i != tok.i:  # "against Ukraine and Georgia"
            tok, head = head, head.head
        if (
            tok.dep_ == L.pobj
            and head.dep_ == L.prep
            and head.lower_ in L.victim_preps
            and head.head.lemma_.lower() in self.lex.aggression_nouns
        ):
            return head.head
        return None

    def doers(self, noun: Token, tok2ent: dict) -> list:
        """Countries named as the doer of an aggression noun: "the Russian invasion", "Russia's
        war", "the aggression by Russia"."""
        L = self.labels
        doers = [t for c in noun.children if c.dep_ in L.modifiers for t in c.subtree]
        doers += [t for c in noun.children if c.dep_ in (L.prep, L.agent) and c.lower_ == "by" for t in c.subtree]
        head = noun.head
        # (the lemmatizer gives "wag" for "waged", hence the word forms in the list)
        if noun.dep_ == L.dobj and {head.lemma_.lower(), head.lower_} & self.lex.waging_verbs:
            subject = self.parse.subject(head)  # "Russia has waged an illegal war of aggression"
            if subject is not None:
                doers += list(subject.subtree)
        return countries_in(doers, tok2ent)

    def nouns(self, sent: Span, tok2ent: dict, words: DocWords) -> list[tuple[Token, list]]:
        """The sentence's aggression nouns, each with its doers, found once for both ``acts`` and
        ``wrongs``."""
        doc = sent.doc
        return [
            (doc[i], self.doers(doc[i], tok2ent))
            for i in range(sent.start, sent.end)
            if words.lemmas[i] in self.lex.aggression_nouns and words.pos[i] == NOUN
        ]

    def wrongs(self, nouns: list[tuple[Token, list]]) -> list[tuple[Token, dict]]:
        """Aggression nouns with one state as their doer ("Russia's war of occupation", "Putin's
        war", "Russia has committed a terrible aggression"), with or without a victim named; not a
        compound ("the Ukraine war" names the place) nor two parties ("the Russian-Ukrainian war")."""
        out = []
        for noun, all_doers in nouns:
            compounds = {t.i for c in noun.children if c.dep_ == self.labels.compound for t in c.subtree}
            doers = [(t, e) for t, e in all_doers if t.i not in compounds]
            codes = {c for _, e in doers for c in e["countries"]}
            if len(codes) == 1 and doers[0][1]["kb_type"] != "group":
                act = {"actor": next(iter(codes)), "actor_mentions": [doers[0][1]["key"]], "stance": "oppose"}
                out.append((noun, {**act, "target": None, "topic": "military"}))
        return out

    def acts(
        self, sent: Span, nouns: list[tuple[Token, list]], tok2ent: dict, speaker: Optional[str] = None
    ) -> list[tuple]:
        """Statements report acts as nouns (GUIDELINES §7.4): "the Russian invasion of Ukraine"
        gives RUS -> UKR oppose, once per sentence and pair."""
        rows = []
        for noun, doers in nouns:
            preps = [c for c in noun.children if c.dep_ == self.labels.prep and c.lower_ in self.labels.victim_preps]
            victims, doers = self._parties(sent, noun, preps, doers, tok2ent, speaker)
            for _, doer in doers:
                for _, victim in victims:
                    for a in doer["countries"]:
                        for t in victim["countries"]:
                            if a != t:
                                rows.append((noun, act_row(noun, a, t, doer["key"], victim["key"])))
        return rows

    def _parties(self, sent: Span, noun: Token, preps: list, doers: list, tok2ent: dict, speaker: Optional[str]):
        """(victims, doers) of one aggression noun, the war's own parties filled in."""
        victims: list[tuple[Optional[Token], dict]] = [
            (t, e) for c in preps for t, e in countries_in(c.subtree, tok2ent)
        ]
        if (
            speaker
            and not victims
            and any(
                t.dep_ == self.labels.poss and t.lower_ in self.lex.first_person_determiners
                for c in preps
                for t in c.subtree
            )
        ):  # "Israel's occupation of our land": the speaking state is the victim
            victims = [(None, {"key": None, "countries": [speaker]})]
        # The war's own parties need not be named (GUIDELINES §7.4): "Russia's invasion" is of
        # Ukraine; "the aggression against Ukraine" is Russia's ("the war in Ukraine" names a place).
        codes = {c for _, d in doers for c in d["countries"]}
        if (
            not victims
            and not preps
            and codes == {self.war.party(sent)}
            and self.war.victim(sent) is not None
            and noun.lemma_.lower() in self.lex.war_act_nouns
        ):
            victims = [(None, {"key": None, "countries": [self.war.victim(sent)]})]  # not "Russia's hybrid
            # attacks", nor "the Russian-Ukrainian war"
        elif (
            not doers
            and noun.lemma_.lower() not in self.lex.place_wars
            and self.war.party(sent) is not None
            and any(c.lower_ != "in" and self.war.victim(sent) in e["countries"] for c in preps for _, e in victims)
        ):
            doers = [(None, {"key": None, "countries": [self.war.party(sent)]})]
        return victims, doers


def act_row(noun: Token, actor: str, target: str, actor_key, target_key) -> dict:
    """An act a statement reports with an aggression noun: the doer opposes the victim."""
    return {
        "actor": actor,
        "actor_mentions": [actor_key],
        "target": target,
        "target_mentions": [target_key],
        "stance": "oppose",
        "topic": "military",
        "confidence": 0.6,
        "cue": noun.text,
        "negated": False,
    }
