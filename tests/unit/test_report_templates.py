"""The HTML report's Jinja2 templates: exact markup of one sentence with two pairs in two layers,
escaping, the network and matrix views, and the pages parsed without a browser
(tests/integration/test_report_api.py opens them in Chromium)."""

import lxml.html
from conftest import ROOT, load

from pipeline.report.html import country_colour, environment, matrix_view, network_svg, sentence_view, write_report

TEXT = 'Kazakhstan said "A<B" & more.[1] Next.'


def test_sentence_markup_is_exact_and_escaped():
    marker = TEXT.index("[1]")
    sentence = {"sent_id": "d1:s000", "start": 0, "end": marker + 3, "paragraph": 0}
    entity = {
        "ent_id": "d1:e0000",
        "sent_id": "d1:s000",
        "start": 0,
        "end": 10,
        "label": "GPE",
        "country": "KAZ",
        "countries": ["KAZ"],
        "kb_id": "Q232",
    }
    claims = {
        "gold": [
            {"actor": "KAZ", "target": "RUS", "stance": "oppose", "actor_mentions": ["d1:e0000"], "target_mentions": []}
        ],
        "auto": [
            {"actor": "KAZ", "target": "RUS", "stance": "oppose"},
            {"actor": "KAZ", "target": "UKR", "stance": "support"},
        ],
    }
    view = sentence_view(TEXT, sentence, [entity], [("1", marker, marker + 3)], claims)
    got = str(environment().get_template("sentence.html.j2").module.sentence("d1", view))
    pair = (
        '<span class="pair {s} {layer}" data-actor="KAZ" data-target="{t}" data-stance="{s}"><span class="lyr">'
        '{name}</span> KAZ → {t} <span class="icon" aria-hidden="true">{icon}</span> {s}</span>'
    )
    assert got == (
        '<span class="claim oppose" id="s-s000" data-layers="auto gold">'
        '<mark class="ent" data-country="KAZ" data-role="actor" title="GPE Q232" '
        f'style="background:{country_colour("KAZ")}">'
        'Kazakhstan<a class="code" href="https://www.wikidata.org/wiki/Q232">KAZ</a></mark> said '
        '&#34;A&lt;B&#34; &amp; more.<a class="fn" href="#note-1" id="ref-1">[1]</a></span>'
        ' <span class="pairs gold">' + pair.format(s="oppose", layer="gold", name="gold", t="RUS", icon="✗") + "</span>"
        ' <span class="pairs auto">'
        + pair.format(s="oppose", layer="auto", name="automatic", t="RUS", icon="✗")
        + " "
        + pair.format(s="support", layer="auto", name="automatic", t="UKR", icon="✓")
        + "</span>"
    )
    bare = sentence_view(TEXT, sentence, [entity], [], {"auto": []})
    assert str(environment().get_template("sentence.html.j2").module.sentence("d1", bare)).startswith(
        '<span class="sent" id="s-s000"><mark class="ent" data-country="KAZ"'
    )


def test_templates_autoescape():
    assert environment().from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"


def test_network_and_matrix_views():
    claims = (
        [{"actor": "KAZ", "target": "RUS", "stance": "oppose"}] * 3
        + [{"actor": "KAZ", "target": "UKR", "stance": "support"}] * 2
        + [
            {"actor": "UZB", "target": "RUS", "stance": "neutral"},
            {"actor": "TJK", "target": "RUS", "stance": "support"},
        ]
    )
    net = network_svg(claims, "t", max_nodes=3)
    assert [n["code"] for n in net["nodes"]] == ["KAZ", "RUS", "UKR"] and net["dropped"] == 1  # TJK is least active
    assert sorted((e["actor"], e["target"], e["stance"], e["n"]) for e in net["edges"]) == [
        ("KAZ", "RUS", "oppose", 3),
        ("KAZ", "UKR", "support", 2),
    ]  # neutral rows are not edges
    assert network_svg(claims, "t", max_nodes=3) == net  # same claims, same picture
    m = matrix_view(claims)
    assert m["rows"] == ["KAZ", "TJK", "UZB"] and m["cols"] == ["RUS", "UKR"]
    assert m["cells"]["KAZ"] == [("RUS", [("oppose", 3)]), ("UKR", [("support", 2)])]


