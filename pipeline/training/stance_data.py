"""The documents the claim systems are compared on, their gold rows, and their candidates.

Two collections:

- ``articles``: the seed article (``besa2023_central_asia``, development data) and the unseen
  article (``unseen_caucasus_2024``, evaluation), gold from ``annotations/gold/claims.jsonl``,
  sentences from ``annotations/sentences.jsonl``; every (sentence, actor, target) pair the gold
  does not list is ``none``;
- ``ungd``: the 64 UN General Debate statements of ``annotations/gold/ungd/sample.csv`` (its
  ``split`` column says dev or eval), sentences from the coding packets, gold from one coder's
  sheet per document: ``sheets/adjudicated/`` when it has the document, else the first coder
  (alphabetically) that coded it.

``process`` runs the spaCy pipeline (rules only) over each document's paragraphs (an article's
paragraphs, a statement's lines), and keeps, per document, the rule component's rows and the
candidate pairs (``pipeline.nlp.candidates``) with their marked input text, each mapped to the
gold sentence it overlaps most (a sentence the gold does not list keeps an id of its own, so
rows there count as false positives). The result is plain JSON, cached by content hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from pipeline.io import read_jsonl, write_text

ARTICLE_SPLITS = {"besa2023_central_asia": "dev", "unseen_caucasus_2024": "eval"}
STANCE_ORDER = ("oppose", "support", "neutral")  # a pair given two stances is labelled with the first


@dataclass
class GoldSentence:
    sent_id: str
    start: int  # offsets into the paragraph text
    end: int


@dataclass
class EvalDoc:
    doc_id: str
    collection: str  # articles | ungd
    split: str  # dev | eval
    speaker: Optional[str]
    paragraphs: list[tuple[str, list[GoldSentence]]]
    gold: list[dict] = field(default_factory=list)  # sent_id, actor, target, stance (support|oppose|neutral)


def paragraph_sentences(doc: dict, sentences: list[dict]) -> list[tuple[str, list[GoldSentence]]]:
    """A document's paragraphs, each with the sentences that start in it (offsets in the paragraph)."""
    out = []
    for p in doc["paragraphs"]:
        inside = [
            GoldSentence(s["sent_id"], s["start"] - p["start"], s["end"] - p["start"])
            for s in sentences
            if p["start"] <= s["start"] < p["end"]
        ]
        out.append((doc["text"][p["start"] : p["end"]], inside))
    return out


def _ungd_sheet(sheets: Path, doc_id: str) -> Optional[Path]:
    adjudicated = sheets / "adjudicated" / f"{doc_id}.jsonl"
    if adjudicated.is_file():
        return adjudicated
    coders = sorted(p.parent.name for p in sheets.glob(f"lm_*/{doc_id}.jsonl"))
    return sheets / coders[0] / f"{doc_id}.jsonl" if coders else None


def load_ungd(annotations: Path, corpus: Path) -> list[EvalDoc]:
    gold_dir = annotations / "gold" / "ungd"
    with open(gold_dir / "sample.csv", encoding="utf-8") as f:
        # Only the columns a document needs are read: never the vote (CODING.md).
        sample = [{k: r[k] for k in ("doc_id", "file", "iso3", "split")} for r in csv.DictReader(f)]
    docs = []
    for row in sample:
        packet = list(read_jsonl(gold_dir / "packets" / f"{row['doc_id']}.jsonl"))
        by_line = defaultdict(list)
        for s in packet:
            by_line[s["line"]].append(GoldSentence(s["sent_key"], s["start"], s["end"]))
        lines = (corpus / "ungd" / row["file"]).read_text(encoding="utf-8").split("\n")
        paragraphs = [(line, by_line.get(n, [])) for n, line in enumerate(lines, 1) if line.strip()]
        sheet = _ungd_sheet(gold_dir / "sheets", row["doc_id"])
        if sheet is None:
            raise FileNotFoundError(f"{gold_dir / 'sheets'}: no sheet for {row['doc_id']}")
        gold = [
            {"sent_id": r["sent_key"], "actor": r["actor"], "target": r["target"], "stance": r["stance"]}
            for r in read_jsonl(sheet)
            if r["stance"] != "none"
        ]
        docs.append(EvalDoc(row["doc_id"], "ungd", row["split"], row["iso3"], paragraphs, gold))
    return docs


def load_articles(annotations: Path) -> list[EvalDoc]:
    sentences = defaultdict(list)
    for s in read_jsonl(annotations / "sentences.jsonl"):
        sentences[s["doc_id"]].append(s)
    gold = defaultdict(list)
    for r in read_jsonl(annotations / "gold" / "claims.jsonl"):
        gold[r["doc_id"]].append(
            {"sent_id": r["sent_id"], "actor": r["actor"], "target": r["target"], "stance": r["stance"]}
        )
    docs = []
    for d in read_jsonl(annotations / "documents.jsonl"):
        if d["doc_id"] not in ARTICLE_SPLITS:
            continue
        paragraphs = paragraph_sentences(d, sentences[d["doc_id"]])
        docs.append(EvalDoc(d["doc_id"], "articles", ARTICLE_SPLITS[d["doc_id"]], None, paragraphs, gold[d["doc_id"]]))
    return docs


