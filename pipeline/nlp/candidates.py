"""Candidate (actor, target) pairs of a parsed Doc: what a stance classifier decides.

``candidates(doc)`` lists, for every sentence, the pairs of linked parties the sentence can hold
a position between (GUIDELINES §2, §3, §7):

- actors: the statement's speaker (``doc._.speaker_party``, else ``doc._.speaker``: a state or
  an observer organisation) in every sentence with a target (the statement is its own;
  ``actor_source`` says whether the sentence is first-person: "we", "I", "my country", "our
  Government"); every party named in the sentence: states (entities with ``span._.countries``;
  a group expands to its members and records ``expanded_from``) and organisations
  (``span._.kb_party``: "the European Union", "NATO"); for a pronoun, "these states" or a body
  with no state of its own ("the foreign ministry") with no party named before it in the
  sentence, the parties named in the subject of the last sentence that had one (else all parties
  of the last sentence that named any); and the parties the UN named aggressor or occupying
  power in the sentence's conflict (``span._.conflicts``, the conflict detector) when the
  sentence has war wording ("the invasion of Ukraine" reports its act, GUIDELINES §7.4);
- targets: every party named in the sentence; the parties a resolved pronoun, "that country" or
  a body stands for; the UN-named parties of the sentence's conflict and the sides
  they face when the sentence has war wording ("the war", "the aggression", "the occupation");
  and every party of the sentence's conflict when the sentence speaks of its sides ("all
  parties", "both sides", "the aggressor": source ``conflict``);
- every actor with every target, actor != target, except two members of one group mention that
  are not also named apart, and two parties known only from the same war wording.

Parties are ISO 3166-1 alpha-3 codes and the knowledge base's organisations (``org:<id>``), the
claim layer's ``actor``/``target``. The function is pure: the same Doc gives the same list, in
sentence and then (actor, target) order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, TypeGuard

from spacy.tokens import Doc, Span

from pipeline.nlp.conflicts import document_conflict, sentence_conflicts
from pipeline.nlp.lexicon import Lexicon
from pipeline.schema import ORG_PREFIX

PRONOUN_DEPS = frozenset({"nsubj", "nsubjpass", "poss"})


@dataclass(frozen=True)
class Mention:
    parties: tuple[str, ...]
    start_char: int
    end_char: int
    expanded_from: Optional[str] = None


@dataclass
class Candidate:
    """One (actor, target) pair of one sentence; spans are character offsets into the Doc."""

    sent: Span
    actor: str
    target: str
    actor_source: str  # speaker (first-person sentence) | speaker_implicit | named | pronoun | war
    target_source: str  # named | pronoun | war | conflict
    actor_spans: list[tuple[int, int]] = field(default_factory=list)
    target_spans: list[tuple[int, int]] = field(default_factory=list)
    expanded_from: Optional[str] = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.sent.start, self.actor, self.target)


class Words:
    """The word lists candidates need, from the claim rules' lexicon: war wording is a war noun
    ("the war", "the invasion"), an aggression noun (but not one that is no war by itself: "an attack"),
    neutrality (a position on the war, GUIDELINES §3.1, even when the war is not named), or
    "conflict", "crisis" in a sentence the conflict detector gave a conflict."""

    def __init__(self, lexicon: Lexicon):
        self.first_person = lexicon.first_person
        self.first_person_determiners = lexicon.first_person_determiners
        self.pronouns = lexicon.singular_pronouns | lexicon.plural_pronouns | lexicon.person_pronouns
        self.pronouns -= self.first_person | self.first_person_determiners | {"country", "government"}
        self.bodies = lexicon.state_nouns  # "the foreign ministry", "the Government", "the regime"
        self.demonstratives = lexicon.demonstratives  # "these states", "that country"
        self.state_references = lexicon.state_reference_nouns
        self.party_words = lexicon.party_words  # "all parties", "both sides"
        self.all_determiners = lexicon.all_determiners
        self.war_parties = lexicon.war_party_nouns  # "the aggressor"
        self.war = (
            lexicon.war_nouns
            | lexicon.aggression_nouns - lexicon.war_wording_exclusions
            | lexicon.neutrality_words
            | lexicon.war_if_named
        )
        self.war_by_itself = self.war - lexicon.war_if_named  # wording that speaks of a war in any sentence


@lru_cache(maxsize=4)
def _words(lexicon: Lexicon) -> Words:
    return Words(lexicon)


def is_iso3(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code.isupper()


def is_party(code: Optional[str]) -> TypeGuard[str]:
    """A claim party: a state's ISO3 code or an organisation's ``org:<id>``."""
    return code is not None and (is_iso3(code) or code.startswith(ORG_PREFIX))


def mentions(sent: Span) -> list[Mention]:
    """The linked party mentions of a sentence (groups expanded), in text order: states, and
    organisations that are parties (``span._.kb_party``)."""
    out = []
    for ent in sent.ents:
        parties = tuple(c for c in (ent._.countries or ()) if is_iso3(c))
        if not parties and is_party(ent._.kb_party):
            parties = (ent._.kb_party,)
        if parties:
            origin = ent._.kb_entry if ent._.kb_type == "group" else None
            out.append(Mention(parties, ent.start_char, ent.end_char, origin))
    return out


def war_spans(sent: Span, words: Words) -> list[tuple[int, int]]:
    """Character spans of the war wording of a sentence."""
    return [(t.idx, t.idx + len(t.text)) for t in sent if t.lemma_.lower() in words.war]


def _by_itself(sent: Span, words: Words) -> bool:
    return any(t.lemma_.lower() in words.war_by_itself for t in sent)


def conflict_party_spans(sent: Span, words: Words) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where a sentence speaks of its conflict's sides: "all parties", "both sides" (every party),
    and "the aggressor" (the parties the UN named)."""
    sides, named = [], []
    for t in sent:
        lemma = t.lemma_.lower()
        if lemma in words.party_words and any(c.lower_ in words.all_determiners for c in t.children):
            sides.append((t.idx, t.idx + len(t.text)))
        elif lemma in words.war_parties:
            named.append((t.idx, t.idx + len(t.text)))
    return sides, named


