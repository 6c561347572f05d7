"""Scoring claim layers: automatic against gold, and coder against coder.

All scores are set comparisons over units built from claim rows:
- claim detection: sentences with at least one claim row;
- actors: (sent_id, actor);
- stance: (sent_id, actor, target, stance), plus P/R/F1 per stance label (macro-F1);
- footnotes: for sentences claimed by both, whether the footnote labels agree.
Agreement adds Cohen's kappa (scikit-learn) and Krippendorff's alpha (``krippendorff``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

import numpy as np

from pipeline.schema import STANCES

NONE = "none"


def prf(reference: set, predicted: set) -> dict:
    tp = len(reference & predicted)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(reference) if reference else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "n_reference": len(reference), "n_predicted": len(predicted)}


def _units(rows: Iterable[dict]) -> dict[str, set]:
    rows = list(rows)
    return {
        "claims": {r["sent_id"] for r in rows},
        "actors": {(r["sent_id"], r["actor"]) for r in rows},
        "stance": {(r["sent_id"], r["actor"], r["target"], r["stance"]) for r in rows},
    }


def stance_by_pair(rows: Iterable[dict]) -> dict[tuple, str]:
    """(sent_id, actor, target) -> stance; conflicting rows for one pair join as 'a|b'."""
    values = defaultdict(set)
    for r in rows:
        values[(r["sent_id"], r["actor"], r["target"])].add(r["stance"])
    return {k: "|".join(sorted(v)) for k, v in values.items()}


def confusion(reference: list[dict], predicted: list[dict]) -> dict:
    """Stance confusion over (sent, actor, target) pairs in either layer; 'none' = pair missing."""
    ref, pred = stance_by_pair(reference), stance_by_pair(predicted)
    labels = list(STANCES) + [NONE]
    matrix = {a: {b: 0 for b in labels} for a in labels}
    for key in set(ref) | set(pred):
        a, b = ref.get(key, NONE).split("|")[0], pred.get(key, NONE).split("|")[0]
        matrix[a][b] += 1
    return {"labels": labels, "matrix": matrix}


def footnote_accuracy(reference: list[dict], predicted: list[dict]) -> Optional[float]:
    ref = {r["sent_id"]: sorted(r["footnotes"]) for r in reference}
    pred = {r["sent_id"]: sorted(r["footnotes"]) for r in predicted}
    shared = set(ref) & set(pred)
    return sum(ref[s] == pred[s] for s in shared) / len(shared) if shared else None


def compare(reference: list[dict], predicted: list[dict]) -> dict:
    """Score ``predicted`` claim rows against ``reference`` rows."""
    ru, pu = _units(reference), _units(predicted)
    per_label = {}
    for label in STANCES:
        per_label[label] = prf({u for u in ru["stance"] if u[3] == label}, {u for u in pu["stance"] if u[3] == label})
    return {
        "claim_detection": prf(ru["claims"], pu["claims"]),
        "actor": prf(ru["actors"], pu["actors"]),
        "stance": prf(ru["stance"], pu["stance"]),
        "stance_per_label": per_label,
        "stance_macro_f1": float(np.mean([per_label[l]["f1"] for l in STANCES])),
        "semeval_f_avg": float(np.mean([per_label["support"]["f1"], per_label["oppose"]["f1"]])),
        "footnote_accuracy": footnote_accuracy(reference, predicted),
        "confusion": confusion(reference, predicted),
    }


def agreement(a: list[dict], b: list[dict], sent_ids: list[str]) -> dict:
    """Inter-coder agreement between two claim layers over the same sentences."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    ua, ub = _units(a), _units(b)
    claimed_a = [int(s in ua["claims"]) for s in sent_ids]
    claimed_b = [int(s in ub["claims"]) for s in sent_ids]
    spans_a = {(r["sent_id"], r["start"], r["end"]) for r in a}
    spans_b = {(r["sent_id"], r["start"], r["end"]) for r in b}

    # Stance over (sentence, actor) units both coders marked; several targets join as one value.
    def by_unit(rows):
        values = defaultdict(set)
        for r in rows:
            values[(r["sent_id"], r["actor"])].add(r["stance"])
        return {k: "|".join(sorted(v)) for k, v in values.items()}

    sa, sb = by_unit(a), by_unit(b)
    both = sorted(set(sa) & set(sb))
    categories = sorted({sa[u] for u in both} | {sb[u] for u in both})
    code = {c: i for i, c in enumerate(categories)}
    alpha = None
    if both and len(categories) > 1:
        data = np.array([[code[sa[u]] for u in both], [code[sb[u]] for u in both]], dtype=float)
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    kappa_stance = float(cohen_kappa_score([sa[u] for u in both], [sb[u] for u in both])) if both else None

    # Actor sets per sentence that both coders claimed.
    actors_a, actors_b = defaultdict(set), defaultdict(set)
    for s, act in ua["actors"]:
        actors_a[s].add(act)
    for s, act in ub["actors"]:
        actors_b[s].add(act)
    shared = sorted(set(actors_a) & set(actors_b))
    jaccard = [len(actors_a[s] & actors_b[s]) / len(actors_a[s] | actors_b[s]) for s in shared]
    return {
        "sentences": len(sent_ids),
        "claim_sentences": {"a": sum(claimed_a), "b": sum(claimed_b), "both": len(ua["claims"] & ub["claims"])},
        "claim_sentence_kappa": float(cohen_kappa_score(claimed_a, claimed_b)),
        "claim_sentence_f1": prf(ua["claims"], ub["claims"])["f1"],
        "claim_span_exact_f1": prf(spans_a, spans_b)["f1"],
        "rows": {"a": len(a), "b": len(b)},
        "stance_units_both": len(both),
        "stance_alpha": alpha,
        "stance_kappa": kappa_stance,
        "stance_exact_agreement": (sum(sa[u] == sb[u] for u in both) / len(both)) if both else None,
        "actor_f1": prf(ua["actors"], ub["actors"])["f1"],
        "actor_set_exact": (sum(actors_a[s] == actors_b[s] for s in shared) / len(shared)) if shared else None,
        "actor_set_jaccard": float(np.mean(jaccard)) if jaccard else None,
        "pair_stance_f1": prf(ua["stance"], ub["stance"])["f1"],
    }


