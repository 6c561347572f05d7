"""Run the stages over documents and write the layers.

Each document is read and cleaned (``ingest``), its footnotes resolved, and the cleaned
text streamed through the configured spaCy pipeline as one Doc (a text longer than
``nlp.max_length`` in pieces cut at paragraph breaks). Documents go through ``nlp.pipe`` in
groups, each inside ``nlp.memory_zone()`` so the StringStore does not grow, and each
document's records are written before the next group is read. All layers are written to
temporary files and renamed into place together at the end, so a failure leaves the
previous output untouched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language
from tqdm import tqdm

import pipeline
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.manifest import DEFAULT_COLLECTION, DocInput
from pipeline.ingest.sources import read_source
from pipeline.io import LayerWriter
from pipeline.nlp.language import load_nlp, model_info
from pipeline.nlp.segment import DocContext, chunk_bounds, doc_records
from pipeline.schema import Claim, Document, Entity, Sentence
from pipeline.settings import Settings

META_FIELDS = ("title", "authors", "date", "publisher", "series", "source", "licence", "collection", "speaker",
               "speaker_type", "speaker_name", "speaker_post", "session", "year", "citation")


class Annotator:
    """Holds the loaded pipeline; ``annotate(doc_input)`` returns one document's records."""

    def __init__(self, settings: Settings | None = None, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp or load_nlp(self.settings)
        self.debris = load_debris_patterns(self.settings.debris_path)
        linker: Any = self.nlp.get_pipe("country_linker")
        self.kb = linker.kb
        engine = self.nlp.meta.get("engine", {"name": "spacy"})
        base = model_info(self.nlp)
        model = engine.get("model") or {"name": base["name"], "version": base["version"]}
        stance = getattr(self.nlp.get_pipe("claim_stance"), "model", None) if "claim_stance" in self.nlp.pipe_names \
            else None
        self.record_source = {"version": pipeline.__version__, "model": model["name"],
                              "model_version": model["version"]}
        self.produced_by = {
            "pipeline": "stance-corpus", "version": pipeline.__version__, "spacy": base["spacy"],
            "model": {"name": base["name"], "version": base["version"]},
            "components": self.nlp.pipe_names, "kb_sha256": self.kb.sha256,
            "claims": stance.name if stance is not None else "rules",
            **engine.get("produced_by", {}),
        }

    def prepare(self, item: DocInput) -> "Prepared":
        """Stages 1-3 for one document: its Document record and what the NLP stage needs."""
        s = self.settings
        cleaned = clean(read_source(item.path), self.debris)
        footnotes, problems = link_footnotes(cleaned, strict=s.strict_footnotes)
        meta = {k: item.meta.get(k) for k in META_FIELDS}
        for k in ("title", "authors", "date", "series"):
            if not meta.get(k):
                meta[k] = cleaned.header.get(k)
        text = cleaned.text
        document = Document(
            doc_id=item.doc_id, title=meta["title"], authors=meta["authors"] or [], date=meta["date"],
            publisher=meta["publisher"], series=meta["series"], source=meta["source"], licence=meta["licence"],
            collection=item.collection, speaker=meta["speaker"], speaker_type=meta["speaker_type"],
            speaker_name=meta["speaker_name"], speaker_post=meta["speaker_post"], session=meta["session"],
            year=meta["year"], citation=meta["citation"] or [], text=text, text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), offset_unit="codepoint",
            sections=cleaned.sections, paragraphs=cleaned.paragraphs, footnotes=footnotes, header=cleaned.header,
            removed_lines=cleaned.removed_lines, problems=problems, produced_by=self.produced_by,
        )
        ctx = DocContext(item.doc_id, cleaned.sections, cleaned.paragraphs, footnotes, s.entity_labels,
                         self.record_source)
        return Prepared(document, ctx, chunk_bounds(text, self.nlp.max_length))

    def annotate_stream(self, inputs: Iterable[DocInput]) -> Iterator[Records]:
        """Each document's records, in input order."""
        items = iter(inputs)
        while group := [self.prepare(item) for item in islice(items, self.settings.docs_per_zone)]:
            with self.nlp.memory_zone():
                texts = ((self._make_doc(p.document.text[a:b], p.document.speaker), (k, a))
                         for k, p in enumerate(group) for a, b in p.chunks)
                done: list[tuple[list, list, list]] = [([], [], []) for _ in group]
                for doc, (k, base) in self.nlp.pipe(texts, as_tuples=True, batch_size=self.settings.batch_size):
                    sents, ents, claims = done[k]
                    new_sents, new_ents, new_claims = doc_records(doc, group[k].ctx, base, len(sents), len(ents))
                    sents.extend(new_sents)
                    ents.extend(new_ents)
                    claims.extend(new_claims)
                for p, (sents, ents, claims) in zip(group, done):
                    yield p.document, sents, ents, claims

    def _make_doc(self, text: str, speaker):
        # A statement's speaker is what first-person phrases refer to (claim_rules reads it).
        doc = self.nlp.make_doc(text)
        doc._.speaker = speaker
        return doc

    def annotate(self, item: DocInput) -> Records:
        return next(self.annotate_stream([item]))


@dataclass(frozen=True)
class Prepared:
    document: Document
    ctx: DocContext
    chunks: list[tuple[int, int]]


Records = tuple[Document, list[Sentence], list[Entity], list[Claim]]


def annotate_to_dir(inputs: Sequence[DocInput], out_dir: str | Path, annotator: Annotator,
                    progress: bool = True, compress: bool = False) -> dict[str, int]:
    """Annotate every input and write the four layers into ``out_dir`` atomically."""
    with LayerWriter(out_dir, compress=compress) as writer:
        stream = annotator.annotate_stream(inputs)
        for document, sentences, entities, claims in tqdm(stream, total=len(inputs), desc="documents", unit="doc",
                                                          disable=not progress or len(inputs) < 2):
            writer.write("documents", [document])
            writer.write("sentences", sentences)
            writer.write("entities", entities)
            writer.write("claims", claims)
        writer.commit()
    return writer.counts


def collection_dir(out_dir: str | Path, collection: str) -> Path:
    """Where a collection's layers go: the articles at the top of the output folder (plain JSONL,
    easy to diff), every other collection in its own subfolder, gzip-compressed."""
    return Path(out_dir) if collection == DEFAULT_COLLECTION else Path(out_dir) / collection


def build_collections(inputs: Sequence[DocInput], out_dir: str | Path, annotator: Annotator,
                      progress: bool = True) -> dict[str, dict[str, int]]:
    """Annotate a corpus collection by collection; returns the layer counts of each."""
    by_collection: dict[str, list[DocInput]] = {}
    for item in inputs:
        by_collection.setdefault(item.collection, []).append(item)
    return {name: annotate_to_dir(items, collection_dir(out_dir, name), annotator, progress,
                                  compress=name != DEFAULT_COLLECTION)
            for name, items in by_collection.items()}
