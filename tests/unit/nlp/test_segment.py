"""Doc -> records: offsets, ids, and texts longer than the parser's max_length."""

from __future__ import annotations

from pipeline.build import Annotator
from pipeline.ingest.manifest import DocInput
from pipeline.nlp.segment import chunk_bounds


def test_chunk_bounds_cut_at_paragraphs_then_sentences_then_spaces():
    text = "Aaa bbb.\n\nCcc ddd. Eee fff ggg"
    assert chunk_bounds(text, 100) == [(0, len(text))]
    assert chunk_bounds(text, 12) == [(0, 10), (10, 19), (19, 30)]
    assert [text[a:b] for a, b in chunk_bounds(text, 12)] == ["Aaa bbb.\n\n", "Ccc ddd. ", "Eee fff ggg"]
    assert chunk_bounds(text, 9) == [(0, 4), (4, 10), (10, 19), (19, 27), (27, 30)]
    assert chunk_bounds("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_a_paragraph_longer_than_max_length_is_processed_in_pieces(annotator: Annotator, tmp_path):
    sentence = "Kazakhstan condemned Russia and supported Ukraine. "
    path = tmp_path / "long.txt"
    path.write_text("Central Asia and the war\n\n" + sentence * 40 + "\n", encoding="utf-8")
    whole = annotator.annotate(DocInput(path, "long"))
    old = annotator.nlp.max_length
    annotator.nlp.max_length = 500  # ~10 sentences a piece
    try:
        cut = annotator.annotate(DocInput(path, "long"))
    finally:
        annotator.nlp.max_length = old
    document, sentences, entities, claims = cut
    text = document.text
    assert [s.sent_id for s in sentences] == [f"long:s{i:03d}" for i in range(40)]
    assert [e.ent_id for e in entities] == [f"long:e{i:04d}" for i in range(len(entities))]
    assert all(text[x.start : x.end] == x.text for x in [*sentences, *entities, *claims])
    assert [(s.start, s.end) for s in sentences] == [(s.start, s.end) for s in whole[1]]
    assert [(e.start, e.end, e.country) for e in entities] == [(e.start, e.end, e.country) for e in whole[2]]
    assert len(entities) == 3 * 40
    assert {(c.actor, c.target, c.stance) for c in claims} == {("KAZ", "RUS", "oppose"), ("KAZ", "UKR", "support")}
    assert len(claims) == 80
