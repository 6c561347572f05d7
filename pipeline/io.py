"""Reading and writing files: byte-stable JSONL and atomic writes, one implementation.

Every file is written to a temporary file beside its target, flushed to disk, made readable
(0644: ``mkstemp`` creates 0600) and renamed into place, so a reader sees the old file or the
new one, never a part. ``LayerWriter`` does this for several layers at once and renames them
together on ``commit``. ``staged_tree`` makes a whole folder change at once: the new version is
written into a hard-linked copy beside it, and the two are exchanged with one ``renameat2``
call, so a reader (or a killed build) sees the old folder or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import zlib
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

import jsonlines

from pipeline.errors import InputError
from pipeline.schema import to_dict

T = TypeVar("T")

LAYERS = ("documents", "sentences", "entities", "claims")
# Written last by ``stance-corpus build``: the sha256 of every file the build generated.
BUILD_FILE = "build.json"
FILE_MODE = 0o644
# JSON allows these raw inside strings, but line-based readers split on them: write them escaped.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def once_per_file(load: Callable[[Path], T]) -> Callable[[str | Path], T]:
    """``load`` wrapped to read a file once per version of it (its resolved path, modification
    time and size): components that share a data file share one loaded object, which they must
    not change."""

    @lru_cache(maxsize=None)
    def cached(path: str, mtime_ns: int, size: int) -> T:
        return load(Path(path))

    def get(path: str | Path) -> T:
        resolved = Path(path).resolve()
        stat = resolved.stat()
        return cached(str(resolved), stat.st_mtime_ns, stat.st_size)

    return get


def dumps(obj) -> str:
    # Fixed separators and no ASCII escaping: same input, same bytes.
    text = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    for raw, escaped in _LINE_BREAKS.items():
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def temp_beside(path: Path) -> Path:
    """A new empty temporary file in the target's folder (hidden, removed if not published)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def publish(tmp: Path, path: Path) -> None:
    """Make a finished temporary file the target: flushed, mode 0644, renamed atomically."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on error it is removed."""
    path = Path(path)
    tmp = temp_beside(path)
    try:
        yield tmp
        publish(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        if err.filename is None:  # a failed write names no file: name the one being written
            raise OSError(err.errno, err.strerror, str(path)) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def layer_path(folder: str | Path, name: str) -> Path:
    """The file of a layer in a folder: ``name.jsonl``, or ``name.jsonl.gz`` where that is what exists."""
    plain = Path(folder) / f"{name}.jsonl"
    packed = plain.with_name(plain.name + ".gz")
    return packed if packed.is_file() and not plain.is_file() else plain


def _open_write(path: Path, compress: bool):
    if not compress:
        return open(path, "w", encoding="utf-8", newline="\n")
    # No file name and mtime 0 in the gzip header: same rows, same bytes.
    raw = gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)
    return _ClosingText(raw)


class _ClosingText(io.TextIOWrapper):
    """A text stream over a GzipFile that also closes the file beneath it."""

    def __init__(self, raw: gzip.GzipFile):
        super().__init__(raw, encoding="utf-8", newline="\n")
        self._file: Any = raw.fileobj

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._file.close()


class LayerWriter:
    """Writes several layers into temporary files beside their targets; ``commit``
    renames them all into place. Until then the old files stay untouched. With
    ``compress`` the layers are ``.jsonl.gz`` (deterministic gzip)."""

    def __init__(self, out_dir: str | Path, layers: Iterable[str] = LAYERS, compress: bool = False):
        self.out_dir = Path(out_dir)
        self.layers = tuple(layers)
        self.suffix = ".jsonl.gz" if compress else ".jsonl"
        self.compress = compress
        self._stack = ExitStack()
        self._tmp: dict[str, Path] = {}
        self._writers: dict[str, jsonlines.Writer] = {}
        self._files: dict[str, Any] = {}
        self.counts = {name: 0 for name in self.layers}

    def __enter__(self) -> "LayerWriter":
        for name in self.layers:
            tmp = temp_beside(self.out_dir / f"{name}{self.suffix}")
            self._tmp[name] = tmp
            fh = self._stack.enter_context(_open_write(tmp, self.compress))
            self._files[name] = fh
            self._writers[name] = jsonlines.Writer(fh, dumps=dumps)
        return self

    def write(self, layer: str, records: Iterable) -> None:
        writer = self._writers[layer]
        for record in records:
            writer.write(to_dict(record))
            self.counts[layer] += 1

    def write_lines(self, layer: str, text: str, count: int) -> None:
        """Append rows already serialised with ``dumps`` (one per line, each ending in a newline)."""
        self._files[layer].write(text)
        self.counts[layer] += count

    def commit(self) -> None:
        self._stack.close()
        for name, tmp in self._tmp.items():
            publish(tmp, self.out_dir / f"{name}{self.suffix}")
        self._tmp.clear()

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stack.close()
        for tmp in self._tmp.values():  # not committed: leave no trace
            tmp.unlink(missing_ok=True)


def write_jsonl(path: str | Path, records: Iterable) -> int:
    """Atomically write one JSONL file."""
    path = Path(path)
    name = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.stem
    with LayerWriter(path.parent, [name]) as w:
        w.write(name, records)
        w.commit()
    return w.counts[name]


