"""The claim engine's parts: sizes, one lexicon and one war context for every component, the
statement rules as registered objects, and the component's errors."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import spacy

from pipeline import registry
from pipeline.build import Annotator
from pipeline.nlp.lexicon import load_lexicon
from pipeline.settings import DATA_DIR, Settings

NLP_DIR = Path(__file__).resolve().parents[3] / "pipeline" / "nlp"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sizes():
    for path in sorted(NLP_DIR.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        yield path, "module", len(source.splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                yield path, node.name, node.end_lineno - node.lineno + 1


def test_no_module_over_400_lines_and_no_function_over_60():
    too_big = [
        f"{path.relative_to(NLP_DIR)}:{name} has {n} lines"
        for path, name, n in _sizes()
        if n > (MAX_MODULE_LINES if name == "module" else MAX_FUNCTION_LINES)
    ]
    assert too_big == []


def test_statement_rules_use_public_names_only_and_the_engine_never_imports_them():
    for path in sorted((NLP_DIR / "statement_rules").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        private = [
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")
        ]
        assert private == [], path.name
    for path in sorted((NLP_DIR / "claims").glob("*.py")):
        assert "statement_rules" not in {
            node.module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom)
        }, path.name


def test_statement_rules_are_registered_and_listed_in_the_config(annotator):
    assert registry.names("statement_rules") == ["accusations", "calls_for_peace", "calls_on_parties", "demands"]
    rules = annotator.nlp.get_pipe("claim_rules")
    assert rules.statement_rule_names == ["accusations", "demands", "calls_on_parties", "calls_for_peace"]
    assert [type(r).__name__ for r in rules.engine.statement_rules] == [
        "Accusations",
        "Demands",
        "CallsOnParties",
        "CallsForPeace",
    ]


# A conflict added as data only: two sides, no party named by the UN, one name of its own.
NEW_CONFLICT = {
    "id": "batken_water",
    "name": "A water dispute written for the test",
    "qid": None,
    "sides": [
        {"id": "kyrgyzstan", "name": "Kyrgyzstan", "members": ["KGZ"]},
        {"id": "tajikistan", "name": "Tajikistan", "members": ["TJK"]},
    ],
    "aggressors": [],
    "occupiers": [],
    "territories": [],
    "vocabulary": ["Batken water dispute"],
    "start": "2021",
    "end": None,
    "note": "Test data.",
}


@pytest.fixture(scope="module")
def other_pipeline(tmp_path_factory):
    """The pipeline with another lexicon ("dispute" is war wording) and one more conflict."""
    folder = tmp_path_factory.mktemp("data")
    lexicon = json.loads((DATA_DIR / "claim_lexicon.json").read_text(encoding="utf-8"))
    lexicon["war_nouns"].append("dispute")
    path = folder / "claim_lexicon.json"
    path.write_text(json.dumps(lexicon), encoding="utf-8")
    conflicts = folder / "conflicts.jsonl"
    conflicts.write_text(
        (DATA_DIR / "conflicts.jsonl").read_text(encoding="utf-8") + json.dumps(NEW_CONFLICT) + "\n", encoding="utf-8"
    )
    overrides = {"paths.lexicon": str(path), "paths.conflicts": str(conflicts)}
    return Annotator(Settings(config_overrides=overrides)).nlp


def test_one_lexicon_reaches_the_rules_and_the_candidate_pairs(other_pipeline, annotator):
    nlp = other_pipeline
    # one object per lexicon file, whoever loads it
    assert load_lexicon(nlp.get_pipe("claim_rules").paths["lexicon"]) is nlp.get_pipe("claim_rules").lex
    text = "Kazakhstan and Kyrgyzstan discussed the dispute over Crimea."
    pairs = lambda p: sorted(
        (c.actor, c.target, c.target_source) for c in p.get_pipe("claim_encoder").candidates(p(text))
    )
    assert pairs(annotator.nlp) == [("KAZ", "KGZ", "named"), ("KGZ", "KAZ", "named")]
    # the overridden lexicon makes "dispute" war wording: the party the conflict names joins the pairs
    # (with the side it faces: the conflict's victim)
    assert pairs(nlp) == [
        ("KAZ", "KGZ", "named"),
        ("KAZ", "RUS", "war"),
        ("KAZ", "UKR", "war"),
        ("KGZ", "KAZ", "named"),
        ("KGZ", "RUS", "war"),
        ("KGZ", "UKR", "war"),
        ("RUS", "KAZ", "named"),
        ("RUS", "KGZ", "named"),
    ]


def test_a_conflict_added_as_data_drives_the_rules(other_pipeline, annotator):
    text = "Kazakhstan remained neutral in the Batken water dispute."
    doc = other_pipeline(text)
    # no party named by the UN: neutral toward each state party of the conflict's sides (GUIDELINES §3.1)
    assert sorted((s._.actor, s._.target, s._.stance, s._.conflict) for s in doc.spans["claims"]) == [
        ("KAZ", "KGZ", "neutral", "batken_water"),
        ("KAZ", "TJK", "neutral", "batken_water"),
    ]
    # without the data the sentence is about no conflict, and holds no position
    assert [s._.actor for s in annotator.nlp(text).spans["claims"]] == []


def test_using_the_component_before_initialize_is_a_clear_error():
    import pipeline.nlp.components  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("claim_rules")
    with pytest.raises(ValueError, match=r"claim_rules: the component is not initialized .* call nlp.initialize\(\)"):
        nlp("Kazakhstan condemned the war.")


def test_an_organisation_added_as_data_is_a_party(tmp_path):
    """A new organisation is one knowledge-base row: no code names it."""
    row = {
        "id": "org:steppe_union",
        "type": "organisation",
        "country": None,
        "qid": None,
        "label": "ORG",
        "aliases": ["Steppe Union", "the Steppe Union"],
        "members": [{"state": "KAZ", "since": "2030-01-01", "until": None}],
    }
    kb = tmp_path / "country_kb.jsonl"
    kb.write_text(
        (DATA_DIR / "country_kb.jsonl").read_text(encoding="utf-8") + json.dumps(row) + "\n", encoding="utf-8"
    )
    nlp = Annotator(Settings(config_overrides={"paths.kb": str(kb)})).nlp
    doc = nlp("Kyrgyzstan condemned the Steppe Union.")
    assert [(s._.actor, s._.target, s._.stance) for s in doc.spans["claims"]] == [("KGZ", "org:steppe_union", "oppose")]
