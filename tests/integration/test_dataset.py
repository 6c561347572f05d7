"""The dataset card loads with `datasets` for every config, with the declared features; the
card's metadata goes through huggingface_hub; withheld text comes back by rehydration; a corpus
folder with a second collection (three UN statements built here) loads with one split scheme."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from datasets import ClassLabel, load_dataset
from huggingface_hub import DatasetCard

from pipeline.export.huggingface import (
    CONFIGS,
    DEFAULT_CONFIG,
    FEATURES,
    SPLITS,
    DatasetError,
    card_header,
    export,
    export_parquet,
    layer_texts,
    rehydrate,
    write_card_header,
)

ANN = Path(__file__).resolve().parents[2] / "annotations"
LAYER_FILES = {
    "documents": "documents.jsonl",
    "sentences": "sentences.jsonl",
    "entities": "entities.jsonl",
    "claims_auto": "claims.jsonl",
    "kb": "documents.jsonl",
}


def lines(path):
    return len(Path(path).read_text(encoding="utf-8").splitlines())


def coded_paths(name: str) -> list[Path]:
    """The coded claim layers behind ``claims`` (gold) and ``claims_machine``, every collection."""
    if name == "claims":
        return [ANN / "gold" / "claims.jsonl"] + sorted(ANN.glob("*/gold/claims.jsonl.gz"))
    return sorted(ANN.glob("*/machine/claims.jsonl.gz"))


def layer_rows(name: str) -> list[dict]:
    """The rows behind a config in every collection: the articles' layer and each other
    collection's gzip layer; for the coded configs, their gold or machine layers."""
    from pipeline.io import read_jsonl

    if name in ("claims", "claims_machine"):
        return [r for path in coded_paths(name) for r in read_jsonl(path)]
    rel = LAYER_FILES[name]
    rows = list(read_jsonl(ANN / rel))
    for folder in sorted(p for p in ANN.iterdir() if p.is_dir() and (p / "documents.jsonl.gz").is_file()):
        rows += list(read_jsonl(folder / (rel + ".gz")))
    return rows


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("hf_cache"))


@pytest.fixture(scope="module")
def loaded(cache):
    return {name: load_dataset(str(ANN), name, cache_dir=cache) for name in CONFIGS}


@pytest.fixture(scope="module")
def texts():
    return layer_texts(ANN)


SEED = "besa2023_central_asia"


def test_card_header_is_current():
    card = (ANN / "README.md").read_text(encoding="utf-8")
    assert card.startswith(card_header(ANN))
    meta = DatasetCard(card).data.to_dict()  # the public API reads it back
    assert meta["annotations_creators"] == ["machine-generated"] and "stance-detection" in meta["tags"]
    assert {"text-classification", "token-classification"} <= set(meta["task_categories"])
    assert [c["config_name"] for c in meta["configs"] if c.get("default")] == [DEFAULT_CONFIG]
    assert "cc0-1.0" in meta["license"] and meta["license_link"] == "LICENSE.md" and (ANN / "LICENSE.md").is_file()
    assert "machine annotators (language\nmodels)" in card
    for section in (
        "## Dataset Details",
        "## Uses",
        "## Dataset Structure",
        "## Dataset Creation",
        "## Bias, Risks, and Limitations",
        "## Licence",
        "## Citation",
    ):
        assert section in card


