"""HTML pages: trafilatura's metadata as the header, footnote styles, captions, empty pages."""

import pytest

from pipeline.errors import InputError
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.sources import read_source
from pipeline.settings import Settings

DEBRIS = load_debris_patterns(Settings().debris_path)

HEAD = """<html><head><title>Astana keeps its distance | Steppe Review</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2022-03-17T20:19:06+06:00">
<meta property="og:site_name" content="Steppe Review"></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a> Search</nav>"""
TAIL = """<div class="share">Share this: <a href="#">Facebook</a> <a href="#">Twitter</a></div>
<footer>Related posts</footer></body></html>"""


def run(tmp_path, article, head=HEAD, tail=TAIL):
    path = tmp_path / "page.html"
    path.write_text(head + article + tail, encoding="utf-8")
    return clean(read_source(path), DEBRIS)


def body(cleaned):
    return [(p.type, cleaned.text[p.start : p.end]) for p in cleaned.paragraphs]


def linked(cleaned):
    footnotes, problems = link_footnotes(cleaned)
    assert problems == []
    return {f.label: (f.text, f.url, [cleaned.text[m.start - 8 : m.end] for m in f.markers]) for f in footnotes}


def test_metadata_header_keeps_h1_and_first_paragraph(tmp_path):
    c = run(
        tmp_path,
        """<article><h1>Astana keeps its distance</h1>
<p>Kazakhstan refused to recognise the breakaway republics in eastern Ukraine, its foreign ministry said.</p>
<h2>Trade</h2>
<p>Astana kept trading with Moscow, but it did not help Russia evade the sanctions of the European Union.</p>
</article>""",
    )
    assert c.header == {
        "title": "Astana keeps its distance",
        "authors": ["Jane Doe"],
        "date": "2022-03-17",
        "sitename": "Steppe Review",
    }
    assert body(c) == [
        (
            "paragraph",
            "Kazakhstan refused to recognise the breakaway republics in eastern Ukraine, its foreign ministry said.",
        ),
        ("heading", "Trade"),
        (
            "paragraph",
            "Astana kept trading with Moscow, but it did not help Russia evade the sanctions of the European Union.",
        ),
    ]
    assert c.removed_lines == []


def test_h1_differing_from_page_title_is_the_title(tmp_path):
    c = run(
        tmp_path,
        """<article><h1>Why Astana will not pick a side</h1>
<p>Kazakhstan refused to recognise the breakaway republics in eastern Ukraine, its foreign ministry said.</p>
</article>""",
    )
    assert c.header["title"] == "Why Astana will not pick a side"
    assert (
        c.text
        == "Kazakhstan refused to recognise the breakaway republics in eastern Ukraine, its foreign ministry said."
    )


def test_pandoc_style_footnotes_and_captions(tmp_path):
    c = run(
        tmp_path,
        """<article><h1>Astana keeps its distance</h1>
<figure><img src="summit.jpg"><figcaption>President Tokayev at a summit in Astana, June 2022. Photo: Akorda</figcaption></figure>
<p>Kazakhstan refused to recognise the breakaway republics in eastern Ukraine<sup>1</sup>. The <strong>foreign
ministry</strong> said so in a statement<sup>[2]</sup>.</p>
<p>Astana kept trading with Moscow, but it <em>did not</em> help Russia evade sanctions<a href="#fn3" id="fnref3">3</a>.
Officials in Tashkent took the same line<a href="#fn1" class="footnote-ref"><sup>1</sup></a>.</p>
<p>The republic covers 2,724,900 km<sup>2</sup> of steppe, desert and mountains.</p>
<section class="footnotes"><h2>Notes</h2><ol>
<li id="fn1"><p>Ministry statement, 2022. <a href="https://example.org/mfa">https://example.org/mfa</a> <a href="#fnref1" class="footnote-back">↩︎</a></p></li>
<li id="fn2">Press briefing of 28 February 2022. <a href="#fnref2">↩</a></li>
<li id="fn3"><a href="https://example.org/trade">Trade figures</a> <a href="#fnref3">↩</a></li>
</ol></section></article>""",
    )
    assert body(c) == [
        (
            "paragraph",
            "Kazakhstan refused to recognise the breakaway republics in eastern Ukraine[1]. "
            "The foreign ministry said so in a statement[2].",
        ),
        (
            "paragraph",
            "Astana kept trading with Moscow, but it did not help Russia evade sanctions[3]. "
            "Officials in Tashkent took the same line[1].",
        ),
        ("paragraph", "The republic covers 2,724,900 km² of steppe, desert and mountains."),
    ]
    assert linked(c) == {
        "1": (
            "Ministry statement, 2022. https://example.org/mfa",
            "https://example.org/mfa",
            [" Ukraine[1]", "ame line[1]"],
        ),
        "2": ("Press briefing of 28 February 2022.", None, ["tatement[2]"]),
        "3": ("Trade figures https://example.org/trade", "https://example.org/trade", ["anctions[3]"]),
    }
    assert c.removed_lines == ["President Tokayev at a summit in Astana, June 2022. Photo: Akorda"]
    for residue in ("<", ">", "sup", "↩", "**", "Photo"):
        assert residue not in c.text


