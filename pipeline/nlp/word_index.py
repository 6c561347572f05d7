"""Word and phrase lookups over a Doc's attribute arrays (``doc.to_array``).

A set lookup over the arrays finds every token whose lemma or form is in a word list without
building a ``Token`` per word, which made matching a noticeable part of the pipeline's own time.
Words and phrases are given as string ids (``spacy.strings.get_string_id``)."""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

import numpy as np


def rows_with(arr: np.ndarray, ids: Sequence[int]) -> list[int]:
    """The token indices where any column of ``arr`` (tokens × attributes) holds one of ``ids``."""
    if not len(ids):
        return []
    return np.flatnonzero(np.isin(arr, list(ids)).any(axis=1)).tolist()


def rows_where(arr: np.ndarray, strings, test: Callable[[str], object]) -> list[int]:
    """The token indices where any column of ``arr`` holds a string id whose string (in
    ``strings``, the vocab's ``StringStore``) passes ``test``: each distinct string is tested once."""
    return rows_with(arr, sorted(h for h in set(arr.ravel().tolist()) if test(strings[h])))


def phrase_matches(arr: np.ndarray, phrases: Sequence[tuple[int, ...]]) -> Iterator[tuple[int, int, int]]:
    """``(start, end, k)`` wherever phrase ``k`` stands whole in one column of ``arr`` (all its
    words as lemmas, or all as forms, never mixed), by start and then in the phrases' order; a
    phrase is tried only where its first word stands."""
    if not phrases:
        return
    columns = arr.T.tolist()
    n = len(arr)
    for i in rows_with(arr, sorted({p[0] for p in phrases})):
        for k, ids in enumerate(phrases):
            end = i + len(ids)
            if end <= n and any(tuple(col[i:end]) == ids for col in columns):
                yield i, end, k
