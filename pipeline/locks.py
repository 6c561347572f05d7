"""One run at a time per output folder: an advisory lock (``filelock``, ``fcntl`` on Linux).

The lock file lies beside the folder (``.NAME.lock``), not inside it: a build swaps the whole
folder in one rename. While it holds the lock, a run records who it is in ``.NAME.lock.json``
(pid, command, start time), so a second run can stop with one line naming the holder. The
operating system releases the lock when its holder dies, even by ``kill -9``; the record a dead
holder left is overwritten by the next run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from pipeline.errors import InputError


def lock_paths(folder: Path) -> tuple[Path, Path]:
    folder = Path(os.path.abspath(folder))
    return folder.parent / f".{folder.name}.lock", folder.parent / f".{folder.name}.lock.json"


def _holder(info: Path) -> str:
    # The holder writes its record right after taking the lock: give it a moment to appear.
    for _ in range(40):
        try:
            who = json.loads(info.read_text(encoding="utf-8"))
            return f"pid {who['pid']}, `{who['command']}`, since {who['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            time.sleep(0.05)
    return "another process"


@contextmanager
def folder_lock(folder: str | Path, wait: float = 0) -> Iterator[None]:
    """Hold the lock of ``folder`` for the block; another run holding it is one ``InputError``
    (after waiting up to ``wait`` seconds) that names it."""
    folder = Path(folder)
    lock_file, info = lock_paths(folder)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_file)
        lock.acquire(timeout=wait)
    except Timeout:
        raise InputError(folder, f"in use by another run ({_holder(info)}); wait for it to finish") from None
    try:
        from pipeline.io import write_text

        command = " ".join(["stance-corpus", *sys.argv[1:]])[:200]
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        write_text(info, json.dumps({"pid": os.getpid(), "command": command, "since": since}) + "\n")
        yield
    finally:
        info.unlink(missing_ok=True)
        lock.release()
