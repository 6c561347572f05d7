"""A processed Doc to the sentence, entity and claim records of one document.

The Doc covers the whole cleaned text; ``paragraph_sentences`` made every line start a
sentence, so no sentence crosses a paragraph or section. Sentences are trimmed of
whitespace tokens; a token outside every paragraph (a list number) belongs to no sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Optional

from spacy.tokens import Doc

from pipeline.nlp.claims.rows import trim
from pipeline.schema import Claim, Entity, Footnote, Paragraph, Section, Sentence


def chunk_bounds(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut a text longer than the parser takes into pieces of at most ``limit`` characters: at
    paragraph breaks where possible, else after a full stop, else at a space, else anywhere."""
    bounds, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = next((start + i + len(sep) for sep in ("\n\n", ". ", " ") if (i := window.rfind(sep)) > 0), start + limit)
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def sentence_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:s{n:03d}"


def entity_id(doc_id: str, n: int) -> str:
    return f"{doc_id}:e{n:04d}"


@dataclass(frozen=True)
class DocContext:
    """What the records need besides the Doc: ids and the cleaned structure (provenance is the
    document's ``produced_by``; each row names its component)."""

    doc_id: str
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    labels: frozenset


def doc_records(
    doc: Doc,
    ctx: DocContext,
    base: int = 0,
    first_sent: int = 0,
    first_ent: int = 0,
    spans_key: str = "claims",
    text: Optional[str] = None,
) -> tuple[list[Sentence], list[Entity], list[Claim]]:
    """Records of a Doc over ``text[base:]`` of the document (a whole document, or one chunk of a
    very long one); ids continue from ``first_sent`` and ``first_ent``."""
    # the Doc's text, once (``doc.text`` and ``Span.text`` rebuild it token by token): the
    # caller's copy where it has one
    text = doc.text if text is None else text
    sentences = _sentences(doc, text, ctx, base, first_sent)
    starts = [s.start for s in sentences]

    def sentence_at(char: int) -> Sentence:
        return sentences[max(0, bisect_right(starts, base + char) - 1)]

    entities = [] if not sentences else _entities(doc, text, ctx, sentence_at, base, first_ent)
    ents = {(e.start - base, e.end - base): e for e in entities}
    parties = {(e.start_char, e.end_char): e._.kb_party for e in doc.ents if e._.kb_party}
    claims = [] if not sentences else _claims(doc, ctx, sentence_at, ents, parties, spans_key)
    return sentences, entities, claims


def _sentences(doc: Doc, doc_text: str, ctx: DocContext, base: int, first: int) -> list[Sentence]:
    para_starts = [p.start for p in ctx.paragraphs]
    out: list[Sentence] = []
    for whole in doc.sents:
        sent = trim(whole)
        if sent is None:
            continue
        start, end = base + sent.start_char, base + sent.end_char
        text = doc_text[sent.start_char : sent.end_char]
        i = bisect_right(para_starts, start) - 1
        if i < 0 or end > ctx.paragraphs[i].end:
            # A list marker ("* ", "1. ") before its item, outside every paragraph: the sentence
            # is the item without it, or nothing where no item follows in the same sentence.
            i = bisect_right(para_starts, end - 1) - 1
            if i < 0 or not (start < ctx.paragraphs[i].start < end <= ctx.paragraphs[i].end):
                continue
            start = ctx.paragraphs[i].start
            text = doc_text[start - base : end - base]
        para = ctx.paragraphs[i]
        labels = [fn.label for fn in ctx.footnotes for m in fn.markers if start <= m.start and m.end <= end]
        out.append(
            Sentence(
                doc_id=ctx.doc_id,
                sent_id=sentence_id(ctx.doc_id, first + len(out)),
                start=start,
                end=end,
                text=text,
                section=para.section,
                section_title=ctx.sections[para.section].title,
                paragraph=i,
                footnotes=labels,
                component="segment",
            )
        )
    return out


def _entities(doc: Doc, doc_text: str, ctx: DocContext, sentence_at, base: int, first: int) -> list[Entity]:
    out: list[Entity] = []
    for ent in doc.ents:
        if ent.label_ not in ctx.labels:  # ctx.labels are the EntityLabel values
            continue
        sent = sentence_at(ent.start_char)
        if not sent.start <= base + ent.start_char < sent.end:
            continue  # starts outside every sentence (a stray list marker): no row can point at it
        label: Any = ent.label_
        ext = ent._  # one accessor for the span's values
        source = ext.ner_source or ("entity_ruler" if ent.ent_id_ else "ner")
        out.append(
            Entity(
                doc_id=ctx.doc_id,
                ent_id=entity_id(ctx.doc_id, first + len(out)),
                sent_id=sent.sent_id,
                start=base + ent.start_char,
                end=base + ent.end_char,
                text=doc_text[ent.start_char : ent.end_char],
                label=label,
                country=ext.country,
                countries=list(ext.countries or []),
                kb_id=ext.kb_id,
                kb_entry=ext.kb_entry,
                kb_type=ext.kb_type,
                source=source,
                component=f"{source}+country_linker",
            )
        )
    return out


def _mentions(keys, ents: dict, parties: dict, code: str) -> list[str]:
    """The entity ids of the mentions that name ``code``: a state among the mention's countries,
    or the organisation it is a party for (a span's mentions may list every state of a
    coordination, "Syria and Libya", for each of its rows)."""
    return [ents[k].ent_id for k in keys if k in ents and (code in ents[k].countries or parties.get(k) == code)]


def _claims(doc: Doc, ctx: DocContext, sentence_at, ents: dict, parties: dict, spans_key: str) -> list[Claim]:
    out: list[Claim] = []
    seen: set[tuple] = set()
    for span in doc.spans.get(spans_key, []):
        sent = sentence_at(span.start_char)
        # One row per (sentence, actor, target, stance): two cues of one position are one row.
        key = (sent.sent_id, span._.actor, span._.target, span._.stance)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Claim(
                doc_id=ctx.doc_id,
                claim_id=f"{sent.sent_id}:c{span._.claim_index}",
                sent_id=sent.sent_id,
                start=sent.start,
                end=sent.end,
                text=sent.text,
                actor=span._.actor,
                actor_mentions=_mentions(span._.actor_mentions, ents, parties, span._.actor),
                target=span._.target,
                target_mentions=_mentions(span._.target_mentions, ents, parties, span._.target),
                stance=span._.stance,
                topic=span._.topic,
                footnotes=list(sent.footnotes),
                annotator=span._.annotator,
                confidence=span._.confidence,
                cue=span._.cue,
                negated=span._.negated,
                conflict=span._.conflict,
                expanded_from=span._.expanded_from,
            )
        )
    return out
