"""Stage 1: read a source file and turn it into lines of text.

Plain text is taken line by line. HTML goes through trafilatura, which strips the site's
boilerplate and keeps headings and lists as Markdown; the heading marks become hints.
Anything unreadable raises ``InputError`` naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES

_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


@dataclass
class Line:
    text: str
    heading: bool = False  # the source itself marks this line as a heading


@dataclass
class SourceText:
    path: str
    format: str  # "text" | "html"
    lines: list[Line]


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "the file is binary (NUL bytes), expected UTF-8 text or HTML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})") from None


def _html_lines(path: Path, html: str) -> list[Line]:
    import trafilatura

    extracted = trafilatura.extract(
        html, output_format="markdown", include_formatting=True, include_comments=False, favor_recall=True
    )
    if not extracted or not extracted.strip():
        raise InputError(path, "HTML has no extractable body text")
    lines = []
    for raw in extracted.split("\n"):
        heading = _MD_HEADING.match(raw)
        text = heading.group(1) if heading else raw
        lines.append(Line(_MD_ESCAPE.sub(r"\1", text), heading=bool(heading)))
    return lines


def read_source(path: str | Path) -> SourceText:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(none)'}; expected one of {sorted(SUFFIXES)}")
    text = _decode(path, path.read_bytes())
    if suffix in HTML_SUFFIXES:
        return SourceText(str(path), "html", _html_lines(path, text))
    # Normalise line ends only; everything else is kept for the cleaner to judge.
    return SourceText(str(path), "text", [Line(t) for t in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")])
