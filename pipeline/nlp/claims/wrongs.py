"""Wrongs and punishments inside a cue's phrase, which turn the stance toward a target: backing
"the investigation of Russia's crimes" opposes Russia, condemning "the sanctions against Cuba"
backs Cuba, "calling for the lifting of the embargo" opposes the state imposing it."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Token

from pipeline.nlp.claims.parse import Parse, countries_in
from pipeline.nlp.lexicon import Lexicon


class Wrongs:
    def __init__(self, parse: Parse, lexicon: Lexicon):
        self.parse = parse
        self.labels = parse.labels
        self.lex = lexicon

    def punitive(self, noun: Token) -> bool:
        """A punishment: "sanctions", "the embargo", "unilateral coercive measures"."""
        if noun.pos_ not in ("NOUN", "PROPN"):
            return False
        lemma = noun.lemma_.lower()
        if lemma in self.lex.punitive_nouns or noun.lower_ in self.lex.punitive_nouns:
            return True
        return lemma == "measure" and any(c.lower_ in self.lex.punitive_modifiers for c in noun.children)

    def harm(self, noun: Token) -> bool:
        """A wrong or a harm whose doer is blamed by backing what is done about it."""
        lemma = noun.lemma_.lower()
        return noun.pos_ in ("NOUN", "PROPN") and (lemma in self.lex.wrongdoing_nouns or lemma in self.lex.harm_nouns)

    def reversal(self, cue: Token, anchor: Token) -> Optional[Token]:
        """The word by which the punishment ``cue`` is ended or opposed ("the lifting of", "an end
        to", "condemn", "our opposition to"), up to the verb that carries it."""
        for up in cue.ancestors:
            if up.lemma_.lower() in self.lex.reversal_words or up.lower_ in self.lex.reversal_words:
                return up
            if up.i == anchor.i:
                # "put an end to the embargo"
                ends = [
                    c for c in up.children if c.dep_ == self.labels.dobj and c.lemma_.lower() in self.lex.reversal_words
                ]
                return up if ends else None
        return None

    def punishment(self, tok: Optional[Token], tok2ent: dict) -> tuple[Optional[str], Optional[Token]]:
        """("object", noun) where the mention is what a punishment is aimed at ("the embargo against
        Cuba", "sanctions imposed on Venezuela", "the blockade of Cuba"), ("imposer", noun) where it
        imposes it ("the embargo imposed by the United States", "United States sanctions")."""
        L = self.labels
        if tok is None or tok.i not in tok2ent:
            return None, None
        tok = self.parse.mention_head(tok, tok2ent)
        if tok.dep_ in (L.compound, L.poss) and tok.head.lemma_.lower() in self.lex.state_nouns:
            tok = tok.head  # "the United States Government"
        if tok.dep_ in L.modifiers and self.punitive(tok.head):
            return "imposer", tok.head
        if tok.dep_ != L.pobj:
            return None, None
        prep = tok.head
        while prep.dep_ == L.conj and prep.head.dep_ in (L.prep, L.agent):  # "against Nicaragua and against Cuba"
            prep = prep.head
        noun = prep.head
        if noun.pos_ == "VERB" and noun.dep_ in (L.acl, L.relcl):  # "the embargo imposed on Cuba"
            noun = noun.head
        if not self.punitive(noun):
            return None, None
        if prep.dep_ == L.agent or prep.lower_ == "by":
            return "imposer", noun
        if prep.lower_ in L.object_preps or prep.lower_ == "of":
            return "object", noun
        return None, None

    def punished(self, reversal: Token, subject: Optional[Token], actor_codes: set, tok2ent: dict) -> list:
        """The states an opposed punishment is aimed at or imposed by, in the phrase of the word that
        opposes it ("an end to the sanctions against Nicaragua and against Cuba", "the embargo on
        our neighbour, Cuba"); a group only where no state is named."""
        L = self.labels
        own = set(subject.subtree) if subject is not None else set()

        def aimed_at(tok: Token) -> bool:
            root = self.parse.mention_root(tok, tok2ent)
            while root.dep_ == L.appos and root.head.i != root.i:
                root = root.head
            return root.dep_ == L.pobj and root.head.lower_ in L.object_preps

        found = [
            (t, e)
            for t, e in countries_in([t for t in reversal.subtree if t not in own], tok2ent)
            if set(e["countries"]) - actor_codes and (self.punishment(t, tok2ent)[0] is not None or aimed_at(t))
        ]
        states = [(t, e) for t, e in found if e["kb_type"] != "group"]
        return states or found

    def wrongdoer(self, tok: Optional[Token], cue: Token, tok2ent: dict) -> bool:
        """Does the target stand as the doer of a wrong ("Russia's violations", "crimes by Russia")
        or the object of a punishment ("the indictment of Putin", "sanctions against Russia") inside
        the cue's phrase? Then backing that phrase opposes the target."""
        L = self.labels
        if tok is None:
            return False
        if tok2ent.get(tok.i) is None:  # the aggression noun that stood for the war party ("… the crime of aggression")
            return not self.parse.object_of(tok, cue)
        tok = self.parse.mention_root(tok, tok2ent)
        head = tok.head
        if tok.dep_ in L.modifiers:  # not "support Russia's war": the wrong is what is backed
            if head.lemma_.lower() in self.lex.wrongdoing_nouns and not self.parse.object_of(head, cue):
                return True
        elif tok.dep_ == L.pobj and head.dep_ in (L.prep, L.agent) and head.head.i != cue.i:
            noun = head.head
            if self.punitive(noun):  # "welcome the indictment of Putin"
                return self.reversal(noun, cue) is None  # not "support the lifting of the embargo on Cuba"
            if (
                head.lower_ == "by"
                and noun.lemma_.lower() in self.lex.wrongdoing_nouns
                and not self.parse.object_of(noun, cue)
            ):
                return True
        return self.wrong_above(tok, cue)  # also "against" on the cue: "stand in solidarity against Russia"

    def wrong_above(self, tok: Token, cue: Token) -> bool:
        """The same, further up the cue's phrase: "efforts to hold Russia to account", "the arrest
        warrants issued for Russia's President", "damage caused by Russian forces", "solidarity
        against Russia's aggression". A punishment's own doer ("sanctions imposed by the EU"), the
        place of what is investigated ("the situation in Ukraine") and a wrong's victim ("committed
        against Ukraine") are not its object."""
        L = self.labels
        anchor = self.parse.anchor(cue)
        for a in [tok, *tok.ancestors]:
            if a.dep_ == L.prep and a.lower_ == "against" and (a.head.i in (cue.i, anchor.i) or a.head.head.i == cue.i):
                return True  # backing something against the state, on the cue or its object
            if a.i in (cue.i, anchor.i):
                break
        if cue not in tok.ancestors:
            return False
        node, by, other_noun = tok, False, False
        while node.head.i not in (node.i, cue.i):
            parent = node.head
            by = by or (node.dep_ in (L.prep, L.agent) and node.lower_ == "by")
            found = self._wrong_step(node, parent, cue, by, other_noun)
            if found is not None:
                return found
            if parent.pos_ in ("NOUN", "PROPN") and parent.lemma_.lower() not in self.lex.state_nouns:
                other_noun = True  # "an investigation of the situation in Ukraine": the situation is its object
            node = parent
        return False

    def _wrong_step(self, node: Token, parent: Token, cue: Token, by: bool, other_noun: bool) -> Optional[bool]:
        """One step of ``wrong_above``: True or False when ``parent`` decides, else None."""
        L = self.labels
        lemma = parent.lemma_.lower()
        if by and self.harm(parent):
            return True
        if not by and not other_noun and node.dep_ in (L.prep, L.acl, L.dobj):
            if self.punitive(parent):
                return self.reversal(parent, cue) is None
            if parent.pos_ == "VERB" and lemma in self.lex.punitive_verbs:
                return True
        # "hold Russia accountable / to account" (also parsed as a clause "Russia to account")
        if (
            lemma == "hold"
            and node.dep_ in (L.dobj, L.ccomp, L.xcomp, L.oprd)
            and any(t.lemma_.lower() in self.lex.accountable_words for c in parent.children for t in c.subtree)
        ):
            return True
        if node.dep_ in L.subjects and lemma not in self.lex.accountable_words:
            # the doer in a relative clause of a wrong: "the damage that Russian forces caused"
            # says what "the damage caused by Russian forces" says
            return parent.dep_ == L.relcl and self.harm(parent.head)
        return None

    def victim(self, tok: Optional[Token], cue: Token, tok2ent: dict) -> bool:
        """Does the mention name the victim of a wrong inside the cue's phrase: "the attacks against
        Israel", "the invasion of Cyprus", "the violation of Ukraine's sovereignty / of the territorial
        integrity of Ukraine"?"""
        L = self.labels
        if tok is None or tok.i not in tok2ent:
            return False
        root = self.parse.mention_head(tok, tok2ent)
        node = root
        if root.dep_ == L.poss or (root.dep_ == L.pobj and root.head.lower_ == "of"):
            owned = root.head if root.dep_ == L.poss else root.head.head
            if owned.lemma_.lower() in self.lex.border_words or (
                owned.dep_ == L.pobj and owned.head.lower_ in L.victim_preps - {"in", "of"}
            ):  # the state's sovereignty, integrity, borders; "the attacks on Ukraine's energy grid"
                node = owned
        if node is root and not (root.dep_ == L.pobj and root.head.lower_ in L.victim_preps - {"in"}):
            return False
        wrong = node.head.head if node.dep_ == L.pobj else node.head
        if node is root and root.head.lower_ == "of":
            return False  # "the aggression of the Russian Federation": "of" may name the doer
        if (
            wrong.lemma_.lower() not in self.lex.wrongdoing_nouns
            and wrong.lemma_.lower() not in self.lex.violating_verbs
        ):
            return False
        return wrong.i != cue.i and self.parse.in_object(wrong, cue)

    def origin(self, tok: Optional[Token], tok2ent: dict) -> bool:
        """ "Mr. Dennis Francis of Trinidad and Tobago": where a person comes from."""
        if tok is None or tok.i not in tok2ent:
            return False
        root = self.parse.mention_head(tok, tok2ent)
        return (
            root.dep_ == self.labels.pobj
            and root.head.lower_ in ("of", "from")
            and root.head.head.ent_type_ == "PERSON"
        )

    def between(self, tok: Optional[Token], cue: Token, tok2ent: dict) -> Optional[str]:
        """ "cue" when the target is one of the states a cue noun relates ("the partnership between
        China and Russia"), "effort" when it is one party of what the cue backs ("welcome the deal
        between Ukraine and Russia"): neither is a position of the actor toward that state."""
        if tok is None or tok.i not in tok2ent:
            return None
        tok = self.parse.mention_root(tok, tok2ent)
        if tok.dep_ != self.labels.pobj or tok.head.lower_ != "between":
            return None
        return "cue" if tok.head.head.i == cue.i else "effort"
