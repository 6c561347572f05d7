"""A static HTML report to read the corpus by eye (no CDN, no network; works offline and in print).

Layout of the output folder:

- ``index.html``: the collections with their rows per layer, agreement of the automatic layer
  with gold per collection;
- ``<collection>/index.html``: filters (actor, target, either, conflict, stance, year, layer,
  document) over every claim row, the network of who supports or opposes whom per layer (static
  SVG, ``networkx`` layout; all years and one per year), the actor × target matrix, the state ×
  conflict table, the change between years, the documents, and every gold/automatic
  disagreement linked to its sentence. The filters' script counts the matching rows of the claim
  table again for every view (``filters.html.j2``), so the networks and the matrices follow them;
- ``<collection>/<doc_id>.html``: the document. A claimed sentence is underlined and followed by
  its (actor → target, stance) pairs written out as text, one badge per pair, gold, machine-coded
  (language models under the guidelines; not gold) and automatic each in its own layer that a
  checkbox shows or hides (plain HTML + CSS, so keyboard and touch
  work and print shows both). Entities are marked with their country code and linked to Wikidata.

Stances use the Okabe–Ito colour-blind-safe palette and a second cue besides colour: an icon and a
word in every badge (✓ support, ✗ oppose, ○ neutral) and a line pattern (solid / wavy / dotted
underline; solid / dashed / dotted edges in the network).

Pages are rendered from the Jinja2 templates in ``pipeline/report/templates`` with autoescaping,
so every text from the corpus is HTML-escaped. Layers are read per collection (articles at the
top of the annotations folder, other collections in subfolders, ``.jsonl`` or ``.jsonl.gz``);
document pages are written one document at a time. Every file is written atomically, mode 0644,
and the same layers give the same bytes.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import jinja2

from pipeline.export.huggingface import _by_document
from pipeline.io import staged_tree, write_text
from pipeline.layers import LayerFolder, gold_rows, layer_folders, machine_rows, require_layers
from pipeline.paths import check_doc_id, out_path
from pipeline.quality.compare import disagreements
from pipeline.schema import STANCES

# Okabe & Ito (2008) colour-blind-safe colours, each with an icon and a line style.
STANCE_STYLE = {
    "support": {"colour": "#0072B2", "icon": "✓", "dash": ""},
    "oppose": {"colour": "#D55E00", "icon": "✗", "dash": "8 4"},
    "neutral": {"colour": "#555555", "icon": "○", "dash": "2 4"},
}
STANCE_COLOURS = {k: v["colour"] for k, v in STANCE_STYLE.items()}
# The claim layers in the order they are shown: gold (people), machine-coded (language models
# under the guidelines; not gold) and automatic (the pipeline's claim engine).
LAYER_NAMES = {"gold": "gold", "machine": "machine-coded", "auto": "automatic"}
WIKIDATA = "https://www.wikidata.org/wiki/"
NETWORK_NODES = 30  # the most active states; the matrix and the claim table hold the rest
MATRIX_SIZE = 25


def country_colour(code: str) -> str:
    """A stable pastel colour per country code (background of entity marks; the code is written too)."""
    hue = int(hashlib.sha256(code.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.88, 0.6)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def environment() -> jinja2.Environment:
    """The report's templates (``pipeline/report/templates``), HTML-escaping every value."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(styles=STANCE_STYLE, stances=list(STANCES), layer_names=LAYER_NAMES, wikidata=WIKIDATA)
    return env


def sentence_anchor(sent_id: str) -> str:
    return "s-" + sent_id.rsplit(":", 1)[-1]


def page_name(doc_id: str) -> str:
    return f"{doc_id}.html"


# ---------------------------------------------------------------- views


def pair_view(claim: dict, layer: str) -> dict:
    return {
        "actor": claim["actor"],
        "target": claim["target"],
        "stance": claim["stance"],
        "layer": layer,
        "topic": claim.get("topic") or "",
        "cue": claim.get("cue") or "",
    }


