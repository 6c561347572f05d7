"""The country linker: a spaCy component, shaped like scispacy's ``EntityLinker``.

``__call__(doc)`` sets, on every entity span, ``span._.country`` (ISO3 or None),
``span._.countries`` (all codes, for groups), ``span._.kb_id`` (Wikidata QID),
``span._.kb_entry`` and ``span._.kb_type``. The knowledge base (``CountryKB``) is data: loaded
from ``data/country_kb.jsonl`` at ``initialize`` and saved with the pipeline.

Before linking it repairs the entity spans in two ways (``data/kb_sources/README.md``):

- an unlinked span of a state organ cut at "of" / "of the" right before a span that links to a
  state ("the Government of" + "Kenya") is one mention: the two become one span that links to
  the state;
- in a statement (``doc._.speaker`` set), the knowledge base's speaker forms of the speaking state
  ("the Kingdom", "His Majesty") become entities that link to it (``source`` "speaker_form"),
  unless they overlap a linked entity or are the head of a longer name ("the Kingdom of ...",
  "His Majesty King ..."). In any other document they stay as NER left them, unlinked.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.nlp.kb import CountryKB, KBEntry, load_kb
from pipeline.settings import DATA_DIR

KB_FILE = "country_kb.jsonl"

_EXTENSIONS = ("country", "countries", "kb_id", "kb_entry", "kb_type", "kb_party", "ner_source")
for _name in _EXTENSIONS:
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
if not Doc.has_extension("speaker"):
    Doc.set_extension("speaker", default=None)  # ISO3 of a statement's speaking state
if not Doc.has_extension("speaker_party"):
    # the speaker as a claim party (an observer's code resolved through the knowledge base)
    Doc.set_extension("speaker_party", default=None)

SPEAKER_SOURCE = "speaker_form"  # the ``source`` of an entity the linker adds for a speaker form
_ARTICLES = {"the"}
# Heads of a span cut at "of" that make "<head> of <state>" a mention of the state: its organs,
# officials and people ("the Government of", "the Permanent Mission of"). Other heads name
# something else ("the Constitution of", "the Coast of") and are not joined.
_ORGANS = frozenset(
    """government governments parliament parliaments people peoples state states republic kingdom
    president presidents presidency minister ministers ministry ministries cabinet king queen emir
    amir sultan monarch prince leader leaders leadership authorities army navy military forces
    embassy embassies mission missions delegation delegations representative representatives
    ambassador congress senate assembly court chancellor""".split()
)


def link_entry(kb: CountryKB, text: str, hint: str | None = None) -> KBEntry | None:
    """The entry a mention links to: the entity ruler's stamped entry, else a lookup by text."""
    entry = kb.entries.get(hint) if hint else None
    return entry or kb.lookup(text)


def _states(entry: KBEntry | None) -> bool:
    return entry is not None and bool(entry.countries)


def merge_cut_names(doc: Doc, ents: list[Span], links: dict) -> list[Span]:
    """Join an unlinked span cut at "of" ("the Government of", "the Governments of the") whose head
    is a state organ, official or people (``_ORGANS``) with the state span right after it (an
    optional "the" between): "the Government of Kenya" is one mention of Kenya, with the first
    span's label. ``links`` maps (start, end) to the entry and
    gets the merged span's entry."""
    out: list[Span] = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        words = [t.lower_ for t in ent]
        head = words[:-1] if words[-1:] == ["of"] else words[:-2] if words[-2:] == ["of", "the"] else []
        cut = bool(head) and head[-1] in _ORGANS
        if cut and nxt is not None and links[ent.start, ent.end] is None and _states(links[nxt.start, nxt.end]):
            gap = [t.lower_ for t in doc[ent.end : nxt.start]]
            if gap == [] or (gap == ["the"] and words[-1] == "of"):
                merged = Span(doc, ent.start, nxt.end, label=ent.label)
                links[merged.start, merged.end] = links[nxt.start, nxt.end]
                out.append(merged)
                i += 2
                continue
        out.append(ent)
        i += 1
    return out


def _names_another(doc: Doc, span: Span) -> bool:
    """Whether a speaker form is the head of a longer name: "the Kingdom of Spain", "His Majesty
    King Abdullah", "His Majesty, Sultan Haitham", "His Majesty the King of Jordan"."""
    after = doc[span.end : span.end + 8]
    if len(after) and after[0].lower_ == "of":
        return True
    if span.label_ != "PERSON":
        return False
    rest = after[1:] if len(after) and after[0].text == "," else after
    if not len(rest):
        return False
    if rest[0].lower_ not in _ARTICLES:
        return rest[0].is_title  # a name follows the title
    i = 1
    while i < len(rest) and rest[i].is_title:
        i += 1
    return 1 < i < len(rest) and rest[i].lower_ == "of"  # "the King of ..."


