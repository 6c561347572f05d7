"""The UNGD evaluation on hand-made statements: gold sentences (lines of the statement file)
aligned to the cleaned text, units of overlapping sentences, and exact P/R/F1 per split."""

import pytest

from pipeline.errors import InputError
from pipeline.io import write_jsonl, write_text
from pipeline.quality.ungd_eval import align_layers, align_sentences, score, sentence_units, ungd_report

# AAA's statement file: line 1 wraps into line 2; line 4 has a double space the cleaned text lacks.
AAA_LINES = [
    "Our country condemns Russia. We thank",
    "Ukraine for its courage.",
    "",
    "We stand  with Kenya. Peace matters.",
]
AAA_TEXT = "Our country condemns Russia. We thank Ukraine for its courage.\n\nWe stand with Kenya. Peace matters."
# BBB's line 2 is not in the cleaned text (as if the cleaner had dropped it).
BBB_LINES = ["Russia must withdraw. Nothing else.", "A sentence that is gone."]
BBB_TEXT = "Russia must withdraw. Nothing else."
CCC_LINES = ["We oppose Russia."]
CCC_TEXT = "We oppose Russia."


def sentence(doc, sid, text, part):
    start = text.index(part)
    return {"doc_id": doc, "sent_id": sid, "start": start, "end": start + len(part), "text": part}


SENTENCES = [
    sentence("AAA_77_2022", "a1", AAA_TEXT, "Our country condemns Russia."),
    sentence("AAA_77_2022", "a2", AAA_TEXT, "We thank Ukraine for its courage."),
    sentence("AAA_77_2022", "a3", AAA_TEXT, "We stand with Kenya."),
    sentence("AAA_77_2022", "a4", AAA_TEXT, "Peace matters."),
    sentence("BBB_77_2022", "b1", BBB_TEXT, "Russia must withdraw."),
    sentence("BBB_77_2022", "b2", BBB_TEXT, "Nothing else."),
    sentence("CCC_78_2023", "c1", CCC_TEXT, "We oppose Russia."),
]


def gold(doc, line, start, end, actor, target, stance, n=1):
    return {
        "doc_id": doc,
        "sent_key": f"{doc}:{line}:{n}",
        "line": line,
        "start": start,
        "end": end,
        "actor": actor,
        "target": target,
        "stance": stance,
    }


GOLD = [
    gold("AAA_77_2022", 1, 0, 28, "AAA", "RUS", "oppose"),
    gold("AAA_77_2022", 2, 0, 24, "AAA", "UKR", "support"),
    gold("AAA_77_2022", 4, 0, 21, "AAA", "KEN", "support"),
    gold("BBB_77_2022", 1, 0, 21, "BBB", "RUS", "oppose"),
    gold("BBB_77_2022", 2, 0, 24, "BBB", "RUS", "oppose"),
    gold("CCC_78_2023", 1, 0, 17, "CCC", "RUS", "oppose"),
]


def auto(doc, sid, actor, target, stance):
    return {"doc_id": doc, "sent_id": sid, "actor": actor, "target": target, "stance": stance}


AUTO = [
    auto("AAA_77_2022", "a1", "AAA", "RUS", "oppose"),  # right
    auto("AAA_77_2022", "a2", "AAA", "UKR", "support"),  # right: a2 covers gold lines 1 (part) and 2
    auto("AAA_77_2022", "a3", "AAA", "KEN", "neutral"),  # wrong stance
    auto("AAA_77_2022", "a4", "AAA", "USA", "support"),  # no gold sentence there
    auto("CCC_78_2023", "c1", "CCC", "RUS", "oppose"),
]  # right
DOCS = {"AAA_77_2022": AAA_TEXT, "BBB_77_2022": BBB_TEXT, "CCC_78_2023": CCC_TEXT}


@pytest.fixture()
def corpus(tmp_path):
    for doc, lines in (("AAA_77_2022", AAA_LINES), ("BBB_77_2022", BBB_LINES), ("CCC_78_2023", CCC_LINES)):
        session = "session77_2022" if "_77_" in doc else "session78_2023"
        write_text(tmp_path / "corpus" / "ungd" / session / f"{doc}.txt", "\n".join(lines) + "\n")
    return tmp_path / "corpus"


