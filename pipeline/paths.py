"""Where outputs may go: every file a command writes is named through ``out_path``.

A document id comes from a manifest or a layer and ends up in file names (brat, WebAnno, the
report). ``check_doc_id`` refuses an id that could name another place when the layers are read;
``out_path`` refuses, at write time, any path that would leave the output folder (``..``, an
absolute part, a NUL, a symbolic link pointing out), whatever produced the name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.errors import InputError

DOC_ID_MAX = 128
# Letters and digits first, then also "_.-(),+" and inner spaces; no separator, no "..".
_DOC_ID = re.compile(r"[^\W_]|[^\W_][\w.\-(),+ ]*[\w.\-(),+]")
_DOC_ID_RULE = f"a letter or digit, then letters, digits, '_.-(),+' or spaces, at most {DOC_ID_MAX} characters, no '..'"


def doc_id_problem(value: object) -> str | None:
    """Why ``value`` cannot be a document id (None when it can)."""
    if not isinstance(value, str):
        return f"doc_id must be a string, not {type(value).__name__} {value!r}"
    if len(value) > DOC_ID_MAX or not _DOC_ID.fullmatch(value) or ".." in value:
        return f"doc_id {value[:60]!r} is not a safe name ({_DOC_ID_RULE})"
    return None


def check_doc_id(value: object, where: str | Path) -> str:
    """``value`` as a document id, or one ``InputError`` naming ``where``."""
    problem = doc_id_problem(value)
    if problem:
        raise InputError(where, problem)
    return str(value)


def out_path(out: str | Path, *parts: str) -> Path:
    """``out / parts…``, refused (``InputError`` naming ``out``) where it would leave ``out``."""
    out = Path(out)
    for part in parts:
        if "\x00" in part or os.path.isabs(part) or not part.strip():
            raise InputError(out, f"refusing to write {part[:60]!r}: not a name inside the output folder")
    path = out.joinpath(*parts)
    inside = os.path.normpath(path)
    base = os.path.normpath(out)
    if os.path.commonpath([os.path.abspath(inside), os.path.abspath(base)]) != os.path.abspath(base):
        raise InputError(out, f"refusing to write {os.path.join(*parts)!r}: it lies outside the output folder")
    # A link inside the folder may point out of it: judged by where the path really leads.
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(out)):
        raise InputError(out, f"refusing to write {os.path.join(*parts)!r}: it leads outside the output folder")
    return path