def write_text(path: str | Path, text: str) -> None:
    """Atomically write a text file."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


class LayerReadError(InputError):
    """A layer file that cannot be read whole (a truncated or corrupt gzip, a line that is not
    JSON, bytes that are not UTF-8); ``str()`` is one line naming the file."""


def _open_read(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return open(path, encoding="utf-8", newline="\n")


def read_text(path: str | Path) -> str:
    """The whole text of a ``.jsonl`` or ``.jsonl.gz`` file; a gzip that ends early or is corrupt
    raises ``LayerReadError`` (never a part of the text)."""
    path = Path(path)
    try:
        with _open_read(path) as fh:
            return fh.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise LayerReadError(path, f"not a complete gzip file ({err}); rebuild it with `stance-corpus build`") from None
    except UnicodeDecodeError as err:
        raise LayerReadError(path, f"not valid UTF-8 (byte 0x{err.object[err.start]:02x})") from None


def read_jsonl(path: str | Path) -> Iterator[Any]:
    """Rows of a ``.jsonl`` or ``.jsonl.gz`` file, the one reader of the layers.

    A truncated or corrupt gzip, a line that is not JSON or bytes that are not UTF-8 raise
    ``LayerReadError`` naming the file (and the line): ``gzip`` signals a truncated stream with
    ``EOFError``, which a line reader such as ``jsonlines`` takes for the end of the file, so
    the lines are split here and every error is turned into one. Empty lines are skipped."""
    path = Path(path)
    try:
        with _open_read(path) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line.rstrip("\n"))
                except json.JSONDecodeError as err:
                    raise LayerReadError(path, f"line {n}: not valid JSON ({err.msg} at column {err.colno})") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise LayerReadError(path, f"not a complete gzip file ({err}); rebuild it with `stance-corpus build`") from None
    except UnicodeDecodeError as err:
        raise LayerReadError(path, f"not valid UTF-8 (byte 0x{err.object[err.start]:02x})") from None


def jsonl_values(lines: Iterable[str]) -> Iterator[tuple[int, Any, Optional[str], str]]:
    """``(line number, value, JSON error, line)`` for every line, read by jsonlines, which goes on
    after a bad line (for validators that report every problem with its line); the error is None
    when the line is JSON."""
    reader = jsonlines.Reader(lines, loads=json.loads)
    n = 0
    while True:
        n += 1
        try:
            value = reader.read(allow_none=True)
        except EOFError:
            return
        except jsonlines.InvalidLineError as err:
            cause = err.__cause__
            detail = f"{cause.msg} at column {cause.colno}" if isinstance(cause, json.JSONDecodeError) else str(err)
            yield err.lineno, None, detail, str(err.line)
            continue
        yield n, value, None, ""


def checked_rows(lines: Iterable[str]) -> Iterator[tuple[int, Any, Optional[str]]]:
    """``(line number, value, problem)`` for every non-empty line: ``problem`` is None for a JSON
    object, else one short phrase."""
    for n, value, error, line in jsonl_values(lines):
        if error is not None:
            if line.strip():
                yield n, None, f"not valid JSON ({error})"
            continue
        yield n, value, None if isinstance(value, dict) else "a row must be a JSON object"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def remove_temp_files(folder: str | Path) -> list[Path]:
    """Remove the ``.*.tmp`` files a killed writer left anywhere under ``folder``."""
    gone = []
    for tmp in sorted(Path(folder).rglob(".*.tmp")) if Path(folder).is_dir() else []:
        if tmp.is_file():
            tmp.unlink()
            gone.append(tmp)
    return gone


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def staging_paths(folder: Path) -> tuple[Path, Path]:
    """The staging folder beside ``folder`` and where the old version waits to be removed."""
    return folder.parent / f".{folder.name}.staging", folder.parent / f".{folder.name}.old"


def recover_tree(folder: str | Path) -> None:
    """Undo what a killed ``staged_tree`` left: a staging folder (never published) is removed;
    if the folder itself is missing (killed between the two renames of the fallback), the old
    version is put back; temporary files are removed."""
    folder = Path(folder)
    staging, old = staging_paths(folder)
    if not folder.exists() and old.is_dir():
        os.rename(old, folder)
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    remove_temp_files(folder)


@contextmanager
def staged_tree(folder: str | Path) -> Iterator[Path]:
    """Yield a staging copy of ``folder`` (files hard-linked, so unchanged files keep their
    inode and mtime); write the new version into it; on success it replaces ``folder`` at once."""
    folder = Path(folder)
    recover_tree(folder)
    staging, old = staging_paths(folder)
    if folder.is_dir():
        shutil.copytree(folder, staging, copy_function=os.link, symlinks=True)
    else:
        staging.mkdir(parents=True)
    try:
        try:
            yield staging
        except OSError as err:  # name the file where it was going, not its staging copy
            name = err.filename if isinstance(err.filename, str) else None
            if name is not None and Path(name).is_relative_to(staging):
                raise OSError(err.errno, err.strerror, str(folder / Path(name).relative_to(staging))) from None
            raise
        fsync_tree(staging)
        if not folder.exists():
            os.rename(staging, folder)
        elif exchange(staging, folder):
            pass  # staging now holds the old version
        else:  # two renames; recover_tree repairs a kill in between
            os.rename(folder, old)
            os.rename(staging, folder)
            os.rename(old, staging)
        _fsync_dir(folder.parent)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def read_build_state(folder: str | Path) -> dict:
    """``build.json`` of an output folder ({} when there is none or it is unreadable)."""
    path = Path(folder) / BUILD_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}


def check_build_files(folder: str | Path, state: dict | None = None) -> list[tuple[str, str]]:
    """(file, problem) for every generated file that ``build.json`` lists and that is missing
    or whose sha256 differs."""
    folder = Path(folder)
    state = read_build_state(folder) if state is None else state
    problems = []
    for rel, digest in sorted((state.get("files") or {}).items()):
        path = folder / rel
        if not path.is_file():
            problems.append((rel, "missing"))
        elif file_sha256(path) != digest:
            problems.append((rel, f"sha256 differs from {BUILD_FILE}"))
    return problems
