"""Run the stages over documents and write the layers.

Documents are streamed: each is cleaned, parsed paragraph by paragraph inside
``nlp.memory_zone()`` (so the StringStore does not grow) and written out before the next
is read. All layers are written to temporary files and renamed into place together at
the end, so a failure leaves the previous output untouched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

from spacy.language import Language
from tqdm import tqdm

import pipeline
from pipeline.nlp.claims import ClaimAnnotator
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.manifest import DocInput
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.sources import read_source
from pipeline.io import LayerWriter
from pipeline.nlp.engines import load_engine
from pipeline.nlp.language import model_info
from pipeline.records import Claim, Document, Entity, Sentence
from pipeline.nlp.segment import paragraph_records
from pipeline.settings import Settings

META_FIELDS = ("title", "authors", "date", "publisher", "series", "source", "licence")


class Annotator:
    """Holds the loaded models; ``annotate(doc_input)`` returns one document's records."""

    def __init__(self, settings: Settings | None = None, nlp: Language | None = None, claims=None):
        self.settings = settings or Settings()
        # The engine gives sentences and entities (engines.py); the rest is shared.
        self.engine = load_engine(self.settings, nlp)
        self.nlp = self.engine.nlp
        self.debris = load_debris_patterns(self.settings.debris_path)
        self.claims = claims or ClaimAnnotator(self.settings)
        spacy_model = model_info(self.nlp)
        model = self.engine.model
        self.kb = self.engine.kb
        self.record_source = {"component": None, "version": pipeline.__version__,
                              "model": model["name"], "model_version": model["version"]}
        self.produced_by = {
            "pipeline": "stance-corpus", "version": pipeline.__version__, "spacy": spacy_model["spacy"],
            "model": {"name": spacy_model["name"], "version": spacy_model["version"]},
            "components": self.nlp.pipe_names, "kb_sha256": self.kb.sha256,
            "claims": getattr(self.claims, "name", "rules"),
            **self.engine.produced_by,
        }

    def annotate(self, item: DocInput) -> tuple[Document, list[Sentence], list[Entity], list[Claim]]:
        s = self.settings
        cleaned = clean(read_source(item.path), self.debris)
        footnotes, problems = link_footnotes(cleaned, strict=s.strict_footnotes)
        meta = {k: item.meta.get(k) for k in META_FIELDS}
        for k in ("title", "authors", "date", "series"):
            if not meta.get(k):
                meta[k] = cleaned.header.get(k)
        meta["authors"] = meta["authors"] or []
        text = cleaned.text
        document = Document(
            item.doc_id, meta["title"], meta["authors"], meta["date"], meta["publisher"], meta["series"],
            meta["source"], meta["licence"], text, hashlib.sha256(text.encode("utf-8")).hexdigest(), "codepoint",
            cleaned.sections, cleaned.paragraphs, footnotes, cleaned.header, cleaned.removed_lines, problems,
            self.produced_by,
        )
        sentences: list[Sentence] = []
        entities: list[Entity] = []
        claims: list[Claim] = []
        texts = (text[p.start:p.end] for p in cleaned.paragraphs)
        self.claims.start_document(item.doc_id)
        with self.engine.memory_zone():
            for i, analysis in enumerate(self.engine.analyse(texts, batch_size=s.batch_size)):
                para = cleaned.paragraphs[i]
                sents, ents, token_sent = paragraph_records(
                    item.doc_id, text, analysis, i, para, cleaned.sections[para.section], footnotes,
                    len(sentences), len(entities), s.entity_labels, self.record_source, self.kb,
                )
                sentences += sents
                entities += ents
                claims += self.claims(item.doc_id, analysis.doc, para.start, text, sents, ents, token_sent)
        for claim in claims:  # the claims rest on the engine's parse: name it with the component
            claim.produced_by = {**self.record_source, "component": claim.annotator}
        return document, sentences, entities, claims


def annotate_to_dir(inputs: Sequence[DocInput], out_dir: str | Path, annotator: Annotator,
                    progress: bool = True) -> dict[str, int]:
    """Annotate every input and write the four layers into ``out_dir`` atomically."""
    with LayerWriter(out_dir) as writer:
        for item in tqdm(inputs, desc="documents", unit="doc", disable=not progress or len(inputs) < 2):
            document, sentences, entities, claims = annotator.annotate(item)
            writer.write("documents", [document])
            writer.write("sentences", sentences)
            writer.write("entities", entities)
            writer.write("claims", claims)
        writer.commit()
    return writer.counts

