"""Stage 5: an engine's paragraph analysis to sentence and entity records.

Each paragraph is analysed on its own (``engines.py``), so no sentence can cross a paragraph
or section boundary; offsets are shifted by the paragraph's start into document offsets.
Country linking happens here, the same for every engine (``link_countries.link_entry``).
"""

from __future__ import annotations

from bisect import bisect_right

from pipeline.nlp.engines import ParagraphAnalysis
from pipeline.nlp.kb import CountryKB
from pipeline.nlp.country_linker import link_entry
from pipeline.records import Entity, Footnote, Paragraph, Section, Sentence


def sentence_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:s{n:03d}"


def entity_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:e{n:04d}"


def paragraph_records(
    doc_id: str,
    text: str,
    analysis: ParagraphAnalysis,
    para_index: int,
    para: Paragraph,
    section: Section,
    footnotes: list[Footnote],
    first_sent: int,
    first_ent: int,
    labels: frozenset,
    produced_by: dict,
    kb: CountryKB,
) -> tuple[list[Sentence], list[Entity], dict[int, str]]:
    """Sentences and entities of one paragraph; also a map from spaCy token index to sent_id."""
    base = para.start
    sentences: list[Sentence] = []
    for s_start, s_end in analysis.sentences:
        start, end = base + s_start, base + s_end
        sid = sentence_id(doc_id, first_sent + len(sentences))
        labels_in = [fn.label for fn in footnotes for m in fn.markers if start <= m.start and m.end <= end]
        sentences.append(Sentence(doc_id, sid, start, end, text[start:end], para.section, section.title,
                                  para_index, labels_in, {**produced_by, "component": "segment"}))
    starts = [s for s, _ in analysis.sentences]

    def sent_of(char: int) -> str:  # the sentence a paragraph offset falls in
        return sentences[max(0, bisect_right(starts, char) - 1)].sent_id

    token_sent = {token.i: sent_of(token.idx) for token in analysis.doc} if sentences else {}
    entities: list[Entity] = []
    for ent in analysis.entities:
        if ent.label not in labels:
            continue
        start, end = base + ent.start, base + ent.end
        entry = link_entry(kb, text[start:end], ent.kb_hint)
        entities.append(Entity(
            doc_id, entity_id(doc_id, first_ent + len(entities)), sent_of(ent.start), start, end, text[start:end],
            ent.label, entry.country if entry else None, (entry.countries or []) if entry else [],
            kb.qid(entry) if entry else None, entry.id if entry else None, entry.type if entry else None,
            ent.source, {**produced_by, "component": f"{ent.source}+country_linker"},
        ))
    return sentences, entities, token_sent
