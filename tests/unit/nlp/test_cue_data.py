"""Cues are data: a multi-word cue and a dependency-pattern cue added through data files only."""

from __future__ import annotations

import json

import pytest

from pipeline.build import Annotator
from pipeline.settings import DATA_DIR, Settings

# a cue class no file has: "turn away from" someone, a sequence of words
PHRASE_CUE = {"lemmas": ["turn away from"], "stance": "oppose", "negated": "support", "topic": "diplomacy"}
# "turn one's back on" someone, a construction: "turn" with the object "back" and "on" under it
PATTERN_CUE = {
    "id": "turn_back_on",
    "stance": "oppose",
    "negated": "support",
    "topic": "diplomacy",
    "cue": "verb",
    "pattern": [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "turn", "POS": "VERB"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "back", "RIGHT_ATTRS": {"LOWER": "back", "DEP": "dobj"}},
        {"LEFT_ID": "back", "REL_OP": ">", "RIGHT_ID": "on", "RIGHT_ATTRS": {"LOWER": "on"}},
    ],
}


@pytest.fixture(scope="module")
def with_new_cues(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cues")
    cues = (DATA_DIR / "stance_cues.jsonl").read_text(encoding="utf-8") + json.dumps(PHRASE_CUE) + "\n"
    (folder / "stance_cues.jsonl").write_text(cues, encoding="utf-8")
    (folder / "cue_patterns.jsonl").write_text(json.dumps(PATTERN_CUE) + "\n", encoding="utf-8")
    overrides = {
        "paths.cues": str(folder / "stance_cues.jsonl"),
        "paths.cue_patterns": str(folder / "cue_patterns.jsonl"),
    }
    return Annotator(Settings(config_overrides=overrides)).nlp


def rows(nlp, text):
    doc = nlp(text)
    return [(s._.actor, s._.target, s._.stance, s._.cue, s._.negated) for s in doc.spans["claims"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kazakhstan turned away from Russia.", [("KAZ", "RUS", "oppose", "turned", False)]),
        ("Kyrgyzstan did not turn away from Russia.", [("KGZ", "RUS", "support", "turn", True)]),
        ("Uzbekistan has turned its back on Moscow.", [("UZB", "RUS", "oppose", "turned", False)]),
    ],
)
def test_new_cues_from_data_files_only(with_new_cues, annotator, text, expected):
    assert rows(with_new_cues, text) == expected
    # the shipped cues know neither ("back" alone is a support cue: a misreading the pattern's cue
    # replaces, since a nominal cue under another cue's verb gives no row of its own)
    assert [r for r in rows(annotator.nlp, text) if r[3] in ("turn", "turned")] == []


def test_a_cue_pattern_names_its_cue_token(tmp_path):
    from pipeline.nlp.claims.cues import load_cue_patterns

    bad = {**PATTERN_CUE, "cue": "object"}
    (tmp_path / "p.jsonl").write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"p.jsonl: row 1: 'cue' must name one RIGHT_ID of its pattern \(verb, back, on\)"
    ):
        load_cue_patterns(tmp_path / "p.jsonl")


def test_the_cue_index_finds_words_by_lemma_or_form_and_phrases_whole(annotator):
    from pipeline.nlp.claims.cues import Cue, CueIndex

    nlp = annotator.nlp
    oppose = Cue(lemmas=("condemn",), stance="oppose", negated="support", topic="war")
    phrase = Cue(lemmas=("turn away from",), stance="oppose", negated="support", topic="diplomacy")
    index = CueIndex(nlp.vocab, [oppose, phrase], {})
    doc = nlp("Kazakhstan condemned Russia. Then it turned away from Russia and turns away from")
    found = {i: doc[i].text for i in index.find(doc)}
    # "condemned" by its lemma; a phrase by its lemmas ("turned away from") or its forms, found at
    # its head, also where it closes the Doc; "away" alone is no cue
    assert found == {1: "condemned", 6: "turned", 11: "turns"}
    assert index.find(doc)[6] is phrase and index.find(doc)[1] is oppose


def test_footnote_labels_of_a_span_from_the_docs_marker_index(annotator):
    from pipeline.nlp.markers import marker_labels, marker_tokens

    doc = annotator.nlp.make_doc("Russia[1] attacked.[2] Kazakhstan abstained[3]. No marker here.")
    markers = marker_tokens(doc)
    assert [doc[i].text for i in markers] == ["[1]", "[2]", "[3]"]
    # a marker at a span's first token is inside it, one at its end token is not
    expected = {(0, 5): ["1", "2"], (4, 5): ["2"], (2, 4): [], (5, 9): ["3"], (9, 13): [], (0, 13): ["1", "2", "3"]}
    for (start, end), labels in expected.items():
        assert marker_labels(doc[start:end], markers) == labels
        assert marker_labels(doc[start:end]) == labels  # the index built for the span's Doc
