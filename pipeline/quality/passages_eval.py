"""``stance-corpus evaluate --collection passages``: the claim layer against the passages' gold.

The passages (``corpus/passages/``) are short texts written for the project about conflicts
other than Russia's war against Ukraine; their gold (``annotations/gold/passages/claims.jsonl``)
locates each position by its sentence's offsets in the passage file. The sentences are aligned
to the cleaned text and scored on shared units as the statements are
(:mod:`pipeline.quality.ungd_eval`): (unit, actor, target, stance) P/R/F1 with bootstrap
intervals over documents. The report also counts the automatic rows toward the parties of a
conflict the passage is not about (``stray_rows``): a row toward Russia or Ukraine in a passage
about the Golan is such a row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.io import read_jsonl
from pipeline.nlp.conflicts import load_book
from pipeline.quality.ungd_eval import align_layers, format_ungd, layer_file, score


def gold_rows(path: str | Path) -> list[dict]:
    """The gold rows, each with the ``sent_key`` of its sentence (``doc_id:start-end``)."""
    return [{**r, "sent_key": f"{r['doc_id']}:{r['start']}-{r['end']}"} for r in read_jsonl(path)]


def gold_texts(rows: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """``doc_id -> [(sent_key, sentence), ...]`` in text order."""
    out: dict[str, dict[str, tuple[int, str]]] = {}
    for r in rows:
        out.setdefault(r["doc_id"], {})[r["sent_key"]] = (r["start"], r["text"])
    return {d: [(k, t) for k, (_, t) in sorted(keys.items(), key=lambda kv: kv[1][0])] for d, keys in out.items()}


def stray_rows(claims: list[dict], gold: list[dict]) -> list[dict]:
    """Automatic rows toward a party of a conflict that no gold row of the passage concerns, and
    that is no party of the passage's own conflicts."""
    book = load_book()
    own: dict[str, set[str]] = {}
    for r in gold:
        conflict = book.get(r.get("conflict"))
        own.setdefault(r["doc_id"], set()).update(conflict.parties if conflict else ())
        own[r["doc_id"]].update((r["actor"], r["target"]))
    parties = {p for c in book.conflicts for p in c.parties}
    return [r for r in claims if r["target"] in parties and r["target"] not in own.get(r["doc_id"], set())]


def passages_report(
    layer_dir: str | Path, gold_path: str | Path, n_resamples: int = 1000
) -> tuple[str, dict[str, Any]]:
    """Text and figures of the passages' evaluation; ``layer_dir`` holds their automatic layers."""
    layer_dir = Path(layer_dir)
    rows = gold_rows(gold_path)
    documents = {d["doc_id"]: d["text"] for d in read_jsonl(layer_file(layer_dir, "documents"))}
    wanted = sorted({r["doc_id"] for r in rows} | set(documents))
    absent = sorted({r["doc_id"] for r in rows} - set(documents))
    if absent:
        raise InputError(
            layer_file(layer_dir, "documents"), f"{len(absent)} coded passage(s) missing, first: {absent[0]}"
        )
    claims = list(read_jsonl(layer_file(layer_dir, "claims")))
    sentences = list(read_jsonl(layer_file(layer_dir, "sentences")))
    aligned = align_layers(rows, claims, sentences, documents, "", texts=gold_texts(rows))
    c = score(aligned, wanted, n_resamples=n_resamples)
    stray = stray_rows(claims, rows)
    text = format_ungd("automatic vs passages gold (conflicts other than Russia-Ukraine)", c, aligned)
    text += f"\nrows toward a party of a conflict the passage is not about: {len(stray)}"
    text += "".join(f"\n  {r['doc_id']}: {r['actor']} -> {r['target']} {r['stance']}: {r['text']}" for r in stray)
    return text, {**c.to_dict(), "stray_rows": len(stray)}
