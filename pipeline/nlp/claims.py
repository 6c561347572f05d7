"""Stage 6: claim and stance rows from parsed sentences and linked entities.

A rule-based annotator built on spaCy's parse and a ``Matcher`` over a cue lexicon kept as
data (``data/stance_cues.jsonl``). For each cue in a sentence it finds:

- the *anchor*: the cue itself when it is a verb, else the verb that governs it
  ("expressed support", "maintains a neutral status");
- the *actor*: the countries named in the anchor's subject (or passive agent), walking up
  through ``xcomp``/``conj`` ("Tokayev declined to accept"), out of reported speech
  ("Kamilov stated that his country recognises"), and to the last named actor for pronouns;
  groups expand to their members;
- the *target*: the linked country nearest to the cue in the tree outside the subject, or
  for war positions with no country named (neutrality, recognising the LNR) the configured
  party to the war (``Settings.war_party``);
- the *stance*: the cue's stance, flipped once per negation in scope (``not``/``never`` on the
  cue or on verbs above it, and negator verbs such as "refuse", "decline").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

import pipeline
from pipeline.records import Claim

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
CHAIN = {"xcomp", "conj", "aux", "auxpass"}  # the cue shares its clause's subject and negation
HYPOTHETICAL = {"could", "might", "may", "should", "would"}
SINGULAR_PRONOUNS = {"it", "its", "country", "government", "we", "our"}  # "we" speaks for the quoted state
PLURAL_PRONOUNS = {"they", "their"}
PERSON_PRONOUNS = {"he", "she", "his", "her"}
# Subject heads whose "of"/"in" modifier names the state they belong to ("the court in Uralsk, Kazakhstan").
STATE_NOUNS = {"government", "ministry", "authority", "leadership", "elite", "president", "minister", "court",
               "parliament", "representative", "official", "leader", "presidency", "administration", "army",
               "embassy", "ambassador", "envoy", "delegation", "regime", "state"}
# Cues inside these are background (dependence), not acts (GUIDELINES.md §1).
BACKGROUND = {"dependent", "dependence", "depend", "difficult"}
RECEIVE = {"receive", "get", "obtain"}
NONFINITE = {"VBG", "VB", "VBN"}
FLIP = {"support": "oppose", "oppose": "support", "neutral": "neutral"}


@dataclass(frozen=True)
class Cue:
    lemmas: tuple[str, ...]
    stance: Optional[str]
    negated: Optional[str]
    topic: str
    negator: bool = False
    war_default: bool = False
    prep: tuple = ()
    pos: tuple = ()
    experiencer: bool = False  # "X was irritated by Y": the passive subject holds the stance toward the agent


def load_cues(path: str | Path) -> list[Cue]:
    cues = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cues.append(Cue(tuple(row["lemmas"]), row["stance"], row["negated"], row["topic"],
                            row.get("negator", False), row.get("war_default", False),
                            tuple(sorted(row.get("prep", {}).items())), tuple(row.get("pos", ())),
                            row.get("experiencer", False)))
    return cues


def _chain_up(token: Token):
    """The cue token and the verbs above it that share its subject."""
    yield token
    while token.dep_ in CHAIN and token.head is not token:
        token = token.head
        yield token


def _anchor(token: Token) -> Token:
    """The verb that carries a nominal or adjectival cue."""
    steps = 0
    while token.pos_ not in ("VERB", "AUX") and token.head is not token and steps < 4:
        token = token.head
        steps += 1
    return token


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a] + list(a.ancestors)
    up_b = [b] + list(b.ancestors)
    common = next((t for t in up_a if t in up_b), None)
    if common is None:
        return 99
    return up_a.index(common) + up_b.index(common)


class ClaimAnnotator:
    name = "rules"

    def __init__(self, settings):
        self.settings = settings
        self.cues = load_cues(settings.cues_path)
        topic_data = json.loads(Path(settings.topics_path).read_text(encoding="utf-8"))
        self.topic_keywords = {k: set(v) for k, v in topic_data.items() if not k.startswith("_")}
        digest = hashlib.sha256(Path(settings.cues_path).read_bytes()).hexdigest()[:8]
        self.annotator = f"pipeline.claims/{pipeline.__version__}+cues:{digest}"
        self._matcher = None
        self._by_word: dict[str, Cue] = {}
        self._last_actor: dict[str, list] = {}

    def matcher(self, doc: Doc) -> Matcher:
        # Two set-membership patterns find every cue word in one pass; ``_cue_for`` then says
        # which cue it is (one pattern per cue made matching the slowest part of the pipeline).
        if self._matcher is None:
            self._by_word = {}
            for cue in self.cues:
                for lemma in cue.lemmas:
                    self._by_word.setdefault(lemma, cue)
            words = sorted(self._by_word)
            self._matcher = Matcher(doc.vocab)
            self._matcher.add("CUE", [[{"LEMMA": {"IN": words}}], [{"LOWER": {"IN": words}}]])
        return self._matcher

    def _cue_for(self, token: Token) -> Optional[Cue]:
        cue = self._by_word.get(token.lemma_.lower()) or self._by_word.get(token.lower_)
        if cue is None or (cue.pos and token.pos_ not in cue.pos):
            return None
        return cue

    # --- the pieces -----------------------------------------------------------------
    def _countries_in(self, tokens, tok2ent) -> list[tuple[Token, dict]]:
        seen, out = set(), []
        for t in tokens:
            ent = tok2ent.get(t.i)
            if ent and ent["ent_id"] not in seen:
                seen.add(ent["ent_id"])
                out.append((t, ent))
        return out

    def _subject(self, cue: Token) -> Optional[Token]:
        for verb in _chain_up(cue):
            for child in verb.children:
                if child.dep_ in SUBJECTS:
                    return child
                if child.dep_ == "agent":  # passive: "was supported by X"
                    return next((g for g in child.children if g.dep_ == "pobj"), None)
            if verb.dep_ == "relcl":  # "Russia, which suspended ..."
                return verb.head
        # A non-finite verb ("balancing", "supplying", "distancing") takes the subject of the
        # nearest verb above it that has one.
        if cue.tag_ in NONFINITE:
            for up in cue.ancestors:
                if up.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECTS for c in up.children):
                    return next(c for c in up.children if c.dep_ in SUBJECTS)
        return None

    def _actor(self, cue: Token, tok2ent, doc_key: str):
        subject = self._subject(cue)
        if subject is not None:
            core = [t for t in subject.subtree if not any(a.dep_ == "prep" and a in subject.subtree and a is not subject
                                                         for a in t.ancestors)]
            found = self._countries_in(core, tok2ent)
            if not found and subject.lemma_.lower() in STATE_NOUNS:
                found = self._countries_in(subject.subtree, tok2ent)
            singles = [f for f in found if f[1]["kb_type"] != "group"]
            if len(singles) >= 2:  # "Three Central Asian countries — Kazakhstan, Kyrgyzstan, Tajikistan"
                found = singles
            if found:
                return subject, found, "subject"
            # Reported speech: "Kamilov stated that his country recognises ..."
            verb = next((v for v in _chain_up(cue) if v.dep_ == "ccomp"), None)
            if verb is not None:
                outer = self._subject(verb.head)
                if outer is not None and (found := self._countries_in(outer.subtree, tok2ent)):
                    return subject, found, "reported"
            resolved = self._resolve_pronoun(subject, tok2ent, doc_key)
            if resolved:
                return subject, resolved, "pronoun"
        return subject, [], None

    def _resolve_pronoun(self, subject: Token, tok2ent, doc_key: str):
        """'it'/'the country' -> one country, 'they' -> a group or several, 'he' -> a person's
        country: the nearest earlier subject in the sentence, else the last named actor."""
        words = {t.lower_ for t in subject.subtree} if subject.pos_ != "PRON" else {subject.lower_}
        if words & SINGULAR_PRONOUNS and len(words) <= 3:
            fits = lambda found: len({c for _, e in found for c in e["countries"]}) == 1 and found[0][1]["label"] != "PERSON"
        elif words & PLURAL_PRONOUNS and len(words) <= 2:
            fits = lambda found: len({c for _, e in found for c in e["countries"]}) > 1
        elif words & PERSON_PRONOUNS and len(words) <= 2:
            fits = lambda found: found[0][1]["label"] == "PERSON"
        else:
            return []
        earlier = [t for t in subject.sent if t.i < subject.i and t.dep_ in SUBJECTS]
        for t in reversed(earlier):
            found = self._countries_in(t.subtree, tok2ent)
            if found and fits(found):
                return found
        last = self._last_actor.get(doc_key)
        return last if last and fits(last) else []

    def _targets(self, cue: Token, anchor: Token, subject: Optional[Token], actor_codes: set, tok2ent, entry: Cue):
        excluded = set(subject.subtree) if subject is not None else set()
        scope = [t for t in anchor.subtree if t not in excluded]
        candidates = [(tok, ent) for tok, ent in self._countries_in(scope, tok2ent)
                      if set(ent["countries"]) - actor_codes]
        if not candidates:
            return []
        if entry.stance == "neutral" and entry.war_default:  # neutrality is toward the war (§3)
            war = [c for c in candidates if self.settings.war_party in c[1]["countries"]]
            candidates = war or candidates
        nearest_tok, nearest = min(candidates, key=lambda c: (_tree_distance(cue, c[0]), c[0].i))
        chosen = [(nearest_tok, nearest)]
        # Coordinated targets: "co-operation with Russia and Ukraine".
        chosen += [(tok, ent) for tok, ent in candidates
                   if ent is not nearest and tok.dep_ == "conj" and tok.head.i == nearest_tok.i]
        return chosen

    def _is_negator(self, token: Token) -> bool:
        return any(token.lemma_ in c.lemmas for c in self.cues if c.negator)

    def _negations(self, cue: Token) -> tuple[int, Optional[Token]]:
        count, negator = 0, None
        for verb in _chain_up(cue):
            count += sum(1 for c in verb.children if c.dep_ == "neg" or c.lower_ in ("never", "no longer"))
            if verb is not cue and self._is_negator(verb):
                count += 1
                negator = verb
        return count, negator

    def _topic(self, entry: Cue, sent) -> str:
        if entry.topic in ("recognition", "symbolic"):
            return entry.topic
        lemmas = {t.lemma_.lower() for t in sent}
        for topic, words in self.topic_keywords.items():
            if lemmas & words:
                return topic
        return entry.topic

    # --- the component --------------------------------------------------------------
    def _skip(self, cue: Token, anchor: Token, entry: Cue) -> bool:
        if cue.ent_type_ or cue.dep_ in ("prep", "mark", "cc"):  # "Shanghai Cooperation Organisation", "thanks to"
            return True
        if anchor.lemma_ == "be" and entry.stance != "neutral":
            return True  # "X is Y's ally": a copula states background, not an act
        path = [cue] + list(cue.ancestors)[:3]
        if any(t.lemma_.lower() in BACKGROUND for p in path for t in [p, *p.children]):
            return True
        return any(c.lower_ in HYPOTHETICAL for v in _chain_up(anchor) for c in v.children if c.dep_ == "aux")

    def _sentence_claims(self, doc_id, sent, cue_tokens, negator_of, tok2ent, sent_rec) -> list[Claim]:
        claims: list[Claim] = []
        doc = sent.doc
        for i in sorted(k for k in cue_tokens if sent.start <= k < sent.end):
            entry, cue = cue_tokens[i], doc[i]
            if i in negator_of or i in tok2ent:
                continue
            anchor = _anchor(cue)
            if self._skip(cue, anchor, entry):
                continue
            verbal = cue.pos_ in ("VERB", "AUX")
            n_neg, _ = self._negations(cue if verbal else anchor)
            if not verbal and (self._is_negator(anchor) or any(self._is_negator(c) for c in cue.children)):
                n_neg += 1  # "circumvent sanctions" (also when parsed as a modifier of the noun)
            stance = entry.stance if n_neg % 2 == 0 else entry.negated
            for child in cue.children:
                if child.dep_ == "prep" and dict(entry.prep).get(child.lower_):
                    stance = dict(entry.prep)[child.lower_]
            if stance is None:
                continue
            # A country modifying a nominal cue is its actor: "Chinese aid", "Russia's pressure".
            modifier = [] if verbal else self._countries_in(
                [t for c in cue.children if c.dep_ in ("amod", "poss", "compound") for t in c.subtree], tok2ent)
            subject, actors, how = self._actor(cue if verbal else anchor, tok2ent, doc_id)
            receivers = None
            if entry.experiencer:
                passive = any(c.dep_ == "nsubjpass" for c in cue.children) or any(c.dep_ == "auxpass" for c in cue.children)
                agent = [t for c in cue.children if c.dep_ == "agent" for t in c.subtree]
                if not passive or not agent:
                    continue
                subj = next((c for c in cue.children if c.dep_ in SUBJECTS), None)
                found = self._countries_in(subj.subtree, tok2ent) if subj is not None else []
                actors, receivers = found, self._countries_in(agent, tok2ent)
                subject, how = subj, "subject"
                if not actors or not receivers:
                    continue
            elif modifier:
                subject, actors, how = None, modifier, "modifier"
            elif anchor.lemma_ in RECEIVE:  # "Turkmenistan receives loans from Russia": giver acts on receiver
                giver = [t for c in anchor.children if c.dep_ == "prep" and c.lower_ == "from" for t in c.subtree]
                givers = self._countries_in(giver, tok2ent)
                if not givers or not actors:
                    continue
                subject, actors, receivers = None, givers, actors
            if not actors:
                continue
            actor_codes = {c for _, e in actors for c in e["countries"]}
            if receivers is not None:
                targets = receivers
            else:
                targets = self._targets(cue, anchor, subject, actor_codes, tok2ent, entry)
                if modifier:  # "Russia's pressure on Kazakhstan": the target sits in the cue's own phrase
                    own = {x for c in cue.children if c.dep_ == "prep" for x in c.subtree}
                    targets = [t for t in targets if t[0] in own]
                    if not targets:
                        continue
            target_codes = sorted({c for _, e in targets for c in e["countries"]} - actor_codes)
            confidence = 0.8 - (0.2 if how not in ("subject", "modifier") else 0.0)
            if not target_codes and entry.war_default and self.settings.war_party not in actor_codes:
                target_codes = [self.settings.war_party]
                confidence -= 0.2
            if not target_codes:
                continue
            claim_id = f"{sent_rec.sent_id}:c{len({c.claim_id for c in claims}) + 1}"
            topic = self._topic(entry, sent)
            for actor in sorted(actor_codes):
                for target in target_codes:
                    if any(c.actor == actor and c.target == target and c.stance == stance for c in claims):
                        continue
                    claims.append(Claim(
                        doc_id, claim_id, sent_rec.sent_id, sent_rec.start, sent_rec.end, sent_rec.text, actor,
                        [e["ent_id"] for _, e in actors if actor in e["countries"]], target,
                        [e["ent_id"] for _, e in targets if target in e["countries"]], stance, topic,
                        list(sent_rec.footnotes), self.annotator, round(confidence, 2), cue.text, n_neg % 2 == 1,
                    ))
        return claims

    def start_document(self, doc_id: str) -> None:
        """Forget pronoun antecedents from any earlier run over the same document."""
        self._last_actor.clear()

    def _remember_actor(self, doc_id: str, sent, tok2ent) -> None:
        """Keep the last named actor for pronoun subjects in later sentences."""
        # The main clause's subject, else the first subject that names a country (the root can
        # sit in a parenthesis: "X supplies Y (this is relevant for A)").
        subjects = [t for t in sent.root.children if t.dep_ in SUBJECTS] + [t for t in sent if t.dep_ in SUBJECTS]
        found = next((f for t in subjects if (f := self._countries_in(t.subtree, tok2ent))), None)
        # Keep entity records only: a Token would keep its Doc alive past the memory zone.
        if found:
            self._last_actor[doc_id] = [(None, e) for _, e in found]
        elif (found := self._countries_in(sent, tok2ent)) and len(found) == 1 and len(sent) <= 3:
            self._last_actor[doc_id] = [(None, e) for _, e in found]  # a heading naming a country opens its section

    def __call__(self, doc_id: str, doc: Doc, base: int, text: str, sentences, entities, token_sent) -> list[Claim]:
        by_offset = {(e.start, e.end): e.__dict__ for e in entities}
        tok2ent = {}
        for span in doc.ents:
            ent = by_offset.get((base + span.start_char, base + span.end_char))
            if ent and ent["countries"]:
                for t in span:
                    tok2ent[t.i] = ent
        cue_tokens = {}
        for _, start, _ in self.matcher(doc)(doc):
            if (cue := self._cue_for(doc[start])) is not None:
                cue_tokens[start] = cue
        negator_of = {}
        for i in cue_tokens:
            cue = doc[i]
            verbal = cue.pos_ in ("VERB", "AUX")
            _, neg = self._negations(cue if verbal else _anchor(cue))
            inner = [c for c in cue.children if self._is_negator(c)] if not verbal else []
            if not verbal and self._is_negator(_anchor(cue)):
                neg = _anchor(cue)  # "circumvent sanctions", "declined support"
            elif inner:
                neg = inner[0]
            if neg is not None:
                negator_of[neg.i] = i  # the negator's own row is replaced by the inner cue's
        sent_by_id = {s.sent_id: s for s in sentences}
        claims: list[Claim] = []
        for sent in doc.sents:
            claims += self._sentence_claims(doc_id, sent, cue_tokens, negator_of, tok2ent,
                                            sent_by_id[token_sent[sent.start]])
            self._remember_actor(doc_id, sent, tok2ent)
        return claims
