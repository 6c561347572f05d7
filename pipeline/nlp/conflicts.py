"""Which conflict(s) a sentence concerns: conflicts are data, one detector decides.

``data/conflicts.jsonl`` lists each conflict with its sides and their members, the parties the
UN General Assembly or Security Council named aggressor or occupying power (with the resolution),
its territories and its vocabulary. ``ConflictDetector`` (the ``conflict_detector`` component,
after the country linker) finds for every sentence the conflicts it concerns, from

- the conflict's vocabulary and territory names in the sentence ("the Golan", "the Nine-Dash
  Line"): each names its conflict;
- the named parties: members of two opposing sides, or one member with a war word ("war",
  "ceasefire", "the aggressor"; ``data/conflict_words.json``);
- the document: a sentence with a war word and no party or name of its own ("the war", "both
  parties", "the occupying Power") belongs to the conflict of the sentences before it, else
  to the conflict the document speaks of most.

The result is on every sentence span as ``span._.conflicts`` (conflict ids, the strongest first)
and on the Doc as ``doc._.conflicts`` (every conflict of the document, the most named first).
Consumers look a conflict up in ``ConflictBook``, loaded once per path (``load_book``).
"""

from __future__ import annotations

import json
import shutil
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable, Optional

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from pipeline.nlp.kb import read_conflicts
from pipeline.nlp.word_index import phrase_matches, rows_where
from pipeline.schema import Conflict
from pipeline.settings import DATA_DIR

CONFLICTS_FILE = "conflicts.jsonl"
WORDS_FILE = "conflict_words.json"
SENT_CONFLICTS = "stance_corpus.sentence_conflicts"  # doc.user_data key: sentence start -> ids
DOC_CONFLICTS = "stance_corpus.conflicts"  # doc.user_data key: id -> the conflict's record (plain)
OWN_EVIDENCE = "stance_corpus.conflict_named"  # doc.user_data key: starts of sentences that name their conflict


@dataclass(frozen=True)
class ConflictRoles:
    """A conflict as the engine uses it: who is on which side, whom the UN named."""

    id: str
    name: str
    sides: tuple[tuple[str, ...], ...]  # the members of each side (ISO3 or org:<id>)
    named: tuple[str, ...]  # parties named aggressor or occupying power by the GA or SC
    phrases: tuple[str, ...]  # vocabulary and territory names

    @cached_property
    def parties(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for side in self.sides for m in side))

    def side_of(self, party: str) -> Optional[int]:
        return next((i for i, side in enumerate(self.sides) if party in side), None)

    def opponents(self, party: str) -> tuple[str, ...]:
        """The members of every side but the party's (empty when it is on no side)."""
        own = self.side_of(party)
        if own is None:
            return ()
        return tuple(m for i, side in enumerate(self.sides) if i != own for m in side)

    @property
    def designated(self) -> tuple[str, ...]:
        """Whom "the aggressor" / "the occupying Power" means: the UN-named parties, else none."""
        return self.named

    @property
    def victims(self) -> tuple[str, ...]:
        """The sides facing the named parties: whom "the aggression" is against."""
        return tuple(dict.fromkeys(v for party in self.named for v in self.opponents(party)))


def _roles(record: Conflict) -> ConflictRoles:
    named = [finding.party for finding in (*record.aggressors, *record.occupiers)]
    phrases = list(record.vocabulary)
    for territory in record.territories:
        phrases += [territory.name, *territory.aliases]
    return ConflictRoles(
        id=record.id,
        name=record.name,
        sides=tuple(tuple(side.members) for side in record.sides),
        named=tuple(dict.fromkeys(named)),
        phrases=tuple(dict.fromkeys(p for p in phrases if p)),
    )


