"""Training from the `claims` config with real datasets and real spaCy; applying the saved model."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.schema import STANCES
from pipeline.training.stance_model import StanceModel, model_input
from pipeline.training.train import cross_validate, dataset_revision, load_examples, run_training

ROOT = Path(__file__).resolve().parents[2]
ANN = ROOT / "annotations"

NEW_TEXT = """Positions in the Caspian region

Kazakhstan condemned Russia for the attack on its neighbour. In May 2024, Uzbekistan sent humanitarian aid to Ukraine, and Tajikistan did not recognise the annexation of Crimea by Russia.
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load_examples(ANN, cache_dir=str(tmp_path_factory.mktemp("hf_cache")))


def test_model_input_marks_actor_and_target():
    text = "Kazakhstan did not recognise Crimea as part of Russia."
    got = model_input(text, 100, "KAZ", "RUS", [(100, 110)], [(147, 153)])
    assert got == "[ACTOR=KAZ] [TARGET=RUS] <A>Kazakhstan</A> did not recognise Crimea as part of <T>Russia</T>."


def test_examples_come_from_the_claims_configs_train_split_only(data):
    import gzip

    gold = [json.loads(x) for x in (ANN / "gold" / "claims.jsonl").read_text().splitlines()]
    gold += [json.loads(x) for p in sorted(ANN.glob("*/gold/claims.jsonl.gz")) for x in gzip.open(p, "rt")]
    with open(ANN / "gold" / "sample.csv") as fh:  # the articles' fixed splits
        held = {line.split(",")[0] for line in fh.read().splitlines()[1:] if line.endswith(",eval")}
    for sample in (ANN / "gold" / "ungd" / "sample.csv", ANN / "gold" / "ungd" / "sealed" / "sample.csv"):
        rows = sample.read_text().splitlines()
        col = rows[0].split(",").index("split")
        held |= {r.split(",")[0] for r in rows[1:] if r.split(",")[col] in ("eval", "test")}
    train = [g for g in gold if g["doc_id"] not in held]
    assert len(data["texts"]) == len(train) and len(train) < len(gold)
    assert not set(data["documents"]) & held and "unseen_caucasus_2024" in held
    assert data["names"] == list(STANCES)
    assert set(data["labels"].tolist()) == {0, 1, 2}
    assert all(t.startswith("[ACTOR=") and "[TARGET=" in t for t in data["texts"])
    # same sentence, different (actor, target): different inputs
    assert len(set(data["texts"])) > len({g["sent_id"] for g in train})


def test_grouped_cv_is_seeded_and_scored(data):
    kw = dict(folds=3, seed=0, epochs=2, fractions=(0.5, 1.0), models=("majority", "tfidf_lr"))
    a, b = cross_validate(data, **kw), cross_validate(data, **kw)
    assert a == b
    lr = a["models"]["tfidf_lr"]
    assert 0.0 <= lr["macro_f1"]["mean"] <= 1.0 and lr["macro_f1"]["std"] >= 0.0
    assert set(lr["per_class"]) == set(STANCES)
    assert np.isclose(np.sum(a["models"]["majority"]["confusion"]["mean"]) * 3, len(data["labels"]))
    assert lr["macro_f1"]["mean"] > a["models"]["majority"]["macro_f1"]["mean"]
    assert set(a["learning_curve"]["tfidf_lr"]) == {"0.5", "1.0"}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("stance_model")
    results = out / "results.md"
    run_training(
        ANN,
        out,
        folds=3,
        epochs=3,
        seed=0,
        curve=False,
        results=results,
        cache_dir=str(tmp_path_factory.mktemp("hf_cache2")),
    )
    return out


def test_training_saves_model_metrics_and_revision(model_dir):
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["dataset_revision"] == dataset_revision(ANN)
    assert set(metrics["models"]) == {"majority", "tfidf_lr", "textcat"}
    assert (model_dir / "tfidf_lr.joblib").exists() and (model_dir / "textcat" / "meta.json").exists()
    assert (
        "The development test (`validation`) and the sealed test (`test`) are never"
        in (model_dir / "results.md").read_text()
    )
    # the rule-based comparison figure comes from `evaluate`, not from a number written into the code
    assert "0.615 (besa2023_central_asia), 0.690 (unseen_caucasus_2024)" in (model_dir / "results.md").read_text()
    for kind in ("tfidf_lr", "textcat"):
        meta = json.loads((model_dir / "model.json").read_text())
        (model_dir / "model.json").write_text(json.dumps(dict(meta, kind=kind)))
        preds = StanceModel(model_dir).predict(
            ["[ACTOR=UZB] [TARGET=UKR] <A>Uzbekistan</A> sent aid to <T>Ukraine</T>."]
        )
        (model_dir / "model.json").write_text(json.dumps(meta))
        assert preds[0][0] in STANCES and 0.0 < preds[0][1] <= 1.0


def test_annotate_with_stance_model(model_dir, tmp_path):
    src = tmp_path / "new_text.txt"
    src.write_text(NEW_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["annotate", str(src), "--out", str(out), "--stance-model", str(model_dir)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in (out / "claims.jsonl").read_text().splitlines()]
    assert rows
    revision = dataset_revision(ANN)
    text = json.loads((out / "documents.jsonl").read_text().splitlines()[0])["text"]
    for r in rows:
        assert r["stance"] in STANCES
        assert 0.0 < r["confidence"] <= 1.0
        assert r["annotator"].startswith("stance_model/") and revision[:12] in r["annotator"]
        assert text[r["start"] : r["end"]] == r["text"]
