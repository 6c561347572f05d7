"""The corpus as a Hugging Face dataset: declared features, HF-ready split files, Parquet export.

The layers in ``annotations/`` carry nested, free-form ``produced_by``/``header`` dicts and
(for gold claims) fields that the automatic layer lacks, so they are not loaded directly.
``export`` derives one Parquet (or JSONL) file per config and split, with exactly the declared
columns, and rewrites the YAML header of the dataset card (``annotations/README.md``) so that
``datasets.load_dataset("annotations", name)`` works offline with fixed column types.

The card loads the Parquet files (``annotations/parquet/<config>/<split>.parquet``): they store
the declared Arrow schema, so nothing is inferred. The JSONL export (``annotations/hf/``) is for
reading and diffing; loaded through ``datasets``' JSON builder, pyarrow infers ISO dates such as
``"2023-09-27"`` as timestamps, which then come back as ``"2023-09-27 00:00:00"``.

Split rule (deterministic, no randomness):

- sentence-level configs (``sentences``, ``entities``, ``claims``, ``claims_auto``): a row goes
  to ``test`` when ``sha256(doc_id + "\\x1f" + str(section)) mod 5 == 0``, else ``train``.
  Every row of one claim sits in one sentence, hence one section, so no claim and no section
  straddles train and test.
- document-level configs (``documents``, ``kb``): ``test`` when ``sha256(doc_id) mod 5 == 0``.

Output is byte-identical on reruns: rows keep the order of the layers, JSON is written with
fixed separators, Parquet without statistics, and every file is written atomically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal, Optional, Union, get_args, get_origin

from datasets import ClassLabel, Features, Value
from pydantic import BaseModel

from pipeline.io import atomic_path, read_jsonl, write_jsonl, write_text
from pipeline.registry import exporters
from pipeline.schema import Claim, Document, Entity, Sentence, Stance, Topic

CONFIGS = ("documents", "sentences", "entities", "claims", "claims_auto", "kb")
SPLITS = ("train", "test")
FOLDS = 5


def _s() -> Value:
    return Value("string")


def _i() -> Value:
    return Value("int64")


NORMALIZED = [{"db_name": _s(), "db_id": _s()}]
# Column types of the record models' field types; stance and topic are class labels.
PRIMITIVES = {str: "string", int: "int64", float: "float64", bool: "bool", dict: "string"}
CLASS_LABELS = (Stance, Topic)


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
    after a named field (the claims' ``section``)."""
    out: dict = {}
    for name, field in model.model_fields.items():
        if name in drop:
            continue
        out[name] = _feature(field.annotation)
        for extra, feature in (after or {}).get(name, {}).items():
            out[extra] = feature
    return Features(out)


FEATURES: dict[str, Features] = {
    "documents": features_of(Document),
    "sentences": features_of(Sentence),
    "entities": features_of(Entity),
    "claims": features_of(Claim, drop=("produced_by",), after={"sent_id": {"section": _i()}}),
}
FEATURES["claims_auto"] = FEATURES["claims"].copy()
FEATURES["kb"] = Features({
    "id": _s(), "document_id": _s(),
    "passages": [{"id": _s(), "type": _s(), "text": [_s()], "offsets": [[_i()]]}],
    "entities": [{"id": _s(), "type": _s(), "text": [_s()], "offsets": [[_i()]], "normalized": NORMALIZED}],
    "events": [{"id": _s(), "type": _s(), "trigger": {"text": [_s()], "offsets": [[_i()]]},
                "arguments": [{"role": _s(), "ref_id": _s()}]}],
    "coreferences": [{"id": _s(), "entity_ids": [_s()]}],
    "relations": [{"id": _s(), "type": _s(), "arg1_id": _s(), "arg2_id": _s(), "normalized": NORMALIZED}],
})


def _hash_mod(*key) -> int:
    return int(hashlib.sha256("\x1f".join(map(str, key)).encode("utf-8")).hexdigest(), 16) % FOLDS


def section_split(doc_id: str, section: int) -> str:
    return "test" if _hash_mod(doc_id, section) == 0 else "train"


def document_split(doc_id: str) -> str:
    return "test" if _hash_mod(doc_id) == 0 else "train"


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _pick(row: dict, features: Features) -> dict:
    return {k: row.get(k) for k in features}


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------- row generators


def document_rows(ann: Path) -> Iterator[dict]:
    for doc in read_jsonl(ann / "documents.jsonl"):
        row = dict(doc, header=_json(doc.get("header") or {}), produced_by=_json(doc.get("produced_by") or {}))
        row["paragraphs"] = [dict(p, label=None if p.get("label") is None else str(p["label"]))
                             for p in doc["paragraphs"]]
        yield _pick(row, FEATURES["documents"])


def sentence_rows(ann: Path) -> Iterator[dict]:
    for s in read_jsonl(ann / "sentences.jsonl"):
        yield _pick(dict(s, produced_by=_json(s.get("produced_by") or {})), FEATURES["sentences"])