def test_report_pages(tmp_path):
    page = write_report(ROOT / "annotations", tmp_path)
    index = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    auto, gold = load(ROOT / "annotations" / "claims.jsonl"), load(ROOT / "annotations" / "gold" / "claims.jsonl")
    row = index.xpath('//table[@id="collections"]//tr[td/a[@href="articles/index.html"]]/td')
    assert [td.text_content() for td in row][3:5] == [str(len(auto)), f"{len(gold)} (2)"]
    coll = lxml.html.fromstring((tmp_path / "articles" / "index.html").read_text(encoding="utf-8"))
    table = coll.xpath('//table[@id="claims"]/tbody/tr')
    assert len(table) == len(auto) + len(gold)
    assert sum(tr.get("data-stance") == "oppose" and tr.get("data-layer") == "gold" for tr in table) == sum(
        r["stance"] == "oppose" for r in gold
    )
    assert coll.xpath('//figure[@class="network"]/svg') and coll.xpath('//table[@id="matrix-table"]')
    docs = sorted(p.name for p in (tmp_path / "articles").glob("*.html"))
    assert docs == ["besa2023_central_asia.html", "index.html", "unseen_caucasus_2024.html"]
    again = write_report(ROOT / "annotations", tmp_path / "again")
    for p in tmp_path.glob("articles/*.html"):
        assert (tmp_path / "again" / "articles" / p.name).read_bytes() == p.read_bytes()
    assert again.read_bytes() == page.read_bytes()


def test_a_statement_goes_under_its_collection_with_a_summary(tmp_path):
    """A document whose ``collection`` is ``ungd`` (as ``annotate`` writes a statement) is listed
    and paged under ungd, not under the folder's articles; its page opens with who stands where."""
    import json

    from tests.unit.export.conftest import DOC_ID, build

    ann = build(tmp_path / "ann")
    doc = json.loads((ann / "documents.jsonl").read_text(encoding="utf-8"))
    (ann / "documents.jsonl").write_text(json.dumps(dict(doc, collection="ungd", speaker="KAZ")) + "\n")
    write_report(ann, tmp_path / "report")
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["index.html", "ungd"]
    page = lxml.html.fromstring((tmp_path / "report" / "ungd" / f"{DOC_ID}.html").read_text(encoding="utf-8"))
    rows = page.xpath('//section[@id="summary"]//table[@data-layer="auto"]/tbody/tr')
    got = [(tr.get("data-actor"), tr.get("data-target"), tr.xpath("td")[1].text_content().split()[-1]) for tr in rows]
    # The speaker first, then by number of rows; each pair's overall position.
    assert got[0] == ("KAZ", "RUS", "neutral")  # one support, one oppose row
    assert ("ARM", "UKR", "support") in got and ("GEO", "RUS", "neutral") in got
    kaz = rows[0].xpath("td")
    assert kaz[2].text_content() == "✓1✗1" and [a.get("href") for a in kaz[3].xpath("a")] == ["#s-s001", "#s-s002"]


def test_change_between_years_per_state():
    from pipeline.report.html import change_view

    docs = {
        "a": {"year": "2022", "speaker": "POL"},
        "b": {"year": "2023", "speaker": "POL"},
        "c": {"year": "2023", "speaker": "HUN"},
    }
    rows = [
        {"doc_id": "a", "actor": "POL", "target": "RUS", "stance": "oppose"},
        {"doc_id": "b", "actor": "POL", "target": "RUS", "stance": "oppose"},
        {"doc_id": "b", "actor": "POL", "target": "RUS", "stance": "oppose"},
        {"doc_id": "b", "actor": "POL", "target": "UKR", "stance": "support"},
        {"doc_id": "c", "actor": "HUN", "target": "RUS", "stance": "support"},  # HUN spoke in 2023 only
    ]
    got = [(r["actor"], r["target"], r["before"], r["after"], r["change"]) for r in change_view(rows, docs)]
    assert got == [
        ("POL", "RUS", [("oppose", 1)], [("oppose", 2)], -1),
        ("POL", "UKR", [], [("support", 1)], 1),
    ]


