"""The conflict detector: which conflict a sentence concerns, from data (sentences written for the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.nlp.conflicts import ConflictDetector, load_book

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "conflicts_small.jsonl"


@pytest.fixture(scope="module")
def detect(annotator):
    nlp = annotator.nlp
    detector = ConflictDetector(nlp)
    detector.initialize(conflicts_path=str(FIXTURE))

    def run(text):
        doc = detector(nlp(text))
        return [list(s._.conflicts) for s in doc.sents], doc._.conflicts

    return run


def test_a_territory_names_its_conflict(detect):
    sents, doc = detect("We do not recognise the annexation of the occupied Syrian Golan.")
    assert sents == [["israel_syria"]]
    assert doc == ["israel_syria"]


def test_vocabulary_names_its_conflict(detect):
    sents, _ = detect("Egypt and Sudan want a binding agreement on the Grand Ethiopian Renaissance Dam.")
    assert sents == [["nile_dam"]]


def test_one_party_needs_a_war_word(detect):
    sents, _ = detect("Russia exports grain. Russia continues the war.")
    assert sents == [[], ["russia_ukraine"]]


def test_two_opposing_sides_name_the_conflict_without_a_war_word(detect):
    sents, _ = detect("Ethiopia and Egypt met in Cairo.")
    assert sents == [["nile_dam"]]


def test_neutrality_with_no_conflict_named_has_none(detect):
    sents, doc = detect("Switzerland has remained neutral for two centuries.")
    assert sents == [[]]
    assert doc == []


def test_the_war_takes_the_conflict_of_its_context(detect):
    sents, _ = detect("Israel occupies the Golan Heights. The occupation must end. Both parties should talk.")
    assert sents == [["israel_syria"], ["israel_syria"], ["israel_syria"]]


def test_two_conflicts_in_one_document(detect):
    text = "Russia invaded Ukraine in 2022. Egypt fears the GERD. The dispute is old."
    sents, doc = detect(text)
    assert sents == [["russia_ukraine"], ["nile_dam"], ["nile_dam"]]
    assert set(doc) == {"russia_ukraine", "nile_dam"}


def test_the_book_knows_sides_and_named_parties():
    book = load_book(FIXTURE)
    golan = book.get("israel_syria")
    assert golan.designated == ("ISR",)
    assert golan.victims == ("SYR",)
    dam = book.get("nile_dam")
    assert dam.designated == () and dam.opponents("EGY") == ("ETH",)
    assert [c.id for c in book.with_party("SDN")] == ["nile_dam"]


def test_war_words_and_phrases_are_found_once_per_doc_and_kept_inside_their_sentence(annotator):
    from pipeline.nlp.conflicts import has_pointer, pointer_spans

    book = load_book(FIXTURE)
    # Both0 parties1 met2 .3 | The4 War5 ended6 .7 | Peace8 came9 to10 both11 | parties12 rejoiced13 .14
    doc = annotator.nlp.make_doc("Both parties met. The War ended. Peace came to both parties rejoiced.")
    for i in range(len(doc)):
        doc[i].is_sent_start = i in (0, 4, 8, 12)
    spans = pointer_spans(doc, book)
    assert spans == [(0, 2), (5, 6), (11, 13)]  # "both parties", "War" (by its lower case), "both parties"
    # the last phrase crosses a sentence boundary: neither sentence speaks of a conflict by it
    assert [has_pointer(s, spans) for s in doc.sents] == [True, True, False, False]
