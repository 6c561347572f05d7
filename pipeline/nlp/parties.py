"""The claim parties the knowledge base knows: organisation ids and party names, read once from
the default knowledge base (for readers outside the pipeline: the validator, the exporters)."""

from __future__ import annotations

from pathlib import Path

import pycountry

from pipeline.nlp.kb import CountryKB, load_kb
from pipeline.schema import party_type
from pipeline.settings import DATA_DIR


def default_kb(path: Path = DATA_DIR / "country_kb.jsonl") -> CountryKB:
    """The knowledge base of a file, read once (for readers outside the pipeline: the validator)."""
    return load_kb(path)


def names_party(countries, kb_entry, code: str) -> bool:
    """Whether a linked mention (its ``countries`` and knowledge-base entry) names a claim party:
    a state among its countries, or the organisation the entry is or acts for."""
    return code in (countries or ()) or code == default_kb().party_of(kb_entry)


def party_name(code: str) -> str:
    """A claim party's name: a state's ISO 3166 name, an organisation's longest alias without an
    article ("European Union" for ``org:eu``); the code itself when neither is known."""
    if party_type(code) == "state":
        country = pycountry.countries.get(alpha_3=code)
        return country.name if country else code
    entry = default_kb().entries.get(code)
    names = [a for a in (entry.aliases if entry else ()) if not a.lower().startswith("the ")]
    return max(names, key=len) if names else code


def organisation_ids(path: Path = DATA_DIR / "country_kb.jsonl") -> frozenset[str]:
    """The ids of the knowledge base's organisations that can be claim parties (``org:<id>``)."""
    kb = default_kb(path)
    return frozenset(e.id for e in kb.entries.values() if e.type == "organisation" and party_type(e.id) != "state")
