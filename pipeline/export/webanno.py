"""W3C Web Annotation (JSON-LD): one ``AnnotationCollection`` per document.

``OUT/webanno/DOC.jsonld`` uses the standard context ``http://www.w3.org/ns/anno.jsonld``.
Its ``first`` page lists one ``Annotation`` per mention and per claim row. Every target is
``{"source": SOURCE, "selector": [TextQuoteSelector, TextPositionSelector]}``:

- ``source`` names the exact text by its SHA-256 digest, as an RFC 6920 ``ni`` URI
  (``ni:///sha-256;<base64url digest>``): the digest of ``text_sha256`` in
  ``documents.jsonl``, in base64url instead of hex;
- ``TextPositionSelector`` ``start``/``end`` count code points, as the model prescribes
  and as the layers do; ``TextQuoteSelector`` has ``exact`` and 32 characters of
  ``prefix``/``suffix`` context, so the span can be found again if the offsets drift.

Bodies are ``TextualBody`` items with a ``purpose``: a mention has ``tagging`` values
``label:GPE`` and ``country:KAZ`` and, with a QID, an ``identifying`` body whose ``source``
is the Wikidata entity; a claim row (motivation ``classifying``) has ``classifying``
``stance:oppose`` and ``tagging`` ``topic:…``, ``actor:KAZ``, ``target:RUS``, ``note:…``.
``creator`` is the layer's annotator. Ids are ``urn:stance-corpus:`` IRIs, the row id
percent-encoded (``…:c1%7CKAZ%7CRUS``), so RDF tools take them (rdflib writes Turtle).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Optional
from urllib.parse import quote

from pipeline.export.common import counts, load_corpus, row_id, write_json
from pipeline.paths import out_path
from pipeline.registry import exporters

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_WINDOW = 32


def iri(local: str) -> str:
    """``urn:stance-corpus:<id>``, the id percent-encoded (RFC 3987): a row id's ``|`` and any
    other character an IRI does not allow become ``%XX``, ``:`` stays."""
    return "urn:stance-corpus:" + quote(local, safe=":-._~")


def ni_uri(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _target(text: str, source: str, start: int, end: int) -> dict:
    return {
        "source": source,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - CONTEXT_WINDOW) : start],
                "suffix": text[end : end + CONTEXT_WINDOW],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def _tag(value: str, purpose: str = "tagging") -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value}


def annotation_collection(bundle) -> dict:
    text, did = bundle.text, bundle.doc_id
    source = ni_uri(text)
    items = []
    for e in bundle.entities:
        body = [_tag(f"label:{e['label']}")] + [_tag(f"country:{c}") for c in e["countries"]]
        if e.get("kb_id"):
            body.append(
                {
                    "type": "SpecificResource",
                    "purpose": "identifying",
                    "source": f"http://www.wikidata.org/entity/{e['kb_id']}",
                }
            )
        items.append(
            {
                "id": iri(e["ent_id"]),
                "type": "Annotation",
                "motivation": "identifying",
                "body": body,
                "target": _target(text, source, e["start"], e["end"]),
            }
        )
    for c in bundle.claims:
        body = [
            _tag(f"stance:{c['stance']}", "classifying"),
            _tag(f"topic:{c['topic']}"),
            _tag(f"actor:{c['actor']}"),
            _tag(f"target:{c['target']}"),
        ]
        if c.get("note"):
            body.append(_tag(f"note:{c['note']}", "commenting"))
        items.append(
            {
                "id": iri(row_id(c)),
                "type": "Annotation",
                "motivation": "classifying",
                "creator": {"type": "Software", "name": c["annotator"]},
                "body": body,
                "target": _target(text, source, c["start"], c["end"]),
            }
        )
    return {
        "@context": CONTEXT,
        "id": iri(f"{did}:annotations"),
        "type": "AnnotationCollection",
        "label": bundle.doc.get("title") or did,
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }


@exporters.register("webanno")
def export_webanno(ann, out=None, *, layer: str = "auto", collection: Optional[str] = None, doc_ids=None) -> dict:
    out = out_path(out or "exports", "webanno")
    bundles = load_corpus(ann, layer, collection, doc_ids)
    total = 0
    for b in bundles:
        c = annotation_collection(b)
        total += c["total"]
        write_json(out_path(out, f"{b.doc_id}.jsonld"), c)
    return {"webanno": counts(bundles, annotations=total)}
