"""The corpus as a Hugging Face dataset: declared features, HF-ready split files, Parquet export.

The layers in ``annotations/`` carry nested, free-form ``produced_by``/``header`` dicts and
(for gold claims) fields that the automatic layer lacks, so they are not loaded directly.
``export`` derives one Parquet (or JSONL) file per config and split, with exactly the declared
columns, and rewrites the YAML header of the dataset card (``annotations/README.md``, through
``huggingface_hub.DatasetCardData``) so that ``datasets.load_dataset("annotations", name)``
works offline with fixed column types.

**Collections.** Every config reads every collection: the articles' layers at the top of the
annotations folder (``documents.jsonl`` …), each other collection's layers in its own subfolder
(``ungd/documents.jsonl.gz`` …; ``pipeline.io.layer_path`` finds either form). Gold claims are
``gold/claims.jsonl`` for the articles and ``<collection>/gold/claims.jsonl[.gz]`` for another
collection. Every row carries its ``collection``.

**One split scheme for every config** (so configs join on ``doc_id``): a whole document is in
``train`` or ``test``. A document listed in ``gold/<collection>/sample.csv`` goes where its
``split`` column says (``eval`` -> ``test``, ``dev`` -> ``train``); any other document is in
``test`` when ``sha256(doc_id) mod 5 == 0``. A split with no rows gets no file and is left out
of the card (``load_dataset`` rejects an empty Parquet file).

**Withheld text.** A document whose ``licence`` is not an open licence (``OPEN_LICENCES``) is
published with offsets and ``text_sha256`` but without its text: ``documents.text``, the
``text`` of its sentences and claims and the ``kb`` passage texts are null and
``documents.text_withheld`` is true; so are its section titles (headings are its text too).
Entity mentions (names of states and people) keep their
text. ``rehydrate`` puts the text back from a local copy whose hash matches.

Files are written as they come: rows are encoded in batches of ``ROW_GROUP`` and appended to a
``pyarrow.parquet.ParquetWriter`` as row groups, so no config is held in memory whole. The
JSONL export (``annotations/hf/``) is for reading and diffing; loaded through ``datasets``'
JSON builder, pyarrow infers ISO dates such as ``"2023-09-27"`` as timestamps.

Output is byte-identical on reruns: rows keep the order of the layers, JSON is written with
fixed separators, Parquet without statistics, and every file is written atomically.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Optional, Union, get_args, get_origin

from datasets import ClassLabel, Features, Value
from pydantic import BaseModel

from pipeline.io import LayerReadError, dumps, layer_path, publish, read_jsonl, temp_beside, write_text
from pipeline.layers import LayerFolder, layer_folders
from pipeline.nlp.parties import default_kb
from pipeline.paths import out_path
from pipeline.registry import exporters
from pipeline.schema import Claim, Document, Entity, PartyType, Sentence, Stance, Topic, party_type

CONFIGS = ("documents", "sentences", "entities", "claims", "claims_machine", "claims_auto", "kb")
DEFAULT_CONFIG = "claims_auto"
SPLITS = ("train", "validation", "test")
FOLDS = 5
ROW_GROUP = 1000
# Licences under which a document's text may be republished; any other text is withheld.
OPEN_LICENCES = ("CC0", "CC BY", "CC-BY", "MIT", "PUBLIC DOMAIN", "PDDL", "ODC-BY")


def _s() -> Value:
    return Value("string")


def _i() -> Value:
    return Value("int64")


NORMALIZED = [{"db_name": _s(), "db_id": _s()}]


def party_norm(code: str) -> dict:
    """A claim party as a BigBio normalisation: a state by its ISO 3166-1 code, an organisation by
    its id in the project's knowledge base (``org:<id>``, GUIDELINES §2.1)."""
    return {"db_name": "ISO3166-1" if party_type(code) == "state" else "stance_corpus_kb", "db_id": code}


