"""Stage 1: read a source file and turn it into lines of text.

Plain text is taken line by line; the cleaner (``clean.py``) decides what the lines are.
HTML is first normalised to the plain-text conventions, then goes through trafilatura:

* footnote markers (``<sup>1</sup>``, ``<sup>[1]</sup>``, ``<a href="#fn1">1</a>``) become
  ``[n]`` in the text, and a notes list (``<ol><li id="fn1">…<a href="#fnref1">↩</a></li></ol>``)
  becomes ``[n] note`` lines after the body, with the back-links dropped;
* photo captions (``<figcaption>``, ``class="…caption…"``) are set aside as removed lines;
* the body is read from trafilatura's element tree (``bare_extraction``), so no tag or
  Markdown mark reaches the text, and its metadata (title, author, date, site name) becomes
  the header. The title is the page's ``<h1>`` where it has one.

Files are decoded as UTF-8, or as UTF-16/UTF-32 when they start with that byte-order mark.
Anything unreadable raises ``InputError`` naming the file.
"""

from __future__ import annotations

import codecs
import copy
import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES

# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_NUMBER_LABEL = re.compile(r"^\s*(\[)?\s*(\d{1,3})\s*(?(1)\])\s*$")
_NOTES_CONTAINER = re.compile(r"(?:^|[\s_-])(?:foot|end)?notes?(?:$|[\s_-])|references|reflist", re.I)
_BACKLINK_TEXT = {"↩", "↩︎", "↩\ufe0e", "^", "↑", "⤴", "back", "return", "[return]"}
_UNITS = {"km", "m", "cm", "mm", "ft", "mi", "yd", "in", "sq", "ha", "m/s", "kg/m"}
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_XML_BLOCKS = {"p", "head", "list", "item", "quote", "table", "row", "cell", "div", "code"}  # trafilatura's tree
_BLOCK_TAGS = {"p", "div", "li", "dd", "dt", "td", "section", "article", "blockquote", "aside", "footer"}


@dataclass
class Line:
    text: str
    heading: bool = False  # the source itself marks this line as a heading
    no: int = 0  # line number in the source (0 for lines made from HTML), to keep removed lines in order


@dataclass
class SourceText:
    path: str
    format: str  # "text" | "html"
    lines: list[Line]
    meta: dict = field(default_factory=dict)  # header fields the source states itself (HTML metadata)
    removed: list[str] = field(default_factory=list)  # text set aside while reading (HTML captions)


# --- bytes -> text --------------------------------------------------------------------


