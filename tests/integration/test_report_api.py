"""The Python API, the audit command and the HTML report (opened in headless Chromium)."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys

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
    gold_ungd = load(ANN / "gold" / "ungd" / "claims.jsonl")
    assert f"{len(gold_ungd)} gold rows in 64 documents" in ungd and "no gold layer" not in ungd
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
