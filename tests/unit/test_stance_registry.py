"""Stance-model kinds come from the ``stance_models`` registry: lookup, the DummyClassifier
baseline, label-ordered probabilities, save/load round trips and clear errors."""

import json

import numpy as np
import pytest

from pipeline import registry
from pipeline.schema import STANCES
from pipeline.training import stance_model
from pipeline.training.stance_model import Majority, StanceModel, TextCat, TfidfLR
from pipeline.training.train import MODELS, SAVED, make_model

TEXTS = [
    "[ACTOR=KAZ] [TARGET=RUS] <A>Kazakhstan</A> condemned <T>Russia</T>.",
    "[ACTOR=UZB] [TARGET=UKR] <A>Uzbekistan</A> sent aid to <T>Ukraine</T>.",
    "[ACTOR=TKM] [TARGET=RUS] <A>Turkmenistan</A> stayed silent about <T>Russia</T>.",
    "[ACTOR=KGZ] [TARGET=RUS] <A>Kyrgyzstan</A> criticised <T>Russia</T>.",
    "[ACTOR=TJK] [TARGET=UKR] <A>Tajikistan</A> supported <T>Ukraine</T>.",
]
LABELS = np.array([1, 0, 2, 1, 0])  # indices into STANCES: oppose, support, neutral, oppose, support


def test_every_kind_is_found_by_name():
    assert registry.get("stance_models", "tfidf_lr") is TfidfLR
    assert registry.get("stance_models", "textcat") is TextCat
    assert registry.get("stance_models", "majority") is Majority
    assert {"majority", "tfidf_lr", "textcat"} <= set(registry.names("stance_models"))
    assert all(isinstance(make_model(name, 0, 1), registry.get("stance_models", name)) for name in MODELS)
    assert set(SAVED) <= set(MODELS)
    with pytest.raises(ValueError, match=r"unknown stance model 'svm'; choose one of .*tfidf_lr"):
        registry.get("stance_models", "svm")


def test_majority_is_a_dummy_classifier():
    from sklearn.dummy import DummyClassifier

    m = Majority().fit(TEXTS, LABELS)
    assert isinstance(m.model, DummyClassifier) and m.model.strategy == "most_frequent"
    # oppose and support are tied (2 each): the first label in STANCES order wins, as np.argmax does
    assert m.predict(["anything"]).tolist() == [STANCES.index("support")]
    proba = Majority().fit(TEXTS[:2], LABELS[:2]).predict_proba(["x"])
    assert proba.shape == (1, 3) and proba[0, STANCES.index("neutral")] == 0.0  # a label the fold lacks


def test_tfidf_lr_save_load_round_trip(tmp_path):
    m = TfidfLR(seed=0).fit(TEXTS, LABELS)
    m.save(tmp_path)
    loaded = registry.get("stance_models", "tfidf_lr").load(tmp_path)
    assert np.array_equal(loaded.predict_proba(TEXTS), m.predict_proba(TEXTS))
    assert m.predict_proba(TEXTS).shape == (len(TEXTS), len(STANCES))
    assert np.allclose(m.predict_proba(TEXTS).sum(axis=1), 1.0)


def test_stance_model_loads_the_kind_model_json_names(tmp_path):
    Majority().fit(TEXTS, LABELS).save(tmp_path)
    meta = {"kind": "majority", "dataset_revision": "ab" * 32}
    (tmp_path / stance_model.MODEL_FILE).write_text(json.dumps(meta))
    model = StanceModel(tmp_path)
    assert model.name == "stance_model/majority@claims:" + "ab" * 6
    assert model.predict(TEXTS[:2]) == [("support", 1.0), ("support", 1.0)]  # most_frequent: all mass on one label
    (tmp_path / stance_model.MODEL_FILE).write_text(json.dumps(dict(meta, kind="svm")))
    with pytest.raises(ValueError, match=r"model\.json: unknown stance model 'svm'"):
        StanceModel(tmp_path)


def test_a_fresh_process_finds_every_kind_by_name():
    import subprocess
    import sys

    from conftest import ROOT

    code = (
        "from pipeline import registry; "
        "print(' '.join(registry.get('stance_models', n).__name__ for n in ('majority', 'tfidf_lr', 'textcat')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout.split() == ["Majority", "TfidfLR", "TextCat"]
