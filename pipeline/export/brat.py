"""brat standoff: ``DOC.txt`` + ``DOC.ann`` per document, with ``annotation.conf`` and ``visual.conf``.

``.txt`` is the document's text exactly; offsets in ``.ann`` count its code points (brat
is written in Python and indexes its ``str``). In ``.ann``:

- ``T`` lines: each mention (type = entity label) and each claim row (type ``Claim``); a
  span that crosses a line break is written as fragments (``start end;start end``), as brat
  does;
- ``R`` lines: ``Actor``/``Target`` from a claim (``Arg1``) to a mention (``Arg2``);
- ``A`` lines: ``Stance``, ``Topic``, ``Actor`` and ``Target`` (ISO3 or ``org:<id>``) of each claim row, so a
  row keeps an actor or target that has no mention in its span;
- ``#`` lines: ``AnnotatorNotes`` of a mention name its ISO3 codes and Wikidata QID
  (``ISO3=KAZ,KGZ QID=Q27275``); of a claim, the row's note.

INCEpTION imports this folder with its brat format (with the ``annotation.conf`` as the
schema). ``read_review`` parses a folder of ``.txt``/``.ann`` pairs with the ``bioc``
package's brat reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional, get_args

import pycountry

from pipeline.export.common import ExportError, counts, load_corpus
from pipeline.export.review import Imported, Region, codes, resolve, write_baseline
from pipeline.io import write_text
from pipeline.nlp.parties import organisation_ids
from pipeline.paths import out_path
from pipeline.registry import exporters, importers
from pipeline.schema import STANCES, TOPICS, Entity

MENTION_TYPES = get_args(Entity.model_fields["label"].annotation)
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line breaks (brat's text-bound annotations hold no line break)."""
    out, s = [], start
    for i in range(start, end):
        if text[i] == "\n":
            if i > s:
                out.append((s, i))
            s = i + 1
    if end > s:
        out.append((s, end))
    return out


def _t(n: int, kind: str, text: str, start: int, end: int) -> str:
    frags = fragments(text, start, end)
    locs = ";".join(f"{s} {e}" for s, e in frags)
    return f"T{n}\t{kind} {locs}\t{' '.join(text[s:e] for s, e in frags)}"


def _clean(note: str) -> str:
    return " ".join(str(note).split())


def ann_text(bundle) -> str:
    text, lines = bundle.text, []
    tid: dict[Any, Any] = {}
    counters = {"R": 0, "A": 0, "#": 0}

    def nxt(kind: str) -> int:
        counters[kind] += 1
        return counters[kind]

    for e in bundle.entities:
        tid[e["ent_id"]] = len(tid) + 1
        lines.append(_t(tid[e["ent_id"]], e["label"], text, e["start"], e["end"]))
    claim_t = len(tid)
    for c in bundle.claims:
        claim_t += 1
        lines.append(_t(claim_t, "Claim", text, c["start"], c["end"]))
        for name, value in (
            ("Stance", c["stance"]),
            ("Topic", c["topic"]),
            ("Actor", c["actor"]),
            ("Target", c["target"]),
        ):
            lines.append(f"A{nxt('A')}\t{name} T{claim_t} {value}")
        for role in ("actor", "target"):
            for ent_id in c[f"{role}_mentions"]:
                if ent_id in tid:
                    lines.append(f"R{nxt('R')}\t{role.capitalize()} Arg1:T{claim_t} Arg2:T{tid[ent_id]}")
        if c.get("note"):
            lines.append(f"#{nxt('#')}\tAnnotatorNotes T{claim_t}\t{_clean(c['note'])}")
    for e in bundle.entities:
        note = "ISO3=" + ",".join(e["countries"]) if e["countries"] else "ISO3="
        if e.get("kb_id"):
            note += f" QID={e['kb_id']}"
        lines.append(f"#{nxt('#')}\tAnnotatorNotes T{tid[e['ent_id']]}\t{note}")
    return "\n".join(lines) + "\n" if lines else ""


