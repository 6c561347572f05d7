"""The dataset card loads with `datasets` for every config, with the declared features."""

import json
from pathlib import Path

import pytest
from datasets import ClassLabel, load_dataset

from pipeline.export.huggingface import CONFIGS, FEATURES, SPLITS, card_header, export, write_card_header

ANN = Path(__file__).resolve().parents[2] / "annotations"
LAYER_FILES = {"documents": "documents.jsonl", "sentences": "sentences.jsonl", "entities": "entities.jsonl",
               "claims": "gold/claims.jsonl", "claims_auto": "claims.jsonl", "kb": "documents.jsonl"}


def lines(path):
    return len(Path(path).read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("hf_cache"))


@pytest.fixture(scope="module")
def loaded(cache):
    return {name: load_dataset(str(ANN), name, cache_dir=cache) for name in CONFIGS}


@pytest.fixture(scope="module")
def texts(loaded):
    return {d["doc_id"]: d["text"] for split in loaded["documents"].values() for d in split}


def test_card_header_is_current():
    card = (ANN / "README.md").read_text(encoding="utf-8")
    assert card.startswith(card_header("parquet"))
    for section in ("## Dataset Details", "## Uses", "## Dataset Structure", "## Dataset Creation",
                    "## Bias, Risks, and Limitations", "## Licence", "## Citation"):
        assert section in card


def test_committed_split_files_are_regenerated_byte_identically(tmp_path):
    export(ANN, "parquet", tmp_path)
    first = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*.parquet"))}
    assert len(first) == len(CONFIGS) * len(SPLITS)
    export(ANN, "parquet", tmp_path)
    assert {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*.parquet"))} == first
    for rel, data in first.items():
        assert (ANN / rel).read_bytes() == data, f"annotations/{rel} is stale: run `stance-corpus export`"


@pytest.mark.parametrize("name", CONFIGS)
def test_features_and_row_counts(loaded, name):
    ds = loaded[name]
    assert set(ds) == set(SPLITS)
    for split in SPLITS:
        assert ds[split].features == FEATURES[name]
    assert sum(ds[s].num_rows for s in SPLITS) == lines(ANN / LAYER_FILES[name])


def test_classlabel_round_trip(loaded):
    for name in ("claims", "claims_auto"):
        stance = loaded[name]["train"].features["stance"]
        assert isinstance(stance, ClassLabel) and stance.names == ["support", "oppose", "neutral"]
        for i, label in enumerate(stance.names):
            assert stance.str2int(label) == i and stance.int2str(i) == label
        raw = [json.loads(x) for x in (ANN / LAYER_FILES[name]).read_text().splitlines()]
        by_key = {(r["claim_id"], r["actor"], r["target"]): r["stance"] for r in raw}
        for split in SPLITS:
            for row in loaded[name][split]:
                assert stance.int2str(row["stance"]) == by_key[(row["claim_id"], row["actor"], row["target"])]


def test_offsets_hold_after_loading(loaded, texts):
    for name in ("sentences", "entities", "claims", "claims_auto"):
        for split in SPLITS:
            for row in loaded[name][split]:
                assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"], (name, row)
    for split in SPLITS:
        for doc in loaded["documents"][split]:
            for fn in doc["footnotes"]:
                for m in fn["markers"]:
                    assert doc["text"][m["start"]:m["end"]] == f"[{fn['label']}]"
        for rec in loaded["kb"][split]:
            text = texts[rec["document_id"]]
            for item in rec["passages"] + rec["entities"]:
                assert [text[s:e] for s, e in item["offsets"]] == item["text"]


def test_kb_shape(loaded):
    recs = [r for s in SPLITS for r in loaded["kb"][s]]
    ids = [e["id"] for r in recs for e in r["entities"]] + [x["id"] for r in recs for x in r["relations"]]
    assert len(ids) == len(set(ids))
    gold = [json.loads(x) for x in (ANN / "gold" / "claims.jsonl").read_text().splitlines()]
    rels = [x for r in recs for x in r["relations"]]
    assert sum(x["type"] in ("support", "oppose", "neutral") for x in rels) == len(gold)
    assert sum(x["type"] == "actor" for x in rels) == len(gold)
    assert any(x["type"] == "footnote" for x in rels)
    ents = {e["id"]: e for r in recs for e in r["entities"]}
    for x in rels:
        assert x["arg1_id"] in ents and x["arg2_id"] in ents
        if x["type"] != "footnote":
            assert {"db_name": "ISO3166-1", "db_id": x["normalized"][0]["db_id"]} in ents[x["arg2_id"]]["normalized"]
    dbs = {n["db_name"] for e in ents.values() for n in e["normalized"]}
    assert {"ISO3166-1", "Wikidata"} <= dbs


def test_splits_are_grouped(loaded):
    for name in ("sentences", "claims", "claims_auto"):
        sides = {s: {(r["doc_id"], r["section"]) for r in loaded[name][s]} for s in SPLITS}
        assert not sides["train"] & sides["test"]
        assert sides["test"], name
    for key in ("claim_id", "sent_id"):
        sides = {s: set(loaded["claims"][s][key]) for s in SPLITS}
        assert not sides["train"] & sides["test"]


def test_jsonl_export_loads_with_same_features(tmp_path, loaded, cache):
    counts = export(ANN, "jsonl", tmp_path)
    first = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.jsonl"))}
    export(ANN, "jsonl", tmp_path)
    assert {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.jsonl"))} == first
    write_card_header(tmp_path / "README.md", "jsonl")
    for name in CONFIGS:
        ds = load_dataset(str(tmp_path), name, cache_dir=cache)
        for split in SPLITS:
            assert ds[split].features == FEATURES[name]
            assert ds[split].num_rows == counts[name][split] == lines(tmp_path / "hf" / name / f"{split}.jsonl")
            got, want = ds[split].to_list(), loaded[name][split].to_list()
            if name == "documents":
                # pyarrow's JSON reader infers ISO dates as timestamps (the reason the card loads Parquet)
                assert [d.pop("date")[:10] for d in got] == [d.pop("date") for d in want]
            assert got == want