def test_committed_split_files_are_regenerated_byte_identically(tmp_path):
    export(ANN, "parquet", tmp_path)
    first = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*.parquet"))}
    assert set(first) == {p.relative_to(ANN) for p in (ANN / "parquet").rglob("*.parquet")}
    export(ANN, "parquet", tmp_path)
    assert {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*.parquet"))} == first
    for rel, data in first.items():
        assert (ANN / rel).read_bytes() == data, f"annotations/{rel} is stale: run `stance-corpus export`"


@pytest.mark.parametrize("name", CONFIGS)
def test_features_and_row_counts(loaded, name):
    ds = loaded[name]
    # every config has every split, but the machine-coded layer: it leaves the sealed test out
    assert set(ds) == (set(SPLITS) - {"test"} if name == "claims_machine" else set(SPLITS))
    for split in ds:
        assert ds[split].features == FEATURES[name]
    assert sum(ds[s].num_rows for s in ds) == len(layer_rows(name))


def test_claims_hold_the_un_gold_in_every_split(loaded, texts):
    """train: the development statements (and the articles' and passages' gold); validation: the
    development test; test: the sealed test. Every row's offsets give its text."""
    import csv

    def sample(path):
        with open(path, encoding="utf-8", newline="") as fh:
            return {r["doc_id"]: r["split"] for r in csv.DictReader(fh)}

    want = {**sample(ANN / "gold" / "ungd" / "sample.csv"), **sample(ANN / "gold" / "ungd" / "sealed" / "sample.csv")}
    side = {"dev": "train", "eval": "validation", "test": "test"}
    for split in SPLITS:
        un = [r for r in loaded["claims"][split] if r["collection"] == "ungd"]
        assert un, split
        assert {side[want[r["doc_id"]]] for r in un} == {split}
        for r in un:
            assert texts[r["doc_id"]][r["start"] : r["end"]] == r["text"]
    machine = loaded["claims_machine"]
    assert {r["doc_id"] for s in machine for r in machine[s]}.isdisjoint(
        sample(ANN / "gold" / "ungd" / "sealed" / "sample.csv")
    )
    assert all(json.loads(r["produced_by"])["model"] for s in machine for r in machine[s])


def test_training_never_sees_a_validation_or_test_document(loaded):
    from pipeline.training.train import TRAIN_SPLIT

    train = {r["doc_id"] for r in loaded["claims"][TRAIN_SPLIT]}
    held_out = {d["doc_id"] for s in SPLITS if s != TRAIN_SPLIT for d in loaded["documents"][s]}
    assert train and held_out and train.isdisjoint(held_out)


def test_classlabel_round_trip(loaded):
    for name in ("claims", "claims_machine", "claims_auto"):
        stance = loaded[name]["train"].features["stance"]
        assert isinstance(stance, ClassLabel) and stance.names == ["support", "oppose", "neutral"]
        for i, label in enumerate(stance.names):
            assert stance.str2int(label) == i and stance.int2str(i) == label
        raw = layer_rows(name)
        by_key = {(r["claim_id"], r["actor"], r["target"]): r["stance"] for r in raw}
        for split in loaded[name]:
            for row in loaded[name][split]:
                assert stance.int2str(row["stance"]) == by_key[(row["claim_id"], row["actor"], row["target"])]


def test_seed_text_is_withheld_and_rehydrates(loaded, texts):
    docs = {d["doc_id"]: d for split in SPLITS for d in loaded["documents"][split]}
    assert docs[SEED]["text"] is None and docs[SEED]["text_withheld"]
    assert docs[SEED]["text_sha256"] == hashlib.sha256(texts[SEED].encode()).hexdigest()
    open_doc = docs["unseen_caucasus_2024"]
    assert open_doc["text"] == texts["unseen_caucasus_2024"] and not open_doc["text_withheld"]
    for name in ("sentences", "claims", "claims_auto"):
        rows = [r for s in SPLITS for r in loaded[name][s] if r["doc_id"] == SEED]
        assert rows and all(r["text"] is None for r in rows), name
    passages = [p for s in SPLITS for r in loaded["kb"][s] if r["id"] == SEED for p in r["passages"]]
    assert passages and all(p["text"] == [None] for p in passages)
    hashes = {d: r["text_sha256"] for d, r in docs.items()}
    with pytest.raises(DatasetError, match=SEED):
        rehydrate(loaded["claims"], {SEED: texts[SEED] + " "}, hashes)
    back = rehydrate(loaded["claims"], {SEED: texts[SEED]}, hashes)
    raw = {(r["claim_id"], r["actor"], r["target"]): r["text"] for r in layer_rows("claims")}
    for split in SPLITS:
        for row in back[split]:
            assert row["text"] == raw[(row["claim_id"], row["actor"], row["target"])]


def test_offsets_hold_after_loading(loaded, texts):
    for name in ("sentences", "entities", "claims", "claims_machine", "claims_auto"):
        for split in loaded[name]:
            for row in loaded[name][split]:
                if row["text"] is not None:
                    assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"], (name, row)
    for split in SPLITS:
        for doc in loaded["documents"][split]:
            for fn in doc["footnotes"]:
                for m in fn["markers"]:
                    assert texts[doc["doc_id"]][m["start"] : m["end"]] == f"[{fn['label']}]"
        for rec in loaded["kb"][split]:
            text = texts[rec["document_id"]]
            for item in rec["passages"] + rec["entities"]:
                if item["text"] != [None]:
                    assert [text[s:e] for s, e in item["offsets"]] == item["text"]


def test_kb_shape(loaded):
    recs = [r for s in SPLITS for r in loaded["kb"][s]]
    ids = [e["id"] for r in recs for e in r["entities"]] + [x["id"] for r in recs for x in r["relations"]]
    assert len(ids) == len(set(ids))
    gold = layer_rows("claims")
    rels = [x for r in recs for x in r["relations"]]
    assert sum(x["type"] in ("support", "oppose", "neutral") for x in rels) == len(gold)
    assert sum(x["type"] == "actor" for x in rels) == len(gold)
    assert any(x["type"] == "footnote" for x in rels)
    ents = {e["id"]: e for r in recs for e in r["entities"]}
    for x in rels:
        assert x["arg1_id"] in ents and x["arg2_id"] in ents
        if x["type"] != "footnote":
            assert x["normalized"][0] in ents[x["arg2_id"]]["normalized"]
    dbs = {n["db_name"] for e in ents.values() for n in e["normalized"]}
    assert {"ISO3166-1", "Wikidata"} <= dbs


def test_one_split_scheme_by_document(loaded):
    """Every config puts a document's rows in the same split, so configs join on doc_id."""
    side = {d["doc_id"]: s for s in SPLITS for d in loaded["documents"][s]}
    for name in CONFIGS:
        for split in loaded[name]:
            key = "document_id" if name == "kb" else "doc_id"
            assert {r[key] for r in loaded[name][split]} <= {d for d, s in side.items() if s == split}, name
    assert {d: s for d, s in side.items() if d in (SEED, "unseen_caucasus_2024")} == {
        SEED: "train",
        "unseen_caucasus_2024": "validation",
    }


def test_jsonl_export_loads_with_same_features(tmp_path, loaded, cache):
    counts = export(ANN, "jsonl", tmp_path)
    first = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.jsonl"))}
    export(ANN, "jsonl", tmp_path)
    assert {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.jsonl"))} == first
    write_card_header(tmp_path / "README.md", "jsonl", prose_from=ANN / "README.md")
    for name in CONFIGS:
        ds = load_dataset(str(tmp_path), name, cache_dir=cache)
        for split in ds:
            assert ds[split].features == FEATURES[name]
            assert ds[split].num_rows == counts[name][split] == lines(tmp_path / "hf" / name / f"{split}.jsonl")
            got, want = ds[split].to_list(), loaded[name][split].to_list()
            if name == "documents":
                # pyarrow's JSON reader infers ISO dates as timestamps (the reason the card loads Parquet)
                # (statements have no date: None stays None)
                assert [(d.pop("date") or "")[:10] for d in got] == [d.pop("date") or "" for d in want]
            assert got == want


# ---------------------------------------------------------------- a second collection

STATEMENTS = ("BGR_78_2023", "AGO_77_2022", "BDI_77_2022")  # eval, not sampled, dev


@pytest.fixture(scope="module")
def two_collections(tmp_path_factory):
    """The committed articles and gold plus three UN statements built into ``ungd/`` (gzip)."""
    from pipeline.build import Annotator
    from pipeline.ingest.manifest import read_manifest
    from pipeline.publish import annotate_to_dir, collection_dir
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("two")
    ann = root / "annotations"
    shutil.copytree(ANN, ann, ignore=shutil.ignore_patterns("parquet", "hf", "packets", "sheets", "example_packets"))
    shutil.rmtree(ann / "ungd")  # the committed statements' layers (and their coded claims) give way to three
    inputs = [i for i in read_manifest(ANN.parent / "corpus", only=["ungd"]) if i.doc_id in STATEMENTS]
    assert len(inputs) == len(STATEMENTS)
    annotate_to_dir(inputs, collection_dir(ann, "ungd"), Annotator(Settings()), progress=False, compress=True)
    counts = export_parquet(ann)
    return ann, counts, str(root / "cache")


def test_second_collection_loads_with_its_collection_column(two_collections):
    ann, counts, cache = two_collections
    assert (ann / "ungd" / "claims.jsonl.gz").is_file() and not (ann / "ungd" / "claims.jsonl").exists()
    auto = load_dataset(str(ann), "claims_auto", cache_dir=cache)
    default = load_dataset(str(ann), cache_dir=cache)  # the card's default config
    assert {s: default[s].num_rows for s in default} == {s: auto[s].num_rows for s in auto}
    from pipeline.io import read_jsonl

    want = [r for r in read_jsonl(ann / "ungd" / "claims.jsonl.gz")]
    got = [r for s in auto for r in auto[s] if r["collection"] == "ungd"]
    assert want and sorted((r["claim_id"], r["actor"], r["target"]) for r in got) == sorted(
        (r["claim_id"], r["actor"], r["target"]) for r in want
    )
    articles = {r["collection"] for s in auto for r in auto[s] if r["doc_id"] in ("unseen_caucasus_2024", SEED)}
    assert articles == {"articles"}
    docs = load_dataset(str(ann), "documents", cache_dir=cache)
    side = {d["doc_id"]: (s, d["collection"], d["text"] is None) for s in docs for d in docs[s]}
    # eval statements of the gold sample (the development test) are in validation, dev ones and
    # statements outside every sample in train; statements keep their text (CC0)
    assert side["BGR_78_2023"] == ("validation", "ungd", False) and side["BDI_77_2022"] == ("train", "ungd", False)
    assert side["AGO_77_2022"][0] == "train"
    for name in CONFIGS:  # every config carries both collections, split by document
        ds = load_dataset(str(ann), name, cache_dir=cache)
        for split in ds:
            for r in ds[split]:
                doc = r.get("doc_id") or r["document_id"]
                assert (split, r["collection"]) == side[doc][:2], (name, doc)
    texts = layer_texts(ann)
    for r in got:
        assert texts[r["doc_id"]][r["start"] : r["end"]] == r["text"]


def test_empty_split_gets_no_file_and_no_card_entry(two_collections, tmp_path):
    ann, _, cache = two_collections
    only = tmp_path / "ann"
    shutil.copytree(ann, only)
    # keep only the gold rows of the validation article: the claims config has that split only
    rows = [json.loads(x) for x in (only / "gold" / "claims.jsonl").read_text().splitlines()]
    keep = "unseen_caucasus_2024"
    (only / "gold" / "claims.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows if r["doc_id"] == keep))
    shutil.rmtree(only / "passages" / "gold")
    counts = export_parquet(only)
    assert counts["claims"]["train"] == 0 and not (only / "parquet" / "claims" / "train.parquet").exists()
    meta = yaml.safe_load((only / "README.md").read_text().split("---\n")[1])
    claims = next(c for c in meta["configs"] if c["config_name"] == "claims")
    assert [f["split"] for f in claims["data_files"]] == ["validation"]
    ds = load_dataset(str(only), "claims", cache_dir=cache + "2")
    assert list(ds) == ["validation"] and ds["validation"].num_rows == len([r for r in rows if r["doc_id"] == keep])


def test_upload_folder_holds_card_licence_and_parquet_only(two_collections, tmp_path):
    ann, counts, _ = two_collections
    out = tmp_path / "hub"
    assert export_parquet(ann, out) == counts
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == {"README.md", "LICENSE.md"} | {
        f"parquet/{c}/{s}.parquet" for c in counts for s in counts[c] if counts[c][s]
    }
    prose = lambda p: p.read_text().split("\n---\n", 1)[1]  # noqa: E731
    assert prose(out / "README.md") == prose(ann / "README.md")
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in out.rglob("*") if p.is_file())


def test_row_groups_are_bounded(two_collections):
    import pyarrow.parquet as pq

    from pipeline.export.huggingface import ROW_GROUP

    ann, counts, _ = two_collections
    for config, splits in counts.items():
        for split, n in splits.items():
            if n:
                meta = pq.ParquetFile(ann / "parquet" / config / f"{split}.parquet").metadata
                assert meta.num_rows == n and all(
                    meta.row_group(i).num_rows <= ROW_GROUP for i in range(meta.num_row_groups)
                )


def test_citation_cff_names_the_ungd_sources():
    cff = yaml.safe_load((ANN.parent / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["title"] and cff["authors"]
    readme = " ".join((ANN.parent / "corpus" / "ungd" / "README.md").read_text(encoding="utf-8").split())
    titles = [r["title"] for r in cff["references"]]
    for title in (
        "Understanding State Preferences With Text As Data: Introducing the UN General Debate Corpus",
        "Words to Unite Nations: The Complete UN General Debate Corpus, 1946-Present",
    ):
        assert title in titles and title in readme
