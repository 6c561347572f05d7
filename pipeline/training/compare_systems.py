"""``stance-corpus train --compare``: the claim systems side by side, and the encoder head.

Systems, all scored on (sentence, actor, target, stance) rows against gold
(``pipeline.training.stance_data``), per collection (articles, UN statements):

- ``rules``: the rule component ``claim_rules`` as it stands;
- ``tfidf_lr``: TF-IDF word 1-2-grams of the marked candidate text + logistic regression;
- ``encoder``: frozen all-MiniLM-L6-v2 embedding of the marked text + source one-hots + a
  logistic regression head (``pipeline.nlp.encoder``);
- ``combined``: the rule rows, plus the encoder's rows for pairs the rules left out.

Development: grouped 5-fold cross-validation over the dev documents (groups = documents; the
seed article is one of them); hyperparameters (C, the ``none`` threshold) are chosen on the
out-of-fold predictions of dev only. Then each learned system is trained on all dev documents
and the development test (the unseen article and the eval statements; scored during development,
``annotations/gold/ungd/SAMPLING.md``) is scored after. Scores
and 95 % bootstrap intervals (documents resampled) come from ``pipeline.quality.compare``. A
learning curve (dev CV, training on the first n documents of each training fold) and the speed
and peak memory of the whole pipeline on one core complete the table. The head trained on all
dev documents is written to ``pipeline/data/models/claim_encoder/head.json``.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.io import write_text
from pipeline.training.stance_data import EvalDoc, cached_process, gold_label, load_eval_docs, training_layer_docs

LABELS = ("support", "oppose", "neutral", "none")
STANCES = LABELS[:3]
SYSTEMS = ("rules", "tfidf_lr", "encoder", "combined")
COLLECTION_NAMES = {"articles": "articles", "passages": "passages", "ungd": "UN statements"}  # as the tables name them
MACHINE_EVERY = 4  # every 4th machine-coded training statement (the spaCy pass over all takes too long on 1 core)
C_GRID = (0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.30, 0.96, 0.05))
CLASS_THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.10, 0.91, 0.05))
CODE_VERSION = "candidates-v3"
SEED = 0
SPEED_GOAL = 1500  # words/s of the whole pipeline on one core, for a system to be the default


# ---------------------------------------------------------------- data


def embed_all(texts: list[str], cache: Path) -> np.ndarray:
    """Encoder embeddings of ``texts``, cached per text (sha256) in ``cache/embeddings.npz``."""
    from pipeline.nlp.encoder import Encoder

    path = cache / "embeddings.npz"
    known: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path) as z:
            known = dict(zip(z["keys"].tolist(), z["vectors"]))
    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        vectors = Encoder().encode([t for _, t in missing])
        known.update({k: v for (k, _), v in zip(missing, vectors)})
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / "embeddings.tmp.npz"
        np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
        tmp.replace(path)
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)


class Table:
    """Every candidate of every document as arrays: doc, sentence, pair, text, sources, label."""

    def __init__(self, docs: list[EvalDoc], processed: dict, cache: Path):
        rows = []
        for d in docs:
            gold: dict[tuple, list[str]] = {}
            for g in d.gold:
                gold.setdefault((g["sent_id"], g["actor"], g["target"]), []).append(g["stance"])
            for c in processed[d.doc_id]["candidates"]:
                rows.append((d.doc_id, c, gold_label(gold.get((c["sent_id"], c["actor"], c["target"]), []))))
        self.doc = np.array([r[0] for r in rows])
        self.cands = [r[1] for r in rows]
        self.y = np.array([LABELS.index(r[2]) for r in rows])
        self.texts = [c["text"] for c in self.cands]
        self.embeddings = embed_all(self.texts, cache)
        self._X: Optional[np.ndarray] = None

    def X_encoder(self) -> np.ndarray:
        """The encoder head's input for every row (built once: every fold and system reads it)."""
        from pipeline.nlp.encoder import features

        if self._X is None:
            self._X = features(
                self.embeddings, [c["actor_source"] for c in self.cands], [c["target_source"] for c in self.cands]
            )
        return self._X


