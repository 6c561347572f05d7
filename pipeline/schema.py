"""The records of every layer, declared once (pydantic models).

The pipeline builds its records from these models (with keywords), the writer serialises
them with ``to_dict`` (field order here is the field order in the JSONL), the validator
(``quality/audit.py``) checks every line against them, the Hugging Face ``Features`` and the
dataset card are derived from them (``export/huggingface.py``), and ``stance-corpus audit
--schema DIR`` writes them as JSON Schema. ``SCHEMAS`` maps a layer file to its model.
"""

from __future__ import annotations

from typing import Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

Stance = Literal["support", "oppose", "neutral"]
Topic = Literal["recognition", "diplomacy", "military", "economy", "energy", "symbolic", "domestic", "other"]
STANCES: tuple[str, ...] = get_args(Stance)
TOPICS: tuple[str, ...] = get_args(Topic)
EntityLabel = Literal[
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"
]
KBType = Literal[
    "country",
    "demonym",
    "capital",
    "metonym",
    "organ",
    "leader",
    "official",
    "organisation",
    "group",
    "territory",
    "historical",
    "place",
]
ISO3 = str  # checked against pycountry by the validator, which can name the bad code
# A party of a claim: a state (ISO3) or an organisation acting as itself (``org:<id>`` of the
# knowledge base); the validator checks both (GUIDELINES §2.1).
Party = str
PartyType = Literal["state", "organisation"]
PARTY_TYPES: tuple[str, ...] = get_args(PartyType)
ORG_PREFIX = "org:"


def party_type(code: str) -> PartyType:
    """``organisation`` for an ``org:<id>``, else ``state``."""
    return "organisation" if code.startswith(ORG_PREFIX) else "state"


Mode = Literal["statement", "act", "vote", "attitude", "characterisation"]
Certainty = Literal["asserted", "reported", "hedged"]
Issue = Literal[
    "war",
    "sanctions",
    "territorial_integrity",
    "peace_process",
    "humanitarian",
    "food_security",
    "energy",
    "nuclear",
    "security_cooperation",
    "economic_cooperation",
    "other",
]

NonNeg = Field(ge=0)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Produced(Record):
    """A row of a document's layers. Provenance is stored once per document (the document's
    ``produced_by``: pipeline version, spaCy, model, components, knowledge-base hash); a row
    names only its ``component``. A row given a per-row ``produced_by`` dict (the earlier
    layer format) keeps its component from it."""

    @model_validator(mode="before")
    @classmethod
    def _component_from_produced_by(cls, data):
        if isinstance(data, dict) and "produced_by" in data and "component" not in data:
            data = dict(data)
            produced = data.pop("produced_by")
            data["component"] = produced.get("component", "") if isinstance(produced, dict) else ""
        return data


class Span(Record):
    start: int = NonNeg
    end: int = NonNeg


class Section(Record):
    title: Optional[str] = None
    start: int = NonNeg
    end: int = NonNeg
    heading_start: Optional[int] = None
    heading_end: Optional[int] = None


class Paragraph(Record):
    start: int = NonNeg
    end: int = NonNeg
    type: Literal["heading", "paragraph", "list_item"]
    section: int = NonNeg
    label: Optional[str] = None


class Footnote(Record):
    label: str
    text: str
    url: Optional[str] = None
    markers: list[Span] = []


class Document(Record):
    doc_id: str = Field(min_length=1)
    title: Optional[str]
    authors: list[str]
    date: Optional[str]
    publisher: Optional[str]
    series: Optional[str]
    source: Optional[str]
    licence: Optional[str]
    collection: str = Field(default="articles", min_length=1)
    # Statements: the speaking state (ISO3; "EU" is an observer), who spoke, the session.
    speaker: Optional[str] = None
    speaker_type: Optional[Literal["state", "observer"]] = None
    speaker_name: Optional[str] = None
    speaker_post: Optional[str] = None
    session: Optional[int] = None
    year: Optional[int] = None
    citation: list[str] = []
    text: str = Field(min_length=1)
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    offset_unit: Literal["codepoint"]
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    header: dict
    removed_lines: list[str]
    problems: list[str]
    produced_by: dict


