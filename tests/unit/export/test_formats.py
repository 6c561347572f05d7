"""Each interchange format read back with its own library (or a strict parser) and checked
against the document's text, on the tiny corpus with characters beyond the BMP."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from pipeline import registry
from pipeline.export.common import utf16_offsets
from tests.unit.export.conftest import DOC_ID


def export(fmt, tiny, out, **kw):
    return registry.get("exporters", fmt)(tiny, out, **kw)


def lines(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def layers(tiny):
    doc = lines(tiny / "documents.jsonl")[0]
    return {
        "text": doc["text"],
        "entities": lines(tiny / "entities.jsonl"),
        "claims": lines(tiny / "claims.jsonl"),
        "gold": lines(tiny / "gold" / "claims.jsonl"),
    }


# ---------------------------------------------------------------- Label Studio


def test_labelstudio_tasks_follow_the_config_and_count_code_points(tiny, tmp_path, layers):
    figures = export("labelstudio", tiny, tmp_path)
    assert figures["labelstudio"]["tasks"] == 3
    config = ET.fromstring((tmp_path / "labelstudio" / "config.xml").read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in config.iter() if el.get("toName")}
    kinds = {"Labels": "labels", "TextArea": "textarea", "Choices": "choices"}
    text_name = next(el.get("name") for el in config.iter("Text"))
    tasks = json.loads((tmp_path / "labelstudio" / "tasks.json").read_text(encoding="utf-8"))
    regions = 0
    for task in tasks:
        text, offset = task["data"]["text"], task["data"]["offset"]
        assert layers["text"][offset : offset + len(text)] == text
        result = task.get("predictions", [{"result": []}])[0]["result"]
        ids = {r["id"] for r in result if r.get("type") != "relation"}
        for r in result:
            if r["type"] == "relation":
                assert r["from_id"] in ids and r["to_id"] in ids and r["labels"][0] in ("actor", "target")
                continue
            control = controls[r["from_name"]]
            assert kinds[control.tag] == r["type"] and r["to_name"] == text_name
            v = r["value"]
            if r["type"] == "labels":
                allowed = {label.get("value") for label in control.iter("Label")}
                assert set(v["labels"]) <= allowed
                assert text[v["start"] : v["end"]] == v["text"]
                regions += 1
            if r["type"] == "choices":
                assert set(v["choices"]) <= {c.get("value") for c in control.iter("Choice")}
    assert regions == len(layers["entities"]) + len(layers["claims"])
    # "🙂 Kazakhstan": code points put Kazakhstan at 2; UTF-16 would say 3.
    par = next(t for t in tasks if t["data"]["paragraph"] == 1)
    kaz = next(r for r in par["predictions"][0]["result"] if r.get("value", {}).get("text") == "Kazakhstan")
    assert kaz["value"]["start"] == 2 and utf16_offsets(par["data"]["text"])[2] == 3
    arm = next(
        r
        for t in tasks
        for r in t.get("predictions", [{"result": []}])[0]["result"]
        if r.get("value", {}).get("text") == "Armenia"
    )
    assert arm["meta"] == {"text": ["ARM Q399"]}


# ---------------------------------------------------------------- Prodigy


def test_prodigy_tokens_spans_and_relations(tiny, tmp_path, layers):
    import spacy
    from spacy.tokens import Doc

    export("prodigy", tiny, tmp_path)
    vocab = spacy.blank("en").vocab
    n_spans = 0
    for task in lines(tmp_path / "prodigy" / "tasks.jsonl"):
        text, tokens, offset = task["text"], task["tokens"], task["meta"]["offset"]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
        # The tokens rebuild the text in spaCy (words + trailing spaces).
        doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
        assert doc.text == text
        for s in task["spans"]:
            assert tokens[s["token_start"]]["start"] == s["start"] and tokens[s["token_end"]]["end"] == s["end"]
            assert doc[s["token_start"] : s["token_end"] + 1].text == text[s["start"] : s["end"]]
            assert layers["text"][offset + s["start"] : offset + s["end"]] == s["text"]
            n_spans += 1
        for rel in task["relations"]:
            assert rel["head"] == rel["head_span"]["token_end"] and rel["child"] == rel["child_span"]["token_end"]
            assert rel["label"] in ("ACTOR", "TARGET")
    assert n_spans == len(layers["entities"]) + len(layers["claims"])


# ---------------------------------------------------------------- spaCy DocBin, config, CoNLL


def test_spacy_docbin_and_config(tiny, tmp_path, layers):
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import load_config

    export("spacy", tiny, tmp_path, layer="gold")
    nlp = spacy.blank("en")
    docs = []
    for name in ("train", "dev"):
        docs += list(DocBin().from_disk(tmp_path / "spacy" / f"{name}.spacy").get_docs(nlp.vocab))
    assert len(docs) == 3
    ents = {(d.user_data["offset"] + e.start_char, e.label_, e.kb_id_) for d in docs for e in d.ents}
    assert ents == {(e["start"], e["label"], e["kb_id"]) for e in layers["entities"]}
    spans = sorted(
        (d.user_data["offset"] + s.start_char, d.user_data["offset"] + s.end_char, s.label_, s.kb_id_)
        for d in docs
        for s in d.spans["claims"]
    )
    assert spans == sorted((c["start"], c["end"], c["stance"], f"{c['actor']}>{c['target']}") for c in layers["gold"])
    for d in docs:
        for s in list(d.ents) + list(d.spans["claims"]):
            o = d.user_data["offset"]
            assert layers["text"][o + s.start_char : o + s.end_char] == s.text
    config = load_config(tmp_path / "spacy" / "config.cfg")
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner", "spancat"]
    assert config["components"]["spancat"]["spans_key"] == "claims"
    longest = max(len(s) for d in docs for s in d.spans["claims"])
    assert config["components"]["spancat"]["suggester"]["max_size"] == longest
    # spaCy resolves every block of the config (what `spacy debug config` checks).
    from spacy.cli.debug_config import debug_config

    debug_config(
        tmp_path / "spacy" / "config.cfg",
        overrides={"paths.train": str(tmp_path / "spacy/train.spacy"), "paths.dev": str(tmp_path / "spacy/dev.spacy")},
    )


def test_conll_iob_read_back(tiny, tmp_path, layers):
    import spacy
    from spacy.tokens import Doc
    from spacy.training import biluo_tags_to_spans, iob_to_biluo

    export("conll", tiny, tmp_path)
    blocks = (tmp_path / "conll" / "corpus.conll").read_text(encoding="utf-8").strip().split("\n\n")
    sents = {s["sent_id"]: s for s in lines(tiny / "sentences.jsonl")}
    vocab = spacy.blank("en").vocab
    found_ents, found_claims = set(), set()
    for block in blocks:
        meta = dict(l[2:].split(" = ", 1) for l in block.splitlines() if l.startswith("# "))
        rows = [l.split("\t") for l in block.splitlines() if not l.startswith("#")]
        sent = sents[meta["sent_id"]]
        words = [r[0] for r in rows]
        # Rebuild character offsets by walking the sentence text.
        starts, pos = [], 0
        for w in words:
            pos = sent["text"].index(w, pos)
            starts.append(pos)
            pos += len(w)
        spaces = [
            starts[i] + len(w) < (starts[i + 1] if i + 1 < len(words) else len(sent["text"]))
            for i, w in enumerate(words)
        ]
        doc = Doc(vocab, words=words, spaces=spaces)
        for col, found in ((1, found_ents), (2, found_claims)):
            for span in biluo_tags_to_spans(doc, iob_to_biluo([r[col] for r in rows])):
                start = sent["start"] + starts[span.start]
                end = sent["start"] + starts[span.end - 1] + len(words[span.end - 1])
                found.add((start, end, span.label_))
    assert found_ents == {(e["start"], e["end"], e["label"]) for e in layers["entities"]}
    assert found_claims == {(c["start"], c["end"], c["stance"]) for c in layers["claims"]}


def test_conllu_reads_with_conllu_and_spacy_convert(tiny, tmp_path, layers):
    """corpus.conllu: the conllu package parses every field; `spacy convert -c conllu` gives Docs
    whose entities are the mentions (labels and texts)."""
    import subprocess
    import sys

    import conllu
    import spacy
    from spacy.tokens import DocBin

    export("conll", tiny, tmp_path)
    path = tmp_path / "conll" / "corpus.conllu"
    sentences = conllu.parse(path.read_text(encoding="utf-8"))
    assert [s.metadata["sent_id"] for s in sentences] == [s["sent_id"] for s in lines(tiny / "sentences.jsonl")]
    assert sentences[0].metadata["newdoc id"] == DOC_ID
    by_id = {s["sent_id"]: s for s in lines(tiny / "sentences.jsonl")}
    for sent in sentences:
        # FORM plus SpaceAfter rebuild the sentence text.
        rebuilt = "".join(t["form"] + ("" if (t["misc"] or {}).get("SpaceAfter") == "No" else " ") for t in sent)
        assert rebuilt.strip() == sent.metadata["text"] == " ".join(by_id[sent.metadata["sent_id"]]["text"].split())
    tagged = [(t["form"], t["misc"]["NE"]) for s in sentences for t in s if t["misc"] and "NE" in t["misc"]]
    assert ("Kazakhstan", "B-GPE") in tagged and ("Central", "B-NORP") in tagged and ("states", "I-NORP") in tagged
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(path), str(tmp_path), "-c", "conllu", "-n", "1"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    docs = list(DocBin().from_disk(tmp_path / "corpus.spacy").get_docs(spacy.blank("en").vocab))
    ents = [(e.text, e.label_) for d in docs for e in d.ents]
    assert sorted(ents) == sorted((e["text"], e["label"]) for e in layers["entities"])


# ---------------------------------------------------------------- brat


def test_brat_standoff_parses_with_bioc(tiny, tmp_path, layers):
    from bioc.brat import decoder

    export("brat", tiny, tmp_path)
    folder = tmp_path / "brat"
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotation.conf",
        "review_baseline.json",
        f"{DOC_ID}.ann",
        f"{DOC_ID}.txt",
        "visual.conf",
    ]
    text = (folder / f"{DOC_ID}.txt").read_text(encoding="utf-8")
    assert text == layers["text"]
    doc = decoder.loads(text, (folder / f"{DOC_ID}.ann").read_text(encoding="utf-8"))
    for e in doc.entities:
        (iv,) = e.locations
        assert text[iv.begin : iv.end] == e.text
    mentions = sorted((e.total_span, e.type) for e in doc.entities if e.type != "Claim")
    assert mentions == sorted(((e["start"], e["end"]), e["label"]) for e in layers["entities"])
    claims = {e.id: e for e in doc.entities if e.type == "Claim"}
    attrs = {}
    for a in doc.attributes:
        (value,) = a.attributes
        attrs.setdefault(a.refid, {})[a.type] = value
    got = sorted((claims[t].total_span, v["Actor"], v["Target"], v["Stance"], v["Topic"]) for t, v in attrs.items())
    assert got == sorted(
        ((c["start"], c["end"]), c["actor"], c["target"], c["stance"], c["topic"]) for c in layers["claims"]
    )
    for rel in doc.relations:
        assert rel.type in ("Actor", "Target") and rel.arguments["Arg1"] in claims
        assert doc.get_annotation(rel.arguments["Arg2"]).type == "GPE" or rel.type == "Actor"
    notes = {doc.get_annotation(n.refid).text: n.text for n in doc.notes}
    assert notes["Central Asian states"] == "ISO3=KAZ,KGZ,TJK,TKM,UZB QID=Q27275"
    # The A/R/# lines only name annotations that exist; every attribute value is declared.
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    declared = {
        line.split("\t")[0]: line.split("Value:")[1].split("|") for line in conf.splitlines() if "Value:" in line
    }
    for ref, values in attrs.items():
        for name, value in values.items():
            assert value in declared[name]


def test_brat_fragments_split_at_line_breaks():
    from pipeline.export.brat import _t

    assert _t(1, "Claim", "ab\ncd", 0, 5) == "T1\tClaim 0 2;3 5\tab cd"


# ---------------------------------------------------------------- doccano


def test_doccano_counts_utf16_code_units(tiny, tmp_path, layers):
    export("doccano", tiny, tmp_path)
    n = 0
    for task in lines(tmp_path / "doccano" / "tasks.jsonl"):
        units = task["text"].encode("utf-16-le")
        ids = {e["id"] for e in task["entities"]}
        for e in task["entities"]:
            # Slicing the UTF-16 code units, as JavaScript does, gives the mention.
            sub = units[2 * e["start_offset"] : 2 * e["end_offset"]].decode("utf-16-le")
            label = e["label"].split(":")[0]
            match = [
                x
                for x in layers["entities"] + layers["claims"]
                if x["text"] == sub and label in (x.get("label"), x.get("stance"))
            ]
            assert match, (sub, e)
            n += 1
        for r in task["relations"]:
            assert r["from_id"] in ids and r["to_id"] in ids and r["type"] in ("actor", "target")
    assert n == len(layers["entities"]) + len(layers["claims"])
    par = next(t for t in lines(tmp_path / "doccano" / "tasks.jsonl") if t["paragraph"] == 1)
    kaz = next(e for e in par["entities"] if e["label"] == "GPE")
    assert (kaz["start_offset"], kaz["end_offset"]) == (3, 13)  # the emoji is two code units


# ---------------------------------------------------------------- W3C Web Annotation


# A JSON-LD context written for this test: the terms of the Web Annotation vocabulary that the
# export uses, mapped to their IRIs, served in place of http://www.w3.org/ns/anno.jsonld (no network).
OA = "http://www.w3.org/ns/oa#"
CONTEXT = {
    "@context": {
        "oa": OA,
        "as": "https://www.w3.org/ns/activitystreams#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": "@id",
        "type": "@type",
        "Annotation": "oa:Annotation",
        "AnnotationCollection": "as:OrderedCollection",
        "AnnotationPage": "as:OrderedCollectionPage",
        "TextualBody": "oa:TextualBody",
        "SpecificResource": "oa:SpecificResource",
        "Software": "as:Application",
        "TextQuoteSelector": "oa:TextQuoteSelector",
        "TextPositionSelector": "oa:TextPositionSelector",
        "label": "rdfs:label",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "total": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
        "first": {"@id": "as:first", "@type": "@id"},
        "items": {"@id": "as:items", "@container": "@list"},
        "body": {"@id": "oa:hasBody", "@type": "@id"},
        "target": {"@id": "oa:hasTarget", "@type": "@id"},
        "source": {"@id": "oa:hasSource", "@type": "@id"},
        "selector": {"@id": "oa:hasSelector", "@type": "@id"},
        "motivation": {"@id": "oa:motivatedBy", "@type": "@vocab"},
        "purpose": {"@id": "oa:hasPurpose", "@type": "@vocab"},
        "creator": {"@id": "dcterms:creator", "@type": "@id"},
        "dcterms": "http://purl.org/dc/terms/",
        "name": "foaf:name",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "value": "rdf:value",
        "exact": "oa:exact",
        "prefix": "oa:prefix",
        "suffix": "oa:suffix",
        "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
        "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
        "identifying": "oa:identifying",
        "classifying": "oa:classifying",
        "tagging": "oa:tagging",
        "commenting": "oa:commenting",
    }
}


def test_web_annotation_expands_as_json_ld(tiny, tmp_path, layers):
    import base64
    import hashlib

    from pyld import jsonld

    export("webanno", tiny, tmp_path)
    data = json.loads((tmp_path / "webanno" / f"{DOC_ID}.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"

    def loader(url, options=None):
        assert url == "http://www.w3.org/ns/anno.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}

    expanded = jsonld.expand(data, {"documentLoader": loader})
    flat = jsonld.flatten(expanded)
    nodes = {n["@id"]: n for n in flat if "@id" in n}
    annotations = [n for n in nodes.values() if n.get("@type") == [OA + "Annotation"]]
    assert len(annotations) == len(layers["entities"]) + len(layers["claims"]) == data["total"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(layers["text"].encode()).digest()).decode().rstrip("=")
    for a in annotations:
        (target,) = a[OA + "hasTarget"]
        target = nodes[target["@id"]]
        assert target[OA + "hasSource"] == [{"@id": f"ni:///sha-256;{digest}"}]
        sel = {nodes[s["@id"]]["@type"][0]: nodes[s["@id"]] for s in target[OA + "hasSelector"]}
        pos, quote = sel[OA + "TextPositionSelector"], sel[OA + "TextQuoteSelector"]
        start, end = int(pos[OA + "start"][0]["@value"]), int(pos[OA + "end"][0]["@value"])
        exact = quote[OA + "exact"][0]["@value"]
        assert layers["text"][start:end] == exact
        prefix = quote[OA + "prefix"][0]["@value"]
        assert layers["text"][:start].endswith(prefix)
    arm = next(e for e in layers["entities"] if e["text"] == "Armenia")
    assert layers["text"][arm["start"] - 2] == "𝔘"  # a character beyond the BMP before the mention


def test_web_annotation_is_rdf_with_the_w3c_context(tiny, tmp_path, layers, caplog):
    """The export read through rdflib with the real W3C context (tests/fixtures/anno.jsonld,
    served in place of its URL): every id is a legal IRI, so Turtle and N-Triples are written."""
    from pathlib import Path

    import rdflib

    export("webanno", tiny, tmp_path)
    data = json.loads((tmp_path / "webanno" / f"{DOC_ID}.jsonld").read_text(encoding="utf-8"))
    context = json.loads((Path(__file__).parents[2] / "fixtures" / "anno.jsonld").read_text(encoding="utf-8"))
    data["@context"] = context["@context"]
    g = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    turtle = g.serialize(format="turtle")  # raises on an id that is not a legal IRI
    ntriples = g.serialize(format="nt")
    assert not [r for r in caplog.records if "valid URI" in r.getMessage()]  # rdflib logs each bad IRI
    OA_NS = rdflib.Namespace(OA)
    annotations = set(g.subjects(rdflib.RDF.type, OA_NS.Annotation))
    assert len(annotations) == len(layers["entities"]) + len(layers["claims"])
    claim = rdflib.URIRef(f"urn:stance-corpus:{DOC_ID}:c001%7CKAZ%7CRUS")
    assert claim in annotations and (claim, OA_NS.motivatedBy, OA_NS.classifying) in g
    back = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(back) == len(g) and "|" not in ntriples


# ---------------------------------------------------------------- DNA


def test_dna_statements_read_back_with_pandas(tiny, tmp_path, layers):
    import pandas as pd

    export("dna", tiny, tmp_path)
    df = pd.read_csv(tmp_path / "dna" / "statements.csv", keep_default_na=False)
    assert len(df) == len(layers["claims"])
    assert dict(zip(df["stance"], df["agreement"])) == {"support": 1, "oppose": 0, "neutral": 2}
    for row in df.itertuples():
        assert layers["text"][row.start : row.end] == row.text
    assert set(df["organization"]) == {c["actor"] for c in layers["claims"]}
    assert df.loc[df["organization"] == "TJK", "actor_mentions"].item() == ""
    with open(tmp_path / "dna" / "statements.csv", encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh))[:3] == ["statement_id", "document", "title"]


def test_dna_cells_are_formula_safe(tiny, tmp_path):
    path = tiny / "claims.jsonl"
    rows = lines(path)
    rows[0]["note"] = '=HYPERLINK("http://example.org","x")'
    rows[1]["note"] = "@SUM(A1)"
    rows[2]["note"] = "-2+3"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    export("dna", tiny, tmp_path)
    with open(tmp_path / "dna" / "statements.csv", encoding="utf-8", newline="") as fh:
        notes = [r["note"] for r in csv.DictReader(fh)][:3]
    assert notes == ['\'=HYPERLINK("http://example.org","x")', "'@SUM(A1)", "'-2+3"]


# ---------------------------------------------------------------- networks


def test_networks_read_back_with_networkx(tiny, tmp_path):
    export("networks", tiny, tmp_path, layer="gold")
    folder = tmp_path / "networks"
    for g in (nx.read_graphml(folder / "state_state.graphml"), nx.read_gexf(folder / "state_state.gexf")):
        assert g.is_directed()
        # Gold: KAZ->RUS oppose (s001) and support (s002): net 0, sign 0, but weight 2 (two rows).
        kaz = g.edges["KAZ", "RUS"]
        counts = [int(kaz[k]) for k in ("support", "oppose", "neutral", "count", "net", "sign", "weight")]
        assert counts == [1, 1, 0, 2, 0, 0, 2]
        assert int(g.edges["GEO", "RUS"]["sign"]) == 1  # neutral in the automatic layer, support in gold
        assert int(g.edges["ARM", "UKR"]["sign"]) == 1
        # Gephi drops zero and negative weights: every edge has a positive one.
        assert all(float(d["weight"]) > 0 for _, _, d in g.edges(data=True))
        assert g.nodes["GEO"]["name"] == "Georgia"
    two = nx.read_graphml(folder / "state_topic.graphml")
    assert not two.is_directed()
    assert {n for n, d in two.nodes(data=True) if d["bipartite"] == 1} == {"diplomacy", "economy", "military"}
    assert int(two.edges["KAZ", "economy"]["support"]) == 1
    with open(folder / "state_state_edges.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    slices = {(r["collection"], r["year"]) for r in rows}
    assert slices == {("articles", "2024"), ("*", "*")}
    assert int(next(r for r in rows if r["source"] == "KAZ" and r["collection"] == "*")["count"]) == 2


# ---------------------------------------------------------------- filters, determinism, errors


FORMATS = ["prodigy", "spacy", "conll", "brat", "doccano", "labelstudio", "webanno", "dna", "networks"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_input_same_bytes(fmt, tiny, tmp_path):
    export(fmt, tiny, tmp_path / "a")
    export(fmt, tiny, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_filters(tiny, tmp_path):
    # An empty selection is an error naming the collections there are, not an empty export.
    with pytest.raises(ValueError, match=r"annotations: no document in collection 'Nobody' \(collections: articles\)"):
        export("dna", tiny, tmp_path, collection="Nobody")
    assert export("dna", tiny, tmp_path, collection="articles")["dna"]["statements"] == 6
    assert export("dna", tiny, tmp_path, doc_ids=[DOC_ID], layer="gold")["dna"]["statements"] == 6
    with pytest.raises(ValueError, match="documents.jsonl: no document nope"):
        export("dna", tiny, tmp_path, doc_ids=["nope"])
    with pytest.raises(ValueError, match="layer must be one of auto, gold, machine"):
        export("dna", tiny, tmp_path, layer="silver")


def test_bad_span_is_one_line_naming_file_and_line(tiny, tmp_path):
    path = tiny / "entities.jsonl"
    rows = lines(path)
    rows[1]["end"] += 1
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        export("brat", tiny, tmp_path)
    assert str(err.value).startswith(f"{path}:2: {DOC_ID}:e0001: text 'Russia' is not the document's text")
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- organisations as parties


def test_an_organisation_party_goes_through_the_exporters(tiny, tmp_path):
    """A row with an organisation as actor (GUIDELINES 3.0 §2.1): a node of kind organisation with
    its name, a DNA organisation named after it, a brat attribute value its configuration allows."""
    from bioc.brat import decoder

    path = tiny / "claims.jsonl"
    rows = lines(path)
    org_row = {**rows[0], "claim_id": rows[0]["claim_id"] + "9", "actor": "org:eu", "actor_type": "organisation"}
    org_row["actor_mentions"] = []
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*rows, org_row]), encoding="utf-8")

    export("networks", tiny, tmp_path)
    g = nx.read_graphml(tmp_path / "networks" / "state_state.graphml")
    assert g.nodes["org:eu"]["kind"] == "organisation" and g.nodes["org:eu"]["name"] == "European Union"
    assert g.nodes["KAZ"]["kind"] == "state" and int(g.edges["org:eu", "RUS"]["oppose"]) == 1

    export("dna", tiny, tmp_path)
    with open(tmp_path / "dna" / "statements.csv", encoding="utf-8", newline="") as fh:
        named = {(r["organization"], r["organization_name"]) for r in csv.DictReader(fh)}
    assert ("org:eu", "European Union") in named

    export("brat", tiny, tmp_path)
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    actor_values = next(line for line in conf.splitlines() if line.startswith("Actor\tArg:Claim")).split("Value:")[1]
    assert "org:eu" in actor_values.split("|") and "KAZ" in actor_values.split("|")
    text = (tmp_path / "brat" / f"{DOC_ID}.txt").read_text(encoding="utf-8")
    doc = decoder.loads(text, (tmp_path / "brat" / f"{DOC_ID}.ann").read_text(encoding="utf-8"))
    assert "org:eu" in {next(iter(a.attributes)) for a in doc.attributes if a.type == "Actor"}


def test_review_codes_keep_organisation_ids():
    from pipeline.export.review import codes

    assert codes("kaz, Org:EU rus") == ["KAZ", "org:eu", "RUS"]
