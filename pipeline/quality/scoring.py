"""The scores every comparison in ``pipeline.quality`` is built from, all computed by libraries.

- ``unit_prf``: precision/recall/F1 of one set of units against another (a claimed sentence, a
  (sentence, actor) pair, ...). The units of both sides become one binary indicator vector each
  over their union, scored by scikit-learn's ``precision_recall_fscore_support``; optional
  ``sample_weight`` lets a bootstrap replicate count a resampled document twice.
- ``multilabel_prf``: the same for items that carry a set of labels (a (sentence, actor, target)
  pair with its stances): per-label and micro-averaged P/R/F1 from one indicator matrix each.
- ``span_scores``: span matching with nervaluate, ``strict`` (same boundaries and label) and
  ``partial`` (overlap counts half, label ignored), for entity layers.

``PRF`` is the plain record of one score: precision, recall, F1 and the counts behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

SPAN_FIELDS = (
    "correct",
    "incorrect",
    "partial",
    "missed",
    "spurious",
    "possible",
    "actual",
    "precision",
    "recall",
    "f1",
)


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    tp: int
    n_reference: int
    n_predicted: int


def _weights(n: int, sample_weight) -> np.ndarray:
    return np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)


def unit_prf(truth: Sequence[bool] | np.ndarray, predicted: Sequence[bool] | np.ndarray, sample_weight=None) -> PRF:
    """P/R/F1 of the positive class; items where neither side is positive do not change them."""
    y_true, y_pred = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    w = _weights(len(y_true), sample_weight)
    keep = w > 0
    counts = dict(
        tp=int(np.sum(w * (y_true & y_pred))), n_reference=int(np.sum(w * y_true)), n_predicted=int(np.sum(w * y_pred))
    )
    if not keep.any():  # nothing to score: scikit-learn refuses empty input
        return PRF(0.0, 0.0, 0.0, **counts)
    p, r, f, _ = precision_recall_fscore_support(
        y_true[keep], y_pred[keep], labels=[True], average=None, sample_weight=w[keep], zero_division=0
    )
    return PRF(float(p[0]), float(r[0]), float(f[0]), **counts)


def multilabel_prf(
    y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str], sample_weight=None
) -> tuple[dict[str, PRF], PRF]:
    """Per-label P/R/F1 and the micro average over all labels, from (items x labels) indicators."""
    y_true, y_pred = np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool)
    w = _weights(len(y_true), sample_weight)
    keep = w > 0
    tp, n_ref, n_pred = (np.sum(w[:, None] * m, axis=0) for m in (y_true & y_pred, y_true, y_pred))
    if not keep.any():
        return (
            {label: PRF(0.0, 0.0, 0.0, int(tp[i]), int(n_ref[i]), int(n_pred[i])) for i, label in enumerate(labels)},
            PRF(0.0, 0.0, 0.0, int(tp.sum()), int(n_ref.sum()), int(n_pred.sum())),
        )
    y_true, y_pred = y_true[keep], y_pred[keep]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=None, sample_weight=w[keep], zero_division=0)
    per_label = {
        label: PRF(float(p[i]), float(r[i]), float(f[i]), int(tp[i]), int(n_ref[i]), int(n_pred[i]))
        for i, label in enumerate(labels)
    }
    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average="micro", sample_weight=w[keep], zero_division=0
    )
    return per_label, PRF(float(p), float(r), float(f), int(tp.sum()), int(n_ref.sum()), int(n_pred.sum()))


def span_scores(
    reference: list[list[dict]], predicted: list[list[dict]], tags: Sequence[str], ndigits: Optional[int] = 4
) -> dict[str, dict]:
    """nervaluate's ``strict`` and ``partial`` figures; one list of spans per document, each span
    ``{"label", "start", "end"}`` with a half-open ``end`` (as in the layers)."""
    from nervaluate import Evaluator

    if not reference or not tags:
        return {mode: {f: 0 for f in SPAN_FIELDS} for mode in ("strict", "partial")}

    # nervaluate's spans are inclusive at both ends.
    def inclusive(docs):
        return [[{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in doc] for doc in docs]

    overall = Evaluator(inclusive(reference), inclusive(predicted), tags=list(tags), loader="dict").evaluate()[
        "overall"
    ]
    out = {}
    for mode in ("strict", "partial"):
        r = overall[mode]
        out[mode] = {
            f: (
                round(getattr(r, f), ndigits)
                if isinstance(getattr(r, f), float) and ndigits is not None
                else getattr(r, f)
            )
            for f in SPAN_FIELDS
        }
    return out