def entity_rows(ann: Path) -> Iterator[dict]:
    for e in read_jsonl(ann / "entities.jsonl"):
        yield _pick(dict(e, produced_by=_json(e.get("produced_by") or {})), FEATURES["entities"])


def _sections(ann: Path) -> dict[str, int]:
    return {s["sent_id"]: s["section"] for s in read_jsonl(ann / "sentences.jsonl")}


def _claim_rows(path: Path, sections: dict[str, int], name: str) -> Iterator[dict]:
    for c in read_jsonl(path):
        yield _pick(dict(c, section=sections[c["sent_id"]]), FEATURES[name])


def claim_rows(ann: Path) -> Iterator[dict]:
    return _claim_rows(ann / "gold" / "claims.jsonl", _sections(ann), "claims")


def claim_auto_rows(ann: Path) -> Iterator[dict]:
    return _claim_rows(ann / "claims.jsonl", _sections(ann), "claims_auto")


def kb_rows(ann: Path) -> Iterator[dict]:
    """One BigBio-kb-shaped record per document, from the gold claims.

    passages: the paragraphs; entities: country/organisation mentions (``normalized`` to
    ISO 3166-1 alpha-3 and Wikidata), footnote markers (normalized to the note label), one
    ``claim`` entity per gold row (claim, actor, target), and an ``implicit_country`` entity
    (no offsets) where a row's actor or target has no mention in its sentence. relations:
    ``actor`` claim->actor, the stance (``support``/``oppose``/``neutral``) claim->target,
    ``footnote`` claim->marker.
    """
    ents_by_doc: dict[str, list[dict]] = {}
    for e in read_jsonl(ann / "entities.jsonl"):
        ents_by_doc.setdefault(e["doc_id"], []).append(e)
    claims_by_doc: dict[str, list[dict]] = {}
    for c in read_jsonl(ann / "gold" / "claims.jsonl"):
        claims_by_doc.setdefault(c["doc_id"], []).append(c)
    sents = {s["sent_id"]: s for s in read_jsonl(ann / "sentences.jsonl")}
    for doc in read_jsonl(ann / "documents.jsonl"):
        did, text = doc["doc_id"], doc["text"]
        passages = [{"id": f"{did}:p{i:03d}", "type": p["type"], "text": [text[p["start"]:p["end"]]],
                     "offsets": [[p["start"], p["end"]]]} for i, p in enumerate(doc["paragraphs"])]
        entities, relations = [], []
        for e in ents_by_doc.get(did, []):
            norm = [{"db_name": "ISO3166-1", "db_id": c} for c in e["countries"]]
            if e.get("kb_id"):
                norm.append({"db_name": "Wikidata", "db_id": e["kb_id"]})
            entities.append({"id": e["ent_id"], "type": e["label"], "text": [e["text"]],
                             "offsets": [[e["start"], e["end"]]], "normalized": norm})
        markers = []
        for fn in doc["footnotes"]:
            for k, m in enumerate(fn["markers"]):
                mid = f"{did}:fn{fn['label']}:m{k}"
                markers.append((fn["label"], m["start"], m["end"], mid))
                entities.append({"id": mid, "type": "footnote_marker", "text": [text[m["start"]:m["end"]]],
                                 "offsets": [[m["start"], m["end"]]],
                                 "normalized": [{"db_name": "footnote", "db_id": f"{did}:fn{fn['label']}"}]})
        implicit: dict[str, str] = {}

        def country_entity(code: str, mentions: list[str]) -> str:
            if mentions:
                return mentions[0]
            if code not in implicit:
                implicit[code] = f"{did}:implicit:{code}"
                entities.append({"id": implicit[code], "type": "implicit_country", "text": [], "offsets": [],
                                 "normalized": [{"db_name": "ISO3166-1", "db_id": code}]})
            return implicit[code]

        for c in claims_by_doc.get(did, []):
            cid = f"{c['claim_id']}:{c['actor']}-{c['target']}"
            entities.append({"id": cid, "type": "claim", "text": [c["text"]], "offsets": [[c["start"], c["end"]]],
                             "normalized": []})
            pairs = (("actor", c["actor"], c["actor_mentions"]), (c["stance"], c["target"], c["target_mentions"]))
            for kind, code, mentions in pairs:
                relations.append({"id": f"{cid}:{kind}", "type": kind, "arg1_id": cid,
                                  "arg2_id": country_entity(code, mentions),
                                  "normalized": [{"db_name": "ISO3166-1", "db_id": code}]})
            sent = sents[c["sent_id"]]
            for label, start, end, mid in markers:
                if label in c["footnotes"] and sent["start"] <= start < sent["end"]:
                    relations.append({"id": f"{cid}:footnote:{mid.rsplit(':', 2)[1]}:{mid.rsplit(':', 1)[1]}",
                                      "type": "footnote", "arg1_id": cid, "arg2_id": mid, "normalized": []})
        yield {"id": did, "document_id": did, "passages": passages, "entities": entities, "events": [],
               "coreferences": [], "relations": relations}


