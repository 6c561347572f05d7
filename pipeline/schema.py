"""The JSON schema of every layer, in one place (pydantic models).

``SCHEMAS`` maps a layer file name to its record model. The validator (``audit.py``) checks
every line against these; ``stance-corpus audit --schema DIR`` writes them as JSON Schema.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Stance = Literal["support", "oppose", "neutral"]
Topic = Literal["recognition", "diplomacy", "military", "economy", "energy", "symbolic", "domestic", "other"]
EntityLabel = Literal["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART",
                      "LANGUAGE"]
KBType = Literal["country", "demonym", "capital", "metonym", "organ", "leader", "official", "organisation", "group", "territory"]
ISO3 = str  # checked against pycountry by the validator, which can name the bad code

NonNeg = Field(ge=0)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SpanRef(Record):
    start: int = NonNeg
    end: int = NonNeg


class SectionRec(Record):
    title: Optional[str]
    start: int = NonNeg
    end: int = NonNeg
    heading_start: Optional[int] = None
    heading_end: Optional[int] = None


class ParagraphRec(Record):
    start: int = NonNeg
    end: int = NonNeg
    type: Literal["heading", "paragraph", "list_item"]
    section: int = NonNeg
    label: Optional[str] = None


class FootnoteRec(Record):
    label: str
    text: str
    url: Optional[str]
    markers: list[SpanRef]


class DocumentRec(Record):
    model_config = ConfigDict(extra="forbid", strict=True)
    doc_id: str = Field(min_length=1)
    title: Optional[str]
    authors: list[str]
    date: Optional[str]
    publisher: Optional[str]
    series: Optional[str]
    source: Optional[str]
    licence: Optional[str]
    text: str = Field(min_length=1)
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    offset_unit: Literal["codepoint"]
    sections: list[SectionRec]
    paragraphs: list[ParagraphRec]
    footnotes: list[FootnoteRec]
    header: dict
    removed_lines: list[str]
    problems: list[str]
    produced_by: dict


class SentenceRec(Record):
    doc_id: str
    sent_id: str
    start: int = NonNeg
    end: int = NonNeg
    text: str = Field(min_length=1)
    section: int = NonNeg
    section_title: Optional[str]
    paragraph: int = NonNeg
    footnotes: list[str]
    produced_by: dict


class EntityRec(Record):
    doc_id: str
    ent_id: str
    sent_id: str
    start: int = NonNeg
    end: int = NonNeg
    text: str = Field(min_length=1)
    label: EntityLabel
    country: Optional[ISO3]
    countries: list[ISO3]
    kb_id: Optional[str] = Field(default=None, pattern=r"^Q\d+$")
    kb_entry: Optional[str]
    kb_type: Optional[KBType]
    source: str
    produced_by: dict


class ClaimRec(Record):
    doc_id: str
    claim_id: str
    sent_id: str
    start: int = NonNeg
    end: int = NonNeg
    text: str = Field(min_length=1)
    actor: ISO3
    actor_mentions: list[str]
    target: ISO3
    target_mentions: list[str]
    stance: Stance
    topic: Topic
    footnotes: list[str]
    annotator: str = Field(min_length=1)
    confidence: Optional[float] = Field(default=None, ge=0, le=1)
    cue: Optional[str] = None
    negated: bool = False
    note: Optional[str] = None
    produced_by: Optional[dict] = None


# Layer file (relative to the annotations folder) -> record model.
SCHEMAS = {
    "documents.jsonl": DocumentRec,
    "sentences.jsonl": SentenceRec,
    "entities.jsonl": EntityRec,
    "claims.jsonl": ClaimRec,
    "gold/claims.jsonl": ClaimRec,
    "gold/coder_a.jsonl": ClaimRec,
    "gold/coder_b.jsonl": ClaimRec,
    "gold/coder_c_isolated.jsonl": ClaimRec,
}
ID_FIELD = {DocumentRec: "doc_id", SentenceRec: "sent_id", EntityRec: "ent_id", ClaimRec: "claim_id"}