def annotation_conf() -> str:
    # the parties: every ISO3 code and every organisation of the knowledge base (GUIDELINES §2.1)
    iso3 = "|".join(sorted(c.alpha_3 for c in pycountry.countries) + sorted(organisation_ids()))
    return "\n".join(
        [
            "[entities]",
            *MENTION_TYPES,
            "Claim",
            "",
            "[relations]",
            f"Actor\tArg1:Claim, Arg2:{'|'.join(MENTION_TYPES)}",
            f"Target\tArg1:Claim, Arg2:{'|'.join(MENTION_TYPES)}",
            "<OVERLAP>\tArg1:Claim, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
            "",
            "[events]",
            "",
            "[attributes]",
            f"Stance\tArg:Claim, Value:{'|'.join(STANCES)}",
            f"Topic\tArg:Claim, Value:{'|'.join(TOPICS)}",
            f"Actor\tArg:Claim, Value:{iso3}",
            f"Target\tArg:Claim, Value:{iso3}",
            "",
        ]
    )


VISUAL_CONF = """[labels]
Claim | Claim
[drawing]
Claim\tbgColor:#ffe8a3
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5
"""


@exporters.register("brat")
def export_brat(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "brat")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    for b in bundles:
        if not _SAFE.match(b.doc_id):
            raise ExportError(f"document {b.doc_id!r}: not usable as a brat file name")
        write_text(out_path(out, f"{b.doc_id}.txt"), b.text)
        write_text(out_path(out, f"{b.doc_id}.ann"), ann_text(b))
    write_text(out / "annotation.conf", annotation_conf())
    write_text(out / "visual.conf", VISUAL_CONF)
    write_baseline(out, "brat", layer, bundles)
    return {"brat": counts(bundles)}


def parse(txt: Path):
    """One ``.txt``/``.ann`` pair through bioc's brat reader, checked with its validator."""
    from bioc.brat import decoder

    ann = txt.with_suffix(".ann")
    if not ann.is_file():
        raise ExportError(f"{txt}: no {ann.name} beside it")
    # newline="" keeps the text as written (no \r\n -> \n): offsets count every character.
    with open(txt, encoding="utf-8", newline="") as fh:
        text = fh.read()
    try:
        doc = decoder.loads(text, ann.read_text(encoding="utf-8"), docid=txt.stem)
    except (AssertionError, ValueError) as err:
        raise ExportError(f"{ann}: not brat standoff ({err})") from None
    problems: list[str] = []
    # Fragments of one annotation are joined by a space in brat's text field.
    for e in doc.entities:
        joined = " ".join(doc.text[iv.begin : iv.end] for iv in sorted(e.locations))
        if joined != e.text:
            problems.append(f"{ann}: {e.id}: text {e.text!r} is not the text at its offsets ({joined!r})")
    for rel in doc.relations:
        for arg in rel.arguments.values():
            if not doc.has_annotation_id(arg):
                problems.append(f"{ann}: {rel.id}: unknown annotation {arg}")
    for a in doc.attributes:
        if not doc.has_annotation_id(a.refid):
            problems.append(f"{ann}: {a.id}: unknown annotation {a.refid}")
    if problems:
        raise ExportError(problems[0])
    return doc


@importers.register("brat")
def read_review(path: Path, base) -> Imported:
    path = Path(path)
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path.with_suffix(".txt")]
    imported = Imported()
    for txt in files:
        doc = parse(txt)
        doc_id = txt.stem
        base.check_text(doc_id, 0, doc.text, str(txt))
        attrs: dict[str, dict[str, list[str]]] = {}
        for a in doc.attributes:
            attrs.setdefault(a.refid, {}).setdefault(a.type, []).extend(sorted(a.attributes))
        notes = {n.refid: n.text for n in doc.notes if n.type == "AnnotatorNotes"}
        spans = {e.id: e.total_span for e in doc.entities}
        for e in doc.entities:
            if e.type != "Claim":
                continue
            start, end = spans[e.id]
            related: dict[str, list] = {"Actor": [], "Target": []}
            for rel in doc.relations:
                if rel.arguments.get("Arg1") == e.id and rel.type in related:
                    related[rel.type].append(spans[rel.arguments["Arg2"]])
            a = attrs.get(e.id, {})
            stance = a.get("Stance", [None])
            topic = a.get("Topic", [None])
            imported.regions.append(
                Region(
                    doc_id=doc_id,
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    stance=stance[0] if len(stance) == 1 else None,
                    actors=resolve(codes(a.get("Actor")), related["Actor"], doc_id, base),
                    targets=resolve(codes(a.get("Target")), related["Target"], doc_id, base),
                    topic=topic[0] if len(topic) == 1 else None,
                    note=notes.get(e.id),
                    where=f"{txt.with_suffix('.ann')}: {e.id}",
                )
            )
    return imported
