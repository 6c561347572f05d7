"""``claim_stance``: a trained stance classifier relabels the rule component's claim rows.

Claim detection and actor/target linking stay with ``claim_rules``; for each row this
component asks the model (``pipeline.training.stance_model``) for the stance of that
(actor, target) pair in the sentence, and sets ``stance``, ``confidence`` and ``annotator``.
With no ``model_path`` in ``[initialize.components.claim_stance]`` (the default) it leaves the
rows as they are. The model's files are saved inside the pipeline by ``nlp.to_disk``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Optional

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.claims.rows import SPAN_EXTENSIONS, claim_span

MODEL_DIR = "model"


class ClaimStance:
    def __init__(self, nlp: Language, name: str, spans_key: str):
        self.name = name
        self.spans_key = spans_key
        self.model: Any = None
        self.model_path: Optional[Path] = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, model_path: Optional[str] = None):
        if model_path:
            self._load(Path(model_path))

    def _load(self, path: Path) -> None:
        from pipeline.training.stance_model import StanceModel

        self.model = StanceModel(path)
        self.model_path = path

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None or not doc.spans.get(self.spans_key):
            return doc
        from pipeline.training.stance_model import model_input

        rows = list(doc.spans[self.spans_key])
        inputs = [
            model_input(s.text, s.start_char, s._.actor, s._.target, s._.actor_mentions, s._.target_mentions)
            for s in rows
        ]
        relabelled = []
        for span, (label, prob) in zip(rows, self.model.predict(inputs)):
            row = {key: getattr(span._, key) for key in SPAN_EXTENSIONS}
            row.update(stance=label, confidence=round(prob, 4), annotator=self.model.name)
            relabelled.append(claim_span(doc, span.start, span.end, row))
        doc.spans[self.spans_key] = relabelled
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model_path is not None:
            shutil.copytree(self.model_path, path / MODEL_DIR, dirs_exist_ok=True)

    def from_disk(self, path, *, exclude=()):
        if (Path(path) / MODEL_DIR).is_dir():
            self._load(Path(path) / MODEL_DIR)
        return self


@Language.factory("claim_stance", default_config={"spans_key": "claims"}, requires=["doc.spans"], assigns=["doc.spans"])
def make_claim_stance(nlp: Language, name: str, spans_key: str):
    return ClaimStance(nlp, name, spans_key)
