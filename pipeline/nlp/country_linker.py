"""The country linker: a spaCy component, shaped like scispacy's ``EntityLinker``.

``__call__(doc)`` sets, on every entity span, ``span._.country`` (ISO3 or None),
``span._.countries`` (all codes, for groups), ``span._.kb_id`` (Wikidata QID),
``span._.kb_entry`` and ``span._.kb_type``. The knowledge base is a separate object
(``CountryKB``) loaded from data.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.kb import CountryKB, KBEntry

for _name, _default in (("country", None), ("countries", None), ("kb_id", None), ("kb_entry", None), ("kb_type", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


def link_entry(kb: CountryKB, text: str, hint: str | None = None) -> KBEntry | None:
    """The knowledge-base entry a mention links to: the ruler's stamped entry, else a lookup by text.

    Shared by every engine (``segment.py`` calls it for spaCy's and stanza's spans alike).
    """
    entry = kb.entries.get(hint) if hint else None
    return entry or kb.lookup(text)


class CountryLinker:
    def __init__(self, kb: CountryKB):
        self.kb = kb

    def __call__(self, doc: Doc) -> Doc:
        for ent in doc.ents:
            # The ruler stamps its entry id on the span; NER spans are looked up by text.
            entry = link_entry(self.kb, ent.text, ent.ent_id_ or None)
            if entry is None:
                continue
            ent._.country = entry.country
            ent._.countries = entry.countries
            ent._.kb_id = self.kb.qid(entry)
            ent._.kb_entry = entry.id
            ent._.kb_type = entry.type
        return doc


@Language.factory("country_linker", default_config={"kb_path": None})
def make_country_linker(nlp: Language, name: str, kb_path: str | None):
    from pipeline.settings import Settings

    return CountryLinker(CountryKB.from_path(kb_path or Settings().kb_path))