def comparison_docs(annotations: str | Path, corpus: str | Path, machine_every: int = MACHINE_EVERY) -> list[EvalDoc]:
    """The documents every learned system is compared on: the scored ones (dev and eval), then
    the passages and every ``machine_every``-th machine-coded statement of the train split."""
    scored = load_eval_docs(annotations, corpus)
    return scored + training_layer_docs(annotations, [d.doc_id for d in scored], machine_every)


def split_ids(docs: list[EvalDoc]) -> tuple[list[str], tuple[str, ...], list[str]]:
    """(dev, machine-coded, eval) document ids. The passages' gold is scored in cross-validation
    with the other dev documents; the machine-coded statements only ever train."""
    dev_ids = sorted(d.doc_id for d in docs if d.split == "dev" or d.collection == "passages")
    machine_ids = tuple(sorted(d.doc_id for d in docs if d.collection == "ungd_machine"))
    eval_ids = sorted(d.doc_id for d in docs if d.split == "eval")
    return dev_ids, machine_ids, eval_ids


def candidate_recall(docs: list[EvalDoc], processed: dict) -> dict[tuple[str, str], dict[str, int]]:
    """How many gold (sentence, actor, target) pairs the candidate generator proposes, per
    (collection, split): every learned system's recall is bounded by it. ``states`` counts the
    pairs of two ISO3 states, the only ones the claim layer can hold; the rest name an
    organisation or a group ("org:nato", "group:the_west")."""
    from pipeline.nlp.candidates import is_iso3

    out: dict[tuple[str, str], dict[str, int]] = {}
    for d in docs:
        proposed = {(c["sent_id"], c["actor"], c["target"]) for c in processed[d.doc_id]["candidates"]}
        counts = out.setdefault((d.collection, d.split), dict.fromkeys(("gold", "found", "states", "states_found"), 0))
        for pair in sorted({(g["sent_id"], g["actor"], g["target"]) for g in d.gold}):
            found = pair in proposed
            counts["gold"] += 1
            counts["found"] += found
            if is_iso3(pair[1]) and is_iso3(pair[2]):
                counts["states"] += 1
                counts["states_found"] += found
    return out


# ---------------------------------------------------------------- models


def fit_lr(X, y, C: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, random_state=SEED).fit(X, y)


def fit_tfidf(texts, y, C: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            token_pattern=r"\[/?[AT](?:=speaker\??)?\]|\b\w\w+\b", ngram_range=(1, 2), min_df=2, sublinear_tf=True
        ),
        LogisticRegression(C=C * 10, max_iter=3000, random_state=SEED),
    ).fit(texts, y)


def full_proba(model, X) -> np.ndarray:
    """Probabilities with one column per label in ``LABELS`` order (a fold may lack a label)."""
    p = model.predict_proba(X)
    out = np.zeros((len(p), len(LABELS)))
    out[:, np.asarray(model.classes_, dtype=int)] = p
    return out


def decisions(probs: np.ndarray, threshold: float, by_class: Optional[dict] = None) -> np.ndarray:
    """Labels of ``probs``: per-class thresholds where given, else the ``none`` threshold."""
    from pipeline.nlp.encoder import decide_by_class, decide_probs

    decided = decide_by_class(LABELS, probs, by_class) if by_class else decide_probs(LABELS, probs, threshold)
    return np.array([LABELS.index(label) for label, _ in decided], dtype=int)


# ---------------------------------------------------------------- rows and scores


def model_rows(table: Table, idx, labels) -> list[dict]:
    return [
        {
            "doc_id": table.doc[i],
            "sent_id": table.cands[i]["sent_id"],
            "actor": table.cands[i]["actor"],
            "target": table.cands[i]["target"],
            "stance": LABELS[lab],
        }
        for i, lab in zip(idx, labels)
        if LABELS[lab] != "none"
    ]


def rule_rows(docs: list[EvalDoc], processed: dict) -> list[dict]:
    return [{"doc_id": d.doc_id, **r} for d in docs for r in processed[d.doc_id]["rules"]]


