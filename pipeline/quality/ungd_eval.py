"""``stance-corpus evaluate --collection ungd``: the automatic claim layer against the UNGD gold.

The gold (``annotations/gold/ungd/claims.jsonl``) locates each position by a line of the statement
file (``line``, and ``start``/``end`` of the sentence in that line); the automatic layer locates
it in the document's cleaned ``text``, which joins some wrapped lines. The two are brought
together in three steps:

1. **Alignment**: each gold sentence (``line_text[start:end]``, one per ``sent_key``) is searched
   in the cleaned text with all whitespace ignored, in file order, each search starting where the
   previous match ended (falling back to the whole text when that fails). A sentence found nowhere
   stays unaligned: its positions can only be missed.
2. **Units**: a gold sentence and an automatic sentence that overlap belong to one unit; units
   are the connected groups of overlapping sentences, so a sentence split differently by the two
   sides is still one place. Automatic sentences no gold sentence touches are units of their own
   (an automatic claim there is a false positive: the coders coded every position of the
   statement, GUIDELINES §6.3).
3. **Scoring**: ``pipeline.quality.compare.compare_claims`` over the units, on the documents of
   ``sample.csv`` (a document without gold rows still counts); (unit, actor, target, stance) P/R/F1
   per stance and micro-averaged, with percentile bootstrap 95 % intervals from resampling whole
   documents (per-stance intervals included).

The split of ``sample.csv`` decides which documents are scored, each split reported apart:
``dev``; ``eval``, the development test (it was scored after repairs while the rules were built,
so it no longer measures unseen text); ``test``, the sealed test (``gold/ungd/sealed``), scored
only through ``pipeline.quality.sealed`` so that every score is logged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from pipeline.errors import InputError
from pipeline.io import layer_path, read_jsonl
from pipeline.quality.alignment import align_sentences
from pipeline.quality.compare import Comparison, compare_claims, format_scores
from pipeline.schema import STANCES

SPLITS = ("dev", "eval", "test")
# What each split is (GUIDELINES §10.1, docs/validation.md): eval was scored after repairs during
# development, so it is a development test; test is the sealed test, scored once per claim system.
SPLIT_NOTES = {"eval": " (development test)", "test": " (sealed test: scored once per claim system, never tuned on)"}


# ---------------------------------------------------------------- inputs


def statement_path(corpus_dir: str | Path, doc_id: str) -> Path:
    """The statement file of a document: ``<corpus>/ungd/session*/<doc_id>.txt``."""
    found = sorted((Path(corpus_dir) / "ungd").glob(f"session*/{doc_id}.txt"))
    if len(found) != 1:
        raise InputError(
            Path(corpus_dir) / "ungd" / "session*" / f"{doc_id}.txt", f"expected one statement file, found {len(found)}"
        )
    return found[0]


def statement_lines(corpus_dir: str | Path, doc_id: str) -> list[str]:
    """The lines of a statement file, counted from 1 by ``line`` (the packets split on ``\\n``)."""
    return statement_path(corpus_dir, doc_id).read_text(encoding="utf-8").split("\n")


def gold_sentence_texts(rows: Iterable[dict], corpus_dir: str | Path) -> dict[str, list[tuple[str, str]]]:
    """``doc_id -> [(sent_key, sentence text), ...]`` in file order, one entry per gold sentence."""
    spans: dict[str, dict[str, tuple[int, int, int]]] = {}
    for r in rows:
        spans.setdefault(r["doc_id"], {})[r["sent_key"]] = (r["line"], r["start"], r["end"])
    out = {}
    for doc_id, keys in spans.items():
        lines = statement_lines(corpus_dir, doc_id)
        ordered = sorted(keys.items(), key=lambda kv: kv[1])
        texts = []
        for key, (line, start, end) in ordered:
            if not 1 <= line <= len(lines) or end > len(lines[line - 1]):
                raise InputError(
                    statement_path(corpus_dir, doc_id), f"{key}: line {line} [{start}:{end}] is outside the file"
                )
            texts.append((key, lines[line - 1][start:end]))
        out[doc_id] = texts
    return out


def read_splits(sample_csv: str | Path) -> dict[str, str]:
    """``doc_id -> dev|eval`` from ``sample.csv``."""
    path = Path(sample_csv)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"doc_id", "split"} <= set(reader.fieldnames or ()):
            raise InputError(path, "needs the columns doc_id and split")
        out = {}
        for r in reader:
            if r["split"] not in SPLITS:
                raise InputError(path, f"{r['doc_id']}: split must be {' or '.join(SPLITS)}, not {r['split']!r}")
            out[r["doc_id"]] = r["split"]
    return out


# ---------------------------------------------------------------- alignment


def sentence_units(
    doc_id: str, gold_spans: dict[str, Optional[tuple[int, int]]], auto_sentences: Sequence[dict]
) -> tuple[dict[str, str], dict[str, str]]:
    """Unit ids for the gold sentences (by ``sent_key``) and the automatic sentences (by
    ``sent_id``) of one document: overlapping sentences share a unit (connected groups)."""
    nodes = [("g", k, s) for k, s in gold_spans.items() if s is not None] + [
        ("a", s["sent_id"], (s["start"], s["end"])) for s in auto_sentences
    ]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Sweep by start: a node overlaps every open node whose end is beyond its start.
    order = sorted(range(len(nodes)), key=lambda i: (nodes[i][2][0], nodes[i][2][1]))
    open_nodes: list[int] = []
    for i in order:
        start, end = nodes[i][2]
        open_nodes = [j for j in open_nodes if nodes[j][2][1] > start]
        for j in open_nodes:
            if start < end:
                parent[find(i)] = find(j)
        open_nodes.append(i)
    # Name a unit after its first member in text order, so ids do not depend on input order.
    names: dict[int, str] = {}
    for i in order:
        names.setdefault(find(i), f"{doc_id}:u{len(names) + 1}")
    gold_units = {k: names[find(i)] for i, (side, k, _) in enumerate(nodes) if side == "g"}
    auto_units = {k: names[find(i)] for i, (side, k, _) in enumerate(nodes) if side == "a"}
    for k, s in gold_spans.items():
        if s is None:
            gold_units[k] = f"{doc_id}:unaligned:{k}"
    return gold_units, auto_units


# ---------------------------------------------------------------- scoring


@dataclass
class Aligned:
    """Both layers' rows keyed by unit, with the unit list and what could not be aligned."""

    gold: list[dict]
    auto: list[dict]
    units: list[dict]
    gold_sentences: int
    unaligned: list[str]
    auto_rows_outside_gold: int


