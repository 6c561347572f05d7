"""Train and evaluate stance classifiers on the gold claims (the ``claims`` dataset config).

Three model kinds, each on the same marked input (``pipeline.training.stance_model.model_input``),
each taken from the ``stance_models`` registry (``pipeline.registry``) by name:

- ``majority``: always the most frequent stance of the training fold (scikit-learn's DummyClassifier);
- ``tfidf_lr``: TF-IDF word 1-2-grams + logistic regression (balanced class weights);
- ``textcat``: a spaCy ``textcat`` (bag-of-words 1-2-grams, exclusive classes) on ``blank("en")``.

Evaluation is grouped k-fold cross-validation (``StratifiedGroupKFold``, groups = ``sent_id``,
so every row of one sentence, hence of one claim, is on one side of a fold). Reported: macro-F1,
SemEval F_avg (mean F1 of support and oppose), per-class P/R/F1 and the confusion matrix, each
as mean ± std over folds; and a learning curve over fractions of each training fold. The final
models (``SAVED``) are trained on all gold rows and saved with ``metrics.json`` and the dataset revision
(sha256 of ``gold/claims.jsonl``). Everything is seeded: the same command gives the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline import registry
from pipeline.io import write_text
from pipeline.schema import STANCES
from pipeline.training.stance_model import MODEL_FILE, model_input

MODELS = ("majority", "tfidf_lr", "textcat")  # cross-validated
SAVED = ("tfidf_lr", "textcat")  # trained on all rows and saved; the better one is loaded
FRACTIONS = (0.25, 0.5, 0.75, 1.0)


# ---------------------------------------------------------------- data


TRAIN_SPLIT = "train"  # validation (the development test) and test (the sealed test) are never trained on


def dataset_revision(annotations: str | Path) -> str:
    """sha256 over the gold claim layers (the articles', then every collection's)."""
    ann = Path(annotations)
    golds = [ann / "gold" / "claims.jsonl"] + sorted(ann.glob("*/gold/claims.jsonl*"))
    h = hashlib.sha256()
    if golds[0].exists():
        for gold in golds:
            h.update(gold.read_bytes())
    else:  # a published copy without the layers: hash the claims split files
        for p in sorted((ann / "hf" / "claims").glob("*.jsonl")):
            h.update(p.read_bytes())
    return h.hexdigest()


def load_examples(annotations: str | Path, cache_dir: Optional[str] = None) -> dict:
    """The gold claim rows of the ``train`` split as model inputs, labels and groups (and their
    documents): no row of a validation or test document is ever among them."""
    from datasets import load_dataset

    ann = str(annotations)
    claims = load_dataset(ann, "claims", cache_dir=cache_dir)
    if (Path(ann) / "documents.jsonl").is_file():
        # The card withholds the text of documents under copyright; the layers hold it.
        from pipeline.export.huggingface import layer_texts, rehydrate

        claims = rehydrate(claims, layer_texts(ann))
    entities = load_dataset(ann, "entities", cache_dir=cache_dir)
    spans = {}
    for split in entities.values():
        for e in split.select_columns(["ent_id", "start", "end"]):
            spans[e["ent_id"]] = (e["start"], e["end"])
    rows = claims[TRAIN_SPLIT]
    texts, labels, groups = [], [], []
    for r in rows:
        texts.append(
            model_input(
                r["text"],
                r["start"],
                r["actor"],
                r["target"],
                [spans[m] for m in r["actor_mentions"] if m in spans],
                [spans[m] for m in r["target_mentions"] if m in spans],
            )
        )
        labels.append(r["stance"])
        groups.append(r["sent_id"])
    return {
        "texts": texts,
        "labels": np.array(labels),
        "groups": np.array(groups),
        "names": rows.features["stance"].names,
        "documents": sorted(set(rows["doc_id"])),
    }


# ---------------------------------------------------------------- models


def make_model(name: str, seed: int, epochs: int):
    """A fresh, unfitted model of a registered kind (``pipeline.registry.stance_models``)."""
    return registry.get("stance_models", name)(seed=seed, epochs=epochs)


# ---------------------------------------------------------------- scoring


def scores(gold, pred) -> dict:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(range(len(STANCES)))
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {
        "macro_f1": float(np.mean(f)),
        "f_avg": float((f[0] + f[1]) / 2),  # SemEval-2016: mean F1 of FAVOR (support) and AGAINST (oppose)
        "per_class": {
            STANCES[i]: {"p": float(p[i]), "r": float(r[i]), "f1": float(f[i]), "n": int(n[i])} for i in labels
        },
        "confusion": confusion_matrix(gold, pred, labels=labels).tolist(),
    }


def _mean_std(values) -> dict:
    a = np.asarray(values, dtype=float)
    return {"mean": round(float(a.mean()), 4), "std": round(float(a.std()), 4)}


def aggregate(fold_scores: list[dict]) -> dict:
    return {
        "macro_f1": _mean_std([s["macro_f1"] for s in fold_scores]),
        "f_avg": _mean_std([s["f_avg"] for s in fold_scores]),
        "per_class": {
            k: {m: _mean_std([s["per_class"][k][m] for s in fold_scores]) for m in ("p", "r", "f1")} for k in STANCES
        },
        "confusion": {
            "mean": np.round(np.mean([s["confusion"] for s in fold_scores], axis=0), 2).tolist(),
            "std": np.round(np.std([s["confusion"] for s in fold_scores], axis=0), 2).tolist(),
        },
    }


def _subsample(train_idx, groups, frac: float, seed: int):
    """The rows of a seeded ``frac`` of the training fold's groups (whole sentences)."""
    uniq = sorted(set(groups[train_idx]))
    rng = random.Random(seed)
    rng.shuffle(uniq)
    keep = set(uniq[: max(1, math.ceil(frac * len(uniq)))])
    return np.array([i for i in train_idx if groups[i] in keep])


