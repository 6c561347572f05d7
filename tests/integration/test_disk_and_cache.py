"""Space: the build's cache holds only the entries the build can use, and a full disk leaves the
earlier output, no partial folder and no cache entries of the failed run. What held before stays
tested: entities in HTML are not expanded (billion laughs, XXE) and the report escapes markup."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from test_cli_inputs import run

import pipeline.build
from pipeline.build import CACHE_DIR
from pipeline.ingest.manifest import read_manifest
from pipeline.ingest.sources import read_source
from pipeline.publish import build_corpus
from pipeline.settings import Settings

TEXTS = {
    "a": "Kazakhstan condemned Russia over the war in Ukraine.\n",
    "b": "Poland supported Ukraine against Russia.\n",
    "c": "France welcomed the talks between Armenia and Azerbaijan.\n",
}


def _corpus(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        rows.append(json.dumps({"doc_id": doc_id, "file": f"{doc_id}.txt"}) + "\n")
    (folder / "manifest.jsonl").write_text("".join(rows), encoding="utf-8")
    return folder


def _entries(out: Path) -> set[str]:
    return {p.name for p in (out / CACHE_DIR).rglob("*.json.gz")}


def test_the_cache_keeps_only_live_entries(annotator, tmp_path):
    settings = annotator.settings
    out = tmp_path / "ann"
    build_corpus(read_manifest(_corpus(tmp_path / "c1", TEXTS)), out, settings, progress=False)
    first = _entries(out)
    assert len(first) == 3
    # Stale entries (an older pipeline's, a killed run's temporary file) do not survive a build.
    stale = out / CACHE_DIR / "ff" / ("f" * 64 + ".json.gz")
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"old")
    (out / CACHE_DIR / "ff" / ".x.tmp").write_bytes(b"part")
    changed = {**TEXTS, "c": "France condemned Russia.\n"}
    build_corpus(read_manifest(_corpus(tmp_path / "c2", changed)), out, settings, progress=False)
    now = _entries(out)
    assert len(now) == 3 and len(now & first) == 2 and stale.name not in now
    assert not list((out / CACHE_DIR).rglob("*.tmp"))


def test_a_full_disk_during_a_build_keeps_the_earlier_output(annotator, tmp_path, monkeypatch):
    settings: Settings = annotator.settings
    out = tmp_path / "ann"
    build_corpus(read_manifest(_corpus(tmp_path / "c1", TEXTS)), out, settings, progress=False)
    before = {p.name: p.read_bytes() for p in out.glob("*.jsonl")}
    cached = _entries(out)
    real = pipeline.build.CacheWriter.commit
    calls = []

    def commit(self):  # the second document of the run finds the disk full
        calls.append(self.path)
        if len(calls) == 2:
            self.abort()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self)

    monkeypatch.setattr(pipeline.build.CacheWriter, "commit", commit)
    changed = {k: v.replace("Russia", "the Russian Federation") for k, v in TEXTS.items()}
    with pytest.raises(OSError) as err:
        build_corpus(read_manifest(_corpus(tmp_path / "c2", changed)), out, settings, progress=False)
    assert err.value.errno == errno.ENOSPC
    assert {p.name: p.read_bytes() for p in out.glob("*.jsonl")} == before
    assert _entries(out) == cached  # the entry stored before the disk filled is given back
    assert not list(tmp_path.glob(".ann.*")) and not list(out.rglob("*.tmp"))


def test_html_entities_are_not_expanded(tmp_path):
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 9))
    page = tmp_path / "laughs.html"
    page.write_text(
        f'<!DOCTYPE html [<!ENTITY l0 "lol">{laughs}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<html><body><p>Kazakhstan condemned Russia over the war in Ukraine &l8; &xxe; and said so clearly.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    text = " ".join(line.text for line in read_source(page).lines)
    assert "Kazakhstan condemned Russia" in text
    assert "lollol" not in text and "root:" not in text and len(text) < 500


def test_the_report_escapes_markup_from_the_text(tmp_path):
    src = tmp_path / "xss.html"
    src.write_text(
        "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head><body>"
        "<p>Kazakhstan condemned Russia &lt;img src=x onerror=alert(2)&gt; over the war in Ukraine.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    assert run("annotate", src, "--out", tmp_path / "out").exit_code == 0
    result = run("report", "--annotations", tmp_path / "out", "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "report").rglob("*.html"))
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages
    assert "<img src=x" not in pages and "<script>alert(1)" not in pages
