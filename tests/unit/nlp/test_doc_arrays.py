"""What the components read from a Doc's arrays instead of its Token objects: line starts for
``paragraph_sentences``, each token's lemma, part of speech and dependency for the claim rules,
and the records built from the caller's copy of the text."""

from __future__ import annotations

from spacy.attrs import SENT_START

from pipeline.ingest.manifest import DocInput
from pipeline.nlp.claims.doc_words import DocWords
from pipeline.nlp.markers import line_starts, paragraph_sentences
from pipeline.nlp.segment import doc_records

TEXT = "Positions\n\n3. Kazakhstan abstained.\n  \n* Tashkent   spoke.\nIt ended."


def test_line_starts_are_the_first_word_and_each_first_word_after_a_line_break(annotator):
    doc = annotator.nlp.make_doc(TEXT)
    words = [doc[i].text for i in line_starts(doc)]
    assert words == ["Positions", "3", "*", "It"]
    assert line_starts(annotator.nlp.make_doc("")) == []
    assert line_starts(annotator.nlp.make_doc("\n\n ")) == []
    assert [doc2[i].text for doc2 in [annotator.nlp.make_doc("\nA b.")] for i in line_starts(doc2)] == ["A"]


def test_paragraph_sentences_marks_line_starts_and_list_numbers(annotator):
    doc = paragraph_sentences(annotator.nlp.make_doc(TEXT))
    starts = [t.text for t, s in zip(doc, doc.to_array(SENT_START).tolist()) if s == 1]
    # "3" "." stands alone: the item's first sentence starts after it
    assert starts == ["Positions", "3", "Kazakhstan", "*", "It"]
    three = next(t for t in doc if t.text == "3")
    assert doc[three.i + 1].is_sent_start is False
    assert next(t for t in doc if t.text == "Tashkent").is_sent_start is None  # left to the parser


def test_doc_words_match_the_tokens(annotator):
    doc = annotator.nlp("Russia's Waging of the war was condemned by Ukraine.")
    words = DocWords.of(doc)
    assert words.lemmas == [t.lemma_.lower() for t in doc]
    assert words.pos == [t.pos for t in doc]
    assert words.deps == [t.dep_ for t in doc]
    assert words.lemma_set(doc[2:6]) == frozenset(t.lemma_.lower() for t in doc[2:6])


def test_records_from_the_callers_text_equal_those_from_doc_text(annotator, tmp_path):
    path = tmp_path / "t1.txt"
    path.write_text("Kazakhstan condemned Russia.\n\nUzbekistan stayed neutral.\n", encoding="utf-8")
    item = annotator.prepare(DocInput(path, "t1"))
    doc = annotator.nlp(item.document.text)
    ours = doc_records(doc, item.ctx, text=item.document.text)
    theirs = doc_records(doc, item.ctx)
    assert ours == theirs
    assert [s.text for s in ours[0]] == ["Kazakhstan condemned Russia.", "Uzbekistan stayed neutral."]
