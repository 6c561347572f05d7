"""Rule fixes of ``claim_rules``: each with a sentence written for the test."""

from __future__ import annotations

import pytest

# A sentence that puts a text about Russia's war: a position on "the war" needs its conflict in context.
WAR = "Russia's war against Ukraine goes on. "


def rows(annotator, text, speaker=None, context=""):
    """The rows of ``text`` (after ``context``, whose own rows are left out)."""
    nlp = annotator.nlp
    doc = nlp.make_doc(context + text)
    doc._.speaker = speaker
    doc = nlp(doc)
    return sorted((s._.actor, s._.target, s._.stance) for s in doc.spans["claims"] if s.start_char >= len(context))


CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


@pytest.mark.parametrize(
    "text, expected",
    [
        # negation beyond "not" on the verb: a negated subject, a wary/intention/refusal head
        ("No Central Asian country sided with Moscow in the war.", [(c, "RUS", "oppose") for c in CENTRAL_ASIA]),
        ("Kazakhstan remained wary of endorsing the Russian position.", [("KAZ", "RUS", "oppose")]),
        ("Uzbekistan had no intention of helping Russia.", [("UZB", "RUS", "oppose")]),
        (
            "Astana announced its refusal to recognise the annexed regions as part of Russia.",
            [("KAZ", "RUS", "oppose")],
        ),
        # passive: the agent is the actor, the passive subject the target
        ("Russia was condemned by Kazakhstan.", [("KAZ", "RUS", "oppose")]),
        # every one of three coordinated targets
        (
            "Kyrgyzstan supported Russia, Belarus and Iran.",
            [("KGZ", "BLR", "support"), ("KGZ", "IRN", "support"), ("KGZ", "RUS", "support")],
        ),
        # a cue in a clause with a subject of its own is not the reporting state's position
        ("Moscow claimed that the Western powers supported Ukraine.", []),
        # the complement decides the polarity
        ("Lithuania recognized Russia as a state sponsor of terrorism.", [("LTU", "RUS", "oppose")]),
        (WAR + "Kazakhstan demanded respect for internationally recognized borders.", [("KAZ", "RUS", "oppose")]),
        # UN vote phrasings
        (WAR + "Turkmenistan did not take part in the voting.", [("TKM", "RUS", "neutral")]),
        (
            WAR + "Of the five Central Asian states, Kazakhstan abstained and the rest voted against.",
            [("KAZ", "RUS", "neutral")] + [(c, "RUS", "support") for c in CENTRAL_ASIA if c != "KAZ"],
        ),
        ("Belarus voted against the resolution condemning Russia.", [("BLR", "RUS", "support")]),
        # a negating cue on its own is not its own negation
        ("Kazakhstan rejected Russia's proposal.", [("KAZ", "RUS", "oppose")]),
    ],
)
def test_rule_fix(annotator, text, expected):
    context = WAR if text.startswith(WAR) else ""
    assert rows(annotator, text[len(context) :], context=context) == sorted(expected)