# Column types of the record models' field types; stance, topic and party types are class labels.
PRIMITIVES = {str: "string", int: "int64", float: "float64", bool: "bool", dict: "string"}
CLASS_LABELS = (Stance, Topic, PartyType)


def _feature(annotation):
    """The datasets feature for one pydantic field type."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in CLASS_LABELS:
        return ClassLabel(names=list(get_args(annotation)))
    if origin is Union:  # Optional[X]
        return _feature(next(a for a in args if a is not type(None)))
    if origin is list:
        return [_feature(args[0])]
    if origin is Literal:
        return Value("string")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: _feature(f.annotation) for name, f in annotation.model_fields.items()}
    return Value(PRIMITIVES[annotation])


def features_of(model: type[BaseModel], drop: tuple[str, ...] = (), after: dict[str, dict] | None = None) -> Features:
    """Features derived from a record model: the layer's columns in its field order. Free-form
    dicts (``header``, ``produced_by``) become JSON strings; ``after`` inserts extra columns
    after a named field (``collection`` after ``doc_id``, the claims' ``section``)."""
    out: dict = {}
    for name, field in model.model_fields.items():
        if name in drop:
            continue
        out[name] = _feature(field.annotation)
        for extra, feature in (after or {}).get(name, {}).items():
            out[extra] = feature
    return Features(out)


COLLECTION = {"collection": _s()}
FEATURES: dict[str, Features] = {
    "documents": features_of(Document, after={"text_sha256": {"text_withheld": Value("bool")}}),
    "sentences": features_of(Sentence, after={"doc_id": COLLECTION}),
    "entities": features_of(Entity, after={"doc_id": COLLECTION}),
    "claims": features_of(
        Claim,
        drop=("produced_by",),
        after={"doc_id": COLLECTION, "sent_id": {"section": _i()}, "note": {"produced_by": _s()}},
    ),
}
FEATURES["claims_machine"] = FEATURES["claims"].copy()
FEATURES["claims_auto"] = FEATURES["claims"].copy()
FEATURES["kb"] = Features(
    {
        "id": _s(),
        "document_id": _s(),
        "collection": _s(),
        "passages": [{"id": _s(), "type": _s(), "text": [_s()], "offsets": [[_i()]]}],
        "entities": [{"id": _s(), "type": _s(), "text": [_s()], "offsets": [[_i()]], "normalized": NORMALIZED}],
        "events": [
            {
                "id": _s(),
                "type": _s(),
                "trigger": {"text": [_s()], "offsets": [[_i()]]},
                "arguments": [{"role": _s(), "ref_id": _s()}],
            }
        ],
        "coreferences": [{"id": _s(), "entity_ids": [_s()]}],
        "relations": [{"id": _s(), "type": _s(), "arg1_id": _s(), "arg2_id": _s(), "normalized": NORMALIZED}],
    }
)


class DatasetError(ValueError):
    """A layer the export cannot use; ``str()`` is one line naming the file."""


# ---------------------------------------------------------------- collections and splits


def collections(ann: str | Path) -> list[LayerFolder]:
    """Every folder of layers (``pipeline.layers``): the articles at the top, then the
    subfolders in name order, each with its gold and machine-coded claim layers."""
    return layer_folders(ann)


def coded_path(folder: LayerFolder, kind: str) -> Optional[Path]:
    """A folder's claim rows of one kind: ``auto`` (its claims layer), ``gold`` or ``machine``
    (None where the folder has no such coded layer)."""
    if kind == "auto":
        return folder.path("claims")
    return folder.gold_claims if kind == "gold" else folder.machine_claims


def _hash_mod(*key) -> int:
    return int(hashlib.sha256("\x1f".join(map(str, key)).encode("utf-8")).hexdigest(), 16) % FOLDS


def section_split(doc_id: str, section: int) -> str:
    """A split per (document, section), for exports that cut documents smaller (DocBin)."""
    return "test" if _hash_mod(doc_id, section) == 0 else "train"


def document_split(doc_id: str, fixed: dict[str, str] | None = None) -> str:
    """The split of a document: fixed by a gold sample, else ``train``."""
    if fixed and doc_id in fixed:
        return fixed[doc_id]
    return "train"


# A sample's split: dev -> train, the development test (eval) -> validation, the sealed test -> test.
SAMPLE_SPLITS = {"dev": "train", "eval": "validation", "test": "test"}
SAMPLE_FILES = ("gold/sample.csv", "gold/*/sample.csv", "gold/*/sealed/sample.csv")


def fixed_splits(ann: str | Path) -> dict[str, str]:
    """doc_id -> split for the documents of every gold sample (``SAMPLE_FILES``): the articles'
    ``gold/sample.csv``, each collection's ``gold/<collection>/sample.csv`` and its sealed test."""
    out: dict[str, str] = {}
    for sample in sorted(p for pattern in SAMPLE_FILES for p in Path(ann).glob(pattern)):
        with open(sample, newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), 2):
                if row.get("split") not in SAMPLE_SPLITS:
                    raise DatasetError(
                        f"{sample}:{n}: split must be one of {', '.join(SAMPLE_SPLITS)}, not {row.get('split')!r}"
                    )
                out[row["doc_id"]] = SAMPLE_SPLITS[row["split"]]
    return out


