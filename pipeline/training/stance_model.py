"""Apply a stance classifier saved by ``stance-corpus train``.

The model input is the claim text with the actor and target marked, so that one sentence can
carry different stances for different (actor, target) pairs::

    [ACTOR=KAZ] [TARGET=RUS] <A>Kazakhstan</A> did not recognise <T>Crimea</T> as part of Russia.

``StanceModelClaims`` wraps a claim annotator (claim detection and actor/target linking stay
with it) and replaces each row's ``stance`` with the model's label and ``confidence`` with the
model's probability for that label; ``annotator`` names the model and its dataset revision.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.schema import STANCES

MODEL_FILE = "model.json"
TFIDF_FILE = "tfidf_lr.joblib"
TEXTCAT_DIR = "textcat"


def mark(text: str, offset: int, actor_spans: Iterable[tuple[int, int]],
         target_spans: Iterable[tuple[int, int]]) -> str:
    """``text`` (which starts at document offset ``offset``) with <A>..</A> / <T>..</T> around
    the actor and target mentions that lie inside it. Overlapping spans keep the first."""
    spans = sorted({(s - offset, e - offset, "A") for s, e in actor_spans}
                   | {(s - offset, e - offset, "T") for s, e in target_spans})
    out, pos = [], 0
    for s, e, tag in spans:
        if s < pos or s < 0 or e > len(text) or s >= e:
            continue
        out += [text[pos:s], f"<{tag}>", text[s:e], f"</{tag}>"]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def model_input(text: str, offset: int, actor: str, target: str,
                actor_spans: Iterable[tuple[int, int]] = (), target_spans: Iterable[tuple[int, int]] = ()) -> str:
    return f"[ACTOR={actor}] [TARGET={target}] " + mark(text, offset, actor_spans, target_spans)


class StanceModel:
    """A saved model: ``predict(texts)`` -> [(label, probability)]."""

    def __init__(self, model_dir: str | Path):
        self.dir = Path(model_dir)
        meta_path = self.dir / MODEL_FILE
        if not meta_path.exists():
            raise FileNotFoundError(meta_path)
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.kind = self.meta["kind"]
        self.revision = self.meta["dataset_revision"]
        self.name = f"stance_model/{self.kind}@claims:{self.revision[:12]}"
        if self.kind == "tfidf_lr":
            import joblib

            self._model = joblib.load(self.dir / TFIDF_FILE)
        elif self.kind == "textcat":
            import spacy

            self._model = spacy.load(self.dir / TEXTCAT_DIR)
        else:
            raise ValueError(f"{meta_path}: unknown model kind {self.kind!r}")

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        if self.kind == "tfidf_lr":
            probs = self._model.predict_proba(list(texts))
            classes = [STANCES[int(c)] for c in self._model.classes_]
            out = []
            for row in probs:
                best = max(range(len(row)), key=lambda i: (row[i], -i))
                out.append((classes[best], float(row[best])))
            return out
        out = []
        for doc in self._model.pipe(texts):
            label = max(STANCES, key=lambda k: (doc.cats.get(k, 0.0), -STANCES.index(k)))
            out.append((label, float(doc.cats[label])))
        return out


class StanceModelClaims:
    """A claim annotator whose stance and confidence come from a trained ``StanceModel``."""

    def __init__(self, inner, model_dir: str | Path):
        self.inner = inner
        self.model = StanceModel(model_dir)
        self.name = self.model.name

    def start_document(self, doc_id: str) -> None:
        self.inner.start_document(doc_id)

    def __call__(self, doc_id, doc, base, text, sentences, entities, token_sent):
        claims = self.inner(doc_id, doc, base, text, sentences, entities, token_sent)
        spans = {e.ent_id: (e.start, e.end) for e in entities}
        texts = [model_input(c.text, c.start, c.actor, c.target,
                             [spans[m] for m in c.actor_mentions if m in spans],
                             [spans[m] for m in c.target_mentions if m in spans]) for c in claims]
        return [replace(c, stance=label, confidence=round(prob, 4), annotator=self.name)
                for c, (label, prob) in zip(claims, self.model.predict(texts))]