def _is_body(t, words: Words) -> bool:
    """A state body with no party of its own: "the foreign ministry" (not "Russia's ministry")."""
    return (
        t.lemma_.lower() in words.bodies
        and any(c.lower_ == "the" for c in t.children)
        and not any(w.ent_type_ for w in t.subtree)
    )


def _pronoun(sent: Span, words: Words):
    """A pronoun subject or possessor ("it", "they", "their"), "these states", or a body subject
    ("the foreign ministry charged")."""
    for t in sent:
        if t.lower_ in words.pronouns and t.dep_ in PRONOUN_DEPS:
            return t
        if (
            t.lower_ in words.demonstratives
            and t.head.lemma_.lower() in words.state_references
            and t.head.dep_ in PRONOUN_DEPS
        ):
            return t.head
        if t.dep_ in ("nsubj", "nsubjpass") and _is_body(t, words):
            return t
    return None


def is_first_person(sent: Span, words: Words) -> bool:
    return any(t.lower_ in words.first_person or t.lower_ in words.first_person_determiners for t in sent)


def _add_conflict_parties(doc: Doc, sent: Span, words: Words, actors: dict, targets: dict) -> None:
    """The parties a sentence's conflict implies: with war wording, the UN-named parties (actors
    and targets) and the sides they face (targets); "all parties" / "both sides" and "the
    aggressor" (targets). War wording with no conflict of the sentence's own ("neutrality", "the
    war") speaks of the document's."""
    conflict = sentence_conflicts(sent)[:1]
    if not conflict:
        main = document_conflict(doc)
        if main is None or not _by_itself(sent, words):
            return  # no conflict: nothing implied, and no war wording to look for
        conflict = [main]
    wars = war_spans(sent, words)
    for party in (p for c in conflict for p in c.designated if is_party(p) and wars):
        targets.setdefault(party, ("war", wars, None))
        actors.setdefault(party, ("war", wars, None))
    for party in (p for c in conflict for p in c.victims if is_party(p) and wars):
        targets.setdefault(party, ("war", wars, None))  # whom "the aggression" is against
    sides, named = conflict_party_spans(sent, words)
    for c in conflict:
        for party in (p for p in c.parties if is_party(p) and sides):
            targets.setdefault(party, ("conflict", sides, None))
        for party in (p for p in c.designated if is_party(p) and named):
            targets.setdefault(party, ("conflict", named, None))


