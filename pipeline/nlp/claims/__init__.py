"""Stage 6: claim and stance rows from parsed sentences and linked entities.

A rule-based annotator built on spaCy's parse and a cue lexicon kept as data
(``data/stance_cues.jsonl``), in small parts:

- ``rows``: the row store and the span extensions a claim span carries;
- ``labels`` and ``parse``: parse helpers behind a label scheme (``data/label_schemes/``);
- ``cues``: which tokens are cues, and of which class;
- ``polarity``: negation in scope, complements that turn a cue, hypotheticals and copulas;
- ``actors``: the subject or passive agent, the speaker for "we", pronouns, groups, reported speech;
- ``targets``, ``aggression`` and ``wrongs``: the state a position is toward, the invader for
  "the invasion of X", and what a wrong or a punishment in the cue's phrase does to the stance;
- ``conflict``: the party to the war and its victim, and whether a sentence is about the war;
- ``sentence``: one sentence's rows from those parts, then the statement rules
  (``pipeline/nlp/statement_rules/``);
- ``component``: the ``claim_rules`` spaCy component.
"""

from pipeline.nlp.claims.component import ClaimRules, make_claim_rules
from pipeline.nlp.claims.cues import Cue, load_cues
from pipeline.nlp.claims.rows import ROWS, SPAN_EXTENSIONS, claim_span, trim
from pipeline.nlp.lexicon import Lexicon

__all__ = [
    "ROWS",
    "SPAN_EXTENSIONS",
    "ClaimRules",
    "Cue",
    "Lexicon",
    "claim_span",
    "load_cues",
    "make_claim_rules",
    "trim",
]
