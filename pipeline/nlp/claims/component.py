"""The ``claim_rules`` spaCy component: loads the knowledge (cues, topics, lexicon, label
scheme), builds the parts of the engine from it, and writes one claim span per row."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

import pipeline
import pipeline.nlp.claims.scorer  # noqa: F401  (registers the claim scorer)
from pipeline import registry
from pipeline.nlp.claims.actors import Actors
from pipeline.nlp.claims.aggression import Aggression
from pipeline.nlp.claims.conflict import WarContext
from pipeline.nlp.claims.cues import CueIndex, load_cue_patterns, load_cues
from pipeline.nlp.claims.doc_words import DocWords
from pipeline.nlp.claims.labels import DEFAULT_SCHEME, LabelScheme
from pipeline.nlp.claims.parse import Parse
from pipeline.nlp.claims.polarity import Polarity
from pipeline.nlp.claims.rows import claim_span, party, trim
from pipeline.nlp.claims.sentence import Scope, SentenceRules
from pipeline.nlp.claims.targets import Targets
from pipeline.nlp.claims.toolkit import Toolkit
from pipeline.nlp.claims.wrongs import Wrongs
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.markers import marker_labels, marker_tokens
from pipeline.settings import DATA_DIR

DATA_FILES = {
    "cues": "stance_cues.jsonl",
    "topics": "topic_keywords.json",
    "lexicon": "claim_lexicon.json",
    "labels": "label_scheme.json",
    "patterns": "cue_patterns.jsonl",
}
DEFAULT_PATHS = {
    "cues": DATA_DIR / DATA_FILES["cues"],
    "topics": DATA_DIR / DATA_FILES["topics"],
    "lexicon": DATA_DIR / DATA_FILES["lexicon"],
    "labels": DEFAULT_SCHEME,
    "patterns": DATA_DIR / DATA_FILES["patterns"],
}
STATEMENT_RULES = ["accusations", "demands", "calls_on_parties", "calls_for_peace"]


class ClaimRules:
    """Writes ``doc.spans[spans_key]``: one span per (claim, actor, target) row, the span being the
    claim's sentence, with the row in the span extensions (``rows.SPAN_EXTENSIONS``). Nothing is
    kept between documents: pronoun antecedents live in one ``__call__``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "claim_rules",
        spans_key: str = "claims",
        statement_rules: Optional[list[str]] = None,
        scorer: Optional[Callable[..., dict]] = None,
    ):
        self.name = name
        self.vocab = nlp.vocab
        self.spans_key = spans_key
        self.statement_rule_names = list(STATEMENT_RULES if statement_rules is None else statement_rules)
        self.paths: dict[str, Path] = {}
        self.engine: Optional[SentenceRules] = None
        self.scorer = scorer

    def score(self, examples, **kwargs) -> dict:
        """Claim P/R/F1 over (actor, target, stance) rows (``nlp.evaluate``)."""
        if self.scorer is None:
            return {}
        return self.scorer(examples, **{**kwargs, "spans_key": self.spans_key})

    def initialize(
        self,
        get_examples=None,
        *,
        nlp: Language | None = None,
        cues_path: Optional[str] = None,
        topics_path: Optional[str] = None,
        lexicon_path: Optional[str] = None,
        label_scheme_path: Optional[str] = None,
        cue_patterns_path: Optional[str] = None,
    ):
        given = {
            "cues": cues_path,
            "topics": topics_path,
            "lexicon": lexicon_path,
            "labels": label_scheme_path,
            "patterns": cue_patterns_path,
        }
        self._load({k: Path(v) if v else DEFAULT_PATHS[k] for k, v in given.items()})

    def _load(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        topic_data = json.loads(paths["topics"].read_text(encoding="utf-8"))
        topic_keywords = {k: set(v) for k, v in topic_data.items() if not k.startswith("_")}
        patterns = load_cue_patterns(paths["patterns"])
        self.cues = CueIndex(self.vocab, load_cues(paths["cues"]), topic_keywords, patterns)
        self.lex = load_lexicon(paths["lexicon"])
        self.label_scheme = LabelScheme.from_path(paths["labels"])
        # the cue lexicon's version (an empty pattern file adds nothing to it)
        digest = hashlib.sha256(paths["cues"].read_bytes() + paths["patterns"].read_bytes()).hexdigest()[:8]
        self.annotator = f"pipeline.claims/{pipeline.__version__}+cues:{digest}"
        self.war = WarContext(self.lex)
        parse = Parse(self.label_scheme)
        self.actors = Actors(parse, self.lex)
        self.tools = Toolkit(self.label_scheme, self.lex, parse, self.actors, self.cues, self.war)
        aggression = Aggression(parse, self.lex, self.war)
        self.polarity = Polarity(parse, self.lex, self.cues)
        rules = [registry.get("statement_rules", name)(self.tools) for name in self.statement_rule_names]
        self.engine = SentenceRules(
            self.tools,
            self.polarity,
            Wrongs(parse, self.lex),
            aggression,
            Targets(parse, aggression, self.war),
            rules,
        )

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for key, src in self.paths.items():
            shutil.copyfile(src, path / DATA_FILES[key])

    def from_disk(self, path, *, exclude=()):
        saved = {k: Path(path) / f for k, f in DATA_FILES.items()}
        for key in ("labels", "patterns"):  # a pipeline saved before these were files
            if not saved[key].is_file():
                saved[key] = DEFAULT_PATHS[key]
        self._load(saved)
        return self

    def __call__(self, doc: Doc) -> Doc:
        if self.engine is None:
            raise ValueError(
                f"{self.name}: the component is not initialized (its cues and lexicon are not loaded); "
                "call nlp.initialize() or load a saved pipeline"
            )
        tok2ent = mentions(doc, self.lex.forum_parties if doc._.speaker else frozenset())
        cue_tokens = self.cues.find(doc)
        negator_of = self.polarity.negator_map(doc, cue_tokens, tok2ent)
        spans: list[Span] = []
        last_actor = None
        speaker = [(None, party(doc._.speaker_party or doc._.speaker))] if doc._.speaker else None
        markers = marker_tokens(doc)
        words = DocWords.of(doc)
        for whole in doc.sents:
            sent = trim(whole)
            if sent is None:
                continue
            footnotes = marker_labels(sent, markers)
            scope = Scope(sent, cue_tokens, negator_of, tok2ent, last_actor, speaker, words)
            for row in self.engine.claims(scope):
                conflict = self.war.row_conflict(sent, row["actor"], row["target"])
                given = {**row, "conflict": conflict, "footnotes": footnotes, "annotator": self.annotator}
                spans.append(claim_span(doc, sent.start, sent.end, given))
            last_actor = self.actors.next_actor(sent, tok2ent, last_actor, words)
        doc.spans[self.spans_key] = spans
        return doc


def mentions(doc: Doc, forum: frozenset = frozenset()) -> dict[int, dict]:
    """Token index -> the linked mention it is in (its offsets, parties, KB type and label); the
    ``forum`` parties (a statement's venue) are no mention of a party."""
    tok2ent = {}
    for span in doc.ents:
        ext = span._
        # its states (a group's members), else the organisation it names or acts for (GUIDELINES §2.1)
        named = ext.countries or ([ext.kb_party] if ext.kb_party else [])
        parties = [p for p in named if p not in forum]
        if parties:
            ent = {
                "key": (span.start_char, span.end_char),
                "countries": parties,
                "kb_type": ext.kb_type,
                "label": span.label_,
                "entry": ext.kb_entry,
            }
            for t in span:
                tok2ent[t.i] = ent
    return tok2ent


@Language.factory(
    "claim_rules",
    default_config={
        "spans_key": "claims",
        "statement_rules": STATEMENT_RULES,
        "scorer": {"@scorers": "stance_corpus.claim_scorer.v1"},
    },
    requires=["doc.ents", "token.dep", "token.lemma", "span._.countries"],
    assigns=["doc.spans"],
)
def make_claim_rules(
    nlp: Language,
    name: str,
    spans_key: str,
    statement_rules: list[str],
    scorer: Optional[Callable[..., dict]],
):
    return ClaimRules(nlp, name, spans_key, statement_rules=statement_rules, scorer=scorer)