def combine(rules: list[dict], model: list[dict]) -> list[dict]:
    covered = {(r["sent_id"], r["actor"], r["target"]) for r in rules}
    return rules + [r for r in model if (r["sent_id"], r["actor"], r["target"]) not in covered]


def _layer(rows: list[dict]) -> list[dict]:
    return [{"start": 0, "end": 0, "footnotes": [], **r} for r in rows]


def score(docs: list[EvalDoc], predicted: list[dict], n_resamples: int = 1000):
    from pipeline.quality.compare import compare_claims

    gold = [{"doc_id": d.doc_id, **g} for d in docs for g in d.gold]
    sentences = [{"doc_id": d.doc_id, "sent_id": s.sent_id} for d in docs for _, ss in d.paragraphs for s in ss]
    ids = {d.doc_id for d in docs}
    return compare_claims(
        _layer(gold),
        _layer([r for r in predicted if r["doc_id"] in ids]),
        sentences,
        names=("gold", "system"),
        documents=sorted(ids),
        n_resamples=n_resamples,
        seed=SEED,
    )


def micro_f1(docs, predicted) -> float:
    return score(docs, predicted, n_resamples=0).stance.f1


# ---------------------------------------------------------------- cross-validation


def _folds(doc_ids: list[str], k: int = 5) -> list[list[str]]:
    """Dev documents in k seeded folds (each fold holds whole documents)."""
    rng = np.random.default_rng(SEED)
    order = list(rng.permutation(sorted(doc_ids)))
    return [sorted(order[i::k]) for i in range(k)]


def oof_probs(
    table: Table,
    dev_ids: list[str],
    kind: str,
    C: float,
    train_limit: Optional[int] = None,
    extra_ids: tuple[str, ...] = (),
) -> np.ndarray:
    """Out-of-fold probabilities over the dev rows (NaN elsewhere). ``extra_ids``: training-only
    documents (the machine-coded statements), in every fold's training part, never scored."""
    out = np.full((len(table.y), len(LABELS)), np.nan)
    X = table.X_encoder() if kind == "encoder" else None
    for fold in _folds(dev_ids):
        train_docs = [d for d in sorted(dev_ids) if d not in fold] + sorted(extra_ids)
        if train_limit is not None:
            rng = np.random.default_rng(SEED + len(fold))
            train_docs = sorted(rng.permutation(train_docs)[:train_limit].tolist())
        tr = np.flatnonzero(np.isin(table.doc, train_docs))
        te = np.flatnonzero(np.isin(table.doc, fold))
        if kind == "encoder":
            assert X is not None
            out[te] = full_proba(fit_lr(X[tr], table.y[tr], C), X[te])
        else:
            out[te] = full_proba(fit_tfidf([table.texts[i] for i in tr], table.y[tr], C), [table.texts[i] for i in te])
    return out


def tune(
    table: Table,
    docs: list[EvalDoc],
    dev_ids: list[str],
    kind: str,
    rules: list[dict],
    combined: bool = False,
    c_grid=C_GRID,
    extra_ids: tuple[str, ...] = (),
) -> dict:
    """The C and ``none`` threshold with the best dev-CV micro-F1 (ties: the first)."""
    dev_docs = [d for d in docs if d.doc_id in dev_ids]
    idx = np.flatnonzero(np.isin(table.doc, dev_ids))
    best: dict = {"f1": -1.0}
    for C in c_grid:
        probs = oof_probs(table, dev_ids, kind, C, extra_ids=extra_ids)
        for th in THRESHOLDS:
            rows = model_rows(table, idx, decisions(probs[idx], th))
            f1 = micro_f1(dev_docs, combine(rules, rows) if combined else rows)
            if f1 > best["f1"]:
                best = {"f1": f1, "C": C, "threshold": th, "probs": probs, "by_class": None}
    return tune_classes(best, table, dev_docs, idx, rules, combined)