def text_is_open(licence: Optional[str]) -> bool:
    return bool(licence) and str(licence).upper().startswith(OPEN_LICENCES)


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _pick(row: dict, features: Features) -> dict:
    return {k: row.get(k) for k in features}


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------- row generators


class Source:
    """What every row generator needs: the collections, each document's split, collection and
    whether its text is withheld (one pass over the documents layers, without keeping texts)."""

    def __init__(self, ann: str | Path):
        self.ann = Path(ann)
        self.collections = collections(self.ann)
        fixed = fixed_splits(self.ann)
        self.split: dict[str, str] = {}
        self.collection: dict[str, str] = {}
        self.withheld: set[str] = set()
        for folder in self.collections:
            for doc in self.read(folder.folder, "documents"):
                self.split[doc["doc_id"]] = document_split(doc["doc_id"], fixed)
                self.collection[doc["doc_id"]] = folder.name
                if not text_is_open(doc.get("licence")):
                    self.withheld.add(doc["doc_id"])

    @staticmethod
    def read(folder: Path, layer: str) -> Iterator[dict]:
        return Source.read_file(layer_path(folder, layer))

    @staticmethod
    def read_file(path: Path) -> Iterator[dict]:
        try:
            yield from read_jsonl(path)
        except (FileNotFoundError, LayerReadError):
            raise
        except Exception as err:  # jsonlines wraps JSON and UTF-8 errors
            raise DatasetError(f"{path}: not valid JSONL ({err})") from None

    def layer(self, layer: str) -> Iterator[tuple[str, Path, dict]]:
        for folder in self.collections:
            for row in self.read(folder.folder, layer):
                yield folder.name, folder.folder, row

    def hide(self, row: dict, key: str = "text") -> dict:
        return dict(row, **{key: None}) if row["doc_id"] in self.withheld else row


def document_rows(src: Source) -> Iterator[dict]:
    for name, _, doc in src.layer("documents"):
        row = dict(
            doc,
            collection=name,
            header=_json(doc.get("header") or {}),
            produced_by=_json(doc.get("produced_by") or {}),
            text_withheld=doc["doc_id"] in src.withheld,
        )
        row["paragraphs"] = [
            dict(p, label=None if p.get("label") is None else str(p["label"])) for p in doc["paragraphs"]
        ]
        if doc["doc_id"] in src.withheld:  # headings are the report's text too
            row["sections"] = [dict(sec, title=None) for sec in doc["sections"]]
        yield _pick(src.hide(row), FEATURES["documents"])


