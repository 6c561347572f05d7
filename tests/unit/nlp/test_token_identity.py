"""Token comparisons by index, not identity: spaCy builds a new ``Token`` object on every access,
so ``token.head is token`` is never true, and a loop guarded by it does not stop at the root.
Each Doc here is built by hand, with the root carrying a label another parser (or a converted
treebank) can give it."""

from __future__ import annotations

import signal
from itertools import islice

import pytest
from spacy.tokens import Doc


@pytest.fixture()
def parts(annotator):
    return annotator.nlp.get_pipe("claim_rules")


@pytest.fixture()
def deadline():
    """Fails a loop that never ends instead of hanging the run."""

    def stop(signum, frame):
        raise TimeoutError("the loop did not stop at the root")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def doc(vocab, words, heads, deps, pos=None):
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos)


def test_the_clause_chain_stops_at_a_root_with_a_chain_label(parts, annotator):
    d = doc(annotator.nlp.vocab, ["Support", "sanctions"], [0, 0], ["xcomp", "dobj"], ["VERB", "NOUN"])
    assert [t.i for t in islice(parts.tools.parse.chain_up(d[0]), 5)] == [0]


def test_the_negating_head_search_stops_at_a_root_with_a_chain_label(parts, annotator, deadline):
    d = doc(annotator.nlp.vocab, ["Backing", "Kazakhstan"], [0, 0], ["conj", "dobj"], ["VERB", "PROPN"])
    assert parts.polarity.negations(d[0]) == (0, None)


def test_a_root_noun_is_not_its_own_negating_head(parts, annotator):
    # "no support" as a root labelled pobj: the search for a negating word above the cue's clause
    # used to step from the root to itself and read the cue's own determiner as that word
    d = doc(annotator.nlp.vocab, ["no", "support"], [1, 1], ["det", "pobj"], ["DET", "NOUN"])
    assert parts.polarity.negations(d[1]) == (0, None)


def test_the_victim_of_an_aggression_noun_stops_at_a_root_conjunct(parts, annotator, deadline):
    d = doc(annotator.nlp.vocab, ["Ukraine", "and", "Georgia"], [0, 0, 0], ["conj", "cc", "conj"])
    assert parts.engine.aggression.noun_of(d[0]) is None


def test_the_subject_itself_may_be_a_preposition(parts, annotator):
    # "Ties with Kazakhstan condemned sanctions" parsed with the relative clause on "with": the
    # subject is "with", and the states below it are in its core, not behind another preposition
    words = ["Ties", "with", "Kazakhstan", "condemned", "sanctions"]
    d = doc(
        annotator.nlp.vocab,
        words,
        [0, 0, 1, 1, 3],
        ["ROOT", "prep", "pobj", "relcl", "dobj"],
        ["NOUN", "ADP", "PROPN", "VERB", "NOUN"],
    )
    kaz = {"key": (10, 20), "countries": ["KAZ"], "kb_type": "country", "label": "GPE"}
    subject, actors, how = parts.actors.actor(d[3], {2: kaz}, None)
    assert (subject.i, [(t.i, e["countries"]) for t, e in actors], how) == (1, [(2, ["KAZ"])], "subject")


def rows(annotator, text):
    doc = annotator.nlp(text)
    return sorted((s._.actor, s._.target, s._.stance) for s in doc.spans["claims"])


def test_no_longer_negates_the_verb(annotator):
    assert rows(annotator, "Kazakhstan no longer supports Russia.") == [("KAZ", "RUS", "oppose")]
    assert rows(annotator, "Kazakhstan never supported Russia.") == [("KAZ", "RUS", "oppose")]
    assert rows(annotator, "Kazakhstan supports Russia.") == [("KAZ", "RUS", "support")]
