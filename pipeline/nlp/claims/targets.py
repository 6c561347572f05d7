"""Target resolution: the state a cue's position is toward. The linked country nearest to the
cue in the tree outside the subject (and its conjuncts), the invader for "the invasion of X", or,
for war positions with no country named, the party to the war."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.claims.aggression import Aggression
from pipeline.nlp.claims.conflict import WarContext
from pipeline.nlp.claims.cues import Cue
from pipeline.nlp.claims.parse import VERBAL, Parse, countries_in, tree_distance


class Targets:
    def __init__(self, parse: Parse, aggression: Aggression, war: WarContext):
        self.parse = parse
        self.labels = parse.labels
        self.aggression = aggression
        self.war = war
        self.lex = war.lex

    def find(
        self,
        sent: Span,
        cue: Token,
        anchor: Token,
        subject: Optional[Token],
        actor_codes: set,
        tok2ent: dict,
        entry: Cue,
    ) -> list:
        candidates = self._candidates(cue, anchor, subject, actor_codes, tok2ent)
        if not candidates:
            return []
        if entry.stance == "neutral" and entry.war_default:  # neutrality is toward the conflict's parties (§3.1)
            toward = set(self.war.neutral_targets(sent))
            war = [c for c in candidates if toward & set(c[1]["countries"])]
            candidates = war or candidates
        nearest_tok, nearest = min(candidates, key=lambda c: (tree_distance(cue, c[0]), c[0].i))
        chosen = [(nearest_tok, nearest)]
        # Coordinated targets: "co-operation with Russia and Ukraine".
        # Every conjunct, not only the first: "with Russia, China and Iran" (spaCy chains them).
        ent_tokens = lambda e: [doc_tok for i, x in tok2ent.items() if x is e for doc_tok in [cue.doc[i]]]
        conjuncts = {c.i for t in ent_tokens(nearest) for c in t.conjuncts}
        chosen += [
            (tok, ent)
            for tok, ent in candidates
            if ent is not nearest and any(t.i in conjuncts for t in ent_tokens(ent))
        ]
        # A stance toward "the invasion of Ukraine" is a stance toward the invader (GUIDELINES §3.1).
        noun = self.aggression.noun_of(nearest_tok)
        if noun is None:
            return chosen
        # also when the cue is the aggression noun ("cease its attacks on Ukraine")
        victims = {c for _, e in chosen for c in e["countries"]}
        invaders = [
            (t, e) for t, e in self.aggression.doers(noun, tok2ent) if set(e["countries"]) - victims - actor_codes
        ]
        if invaders:
            return invaders
        party = self.war.party(sent)
        if party in victims or party in actor_codes or self.war.victim(sent) not in victims:
            return chosen  # "the attacks against Israel" are not the war party's
        return [(noun, {"key": None, "countries": [party], "kb_type": "country", "label": "GPE"})]

    def _candidates(self, cue: Token, anchor: Token, subject: Optional[Token], actor_codes: set, tok2ent: dict):
        excluded = set(subject.subtree) if subject is not None else set()
        # Another conjunct's words are not this cue's: "impose sanctions and provide aid to Ukraine".
        for head in {cue.i: cue, anchor.i: anchor}.values():
            for c in head.children:
                if c.dep_ == self.labels.conj and cue not in c.subtree:
                    excluded.update(c.subtree)
        scope = [t for t in anchor.subtree if t not in excluded]
        # A group the actor belongs to is not its target ("Of the five Central Asian states, Kazakhstan
        # abstained"), nor an organisation that is only where a vote took place ("the UN vote").
        return [
            (tok, ent)
            for tok, ent in countries_in(scope, tok2ent)
            if set(ent["countries"]) - actor_codes
            and not (ent["kb_type"] == "group" and actor_codes & set(ent["countries"]))
            and not self._venue(tok, ent)
        ]

    def _venue(self, tok: Token, ent: dict) -> bool:
        """An organisation naming the vote it modifies: "the UN vote", "a General Assembly resolution"."""
        if ent["kb_type"] not in ("organisation", "organ") or ent["key"] is None:
            return False
        mention = tok.doc.char_span(*ent["key"])
        return mention is not None and any(
            t.dep_ == self.labels.compound
            and not mention.start <= t.head.i < mention.end
            and t.head.lemma_.lower() in self.lex.vote_nouns
            for t in mention
        )

    def war_default(self, cue: Token, entry: Cue, sent: Span, stance: str) -> bool:
        """May a cue with no country in reach default to the party to the war (GUIDELINES §3)?
        Not when it takes a clause ("we recognize that the challenges…": a judgement, not an act)."""
        L = self.labels
        if any(c.dep_ in (L.ccomp, L.mark) or c.lower_ == "that" for c in cue.children):
            return False
        own = list(cue.subtree if cue.pos_ in VERBAL else self.parse.anchor(cue).subtree)
        return self.war.allows_default(own, sent, entry.topic, stance)