def test_machine_coded_layer_beside_gold_and_automatic(tmp_path):
    """A collection with ``machine/claims.jsonl``: the index lists its rows, the collection page
    has its network and its rows (labelled as coded by language models, not gold), and each
    document page has it as a layer of its own, with its summary."""
    import json

    from pipeline.io import write_jsonl
    from tests.unit.export.conftest import DOC_ID, build

    ann = tmp_path / "ann"
    folder = build(ann / "ungd")
    doc = json.loads((folder / "documents.jsonl").read_text(encoding="utf-8"))
    (folder / "documents.jsonl").write_text(json.dumps(dict(doc, collection="ungd", speaker="KAZ")) + "\n")
    auto = load(folder / "claims.jsonl")
    machine = [dict(auto[0], claim_id=f"{DOC_ID}:m0001"), dict(auto[-1], claim_id=f"{DOC_ID}:m0002", stance="oppose")]
    write_jsonl(folder / "machine" / "claims.jsonl", machine)
    page = write_report(ann, tmp_path / "report")
    index = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    head = [th.text_content() for th in index.xpath('//table[@id="collections"]//th')]
    row = [td.text_content() for td in index.xpath('//table[@id="collections"]//tr[td]/td')]
    assert row[head.index("machine-coded rows (documents)")] == "2 (1)"
    coll = lxml.html.fromstring((tmp_path / "report" / "ungd" / "index.html").read_text(encoding="utf-8"))
    assert "coded by language models" in coll.xpath('//p[@class="note"]')[0].text_content()
    assert [o.get("value") for o in coll.xpath('//select[@name="layer"]/option')] == ["", "gold", "machine", "auto"]
    net = coll.xpath('//figure[@data-layer="machine"]')[0]
    assert net.xpath("figcaption")[0].text_content() == "machine-coded layer, all years"
    edges = [(e.get("data-actor"), e.get("data-target"), e.get("data-stance")) for e in net.xpath(".//*[@class]")]
    assert sorted(e for e in edges if e[0]) == [("ARM", "UKR", "oppose"), ("KAZ", "RUS", "oppose")]
    table = coll.xpath('//table[@id="claims"]/tbody/tr[@data-layer="machine"]')
    assert [(tr.get("data-actor"), tr.get("data-stance"), tr.get("data-year")) for tr in table] == [
        ("KAZ", "oppose", "2024"),
        ("ARM", "oppose", "2024"),
    ]
    counts = coll.xpath(f'//table[@id="documents"]//tr[@data-doc="{DOC_ID}"]/td[@data-layer]')
    assert [(td.get("data-layer"), td.text_content()) for td in counts] == [
        ("gold", str(len(load(folder / "gold" / "claims.jsonl")))),
        ("machine", "2"),
        ("auto", str(len(auto))),
    ]
    doc_page = lxml.html.fromstring((tmp_path / "report" / "ungd" / f"{DOC_ID}.html").read_text(encoding="utf-8"))
    assert "not gold" in doc_page.xpath('//label[input[@id="show-machine"]]')[0].text_content()
    badges = doc_page.xpath('//span[@class="pairs machine"]/span')
    assert [(b.get("data-actor"), b.get("data-target"), b.get("data-stance")) for b in badges] == [
        ("KAZ", "RUS", "oppose"),
        ("ARM", "UKR", "oppose"),
    ]
    summary = doc_page.xpath('//section[@id="summary"]//table[@data-layer="machine"]/tbody/tr')
    assert [(tr.get("data-actor"), tr.get("data-target")) for tr in summary] == [("KAZ", "RUS"), ("ARM", "UKR")]
