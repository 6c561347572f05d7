"""The indexed entity ruler: the same matches as spaCy's ruler, found from the first word."""

from __future__ import annotations

import spacy

from pipeline.nlp.entity_ruler import IndexedEntityRuler

PATTERNS = [
    {"label": "GPE", "pattern": "Paris", "id": "FRA:capital"},
    {"label": "GPE", "pattern": "Guinea", "id": "GIN"},
    {"label": "LOC", "pattern": "Lake Chad", "id": "place:lake_chad"},
    {"label": "GPE", "pattern": "Chad", "id": "TCD"},
    {
        "label": "LAW",
        "id": "instrument",
        "pattern": [{"TEXT": {"IN": ["Paris", "Addis"]}}]
        + [{"IS_TITLE": True, "OP": "?"}] * 2
        + [{"LOWER": {"IN": ["agreement", "agenda"]}}],
    },
    {
        "label": "LOC",
        "id": "place",
        "pattern": [
            {"TEXT": {"IN": ["Gulf", "Lake"]}},
            {"LOWER": "of", "OP": "?"},
            {"TEXT": {"IN": ["Guinea", "Chad"]}},
        ],
    },
]
TEXT = "Paris signed the Paris Agreement, the Paris Peace Climate Agreement and the paris agreement near the Gulf of Guinea and Lake Chad, not Guinea."


def rulers():
    nlp = spacy.blank("en")
    stock = nlp.add_pipe("entity_ruler", name="stock", config={"overwrite_ents": True})
    indexed = nlp.add_pipe("indexed_entity_ruler", name="indexed", config={"overwrite_ents": True})
    stock.add_patterns(PATTERNS)
    indexed.add_patterns(PATTERNS)
    return nlp, stock, indexed


def ents(doc):
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def test_same_matches_as_spacy_ruler():
    nlp, stock, indexed = rulers()
    doc = nlp.make_doc(TEXT)
    assert set(indexed.match(doc)) == set(stock.match(doc))
    untied = TEXT.replace(" and Lake Chad", "")  # spaCy's ruler leaves a tie to set order
    assert ents(indexed(nlp.make_doc(untied))) == ents(stock(nlp.make_doc(untied)))


def test_shields_and_optional_tokens():
    nlp, _, indexed = rulers()
    assert ents(indexed(nlp.make_doc(TEXT))) == [
        ("Paris", "GPE", "FRA:capital"),
        ("Paris Agreement", "LAW", "instrument"),
        ("Paris Peace Climate Agreement", "LAW", "instrument"),
        ("Gulf of Guinea", "LOC", "place"),
        # the knowledge-base entry wins the tie with the token pattern of the same words
        ("Lake Chad", "LOC", "place:lake_chad"),
        ("Guinea", "GPE", "GIN"),
    ]


def test_unsupported_pattern_falls_back_to_spacy_matcher():
    nlp = spacy.blank("en")
    indexed = nlp.add_pipe("indexed_entity_ruler")
    indexed.add_patterns([{"label": "NUM", "pattern": [{"LIKE_NUM": True}, {"LOWER": "states"}]}])
    doc = indexed(nlp.make_doc("Some 141 states voted."))
    assert ents(doc) == [("141 states", "NUM", "")]
    assert indexed._index is None


def test_patterns_round_trip_through_disk(tmp_path):
    nlp, _, indexed = rulers()
    indexed.to_disk(tmp_path / "ruler")
    other = spacy.blank("en").add_pipe("indexed_entity_ruler", config={"overwrite_ents": True})
    other.from_disk(tmp_path / "ruler")
    assert isinstance(other, IndexedEntityRuler)
    assert ents(other(other.nlp.make_doc(TEXT))) == ents(indexed(nlp.make_doc(TEXT)))


def test_added_patterns_reindex():
    nlp, _, indexed = rulers()
    indexed(nlp.make_doc(TEXT))
    indexed.add_patterns([{"label": "ORG", "id": "body", "pattern": [{"TEXT": "Addis"}, {"TEXT": "Group"}]}])
    assert ents(indexed(nlp.make_doc("The Addis Group met."))) == [("Addis Group", "ORG", "body")]
