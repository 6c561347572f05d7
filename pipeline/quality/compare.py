"""Comparing two claim layers: the one record behind ``stance-corpus evaluate`` and ``audit --report``.

``compare_claims(reference, other, sentences)`` takes two lists of claim rows (automatic vs gold,
or coder A vs coder B) and the sentence records of their documents, and returns a
``Comparison``: a plain record of figures (``to_dict()`` gives the JSON that ``evaluate --json``
writes). Both commands render their text from it with ``format_scores`` and ``format_agreement``.

The units, built from the claim rows of the documents compared:

- claim detection: sentences with at least one claim row;
- actors: (sentence, actor);
- stance: (sentence, actor, target) pairs, each with the set of stances given to it; P/R/F1 per
  stance label, micro-averaged over labels (= the (sentence, actor, target, stance) set), the
  macro-F1 and SemEval-2016's F_avg (mean F1 of support and oppose);
- confusion: over (sentence, actor, target) pairs in either layer, ``none`` = pair missing (a pair
  given several stances counts under the first in alphabetical order);
- footnotes: on sentences both layers claim, whether the footnote labels agree;
- agreement: Cohen's kappa on claimed/unclaimed over every sentence, exact-span F1, Krippendorff's
  alpha and Cohen's kappa on the stance of (sentence, actor) units both layers mark (several
  targets join as one value), and the actor sets of sentences both layers claim (exact match,
  mean Jaccard).

Every P/R/F1, kappa, accuracy and Jaccard comes from scikit-learn (``pipeline.quality.scoring``),
alpha from ``krippendorff``. ``bootstrap`` holds percentile 95 % intervals for the P/R/F1 figures (per stance too)
from resampling whole documents with replacement (``scipy.stats.bootstrap``, seeded); with fewer
than two documents there is nothing to resample and the intervals are ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

import numpy as np
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, jaccard_score
from sklearn.preprocessing import MultiLabelBinarizer

from pipeline.quality.scoring import PRF, multilabel_prf, unit_prf
from pipeline.schema import STANCES

NONE = "none"
N_RESAMPLES = 1000
# The figures the bootstrap gives intervals for (keys of ``Bootstrap.intervals``).
_PRF_LEVELS = ("claim_detection", "actor", "stance")
BOOTSTRAP_FIGURES = (
    tuple(f"{level}_{m}" for level in _PRF_LEVELS for m in ("precision", "recall", "f1"))
    + ("stance_macro_f1", "semeval_f_avg")
    + tuple(f"stance_{label}_{m}" for label in STANCES for m in ("precision", "recall", "f1"))
)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Bootstrap:
    n_documents: int
    n_resamples: int
    seed: int
    confidence_level: float
    method: str
    intervals: Optional[dict[str, Interval]]  # None with fewer than two documents


@dataclass(frozen=True)
class Agreement:
    sentences: int
    claim_sentences: dict[str, int]
    claim_sentence_kappa: Optional[float]
    claim_sentence_f1: float
    claim_span_exact_f1: float
    rows: dict[str, int]
    stance_units_both: int
    stance_alpha: Optional[float]
    stance_kappa: Optional[float]
    stance_exact_agreement: Optional[float]
    actor_f1: float
    actor_set_exact: Optional[float]
    actor_set_jaccard: Optional[float]
    pair_stance_f1: float


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, str]
    documents: list[str]
    claim_detection: PRF
    actor: PRF
    stance: PRF
    stance_per_label: dict[str, PRF]
    stance_macro_f1: float
    semeval_f_avg: float
    footnote_accuracy: Optional[float]
    confusion: dict
    agreement: Agreement
    bootstrap: Bootstrap

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- units


class _Level:
    """One kind of unit: its items, an indicator per side, and each item's document (by index)."""

    def __init__(
        self,
        keys: Iterable,
        ref: dict,
        other: dict,
        doc_of_sentence: dict,
        doc_index: dict,
        labels: Optional[Sequence] = None,
    ):
        self.keys = sorted(keys)
        # Every unit's key starts with (or is) its sentence id.
        self.doc = np.array(
            [doc_index[doc_of_sentence[k[0] if isinstance(k, tuple) else k]] for k in self.keys], dtype=int
        )
        if labels is None:  # a unit is there or not
            self.y_ref = np.array([k in ref for k in self.keys], dtype=bool)
            self.y_other = np.array([k in other for k in self.keys], dtype=bool)
        else:  # a unit carries a set of labels
            mlb = MultiLabelBinarizer(classes=list(labels))
            self.y_ref = mlb.fit_transform([ref.get(k, ()) for k in self.keys]).astype(bool)
            self.y_other = mlb.transform([other.get(k, ()) for k in self.keys]).astype(bool)

    def weight(self, doc_weights: Optional[np.ndarray]):
        return None if doc_weights is None else doc_weights[self.doc]


