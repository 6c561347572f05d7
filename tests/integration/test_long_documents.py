"""Long documents in bounded memory: a document longer than ``Settings.chunk_chars`` goes through
the pipeline in pieces of whole paragraphs (time and memory follow the piece, not the square of
the document), its rows stream into the cache piece by piece, and the layers are the same as
when the pieces are not cut (for text whose rows do not reach across paragraphs; the conflict an
article is about, which the claim rules lend to a sentence naming none, reaches only across its
piece)."""

from __future__ import annotations

import random
from dataclasses import replace

from conftest import load

from pipeline.build import Annotator, cached_lines, store_result
from pipeline.ingest.manifest import DocInput
from pipeline.io import dumps
from pipeline.publish import annotate_to_dir
from pipeline.quality.audit import validate_dir
from pipeline.schema import to_dict

STATES = ["Kazakhstan", "Russia", "Ukraine", "China", "France", "Poland", "Uzbekistan", "Germany", "Georgia"]
VERBS = ["condemned", "supported", "criticised", "welcomed", "rejected", "backed"]


def long_text(paragraphs: int, seed: int = 0) -> str:
    """Dense text about states: every sentence names three of them."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        sents = []
        for _ in range(4):
            a, b, c = rng.sample(STATES, 3)
            sents.append(f"{a} {rng.choice(VERBS)} {b} over its policy toward {c}.")
        out.append(" ".join(sents))
    return "Positions of states\n\n" + "\n\n".join(out) + "\n"


def test_a_long_document_is_cut_into_pieces_of_whole_paragraphs(annotator, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(long_text(600), encoding="utf-8")
    prepared = annotator.prepare(DocInput(path, "long"))
    text = prepared.document.text
    limit = annotator.settings.chunk_chars
    assert len(text) > 2 * limit
    chunks = prepared.chunks
    assert len(chunks) >= 3 and all(b - a <= limit for a, b in chunks)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert all(b == c for (_, b), (c, _) in zip(chunks, chunks[1:]))  # no gap, no overlap
    starts = {p.start for p in prepared.document.paragraphs}
    assert all(b in starts for _, b in chunks[:-1])  # every cut falls where a paragraph begins


def test_pieces_give_the_same_layers_as_one_doc(annotator, tmp_path):
    path = tmp_path / "mid.txt"
    path.write_text(long_text(40, seed=1), encoding="utf-8")
    item = DocInput(path, "mid")
    small = Annotator(replace(annotator.settings, chunk_chars=700), nlp=annotator.nlp)
    assert len(small.prepare(item).chunks) > 5 and len(annotator.prepare(item).chunks) == 1
    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    annotate_to_dir([item], whole, annotator, progress=False)
    annotate_to_dir([item], pieces, small, progress=False)
    for layer in ("documents", "sentences", "entities"):
        assert load(pieces / f"{layer}.jsonl") == load(whole / f"{layer}.jsonl"), layer

    # A claim row is the same but for what the whole document lends a sentence (the conflict an
    # article is about reaches no further than its piece).
    def rows(folder):
        return [{k: v for k, v in c.items() if k != "conflict"} for c in load(folder / "claims.jsonl")]

    assert rows(pieces) == rows(whole) and len(rows(whole)) > 40
    assert validate_dir(pieces) == []
    # The pieces arrive one by one, flagged first and last, with ids that continue.
    pieces_seen = list(small.chunk_records([item]))
    assert [(p.first, p.last) for p in pieces_seen][:2] == [(True, False), (False, False)]
    assert pieces_seen[-1].last and sum(p.last for p in pieces_seen) == 1
    sent_ids = [s.sent_id for p in pieces_seen for s in p.sentences]
    assert sent_ids == [f"mid:s{n:03d}" for n in range(len(sent_ids))]


def test_cache_entries_round_trip_line_by_line(annotator, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(long_text(3), encoding="utf-8")
    records = annotator.annotate(DocInput(path, "a"))
    store_result(tmp_path / "cache", "k" * 64, records)
    lines = list(cached_lines(tmp_path / "cache", "k" * 64))
    want = [("documents", records[0])] + [
        (layer, r) for layer, rows in zip(("sentences", "entities", "claims"), records[1:]) for r in rows
    ]
    assert lines == [(layer, dumps(to_dict(r)) + "\n") for layer, r in want]


def test_batches_are_bounded_in_characters(annotator, tmp_path, monkeypatch):
    """The pieces of a long document go through ``nlp.pipe`` a few at a time: a batch's arrays
    grow with its text (16 pieces of 40,000 characters took 1.7 GB)."""
    path = tmp_path / "long.txt"
    path.write_text(long_text(720), encoding="utf-8")
    sizes: list[int] = []
    real = annotator.nlp.pipe

    def pipe(batch, **kwargs):
        if kwargs.get("as_tuples"):  # the build's batches (components may pipe texts of their own)
            batch = list(batch)
            sizes.append(sum(len(doc.text) for doc, _ in batch))
        return real(batch, **kwargs)

    monkeypatch.setattr(annotator.nlp, "pipe", pipe)
    records = annotator.annotate(DocInput(path, "long"))
    assert len(sizes) >= 2 and max(sizes) <= annotator.settings.batch_chars
    assert sum(sizes) == len(records[0].text)