def cross_validate(
    data: dict, folds: int = 5, seed: int = 0, epochs: int = 10, fractions=FRACTIONS, models=MODELS
) -> dict:
    from sklearn.model_selection import StratifiedGroupKFold

    texts, y, groups = data["texts"], data["labels"], data["groups"]
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(cv.split(np.zeros(len(y)), y, groups))
    per_model: dict[str, list[dict]] = {m: [] for m in models}
    curve: dict[str, dict[str, list[float]]] = {m: {str(f): [] for f in fractions} for m in models}
    for k, (train_idx, test_idx) in enumerate(splits):
        assert not set(groups[train_idx]) & set(groups[test_idx])
        test_texts = [texts[i] for i in test_idx]
        for frac in fractions:
            idx = train_idx if frac >= 1.0 else _subsample(train_idx, groups, frac, seed + k)
            for m in models:
                model = make_model(m, seed, epochs).fit([texts[i] for i in idx], y[idx])
                s = scores(y[test_idx], model.predict(test_texts))
                curve[m][str(frac)].append(s["macro_f1"])
                if frac >= 1.0:
                    per_model[m].append(s)
    return {
        "folds": folds,
        "seed": seed,
        "epochs": epochs,
        "n_rows": int(len(y)),
        "n_groups": int(len(set(groups))),
        "label_counts": {STANCES[i]: int((y == i).sum()) for i in range(len(STANCES))},
        "models": {m: aggregate(per_model[m]) for m in models},
        "learning_curve": {m: {f: _mean_std(v) for f, v in c.items()} for m, c in curve.items()},
        "curve_train_rows": {
            str(f): round(
                float(
                    np.mean(
                        [
                            len(_subsample(tr, groups, f, seed + k)) if f < 1.0 else len(tr)
                            for k, (tr, _) in enumerate(splits)
                        ]
                    )
                ),
                1,
            )
            for f in fractions
        },
    }


# ---------------------------------------------------------------- saving and reporting


