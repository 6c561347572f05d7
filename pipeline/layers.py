"""Where every collection's layers are, found one way for every reader (API, exports, review,
audit, report).

An annotations folder holds the articles' layers at its top (``documents.jsonl`` …) and each
other collection's layers in a subfolder (``ungd/documents.jsonl.gz`` …). A folder given may
also be one collection's folder itself (``annotations/ungd``). Every row is read with
``pipeline.io.read_jsonl`` (``.jsonl`` or ``.jsonl.gz``; a truncated gzip is an error, never a
part). A document's collection is its ``collection`` field (an ``annotate`` output may mix
collections in one folder); the folder's name stands in where the field is missing.

Gold claim rows (the ``Claim`` schema) are ``gold/claims.jsonl`` beside the articles' layers
and ``<collection>/gold/claims.jsonl[.gz]`` beside another collection's; coded positions of
statements (the ``Position`` schema, located by a line of the statement file) are
``gold/<collection>/claims.jsonl``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from pipeline.ingest.manifest import DEFAULT_COLLECTION
from pipeline.io import LAYERS, layer_path, read_jsonl
from pipeline.schema import party_type

# Subfolders of an annotations folder that are not collections.
NOT_COLLECTIONS = frozenset({"gold", "parquet", "hf", "checks"})


@dataclass(frozen=True)
class LayerFolder:
    """One folder of layers: its collection name (for documents without a ``collection``
    field), the folder, its gold claim rows and its gold positions (None where absent)."""

    name: str
    folder: Path
    gold_claims: Optional[Path]
    gold_positions: Optional[Path]
    # "statements": positions located by a line of the statement file (the ``Position`` schema);
    # "passages": by the sentence's offsets in the source file (checked by quality/passages.py).
    positions_kind: Optional[str] = None

    def path(self, layer: str) -> Path:
        return layer_path(self.folder, layer)

    def rows(self, layer: str) -> Iterator[dict]:
        """Rows of one of the four layers (``FileNotFoundError`` when the folder lacks it)."""
        path = self.path(layer)
        if not path.is_file():
            raise FileNotFoundError(2, "No such file", str(path))
        return read_jsonl(path)

    def documents(self) -> Iterator[dict]:
        for doc in self.rows("documents"):
            yield doc if doc.get("collection") else dict(doc, collection=self.name)


def _existing(*paths: Path) -> Optional[Path]:
    return next((p for p in paths if p.is_file()), None)


def _folder(root: Path, folder: Path, name: str) -> LayerFolder:
    if folder == root:
        claims = _existing(layer_path(root / "gold", "claims")) if name == DEFAULT_COLLECTION else None
        positions = _existing(root.parent / "gold" / name / "claims.jsonl") if name != DEFAULT_COLLECTION else None
    else:
        claims = _existing(layer_path(folder / "gold", "claims"))
        positions = _existing(root / "gold" / name / "claims.jsonl")
    return LayerFolder(name, folder, claims, positions, _positions_kind(positions))


def _positions_kind(path: Optional[Path]) -> Optional[str]:
    if path is None:
        return None
    first = next(iter(read_jsonl(path)), None)
    return "statements" if isinstance(first, dict) and "sent_key" in first else "passages"


def _top_name(root: Path) -> str:
    """The collection of a folder's top-level layers: its first document's (the articles in an
    annotations folder; ``ungd`` when the folder is ``annotations/ungd``)."""
    first = next(iter(read_jsonl(layer_path(root, "documents"))), None)
    return (first.get("collection") if isinstance(first, dict) else None) or DEFAULT_COLLECTION


def layer_folders(ann: str | Path) -> list[LayerFolder]:
    """Every folder of layers under ``ann``: its top level first, then the subfolders by name."""
    root = Path(ann)
    found = []
    if layer_path(root, "documents").is_file():
        found.append(_folder(root, root, _top_name(root)))
    if root.is_dir():
        for sub in sorted(p for p in root.iterdir() if p.is_dir()):
            if sub.name in NOT_COLLECTIONS or sub.name.startswith("."):
                continue
            if layer_path(sub, "documents").is_file():
                found.append(_folder(root, sub, sub.name))
    return found


def require_layers(ann: str | Path) -> list[LayerFolder]:
    """``layer_folders``, or ``FileNotFoundError`` naming the documents layer that is missing."""
    found = layer_folders(ann)
    if not found:
        path = Path(ann) / "documents.jsonl"
        raise FileNotFoundError(2, f"No such file (no documents layer in {ann} or its subfolders)", str(path))
    return found


__all__ = ["LAYERS", "LayerFolder", "layer_folders", "require_layers", "NOT_COLLECTIONS"]


def _squeeze(text: str) -> tuple[str, list[int]]:
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in kept), kept


def position_claims(positions: list[dict], text: str, sentences: list[dict]) -> list[dict]:
    """A document's coded positions as claim rows of its cleaned text (the ``Claim`` fields), so
    they go wherever a claim layer goes. A position's ``span`` is searched in the text with all
    whitespace ignored (the statement file wraps lines the cleaned text joins), in file order;
    the row takes the automatic sentence where the span starts. ``topic`` is ``other``; the
    coding's issue, mode and certainty are in ``note``. A span not found is left out."""
    squeezed, kept = _squeeze(text)
    starts = [s["start"] for s in sentences]
    found: dict[tuple, Optional[int]] = {}
    cursor = 0
    out: list[dict] = []
    for p in positions:
        # A statement's position names its packet sentence; a passage's, its sentence's offsets.
        key = (p.get("sent_key"), p.get("span_start", p["start"]), p.get("span_end", p["end"]), p["span"])
        if key not in found:
            needle = "".join(p["span"].split())
            at = squeezed.find(needle, cursor) if needle else -1
            if at < 0 and needle:
                at = squeezed.find(needle)
            found[key] = kept[at] if at >= 0 else None
            cursor = at + len(needle) if at >= 0 else cursor
        start = found[key]
        if start is None or not sentences:
            continue
        sent = sentences[max(0, bisect_right(starts, start) - 1)]
        n = sum(r["sent_id"] == sent["sent_id"] for r in out) + 1
        out.append(
            {
                "doc_id": p["doc_id"],
                "claim_id": f"{sent['sent_id']}:g{n}",
                "sent_id": sent["sent_id"],
                "start": sent["start"],
                "end": sent["end"],
                "text": sent["text"],
                "actor": p["actor"],
                "actor_type": p.get("actor_type") or party_type(p["actor"]),
                "actor_mentions": [],
                "target": p["target"],
                "target_type": p.get("target_type") or party_type(p["target"]),
                "target_mentions": [],
                "stance": p["stance"],
                "topic": "other",
                "footnotes": [],
                "annotator": p["annotator"],
                "confidence": None,
                "cue": None,
                "negated": False,
                "note": f"issue: {p['issue']}; mode: {p['mode']}; certainty: {p['certainty']}; span: {p['span']}",
                "conflict": p.get("conflict"),
            }
        )
    return out


def gold_rows(folder: LayerFolder) -> Optional[list[dict]]:
    """A folder's gold as claim rows: its ``Claim`` rows, or its coded positions located in the
    cleaned texts (``position_claims``); None where the folder has no gold."""
    if folder.gold_claims is not None:
        return list(read_jsonl(folder.gold_claims))
    if folder.gold_positions is None:
        return None
    by_doc: dict[str, list[dict]] = {}
    for row in read_jsonl(folder.gold_positions):
        by_doc.setdefault(row["doc_id"], []).append(row)
    texts = {d["doc_id"]: d["text"] for d in folder.rows("documents") if d["doc_id"] in by_doc}
    sentences: dict[str, list[dict]] = {}
    for s in folder.rows("sentences"):
        if s["doc_id"] in texts:
            sentences.setdefault(s["doc_id"], []).append(s)
    return [r for d in texts for r in position_claims(by_doc[d], texts[d], sentences.get(d, []))]
