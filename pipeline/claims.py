"""Stage 6: claim and stance rows (filled in by the claims work)."""

from __future__ import annotations


class ClaimAnnotator:
    def __init__(self, settings):
        self.settings = settings

    def __call__(self, doc_id, doc, base, text, sentences, entities, token_sent):
        return []