def sentence_rows(src: Source) -> Iterator[dict]:
    for name, _, s in src.layer("sentences"):
        row = dict(s, collection=name, produced_by=_json(s.get("produced_by") or {}))
        yield _pick(src.hide(src.hide(row), "section_title"), FEATURES["sentences"])


def entity_rows(src: Source) -> Iterator[dict]:
    # Entity mentions (names) keep their text: a name is not the withheld article.
    for name, _, e in src.layer("entities"):
        yield _pick(dict(e, collection=name, produced_by=_json(e.get("produced_by") or {})), FEATURES["entities"])


def _claim_rows(src: Source, kind: str) -> Iterator[dict]:
    config = {"gold": "claims", "machine": "claims_machine", "auto": "claims_auto"}[kind]
    for layers in src.collections:
        name, folder, path = layers.name, layers.folder, coded_path(layers, kind)
        if path is None:
            continue  # a collection without a coded layer of this kind
        sections = {s["sent_id"]: s["section"] for s in src.read(folder, "sentences")}
        for n, c in enumerate(src.read_file(path), 1):
            if c["sent_id"] not in sections:
                raise DatasetError(
                    f"{path}:{n}: {c.get('claim_id')}: sentence {c['sent_id']} is not in "
                    f"{layer_path(folder, 'sentences')}"
                )
            row = dict(
                c, collection=name, section=sections[c["sent_id"]], produced_by=_json(c.get("produced_by") or {})
            )
            yield _pick(src.hide(row), FEATURES[config])


def claim_rows(src: Source) -> Iterator[dict]:
    return _claim_rows(src, "gold")


def claim_machine_rows(src: Source) -> Iterator[dict]:
    return _claim_rows(src, "machine")


def claim_auto_rows(src: Source) -> Iterator[dict]:
    return _claim_rows(src, "auto")


def _by_document(rows: Iterator[dict], path: Path) -> Iterator[tuple[str, list[dict]]]:
    """Consecutive rows of one document (the build writes layers document by document)."""
    seen: set[str] = set()
    current: Optional[str] = None
    batch: list[dict] = []
    for row in rows:
        if row["doc_id"] != current:
            if current is not None:
                yield current, batch
            if row["doc_id"] in seen:
                raise DatasetError(f"{path}: rows of {row['doc_id']} are not together")
            current, batch = row["doc_id"], []
            seen.add(current)
        batch.append(row)
    if current is not None:
        yield current, batch


def kb_rows(src: Source) -> Iterator[dict]:
    """One BigBio-kb-shaped record per document, from the gold claims.

    passages: the paragraphs; entities: country/organisation mentions (``normalized`` to
    ISO 3166-1 alpha-3 and Wikidata), footnote markers (normalized to the note label), one
    ``claim`` entity per gold row (claim, actor, target), and an ``implicit_country`` entity
    (no offsets) where a row's actor or target has no mention in its sentence. relations:
    ``actor`` claim->actor, the stance (``support``/``oppose``/``neutral``) claim->target,
    ``footnote`` claim->marker. One document's entities are in memory at a time.
    """
    for layers in src.collections:
        name, folder, gold = layers.name, layers.folder, layers.gold_claims
        claims_by_doc: dict[str, list[dict]] = {}
        for c in src.read_file(gold) if gold is not None else ():
            claims_by_doc.setdefault(c["doc_id"], []).append(c)
        ent_path = layer_path(folder, "entities")
        ents = _by_document(src.read(folder, "entities"), ent_path)
        pending = next(ents, None)
        claimed_sents = {c["sent_id"] for rows in claims_by_doc.values() for c in rows}
        sent_spans = {
            s["sent_id"]: (s["start"], s["end"]) for s in src.read(folder, "sentences") if s["sent_id"] in claimed_sents
        }
        for doc in src.read(folder, "documents"):
            did, text = doc["doc_id"], doc["text"]
            doc_ents: list[dict] = []
            if pending is not None and pending[0] == did:
                doc_ents = pending[1]
                pending = next(ents, None)
            yield _kb_record(
                did, name, text, doc, doc_ents, claims_by_doc.get(did, []), sent_spans, withheld=did in src.withheld
            )


