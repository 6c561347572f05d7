"""Stage 2: clean the lines of a source into the document text and its structure.

The cleaned text is the body (headings, paragraphs, list items) joined by blank lines. In order:

1. Residue of an HTML-to-text capture (``**bold**``, ``<sup>1</sup>``, ``\\[2\\]``, Markdown
   headings and links) is turned into plain text; in plain text, lines of one paragraph that
   the source hard-wrapped are joined again (``_join_wrapped``).
2. Site debris is dropped (patterns in ``data/debris.txt``: furniture such as "Share this:",
   photo captions and credits); every dropped line is kept in ``removed_lines``.
3. The header at the top (title, subtitle, dates and timestamps, byline, dateline, series,
   "Source:" line) is lifted into metadata. Dates are read with ``dateutil``. A line that ends
   a sentence or cites a note is body text, never a title.
4. The notes block (a "Notes"/"References"/"Endnotes" heading or a run of ``[n] …`` lines) is
   found wherever it is after the body and set aside for ``footnotes``; the site furniture
   after it goes, an author's note next to it goes into the header.
5. A full stop glued to the next sentence ("CSTO.Russia") gets its space back.
6. Headings, paragraphs and list items are laid out; every offset indexes the cleaned text.

A source with no body text left (only a title, headings, notes, markers or debris) is an
``InputError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Optional

from dateutil import parser as dateparser

from pipeline.errors import InputError
from pipeline.ingest.sources import Line, SourceText
from pipeline.schema import Paragraph, Section

BLOCK_SEPARATOR = "\n\n"
MAX_HEADING_WORDS = 15
MAX_TITLE_WORDS = 30

_SERIES_LINE = re.compile(r"^(?P<series>.*?\bNo\.?\s*\d+\b.*?)\s*(?:\((?P<date>[^()]*)\))?$")
_BYLINE = re.compile(r"^(?:By\s+)?(?P<names>[A-Z][\w’'.\-]+(?:\s+(?:[A-Z][\w’'.\-()]+|and|&))\s*[\w’'.\-()\s&]*)$")
_BY_PREFIX = re.compile(r"^(?:(?:Written|Posted|Published|Story|Words)\s+)?by\s+(?P<rest>.+)$", re.I)
_BY_DATE_SPLIT = re.compile(r"\s+(?:on|\||-|–|—|·|•)\s+|,\s+(?=\S*\d)")
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'’-]{2,}(?:\s+[A-Z][A-Z.'’-]+)*),\s*(?P<rest>.+?)\s*[-–—]*$")
_SOURCE_LINE = re.compile(r"^(?:Sources?|Originally published (?:in|by|at|on))\s*:\s*(?P<source>\S.*)$", re.I)
_NOTE_LINE = re.compile(r"^\[(?P<label>\d+|[a-z])\]\s*(?P<text>.*)$")
# Under a notes heading a capture may have lost the brackets: "1. Text", "1) Text", "1 Text".
_NOTE_LINE_LOOSE = re.compile(r"^\^?(?P<label>\d{1,3})(?:[.)]\s*|\s+)(?P<text>\S.*)$")
_NOTES_HEADING = re.compile(r"^(?:notes|footnotes|endnotes|references|sources|notes and references)\s*:?$", re.I)
_NOTE_CONTINUATION = re.compile(r"^(?:https?://|www\.|doi:|(?:Accessed|Retrieved|Archived)\b)\S*", re.I)
_LIST_ITEM = re.compile(r"^(?:(?P<num>\d{1,3})[.)]|[-•*▪])\s+")
_MARKER = re.compile(r"\[\d{1,3}\]")
_URL = re.compile(r"https?://\S+")
_TERMINAL = re.compile(r"[.!?:;,…\"”’)]$")
# Ends a sentence: closing punctuation (then closing quotes/brackets) or a footnote marker.
_SENTENCE_END = re.compile(r"(?:[.!?…]|\[\d{1,3}\])[\"”’'»)\]]*(?:\[\d{1,3}\])*$")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u200b\ufeff]+")
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_SYMBOLS_ONLY = re.compile(r"^[^\w]+$")

# Residue of HTML or Markdown in a text capture.
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*#*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)\s]*\)")
_MD_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^()\s]+)\)")
_MD_FOOTNOTE = re.compile(r"\[\^(\d{1,3})\]:?")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_HTML_SUP = re.compile(r"<sup\b[^>]*>\s*\[?\s*(\d{1,3})\s*\]?\s*</sup>", re.I)
_HTML_INLINE = re.compile(r"</?(?:sup|sub|em|strong|b|i|u|s|span|a|font|small|mark|abbr|cite|q)\b[^>]*>", re.I)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)

# Words that cannot end a sentence: a line ending in one was cut by a wrap.
_FUNCTION_WORDS = frozenset(
    """a an the of to in on at by for with from into onto upon and or but nor as that which who