def _group(rows: Iterable[dict], key, value=None) -> dict:
    out = defaultdict(set)
    for r in rows:
        out[key(r)].add(value(r) if value else None)
    return out


def _scores(levels: dict[str, _Level], doc_weights: Optional[np.ndarray] = None) -> dict:
    """The P/R/F1 figures; ``doc_weights`` counts each document that many times (bootstrap)."""
    claims, actors, pairs = levels["claims"], levels["actors"], levels["pairs"]
    per_label, stance = multilabel_prf(pairs.y_ref, pairs.y_other, STANCES, pairs.weight(doc_weights))
    return {
        "claim_detection": unit_prf(claims.y_ref, claims.y_other, claims.weight(doc_weights)),
        "actor": unit_prf(actors.y_ref, actors.y_other, actors.weight(doc_weights)),
        "stance": stance,
        "stance_per_label": per_label,
        "stance_macro_f1": float(np.mean([per_label[label].f1 for label in STANCES])),
        "semeval_f_avg": float(np.mean([per_label["support"].f1, per_label["oppose"].f1])),
    }


def _bootstrap_vector(scores: dict) -> np.ndarray:
    figures = {
        f"{level}_{m}": getattr(scores[level], m) for level in _PRF_LEVELS for m in ("precision", "recall", "f1")
    }
    figures |= {
        f"stance_{label}_{m}": getattr(prf, m)
        for label, prf in scores["stance_per_label"].items()
        for m in ("precision", "recall", "f1")
    }
    return np.array([figures[name] if name in figures else scores[name] for name in BOOTSTRAP_FIGURES], dtype=float)


def _bootstrap(
    levels: dict[str, _Level], n_documents: int, n_resamples: int, seed: int, confidence_level: float
) -> Bootstrap:
    from scipy.stats import bootstrap

    intervals = None
    if n_documents >= 2 and n_resamples > 0:

        @lru_cache(maxsize=None)
        def figures(weights: tuple) -> np.ndarray:
            return _bootstrap_vector(_scores(levels, np.array(weights, dtype=float)))

        def statistic(docs):  # one resample of document indices -> the figures
            return figures(tuple(np.bincount(np.asarray(docs, dtype=int), minlength=n_documents)))

        res = bootstrap(
            (np.arange(n_documents),),
            statistic,
            n_resamples=n_resamples,
            vectorized=False,
            method="percentile",
            confidence_level=confidence_level,
            rng=np.random.default_rng(seed),
        )
        ci = res.confidence_interval
        intervals = {name: Interval(float(lo), float(hi)) for name, lo, hi in zip(BOOTSTRAP_FIGURES, ci.low, ci.high)}
    return Bootstrap(n_documents, n_resamples, seed, confidence_level, "percentile", intervals)


def _kappa(a: Sequence, b: Sequence) -> Optional[float]:
    # Undefined (chance agreement 1) when both sides use one and the same value throughout.
    if len(a) == 0 or len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(a, b))


# ---------------------------------------------------------------- the record


