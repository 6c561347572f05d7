"""The sealed test (drawn, frozen, scored once per claim system) and the machine-coded layer
(coding folders, filled sheets, primary codings)."""

import csv
import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from pipeline.quality.coding import CodingFolder, read_rows
from pipeline.quality.sheets import check_sheet, fill_none
from pipeline.quality.ungd_gold import gold_rows

ROOT = Path(__file__).resolve().parents[2]
ANN = ROOT / "annotations"
SEALED = ANN / "gold" / "ungd" / "sealed"
MACHINE = ANN / "machine" / "ungd"


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sealed_draw_is_reproducible_and_keeps_out_the_gold_and_what_was_read():
    sampler = _script("sample_gold")
    gold = _csv(ANN / "gold" / "ungd" / "sample.csv")
    read = set((SEALED / "read_before.txt").read_text(encoding="utf-8").split())
    rows = sampler.draw_sealed(sampler.frame(ROOT / "corpus" / "ungd"), {r["iso3"] for r in gold} | read)
    assert sampler.to_csv(rows) == (SEALED / "sample.csv").read_text(encoding="utf-8")
    assert len(rows) == 30 and len({r["iso3"] for r in rows}) == 30
    assert not {r["iso3"] for r in rows} & {r["iso3"] for r in gold}
    assert not {r["doc_id"] for r in rows} & read
    assert {r["session"] for r in rows} == {"77", "78"} and {r["split"] for r in rows} == {"test"}


def test_sealed_gold_is_frozen_and_follows_from_the_adjudicated_sheets():
    frozen = (SEALED / "FROZEN").read_text(encoding="utf-8").strip()
    assert hashlib.sha256((SEALED / "claims.jsonl").read_bytes()).hexdigest() == frozen
    assert gold_rows(SEALED) == read_rows(SEALED / "claims.jsonl")


def test_sealed_statements_are_in_no_other_coded_set():
    sealed = {r["doc_id"] for r in _csv(SEALED / "sample.csv")}
    machine = {r["doc_id"] for r in _csv(MACHINE / "sample.csv")}
    gold = {r["doc_id"] for r in _csv(ANN / "gold" / "ungd" / "sample.csv")}
    assert not sealed & machine and not sealed & gold
    manifest = [json.loads(x)["doc_id"] for x in (ROOT / "corpus" / "ungd" / "manifest.jsonl").read_text().splitlines()]
    assert machine | sealed == set(manifest) and len(machine) >= 350


def test_plain_packets_share_the_candidate_packets_sentence_keys():
    folder = CodingFolder(SEALED)
    for doc_id in folder.sample:
        plain = {r["sent_key"]: r["text"] for r in read_rows(SEALED / "plain" / f"{doc_id}.jsonl")}
        packet = read_rows(folder.packet_path(doc_id))
        assert all(plain[r["sent_key"]] == r["text"] for r in packet)
        merged = folder.packet(doc_id)
        assert [r["sent_key"] for r in merged] == list(plain)
        assert sum(len(r["candidates"]) for r in merged) == sum(len(r["candidates"]) for r in packet)


def test_score_once_logs_a_claim_system_once(tmp_path):
    from pipeline.quality.sealed import LOG, score_once

    sealed = tmp_path / "sealed"
    shutil.copytree(SEALED, sealed, ignore=shutil.ignore_patterns("sheets", "packets", "plain", LOG))
    entry, new = score_once(ANN, sealed, ROOT / "corpus", when="2026-12-05T00:00:00Z")
    assert new and entry["documents"] == 30 and 0 < entry["stance"]["precision"] <= 1
    assert entry["fingerprint"] == json.loads((ANN / "build.json").read_text())["pipeline"]
    again, new_again = score_once(ANN, sealed, ROOT / "corpus")
    assert not new_again and again == entry
    assert len((sealed / LOG).read_text().splitlines()) == 1


def test_machine_layer_takes_the_first_coding_of_a_statement_coded_twice():
    folder = CodingFolder(MACHINE)
    assignments = {(r["doc_id"], r["coding"]): r["coder"] for r in _csv(MACHINE / "assignments.csv")}
    twice = [d for d, info in folder.sample.items() if info["reliability"]]
    assert len(twice) >= 0.15 * len(folder.sample)
    for doc_id in twice:
        assert len(folder.sheets(doc_id)) == 2
        path, coder = folder.final_sheet(doc_id)
        assert coder == assignments[(doc_id, "1")] != assignments[(doc_id, "2")] and path.parent.name == coder


def test_every_machine_coder_names_its_model():
    from pipeline.quality.coded_layers import coder_cards

    cards = coder_cards(MACHINE / "sheets")
    assert len(cards) == 6 and all(
        c["model"] and "Claude" in c["model"] and c["guidelines"] == "3.0" for c in cards.values()
    )


def test_fill_none_writes_a_plain_none_for_each_uncoded_candidate(tmp_path):
    packet = [
        {
            "sent_key": "X:1:1",
            "text": "Aland thanks Bland.",
            "candidates": [{"actor": "FIN", "target": "BEL", "expanded_from": None}],
        },
        {
            "sent_key": "X:1:2",
            "text": "Cland waits.",
            "candidates": [{"actor": "FIN", "target": "CAN", "expanded_from": None}],
        },
    ]
    coded = {
        "sent_key": "X:1:2", "actor": "FIN", "target": "CAN", "actor_type": "state", "target_type": "state",
        "stance": "neutral", "negated_act": False, "mode": "statement", "certainty": "asserted", "issue": "other",
        "conflict": None, "expanded_from": None, "time": None, "span": "Cland waits", "note": None, "added": False,
    }  # fmt: skip
    rows = fill_none([coded], packet)
    assert [(r["sent_key"], r["stance"]) for r in rows] == [("X:1:1", "none"), ("X:1:2", "neutral")]
    sheet = tmp_path / "X.jsonl"
    sheet.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert check_sheet(sheet, packet) == []
    sheet.write_text(json.dumps(coded) + "\n")
    assert check_sheet(sheet, packet) == ["%s: candidate FIN->BEL of X:1:1 has no row" % sheet]
    assert check_sheet(sheet, packet, complete=False) == []


def test_kosovo_is_a_party_code():
    from pipeline.quality.sheets import is_party

    assert is_party("XKX") and is_party("SRB") and is_party("org:eu") and not is_party("XXK")


@pytest.mark.parametrize(
    "kind,rel", [("gold", "ungd/gold/claims.jsonl.gz"), ("machine", "ungd/machine/claims.jsonl.gz")]
)
def test_coded_layers_are_claims_with_document_offsets(kind, rel):
    from pipeline.io import read_jsonl
    from pipeline.schema import Claim

    texts = {d["doc_id"]: d["text"] for d in read_jsonl(ANN / "ungd" / "documents.jsonl.gz")}
    rows = list(read_jsonl(ANN / rel))
    assert rows
    for r in rows:
        Claim.model_validate(r)
        assert texts[r["doc_id"]][r["start"] : r["end"]] == r["text"]
        assert r["produced_by"]["coding"] == kind and r["produced_by"]["model"]
