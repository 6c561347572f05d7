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
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

import pipeline
from pipeline.io import read_jsonl
from pipeline.nlp import statements
from pipeline.nlp.markers import marker_labels
from pipeline.settings import DATA_DIR

SPAN_EXTENSIONS = (
    "actor",
    "target",
    "stance",
    "topic",
    "cue",
    "negated",
    "confidence",
    "footnotes",
    "actor_mentions",
    "target_mentions",
    "claim_index",
    "annotator",
)
# One sentence can hold several rows, and spaCy keys a span's extension values by its offsets
# alone; so each row lives in ``doc.user_data[ROWS][span.id]`` and the extensions read it there.
ROWS = "stance_corpus.claim_rows"


def _row_extension(name: str):
    def getter(span: Span):
        return span.doc.user_data.get(ROWS, {}).get(span.id, {}).get(name)

    def setter(span: Span, value) -> None:
        span.doc.user_data.setdefault(ROWS, {}).setdefault(span.id, {})[name] = value

    return getter, setter


for _name in SPAN_EXTENSIONS:
    if not Span.has_extension(_name):
        _get, _set = _row_extension(_name)
        Span.set_extension(_name, getter=_get, setter=_set)


def claim_span(doc: Doc, start: int, end: int, row: dict) -> Span:
    """A new claim span over tokens [start, end) carrying ``row`` (a new id, after every row of the doc)."""
    rows = doc.user_data.setdefault(ROWS, {})
    span = Span(doc, start, end, label=row["stance"], span_id=max(rows, default=-1) + 1)
    rows[span.id] = {k: row.get(k) for k in SPAN_EXTENSIONS}
    return span


if not Doc.has_extension("speaker"):
    # The state speaking in the first person (a statement's ISO3 code); None for articles.
    Doc.set_extension("speaker", default=None)

DATA_FILES = {"cues": "stance_cues.jsonl", "topics": "topic_keywords.json", "lexicon": "claim_lexicon.json"}

# Grammar (dependency labels and tags), not vocabulary: the word lists live in
# ``data/claim_lexicon.json`` and the cues in ``data/stance_cues.jsonl``.
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
CHAIN = {"xcomp", "conj", "aux", "auxpass"}  # the cue shares its clause's subject and negation
VICTIM_PREPS = {"of", "against", "on", "in"}
OBJECT_PREPS = {"against", "on", "upon"}  # what a punishment is aimed at
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
    needs: tuple = ()  # lemmas one of which must be in the cue's clause ("take part" only "in the voting")


