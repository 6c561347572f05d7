"""The country knowledge base: aliases -> ISO 3166-1 alpha-3 codes and Wikidata QIDs.

Entries live in ``data/country_kb.jsonl`` (capitals, metonyms, leaders, officials, organs,
organisations, groups, demonyms, extra country aliases). The ISO names of every country
come from pycountry, so any country is linked by its standard names without a row here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pycountry

_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_ARTICLE = re.compile(r"^the\s+", re.I)


@dataclass(frozen=True)
class KBEntry:
    id: str
    type: str  # country | demonym | capital | metonym | organ | leader | official | organisation | group
    country: Optional[str]
    label: str
    aliases: tuple[str, ...]
    members: tuple[str, ...] = ()
    qid: Optional[str] = None

    @property
    def countries(self) -> list[str]:
        """The countries a mention of this entry stands for (a group stands for all members)."""
        if self.country:
            return [self.country]
        return list(self.members) if self.type == "group" else []


@dataclass
class CountryKB:
    entries: dict[str, KBEntry]
    sha256: str = ""
    _by_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _by_folded: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for entry in self.entries.values():
            for alias in entry.aliases:
                key = self.normalise(alias)
                self._by_alias.setdefault(key, entry.id)
                self._by_folded.setdefault(key.casefold(), entry.id)

    @classmethod
    def from_path(cls, path: str | Path) -> "CountryKB":
        data = Path(path).read_bytes()
        entries: dict[str, KBEntry] = {}
        for country in pycountry.countries:
            names = {country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)}
            entries[country.alpha_3] = KBEntry(
                country.alpha_3, "country", country.alpha_3, "GPE", tuple(sorted(n for n in names if n))
            )
        for line_no, line in enumerate(data.decode("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for code in [row.get("country")] + row.get("members", []):
                if code and pycountry.countries.get(alpha_3=code) is None:
                    raise ValueError(f"{path}:{line_no}: {code!r} is not an ISO 3166-1 alpha-3 code")
            aliases = tuple(row["aliases"])
            if row["id"] in entries:  # extra aliases and the QID for a pycountry country
                aliases = entries[row["id"]].aliases + aliases
            entries[row["id"]] = KBEntry(
                row["id"], row["type"], row.get("country"), row["label"], aliases,
                tuple(row.get("members", [])), row.get("qid"),
            )
        return cls(entries, hashlib.sha256(data).hexdigest())

    @staticmethod
    def normalise(text: str) -> str:
        text = " ".join(text.replace("'", "’").split())
        return _POSSESSIVE.sub("", _ARTICLE.sub("", text)).strip()

    def lookup(self, text: str) -> Optional[KBEntry]:
        key = self.normalise(text)
        entry_id = self._by_alias.get(key) or self._by_folded.get(key.casefold())
        return self.entries[entry_id] if entry_id else None

    def qid(self, entry: KBEntry) -> Optional[str]:
        """The QID a mention links to: the entry's own, else its country's."""
        if entry.qid:
            return entry.qid
        country = self.entries.get(entry.country or "")
        return country.qid if country else None

    def ruler_patterns(self) -> list[dict]:
        patterns = []
        for entry in self.entries.values():
            for alias in entry.aliases:
                patterns.append({"label": entry.label, "pattern": alias, "id": entry.id})
        return patterns
