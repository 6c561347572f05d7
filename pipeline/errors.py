"""The one error type users see: bad input, named by file."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input that the pipeline refuses. ``str()`` is a single line naming the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
