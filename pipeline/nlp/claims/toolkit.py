"""The public parts of the claim engine, as one record handed to statement rules, and the record
a statement rule reads for one sentence."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from pipeline.nlp.claims.actors import Actors
from pipeline.nlp.claims.conflict import WarContext
from pipeline.nlp.claims.cues import CueIndex
from pipeline.nlp.claims.labels import LabelScheme
from pipeline.nlp.claims.parse import Parse
from pipeline.nlp.lexicon import Lexicon


@dataclass(frozen=True)
class Toolkit:
    labels: LabelScheme
    lex: Lexicon
    parse: Parse
    actors: Actors
    cues: CueIndex
    war: WarContext


@dataclass(frozen=True)
class StatementInput:
    sent: Span
    tok2ent: dict  # token index -> its linked mention
    speaker: str  # the speaking state's code
    acts: list  # (cue token, row) of the acts the sentence reports, for accusations
    rows: list  # the sentence's rows so far
    # The sentence's lower-case lemmas (``DocWords.lemma_set``), found once for every rule: a rule
    # none of whose cue words is among them has nothing to do in the sentence.
    lemmas: frozenset


class StatementRule:
    """A rule that only statements have (GUIDELINES §7): rows the speaker's words imply.
    Registered in ``pipeline.registry.statement_rules`` and listed in the ``claim_rules``
    component's ``statement_rules`` setting, which runs them in that order."""

    def __init__(self, tools: Toolkit):
        self.tools = tools
        self.lex = tools.lex
        self.labels = tools.labels

    def __call__(self, given: StatementInput) -> list[dict]:
        raise NotImplementedError