GENERATORS: dict[str, tuple[Callable[[Path], Iterable[dict]], Optional[Callable[[dict], str]]]] = {
    "documents": (document_rows, lambda r: document_split(r["doc_id"])),
    "sentences": (sentence_rows, lambda r: section_split(r["doc_id"], r["section"])),
    "entities": (entity_rows, None),  # split by the section of the entity's sentence
    "claims": (claim_rows, lambda r: section_split(r["doc_id"], r["section"])),
    "claims_auto": (claim_auto_rows, lambda r: section_split(r["doc_id"], r["section"])),
    "kb": (kb_rows, lambda r: document_split(r["document_id"])),
}


def split_rows(ann: str | Path, config: str) -> dict[str, list[dict]]:
    """The rows of one config, by split, in layer order."""
    ann = Path(ann)
    gen, split_of = GENERATORS[config]
    if config == "entities":
        sections = _sections(ann)
        split_of = lambda r: section_split(r["doc_id"], sections[r["sent_id"]])  # noqa: E731
    assert split_of is not None
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for row in gen(ann):
        out[split_of(row)].append(row)
    return out


FOLDERS = {"jsonl": "hf", "parquet": "parquet"}


def rel_path(config: str, split: str, fmt: str) -> str:
    return f"{FOLDERS[fmt]}/{config}/{split}.{fmt}"


def _write_jsonl(path: Path, rows: list[dict], features: Features) -> None:
    # ClassLabel columns are stored as names; datasets encodes them on load.
    write_jsonl(path, rows)


def _write_parquet(path: Path, rows: list[dict], features: Features) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([features.encode_example(r) for r in rows], schema=features.arrow_schema)
    with atomic_path(path) as tmp:
        # No statistics timestamps or created_by drift: same rows, same bytes.
        pq.write_table(table, tmp, compression="zstd", write_statistics=False)


WRITERS = {"jsonl": _write_jsonl, "parquet": _write_parquet}


def export(ann: str | Path = "annotations", fmt: str = "parquet", out: str | Path | None = None,
           configs: Iterable[str] = CONFIGS) -> dict[str, dict[str, int]]:
    """Write every config and split under ``out`` (default: ``ann``); returns row counts."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(WRITERS)}")
    ann = Path(ann)
    out = Path(out) if out is not None else ann
    counts: dict[str, dict[str, int]] = {}
    for config in configs:
        features = FEATURES[config]
        counts[config] = {}
        for split, rows in split_rows(ann, config).items():
            WRITERS[fmt](out / rel_path(config, split, fmt), rows, features)
            counts[config][split] = len(rows)
    return counts


# ---------------------------------------------------------------- dataset card header


def card_header(fmt: str = "parquet") -> str:
    """The YAML front matter of the dataset card: configs with data_files and features."""
    import yaml

    configs = [{"config_name": c, "data_files": [{"split": s, "path": rel_path(c, s, fmt)} for s in SPLITS]}
               for c in CONFIGS]
    info = [{"config_name": c, "features": FEATURES[c]._to_yaml_list()} for c in CONFIGS]
    meta = {
        "pretty_name": "stance-corpus: country stances in policy articles",
        "language": ["en"], "license": "other", "task_categories": ["text-classification"],
        "task_ids": ["sentiment-classification"], "size_categories": ["n<1K"],
        "configs": configs, "dataset_info": info,
    }
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=120) + "---\n"


def write_card_header(card: str | Path, fmt: str = "parquet") -> None:
    """Replace (or add) the YAML front matter of the card, keeping its prose."""
    card = Path(card)
    body = card.read_text(encoding="utf-8") if card.exists() else ""
    if body.startswith("---\n"):
        end = body.find("\n---\n", 4)
        body = body[end + 5:] if end >= 0 else body
    write_text(card, card_header(fmt) + body.lstrip("\n") if body else card_header(fmt))


def load(ann: str | Path, config: str, split: str | None = None):
    """``datasets.load_dataset`` on the card folder (offline)."""
    from datasets import load_dataset

    return load_dataset(str(ann), config, split=split)


def _no_filters(fmt: str, filters: dict) -> None:
    if any(v not in (None, "auto") for v in filters.values()):
        from pipeline.export.common import ExportError

        raise ExportError(f"--format {fmt} writes every config and split; --layer, --collection and --doc apply to "
                         "the interchange formats")


@exporters.register("parquet")
def export_parquet(ann: str | Path, out: str | Path | None = None, **filters) -> dict[str, dict[str, int]]:
    """The Parquet files the dataset card loads, and the card's YAML header."""
    _no_filters("parquet", filters)
    counts = export(ann, "parquet", out)
    write_card_header(Path(out or ann) / "README.md", "parquet")
    return counts


@exporters.register("jsonl")
def export_hf_jsonl(ann: str | Path, out: str | Path | None = None, **filters) -> dict[str, dict[str, int]]:
    """The same configs and splits as JSONL (for reading and diffing)."""
    _no_filters("jsonl", filters)
    counts = export(ann, "jsonl", out)
    if out is not None:
        write_card_header(Path(out) / "README.md", "jsonl")
    return counts
