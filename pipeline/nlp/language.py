"""Stage 4: the spaCy pipeline.

``en_core_web_sm`` plus three additions:
- a tokenizer infix so that a footnote marker ``[7]`` is one token;
- ``footnote_sentences`` (before the parser): a marker never starts a sentence, so it
  belongs to the sentence it closes (``…Taiwan”[7].``, ``…Ukraine.[10]``);
- ``entity_ruler`` (before NER) from the knowledge base, which fixes the small model's
  errors ("Tajikistan" as NORP, "Kamilov" as ORG, "Crimea" as ORG), and ``country_linker``.
"""

from __future__ import annotations

import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

import pipeline.nlp.country_linker  # noqa: F401  (registers the country_linker factory)
from pipeline.settings import Settings

MARKER_TOKEN = re.compile(r"^\[\d{1,3}\]$")
_CLOSERS = {".", ",", ";", ":", "”", "’", '"', ")", "!", "?"}

# Places the small model tags wrongly that the knowledge base does not hold (not countries).
EXTRA_RULER_PATTERNS = [
    {"label": "GPE", "pattern": name, "id": "place:" + name.lower().replace(" ", "_")}
    for name in ("Crimea", "Donbass", "Donbas", "Donetsk", "Luhansk", "Lugansk", "Kherson", "Zaporizhzhia",
                 "Abkhazia", "South Ossetia", "LNR", "DNR")
]


_FINAL = {".", "!", "?"}


@Language.component("footnote_sentences")
def footnote_sentences(doc: Doc) -> Doc:
    for i, token in enumerate(doc):
        if not MARKER_TOKEN.match(token.text):
            continue
        token.is_sent_start = False
        j = i + 1
        while j < len(doc) and doc[j].text in _CLOSERS:
            doc[j].is_sent_start = False
            j += 1
        # "…Ukraine.[10] Next": the marker closed a finished sentence, so the next word opens one.
        before = {t.text for t in doc[max(0, i - 2) : i]}
        if j < len(doc) and j == i + 1 and before & _FINAL and doc[j].is_title:
            doc[j].is_sent_start = True
    return doc


@Language.component("footnote_markers_not_entities")
def footnote_markers_not_entities(doc: Doc) -> Doc:
    # The small model tags "[1]" as ORG; blocked tokens are left alone by NER.
    markers = [doc[i : i + 1] for i, t in enumerate(doc) if MARKER_TOKEN.match(t.text)]
    if markers:
        doc.set_ents([], blocked=markers, default="unmodified")
    return doc


def load_nlp(settings: Settings | None = None) -> Language:
    settings = settings or Settings()
    nlp = spacy.load(settings.spacy_model)
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [r"\[\d{1,3}\]"] + list(nlp.Defaults.infixes)
    ).finditer
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(
        [r"\[\d{1,3}\]"] + list(nlp.Defaults.suffixes)
    ).search
    nlp.add_pipe("footnote_sentences", before="parser")
    linker = nlp.add_pipe("country_linker", last=True, config={"kb_path": str(settings.kb_path)})
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(linker.kb.ruler_patterns() + EXTRA_RULER_PATTERNS)
    nlp.add_pipe("footnote_markers_not_entities", after="entity_ruler")
    return nlp


def model_info(nlp: Language) -> dict:
    return {"name": nlp.meta.get("lang", "en") + "_" + nlp.meta["name"], "version": nlp.meta["version"],
            "spacy": spacy.__version__}