def test_alignment_ignores_whitespace_and_follows_order():
    spans = align_sentences(
        AAA_TEXT,
        [
            ("k1", "Our country condemns Russia."),
            ("k2", "We thank"),
            ("k3", "Ukraine for its courage."),
            ("k4", "We stand  with Kenya."),
            ("k5", "Not there."),
        ],
    )
    assert spans == {"k1": (0, 28), "k2": (29, 37), "k3": (38, 62), "k4": (64, 84), "k5": None}
    assert AAA_TEXT[64:84] == "We stand with Kenya."
    # A repeated sentence is found after the previous match, not at its first occurrence.
    assert align_sentences("Yes. No. Yes.", [("a", "No."), ("b", "Yes.")]) == {"a": (5, 8), "b": (9, 13)}


def test_units_join_overlapping_sentences_of_both_sides():
    g, a = sentence_units(
        "D",
        {"k1": (0, 28), "k2": (29, 37), "k3": (38, 62), "k9": None},
        [s for s in SENTENCES if s["doc_id"] == "AAA_77_2022"],
    )
    assert g == {"k1": "D:u1", "k2": "D:u2", "k3": "D:u2", "k9": "D:unaligned:k9"}
    assert a == {"a1": "D:u1", "a2": "D:u2", "a3": "D:u3", "a4": "D:u4"}


def test_exact_scores_over_units(corpus):
    aligned = align_layers(GOLD, AUTO, SENTENCES, DOCS, corpus)
    assert aligned.gold_sentences == 6 and aligned.unaligned == ["BBB_77_2022:2:1"]
    assert aligned.auto_rows_outside_gold == 1  # AAA -> USA in "Peace matters."
    c = score(aligned, DOCS, n_resamples=0)
    # gold 6 pairs, automatic 5 rows, 3 right
    assert (c.stance.tp, c.stance.n_reference, c.stance.n_predicted) == (3, 6, 5)
    assert (c.stance.precision, c.stance.recall, c.stance.f1) == pytest.approx((3 / 5, 3 / 6, 6 / 11))
    sup, opp, neu = (c.stance_per_label[k] for k in ("support", "oppose", "neutral"))
    assert (sup.tp, sup.n_reference, sup.n_predicted) == (1, 2, 2)
    assert (opp.precision, opp.recall, opp.f1) == pytest.approx((1.0, 2 / 4, 2 / 3))
    assert (neu.tp, neu.n_reference, neu.n_predicted) == (0, 0, 1)
    assert c.confusion["matrix"]["support"]["neutral"] == 1 and c.confusion["matrix"]["oppose"]["none"] == 2


def test_report_splits_dev_and_eval_with_document_bootstrap(corpus, tmp_path):
    layer = tmp_path / "layer"
    write_jsonl(layer / "documents.jsonl", [{"doc_id": d, "text": t} for d, t in DOCS.items()])
    write_jsonl(layer / "sentences.jsonl", SENTENCES)
    write_jsonl(layer / "claims.jsonl", AUTO)
    gold_dir = tmp_path / "gold"
    write_jsonl(gold_dir / "claims.jsonl", GOLD)
    write_text(gold_dir / "sample.csv", "doc_id,split\nAAA_77_2022,dev\nBBB_77_2022,dev\nCCC_78_2023,eval\n")

    text, figures = ungd_report(layer, gold_dir, corpus, "all")
    dev, ev = figures["dev"], figures["eval"]
    assert dev["documents"] == ["AAA_77_2022", "BBB_77_2022"] and ev["documents"] == ["CCC_78_2023"]
    # dev: gold 5, predicted 4, right 2
    assert (dev["stance"]["tp"], dev["stance"]["n_reference"], dev["stance"]["n_predicted"]) == (2, 5, 4)
    assert dev["stance"]["f1"] == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    # Two documents: a resample is AAA twice (F1 4/7), BBB twice (0) or both; each end holds 1/4.
    iv = dev["bootstrap"]["intervals"]["stance_f1"]
    assert (iv["low"], iv["high"]) == pytest.approx((0.0, 4 / 7))
    assert "stance_oppose_f1" in dev["bootstrap"]["intervals"]
    assert ev["stance"]["f1"] == 1.0 and ev["bootstrap"]["intervals"] is None
    assert "automatic vs UNGD gold: dev\n" in text and "eval (development test)" in text
    assert "unaligned: BBB_77_2022:2:1" in text

    only_eval, figs = ungd_report(layer, gold_dir, corpus, "eval")
    assert list(figs) == ["eval"] and "automatic vs UNGD gold: dev" not in only_eval

    write_text(gold_dir / "sample.csv", "doc_id,split\nAAA_77_2022,dev\nZZZ_77_2022,eval\n")
    with pytest.raises(InputError, match="1 sampled statement"):
        ungd_report(layer, gold_dir, corpus, "all")
