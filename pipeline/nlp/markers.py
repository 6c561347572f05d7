"""Components for the document's layout: paragraphs and footnote markers.

- ``paragraph_sentences`` (before the parser): a line break ends a sentence, so no sentence
  crosses a paragraph, heading or list item; a list number ("3. ") stands alone.
- ``footnote_sentences`` (before the parser): a marker ``[7]`` never starts a sentence, so it
  belongs to the sentence it closes (``…Taiwan”[7].``, ``…Ukraine.[10]``).
- ``footnote_markers_not_entities`` (before NER): the small model tags "[1]" as ORG; blocked
  tokens are left alone by NER.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

import numpy as np
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.word_index import rows_where

MARKER = re.compile(r"\[(\d{1,3})\]")
MARKER_TOKEN = re.compile(r"^\[\d{1,3}\]$")
LIST_NUMBER = re.compile(r"^\d{1,3}[.)]$")
_CLOSERS = {".", ",", ";", ":", "”", "’", '"', ")", "!", "?"}
_FINAL = {".", "!", "?"}


@Language.component("paragraph_sentences", requires=["token.text"], assigns=["token.is_sent_start"])
def paragraph_sentences(doc: Doc) -> Doc:
    for i in line_starts(doc):
        doc[i].is_sent_start = True
        # "3. The text": the list number is not part of the item's first sentence.
        end = _list_number_end(doc, i)
        if end is not None and end < len(doc) and not doc[end].is_space:
            doc[end].is_sent_start = True
            for t in doc[i + 1 : end]:
                t.is_sent_start = False
    return doc


def line_starts(doc: Doc) -> list[int]:
    """The first word of the Doc and every first word after a line break (spaCy keeps a line
    break as a space token; a token's own trailing whitespace is at most one space), from the
    Doc's arrays: a ``Token`` only for the words that start a line."""
    if not len(doc):
        return []
    arr = doc.to_array([IS_SPACE, ORTH])
    words = np.flatnonzero(arr[:, 0] == 0)
    if not len(words):
        return []
    # a space token (``IS_SPACE`` is ``str.isspace``) that holds a line break
    breaks = rows_where(arr[:, 1:], doc.vocab.strings, lambda s: s.isspace() and "\n" in s)
    nxt = np.searchsorted(words, np.array(breaks, dtype=np.int64), side="right")
    return sorted({int(words[0]), *(int(words[k]) for k in nxt.tolist() if k < len(words))})


def _list_number_end(doc: Doc, i: int):
    """The token after a list number at ``i`` ("3." or "3" ".", "3)"), else None."""
    if LIST_NUMBER.match(doc[i].text):
        return i + 1
    if (
        doc[i].text.isdigit()
        and len(doc[i].text) <= 3
        and i + 1 < len(doc)
        and doc[i + 1].text in (".", ")")
        and not doc[i].whitespace_
    ):
        return i + 2
    return None


def marker_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens that are a whole footnote marker ("[12]"), in order: the Doc's
    distinct word forms are tested once each, from its array (no Token objects, no ``doc.text``)."""
    orth = doc.to_array(ORTH).reshape(-1, 1)  # one column: tokens × (ORTH)
    return rows_where(orth, doc.vocab.strings, MARKER_TOKEN.match)


@Language.component("footnote_sentences", requires=["token.text"], assigns=["token.is_sent_start"])
def footnote_sentences(doc: Doc) -> Doc:
    for i in marker_tokens(doc):
        token = doc[i]
        token.is_sent_start = False
        j = i + 1
        while j < len(doc) and doc[j].text in _CLOSERS:
            doc[j].is_sent_start = False
            j += 1
        # "…Ukraine.[10] Next": the marker closed a finished sentence, so the next word opens one.
        before = {t.text for t in doc[max(0, i - 2) : i]}
        if j < len(doc) and j == i + 1 and before & _FINAL and doc[j].is_title:
            doc[j].is_sent_start = True
    return doc


@Language.component("footnote_markers_not_entities", requires=["token.text"], assigns=["doc.ents"])
def footnote_markers_not_entities(doc: Doc) -> Doc:
    markers = [doc[i : i + 1] for i in marker_tokens(doc)]
    if markers:
        doc.set_ents([], blocked=markers, default="unmodified")
    return doc


def marker_labels(span, markers: Optional[list[int]] = None) -> list[str]:
    """The footnote labels of the markers inside a span, in order; ``markers``: the Doc's
    ``marker_tokens``, given by a caller that asks for many spans of one Doc."""
    doc = span.doc
    markers = marker_tokens(doc) if markers is None else markers
    inside = markers[bisect_left(markers, span.start) : bisect_left(markers, span.end)]
    return [MARKER.fullmatch(doc[i].text).group(1) for i in inside]  # type: ignore[union-attr]
