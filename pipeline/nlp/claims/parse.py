"""Parse helpers of the claim rules: clause chains, anchors, subjects and mention heads, read
through a ``LabelScheme`` so that they hold for any parser's labels."""

from __future__ import annotations

from typing import Iterable, Iterator, Optional

from spacy.tokens import Token

from pipeline.nlp.claims.labels import LabelScheme

VERBAL = ("VERB", "AUX")


def countries_in(tokens: Iterable[Token], tok2ent: dict) -> list[tuple[Token, dict]]:
    """The linked mentions among ``tokens``, each once, with its first token, in order."""
    seen, out = set(), []
    for t in tokens:
        ent = tok2ent.get(t.i)
        if ent and ent["key"] not in seen:
            seen.add(ent["key"])
            out.append((t, ent))
    return out


def tree_distance(a: Token, b: Token) -> int:
    up_a = [a] + list(a.ancestors)
    up_b = [b] + list(b.ancestors)
    common = next((t for t in up_a if t in up_b), None)
    if common is None:
        return 99
    return up_a.index(common) + up_b.index(common)


def is_root(token: Token) -> bool:
    """spaCy builds a new Token object on every access, so a root is found by index."""
    return token.head.i == token.i


class Parse:
    def __init__(self, labels: LabelScheme):
        self.labels = labels

    def chain_up(self, token: Token) -> Iterator[Token]:
        """The cue token and the verbs above it that share its subject."""
        yield token
        while token.dep_ in self.labels.chain and not is_root(token):
            token = token.head
            yield token

    def mention_root(self, tok: Token, tok2ent: dict) -> Token:
        """The syntactic root of the mention ``tok`` is in ("President Putin" -> "Putin"), climbing
        out of coordination ("Russia and Ukraine" -> "Russia")."""
        ent = tok2ent.get(tok.i)
        while ent is not None and tok.head.i != tok.i and tok2ent.get(tok.head.i) is ent:
            tok = tok.head
        while tok.dep_ == self.labels.conj and tok.head.i != tok.i:
            tok = tok.head
        return tok

    def mention_head(self, tok: Token, tok2ent: dict) -> Token:
        """The head word of the mention ``tok`` is in, past its article ("the United States" ->
        "States") and out of coordination."""
        ent = tok2ent[tok.i]
        tok = next((t for t in tok.sent if tok2ent.get(t.i) is ent and t.dep_ != self.labels.det), tok)
        return self.mention_root(tok, tok2ent)

    @staticmethod
    def anchor(token: Token) -> Token:
        """The verb that carries a nominal or adjectival cue."""
        steps = 0
        while token.pos_ not in VERBAL and not is_root(token) and steps < 4:
            token = token.head
            steps += 1
        return token

    def subject(self, cue: Token) -> Optional[Token]:
        L = self.labels
        for verb in self.chain_up(cue):
            # Passive: "Russia was condemned by Kazakhstan": the agent holds the position and the
            # passive subject is its target, whichever comes first in the parse.
            agent = next((c for c in verb.children if c.dep_ == L.agent), None)
            if agent is not None and (obj := next((g for g in agent.children if g.dep_ == L.pobj), None)) is not None:
                return obj
            for child in verb.children:
                if child.dep_ in L.subjects:
                    return child
            if verb.dep_ == L.relcl:  # "Russia, which suspended ..."
                return verb.head
        # A non-finite verb ("balancing", "supplying", "distancing") takes the subject of the
        # nearest verb above it that has one.
        if cue.tag_ in L.nonfinite_tags:
            for up in cue.ancestors:
                if up.pos_ in VERBAL and any(c.dep_ in L.subjects for c in up.children):
                    return next(c for c in up.children if c.dep_ in L.subjects)
        return None

    def clause_subject(self, verb: Token) -> Optional[Token]:
        """The verb's own nominal subject, active or passive."""
        return next((c for c in verb.children if c.dep_ in (self.labels.nsubj, self.labels.nsubjpass)), None)

    def doer_named(self, cue: Token, tok2ent: dict) -> bool:
        """A nominal cue whose doer is a state modifying it: "Russia's attack", "the Russian invasion"."""
        return any(t.i in tok2ent for c in cue.children if c.dep_ in self.labels.modifiers for t in c.subtree)

    def in_object(self, noun: Token, cue: Token) -> bool:
        """Is ``noun`` inside the cue's object phrase (not in a clause of its own beside it)?"""
        L = self.labels
        for up in [noun, *noun.ancestors]:
            if up.head.i == cue.i:
                return up.dep_ in (L.dobj, L.prep, L.pobj, L.attr, L.conj, L.appos)
            if up.dep_ not in (L.dobj, L.pobj, L.prep, L.conj, L.appos, L.acl, L.relcl, L.compound, L.amod):
                return False
        return False

    def object_of(self, noun: Token, cue: Token) -> bool:
        """Is ``noun`` the cue itself, its direct object or the object of its own preposition?"""
        L = self.labels
        if noun.i == cue.i or (noun.head.i == cue.i and noun.dep_ in (L.dobj, L.attr)):
            return True
        return noun.dep_ == L.pobj and noun.head.head.i == cue.i
