"""Label Studio tasks: one task per paragraph, the automatic (or gold) layer as predictions.

``OUT/labelstudio/tasks.json`` is a JSON list of tasks for Label Studio's import;
``OUT/labelstudio/config.xml`` is the labeling configuration the tasks are written for:

- ``data``: ``text`` (the paragraph), ``doc_id``, ``paragraph``, ``offset`` (where the
  paragraph starts in the document's text), ``title``, ``date``;
- ``predictions[0].result``: a ``labels`` region per mention (``from_name="mention"``, the
  entity label; ``meta.text`` holds the ISO3 codes and Wikidata QID) and per claim row
  (``from_name="claim"``, the stance), with per-region ``textarea`` results ``actor`` and
  ``target`` (ISO3 codes or ``org:<id>``), ``note``, and a ``choices`` result ``topic`` that share the claim region's
  ``id``; ``relation`` results link a claim to its actor and target mentions.

Offsets: Label Studio's ``Text`` tag counts ``value.start``/``end`` in Unicode code points
(its editor's "NER - Emoji - Text" test selects "test" in "🐱 Warning: This is a test text"
and expects start 21, which is the code-point index, not the UTF-16 one, 22); they are the
layers' own offsets, relative to the task's text.

``read_review`` reads a Label Studio JSON export (tasks with ``annotations``): a task's last
annotation that was not cancelled wins; a task without one falls back to its prediction and
is counted as unreviewed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, get_args
from xml.sax.saxutils import quoteattr

from pipeline.export.common import STANCE_LABELS, ExportError, counts, load_corpus, paragraph_units, row_id, write_json
from pipeline.export.review import Imported, Region, codes, resolve, write_baseline
from pipeline.io import write_text
from pipeline.paths import out_path
from pipeline.registry import exporters, importers
from pipeline.schema import TOPICS, Entity

MENTION_LABELS = get_args(Entity.model_fields["label"].annotation)
TEXT_NAME = "text"


def label_config() -> str:
    """The labeling configuration (XML) that every result of the tasks refers to."""

    def labels(name: str, values) -> str:
        inner = "".join(f"\n    <Label value={quoteattr(v)}/>" for v in values)
        return f'  <Labels name="{name}" toName="{TEXT_NAME}">{inner}\n  </Labels>\n'

    topics = "".join(f"\n      <Choice value={quoteattr(t)}/>" for t in TOPICS)
    return (
        "<View>\n"
        + labels("mention", MENTION_LABELS)
        + labels("claim", STANCE_LABELS)
        + '  <Relations>\n    <Relation value="actor"/>\n    <Relation value="target"/>\n  </Relations>\n'
        f'  <Text name="{TEXT_NAME}" value="$text"/>\n'
        '  <View visibleWhen="region-selected" whenTagName="claim">\n'
        f'    <TextArea name="actor" toName="{TEXT_NAME}" perRegion="true" maxSubmissions="1" '
        'placeholder="codes of the actor(s): ISO3 or org:id"/>\n'
        f'    <TextArea name="target" toName="{TEXT_NAME}" perRegion="true" maxSubmissions="1" '
        'placeholder="codes of the target(s): ISO3 or org:id"/>\n'
        f'    <TextArea name="note" toName="{TEXT_NAME}" perRegion="true" maxSubmissions="1" '
        'placeholder="note"/>\n'
        f'    <Choices name="topic" toName="{TEXT_NAME}" perRegion="true">{topics}\n    </Choices>\n'
        "  </View>\n"
        "</View>\n"
    )


def _value(unit_text: str, start: int, end: int, **extra) -> dict:
    return dict({"start": start, "end": end, "text": unit_text[start:end]}, **extra)


def tasks(bundles) -> list[dict]:
    out = []
    for b in bundles:
        for u in paragraph_units(b):
            result, region_of = [], {}
            for n, e in enumerate(u.entities):
                rid = f"m{n}"
                region_of[e["ent_id"]] = rid
                note = " ".join(e["countries"]) + (f" {e['kb_id']}" if e.get("kb_id") else "")
                result.append(
                    {
                        "id": rid,
                        "from_name": "mention",
                        "to_name": TEXT_NAME,
                        "type": "labels",
                        "value": _value(u.text, e["start"] - u.start, e["end"] - u.start, labels=[e["label"]]),
                        "meta": {"text": [note]},
                    }
                )
            for n, c in enumerate(u.claims):
                rid = f"c{n}"
                s, e = c["start"] - u.start, c["end"] - u.start
                result.append(
                    {
                        "id": rid,
                        "from_name": "claim",
                        "to_name": TEXT_NAME,
                        "type": "labels",
                        "value": _value(u.text, s, e, labels=[c["stance"]]),
                        "meta": {"text": [row_id(c)]},
                    }
                )
                for name, code in (("actor", c["actor"]), ("target", c["target"])):
                    result.append(
                        {
                            "id": rid,
                            "from_name": name,
                            "to_name": TEXT_NAME,
                            "type": "textarea",
                            "value": {"start": s, "end": e, "text": [code]},
                        }
                    )
                result.append(
                    {
                        "id": rid,
                        "from_name": "topic",
                        "to_name": TEXT_NAME,
                        "type": "choices",
                        "value": {"start": s, "end": e, "choices": [c["topic"]]},
                    }
                )
                if c.get("note"):
                    result.append(
                        {
                            "id": rid,
                            "from_name": "note",
                            "to_name": TEXT_NAME,
                            "type": "textarea",
                            "value": {"start": s, "end": e, "text": [c["note"]]},
                        }
                    )
                for role in ("actor", "target"):
                    for ent_id in c[f"{role}_mentions"]:
                        if ent_id in region_of:
                            result.append(
                                {
                                    "type": "relation",
                                    "from_id": rid,
                                    "to_id": region_of[ent_id],
                                    "direction": "right",
                                    "labels": [role],
                                }
                            )
            task: dict[str, Any] = {
                "data": {
                    "text": u.text,
                    "doc_id": u.doc_id,
                    "paragraph": u.index,
                    "offset": u.start,
                    "title": b.doc.get("title"),
                    "date": b.doc.get("date"),
                }
            }
            if result:
                model = sorted({c["annotator"] for c in u.claims}) or ["pipeline.entities"]
                task["predictions"] = [{"model_version": ",".join(model), "result": result}]
            out.append(task)
    return out


@exporters.register("labelstudio")
def export_labelstudio(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "labelstudio")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    all_tasks = tasks(bundles)
    write_json(out / "tasks.json", all_tasks)
    write_text(out / "config.xml", label_config())
    write_baseline(out, "labelstudio", layer, bundles)
    return {"labelstudio": counts(bundles, tasks=len(all_tasks))}


# ---------------------------------------------------------------- import


def _result_of(task: dict) -> tuple[list, bool]:
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if done:
        return done[-1].get("result") or [], True
    preds = task.get("predictions") or []
    return (preds[0].get("result") or [] if preds else []), False


@importers.register("labelstudio")
def read_review(path: Path, base) -> Imported:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise ExportError(f"{path}: not a Label Studio JSON export ({err})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ExportError(f"{path}: expected a list of tasks")
    imported = Imported()
    for n, task in enumerate(data, 1):
        where = f"{path}: task {n}"
        d = task.get("data") or {}
        if not {"text", "doc_id", "offset"} <= set(d):
            raise ExportError(f"{where}: data needs text, doc_id and offset (was it exported by stance-corpus?)")
        doc_id, offset, text = d["doc_id"], d["offset"], d["text"]
        base.check_text(doc_id, offset, text, where)
        result, reviewed = _result_of(task)
        imported.unreviewed += not reviewed
        regions: dict[str, dict] = {}
        per_region: dict[str, dict] = {}
        relations = []
        for r in result:
            if r.get("type") == "relation":
                relations.append(r)
            elif r.get("type") == "labels":
                regions[r["id"]] = r
            else:
                per_region.setdefault(r.get("id"), {})[r.get("from_name")] = r.get("value") or {}
        for rid, r in regions.items():
            if r.get("from_name") != "claim":
                continue
            v = r.get("value") or {}
            labels = v.get("labels") or []
            extra = per_region.get(rid, {})
            related: dict[str, list] = {"actor": [], "target": []}
            for rel in relations:
                other = regions.get(rel.get("to_id"))
                for role in rel.get("labels") or []:
                    if rel.get("from_id") == rid and other is not None and role in related:
                        ov = other["value"]
                        related[role].append((offset + ov["start"], offset + ov["end"]))
            doc_start = offset + v["start"]
            imported.regions.append(
                Region(
                    doc_id=doc_id,
                    start=doc_start,
                    end=offset + v["end"],
                    text=v.get("text", text[v["start"] : v["end"]]),
                    stance=labels[0] if len(labels) == 1 else None,
                    actors=resolve(codes(extra.get("actor", {}).get("text")), related["actor"], doc_id, base),
                    targets=resolve(codes(extra.get("target", {}).get("text")), related["target"], doc_id, base),
                    topic=(extra.get("topic", {}).get("choices") or [None])[0],
                    note=(extra.get("note", {}).get("text") or [None])[0] or None,
                    where=f"{where} region {rid}",
                )
            )
    return imported
