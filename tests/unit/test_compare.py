"""The comparison record behind `evaluate` and `audit --report`: exact figures on hand-made claim
lists, bootstrap intervals over documents, and the real figures the README reports."""

import json

import pytest
from conftest import ROOT

from pipeline.quality.compare import compare_claims, disagreements, format_agreement, format_scores
from pipeline.quality.scoring import span_scores, unit_prf


def row(doc, sent, actor, target, stance, start=0, end=10, footnotes=()):
    return {
        "doc_id": doc,
        "sent_id": sent,
        "actor": actor,
        "target": target,
        "stance": stance,
        "topic": "diplomacy",
        "start": start,
        "end": end,
        "footnotes": list(footnotes),
    }


SENTENCES = [{"doc_id": "d1", "sent_id": s} for s in ("s1", "s2", "s3", "s4")] + [
    {"doc_id": "d2", "sent_id": s} for s in ("t1", "t2", "t3")
]
REF = [
    row("d1", "s1", "KAZ", "RUS", "oppose", footnotes=["1"]),
    row("d1", "s1", "UZB", "RUS", "oppose", footnotes=["1"]),
    row("d1", "s2", "TKM", "RUS", "neutral", 20, 30),
    row("d2", "t1", "ARM", "RUS", "support", 0, 5),
    row("d2", "t2", "AZE", "ARM", "oppose", 0, 5),
]
OTHER = [
    row("d1", "s1", "KAZ", "RUS", "oppose", footnotes=["1"]),
    row("d1", "s2", "TKM", "RUS", "support", 20, 30),
    row("d1", "s3", "UZB", "UKR", "support", 40, 50),
    row("d2", "t1", "ARM", "RUS", "support", 0, 5, footnotes=["2"]),
    row("d2", "t2", "AZE", "ARM", "oppose", 0, 8),
]


@pytest.fixture(scope="module")
def record():
    return compare_claims(REF, OTHER, SENTENCES, names=("gold", "automatic"))


def test_scores_on_hand_made_lists(record):
    c = record
    assert (c.claim_detection.tp, c.claim_detection.n_reference, c.claim_detection.n_predicted) == (4, 4, 5)
    assert c.claim_detection.precision == pytest.approx(0.8) and c.claim_detection.recall == 1.0
    assert c.claim_detection.f1 == pytest.approx(8 / 9)
    assert (c.actor.precision, c.actor.recall, c.actor.f1) == pytest.approx((0.8, 0.8, 0.8))
    assert (c.stance.tp, c.stance.n_reference, c.stance.n_predicted) == (3, 5, 5)
    assert c.stance.f1 == pytest.approx(0.6)
    sup, opp, neu = (c.stance_per_label[k] for k in ("support", "oppose", "neutral"))
    assert (sup.precision, sup.recall, sup.f1) == pytest.approx((1 / 3, 1.0, 0.5))
    assert (opp.precision, opp.recall, opp.f1) == pytest.approx((1.0, 2 / 3, 0.8))
    assert (neu.n_reference, neu.n_predicted, neu.f1) == (1, 0, 0.0)
    assert c.stance_macro_f1 == pytest.approx(1.3 / 3) and c.semeval_f_avg == pytest.approx(0.65)
    assert c.footnote_accuracy == pytest.approx(0.75)  # t1: note 2 against none
    m = c.confusion["matrix"]
    assert c.confusion["labels"] == ["support", "oppose", "neutral", "none"]
    assert (
        m["oppose"]["oppose"],
        m["oppose"]["none"],
        m["neutral"]["support"],
        m["none"]["support"],
        m["support"]["support"],
    ) == (2, 1, 1, 1, 1)
    assert sum(sum(r.values()) for r in m.values()) == 6  # pairs in either layer


def test_agreement_on_hand_made_lists(record):
    ag = record.agreement
    assert ag.sentences == 7 and ag.claim_sentences == {"a": 4, "b": 5, "both": 4} and ag.rows == {"a": 5, "b": 5}
    assert ag.claim_sentence_kappa == pytest.approx(16 / 23)  # po 6/7, pe 26/49
    assert ag.claim_span_exact_f1 == pytest.approx(2 / 3)  # t2 ends at 5 against 8
    assert ag.stance_units_both == 4 and ag.stance_exact_agreement == pytest.approx(0.75)
    assert ag.stance_kappa == pytest.approx(0.6)  # po 3/4, pe 3/8
    assert ag.stance_alpha == pytest.approx(12 / 19)  # nominal: D_o 2/8, D_e 38/56
    assert ag.actor_set_exact == pytest.approx(0.75) and ag.actor_set_jaccard == pytest.approx(0.875)
    assert ag.actor_f1 == record.actor.f1 and ag.pair_stance_f1 == record.stance.f1


def test_a_pair_with_two_stances_counts_each_stance():
    ref = [row("d1", "s1", "KAZ", "RUS", "support", 0, 5), row("d1", "s1", "KAZ", "RUS", "oppose", 6, 10)]
    other = [row("d1", "s1", "KAZ", "RUS", "oppose", 6, 10)]
    c = compare_claims(ref, other, SENTENCES[:4])
    assert (c.stance.precision, c.stance.recall) == (1.0, 0.5)
    assert c.stance_per_label["support"].recall == 0.0 and c.stance_per_label["oppose"].f1 == 1.0
    assert c.confusion["matrix"]["oppose"]["oppose"] == 1  # the first stance in alphabetical order
    assert c.agreement.stance_exact_agreement == 0.0  # "oppose|support" against "oppose"