@dataclass(frozen=True)
class ConflictBook:
    """Every conflict of a data file, in file order, and the words that point to a conflict."""

    conflicts: tuple[ConflictRoles, ...]
    words: frozenset  # lemmas or lower-case words: "war", "ceasefire", "aggressor"
    phrases: tuple[tuple[str, ...], ...]  # multi-word pointers: ("both", "parties")

    def get(self, conflict_id: Optional[str]) -> Optional[ConflictRoles]:
        return next((c for c in self.conflicts if c.id == conflict_id), None)

    def with_party(self, party: str) -> tuple[ConflictRoles, ...]:
        return self.by_party.get(party, ())

    @cached_property
    def phrase_ids(self) -> tuple[tuple[int, ...], ...]:
        """The phrases as lower-case string ids, computed once per book rather than per Doc."""
        return tuple(tuple(get_string_id(w) for w in p) for p in self.phrases)

    @cached_property
    def by_party(self) -> dict[str, tuple[ConflictRoles, ...]]:
        """party -> the conflicts it is a member of a side in, in file order."""
        out: dict[str, list[ConflictRoles]] = {}
        for c in self.conflicts:
            for p in c.parties:
                out.setdefault(p, []).append(c)
        return {p: tuple(cs) for p, cs in out.items()}


@lru_cache(maxsize=8)
def load_book(
    conflicts_path: Path = DATA_DIR / CONFLICTS_FILE, words_path: Path = DATA_DIR / WORDS_FILE
) -> ConflictBook:
    """The conflicts and their pointer words, read once per pair of files."""
    words = json.loads(Path(words_path).read_text(encoding="utf-8"))
    return ConflictBook(
        conflicts=tuple(_roles(record) for record in read_conflicts(conflicts_path)),
        words=frozenset(words["words"]),
        phrases=tuple(tuple(p.lower().split()) for p in words["phrases"]),
    )


# ---------------------------------------------------------------- detection


def pointer_spans(doc: Doc, book: ConflictBook) -> list[tuple[int, int]]:
    """The (start, end) token spans of the war words and phrases of a Doc ("the war", "both
    parties"), in order: found in one pass over the Doc's arrays, then asked per sentence."""
    arr = doc.to_array([LEMMA, LOWER])
    # a lemma or lower-case form is a war word; a capitalised lemma counts by its lower case
    war_word = partial(_pointer_word, words=book.words)
    found = [(i, i + 1) for i in rows_where(arr, doc.vocab.strings, war_word)]
    # phrases by their lower-case forms
    found += [(start, end) for start, end, _ in phrase_matches(arr[:, 1:], book.phrase_ids)]
    return sorted(set(found))


def _pointer_word(form: str, words: frozenset) -> bool:
    return form in words or (form[:1].isupper() and form.lower() in words)


def has_pointer(sent: Span, spans: list[tuple[int, int]]) -> bool:
    """Whether the sentence speaks of a conflict without naming it: a war word or phrase inside it."""
    i = bisect_left(spans, (sent.start, -1))
    return any(end <= sent.end for _, end in spans[i : bisect_left(spans, (sent.end, -1))])


def named_parties(ents: Iterable[Span]) -> set[str]:
    """The states and organisations linked entities name (groups left out)."""
    out: set[str] = set()
    for ext in (ent._ for ent in ents):
        if ext.kb_type == "group":
            continue
        out.update(ext.countries or ())
        if ext.kb_type == "organisation" and ext.kb_entry:
            out.add(ext.kb_entry)
    return out


def score(book: ConflictBook, parties: set[str], hits: dict[str, int], pointer: Callable[[], bool]) -> dict[str, int]:
    """Each conflict's evidence in one sentence: 2 per vocabulary or territory name (``hits``), 1
    per named member (``parties``) where members of two sides are named or ``pointer()`` says the
    sentence speaks of a conflict; conflicts without evidence are left out."""
    said: Optional[bool] = None
    scores: dict[str, int] = {}
    # only the conflicts with evidence can score: those with a named member or a name hit
    touched = {c.id for p in parties for c in book.by_party.get(p, ())} | set(hits)
    for conflict in (c for c in book.conflicts if c.id in touched):
        members = [p for p in conflict.parties if p in parties]
        value = 2 * hits.get(conflict.id, 0)
        if len({conflict.side_of(p) for p in members}) >= 2:
            value += len(members)
        elif members:
            said = pointer() if said is None else said
            value += len(members) if said else 0
        if value:
            scores[conflict.id] = value
    return scores


