"""A static HTML report to read the corpus by eye (no CDN, works offline).

Each document is rendered displaCy-style: entities as marks coloured by country, claim
sentences underlined in their stance colour (with the claim rows as a tooltip), footnote markers
linked to their notes. A per-country table and a matplotlib chart (stance counts per country,
gold beside automatic) and the gold-vs-automatic disagreement list follow.
"""

from __future__ import annotations

import colorsys
import hashlib
import html
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.api import Corpus
from pipeline.quality.compare import disagreements
from pipeline.io import write_text
from pipeline.records import STANCES

STANCE_COLOURS = {"support": "#2e7d32", "oppose": "#c62828", "neutral": "#1565c0"}
CHART = "stance_by_country.png"

CSS = """
body{font-family:Georgia,serif;max-width:60em;margin:2em auto;line-height:1.7;color:#222}
mark.ent{padding:0 .25em;border-radius:.3em;line-height:1}
mark.ent .code{font:bold .6em sans-serif;margin-left:.3em;text-transform:uppercase}
span.claim{border-bottom:3px solid;padding-bottom:1px}
span.claim.support{border-color:#2e7d32}span.claim.oppose{border-color:#c62828}span.claim.neutral{border-color:#1565c0}
a.fn{font-size:.75em;vertical-align:super;text-decoration:none}
h3.section{font-family:sans-serif;margin-top:1.5em}
img{max-width:100%}
table{border-collapse:collapse;font-family:sans-serif;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .6em}
.legend span{margin-right:1em}
"""


def country_colour(code: str) -> str:
    """A stable pastel colour per country code."""
    hue = int(hashlib.sha256(code.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.85, 0.6)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _render_sentence(doc, sentence, claims) -> str:
    """Sentence text with entity marks and footnote links; wrapped in a claim span if claimed."""
    text, out, pos = doc.text, [], sentence.start
    events = sorted([(e.start, e.end, "ent", e) for e in doc.entities_in(sentence)]
                    + [(m["start"], m["end"], "fn", fn["label"]) for fn in doc.record.footnotes for m in fn["markers"]
                       if sentence.start <= m["start"] < sentence.end], key=lambda x: (x[0], -x[1]))
    for start, end, kind, item in events:
        if start < pos:
            continue  # nested spans: the outer one wins
        out.append(html.escape(text[pos:start]))
        if kind == "ent":
            code = item.country or ("+".join(item.countries) if item.countries else "")
            style = f' style="background:{country_colour(code)}"' if code else ' style="background:#eee"'
            out.append(f'<mark class="ent" data-country="{html.escape(code)}" title="{item.label} {item.kb_id or ""}"'
                       f'{style}>{html.escape(text[start:end])}<span class="code">{html.escape(code or item.label)}</span></mark>')
        else:
            out.append(f'<a class="fn" href="#note-{doc.doc_id}-{item}" id="ref-{doc.doc_id}-{item}">[{item}]</a>')
        pos = end
    out.append(html.escape(text[pos:sentence.end]))
    body = "".join(out)
    if not claims:
        return body
    stance = Counter(c.stance for c in claims).most_common(1)[0][0]
    tip = "; ".join(f"{c.actor}→{c.target} {c.stance} ({c.topic})" for c in claims)
    return f'<span class="claim {stance}" data-claims="{len(claims)}" title="{html.escape(tip)}">{body}</span>'


def _render_document(doc, claims_by_sent) -> str:
    parts = [f'<article id="{doc.doc_id}"><h2>{html.escape(doc.record.title or doc.doc_id)}</h2>']
    by_para = defaultdict(list)
    for s in doc.sentences:
        by_para[s.paragraph].append(s)
    for i, para in enumerate(doc.record.paragraphs):
        sents = " ".join(_render_sentence(doc, s, claims_by_sent.get(s.sent_id, [])) for s in by_para[i])
        if para["type"] == "heading":
            parts.append(f'<h3 class="section">{sents}</h3>')
        elif para["type"] == "list_item":
            parts.append(f'<p class="item">{para.get("label") or "•"}. {sents}</p>')
        else:
            parts.append(f"<p>{sents}</p>")
    parts.append("<h3>Notes</h3><ol class=\"notes\">")
    for fn in doc.record.footnotes:
        link = f' <a href="{html.escape(fn["url"])}">{html.escape(fn["url"])}</a>' if fn.get("url") else ""
        parts.append(f'<li id="note-{doc.doc_id}-{fn["label"]}" value="{fn["label"]}">{html.escape(fn["text"])}{link} '
                     f'<a href="#ref-{doc.doc_id}-{fn["label"]}">↩</a></li>')
    parts.append("</ol></article>")
    return "\n".join(parts)


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
    countries = sorted(set(g) | set(a), key=lambda k: -(sum(g[k].values()) + sum(a[k].values())))
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
    rows = "".join(
        f"<tr><td>{k}</td>" + "".join(f"<td>{g[k][s]}</td><td>{a[k][s]}</td>" for s in STANCES) + "</tr>"
        for k in sorted(set(g) | set(a)))
    table = ("<table id=\"summary\"><tr><th rowspan=2>actor</th>" + "".join(f"<th colspan=2>{s}</th>" for s in STANCES)
             + "</tr><tr>" + "<th>gold</th><th>auto</th>" * len(STANCES) + f"</tr>{rows}</table>")
    sentences = {s.sent_id: s for d in corpus.documents for s in d.sentences}
    diffs = disagreements([c.model_dump() for c in gold], [c.model_dump() for c in auto])
    fmt = lambda rows: ", ".join(f"{r[0]}→{r[1]} {r[2]}" for r in rows) or "no claim"
    diff_items = "".join(
        f"<li><code>{d['sent_id']}</code> gold: {fmt(d['a'])}; automatic: {fmt(d['b'])}<br>"
        f"<q>{html.escape(sentences[d['sent_id']].text)}</q></li>" for d in diffs if d["sent_id"] in sentences)
    legend = "".join(f'<span class="claim {s}">{s}</span>' for s in STANCES)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Stance corpus report</title><style>{CSS}</style></head>
<body data-chart="pending">
<h1>Stance corpus report</h1>
<p class="legend">Claims (automatic layer), underlined by stance: {legend}. Entities are coloured by linked country.</p>
<h2>Per-country summary</h2>
{table}
<p><img id="chart" src="{CHART}" alt="stance counts per country, gold beside automatic"
 onload="document.body.dataset.chart='loaded'" onerror="document.body.dataset.chart='missing'"></p>
{''.join(_render_document(d, claims_by_sent) for d in corpus.documents)}
<h2>Disagreements: gold vs automatic ({len(diffs)})</h2>
<ol id="disagreements">{diff_items}</ol>
</body></html>
"""
    write_text(out / "index.html", page)
    return out / "index.html"
