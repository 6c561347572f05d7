"""Stage 3: footnote markers ``[n]`` in the body, resolved to the notes list.

Modelled on S2ORC's ``cite_spans`` -> ``bib_entries``: each note keeps the offsets of the
markers that cite it. Orphans (a marker without a note, a note without a marker) are
reported; in strict mode they are an input error, otherwise a recorded problem.
"""

from __future__ import annotations

import re

from pipeline.errors import InputError
from pipeline.ingest.clean import CleanText
from pipeline.schema import Footnote, Span

MARKER = re.compile(r"\[(\d{1,3})\]")


def find_markers(clean: CleanText) -> list[tuple[str, Span]]:
    markers = []
    for para in clean.paragraphs:  # headings too: an HTML <h2> may cite a note
        for m in MARKER.finditer(clean.text, para.start, para.end):
            markers.append((m.group(1), Span(start=m.start(), end=m.end())))
    return markers


def link_footnotes(clean: CleanText, strict: bool = True) -> tuple[list[Footnote], list[str]]:
    """Return the footnotes with their markers, and a list of problems found."""
    footnotes = {n.label: Footnote(label=n.label, text=n.text, url=n.url) for n in clean.notes}
    problems = []
    for label, span in find_markers(clean):
        if label in footnotes:
            footnotes[label].markers.append(span)
        else:
            problems.append(f"marker [{label}] at offset {span.start} has no note")
    problems += [f"note [{label}] is cited by no marker" for label, fn in footnotes.items() if not fn.markers]
    if problems and strict:
        raise InputError(clean.path, "; ".join(problems) + " (use --allow-orphans to keep going)")
    return list(footnotes.values()), problems
