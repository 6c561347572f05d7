"""Claim rows in sentences about conflicts other than Russia's war, and organisations as parties
(GUIDELINES 3.0 §2.1, §3.1, §3.3). Every sentence is written for the test."""

from __future__ import annotations

import pytest

WAR_PARTIES = {"RUS", "UKR"}


def rows(annotator, text, speaker=None):
    doc = annotator.nlp.make_doc(text)
    doc._.speaker = speaker
    doc = annotator.nlp(doc)
    return sorted((s._.actor, s._.target, s._.stance, s._.conflict) for s in doc.spans["claims"])


@pytest.mark.parametrize(
    "speaker, text, expected",
    [
        # an occupied territory names its conflict and the occupying power the UN named
        (
            "IRL",
            "We do not recognise the annexation of the occupied Syrian Golan.",
            [("IRL", "ISR", "oppose", "israel_syria")],
        ),
        # neutrality on a conflict is toward the party the UN named in it
        (
            "IRL",
            "We remain neutral regarding the conflict in the West Bank.",
            [("IRL", "ISR", "neutral", "israel_palestine")],
        ),
        # a standing neutrality with no conflict in view is no position
        ("CHE", "Switzerland has remained neutral for two centuries.", []),
        (None, "Switzerland has remained neutral for two centuries.", []),
        (
            None,
            "Armenia condemned Azerbaijan's offensive in Karabakh.",
            [("ARM", "AZE", "oppose", "armenia_azerbaijan")],
        ),
        (
            None,
            "The Philippines protested China's blockade of the Second Thomas Shoal in the South China Sea.",
            [("PHL", "CHN", "oppose", "south_china_sea")],
        ),
        (
            None,
            "Egypt rejected Ethiopia's plan to fill the Grand Ethiopian Renaissance Dam.",
            [("EGY", "ETH", "oppose", "nile_dam")],
        ),
        (
            "MEX",
            "We call for the lifting of the embargo imposed by the United States on Cuba.",
            [("MEX", "CUB", "support", "cuba_embargo"), ("MEX", "USA", "oppose", "cuba_embargo")],
        ),
        # "the occupying Power" is the party the UN named in the sentence's conflict
        ("JOR", "The occupying Power must lift the siege of Gaza.", [("JOR", "ISR", "oppose", "israel_palestine")]),
        # both sides of a conflict in which the UN named no party: a neutral row toward each
        (
            "NOR",
            "We call on both sides in Kashmir to respect the ceasefire.",
            [("NOR", "IND", "neutral", "india_pakistan"), ("NOR", "PAK", "neutral", "india_pakistan")],
        ),
        (
            "NOR",
            "The war in Sudan has entered its second year. We call on all parties to agree to a ceasefire.",
            [("NOR", "SDN", "neutral", "sudan")],
        ),
    ],
)
def test_rows_of_other_conflicts_are_their_own(annotator, speaker, text, expected):
    found = rows(annotator, text, speaker)
    assert found == sorted(expected)
    assert not {r[1] for r in found} & WAR_PARTIES


@pytest.mark.parametrize(
    "text, expected",
    [
        # an organisation acting as itself is the actor, not its members
        ("The European Union imposed sanctions on Iran.", [("org:eu", "IRN", "oppose", None)]),
        # ... and the target
        ("Armenia froze its participation in the CSTO.", [("ARM", "org:csto", "oppose", None)]),
        ("Serbia criticised the EU for pressuring Belgrade.", [("SRB", "org:eu", "oppose", None)]),
        # an organ of an organisation is the organisation
        ("The European Commission condemned Belarus.", [("org:eu", "BLR", "oppose", None)]),
        # a UN organ acts for the UN (GUIDELINES §3.3)
        ("The Security Council condemned Belarus.", [("org:un", "BLR", "oppose", None)]),
    ],
)
def test_organisations_are_parties(annotator, text, expected):
    assert rows(annotator, text) == sorted(expected)


def test_the_forum_of_a_statement_is_no_party(annotator):
    text = "We thank the United Nations for its support."
    assert rows(annotator, text, "FJI") == []
    # nor is any of its organs
    assert rows(annotator, "We support the reform of the Security Council.", "FJI") == []
    assert rows(annotator, text) == []  # no subject that names a party either


def test_two_conflicts_in_one_document(annotator):
    text = (
        "Kazakhstan condemned Russia's invasion of Ukraine. "
        "Egypt rejected Ethiopia's plan to fill the Grand Ethiopian Renaissance Dam. "
        "Cairo called the dispute a threat to its survival."
    )
    found = rows(annotator, text)
    assert ("KAZ", "RUS", "oppose", "russia_ukraine") in found
    assert ("EGY", "ETH", "oppose", "nile_dam") in found
    # the rows of the second conflict are toward its parties only
    assert all(r[3] == "nile_dam" for r in found if r[0] == "EGY")
    assert not [r for r in found if r[0] == "EGY" and r[1] in WAR_PARTIES]


def test_an_observer_speaks_as_its_organisation(annotator):
    # the statements' code of the European Union's statements is "EU"; its rows are org:eu's
    assert rows(annotator, "We condemn Russia's aggression against Ukraine.", "EU") == [
        ("RUS", "UKR", "oppose", "russia_ukraine"),
        ("org:eu", "RUS", "oppose", "russia_ukraine"),
    ]


def test_a_group_expands_to_its_states_and_says_so(annotator):
    doc = annotator.nlp("The Baltic states condemned Belarus.")
    got = sorted((s._.actor, s._.target, s._.expanded_from) for s in doc.spans["claims"])
    assert got == [(c, "BLR", "group:baltic_states") for c in ("EST", "LTU", "LVA")]
    doc = annotator.nlp("Estonia condemned Belarus.")
    assert [s._.expanded_from for s in doc.spans["claims"]] == [None]
