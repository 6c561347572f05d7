"""Stance classifiers: the model kinds, their input, and applying a model saved by ``stance-corpus train``.

The model input is the claim text with the actor and target marked, so that one sentence can
carry different stances for different (actor, target) pairs::

    [ACTOR=KAZ] [TARGET=RUS] <A>Kazakhstan</A> did not recognise <T>Crimea</T> as part of Russia.

The ``claim_stance`` pipeline component (``pipeline/nlp/stance.py``) keeps claim detection and
actor/target linking with the rules and replaces each row's ``stance`` with the model's label
and ``confidence`` with the model's probability for that label; ``annotator`` names the model
and its dataset revision.

Each model kind registers itself in ``pipeline.registry.stance_models`` (``majority``,
``tfidf_lr``, ``textcat``) as a class with ``fit(texts, labels, groups=None)``,
``predict_proba(texts)`` (one column per label, ``STANCES`` order), ``predict(texts)``,
``save(dir)`` and ``load(dir)``; training, saving and ``StanceModel`` pick a kind by
``registry.get("stance_models", name)``, so a new kind is one more registered class.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from pipeline import registry
from pipeline.registry import stance_models
from pipeline.schema import STANCES

MODEL_FILE = "model.json"
TFIDF_FILE = "tfidf_lr.joblib"
TEXTCAT_DIR = "textcat"
# Marker tokens ([ACTOR=KAZ], <a>, </t>) count as words for the TF-IDF model.
TOKEN_PATTERN = r"\[\w+=\w+\]|</?[at]>|\b\w\w+\b"


def mark(
    text: str, offset: int, actor_spans: Iterable[tuple[int, int]], target_spans: Iterable[tuple[int, int]]
) -> str:
    """``text`` (which starts at document offset ``offset``) with <A>..</A> / <T>..</T> around
    the actor and target mentions that lie inside it. Overlapping spans keep the first."""
    spans = sorted(
        {(s - offset, e - offset, "A") for s, e in actor_spans}
        | {(s - offset, e - offset, "T") for s, e in target_spans}
    )
    out, pos = [], 0
    for s, e, tag in spans:
        if s < pos or s < 0 or e > len(text) or s >= e:
            continue
        out += [text[pos:s], f"<{tag}>", text[s:e], f"</{tag}>"]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def model_input(
    text: str,
    offset: int,
    actor: str,
    target: str,
    actor_spans: Iterable[tuple[int, int]] = (),
    target_spans: Iterable[tuple[int, int]] = (),
) -> str:
    return f"[ACTOR={actor}] [TARGET={target}] " + mark(text, offset, actor_spans, target_spans)


# ---------------------------------------------------------------- model kinds


def _proba_in_label_order(probs: np.ndarray, classes) -> np.ndarray:
    """Probabilities with one column per stance in ``STANCES`` order (a training fold may lack a label)."""
    out = np.zeros((len(probs), len(STANCES)))
    out[:, np.asarray(classes, dtype=int)] = probs
    return out


class _Kind:
    """What every model kind shares: ``predict`` is the most probable label (ties: the first in
    ``STANCES``)."""

    def predict_proba(self, texts) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return np.argmax(self.predict_proba(texts), axis=1)


class _SklearnKind(_Kind):
    """A kind whose whole model is one scikit-learn estimator, saved with joblib as ``FILE``."""

    FILE: str
    model: Any

    def save(self, out_dir: str | Path) -> None:
        import joblib

        joblib.dump(self.model, Path(out_dir) / self.FILE)

    @classmethod
    def load(cls, model_dir: str | Path):
        import joblib

        kind = cls()
        kind.model = joblib.load(Path(model_dir) / cls.FILE)
        return kind


@stance_models.register("majority")
class Majority(_SklearnKind):
    """Baseline: always the most frequent stance of the training data (scikit-learn's DummyClassifier)."""

    FILE = "majority.joblib"

    def __init__(self, seed: int = 0, epochs: int = 10):
        from sklearn.dummy import DummyClassifier

        self.model = DummyClassifier(strategy="most_frequent")

    def fit(self, texts, labels, groups=None) -> "Majority":
        self.model.fit(np.zeros((len(labels), 1)), labels)  # the text is not looked at
        return self

    def predict_proba(self, texts) -> np.ndarray:
        return _proba_in_label_order(self.model.predict_proba(np.zeros((len(texts), 1))), self.model.classes_)


@stance_models.register("tfidf_lr")
class TfidfLR(_SklearnKind):
    """TF-IDF word 1-2-grams (the markers are tokens) + logistic regression, balanced class weights.

    ``fit`` with ``groups`` (each row's sentence) calibrates the probabilities (sigmoid, on
    grouped folds) so that they can serve as ``confidence``: that is how the saved model is fit."""

    FILE = TFIDF_FILE

    def __init__(self, seed: int = 0, epochs: int = 10):
        self.seed = seed
        self.model: Any = None

    def _pipeline(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), min_df=1, sublinear_tf=True),
            LogisticRegression(C=10.0, class_weight="balanced", max_iter=5000, random_state=self.seed),
        )

    def fit(self, texts, labels, groups=None) -> "TfidfLR":
        texts = list(texts)
        if groups is None:
            self.model = self._pipeline().fit(texts, labels)
            return self
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedGroupKFold

        splits = list(
            StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=self.seed).split(texts, labels, groups)
        )
        self.model = CalibratedClassifierCV(self._pipeline(), method="sigmoid", cv=splits).fit(texts, labels)
        return self

    def predict_proba(self, texts) -> np.ndarray:
        return _proba_in_label_order(self.model.predict_proba(list(texts)), self.model.classes_)