class CountryLinker:
    def __init__(self, nlp: Language, name: str = "country_linker"):
        self.name = name
        self.kb: Optional[CountryKB] = None
        self._kb_path: Optional[Path] = None
        self._matchers: dict[str, Matcher] = {}
        self._entries: dict[int, KBEntry] = {}

    def initialize(self, get_examples=None, *, nlp: Language | None = None, kb_path: Optional[str] = None):
        self._kb_path = Path(kb_path) if kb_path else DATA_DIR / KB_FILE
        self._load(self._kb_path)

    def _load(self, path: Path) -> None:
        self.kb = load_kb(path)
        self._matchers, self._entries = {}, {}

    def _matcher(self, doc: Doc, speaker: str) -> Matcher:
        """A matcher of the speaker's forms, built when a statement of that state first comes."""
        assert self.kb is not None
        if speaker not in self._matchers:
            matcher = Matcher(doc.vocab)
            for form, entry in self.kb.speaker_forms(speaker):
                # Match ids are looked up here, not in the StringStore: a worker's store need
                # not hold a key added while another document was processed.
                self._entries[get_string_id(entry.id)] = entry
                first, *rest = form.split()
                # "the Kingdom" / "The Kingdom", "His Majesty": the first word in any case, the
                # name words as written (a lower-case "kingdom" is a common noun).
                matcher.add(entry.id, [[{"LOWER": first.lower()}] + [{"ORTH": w} for w in rest]])
            self._matchers[speaker] = matcher
        return self._matchers[speaker]

    def speaker_mentions(self, doc: Doc, speaker: str, ents: list[Span], links: dict) -> list[Span]:
        """``ents`` plus the speaker forms of ``speaker`` found in ``doc`` (their entries go into
        ``links``). A form replaces the unlinked entities that lie inside it ("Kingdom" in "the
        Kingdom", "Royal Highness" in "His Royal Highness") or have its label; it is left out where
        it overlaps any other entity, where "of" follows ("the Kingdom of Spain") or where a name or a role "of"
        someone follows a title ("His Majesty King Abdullah", "His Majesty the King of Jordan"):
        those name another state or person."""
        assert self.kb is not None
        entries = {}
        for match_id, start, end in self._matcher(doc, speaker)(doc):
            entry = self._entries[match_id]
            entries[start, end] = (Span(doc, start, end, label=entry.label), entry)
        kept, added = list(ents), []
        for span in filter_spans([span for span, _ in entries.values()]):
            if _names_another(doc, span):
                continue
            overlapping = [e for e in kept if e.start < span.end and e.end > span.start]
            # An unlinked NER span inside the form ("Kingdom") or of the same kind that ran past
            # it ("the Kingdom welcomed") gives way; a linked one, or another kind of name, stays.
            if any(
                links[e.start, e.end] is not None
                or (e.label != span.label and (e.start < span.start or e.end > span.end))
                for e in overlapping
            ):
                continue
            kept = [e for e in kept if e not in overlapping]
            links[span.start, span.end] = entries[span.start, span.end][1]
            added.append(span)
        return sorted(kept + added, key=lambda e: e.start)

    def __call__(self, doc: Doc) -> Doc:
        if self.kb is None:
            raise ValueError("country_linker: the knowledge base is not loaded; call nlp.initialize()")
        if doc._.speaker:
            doc._.speaker_party = self.kb.speaker_party(doc._.speaker)
        ents = list(doc.ents)
        links = {(e.start, e.end): link_entry(self.kb, e.text, e.ent_id_ or None) for e in ents}
        spans = merge_cut_names(doc, ents, links)
        merged = {(e.start, e.end) for e in spans}
        if doc._.speaker and self.kb.speaker_forms(doc._.speaker):
            spans = self.speaker_mentions(doc, doc._.speaker, spans, links)
        # The QID also goes into spaCy's own ``kb_id`` (``ent.kb_id_``), which a span's
        # extension values are keyed by: they are read first and set again on the new spans.
        kept = [{name: getattr(u, name) for name in _EXTENSIONS} for u in (e._ for e in spans)]
        qids = [self.kb.qid(entry) if (entry := links[e.start, e.end]) is not None else None for e in spans]
        new = [Span(doc, e.start, e.end, label=e.label, kb_id=q or "", span_id=e.id) for e, q in zip(spans, qids)]
        doc.ents = new  # the same spans as ``doc.ents`` gives back (in order, with their ids)
        for ent, values, qid in zip(new, kept, qids):
            u = ent._
            for name, value in values.items():
                if value is not None:
                    setattr(u, name, value)
            if (ent.start, ent.end) not in merged:
                u.ner_source = SPEAKER_SOURCE
            entry = links[ent.start, ent.end]
            if entry is None:
                continue
            u.country = entry.country
            u.countries = entry.countries
            u.kb_id = qid
            u.kb_entry = entry.id
            u.kb_type = entry.type
            u.kb_party = self.kb.party_of(entry.id)  # the organisation it is a party for, if any
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self._kb_path, path / KB_FILE)

    def from_disk(self, path, *, exclude=()):
        self._kb_path = Path(path) / KB_FILE
        self._load(self._kb_path)
        return self


@Language.factory(
    "country_linker",
    requires=["doc.ents"],
    assigns=["span._.country", "span._.countries", "span._.kb_id", "span._.kb_entry"],
)
def make_country_linker(nlp: Language, name: str):
    return CountryLinker(nlp, name)
