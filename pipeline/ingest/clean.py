"""Stage 2: clean the lines of a source into the document text and its structure.

The cleaned text is the body (headings, paragraphs, list items) joined by blank lines.
Site debris is dropped (patterns in ``data/debris.txt``), the header lines (title, date,
byline, series) are lifted into metadata, and the notes list at the end is set aside for
``footnotes``. Every offset recorded here indexes the cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Optional

from pipeline.ingest.sources import SourceText
from pipeline.schema import Paragraph, Section

BLOCK_SEPARATOR = "\n\n"
MAX_HEADING_WORDS = 15

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = rf"(?:(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_DATE_LINE = re.compile(rf"^(?:By\s+)?(?:Published\s+)?(?:on\s+)?({_DATE})$", re.I)
_SERIES_LINE = re.compile(rf"^(?P<series>.*?\bNo\.?\s*\d+\b.*?)\s*(?:\((?P<date>{_DATE})\))?$")
_BYLINE = re.compile(r"^(?:By\s+)?(?P<names>[A-Z][\w’'.\-]+(?:\s+(?:[A-Z][\w’'.\-()]+|and|&))\s*[\w’'.\-()\s&]*)$")
_NOTE_LINE = re.compile(r"^\[(?P<label>\d+|[a-z])\]\s*(?P<text>.*)$")
_NOTES_HEADING = re.compile(r"^(?:notes|footnotes|endnotes|references|sources)\s*:?$", re.I)
_LIST_ITEM = re.compile(r"^(?:(?P<num>\d{1,3})[.)]|[-•*▪])\s+")
_URL = re.compile(r"https?://\S+")
_TERMINAL = re.compile(r"[.!?:;,…\"”’)]$")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u200b\ufeff]+")


@dataclass
class Note:
    label: str
    text: str
    url: Optional[str]


@dataclass
class CleanText:
    path: str
    text: str
    sections: list[Section]
    paragraphs: list[Paragraph]
    notes: list[Note]
    header: dict
    removed_lines: list[str] = field(default_factory=list)


def load_debris_patterns(path: str | Path) -> list[re.Pattern]:
    patterns = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            patterns.append(re.compile(line.strip(), re.I))
    return patterns


def _iso_date(text: str) -> Optional[str]:
    text = re.sub(r"\s+", " ", text.replace(",", "")).strip()
    for fmt in ("%B %d %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _lift_header(lines: list, header: dict) -> int:
    """Consume title, date, byline and series lines from the top; return how many."""
    if not lines or len(lines[0].text.split()) > 30:
        return 0
    header["title"] = lines[0].text
    n = 1
    while n < len(lines):
        text = lines[n].text
        if (m := _DATE_LINE.match(text)) and "date" not in header:
            header["date"] = _iso_date(m.group(1))
        elif (m := _SERIES_LINE.match(text)) and len(text.split()) <= 12 and "series" not in header:
            header["series"] = m.group("series").strip()
            if m.group("date"):
                header["series_date"] = _iso_date(m.group("date"))
        elif _BYLINE.match(text) and len(text.split()) <= 6 and not _TERMINAL.search(text) and "authors" not in header:
            names = re.sub(r"^By\s+", "", text)
            header["authors"] = [a.strip() for a in re.split(r"\s*(?:,|\band\b|&)\s*", names) if a.strip()]
        else:
            break
        n += 1
    return n


def _split_notes(lines: list, authors: list[str]) -> tuple[list, list[Note], list[str]]:
    """Take the notes list (and an author note just before it) off the end of the body."""
    notes, trailer = [], []
    end = len(lines)
    while end > 0 and (m := _NOTE_LINE.match(lines[end - 1].text)):
        text = m.group("text").strip()
        url = _URL.search(text)
        notes.append(Note(m.group("label"), text, url.group(0).rstrip(".,;)") if url else None))
        end -= 1
    notes.reverse()
    if notes and end > 0 and _NOTES_HEADING.match(lines[end - 1].text):
        end -= 1
    # An author's bio line right after the body ("Jane Doe, PhD, research fellow at ...").
    first_names = {a.split()[0] for a in authors if a.split()}
    while end > 0 and first_names and lines[end - 1].text.split()[0] in first_names:
        trailer.insert(0, lines[end - 1].text)
        end -= 1
    return lines[:end], notes, trailer


def _is_heading(lines: list, index: int, source_format: str) -> bool:
    line = lines[index]
    if line.heading:
        return True
    if source_format == "html" or _LIST_ITEM.match(line.text) or len(line.text.split()) > MAX_HEADING_WORDS:
        return False
    if not _TERMINAL.search(line.text):
        return True  # a short line without closing punctuation
    # A short lead line ("Common trends in …") heads the first section when a long paragraph follows.
    follower = lines[index + 1].text if index + 1 < len(lines) else ""
    return index == 0 and len(follower.split()) > MAX_HEADING_WORDS and not _LIST_ITEM.match(follower)


def clean(source: SourceText, debris: list[re.Pattern]) -> CleanText:
    lines, removed = [], []
    for line in source.lines:
        text = _SPACES.sub(" ", line.text).strip()
        if not text:
            continue
        if any(p.fullmatch(text) for p in debris):
            removed.append(text)
            continue
        line.text = text
        lines.append(line)

    header: dict = {}
    lines = lines[_lift_header(lines, header):]
    lines, notes, trailer = _split_notes(lines, header.get("authors", []))
    if trailer:
        header["author_note"] = " ".join(trailer)

    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    pos = 0
    for i, line in enumerate(lines):
        if parts:
            pos += len(BLOCK_SEPARATOR)
        start, end = pos, pos + len(line.text)
        parts.append(line.text)
        pos = end
        if _is_heading(lines, i, source.format):
            sections.append(Section(title=line.text, start=start, end=end, heading_start=start, heading_end=end))
            paragraphs.append(Paragraph(start=start, end=end, type="heading", section=len(sections) - 1))
            continue
        if not sections:
            sections.append(Section(title=None, start=start, end=end))
        item = _LIST_ITEM.match(line.text)
        if item:
            paragraphs.append(Paragraph(start=start + item.end(), end=end, type="list_item", section=len(sections) - 1,
                                        label=item.group("num")))
        else:
            paragraphs.append(Paragraph(start=start, end=end, type="paragraph", section=len(sections) - 1))
        sections[-1].end = end
    return CleanText(source.path, BLOCK_SEPARATOR.join(parts), sections, paragraphs, notes, header, removed)
