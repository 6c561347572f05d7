"""Stage 5: spaCy Docs (one per paragraph) to sentence and entity records.

Each paragraph is parsed as its own Doc, so no sentence can cross a paragraph or section
boundary; offsets are shifted by the paragraph's start into document offsets.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.records import Entity, Footnote, Paragraph, Section, Sentence


def sentence_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:s{n:03d}"


def entity_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:e{n:04d}"


def paragraph_records(
    doc_id: str,
    text: str,
    doc: Doc,
    para_index: int,
    para: Paragraph,
    section: Section,
    footnotes: list[Footnote],
    first_sent: int,
    first_ent: int,
    labels: frozenset,
    produced_by: dict,
) -> tuple[list[Sentence], list[Entity], dict[int, str]]:
    """Sentences and entities of one paragraph; also a map from token index to sent_id."""
    base = para.start
    sentences: list[Sentence] = []
    token_sent: dict[int, str] = {}
    for sent in doc.sents:
        start, end = base + sent.start_char, base + sent.end_char
        sid = sentence_id(doc_id, first_sent + len(sentences))
        labels_in = [fn.label for fn in footnotes for m in fn.markers if start <= m.start and m.end <= end]
        sentences.append(Sentence(doc_id, sid, start, end, text[start:end], para.section, section.title,
                                  para_index, labels_in, {**produced_by, "component": "segment"}))
        for token in sent:
            token_sent[token.i] = sid
    entities: list[Entity] = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        start, end = base + ent.start_char, base + ent.end_char
        source = "entity_ruler" if ent.ent_id_ else "ner"
        entities.append(Entity(
            doc_id, entity_id(doc_id, first_ent + len(entities)), token_sent[ent.start], start, end, text[start:end],
            ent.label_, ent._.country, ent._.countries or [], ent._.kb_id, ent._.kb_entry, ent._.kb_type,
            source, {**produced_by, "component": f"{source}+country_linker"},
        ))
    return sentences, entities, token_sent