def align_layers(
    gold_rows: Sequence[dict],
    auto_claims: Sequence[dict],
    auto_sentences: Sequence[dict],
    documents: dict[str, str],
    corpus_dir: str | Path,
    texts: Optional[dict[str, list[tuple[str, str]]]] = None,
) -> Aligned:
    """Gold and automatic rows of ``documents`` (``doc_id -> cleaned text``) on shared units;
    ``texts`` gives each document's gold sentences (``sent_key``, text) where they are not
    lines of a statement file."""
    gold_rows = [r for r in gold_rows if r["doc_id"] in documents]
    texts = gold_sentence_texts(gold_rows, corpus_dir) if texts is None else texts
    sents_by_doc: dict[str, list[dict]] = {}
    for s in auto_sentences:
        if s["doc_id"] in documents:
            sents_by_doc.setdefault(s["doc_id"], []).append(s)
    gold_unit: dict[str, str] = {}
    auto_unit: dict[str, str] = {}
    gold_touched: set[str] = set()
    unaligned: list[str] = []
    n_gold_sentences = 0
    for doc_id in sorted(documents):
        spans = align_sentences(documents[doc_id], texts.get(doc_id, []))
        n_gold_sentences += len(spans)
        unaligned += [k for k, s in spans.items() if s is None]
        g, a = sentence_units(doc_id, spans, sents_by_doc.get(doc_id, []))
        gold_unit.update(g)
        auto_unit.update(a)
        gold_touched.update(g.values())

    def keyed(r: dict, unit: str) -> dict:
        return {
            "doc_id": r["doc_id"],
            "sent_id": unit,
            "actor": r["actor"],
            "target": r["target"],
            "stance": r["stance"],
            "start": 0,
            "end": 0,
            "footnotes": [],
        }

    gold = [keyed(r, gold_unit[r["sent_key"]]) for r in gold_rows]
    auto_rows = [r for r in auto_claims if r["doc_id"] in documents]
    missing = sorted({r["sent_id"] for r in auto_rows} - set(auto_unit))
    if missing:
        raise InputError("sentences layer", f"claims refer to sentence(s) it does not hold, first: {missing[0]}")
    auto = [keyed(r, auto_unit[r["sent_id"]]) for r in auto_rows]
    units = sorted(
        {(r["doc_id"], unit) for r, unit in ((r, gold_unit[r["sent_key"]]) for r in gold_rows)}
        | {(s["doc_id"], auto_unit[s["sent_id"]]) for ss in sents_by_doc.values() for s in ss}
    )
    units_rows = [{"doc_id": d, "sent_id": u} for d, u in units]
    return Aligned(
        gold, auto, units_rows, n_gold_sentences, unaligned, sum(1 for r in auto if r["sent_id"] not in gold_touched)
    )


