"""spaCy ``DocBin`` files and a ``spacy train`` config for NER and claim spans (spancat).

``OUT/spacy/train.spacy`` and ``dev.spacy`` hold one ``Doc`` per paragraph, tokenized by the
project's tokenizer; the split is the dataset's (``huggingface.section_split``: a paragraph
goes where its section goes). In each ``Doc``:

- ``doc.ents``: the mentions (label = entity label, ``kb_id_`` = Wikidata QID);
- ``doc.spans["claims"]``: one span per claim row, label = stance, ``kb_id_`` =
  ``ACTOR>TARGET`` (ISO3), ``id_`` = the row id;
- ``doc.user_data``: ``doc_id``, ``paragraph``, ``offset`` (where the paragraph starts in
  the document's text) and per claim row its ``topic``.

``OUT/spacy/config.cfg`` comes from ``spacy init config`` (English, ``ner`` + ``spancat``,
optimised for efficiency, CPU) with the paths to the two files, the project's tokenizer and
``spans_key = "claims"``; its suggester proposes every n-gram up to the longest claim. The
paths are relative to ``OUT/spacy``: train there (``cd OUT/spacy && python -m spacy train
config.cfg --output model``) or pass ``--paths.train``/``--paths.dev``.
"""

from __future__ import annotations

from typing import Optional

from pipeline.export.common import ExportError, blank_nlp, counts, load_corpus, paragraph_units, row_id
from pipeline.export.huggingface import section_split
from pipeline.io import atomic_path, write_text
from pipeline.paths import out_path
from pipeline.registry import exporters

SPANS_KEY = "claims"


def docs(bundles):
    """(split, Doc) per paragraph."""
    nlp = blank_nlp()
    for b in bundles:
        sections = [p["section"] for p in b.doc["paragraphs"]]
        for u in paragraph_units(b):
            doc = nlp(u.text)
            ents = []
            for e in u.entities:
                span = doc.char_span(
                    e["start"] - u.start, e["end"] - u.start, label=e["label"], kb_id=e.get("kb_id") or ""
                )
                if span is None:
                    raise ExportError(f"{e['ent_id']}: {e['text']!r} does not start and end on token boundaries")
                ents.append(span)
            doc.ents = ents
            claims = []
            for c in u.claims:
                span = doc.char_span(
                    c["start"] - u.start,
                    c["end"] - u.start,
                    label=c["stance"],
                    kb_id=f"{c['actor']}>{c['target']}",
                    span_id=row_id(c),
                )
                if span is None:
                    raise ExportError(f"{c['claim_id']}: the claim does not start and end on token boundaries")
                claims.append(span)
            doc.spans[SPANS_KEY] = claims
            doc.user_data.update(
                {"doc_id": u.doc_id, "paragraph": u.index, "offset": u.start, "topics": [c["topic"] for c in u.claims]}
            )
            yield section_split(u.doc_id, sections[u.index]), doc


def train_config(max_claim_tokens: int) -> str:
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner", "spancat"], optimize="efficiency", gpu=False, silent=True)
    config["paths"]["train"] = "train.spacy"
    config["paths"]["dev"] = "dev.spacy"
    config["nlp"]["tokenizer"] = {"@tokenizers": "stance_corpus.marker_tokenizer.v1"}
    spancat = config["components"]["spancat"]
    spancat["spans_key"] = SPANS_KEY
    spancat["suggester"] = {
        "@misc": "spacy.ngram_range_suggester.v1",
        "min_size": 1,
        "max_size": max(1, max_claim_tokens),
    }
    return config.to_str()


@exporters.register("spacy")
def export_spacy(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    from spacy.tokens import DocBin

    out = out_path(out or "exports", "spacy")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    bins = {"train": DocBin(store_user_data=True), "dev": DocBin(store_user_data=True)}
    longest = 1
    for split, doc in docs(bundles):
        bins["dev" if split == "test" else "train"].add(doc)
        longest = max([longest] + [len(s) for s in doc.spans[SPANS_KEY]])
    for name, db in bins.items():
        with atomic_path(out / f"{name}.spacy") as tmp:
            tmp.write_bytes(db.to_bytes())
    write_text(out / "config.cfg", train_config(longest))
    return {"spacy": counts(bundles, train_docs=len(bins["train"]), dev_docs=len(bins["dev"]))}
