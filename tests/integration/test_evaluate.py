"""Scores on small hand-computed examples."""

import pytest

from pipeline.quality.compare import compare_claims


def row(sent, actor, target, stance, footnotes=(), start=0, end=10):
    return {
        "doc_id": "d1",
        "sent_id": sent,
        "actor": actor,
        "target": target,
        "stance": stance,
        "footnotes": list(footnotes),
        "start": start,
        "end": end,
    }


def sentences(*sent_ids):
    return [{"doc_id": "d1", "sent_id": s} for s in sent_ids]


def compare(reference, predicted):
    return compare_claims(reference, predicted, sentences("s1", "s2", "s3", "s4")).to_dict()


def agreement(a, b, sent_ids):
    return compare_claims(a, b, sentences(*sent_ids)).to_dict()["agreement"]


GOLD = [
    row("s1", "KAZ", "RUS", "oppose", ["1"]),
    row("s1", "UZB", "RUS", "oppose", ["1"]),
    row("s2", "TKM", "RUS", "neutral"),
    row("s3", "RUS", "KAZ", "oppose"),
]
AUTO = [
    row("s1", "KAZ", "RUS", "oppose", ["1"]),
    row("s2", "TKM", "RUS", "support"),
    row("s4", "UZB", "UKR", "support"),
]


def test_compare_exact_figures():
    s = compare(GOLD, AUTO)
    assert s["claim_detection"]["tp"] == 2
    assert s["claim_detection"]["precision"] == pytest.approx(2 / 3) and s["claim_detection"][
        "recall"
    ] == pytest.approx(2 / 3)
    assert s["actor"]["precision"] == pytest.approx(2 / 3) and s["actor"]["recall"] == pytest.approx(2 / 4)
    assert s["stance"]["tp"] == 1 and s["stance"]["f1"] == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert s["stance_per_label"]["oppose"]["recall"] == pytest.approx(1 / 3)
    assert s["stance_per_label"]["neutral"]["f1"] == 0.0
    assert s["footnote_accuracy"] == 1.0
    m = s["confusion"]["matrix"]
    assert m["oppose"]["oppose"] == 1 and m["neutral"]["support"] == 1 and m["oppose"]["none"] == 2
    assert m["none"]["support"] == 1


def test_agreement_on_identical_layers_is_perfect_and_detects_differences():
    a = GOLD + [row("s5", "KAZ", "RUS", "support")]
    b = GOLD + [row("s5", "KAZ", "RUS", "oppose")]
    ag = agreement(a, b, ["s0", "s1", "s2", "s3", "s5"])
    assert ag["claim_sentence_kappa"] == pytest.approx(1.0)
    assert ag["stance_units_both"] == 5 and ag["stance_exact_agreement"] == pytest.approx(4 / 5)
    assert ag["stance_alpha"] < 1.0
    assert ag["actor_set_exact"] == pytest.approx(1.0)