def test_take_part_needs_a_vote(annotator):
    # "part" is a cue only in a voting context
    assert rows(annotator, "Crimea did not become part of Russia for Kazakhstan.") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # the speaker's account of another state's act against a state: the speaker opposes the doer
        (
            "Russia is destroying Ukrainian cities and schools.",
            [("POL", "RUS", "oppose"), ("RUS", "UKR", "oppose")],
        ),
        ("The Russian Federation has waged a war of aggression for two years.", [("POL", "RUS", "oppose")]),
        # the war's victim need not be named: the act is Russia's against Ukraine (§7.4)
        (
            "We have to be clear: Russia invaded a sovereign neighbour.",
            [("POL", "RUS", "oppose"), ("RUS", "UKR", "oppose")],
        ),
        # ... but not when another state says it
        ("Russia claims that Ukraine attacked its territory.", []),
        # "the Ukraine war" names the place, "the Russian-Ukrainian war" two parties: no doer
        ("The Ukraine war has raised food prices.", []),
        ("The Russian-Ukrainian war has raised food prices.", []),
        # a demand on one party is opposition to it
        ("The Russian Federation must immediately withdraw its forces.", [("POL", "RUS", "oppose")]),
        (WAR + "The aggressor must be held accountable.", [("POL", "RUS", "oppose")]),
        # a call on both parties, in a passage about the war, is neutral toward the war party
        ("The war in Ukraine must end. We call on both sides to negotiate.", [("POL", "RUS", "neutral")]),
        ("We call on both sides to negotiate.", []),
        # backing a phrase about a state's wrongs or its punishment opposes that state
        ("We support the mechanisms investigating Russia's violations.", [("POL", "RUS", "oppose")]),
        ("We welcome the prosecution of Russia.", [("POL", "RUS", "oppose")]),
        ("We support Russia's war.", [("POL", "RUS", "support"), ("RUS", "UKR", "oppose")]),
        # another conjunct's object is not the cue's target
        ("We impose sanctions and provide aid to Ukraine.", [("POL", "UKR", "support")]),
        # a statement covers every subject: no default to the war without the war in the sentence
        ("We remain committed to carbon neutrality.", []),
        ("We recognize the independence of Kosovo.", []),
    ],
)
def test_statement_rules(annotator, text, expected):
    context = WAR if text.startswith(WAR) else ""
    assert rows(annotator, text[len(context) :], speaker="POL", context=context) == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # backing what is done to a state for its wrongs opposes it, also further up the phrase
        ("We back the plan to hold Russia to account before international courts.", [("EST", "RUS", "oppose")]),
        ("We welcome the warrants issued by the court for Russia's leaders.", [("EST", "RUS", "oppose")]),
        ("We support a register of the damage caused by Russian forces.", [("EST", "RUS", "oppose")]),
        ("We stand in solidarity against Russia's aggression.", [("EST", "RUS", "oppose"), ("RUS", "UKR", "oppose")]),
        # ... also when a relative clause names the doer of the wrong or the harm
        ("We support a register of the damage that Russian forces have caused.", [("EST", "RUS", "oppose")]),
        (
            "We support efforts to repair the harm that Russia has caused.",
            [("EST", "RUS", "oppose")],
        ),
        ("We support the search for a solution to the crisis created by Russia.", [("EST", "RUS", "oppose")]),
        # ... but the doer of what is backed keeps the support, and a harm's sufferer is not blamed
        ("We welcome the efforts that Turkey has made to reach a deal.", [("EST", "TUR", "support")]),
        ("We support Ukraine in resolving the problems it faces.", [("EST", "UKR", "support")]),
        # ... toward the wrongdoer only: the state backed against it keeps the support
        (
            "We support Ukraine against Russia's aggression.",
            [("EST", "RUS", "oppose"), ("EST", "UKR", "support"), ("RUS", "UKR", "oppose")],
        ),
        # ... but not the victim of the wrong, nor the place of what is investigated
        ("We support a tribunal for the aggression committed against Ukraine.", [("EST", "UKR", "support")]),
        ("We supported an investigation of the situation on the ground in Ukraine.", [("EST", "UKR", "support")]),
        # backing what goes on between the two sides of the war is one neutral row toward the war party
        ("We welcomed the agreement reached between Ukraine and Russia on grain exports.", [("EST", "RUS", "neutral")]),
        (
            "We support the efforts to build trust between the Russian Federation and Ukraine.",
            [("EST", "RUS", "neutral")],
        ),
        # ... between other states it is support
        ("We support the partnership between Chad and Niger.", [("EST", "NER", "support"), ("EST", "TCD", "support")]),
        # a relation between two states named by the cue is no position of the speaker toward them
        ("Some describe the partnership between China and Russia as a threat.", []),
        # a "not" stays in its own conjunct after "but"
        (
            "We are not facing a military threat, but every day we are countering Russia's hybrid attacks.",
            [("EST", "RUS", "oppose")],
        ),
        # dependence on goods is no position; reliance on a state is
        ("We have suffered from relying on Russia for most of our wheat.", []),
        ("We have moved away from relying on Russian gas.", []),
        ("We rely on Finland.", [("EST", "FIN", "support")]),
        ("We relied on Finland for our position in the talks.", [("EST", "FIN", "support")]),
        # a particle is not the cue: "push back"
        ("We must push back the imperialism shown by Russia.", []),
    ],
)
def test_backing_wrongs_between_and_dependence(annotator, text, expected):
    assert rows(annotator, text, speaker="EST") == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # opposing a punishment backs the state punished ...
        ("We condemn the sanctions against Cuba.", [("EST", "CUB", "support")]),
        ("We reject the unilateral coercive measures imposed on Iran.", [("EST", "IRN", "support")]),
        ("We support the lifting of the embargo against Cuba.", [("EST", "CUB", "support")]),
        (
            "We call for an end to the sanctions against Nicaragua and against Cuba.",
            [("EST", "CUB", "support"), ("EST", "NIC", "support")],
        ),
        ("We urge the United States to put an end to its embargo against Cuba.", [("EST", "CUB", "support")]),
        # ... and opposes the state imposing it
        (
            "We call for the lifting of the embargo imposed by the United States on Cuba.",
            [("EST", "CUB", "support"), ("EST", "USA", "oppose")],
        ),
        # imposing or backing a punishment still opposes its object
        ("We have imposed sanctions on Russia.", [("EST", "RUS", "oppose")]),
        ("Our sanctions against Russia will stay.", [("EST", "RUS", "oppose")]),
        ("We support the sanctions against Russia.", [("EST", "RUS", "oppose")]),
        # a punishment the actor neither imposes nor opposes is no position of the actor
        ("We stand with the people of Cuba, who have lived through decades of blockade.", [("EST", "CUB", "support")]),
        ("Farmers in Chad suffer under the sanctions on Niger.", []),
        # rejecting a state's act is no negation of the act: the act stays the doer's
        ("We reject Russia's attack on Ukraine.", [("EST", "RUS", "oppose"), ("RUS", "UKR", "oppose")]),
    ],
)
def test_opposed_punishment(annotator, text, expected):
    assert rows(annotator, text, speaker="EST") == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # thanks, praise and sympathy are support (GUIDELINES §4.1), also an attitude after a copula
        (
            "We extend our deepest condolences to the people of Morocco and Libya.",
            [("SLB", "LBY", "support"), ("SLB", "MAR", "support")],
        ),
        ("We are deeply grateful to Qatar for hosting the conference.", [("SLB", "QAT", "support")]),
        ("I commend the role played by France.", [("SLB", "FRA", "support")]),
        ("We pay tribute to Japan for its leadership.", [("SLB", "JPN", "support")]),
        ("We do not appreciate Russia's threats.", [("SLB", "RUS", "oppose")]),
        # in a statement a group named as the object is no position toward each member
        ("We offer partnerships to our brothers and sisters in Latin America.", []),
        ("We welcome the partnership with the Baltic States.", []),
    ],
)
def test_symbolic_support_and_group_objects_in_statements(annotator, text, expected):
    assert rows(annotator, text, speaker="SLB") == sorted(expected)


