"""Prodigy tasks (JSONL): tokens, spans and relations, one task per paragraph.

Each line of ``OUT/prodigy/tasks.jsonl`` has ``text`` (the paragraph), ``tokens``
(``text, start, end, id, ws`` from the project's tokenizer: spaCy's English rules plus a
footnote marker ``[7]`` as one token), ``spans`` and ``relations`` in the shape of Prodigy's
``rel.manual``/``spans.manual`` recipes, and ``meta`` (``doc_id``, ``paragraph``, ``offset``:
where the paragraph starts in the document's text). Offsets are code points, relative to the
task's text; ``token_end`` is inclusive, as in Prodigy.

- a mention: ``label`` = the entity label; ``ent_id``, ``countries``, ``kb_id`` ride along;
- a claim row: ``label`` = the stance in capitals (``SUPPORT``/``OPPOSE``/``NEUTRAL``), with
  ``row_id``, ``actor``, ``target``, ``topic``, ``note``;
- a relation ``ACTOR``/``TARGET`` from a claim span (head) to a mention (child); ``head`` and
  ``child`` are the last tokens of the two spans; ``row_id`` names the claim row it belongs to
  (claim rows that share a span share its offsets, which is all Prodigy relates).

Load with ``prodigy db-in DATASET tasks.jsonl``; ``prodigy db-out DATASET > reviewed.jsonl``
gives the file that ``stance-corpus import --format prodigy`` reads back. A claim span the
annotator added has no ``actor``/``target`` keys: its actors and targets are the countries of
the mentions it is related to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from pipeline.export.common import (
    ExportError,
    blank_nlp,
    paragraph_units,
    read_records,
    row_id,
    token_bounds,
)
from pipeline.export.review import Imported, Region, codes, export_tasks, resolve
from pipeline.registry import exporters, importers


def _span(doc, start: int, end: int, label: str, **extra) -> dict:
    ts, te = token_bounds(doc, start, end)
    return dict(
        {"start": start, "end": end, "token_start": ts, "token_end": te, "label": label, "text": doc.text[start:end]},
        **extra,
    )


def _bare(span: dict) -> dict:
    return {k: span[k] for k in ("start", "end", "token_start", "token_end", "label")}


def tasks(bundles) -> list[dict]:
    nlp = blank_nlp()
    out = []
    for b in bundles:
        for u in paragraph_units(b):
            doc = nlp(u.text)
            tokens = [
                {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
                for t in doc
            ]
            spans, relations, by_ent = [], [], {}
            for e in u.entities:
                sp = _span(
                    doc,
                    e["start"] - u.start,
                    e["end"] - u.start,
                    e["label"],
                    ent_id=e["ent_id"],
                    countries=list(e["countries"]),
                    kb_id=e.get("kb_id"),
                )
                by_ent[e["ent_id"]] = sp
                spans.append(sp)
            for c in u.claims:
                sp = _span(
                    doc,
                    c["start"] - u.start,
                    c["end"] - u.start,
                    c["stance"].upper(),
                    row_id=row_id(c),
                    actor=c["actor"],
                    target=c["target"],
                    topic=c["topic"],
                    note=c.get("note"),
                )
                spans.append(sp)
                for role in ("actor", "target"):
                    for ent_id in c[f"{role}_mentions"]:
                        child = by_ent.get(ent_id)
                        if child is not None:
                            relations.append(
                                {
                                    "head": sp["token_end"],
                                    "child": child["token_end"],
                                    "head_span": _bare(sp),
                                    "child_span": _bare(child),
                                    "label": role.upper(),
                                    "row_id": sp["row_id"],
                                }
                            )
            out.append(
                {
                    "text": u.text,
                    "tokens": tokens,
                    "spans": spans,
                    "relations": relations,
                    "meta": {"doc_id": u.doc_id, "paragraph": u.index, "offset": u.start},
                }
            )
    return out


@exporters.register("prodigy")
def export_prodigy(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    return export_tasks("prodigy", tasks, ann, out, layer, collection, doc_ids)


@importers.register("prodigy")
def read_review(path: Path, base) -> Imported:
    imported = Imported()
    for n, task in read_records(path):
        where = f"{path}:{n}"
        meta = task.get("meta") or {}
        if not {"doc_id", "offset"} <= set(meta) or "text" not in task:
            raise ExportError(f"{where}: a task needs text and meta.doc_id/meta.offset (exported by stance-corpus?)")
        doc_id, offset = meta["doc_id"], meta["offset"]
        base.check_text(doc_id, offset, task["text"], where)
        imported.unreviewed += task.get("answer") != "accept"
        for sp in task.get("spans") or []:
            stance = str(sp.get("label", "")).lower()
            if stance not in ("support", "oppose", "neutral"):
                continue  # a mention
            related: dict[str, list] = {"ACTOR": [], "TARGET": []}
            for rel in task.get("relations") or []:
                h = rel.get("head_span") or {}
                # Spans with the same offsets share relations; an exported one names its row.
                if rel.get("row_id") not in (None, sp.get("row_id")):
                    continue
                if (h.get("start"), h.get("end")) == (sp["start"], sp["end"]) and rel.get("label") in related:
                    ch = rel["child_span"]
                    related[rel["label"]].append((offset + ch["start"], offset + ch["end"]))
            imported.regions.append(
                Region(
                    doc_id=doc_id,
                    start=offset + sp["start"],
                    end=offset + sp["end"],
                    text=task["text"][sp["start"] : sp["end"]],
                    stance=stance,
                    actors=resolve(codes(sp.get("actor")), related["ACTOR"], doc_id, base),
                    targets=resolve(codes(sp.get("target")), related["TARGET"], doc_id, base),
                    topic=sp.get("topic"),
                    note=sp.get("note"),
                    where=f"{where} span {sp['start']}-{sp['end']}",
                )
            )
    return imported
