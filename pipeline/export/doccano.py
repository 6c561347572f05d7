"""doccano JSONL for sequence labeling with relations, one line per paragraph.

Each line of ``OUT/doccano/tasks.jsonl``: ``text`` (the paragraph), ``entities``
(``id, label, start_offset, end_offset``), ``relations`` (``id, from_id, to_id, type``), and
extra keys that doccano keeps as the example's metadata: ``doc_id``, ``paragraph``, ``offset``
(where the paragraph starts in the document, in code points) and ``claims``.

- a mention: ``label`` = the entity label;
- a claim row: ``label`` = ``stance:topic`` (``oppose:military``): doccano has no attributes on
  a span, so the topic travels in the label;
- relations ``actor``/``target`` from a claim to its mentions;
- ``claims``: per claim entity ``start_offset, end_offset, n`` (its rank among claim entities
  with the same offsets) and the row's ``actor``, ``target``, ``note``: the codes of an actor
  or target that has no mention in the span, which a relation cannot carry.

Offsets: doccano counts ``start_offset``/``end_offset`` in UTF-16 code units (JavaScript
string indices) unless a project counts grapheme clusters; they are converted here, so a
character beyond the Basic Multilingual Plane (an emoji, 𝔘) counts two.

Overlapping spans: a claim span covers its mentions, and claim rows of one sentence share its
span. doccano keeps them only in a project that allows overlapping spans; otherwise it drops
the spans that overlap, silently. ``OUT/doccano/project.json`` declares the settings the tasks
need (``allow_overlapping: true``, ``use_relation: true``, ``grapheme_mode: false``), the span
and relation labels, and how many spans overlap; create the project with them.

Reading back (``stance-corpus import --format doccano``): a claim entity takes its codes from
``claims`` when an entry has its offsets and rank, else from the countries of the mentions it
is related to. Removing one of several claim rows that share a span shifts the ranks after
it; review such rows in Label Studio or brat, whose regions carry their own codes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Optional

from pipeline.export.common import (
    ExportError,
    codepoint_offset,
    paragraph_units,
    read_records,
    utf16_offsets,
    write_json,
)
from pipeline.export.review import Imported, Region, codes, export_tasks, resolve
from pipeline.paths import out_path
from pipeline.registry import exporters, importers


def tasks(bundles) -> list[dict]:
    out = []
    for b in bundles:
        for u in paragraph_units(b):
            u16 = utf16_offsets(u.text)
            entities: list[dict] = []
            relations: list[dict] = []
            claims: list = []
            by_ent: dict = {}
            rank: dict = defaultdict(int)
            for e in u.entities:
                eid = len(entities) + 1
                by_ent[e["ent_id"]] = eid
                entities.append(
                    {
                        "id": eid,
                        "label": e["label"],
                        "start_offset": u16[e["start"] - u.start],
                        "end_offset": u16[e["end"] - u.start],
                    }
                )
            for c in u.claims:
                eid = len(entities) + 1
                s, e = u16[c["start"] - u.start], u16[c["end"] - u.start]
                entities.append({"id": eid, "label": f"{c['stance']}:{c['topic']}", "start_offset": s, "end_offset": e})
                claims.append(
                    {
                        "start_offset": s,
                        "end_offset": e,
                        "n": rank[(s, e)],
                        "actor": c["actor"],
                        "target": c["target"],
                        "note": c.get("note"),
                    }
                )
                rank[(s, e)] += 1
                for role in ("actor", "target"):
                    for ent_id in c[f"{role}_mentions"]:
                        if ent_id in by_ent:
                            relations.append(
                                {"id": len(relations) + 1, "from_id": eid, "to_id": by_ent[ent_id], "type": role}
                            )
            out.append(
                {
                    "text": u.text,
                    "entities": entities,
                    "relations": relations,
                    "doc_id": u.doc_id,
                    "paragraph": u.index,
                    "offset": u.start,
                    "claims": claims,
                }
            )
    return out


def overlapping(tasks_: list[dict]) -> int:
    """How many spans of the tasks overlap another span of their task (each counted once)."""
    n = 0
    for task in tasks_:
        spans = sorted((e["start_offset"], e["end_offset"], e["id"]) for e in task["entities"])
        hit: set[int] = set()
        for i, (s, e, a) in enumerate(spans):
            for s2, _e2, b in spans[i + 1 :]:
                if s2 >= e:
                    break
                hit.update((a, b))
        n += len(hit)
    return n


def project(tasks_: list[dict]) -> dict:
    """The project settings the tasks need (doccano's project form and API): a sequence-labeling
    project with relations, overlapping spans allowed (a claim covers its mentions, and several
    claim rows share a sentence), offsets in code units, not graphemes; its span and relation
    labels."""
    span_labels = sorted({e["label"] for t in tasks_ for e in t["entities"]})
    relation_labels = sorted({r["type"] for t in tasks_ for r in t["relations"]})
    return {
        "project_type": "SequenceLabeling",
        "allow_overlapping": True,
        "use_relation": True,
        "grapheme_mode": False,
        "span_types": [{"text": label} for label in span_labels],
        "relation_types": [{"text": label} for label in relation_labels],
        "overlapping_spans": overlapping(tasks_),
    }


@exporters.register("doccano")
def export_doccano(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    folder = out_path(out or "exports", "doccano")
    made: list[dict] = []

    def keep(bundles) -> list[dict]:
        made.extend(tasks(bundles))
        return made

    result = export_tasks("doccano", keep, ann, out, layer, collection, doc_ids)
    write_json(folder / "project.json", project(made))
    result["doccano"]["overlapping_spans"] = overlapping(made)
    return result


@importers.register("doccano")
def read_review(path: Path, base) -> Imported:
    imported = Imported()
    for n, task in read_records(path):
        where = f"{path}:{n}"
        # doccano exports the extra keys either at the top level or under "meta".
        meta = dict(task.get("meta") or {}, **{k: task[k] for k in ("doc_id", "offset", "claims") if k in task})
        if not {"doc_id", "offset"} <= set(meta) or "text" not in task:
            raise ExportError(f"{where}: a line needs text, doc_id and offset (exported by stance-corpus?)")
        doc_id, offset, text = meta["doc_id"], meta["offset"], task["text"]
        base.check_text(doc_id, offset, text, where)
        ents = {e["id"]: e for e in task.get("entities") or []}
        table = {(c["start_offset"], c["end_offset"], c["n"]): c for c in meta.get("claims") or []}
        rank: dict[tuple, int] = defaultdict(int)
        for eid in sorted(ents):
            e = ents[eid]
            stance, sep, topic = str(e.get("label", "")).partition(":")
            if not sep:
                continue  # a mention
            s16, e16 = e["start_offset"], e["end_offset"]
            try:
                start, end = codepoint_offset(text, s16), codepoint_offset(text, e16)
            except ExportError as err:
                raise ExportError(f"{where}: entity {eid}: {err}") from None
            row = table.get((s16, e16, rank[(s16, e16)]), {})
            rank[(s16, e16)] += 1
            related: dict[str, list] = {"actor": [], "target": []}
            for rel in task.get("relations") or []:
                other = ents.get(rel.get("to_id"))
                if rel.get("from_id") == eid and rel.get("type") in related and other is not None:
                    related[rel["type"]].append(
                        (
                            offset + codepoint_offset(text, other["start_offset"]),
                            offset + codepoint_offset(text, other["end_offset"]),
                        )
                    )
            imported.regions.append(
                Region(
                    doc_id=doc_id,
                    start=offset + start,
                    end=offset + end,
                    text=text[start:end],
                    stance=stance,
                    actors=resolve(codes(row.get("actor")), related["actor"], doc_id, base),
                    targets=resolve(codes(row.get("target")), related["target"], doc_id, base),
                    topic=topic or None,
                    note=row.get("note"),
                    where=f"{where} entity {eid}",
                )
            )
    return imported
