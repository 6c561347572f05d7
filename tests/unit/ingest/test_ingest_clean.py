"""Cleaning plain text: titles, headings, header lines, notes blocks, debris, wrapped and glued lines."""

import pytest

from pipeline.errors import InputError
from pipeline.ingest.clean import clean, load_debris_patterns, parse_date, split_glued_sentences
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.sources import read_source
from pipeline.settings import Settings

DEBRIS = load_debris_patterns(Settings().debris_path)


def run(tmp_path, text, name="doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return clean(read_source(path), DEBRIS)


def paragraphs(cleaned):
    return [(p.type, cleaned.text[p.start : p.end]) for p in cleaned.paragraphs]


# --- the first line -------------------------------------------------------------------


def test_first_line_sentence_is_body_not_title(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to recognise the people's republics in Donbas.\n"
        "Astana also kept its embassy in Kyiv open throughout the war.\n",
    )
    assert "title" not in c.header
    assert paragraphs(c) == [
        ("paragraph", "Kazakhstan refused to recognise the people's republics in Donbas."),
        ("paragraph", "Astana also kept its embassy in Kyiv open throughout the war."),
    ]


@pytest.mark.parametrize(
    "first",
    [
        "Kazakhstan refused to recognise the annexation[1]",
        "Kazakhstan refused to recognise the annexation.[1]",
        "Did Kazakhstan refuse to recognise the annexation?",
        "Kazakhstan refused!",
        "Mr. President,",
    ],
)
def test_first_line_ending_a_sentence_or_citing_is_never_the_title(tmp_path, first):
    c = run(
        tmp_path,
        f"{first}\n\nAstana kept its embassy in Kyiv open and said so at the United Nations.\n\n[1] Reference link\n",
    )
    assert "title" not in c.header
    assert c.text.startswith(first)


def test_title_line_is_lifted(tmp_path):
    c = run(tmp_path, "Kazakhstan keeps its distance\n\nAstana kept its embassy in Kyiv open.\n")
    assert c.header == {"title": "Kazakhstan keeps its distance"}
    assert c.text == "Astana kept its embassy in Kyiv open."


# --- headings -------------------------------------------------------------------------


def test_short_sentence_with_marker_is_a_paragraph_and_its_marker_links(tmp_path):
    c = run(
        tmp_path,
        "Reactions in the region\n\nRussia protested.[3]\n\nRussia protested[4]\n\n"
        "Kazakhstan did not join the protest, and its foreign ministry kept silent for a week "
        "before it called for talks between the two sides.\n\n"
        "[3] Reference link\n[4] Reference link\n",
    )
    assert paragraphs(c)[:2] == [("paragraph", "Russia protested.[3]"), ("paragraph", "Russia protested[4]")]
    assert [s.title for s in c.sections] == [None]
    footnotes, problems = link_footnotes(c)
    assert problems == []
    assert [(f.label, c.text[f.markers[0].start : f.markers[0].end]) for f in footnotes] == [("3", "[3]"), ("4", "[4]")]
    assert footnotes[0].markers[0].start == len("Russia protested.")


def test_headings_still_found(tmp_path):
    c = run(
        tmp_path,
        "Central Asia and the war\n\nKazakhstan\n\nAstana refused to recognise the annexation.\n\n"
        "Uzbekistan\n\nTashkent called for a ceasefire.\n",
    )
    assert [s.title for s in c.sections] == ["Kazakhstan", "Uzbekistan"]


# --- header lines ---------------------------------------------------------------------


def test_timestamp_title_subtitle_byline_dateline_source(tmp_path):
    c = run(
        tmp_path,
        "2022-03-17 20:19:06\n"
        "Kazakhstan keeps its distance\n"
        "Why Astana will not choose between Moscow and Kyiv\n"
        "By Jane Doe and John Roe\n"
        "TASHKENT, Uzbekistan\n"
        "Source: Steppe Review\n\n"
        "Kazakhstan's president said that his country would not recognise the referendums.\n",
    )
    assert c.header == {
        "date": "2022-03-17",
        "datetime": "2022-03-17T20:19:06",
        "title": "Kazakhstan keeps its distance",
        "subtitle": "Why Astana will not choose between Moscow and Kyiv",
        "authors": ["Jane Doe", "John Roe"],
        "dateline": "TASHKENT, Uzbekistan",
        "source_line": "Steppe Review",
    }
    assert c.text == "Kazakhstan's president said that his country would not recognise the referendums."
    assert [s.title for s in c.sections] == [None]


def test_byline_with_date_and_dateline_with_date(tmp_path):
    c = run(
        tmp_path,
        "Astana and the sanctions\nPosted by Jane Doe on 3 March 2022\n"
        "ALMATY, Kazakhstan, March 2, 2022\n\nThe central bank raised its rate to 20 per cent.\n",
    )
    assert c.header["authors"] == ["Jane Doe"]
    assert c.header["date"] == "2022-03-03"
    assert c.header["dateline"] == "ALMATY, Kazakhstan"
    assert c.text == "The central bank raised its rate to 20 per cent."


@pytest.mark.parametrize(
    "line, expected",
    [
        ("By September 27, 2023", {"date": "2023-09-27"}),
        ("Published on 17 March 2022", {"date": "2022-03-17"}),
        ("2022-03-17 20:19:06", {"date": "2022-03-17", "datetime": "2022-03-17T20:19:06"}),
        ("Updated: March 18, 2022 at 10:00", {"date": "2022-03-18", "datetime": "2022-03-18T10:00:00"}),
        ("March 2022", {"date": "2022-03"}),
        ("No 5", None),
        ("Kazakhstan", None),
        ("Russia protested in 2022.", None),
        ("Posted by Jane Doe on 3 March 2022", None),
    ],
)
def test_parse_date(line, expected):
    assert parse_date(line) == expected


def test_date_line_in_the_body_is_not_a_heading(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan keeps its distance\n\nAstana refused to recognise the referendums.\n\n"
        "Updated 18 March 2022\n\nTashkent followed a week later.\n",
    )
    assert ("paragraph", "Updated 18 March 2022") in paragraphs(c)
    assert all(s.title is None for s in c.sections)


# --- captions and residue -------------------------------------------------------------


def test_captions_and_wiki_residue_are_debris(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan keeps its distance\n\nPresident Tokayev in Astana / wiki\n\n"
        "Kazakhstan refused to recognise the referendums.\n\n"
        "Tokayev and Mirziyoyev in Tashkent, 2023. Photo: Akorda\n\n/ wiki\n\n"
        "Photo: Steppe Review\n\nUzbekistan took the same line.\n",
    )
    assert c.text == "Kazakhstan refused to recognise the referendums.\n\nUzbekistan took the same line."
    assert c.removed_lines == [
        "President Tokayev in Astana / wiki",
        "Tokayev and Mirziyoyev in Tashkent, 2023. Photo: Akorda",
        "/ wiki",
        "Photo: Steppe Review",
    ]


def test_markdown_and_tag_residue_is_removed(tmp_path):
    c = run(
        tmp_path,
        "# Kazakhstan keeps its distance\n\n## Sanctions\n\n"
        "**Kazakhstan** refused to send *troops* to Ukraine<sup>1</sup>, said the "
        "[foreign ministry](https://example.org/mfa)\\[2\\].\n\n"
        "* Astana\n* Tashkent\n\n[1] Reference link\n[2] Reference link\n",
    )
    assert c.header["title"] == "Kazakhstan keeps its distance"
    assert paragraphs(c) == [
        ("heading", "Sanctions"),
        ("paragraph", "Kazakhstan refused to send troops to Ukraine[1], said the foreign ministry[2]."),
        ("list_item", "Astana"),
        ("list_item", "Tashkent"),
    ]
    assert c.text == (
        "Sanctions\n\nKazakhstan refused to send troops to Ukraine[1], said the foreign ministry[2]."
        "\n\n* Astana\n\n* Tashkent"
    )
    assert [n.label for n in c.notes] == ["1", "2"]


# --- notes block ----------------------------------------------------------------------

NOTES_THEN_DEBRIS = """Central Asia and the sanctions

By Jane Doe

Kazakhstan refused to supply weapons to Russia[1]. Uzbekistan said it would not recognise the referendums[2].

Jane Doe is a research fellow who writes on Central Asia.

Notes
[1] Reference link https://example.org/a
[2] Ministry of Foreign Affairs, statement of
2 March 2022.

Share this:
Facebook
Twitter
Related posts
Tashkent hosts a regional summit
Astana signs a new trade agreement with Beijing and Brussels.
"""


def test_notes_block_before_site_debris(tmp_path):
    c = run(tmp_path, NOTES_THEN_DEBRIS)
    assert (
        c.text
        == "Kazakhstan refused to supply weapons to Russia[1]. Uzbekistan said it would not recognise the referendums[2]."
    )
    assert [(n.label, n.text, n.url) for n in c.notes] == [
        ("1", "Reference link https://example.org/a", "https://example.org/a"),
        ("2", "Ministry of Foreign Affairs, statement of 2 March 2022.", None),
    ]
    assert c.header["author_note"] == "Jane Doe is a research fellow who writes on Central Asia."
    assert c.removed_lines == [
        "Share this:",
        "Facebook",
        "Twitter",
        "Related posts",
        "Tashkent hosts a regional summit",
        "Astana signs a new trade agreement with Beijing and Brussels.",
    ]
    footnotes, problems = link_footnotes(c)
    assert problems == [] and [len(f.markers) for f in footnotes] == [1, 1]


def test_run_of_note_lines_without_heading_in_the_middle(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to supply weapons to Russia[1].\n\n[1] Reference link\n\n"
        "Advertisement\n\n[2] Reference link\n\nLike this:\n\nLoading...\n\nMore from Central Asia\n",
    )
    assert [n.label for n in c.notes] == ["1", "2"]
    assert c.text == "Kazakhstan refused to supply weapons to Russia[1]."
    assert c.removed_lines == ["Advertisement", "Like this:", "Loading...", "More from Central Asia"]


def test_references_heading_with_numbered_lines(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to supply weapons to Russia[1]. Tashkent agreed[2].\n\n"
        "References\n\n1. Reference link one\n2) Reference link two\n",
    )
    assert [(n.label, n.text) for n in c.notes] == [("1", "Reference link one"), ("2", "Reference link two")]
    assert c.text == "Kazakhstan refused to supply weapons to Russia[1]. Tashkent agreed[2]."


def test_prose_after_the_notes_is_kept(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to supply weapons to Russia[1].\n\n[1] Reference link\n\n"
        "Appendix: the vote of 2 March 2022 was recorded by the General Assembly.\n",
    )
    assert c.text.endswith("Appendix: the vote of 2 March 2022 was recorded by the General Assembly.")
    assert c.removed_lines == []


def test_trailing_furniture_without_notes(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to supply weapons to Russia.\n\nShare this:\nRelated posts\n"
        "Tashkent hosts a regional summit\n",
    )
    assert c.text == "Kazakhstan refused to supply weapons to Russia."
    assert c.removed_lines == ["Share this:", "Related posts", "Tashkent hosts a regional summit"]


# --- wrapped lines --------------------------------------------------------------------


def test_hard_wrapped_paragraphs_are_joined(tmp_path):
    c = run(
        tmp_path,
        "Kazakhstan refused to recognise the breakaway republics in eastern\n"
        "Ukraine, and its president said so in front of Vladimir Putin at the\n"
        "St Petersburg forum in June 2022.\n\n"
        "Uzbekistan took a similar line. Its foreign minister called for respect\n"
        "for the territorial integrity of all states and for a Russian-\n"
        "led ceasefire.\n",
    )
    assert paragraphs(c) == [
        (
            "paragraph",
            "Kazakhstan refused to recognise the breakaway republics in eastern Ukraine, and its "
            "president said so in front of Vladimir Putin at the St Petersburg forum in June 2022.",
        ),
        (
            "paragraph",
            "Uzbekistan took a similar line. Its foreign minister called for respect for the "
            "territorial integrity of all states and for a Russian-led ceasefire.",
        ),
    ]


def test_cut_line_in_one_paragraph_per_line_text(tmp_path):
    c = run(
        tmp_path,
        "We are at a time fraught with challenges. The coronavirus disease\n"
        "(COVID-19) keeps resurfacing.\n"
        "Kazakhstan, as a landlocked country,\n"
        "depends on its neighbours for trade.\n"
        "Our theme, “Acting Together:\tAddressing\n"
        "Challenges Together,” guides the session.\n"
        "Kazakhstan\n"
        "Astana will speak next.\n",
    )
    assert paragraphs(c) == [
        (
            "paragraph",
            "We are at a time fraught with challenges. The coronavirus disease (COVID-19) keeps resurfacing.",
        ),
        ("paragraph", "Kazakhstan, as a landlocked country, depends on its neighbours for trade."),
        ("paragraph", "Our theme, “Acting Together: Addressing Challenges Together,” guides the session."),
        ("heading", "Kazakhstan"),
        ("paragraph", "Astana will speak next."),
    ]


# --- glued sentences ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("members of the Russian-led CSTO.Russia wanted more.", "members of the Russian-led CSTO. Russia wanted more."),
        ("it said so in 2022.Tashkent agreed.", "it said so in 2022. Tashkent agreed."),
        ("as Moscow had annexed it[3].Kazakhstan did not.", "as Moscow had annexed it[3]. Kazakhstan did not."),
        ("the U.S.Treasury and the U.S. Army", "the U.S.Treasury and the U.S. Army"),
        ("prices rose 2.5 per cent, e.g.Kazakh wheat", "prices rose 2.5 per cent, e.g.Kazakh wheat"),
        ("see https://example.org/Report.Html and www.Gov.Kz", "see https://example.org/Report.Html and www.Gov.Kz"),
        ("PhD, Dr.Sc., research fellow", "PhD, Dr.Sc., research fellow"),
        ("jane.Doe@example.org wrote", "jane.Doe@example.org wrote"),
    ],
)
def test_split_glued_sentences(text, expected):
    assert split_glued_sentences(text) == expected


def test_glued_sentence_is_split_in_cleaning(tmp_path):
    c = run(tmp_path, "Three states are members of the Russian-led CSTO.Russia wanted them to send troops.\n")
    assert c.text == "Three states are members of the Russian-led CSTO. Russia wanted them to send troops."


# --- nothing left ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Kazakhstan keeps its distance\n", "no body text, only a title"),
        ("Kazakhstan keeps its distance\n\nBy Jane Doe\n\n17 March 2022\n", "no body text, only a title"),
        ("[1]\n[2]\n", "no body text, only footnote markers or notes"),
        ("Kazakhstan keeps its distance\n\n[1] Reference link\n", "no body text, only footnote markers or notes"),
        ("***\n\n---\n\n* * *\n", "no body text, only whitespace, separators or symbols"),
        ("Share this:\nFacebook\nTwitter\n", "no body text, only site debris (3 line(s) matched data/debris.txt)"),
        ("Kazakhstan keeps its distance\n\nSanctions\n\nTrade\n", "no body text, only headings"),
    ],
)
def test_no_body_is_an_input_error(tmp_path, text, problem):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        clean(read_source(path), DEBRIS)
    assert str(err.value) == f"{path}: {problem}"
