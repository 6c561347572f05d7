"""Candidate (actor, target) pairs of a hand-written statement."""

from __future__ import annotations

from pipeline.nlp.candidates import candidates, marked_text, rules_lexicon

STATEMENT = (
    "We condemn the invasion of Ukraine. Norway and Chile have supported it. They also sent aid. The weather was fine."
)


def test_candidates_of_a_statement(annotator):
    doc = annotator.nlp.make_doc(STATEMENT)
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    got = [
        (c.sent.text, c.actor, c.target, c.actor_source, c.target_source)
        for c in candidates(doc, rules_lexicon(annotator.nlp))
    ]
    first, second, third = (
        "We condemn the invasion of Ukraine.",
        "Norway and Chile have supported it.",
        "They also sent aid.",
    )
    assert got == [
        (first, "UKR", "RUS", "named", "war"),
        (first, "FJI", "UKR", "speaker", "named"),
        (first, "FJI", "RUS", "speaker", "war"),
        (first, "RUS", "UKR", "war", "named"),
        (second, "NOR", "CHL", "named", "named"),
        (second, "CHL", "NOR", "named", "named"),
        (second, "FJI", "NOR", "speaker_implicit", "named"),
        (second, "FJI", "CHL", "speaker_implicit", "named"),
    ]
    # "They" names no target, and a sentence without a state gives nothing
    assert not [
        c for c in candidates(doc, rules_lexicon(annotator.nlp)) if c.sent.text in (third, "The weather was fine.")
    ]


def test_marked_text(annotator):
    doc = annotator.nlp.make_doc(STATEMENT)
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    by_pair = {(c.actor, c.target): c for c in candidates(doc, rules_lexicon(annotator.nlp))}
    assert marked_text(by_pair[("FJI", "RUS")]) == "[A=speaker] We condemn the [T] invasion [/T] of Ukraine."
    assert marked_text(by_pair[("UKR", "RUS")]) == "We condemn the [T] invasion [/T] of [A] Ukraine [/A]."
