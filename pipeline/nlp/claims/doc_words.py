"""Every token's lower-case lemma, part of speech and dependency label, read once per Doc from
its arrays: rules that look for words in a sentence build no ``Token`` for the words they skip
(a ``Token`` object per word was a large part of the claim rules' own time)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import DEP, LEMMA, POS
from spacy.tokens import Doc, Span


@dataclass(frozen=True)
class DocWords:
    lemmas: list[str]  # lower-case
    pos: list[int]  # part-of-speech ids (``spacy.parts_of_speech``)
    deps: list[str]  # dependency labels

    @classmethod
    def of(cls, doc: Doc) -> "DocWords":
        arr = doc.to_array([LEMMA, POS, DEP])
        strings = doc.vocab.strings
        lemmas, pos, deps = (arr[:, k].tolist() for k in range(3))
        lower = {h: strings[h].lower() for h in set(lemmas)}
        label = {h: strings[h] for h in set(deps)}
        return cls([lower[h] for h in lemmas], pos, [label[h] for h in deps])

    def lemma_set(self, span: Span) -> frozenset[str]:
        """The span's lower-case lemmas."""
        return frozenset(self.lemmas[span.start : span.end])
