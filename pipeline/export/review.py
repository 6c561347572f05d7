"""The review loop: corrected annotations back from an annotation tool as a coding sheet.

An export for review (``labelstudio``, ``prodigy``, ``doccano``, ``brat``) writes
``review_baseline.json`` next to its files: the exported claim rows, each document's text
and sentences, and the mentions with their country codes. ``import_review`` reads the file
the tool gave back (through the format's own ``read_review``), turns every claim region into
claim rows (one per actor and target), and

- writes them as a coding sheet in the compact form of ``annotations/gold/sheets/*.jsonl``
  (``pipeline/quality/gold.py``): one item per claim span with its actors, targets, stance,
  topic and note; ``span`` is ``null`` when the claim is the whole sentence;
- compares them with the baseline and reports each difference as a conflict:
  ``changed`` (same span, actor and target; stance, topic or note differ), ``moved`` (same
  sentence, actor and target; the span's offsets differ), ``added`` and ``removed``;
  ``invalid`` names a region that cannot become a row (no stance, no actor or target, a span
  that leaves its sentence, a text that differs from the exported one).

Rows are matched on their content, not on tool-assigned ids, so the comparison works for
every format alike, also for tools that renumber regions on export.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline import registry
from pipeline.export.common import ExportError, counts, load_corpus, row_id, sha256, write_json
from pipeline.io import write_jsonl
from pipeline.paths import doc_id_problem, out_path
from pipeline.schema import STANCES, TOPICS, party_type

BASELINE = "review_baseline.json"
ROW_FIELDS = ("doc_id", "sent_id", "start", "end", "text", "actor", "target", "stance", "topic", "note")


# ---------------------------------------------------------------- baseline (written at export)


def baseline(fmt: str, layer: str, bundles) -> dict:
    docs = {}
    for b in bundles:
        docs[b.doc_id] = {
            "text_sha256": sha256(b.text),
            "text": b.text,
            "sentences": [[s["sent_id"], s["start"], s["end"]] for s in b.sentences],
            "mentions": [[e["start"], e["end"], e["label"], list(e["countries"])] for e in b.entities],
        }
    rows = [dict({"row_id": row_id(c)}, **{k: c.get(k) for k in ROW_FIELDS}) for b in bundles for c in b.claims]
    return {"format": fmt, "layer": layer, "documents": docs, "rows": rows}


def write_baseline(out: Path, fmt: str, layer: str, bundles) -> None:
    write_json(out / BASELINE, baseline(fmt, layer, bundles))


def export_tasks(
    name: str, make_tasks, ann, out, layer: str, collection: Optional[str], doc_ids
) -> dict[str, dict[str, int]]:
    """The JSONL task exporters (Prodigy, doccano): ``out/<name>/tasks.jsonl`` and the review
    baseline that ``stance-corpus import`` compares the corrections against."""
    folder = out_path(out or "exports", name)
    bundles = load_corpus(ann, layer, collection, doc_ids)
    all_tasks = make_tasks(bundles)
    write_jsonl(folder / "tasks.jsonl", all_tasks)
    write_baseline(folder, name, layer, bundles)
    return {name: counts(bundles, tasks=len(all_tasks))}


# ---------------------------------------------------------------- what a reader returns


@dataclass
class Region:
    """One claim region as a tool gave it back: document offsets in code points."""

    doc_id: str
    start: int
    end: int
    text: str
    stance: Optional[str]
    actors: list[str]
    targets: list[str]
    topic: Optional[str] = None
    note: Optional[str] = None
    where: str = ""


@dataclass
class Imported:
    regions: list[Region] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # invalid input found by the reader
    unreviewed: int = 0  # tasks the tool returned without a human annotation


class Baseline:
    def __init__(self, data: dict, path: Path):
        self.data, self.path = data, path
        self.docs = data["documents"]
        self.rows = data["rows"]

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        import json

        path = Path(path)
        if not path.is_file():
            raise ExportError(
                f"{path}: missing; export with --format labelstudio|prodigy|doccano|brat first "
                f"(it writes {BASELINE}) or name it with --baseline"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise ExportError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(data, dict) or not {"documents", "rows"} <= set(data):
            raise ExportError(f"{path}: not a review baseline (no documents/rows)")
        for doc_id in data["documents"]:  # an id the sheet carries on into gold and file names
            problem = doc_id_problem(doc_id)
            if problem:
                raise ExportError(f"{path}: {problem}")
        return cls(data, path)

    def text(self, doc_id: str, where: str) -> str:
        if doc_id not in self.docs:
            raise ExportError(f"{where}: document {doc_id!r} was not in the export ({self.path})")
        return self.docs[doc_id]["text"]

    def check_text(self, doc_id: str, offset: int, text: str, where: str) -> None:
        """A task's text must be the exported text at its offset: otherwise no offset can be trusted."""
        full = self.text(doc_id, where)
        if full[offset : offset + len(text)] != text:
            raise ExportError(f"{where}: the text of {doc_id} at {offset} differs from the exported text")

    def mention_countries(self, doc_id: str, start: int, end: int) -> Optional[list[str]]:
        for s, e, _label, countries in self.docs.get(doc_id, {}).get("mentions", []):
            if s == start and e == end:
                return countries
        return None

    def sentence_of(self, doc_id: str, start: int, end: int) -> Optional[list]:
        for sent in self.docs[doc_id]["sentences"]:
            if sent[1] <= start and end <= sent[2]:
                return sent
        return None


