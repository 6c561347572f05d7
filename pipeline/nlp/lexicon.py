"""The claim rules' word lists (``data/claim_lexicon.json``) as one object.

``load_lexicon(path)`` gives every reader of one file the same object: the ``claim_rules``
component, and through it the ``claim_encoder``'s candidate pairs (``candidates.py``), so
``--set paths.lexicon=FILE`` changes all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.io import once_per_file
from pipeline.settings import DATA_DIR

DEFAULT_LEXICON = DATA_DIR / "claim_lexicon.json"


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``data/claim_lexicon.json``."""

    hypothetical: frozenset
    wish_verbs: frozenset  # "I would like to thank": a polite form, not a hypothesis
    idiom_objects: frozenset  # "seize this opportunity": the verb is no act toward a state
    singular_pronouns: frozenset  # "we" speaks for the quoted state
    plural_pronouns: frozenset
    person_pronouns: frozenset
    state_nouns: frozenset  # subject heads whose "of"/"in" modifier names their state
    background: frozenset  # cues inside these are background (dependence), not acts
    receive: frozenset
    first_person: frozenset  # pronouns that mean the speaking state in a statement
    first_person_determiners: frozenset
    speaker_nouns: frozenset  # "my country", "our Government", "my delegation"
    aggression_nouns: frozenset  # a stance toward "the invasion of X" is toward the invader
    war_context: frozenset  # words that put a recognition cue's sentence about the war
    negating_adverbs: frozenset  # "never", "no longer": words on a verb that negate it
    negating_heads: frozenset  # "wary of endorsing", "refusal to recognise": the word above negates the cue
    no_determiners: frozenset  # "no country sided with", "had no intention of helping"
    negative_complements: frozenset  # "recognise X as a state sponsor of terrorism" turns support into oppose
    respect_words: frozenset  # "demand respect for internationally recognized borders"
    border_words: frozenset
    violating_verbs: frozenset  # "violating the sovereignty of Ukraine": a wrong done to the state
    rest_words: frozenset  # "the rest voted against": the group's members not named in the sentence
    vote_nouns: frozenset  # "did not take part in the voting"
    favour_words: frozenset  # "voted in favour of"
    # Statements (GUIDELINES §7; ``pipeline/nlp/statement_rules/``)
    accusation_acts: frozenset  # acts whose report makes the speaker oppose the doer
    speech_verbs: frozenset  # "Russia claims that …": what follows is not the speaker's account
    demand_verbs: frozenset  # "Russia must withdraw / be held accountable"
    demand_modals: frozenset
    war_party_nouns: frozenset  # "the aggressor" is the party to the war
    party_words: frozenset  # "both sides", "all parties"
    all_determiners: frozenset
    call_verbs: frozenset  # "we call on both sides to negotiate"
    peace_words: frozenset
    peace_backing_verbs: frozenset  # "we urge / support / call for a peaceful settlement"
    peace_process_words: frozenset  # talks, a settlement, a ceasefire: not "an end to the aggression"
    wrongdoing_nouns: frozenset  # "support the investigation of Russia's crimes" opposes Russia
    harm_nouns: frozenset  # "resolve the problems created by X": X is blamed, only as the doer
    punitive_nouns: frozenset
    punitive_modifiers: frozenset  # "unilateral coercive measures" are a punishment, "measures" alone are not
    imposing_verbs: frozenset  # "we imposed sanctions": the subject imposes the punishment
    sanction_nouns: frozenset  # ... which a sanction noun needs for its clause's subject to be its actor
    reversal_words: frozenset  # "call for the lifting of / an end to / condemn the embargo": the punishment is opposed
    recognition_objects: frozenset  # a positive recognition defaults to the war party only with these
    waging_verbs: frozenset  # "Russia has waged a war of aggression": the subject is the doer
    targetless_accusations: frozenset  # "Russia invaded another sovereign country": an act with no state named
    punitive_verbs: frozenset  # "support efforts to prosecute Russia / impose costs on Russia"
    accountable_words: frozenset  # "hold Russia to account / accountable"
    war_act_nouns: frozenset  # "Russia's invasion / aggression / war" is against the war's victim
    place_wars: (
        frozenset  # "the war / conflict against Ukraine" may be anyone's; "the invasion of Ukraine" is the war party's
    )
    dependence_verbs: frozenset  # "relying on Russian gas": dependence on goods is no position
    dependence_shares: frozenset  # "relying on Russia for most of our wheat"
    # Candidate pairs (``candidates.py``): the wording that puts a sentence about the war
    war_nouns: frozenset  # "the war", "the invasion", whatever else the sentence names
    war_if_named: (
        frozenset  # "the conflict", "the crisis" (candidate pairs take war wording only in a sentence with a conflict)
    )
    neutrality_words: frozenset  # neutrality is a position on the war (GUIDELINES §3.1) even when it is not named
    war_wording_exclusions: frozenset  # aggression nouns that do not by themselves mean the war ("attack")
    demonstratives: frozenset  # "these states", "that country" point back to states named before
    state_reference_nouns: frozenset  # ... with one of these nouns
    # Parties that are the forum of a statement, never its speaker's target ("the United Nations")
    forum_parties: frozenset

    @classmethod
    def from_path(cls, path: str | Path) -> "Lexicon":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: frozenset(v) for k, v in data.items() if not k.startswith("_")})


_load = once_per_file(Lexicon.from_path)


def load_lexicon(path: str | Path = DEFAULT_LEXICON) -> Lexicon:
    """The lexicon of ``path``: one object per file (and version of it)."""
    return _load(path)
