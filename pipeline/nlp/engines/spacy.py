"""The spaCy engine: the pipeline of ``nlp/config.cfg`` as it is."""

from __future__ import annotations

from spacy.language import Language

from pipeline.nlp.language import assemble_checked, load_config
from pipeline.registry import engines
from pipeline.settings import Settings


@engines.register("spacy")
def spacy_engine(settings: Settings) -> Language:
    nlp = assemble_checked(load_config(settings), settings)
    nlp.meta["engine"] = {"name": "spacy"}
    return nlp