def load_eval_docs(annotations: str | Path = "annotations", corpus: str | Path = "corpus") -> list[EvalDoc]:
    return load_articles(Path(annotations)) + load_ungd(Path(annotations), Path(corpus))


def gold_label(stances: Iterable[str]) -> str:
    """One label for a pair: its most frequent stance, ties by ``STANCE_ORDER``; ``none`` if none."""
    counts = Counter(s for s in stances if s != "none")
    if not counts:
        return "none"
    return max(counts, key=lambda s: (counts[s], -STANCE_ORDER.index(s)))


def _match(start: int, end: int, sents: list[GoldSentence], fallback: str) -> str:
    best, overlap = fallback, 0
    for s in sents:
        o = min(end, s.end) - max(start, s.start)
        if o > overlap:
            best, overlap = s.sent_id, o
    return best


def _make_doc(nlp, text: str, speaker: Optional[str]):
    doc = nlp.make_doc(text)
    doc._.speaker = speaker  # first-person phrases refer to it (claim_rules, candidates)
    return doc


def process(nlp, docs: list[EvalDoc], spans_key: str = "claims") -> dict:
    """Per document: rule rows and candidates (with marked text) keyed by gold sentence."""
    from pipeline.nlp.candidates import candidates, marked_text, rules_lexicon

    lexicon = rules_lexicon(nlp)
    out = {}
    for d in docs:
        rules, cands, n_words = [], [], 0
        for doc, k in nlp.pipe(
            ((_make_doc(nlp, text, d.speaker), k) for k, (text, _) in enumerate(d.paragraphs)), as_tuples=True
        ):
            n_words += sum(1 for t in doc if not (t.is_space or t.is_punct))
            sents = d.paragraphs[k][1]
            sid = lambda span: _match(span.start_char, span.end_char, sents, f"{d.doc_id}:p{k}@{span.start_char}")
            for span in doc.spans.get(spans_key, []):
                rules.append(
                    {"sent_id": sid(span), "actor": span._.actor, "target": span._.target, "stance": span._.stance}
                )
            for c in candidates(doc, lexicon):
                cands.append(
                    {
                        "sent_id": sid(c.sent),
                        "actor": c.actor,
                        "target": c.target,
                        "actor_source": c.actor_source,
                        "target_source": c.target_source,
                        "text": marked_text(c),
                    }
                )
        out[d.doc_id] = {"rules": rules, "candidates": cands, "words": n_words}
    return out


def docs_digest(docs: list[EvalDoc], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for d in docs:
        h.update(json.dumps(asdict(d), sort_keys=True).encode())
    return h.hexdigest()[:16]


def cached_process(nlp, docs: list[EvalDoc], cache: Path, code_version: str) -> dict:
    path = cache / f"processed-{docs_digest(docs, code_version)}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    result = process(nlp, docs)
    cache.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(result, sort_keys=True))
    return result


def _read_layer(path: Path) -> list[dict]:
    import gzip

    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    return list(read_jsonl(path))


def load_layer_docs(folder: Path, layer: Path, doc_ids: Iterable[str], collection: str) -> list[EvalDoc]:
    """Training documents of a built collection (``folder``: its documents and sentences) with the
    rows of a coded claim layer as their gold (the machine-coded statements, the passages)."""
    ids = set(doc_ids)
    sentences = defaultdict(list)
    for s in _read_layer(folder / "sentences.jsonl.gz"):
        if s["doc_id"] in ids:
            sentences[s["doc_id"]].append(s)
    gold = defaultdict(list)
    for r in _read_layer(layer):
        if r["doc_id"] in ids and r["stance"] != "none":
            gold[r["doc_id"]].append({k: r[k] for k in ("sent_id", "actor", "target", "stance")})
    docs = []
    for d in _read_layer(folder / "documents.jsonl.gz"):
        if d["doc_id"] not in ids:
            continue
        paragraphs = paragraph_sentences(d, sentences[d["doc_id"]])
        docs.append(EvalDoc(d["doc_id"], collection, "train", d.get("speaker"), paragraphs, gold[d["doc_id"]]))
    return sorted(docs, key=lambda d: d.doc_id)


def training_layer_docs(annotations: str | Path, gold_ids: Iterable[str], machine_every: int = 4) -> list[EvalDoc]:
    """The extra training documents: the passages with their gold, and every ``machine_every``-th
    machine-coded statement of the ``train`` split (``parquet/claims_machine/train.parquet``: no
    development-test or sealed-test statement) that has no gold of its own (``gold_ids``)."""
    import pandas as pd

    ann = Path(annotations)
    machine = sorted(
        set(pd.read_parquet(ann / "parquet" / "claims_machine" / "train.parquet", columns=["doc_id"]).doc_id)
    )
    machine = [d for d in machine if d not in set(gold_ids)][::machine_every]
    passages = sorted({d["doc_id"] for d in _read_layer(ann / "passages" / "documents.jsonl.gz")})
    return load_layer_docs(
        ann / "passages", ann / "passages" / "gold" / "claims.jsonl.gz", passages, "passages"
    ) + load_layer_docs(ann / "ungd", ann / "ungd" / "machine" / "claims.jsonl.gz", machine, "ungd_machine")
