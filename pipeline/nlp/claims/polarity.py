"""Polarity: negation in scope of a cue, complements that turn it, and the cues that state no
position at all (hypotheticals, copulas, idioms, dependence on goods)."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Token

from pipeline.nlp.claims.cues import Cue, CueIndex
from pipeline.nlp.claims.parse import VERBAL, Parse, is_root
from pipeline.nlp.lexicon import Lexicon

FLIP = {"support": "oppose", "oppose": "support", "neutral": "neutral"}


class Polarity:
    def __init__(self, parse: Parse, lexicon: Lexicon, cues: CueIndex):
        self.parse = parse
        self.labels = parse.labels
        self.lex = lexicon
        self.cues = cues
        self._adverbs = sorted((tuple(a.split()) for a in lexicon.negating_adverbs), key=len, reverse=True)

    def negator_map(self, doc: Doc, cue_tokens: dict[int, Cue], tok2ent: dict) -> dict[int, int]:
        """Negator cue token -> the cue it negates: the negator's own row is replaced by the inner
        cue's ("declined support", "circumvent sanctions")."""
        negator_of = {}
        for i in cue_tokens:
            tok = doc[i]
            verbal = tok.pos_ in VERBAL
            if not verbal and self.parse.doer_named(tok, tok2ent):
                continue  # "we reject Russia's attack on Ukraine": the attack is Russia's act, the rejection ours
            anchor = self.parse.anchor(tok)
            _, neg = self.negations(tok if verbal else anchor)
            inner = [c for c in tok.children if self.cues.is_negator(c)] if not verbal else []
            if not verbal and self.cues.is_negator(anchor):
                neg = anchor  # "circumvent sanctions", "declined support"
            elif inner:
                neg = inner[0]
            if neg is not None:
                negator_of[neg.i] = i
        return negator_of

    def negations(self, cue: Token) -> tuple[int, Optional[Token]]:
        """How many negations are in scope of the cue, and the negator verb among them."""
        L = self.labels
        count, negator = 0, None
        below = None
        for verb in self.parse.chain_up(cue):
            if (
                below is not None
                and below.dep_ == L.conj
                and any(c.dep_ == L.cc and c.lower_ in ("but", "yet") for c in verb.children)
            ):
                break  # "we are not facing a threat, but we are countering …": the "not" stays in its conjunct
            below = verb
            count += self._negated(verb)
            if verb.i != cue.i and self.cues.is_negator(verb):
                count += 1
                negator = verb
            # "No Central Asian country sided with Moscow": the subject is negated.
            count += sum(
                1
                for c in verb.children
                if c.dep_ in L.subjects
                for d in [c, *c.children]
                if d.lower_ in self.lex.no_determiners and d.dep_ in (L.det, L.nsubj)
            )
        above, head = self._negating_head(cue)
        if head is not None:
            negator = head
        return count + above, negator

    def _negated(self, verb: Token) -> int:
        """The negations on the verb itself: a ``neg`` child, or a negating adverb ("never", "no
        longer": "longer" is the verb's child and "no" the word before it)."""
        doc, count, inside = verb.doc, 0, set[int]()
        for c in verb.children:
            last = c.lower_
            for words in self._adverbs:
                if words[-1] != last:
                    continue  # the phrase ends with the child: no other can match
                start = c.i - len(words) + 1
                if start >= 0 and tuple(t.lower_ for t in doc[start : c.i + 1]) == words:
                    count += 1
                    inside.update(range(start, c.i + 1))
                    break
        return count + sum(1 for c in verb.children if c.dep_ == self.labels.neg and c.i not in inside)

    def _negating_head(self, cue: Token) -> tuple[int, Optional[Token]]:
        """A negating word above the cue's clause: "wary of endorsing", "had no intention of
        helping", "refusal to recognise" (through prepositions, infinitives and noun complements)."""
        L = self.labels
        top, steps = cue, 0
        while top.dep_ in L.chain and not is_root(top):
            top = top.head
        while top.dep_ in (L.pcomp, L.prep, L.acl, L.xcomp, L.pobj, L.advcl) and not is_root(top) and steps < 4:
            top, steps = top.head, steps + 1
            if top.lemma_.lower() in self.lex.negating_heads and top.i != cue.i:
                return 1, top
            if top.pos_ == "NOUN" and any(
                c.lower_ in self.lex.no_determiners and c.dep_ == L.det for c in top.children
            ):
                return 1, None
        return 0, None

    def complement(self, cue: Token) -> Optional[str]:
        """ "negative" for "recognise X as an aggressor / a state sponsor of terrorism", "borders" for
        "demand respect for (internationally recognized) borders / sovereignty", else None."""
        L = self.labels
        for child in cue.children:
            words = {t.lemma_.lower() for t in child.subtree}
            negative = words & self.lex.negative_complements
            if child.dep_ in (L.prep, L.oprd, L.advcl) and child.lower_ == "as" and negative:
                return "negative"
            if (
                child.dep_ in (L.dobj, L.prep, L.pobj)
                and words & self.lex.respect_words
                and words & self.lex.border_words
                and cue.lemma_.lower() in ("demand", "call", "urge", "insist")
            ):
                return "borders"
        return None

    def skip(self, cue: Token, anchor: Token, entry: Cue) -> bool:
        """Does the cue state no position here?"""
        L = self.labels
        if cue.ent_type_ or cue.dep_ in (L.prep, L.mark, L.cc, L.prt) or cue.pos_ == "ADV":
            return True  # "Shanghai Cooperation Organisation", "thanks to", "push back"
        if cue.lemma_.lower() in self.lex.dependence_verbs and self.dependence(cue):
            return True
        if any(c.dep_ == L.dobj and c.lemma_.lower() in self.lex.idiom_objects for c in cue.children):
            return True  # "seize this opportunity", "take this occasion"
        if anchor.lemma_ == "be" and ((entry.stance != "neutral" and cue.pos_ != "ADJ") or cue.pos_ == "NOUN"):
            return True  # "X is Y's ally", "It was a vote about…": a copula states background, not an act
            # (but an attitude: "we are grateful to Qatar")
        if cue.dep_ == L.amod and cue.tag_ == L.participle_tag:
            return True  # "internationally recognized borders": a participle describing a noun
        if cue.dep_ == L.acl and cue.head.lemma_.lower() in self.lex.vote_nouns:
            return True  # "the resolution condemning Russia": the resolution's words, not the voter's
        path = [cue] + list(cue.ancestors)[:3]
        if any(t.lemma_.lower() in self.lex.background for p in path for t in [p, *p.children]):
            return True
        return self.hypothetical(anchor)

    def hypothetical(self, anchor: Token) -> bool:
        """ "we would impose sanctions if …", not "I would like to thank Japan"."""
        return any(
            c.lower_ in self.lex.hypothetical and v.lemma_.lower() not in self.lex.wish_verbs
            for v in self.parse.chain_up(anchor)
            for c in v.children
            if c.dep_ == self.labels.aux
        )

    def dependence(self, cue: Token) -> bool:
        """ "relying on Russia for 70 per cent of our wheat", "relying on Russian gas": the text
        describes dependence on goods, not a position toward the state ("relied on China for his
        position" is one)."""
        L = self.labels
        shares = [t for c in cue.children if c.dep_ == L.prep and c.lower_ == "for" for t in c.subtree]
        if any(
            t.like_num
            or t.ent_type_ in ("PERCENT", "QUANTITY", "MONEY")
            or t.lemma_.lower() in self.lex.dependence_shares
            for t in shares
        ):
            return True
        objects = [g for c in cue.children if c.dep_ == L.prep and c.lower_ == "on" for g in c.children]
        return any(g.dep_ == L.pobj and not g.ent_type_ for g in objects)
