"""The country linker: a spaCy component, shaped like scispacy's ``EntityLinker``.

``__call__(doc)`` sets, on every entity span, ``span._.country`` (ISO3 or None),
``span._.countries`` (all codes, for groups), ``span._.kb_id`` (Wikidata QID),
``span._.kb_entry`` and ``span._.kb_type``. The knowledge base (``CountryKB``) is data: loaded
from ``data/country_kb.jsonl`` at ``initialize`` and saved with the pipeline.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.kb import CountryKB, KBEntry
from pipeline.settings import DATA_DIR

KB_FILE = "country_kb.jsonl"

for _name in ("country", "countries", "kb_id", "kb_entry", "kb_type", "ner_source"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def link_entry(kb: CountryKB, text: str, hint: str | None = None) -> KBEntry | None:
    """The entry a mention links to: the entity ruler's stamped entry, else a lookup by text."""
    entry = kb.entries.get(hint) if hint else None
    return entry or kb.lookup(text)


class CountryLinker:
    def __init__(self, nlp: Language, name: str = "country_linker"):
        self.name = name
        self.kb: Optional[CountryKB] = None
        self._kb_path: Optional[Path] = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, kb_path: Optional[str] = None):
        self._kb_path = Path(kb_path) if kb_path else DATA_DIR / KB_FILE
        self.kb = CountryKB.from_path(self._kb_path)

    def __call__(self, doc: Doc) -> Doc:
        if self.kb is None:
            raise ValueError("country_linker: the knowledge base is not loaded; call nlp.initialize()")
        for ent in doc.ents:
            entry = link_entry(self.kb, ent.text, ent.ent_id_ or None)
            if entry is None:
                continue
            ent._.country = entry.country
            ent._.countries = entry.countries
            ent._.kb_id = self.kb.qid(entry)
            ent._.kb_entry = entry.id
            ent._.kb_type = entry.type
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self._kb_path, path / KB_FILE)

    def from_disk(self, path, *, exclude=()):
        self._kb_path = Path(path) / KB_FILE
        self.kb = CountryKB.from_path(self._kb_path)
        return self


@Language.factory(
    "country_linker",
    requires=["doc.ents"],
    assigns=["span._.country", "span._.countries", "span._.kb_id", "span._.kb_entry"],
)
def make_country_linker(nlp: Language, name: str):
    return CountryLinker(nlp, name)