def sentence_view(
    text: str, sentence: dict, entities: list[dict], markers: list[tuple[str, int, int]], claims: dict[str, list[dict]]
) -> dict:
    """One sentence cut into text, entity and footnote-marker segments, with its claim pairs per
    layer (``claims``: layer -> rows of this sentence)."""
    start, end = sentence["start"], sentence["end"]
    events: list[tuple[int, int, str, Any]] = sorted(
        [(e["start"], e["end"], "ent", e) for e in entities]
        + [(s, e, "fn", label) for label, s, e in markers if start <= s < end],
        key=lambda x: (x[0], -x[1]),
    )
    segments, pos = [], start
    roles: dict[str, set[str]] = defaultdict(set)
    for rows in claims.values():
        for c in rows:
            for m in c.get("actor_mentions") or []:
                roles[m].add("actor")
            for m in c.get("target_mentions") or []:
                roles[m].add("target")
    for s, e, kind, item in events:
        if s < pos:
            continue  # nested spans: the outer one wins
        segments.append({"kind": "text", "text": text[pos:s]})
        if kind == "ent":
            code = item.get("country") or "+".join(item.get("countries") or [])
            segments.append(
                {
                    "kind": "ent",
                    "text": text[s:e],
                    "code": code,
                    "label": item["label"],
                    "kb_id": item.get("kb_id") or "",
                    "colour": country_colour(code) if code else "#eeeeee",
                    "roles": " ".join(sorted(roles.get(item["ent_id"], ()))),
                }
            )
        else:
            segments.append({"kind": "fn", "label": item})
        pos = e
    segments.append({"kind": "text", "text": text[pos:end]})
    pairs = {layer: [pair_view(c, layer) for c in rows] for layer, rows in claims.items() if rows}
    stances = Counter(p["stance"] for rows in pairs.values() for p in rows)
    return {
        "id": sentence_anchor(sentence["sent_id"]),
        "sent_id": sentence["sent_id"],
        "segments": segments,
        "pairs": pairs,
        "stance": stances.most_common(1)[0][0] if stances else None,
        "layers": " ".join(sorted(pairs)),
    }


def document_view(
    doc: dict, sentences: list[dict], entities: list[dict], claims: dict[str, dict[str, list[dict]]], collection: str
) -> dict:
    """The page of one document; ``claims``: layer -> sent_id -> rows."""
    text = doc["text"]
    markers = [(fn["label"], m["start"], m["end"]) for fn in doc["footnotes"] for m in fn["markers"]]
    ents_by_sent: dict[str, list[dict]] = defaultdict(list)
    for e in entities:
        ents_by_sent[e["sent_id"]].append(e)
    by_para: dict[int, list[dict]] = defaultdict(list)
    for s in sentences:
        view = sentence_view(
            text,
            s,
            ents_by_sent[s["sent_id"]],
            markers,
            {layer: rows.get(s["sent_id"], []) for layer, rows in claims.items()},
        )
        by_para[s["paragraph"]].append(view)
    paragraphs = [
        {"type": p["type"], "label": p.get("label"), "sentences": by_para[i]} for i, p in enumerate(doc["paragraphs"])
    ]
    notes = [{"label": fn["label"], "text": fn["text"], "url": fn.get("url")} for fn in doc["footnotes"]]
    counts = {layer: sum(len(v) for v in rows.values()) for layer, rows in claims.items()}
    first = {s["sent_id"]: i for i, s in enumerate(sentences)}
    return {
        "doc_id": doc["doc_id"],
        "title": doc.get("title") or doc["doc_id"],
        "collection": collection,
        "speaker": doc.get("speaker") or "",
        "meta": _doc_meta(doc),
        "paragraphs": paragraphs,
        "notes": notes,
        "counts": counts,
        "has_gold": "gold" in claims,
        "summary": {layer: position_summary(rows, doc.get("speaker"), first) for layer, rows in claims.items()},
    }


def position_summary(rows_by_sent: dict[str, list[dict]], speaker: Optional[str], order: dict[str, int]) -> list:
    """Who stands where in one document: per (actor, target) the rows per stance and the
    sentences that hold them (links); the speaker's positions first, then by number of rows."""
    pairs: dict[tuple[str, str], dict] = {}
    for sent_id, rows in rows_by_sent.items():
        for c in rows:
            p = pairs.setdefault(
                (c["actor"], c["target"]), {"actor": c["actor"], "target": c["target"], "n": Counter(), "sents": set()}
            )
            p["n"][c["stance"]] += 1
            p["sents"].add(sent_id)
    out = []
    for p in pairs.values():
        n = p["n"]
        net = n["support"] - n["oppose"]
        out.append(
            {
                "actor": p["actor"],
                "target": p["target"],
                "counts": [(s, n[s]) for s in STANCES if n[s]],
                "total": sum(n.values()),
                "overall": "support" if net > 0 else "oppose" if net < 0 else "neutral",
                "sentences": [
                    {"href": "#" + sentence_anchor(sid), "label": sid.rsplit(":", 1)[-1]}
                    for sid in sorted(p["sents"], key=lambda k: order.get(k, 0))
                ],
            }
        )
    return sorted(out, key=lambda p: (p["actor"] != speaker, -p["total"], p["actor"], p["target"]))