def score(aligned: Aligned, documents: Iterable[str], n_resamples: int = 1000, seed: int = 0) -> Comparison:
    c = compare_claims(
        aligned.gold,
        aligned.auto,
        aligned.units,
        names=("gold", "automatic"),
        documents=sorted(documents),
        n_resamples=n_resamples,
        seed=seed,
    )
    return replace(c, footnote_accuracy=None)  # statements have no footnotes: nothing to compare


def format_ungd(title: str, c: Comparison, aligned: Aligned) -> str:
    """The per-split text: the scores of ``format_scores`` plus per-stance intervals and alignment."""
    lines = [format_scores(title, c)]
    iv = c.bootstrap.intervals
    if iv:
        per = [
            f"{label} F1 [{iv[f'stance_{label}_f1'].low:.3f}, {iv[f'stance_{label}_f1'].high:.3f}]" for label in STANCES
        ]
        lines.append(f"bootstrap {c.bootstrap.confidence_level:.0%} CI per stance: " + "; ".join(per))
    lines.append(
        f"documents {len(c.documents)}; gold sentences {aligned.gold_sentences}, aligned to the cleaned text "
        f"{aligned.gold_sentences - len(aligned.unaligned)}"
        + (f" (unaligned: {', '.join(aligned.unaligned)})" if aligned.unaligned else "")
        + f"; automatic rows in sentences no gold sentence overlaps: {aligned.auto_rows_outside_gold}"
    )
    return "\n".join(lines)


def ungd_report(
    layer_dir: str | Path, gold_dir: str | Path, corpus_dir: str | Path, split: str = "all", n_resamples: int = 1000
) -> tuple[str, dict[str, Any]]:
    """Text and figures of the UNGD evaluation; ``layer_dir`` holds the automatic layers
    (``documents``, ``sentences``, ``claims``, ``.jsonl`` or ``.jsonl.gz``)."""
    if split not in (*SPLITS, "all"):
        raise InputError(Path(gold_dir) / "sample.csv", f"--split must be {', '.join(SPLITS)} or all, not {split!r}")
    layer_dir, gold_dir = Path(layer_dir), Path(gold_dir)
    splits = read_splits(gold_dir / "sample.csv")
    gold_rows = list(read_jsonl(gold_dir / "claims.jsonl"))
    wanted = set(splits)
    documents = {
        d["doc_id"]: d["text"] for d in read_jsonl(layer_file(layer_dir, "documents")) if d["doc_id"] in wanted
    }
    absent = sorted(wanted - set(documents))
    if absent:
        raise InputError(
            layer_file(layer_dir, "documents"), f"{len(absent)} sampled statement(s) missing, first: {absent[0]}"
        )
    claims = list(read_jsonl(layer_file(layer_dir, "claims")))
    sentences = list(read_jsonl(layer_file(layer_dir, "sentences")))
    parts, figures = [], {}
    for name in [s for s in SPLITS if s in splits.values()] if split == "all" else [split]:
        docs = sorted(d for d, s in splits.items() if s == name)
        aligned = align_layers(gold_rows, claims, sentences, {d: documents[d] for d in docs}, corpus_dir)
        c = score(aligned, docs, n_resamples=n_resamples)
        parts.append(format_ungd(f"automatic vs UNGD gold: {name}{SPLIT_NOTES.get(name, '')}", c, aligned))
        figures[name] = {
            **c.to_dict(),
            "alignment": {
                "gold_sentences": aligned.gold_sentences,
                "unaligned": aligned.unaligned,
                "auto_rows_outside_gold": aligned.auto_rows_outside_gold,
            },
        }
    return "\n\n".join(parts), figures


def layer_file(layer_dir: Path, name: str) -> Path:
    """A layer file of the folder (``.jsonl`` or ``.jsonl.gz``, as ``build`` writes a collection)."""
    path = layer_path(layer_dir, name)
    if not path.is_file():
        raise InputError(path, "missing; run `stance-corpus build --collection ungd` first")
    return path
