"""Word and phrase lookups over attribute arrays (ids as plain integers here)."""

from __future__ import annotations

import numpy as np

from pipeline.nlp.word_index import phrase_matches, rows_where, rows_with

# tokens × (lemma, form): "turned away from it", "turn from away"
ARR = np.array([[1, 11], [2, 12], [3, 13], [4, 14], [1, 15], [3, 13], [2, 12]], dtype=np.uint64)


def test_rows_with_any_column():
    assert rows_with(ARR, [13, 4]) == [2, 3, 5]
    assert rows_with(ARR, []) == []


def test_phrases_stand_whole_in_one_column_in_start_then_phrase_order():
    phrases = [(1, 2, 3), (11, 12, 13), (1, 12), (3, 2)]
    # (1, 12) mixes a lemma and a form: never a match; (3, 2) stands at tokens 5-6
    assert list(phrase_matches(ARR, phrases)) == [(0, 3, 0), (0, 3, 1), (5, 7, 3)]
    # a phrase that would run past the last token is not matched
    assert list(phrase_matches(ARR, [(3, 2, 9)])) == []
    assert list(phrase_matches(ARR, [])) == []


def test_rows_where_tests_each_distinct_string_once():
    strings = {1: "turn", 2: "away", 3: "from", 4: "it", 11: "turned", 12: "Away", 13: "from", 14: "it", 15: "turn"}
    asked: list[str] = []

    def test(s: str) -> bool:
        asked.append(s)
        return s.lower() == "away"

    assert rows_where(ARR, strings, test) == [1, 6]
    assert sorted(asked) == sorted(strings[h] for h in set(ARR.ravel().tolist()))
    assert rows_where(ARR, strings, lambda s: False) == []