def _kb_record(
    did: str,
    collection: str,
    text: str,
    doc: dict,
    doc_ents: list[dict],
    claims: list[dict],
    sent_spans: dict[str, tuple[int, int]],
    withheld: bool,
) -> dict:
    def passage_text(start: int, end: int) -> list[Optional[str]]:
        return [None if withheld else text[start:end]]

    passages = [
        {
            "id": f"{did}:p{i:03d}",
            "type": p["type"],
            "text": passage_text(p["start"], p["end"]),
            "offsets": [[p["start"], p["end"]]],
        }
        for i, p in enumerate(doc["paragraphs"])
    ]
    entities: list[dict] = []
    relations: list[dict] = []
    for e in doc_ents:
        norm = [{"db_name": "ISO3166-1", "db_id": c} for c in e["countries"]]
        if party := default_kb().party_of(e.get("kb_entry")):  # an organisation, or an organ acting for one
            norm.append(party_norm(party))
        if e.get("kb_id"):
            norm.append({"db_name": "Wikidata", "db_id": e["kb_id"]})
        entities.append(
            {
                "id": e["ent_id"],
                "type": e["label"],
                "text": [e["text"]],
                "offsets": [[e["start"], e["end"]]],
                "normalized": norm,
            }
        )
    markers = []
    for fn in doc["footnotes"]:
        for k, m in enumerate(fn["markers"]):
            mid = f"{did}:fn{fn['label']}:m{k}"
            markers.append((fn["label"], m["start"], m["end"], mid))
            entities.append(
                {
                    "id": mid,
                    "type": "footnote_marker",
                    "text": [text[m["start"] : m["end"]]],
                    "offsets": [[m["start"], m["end"]]],
                    "normalized": [{"db_name": "footnote", "db_id": f"{did}:fn{fn['label']}"}],
                }
            )
    implicit: dict[str, str] = {}

    def country_entity(code: str, mentions: list[str]) -> str:
        if mentions:
            return mentions[0]
        if code not in implicit:
            implicit[code] = f"{did}:implicit:{code}"
            entities.append(
                {
                    "id": implicit[code],
                    "type": "implicit_country",
                    "text": [],
                    "offsets": [],
                    "normalized": [party_norm(code)],
                }
            )
        return implicit[code]

    for c in claims:
        cid = f"{c['claim_id']}:{c['actor']}-{c['target']}"
        entities.append(
            {
                "id": cid,
                "type": "claim",
                "text": [None if withheld else c["text"]],
                "offsets": [[c["start"], c["end"]]],
                "normalized": [],
            }
        )
        pairs = (("actor", c["actor"], c["actor_mentions"]), (c["stance"], c["target"], c["target_mentions"]))
        for kind, code, mentions in pairs:
            relations.append(
                {
                    "id": f"{cid}:{kind}",
                    "type": kind,
                    "arg1_id": cid,
                    "arg2_id": country_entity(code, mentions),
                    "normalized": [party_norm(code)],
                }
            )
        s_start, s_end = sent_spans[c["sent_id"]]
        for label, start, _end, mid in markers:
            if label in c["footnotes"] and s_start <= start < s_end:
                relations.append(
                    {
                        "id": f"{cid}:footnote:{mid.rsplit(':', 2)[1]}:{mid.rsplit(':', 1)[1]}",
                        "type": "footnote",
                        "arg1_id": cid,
                        "arg2_id": mid,
                        "normalized": [],
                    }
                )
    return {
        "id": did,
        "document_id": did,
        "collection": collection,
        "passages": passages,
        "entities": entities,
        "events": [],
        "coreferences": [],
        "relations": relations,
    }


