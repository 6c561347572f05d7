"""Stance networks (networkx): who supports or opposes whom, and on which topics.

Written to ``OUT/networks/``:

- ``state_state.{graphml,gexf}``: the one-mode signed network, a directed graph with an edge
  actor -> target per pair that has a claim row. Edge attributes: ``support``, ``oppose``,
  ``neutral`` (row counts), ``count`` (all rows), ``weight`` = support - oppose (the signed
  tie) and ``sign`` (+1, -1, 0). Nodes are the parties (ISO3 codes and ``org:<id>``) with ``name`` and
  ``kind`` (``state`` | ``organisation``).
- ``state_topic.{graphml,gexf}``: the two-mode network, an undirected bipartite graph of
  states (``bipartite=0``, the actors) and topics (``bipartite=1``) with the same edge
  attributes counted over the actor's rows on that topic.
- ``state_state_edges.csv`` and ``state_topic_edges.csv``: the edge lists per collection and
  year (``collection, year, source, target, support, oppose, neutral, count, net, sign, weight``),
  and the whole corpus as ``collection = *`` and ``year = *``.

Rows are counted once per (claim, actor, target) row of the chosen claim layer. GEXF's
``lastmodifieddate`` is the latest document date, so the same corpus gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

import networkx as nx

from pipeline.export.common import collection_of, counts, csv_cell, load_corpus, year_of
from pipeline.io import atomic_path, write_text
from pipeline.nlp.parties import party_name
from pipeline.paths import out_path
from pipeline.registry import exporters
from pipeline.schema import STANCES, party_type

ALL = "*"
EDGE_COLUMNS = (
    "collection",
    "year",
    "source",
    "target",
    "support",
    "oppose",
    "neutral",
    "count",
    "net",
    "sign",
    "weight",
)


def _tally(bundles, two_mode: bool) -> dict[tuple, Counter]:
    """(collection, year, source, target) -> stance counts, slices and the whole corpus."""
    out: dict[tuple, Counter] = defaultdict(Counter)
    for b in bundles:
        coll, year = collection_of(b.doc), year_of(b.doc) or ""
        for c in b.claims:
            pair = (c["actor"], c["topic"]) if two_mode else (c["actor"], c["target"])
            out[(coll, year) + pair][c["stance"]] += 1
            out[(ALL, ALL) + pair][c["stance"]] += 1
    return out


def _attrs(n: Counter) -> dict[str, int]:
    net = n["support"] - n["oppose"]
    count = sum(n.values())
    return {**{s: n[s] for s in STANCES}, "count": count, "net": net, "sign": (net > 0) - (net < 0), "weight": count}


def graph(bundles, two_mode: bool = False) -> nx.Graph:
    """The whole-corpus network, nodes and edges in sorted order."""
    tally = {k[2:]: v for k, v in _tally(bundles, two_mode).items() if k[:2] == (ALL, ALL)}
    g = nx.Graph() if two_mode else nx.DiGraph()
    states = sorted({s for pair in tally for s in (pair[:1] if two_mode else pair)})
    for s in states:
        g.add_node(s, name=party_name(s), kind=party_type(s), **({"bipartite": 0} if two_mode else {}))
    if two_mode:
        for t in sorted({pair[1] for pair in tally}):
            g.add_node(t, name=t, kind="topic", bipartite=1)
    for pair in sorted(tally):
        g.add_edge(*pair, **_attrs(tally[pair]))
    return g


def edges_csv(bundles, two_mode: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EDGE_COLUMNS)
    tally = _tally(bundles, two_mode)
    # The whole corpus (collection "*") last, slices sorted.
    for key in sorted(tally, key=lambda k: (k[0] == ALL, k)):
        a = _attrs(tally[key])
        w.writerow([csv_cell(v) for v in (*key, *(a[c] for c in EDGE_COLUMNS[4:]))])
    return buf.getvalue()


def _write_gexf(g: nx.Graph, path: Path, date: str) -> None:
    text = "\n".join(nx.generate_gexf(g)) + "\n"
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{date}"', text, count=1)
    write_text(path, text)


def _write_graphml(g: nx.Graph, path: Path) -> None:
    with atomic_path(path) as tmp:
        nx.write_graphml(g, tmp)


@exporters.register("networks")
def export_networks(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "networks")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    date = max((b.doc.get("date") or "" for b in bundles), default="") or "1970-01-01"
    figures = {}
    for name, two_mode in (("state_state", False), ("state_topic", True)):
        g = graph(bundles, two_mode)
        _write_graphml(g, out / f"{name}.graphml")
        _write_gexf(g, out / f"{name}.gexf", date)
        write_text(out / f"{name}_edges.csv", edges_csv(bundles, two_mode))
        figures[f"{name}_nodes"], figures[f"{name}_edges"] = g.number_of_nodes(), g.number_of_edges()
    return {"networks": counts(bundles, **figures)}