def disagreements(a: list[dict], b: list[dict]) -> list[dict]:
    """Sentences where the two layers differ in claim, actor, target or stance."""
    def summary(rows):
        out = defaultdict(set)
        for r in rows:
            out[r["sent_id"]].add((r["actor"], r["target"], r["stance"], r["topic"]))
        return out

    sa, sb = summary(a), summary(b)
    diffs = []
    for sent in sorted(set(sa) | set(sb)):
        core_a = {x[:3] for x in sa.get(sent, set())}
        core_b = {x[:3] for x in sb.get(sent, set())}
        if core_a != core_b:
            diffs.append({"sent_id": sent, "a": sorted(sa.get(sent, set())), "b": sorted(sb.get(sent, set()))})
    return diffs


def format_scores(name: str, scores: dict) -> str:
    lines = [f"## {name}"]
    for key in ("claim_detection", "actor", "stance"):
        s = scores[key]
        lines.append(f"{key:16s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
                     f"(ref={s['n_reference']}, pred={s['n_predicted']}, tp={s['tp']})")
    for label, s in scores["stance_per_label"].items():
        lines.append(f"  stance={label:8s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} (ref={s['n_reference']})")
    lines.append(f"stance macro-F1   {scores['stance_macro_f1']:.3f}   SemEval F_avg {scores['semeval_f_avg']:.3f}")
    fa = scores["footnote_accuracy"]
    lines.append(f"footnote accuracy {'n/a' if fa is None else f'{fa:.3f}'}")
    conf = scores["confusion"]
    lines.append("confusion (rows=reference, cols=predicted, over (sentence, actor, target)):")
    lines.append("            " + " ".join(f"{l:>8s}" for l in conf["labels"]))
    for a in conf["labels"]:
        lines.append(f"  {a:>8s}  " + " ".join(f"{conf['matrix'][a][b]:8d}" for b in conf["labels"]))
    return "\n".join(lines)


def format_agreement(name: str, ag: dict) -> str:
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
    return "\n".join([
        f"## {name}",
        f"sentences {ag['sentences']}; claim sentences A={ag['claim_sentences']['a']} B={ag['claim_sentences']['b']} "
        f"both={ag['claim_sentences']['both']}; rows A={ag['rows']['a']} B={ag['rows']['b']}",
        f"claim-sentence kappa {fmt(ag['claim_sentence_kappa'])}  F1 {fmt(ag['claim_sentence_f1'])}  "
        f"exact-span F1 {fmt(ag['claim_span_exact_f1'])}",
        f"stance over {ag['stance_units_both']} (sentence, actor) units both marked: Krippendorff alpha "
        f"{fmt(ag['stance_alpha'])}, Cohen kappa {fmt(ag['stance_kappa'])}, raw {fmt(ag['stance_exact_agreement'])}",
        f"actor F1 {fmt(ag['actor_f1'])}; actor sets on shared claim sentences: exact {fmt(ag['actor_set_exact'])}, "
        f"mean Jaccard {fmt(ag['actor_set_jaccard'])}",
        f"(sentence, actor, target, stance) F1 {fmt(ag['pair_stance_f1'])}",
    ])


def evaluation_report(annotations_dir) -> tuple[str, dict]:
    """The text printed by ``stance-corpus evaluate`` and the figures behind it."""
    from pathlib import Path

    from pipeline.io import read_jsonl

    d = Path(annotations_dir)
    auto = list(read_jsonl(d / "claims.jsonl"))
    gold = list(read_jsonl(d / "gold" / "claims.jsonl"))
    sentences = list(read_jsonl(d / "sentences.jsonl"))
    parts, figures = [], {"documents": {}}
    for doc_id in sorted({r["doc_id"] for r in gold}):
        scores = compare([r for r in gold if r["doc_id"] == doc_id], [r for r in auto if r["doc_id"] == doc_id])
        figures["documents"][doc_id] = scores
        parts.append(format_scores(f"automatic vs gold: {doc_id}", scores))
    a_path, b_path = d / "gold" / "coder_a.jsonl", d / "gold" / "coder_b.jsonl"
    if a_path.is_file() and b_path.is_file():
        a, b = list(read_jsonl(a_path)), list(read_jsonl(b_path))
        docs = {r["doc_id"] for r in a} | {r["doc_id"] for r in b}
        sent_ids = [s["sent_id"] for s in sentences if s["doc_id"] in docs]
        figures["agreement"] = agreement(a, b, sent_ids)
        parts.append(format_agreement("coder_a vs coder_b", figures["agreement"]))
    return "\n\n".join(parts), figures
