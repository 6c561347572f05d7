"""Gold coding of the project-written passages: offsets, closed lists, parties, coverage."""

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.quality.passages import check_passages, conflict_ids

ROOT = Path(__file__).resolve().parents[2]
PASSAGES = ROOT / "corpus" / "passages"
CLAIMS = ROOT / "annotations" / "gold" / "passages" / "claims.jsonl"


def _rows(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def rows():
    return _rows(CLAIMS)


def test_committed_coding_is_valid():
    assert check_passages(CLAIMS, PASSAGES) == []


def test_script_exits_0_on_the_committed_coding_and_1_on_a_bad_file(tmp_path):
    ok = subprocess.run(
        [sys.executable, "scripts/check_passages.py"], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": "."}
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "claims.jsonl"
    bad.write_text('{"doc_id": "conflict_gaza_01"}\nnot json\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "scripts/check_passages.py", "--claims", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "."},
    )
    assert run.returncode == 1
    assert f"error: {bad}:2: not valid JSON" in run.stdout
    assert f"error: {bad}:1: missing field(s) start, end, text, span" in run.stdout


def test_the_checker_does_not_load_spacy():
    code = "import sys, pipeline.quality.passages; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": "."}).returncode == 0


def _one_bad(tmp_path, rows, line, **change):
    edited = [dict(r) for r in rows]
    edited[line].update(change)
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in edited), encoding="utf-8")
    return [p.split(": ", 1)[1] for p in check_passages(path, PASSAGES)], path


def test_each_broken_field_is_named(tmp_path, rows):
    first = rows[0]
    cases = {
        "start": (
            {"start": first["start"] + 1},
            f"text is not the file's [{first['start'] + 1}:{first['end']}]",
        ),
        "span": ({"span": "not in the sentence"}, "span 'not in the sentence' is not a substring of text"),
        "same": ({"target": first["actor"], "target_type": first["actor_type"]}, "actor and target are both"),
        "stance": ({"stance": "none"}, "stance 'none' not in support|oppose|neutral"),
        "conflict": ({"conflict": "gaza"}, "conflict 'gaza' is not a conflict id of GUIDELINES 3.1 (or null)"),
        "actor": ({"actor": "XYZ"}, "actor 'XYZ' is not an ISO3 code or an org:<id> of organisations.jsonl"),
        "org": ({"actor": "org:nowhere"}, "actor 'org:nowhere' is not an ISO3 code or an org:<id>"),
        "type": ({"actor_type": "state"}, "actor_type 'state' does not fit actor 'org:un'"),
        "time": ({"time": "2025-13"}, "time '2025-13' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        "annotator": ({"annotator": "coder_a"}, "annotator 'coder_a' must name the coding model as lm:<model>"),
    }
    for name, (change, message) in cases.items():
        problems, _ = _one_bad(tmp_path, rows, 0, **change)
        assert len(problems) == 1 and problems[0].startswith(message), (name, problems)


def test_a_repeated_row_is_a_duplicate(tmp_path, rows):
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [rows[0], *rows]), encoding="utf-8")
    assert check_passages(path, PASSAGES) == [
        f"{path}:2: duplicate of line 1 (same sentence, parties, conflict and span)"
    ]


def test_a_passage_missing_from_the_manifest_is_named(tmp_path, rows):
    folder = tmp_path / "passages"
    shutil.copytree(PASSAGES, folder)
    manifest = folder / "manifest.jsonl"
    kept = [line for line in manifest.read_text(encoding="utf-8").splitlines() if '"conflict_gaza_01"' not in line]
    manifest.write_text("\n".join(kept) + "\n", encoding="utf-8")
    problems = check_passages(CLAIMS, folder)
    gaza = sum(r["doc_id"] == "conflict_gaza_01" for r in rows)
    assert len(problems) == gaza
    assert all(p.endswith("doc_id 'conflict_gaza_01' is not in the passages' manifest") for p in problems)


def test_passages_are_short_project_texts():
    manifest = _rows(PASSAGES / "manifest.jsonl")
    assert len(manifest) >= 24
    for row in manifest:
        words = len((PASSAGES / row["file"]).read_text(encoding="utf-8").split())
        assert 100 <= words <= 250, (row["doc_id"], words)
        assert row["publisher"] == "Stance corpus project" and row["licence"] == "CC BY 4.0, project text"
        assert row["source"].startswith("Written for the project as an evaluation text by a language model")


def test_every_other_conflict_is_coded_and_some_passages_hold_two(rows):
    conflicts = Counter(r["conflict"] for r in rows)
    for conflict in conflict_ids() - {"russia_ukraine", "syria"}:
        assert conflicts[conflict] > 0, conflict
    per_doc = {}
    for r in rows:
        if r["conflict"] not in (None, "russia_ukraine"):
            per_doc.setdefault(r["doc_id"], set()).add(r["conflict"])
    assert sum(len(c) >= 2 for c in per_doc.values()) >= 3
    assert len({r["doc_id"] for r in rows if "organisation" in (r["actor_type"], r["target_type"])}) >= 4


def test_no_row_toward_russia_or_ukraine_from_another_conflict(rows):
    toward = [(r["doc_id"], r["span"]) for r in rows if r["target"] in ("RUS", "UKR")]
    assert toward and all(r["conflict"] == "russia_ukraine" for r in rows if r["target"] in ("RUS", "UKR"))
    # the Swiss passage's neutrality and its mention of Ukraine give no row toward either
    swiss = [r for r in rows if r["doc_id"] == "conflict_swiss_neutrality_01"]
    assert not [r for r in swiss if "Ukraine" in r["text"] or "Congress of Vienna" in r["text"]]


def test_readme_counts_are_those_of_the_coding(rows):
    readme = (CLAIMS.parent / "README.md").read_text(encoding="utf-8")
    table = {}
    for line in readme.splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[1].isdigit():
            table[None if cells[0] == "none (null)" else cells[0]] = tuple(int(c) for c in cells[1:])
    counted = {}
    for conflict in {r["conflict"] for r in rows}:
        own = [r for r in rows if r["conflict"] == conflict]
        stances = Counter(r["stance"] for r in own)
        counted[conflict] = (
            len({r["doc_id"] for r in own}),
            len(own),
            stances["support"],
            stances["oppose"],
            stances["neutral"],
        )
    assert table == counted
    assert f"{len(rows)} rows" in " ".join(readme.split())
