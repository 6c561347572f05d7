"""The claim rows of a Doc: span extensions over a row store in ``doc.user_data``.

One sentence can hold several rows, and spaCy keys a span's extension values by its offsets
alone; so each row lives in ``doc.user_data[ROWS][span.id]`` and the extensions read it there.
"""

from __future__ import annotations

from typing import Iterable, Optional

from spacy.tokens import Doc, Span, Token

SPAN_EXTENSIONS = (
    "actor",
    "target",
    "stance",
    "topic",
    "cue",
    "negated",
    "confidence",
    "footnotes",
    "actor_mentions",
    "target_mentions",
    "claim_index",
    "annotator",
    "conflict",
    "expanded_from",
)
ROWS = "stance_corpus.claim_rows"


def _row_extension(name: str):
    def getter(span: Span):
        return span.doc.user_data.get(ROWS, {}).get(span.id, {}).get(name)

    def setter(span: Span, value) -> None:
        span.doc.user_data.setdefault(ROWS, {}).setdefault(span.id, {})[name] = value

    return getter, setter


for _name in SPAN_EXTENSIONS:
    if not Span.has_extension(_name):
        _get, _set = _row_extension(_name)
        Span.set_extension(_name, getter=_get, setter=_set)


if not Doc.has_extension("speaker"):
    # The state speaking in the first person (a statement's ISO3 code); None for articles.
    Doc.set_extension("speaker", default=None)


def claim_span(doc: Doc, start: int, end: int, row: dict) -> Span:
    """A new claim span over tokens [start, end) carrying ``row`` (a new id, after every row of the doc)."""
    rows = doc.user_data.setdefault(ROWS, {})
    span = Span(doc, start, end, label=row["stance"], span_id=max(rows, default=-1) + 1)
    rows[span.id] = {k: row.get(k) for k in SPAN_EXTENSIONS}
    return span


def trim(span: Span) -> Optional[Span]:
    """The span without leading and trailing whitespace tokens (None if nothing is left)."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if start < end else None


def party(code: str, kb_type: str = "country", label: str = "GPE", key=None) -> dict:
    """An entity record for a party no mention names (the speaker, the party to the war)."""
    return {"key": key, "countries": [code], "kb_type": kb_type, "label": label}


def implied_row(actor: str, target: str, stance: str, cue: Token, topic: str, mentions: Iterable = ()) -> dict:
    """A row implied by a statement (GUIDELINES §7): no actor mention, confidence 0.5."""
    return {
        "actor": actor,
        "actor_mentions": [],
        "target": target,
        "target_mentions": [m for m in mentions if m is not None],
        "stance": stance,
        "topic": topic,
        "confidence": 0.5,
        "cue": cue.text,
        "negated": False,
    }
