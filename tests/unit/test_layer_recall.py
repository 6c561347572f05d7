"""Candidate recall over coded layers, and the extra training documents of the comparison."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from pipeline.training.layer_recall import Pair, missed, pair_kind, recall
from pipeline.training.stance_data import load_eval_docs, training_layer_docs

ROWS = [
    {"doc_id": "a", "sent_id": "a:s1", "actor": "FJI", "target": "RUS", "stance": "oppose", "expanded_from": None},
    {"doc_id": "a", "sent_id": "a:s1", "actor": "FJI", "target": "RUS", "stance": "neutral", "expanded_from": None},
    {"doc_id": "a", "sent_id": "a:s2", "actor": "org:eu", "target": "RUS", "stance": "oppose", "expanded_from": None},
    {"doc_id": "a", "sent_id": "a:s3", "actor": "DEU", "target": "RUS", "stance": "oppose", "expanded_from": "org:eu"},
    {"doc_id": "a", "sent_id": "a:s4", "actor": "FJI", "target": "USA", "stance": "none", "expanded_from": None},
    {"doc_id": "b", "sent_id": "b:s1", "actor": "FJI", "target": "RUS", "stance": "oppose", "expanded_from": None},
]


def test_kinds_recall_and_missed_rows():
    assert [pair_kind(r) for r in ROWS[:4]] == ["state-state", "state-state", "with organisation", "from a group"]
    proposed = {"a": {Pair("a:s1", "FJI", "RUS"), Pair("a:s3", "DEU", "RUS")}}  # "b" not run: not counted
    assert recall(ROWS, proposed) == {
        "state-state": Counter(gold=1, found=1),  # one pair with two stances counts once
        "with organisation": Counter(gold=1, found=0),
        "from a group": Counter(gold=1, found=1),
    }
    assert [(r["sent_id"], r["actor"]) for r in missed(ROWS, proposed)] == [("a:s2", "org:eu")]


def test_extra_training_documents_are_training_statements_only():
    scored = load_eval_docs()
    extra = training_layer_docs("annotations", [d.doc_id for d in scored], machine_every=4)
    machine = [d for d in extra if d.collection == "ungd_machine"]
    validation = set(
        pd.read_parquet("annotations/parquet/claims_machine/validation.parquet", columns=["doc_id"]).doc_id
    )
    train = set(pd.read_parquet("annotations/parquet/claims_machine/train.parquet", columns=["doc_id"]).doc_id)
    assert machine and all(d.doc_id in train for d in machine)
    assert not {d.doc_id for d in extra} & (validation | {d.doc_id for d in scored})
    assert {d.split for d in extra} == {"train"}
    assert sum(d.collection == "passages" for d in extra) == 24
    # gold sentences lie inside their paragraph, with offsets into its text
    d = machine[0]
    text, sents = next((t, s) for t, s in d.paragraphs if s)
    assert 0 <= sents[0].start < sents[0].end <= len(text)
    assert all(g["stance"] in ("support", "oppose", "neutral") for x in extra for g in x.gold)