def tune_classes(best: dict, table: Table, dev_docs: list[EvalDoc], idx, rules: list[dict], combined: bool) -> dict:
    """Per-class thresholds on the same out-of-fold probabilities, by coordinate ascent (two
    passes over support, oppose, neutral; start: each stance at 1 - the ``none`` threshold); kept
    only where they beat the single ``none`` threshold."""
    probs = best["probs"][idx]
    thresholds = {s: round(1 - best["threshold"], 2) for s in STANCES}

    def f1_of(by_class: dict) -> float:
        rows = model_rows(table, idx, decisions(probs, 0.0, by_class))
        return micro_f1(dev_docs, combine(rules, rows) if combined else rows)

    current = f1_of(thresholds)
    for _ in range(2):
        for stance in STANCES:
            for t in CLASS_THRESHOLDS:
                trial = {**thresholds, stance: t}
                if (f1 := f1_of(trial)) > current:
                    thresholds, current = trial, f1
    return {**best, "by_class": thresholds, "f1": current} if current > best["f1"] else best


def int8_scores(table: Table, idx, models: dict, chosen: dict, rules: list[dict], docs: list[EvalDoc]) -> dict:
    """Eval F1 of the encoder systems from float embeddings and from the int8-quantized encoder
    the component runs (``Encoder(quantize=True)``), with the same heads and thresholds."""
    from pipeline.nlp.encoder import Encoder, features

    embedded = Encoder(quantize=True).encode([table.texts[i] for i in idx])
    sources = ([table.cands[i]["actor_source"] for i in idx], [table.cands[i]["target_source"] for i in idx])
    inputs = {"float": table.X_encoder()[idx], "int8": features(embedded, *sources)}
    out: dict[str, dict[str, float]] = {}
    for system in ("encoder", "combined"):
        for name, X in inputs.items():
            best = chosen[system]
            rows = model_rows(table, idx, decisions(full_proba(models[system], X), best["threshold"], best["by_class"]))
            out.setdefault(system, {})[name] = micro_f1(docs, combine(rules, rows) if system == "combined" else rows)
    return out


# ---------------------------------------------------------------- speed


