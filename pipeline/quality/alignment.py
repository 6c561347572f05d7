"""Where coded sentences lie in a document's cleaned text (kept apart from the scorers, whose
imports are heavy, so the build can place coded positions without them)."""

from __future__ import annotations

from typing import Optional, Sequence


def align_sentences(text: str, sentences: Sequence[tuple[str, str]]) -> dict[str, Optional[tuple[int, int]]]:
    """Where each ``(key, sentence)`` lies in ``text`` (half-open offsets), whitespace ignored on
    both sides; searched in order, each after the previous match; None when not found."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in kept)
    out: dict[str, Optional[tuple[int, int]]] = {}
    cursor = 0
    for key, sentence in sentences:
        needle = "".join(sentence.split())
        if not needle:
            out[key] = None
            continue
        at = squeezed.find(needle, cursor)
        if at < 0:  # out of order (rare): anywhere in the text
            at = squeezed.find(needle)
        if at < 0:
            out[key] = None
            continue
        out[key] = (kept[at], kept[at + len(needle) - 1] + 1)
        cursor = at + len(needle)
    return out
