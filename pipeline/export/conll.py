"""CoNLL-style IOB columns: one token per line, one sentence per block.

``OUT/conll/corpus.conll``: each sentence starts with comment lines ``# doc_id = ...``,
``# sent_id = ...``, ``# text = ...``; then ``TOKEN<TAB>NER<TAB>CLAIM`` per token, where
``NER`` tags the mentions (entity labels) and ``CLAIM`` the claim spans (label = stance),
both in IOB2 (``B-GPE``, ``I-GPE``, ``O``). Tags come from spaCy's
``offsets_to_biluo_tags`` and ``biluo_to_iob`` over the project's tokenizer.

``OUT/conll/corpus.conllu`` is the same in CoNLL-U, the form ``spacy convert -c conllu`` and
the ``conllu`` package read as they are: ten tab-separated columns (``ID FORM LEMMA UPOS XPOS
FEATS HEAD DEPREL DEPS MISC``, ``_`` where there is no value), ``# newdoc id = …`` before a
document's first sentence, ``# sent_id = …`` and ``# text = …``; ``MISC`` holds
``NE=B-GPE`` (the mention tag, as spaCy's converter reads it), ``Claim=B-oppose`` and
``SpaceAfter=No`` where no space follows the token. (``spacy convert`` takes ``.conll`` for its
``-DOCSTART-`` NER format, which has no comment lines: use ``corpus.conllu`` with it.)

IOB cannot hold overlapping spans: claim rows that share a span and a stance are one span;
where two claim spans overlap (a clause inside a claimed sentence, or one span with two
stances), the first in layer order is kept and the others are counted as
``claim_spans_dropped`` in the export's figures. The full rows are in the JSONL layers.
"""

from __future__ import annotations

from typing import Any, Optional

from pipeline.export.common import blank_nlp, counts, load_corpus
from pipeline.io import write_text
from pipeline.paths import out_path
from pipeline.registry import exporters


def _non_overlapping(spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], int]:
    kept: list[tuple[int, int, str]] = []
    dropped = 0
    for s in dict.fromkeys(spans):  # identical rows -> one span, order kept
        if any(s[0] < k[1] and k[0] < s[1] for k in kept):
            dropped += 1
        else:
            kept.append(s)
    return kept, dropped


def _sentence_tags(bundles):
    """Per sentence: (document, sentence, tokens, NER tags, claim tags), and the claim spans dropped."""
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    nlp = blank_nlp()
    out, dropped = [], 0
    for b in bundles:
        ents_by: dict[Any, Any] = {}
        for e in b.entities:
            ents_by.setdefault(e["sent_id"], []).append(e)
        claims_by: dict[Any, Any] = {}
        for c in b.claims:
            claims_by.setdefault(c["sent_id"], []).append(c)
        for s in b.sentences:
            doc = nlp(s["text"])
            off = s["start"]
            ner = [(e["start"] - off, e["end"] - off, e["label"]) for e in ents_by.get(s["sent_id"], [])]
            claims, d = _non_overlapping(
                [(c["start"] - off, c["end"] - off, c["stance"]) for c in claims_by.get(s["sent_id"], [])]
            )
            dropped += d
            ner_tags = biluo_to_iob(offsets_to_biluo_tags(doc, ner))
            claim_tags = biluo_to_iob(offsets_to_biluo_tags(doc, claims))
            out.append((b, s, doc, ner_tags, claim_tags))
    return out, dropped


def conll_text(bundles, tagged=None) -> tuple[str, int, int]:
    tagged, dropped = tagged or _sentence_tags(bundles)
    blocks = []
    for b, s, doc, ner_tags, claim_tags in tagged:
        lines = [f"# doc_id = {b.doc_id}", f"# sent_id = {s['sent_id']}", f"# text = {' '.join(s['text'].split())}"]
        lines += [f"{t.text}\t{n}\t{c}" for t, n, c in zip(doc, ner_tags, claim_tags) if not t.is_space]
        blocks.append("\n".join(lines))
    return ("\n\n".join(blocks) + "\n" if blocks else ""), len(blocks), dropped


def conllu_text(tagged) -> str:
    """The sentences in CoNLL-U (see the module docstring)."""
    blocks, last_doc = [], None
    for b, s, doc, ner_tags, claim_tags in tagged:
        tokens = [(t, n, c) for t, n, c in zip(doc, ner_tags, claim_tags) if not t.is_space]
        lines = [f"# newdoc id = {b.doc_id}"] if b.doc_id != last_doc else []
        last_doc = b.doc_id
        text = "".join(
            t.text + (" " if t.whitespace_ or (t.i + 1 < len(doc) and doc[t.i + 1].is_space) else "")
            for t, _, _ in tokens
        ).rstrip()
        lines += [f"# sent_id = {s['sent_id']}", f"# text = {text}"]
        for i, (t, n, c) in enumerate(tokens, 1):
            misc = [f"NE={n}"] if n != "O" else []
            misc += [f"Claim={c}"] if c != "O" else []
            last = i == len(tokens)
            if not last and not (t.whitespace_ or doc[t.i + 1].is_space):
                misc.append("SpaceAfter=No")
            lines.append("\t".join([str(i), t.text, "_", "_", "_", "_", "_", "_", "_", "|".join(misc) or "_"]))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n\n" if blocks else ""


@exporters.register("conll")
def export_conll(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "conll")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    tagged = _sentence_tags(bundles)
    text, n_sent, dropped = conll_text(bundles, tagged)
    write_text(out / "corpus.conll", text)
    write_text(out / "corpus.conllu", conllu_text(tagged[0]))
    return {"conll": counts(bundles, sentences=n_sent, claim_spans_dropped=dropped)}
