"""spaCy's attribute ruler with its patterns tried only where their first token can match.

The base model's attribute ruler (tag → POS and morphology, a few word-specific fixes) holds
about 180 one- and two-token patterns, and spaCy's ``Matcher`` tries each of them at every token
through a ``Token`` object per test: it cost as much as all the claim components together. Here
every pattern is filed under a value its first token must have (a tag, a lower-case form, a
dependency label, a flag), the token attributes come from one ``Doc.to_array`` call, and a
token is tested only against the patterns filed under its own values. The matches are the
``Matcher``'s (every start and end where all token tests pass) and ``set_annotations``, the
patterns, their saving and loading are the ``AttributeRuler``'s own. A pattern using anything
beyond plain values, ``IN``, ``NOT_IN`` and ``REGEX`` on the attributes below, or an operator,
sends the whole ruler back to spaCy's ``Matcher``.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, Optional

from spacy import attrs as spacy_attrs
from spacy.language import Language
from spacy.pipeline.attributeruler import AttributeRuler
from spacy.tokens import Doc

# Token attributes a pattern may test: to_array gives a string's hash or a flag's 0/1.
_STRINGS = ("ORTH", "LOWER", "NORM", "LEMMA", "TAG", "POS", "DEP", "SHAPE", "ENT_TYPE")
_FLAGS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_TITLE", "IS_LOWER", "IS_UPPER")
_ALIASES = {"TEXT": "ORTH"}

Test = Callable[[int], bool]  # on the attribute's value in to_array


def _test(ruler: AttributeRuler, attr: str, value: Any) -> Optional[tuple[Test, Optional[frozenset[int]], bool]]:
    """A value test on one attribute; the values it allows, where it allows only certain ones;
    and whether the test is just membership in them. None when the index does not read it."""
    as_id = _flag_id if attr in _FLAGS else partial(_string_id, ruler)
    if not isinstance(value, dict):
        wanted = as_id(value)
        if wanted is None:
            return None
        return (lambda got, w=wanted: got == w), frozenset([wanted]), True
    tests: list[Test] = []
    allowed: Optional[frozenset[int]] = None
    for predicate, arg in value.items():
        if predicate in ("IN", "NOT_IN") and isinstance(arg, list):
            ids = [as_id(v) for v in arg]
            group = frozenset(i for i in ids if i is not None)
            if len(group) < len(set(ids)):
                return None
            if predicate == "IN":
                tests.append(partial(_member, group))
                allowed = group if allowed is None else allowed & group
            else:
                tests.append(partial(_not_member, group))
        elif predicate == "REGEX" and isinstance(arg, str) and attr in _STRINGS:
            tests.append(_regex_test(ruler, re.compile(arg)))
        else:
            return None
    test = tests[0] if len(tests) == 1 else (lambda got: all(t(got) for t in tests))
    return test, allowed, allowed is not None and len(tests) == 1


def _member(group: frozenset[int], got: int) -> bool:
    return got in group


def _not_member(group: frozenset[int], got: int) -> bool:
    return got not in group


def _flag_id(value: Any) -> Optional[int]:
    return int(value) if isinstance(value, bool) else None


def _string_id(ruler: AttributeRuler, value: Any) -> Optional[int]:
    return ruler.vocab.strings.add(value) if isinstance(value, str) else None


def _regex_test(ruler: AttributeRuler, regex: re.Pattern) -> Test:
    """``REGEX`` on a string attribute, each distinct string searched once."""
    seen: dict[int, bool] = {}

    def test(got: int) -> bool:
        if got not in seen:
            seen[got] = bool(regex.search(ruler.vocab.strings[got]))
        return seen[got]

    return test


# One token's tests: attribute -> (test, the values it allows or None, just membership in them)
Spec = dict[str, tuple[Test, Optional[frozenset[int]], bool]]


def _spec(ruler: AttributeRuler, token: dict) -> Optional[Spec]:
    spec: Spec = {}
    for name, value in token.items():
        attr = _ALIASES.get(name.upper(), name.upper())
        made = _test(ruler, attr, value) if attr in _STRINGS or attr in _FLAGS else None
        if made is None or attr in spec:
            return None  # OP, an extension, an attribute or predicate the index does not read
        spec[attr] = made
    return spec


# A pattern as filed: (entry number, match id, length, [(token offset, column, test)])
Filed = tuple[int, int, int, list[tuple[int, int, Test]]]


class Plan:
    """Every pattern filed under the values its first token must have (the narrowest such
    test), with the tests that filing does not already settle."""

    def __init__(self, patterns: list[tuple[int, int, list[Spec]]]):
        self.attrs = sorted({attr for _, _, specs in patterns for spec in specs for attr in spec})
        column = {attr: k for k, attr in enumerate(self.attrs)}
        by_value: dict[int, dict[int, list[Filed]]] = {}
        self.anywhere: list[Filed] = []  # a first token that allows any value
        for number, match_id, specs in patterns:
            keys = [(len(allowed), attr) for attr, (_, allowed, _) in specs[0].items() if allowed is not None]
            key = min(keys)[1] if keys else None
            checks = [
                (k, column[attr], test)
                for k, spec in enumerate(specs)
                for attr, (test, _, membership) in spec.items()
                if not (k == 0 and attr == key and membership)
            ]
            filed = (number, match_id, len(specs), checks)
            if key is None:
                self.anywhere.append(filed)
                continue
            for value in specs[0][key][1]:  # type: ignore[union-attr]
                by_value.setdefault(column[key], {}).setdefault(value, []).append(filed)
        self.filed = sorted(by_value.items())

    def matches(self, doc: Doc) -> set[tuple[int, int, int, int]]:
        """(entry number, match id, start, end) of every pattern that matches."""
        if not self.attrs or not len(doc):
            return set()
        rows = doc.to_array([getattr(spacy_attrs, a) for a in self.attrs]).tolist()
        if len(self.attrs) == 1:  # to_array gives one attribute as a flat array
            rows = [[value] for value in rows]
        n, found = len(rows), set[tuple[int, int, int, int]]()
        for i, row in enumerate(rows):
            for col, values in self.filed:
                for filed in values.get(row[col], ()):
                    _try(filed, rows, i, n, found)
            for filed in self.anywhere:
                _try(filed, rows, i, n, found)
        return found


def _try(filed: Filed, rows: list[list[int]], i: int, n: int, found: set) -> None:
    number, match_id, length, checks = filed
    if i + length > n:
        return
    for k, col, test in checks:
        if not test(rows[i + k][col]):
            return
    found.add((number, match_id, i, i + length))


class IndexedAttributeRuler(AttributeRuler):
    """``AttributeRuler`` whose patterns are tried only where their first token can match."""

    def __init__(self, *args, **kwargs) -> None:
        self._plan: Optional[Plan] = None
        self._planned = False
        super().__init__(*args, **kwargs)

    def clear(self) -> None:
        super().clear()
        self._planned = False

    def add(self, patterns, attrs, index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._planned = False

    def _build_plan(self) -> Optional[Plan]:
        compiled: list[tuple[int, int, list[Spec]]] = []
        for number in range(len(self.attrs)):
            match_id = self.vocab.strings.add(str(number))
            for pattern in self.matcher.get(match_id)[1]:
                specs = [_spec(self, token) for token in pattern]
                if not specs or any(spec is None for spec in specs):
                    return None
                compiled.append((number, match_id, specs))  # type: ignore[arg-type]
        return Plan(compiled)

    def match(self, doc: Doc):
        if not self._planned:
            self._plan, self._planned = self._build_plan(), True
        if self._plan is None:
            return super().match(doc)
        return sorted(self._plan.matches(doc))


@Language.factory(
    "indexed_attribute_ruler",
    default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}},
)
def make_indexed_attribute_ruler(
    nlp: Language, name: str, validate: bool, scorer: Optional[Callable]
) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)