def save_final(data: dict, out: str | Path, revision: str, metrics: dict, seed: int = 0, epochs: int = 10) -> str:
    """Train every kind in ``SAVED`` on all gold rows and save it; the one with the higher
    cross-validated macro-F1 (the first on a tie) is the kind ``StanceModel`` loads. Fitting with
    the rows' groups calibrates the TF-IDF+LR probabilities, so they can serve as ``confidence``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    texts, y = data["texts"], data["labels"]
    for name in SAVED:
        make_model(name, seed, epochs).fit(texts, y, groups=data["groups"]).save(out)
    cv = metrics.get("models", {})
    scored = [name for name in SAVED if name in cv]
    kind = max(scored, key=lambda name: cv[name]["macro_f1"]["mean"]) if scored else SAVED[0]
    meta = {
        "kind": kind,
        "dataset_revision": revision,
        "labels": list(STANCES),
        "seed": seed,
        "epochs": epochs,
        "input": "[ACTOR=XXX] [TARGET=YYY] claim text with <A>actor</A> and <T>target</T> mentions marked",
        "trained_on": {"config": "claims", "splits": [TRAIN_SPLIT], "rows": int(len(y))},
    }
    write_text(out / MODEL_FILE, json.dumps(meta, indent=1, sort_keys=True) + "\n")
    write_text(
        out / "metrics.json",
        json.dumps(dict(metrics, dataset_revision=revision, selected=kind), indent=1, sort_keys=True) + "\n",
    )
    return kind


def _ms(d: dict) -> str:
    return f"{d['mean']:.3f} ± {d['std']:.3f}"


def results_markdown(metrics: dict, revision: str, selected: str, rule_based: Optional[dict[str, float]] = None) -> str:
    lines = [
        "# Stance classification results",
        "",
        "Generated by `stance-corpus train --results annotations/results.md` (`scripts/train_stance.py`).",
        f"Dataset revision (sha256 of the gold claim layers): `{revision}`.",
        f"Gold rows: {metrics['n_rows']} (claim, actor, target) rows in {metrics['n_groups']} sentences; "
        + ", ".join(f"{k} {v}" for k, v in metrics["label_counts"].items())
        + ".",
        f"Grouped {metrics['folds']}-fold cross-validation (StratifiedGroupKFold, groups = sentence, "
        f"seed {metrics['seed']}); figures are mean ± std over folds. spaCy textcat: {metrics['epochs']} epochs.",
        "",
        "**Data.** The `train` split of the `claims` config: the gold of the seed article, of the passages "
        "and of the development statements of the UN General Debate (coded by machine annotators, "
        "language models). The development test (`validation`) and the sealed test (`test`) are never "
        "trained on; the folds group rows by sentence, not by document, so they measure in-document "
        "generalisation.",
        "",
        "| model | macro-F1 | SemEval F_avg | F1 support | F1 oppose | F1 neutral |",
        "|---|---|---|---|---|---|",
    ]
    for m, s in metrics["models"].items():
        pc = s["per_class"]
        lines.append(
            f"| {m} | {_ms(s['macro_f1'])} | {_ms(s['f_avg'])} | {_ms(pc['support']['f1'])} | "
            f"{_ms(pc['oppose']['f1'])} | {_ms(pc['neutral']['f1'])} |"
        )
    lines += ["", "## Per class (precision / recall)", "", "| model | class | P | R | F1 |", "|---|---|---|---|---|"]
    for m, s in metrics["models"].items():
        for k, v in s["per_class"].items():
            lines.append(f"| {m} | {k} | {_ms(v['p'])} | {_ms(v['r'])} | {_ms(v['f1'])} |")
    lines += ["", "## Confusion matrices (mean over folds; rows = gold, columns = predicted)", ""]
    for m, s in metrics["models"].items():
        lines += [f"{m}:", "", "| gold \\ pred | " + " | ".join(STANCES) + " |", "|---" * (len(STANCES) + 1) + "|"]
        for i, k in enumerate(STANCES):
            cells = [
                f"{s['confusion']['mean'][i][j]:.1f} ± {s['confusion']['std'][i][j]:.1f}" for j in range(len(STANCES))
            ]
            lines.append(f"| {k} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## Learning curve (macro-F1 by fraction of each training fold, whole sentences sampled)",
        "",
        "| model | "
        + " | ".join(f"{f} (~{metrics['curve_train_rows'][f]:.0f} rows)" for f in metrics["curve_train_rows"])
        + " |",
        "|---" * (len(metrics["curve_train_rows"]) + 1) + "|",
    ]
    for m, c in metrics["learning_curve"].items():
        lines.append(f"| {m} | " + " | ".join(_ms(v) for v in c.values()) + " |")
    lines += [
        "",
        f"Saved model (`stance-corpus annotate --stance-model DIR`): `{selected}` "
        "(the better cross-validated macro-F1 of tfidf_lr and textcat), trained on all gold rows.",
    ]
    if rule_based:
        lines.append(
            "For comparison, the rule-based annotator's stance macro-F1 against gold is "
            + ", ".join(f"{f:.3f} ({doc})" for doc, f in sorted(rule_based.items()))
            + " in `stance-corpus evaluate`, but that figure also counts missed claims; these CV figures "
            "classify gold (claim, actor, target) rows only, so the two are not directly comparable."
        )
    lines.append("")
    return "\n".join(lines)


def rule_based_macro_f1(annotations: str | Path) -> dict[str, float]:
    """The rule-based layer's stance macro-F1 against gold per document, as ``stance-corpus
    evaluate`` reports it; empty for a dataset copy without the layers."""
    from pipeline.quality.evaluate import evaluation_report

    ann = Path(annotations)
    if not all((ann / name).is_file() for name in ("claims.jsonl", "sentences.jsonl", "gold/claims.jsonl")):
        return {}
    return {doc: scores["stance_macro_f1"] for doc, scores in evaluation_report(ann)[1]["documents"].items()}


def run_training(
    annotations: str | Path = "annotations",
    out: str | Path = "models/stance",
    folds: int = 5,
    epochs: int = 10,
    seed: int = 0,
    curve: bool = True,
    results: Optional[str | Path] = None,
    cache_dir: Optional[str] = None,
) -> str:
    t0 = time.perf_counter()
    data = load_examples(annotations, cache_dir=cache_dir)
    revision = dataset_revision(annotations)
    metrics = cross_validate(data, folds=folds, seed=seed, epochs=epochs, fractions=FRACTIONS if curve else (1.0,))
    selected = save_final(data, out, revision, metrics, seed=seed, epochs=epochs)
    text = results_markdown(metrics, revision, selected, rule_based_macro_f1(annotations))
    if results:
        write_text(results, text)
    return text + f"\n(model saved to {out}; {time.perf_counter() - t0:.1f} s)"
