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
        # "They" stands for the subject of the last sentence that named a party; its two states
        # are one mention, so they are not paired with each other
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


def test_victims_that_country_and_a_member_named_apart_from_its_group(annotator):
    text = (
        "Estonia condemned Russia's aggression. Kazakhstan works with the countries of Central Asia. "
        "Mali spoke of France. That country supported the plan."
    )
    doc = annotator.nlp.make_doc(text)
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    got = {
        (c.sent.text.split()[0], c.actor, c.target, c.target_source)
        for c in candidates(doc, rules_lexicon(annotator.nlp))
    }
    # the aggression's victim is a target where the sentence does not name it
    assert ("Estonia", "RUS", "UKR", "war") in got and ("Estonia", "EST", "UKR", "war") in got
    # Kazakhstan, named apart from the group it belongs to, is paired with the other members
    assert ("Kazakhstan", "KAZ", "KGZ", "named") in got
    # but two members known only from the group mention are not
    assert ("Kazakhstan", "KGZ", "UZB", "named") not in got
    # "that country" stands for the subject of the sentence before (as "it" does)
    assert ("That", "FJI", "MLI", "pronoun") in got


def test_the_words_that_point_back_to_states_are_lexicon_data(annotator):
    import dataclasses

    doc = annotator.nlp.make_doc("Mali spoke of France. That country supported the plan.")
    doc._.speaker = "FJI"
    doc = annotator.nlp(doc)
    lexicon = rules_lexicon(annotator.nlp)
    second = lambda lex: {(c.actor, c.target) for c in candidates(doc, lex) if c.sent.text.startswith("That")}
    assert second(lexicon) == {("FJI", "MLI")}
    # without "that" among the lexicon's demonstratives, "that country" stands for no one
    assert second(dataclasses.replace(lexicon, demonstratives=lexicon.demonstratives - {"that"})) == set()