class Sentence(_Produced):
    doc_id: str
    sent_id: str
    start: int = NonNeg
    end: int = NonNeg
    text: str = Field(min_length=1)
    section: int = NonNeg
    section_title: Optional[str]
    paragraph: int = NonNeg
    footnotes: list[str]
    component: str  # "segment"


class Entity(_Produced):
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
    component: str  # "<source>+country_linker"


class Claim(Record):
    # The component is ``annotator``; the rest of the provenance is the document's.
    doc_id: str
    claim_id: str
    sent_id: str
    start: int = NonNeg
    end: int = NonNeg
    text: str = Field(min_length=1)
    actor: Party
    actor_type: PartyType = "state"
    actor_mentions: list[str]
    target: Party
    target_type: PartyType = "state"
    target_mentions: list[str]
    stance: Stance
    topic: Topic
    conflict: Optional[str] = None  # the id of data/conflicts.jsonl the position concerns
    expanded_from: Optional[str] = None  # the group (knowledge-base id) a party was expanded from
    footnotes: list[str]
    annotator: str = Field(min_length=1)
    confidence: Optional[float] = Field(default=None, ge=0, le=1)
    cue: Optional[str] = None
    negated: bool = False
    note: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _drop_produced_by(cls, data):
        # Earlier layers repeated the document's provenance on every claim row.
        if isinstance(data, dict) and "produced_by" in data:
            data = {k: v for k, v in data.items() if k != "produced_by"}
        return data

    @model_validator(mode="after")
    def _party_types(self):
        # The type follows the code (a row of a layer written before organisations were parties
        # has no type fields); a type that contradicts its code is an error.
        for field in ("actor", "target"):
            code, given = getattr(self, field), f"{field}_type"
            if given not in self.model_fields_set:
                object.__setattr__(self, given, party_type(code))
            elif getattr(self, given) != party_type(code):
                raise ValueError(f"{given} {getattr(self, given)!r} does not fit {field} {code!r}")
        return self


# ---------------------------------------------------------------- knowledge as data
# Records of the reviewed data files: an organisation's memberships (``data/kb_sources/organisations.jsonl``,
# carried into ``data/country_kb.jsonl``) and the conflicts (``data/conflicts.jsonl``).

# A party is a state (ISO3) or an organisation ("org:<id>", an entry of the knowledge base).
PartyId = str
# "YYYY", "YYYY-MM" or "YYYY-MM-DD"; a partial date stands for its first day, so the texts sort as the dates do.
DATE_TEXT = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_SNAKE_ID = r"^[a-z][a-z0-9_]*$"


def _in_order(first: Optional[str], then: Optional[str]) -> bool:
    return first is None or then is None or first < then


