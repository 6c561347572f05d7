"""The validator: every invariant of the annotation layers, one violation per line.

``validate_dir(path)`` (or ``validate_files({relpath: text})`` for in-memory copies) returns
``Violation`` records naming the file, the line, the record id, what is wrong and what was
expected. An empty list means every invariant holds. Lines are read with jsonlines; a line that
is not JSON is one violation and reading goes on with the next line.

``audit_report`` is the text of ``stance-corpus audit --report``: for gold vs automatic and coder A
vs coder B the ``pipeline.quality.compare`` record (scores, agreement, bootstrap intervals when
there are several documents), then coverage per layer and the gold-vs-automatic disagreements.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pycountry
from pydantic import ValidationError

from pipeline.io import LAYERS, LayerReadError, jsonl_values, read_text
from pipeline.layers import LayerFolder, layer_folders
from pipeline.nlp.parties import names_party, organisation_ids
from pipeline.quality.sheets import USER_ASSIGNED, is_party
from pipeline.schema import ID_FIELD, SCHEMAS, Claim, Document, Entity, Position, Sentence, party_type

MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    record: Optional[str]
    problem: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.record or '-'}: {self.problem} (expected {self.expected})"


class _Checker:
    def __init__(self, shown: Optional[dict[str, str]] = None):
        self.violations: list[Violation] = []
        self.shown = shown or {}

    def add(self, file, line, record, problem, expected):
        self.violations.append(Violation(self.shown.get(file, file), line, record, problem, expected))

    def parse(self, name: str, text: str, model=None) -> list[tuple[int, Any]]:
        """Parse and schema-check every line; return (line number, record) for the valid ones."""
        model = model or SCHEMAS[name]
        rows = []
        if text and not text.endswith("\n"):
            self.add(
                name,
                text.count("\n") + 1,
                None,
                "file does not end with a newline (truncated?)",
                "one complete JSON object per line",
            )
        # Every line counts here, an empty one too: a layer has no empty lines.
        for n, raw, error, _ in jsonl_values(text.splitlines()):
            if error is not None:
                self.add(name, n, None, f"invalid JSON ({error})", "one JSON object per line")
                continue
            rid = raw.get(ID_FIELD[model]) if isinstance(raw, dict) else None
            try:
                rows.append((n, model.model_validate(raw)))
            except ValidationError as err:
                first = err.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                self.add(name, n, rid, f"schema: {where}: {first['msg']}", f"a valid {model.__name__} record")
        return rows

    def span(self, name, n, rid, doc_text, start, end, text, what="text"):
        if not (0 <= start < end <= len(doc_text)):
            self.add(
                name, n, rid, f"offsets [{start}, {end}) outside the document", f"0 <= start < end <= {len(doc_text)}"
            )
        elif doc_text[start:end] != text:
            self.add(
                name,
                n,
                rid,
                f"doc.text[{start}:{end}] is {doc_text[start:end][:40]!r}, not the stored {what}",
                f"{text[:40]!r}",
            )

    def iso(self, name, n, rid, field, code):
        if code is not None and code not in USER_ASSIGNED and pycountry.countries.get(alpha_3=code) is None:
            self.add(
                name, n, rid, f"{field} {code!r} is not an ISO 3166-1 alpha-3 code", "a code pycountry knows, or XKX"
            )

    def party(self, name, n, rid, field, code):
        """A claim party: an ISO3 code, or an organisation of the knowledge base."""
        if party_type(code) == "state":
            self.iso(name, n, rid, field, code)
        elif code not in organisation_ids():
            self.add(name, n, rid, f"{field} {code!r} is not an organisation of the knowledge base", "an org:<id>")


# The key under which ``validate_files`` takes a collection's coded positions (``Position``).
POSITIONS_KEY = "gold/positions"
MACHINE_KEY = "machine/claims.jsonl"  # a collection's machine-coded claim rows (the Claim schema)


def _read_folder(root: Path, folder: LayerFolder) -> tuple[dict[str, str], dict[str, str], list[Violation]]:
    """The layer texts of one folder of layers, keyed as ``validate_files`` takes them, the file
    name each key is reported under, and a violation for every file that cannot be read whole."""
    files: dict[str, str] = {}
    shown: dict[str, str] = {}
    problems: list[Violation] = []
    paths = {f"{layer}.jsonl": folder.path(layer) for layer in LAYERS}
    if folder.folder == root:
        paths.update({name: root / name for name in SCHEMAS if name.startswith("gold/")})
    elif folder.gold_claims is not None:
        paths["gold/claims.jsonl"] = folder.gold_claims
    if folder.machine_claims is not None:
        paths[MACHINE_KEY] = folder.machine_claims
    if folder.gold_positions is not None and folder.positions_kind == "statements":
        paths[POSITIONS_KEY] = folder.gold_positions  # a passage's gold: quality/passages.py
    for key, path in paths.items():
        if not path.is_file():
            continue
        rel = os.path.relpath(path, root)
        shown[key] = rel
        try:
            files[key] = read_text(path)
        except LayerReadError as err:
            problems.append(Violation(rel, 0, None, err.problem, "a complete file as `stance-corpus build` writes it"))
    return files, shown, problems


def validate_dir(path: str | Path, collection: Optional[str] = None) -> list[Violation]:
    """Every row of every layer of every collection under ``path`` (the articles' layers, each
    collection's gzip layers, the gold claim rows and coded positions), and ``build.json``;
    with ``collection``, the folder of that collection only (``ValueError`` when there is none)."""
    path = Path(path)
    folders = layer_folders(path)
    if not folders:
        return [Violation("documents.jsonl", 0, None, "file missing", f"a documents layer in {path}")]
    if collection is not None:
        chosen = [f for f in folders if f.name == collection]
        if not chosen:
            names = ", ".join(f.name for f in folders)
            raise ValueError(f"{path}: no collection {collection!r} (collections: {names})")
        folders = chosen
    out: list[Violation] = []
    for folder in folders:
        files, shown, problems = _read_folder(path, folder)
        out += problems
        if "documents.jsonl" in files:
            out += validate_files(files, shown)
    return out + check_build_manifest(path)


def check_build_manifest(path: str | Path) -> list[Violation]:
    """Every file ``build.json`` lists is there with its recorded sha256 (a file changed or left
    half-written after the build shows here)."""
    from pipeline.io import BUILD_FILE, check_build_files, read_build_state

    path = Path(path)
    if (path / BUILD_FILE).is_file() and not read_build_state(path):
        return [Violation(BUILD_FILE, 0, None, "not readable as JSON", "the JSON object `stance-corpus build` writes")]
    return [
        Violation(rel, 0, None, problem, f"the file as {BUILD_FILE} records it")
        for rel, problem in check_build_files(path)
    ]


def validate_files(files: dict[str, str], shown: Optional[dict[str, str]] = None) -> list[Violation]:
    """Violations of the layers given as texts, keyed by their names in ``SCHEMAS`` (and
    ``POSITIONS_KEY`` for coded positions); ``shown`` names the files in the violations."""
    c = _Checker(shown)
    docs: dict[str, Document] = {}
    for n, d in c.parse("documents.jsonl", files.get("documents.jsonl", "")):
        if d.doc_id in docs:
            c.add("documents.jsonl", n, d.doc_id, "duplicate doc_id", "unique doc_id")
            continue
        docs[d.doc_id] = d
        _check_document(c, n, d)

    sentences: dict[str, Sentence] = {}
    for n, s in c.parse("sentences.jsonl", files.get("sentences.jsonl", "")):
        doc = docs.get(s.doc_id)
        if s.sent_id in sentences:
            c.add("sentences.jsonl", n, s.sent_id, "duplicate sent_id", "unique sent_id")
        if doc is None:
            c.add("sentences.jsonl", n, s.sent_id, f"unknown doc_id {s.doc_id!r}", "a doc_id of documents.jsonl")
            continue
        sentences.setdefault(s.sent_id, s)
        c.span("sentences.jsonl", n, s.sent_id, doc.text, s.start, s.end, s.text)
        if s.paragraph >= len(doc.paragraphs):
            c.add(
                "sentences.jsonl", n, s.sent_id, f"paragraph {s.paragraph} does not exist", f"< {len(doc.paragraphs)}"
            )
        else:
            p = doc.paragraphs[s.paragraph]
            if not (p.start <= s.start and s.end <= p.end) or p.section != s.section:
                c.add(
                    "sentences.jsonl",
                    n,
                    s.sent_id,
                    "sentence crosses its paragraph or section",
                    f"inside [{p.start}, {p.end}) of section {p.section}",
                )
        markers = sorted(fn.label for fn in doc.footnotes for m in fn.markers if s.start <= m.start and m.end <= s.end)
        if sorted(s.footnotes) != markers:
            c.add(
                "sentences.jsonl",
                n,
                s.sent_id,
                f"footnotes {s.footnotes} do not match the markers in the sentence",
                f"{markers}",
            )

    entities: dict[str, Entity] = {}
    for n, e in c.parse("entities.jsonl", files.get("entities.jsonl", "")):
        if e.ent_id in entities:
            c.add("entities.jsonl", n, e.ent_id, "duplicate ent_id", "unique ent_id")
        doc = docs.get(e.doc_id)
        if doc is None:
            c.add("entities.jsonl", n, e.ent_id, f"unknown doc_id {e.doc_id!r}", "a doc_id of documents.jsonl")
            continue
        entities.setdefault(e.ent_id, e)
        c.span("entities.jsonl", n, e.ent_id, doc.text, e.start, e.end, e.text)
        sent = sentences.get(e.sent_id)
        if sent is None or sent.doc_id != e.doc_id:
            c.add("entities.jsonl", n, e.ent_id, f"unknown sent_id {e.sent_id!r}", "a sent_id of the same document")
        elif not (sent.start <= e.start < sent.end):
            c.add(
                "entities.jsonl", n, e.ent_id, "entity does not start in its sentence", f"in [{sent.start}, {sent.end})"
            )
        c.iso("entities.jsonl", n, e.ent_id, "country", e.country)
        for code in e.countries:
            c.iso("entities.jsonl", n, e.ent_id, "countries", code)
        if e.country is not None and e.countries != [e.country]:
            c.add(
                "entities.jsonl",
                n,
                e.ent_id,
                f"countries {e.countries} disagree with country {e.country}",
                f"[{e.country!r}]",
            )

    for name in [n for n, model in SCHEMAS.items() if model is Claim] + [MACHINE_KEY]:
        if name in files:
            _check_claims(c, name, c.parse(name, files[name], Claim), docs, sentences, entities)
    if POSITIONS_KEY in files:
        _check_positions(c, c.parse(POSITIONS_KEY, files[POSITIONS_KEY], Position), docs)
    return c.violations


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _check_positions(c: _Checker, rows, docs) -> None:
    """Coded positions: the span inside its sentence (offsets of the statement file's line),
    the span's words in the document's cleaned text (whitespace aside), parties, duplicates."""
    name = POSITIONS_KEY
    seen: dict[tuple, int] = {}
    texts: dict[str, str] = {}
    for n, r in rows:
        rid = r.sent_key
        doc = docs.get(r.doc_id)
        if doc is None:
            c.add(name, n, rid, f"unknown doc_id {r.doc_id!r}", "a doc_id of documents.jsonl")
            continue
        if not (r.start <= r.span_start < r.span_end <= r.end):
            c.add(
                name,
                n,
                rid,
                f"span [{r.span_start}, {r.span_end}) outside its sentence [{r.start}, {r.end})",
                "start <= span_start < span_end <= end",
            )
        elif r.span_end - r.span_start != len(r.span):
            c.add(name, n, rid, f"span offsets cover {r.span_end - r.span_start} characters", f"{len(r.span)}")
        if r.doc_id not in texts:
            texts = {r.doc_id: _squeezed(doc.text)}
        if _squeezed(r.span) not in texts[r.doc_id]:
            c.add(name, n, rid, f"span {r.span[:40]!r} is not in the document's text", "words of the statement")
        for field in ("actor", "target"):
            code = getattr(r, field)
            if not is_party(code):
                c.add(name, n, rid, f"{field} {code!r} is not a party", "an ISO3 code or an org:/group: id")
        if r.actor == r.target:
            c.add(name, n, rid, f"actor and target are both {r.actor}", "two different parties")
        key = (r.sent_key, r.span_start, r.span_end, r.actor, r.target, r.stance)
        if key in seen:
            c.add(name, n, rid, f"duplicate position (same as line {seen[key]})", "each position once")
        else:
            seen[key] = n


def _check_document(c: _Checker, n: int, d: Document) -> None:
    name, rid = "documents.jsonl", d.doc_id
    digest = hashlib.sha256(d.text.encode("utf-8")).hexdigest()
    if digest != d.text_sha256:
        c.add(name, n, rid, "text_sha256 does not match the text", digest)
    for i, s in enumerate(d.sections):
        if not (0 <= s.start < s.end <= len(d.text)):
            c.add(name, n, rid, f"section {i} offsets [{s.start}, {s.end}) outside the text", f"<= {len(d.text)}")
        if s.title is not None and s.heading_start is not None:
            c.span(name, n, rid, d.text, s.heading_start, s.heading_end, s.title, what=f"title of section {i}")
    for i, p in enumerate(d.paragraphs):
        if not (0 <= p.start < p.end <= len(d.text)) or p.section >= len(d.sections):
            c.add(name, n, rid, f"paragraph {i} [{p.start}, {p.end}) outside the text or its section", "inside both")
    labels = Counter(fn.label for fn in d.footnotes)
    for label, count in labels.items():
        if count > 1:
            c.add(name, n, rid, f"footnote label {label!r} appears {count} times", "unique note labels")
    # Orphans that --allow-orphans kept are recorded in ``problems``: flagged there, not invalid.
    recorded = set(d.problems or [])
    for fn in d.footnotes:
        if not fn.markers and f"note [{fn.label}] is cited by no marker" not in recorded:
            c.add(name, n, rid, f"note [{fn.label}] has no marker", "every note cited by at least one marker")
        for m in fn.markers:
            c.span(name, n, rid, d.text, m.start, m.end, f"[{fn.label}]", what=f"marker of note {fn.label}")
    cited = {(m.start, m.end) for fn in d.footnotes for m in fn.markers}
    for p in d.paragraphs:
        if p.type == "heading":
            continue
        for hit in MARKER.finditer(d.text, p.start, p.end):
            orphan = f"marker {hit.group(0)} at offset {hit.start()} has no note"
            if (hit.start(), hit.end()) not in cited and orphan not in recorded:
                c.add(name, n, rid, f"marker {hit.group(0)} at {hit.start()} has no note", "a note for every marker")


def _check_claims(c, name, rows, docs, sentences, entities) -> None:
    seen_rows: dict[tuple, int] = {}
    for n, r in rows:
        rid = r.claim_id
        doc = docs.get(r.doc_id)
        if doc is None:
            c.add(name, n, rid, f"unknown doc_id {r.doc_id!r}", "a doc_id of documents.jsonl")
            continue
        c.span(name, n, rid, doc.text, r.start, r.end, r.text)
        for field, code in (("actor", r.actor), ("target", r.target)):
            if code != doc.speaker:  # a statement's speaker may be an observer ("EU")
                c.party(name, n, rid, field, code)
        if r.actor == r.target:
            c.add(name, n, rid, f"actor and target are both {r.actor}", "two different countries")
        sent = sentences.get(r.sent_id)
        if sent is None or sent.doc_id != r.doc_id:
            c.add(name, n, rid, f"unknown sent_id {r.sent_id!r}", "a sent_id of the same document")
        else:
            if not (sent.start <= r.start and r.end <= sent.end):
                c.add(name, n, rid, "claim is not inside its sentence", f"inside [{sent.start}, {sent.end})")
            if not set(r.footnotes) <= set(sent.footnotes):
                c.add(
                    name,
                    n,
                    rid,
                    f"footnotes {r.footnotes} are not cited in the sentence",
                    f"a subset of {sent.footnotes}",
                )
        if not any(s.start <= r.start and r.end <= s.end for s in doc.sections):
            c.add(name, n, rid, "claim crosses a section boundary", "inside one section")
        labels = {fn.label for fn in doc.footnotes}
        for label in r.footnotes:
            if label not in labels:
                c.add(name, n, rid, f"footnote label {label!r} has no note", f"one of {sorted(labels, key=int)[:5]}...")
        for field, code in (("actor_mentions", r.actor), ("target_mentions", r.target)):
            for ent_id in getattr(r, field):
                ent = entities.get(ent_id)
                if ent is None or ent.doc_id != r.doc_id:
                    c.add(
                        name,
                        n,
                        rid,
                        f"{field} {ent_id!r} is not an entity of the document",
                        "an ent_id of entities.jsonl",
                    )
                elif not names_party(ent.countries, ent.kb_entry, code):
                    c.add(name, n, rid, f"{field} {ent_id!r} does not name {code}", f"an entity linked to {code}")
        # one row per conflict: a mediation offer in two disputes holds two positions (GUIDELINES §3.1)
        key = (r.sent_id, r.start, r.end, r.actor, r.target, r.stance, r.conflict)
        if key in seen_rows:
            c.add(
                name, n, rid, f"duplicate claim row (same as line {seen_rows[key]})", "each (claim, actor, target) once"
            )
        else:
            seen_rows[key] = n


def schema_files(out_dir: str | Path) -> list[Path]:
    """Write the record models as JSON Schema files."""
    from pipeline.io import write_text

    out = []
    for model in dict.fromkeys(SCHEMAS.values()):
        path = Path(out_dir) / f"{model.__name__}.schema.json"
        write_text(path, json.dumps(model.model_json_schema(), indent=1, sort_keys=True) + "\n")
        out.append(path)
    return out


def coverage(claims: list[dict], sentences: dict[str, dict], documents: list[dict]) -> dict:
    """Claims per country and section, stance per country, footnote backing."""
    per_country = Counter(r["actor"] for r in claims)
    per_section = Counter(
        sentences[r["sent_id"]]["section_title"] or "(untitled)" for r in claims if r["sent_id"] in sentences
    )
    stance: dict[str, Counter] = defaultdict(Counter)
    for r in claims:
        stance[r["actor"]][r["stance"]] += 1
    backed = sum(1 for r in claims if r["footnotes"])
    cited = {(r["doc_id"], label) for r in claims for label in r["footnotes"]}
    uncited = [
        f"{d['doc_id']}[{fn['label']}]"
        for d in documents
        for fn in d["footnotes"]
        if (d["doc_id"], fn["label"]) not in cited
    ]
    return {
        "claims_per_country": dict(per_country.most_common()),
        "claims_per_section": dict(per_section),
        "stance_per_country": {k: dict(v) for k, v in sorted(stance.items())},
        "footnote_backed_share": backed / len(claims) if claims else None,
        "uncited_footnotes": uncited,
    }


def audit_report(path: str | Path) -> str:
    """Agreement, coverage and disagreements, as printed by ``stance-corpus audit --report``.

    Each pair of layers (gold vs automatic, coder A vs coder B) is one
    ``pipeline.quality.compare.compare_claims`` record, rendered as scores and as agreement."""
    from pipeline.io import read_jsonl
    from pipeline.quality.compare import compare_claims, disagreements, format_agreement, format_scores

    path = Path(path)
    load = lambda name: list(read_jsonl(path / name)) if (path / name).is_file() else []
    documents, sentence_rows = load("documents.jsonl"), load("sentences.jsonl")
    sentences = {s["sent_id"]: s for s in sentence_rows}
    auto, gold = load("claims.jsonl"), load("gold/claims.jsonl")
    parts = []
    pairs = [("gold vs automatic", gold, auto)] if gold else []
    coder_a, coder_b = load("gold/coder_a.jsonl"), load("gold/coder_b.jsonl")
    if coder_a and coder_b:
        pairs.append(("coder_a vs coder_b", coder_a, coder_b))
    for name, ref, other in pairs:
        # The reference decides which documents are compared.
        c = compare_claims(
            ref,
            other,
            sentence_rows,
            names=(name.split(" vs ")[0], name.split(" vs ")[-1]),
            documents={r["doc_id"] for r in ref},
        )
        parts.append(format_scores(f"{name} (P/R/F1 per layer; reference = first)", c))
        parts.append(format_agreement(f"{name}: agreement", c))
    for name, rows in (("gold", gold), ("automatic", auto)):
        cov = coverage(rows, sentences, documents)
        share = cov["footnote_backed_share"]
        parts.append(
            "\n".join(
                [
                    f"## coverage: {name} claims",
                    "claims per actor country: " + ", ".join(f"{k} {v}" for k, v in cov["claims_per_country"].items()),
                    "claims per section: " + "; ".join(f"{k} {v}" for k, v in cov["claims_per_section"].items()),
                    "stance per country: "
                    + "; ".join(
                        f"{k} " + "/".join(f"{s}={n}" for s, n in v.items())
                        for k, v in cov["stance_per_country"].items()
                    ),
                    f"share of claim rows backed by a footnote: {'n/a' if share is None else f'{share:.3f}'}",
                    "footnotes cited by no claim: " + (", ".join(cov["uncited_footnotes"]) or "none"),
                ]
            )
        )
    if not gold:
        return "\n\n".join(parts + ["## disagreements: no gold claims in this folder"])
    diffs = disagreements(gold, auto)
    lines = [f"## disagreements: gold vs automatic ({len(diffs)} sentences)"]
    for d in diffs:
        fmt = lambda rows: ", ".join(f"{r[0]}->{r[1]} {r[2]}" for r in rows) or "no claim"
        lines.append(
            f'- {d["sent_id"]}: gold {fmt(d["a"])} | automatic {fmt(d["b"])}\n  "{sentences[d["sent_id"]]["text"]}"'
        )
    parts.append("\n".join(lines))
    return "\n\n".join(parts)