SPEED_SCRIPT = r"""
import json, resource, sys, time
import torch
torch.set_num_threads(1)
from pipeline.build import Annotator
from pipeline.settings import Settings
from pipeline.nlp.candidates import candidates, rules_lexicon
mode, paths = sys.argv[1], sys.argv[2:]
nlp = Annotator(Settings(config_overrides={"paths.claims_system": mode})).nlp
texts = [line for p in paths for line in open(p, encoding="utf-8").read().split("\n") if line.strip()]
speaker = paths[0].rsplit("/", 1)[-1].split("_")[0]
def docs():
    for t in texts:
        d = nlp.make_doc(t); d._.speaker = speaker; yield d
list(nlp.pipe(docs()))  # warm-up: lazy loading and caches
t0 = time.perf_counter(); words = rows = 0
for doc in nlp.pipe(docs()):
    words += sum(1 for t in doc if not (t.is_space or t.is_punct)); rows += len(doc.spans.get("claims", []))
elapsed = time.perf_counter() - t0
n_cand = sum(len(candidates(d, rules_lexicon(nlp))) for d in nlp.pipe(docs())) if mode != "rules" else 0
print(json.dumps({"mode": mode, "words": words, "seconds": elapsed, "words_per_s": words / elapsed,
                  "candidates_per_s": n_cand / elapsed, "rows": rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure_speed(mode: str, files: list[Path]) -> dict:
    """Whole-pipeline speed and peak memory of one claim system, in a fresh process on one core."""
    import os
    import shutil
    import subprocess
    import sys

    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    cmd = [sys.executable, "-c", SPEED_SCRIPT, mode, *map(str, files)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the run


def _code_version() -> str:
    """Processing depends on the rules and the candidates: their sources and data key the cache."""
    from pipeline.settings import DATA_DIR

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(CODE_VERSION.encode())
    for p in (
        *sorted((root / "nlp" / "claims").glob("*.py")),
        *sorted((root / "nlp" / "statement_rules").glob("*.py")),
        root / "nlp" / "lexicon.py",
        root / "nlp" / "candidates.py",
        DATA_DIR / "stance_cues.jsonl",
        DATA_DIR / "claim_lexicon.json",
        DATA_DIR / "country_kb.jsonl",
    ):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _prf_cell(c, label: Optional[str] = None, ci: bool = False) -> str:
    s = c.stance if label is None else c.stance_per_label[label]
    text = f"{s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}"
    if ci and label is None and c.bootstrap.intervals:
        iv = c.bootstrap.intervals["stance_f1"]
        text += f" [{iv.low:.2f}, {iv.high:.2f}]"
    return text


def _table(title: str, results: dict, collections: dict) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| collection | system | rows P / R / F1 [95 % CI of F1] | support P / R / F1 | "
        "oppose P / R / F1 | neutral P / R / F1 | macro-F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for coll in collections:
        for system in SYSTEMS:
            c = results[coll][system]
            lines.append(
                f"| {coll} ({collections[coll]} docs) | {system} | {_prf_cell(c, ci=True)} | "
                + " | ".join(_prf_cell(c, label) for label in STANCES)
                + f" | {c.stance_macro_f1:.2f} |"
            )
    return lines + [""]


def run_comparison(
    annotations: str | Path = "annotations",
    corpus: str | Path = "corpus",
    results: Optional[str | Path] = "annotations/results.md",
    cache: str | Path = "models/cache",
    head_out: Optional[str | Path] = None,
    speed: bool = True,
    machine_every: int = MACHINE_EVERY,
) -> str:
    from pipeline.build import Annotator
    from pipeline.nlp.encoder import ACTOR_SOURCES, DEFAULT_HEAD, TARGET_SOURCES, Head

    t_start = time.perf_counter()
    cache = Path(cache)
    docs = comparison_docs(annotations, corpus, machine_every)
    processed = cached_process(Annotator().nlp, docs, cache, _code_version())
    table = Table(docs, processed, cache)
    dev_ids, machine_ids, eval_ids = split_ids(docs)
    rules = rule_rows(docs, processed)
    dev_rules = [r for r in rules if r["doc_id"] in dev_ids]

    # Development: everything chosen on dev out-of-fold predictions.
    chosen = {
        "tfidf_lr": tune(table, docs, dev_ids, "tfidf", dev_rules, extra_ids=machine_ids),
        "encoder": tune(table, docs, dev_ids, "encoder", dev_rules, extra_ids=machine_ids),
    }
    # The combined system uses the same head (one set of weights in the component), with its own threshold.
    chosen["combined"] = tune(
        table,
        docs,
        dev_ids,
        "encoder",
        dev_rules,
        combined=True,
        c_grid=(chosen["encoder"]["C"],),
        extra_ids=machine_ids,
    )
    dev_idx = np.flatnonzero(np.isin(table.doc, dev_ids))
    dev_pred = {"rules": dev_rules}
    for system, best in chosen.items():
        rows = model_rows(table, dev_idx, decisions(best["probs"][dev_idx], best["threshold"], best["by_class"]))
        dev_pred[system] = combine(dev_rules, rows) if system == "combined" else rows

    # Eval, once: each system trained on all dev documents.
    ev_idx = np.flatnonzero(np.isin(table.doc, eval_ids))
    train_idx = np.flatnonzero(np.isin(table.doc, [*dev_ids, *machine_ids]))
    X = table.X_encoder()
    enc_models = {}
    for system in ("encoder", "combined"):
        enc_models[system] = fit_lr(X[train_idx], table.y[train_idx], chosen[system]["C"])
    tf = fit_tfidf([table.texts[i] for i in train_idx], table.y[train_idx], chosen["tfidf_lr"]["C"])
    ev_rules = [r for r in rules if r["doc_id"] in eval_ids]
    ev_pred = {
        "rules": ev_rules,
        "tfidf_lr": model_rows(
            table,
            ev_idx,
            decisions(
                full_proba(tf, [table.texts[i] for i in ev_idx]),
                chosen["tfidf_lr"]["threshold"],
                chosen["tfidf_lr"]["by_class"],
            ),
        ),
    }
    for system in ("encoder", "combined"):
        rows = model_rows(
            table,
            ev_idx,
            decisions(
                full_proba(enc_models[system], X[ev_idx]), chosen[system]["threshold"], chosen[system]["by_class"]
            ),
        )
        ev_pred[system] = combine(ev_rules, rows) if system == "combined" else rows

    int8 = int8_scores(table, ev_idx, enc_models, chosen, ev_rules, [d for d in docs if d.doc_id in eval_ids])

    collections = COLLECTION_NAMES
    by_coll = {c: [d for d in docs if d.collection == c] for c in collections}
    dev_scores = {
        name: {s: score([d for d in by_coll[c] if d.doc_id in dev_ids], dev_pred[s]) for s in SYSTEMS}
        for c, name in collections.items()
        if any(d.doc_id in dev_ids for d in by_coll[c])
    }
    ev_scores = {
        name: {s: score([d for d in by_coll[c] if d.doc_id in eval_ids], ev_pred[s]) for s in SYSTEMS}
        for c, name in collections.items()
        if any(d.doc_id in eval_ids for d in by_coll[c])
    }
    all_dev = {s: score([d for d in docs if d.doc_id in dev_ids], dev_pred[s]) for s in SYSTEMS}
    all_ev = {s: score([d for d in docs if d.doc_id in eval_ids], ev_pred[s]) for s in SYSTEMS}
    dev_scores["all"], ev_scores["all"] = all_dev, all_ev

    # Learning curve: dev CV, n training documents per fold (dev and machine-coded together).
    curve = {}
    n_train = len(dev_ids) - max(len(f) for f in _folds(dev_ids)) + len(machine_ids)
    for n in sorted({n for n in (25, 50, 100, 200) if n < n_train} | {n_train}):
        probs = oof_probs(table, dev_ids, "encoder", chosen["encoder"]["C"], train_limit=n, extra_ids=machine_ids)
        rows = model_rows(table, dev_idx, decisions(probs[dev_idx], chosen["encoder"]["threshold"]))
        curve[n] = (
            micro_f1([d for d in docs if d.doc_id in dev_ids], rows),
            micro_f1([d for d in docs if d.doc_id in dev_ids], combine(dev_rules, rows)),
        )

    # The head the component loads: trained on all dev documents.
    head = Head.from_sklearn(
        enc_models["encoder"],
        names=LABELS,
        meta={
            "revision": _code_version()[:8],
            "none_threshold": float(chosen["encoder"]["threshold"]),
            "combined_none_threshold": float(chosen["combined"]["threshold"]),
            "class_thresholds": chosen["encoder"]["by_class"],
            "combined_class_thresholds": chosen["combined"]["by_class"],
            "C": float(chosen["encoder"]["C"]),
            "trained_on": f"{len(dev_ids)} dev documents and {len(machine_ids)} machine-coded statements "
            f"({int(len(train_idx))} candidate pairs)",
            "seed": SEED,
            "sources": {"actor": list(ACTOR_SOURCES), "target": list(TARGET_SOURCES)},
        },
    )
    head_path = Path(head_out) if head_out else DEFAULT_HEAD
    head_path.parent.mkdir(parents=True, exist_ok=True)
    write_text(head_path, head.to_json())

    speeds = {}
    if speed:
        files = sorted((Path(corpus) / "ungd").glob("session7*/*.txt"))
        files = [f for f in files if f.stem in dev_ids][:4]
        speeds = {mode: measure_speed(mode, files) for mode in ("rules", "model", "combined")}

    text = results_markdown(
        docs,
        dev_ids,
        eval_ids,
        table,
        chosen,
        dev_scores,
        ev_scores,
        curve,
        speeds,
        time.perf_counter() - t_start,
        recall=candidate_recall(docs, processed),
        int8=int8,
    )
    if results:
        write_text(results, text)
    return text


def recall_table(recall: dict[tuple[str, str], dict[str, int]]) -> list[str]:
    """The candidate generator's recall of gold pairs, as markdown lines."""
    lines = [
        "## Candidates: recall of gold pairs",
        "",
        "Gold (sentence, actor, target) pairs among the candidate pairs (`pipeline.nlp.candidates`); no "
        "learned system can find a pair that is not a candidate. Pairs of states are those the claim layer "
        "can hold; the other gold pairs name an organisation or a group of states as such.",
        "",
        "| collection | split | gold pairs | candidates recall | pairs of states | recall on pairs of states |",
        "|---|---|---|---|---|---|",
    ]
    ratio = lambda a, b: f"{a / b:.3f} ({a})" if b else "–"
    for (coll, split), c in sorted(recall.items(), key=lambda kv: (kv[0][0], kv[0][1] != "dev")):
        lines.append(
            f"| {COLLECTION_NAMES.get(coll, coll)} | {split} | {c['gold']} | {ratio(c['found'], c['gold'])} | "
            f"{c['states']} | {ratio(c['states_found'], c['states'])} |"
        )
    return lines + [""]