def _looks_utf16_without_bom(data: bytes) -> bool:
    """ASCII text saved as UTF-16 without a mark: every other byte is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0) / len(sample[0::2]), sample[1::2].count(0) / len(sample[1::2])
    return (even > 0.9 and odd < 0.1) or (odd > 0.9 and even < 0.1)


def _decode(path: Path, data: bytes, html: bool = False) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                offset = err.start + len(bom)
                raise InputError(
                    path, f"not valid {name} after its byte-order mark (at byte offset {offset})"
                ) from None
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            if b"\x00" in data:
                raise InputError(path, "the file is binary (NUL bytes), expected UTF-8 text or HTML") from None
            declared = _META_CHARSET.search(data[:4096]) if html else None
            if declared:
                try:
                    text = data.decode(declared.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    raise InputError(
                        path, f"not valid {declared.group(1).decode('ascii')} as its <meta charset> declares"
                    ) from None
            else:
                raise InputError(
                    path, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})"
                ) from None
    if "\x00" in text:
        # Refused rather than stripped: NUL bytes inside text mean a damaged or mis-saved file,
        # and deleting them would hide whatever else was lost with them.
        if _looks_utf16_without_bom(data):
            raise InputError(
                path,
                "NUL bytes between the characters: UTF-16 without a byte-order mark; "
                "save it as UTF-8 or as UTF-16 with a BOM",
            )
        printable = sum(ch.isprintable() or ch.isspace() for ch in text[:8192]) / min(len(text), 8192)
        if printable < 0.9:
            raise InputError(path, "the file is binary (NUL bytes), expected UTF-8 text or HTML")
        raise InputError(
            path,
            f"NUL byte inside the text (character offset {text.index(chr(0))}); "
            "the file is damaged or mis-saved, remove the NUL bytes",
        )
    return text


# --- HTML -----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def _replace_with_text(el, text: str) -> None:
    """Put ``text`` (and the element's tail) where ``el`` was, then remove ``el``."""
    parent = el.getparent()
    if parent is None:
        return
    joined = text + (el.tail or "")
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


def _classes(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _is_backlink(a) -> bool:
    href = a.get("href") or ""
    text = _norm(a.text_content()).lower()
    return href.startswith("#") and (
        text in _BACKLINK_TEXT
        or "backlink" in _classes(a).lower()
        or "footnote-back" in _classes(a).lower()
        or re.fullmatch(r"[a-z]", text) is not None
    )


def _is_notes_list(ol, cited_ids: set[str]) -> bool:
    items = [li for li in ol if getattr(li, "tag", None) == "li"]
    if not items:
        return False
    half = max(1, len(items) // 2)
    cited = sum(1 for li in items if any(e.get("id") in cited_ids for e in li.iter() if isinstance(e.tag, str)))
    backlinked = sum(1 for li in items if any(_is_backlink(a) for a in li.iter("a")))
    # A class such as "footnotes" on the list or a near container; not further up, where a page
    # template's class names would mark every list.
    in_container = any(_NOTES_CONTAINER.search(_classes(e)) for e in [ol, *list(ol.iterancestors())[:3]])
    return cited >= half or backlinked >= half or in_container


def _take_notes(tree) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Remove the notes lists from the tree; return their ``(label, text)`` and id -> label."""
    cited_ids = {a.get("href")[1:] for a in tree.iter("a") if (a.get("href") or "").startswith("#")}
    notes, id_label = [], {}
    for ol in list(tree.iter("ol")):
        if ol.getparent() is None or not _is_notes_list(ol, cited_ids):
            continue
        try:
            number = int(ol.get("start") or 1)
        except ValueError:
            number = 1
        for li in (e for e in ol if getattr(e, "tag", None) == "li"):
            label = str(number)
            number += 1
            for e in li.iter():
                if isinstance(e.tag, str) and e.get("id"):
                    id_label[e.get("id")] = label
            item = copy.deepcopy(li)
            for a in list(item.iter("a")):
                if (a.get("href") or "").startswith("#"):  # back-links and in-page jumps are not note text
                    _replace_with_text(a, "")
            text = _norm(item.text_content()).strip(" ^↑↩\ufe0e\ufe0f")
            urls = [a.get("href") for a in item.iter("a") if re.match(r"https?://", a.get("href") or "")]
            if urls and urls[0] not in text:
                text = f"{text} {urls[0]}".strip()
            notes.append((label, text))
        ol.drop_tree()
    return notes, id_label


def _starts_block(el) -> bool:
    """True when nothing but whitespace comes before ``el`` in its block (a note's own label)."""
    node = el
    while True:
        parent = node.getparent()
        if parent is None:
            return False
        prev = node.getprevious()
        if prev is not None:
            return False
        if (parent.text or "").strip():
            return False
        if parent.tag in _BLOCK_TAGS:
            return True
        node = parent


def _is_power(sup) -> bool:
    prev = sup.getprevious()
    before = (prev.tail if prev is not None else sup.getparent().text) or ""
    word = re.search(r"(\S*)$", before).group(1)  # type: ignore[union-attr]  # always matches
    return word.lower().rstrip(".") in _UNITS or word[-1:].isdigit()


def _mark_footnotes(tree, note_labels: set[str], id_label: dict[str, str]) -> None:
    """Rewrite footnote markers as ``[n]`` text, the plain-text convention."""
    sups = [(sup, m) for sup in tree.iter("sup") if (m := _NUMBER_LABEL.match(sup.text_content()))]
    # A number opening a block is a note's own label ("<p><sup>1</sup> Note text</p>").
    labels = note_labels | {m.group(2) for sup, m in sups if _starts_block(sup)}
    for sup, m in sups:
        if sup.getparent() is None:
            continue
        link = next((a for a in sup.iter("a") if (a.get("href") or "").startswith("#")), None)
        label = id_label.get(link.get("href")[1:], m.group(2)) if link is not None else m.group(2)
        # A bare superscript number is a marker only where the page has that note and it is no
        # power ("km<sup>2</sup>", "10<sup>6</sup>"); a power keeps its superscript digits.
        if link is not None or m.group(1) or (label in labels and not _is_power(sup)):
            _replace_with_text(sup, f"[{label}]")
        elif link is None:
            _replace_with_text(sup, m.group(2).translate(_SUPERSCRIPTS))
    for a in list(tree.iter("a")):
        href = a.get("href") or ""
        m = _NUMBER_LABEL.match(a.text_content())
        if a.getparent() is None or not href.startswith("#") or not m:
            continue
        _replace_with_text(a, f"[{id_label.get(href[1:], m.group(2))}]")


def _take_captions(tree) -> list[str]:
    captions = []
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        classes = (el.get("class") or "").lower().split()
        if el.tag == "figcaption" or any("caption" in c for c in classes):
            text = _norm(el.text_content())
            if text:
                captions.append(text)
            el.drop_tree()
    for fig in list(tree.iter("figure")):  # images and what is left of their captions
        if fig.getparent() is not None:
            fig.drop_tree()
    return captions


def _element_text(el) -> str:
    """Text of an extracted element; a line break or a nested block is a space."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append(" ")
        elif child.tag in _XML_BLOCKS:
            parts.append(f" {_element_text(child)} ")
        else:
            parts.append(_element_text(child))
        parts.append(child.tail or "")
    return _norm("".join(parts))


def _list_lines(lst, lines: list[Line]) -> None:
    ordered = (lst.get("rend") or "").lower() == "ol"
    for n, item in enumerate((i for i in lst if i.tag == "item"), 1):
        own = copy.deepcopy(item)
        nested = [e for e in own if e.tag == "list"]
        for e in nested:
            own.remove(e)
        text = _element_text(own)
        if text:
            lines.append(Line(f"{n}. {text}" if ordered else f"- {text}"))
        for e in (e for e in item if e.tag == "list"):
            _list_lines(e, lines)


def _body_lines(body) -> list[Line]:
    lines: list[Line] = []
    for el in body:
        if el.tag == "list":
            _list_lines(el, lines)
        elif el.tag == "table":
            for row in el.iter("row"):
                cells = [_element_text(c) for c in row if c.tag == "cell"]
                if any(cells):
                    lines.append(Line(" | ".join(cells)))
        elif el.tag in ("quote", "div") and any(child.tag in _XML_BLOCKS for child in el):
            lines += _body_lines(el)  # a quotation of several paragraphs keeps them apart
        elif el.tag != "graphic":
            text = _element_text(el)
            if text:
                lines.append(Line(text, heading=el.tag == "head"))
    return lines


# C0 and C1 controls, surrogates and the noncharacters (U+FDD0..U+FDEF, U+FFFE and U+FFFF of
# every plane): no text, and lxml refuses them in the tree it builds.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_control_ref(m: re.Match) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return "" if code > 0x10FFFF or _CONTROL.match(chr(code)) else m.group(0)


# libxml2's limit on nested elements (without XML_PARSE_HUGE): deeper content is dropped.
_MAX_DEPTH = 256


def _depth(tree) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:  # no recursion: the depth is what is in question
        el, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in el)
    return deepest


def _html_source(path: Path, html: str) -> SourceText:
    import lxml.html
    from lxml import etree
    from trafilatura import bare_extraction

    # Control characters are not text, and lxml refuses them in the tree it builds: raw, or
    # written as character references (``&#xFFFE;``).
    html = _CONTROL.sub("", _CHAR_REF.sub(_drop_control_ref, html))
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as err:
        raise InputError(path, f"HTML could not be parsed ({err})") from None
    if _depth(tree) >= _MAX_DEPTH:  # libxml2 stops there and drops everything deeper
        raise InputError(
            path, f"HTML nested too deeply ({_MAX_DEPTH} or more levels of elements, the most lxml reads); flatten it"
        )
    # Site navigation is never article text; without it an empty page stays empty instead of
    # trafilatura's whole-page fallback returning the menu.
    for el in list(tree.iter("nav", "button", "script", "style", "noscript")):
        if el.getparent() is not None:
            el.drop_tree()
    h1 = next((_norm(h.text_content()) for h in tree.iter("h1") if _norm(h.text_content())), None)
    captions = _take_captions(tree)
    notes, id_label = _take_notes(tree)
    _mark_footnotes(tree, {label for label, _ in notes}, id_label)

    doc: Any = bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_tables=True,
        include_formatting=False,
        include_links=False,
        favor_recall=True,
    )
    lines = _body_lines(doc.body) if doc is not None and doc.body is not None else []
    meta: dict = {}
    title = h1 or (_norm(doc.title) if doc is not None and doc.title else None)
    if title:
        meta["title"] = title
        if lines and _norm(lines[0].text) == title:  # the <h1> opens the body: it is the header's title
            lines.pop(0)
    if doc is not None:
        if doc.author:
            meta["authors"] = [a.strip() for a in re.split(r"\s*;\s*", doc.author) if a.strip()]
        if doc.date:
            meta["date"] = doc.date
        if doc.sitename:
            meta["sitename"] = doc.sitename
    if not any(not line.heading for line in lines):
        what = "only a caption" if captions else "nothing but headings" if lines else "nothing"
        raise InputError(path, f"HTML has no extractable body text (the extracted page holds {what})")
    lines += [Line(f"[{label}] {text}") for label, text in notes]
    return SourceText(str(path), "html", lines, meta, captions)


# --- files ----------------------------------------------------------------------------


def _check_path(path: Path) -> None:
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(path, "symlink loop (the link resolves to itself)") from None
        if path.is_symlink():
            raise InputError(path, f"broken symlink (points to {os.readlink(path)}, which does not exist)") from None
        if err.errno == errno.EACCES:
            raise InputError(path, "permission denied") from None
        raise InputError(path, "no such file") from None
    if path.is_dir():
        raise InputError(path, "is a directory, expected a .txt or .html file")
    if not path.is_file():
        raise InputError(path, "not a regular file (a device, pipe or socket)")


def read_source(path: str | Path) -> SourceText:
    path = Path(path)
    _check_path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(none)'}; expected one of {sorted(SUFFIXES)}")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    text = _decode(path, data, html=suffix in HTML_SUFFIXES)
    if suffix in HTML_SUFFIXES:
        return _html_source(path, text)
    # Normalise line ends only; everything else is kept for the cleaner to judge.
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceText(str(path), "text", [Line(t, no=i) for i, t in enumerate(raw, 1)])