def _doc_meta(doc: dict) -> list[tuple[str, str]]:
    out = []
    for key in ("speaker", "speaker_name", "speaker_post", "session", "year", "date", "publisher", "licence"):
        if doc.get(key) not in (None, ""):
            out.append((key, str(doc[key])))
    if doc.get("authors"):
        out.append(("authors", ", ".join(doc["authors"])))
    return out


# ---------------------------------------------------------------- network and matrix


def _edges(claims: Iterable[dict]) -> dict[tuple[str, str, str], int]:
    return dict(Counter((c["actor"], c["target"], c["stance"]) for c in claims))


def network_svg(claims: list[dict], title: str, max_nodes: int = NETWORK_NODES) -> dict:
    """Who supports or opposes whom: nodes are states, an edge actor → target per stance (width by
    number of claim rows). Laid out with ``networkx.shell_layout`` (most active states inside) and returned as the
    pieces of a static SVG."""
    import networkx as nx

    edges = _edges(c for c in claims if c["stance"] in ("support", "oppose"))
    degree: Counter = Counter()
    for (a, t, _), n in edges.items():
        degree[a] += n
        degree[t] += n
    keep = {k for k, _ in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:max_nodes]}
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(keep))
    for (a, t, s), n in sorted(edges.items()):
        if a in keep and t in keep:
            w = graph.get_edge_data(a, t, {}).get("weight", 0) + n
            graph.add_edge(a, t, weight=w)
    size, pad = 720, 40
    # Shells by activity (most active inside): every label stays readable, and the layout is the
    # same for the same claims (no random start).
    ranked = sorted(graph, key=lambda k: (-degree[k], k))
    shells = [ranked[:1], ranked[1:9], ranked[9:]] if len(ranked) > 9 else [ranked[:1], ranked[1:]]
    pos = (
        nx.shell_layout(graph, nlist=[sh for sh in shells if sh]) if len(graph) > 1 else {k: (0.0, 0.0) for k in graph}
    )
    reach = max((max(abs(x), abs(y)) for x, y in pos.values()), default=1.0) or 1.0
    pos = {k: (x / reach, y / reach) for k, (x, y) in pos.items()}
    xy = {k: (pad + (x + 1) / 2 * (size - 2 * pad), pad + (y + 1) / 2 * (size - 2 * pad)) for k, (x, y) in pos.items()}
    lines = []
    for (a, t, s), n in sorted(edges.items()):
        if a not in xy or t not in xy or a == t:
            continue
        (x1, y1), (x2, y2) = xy[a], xy[t]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        # stop short of the node circle; a support and an oppose edge of one pair sit side by side
        off = 3 if s == "support" else -3
        ox, oy = -dy / dist * off, dx / dist * off
        lines.append(
            {
                "x1": round(x1 + dx / dist * 17 + ox, 1),
                "y1": round(y1 + dy / dist * 17 + oy, 1),
                "x2": round(x2 - dx / dist * 19 + ox, 1),
                "y2": round(y2 - dy / dist * 19 + oy, 1),
                "stance": s,
                "width": round(min(1 + math.log2(n), 6), 1),
                "n": n,
                "actor": a,
                "target": t,
            }
        )
    nodes = [{"code": k, "x": round(x, 1), "y": round(y, 1), "n": degree[k]} for k, (x, y) in sorted(xy.items())]
    return {"title": title, "size": size, "nodes": nodes, "edges": lines, "dropped": len(degree) - len(keep)}


def matrix_view(claims: list[dict], size: int = MATRIX_SIZE) -> dict:
    """Actor × target counts per stance for the most active actors and targets."""
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    actors: Counter = Counter()
    targets: Counter = Counter()
    for c in claims:
        cells[(c["actor"], c["target"])][c["stance"]] += 1
        actors[c["actor"]] += 1
        targets[c["target"]] += 1
    top = lambda cnt: [k for k, _ in sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]  # noqa: E731
    rows, cols = top(actors), top(targets)
    return {
        "rows": rows,
        "cols": cols,
        "cells": {a: [(t, [(s, cells[(a, t)][s]) for s in STANCES if cells[(a, t)][s]]) for t in cols] for a in rows},
        "more_actors": max(len(actors) - len(rows), 0),
        "more_targets": max(len(targets) - len(cols), 0),
    }


