"""The indexed attribute ruler gives spaCy's attribute ruler's matches and token attributes:
with the base model's own patterns on text written for these tests, with patterns using every
kind of test the index reads, and through spaCy's Matcher for patterns it does not read."""

from __future__ import annotations

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from pipeline.executors import torch_hidden
from pipeline.nlp.attribute_ruler import IndexedAttributeRuler
from pipeline.nlp.language import model_attribute_patterns
from pipeline.settings import Settings

TEXT = (
    "Kazakhstan's president didn't attend; Uzbekistan's ministers ain't neutral.\n"
    "  The Baltic states  called on both parties to cease fire, and we'd gonna say 'no' to war.\n"
    "It's 2023: the U.S. and the E.U. couldn't agree, nor could Astana, 'cause they wouldn't."
)


@pytest.fixture(scope="module")
def base():
    with torch_hidden():
        return spacy.load(Settings().spacy_model)


def _rulers(nlp, patterns):
    stock, indexed = AttributeRuler(nlp.vocab), IndexedAttributeRuler(nlp.vocab)
    stock.add_patterns(patterns)
    indexed.add_patterns(patterns)
    return stock, indexed


def _parsed(base, text=TEXT):
    with base.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        return base(text)


def test_the_base_models_patterns_match_as_spacys_matcher_does(base):
    stock, indexed = _rulers(base, model_attribute_patterns(Settings().spacy_model))
    doc = _parsed(base)
    expected = stock.match(doc)
    assert len(expected) > len(doc)  # every token has its tag pattern, some more
    assert indexed.match(doc) == expected
    assert indexed._plan is not None  # the index, not the fallback
    a, b = _parsed(base), _parsed(base)
    stock(a)
    indexed(b)
    assert [(t.pos_, str(t.morph), t.tag_) for t in a] == [(t.pos_, str(t.morph), t.tag_) for t in b]


def test_the_pipelines_attribute_ruler_is_the_indexed_one_with_the_base_models_patterns(annotator, base):
    ruler = annotator.nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, IndexedAttributeRuler)
    assert ruler.patterns == base.get_pipe("attribute_ruler").patterns


PATTERNS = [
    {"patterns": [[{"LOWER": "parties"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"TAG": {"IN": ["NNP", "NNPS"]}, "LOWER": {"NOT_IN": ["astana"]}}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": {"REGEX": "^u\\."}}, {"ORTH": "and"}]], "attrs": {"LEMMA": "US"}, "index": -1},
    {"patterns": [[{"IS_SPACE": True, "TAG": "_SP"}]], "attrs": {"POS": "SPACE"}},
    {"patterns": [[{"DEP": {"NOT_IN": ["ROOT", "prep"]}, "IS_PUNCT": True}]], "attrs": {"POS": "SYM"}},
    {
        "patterns": [[{"TEXT": "on"}, {"LOWER": "both"}, {"DEP": {"IN": ["pobj", "dobj"]}, "LOWER": "parties"}]],
        "attrs": {"LEMMA": "both-parties"},
        "index": 1,
    },
    {"patterns": [[{"LOWER": {"IN": ["war", "fire"], "NOT_IN": ["fire"]}}]], "attrs": {"POS": "NOUN"}},
    {"patterns": [[{"POS": "PUNCT"}], [{"ORTH": "'"}]], "attrs": {"MORPH": "PunctType=Quot"}},
]


def test_every_kind_of_test_the_index_reads_matches_as_spacys_matcher_does(base):
    stock, indexed = _rulers(base, PATTERNS)
    doc = _parsed(base)
    expected = stock.match(doc)
    assert {m[0] for m in expected} == set(range(len(PATTERNS)))  # each pattern matched somewhere
    assert indexed.match(doc) == expected
    assert indexed._plan is not None
    assert indexed.match(_parsed(base, "")) == []


def test_a_pattern_the_index_does_not_read_sends_the_ruler_to_spacys_matcher(base):
    patterns = PATTERNS + [{"patterns": [[{"LOWER": "the"}, {"IS_ALPHA": True, "OP": "+"}]], "attrs": {"POS": "X"}}]
    stock, indexed = _rulers(base, patterns)
    doc = _parsed(base)
    assert indexed.match(doc) == stock.match(doc)
    assert indexed._plan is None


def test_patterns_added_after_a_match_are_matched(base):
    stock, indexed = _rulers(base, PATTERNS[:1])
    doc = _parsed(base)
    indexed.match(doc)
    stock.add_patterns(PATTERNS[1:3])
    indexed.add_patterns(PATTERNS[1:3])
    assert indexed.match(doc) == stock.match(doc)
    indexed.clear()
    assert indexed.match(doc) == []


def test_the_indexed_ruler_saves_and_loads_its_patterns(base):
    _, indexed = _rulers(base, PATTERNS)
    again = IndexedAttributeRuler(base.vocab).from_bytes(indexed.to_bytes())
    assert again.patterns == indexed.patterns
    doc = _parsed(base)
    assert again.match(doc) == indexed.match(doc)
