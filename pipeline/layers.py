"""Where every collection's layers are, found one way for every reader (API, exports, review,
audit, report).

An annotations folder holds the articles' layers at its top (``documents.jsonl`` …) and each
other collection's layers in a subfolder (``ungd/documents.jsonl.gz`` …). A folder given may
also be one collection's folder itself (``annotations/ungd``). Every row is read with
``pipeline.io.read_jsonl`` (``.jsonl`` or ``.jsonl.gz``; a truncated gzip is an error, never a
part). A document's collection is its ``collection`` field (an ``annotate`` output may mix
collections in one folder); the folder's name stands in where the field is missing.

Gold claim rows (the ``Claim`` schema) are ``gold/claims.jsonl`` beside the articles' layers
and ``<collection>/gold/claims.jsonl[.gz]`` beside another collection's; machine-coded claim rows
are ``<collection>/machine/claims.jsonl[.gz]``. The build writes both from the coded positions
(``pipeline/quality/coded_layers.py``), whose source files (the ``Position`` schema, located by a
line of the statement file) are ``gold/<collection>/claims.jsonl``: only the audit reads those.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from pipeline.ingest.manifest import DEFAULT_COLLECTION
from pipeline.io import LAYERS, layer_path, read_jsonl

# Subfolders of an annotations folder that are not collections.
NOT_COLLECTIONS = frozenset({"gold", "machine", "parquet", "hf", "checks"})


@dataclass(frozen=True)
class LayerFolder:
    """One folder of layers: its collection name (for documents without a ``collection``
    field), the folder, its gold claim rows, the source of its gold (positions) and its
    machine-coded claim rows (None where absent)."""

    name: str
    folder: Path
    gold_claims: Optional[Path]
    gold_positions: Optional[Path]
    # "statements": positions located by a line of the statement file (the ``Position`` schema);
    # "passages": by the sentence's offsets in the source file (checked by quality/passages.py).
    positions_kind: Optional[str] = None
    machine_claims: Optional[Path] = None

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
    """A folder of layers with its coded claim layers: the articles' gold at ``gold/`` beside
    their layers; another collection's gold and machine-coded layers in ``gold/`` and
    ``machine/`` inside its folder (also when the folder given is that collection's own)."""
    articles = folder == root and name == DEFAULT_COLLECTION
    claims = _existing(layer_path(folder / "gold", "claims"))
    machine = None if articles else _existing(layer_path(folder / "machine", "claims"))
    top = root.parent if folder == root else root  # where ``gold/<collection>/`` lies
    positions = None if articles else _existing(top / "gold" / name / "claims.jsonl")
    return LayerFolder(name, folder, claims, positions, _positions_kind(positions), machine)


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


def gold_rows(folder: LayerFolder) -> Optional[list[dict]]:
    """A folder's gold claim rows; None where the folder has none."""
    return None if folder.gold_claims is None else list(read_jsonl(folder.gold_claims))


def machine_rows(folder: LayerFolder) -> Optional[list[dict]]:
    """A folder's machine-coded claim rows; None where the folder has none."""
    return None if folder.machine_claims is None else list(read_jsonl(folder.machine_claims))