def test_bootstrap_resamples_documents(record):
    b = record.bootstrap
    assert (b.n_documents, b.n_resamples, b.seed, b.method) == (2, 1000, 0, "percentile")
    # With two documents a quarter of the resamples hold d1 twice and a quarter d2 twice, so the
    # 95 % interval runs from the worse document's figure to the better one's.
    assert (b.intervals["stance_f1"].low, b.intervals["stance_f1"].high) == pytest.approx((1 / 3, 1.0))
    assert (b.intervals["claim_detection_f1"].low, b.intervals["claim_detection_f1"].high) == pytest.approx((0.8, 1.0))
    assert b.intervals["stance_macro_f1"].low <= record.stance_macro_f1 <= b.intervals["stance_macro_f1"].high
    assert compare_claims(REF, OTHER, SENTENCES, seed=0).bootstrap == b  # seeded


def test_one_document_has_no_interval_and_scope_filters_rows():
    c = compare_claims(REF, OTHER, SENTENCES, documents=["d2"])
    assert c.documents == ["d2"] and c.bootstrap.intervals is None
    assert c.stance.f1 == 1.0 and c.agreement.sentences == 3 and c.agreement.claim_span_exact_f1 == 0.5


def test_record_is_plain_json_and_renders(record):
    d = json.loads(json.dumps(record.to_dict()))
    assert d["stance"]["tp"] == 3 and d["agreement"]["stance_units_both"] == 4
    assert d["bootstrap"]["intervals"]["stance_f1"]["high"] == pytest.approx(1.0)
    text = format_scores("gold vs automatic", record)
    assert "stance           P=0.600 R=0.600 F1=0.600 (ref=5, pred=5, tp=3)" in text.splitlines()
    assert "stance F1 [0.333, 1.000]" in text
    assert format_agreement("x", record).splitlines()[3] == (
        "stance over 4 (sentence, actor) units both marked: Krippendorff alpha 0.632, Cohen kappa 0.600, raw 0.750"
    )


def test_disagreements_name_the_differing_sentences():
    assert [d["sent_id"] for d in disagreements(REF, OTHER)] == ["s1", "s2", "s3"]


def test_scoring_helpers():
    # a weight of 2 counts an item twice (a document drawn twice by the bootstrap)
    s = unit_prf([1, 1, 0], [1, 0, 1], sample_weight=[2, 1, 1])
    assert (s.tp, s.n_reference, s.n_predicted) == (2, 3, 3) and s.precision == pytest.approx(2 / 3)
    assert unit_prf([], []).f1 == 0.0
    ref = [[{"label": "GPE", "start": 0, "end": 6}, {"label": "GPE", "start": 10, "end": 16}]]
    pred = [[{"label": "GPE", "start": 0, "end": 6}, {"label": "GPE", "start": 10, "end": 14}]]
    got = span_scores(ref, pred, ["GPE"])
    assert (got["strict"]["correct"], got["strict"]["f1"]) == (1, 0.5)
    assert (got["partial"]["partial"], got["partial"]["f1"]) == (1, 0.75)


def test_readme_figures():
    """The figures the README's "Evaluation" section lists, from the committed annotations."""
    from pipeline.quality.audit import audit_report
    from pipeline.quality.evaluate import evaluation_report

    text, figures = evaluation_report(ROOT / "annotations")
    lines = text.splitlines()
    for line in (
        "claim_detection  P=0.925 R=0.474 F1=0.627 (ref=78, pred=40, tp=37)",
        "stance           P=0.839 R=0.442 F1=0.579 (ref=165, pred=87, tp=73)",
        "stance macro-F1   0.615   SemEval F_avg 0.545",
        "   support        24        0        0       27",
        "stance           P=0.875 R=0.583 F1=0.700 (ref=24, pred=16, tp=14)",
        "claim-sentence kappa 0.866  F1 0.927  exact-span F1 0.818",
        "actor F1 0.891; actor sets on shared claim sentences: exact 0.971, mean Jaccard 0.986",
    ):
        assert line in lines
    seed = figures["documents"]["besa2023_central_asia"]
    assert (seed["actor"]["tp"], seed["actor"]["n_reference"], seed["actor"]["n_predicted"]) == (68, 144, 71)
    assert seed["stance"]["precision"] == pytest.approx(73 / 87)
    assert figures["agreement"]["stance_units_both"] == 118 and figures["agreement"]["stance_alpha"] == 1.0
    pooled = figures["all_documents"]["bootstrap"]["intervals"]["stance_f1"]
    assert (pooled["low"], pooled["high"]) == pytest.approx((146 / 252, 28 / 40))  # the seed's and the unseen F1
    # audit --report renders the same record: its coder agreement block equals evaluate's
    coders = text.split("## coder_a vs coder_b\n")[1].splitlines()
    audit = audit_report(ROOT / "annotations").split("## coder_a vs coder_b: agreement\n")[1].splitlines()
    assert audit[: len(coders)] == coders
