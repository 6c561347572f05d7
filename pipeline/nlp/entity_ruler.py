"""spaCy's entity ruler with token patterns matched from an index of their first word.

The knowledge base's token patterns (capitals inside instrument and body names, state names
inside place names; ``CountryKB.ruler_patterns``) all start with one word from a fixed set.
spaCy's ``Matcher`` tries every pattern at every token, which made these few patterns cost as
much as all the ruler's phrase patterns together. Here each pattern is tried only where its
first word occurs, with the same matches: every way a pattern with optional tokens completes is
kept, and spaCy's ruler code chooses among them (longest first, then earliest). Patterns, their
saving and loading, and ``set_annotations`` are the ``EntityRuler``'s own; a pattern using
anything beyond the attributes below falls back to spaCy's ``Matcher`` for the whole ruler.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Optional

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.pipeline.entityruler import DEFAULT_ENT_ID_SEP, EntityRuler
from spacy.tokens import Doc, Token

_ATTRS: dict[str, Callable[[Token], Any]] = {
    "TEXT": lambda t: t.text,
    "ORTH": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "IS_TITLE": lambda t: t.is_title,
}
Step = tuple[Callable[[Token], bool], bool]  # (test, optional)


def _step(spec: dict) -> Optional[Step]:
    """A token spec as a test, or None when it uses anything this index does not read."""
    op = spec.get("OP")
    if op not in (None, "?") or len(spec) != 1 + (op is not None):
        return None
    ((attr, value),) = ((k, v) for k, v in spec.items() if k != "OP")
    get = _ATTRS.get(attr.upper())
    if get is None:
        return None
    if isinstance(value, dict):
        if set(value) != {"IN"}:
            return None
        allowed = frozenset(value["IN"])
        return (lambda t, g=get, a=allowed: g(t) in a), op == "?"
    if isinstance(value, (str, bool)):
        return (lambda t, g=get, v=value: g(t) == v), op == "?"
    return None


def _first_words(spec: dict) -> Optional[tuple[str, frozenset[str]]]:
    """The attribute and words a pattern's first token must have, if it has a fixed word set."""
    if "OP" in spec or len(spec) != 1:
        return None
    ((attr, value),) = spec.items()
    attr = {"ORTH": "TEXT"}.get(attr.upper(), attr.upper())
    if attr not in ("TEXT", "LOWER"):
        return None
    if isinstance(value, str):
        return attr, frozenset([value])
    if isinstance(value, dict) and set(value) == {"IN"}:
        return attr, frozenset(value["IN"])
    return None


def _ends(doc: Doc, i: int, steps: list[Step]) -> list[int]:
    """Every end of the pattern ``steps`` started at token ``i``."""
    if not steps:
        return [i]
    (test, optional), rest = steps[0], steps[1:]
    ends = _ends(doc, i, rest) if optional else []
    if i < len(doc) and test(doc[i]):
        ends += _ends(doc, i + 1, rest)
    return ends


# first word's hash (ORTH or LOWER) -> (match key, the steps after the first word)
Index = dict[int, list[tuple[int, list[Step]]]]


class IndexedEntityRuler(EntityRuler):
    """``EntityRuler`` whose token patterns are tried only where their first word occurs."""

    def __init__(self, *args, **kwargs) -> None:
        self._index: Optional[tuple[Index, Index]] = None
        self._indexed = False
        super().__init__(*args, **kwargs)

    def clear(self) -> None:
        super().clear()
        self._indexed = False

    def add_patterns(self, patterns) -> None:
        super().add_patterns(patterns)
        self._indexed = False

    def _build_index(self) -> Optional[tuple[Index, Index]]:
        """(by ORTH, by LOWER), or None when a pattern uses what the index does not read."""
        index: dict[str, Index] = {"TEXT": defaultdict(list), "LOWER": defaultdict(list)}
        for label, patterns in self.token_patterns.items():
            key = self.matcher._normalize_key(label)
            for pattern in patterns:
                first = _first_words(pattern[0]) if pattern else None
                steps = [_step(spec) for spec in pattern[1:]]
                if first is None or any(s is None for s in steps):
                    return None
                attr, words = first
                for word in words:
                    index[attr][self.nlp.vocab.strings.add(word)].append((key, steps))  # type: ignore[arg-type]
        return dict(index["TEXT"]), dict(index["LOWER"])

    def match(self, doc: Doc):
        if not self._indexed:
            self._index, self._indexed = self._build_index(), True
        if self._index is None:
            return super().match(doc)
        self._require_patterns()
        phrases = {(m_id, start, end) for m_id, start, end in self.phrase_matcher(doc)}
        tokens: set[tuple[int, int, int]] = set()
        by_text, by_lower = self._index
        # Hashes from one array call: no Token object for the words no pattern starts with.
        for i, (orth, lower) in enumerate(doc.to_array([ORTH, LOWER]).tolist()):
            for key, steps in by_text.get(orth, []) + by_lower.get(lower, []):
                tokens.update((key, i, end) for end in _ends(doc, i + 1, steps))
        # Longest first, then earliest (the ruler's order). Where a phrase and a token pattern
        # match the same words, the phrase (a knowledge-base entry, "Lake Chad") goes first: the
        # stock ruler leaves that tie to set order.
        final = [(m[0], m[1], m[2], m in phrases) for m in phrases | tokens if m[1] != m[2]]
        final.sort(key=lambda m: (m[2] - m[1], -m[1], m[3], m[0]), reverse=True)
        return [m[:3] for m in final]


@Language.factory(
    "indexed_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={
        "phrase_matcher_attr": None,
        "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
        "validate": False,
        "overwrite_ents": False,
        "ent_id_sep": DEFAULT_ENT_ID_SEP,
        "scorer": {"@scorers": "spacy.entity_ruler_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_indexed_entity_ruler(
    nlp: Language,
    name: str,
    phrase_matcher_attr: Optional[str],
    matcher_fuzzy_compare: Callable,
    validate: bool,
    overwrite_ents: bool,
    ent_id_sep: str,
    scorer: Optional[Callable],
) -> IndexedEntityRuler:
    return IndexedEntityRuler(
        nlp,
        name,
        phrase_matcher_attr=phrase_matcher_attr,
        matcher_fuzzy_compare=matcher_fuzzy_compare,
        validate=validate,
        overwrite_ents=overwrite_ents,
        ent_id_sep=ent_id_sep,
        scorer=scorer,
    )
