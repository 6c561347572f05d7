"""Plain records for every layer. Field order here is the field order in the JSONL."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

STANCES = ("support", "oppose", "neutral")
TOPICS = ("recognition", "diplomacy", "military", "economy", "energy", "symbolic", "domestic", "other")


@dataclass
class Section:
    title: Optional[str]
    start: int
    end: int
    heading_start: Optional[int] = None
    heading_end: Optional[int] = None


@dataclass
class Paragraph:
    start: int
    end: int
    type: str  # "heading" | "paragraph" | "list_item"
    section: int
    label: Optional[str] = None  # the list number of a list item


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Footnote:
    label: str
    text: str
    url: Optional[str]
    markers: list[Span] = field(default_factory=list)


@dataclass
class Document:
    doc_id: str
    title: Optional[str]
    authors: list[str]
    date: Optional[str]
    publisher: Optional[str]
    series: Optional[str]
    source: Optional[str]
    licence: Optional[str]
    text: str
    text_sha256: str
    offset_unit: str
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    header: dict
    removed_lines: list[str]
    problems: list[str]
    produced_by: dict


@dataclass
class Sentence:
    doc_id: str
    sent_id: str
    start: int
    end: int
    text: str
    section: int
    section_title: Optional[str]
    paragraph: int
    footnotes: list[str]
    produced_by: dict


@dataclass
class Entity:
    doc_id: str
    ent_id: str
    sent_id: str
    start: int
    end: int
    text: str
    label: str
    country: Optional[str]
    countries: list[str]
    kb_id: Optional[str]
    kb_entry: Optional[str]
    kb_type: Optional[str]
    source: str
    produced_by: dict


@dataclass
class Claim:
    doc_id: str
    claim_id: str
    sent_id: str
    start: int
    end: int
    text: str
    actor: str
    actor_mentions: list[str]
    target: str
    target_mentions: list[str]
    stance: str
    topic: str
    footnotes: list[str]
    annotator: str
    confidence: Optional[float] = None
    cue: Optional[str] = None
    negated: bool = False
    note: Optional[str] = None
    produced_by: Optional[dict] = None  # automatic rows: component, version, model and its version


def to_dict(record) -> dict:
    return asdict(record)
