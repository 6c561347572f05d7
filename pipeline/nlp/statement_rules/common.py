"""What the statement rules share: reported speech and the states a phrase names."""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.nlp.claims.parse import countries_in
from pipeline.nlp.claims.toolkit import Toolkit


def reported(tools: Toolkit, token: Token) -> bool:
    """Is ``token`` inside a clause of saying whose subject is not the speaker ("Russia claims
    that …", "they say …"), or inside another subject's position ("Bulgaria has condemned the
    aggression …")? The speaker's own "we believe that …" is its own account."""
    for up in token.ancestors:
        saying = up.lemma_.lower() in tools.lex.speech_verbs
        if not saying and not (up.pos_ == "VERB" and tools.cues.cue_for(up) is not None):
            continue
        subject = tools.parse.clause_subject(up)
        if subject is None:
            if saying:
                return True
            continue
        if not tools.actors.first_person(subject):
            return True
    return False


def names(subject: Token, tok2ent: dict) -> set:
    """The parties the phrase names."""
    return {c for _, e in countries_in(subject.subtree, tok2ent) for c in e["countries"]}


def speaks_for(tools: Toolkit, subject: Token, tok2ent: dict, speaker: str) -> bool:
    """Is the subject the speaker: "we", "my country", or the speaker named?"""
    return tools.actors.first_person(subject) or names(subject, tok2ent) == {speaker}