GENERATORS: dict[str, Callable[[Source], Iterable[dict]]] = {
    "documents": document_rows,
    "sentences": sentence_rows,
    "entities": entity_rows,
    "claims": claim_rows,
    "claims_machine": claim_machine_rows,
    "claims_auto": claim_auto_rows,
    "kb": kb_rows,
}


def _doc_id(row: dict) -> str:
    return row.get("doc_id") or row["document_id"]


def split_rows(ann: str | Path, config: str, src: Source | None = None) -> Iterator[tuple[str, dict]]:
    """(split, row) for every row of one config, in layer order."""
    src = src or Source(ann)
    for row in GENERATORS[config](src):
        yield src.split[_doc_id(row)], row


# ---------------------------------------------------------------- writers

FOLDERS = {"jsonl": "hf", "parquet": "parquet"}


def rel_path(config: str, split: str, fmt: str) -> str:
    return f"{FOLDERS[fmt]}/{config}/{split}.{fmt}"


class _ParquetSplit:
    """One split file, opened at its first row; rows are appended as row groups of ``ROW_GROUP``."""

    def __init__(self, path: Path, features: Features):
        self.path, self.features = path, features
        self.tmp: Optional[Path] = None
        self.writer: Any = None
        self.batch: list[dict] = []
        self.rows = 0

    def add(self, row: dict) -> None:
        self.batch.append(self.features.encode_example(row))
        self.rows += 1
        if len(self.batch) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.tmp = temp_beside(self.path)
            # No statistics: same rows, same bytes.
            self.writer = pq.ParquetWriter(
                self.tmp, self.features.arrow_schema, compression="zstd", write_statistics=False
            )
        if self.batch:
            self.writer.write_table(
                pa.Table.from_pylist(self.batch, schema=self.features.arrow_schema), row_group_size=ROW_GROUP
            )
            self.batch = []

    def close(self) -> None:
        if self.rows == 0:
            return
        self._flush()
        self.writer.close()
        assert self.tmp is not None
        publish(self.tmp, self.path)

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


class _JsonlSplit:
    """One JSONL split file, opened at its first row; ClassLabel columns stay names."""

    def __init__(self, path: Path, features: Features):
        self.path = path
        self.tmp: Optional[Path] = None
        self.fh: Any = None
        self.rows = 0

    def add(self, row: dict) -> None:
        if self.fh is None:
            self.tmp = temp_beside(self.path)
            self.fh = open(self.tmp, "w", encoding="utf-8", newline="\n")
        self.fh.write(dumps(row) + "\n")
        self.rows += 1

    def close(self) -> None:
        if self.fh is None:
            return
        self.fh.close()
        assert self.tmp is not None
        publish(self.tmp, self.path)

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


WRITERS: dict[str, type[_JsonlSplit] | type[_ParquetSplit]] = {"jsonl": _JsonlSplit, "parquet": _ParquetSplit}