def rank(scores: dict[str, int], prior: dict[str, int], book: ConflictBook) -> tuple[str, ...]:
    """Conflict ids, strongest first; ties go to the conflict the document names more, then file order."""
    order = {c.id: i for i, c in enumerate(book.conflicts)}
    return tuple(sorted(scores, key=lambda c: (-scores[c], -prior.get(c, 0), order[c])))


def totals(per_sentence: Iterable[dict[str, int]]) -> dict[str, int]:
    """Each conflict's evidence over a document."""
    out: dict[str, int] = {}
    for scores in per_sentence:
        for cid, value in scores.items():
            out[cid] = out.get(cid, 0) + value
    return out


def resolve(book: ConflictBook, sentences: list[tuple[dict[str, int], Callable[[], bool]]]) -> list[tuple[str, ...]]:
    """The conflicts of each sentence of a document, from its scores and whether it speaks of a
    conflict: a sentence with no evidence of its own that does ("the war", "both parties") takes
    the conflict of the sentences before it, else the one the document names most."""
    prior = totals(scores for scores, _ in sentences)
    dominant = rank(prior, {}, book)[:1]
    out: list[tuple[str, ...]] = []
    last: tuple[str, ...] = ()
    for scores, pointer in sentences:
        ids = rank(scores, prior, book)
        if not ids and (last or dominant) and pointer():
            ids = last[:1] or dominant
        out.append(ids)
        last = ids or last
    return out


def name_matcher(vocab, make_doc: Callable[[str], Doc], book: ConflictBook) -> PhraseMatcher:
    """A matcher of every conflict's vocabulary and territory names (case folded), keyed by its id."""
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for conflict in book.conflicts:
        matcher.add(conflict.id, [make_doc(p) for p in conflict.phrases])
    return matcher


def name_hits(matcher: PhraseMatcher, doc: Doc) -> dict[int, dict[str, int]]:
    """Conflict id -> how often its names stand in the sentence, per sentence start."""
    out: dict[int, dict[str, int]] = {}
    for match_id, start, _ in matcher(doc):
        per = out.setdefault(doc[start].sent.start, {})
        key = doc.vocab.strings[match_id]
        per[key] = per.get(key, 0) + 1
    return out


class ConflictDetector:
    """Writes the conflicts of every sentence (``span._.conflicts``) and of the Doc."""

    def __init__(self, nlp: Language, name: str = "conflict_detector"):
        self.name = name
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc  # vocabulary phrases are tokenized as the text is
        self.book: Optional[ConflictBook] = None
        self.paths: dict[str, Path] = {}

    def initialize(
        self, get_examples=None, *, nlp: Language | None = None, conflicts_path: Optional[str] = None, words_path=None
    ):
        self._load(
            Path(conflicts_path) if conflicts_path else DATA_DIR / CONFLICTS_FILE,
            Path(words_path) if words_path else DATA_DIR / WORDS_FILE,
        )

    def _load(self, conflicts_path: Path, words_path: Path) -> None:
        self.paths = {CONFLICTS_FILE: conflicts_path, WORDS_FILE: words_path}
        self.book = load_book(conflicts_path, words_path)
        self.matcher = name_matcher(self.vocab, self.make_doc, self.book)

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, src in self.paths.items():
            shutil.copyfile(src, path / name)

    def from_disk(self, path, *, exclude=()):
        self._load(Path(path) / CONFLICTS_FILE, Path(path) / WORDS_FILE)
        return self

    def __call__(self, doc: Doc) -> Doc:
        if self.book is None:
            raise ValueError("conflict_detector: the conflicts are not loaded; call nlp.initialize()")
        book, hits = self.book, name_hits(self.matcher, doc)
        sents = list(doc.sents)
        # the entities of each sentence, in one pass (``Span.ents`` scans the whole Doc each time)
        starts = [s.start for s in sents]
        ents_of: list[list[Span]] = [[] for _ in sents]
        for ent in doc.ents:
            if (i := bisect_right(starts, ent.start) - 1) >= 0:
                ents_of[i].append(ent)
        evidence = []
        pointers = pointer_spans(doc, book)
        for sent, ents in zip(sents, ents_of):
            pointer = _memo(partial(has_pointer, sent, pointers))
            evidence.append((score(book, named_parties(ents), hits.get(sent.start, {}), pointer), pointer))
        found = resolve(book, evidence)
        doc.user_data[SENT_CONFLICTS] = {s.start: list(ids) for s, ids in zip(sents, found) if ids}
        doc.user_data[OWN_EVIDENCE] = [s.start for s, (scores, _) in zip(sents, evidence) if scores]
        # The Doc carries the records of its conflicts, so a component after the detector (or a
        # worker that gets the Doc) needs no knowledge of its own.
        doc.user_data[DOC_CONFLICTS] = {c: _plain(book.get(c)) for ids in found for c in ids}
        doc._.conflicts = list(rank(totals(scores for scores, _ in evidence), {}, book))
        return doc