def _stance_counts(n: Counter) -> list[tuple[str, int]]:
    return [(st, n[st]) for st in STANCES if n[st]]


def conflict_view(claims: list[dict]) -> Optional[dict]:
    """State × conflict: rows per stance for each actor and each value of the rows' ``conflict``
    field; None while no row carries one."""
    rows = [c for c in claims if c.get("conflict")]
    if not rows:
        return None
    conflicts = sorted({c["conflict"] for c in rows})
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in rows:
        cells[(c["actor"], c["conflict"])][c["stance"]] += 1
    actors = sorted({c["actor"] for c in rows})
    return {
        "cols": conflicts,
        "rows": actors,
        "cells": {a: [(k, _stance_counts(cells[(a, k)])) for k in conflicts] for a in actors},
    }


def change_view(claims: list[dict], docs: dict[str, dict]) -> list[dict]:
    """Per state and target, the rows per stance in each pair of consecutive years and the change
    of the net stance (support − oppose); states with documents in both years only."""
    years = sorted({d["year"] for d in docs.values() if d["year"].isdigit()})
    active: dict[str, set[str]] = defaultdict(set)
    for d in docs.values():
        if d.get("speaker"):  # a statement: its speaker is there that year
            active[d["year"]].add(d["speaker"])
    tally: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for c in claims:
        year = docs[c["doc_id"]]["year"]
        if not docs[c["doc_id"]].get("speaker"):  # an article: the states it shows acting
            active[year].add(c["actor"])
        tally[(year, c["actor"], c["target"])][c["stance"]] += 1
    out = []
    for before, after in zip(years, years[1:]):
        pairs = sorted({(a, t) for (y, a, t) in tally if y in (before, after)})
        for a, t in pairs:
            if a not in active[before] or a not in active[after]:
                continue
            was, now = tally.get((before, a, t), Counter()), tally.get((after, a, t), Counter())
            net_was, net_now = was["support"] - was["oppose"], now["support"] - now["oppose"]
            out.append(
                {
                    "actor": a,
                    "target": t,
                    "years": f"{before} → {after}",
                    "before": _stance_counts(was),
                    "after": _stance_counts(now),
                    "change": net_now - net_was,
                }
            )
    return sorted(out, key=lambda r: (r["years"], -abs(r["change"]), r["actor"], r["target"]))


# ---------------------------------------------------------------- agreement


def agreement(gold: list[dict], auto: list[dict]) -> Optional[dict]:
    """Automatic vs gold over (sentence, actor, target, stance) rows of the documents with gold."""
    if not gold:
        return None
    docs = {c["doc_id"] for c in gold}
    g = {(c["sent_id"], c["actor"], c["target"], c["stance"]) for c in gold}
    a = {(c["sent_id"], c["actor"], c["target"], c["stance"]) for c in auto if c["doc_id"] in docs}
    tp = len(g & a)
    p = tp / len(a) if a else 0.0
    r = tp / len(g) if g else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "documents": len(docs),
        "gold": len(g),
        "auto": len(a),
        "tp": tp,
        "precision": f"{p:.3f}",
        "recall": f"{r:.3f}",
        "f1": f"{f1:.3f}",
    }


# ---------------------------------------------------------------- writing


@dataclass
class CollectionData:
    name: str
    folders: list[LayerFolder] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # metadata only, no text
    auto: list[dict] = field(default_factory=list)
    gold: Optional[list[dict]] = None
    machine: Optional[list[dict]] = None  # machine-coded by language models, not gold

    def layers(self) -> dict[str, list[dict]]:
        """The claim layers this collection has, in ``LAYER_NAMES`` order (automatic always)."""
        found = {"gold": self.gold, "machine": self.machine, "auto": self.auto}
        return {name: rows for name, rows in found.items() if rows is not None}


def _strip(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("produced_by",)}


def _year(doc: dict) -> str:
    if doc.get("year"):
        return str(doc["year"])
    return (doc.get("date") or "")[:4] or "undated"