def test_group_objects_expand_in_articles(annotator):
    # an article's fixed group still expands to its members (GUIDELINES §2.3)
    assert rows(annotator, "Russia pressured the Central Asian states.") == [("RUS", c, "oppose") for c in CENTRAL_ASIA]


@pytest.mark.parametrize(
    "text, expected",
    [
        # opposing a wrong done to a state backs the state
        ("We condemn the violation of the territorial integrity of Ukraine.", [("SDN", "UKR", "support")]),
        ("We condemn the attacks against Israel.", [("SDN", "ISR", "support")]),
        # ... and an attack on the war's victim with no doer named is the war party's
        (
            "We condemn the attacks on Ukraine's energy grid.",
            [("SDN", "RUS", "oppose"), ("SDN", "UKR", "support"), ("RUS", "UKR", "oppose")],
        ),
        # ... but "of" after an aggression may name its doer, and an act is no attitude toward a wrong
        (
            "Bulgaria has strongly condemned the aggression of the Russian Federation against Ukraine.",
            [("BGR", "RUS", "oppose"), ("RUS", "UKR", "oppose")],
        ),
        (
            "In launching an aggressive war against Ukraine, Russia has attacked a peaceful country.",
            [("RUS", "UKR", "oppose"), ("SDN", "RUS", "oppose")],
        ),
        # "I would like to" is a polite form, not a hypothesis; "seize this opportunity" is an idiom
        ("I would like to thank the Government of Japan for its assistance.", [("SDN", "JPN", "support")]),
        ("We would impose sanctions on Russia if asked.", []),
        ("I would like to seize this opportunity to express our solidarity with Morocco.", [("SDN", "MAR", "support")]),
        # where a person comes from is not the target
        ("I would like to congratulate Mr. Dennis Francis of Trinidad and Tobago on his election.", []),
    ],
)
def test_victims_polite_forms_and_persons(annotator, text, expected):
    assert rows(annotator, text, speaker="SDN") == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the war's victim and the war party need not both be named (GUIDELINES §7.4) ...
        ("Russia's aggression has caused untold suffering.", [("EST", "RUS", "oppose"), ("RUS", "UKR", "oppose")]),
        ("We condemn the aggression against Ukraine.", [("EST", "RUS", "oppose"), ("RUS", "UKR", "oppose")]),
        # ... but "the war in Ukraine" names a place, two parties name no doer, and an attack on the
        # speaker or another state is not the war's
        ("The war in Ukraine has raised food prices.", []),
        ("The Russian-Ukrainian war has raised food prices.", []),
        ("Every day we are countering Russia's hybrid attacks.", [("EST", "RUS", "oppose")]),
        ("Russia's war against Georgia in 2008 was a warning.", [("EST", "RUS", "oppose"), ("RUS", "GEO", "oppose")]),
    ],
)
def test_war_parties_implied(annotator, text, expected):
    assert rows(annotator, text, speaker="EST") == sorted(expected)