@stance_models.register("textcat")
class TextCat(_Kind):
    """A spaCy ``textcat`` (bag-of-words 1-2-grams, exclusive classes) on ``blank("en")``, seeded."""

    DIR = TEXTCAT_DIR

    def __init__(self, seed: int = 0, epochs: int = 10):
        self.seed, self.epochs = seed, epochs
        self.nlp: Any = None

    def fit(self, texts, labels, groups=None) -> "TextCat":
        import random

        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(self.seed)
        nlp = spacy.blank("en")
        nlp.add_pipe(
            "textcat",
            config={
                "model": {
                    "@architectures": "spacy.TextCatBOW.v3",
                    "exclusive_classes": True,
                    "ngram_size": 2,
                    "no_output_layer": False,
                    "length": 262144,
                }
            },
        )
        examples = []
        for text, label in zip(texts, labels):
            cats = {name: float(i == label) for i, name in enumerate(STANCES)}
            examples.append(Example.from_dict(nlp.make_doc(text), {"cats": cats}))
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(self.seed)
        for _ in range(self.epochs):
            order = examples[:]
            rng.shuffle(order)
            for batch in minibatch(order, size=8):
                nlp.update(batch, sgd=optimizer, drop=0.0)
        self.nlp = nlp
        return self

    def predict_proba(self, texts) -> np.ndarray:
        rows = [[doc.cats.get(label, 0.0) for label in STANCES] for doc in self.nlp.pipe(list(texts))]
        return np.array(rows, dtype=float).reshape(len(rows), len(STANCES))

    def save(self, out_dir: str | Path) -> None:
        self.nlp.to_disk(Path(out_dir) / self.DIR)

    @classmethod
    def load(cls, model_dir: str | Path) -> "TextCat":
        import spacy

        kind = cls()
        kind.nlp = spacy.load(Path(model_dir) / cls.DIR)
        return kind


# ---------------------------------------------------------------- applying a saved model


class StanceModel:
    """A saved model folder: ``model.json`` names the kind, ``predict(texts)`` -> [(label, probability)]."""

    def __init__(self, model_dir: str | Path):
        self.dir = Path(model_dir)
        meta_path = self.dir / MODEL_FILE
        if not meta_path.exists():
            raise FileNotFoundError(meta_path)
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.kind = self.meta["kind"]
        self.revision = self.meta["dataset_revision"]
        self.name = f"stance_model/{self.kind}@claims:{self.revision[:12]}"
        try:
            kind = registry.get("stance_models", self.kind)
        except ValueError as err:
            raise ValueError(f"{meta_path}: {err}") from None
        self._model = kind.load(self.dir)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        probs = self._model.predict_proba(list(texts))
        best = np.argmax(probs, axis=1)  # ties: the first label in STANCES order
        return [(STANCES[i], float(row[i])) for i, row in zip(best, probs)]