def codes(value) -> list[str]:
    """Party codes from an attribute value (a list, or a string separated by commas/spaces): ISO3
    codes in upper case, organisation ids (``org:<id>``) in lower case."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    out = [str(v).strip() for v in value if str(v).strip()]
    return [v.lower() if party_type(v.lower()) == "organisation" else v.upper() for v in out]


def resolve(explicit: list[str], related: list[tuple[int, int]], doc_id: str, base: Baseline) -> list[str]:
    """The region's own codes where it has them; else the countries of its related mentions."""
    if explicit:
        return explicit
    out: list[str] = []
    for start, end in related:
        for code in base.mention_countries(doc_id, start, end) or []:
            if code not in out:
                out.append(code)
    return out


# ---------------------------------------------------------------- regions -> rows -> sheet


def _rows(imported: Imported, base: Baseline) -> tuple[list[dict], list[dict]]:
    rows, problems = [], list(imported.problems)
    for r in imported.regions:
        where = r.where or f"{r.doc_id}:{r.start}-{r.end}"
        bad = None
        if r.stance not in STANCES:
            bad = f"stance {r.stance!r} is not one of {', '.join(STANCES)}"
        elif not r.actors or not r.targets:
            bad = "no actor or no target (set the actor/target codes or relate the claim to mentions)"
        elif r.topic not in TOPICS:
            bad = f"topic {r.topic!r} is not one of {', '.join(TOPICS)}"
        sent = base.sentence_of(r.doc_id, r.start, r.end) if bad is None else None
        if bad is None and sent is None:
            bad = "the span is not inside one sentence"
        if bad is None and base.text(r.doc_id, where)[r.start : r.end] != r.text:
            bad = f"the region's text {r.text!r} is not the text at {r.start}..{r.end}"
        if bad:
            problems.append({"kind": "invalid", "where": where, "problem": bad})
            continue
        assert sent is not None  # no problem found, so the region lies in a sentence
        for actor in r.actors:
            for target in r.targets:
                if actor == target:
                    problems.append(
                        {"kind": "invalid", "where": where, "problem": f"actor and target are both {actor}"}
                    )
                    continue
                rows.append(
                    {
                        "doc_id": r.doc_id,
                        "sent_id": sent[0],
                        "start": r.start,
                        "end": r.end,
                        "text": r.text,
                        "actor": actor,
                        "target": target,
                        "stance": r.stance,
                        "topic": r.topic,
                        "note": r.note,
                    }
                )
    return rows, problems


def _key(row: dict, *fields: str) -> tuple:
    return tuple(row[f] for f in fields)


def compare(before: list[dict], after: list[dict]) -> list[dict]:
    """Conflicts between the exported rows and the imported ones, matched by content."""
    conflicts: list[dict] = []
    left_b, left_a = list(range(len(before))), list(range(len(after)))

    def match(fields: tuple[str, ...], kind: Optional[str]) -> None:
        pool: dict[tuple, list[int]] = defaultdict(list)
        for i in left_b:
            pool[_key(before[i], *fields)].append(i)
        keep_a = []
        for j in left_a:
            bucket = pool.get(_key(after[j], *fields))
            if not bucket:
                keep_a.append(j)
                continue
            i = bucket.pop(0)
            left_b.remove(i)
            b, a = before[i], after[j]
            diff = [f for f in ("start", "end", "stance", "topic", "note") if b.get(f) != a.get(f)]
            if diff:
                conflicts.append(
                    {
                        "kind": kind if ("start" in diff or "end" in diff) else "changed",
                        "row_id": b.get("row_id"),
                        "doc_id": b["doc_id"],
                        "sent_id": b["sent_id"],
                        "fields": diff,
                        "before": _brief(b),
                        "after": _brief(a),
                    }
                )
        left_a[:] = keep_a

    match(("doc_id", "start", "end", "actor", "target"), "changed")
    match(("doc_id", "sent_id", "actor", "target"), "moved")
    for i in left_b:
        b = before[i]
        conflicts.append(
            {
                "kind": "removed",
                "row_id": b.get("row_id"),
                "doc_id": b["doc_id"],
                "sent_id": b["sent_id"],
                "before": _brief(b),
            }
        )
    for j in left_a:
        a = after[j]
        conflicts.append({"kind": "added", "doc_id": a["doc_id"], "sent_id": a["sent_id"], "after": _brief(a)})
    return conflicts


