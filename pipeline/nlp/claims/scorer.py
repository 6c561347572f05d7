"""A spaCy scorer for claim rows: ``nlp.evaluate(examples)`` reports the precision, recall and F1
of the (actor, target, stance) rows of each document (``claims_p``, ``claims_r``, ``claims_f``),
the predicted Doc's claim spans against the reference Doc's."""

from __future__ import annotations

from typing import Callable, Iterable

from spacy.scorer import PRFScore
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry


def claim_rows(doc: Doc, spans_key: str = "claims") -> set[tuple]:
    """The document's distinct (actor, target, stance) rows."""
    return {(s._.actor, s._.target, s._.stance) for s in doc.spans.get(spans_key, [])}


def score_claims(examples: Iterable[Example], spans_key: str = "claims", **kwargs) -> dict[str, float]:
    prf = PRFScore()
    for eg in examples:
        prf.score_set(claim_rows(eg.predicted, spans_key), claim_rows(eg.reference, spans_key))
    return {"claims_p": prf.precision, "claims_r": prf.recall, "claims_f": prf.fscore}


@registry.scorers("stance_corpus.claim_scorer.v1")
def make_claim_scorer() -> Callable[..., dict[str, float]]:
    return score_claims
