"""The review loop: export -> edit as an annotator would -> import -> the sheet shows exactly the edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import registry
from pipeline.export.common import codepoint_offset
from pipeline.export.review import import_review
from pipeline.quality.gold import expand
from tests.unit.export.conftest import DOC_ID

ROOT = Path(__file__).resolve().parents[3]
S1 = f"{DOC_ID}:s001"  # "🙂 Kazakhstan condemned Russia."


def content(rows):
    return sorted((r["sent_id"], r["start"], r["end"], r["actor"], r["target"], r["stance"], r["topic"]) for r in rows)


def layer_rows(folder: Path, layer="claims.jsonl"):
    return [json.loads(line) for line in (folder / layer).read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- the edits, per format
# Each edit: KAZ->RUS on s001 becomes "support"; the TJK->RUS row is deleted; a new claim on
# s001 (RUS->KAZ, oppose, diplomacy) is added with its actor and target given only by relations
# to the mentions "Russia" and "Kazakhstan".


def edit_labelstudio(out: Path) -> Path:
    path = out / "labelstudio" / "tasks.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for task in tasks:
        if "predictions" not in task:
            continue
        result = task["predictions"][0]["result"]
        ids = {r["meta"]["text"][0]: r["id"] for r in result if r.get("from_name") == "claim"}
        tjk = ids.get(f"{DOC_ID}:c002|TJK|RUS")
        if tjk:
            result[:] = [r for r in result if tjk not in (r.get("id"), r.get("from_id"))]
        kaz = ids.get(f"{DOC_ID}:c001|KAZ|RUS")
        if kaz:
            region = next(r for r in result if r.get("id") == kaz and r["from_name"] == "claim")
            region["value"]["labels"] = ["support"]
            mention = {r["value"]["text"]: r["id"] for r in result if r.get("from_name") == "mention"}
            start, end = region["value"]["start"], region["value"]["end"]
            result += [
                {
                    "id": "new1",
                    "from_name": "claim",
                    "to_name": "text",
                    "type": "labels",
                    "value": {
                        "start": start,
                        "end": end,
                        "text": task["data"]["text"][start:end],
                        "labels": ["oppose"],
                    },
                },
                {
                    "id": "new1",
                    "from_name": "topic",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"start": start, "end": end, "choices": ["diplomacy"]},
                },
                {"type": "relation", "from_id": "new1", "to_id": mention["Russia"], "labels": ["actor"]},
                {"type": "relation", "from_id": "new1", "to_id": mention["Kazakhstan"], "labels": ["target"]},
            ]
        # What Label Studio exports: the reviewed result as the task's annotation.
        task["annotations"] = [{"result": result, "was_cancelled": False}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def edit_prodigy(out: Path) -> Path:
    path = out / "prodigy" / "tasks.jsonl"
    tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for task in tasks:
        task["answer"] = "accept"
        task["spans"] = [s for s in task["spans"] if s.get("row_id") != f"{DOC_ID}:c002|TJK|RUS"]
        for s in task["spans"]:
            if s.get("row_id") == f"{DOC_ID}:c001|KAZ|RUS":
                s["label"] = "SUPPORT"
        if task["meta"]["paragraph"] == 1:
            by_text = {s["text"]: s for s in task["spans"] if s["label"] == "GPE"}
            claim = next(s for s in task["spans"] if s.get("row_id", "").startswith(f"{DOC_ID}:c001"))
            new = {k: claim[k] for k in ("start", "end", "token_start", "token_end")}
            new.update(label="OPPOSE", topic="diplomacy")
            task["spans"].append(new)
            for role, child in (("ACTOR", by_text["Russia"]), ("TARGET", by_text["Kazakhstan"])):
                bare = {k: child[k] for k in ("start", "end", "token_start", "token_end", "label")}
                task["relations"].append(
                    {
                        "head": new["token_end"],
                        "child": child["token_end"],
                        "head_span": dict(new, label="OPPOSE"),
                        "child_span": bare,
                        "label": role,
                    }
                )
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    return path


def edit_doccano(out: Path) -> Path:
    path = out / "doccano" / "tasks.jsonl"
    tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for task in tasks:
        claims = [e for e in task["entities"] if ":" in e["label"]]
        if task["paragraph"] == 1:
            kaz_claim, group = claims[0], claims[1:]
            kaz_claim["label"] = "support:diplomacy"
            tjk = group[-1]  # the last row of the shared span (see the doccano module's caveat)
            task["entities"].remove(tjk)
            task["relations"] = [r for r in task["relations"] if r["from_id"] != tjk["id"]]
            ids = {}
            for e in task["entities"]:  # first mention of each name: the ones in s001
                if e["label"] == "GPE":
                    text = task["text"][
                        codepoint_offset(task["text"], e["start_offset"]) : codepoint_offset(
                            task["text"], e["end_offset"]
                        )
                    ]
                    ids.setdefault(text, e["id"])
            new_id = 100
            task["entities"].append(
                {
                    "id": new_id,
                    "label": "oppose:diplomacy",
                    "start_offset": kaz_claim["start_offset"],
                    "end_offset": kaz_claim["end_offset"],
                }
            )
            task["relations"] += [
                {"id": 100, "from_id": new_id, "to_id": ids["Russia"], "type": "actor"},
                {"id": 101, "from_id": new_id, "to_id": ids["Kazakhstan"], "type": "target"},
            ]
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    return path


def edit_brat(out: Path) -> Path:
    ann = out / "brat" / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    t_of = {}
    for line in lines:
        if line.startswith("T"):
            tid, rest, _text = line.split("\t")
            t_of.setdefault(rest, []).append(tid)
    attrs = {}
    for line in lines:
        if line.startswith("A"):
            _aid, rest = line.split("\t")
            name, ref, value = rest.split(" ")
            attrs.setdefault(ref, {})[name] = value
    claim_ids = [t for k, ids in t_of.items() if k.startswith("Claim ") for t in ids]
    kaz = next(t for t in claim_ids if attrs[t]["Actor"] == "KAZ" and attrs[t]["Topic"] == "diplomacy")
    tjk = next(t for t in claim_ids if attrs[t]["Actor"] == "TJK")
    keep = []
    for line in lines:
        fields = line.split("\t")
        refs = fields[1].replace(":", " ").split(" ")
        if fields[0] == tjk or tjk in refs:
            continue
        if line.startswith("A") and refs[:2] == ["Stance", kaz]:
            line = f"{fields[0]}\tStance {kaz} support"
        keep.append(line)
    kaz_span = next(k for k, ids in t_of.items() if kaz in ids)
    mentions = {text: tid for tid, _rest, text in (l.split("\t") for l in lines if l.startswith("T"))}
    keep += [
        f"T900\t{kaz_span}\t" + next(l.split("\t")[2] for l in lines if l.startswith(kaz + "\t")),
        "A900\tStance T900 oppose",
        "A901\tTopic T900 diplomacy",
        f"R900\tActor Arg1:T900 Arg2:{mentions['Russia']}",
        f"R901\tTarget Arg1:T900 Arg2:{mentions['Kazakhstan']}",
    ]
    ann.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return out / "brat"


EDITS = {"labelstudio": edit_labelstudio, "prodigy": edit_prodigy, "doccano": edit_doccano, "brat": edit_brat}


@pytest.mark.parametrize("fmt", sorted(EDITS))
def test_unedited_round_trip_reproduces_the_layer(fmt, tiny, tmp_path):
    out = tmp_path / "out"
    registry.get("exporters", fmt)(tiny, out)
    path = {
        "labelstudio": out / "labelstudio/tasks.json",
        "prodigy": out / "prodigy/tasks.jsonl",
        "doccano": out / "doccano/tasks.jsonl",
        "brat": out / "brat",
    }[fmt]
    result = import_review(fmt, path)
    assert result.conflicts == []
    assert content(result.rows) == content(layer_rows(tiny))
    # The sheet expands (pipeline.quality.gold) back into the same rows.
    assert content(r.model_dump() for r in expand(result.items, tiny, "review")) == content(layer_rows(tiny))


def test_doccano_declares_overlapping_spans_and_keeps_them_all(tiny, tmp_path):
    """Every span of the tasks survives a round trip; the project the tasks need allows overlap."""
    from pipeline.export.doccano import overlapping

    counts = registry.get("exporters", "doccano")(tiny, tmp_path)["doccano"]
    tasks = [json.loads(line) for line in (tmp_path / "doccano" / "tasks.jsonl").read_text().splitlines()]
    project = json.loads((tmp_path / "doccano" / "project.json").read_text())
    # Claim spans cover their mentions and rows share sentences: here all 14 spans overlap another.
    assert overlapping(tasks) == counts["overlapping_spans"] == project["overlapping_spans"] == 14
    assert sum(len(t["entities"]) for t in tasks) == 14
    assert project["allow_overlapping"] is True and project["use_relation"] is True
    assert project["grapheme_mode"] is False and project["project_type"] == "SequenceLabeling"
    assert {"text": "oppose:diplomacy"} in project["span_types"]
    assert project["relation_types"] == [{"text": "actor"}, {"text": "target"}]
    result = import_review("doccano", tmp_path / "doccano" / "tasks.jsonl")
    assert result.conflicts == [] and content(result.rows) == content(layer_rows(tiny))


@pytest.mark.parametrize("fmt", sorted(EDITS))
def test_edits_come_back_as_exactly_those_conflicts(fmt, tiny, tmp_path):
    out = tmp_path / "out"
    registry.get("exporters", fmt)(tiny, out)
    result = import_review(fmt, EDITS[fmt](out))
    kinds = sorted((c["kind"], c["before" if c["kind"] != "added" else "after"]["actor"]) for c in result.conflicts)
    assert kinds == [("added", "RUS"), ("changed", "KAZ"), ("removed", "TJK")]
    changed = next(c for c in result.conflicts if c["kind"] == "changed")
    assert changed["fields"] == ["stance"] and changed["after"]["stance"] == "support"
    assert changed["row_id"] == f"{DOC_ID}:c001|KAZ|RUS"

    before = content(layer_rows(tiny))
    s1 = next(r for r in layer_rows(tiny) if r["actor"] == "KAZ" and r["sent_id"] == S1)
    expected = [r for r in before if r[3] != "TJK"]
    expected = [r[:5] + ("support",) + r[6:] if r == content([s1])[0] else r for r in expected]
    expected.append((S1, s1["start"], s1["end"], "RUS", "KAZ", "oppose", "diplomacy"))
    assert content(result.rows) == sorted(expected)
    # The sheet says the same, in the compact form, and expands against the layers.
    assert content(r.model_dump() for r in expand(result.items, tiny, "review")) == sorted(expected)
    added = [i for i in result.items if i["actor"] == "RUS"]
    assert added == [
        {"sent_id": S1, "span": None, "actor": "RUS", "target": "KAZ", "stance": "oppose", "topic": "diplomacy"}
    ]


def test_moved_span_and_invalid_region(tiny, tmp_path):
    out = tmp_path / "out"
    registry.get("exporters", "labelstudio")(tiny, out)
    path = out / "labelstudio" / "tasks.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    task = next(t for t in tasks if t["data"]["paragraph"] == 2)
    result = task["predictions"][0]["result"]
    for r in result:
        if r.get("from_name") == "claim" and r["meta"]["text"][0].endswith("GEO|RUS"):
            r["value"]["end"] -= len(" toward Russia")  # "Georgia stayed neutral"
            r["value"]["text"] = task["data"]["text"][r["value"]["start"] : r["value"]["end"]]
    text = task["data"]["text"]
    result.append(
        {
            "id": "bad",
            "from_name": "claim",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 7, "text": text[:7], "labels": ["support"]},
        }
    )
    task["annotations"] = [{"result": result}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    got = import_review("labelstudio", path)
    kinds = sorted(c["kind"] for c in got.conflicts)
    assert kinds == ["invalid", "moved"]
    moved = next(c for c in got.conflicts if c["kind"] == "moved")
    assert moved["after"]["text"] == "Georgia stayed neutral" and moved["fields"] == ["end"]
    assert "no actor or no target" in next(c for c in got.conflicts if c["kind"] == "invalid")["problem"]
    assert got.unreviewed == len(tasks) - 1


def test_changed_text_is_refused(tiny, tmp_path):
    out = tmp_path / "out"
    registry.get("exporters", "brat")(tiny, out)
    txt = out / "brat" / f"{DOC_ID}.txt"
    txt.write_text(txt.read_text(encoding="utf-8").replace("Positions", "Stances!!"), encoding="utf-8")
    with pytest.raises(ValueError, match="differs from the exported text"):
        import_review("brat", out / "brat")


def test_committed_gold_sheet_comes_back_byte_identical(tmp_path):
    """brat export of the committed gold layer (the unseen document) -> import -> its coding sheet."""
    ann = ROOT / "annotations"
    doc = "unseen_caucasus_2024"
    registry.get("exporters", "brat")(ann, tmp_path, layer="gold", doc_ids=[doc])
    result = import_review("brat", tmp_path / "brat")
    assert result.conflicts == []
    sheet = tmp_path / "sheet.jsonl"
    from pipeline.export.review import write_sheet

    write_sheet(result, sheet)
    assert sheet.read_bytes() == (ann / "gold" / "sheets" / f"{doc}.jsonl").read_bytes()


def test_committed_gold_layer_survives_label_studio(tmp_path):
    """Label Studio export of the articles' committed gold layer -> import -> the same rows, no conflicts."""
    ann = ROOT / "annotations"
    registry.get("exporters", "labelstudio")(ann, tmp_path, layer="gold", collection="articles")
    result = import_review("labelstudio", tmp_path / "labelstudio" / "tasks.json")
    gold = layer_rows(ann, "gold/claims.jsonl")
    assert result.conflicts == [] and len(result.rows) == len(gold) == 189
    expanded = [r.model_dump() for r in expand(result.items, ann, "review")]
    key = lambda r: (r["sent_id"], r["start"], r["end"], r["actor"], r["target"], r["stance"], r["topic"], r["note"])  # noqa: E731
    assert sorted(map(key, expanded)) == sorted(map(key, gold))