def results_markdown(
    docs,
    dev_ids,
    eval_ids,
    table,
    chosen,
    dev_scores,
    ev_scores,
    curve,
    speeds,
    seconds: float,
    recall: Optional[dict] = None,
    int8: Optional[dict] = None,
) -> str:
    n_dev_c = int(np.isin(table.doc, dev_ids).sum())
    n_ev_c = int(np.isin(table.doc, eval_ids).sum())
    counts = {c: sum(1 for d in docs if d.collection == c and d.doc_id in dev_ids) for c in COLLECTION_NAMES}
    machine = [d for d in docs if d.collection == "ungd_machine"]
    n_machine_c = int(np.isin(table.doc, [d.doc_id for d in machine]).sum())
    lines = [
        "# Claim systems compared",
        "",
        "Generated by `stance-corpus train --compare` (`pipeline/training/compare_systems.py`); seeded, "
        f"{seconds:.0f} s. Units: (sentence, actor, target, stance) rows against gold; P / R / F1 are "
        "micro-averaged over support, oppose and neutral; 95 % intervals resample whole documents "
        "(`pipeline.quality.compare`, 1000 resamples).",
        "",
        f"Data: dev = the seed article + {counts['passages']} project-written passages + {counts['ungd']} UN "
        f"General Debate statements ({len(dev_ids)} documents, {n_dev_c} candidate pairs); training only: "
        f"{len(machine)} machine-coded statements of the train split (every {MACHINE_EVERY}th of those without gold; "
        f"{sum(len(d.gold) for d in machine)} coded rows, {n_machine_c} candidate pairs, a candidate pair the coders "
        "left out is a `none` example), in every fold's training part and never scored; eval (the development "
        "test: it chose between systems, so it is no unseen test; SAMPLING.md) = the unseen article + "
        f"{len(eval_ids) - 1} statements ({n_ev_c} candidate pairs). Statement gold: the adjudicated sheet where "
        "there is one, else the first coder's sheet (coders are machine annotators (language models)); a pair "
        "outside the gold is `none`. Organisations (EU, NATO, ...) are parties (`org:<id>`) of the candidates; "
        "the rules propose none of them.",
        "",
        "Systems: `rules` = `claim_rules`; `tfidf_lr` = TF-IDF 1-2-grams of the marked candidate sentence + "
        "logistic regression; `encoder` = frozen all-MiniLM-L6-v2 embedding of the marked sentence "
        "(`[A] … [/A]`, `[T] … [/T]`, `[A=speaker]`) + pair-source one-hots + logistic regression "
        "(`claim_encoder`, mode `model`); `combined` = the rule rows plus the encoder's rows for pairs the "
        "rules left out (mode `combined`). C and the `none` threshold of each learned system were chosen "
        "by grouped 5-fold cross-validation over dev documents: "
        + "; ".join(
            f"{s} C={b['C']}, "
            + (
                "per-class thresholds " + ", ".join(f"{k} {v}" for k, v in b["by_class"].items())
                if b["by_class"]
                else f"none-threshold={b['threshold']}"
            )
            for s, b in chosen.items()
        )
        + ".",
        "",
    ]
    ndocs = lambda ids: {
        **{name: sum(1 for d in docs if d.collection == c and d.doc_id in ids) for c, name in COLLECTION_NAMES.items()},
        "all": len(ids),
    }
    if recall:
        lines += recall_table(recall)
    lines += ["## Development: grouped 5-fold cross-validation over dev documents", ""]
    lines += _table("dev (out-of-fold)", dev_scores, {k: ndocs(dev_ids)[k] for k in dev_scores})
    lines += ["## Evaluation: the development test", ""]
    lines += _table("eval", ev_scores, {k: ndocs(eval_ids)[k] for k in ev_scores})
    lines += [
        "## Learning curve (dev CV; encoder head trained on n documents of each fold's training part: dev and "
        "machine-coded)",
        "",
        "| training documents | encoder F1 | combined F1 |",
        "|---|---|---|",
    ]
    lines += [f"| {n} | {a:.3f} | {b:.3f} |" for n, (a, b) in curve.items()]
    lines.append("")
    if int8:
        lines += [
            "## int8: the encoder as the component runs it",
            "",
            "The component quantizes the encoder's linear layers to int8 (`claim_encoder` `quantize = true`). "
            "Development-test F1 of the same heads and thresholds from float and from int8 embeddings:",
            "",
            "| system | float | int8 | int8 - float |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {system} | {f['float']:.4f} | {f['int8']:.4f} | {f['int8'] - f['float']:+.4f} |"
            for system, f in int8.items()
        ]
        lines.append("")
    if speeds:
        lines += [
            "## Speed and memory (whole pipeline, one core, 4 dev statements, after a warm-up pass)",
            "",
            "| system | words/s | candidates/s | peak RSS (MB) |",
            "|---|---|---|---|",
        ]
        for mode, sp in speeds.items():
            lines.append(
                f"| {mode} | {sp['words_per_s']:.0f} | {sp['candidates_per_s']:.0f} | {sp['peak_rss_mb']:.0f} |"
            )
        lines.append("")
    lines += ["## Default", ""]
    mode_of = {"rules": "rules", "encoder": "model", "combined": "combined"}
    fast = [
        s for s in ("rules", "encoder", "combined") if not speeds or speeds[mode_of[s]]["words_per_s"] >= SPEED_GOAL
    ]
    best = max(fast, key=lambda s: (ev_scores["all"][s].stance.f1, s == "rules"))
    f1 = lambda coll, s: ev_scores[coll][s].stance.f1
    # "Truly beats": a higher eval F1 overall whose interval clears the rules' F1, and no collection worse.
    iv = ev_scores["all"][best].bootstrap.intervals
    worse = [c for c in ("articles", "UN statements") if f1(c, best) < f1(c, "rules")]
    beats = (
        best != "rules"
        and f1("all", best) > f1("all", "rules")
        and not worse
        and (iv is None or iv["stance_f1"].low > f1("all", "rules"))
    )
    lines.append(
        f"Best eval F1 among systems at >= {SPEED_GOAL:,} words/s on one core: `{best}` "
        f"({f1('all', best):.3f} vs rules {f1('all', 'rules'):.3f}; per collection "
        + ", ".join(f"{c} {f1(c, best):.3f} vs {f1(c, 'rules'):.3f}" for c in ("articles", "UN statements"))
        + "). "
        + (
            f"`paths.claims_system` defaults to `{mode_of[best]}`."
            if beats
            else 'The rules stay the default (`paths.claims_system = "rules"`)'
            + (
                f": `{best}` is worse than the rules on {', '.join(worse)}; "
                f"`--set paths.claims_system={mode_of[best]}` is the better choice for UN statements."
                if worse
                else "."
            )
        )
    )
    lines.append("")
    return "\n".join(lines)