def compare_claims(
    reference: Sequence[dict],
    other: Sequence[dict],
    sentences: Iterable[dict],
    *,
    names: tuple[str, str] = ("reference", "other"),
    documents: Optional[Iterable[str]] = None,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> Comparison:
    """Score ``other`` against ``reference`` over ``documents`` (default: every document either
    layer has rows for); rows and sentences of other documents are left out."""
    docs = sorted(set(documents) if documents is not None else {r["doc_id"] for r in [*reference, *other]})
    in_scope = set(docs)
    ref = [r for r in reference if r["doc_id"] in in_scope]
    oth = [r for r in other if r["doc_id"] in in_scope]
    sents = [s for s in sentences if s["doc_id"] in in_scope]
    doc_index = {d: i for i, d in enumerate(docs)}
    sent_doc = {s["sent_id"]: s["doc_id"] for s in sents} | {r["sent_id"]: r["doc_id"] for r in [*ref, *oth]}

    pair = lambda r: (r["sent_id"], r["actor"], r["target"])
    units = {
        "claims": (_group(ref, lambda r: r["sent_id"]), _group(oth, lambda r: r["sent_id"])),
        "actors": (
            _group(ref, lambda r: (r["sent_id"], r["actor"])),
            _group(oth, lambda r: (r["sent_id"], r["actor"])),
        ),
        "spans": (
            _group(ref, lambda r: (r["sent_id"], r["start"], r["end"])),
            _group(oth, lambda r: (r["sent_id"], r["start"], r["end"])),
        ),
        "pairs": (_group(ref, pair, lambda r: r["stance"]), _group(oth, pair, lambda r: r["stance"])),
    }
    # Claimed/unclaimed is known for every sentence: kappa needs the unclaimed ones too (they
    # leave P/R/F1 unchanged).
    extra = {"claims": {s["sent_id"] for s in sents}}
    levels = {
        name: _Level(
            set(a) | set(b) | extra.get(name, set()),
            a,
            b,
            sent_doc,
            doc_index,
            labels=STANCES if name == "pairs" else None,
        )
        for name, (a, b) in units.items()
    }
    scores = _scores(levels)

    # Confusion over pairs in either layer.
    pairs = levels["pairs"]
    stances_ref, stances_oth = units["pairs"]
    first = lambda stances: min(stances) if stances else NONE
    labels = list(STANCES) + [NONE]
    matrix = (
        confusion_matrix(
            [first(stances_ref.get(k)) for k in pairs.keys],
            [first(stances_oth.get(k)) for k in pairs.keys],
            labels=labels,
        )
        if pairs.keys
        else np.zeros((len(labels), len(labels)), dtype=int)
    )
    confusion = {
        "labels": labels,
        "matrix": {a: {b: int(matrix[i][j]) for j, b in enumerate(labels)} for i, a in enumerate(labels)},
    }

    # Footnotes on sentences both layers claim (one row per sentence decides, as in the layers
    # every row of a sentence carries the same footnotes).
    fn_ref = {r["sent_id"]: ",".join(sorted(r["footnotes"])) for r in ref}
    fn_oth = {r["sent_id"]: ",".join(sorted(r["footnotes"])) for r in oth}
    shared_fn = sorted(set(fn_ref) & set(fn_oth))
    footnote_accuracy = (
        float(accuracy_score([fn_ref[s] for s in shared_fn], [fn_oth[s] for s in shared_fn])) if shared_fn else None
    )

    return Comparison(
        names=(names[0], names[1]),
        documents=docs,
        claim_detection=scores["claim_detection"],
        actor=scores["actor"],
        stance=scores["stance"],
        stance_per_label=scores["stance_per_label"],
        stance_macro_f1=scores["stance_macro_f1"],
        semeval_f_avg=scores["semeval_f_avg"],
        footnote_accuracy=footnote_accuracy,
        confusion=confusion,
        agreement=_agreement(ref, oth, levels, scores, sents),
        bootstrap=_bootstrap(levels, len(docs), n_resamples, seed, confidence_level),
    )


def _agreement(ref: list[dict], oth: list[dict], levels: dict, scores: dict, sents: list[dict]) -> Agreement:
    import krippendorff

    sentence_level = levels["claims"]
    # Stance of (sentence, actor) units both layers mark; several targets join as one value.
    unit = lambda r: (r["sent_id"], r["actor"])
    sa = {k: "|".join(sorted(v)) for k, v in _group(ref, unit, lambda r: r["stance"]).items()}
    sb = {k: "|".join(sorted(v)) for k, v in _group(oth, unit, lambda r: r["stance"]).items()}
    both = sorted(set(sa) & set(sb))
    va, vb = [sa[u] for u in both], [sb[u] for u in both]
    categories = sorted(set(va) | set(vb))
    alpha = None
    if both and len(categories) > 1:
        code = {c: i for i, c in enumerate(categories)}
        data = np.array([[code[v] for v in va], [code[v] for v in vb]], dtype=float)
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))

    # Actor sets of sentences both layers claim.
    actors_a = _group(ref, lambda r: r["sent_id"], lambda r: r["actor"])
    actors_b = _group(oth, lambda r: r["sent_id"], lambda r: r["actor"])
    shared = sorted(set(actors_a) & set(actors_b))
    exact = jaccard = None
    if shared:
        mlb = MultiLabelBinarizer(classes=sorted(set().union(*actors_a.values(), *actors_b.values())))
        ya, yb = mlb.fit_transform([actors_a[s] for s in shared]), mlb.transform([actors_b[s] for s in shared])
        exact = float(accuracy_score(ya, yb))  # subset accuracy: the whole set must match
        # One Jaccard index per sentence (``average="samples"`` refuses a single actor column).
        jaccard = float(np.mean([jaccard_score(x, y, zero_division=0) for x, y in zip(ya, yb)]))

    claimed_a, claimed_b = sentence_level.y_ref, sentence_level.y_other
    return Agreement(
        sentences=len(sents),
        claim_sentences={
            "a": int(claimed_a.sum()),
            "b": int(claimed_b.sum()),
            "both": int((claimed_a & claimed_b).sum()),
        },
        claim_sentence_kappa=_kappa(claimed_a.tolist(), claimed_b.tolist()),
        claim_sentence_f1=scores["claim_detection"].f1,
        claim_span_exact_f1=unit_prf(levels["spans"].y_ref, levels["spans"].y_other).f1,
        rows={"a": len(ref), "b": len(oth)},
        stance_units_both=len(both),
        stance_alpha=alpha,
        stance_kappa=_kappa(va, vb),
        stance_exact_agreement=float(accuracy_score(va, vb)) if both else None,
        actor_f1=scores["actor"].f1,
        actor_set_exact=exact,
        actor_set_jaccard=jaccard,
        pair_stance_f1=scores["stance"].f1,
    )


