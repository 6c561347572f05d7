"""The Python API, the audit command and the HTML report (opened in headless Chromium)."""

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
    got = c.claims(actor="KAZ", stance="oppose")
    assert [(x.sent_id, x.target) for x in got] == [(r["sent_id"], r["target"]) for r in rows] and got
    gold = c.claims("gold", actor="UZB", target="UKR", stance="support")
    assert {x.sent_id for x in gold} >= {"besa2023_central_asia:s111"}
    for claim in got + gold:
        assert c.document(claim.doc_id).sentence_of(claim).sent_id == claim.sent_id
    doc = c.document("besa2023_central_asia")
    assert doc.sentence_of((doc.text.index("[7]"), doc.text.index("[7]") + 3)).footnotes == ["7"]
    assert c.validate() == []


@pytest.mark.parametrize("script,pattern", [
    ("kazakh_claims.py", r"^KAZ -> [A-Z]{3} (support|oppose|neutral)"),
    ("unclaimed_mentions.py", r"^besa2023_central_asia:s\d{3}\t[A-Z]{3}"),
])
def test_example_scripts(script, pattern):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / script), str(ANN), "--gold"],
                         capture_output=True, text=True, check=True)
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
    assert any(l.startswith(f"{copy}/entities.jsonl:10: {record['ent_id']}: country 'XYZ'") for l in bad.stdout.splitlines())


def test_audit_report_sections():
    from pipeline.quality.audit import audit_report

    text = audit_report(ANN)
    for needed in ("## gold vs automatic", "## coder_a vs coder_b", "Krippendorff alpha", "Cohen kappa",
                   "claims per actor country", "backed by a footnote", "footnotes cited by no claim",
                   "## disagreements: gold vs automatic"):
        assert needed in text


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it with apt-get")
        pytest.skip("chromium not installed (apt-get install chromium); CI installs it")
    return path


def test_html_report_in_headless_chromium(tmp_path):
    browser = chromium()
    out = tmp_path / "report"
    page = write_report(ANN, out)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    auto = load(ANN / "claims.jsonl")
    entities = load(ANN / "entities.jsonl")
    assert 'data-chart="loaded"' in dom  # the PNG chart was found and decoded
    assert len(re.findall(r'<span class="claim (?:support|oppose|neutral)" data-claims=', dom)) == len({r["sent_id"] for r in auto})
    assert len(re.findall(r'<mark class="ent"', dom)) == len(entities)
    assert dom.count('data-country="KAZ"') == sum(1 for e in entities if e["country"] == "KAZ")
    assert 'href="#note-besa2023_central_asia-7"' in dom and 'id="note-besa2023_central_asia-7"' in dom
    assert "<table id=\"summary\">" in dom and 'id="disagreements"' in dom
    # offline: no scripts or stylesheets from elsewhere, images are local files
    assert "<script" not in dom and "<link" not in dom and not re.search(r'src="https?:', dom)
    shot = out / "screenshot.png"
    subprocess.run([browser, *flags, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