def load_collections(ann: Path) -> list[CollectionData]:
    """Every collection under ``ann``, by each document's ``collection`` (a statement annotated
    into any folder is under its collection), with its automatic and gold claim rows."""
    out: dict[str, CollectionData] = {}
    for folder in require_layers(ann):
        collection_of: dict[str, str] = {}
        for doc in folder.documents():
            check_doc_id(doc.get("doc_id"), folder.path("documents"))  # it names a page
            data = out.setdefault(doc["collection"], CollectionData(doc["collection"]))
            if folder not in data.folders:
                data.folders.append(folder)
            collection_of[doc["doc_id"]] = doc["collection"]
            meta = {k: doc.get(k) for k in ("doc_id", "title", "speaker", "date", "session")}
            data.documents.append(meta | {"year": _year(doc)})
        for c in folder.rows("claims") if folder.path("claims").is_file() else ():
            out[collection_of.get(c["doc_id"], folder.name)].auto.append(_strip(c))
        for layer, coded in (("gold", gold_rows(folder)), ("machine", machine_rows(folder))):
            if coded is not None:
                _add_coded(out, layer, coded, collection_of, folder.name)
    return list(out.values())


def _add_coded(
    out: dict[str, CollectionData], layer: str, rows: list[dict], collection_of: dict[str, str], default: str
) -> None:
    """A folder's coded claim rows (``gold`` or ``machine``) under their documents' collections;
    a collection with such a layer has it (maybe empty) even where none of its documents has a row."""
    owners = {collection_of[c["doc_id"]] for c in rows if c["doc_id"] in collection_of} or {default}
    for name in owners & set(out):
        if getattr(out[name], layer) is None:
            setattr(out[name], layer, [])
    for c in rows:
        if c["doc_id"] in collection_of:
            getattr(out[collection_of[c["doc_id"]]], layer).append(_strip(c))


def _by_sent(rows: Iterable[dict]) -> dict[str, dict[str, list[dict]]]:
    out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for c in rows:
        out[c["doc_id"]][c["sent_id"]].append(c)
    return out


def _documents_with_layers(folder: LayerFolder) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    """Each document with its sentences and entities (the layers are written document by document)."""
    sents = _by_document(folder.rows("sentences"), folder.path("sentences"))
    ents = _by_document(folder.rows("entities"), folder.path("entities"))
    s_next, e_next = next(sents, None), next(ents, None)
    for doc in folder.documents():
        did = doc["doc_id"]
        s_rows: list[dict] = []
        e_rows: list[dict] = []
        if s_next is not None and s_next[0] == did:
            s_rows, s_next = s_next[1], next(sents, None)
        if e_next is not None and e_next[0] == did:
            e_rows, e_next = e_next[1], next(ents, None)
        yield doc, s_rows, e_rows


def claim_table(data: CollectionData, docs: dict[str, dict]) -> list[dict]:
    rows = []
    for layer, claims in data.layers().items():
        for c in claims:
            rows.append(
                {
                    "layer": layer,
                    "doc_id": c["doc_id"],
                    "year": docs[c["doc_id"]]["year"],
                    "href": f"{page_name(c['doc_id'])}#{sentence_anchor(c['sent_id'])}",
                    "speaker": docs[c["doc_id"]].get("speaker") or "",
                    "actor": c["actor"],
                    "target": c["target"],
                    "stance": c["stance"],
                    "conflict": c.get("conflict") or "",
                    "text": c.get("text") or "",
                }
            )
    return rows


