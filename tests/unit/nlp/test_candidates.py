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
        # "They" stands for the subject of the last sentence that named a party
        (third, "FJI", "NOR", "speaker_implicit", "pronoun"),
        (third, "FJI", "CHL", "speaker_implicit", "pronoun"),
    ]
    # a sentence without a party gives nothing
    assert not [c for c in candidates(doc, rules_lexicon(annotator.nlp)) if c.sent.text == "The weather was fine."]


PARTIES = (
    "The European Union condemned Russia. Iran launched drones at Israel. "
    "The foreign ministry charged that the strike was unlawful. "
    "We call on both sides in the Nagorno-Karabakh conflict to exercise restraint."
)


def test_organisations_bodies_and_conflict_sides_are_candidates(annotator):
    doc = annotator.nlp.make_doc(PARTIES)
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    got = {
        (c.sent.text.split()[1], c.actor, c.target, c.actor_source, c.target_source)
        for c in candidates(doc, rules_lexicon(annotator.nlp))
    }
    # an organisation is a party of its own, as actor and as target
    assert ("European", "org:eu", "RUS", "named", "named") in got
    assert ("European", "FJI", "org:eu", "speaker_implicit", "named") in got
    # "the foreign ministry" is the subject state of the sentence before
    assert ("foreign", "FJI", "IRN", "speaker_implicit", "pronoun") in got
    # "both sides" are the parties of the sentence's conflict
    sides = {(a, t) for w, a, t, _, src in got if w == "call" and src == "conflict"}
    assert sides == {("FJI", "ARM"), ("FJI", "AZE")}


def test_marked_text(annotator):
    doc = annotator.nlp.make_doc(STATEMENT)
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    by_pair = {(c.actor, c.target): c for c in candidates(doc, rules_lexicon(annotator.nlp))}
    assert marked_text(by_pair[("FJI", "RUS")]) == "[A=speaker] We condemn the [T] invasion [/T] of Ukraine."
    assert marked_text(by_pair[("UKR", "RUS")]) == "We condemn the [T] invasion [/T] of [A] Ukraine [/A]."
