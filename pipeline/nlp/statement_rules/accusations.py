"""Accusations (GUIDELINES §7.4): the speaker opposes the doer of an act it reports."""

from __future__ import annotations

from pipeline.nlp.claims.rows import implied_row
from pipeline.nlp.claims.toolkit import StatementInput, StatementRule
from pipeline.nlp.statement_rules.common import reported
from pipeline.registry import statement_rules


@statement_rules.register("accusations")
class Accusations(StatementRule):
    """The sentence's oppose acts (with the cue token that made each): the speaker opposes the doer
    of an act it reports in its own voice, when the act is one of ``accusation_acts`` or is
    against the speaker itself."""

    def __call__(self, given: StatementInput) -> list[dict]:
        out = []
        speaker = given.speaker
        for cue, act in given.acts:
            doer = act["actor"]
            if act["stance"] != "oppose" or doer == speaker or act.get("negated"):
                continue
            if act["target"] != speaker and cue.lemma_.lower() not in self.lex.accusation_acts:
                continue
            if reported(self.tools, cue):
                continue
            out.append(implied_row(speaker, doer, "oppose", cue, act["topic"], act["actor_mentions"]))
        return out