def candidates(doc: Doc, lexicon: Lexicon) -> list[Candidate]:
    """Every candidate pair of every sentence of ``doc`` (see the module docstring). ``lexicon``:
    that of the pipeline's ``claim_rules`` (``rules_lexicon(nlp)``)."""
    words = _words(lexicon)
    speaker = doc._.speaker if Doc.has_extension("speaker") else None
    if Doc.has_extension("speaker_party") and doc._.speaker_party:
        speaker = doc._.speaker_party
    out: list[Candidate] = []
    last_subject: list[Mention] = []
    last_named: list[Mention] = []
    for sent in doc.sents:
        found = mentions(sent)
        actors: dict[str, tuple[str, list, Optional[str]]] = {}
        targets: dict[str, tuple[str, list, Optional[str]]] = {}
        for m in found:
            for party in m.parties:
                for table in (actors, targets):
                    entry = table.setdefault(party, ("named", [], m.expanded_from))
                    entry[1].append((m.start_char, m.end_char))
        if is_party(speaker) and speaker not in actors:
            actors[speaker] = ("speaker" if is_first_person(sent, words) else "speaker_implicit", [], None)
        pronoun = _pronoun(sent, words)
        if pronoun is not None and not any(m.start_char < pronoun.idx for m in found):
            for m in last_subject or last_named:
                for party in m.parties:
                    for table in (actors, targets):
                        table.setdefault(
                            party, ("pronoun", [(pronoun.idx, pronoun.idx + len(pronoun.text))], m.expanded_from)
                        )
        _add_conflict_parties(doc, sent, words, actors, targets)
        for actor, (a_src, a_spans, a_from) in actors.items():
            for target, (t_src, t_spans, t_from) in targets.items():
                # Members of one listed group are not paired with each other ("the countries of
                # Latin America") unless one is also named apart ("Kazakhstan ... with the
                # countries of Central Asia"), nor two parties known only from the same war wording.
                if actor != target and not (t_spans and set(t_spans) == set(a_spans)):
                    out.append(
                        Candidate(sent, actor, target, a_src, t_src, list(a_spans), list(t_spans), a_from or t_from)
                    )
        subject = [
            m
            for m in found
            if any(
                t.dep_ in ("nsubj", "nsubjpass") or t.head.dep_ in ("nsubj", "nsubjpass")
                for t in doc.char_span(m.start_char, m.end_char) or ()
            )
        ]
        if found:
            last_subject, last_named = subject, found
    return out


def rules_lexicon(nlp) -> Lexicon:
    """The lexicon of the pipeline's (initialized) ``claim_rules`` component."""
    return nlp.get_pipe("claim_rules").lex


def marked_text(c: Candidate) -> str:
    """The sentence with the pair marked, the input of the stance classifiers:
    ``[A=speaker] We condemn [T] the war [/T] ...`` or ``[A] Kazakhstan [/A] ... [T] Russia [/T]``."""
    base = c.sent.start_char
    text = c.sent.text
    spans = sorted(
        {(s - base, e - base, "A") for s, e in c.actor_spans} | {(s - base, e - base, "T") for s, e in c.target_spans}
    )
    out, pos = [], 0
    for s, e, tag in spans:
        if s < pos or s < 0 or e > len(text):
            continue
        out += [text[pos:s], f"[{tag}] ", text[s:e], f" [/{tag}]"]
        pos = e
    out.append(text[pos:])
    prefix = {"speaker": "[A=speaker] ", "speaker_implicit": "[A=speaker?] "}.get(c.actor_source, "")
    return prefix + "".join(out)
