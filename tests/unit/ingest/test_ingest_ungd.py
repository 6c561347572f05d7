"""The UN General Debate statements (corpus/ungd): one paragraph per line, no title line.

Every statement must come through ``read_source`` + ``clean`` whole: no first line taken as a
title, no line dropped as debris, no sentence lost; lines that the record cut mid-sentence are
joined back into their paragraph.
"""

import re
from pathlib import Path

import pytest

from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.sources import read_source
from pipeline.settings import Settings

UNGD = Path(__file__).resolve().parents[3] / "corpus" / "ungd"
STATEMENTS = sorted(UNGD.glob("session7[78]_*/*.txt"))
DEBRIS = load_debris_patterns(Settings().debris_path)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_all_statements_lose_nothing():
    assert len(STATEMENTS) == 385
    for path in STATEMENTS:
        source_text = path.read_text(encoding="utf-8")
        cleaned = clean(read_source(path), DEBRIS)
        first_line = next(line for line in source_text.splitlines() if line.strip())
        assert cleaned.header == {} and cleaned.removed_lines == [] and cleaned.notes == [], path.name
        assert " ".join(cleaned.text.split()).startswith(" ".join(first_line.split())), path.name
        # Every character but whitespace, in order: no line, sentence or word went missing.
        assert squeeze(cleaned.text) == squeeze(source_text), path.name
        assert cleaned.paragraphs[0].type == "paragraph", path.name


@pytest.mark.parametrize(
    "name, first_paragraph_start",
    [
        (
            "session77_2022/BDI_77_2022.txt",
            "Praise be to God the Almighty and Merciful, who has allowed us to meet in the "
            "magnificent city of New York",
        ),
        (
            "session77_2022/CHN_77_2022.txt",
            "We are at a time fraught with challenges. The coronavirus disease (COVID-19) keeps resurfacing.",
        ),
        (
            "session77_2022/DMA_77_2022.txt",
            "My delegation, and by extension, the Government and the people of the Commonwealth of Dominica",
        ),
        (
            "session77_2022/THA_77_2022.txt",
            "At the outset, I would like to extend my warmest congratulations to the "
            "President of the General Assembly at its seventy-seventh session",
        ),
        (
            "session78_2023/AZE_78_2023.txt",
            "I congratulate His Excellency Mr. Dennis Francis on assuming the presidency of the General Assembly",
        ),
    ],
)
def test_first_line_cut_by_the_record_is_joined(name, first_paragraph_start):
    cleaned = clean(read_source(UNGD / name), DEBRIS)
    first = cleaned.paragraphs[0]
    assert first.type == "paragraph" and first.start == 0
    assert cleaned.text[first.start : first.end].startswith(first_paragraph_start)


def test_cut_lines_inside_a_statement_are_joined():
    cleaned = clean(read_source(UNGD / "session77_2022/CHN_77_2022.txt"), DEBRIS)
    texts = [cleaned.text[p.start : p.end] for p in cleaned.paragraphs]
    assert (
        "China, as a permanent member of the Security Council and the world’s largest developing country, "
        "is committed to solidarity and cooperation with other countries."
    ) in " ".join(texts)
    assert not any(t.endswith("developing country,") for t in texts)
