"""Real-shaped captures through the whole pipeline (``Annotator``): nothing lost, notes linked."""

from pipeline.ingest.manifest import DocInput

CAPTURE = """Search
Close this search box.
2023-03-17 09:30:00
Astana and the war
By Jane Doe

Kazakhstan refused to recognise the referendums in occupied Ukraine.
Russia protested.[1]

Three states are members of the Russian-led CSTO.Russia wanted them to send troops, but Tokayev said
Kazakhstan would not take part in the war[2].

Notes
[1] Reference link https://example.org/protest
[2] Reference link https://example.org/tokayev

Share this:
Facebook
Twitter
Related posts
Tashkent hosts a regional summit
"""


def test_text_capture(annotator, tmp_path):
    path = tmp_path / "capture.txt"
    path.write_text(CAPTURE, encoding="utf-8")
    doc, sentences, entities, claims = annotator.annotate(DocInput(path, "capture"))
    assert doc.title == "Astana and the war" and doc.authors == ["Jane Doe"] and doc.date == "2023-03-17"
    assert [s.text for s in sentences] == [
        "Kazakhstan refused to recognise the referendums in occupied Ukraine.",
        "Russia protested.[1]",
        "Three states are members of the Russian-led CSTO.",
        "Russia wanted them to send troops, but Tokayev said Kazakhstan would not take part in the war[2].",
    ]
    assert [s.footnotes for s in sentences] == [[], ["1"], [], ["2"]]
    assert [s.title for s in doc.sections] == [None]
    assert [(f.label, f.url, len(f.markers)) for f in doc.footnotes] == [
        ("1", "https://example.org/protest", 1),
        ("2", "https://example.org/tokayev", 1),
    ]
    assert doc.removed_lines == [
        "Search",
        "Close this search box.",
        "Share this:",
        "Facebook",
        "Twitter",
        "Related posts",
        "Tashkent hosts a regional summit",
    ]
    assert doc.problems == []


def test_html_capture_with_footnote_list(annotator, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Astana and the war</title><meta name='author' content='Jane Doe'>"
        "<meta property='article:published_time' content='2023-03-17'></head><body><article>"
        "<h1>Astana and the war</h1><p>Kazakhstan has never recognised the annexation of Crimea by Russia"
        "<sup><a href='#fn1' id='r1'>1</a></sup>. President Tokayev said so in Astana in June 2022.</p>"
        "<ol class='footnotes'><li id='fn1'>Reference link https://example.org/tokayev <a href='#r1'>↩</a></li></ol>"
        "</article></body></html>",
        encoding="utf-8",
    )
    doc, sentences, entities, claims = annotator.annotate(DocInput(path, "page"))
    assert (doc.title, doc.authors, doc.date) == ("Astana and the war", ["Jane Doe"], "2023-03-17")
    assert sentences[0].text == "Kazakhstan has never recognised the annexation of Crimea by Russia[1]."
    assert sentences[0].footnotes == ["1"]
    assert doc.footnotes[0].text == "Reference link https://example.org/tokayev"
    assert "↩" not in doc.text and "<" not in doc.text
