"""The HTML report's Jinja2 templates: exact markup of one sentence, escaping, and the whole page
parsed without a browser (tests/integration/test_report_api.py opens it in Chromium)."""

from types import SimpleNamespace

import lxml.html
from conftest import ROOT, load

from pipeline.api import Document
from pipeline.report.html import country_colour, environment, sentence_view, write_report
from pipeline import schema
from pipeline.schema import Entity, Sentence

TEXT = 'Kazakhstan said "A<B" & more.[1] Next.'


def tiny_document():
    marker = TEXT.index("[1]")
    record = schema.Document.model_construct(doc_id="d1", text=TEXT, title="T", paragraphs=[], footnotes=[
        {"label": "1", "text": "A note", "url": None, "markers": [{"start": marker, "end": marker + 3}]}])
    sentence = Sentence.model_construct(doc_id="d1", sent_id="d1:s000", start=0, end=marker + 3,
                                           text=TEXT[:marker + 3], paragraph=0, footnotes=["1"])
    entity = Entity.model_construct(doc_id="d1", ent_id="d1:e0000", sent_id="d1:s000", start=0, end=10,
                                       text="Kazakhstan", label="GPE", country="KAZ", countries=["KAZ"], kb_id="Q232")
    return Document(record, [sentence], [entity]), sentence


def test_sentence_markup_is_exact_and_escaped():
    doc, sentence = tiny_document()
    claims = [SimpleNamespace(actor="KAZ", target="RUS", stance="oppose", topic="diplomacy"),
              SimpleNamespace(actor="KAZ", target="UKR", stance="oppose", topic='"war" & <peace>')]
    macro = environment().get_template("sentence.html.j2").module.sentence
    got = str(macro("d1", sentence_view(doc, sentence, claims)))
    assert got == (
        '<span class="claim oppose" data-claims="2" title="KAZ→RUS oppose (diplomacy); '
        'KAZ→UKR oppose (&#34;war&#34; &amp; &lt;peace&gt;)">'
        f'<mark class="ent" data-country="KAZ" title="GPE Q232" style="background:{country_colour("KAZ")}">'
        'Kazakhstan<span class="code">KAZ</span></mark> said &#34;A&lt;B&#34; &amp; more.'
        '<a class="fn" href="#note-d1-1" id="ref-d1-1">[1]</a></span>')
    # unclaimed: no claim span around the same body
    assert str(macro("d1", sentence_view(doc, sentence, []))).startswith('<mark class="ent" data-country="KAZ"')


def test_templates_autoescape():
    env = environment()
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"


def test_report_page_structure(tmp_path):
    page = write_report(ROOT / "annotations", tmp_path)
    html = page.read_text(encoding="utf-8")
    root = lxml.html.fromstring(html)
    auto, entities = load(ROOT / "annotations" / "claims.jsonl"), load(ROOT / "annotations" / "entities.jsonl")
    assert len(root.xpath('//span[@data-claims]')) == len({r["sent_id"] for r in auto})
    assert len(root.xpath('//mark[@class="ent"]')) == len(entities)
    assert root.xpath('//li[@id="note-besa2023_central_asia-7"]') and root.xpath('//table[@id="summary"]')
    summary = {tr[0].text: [int(td.text) for td in tr[1:]] for tr in root.xpath('//table[@id="summary"]/tr[td]')}
    kaz = [r for r in auto if r["actor"] == "KAZ"]
    assert summary["KAZ"][1::2] == [sum(r["stance"] == s for r in kaz) for s in ("support", "oppose", "neutral")]
    assert write_report(ROOT / "annotations", tmp_path / "again").read_bytes() == page.read_bytes()
    assert (tmp_path / "again" / "stance_by_country.png").read_bytes() == (tmp_path / "stance_by_country.png").read_bytes()
