"""The Python API, the audit command and the HTML report (opened in headless Chromium)."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from conftest import ROOT, load

from pipeline import Corpus
from pipeline.report.html import write_report

ANN = ROOT / "annotations"


def test_corpus_api():
    c = Corpus.load(ANN)
    rows = [r for r in load(ANN / "claims.jsonl") if r["actor"] == "KAZ" and r["stance"] == "oppose"]
    got = c.claims(actor="KAZ", stance="oppose", collection="articles")
    assert [(x.sent_id, x.target) for x in got] == [(r["sent_id"], r["target"]) for r in rows] and got
    gold = c.claims("gold", actor="UZB", target="UKR", stance="support")
    assert {x.sent_id for x in gold} >= {"besa2023_central_asia:s111"}
    for claim in got + gold:
        assert c.document(claim.doc_id).sentence_of(claim).sent_id == claim.sent_id
    doc = c.document("besa2023_central_asia")
    assert doc.sentence_of((doc.text.index("[7]"), doc.text.index("[7]") + 3)).footnotes == ["7"]
    assert c.validate() == []


@pytest.mark.parametrize(
    "script,pattern",
    [
        ("kazakh_claims.py", r"^KAZ -> [A-Z]{3} (support|oppose|neutral)"),
        ("unclaimed_mentions.py", r"^besa2023_central_asia:s\d{3}\t[A-Z]{3}"),
    ],
)
def test_example_scripts(script, pattern):
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), str(ANN), "--gold"], capture_output=True, text=True, check=True
    )
    lines = run.stdout.splitlines()
    assert lines and re.match(pattern, lines[0])


def test_audit_command_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "pipeline", "audit", str(ANN)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout == ""
    copy = tmp_path / "ann"
    shutil.copytree(ANN, copy, ignore=shutil.ignore_patterns("hf", "parquet"))
    lines = (copy / "entities.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[9])
    record["country"] = "XYZ"
    lines[9] = json.dumps(record, ensure_ascii=False)
    (copy / "entities.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "pipeline", "audit", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert any(
        l.startswith(f"{copy}/entities.jsonl:10: {record['ent_id']}: country 'XYZ'") for l in bad.stdout.splitlines()
    )


def test_audit_report_sections():
    from pipeline.quality.audit import audit_report

    text = audit_report(ANN)
    for needed in (
        "## gold vs automatic",
        "## coder_a vs coder_b",
        "Krippendorff alpha",
        "Cohen kappa",
        "claims per actor country",
        "backed by a footnote",
        "footnotes cited by no claim",
        "## disagreements: gold vs automatic",
    ):
        assert needed in text


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it with apt-get")
        pytest.skip("chromium not installed (apt-get install chromium); CI installs it")
    return path


FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_html_report_in_headless_chromium(tmp_path):
    browser = chromium()
    out = tmp_path / "report"
    page = write_report(ANN, out)
    flags = [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]

    def dom(path, fragment=""):
        return subprocess.run(
            [browser, *flags, "--dump-dom", path.as_uri() + fragment], capture_output=True, text=True, timeout=120
        ).stdout

    auto, gold = load(ANN / "claims.jsonl"), load(ANN / "gold" / "claims.jsonl")
    entities = load(ANN / "entities.jsonl")
    seed = dom(out / "articles" / "besa2023_central_asia.html")
    # every (actor -> target, stance) pair is written out as text, in its layer
    for layer, rs in (("gold", gold), ("auto", auto)):
        want = sorted(
            f"{r['actor']} → {r['target']} {r['stance']}" for r in rs if r["doc_id"] == "besa2023_central_asia"
        )
        party = "([A-Za-z:_]+)"  # a state's ISO3 or an organisation's id (org:eu)
        pattern = rf'<span class="pair (support|oppose|neutral) {layer}" data-actor="{party}" data-target="{party}"'
        got = sorted(f"{actor} → {target} {stance}" for stance, actor, target in re.findall(pattern, seed))
        assert got == want and want, layer
    doc_entities = [e for e in entities if e["doc_id"] == "besa2023_central_asia"]
    assert len(re.findall(r'<mark class="ent"', seed)) == len(doc_entities)
    assert 'href="https://www.wikidata.org/wiki/Q232"' in seed  # Kazakhstan's QID is a link
    assert 'id="show-gold"' in seed and 'id="show-auto"' in seed
    assert 'href="#note-7"' in seed and 'id="note-7"' in seed
    # the collection page: filters run offline from the URL hash
    coll = out / "articles" / "index.html"
    everything = dom(coll)
    n_rows = len(gold) + len(auto)
    assert f'data-filtered="{n_rows}"' in everything
    kaz_oppose = sum(1 for r in gold + auto if r["stance"] == "oppose" and "KAZ" in (r["actor"], r["target"]))
    assert f'data-filtered="{kaz_oppose}"' in dom(coll, "#country=KAZ&stance=oppose") and kaz_oppose
    assert "<svg" in everything and 'id="matrix-table"' in everything and 'id="disagreements"' in everything
    # every disagreement links to a sentence anchor that exists on its page
    links = re.findall(r'<li><a href="([^"#]+\.html)#(s-s\d+)"', everything)
    assert len(links) == everything.count("<li><a href=") > 0
    for page_name_, anchor in re.findall(r'<li><a href="([^"#]+\.html)#(s-s\d+)"', everything):
        assert f'id="{anchor}"' in (out / "articles" / page_name_).read_text(encoding="utf-8")
    # offline: no external scripts, stylesheets or images
    for html in (seed, everything, dom(page)):
        assert "<link" not in html and not re.search(r'src="https?:', html)
    for p in out.rglob("*"):
        if p.is_file():
            assert p.stat().st_mode & 0o777 == 0o644, p
    # The statements: under their collection, with their gold, a summary at the top of each page.
    ungd = dom(out / "ungd" / "index.html")
    gold_ungd = _gz_rows(ANN / "ungd" / "gold" / "claims.jsonl.gz")  # the built gold layer
    n_docs = len({r["doc_id"] for r in gold_ungd})
    assert f"{len(gold_ungd)} gold rows in {n_docs} documents" in ungd and "no gold layer" not in ungd
    machine_ungd = _gz_rows(ANN / "ungd" / "machine" / "claims.jsonl.gz")
    n_docs = len({r["doc_id"] for r in machine_ungd})
    assert f"{len(machine_ungd)} machine-coded rows in {n_docs} documents" in ungd
    pol = dom(out / "ungd" / "POL_77_2022.html")
    summary = pol[pol.index('id="summary"') : pol.index("</section>", pol.index('id="summary"'))]
    ungd_auto = [
        json.loads(line) for line in gzip.decompress((ANN / "ungd" / "claims.jsonl.gz").read_bytes()).splitlines()
    ]
    pol_rus = [r for r in ungd_auto if r["doc_id"] == "POL_77_2022" and (r["actor"], r["target"]) == ("POL", "RUS")]
    assert pol_rus and f"✗{len(pol_rus)}" in summary and "POL → RUS" in summary
    for r in pol_rus:  # every sentence that holds the position is linked from the summary
        assert f'href="#s-{r["sent_id"].rsplit(":", 1)[-1]}"' in summary
    # Actor and target filters act on the networks and the matrix, not only on the table.
    filtered = dom(out / "ungd" / "index.html", "#actor=POL&target=RUS")
    edges = re.findall(
        r'<line class="edge (\w+)" data-actor="([^"]+)" data-target="([^"]+)"[^>]*?(style="[^"]*")?>', filtered
    )
    shown = [(a, t) for _, a, t, style in edges if "display: none" not in style]
    assert shown and set(shown) == {("POL", "RUS")} and len(edges) > len(shown)
    assert f'data-edges="{len(shown)}"' in filtered
    for table in ("matrix-table", "conflict-table"):  # the actor × target and state × conflict tables
        part = filtered[filtered.index(f'id="{table}"') :]
        part = part[: part.index("</table>")]
        rows = re.findall(r'<tr data-actor="([A-Z:a-z_]+)"( hidden="")?><th scope="row">', part)
        assert [a for a, hidden in rows if not hidden] == ["POL"], table
    for name, target, size in (
        ("document.png", out / "articles" / "besa2023_central_asia.html", "1100,1500"),
        ("collection.png", coll, "1100,1500"),
        ("index.png", page, "1000,700"),
    ):
        shot = tmp_path / name
        subprocess.run(
            [browser, *flags, f"--window-size={size}", f"--screenshot={shot}", target.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
        assert shot.stat().st_size > 10_000


def _gz_rows(path):
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def _cell_counts(td):
    """A matrix cell's counts as the page shows them: "✓3✗1" -> {"support": 3, "oppose": 1}."""
    icons = {"✓": "support", "✗": "oppose", "○": "neutral"}
    return {icons[s.text_content()[0]]: int(s.text_content()[1:]) for s in td.xpath("span")}


