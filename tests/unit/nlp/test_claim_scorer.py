"""The claim scorer: ``nlp.evaluate`` reports P/R/F1 over (actor, target, stance) rows."""

from __future__ import annotations

import pytest
from spacy.training import Example

from pipeline.nlp.claims.rows import claim_span


def reference(nlp, text, rows):
    """A hand-coded Doc: one claim span over the whole text per (actor, target, stance) row."""
    doc = nlp.make_doc(text)
    doc.spans["claims"] = [claim_span(doc, 0, len(doc), {"actor": a, "target": t, "stance": s}) for a, t, s in rows]
    return doc


def test_nlp_evaluate_reports_claim_precision_recall_and_f1(annotator):
    nlp = annotator.nlp
    examples = [
        # the rules give KAZ -> RUS oppose: right
        Example(
            nlp.make_doc("Kazakhstan condemned Russia."),
            reference(nlp, "Kazakhstan condemned Russia.", [("KAZ", "RUS", "oppose")]),
        ),
        # the rules give KGZ -> RUS support and KGZ -> BLR support; the reference codes only the first,
        # and a row the rules miss
        Example(
            nlp.make_doc("Kyrgyzstan supported Russia and Belarus."),
            reference(
                nlp,
                "Kyrgyzstan supported Russia and Belarus.",
                [("KGZ", "RUS", "support"), ("KGZ", "UKR", "oppose")],
            ),
        ),
    ]
    scores = nlp.evaluate(examples)
    # tp 2 (KAZ->RUS, KGZ->RUS), fp 1 (KGZ->BLR), fn 1 (KGZ->UKR)
    assert scores["claims_p"] == pytest.approx(2 / 3)
    assert scores["claims_r"] == pytest.approx(2 / 3)
    assert scores["claims_f"] == pytest.approx(2 / 3)


def test_the_scorer_is_the_components_config(annotator):
    assert annotator.nlp.config["components"]["claim_rules"]["scorer"] == {"@scorers": "stance_corpus.claim_scorer.v1"}