whom whose its their his her our my your this these those is are was were be been being has have had will would
shall should can could may might must not than such both between among under over about against during without
within through across toward towards via per whether if""".split()
)
# Abbreviations after which a full stop glued to a capital is no sentence end ("Dr.Sc.", "No.One").
_ABBREVIATIONS = frozenset(
    """dr mr mrs ms st mt prof gen col lt sgt capt rev hon jr sr no nos vol vols pp fig figs
vs etc inc ltd co corp dept univ jan feb mar apr jun jul aug sep sept oct nov dec art ch sec para approx est ed eds
op cf al ibid""".split()
)
# Words of a date line that are not the date itself ("Published on 17 March 2022").
_DATE_WORDS = frozenset("by published on updated posted date dated last modified at the of first time".split())
_FURNITURE_MAX_WORDS = 12


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


# --- line kinds -------------------------------------------------------------------------


def ends_sentence(text: str) -> bool:
    """True for a line that closes a sentence or cites a note: body text, not a title or heading."""
    return bool(_SENTENCE_END.search(text))


def parse_date(text: str) -> Optional[dict]:
    """The date (and time) of a line that is only a date, read by dateutil; else ``None``.

    ``{"date": "2022-03-17", "datetime": "2022-03-17T20:19:06"}``; a date without a day is
    ``"2022-03"``. Words around the date may only be those of a dateline ("Published on").
    """
    if len(text.split()) > 10 or not re.search(r"\d", text):
        return None
    try:
        first, skipped = dateparser.parse(text, fuzzy_with_tokens=True, default=datetime(1, 1, 1))
        second = dateparser.parse(text, fuzzy=True, default=datetime(2, 2, 2, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year:  # no year given
        return None
    if any(w.lower() not in _DATE_WORDS for w in re.findall(r"[^\W\d_]+", " ".join(skipped))):
        return None
    if first.month != second.month:
        return None
    if first.day != second.day:
        return {"date": f"{first.year:04d}-{first.month:02d}"}
    result = {"date": first.date().isoformat()}
    if first.hour == second.hour and first.minute == second.minute:  # a time was given
        result["datetime"] = first.isoformat()
    return result


def _names(text: str) -> Optional[list[str]]:
    text = text.strip().rstrip(",")
    if len(text.split()) > 12 or ends_sentence(text) or not _BYLINE.match(text):
        return None
    return [a.strip() for a in re.split(r"\s*(?:,|;|\band\b|&)\s*", text) if a.strip()]


def _header_kind(text: str, header: dict, after_title: bool) -> Optional[dict]:
    """What a header line states, as header fields; ``None`` when it is no header line."""
    if _MARKER.search(text) or _LIST_ITEM.match(text):
        return None
    if (m := _SERIES_LINE.match(text)) and len(text.split()) <= 12 and "series" not in header:
        fields = {"series": m.group("series").strip()}
        if m.group("date") and (d := parse_date(m.group("date"))):
            fields["series_date"] = d["date"]
        return fields
    if (d := parse_date(text)) is not None:
        return d if "date" not in header else {"dates": header.get("dates", [header["date"]]) + [d["date"]]}
    if m := _SOURCE_LINE.match(text):
        return {"source_line": m.group("source")}
    if m := _BY_PREFIX.match(text):
        rest = m.group("rest")
        parts = _BY_DATE_SPLIT.split(rest, maxsplit=1)
        date = parse_date(parts[1]) if len(parts) == 2 else None
        names = _names(parts[0] if date else rest)
        if names:  # where the header already has authors, the line is still the byline
            return {"authors": names, **(date or {})}
    if m := _DATELINE.match(text):
        rest = [p.strip() for p in m.group("rest").split(",")]
        region = rest[0] if rest and len(rest[0].split()) <= 3 and rest[0][:1].isupper() else None
        date = parse_date(", ".join(rest[1:] if region else rest))
        if region and not parse_date(region) and (len(rest) == 1 or date):
            return {"dateline": f"{m.group('place')}, {region}", **(date if date and "date" not in header else {})}
    if after_title and "authors" not in header and len(text.split()) <= 6 and not _TERMINAL.search(text):
        if names := _names(text):
            return {"authors": names}
    return None


def _title_like(text: str) -> bool:
    return (
        len(text.split()) <= MAX_TITLE_WORDS
        and not ends_sentence(text)
        and not text.endswith((",", ";", ":"))
        and not _LIST_ITEM.match(text)
        and not _NOTE_LINE.match(text)
        and re.search(r"[^\W\d_]", text) is not None
    )


def _lift_header(lines: list[Line], header: dict, title_allowed: bool) -> int:
    """Consume the header lines at the top into ``header``; return how many."""
    n = 0
    has_title = "title" in header
    while n < len(lines):
        text = lines[n].text
        fields = _header_kind(text, header, has_title)
        if fields:
            for key, value in fields.items():
                if key == "dates":
                    header[key] = value
                else:
                    header.setdefault(key, value)
            n += 1
            continue
        if title_allowed and not has_title and _title_like(text):
            header["title"] = text
            has_title = True
            n += 1
            continue
        # A subtitle sits between the title and the byline or date; like the title, it ends no sentence.
        nxt = lines[n + 1].text if n + 1 < len(lines) else None
        if (
            has_title
            and "subtitle" not in header
            and nxt is not None
            and _title_like(text)
            and _header_kind(nxt, header, True)
        ):
            header["subtitle"] = text
            n += 1
            continue
        break
    return n


# --- residue and wrapped lines --------------------------------------------------------


def _plain(text: str) -> tuple[str, bool]:
    """Strip HTML/Markdown residue from one line; return the text and whether it was a heading."""
    heading = False
    if m := _MD_HEADING.match(text):
        text, heading = m.group("text"), True
    if "<" in text:
        text = _HTML_SUP.sub(r"[\1]", text)
        text = _HTML_BREAK.sub(" ", text)
        text = _HTML_INLINE.sub("", text)
    if "[" in text:
        text = _MD_IMAGE.sub("", text)
        text = _MD_FOOTNOTE.sub(r"[\1]", text)
        text = _MD_LINK.sub(lambda m: f"[{m.group('text')}]" if m.group("text").isdigit() else m.group("text"), text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "*" in text or "__" in text:
        text = _MD_STRONG.sub(r"\2", text)
        text = _MD_EM.sub(r"\1", text)
    return text, heading


def _wrap_width(lines: list[Line]) -> Optional[int]:
    """The column a hard-wrapped text was wrapped at, or ``None`` when it was not wrapped.

    A wrapper breaks a line only when the next word would not fit, so in a wrapped text most
    lines followed by another line of the same paragraph are "full" at that width.
    """
    lengths = sorted(len(line.text) for line in lines if line.text)
    if len(lengths) < 4:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    pairs = [(a.text, b.text) for a, b in zip(lines, lines[1:]) if a.text and b.text]
    full = sum(1 for a, b in pairs if len(a) + 1 + len(b.split()[0]) > width)
    return width if len(pairs) >= 3 and full >= 0.6 * len(pairs) else None


def _continues(prev: str, last_physical: str, nxt: str, width: Optional[int]) -> bool:
    """Whether ``nxt`` continues the paragraph of ``prev`` (adjacent lines, no blank between)."""
    if _LIST_ITEM.match(nxt) or _NOTE_LINE.match(nxt) or _NOTES_HEADING.match(nxt) or _MD_HEADING.match(nxt):
        return False
    if _HYPHEN_END.search(prev) and nxt[:1].isalpha():
        return True
    if width is not None and len(last_physical) + 1 + len(nxt.split()[0]) > width:
        return True
    if ends_sentence(prev) or prev.endswith((":", ";")):
        return False
    last_word = prev.split()[-1]
    if prev.endswith(",") or last_word.lower() in _FUNCTION_WORDS:
        return True
    first = nxt[:1]
    if first.islower() or first in "(“«" or prev.count("“") > prev.count("”"):
        return True  # a lower-case word, a bracket or a quotation cannot open a paragraph after an open line
    # A line too long for a heading that ends no sentence was cut ("… Tokayev said" / "Kazakhstan would …"),
    # unless what follows looks like a heading itself.
    nxt_heading_like = len(nxt.split()) <= MAX_HEADING_WORDS and not _TERMINAL.search(nxt)
    return len(prev.split()) > MAX_HEADING_WORDS and not nxt_heading_like


def _join_wrapped(lines: list[Line]) -> list[Line]:
    width = _wrap_width(lines)
    out: list[Line] = []
    last_physical = ""
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.text
            and line.text
            and not prev.heading
            and _continues(prev.text, last_physical, line.text, width)
        ):
            prev.text += ("" if _HYPHEN_END.search(prev.text) else " ") + line.text
        else:
            out.append(line)
        last_physical = line.text
    return out


# --- notes ----------------------------------------------------------------------------


def _note(text: str, loose: bool) -> Optional[Note]:
    m = _NOTE_LINE.match(text) or (_NOTE_LINE_LOOSE.match(text) if loose else None)
    if not m:
        return None
    body = m.group("text").strip()
    url = _URL.search(body)
    return Note(m.group("label"), body, url.group(0).rstrip(".,;)") if url else None)


def _is_furniture(line: Line, debris: set[int]) -> bool:
    words = line.text.split()
    return line.no in debris or (len(words) <= _FURNITURE_MAX_WORDS and not ends_sentence(line.text))


def _author_note(line: Line, first_names: set[str]) -> bool:
    return bool(first_names) and line.text.split()[0] in first_names


def _split_notes(lines: list[Line], debris: set[int], authors: list[str]):
    """Take the notes block (and the author note and site furniture around it) out of the body.

    Returns the body lines, the notes, the author-note lines and the furniture lines.
    """
    first_names = {a.split()[0] for a in authors if a.split()}
    real = [i for i, line in enumerate(lines) if line.no not in debris]
    start = None  # position in ``real`` where the last notes block begins
    for pos, i in enumerate(real):
        text = lines[i].text
        prev = lines[real[pos - 1]].text if pos else ""
        nxt = lines[real[pos + 1]].text if pos + 1 < len(real) else ""
        if _NOTES_HEADING.match(text) and _note(nxt, loose=True):
            start = pos
        elif _NOTE_LINE.match(text) and not _NOTE_LINE.match(prev) and not _NOTES_HEADING.match(prev):
            start = pos
    if start is None:
        body, furniture = _trailing_furniture(lines, debris)
        return body, [], [], furniture

    loose = bool(_NOTES_HEADING.match(lines[real[start]].text))
    pos = start + 1 if loose else start
    notes: list[Note] = []
    while pos < len(real):
        text = lines[real[pos]].text
        if (note := _note(text, loose)) is not None:
            notes.append(note)
        elif notes and _NOTE_CONTINUATION.match(text):
            notes[-1].text += " " + text
            if notes[-1].url is None and (url := _URL.search(text)):
                notes[-1].url = url.group(0).rstrip(".,;)")
        else:
            break
        pos += 1
    block_first = real[start]
    block_last = real[pos - 1]
    before = lines[:block_first]
    tail = lines[block_last + 1 :]

    trailer: list[str] = []
    end = len(before)
    while end > 0 and before[end - 1].no not in debris and _author_note(before[end - 1], first_names):
        trailer.insert(0, before[end - 1].text)
        end -= 1
    body = before[:end]
    furniture = []
    for j, line in enumerate(tail):
        if _is_furniture(line, debris):  # from the first piece of site furniture on, it is all furniture
            furniture = tail[j:]
            break
        if _author_note(line, first_names):
            trailer.append(line.text)
        else:
            body.append(line)  # prose after the notes (an appendix) stays in the body
    return body, notes, trailer, furniture


def _trailing_furniture(lines: list[Line], debris: set[int]) -> tuple[list[Line], list[Line]]:
    """Without a notes block: drop the short lines after the last debris line at the end."""
    end = len(lines)
    while end > 0 and _is_furniture(lines[end - 1], debris):
        end -= 1
    signal = next((i for i in range(end, len(lines)) if lines[i].no in debris), None)
    if signal is None:
        return lines, []
    return lines[:signal], lines[signal:]


# --- glued sentences ------------------------------------------------------------------

_GLUED_STOP = re.compile(r"\.(?=[A-Z][a-z])")
_LEFT_WORD = re.compile(r"(?:(?P<word>[^\W\d_]+)|(?P<digits>\d+)|(?P<close>[)\]”’\"»]))$")


def split_glued_sentences(text: str) -> str:
    """Put back the space of a full stop glued to the next sentence ("CSTO.Russia").

    Left alone: initials and abbreviations ("U.S.", "e.g.", "Dr.Sc."), decimals, and any
    token that is a URL, a path or an e-mail address.
    """
    if "." not in text:
        return text
    tokens = re.split(r"(\s+)", text)
    for k, token in enumerate(tokens):
        if "." not in token or "/" in token or "@" in token or "www." in token.lower() or ":" in token:
            continue

        def repl(m: re.Match) -> str:
            left = _LEFT_WORD.search(token, 0, m.start())
            if not left:
                return "."
            if left.group("word"):
                word = left.group("word")
                before = token[left.start() - 1] if left.start() else ""
                if len(word) < 2 or word.lower() in _ABBREVIATIONS or before == ".":
                    return "."
            elif left.group("digits") and len(left.group("digits")) < 2:
                return "."
            return ". "

        tokens[k] = _GLUED_STOP.sub(repl, token)
    return "".join(tokens)


# --- layout ---------------------------------------------------------------------------


def _is_heading(lines: list[Line], index: int, source_format: str, has_title: bool) -> bool:
    line = lines[index]
    if line.heading:
        return True
    text = line.text
    if source_format == "html" or _LIST_ITEM.match(text) or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if _MARKER.search(text) or parse_date(text) or _SOURCE_LINE.match(text):
        return False  # a line that cites a note, a date or a source line is no heading
    if not _TERMINAL.search(text):
        return True  # a short line without closing punctuation
    # A short lead line ("Common trends in …") heads the first section when a long paragraph follows.
    follower = lines[index + 1].text if index + 1 < len(lines) else ""
    return (
        has_title
        and index == 0
        and text.endswith(".")
        and len(follower.split()) > MAX_HEADING_WORDS
        and not _LIST_ITEM.match(follower)
    )


def _no_body_problem(header: dict, notes: list[Note], headings: int, debris: int) -> str:
    if notes:
        return "no body text, only footnote markers or notes"
    if headings:
        return "no body text, only headings"
    if debris:
        return f"no body text, only site debris ({debris} line(s) matched data/debris.txt)"
    if header.get("title"):
        return "no body text, only a title"
    return "no body text, only whitespace, separators or symbols"


def clean(source: SourceText, debris: list[re.Pattern]) -> CleanText:
    lines: list[Line] = []
    for line in source.lines:
        text, heading = _plain(line.text)
        lines.append(Line(_SPACES.sub(" ", text).strip(), heading or line.heading, line.no))
    if source.format == "text":
        # Debris first (as blank lines), so that a dropped line never glues two paragraphs together.
        pre = {ln.no: ln for ln in lines if ln.text and any(p.fullmatch(ln.text) for p in debris)}
        joined = _join_wrapped([Line("", no=ln.no) if ln.no in pre else ln for ln in lines])
        lines = [pre.get(ln.no, ln) for ln in joined]
    lines = [ln for ln in lines if ln.text]
    debris_nos = {ln.no for ln in lines if any(p.fullmatch(ln.text) for p in debris) or _SYMBOLS_ONLY.match(ln.text)}

    header: dict = dict(source.meta)
    content = [ln for ln in lines if ln.no not in debris_nos]
    n_header = _lift_header(content, header, title_allowed=source.format == "text")
    last_header_no = content[n_header - 1].no if n_header else None
    header_nos = {ln.no for ln in content[:n_header]}
    rest_from = next((i for i, ln in enumerate(lines) if ln.no == last_header_no), -1) + 1
    rest = lines[rest_from:]
    body, notes, trailer, furniture = _split_notes(rest, debris_nos, header.get("authors", []))
    if trailer:
        header["author_note"] = " ".join(trailer)
    body = [ln for ln in body if ln.no not in debris_nos]
    for ln in body:
        ln.text = split_glued_sentences(ln.text)
    for note in notes:
        note.text = split_glued_sentences(note.text)

    kept = {ln.no for ln in body} | header_nos
    furniture_nos = {ln.no for ln in furniture}
    removed_lines = list(source.removed) + [
        ln.text for ln in lines if ln.no not in kept and (ln.no in debris_nos or ln.no in furniture_nos)
    ]

    has_title = bool(header.get("title"))
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    pos = 0
    for i, line in enumerate(body):
        if parts:
            pos += len(BLOCK_SEPARATOR)
        start, end = pos, pos + len(line.text)
        parts.append(line.text)
        pos = end
        if _is_heading(body, i, source.format, has_title):
            sections.append(Section(title=line.text, start=start, end=end, heading_start=start, heading_end=end))
            paragraphs.append(Paragraph(start=start, end=end, type="heading", section=len(sections) - 1))
            continue
        if not sections:
            sections.append(Section(title=None, start=start, end=end))
        item = _LIST_ITEM.match(line.text)
        if item:
            paragraphs.append(
                Paragraph(
                    start=start + item.end(),
                    end=end,
                    type="list_item",
                    section=len(sections) - 1,
                    label=item.group("num"),
                )
            )
        else:
            paragraphs.append(Paragraph(start=start, end=end, type="paragraph", section=len(sections) - 1))
        sections[-1].end = end
    if not any(p.type != "heading" for p in paragraphs):
        headings = sum(p.type == "heading" for p in paragraphs)
        n_debris = sum(1 for ln in lines if ln.no in debris_nos and not _SYMBOLS_ONLY.match(ln.text))
        raise InputError(source.path, _no_body_problem(header, notes, headings, n_debris))
    return CleanText(source.path, BLOCK_SEPARATOR.join(parts), sections, paragraphs, notes, header, removed_lines)
