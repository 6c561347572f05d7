"""JSONL layers: byte-stable serialisation and atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Iterable, Iterator

import jsonlines

from pipeline.schema import to_dict

LAYERS = ("documents", "sentences", "entities", "claims")


def dumps(obj) -> str:
    # Fixed separators and no ASCII escaping: same input, same bytes.
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def _as_dict(record) -> dict:
    return record if isinstance(record, dict) else to_dict(record)


class LayerWriter:
    """Writes several layers into temporary files beside their targets; ``commit``
    renames them all into place. Until then the old files stay untouched."""

    def __init__(self, out_dir: str | Path, layers: Iterable[str] = LAYERS):
        self.out_dir = Path(out_dir)
        self.layers = tuple(layers)
        self._stack = ExitStack()
        self._tmp: dict[str, Path] = {}
        self._writers: dict[str, jsonlines.Writer] = {}
        self.counts = {name: 0 for name in self.layers}

    def __enter__(self) -> "LayerWriter":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name in self.layers:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".jsonl.tmp", dir=self.out_dir)
            fh = self._stack.enter_context(os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
            self._tmp[name] = Path(tmp)
            self._writers[name] = jsonlines.Writer(fh, dumps=dumps)
        return self

    def write(self, layer: str, records: Iterable) -> None:
        writer = self._writers[layer]
        for record in records:
            writer.write(_as_dict(record))
            self.counts[layer] += 1

    def commit(self) -> None:
        self._stack.close()
        for name, tmp in self._tmp.items():
            os.replace(tmp, self.out_dir / f"{name}.jsonl")
        self._tmp.clear()

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stack.close()
        for tmp in self._tmp.values():  # not committed: leave no trace
            tmp.unlink(missing_ok=True)


def write_jsonl(path: str | Path, records: Iterable) -> int:
    """Atomically write one JSONL file."""
    path = Path(path)
    with LayerWriter(path.parent, [path.stem]) as w:
        w.write(path.stem, records)
        w.commit()
    return w.counts[path.stem]


def write_text(path: str | Path, text: str) -> None:
    """Atomically write a text file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_jsonl(path: str | Path) -> Iterator[dict]:
    with jsonlines.open(path) as reader:
        yield from reader
