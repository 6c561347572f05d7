"""A small public API for audit scripts.

    from pipeline import Corpus
    c = Corpus.load("annotations")          # every collection (the articles and the statements)
    c.claims(actor="KAZ", stance="oppose")   # the automatic layer
    c.claims("gold", collection="ungd", year=2023, target="RUS")
    c.document(doc_id).sentence_of(span)
    c.validate()

Every collection of the folder is read (``pipeline.layers``), and every record carries its
document's ``collection``. Records are the schema models of ``pipeline.schema`` (attribute
access: ``claim.actor``) with that one field added, loaded without validation so that a broken
layer can still be read and ``validate()`` run. Claim layers: ``automatic`` (``auto`` too),
``gold`` (every collection's gold claim rows: the articles', the passages', the statements' gold
sample and sealed test) and ``machine`` (the statements' machine-coded layer), both as the build
writes them (``pipeline/quality/coded_layers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline import schema
from pipeline.io import read_jsonl
from pipeline.layers import require_layers
from pipeline.schema import Claim, Entity, Sentence


class SentenceRecord(Sentence):
    collection: str = ""


class EntityRecord(Entity):
    collection: str = ""


class ClaimRecord(Claim):
    collection: str = ""


# Claim layers and the names they are asked for by.
LAYER_NAMES = {"automatic": "automatic", "auto": "automatic", "gold": "gold", "machine": "machine"}


def _construct(model, row: dict, collection: str):
    return model.model_construct(**{**row, "collection": collection})


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

    @property
    def collection(self) -> str:
        return self.record.collection

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


def _year(doc: schema.Document) -> Optional[int]:
    if doc.year is not None:
        return int(doc.year)
    date = doc.date or ""
    return int(date[:4]) if date[:4].isdigit() else None


class Corpus:
    def __init__(self, path: Path, documents, sentences, entities, claims: dict[str, list]):
        self.path = path
        self._documents = {d.doc_id: Document(d) for d in documents}
        for s in sentences:
            self._documents[s.doc_id].sentences.append(s) if s.doc_id in self._documents else None
        for e in entities:
            self._documents[e.doc_id].entities.append(e) if e.doc_id in self._documents else None
        self._claims = {name: claims.get(name, []) for name in dict.fromkeys(LAYER_NAMES.values())}

    @classmethod
    def load(cls, path: str | Path = "annotations") -> "Corpus":
        """Every collection under ``path`` (an annotations folder or one collection's folder)."""
        path = Path(path)
        try:
            folders = require_layers(path)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path}: no documents layer here or in a subfolder; is this an annotations folder?"
            ) from None
        documents: list[schema.Document] = []
        rows: dict[str, list] = {"sentences": [], "entities": [], "automatic": [], "gold": [], "machine": []}
        for folder in folders:
            collection: dict[str, str] = {}
            for doc in folder.documents():
                collection[doc["doc_id"]] = doc["collection"]
                documents.append(schema.Document.model_construct(**doc))
            at = lambda row: collection.get(row.get("doc_id"), folder.name)  # noqa: E731
            for layer, model, key in (
                ("sentences", SentenceRecord, "sentences"),
                ("entities", EntityRecord, "entities"),
                ("claims", ClaimRecord, "automatic"),
            ):
                if folder.path(layer).is_file():
                    rows[key] += [_construct(model, r, at(r)) for r in folder.rows(layer)]
            for key, coded in (("gold", folder.gold_claims), ("machine", folder.machine_claims)):
                if coded is not None:
                    rows[key] += [_construct(ClaimRecord, r, at(r)) for r in read_jsonl(coded)]
        return cls(
            path,
            documents,
            rows["sentences"],
            rows["entities"],
            {"automatic": rows["automatic"], "gold": rows["gold"], "machine": rows["machine"]},
        )

    @property
    def documents(self) -> list[Document]:
        return list(self._documents.values())

    @property
    def collections(self) -> list[str]:
        return sorted({d.record.collection for d in self._documents.values()})

    def document(self, doc_id: str) -> Document:
        return self._documents[doc_id]

    def claims(
        self,
        layer: str = "automatic",
        *,
        collection: Optional[str] = None,
        actor: Optional[str] = None,
        target: Optional[str] = None,
        conflict: Optional[str] = None,
        year: Optional[int] = None,
        **fields: Any,
    ) -> list:
        """Claim rows of ``layer`` (``automatic``, ``gold`` or ``machine``) that match every
        filter: ``collection``, ``actor``, ``target``, ``conflict`` (rows without a ``conflict``
        field match none), ``year`` (of the document) and any other field by equality, e.g.
        ``claims(actor="KAZ", stance="oppose")``."""
        if layer not in LAYER_NAMES:
            raise ValueError(f"layer must be one of {', '.join(LAYER_NAMES)}, not {layer!r}")
        wanted = dict(fields)
        wanted.update({k: v for k, v in (("collection", collection), ("actor", actor), ("target", target)) if v})
        out = []
        for c in self._claims[LAYER_NAMES[layer]]:
            if conflict is not None and getattr(c, "conflict", None) != conflict:
                continue
            if year is not None:
                doc = self._documents.get(c.doc_id)
                if doc is None or _year(doc.record) != int(year):
                    continue
            if all(getattr(c, k, None) == v for k, v in wanted.items()):
                out.append(c)
        return out

    def validate(self):
        from pipeline.quality.audit import validate_dir

        return validate_dir(self.path)