def _brief(row: dict) -> dict:
    return {k: row.get(k) for k in ("start", "end", "text", "actor", "target", "stance", "topic", "note")}


def sheet_items(rows: list[dict], base: Baseline) -> tuple[list[dict], list[dict]]:
    """Rows grouped into compact sheet items (actors x targets per span, stance and topic)."""
    groups: dict[tuple, dict[str, list[str]]] = {}
    for r in rows:
        key = (r["doc_id"], r["sent_id"], r["start"], r["end"], r["stance"], r["topic"], r["note"])
        targets = groups.setdefault(key, {}).setdefault(r["actor"], [])
        if r["target"] not in targets:
            targets.append(r["target"])
    doc_order = {d: i for i, d in enumerate(base.docs)}
    items, problems = [], []
    for key in sorted(groups, key=lambda k: (doc_order[k[0]], k[2], k[3])):
        doc_id, sent_id, start, end, stance, topic, note = key
        sent = next(s for s in base.docs[doc_id]["sentences"] if s[0] == sent_id)
        text = base.docs[doc_id]["text"]
        span = None if (start, end) == (sent[1], sent[2]) else text[start:end]
        if span is not None and text[sent[1] : sent[2]].find(span) != start - sent[1]:
            # gold.expand takes the first occurrence of the span in its sentence.
            problems.append(
                {
                    "kind": "invalid",
                    "where": f"{doc_id}:{start}-{end}",
                    "problem": f"span {span!r} occurs earlier in {sent_id}; the sheet would place it there",
                }
            )
        merged: list[tuple[list[str], list[str]]] = []
        for actor, targets in groups[key].items():
            same = next((m for m in merged if m[1] == targets), None)
            if same:
                same[0].append(actor)
            else:
                merged.append(([actor], list(targets)))
        for actors, targets in merged:
            item = {
                "sent_id": sent_id,
                "span": span,
                "actor": actors[0] if len(actors) == 1 else actors,
                "target": targets[0] if len(targets) == 1 else targets,
                "stance": stance,
                "topic": topic,
            }
            if note is not None:
                item["note"] = note
            items.append(item)
    return items, problems


@dataclass
class ReviewResult:
    items: list[dict]
    rows: list[dict]
    conflicts: list[dict]
    unreviewed: int

    def summary(self) -> dict[str, int]:
        out = {k: 0 for k in ("changed", "moved", "added", "removed", "invalid")}
        for c in self.conflicts:
            out[c["kind"]] += 1
        return dict({"items": len(self.items), "rows": len(self.rows), "unreviewed_tasks": self.unreviewed}, **out)


def find_baseline(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    for candidate in (folder / BASELINE, folder.parent / BASELINE):
        if candidate.is_file():
            return candidate
    return folder / BASELINE


def import_review(fmt: str, path: str | Path, baseline_path: str | Path | None = None) -> ReviewResult:
    """Read a tool's file, return the sheet items, the rows and the conflicts with the export."""
    if fmt not in registry.names("importers"):
        raise ExportError(f"import format must be one of {', '.join(registry.names('importers'))}, not {fmt!r}")
    path = Path(path)
    if not path.exists():
        raise ExportError(f"{path}: no such file or folder")
    base = Baseline.load(baseline_path or find_baseline(path))
    imported = registry.get("importers", fmt)(path, base)
    rows, problems = _rows(imported, base)
    items, sheet_problems = sheet_items(rows, base)
    conflicts = problems + sheet_problems + compare(base.rows, rows)
    return ReviewResult(items, rows, conflicts, imported.unreviewed)


def write_sheet(result: ReviewResult, out: str | Path, report: str | Path | None = None) -> None:
    out = Path(out)
    write_jsonl(out_path(out.parent, out.name), result.items)
    if report is not None:
        report = Path(report)
        write_json(out_path(report.parent, report.name), {"summary": result.summary(), "conflicts": result.conflicts})


def conflict_line(c: dict) -> str:
    where = c.get("where") or c.get("sent_id")
    if c["kind"] == "invalid":
        return f"invalid  {where}: {c['problem']}"
    if c["kind"] in ("added", "removed"):
        r: Any = c.get("after") or c.get("before")
        return f"{c['kind']:<8} {where}: {r['actor']}->{r['target']} {r['stance']} {r['text'][:60]!r}"
    b, a = c["before"], c["after"]
    parts = [f"{f} {b[f]!r}->{a[f]!r}" for f in c["fields"]]
    return f"{c['kind']:<8} {where}: {b['actor']}->{b['target']} " + ", ".join(parts)