def test_wikipedia_style_references(tmp_path):
    c = run(
        tmp_path,
        """<div id="content"><h1>Kazakhstan and the war</h1>
<p>Kazakhstan abstained in the vote of 2 March 2022<sup class="reference" id="cite_ref-vote_1-0"><a href="#cite_note-vote-1">[1]</a></sup>
and later said it would not recognise the annexations<sup class="reference" id="cite_ref-2"><a href="#cite_note-2">[2]</a></sup>.</p>
<p>Tokayev repeated the position in Saint Petersburg<sup class="reference" id="cite_ref-vote_1-1"><a href="#cite_note-vote-1">[1]</a></sup>.</p>
<h2>References</h2>
<div class="reflist"><ol class="references">
<li id="cite_note-vote-1"><span class="mw-cite-backlink">^ <a href="#cite_ref-vote_1-0"><sup><i><b>a</b></i></sup></a> <a href="#cite_ref-vote_1-1"><sup><i><b>b</b></i></sup></a></span> <span class="reference-text">General Assembly record of the vote.</span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><b><a href="#cite_ref-2">^</a></b></span> <span class="reference-text"><a class="external" href="https://example.org/annex">Statement on the annexations</a>.</span></li>
</ol></div></div>""",
    )
    assert c.text == (
        "Kazakhstan abstained in the vote of 2 March 2022[1] and later said it would not recognise the "
        "annexations[2].\n\nTokayev repeated the position in Saint Petersburg[1]."
    )
    notes = linked(c)
    assert notes["1"][0] == "General Assembly record of the vote."
    assert notes["2"][:2] == ("Statement on the annexations. https://example.org/annex", "https://example.org/annex")
    assert [len(v[2]) for v in notes.values()] == [2, 1]


def test_paragraph_style_notes_with_word_anchors(tmp_path):
    c = run(
        tmp_path,
        """<article><h1>Astana keeps its distance</h1>
<p>Kazakhstan refused to recognise the referendums<a href="#_ftn1" name="_ftnref1">[1]</a> and Uzbekistan agreed<sup>2</sup>.</p>
<p>Both capitals kept their embassies in Kyiv open through the winter of 2022 and the spring of 2023.</p>
<hr>
<p><a href="#_ftnref1" name="_ftn1">[1]</a> Statement of the foreign ministry, 2022.</p>
<p><sup>2</sup> Press briefing, 2022.</p>
</article>""",
    )
    assert body(c)[0] == ("paragraph", "Kazakhstan refused to recognise the referendums[1] and Uzbekistan agreed[2].")
    notes = linked(c)
    assert {k: v[0] for k, v in notes.items()} == {
        "1": "Statement of the foreign ministry, 2022.",
        "2": "Press briefing, 2022.",
    }


@pytest.mark.parametrize(
    "article, what",
    [
        ("<article></article>", "nothing"),
        (
            '<article><figure><img src="a.jpg"><figcaption>Tokayev in Astana. Photo: Akorda</figcaption></figure></article>',
            "only a caption",
        ),
    ],
)
def test_empty_or_caption_only_page_is_an_error(tmp_path, article, what):
    path = tmp_path / "page.html"
    path.write_text(HEAD + article + "</body></html>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        clean(read_source(path), DEBRIS)
    assert str(err.value) == f"{path}: HTML has no extractable body text (the extracted page holds {what})"


def test_caption_paragraph_left_by_extraction_is_debris(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        HEAD + "<article><h1>Astana</h1><p>Tokayev in Astana. Photo: Akorda</p></article></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        clean(read_source(path), DEBRIS)
    assert str(err.value) == f"{path}: no body text, only site debris (1 line(s) matched data/debris.txt)"


def test_quotation_lists_and_tables_keep_their_blocks(tmp_path):
    c = run(
        tmp_path,
        """<article><h1>Astana keeps its distance</h1>
<p>Kazakhstan's foreign ministry issued a statement on the referendums in eastern Ukraine in September 2022.</p>
<blockquote><p>Kazakhstan proceeds from the principle of territorial integrity.</p>
<p>Astana will not recognise the results.</p></blockquote>
<ol><li>Kazakhstan abstained<ul><li>on 2 March 2022</li></ul></li><li>Uzbekistan did not vote</li></ol>
<table><tr><td>Kazakhstan</td><td>abstain</td></tr><tr><td>Uzbekistan</td><td>absent</td></tr></table>
</article>""",
    )
    assert body(c) == [
        (
            "paragraph",
            "Kazakhstan's foreign ministry issued a statement on the referendums in eastern Ukraine in September 2022.",
        ),
        ("paragraph", "Kazakhstan proceeds from the principle of territorial integrity."),
        ("paragraph", "Astana will not recognise the results."),
        ("list_item", "Kazakhstan abstained"),
        ("list_item", "on 2 March 2022"),
        ("list_item", "Uzbekistan did not vote"),
        ("paragraph", "Kazakhstan | abstain"),
        ("paragraph", "Uzbekistan | absent"),
    ]