def _memo(func: Callable[[], bool]) -> Callable[[], bool]:
    """A question asked at most once (whether a sentence speaks of a conflict)."""
    answer: list[bool] = []

    def ask() -> bool:
        if not answer:
            answer.append(func())
        return answer[0]

    return ask


def span_conflicts(span: Span) -> tuple[str, ...]:
    """The conflicts of the sentence a span lies in (none before the detector has run)."""
    if not len(span):
        return ()
    found = span.doc.user_data.get(SENT_CONFLICTS) or {}
    return tuple(found.get(span[0].sent.start, ()))


def _plain(conflict: Optional[ConflictRoles]) -> dict:
    assert conflict is not None
    return {
        "id": conflict.id,
        "name": conflict.name,
        "sides": [list(s) for s in conflict.sides],
        "named": list(conflict.named),
        "phrases": [],
    }


def names_its_conflict(span: Span) -> bool:
    """Whether the sentence of a span names its conflict itself (a party, a territory, a name of
    the conflict), rather than taking it from its context."""
    return bool(len(span)) and span[0].sent.start in (span.doc.user_data.get(OWN_EVIDENCE) or ())


def _record(doc: Doc, cid: str) -> ConflictRoles:
    r = doc.user_data[DOC_CONFLICTS][cid]
    return _roles_of(r["id"], r["name"], tuple(tuple(s) for s in r["sides"]), tuple(r["named"]))


@lru_cache(maxsize=256)
def _roles_of(cid: str, name: str, sides: tuple, named: tuple) -> ConflictRoles:
    """One record object per conflict (the engine asks for a sentence's conflicts many times)."""
    return ConflictRoles(cid, name, sides, named, ())


def sentence_conflicts(span: Span) -> list[ConflictRoles]:
    """The conflicts of the sentence a span lies in, as records, the strongest first."""
    return [_record(span.doc, cid) for cid in span_conflicts(span)]


def document_conflict(doc: Doc) -> Optional[ConflictRoles]:
    """The conflict the document names most, or None."""
    ranked = doc._.conflicts or []
    return _record(doc, ranked[0]) if ranked and ranked[0] in (doc.user_data.get(DOC_CONFLICTS) or {}) else None


if not Span.has_extension("conflicts"):
    Span.set_extension("conflicts", getter=span_conflicts)
if not Doc.has_extension("conflicts"):
    Doc.set_extension("conflicts", default=None)


@Language.factory("conflict_detector", requires=["doc.ents", "span._.countries"], assigns=["doc._.conflicts"])
def make_conflict_detector(nlp: Language, name: str):
    return ConflictDetector(nlp, name)