def test_occupation_of_our_land(annotator):
    # "our land" in a statement is the speaking state's: the act is against it, and it opposes the doer
    assert rows(annotator, "The occupation of our territory by Turkey continues.", speaker="CYP") == [
        ("CYP", "TUR", "oppose"),
        ("TUR", "CYP", "oppose"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # backing talks or a settlement of the war, taking no side, is neutral toward the war party (§4.3)
        ("Tonga continues to urge a peaceful resolution of the conflict in Ukraine.", [("TON", "RUS", "neutral")]),
        ("We call on Ukraine and Russia to make peace.", [("TON", "RUS", "neutral")]),
        ("We support the initiative for peace mediation between Russia and Ukraine.", [("TON", "RUS", "neutral")]),
        # ... a call on the war party alone is a demand
        (
            "We call on Russia to withdraw its forces from Ukraine and to resume negotiations.",
            [("TON", "RUS", "oppose")],
        ),
        # ... a side's plan or its borders take a side; other disputes and groups are not the war
        ("We are actively supporting President Zelenskyy's peace formula.", [("TON", "UKR", "support")]),
        ("We support a peace based on the territorial integrity of Ukraine.", [("TON", "UKR", "support")]),
        ("We call on the United States and the Russian Federation to continue their dialogue on arms control.", []),
        ("We call on the permanent members of the Security Council to resolve disputes through dialogue.", []),
        ("We welcome the resolution on Ukraine adopted by the General Assembly.", [("TON", "UKR", "support")]),
    ],
)
def test_calls_for_peace(annotator, text, expected):
    assert rows(annotator, text, speaker="TON") == sorted(expected)