class Membership(Record):
    """A state's membership of an organisation, from ``since`` (its first day; null when not recorded) to
    ``until`` (the first day it is no longer a member; null while it is). A suspension is no end of membership;
    ``note`` records it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    state: ISO3
    since: Optional[str] = Field(pattern=DATE_TEXT)
    until: Optional[str] = Field(default=None, pattern=DATE_TEXT)
    note: Optional[str] = None

    @model_validator(mode="after")
    def _since_before_until(self):
        if not _in_order(self.since, self.until):
            raise ValueError(f"{self.state}: since {self.since} is not before until {self.until}")
        return self


class ConflictSide(Record):
    id: str = Field(pattern=_SNAKE_ID)
    name: str = Field(min_length=1)
    members: list[PartyId]  # empty where a side is no state (an armed group, Kosovo)


_SYMBOL_PREFIX = {"UNGA": "A/RES/", "UNSC": "S/RES/"}  # UN document symbols of the two bodies' resolutions


class UNFinding(Record):
    """A state the General Assembly or the Security Council named an aggressor or an occupying Power."""

    party: ISO3
    body: Literal["UNGA", "UNSC"]
    resolution: str = Field(pattern=r"^(A/RES/[A-Z0-9/()-]+|S/RES/\d+)$")
    date: str = Field(pattern=DATE_TEXT)

    @model_validator(mode="after")
    def _symbol_of_its_body(self):
        if not self.resolution.startswith(_SYMBOL_PREFIX[self.body]):
            raise ValueError(f"{self.resolution} is not a resolution of the {self.body}")
        return self


class ConflictTerritory(Record):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)
    belongs_to: Optional[ISO3]  # the state it belongs to under international law; null where disputed
    qid: Optional[str] = Field(default=None, pattern=r"^Q\d+$")
    kb_id: Optional[str] = None  # its entry in the knowledge base, where it has one


class Conflict(Record):
    """One conflict or dispute of ``data/conflicts.jsonl`` (documented in ``data/conflicts.md``)."""

    id: str = Field(pattern=_SNAKE_ID)
    name: str = Field(min_length=1)
    qid: Optional[str] = Field(pattern=r"^Q\d+$")
    sides: list[ConflictSide] = Field(min_length=2)
    aggressors: list[UNFinding]
    occupiers: list[UNFinding]
    territories: list[ConflictTerritory]
    vocabulary: list[str] = Field(min_length=1)
    start: Optional[str] = Field(pattern=DATE_TEXT)
    end: Optional[str] = Field(pattern=DATE_TEXT)
    unverified: list[str] = []  # the fields not checked against a second source ("qid", …)
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self):
        if not _in_order(self.start, self.end):
            raise ValueError(f"start {self.start} is not before end {self.end}")
        if len({s.id for s in self.sides}) != len(self.sides):
            raise ValueError("two sides share an id")
        folded = [v.casefold() for v in self.vocabulary]
        if len(set(folded)) != len(folded):
            raise ValueError("a vocabulary phrase is listed twice (phrases match case-insensitively)")
        return self


class Position(Record):
    """A coded position of a statement's gold (``gold/<collection>/claims.jsonl``): located by a
    line of the statement file (``line``; ``start``/``end`` of the sentence in it, ``span_start``/
    ``span_end`` of ``span``), with the coding sheet's fields."""

    doc_id: str = Field(min_length=1)
    sent_key: str = Field(min_length=1)
    line: int = Field(ge=1)
    start: int = NonNeg
    end: int = NonNeg
    span_start: int = NonNeg
    span_end: int = NonNeg
    actor: Party
    target: Party
    stance: Stance
    mode: Mode
    certainty: Certainty
    issue: Issue
    expanded_from: Optional[str]
    time: Optional[str] = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
    span: str = Field(min_length=1)
    split: Literal["dev", "eval"]
    annotator: str = Field(min_length=1)


# Layer file (relative to the annotations folder) -> record model.
SCHEMAS: dict[str, type[Record]] = {
    "documents.jsonl": Document,
    "sentences.jsonl": Sentence,
    "entities.jsonl": Entity,
    "claims.jsonl": Claim,
    "gold/claims.jsonl": Claim,
    "gold/coder_a.jsonl": Claim,
    "gold/coder_b.jsonl": Claim,
    "gold/coder_c_isolated.jsonl": Claim,
}
# The gold of a collection other than the articles (``gold/<collection>/claims.jsonl``).
POSITIONS = "claims.jsonl"
ID_FIELD: dict[type[Record], str] = {
    Document: "doc_id",
    Sentence: "sent_id",
    Entity: "ent_id",
    Claim: "claim_id",
    Position: "sent_key",
}


def to_dict(record) -> dict:
    """A record as the plain dict that is written (dicts pass through)."""
    return record if isinstance(record, dict) else record.model_dump()
