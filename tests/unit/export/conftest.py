"""A tiny hand-written corpus for the export tests: one document, three paragraphs.

Characters beyond the Basic Multilingual Plane stand before mentions (an emoji before
"Kazakhstan", 𝔘 before "Armenia"), so any exporter that counts UTF-16 code units where the
format wants code points (or the reverse) is caught.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.io import write_jsonl
from pipeline.schema import Claim, Document, Entity, Sentence

DOC_ID = "tiny2024"
PARAGRAPHS = [
    ["Positions on the war"],
    ["🙂 Kazakhstan condemned Russia.", "The Central Asian states traded with Russia."],
    ["Georgia stayed neutral toward Russia, and 𝔘 Armenia [1] supported Ukraine."],
]
# (sentence, surface, label, countries, QID)
MENTIONS = [
    (1, "Kazakhstan", "GPE", ["KAZ"], "Q232"),
    (1, "Russia", "GPE", ["RUS"], "Q159"),
    (2, "Central Asian states", "NORP", ["KAZ", "KGZ", "TJK", "TKM", "UZB"], "Q27275"),
    (2, "Russia", "GPE", ["RUS"], "Q159"),
    (3, "Georgia", "GPE", ["GEO"], "Q230"),
    (3, "Russia", "GPE", ["RUS"], "Q159"),
    (3, "Armenia", "GPE", ["ARM"], "Q399"),
    (3, "Ukraine", "GPE", ["UKR"], "Q212"),
]
# (claim no, sentence, span or None, actor, target, stance, topic, actor mention, target mention, note)
CLAIMS = [
    (1, 1, None, "KAZ", "RUS", "oppose", "diplomacy", 0, 1, None),
    (2, 2, None, "KAZ", "RUS", "support", "economy", 2, 3, "group"),
    (2, 2, None, "UZB", "RUS", "support", "economy", 2, 3, "group"),
    (2, 2, None, "TJK", "RUS", "support", "economy", None, 3, "group"),
    (3, 3, "Georgia stayed neutral toward Russia", "GEO", "RUS", "neutral", "diplomacy", 4, 5, None),
    (4, 3, "Armenia [1] supported Ukraine", "ARM", "UKR", "support", "military", 6, 7, None),
]


def build(folder: Path) -> Path:
    text, paragraphs, sentences = "", [], []
    for p, sents in enumerate(PARAGRAPHS):
        if text:
            text += "\n\n"
        p_start = text.__len__()
        for k, s in enumerate(sents):
            if k:
                text += " "
            sentences.append({"start": len(text), "text": s, "paragraph": p})
            text += s
        paragraphs.append(
            {
                "start": p_start,
                "end": len(text),
                "type": "heading" if p == 0 else "paragraph",
                "section": 0,
                "label": None,
            }
        )
    text += "\n"
    marker = text.index("[1]")
    doc = Document(
        doc_id=DOC_ID,
        title="Tiny",
        authors=["A. Writer"],
        date="2024-05-01",
        publisher="Test Press",
        series=None,
        source="written for the tests",
        licence="CC0",
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        offset_unit="codepoint",
        sections=[{"title": None, "start": 0, "end": len(text), "heading_start": None, "heading_end": None}],
        paragraphs=paragraphs,
        footnotes=[{"label": "1", "text": "A note.", "url": None, "markers": [{"start": marker, "end": marker + 3}]}],
        header={},
        removed_lines=[],
        problems=[],
        produced_by={},
    )
    sent_recs = []
    for i, s in enumerate(sentences):
        sent_recs.append(
            Sentence(
                doc_id=DOC_ID,
                sent_id=f"{DOC_ID}:s{i:03d}",
                start=s["start"],
                end=s["start"] + len(s["text"]),
                text=s["text"],
                section=0,
                section_title=None,
                paragraph=s["paragraph"],
                footnotes=["1"] if "[1]" in s["text"] else [],
                produced_by={},
            )
        )
    ents = []
    for n, (si, surface, label, countries, qid) in enumerate(MENTIONS):
        s = sent_recs[si]
        start = s.start + s.text.index(surface)
        ents.append(
            Entity(
                doc_id=DOC_ID,
                ent_id=f"{DOC_ID}:e{n:04d}",
                sent_id=s.sent_id,
                start=start,
                end=start + len(surface),
                text=surface,
                label=label,
                country=countries[0] if len(countries) == 1 else None,
                countries=countries,
                kb_id=qid,
                kb_entry=None,
                kb_type="country" if len(countries) == 1 else "group",
                source="entity_ruler",
                produced_by={},
            )
        )

    def claims(annotator: str, stance_of=lambda row: row[5]):
        out = []
        for row in CLAIMS:
            no, si, span, actor, target, _stance, topic, am, tm, note = row
            s = sent_recs[si]
            start = s.start + (s.text.index(span) if span else 0)
            end = start + len(span) if span else s.end
            out.append(
                Claim(
                    doc_id=DOC_ID,
                    claim_id=f"{DOC_ID}:c{no:03d}",
                    sent_id=s.sent_id,
                    start=start,
                    end=end,
                    text=text[start:end],
                    actor=actor,
                    actor_mentions=[] if am is None else [ents[am].ent_id],
                    target=target,
                    target_mentions=[ents[tm].ent_id],
                    stance=stance_of(row),
                    topic=topic,
                    footnotes=list(s.footnotes),
                    annotator=annotator,
                    note=note,
                )
            )
        return out

    write_jsonl(folder / "documents.jsonl", [doc])
    write_jsonl(folder / "sentences.jsonl", sent_recs)
    write_jsonl(folder / "entities.jsonl", ents)
    write_jsonl(folder / "claims.jsonl", claims("rules/1"))
    # Gold differs from the automatic layer in one stance.
    write_jsonl(
        folder / "gold" / "claims.jsonl",
        claims("gold", lambda row: "support" if row[3:5] == ("GEO", "RUS") else row[5]),
    )
    return folder


@pytest.fixture
def tiny(tmp_path) -> Path:
    return build(tmp_path / "annotations")
