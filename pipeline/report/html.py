"""A static HTML report to read the corpus by eye (no CDN, works offline).

Each document is rendered displaCy-style: entities as marks coloured by country, claim
sentences underlined in their stance colour (with the claim rows as a tooltip), footnote markers
linked to their notes. A per-country table and a matplotlib chart (stance counts per country,
gold beside automatic) and the gold-vs-automatic disagreement list follow.

The page is rendered from Jinja2 templates in ``pipeline/report/templates`` (``index.html.j2``
includes ``document.html.j2``, which uses the ``sentence`` macro of ``sentence.html.j2``; the
style sheet is ``report.css``) with autoescaping on, so every text from the corpus is
HTML-escaped. Python only prepares plain views of the data (``document_view``, ``sentence_view``).
"""

from __future__ import annotations

import colorsys
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import jinja2

from pipeline.api import Corpus
from pipeline.io import write_text
from pipeline.quality.compare import disagreements
from pipeline.schema import STANCES

STANCE_COLOURS = {"support": "#2e7d32", "oppose": "#c62828", "neutral": "#1565c0"}
CHART = "stance_by_country.png"


def country_colour(code: str) -> str:
    """A stable pastel colour per country code."""
    hue = int(hashlib.sha256(code.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.85, 0.6)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def environment() -> jinja2.Environment:
    """The report's templates (``pipeline/report/templates``), HTML-escaping every value."""
    return jinja2.Environment(loader=jinja2.PackageLoader("pipeline.report", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def sentence_view(doc, sentence, claims) -> dict:
    """What the sentence template needs: the sentence cut into text, entity and footnote-marker
    segments, and the claim summary when the sentence is claimed."""
    text, segments, pos = doc.text, [], sentence.start
    events = sorted([(e.start, e.end, "ent", e) for e in doc.entities_in(sentence)]
                    + [(m["start"], m["end"], "fn", fn["label"]) for fn in doc.record.footnotes for m in fn["markers"]
                       if sentence.start <= m["start"] < sentence.end], key=lambda x: (x[0], -x[1]))
    for start, end, kind, item in events:
        if start < pos:
            continue  # nested spans: the outer one wins
        segments.append({"kind": "text", "text": text[pos:start]})
        if kind == "ent":
            code = item.country or ("+".join(item.countries) if item.countries else "")
            segments.append({"kind": "ent", "text": text[start:end], "code": code, "label": item.label,
                             "kb_id": item.kb_id or "", "colour": country_colour(code) if code else "#eee"})
        else:
            segments.append({"kind": "fn", "label": item})
        pos = end
    segments.append({"kind": "text", "text": text[pos:sentence.end]})
    claim = None
    if claims:
        claim = {"stance": Counter(c.stance for c in claims).most_common(1)[0][0], "count": len(claims),
                 "tip": "; ".join(f"{c.actor}→{c.target} {c.stance} ({c.topic})" for c in claims)}
    return {"segments": segments, "claim": claim}


def document_view(doc, claims_by_sent) -> dict:
    by_para = defaultdict(list)
    for s in doc.sentences:
        by_para[s.paragraph].append(s)
    paragraphs = [{"type": para["type"], "label": para.get("label"),
                   "sentences": [sentence_view(doc, s, claims_by_sent.get(s.sent_id, [])) for s in by_para[i]]}
                  for i, para in enumerate(doc.record.paragraphs)]
    notes = [{"label": fn["label"], "text": fn["text"], "url": fn.get("url")} for fn in doc.record.footnotes]
    return {"doc_id": doc.doc_id, "title": doc.record.title or doc.doc_id, "paragraphs": paragraphs, "notes": notes}


def stance_counts(claims) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for c in claims:
        counts[c.actor][c.stance] += 1
    return counts


def write_chart(gold, auto, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    g, a = stance_counts(gold), stance_counts(auto)
    # Most claims first; ties by code, so the chart does not depend on set order.
    countries = sorted(set(g) | set(a), key=lambda k: (-(sum(g[k].values()) + sum(a[k].values())), k))
    x = np.arange(len(countries))
    fig, ax = plt.subplots(figsize=(max(6, len(countries) * 0.9), 4), dpi=100)
    width = 0.4
    for offset, counts, hatch, name in ((-width / 2, g, "", "gold"), (width / 2, a, "//", "automatic")):
        bottom = np.zeros(len(countries))
        for stance in STANCES:
            values = np.array([counts[c][stance] for c in countries])
            ax.bar(x + offset, values, width, bottom=bottom, color=STANCE_COLOURS[stance], hatch=hatch,
                   edgecolor="white", label=f"{stance} ({name})")
            bottom += values
    ax.set_xticks(x, countries)
    ax.set_ylabel("claim rows")
    ax.set_title("Stance per actor country: gold (left bar) and automatic (right bar, hatched)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, metadata={"Software": None})
    plt.close(fig)
    tmp.replace(path)


def write_report(annotations: str | Path, out_dir: str | Path) -> Path:
    corpus = Corpus.load(annotations)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    auto, gold = corpus.claims("auto"), corpus.claims("gold")
    write_chart(gold, auto, out / CHART)
    claims_by_sent = defaultdict(list)
    for c in auto:
        claims_by_sent[c.sent_id].append(c)
    g, a = stance_counts(gold), stance_counts(auto)
    summary = [{"actor": k, "counts": [(g[k][s], a[k][s]) for s in STANCES]} for k in sorted(set(g) | set(a))]
    sentences = {s.sent_id: s for d in corpus.documents for s in d.sentences}
    diffs = disagreements([c.model_dump() for c in gold], [c.model_dump() for c in auto])
    fmt = lambda rows: ", ".join(f"{r[0]}→{r[1]} {r[2]}" for r in rows) or "no claim"
    page = environment().get_template("index.html.j2").render(
        stances=list(STANCES), summary=summary, chart=CHART,
        documents=[document_view(d, claims_by_sent) for d in corpus.documents],
        n_disagreements=len(diffs),
        disagreements=[{"sent_id": d["sent_id"], "gold": fmt(d["a"]), "automatic": fmt(d["b"]),
                        "text": sentences[d["sent_id"]].text} for d in diffs if d["sent_id"] in sentences])
    write_text(out / "index.html", page)
    return out / "index.html"
