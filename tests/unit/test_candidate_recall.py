"""The candidate generator's recall of gold pairs (``stance-corpus train --compare``)."""

from __future__ import annotations

from pipeline.training.compare_systems import candidate_recall, recall_table, split_ids
from pipeline.training.stance_data import EvalDoc


def _doc(doc_id, collection, split, gold):
    rows = [dict(zip(("sent_id", "actor", "target", "stance"), g)) for g in gold]
    return EvalDoc(doc_id, collection, split, None, [], rows)


DOCS = [
    _doc(
        "FJI_77_2022",
        "ungd",
        "dev",
        [
            ("s1", "FJI", "RUS", "oppose"),
            ("s1", "FJI", "RUS", "neutral"),  # one pair with two stances counts once
            ("s1", "FJI", "UKR", "support"),
            ("s2", "FJI", "org:nato", "oppose"),
            ("s3", "RUS", "UKR", "oppose"),
        ],
    ),
    _doc("seed", "articles", "dev", [("a1", "KAZ", "RUS", "neutral")]),
    _doc("NOR_78_2023", "ungd", "eval", [("t1", "NOR", "RUS", "oppose")]),
]
PROCESSED = {
    "FJI_77_2022": {
        "candidates": [
            {"sent_id": "s1", "actor": "FJI", "target": "RUS"},
            {"sent_id": "s1", "actor": "RUS", "target": "FJI"},  # not gold: no effect on recall
            {"sent_id": "s2", "actor": "FJI", "target": "USA"},
            {"sent_id": "s3", "actor": "RUS", "target": "UKR"},
        ]
    },
    "seed": {"candidates": []},
    "NOR_78_2023": {"candidates": [{"sent_id": "t1", "actor": "NOR", "target": "RUS"}]},
}


def test_counts_per_collection_and_split():
    assert candidate_recall(DOCS, PROCESSED) == {
        ("ungd", "dev"): {"gold": 4, "found": 2, "states": 3, "states_found": 2},
        ("articles", "dev"): {"gold": 1, "found": 0, "states": 1, "states_found": 0},
        ("ungd", "eval"): {"gold": 1, "found": 1, "states": 1, "states_found": 1},
    }


def test_table_rows():
    lines = recall_table(candidate_recall(DOCS, PROCESSED))
    assert lines[-4:] == [
        "| articles | dev | 1 | 0.000 (0) | 1 | 0.000 (0) |",
        "| UN statements | dev | 4 | 0.500 (2) | 3 | 0.667 (2) |",
        "| UN statements | eval | 1 | 1.000 (1) | 1 | 1.000 (1) |",
        "",
    ]


def test_split_ids_put_passages_in_dev_and_machine_coded_statements_apart():
    docs = [
        EvalDoc("u1", "ungd", "eval", "FJI", []),
        EvalDoc("p1", "passages", "train", None, []),
        EvalDoc("m2", "ungd_machine", "train", "NOR", []),
        EvalDoc("u0", "ungd", "dev", "CHL", []),
        EvalDoc("m1", "ungd_machine", "train", "KAZ", []),
    ]
    assert split_ids(docs) == (["p1", "u0"], ("m1", "m2"), ["u1"])
