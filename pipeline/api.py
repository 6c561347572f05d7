"""A small public API for audit scripts.

    from pipeline import Corpus
    c = Corpus.load("annotations")
    c.claims(actor="KAZ", stance="oppose")
    c.document(doc_id).sentence_of(span)
    c.validate()

Records are the schema models of ``pipeline.schema`` (attribute access: ``claim.actor``),
loaded without validation so that a broken layer can still be read and ``validate()`` run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline import schema
from pipeline.io import read_jsonl
from pipeline.schema import Claim, Entity, Sentence


def _load(path: Path, model) -> list:
    return [model.model_construct(**row) for row in read_jsonl(path)] if path.is_file() else []


def _start_end(span) -> tuple[int, int]:
    if isinstance(span, dict):
        return span["start"], span["end"]
    if isinstance(span, tuple):
        return span
    return span.start, span.end


@dataclass
class Document:
    """A document record with its sentences and entities."""

    record: schema.Document
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.record.doc_id

    @property
    def text(self) -> str:
        return self.record.text

    def sentence_of(self, span) -> Optional[Sentence]:
        """The sentence that holds ``span`` (any record with start/end, a dict or a (start, end) tuple)."""
        start, end = _start_end(span)
        return next((s for s in self.sentences if s.start <= start and end <= s.end), None)

    def footnote(self, label: str):
        # Records are loaded unvalidated (model_construct): nested values stay plain dicts.
        notes: list[Any] = self.record.footnotes
        return next((f for f in notes if f["label"] == label), None)

    def entities_in(self, span) -> list[Entity]:
        start, end = _start_end(span)
        return [e for e in self.entities if start <= e.start and e.end <= end]


class Corpus:
    def __init__(self, path: Path, documents, sentences, entities, claims, gold):
        self.path = path
        self._documents = {d.doc_id: Document(d) for d in documents}
        for s in sentences:
            self._documents[s.doc_id].sentences.append(s) if s.doc_id in self._documents else None
        for e in entities:
            self._documents[e.doc_id].entities.append(e) if e.doc_id in self._documents else None
        self._claims = {"auto": claims, "gold": gold}

    @classmethod
    def load(cls, path: str | Path = "annotations") -> "Corpus":
        path = Path(path)
        if not (path / "documents.jsonl").is_file():
            raise FileNotFoundError(f"{path}: no documents.jsonl; is this an annotations folder?")
        return cls(
            path,
            _load(path / "documents.jsonl", schema.Document),
            _load(path / "sentences.jsonl", Sentence),
            _load(path / "entities.jsonl", Entity),
            _load(path / "claims.jsonl", Claim),
            _load(path / "gold" / "claims.jsonl", Claim),
        )

    @property
    def documents(self) -> list[Document]:
        return list(self._documents.values())

    def document(self, doc_id: str) -> Document:
        return self._documents[doc_id]

    def claims(self, layer: str = "auto", **filters) -> list[Claim]:
        """Claim rows of ``layer`` ("auto" or "gold") whose fields equal every filter given,
        e.g. ``claims(actor="KAZ", stance="oppose")``."""
        return [c for c in self._claims[layer] if all(getattr(c, k) == v for k, v in filters.items())]

    def validate(self):
        from pipeline.quality.audit import validate_dir

        return validate_dir(self.path)