def write_collection(env: jinja2.Environment, ann: Path, data: CollectionData, out: Path) -> dict:
    docs = {d["doc_id"]: d for d in data.documents}
    by_sent = {layer: _by_sent(rows) for layer, rows in data.layers().items()}
    sent_text: dict[str, tuple[str, str]] = {}
    diff_sents = set()
    diffs: list[dict] = []
    if data.gold is not None:
        gold_docs = {c["doc_id"] for c in data.gold}
        diffs = disagreements(data.gold, [c for c in data.auto if c["doc_id"] in gold_docs])
        diff_sents = {d["sent_id"] for d in diffs}
    doc_template = env.get_template("document.html.j2")
    for doc, sentences, entities in (d for f in data.folders for d in _documents_with_layers(f)):
        did = doc["doc_id"]
        if did not in docs:
            continue  # a document of another collection in the same folder
        layers = {layer: rows.get(did, {}) for layer, rows in by_sent.items()}
        view = document_view(doc, sentences, entities, layers, data.name)
        write_text(out_path(out, data.name, page_name(did)), doc_template.render(doc=view, root="../"))
        for s in sentences:
            if s["sent_id"] in diff_sents:
                sent_text[s["sent_id"]] = (did, s["text"])
    fmt = lambda rows: ", ".join(f"{a}→{t} {s}" for a, t, s, *_ in rows) or "no claim"  # noqa: E731
    disagreement_rows = [
        {
            "sent_id": d["sent_id"],
            "gold": fmt(d["a"]),
            "auto": fmt(d["b"]),
            "doc_id": sent_text[d["sent_id"]][0],
            "text": sent_text[d["sent_id"]][1],
            "href": f"{page_name(sent_text[d['sent_id']][0])}#{sentence_anchor(d['sent_id'])}",
        }
        for d in diffs
        if d["sent_id"] in sent_text
    ]
    years = sorted({d["year"] for d in data.documents})
    claims_all = [c for rows in data.layers().values() for c in rows]
    networks = []
    for layer, rows in data.layers().items():
        if not rows:
            continue
        networks.append(dict(network_svg(rows, f"{LAYER_NAMES[layer]} layer, all years"), layer=layer, year=""))
        if len(years) > 1:
            for y in years:
                in_year = [c for c in rows if docs[c["doc_id"]]["year"] == y]
                if in_year:
                    networks.append(dict(network_svg(in_year, f"{LAYER_NAMES[layer]} layer, {y}"), layer=layer, year=y))
    doc_rows = [
        {
            "doc_id": d["doc_id"],
            "title": d.get("title") or d["doc_id"],
            "speaker": d.get("speaker") or "",
            "year": d["year"],
            "href": page_name(d["doc_id"]),
            "rows": {layer: sum(map(len, rows.get(d["doc_id"], {}).values())) for layer, rows in by_sent.items()},
        }
        for d in data.documents
    ]
    countries = sorted({c["actor"] for c in claims_all} | {c["target"] for c in claims_all})
    actors = sorted({c["actor"] for c in claims_all})
    targets = sorted({c["target"] for c in claims_all})
    summary = {
        "name": data.name,
        "documents": len(data.documents),
        "auto": len(data.auto),
        "gold": None if data.gold is None else len(data.gold),
        "gold_documents": len({c["doc_id"] for c in data.gold or []}),
        "machine": None if data.machine is None else len(data.machine),
        "machine_documents": len({c["doc_id"] for c in data.machine or []}),
        "layers": list(data.layers()),
        "agreement": agreement(data.gold or [], data.auto),
        "disagreements": len(disagreement_rows),
        "years": years,
    }
    page = env.get_template("collection.html.j2").render(
        c=summary,
        documents=doc_rows,
        claims=claim_table(data, docs),
        countries=countries,
        actors=actors,
        targets=targets,
        conflict_ids=sorted({c.get("conflict") or "" for c in claims_all} - {""}),
        networks=networks,
        matrix=matrix_view(claims_all),
        conflicts=conflict_view(claims_all),
        changes={layer: change_view(rows, docs) for layer, rows in data.layers().items() if rows},
        disagreements=disagreement_rows,
        root="../",
    )
    write_text(out_path(out, data.name, "index.html"), page)
    return summary


def write_report(annotations: str | Path, out_dir: str | Path, collection: Optional[str] = None) -> Path:
    """Write the report into ``out_dir`` (every collection, or ``collection``); returns the path
    of its ``index.html``. A collection the folder does not hold is a ``ValueError``."""
    ann, out = Path(annotations), Path(out_dir)
    if not layer_folders(ann):
        raise FileNotFoundError(f"{ann}: no documents layer; is this an annotations folder?")
    env = environment()
    # Written into a staging copy that replaces the folder at once: a layer that cannot be read
    # stops the report with the old one intact (no page of a half-read corpus).
    with staged_tree(out) as stage:
        found = load_collections(ann)
        chosen = [d for d in found if collection is None or d.name == collection]
        if not chosen:
            raise ValueError(f"{ann}: no collection {collection!r} (collections: {', '.join(d.name for d in found)})")
        summaries = [write_collection(env, ann, data, stage) for data in chosen]
        write_text(
            out_path(stage, "index.html"), env.get_template("index.html.j2").render(collections=summaries, root="")
        )
    return out / "index.html"
