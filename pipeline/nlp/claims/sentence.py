"""The claim rows of one sentence: for each cue, its polarity, actor and targets, put together
from the parts (``polarity``, ``actors``, ``targets``, ``wrongs``), then the rows only a
statement has (``statement_rules``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from spacy.tokens import Span, Token

from pipeline.nlp.claims.aggression import Aggression
from pipeline.nlp.claims.cues import Cue
from pipeline.nlp.claims.doc_words import DocWords
from pipeline.nlp.claims.parse import VERBAL, countries_in
from pipeline.nlp.claims.polarity import FLIP
from pipeline.nlp.claims.rows import party
from pipeline.nlp.claims.targets import Targets
from pipeline.nlp.claims.toolkit import StatementInput, Toolkit
from pipeline.nlp.claims.wrongs import Wrongs


@dataclass
class Reading:
    """One cue of the sentence as it is read, step by step."""

    cue: Token
    entry: Cue
    anchor: Token
    verbal: bool
    n_neg: int = 0
    stance: Optional[str] = None
    respect_borders: bool = False
    modifier: list = field(default_factory=list)
    subject: Optional[Token] = None
    actors: list = field(default_factory=list)
    how: Optional[str] = None
    receivers: Optional[list] = None
    actor_codes: set = field(default_factory=set)
    targets: list = field(default_factory=list)
    turned: dict = field(default_factory=dict)  # the stance toward a target where it differs from the cue's


@dataclass
class Scope:
    """What the rules know of the sentence being read."""

    sent: Span
    cue_tokens: dict[int, Cue]
    negator_of: dict[int, int]
    tok2ent: dict
    last_actor: Optional[list]
    speaker: Optional[list]
    words: DocWords
    claims: list = field(default_factory=list)
    acts: list = field(default_factory=list)  # oppose rows and their cues, for the speaker's accusations


class SentenceRules:
    def __init__(self, tools: Toolkit, polarity, wrongs: Wrongs, aggression: Aggression, targets: Targets, rules):
        self.tools = tools
        self.lex = tools.lex
        self.labels = tools.labels
        self.parse = tools.parse
        self.actors = tools.actors
        self.cues = tools.cues
        self.war = tools.war
        self.polarity = polarity
        self.wrongs = wrongs
        self.aggression = aggression
        self.targets = targets
        self.statement_rules: list[Callable[[StatementInput], list[dict]]] = rules

    def claims(self, scope: Scope) -> list[dict]:
        doc = scope.sent.doc
        steps = (self._read, self._polarity, self._actor, self._targets, self._turn)
        for i in sorted(k for k in scope.cue_tokens if scope.sent.start <= k < scope.sent.end):
            if i in scope.negator_of or i in scope.tok2ent:
                continue
            cue = doc[i]
            r = Reading(cue, scope.cue_tokens[i], self.parse.anchor(cue), cue.pos_ in VERBAL)
            if all(step(scope, r) for step in steps):
                self._emit(scope, r)
        if scope.speaker:
            self._statement_rows(scope)
        return scope.claims

    def _read(self, scope: Scope, r: Reading) -> bool:
        """Is the cue a position here at all?"""
        cue, anchor, entry = r.cue, r.anchor, r.entry
        if self.polarity.skip(cue, anchor, entry):
            return False
        if (
            cue.pos_ == "NOUN"
            and anchor.i in scope.cue_tokens
            and anchor.i != cue.i
            and not self.cues.is_negator(anchor)
            and not self.parse.doer_named(cue, scope.tok2ent)
            and cue.lemma_.lower() not in self.lex.sanction_nouns  # its own rules below
        ):
            return False  # "we condemn the attacks against Israel": not the condemner's act; the verb's row says it
        if entry.needs and not any(t.lemma_.lower() in entry.needs for t in anchor.subtree):
            return False  # "took part in the voting", not "part of Russia"
        return True

    def _polarity(self, scope: Scope, r: Reading) -> bool:
        """The cue's stance after negation, complements and vote prepositions."""
        cue, anchor, entry = r.cue, r.anchor, r.entry
        doer_named = not r.verbal and self.parse.doer_named(cue, scope.tok2ent)
        r.n_neg, _ = self.polarity.negations(cue if r.verbal or doer_named else anchor)
        if (
            not r.verbal
            and not doer_named
            and (self.cues.is_negator(anchor) or any(self.cues.is_negator(c) for c in cue.children))
        ):
            r.n_neg += 1  # "circumvent sanctions" (also when parsed as a modifier of the noun)
        positive, negative = entry.stance, entry.negated
        # The complement can turn a cue: "recognise Russia as a state sponsor of terrorism",
        # "demand respect for internationally recognized borders" (toward the party violating them).
        complement = self.polarity.complement(cue)
        r.respect_borders = complement == "borders"
        if complement in ("negative", "borders"):
            positive, negative = "oppose", "support"
        r.stance = positive if r.n_neg % 2 == 0 else negative
        for child in cue.children:
            r.stance = self._preposition(scope, r, child, r.stance)
        return r.stance is not None

    def _preposition(self, scope: Scope, r: Reading, child: Token, stance: Optional[str]) -> Optional[str]:
        """The stance a cue's preposition gives it: "voted in favour of", "voted against"."""
        L = self.labels
        word = child.lower_
        if (
            child.dep_ == L.prep
            and word == "in"
            and any(g.lemma_.lower() in self.lex.favour_words for g in child.children if g.dep_ == L.pobj)
        ):
            word = "for"  # "voted in favour of"
        if child.dep_ in (L.prep, L.advmod, L.prt) and dict(r.entry.prep).get(word):
            stance = dict(r.entry.prep)[word]
            objects = [t for g in child.children if g.dep_ == L.pobj for t in g.subtree]
            # "voted against the resolution condemning Russia", "the rest voted against": a
            # vote on a resolution, which is a position toward the state it condemns.
            obj_heads = [g for g in child.children if g.dep_ == L.pobj]
            vote_on_resolution = r.cue.lemma_.lower() in self.lex.vote_nouns and (
                not obj_heads
                or not any(t.i in scope.tok2ent for t in obj_heads[0:1])
                or any(t.lemma_.lower() in self.lex.vote_nouns for t in objects)
            )
            if vote_on_resolution and stance in FLIP:
                stance = FLIP[stance]
        return stance

    def _modifier(self, scope: Scope, r: Reading) -> list:
        """A country modifying a nominal cue is its actor: "Chinese aid", "Russia's pressure"; in a
        statement, "our support for Ukraine", "my Government's condemnation of …"."""
        if r.verbal:
            return []
        cue = r.cue
        found = countries_in(
            [t for c in cue.children if c.dep_ in self.labels.modifiers for t in c.subtree], scope.tok2ent
        )
        if (
            not found
            and scope.speaker
            and any(
                c.dep_ == self.labels.poss
                and (c.lower_ in self.lex.first_person_determiners or self.actors.first_person(c))
                for c in cue.children
            )
        ):
            return scope.speaker
        return found

    def _actor(self, scope: Scope, r: Reading) -> bool:
        cue, anchor = r.cue, r.anchor
        r.modifier = self._modifier(scope, r)
        r.subject, r.actors, r.how = self.actors.actor(
            cue if r.verbal else anchor, scope.tok2ent, scope.last_actor, scope.speaker
        )
        if r.entry.experiencer:
            if not self._experiencer(scope, r):
                return False
        elif r.modifier:
            r.subject, r.actors, r.how = None, r.modifier, "modifier"
        elif anchor.lemma_ in self.lex.receive:  # "Turkmenistan receives loans from Russia": giver acts on receiver
            L = self.labels
            giver = [t for c in anchor.children if c.dep_ == L.prep and c.lower_ == "from" for t in c.subtree]
            givers = countries_in(giver, scope.tok2ent)
            if not givers or not r.actors:
                return False
            r.subject, r.actors, r.receivers = None, givers, r.actors
        if not r.actors:
            return False
        r.actor_codes = {c for _, e in r.actors for c in e["countries"]}
        return True

    def _experiencer(self, scope: Scope, r: Reading) -> bool:
        """ "X was irritated by Y": the passive subject holds the stance toward the agent."""
        L, cue = self.labels, r.cue
        passive = any(c.dep_ == L.nsubjpass for c in cue.children) or any(c.dep_ == L.auxpass for c in cue.children)
        agent = [t for c in cue.children if c.dep_ == L.agent for t in c.subtree]
        if not passive or not agent:
            return False
        subj = next((c for c in cue.children if c.dep_ in L.subjects), None)
        found = countries_in(subj.subtree, scope.tok2ent) if subj is not None else []
        r.actors, r.receivers = found, countries_in(agent, scope.tok2ent)
        r.subject, r.how = subj, "subject"
        return bool(r.actors and r.receivers)

    def _targets(self, scope: Scope, r: Reading) -> bool:
        if r.receivers is not None:
            targets = r.receivers
        else:
            targets = self.targets.find(scope.sent, r.cue, r.anchor, r.subject, r.actor_codes, scope.tok2ent, r.entry)
            if r.modifier and r.modifier is not scope.speaker:  # "Russia's pressure on Kazakhstan": the
                # target sits in the cue's own phrase ("we extend our condolences to Morocco" has it in the verb's)
                own = {x for c in r.cue.children if c.dep_ == self.labels.prep for x in c.subtree}
                targets = [t for t in targets if t[0] is None or t[0] in own]
                if not targets:
                    return False
        # "Mr. Dennis Francis of Trinidad and Tobago": where a person comes from is not the target
        targets = [t for t in targets if not self.wrongs.origin(t[0], scope.tok2ent)]
        if scope.speaker:
            # In a statement a region or group named as the object ("our brothers and sisters in
            # Latin America", "the permanent members") is rarely a position toward each member
            # (GUIDELINES §2.3): the statements' coders expanded 19 of 910 dev rows.
            targets = [t for t in targets if t[1]["kb_type"] != "group"]
        if r.respect_borders:  # the borders are the victim's; the position is toward the violator
            violator = self.war.party(scope.sent)
            targets = [(None, party(violator))] if violator is not None else []
        r.targets = targets
        return True

    def _turn(self, scope: Scope, r: Reading) -> bool:
        """Where a wrong or a punishment in the cue's phrase turns the stance toward a target."""
        cue, entry, tok2ent = r.cue, r.entry, scope.tok2ent
        punitive = r.how != "modifier" and self.wrongs.punitive(cue)
        reversal = self.wrongs.reversal(cue, r.anchor) if punitive else None
        if reversal is None and punitive and r.n_neg % 2 == 1:
            reversal = r.anchor  # "we reject the sanctions", "lift the embargo"
        if reversal is not None:
            # The actor opposes the punishment ("calls for the lifting of the embargo imposed by the
            # United States on Cuba"): it backs every state punished and opposes the one imposing it.
            r.stance = "support"
            r.targets = self.wrongs.punished(reversal, r.subject, r.actor_codes, tok2ent) or r.targets
            for tok, ent in r.targets:
                if self.wrongs.punishment(tok, tok2ent)[0] == "imposer":
                    r.turned.update((c, "oppose") for c in ent["countries"])
        elif (
            cue.lemma_.lower() in self.lex.sanction_nouns
            and r.how not in ("modifier", None)
            and r.anchor.lemma_.lower() not in self.lex.imposing_verbs
        ):
            return False  # "solidarity with Cuba over 62 years of blockade": a punishment the actor does not impose
        elif r.stance == "oppose" and entry.stance == "oppose" and entry.topic == "diplomacy":
            # Opposing a punishment backs its object: "we condemn the sanctions against Venezuela".
            # Opposing a wrong done to a state backs it: "we condemn the violation of the territorial
            # integrity of Ukraine", "the attacks against Israel".
            for tok, ent in r.targets:
                role, noun = self.wrongs.punishment(tok, tok2ent)
                if role == "object" and noun is not None and noun.i != cue.i and self.parse.in_object(noun, cue):
                    r.turned.update((c, "support") for c in ent["countries"])
                elif self.wrongs.victim(tok, cue, tok2ent):
                    r.turned.update((c, "support") for c in ent["countries"])
        if r.stance == "support" and entry.stance == "support":  # a support cue, not a vote or a negated oppose
            self._backing(scope, r)
        return True

    def _backing(self, scope: Scope, r: Reading) -> None:
        """Backing what goes on between the two sides of the war ("the deal brokered between
        Ukraine and Russia") balances them: one neutral row toward the war party (§4.3); backing
        "the investigation of Russia's crimes" opposes Russia."""
        cue, tok2ent, war_party = r.cue, scope.tok2ent, self.war.party(scope.sent)
        related = [(t, self.wrongs.between(t[0], cue, tok2ent)) for t in r.targets]
        if any(rel == "effort" and war_party in t[1]["countries"] for t, rel in related):
            r.turned[war_party] = "neutral"
            related = [(t, rel) for t, rel in related if rel != "effort" or war_party in t[1]["countries"]]
        r.targets = [t for t, rel in related if rel != "cue"]  # "the partnership between A and B"
        for tok, ent in r.targets:
            if war_party not in r.turned and self.wrongs.wrongdoer(tok, cue, tok2ent):
                r.turned.update((c, "oppose") for c in ent["countries"])  # "support the investigation
                # of Russia's crimes"

    def _emit(self, scope: Scope, r: Reading) -> None:
        """The cue's rows, one per (actor, target)."""
        sent, entry, claims = scope.sent, r.entry, scope.claims
        target_codes = sorted({c for _, e in r.targets for c in e["countries"]} - r.actor_codes)
        confidence = 0.8 - (0.2 if r.how not in ("subject", "modifier", "speaker") else 0.0)
        if not target_codes and entry.war_default and self.targets.war_default(r.cue, entry, sent, r.stance or ""):
            # no party in reach: the conflict's (neutrality toward each side where the UN named none)
            named = self.war.party(sent)
            defaults = self.war.neutral_targets(sent) if r.stance == "neutral" else [named] if named else []
            if not r.actor_codes & set(defaults):
                target_codes = defaults
                confidence -= 0.2
        if not target_codes:
            self._targetless(scope, r)
            return
        claim_index = len({c["claim_index"] for c in claims}) + 1
        topic = self.cues.topic(entry, scope.words.lemma_set(sent))
        for actor in sorted(r.actor_codes):
            for target in target_codes:
                toward = r.turned.get(target, r.stance)
                if any(c["actor"] == actor and c["target"] == target and c["stance"] == toward for c in claims):
                    continue
                row = {
                    "claim_index": claim_index,
                    "actor": actor,
                    "actor_mentions": [e["key"] for _, e in r.actors if actor in e["countries"]],
                    "target": target,
                    "target_mentions": [e["key"] for _, e in r.targets if target in e["countries"]],
                    "stance": toward,
                    "topic": topic,
                    "confidence": round(confidence, 2),
                    "cue": r.cue.text,
                    "negated": r.n_neg % 2 == 1,
                    "expanded_from": expanded_from(r.actors, actor) or expanded_from(r.targets, target),
                }
                claims.append(row)
                scope.acts.append((r.cue, row))

    def _targetless(self, scope: Scope, r: Reading) -> None:
        """ "Russia invaded another sovereign country": no state to code, but the speaker of a
        statement who reports it opposes the doer (the statement rules)."""
        cue, entry = r.cue, r.entry
        if not (r.how == "subject" and cue.lemma_.lower() in self.lex.targetless_accusations and r.n_neg % 2 == 0):
            return
        for actor in sorted(r.actor_codes):
            act = {"actor": actor, "actor_mentions": [e["key"] for _, e in r.actors], "target": None}
            scope.acts.append((cue, {**act, "stance": "oppose", "topic": entry.topic}))
            victim = self.war.victim(scope.sent)
            if actor == self.war.party(scope.sent) and scope.speaker and victim:  # the war's victim (§7.4)
                row = {**act, "target": victim, "target_mentions": [], "stance": "oppose"}
                scope.claims.append(
                    {
                        **row,
                        "claim_index": len({c["claim_index"] for c in scope.claims}) + 1,
                        "topic": entry.topic,
                        "confidence": 0.4,
                        "cue": cue.text,
                        "negated": False,
                    }
                )

    def _statement_rows(self, scope: Scope) -> None:
        """The rows a statement's speaker implies (GUIDELINES §7): the acts it reports with
        aggression nouns, then each statement rule in turn."""
        assert scope.speaker is not None
        sent, tok2ent, claims = scope.sent, scope.tok2ent, scope.claims
        code = scope.speaker[0][1]["countries"][0]
        aggression = self.aggression.nouns(sent, tok2ent, scope.words)
        nouns = self.aggression.acts(sent, aggression, tok2ent, code)
        acts = scope.acts + nouns + self.aggression.wrongs(aggression)
        extra = [row for _, row in nouns]
        lemmas = scope.words.lemma_set(sent)
        for rule in self.statement_rules:
            extra += rule(StatementInput(sent, tok2ent, code, acts, [*claims, *extra], lemmas))
        for row in extra:
            # An explicit cue's row for the pair wins over an implied one ("we support Russia's war").
            if not any(c["actor"] == row["actor"] and c["target"] == row["target"] for c in claims):
                claims.append({"claim_index": len({c["claim_index"] for c in claims}) + 1, **row})


def expanded_from(mentions: list, code: str) -> Optional[str]:
    """The group a party was expanded from (GUIDELINES §2.3, §5.4): the entry of a group mention
    that stands for it, when no mention names it on its own."""
    naming = [e for _, e in mentions if code in e["countries"]]
    if not naming or any(e["kb_type"] != "group" for e in naming):
        return None
    return naming[0].get("entry")