def load_cues(path: str | Path) -> list[Cue]:
    return [
        Cue(
            lemmas=tuple(row["lemmas"]),
            stance=row["stance"],
            negated=row["negated"],
            topic=row["topic"],
            negator=row.get("negator", False),
            war_default=row.get("war_default", False),
            prep=tuple(sorted(row.get("prep", {}).items())),
            pos=tuple(row.get("pos", ())),
            experiencer=row.get("experiencer", False),
            needs=tuple(row.get("needs", ())),
        )
        for row in read_jsonl(path)
    ]


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``data/claim_lexicon.json``."""

    hypothetical: frozenset
    wish_verbs: frozenset  # "I would like to thank": a polite form, not a hypothesis
    idiom_objects: frozenset  # "seize this opportunity": the verb is no act toward a state
    singular_pronouns: frozenset  # "we" speaks for the quoted state
    plural_pronouns: frozenset
    person_pronouns: frozenset
    state_nouns: frozenset  # subject heads whose "of"/"in" modifier names their state
    background: frozenset  # cues inside these are background (dependence), not acts
    receive: frozenset
    first_person: frozenset  # pronouns that mean the speaking state in a statement
    first_person_determiners: frozenset
    speaker_nouns: frozenset  # "my country", "our Government", "my delegation"
    aggression_nouns: frozenset  # a stance toward "the invasion of X" is toward the invader
    war_context: frozenset  # words that put a recognition cue's sentence about the war
    negating_heads: frozenset  # "wary of endorsing", "refusal to recognise": the word above negates the cue
    no_determiners: frozenset  # "no country sided with", "had no intention of helping"
    negative_complements: frozenset  # "recognise X as a state sponsor of terrorism" turns support into oppose
    respect_words: frozenset  # "demand respect for internationally recognized borders"
    border_words: frozenset
    violating_verbs: frozenset  # "violating the sovereignty of Ukraine": a wrong done to the state
    rest_words: frozenset  # "the rest voted against": the group's members not named in the sentence
    vote_nouns: frozenset  # "did not take part in the voting"
    favour_words: frozenset  # "voted in favour of"
    # Statements (GUIDELINES §7; ``pipeline/nlp/statements.py``)
    accusation_acts: frozenset  # acts whose report makes the speaker oppose the doer
    speech_verbs: frozenset  # "Russia claims that …": what follows is not the speaker's account
    demand_verbs: frozenset  # "Russia must withdraw / be held accountable"
    demand_modals: frozenset
    war_party_nouns: frozenset  # "the aggressor" is the party to the war
    party_words: frozenset  # "both sides", "all parties"
    all_determiners: frozenset
    call_verbs: frozenset  # "we call on both sides to negotiate"
    peace_words: frozenset
    peace_backing_verbs: frozenset  # "we urge / support / call for a peaceful settlement"
    peace_process_words: frozenset  # talks, a settlement, a ceasefire: not "an end to the aggression"
    wrongdoing_nouns: frozenset  # "support the investigation of Russia's crimes" opposes Russia
    harm_nouns: frozenset  # "resolve the problems created by X": X is blamed, only as the doer
    punitive_nouns: frozenset
    punitive_modifiers: frozenset  # "unilateral coercive measures" are a punishment, "measures" alone are not
    imposing_verbs: frozenset  # "we imposed sanctions": the subject imposes the punishment
    sanction_nouns: frozenset  # ... which a sanction noun needs for its clause's subject to be its actor
    reversal_words: frozenset  # "call for the lifting of / an end to / condemn the embargo": the punishment is opposed
    recognition_objects: frozenset  # a positive recognition defaults to the war party only with these
    waging_verbs: frozenset  # "Russia has waged a war of aggression": the subject is the doer
    targetless_accusations: frozenset  # "Russia invaded another sovereign country": an act with no state named
    punitive_verbs: frozenset  # "support efforts to prosecute Russia / impose costs on Russia"
    accountable_words: frozenset  # "hold Russia to account / accountable"
    war_act_nouns: frozenset  # "Russia's invasion / aggression / war" is against the war's victim
    place_wars: (
        frozenset  # "the war / conflict against Ukraine" may be anyone's; "the invasion of Ukraine" is the war party's
    )
    dependence_verbs: frozenset  # "relying on Russian gas": dependence on goods is no position
    dependence_shares: frozenset  # "relying on Russia for most of our wheat"

    @classmethod
    def from_path(cls, path: str | Path) -> "Lexicon":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: frozenset(v) for k, v in data.items() if not k.startswith("_")})


def _chain_up(token: Token):
    """The cue token and the verbs above it that share its subject."""
    yield token
    while token.dep_ in CHAIN and token.head is not token:
        token = token.head
        yield token


def _mention_root(tok: Token, tok2ent) -> Token:
    """The syntactic root of the mention ``tok`` is in ("President Putin" -> "Putin"), climbing
    out of coordination ("Russia and Ukraine" -> "Russia")."""
    ent = tok2ent.get(tok.i)
    while ent is not None and tok.head.i != tok.i and tok2ent.get(tok.head.i) is ent:
        tok = tok.head
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


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


class ClaimRules:
    """Writes ``doc.spans[spans_key]``: one span per (claim, actor, target) row, the span being the
    claim's sentence, with the row in the span extensions (``SPAN_EXTENSIONS``). Nothing is kept
    between documents: pronoun antecedents live in one ``__call__``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "claim_rules",
        war_party: str = "RUS",
        spans_key: str = "claims",
        war_victim: str = "UKR",
    ):
        self.name = name
        self.vocab = nlp.vocab
        self.war_party = war_party
        self.war_victim = war_victim  # an aggression against it with no doer named is the war party's
        self.spans_key = spans_key
        self.paths: dict[str, Path] = {}
        self.cues: list[Cue] = []

    def initialize(
        self,
        get_examples=None,
        *,
        nlp: Language | None = None,
        cues_path: Optional[str] = None,
        topics_path: Optional[str] = None,
        lexicon_path: Optional[str] = None,
    ):
        given = {"cues": cues_path, "topics": topics_path, "lexicon": lexicon_path}
        self._load({k: Path(v) if v else DATA_DIR / DATA_FILES[k] for k, v in given.items()})

    def _load(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self.cues = load_cues(paths["cues"])
        topic_data = json.loads(paths["topics"].read_text(encoding="utf-8"))
        self.topic_keywords = {k: set(v) for k, v in topic_data.items() if not k.startswith("_")}
        self.lex = Lexicon.from_path(paths["lexicon"])
        digest = hashlib.sha256(paths["cues"].read_bytes()).hexdigest()[:8]
        self.annotator = f"pipeline.claims/{pipeline.__version__}+cues:{digest}"
        # Two set-membership patterns find every cue word in one pass; ``_cue_for`` then says
        # which cue it is (one pattern per cue made matching the slowest part of the pipeline).
        self._by_word: dict[str, Cue] = {}
        for cue in self.cues:
            for lemma in cue.lemmas:
                self._by_word.setdefault(lemma, cue)
        words = sorted(self._by_word)
        self.matcher = Matcher(self.vocab)
        self.matcher.add("CUE", [[{"LEMMA": {"IN": words}}], [{"LOWER": {"IN": words}}]])
        self._negators = {lemma for c in self.cues if c.negator for lemma in c.lemmas}

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for key, src in self.paths.items():
            shutil.copyfile(src, path / DATA_FILES[key])

    def from_disk(self, path, *, exclude=()):
        self._load({k: Path(path) / f for k, f in DATA_FILES.items()})
        return self

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
            if ent and ent["key"] not in seen:
                seen.add(ent["key"])
                out.append((t, ent))
        return out

    def _subject(self, cue: Token) -> Optional[Token]:
        for verb in _chain_up(cue):
            # Passive: "Russia was condemned by Kazakhstan": the agent holds the position and the
            # passive subject is its target, whichever comes first in the parse.
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is not None and (obj := next((g for g in agent.children if g.dep_ == "pobj"), None)) is not None:
                return obj
            for child in verb.children:
                if child.dep_ in SUBJECTS:
                    return child
            if verb.dep_ == "relcl":  # "Russia, which suspended ..."
                return verb.head
        # A non-finite verb ("balancing", "supplying", "distancing") takes the subject of the
        # nearest verb above it that has one.
        if cue.tag_ in NONFINITE:
            for up in cue.ancestors:
                if up.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECTS for c in up.children):
                    return next(c for c in up.children if c.dep_ in SUBJECTS)
        return None

    def _first_person(self, token: Token) -> bool:
        """'we', 'I', 'us', 'my country', 'our Government', 'my delegation' (GUIDELINES §7.1)."""
        words = [t.lower_ for t in token.subtree] if token.pos_ != "PRON" else [token.lower_]
        if token.pos_ == "PRON":
            return words[0] in self.lex.first_person
        return (
            len(words) <= 3
            and bool(set(words) & self.lex.first_person_determiners)
            and token.lemma_.lower() in self.lex.speaker_nouns
        )

    def _actor(self, cue: Token, tok2ent, last_actor, speaker=None):
        subject = self._subject(cue)
        if subject is not None:
            core = [
                t
                for t in subject.subtree
                if not any(a.dep_ == "prep" and a in subject.subtree and a is not subject for a in t.ancestors)
            ]
            found = self._countries_in(core, tok2ent)
            if not found and subject.lemma_.lower() in self.lex.state_nouns:
                found = self._countries_in(subject.subtree, tok2ent)
            singles = [f for f in found if f[1]["kb_type"] != "group"]
            if len(singles) >= 2:  # "Three Central Asian countries — Kazakhstan, Kyrgyzstan, Tajikistan"
                found = singles
            if found:
                return subject, found, "subject"
            # Reported speech: "Kamilov stated that his country recognises ..."; only when the
            # reported subject refers back to the speaker ("his country", "it"): a clause with a
            # subject of its own ("Moscow claimed that the West armed Kyiv") is not the speaker's.
            verb = next((v for v in _chain_up(cue) if v.dep_ == "ccomp"), None)
            refers_back = (
                subject.pos_ == "PRON" or subject.lemma_.lower() in self.lex.state_nouns | self.lex.speaker_nouns
            )
            if verb is not None and refers_back:
                outer = self._subject(verb.head)
                if outer is not None and (found := self._countries_in(outer.subtree, tok2ent)):
                    return subject, found, "reported"
            if speaker and self._first_person(subject):
                return subject, speaker, "speaker"
            if subject.lemma_.lower() in self.lex.rest_words or subject.lower_ in self.lex.rest_words:
                rest = self._rest_of_group(subject, tok2ent)
                if rest:
                    return subject, rest, "subject"
            resolved = self._resolve_pronoun(subject, tok2ent, last_actor)
            if resolved:
                return subject, resolved, "pronoun"
        return subject, [], None

    def _rest_of_group(self, subject: Token, tok2ent) -> list:
        """ "The rest voted against": the members of the group the sentence names, less the states it
        names on their own ("Of the five Central Asian states, Kazakhstan abstained; the rest …")."""
        found = self._countries_in(subject.sent, tok2ent)
        groups = [e for _, e in found if e["kb_type"] == "group"]
        named = {c for _, e in found if e["kb_type"] != "group" for c in e["countries"]}
        members = sorted({c for g in groups for c in g["countries"]} - named)
        if not members:
            return []
        return [(None, {"key": groups[0]["key"], "countries": members, "kb_type": "group", "label": "NORP"})]

    def _resolve_pronoun(self, subject: Token, tok2ent, last_actor):
        """'it'/'the country' -> one country, 'they' -> a group or several, 'he' -> a person's
        country: the nearest earlier subject in the sentence, else the last named actor."""
        words = {t.lower_ for t in subject.subtree} if subject.pos_ != "PRON" else {subject.lower_}
        if words & self.lex.singular_pronouns and len(words) <= 3:
            fits = lambda found: (
                len({c for _, e in found for c in e["countries"]}) == 1 and found[0][1]["label"] != "PERSON"
            )
        elif words & self.lex.plural_pronouns and len(words) <= 2:
            fits = lambda found: len({c for _, e in found for c in e["countries"]}) > 1
        elif words & self.lex.person_pronouns and len(words) <= 2:
            fits = lambda found: found[0][1]["label"] == "PERSON"
        else:
            return []
        earlier = [t for t in subject.sent if t.i < subject.i and t.dep_ in SUBJECTS]
        for t in reversed(earlier):
            found = self._countries_in(t.subtree, tok2ent)
            if found and fits(found):
                return found
        return last_actor if last_actor and fits(last_actor) else []

    def _targets(self, cue: Token, anchor: Token, subject: Optional[Token], actor_codes: set, tok2ent, entry: Cue):
        excluded = set(subject.subtree) if subject is not None else set()
        # Another conjunct's words are not this cue's: "impose sanctions and provide aid to Ukraine".
        for head in {cue.i: cue, anchor.i: anchor}.values():
            for c in head.children:
                if c.dep_ == "conj" and cue not in c.subtree:
                    excluded.update(c.subtree)
        scope = [t for t in anchor.subtree if t not in excluded]
        # A group the actor belongs to is not its target ("Of the five Central Asian states, Kazakhstan
        # abstained").
        candidates = [
            (tok, ent)
            for tok, ent in self._countries_in(scope, tok2ent)
            if set(ent["countries"]) - actor_codes
            and not (ent["kb_type"] == "group" and actor_codes & set(ent["countries"]))
        ]
        if not candidates:
            return []
        if entry.stance == "neutral" and entry.war_default:  # neutrality is toward the war (§3)
            war = [c for c in candidates if self.war_party in c[1]["countries"]]
            candidates = war or candidates
        nearest_tok, nearest = min(candidates, key=lambda c: (_tree_distance(cue, c[0]), c[0].i))
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
        noun = self._aggression_of(nearest_tok)
        if noun is not None:  # also when the cue is the aggression noun ("cease its attacks on Ukraine")
            victims = {c for _, e in chosen for c in e["countries"]}
            invaders = [
                (t, e) for t, e in self._aggressors(noun, tok2ent) if set(e["countries"]) - victims - actor_codes
            ]
            if invaders:
                return invaders
            if self.war_party in victims or self.war_party in actor_codes or self.war_victim not in victims:
                return chosen  # "the attacks against Israel" are not the war party's
            return [(noun, {"key": None, "countries": [self.war_party], "kb_type": "country", "label": "GPE"})]
        return chosen

    def _about_the_war(self, cue: Token, entry: Cue, sent, stance: str) -> bool:
        """May a cue with no country in reach default to the party to the war (GUIDELINES §3)?
        Not when it takes a clause ("we recognize that the challenges…": a judgement, not an act);
        a recognition cue also needs the war in its sentence (a contested territory, an
        annexation, a referendum…), else "we recognize the urgency" would be a position."""
        if any(c.dep_ in ("ccomp", "mark") or c.lower_ == "that" for c in cue.children):
            return False
        if sent.doc._.speaker and not self._war_in(sent):
            return False  # a statement covers every subject: "carbon neutrality" is not about the war
        if entry.topic != "recognition":
            return True
        if stance == "support":
            # Recognising something is a position for the war party only when the thing is the
            # war's (an annexation, a referendum, an occupied territory), in the cue's own phrase.
            own = list(cue.subtree if cue.pos_ in ("VERB", "AUX") else _anchor(cue).subtree)
            first, last = min(t.i for t in own), max(t.i for t in own)
            inside = [e for e in sent.ents if first <= e.start and e.end <= last + 1]
            if any(e._.kb_type in ("country", "territory") for e in inside):
                return False  # "recognizing Tuvalu's independence", "… of Kosovo": not the war's
            return any(t.lemma_.lower() in self.lex.recognition_objects for t in own)
        if any(ent._.kb_type == "territory" for ent in sent.ents):
            return True
        return any(t.lemma_.lower() in self.lex.war_context for t in sent)

    def _war_in(self, sent) -> bool:
        if any(self.war_party in (e._.countries or ()) or e._.kb_type == "territory" for e in sent.ents):
            return True
        return any(t.lemma_.lower() in self.lex.war_context for t in sent)

    def _aggression_of(self, tok: Token) -> Optional[Token]:
        """The aggression noun whose victim ``tok`` names: "the invasion of Ukraine", "aggression
        against Ukraine", "the war in Ukraine"; else None."""
        head = tok.head
        while tok.dep_ == "conj" and head is not tok:  # "against Ukraine and Georgia"
            tok, head = head, head.head
        if (
            tok.dep_ == "pobj"
            and head.dep_ == "prep"
            and head.lower_ in VICTIM_PREPS
            and head.head.lemma_.lower() in self.lex.aggression_nouns
        ):
            return head.head
        return None

    def _aggressors(self, noun: Token, tok2ent) -> list:
        """Countries named as the doer of an aggression noun: "the Russian invasion", "Russia's
        war", "the aggression by Russia"."""
        doers = [t for c in noun.children if c.dep_ in ("amod", "poss", "compound") for t in c.subtree]
        doers += [t for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ == "by" for t in c.subtree]
        head = noun.head
        # (the lemmatizer gives "wag" for "waged", hence the word forms in the list)
        if noun.dep_ == "dobj" and {head.lemma_.lower(), head.lower_} & self.lex.waging_verbs:
            subject = self._subject(head)  # "Russia has waged an illegal war of aggression"
            if subject is not None:
                doers += list(subject.subtree)
        return self._countries_in(doers, tok2ent)

    def _aggression_nouns(self, sent, tok2ent) -> list[tuple[Token, list]]:
        """The sentence's aggression nouns, each with its doers (``_aggressors``), found once for
        both ``_aggression_acts`` and ``_wrongs``."""
        return [
            (noun, self._aggressors(noun, tok2ent))
            for noun in sent
            if noun.lemma_.lower() in self.lex.aggression_nouns and noun.pos_ == "NOUN"
        ]

    @staticmethod
    def _wrongs(nouns: list[tuple[Token, list]]) -> list[tuple[Token, dict]]:
        """Aggression nouns with one state as their doer ("Russia's war of occupation", "Putin's
        war", "Russia has committed a terrible aggression"), with or without a victim named; not a
        compound ("the Ukraine war" names the place) nor two parties ("the Russian-Ukrainian war")."""
        out = []
        for noun, all_doers in nouns:
            compounds = {t.i for c in noun.children if c.dep_ == "compound" for t in c.subtree}
            doers = [(t, e) for t, e in all_doers if t.i not in compounds]
            codes = {c for _, e in doers for c in e["countries"]}
            if len(codes) == 1 and doers[0][1]["kb_type"] != "group":
                out.append(
                    (
                        noun,
                        {
                            "actor": next(iter(codes)),
                            "actor_mentions": [doers[0][1]["key"]],
                            "stance": "oppose",
                            "target": None,
                            "topic": "military",
                        },
                    )
                )
        return out

    def _aggression_acts(
        self, nouns: list[tuple[Token, list]], tok2ent, speaker: Optional[str] = None
    ) -> list[tuple[Token, dict]]:
        """Statements report acts as nouns (GUIDELINES §7.4): "the Russian invasion of Ukraine"
        gives RUS -> UKR oppose, once per sentence and pair."""
        rows = []
        war_victim: dict = {"key": None, "countries": [self.war_victim]}
        war_party: dict = {"key": None, "countries": [self.war_party]}
        for noun, doers in nouns:
            preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ in VICTIM_PREPS]
            victims: list[tuple[Optional[Token], dict]] = [
                (t, e) for c in preps for t, e in self._countries_in(c.subtree, tok2ent)
            ]
            if (
                speaker
                and not victims
                and any(
                    t.dep_ == "poss" and t.lower_ in self.lex.first_person_determiners for c in preps for t in c.subtree
                )
            ):  # "Israel's occupation of our land": the speaking state is the victim
                victims = [(None, {"key": None, "countries": [speaker]})]
            # The war's own parties need not be named (GUIDELINES §7.4): "Russia's invasion" is of
            # Ukraine; "the aggression against Ukraine" is Russia's ("the war in Ukraine" names a place).
            codes = {c for _, d in doers for c in d["countries"]}
            if (
                not victims
                and not preps
                and codes == {self.war_party}
                and noun.lemma_.lower() in self.lex.war_act_nouns
            ):
                victims = [(None, war_victim)]  # not "Russia's hybrid attacks", nor "the Russian-Ukrainian war"
            elif (
                not doers
                and noun.lemma_.lower() not in self.lex.place_wars
                and any(c.lower_ != "in" and self.war_victim in e["countries"] for c in preps for _, e in victims)
            ):
                doers = [(None, war_party)]
            for _, doer in doers:
                for _, victim in victims:
                    for a in doer["countries"]:
                        for t in victim["countries"]:
                            if a != t:
                                rows.append(
                                    (
                                        noun,
                                        {
                                            "actor": a,
                                            "actor_mentions": [doer["key"]],
                                            "target": t,
                                            "target_mentions": [victim["key"]],
                                            "stance": "oppose",
                                            "topic": "military",
                                            "confidence": 0.6,
                                            "cue": noun.text,
                                            "negated": False,
                                        },
                                    )
                                )
        return rows

    def _wrongdoer(self, tok: Optional[Token], cue: Token, tok2ent) -> bool:
        """Does the target stand as the doer of a wrong ("Russia's violations", "crimes by Russia")
        or the object of a punishment ("the indictment of Putin", "sanctions against Russia") inside
        the cue's phrase? Then backing that phrase opposes the target."""
        if tok is None:
            return False
        if tok2ent.get(tok.i) is None:  # the aggression noun that stood for the war party ("… the crime of aggression")
            return not self._object_of(tok, cue)
        tok = _mention_root(tok, tok2ent)
        head = tok.head
        if tok.dep_ in ("poss", "amod", "compound"):  # not "support Russia's war": the wrong is what is backed
            if head.lemma_.lower() in self.lex.wrongdoing_nouns and not self._object_of(head, cue):
                return True
        elif tok.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.head.i != cue.i:
            noun = head.head
            if self._punitive(noun):  # "welcome the indictment of Putin"
                return self._reversal(noun, cue) is None  # not "support the lifting of the embargo on Cuba"
            if (
                head.lower_ == "by"
                and noun.lemma_.lower() in self.lex.wrongdoing_nouns
                and not self._object_of(noun, cue)
            ):
                return True
        return self._wrong_above(tok, cue)  # also "against" on the cue: "stand in solidarity against Russia"

    def _wrong_above(self, tok: Token, cue: Token) -> bool:
        """The same, further up the cue's phrase: "efforts to hold Russia to account", "the arrest
        warrants issued for Russia's President", "damage caused by Russian forces", "solidarity
        against Russia's aggression". A punishment's own doer ("sanctions imposed by the EU"), the
        place of what is investigated ("the situation in Ukraine") and a wrong's victim ("committed
        against Ukraine") are not its object."""
        anchor = _anchor(cue)
        for a in [tok, *tok.ancestors]:
            if a.dep_ == "prep" and a.lower_ == "against" and (a.head.i in (cue.i, anchor.i) or a.head.head.i == cue.i):
                return True  # backing something against the state, on the cue or its object
            if a.i in (cue.i, anchor.i):
                break
        if cue not in tok.ancestors:
            return False
        node, by, other_noun = tok, False, False
        while node.head.i not in (node.i, cue.i):
            parent = node.head
            by = by or (node.dep_ in ("prep", "agent") and node.lower_ == "by")
            lemma = parent.lemma_.lower()
            if by and self._harm(parent):
                return True
            if not by and not other_noun and node.dep_ in ("prep", "acl", "dobj"):
                if self._punitive(parent):
                    return self._reversal(parent, cue) is None
                if parent.pos_ == "VERB" and lemma in self.lex.punitive_verbs:
                    return True
            # "hold Russia accountable / to account" (also parsed as a clause "Russia to account")
            if (
                lemma == "hold"
                and node.dep_ in ("dobj", "ccomp", "xcomp", "oprd")
                and any(t.lemma_.lower() in self.lex.accountable_words for c in parent.children for t in c.subtree)
            ):
                return True
            if node.dep_ in SUBJECTS and lemma not in self.lex.accountable_words:
                # the doer in a relative clause of a wrong: "the damage that Russian forces caused"
                # says what "the damage caused by Russian forces" says
                return parent.dep_ == "relcl" and self._harm(parent.head)
            if parent.pos_ in ("NOUN", "PROPN") and lemma not in self.lex.state_nouns:
                other_noun = True  # "an investigation of the situation in Ukraine": the situation is its object
            node = parent
        return False

    def _punitive(self, noun: Token) -> bool:
        """A punishment: "sanctions", "the embargo", "unilateral coercive measures"."""
        if noun.pos_ not in ("NOUN", "PROPN"):
            return False
        lemma = noun.lemma_.lower()
        if lemma in self.lex.punitive_nouns or noun.lower_ in self.lex.punitive_nouns:
            return True
        return lemma == "measure" and any(c.lower_ in self.lex.punitive_modifiers for c in noun.children)

    def _punishment(self, tok: Optional[Token], tok2ent) -> tuple[Optional[str], Optional[Token]]:
        """("object", noun) where the mention is what a punishment is aimed at ("the embargo against
        Cuba", "sanctions imposed on Venezuela", "the blockade of Cuba"), ("imposer", noun) where it
        imposes it ("the embargo imposed by the United States", "United States sanctions")."""
        if tok is None or tok.i not in tok2ent:
            return None, None
        tok = self._mention_head(tok, tok2ent)
        if tok.dep_ in ("compound", "poss") and tok.head.lemma_.lower() in self.lex.state_nouns:
            tok = tok.head  # "the United States Government"
        if tok.dep_ in ("poss", "compound", "amod") and self._punitive(tok.head):
            return "imposer", tok.head
        if tok.dep_ != "pobj":
            return None, None
        prep = tok.head
        while prep.dep_ == "conj" and prep.head.dep_ in ("prep", "agent"):  # "against Nicaragua and against Cuba"
            prep = prep.head
        noun = prep.head
        if noun.pos_ == "VERB" and noun.dep_ in ("acl", "relcl"):  # "the embargo imposed on Cuba"
            noun = noun.head
        if not self._punitive(noun):
            return None, None
        if prep.dep_ == "agent" or prep.lower_ == "by":
            return "imposer", noun
        if prep.lower_ in OBJECT_PREPS or prep.lower_ == "of":
            return "object", noun
        return None, None

    def _punished(self, cue: Token, reversal: Token, subject: Optional[Token], actor_codes: set, tok2ent) -> list:
        """The states an opposed punishment is aimed at or imposed by, in the phrase of the word that
        opposes it ("an end to the sanctions against Nicaragua and against Cuba", "the embargo on
        our neighbour, Cuba"); a group only where no state is named."""
        own = set(subject.subtree) if subject is not None else set()

        def aimed_at(tok: Token) -> bool:
            root = _mention_root(tok, tok2ent)
            while root.dep_ == "appos" and root.head.i != root.i:
                root = root.head
            return root.dep_ == "pobj" and root.head.lower_ in OBJECT_PREPS

        found = [
            (t, e)
            for t, e in self._countries_in([t for t in reversal.subtree if t not in own], tok2ent)
            if set(e["countries"]) - actor_codes and (self._punishment(t, tok2ent)[0] is not None or aimed_at(t))
        ]
        states = [(t, e) for t, e in found if e["kb_type"] != "group"]
        return states or found

    def _victim(self, tok: Optional[Token], cue: Token, tok2ent) -> bool:
        """Does the mention name the victim of a wrong inside the cue's phrase: "the attacks against
        Israel", "the invasion of Cyprus", "the violation of Ukraine's sovereignty / of the territorial
        integrity of Ukraine"?"""
        if tok is None or tok.i not in tok2ent:
            return False
        root = self._mention_head(tok, tok2ent)
        node = root
        if root.dep_ == "poss" or (root.dep_ == "pobj" and root.head.lower_ == "of"):
            owned = root.head if root.dep_ == "poss" else root.head.head
            if owned.lemma_.lower() in self.lex.border_words or (
                owned.dep_ == "pobj" and owned.head.lower_ in VICTIM_PREPS - {"in", "of"}
            ):  # the state's sovereignty, integrity, borders; "the attacks on Ukraine's energy grid"
                node = owned
        if node is root and not (root.dep_ == "pobj" and root.head.lower_ in VICTIM_PREPS - {"in"}):
            return False
        wrong = node.head.head if node.dep_ == "pobj" else node.head
        if node is root and root.head.lower_ == "of":
            return False  # "the aggression of the Russian Federation": "of" may name the doer
        if (
            wrong.lemma_.lower() not in self.lex.wrongdoing_nouns
            and wrong.lemma_.lower() not in self.lex.violating_verbs
        ):
            return False
        return wrong.i != cue.i and self._in_object(wrong, cue)

    @staticmethod
    def _in_object(noun: Token, cue: Token) -> bool:
        """Is ``noun`` inside the cue's object phrase (not in a clause of its own beside it)?"""
        for up in [noun, *noun.ancestors]:
            if up.head.i == cue.i:
                return up.dep_ in ("dobj", "prep", "pobj", "attr", "conj", "appos")
            if up.dep_ not in ("dobj", "pobj", "prep", "conj", "appos", "acl", "relcl", "compound", "amod"):
                return False
        return False

    def _origin(self, tok: Optional[Token], tok2ent) -> bool:
        if tok is None or tok.i not in tok2ent:
            return False
        root = self._mention_head(tok, tok2ent)
        return root.dep_ == "pobj" and root.head.lower_ in ("of", "from") and root.head.head.ent_type_ == "PERSON"

    def _mention_head(self, tok: Token, tok2ent) -> Token:
        """The head word of the mention ``tok`` is in, past its article ("the United States" ->
        "States") and out of coordination."""
        ent = tok2ent[tok.i]
        tok = next((t for t in tok.sent if tok2ent.get(t.i) is ent and t.dep_ != "det"), tok)
        return _mention_root(tok, tok2ent)

    def _reversal(self, cue: Token, anchor: Token) -> Optional[Token]:
        """The word by which the punishment ``cue`` is ended or opposed ("the lifting of", "an end
        to", "condemn", "our opposition to"), up to the verb that carries it."""
        for up in cue.ancestors:
            if up.lemma_.lower() in self.lex.reversal_words or up.lower_ in self.lex.reversal_words:
                return up
            if up.i == anchor.i:
                # "put an end to the embargo"
                ends = [c for c in up.children if c.dep_ == "dobj" and c.lemma_.lower() in self.lex.reversal_words]
                return up if ends else None
        return None

    def _doer_named(self, cue: Token, tok2ent) -> bool:
        """A nominal cue whose doer is a state modifying it: "Russia's attack", "the Russian invasion"."""
        return any(t.i in tok2ent for c in cue.children if c.dep_ in ("amod", "poss", "compound") for t in c.subtree)

    def _harm(self, noun: Token) -> bool:
        """A wrong or a harm whose doer is blamed by backing what is done about it."""
        lemma = noun.lemma_.lower()
        return noun.pos_ in ("NOUN", "PROPN") and (lemma in self.lex.wrongdoing_nouns or lemma in self.lex.harm_nouns)

    @staticmethod
    def _between(tok: Optional[Token], cue: Token, tok2ent) -> Optional[str]:
        """ "cue" when the target is one of the states a cue noun relates ("the partnership between
        China and Russia"), "effort" when it is one party of what the cue backs ("welcome the deal
        between Ukraine and Russia"): neither is a position of the actor toward that state."""
        if tok is None or tok.i not in tok2ent:
            return None
        tok = _mention_root(tok, tok2ent)
        if tok.dep_ != "pobj" or tok.head.lower_ != "between":
            return None
        return "cue" if tok.head.head.i == cue.i else "effort"

    @staticmethod
    def _object_of(noun: Token, cue: Token) -> bool:
        """Is ``noun`` the cue itself, its direct object or the object of its own preposition?"""
        if noun.i == cue.i or (noun.head.i == cue.i and noun.dep_ in ("dobj", "attr")):
            return True
        return noun.dep_ == "pobj" and noun.head.head.i == cue.i

    def _complement(self, cue: Token) -> Optional[str]:
        """ "negative" for "recognise X as an aggressor / a state sponsor of terrorism", "borders" for
        "demand respect for (internationally recognized) borders / sovereignty", else None."""
        for child in cue.children:
            words = {t.lemma_.lower() for t in child.subtree}
            negative = words & self.lex.negative_complements
            if child.dep_ in ("prep", "oprd", "advcl") and child.lower_ == "as" and negative:
                return "negative"
            if (
                child.dep_ in ("dobj", "prep", "pobj")
                and words & self.lex.respect_words
                and words & self.lex.border_words
                and cue.lemma_.lower() in ("demand", "call", "urge", "insist")
            ):
                return "borders"
        return None

    def _is_negator(self, token: Token) -> bool:
        return token.lemma_ in self._negators

    def _negations(self, cue: Token) -> tuple[int, Optional[Token]]:
        count, negator = 0, None
        below = None
        for verb in _chain_up(cue):
            if (
                below is not None
                and below.dep_ == "conj"
                and any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in verb.children)
            ):
                break  # "we are not facing a threat, but we are countering …": the "not" stays in its conjunct
            below = verb
            count += sum(1 for c in verb.children if c.dep_ == "neg" or c.lower_ in ("never", "no longer"))
            if verb.i != cue.i and self._is_negator(verb):
                count += 1
                negator = verb
            # "No Central Asian country sided with Moscow": the subject is negated.
            count += sum(
                1
                for c in verb.children
                if c.dep_ in SUBJECTS
                for d in [c, *c.children]
                if d.lower_ in self.lex.no_determiners and d.dep_ in ("det", "nsubj")
            )
        # A negating word above the cue's clause: "wary of endorsing", "had no intention of helping",
        # "refusal to recognise" (through prepositions, infinitives and noun complements).
        top, steps = cue, 0
        while top.dep_ in CHAIN and top.head is not top:
            top = top.head
        while top.dep_ in ("pcomp", "prep", "acl", "xcomp", "pobj", "advcl") and top.head is not top and steps < 4:
            top, steps = top.head, steps + 1
            if top.lemma_.lower() in self.lex.negating_heads and top.i != cue.i:
                count += 1
                negator = top
                break
            if top.pos_ == "NOUN" and any(
                c.lower_ in self.lex.no_determiners and c.dep_ == "det" for c in top.children
            ):
                count += 1
                break
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
        if cue.ent_type_ or cue.dep_ in ("prep", "mark", "cc", "prt") or cue.pos_ == "ADV":
            return True  # "Shanghai Cooperation Organisation", "thanks to", "push back"
        if cue.lemma_.lower() in self.lex.dependence_verbs and self._dependence(cue):
            return True
        if any(c.dep_ == "dobj" and c.lemma_.lower() in self.lex.idiom_objects for c in cue.children):
            return True  # "seize this opportunity", "take this occasion"
        if anchor.lemma_ == "be" and ((entry.stance != "neutral" and cue.pos_ != "ADJ") or cue.pos_ == "NOUN"):
            return True  # "X is Y's ally", "It was a vote about…": a copula states background, not an act
            # (but an attitude: "we are grateful to Qatar")
        if cue.dep_ == "amod" and cue.tag_ == "VBN":
            return True  # "internationally recognized borders": a participle describing a noun
        if cue.dep_ == "acl" and cue.head.lemma_.lower() in self.lex.vote_nouns:
            return True  # "the resolution condemning Russia": the resolution's words, not the voter's
        path = [cue] + list(cue.ancestors)[:3]
        if any(t.lemma_.lower() in self.lex.background for p in path for t in [p, *p.children]):
            return True
        return any(
            c.lower_ in self.lex.hypothetical and v.lemma_.lower() not in self.lex.wish_verbs
            for v in _chain_up(anchor)
            for c in v.children
            if c.dep_ == "aux"
        )  # "we would impose sanctions if …", not "I would like to thank Japan"

    def _dependence(self, cue: Token) -> bool:
        """ "relying on Russia for 70 per cent of our wheat", "relying on Russian gas": the text
        describes dependence on goods, not a position toward the state ("relied on China for his
        position" is one)."""
        shares = [t for c in cue.children if c.dep_ == "prep" and c.lower_ == "for" for t in c.subtree]
        if any(
            t.like_num
            or t.ent_type_ in ("PERCENT", "QUANTITY", "MONEY")
            or t.lemma_.lower() in self.lex.dependence_shares
            for t in shares
        ):
            return True
        objects = [g for c in cue.children if c.dep_ == "prep" and c.lower_ == "on" for g in c.children]
        return any(g.dep_ == "pobj" and not g.ent_type_ for g in objects)

    def _sentence_claims(self, sent, cue_tokens, negator_of, tok2ent, last_actor, speaker=None) -> list[dict]:
        claims: list[dict] = []
        acts: list[tuple[Token, dict]] = []  # oppose rows and their cues, for the speaker's accusations
        doc = sent.doc
        for i in sorted(k for k in cue_tokens if sent.start <= k < sent.end):
            entry, cue = cue_tokens[i], doc[i]
            if i in negator_of or i in tok2ent:
                continue
            anchor = _anchor(cue)
            if self._skip(cue, anchor, entry):
                continue
            if (
                cue.pos_ == "NOUN"
                and anchor.i in cue_tokens
                and anchor.i != cue.i
                and not self._is_negator(anchor)
                and not self._doer_named(cue, tok2ent)
                and cue.lemma_.lower() not in self.lex.sanction_nouns  # its own rules below
            ):
                continue  # "we condemn the attacks against Israel": not the condemner's act; the verb's row says it
            verbal = cue.pos_ in ("VERB", "AUX")
            if entry.needs and not any(t.lemma_.lower() in entry.needs for t in anchor.subtree):
                continue  # "took part in the voting", not "part of Russia"
            doer_named = not verbal and self._doer_named(cue, tok2ent)
            n_neg, _ = self._negations(cue if verbal or doer_named else anchor)
            if (
                not verbal
                and not doer_named
                and (self._is_negator(anchor) or any(self._is_negator(c) for c in cue.children))
            ):
                n_neg += 1  # "circumvent sanctions" (also when parsed as a modifier of the noun)
            positive, negative = entry.stance, entry.negated
            # The complement can turn a cue: "recognise Russia as a state sponsor of terrorism",
            # "demand respect for internationally recognized borders" (toward the party violating them).
            complement = self._complement(cue)
            respect_borders = complement == "borders"
            if complement in ("negative", "borders"):
                positive, negative = "oppose", "support"
            stance = positive if n_neg % 2 == 0 else negative
            vote_on_resolution = False
            for child in cue.children:
                word = child.lower_
                if (
                    child.dep_ == "prep"
                    and word == "in"
                    and any(g.lemma_.lower() in self.lex.favour_words for g in child.children if g.dep_ == "pobj")
                ):
                    word = "for"  # "voted in favour of"
                if child.dep_ in ("prep", "advmod", "prt") and dict(entry.prep).get(word):
                    stance = dict(entry.prep)[word]
                    objects = [t for g in child.children if g.dep_ == "pobj" for t in g.subtree]
                    # "voted against the resolution condemning Russia", "the rest voted against": a
                    # vote on a resolution, which is a position toward the state it condemns.
                    obj_heads = [g for g in child.children if g.dep_ == "pobj"]
                    vote_on_resolution = cue.lemma_.lower() in self.lex.vote_nouns and (
                        not obj_heads
                        or not any(t.i in tok2ent for t in obj_heads[0:1])
                        or any(t.lemma_.lower() in self.lex.vote_nouns for t in objects)
                    )
                    if vote_on_resolution and stance in FLIP:
                        stance = FLIP[stance]
            if stance is None:
                continue
            # A country modifying a nominal cue is its actor: "Chinese aid", "Russia's pressure".
            modifier = (
                []
                if verbal
                else self._countries_in(
                    [t for c in cue.children if c.dep_ in ("amod", "poss", "compound") for t in c.subtree], tok2ent
                )
            )
            if (
                not verbal
                and not modifier
                and speaker
                and any(
                    c.dep_ == "poss" and (c.lower_ in self.lex.first_person_determiners or self._first_person(c))
                    for c in cue.children
                )
            ):
                modifier = speaker  # "our support for Ukraine", "my Government's condemnation of …"
            subject, actors, how = self._actor(cue if verbal else anchor, tok2ent, last_actor, speaker)
            receivers = None
            if entry.experiencer:
                passive = any(c.dep_ == "nsubjpass" for c in cue.children) or any(
                    c.dep_ == "auxpass" for c in cue.children
                )
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
            elif anchor.lemma_ in self.lex.receive:  # "Turkmenistan receives loans from Russia": giver acts on receiver
                giver = [t for c in anchor.children if c.dep_ == "prep" and c.lower_ == "from" for t in c.subtree]
                givers = self._countries_in(giver, tok2ent)
                if not givers or not actors:
                    continue
                subject, actors, receivers = None, givers, actors
            if not actors:
                continue
            actor_codes = {c for _, e in actors for c in e["countries"]}
            targets: list
            if receivers is not None:
                targets = receivers
            else:
                targets = self._targets(cue, anchor, subject, actor_codes, tok2ent, entry)
                if modifier and modifier is not speaker:  # "Russia's pressure on Kazakhstan": the target sits in
                    # the cue's own phrase ("we extend our condolences to Morocco" has it in the verb's)
                    own = {x for c in cue.children if c.dep_ == "prep" for x in c.subtree}
                    targets = [t for t in targets if t[0] is None or t[0] in own]
                    if not targets:
                        continue
            # "Mr. Dennis Francis of Trinidad and Tobago": where a person comes from is not the target
            targets = [t for t in targets if not self._origin(t[0], tok2ent)]
            if speaker:
                # In a statement a region or group named as the object ("our brothers and sisters in
                # Latin America", "the permanent members") is rarely a position toward each member
                # (GUIDELINES §2.3): the statements' coders expanded 19 of 910 dev rows.
                targets = [t for t in targets if t[1]["kb_type"] != "group"]
            if respect_borders:  # the borders are the victim's; the position is toward the violator
                targets = [(None, {"key": None, "countries": [self.war_party], "kb_type": "country", "label": "GPE"})]
            turned: dict[str, str] = {}  # the stance toward a target where it differs from the cue's
            reversal = self._reversal(cue, anchor) if how != "modifier" and self._punitive(cue) else None
            if reversal is None and how != "modifier" and self._punitive(cue) and n_neg % 2 == 1:
                reversal = anchor  # "we reject the sanctions", "lift the embargo"
            if reversal is not None:
                # The actor opposes the punishment ("calls for the lifting of the embargo imposed by the
                # United States on Cuba"): it backs every state punished and opposes the one imposing it.
                stance = "support"
                targets = self._punished(cue, reversal, subject, actor_codes, tok2ent) or targets
                for tok, ent in targets:
                    if self._punishment(tok, tok2ent)[0] == "imposer":
                        turned.update((c, "oppose") for c in ent["countries"])
            elif (
                cue.lemma_.lower() in self.lex.sanction_nouns
                and how not in ("modifier", None)
                and anchor.lemma_.lower() not in self.lex.imposing_verbs
            ):
                continue  # "solidarity with Cuba over 62 years of blockade": a punishment the actor does not impose
            elif stance == "oppose" and entry.stance == "oppose" and entry.topic == "diplomacy":
                # Opposing a punishment backs its object: "we condemn the sanctions against Venezuela".
                # Opposing a wrong done to a state backs it: "we condemn the violation of the territorial
                # integrity of Ukraine", "the attacks against Israel".
                for tok, ent in targets:
                    role, noun = self._punishment(tok, tok2ent)
                    if role == "object" and noun is not None and noun.i != cue.i and self._in_object(noun, cue):
                        turned.update((c, "support") for c in ent["countries"])
                    elif self._victim(tok, cue, tok2ent):
                        turned.update((c, "support") for c in ent["countries"])
            if stance == "support" and entry.stance == "support":  # a support cue, not a vote or a negated oppose
                related = [(t, self._between(t[0], cue, tok2ent)) for t in targets]
                # Backing what goes on between the two sides of the war ("the deal brokered between
                # Ukraine and Russia") balances them: one neutral row toward the war party (§4.3).
                if any(rel == "effort" and self.war_party in t[1]["countries"] for t, rel in related):
                    turned[self.war_party] = "neutral"
                    related = [(t, rel) for t, rel in related if rel != "effort" or self.war_party in t[1]["countries"]]
                targets = [t for t, rel in related if rel != "cue"]  # "the partnership between A and B"
                for tok, ent in targets:
                    if self.war_party not in turned and self._wrongdoer(tok, cue, tok2ent):
                        turned.update((c, "oppose") for c in ent["countries"])  # "support the investigation
                        # of Russia's crimes"
            target_codes = sorted({c for _, e in targets for c in e["countries"]} - actor_codes)
            confidence = 0.8 - (0.2 if how not in ("subject", "modifier", "speaker") else 0.0)
            if (
                not target_codes
                and entry.war_default
                and self.war_party not in actor_codes
                and self._about_the_war(cue, entry, sent, stance)
            ):
                target_codes = [self.war_party]
                confidence -= 0.2
            if not target_codes:
                if how == "subject" and cue.lemma_.lower() in self.lex.targetless_accusations and n_neg % 2 == 0:
                    # "Russia invaded another sovereign country": no state to code, but the
                    # speaker of a statement who reports it opposes the doer (statements.py).
                    for actor in sorted(actor_codes):
                        act = {"actor": actor, "actor_mentions": [e["key"] for _, e in actors], "target": None}
                        acts.append((cue, {**act, "stance": "oppose", "topic": entry.topic}))
                        if actor == self.war_party and speaker:  # in a statement, the war's victim (§7.4)
                            row = {**act, "target": self.war_victim, "target_mentions": [], "stance": "oppose"}
                            claims.append(
                                {
                                    **row,
                                    "claim_index": len({c["claim_index"] for c in claims}) + 1,
                                    "topic": entry.topic,
                                    "confidence": 0.4,
                                    "cue": cue.text,
                                    "negated": False,
                                }
                            )
                continue
            claim_index = len({c["claim_index"] for c in claims}) + 1
            topic = self._topic(entry, sent)
            for actor in sorted(actor_codes):
                for target in target_codes:
                    toward = turned.get(target, stance)
                    if any(c["actor"] == actor and c["target"] == target and c["stance"] == toward for c in claims):
                        continue
                    claims.append(
                        row := {
                            "claim_index": claim_index,
                            "actor": actor,
                            "actor_mentions": [e["key"] for _, e in actors if actor in e["countries"]],
                            "target": target,
                            "target_mentions": [e["key"] for _, e in targets if target in e["countries"]],
                            "stance": toward,
                            "topic": topic,
                            "confidence": round(confidence, 2),
                            "cue": cue.text,
                            "negated": n_neg % 2 == 1,
                        }
                    )
                    acts.append((cue, row))
        if speaker:
            code = speaker[0][1]["countries"][0]
            aggression = self._aggression_nouns(sent, tok2ent)
            nouns = self._aggression_acts(aggression, tok2ent, code)
            acts += nouns + self._wrongs(aggression)
            extra = [row for _, row in nouns]
            extra += statements.accusations(self, acts, code)
            extra += statements.demands(self, sent, tok2ent, code)
            extra += statements.calls_on_parties(self, sent, tok2ent, code)
            taken = {r["target"] for r in [*claims, *extra] if r["actor"] == code}
            extra += statements.calls_for_peace(self, sent, tok2ent, code, taken)
            for row in extra:
                # An explicit cue's row for the pair wins over an implied one ("we support Russia's war").
                if not any(c["actor"] == row["actor"] and c["target"] == row["target"] for c in claims):
                    claims.append({"claim_index": len({c["claim_index"] for c in claims}) + 1, **row})
        return claims

    @staticmethod
    def _next_actor(sent, tok2ent, countries_in, last_actor):
        """The last named actor, for pronoun subjects in later sentences."""
        # The main clause's subject, else the first subject that names a country (the root can
        # sit in a parenthesis: "X supplies Y (this is relevant for A)").
        subjects = [t for t in sent.root.children if t.dep_ in SUBJECTS] + [t for t in sent if t.dep_ in SUBJECTS]
        found = next((f for t in subjects if (f := countries_in(t.subtree, tok2ent))), None)
        if found:
            return found
        if (found := countries_in(sent, tok2ent)) and len(found) == 1 and len(sent) <= 3:
            return found  # a heading naming a country opens its section
        return last_actor

    def __call__(self, doc: Doc) -> Doc:
        tok2ent = {}
        for span in doc.ents:
            if span._.countries:
                ent = {
                    "key": (span.start_char, span.end_char),
                    "countries": span._.countries,
                    "kb_type": span._.kb_type,
                    "label": span.label_,
                }
                for t in span:
                    tok2ent[t.i] = ent
        cue_tokens = {}
        for _, start, _ in self.matcher(doc):
            if (cue := self._cue_for(doc[start])) is not None:
                cue_tokens[start] = cue
        negator_of = {}
        for i in cue_tokens:
            tok = doc[i]
            verbal = tok.pos_ in ("VERB", "AUX")
            if not verbal and self._doer_named(tok, tok2ent):
                continue  # "we reject Russia's attack on Ukraine": the attack is Russia's act, the rejection ours
            _, neg = self._negations(tok if verbal else _anchor(tok))
            inner = [c for c in tok.children if self._is_negator(c)] if not verbal else []
            if not verbal and self._is_negator(_anchor(tok)):
                neg = _anchor(tok)  # "circumvent sanctions", "declined support"
            elif inner:
                neg = inner[0]
            if neg is not None:
                negator_of[neg.i] = i  # the negator's own row is replaced by the inner cue's
        spans: list[Span] = []
        last_actor = None
        speaker = None
        if doc._.speaker:
            speaker = [(None, {"key": None, "countries": [doc._.speaker], "kb_type": "country", "label": "GPE"})]
        for whole in doc.sents:
            sent = trim(whole)
            if sent is None:
                continue
            footnotes = marker_labels(sent)
            for row in self._sentence_claims(sent, cue_tokens, negator_of, tok2ent, last_actor, speaker):
                spans.append(
                    claim_span(doc, sent.start, sent.end, {**row, "footnotes": footnotes, "annotator": self.annotator})
                )
            last_actor = self._next_actor(sent, tok2ent, self._countries_in, last_actor)
        doc.spans[self.spans_key] = spans
        return doc


def trim(span: Span) -> Optional[Span]:
    """The span without leading and trailing whitespace tokens (None if nothing is left)."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if start < end else None


@Language.factory(
    "claim_rules",
    default_config={"war_party": "RUS", "war_victim": "UKR", "spans_key": "claims"},
    requires=["doc.ents", "token.dep", "token.lemma", "span._.countries"],
    assigns=["doc.spans"],
)
def make_claim_rules(nlp: Language, name: str, war_party: str, war_victim: str, spans_key: str):
    return ClaimRules(nlp, name, war_party, spans_key, war_victim=war_victim)