def disagreements(a: Sequence[dict], b: Sequence[dict]) -> list[dict]:
    """Sentences where the two layers differ in claim, actor, target or stance."""
    sa = _group(a, lambda r: r["sent_id"], lambda r: (r["actor"], r["target"], r["stance"], r["topic"]))
    sb = _group(b, lambda r: r["sent_id"], lambda r: (r["actor"], r["target"], r["stance"], r["topic"]))
    diffs = []
    for sent in sorted(set(sa) | set(sb)):
        if {x[:3] for x in sa.get(sent, ())} != {x[:3] for x in sb.get(sent, ())}:
            diffs.append({"sent_id": sent, "a": sorted(sa.get(sent, ())), "b": sorted(sb.get(sent, ()))})
    return diffs


# ---------------------------------------------------------------- rendering


def _fmt(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_intervals(c: Comparison) -> Optional[str]:
    b = c.bootstrap
    if not b.intervals:
        return None
    iv = b.intervals
    shown = [
        ("claim_detection F1", "claim_detection_f1"),
        ("actor F1", "actor_f1"),
        ("stance F1", "stance_f1"),
        ("macro-F1", "stance_macro_f1"),
        ("F_avg", "semeval_f_avg"),
    ]
    return (
        f"bootstrap {b.confidence_level:.0%} CI ({b.n_documents} documents resampled, {b.n_resamples} resamples, "
        f"seed {b.seed}): " + "; ".join(f"{label} [{iv[k].low:.3f}, {iv[k].high:.3f}]" for label, k in shown)
    )


def format_scores(title: str, c: Comparison) -> str:
    lines = [f"## {title}"]
    for key in ("claim_detection", "actor", "stance"):
        s = getattr(c, key)
        lines.append(
            f"{key:16s} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} "
            f"(ref={s.n_reference}, pred={s.n_predicted}, tp={s.tp})"
        )
    for label, s in c.stance_per_label.items():
        lines.append(f"  stance={label:8s} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} (ref={s.n_reference})")
    lines.append(f"stance macro-F1   {c.stance_macro_f1:.3f}   SemEval F_avg {c.semeval_f_avg:.3f}")
    lines.append(f"footnote accuracy {_fmt(c.footnote_accuracy)}")
    intervals = format_intervals(c)
    if intervals:
        lines.append(intervals)
    conf = c.confusion
    lines.append("confusion (rows=reference, cols=predicted, over (sentence, actor, target)):")
    lines.append("            " + " ".join(f"{label:>8s}" for label in conf["labels"]))
    for a in conf["labels"]:
        lines.append(f"  {a:>8s}  " + " ".join(f"{conf['matrix'][a][b]:8d}" for b in conf["labels"]))
    return "\n".join(lines)


def format_agreement(title: str, c: Comparison) -> str:
    ag = c.agreement
    return "\n".join(
        [
            f"## {title}",
            f"sentences {ag.sentences}; claim sentences A={ag.claim_sentences['a']} B={ag.claim_sentences['b']} "
            f"both={ag.claim_sentences['both']}; rows A={ag.rows['a']} B={ag.rows['b']}",
            f"claim-sentence kappa {_fmt(ag.claim_sentence_kappa)}  F1 {_fmt(ag.claim_sentence_f1)}  "
            f"exact-span F1 {_fmt(ag.claim_span_exact_f1)}",
            f"stance over {ag.stance_units_both} (sentence, actor) units both marked: Krippendorff alpha "
            f"{_fmt(ag.stance_alpha)}, Cohen kappa {_fmt(ag.stance_kappa)}, raw {_fmt(ag.stance_exact_agreement)}",
            f"actor F1 {_fmt(ag.actor_f1)}; actor sets on shared claim sentences: exact {_fmt(ag.actor_set_exact)}, "
            f"mean Jaccard {_fmt(ag.actor_set_jaccard)}",
            f"(sentence, actor, target, stance) F1 {_fmt(ag.pair_stance_f1)}",
        ]
    )
