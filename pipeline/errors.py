"""The errors users see: bad input named by file, and the one line every failure becomes.

``InputError`` is input the pipeline refuses. Other modules mark their own refusal types with
``@expected`` (the exporters' ``ExportError``, the coding sheets' ``CodingError``). ``one_line``
turns an expected error, or an operating-system error (permissions, a full disk, a read-only
file system, a missing file), into one line naming the file; anything else is unexpected, and
the command line writes its traceback to a log file (``log_unexpected``).
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
import traceback
from pathlib import Path
from typing import Optional

_EXPECTED: list[type[BaseException]] = []


class InputError(Exception):
    """Input that the pipeline refuses. ``str()`` is a single line naming the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def expected(cls: type[BaseException]) -> type[BaseException]:
    """Class decorator: this error is a refusal whose ``str()`` is the message for the user."""
    _EXPECTED.append(cls)
    return cls


expected(InputError)

# What the operating system said, in the words of the message (after ``PATH: ``).
_OS_PROBLEMS = {
    errno.ENOSPC: "no space left on the device; nothing was published, earlier output is kept",
    errno.EDQUOT: "disk quota exceeded; nothing was published, earlier output is kept",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder, expected a file",
    errno.ENAMETOOLONG: "file name too long",
    errno.EMFILE: "too many open files",
}


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def printable(text: str) -> str:
    """``text`` on one line: a control character or line break in a file name or a value is
    written as its escape (``\\x1e``), so the message stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def one_line(err: BaseException) -> Optional[str]:
    """The message of an expected error (None for an unexpected one)."""
    if isinstance(err, tuple(_EXPECTED)):
        return _first_line(str(err)) or type(err).__name__
    if isinstance(err, OSError) and err.errno in _OS_PROBLEMS:
        where = err.filename if err.filename is not None else "output"
        return f"{where}: {_OS_PROBLEMS[err.errno]}"
    if isinstance(err, MemoryError):
        return "out of memory; give fewer or shorter documents, or fewer --n-process workers"
    return None


def log_unexpected(err: BaseException) -> Path:
    """Write the traceback of an unexpected error to a log file; return its path."""
    folder = Path(os.environ.get("STANCE_CORPUS_LOG_DIR") or Path(tempfile.gettempdir()) / "stance-corpus-logs")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    path.write_text("".join(traceback.format_exception(err)), encoding="utf-8")
    return path