@pytest.fixture(scope="module")
def ungd_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("ungd") / "report"
    write_report(ANN, out, collection="ungd")
    return out


@pytest.mark.parametrize(
    "fragment,keep",
    [
        # layer, year and stance: the machine-coded opposition of 2022
        (
            "layer=machine&year=2022&stance=oppose",
            lambda r: r["layer"] == "machine" and r["year"] == "2022" and r["stance"] == "oppose",
        ),
        # document and conflict: one statement's rows on one conflict, every layer
        (
            "doc=POL_77_2022&conflict=russia_ukraine",
            lambda r: r["doc_id"] == "POL_77_2022" and r["conflict"] == "russia_ukraine",
        ),
        # actor and target apart: rows with RUS as target only (not RUS's own claims)
        ("target=RUS&layer=gold", lambda r: r["target"] == "RUS" and r["layer"] == "gold"),
    ],
)
def test_filters_recount_networks_matrix_and_tables_in_chromium(ungd_report, tmp_path, fragment, keep):
    """Every filter acts on the claim table, the documents, the networks, the actor × target
    matrix and the state × conflict table alike: the counts the page shows after filtering in
    headless Chromium are the counts of the matching rows of the layers."""
    import lxml.html

    browser = chromium()
    out = ungd_report
    years = {d["doc_id"]: str(d["year"]) for d in _gz_rows(ANN / "ungd" / "documents.jsonl.gz")}
    rows = [
        dict(r, layer=layer, year=years[r["doc_id"]], conflict=r.get("conflict") or "")
        for layer, path in (
            ("gold", ANN / "ungd" / "gold" / "claims.jsonl.gz"),
            ("machine", ANN / "ungd" / "machine" / "claims.jsonl.gz"),
            ("auto", ANN / "ungd" / "claims.jsonl.gz"),
        )
        for r in _gz_rows(path)
    ]
    want = [r for r in rows if keep(r)]
    assert 0 < len(want) < len(rows)
    html = subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (out / "ungd" / "index.html").as_uri() + "#" + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    page = lxml.html.fromstring(html)
    assert page.xpath("//body")[0].get("data-filtered") == str(len(want))
    assert page.xpath('//output[@id="shown"]')[0].text_content().startswith(f"{len(want)} of {len(rows)} rows; ")
    shown = page.xpath('//table[@id="claims"]/tbody/tr[not(@hidden)]')
    assert sorted((tr.get("data-doc"), tr.get("data-actor"), tr.get("data-target")) for tr in shown) == sorted(
        (r["doc_id"], r["actor"], r["target"]) for r in want
    )
    # the documents: those with matching rows, each layer's count of them
    per_doc = Counter((r["doc_id"], r["layer"]) for r in want)
    docs = page.xpath('//table[@id="documents"]/tbody/tr[not(@hidden)]')
    assert sorted(tr.get("data-doc") for tr in docs) == sorted({r["doc_id"] for r in want})
    for tr in docs:
        for td in tr.xpath("td[@data-layer]"):
            assert td.text_content() == str(per_doc[(tr.get("data-doc"), td.get("data-layer"))])
    # the networks: only the chosen layer's (and year's); each edge shown counts its rows
    edges = 0
    for fig in page.xpath('//figure[contains(@class, "network")]'):
        layer, year = fig.get("data-layer"), fig.get("data-year")
        here = Counter(
            (r["actor"], r["target"], r["stance"]) for r in want if r["layer"] == layer and year in ("", r["year"])
        )
        for e in fig.xpath(".//*[@data-stance]"):
            key = (e.get("data-actor"), e.get("data-target"), e.get("data-stance"))
            if "display: none" in (e.get("style") or ""):
                assert here[key] == 0, key
            else:
                assert e.get("data-shown") == str(here[key]) and here[key] > 0, key
                edges += fig.get("hidden") is None
        chosen = dict(kv.split("=") for kv in fragment.split("&"))
        other_layer = chosen.get("layer", layer) != layer
        other_year = bool(year) and chosen.get("year", year) != year
        assert (fig.get("hidden") is not None) == (other_layer or other_year), (layer, year)
    assert page.xpath("//body")[0].get("data-edges") == str(edges) and edges
    # the actor × target matrix and the state × conflict table: every cell recounted
    cells = Counter((r["actor"], r["target"], r["stance"]) for r in want)
    by_conflict = Counter((r["actor"], r["conflict"], r["stance"]) for r in want if r["conflict"])
    for table, key, counts in (
        ("matrix-table", "data-target", cells),
        ("conflict-table", "data-conflict", by_conflict),
    ):
        trs = page.xpath(f'//table[@id="{table}"]//tr[@data-actor]')
        assert any(tr.get("hidden") is None for tr in trs), table
        for tr in trs:  # a row is hidden where none of its cells has a matching row
            got = [_cell_counts(td) for td in tr.xpath("td")]
            for td, shown in zip(tr.xpath("td"), got):
                expect = {s: counts[(tr.get("data-actor"), td.get(key), s)] for s in ("support", "oppose", "neutral")}
                assert shown == {s: n for s, n in expect.items() if n}, (table, tr.get("data-actor"))
            assert (tr.get("hidden") is not None) == (not any(got)), (table, tr.get("data-actor"))