def export(
    ann: str | Path = "annotations",
    fmt: str = "parquet",
    out: str | Path | None = None,
    configs: Iterable[str] = CONFIGS,
) -> dict[str, dict[str, int]]:
    """Write every config and split under ``out`` (default: ``ann``); returns row counts. A split
    without rows gets no file (a stale one is removed)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(WRITERS)}")
    ann = Path(ann)
    out = Path(out) if out is not None else ann
    src = Source(ann)
    counts: dict[str, dict[str, int]] = {}
    for config in configs:
        writers: dict[str, _JsonlSplit | _ParquetSplit] = {
            s: WRITERS[fmt](out_path(out, rel_path(config, s, fmt)), FEATURES[config]) for s in SPLITS
        }
        try:
            for split, row in split_rows(ann, config, src):
                writers[split].add(row)
            for w in writers.values():
                w.close()
        except BaseException:
            for w in writers.values():
                w.abort()
            raise
        counts[config] = {s: w.rows for s, w in writers.items()}
        for s, w in writers.items():
            if w.rows == 0:
                out_path(out, rel_path(config, s, fmt)).unlink(missing_ok=True)
    return counts


def rehydrate(dataset, texts: dict[str, str], hashes: dict[str, str] | None = None):
    """Put withheld text back: every null ``text`` (and ``documents.text``) is filled from
    ``texts[doc_id]`` at the row's offsets. ``hashes`` (doc_id -> ``text_sha256``, e.g. from the
    ``documents`` config) are checked first; a text whose hash differs is refused. Works on a
    ``Dataset`` or a ``DatasetDict``; returns the same kind."""
    for doc_id, want in (hashes or {}).items():
        if doc_id in texts and hashlib.sha256(texts[doc_id].encode("utf-8")).hexdigest() != want:
            raise DatasetError(f"{doc_id}: the text given does not match text_sha256 {want[:12]}…")

    def fill(row: dict) -> dict:
        text = texts.get(row["doc_id"])
        if row.get("text") is None and text is not None:
            row["text"] = text[row["start"] : row["end"]] if "start" in row else text
            if "text_withheld" in row:
                row["text_withheld"] = False
        return row

    return dataset.map(fill)


def layer_texts(ann: str | Path) -> dict[str, str]:
    """doc_id -> text from the documents layers of an annotations folder (where the text is)."""
    src_ann = Path(ann)
    return {d["doc_id"]: d["text"] for f in collections(src_ann) for d in Source.read(f.folder, "documents")}


# ---------------------------------------------------------------- dataset card header


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def card_data(folder: str | Path, fmt: str = "parquet"):
    """The card's metadata (``huggingface_hub.DatasetCardData``): configs with the split files
    present in ``folder``, features, licences, tasks."""
    from huggingface_hub import DatasetCardData

    folder = Path(folder)
    configs, largest = [], 0
    for c in CONFIGS:
        present = [s for s in SPLITS if (folder / rel_path(c, s, fmt)).is_file()]
        if not present:
            continue
        entry: dict = {"config_name": c, "data_files": [{"split": s, "path": rel_path(c, s, fmt)} for s in present]}
        if c == DEFAULT_CONFIG:
            entry["default"] = True
        configs.append(entry)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            largest = max(largest, sum(pq.ParquetFile(folder / rel_path(c, s, fmt)).metadata.num_rows for s in present))
    info = [{"config_name": c["config_name"], "features": FEATURES[c["config_name"]]._to_yaml_list()} for c in configs]
    return DatasetCardData(
        pretty_name="stance-corpus: state positions in policy articles and UN General Debate statements",
        language=["en"],
        language_creators=["found", "machine-generated"],
        annotations_creators=["machine-generated"],
        multilinguality=["monolingual"],
        license=["cc0-1.0", "cc-by-4.0", "other"],
        license_name="stance-corpus-mixed",
        license_link="LICENSE.md",
        source_datasets=["original", "extended|other-un-general-debate-corpus"],
        task_categories=["text-classification", "token-classification"],
        task_ids=["multi-class-classification", "named-entity-recognition", "entity-linking-classification"],
        tags=[
            "stance-detection",
            "entity-linking",
            "political-science",
            "international-relations",
            "un-general-debate",
        ],
        size_categories=[size_category(largest)],
        configs=configs,
        dataset_info=info,
    )


def card_header(folder: str | Path, fmt: str = "parquet") -> str:
    """The YAML front matter of the dataset card."""
    return f"---\n{card_data(folder, fmt).to_yaml()}\n---\n"


def write_card_header(card: str | Path, fmt: str = "parquet", prose_from: str | Path | None = None) -> None:
    """Replace (or add) the YAML front matter of the card, keeping its prose (or taking the prose
    of the card ``prose_from``)."""
    from huggingface_hub import DatasetCard

    card = Path(card)
    source = Path(prose_from) if prose_from is not None else card
    body = DatasetCard(source.read_text(encoding="utf-8")).text if source.is_file() else ""
    write_text(card, card_header(card.parent, fmt) + body.lstrip("\n"))


def load(ann: str | Path, config: str, split: str | None = None):
    """``datasets.load_dataset`` on the card folder (offline)."""
    from datasets import load_dataset

    return load_dataset(str(ann), config, split=split)


def _no_filters(fmt: str, filters: dict) -> None:
    if any(v not in (None, "auto") for v in filters.values()):
        from pipeline.export.common import ExportError

        raise ExportError(
            f"--format {fmt} writes every config and split; --layer, --collection and --doc apply to "
            "the interchange formats"
        )


def _export_card(ann: str | Path, out: str | Path | None, fmt: str) -> dict[str, dict[str, int]]:
    counts = export(ann, fmt, out)
    folder = Path(out or ann)
    write_card_header(out_path(folder, "README.md"), fmt, prose_from=Path(ann) / "README.md")
    if out is not None and (Path(ann) / "LICENSE.md").is_file():
        write_text(out_path(folder, "LICENSE.md"), (Path(ann) / "LICENSE.md").read_text(encoding="utf-8"))
    return counts


@exporters.register("parquet")
def export_parquet(ann: str | Path, out: str | Path | None = None, **filters) -> dict[str, dict[str, int]]:
    """The Parquet files the dataset card loads, and the card. With ``out``, a folder ready to
    upload as it is: the card (YAML + prose), ``LICENSE.md`` and ``parquet/`` — no layers."""
    _no_filters("parquet", filters)
    return _export_card(ann, out, "parquet")


def withheld_sentences(ann: str | Path, min_length: int = 40) -> list[tuple[str, str]]:
    """(doc_id, sentence) for the sentences of every withheld document at least ``min_length``
    characters long: what a published folder must not contain."""
    src = Source(ann)
    return [
        (row["doc_id"], row["text"])
        for _, _, row in src.layer("sentences")
        if row["doc_id"] in src.withheld and len(row["text"]) >= min_length
    ]


def leaked_text(folder: str | Path, sentences: list[tuple[str, str]]) -> list[str]:
    """``file: doc_id`` for every file of ``folder`` holding one of ``sentences``: text files as
    they are, Parquet files cell by cell (their pages are compressed)."""
    import pyarrow.parquet as pq

    found = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            cells = [json.dumps(table.column(name).to_pylist(), ensure_ascii=False) for name in table.column_names]
            text = "\n".join(cells)
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        hits = {doc_id for doc_id, sentence in sentences if sentence in text}
        found += [f"{path.relative_to(folder)}: {doc_id}" for doc_id in sorted(hits)]
    return found


@exporters.register("hf")
def export_hf(ann: str | Path, out: str | Path | None = None, **filters) -> dict[str, dict[str, int]]:
    """The folder to upload to the Hugging Face Hub: the card, ``LICENSE.md`` and ``parquet/``,
    never the layers (which hold the withheld text); checked for withheld text before it is
    reported done."""
    from pipeline.export.common import ExportError

    _no_filters("hf", filters)
    if out is None or Path(out).resolve() == Path(ann).resolve():
        raise ExportError(f"{out or ann}: --format hf needs --out DIR, a new folder beside the annotations")
    counts = _export_card(ann, out, "parquet")
    leaks = leaked_text(out, withheld_sentences(ann))
    if leaks:
        raise ExportError(f"{out}: withheld text in the published folder ({leaks[0]})")
    return counts


@exporters.register("jsonl")
def export_hf_jsonl(ann: str | Path, out: str | Path | None = None, **filters) -> dict[str, dict[str, int]]:
    """The same configs and splits as JSONL (for reading and diffing)."""
    _no_filters("jsonl", filters)
    counts = export(ann, "jsonl", out)
    if out is not None:
        write_card_header(out_path(out, "README.md"), "jsonl", prose_from=Path(ann) / "README.md")
    return counts
