"""The stanza engine, run for real offline: a tiny NER model is trained here in a few seconds
(stanza's own tagger, on the committed entity layer), then `--engine stanza` runs end to end.
Nothing here is about the tiny model's accuracy."""

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.nlp.engines.stanza import attach_markers
from pipeline.quality.engine_agreement import agreement_report, compare_entities

ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = ROOT / "corpus" / "000_88c6a071fbcc8006.txt"
KEEP = {"GPE", "NORP"}  # few tags: the tiny model tags something after a handful of steps


def load(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def _bioes(tokens, spans):
    tags = ["O"] * len(tokens)
    for a, b, label in spans:
        idx = [i for i, t in enumerate(tokens) if t.idx >= a and t.idx + len(t) <= b]
        if not idx:
            continue
        if len(idx) == 1:
            tags[idx[0]] = "S-" + label
        else:
            tags[idx[0]], tags[idx[-1]] = "B-" + label, "E-" + label
            for i in idx[1:-1]:
                tags[i] = "I-" + label
    return tags


def training_windows(annotations: Path, nlp):
    """The committed entity layer in stanza's NER format (BIOES), as short windows around
    country-ish mentions, so that a few steps are enough to tag something."""
    ents = {}
    for e in load(annotations / "entities.jsonl"):
        if e["label"] in KEEP:
            ents.setdefault(e["sent_id"], []).append(e)
    windows, sentences = [], []
    for s in load(annotations / "sentences.jsonl"):
        tokens = [t for t in nlp.make_doc(s["text"]) if not t.is_space]
        if not tokens:
            continue
        tags = _bioes(
            tokens, [(e["start"] - s["start"], e["end"] - s["start"], e["label"]) for e in ents.get(s["sent_id"], [])]
        )
        sentences.append([{"text": t.text, "ner": g} for t, g in zip(tokens, tags)])
        for i, tag in enumerate(tags):
            if tag[0] in "BS":
                j = i
                while tags[j][0] not in "SE":
                    j += 1
                windows.append(sentences[-1][max(0, i - 3) : j + 4])
    return windows, sentences


@pytest.fixture(scope="module")
def tiny_model(annotator, tmp_path_factory):
    from stanza.models import ner_tagger
    from stanza.models.common.pretrain import Pretrain

    d = tmp_path_factory.mktemp("stanza")
    t0 = time.perf_counter()
    windows, sentences = training_windows(ROOT / "annotations", annotator.nlp)
    (d / "train.json").write_text(json.dumps(windows), encoding="utf-8")
    (d / "dev.json").write_text(json.dumps(sentences[:10]), encoding="utf-8")
    vocab = sorted({t["text"].lower() for s in sentences for t in s})
    rng, dim = random.Random(0), 16
    with open(d / "vectors.txt", "w", encoding="utf-8") as f:
        f.write(f"{len(vocab)} {dim}\n")
        for w in vocab:
            f.write(w + " " + " ".join(f"{rng.uniform(-1, 1):.4f}" for _ in range(dim)) + "\n")
    Pretrain(str(d / "pretrain.pt"), str(d / "vectors.txt")).load()
    ner_tagger.main(
        [
            "--mode",
            "train",
            "--shorthand",
            "en_tiny",
            "--train_file",
            str(d / "train.json"),
            "--eval_file",
            str(d / "dev.json"),
            "--wordvec_pretrain_file",
            str(d / "pretrain.pt"),
            "--save_dir",
            str(d),
            "--save_name",
            "en_tiny_nertagger.pt",
            "--word_emb_dim",
            "16",
            "--hidden_dim",
            "16",
            "--no_char",
            "--max_steps",
            "15",
            "--eval_interval",
            "15",
            "--batch_size",
            "32",
            "--optim",
            "adam",
            "--lr",
            "0.05",
            "--cpu",
        ]
    )
    (d / "resources.json").write_text("{}", encoding="utf-8")
    print(f"tiny stanza model trained in {time.perf_counter() - t0:.1f}s")
    assert (d / "en_tiny_nertagger.pt").is_file()
    return d


def test_stanza_engine_end_to_end(tiny_model, tmp_path):
    from pipeline.cli import app

    out = tmp_path / "out"
    t0 = time.perf_counter()
    run = CliRunner().invoke(
        app,
        [
            "annotate",
            str(SEED_FILE),
            "--out",
            str(out),
            "--engine",
            "stanza",
            "--stanza-dir",
            str(tiny_model),
            "--stanza-ner-model",
            str(tiny_model / "en_tiny_nertagger.pt"),
            "--stanza-pretrain",
            str(tiny_model / "pretrain.pt"),
        ],
    )
    print(f"--engine stanza on the seed article: {time.perf_counter() - t0:.1f}s")
    assert run.exit_code == 0, run.output
    (doc,) = load(out / "documents.jsonl")
    sentences, entities = load(out / "sentences.jsonl"), load(out / "entities.jsonl")
    text = doc["text"]
    assert doc["produced_by"]["engine"] == "stanza"
    assert sentences and entities
    for s in sentences:
        assert text[s["start"] : s["end"]] == s["text"]
        para = doc["paragraphs"][s["paragraph"]]
        assert para["start"] <= s["start"] < s["end"] <= para["end"]  # no sentence crosses a paragraph
        assert not s["text"].lstrip().startswith("[")  # a marker closes its sentence
    sent_ids = {s["sent_id"] for s in sentences}
    for e in entities:
        assert text[e["start"] : e["end"]] == e["text"]
        assert e["source"] == "stanza:en_tiny_nertagger"
        assert e["component"] == "stanza:en_tiny_nertagger+country_linker"
        assert e["sent_id"] in sent_ids
    # country linking is the shared knowledge-base step
    linked = [e for e in entities if e["text"] == "Russia"]
    assert all(e["country"] == "RUS" and e["kb_entry"] == "RUS" for e in linked)
    for c in load(out / "claims.jsonl"):
        assert c["sent_id"] in sent_ids and text[c["start"] : c["end"]] == c["text"]
    # the agreement mechanics on real layers of both engines (tiny model: mechanics only)
    spacy_ents = [
        {**e, "doc_id": doc["doc_id"]}
        for e in load(ROOT / "annotations" / "entities.jsonl")
        if e["doc_id"] == "besa2023_central_asia"
    ]  # the same cleaned text as the seed file
    assert spacy_ents and all(text[e["start"] : e["end"]] == e["text"] for e in spacy_ents)
    result = compare_entities(spacy_ents, entities, doc_ids=[doc["doc_id"]])
    assert result["entities"] == {"spacy": len(spacy_ents), "stanza": len(entities)}
    assert 0 <= result["strict"]["f1"] <= result["partial"]["f1"] <= 1
    assert "tiny offline test model" in agreement_report(result, "tiny offline test model")
    # the stanza layers pass the validator, and the audit report compares the two engines
    from pipeline.quality.audit import validate_dir

    assert validate_dir(out) == []
    spacy_out = tmp_path / "spacy"
    assert CliRunner().invoke(app, ["annotate", str(SEED_FILE), "--out", str(spacy_out)]).exit_code == 0
    report = CliRunner().invoke(app, ["audit", str(spacy_out), "--report", "--compare-entities", str(out)])
    assert report.exit_code == 0, report.output
    assert "## entity agreement: spacy vs stanza (spacy model" in report.output
    assert "stanza model en_tiny_nertagger" in report.output and "span strict" in report.output


def test_missing_stanza_models_fail_in_one_line(tmp_path):
    empty = tmp_path / "no_models"
    empty.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "annotate",
            str(SEED_FILE),
            "--out",
            str(tmp_path / "o"),
            "--engine",
            "stanza",
            "--stanza-dir",
            str(empty),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: stanza English models not found in {empty}; on a machine with internet run: "
        f'python -c \'import stanza; stanza.download("en", model_dir="{empty}")\''
    ]


def test_markers_close_their_sentence():
    text = "It said so”[7]. Next one.[10] Then more [3"
    # a splitter that put each marker at the start of the next sentence
    spans = [(0, 11), (11, 25), (25, 43)]
    assert [text[a:b] for a, b in attach_markers(text, spans)] == ["It said so”[7].", "Next one.[10]", "Then more [3"]
    assert attach_markers("A.[1]", [(0, 2), (2, 5)]) == [(0, 5)]


def _e(doc, start, end, label, country=None):
    return {
        "doc_id": doc,
        "start": start,
        "end": end,
        "label": label,
        "text": "x",
        "country": country,
        "countries": [country] if country else [],
    }


def test_engine_agreement_figures():
    a = [
        _e("d1", 0, 6, "GPE", "RUS"),
        _e("d1", 10, 17, "GPE", "UKR"),
        _e("d1", 20, 25, "PERSON"),
        _e("d2", 0, 5, "GPE", "KAZ"),
        _e("d2", 8, 12, "ORG"),
    ]
    b = [
        _e("d1", 0, 6, "GPE", "RUS"),
        _e("d1", 10, 17, "NORP", "UKR"),
        _e("d1", 21, 25, "PERSON"),
        _e("d1", 30, 35, "ORG"),
        _e("d2", 0, 5, "GPE", "KGZ"),
    ]
    r = compare_entities(a, b)
    # strict: exact [0,6) and d2 [0,5); label and boundary differences are incorrect
    assert {k: r["strict"][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")} == {
        "correct": 2,
        "incorrect": 2,
        "partial": 0,
        "missed": 1,
        "spurious": 1,
    }
    assert (r["strict"]["precision"], r["strict"]["recall"], r["strict"]["f1"]) == (0.4, 0.4, 0.4)
    # partial: the label is ignored, the overlap [20,25)/[21,25) counts half: (3 + 0.5) / 5
    assert {k: r["partial"][k] for k in ("correct", "partial", "missed", "spurious")} == {
        "correct": 3,
        "partial": 1,
        "missed": 1,
        "spurious": 1,
    }
    assert (r["partial"]["precision"], r["partial"]["recall"], r["partial"]["f1"]) == (0.7, 0.7, 0.7)
    assert r["country_links"] == {"matched_spans": 3, "agree": 2, "agreement": 0.6667}
    assert [(d["doc_id"], d["kind"]) for d in r["disagreements"]] == [
        ("d1", "label"),
        ("d1", "boundary"),
        ("d1", "only_stanza"),
        ("d2", "country"),
        ("d2", "only_spacy"),
    ]
    # half-open offsets: touching spans do not overlap
    r = compare_entities([_e("d", 0, 5, "GPE")], [_e("d", 5, 9, "GPE")])
    assert r["partial"]["partial"] == 0 and r["partial"]["f1"] == 0
    assert [d["kind"] for d in r["disagreements"]] == ["only_spacy", "only_stanza"]


class _FakeStanza:
    """Stands in for a full English stanza pipeline (not installable here): it splits after
    every ". " and before every marker, and tags "Russia" as GPE, with character offsets."""

    def __call__(self, text):
        import re
        from types import SimpleNamespace as NS

        bounds = [0] + [m.end() for m in re.finditer(r"\. |(?=\[\d+\])", text)] + [len(text)]
        sents = []
        for a, b in zip(bounds, bounds[1:]):
            toks = [NS(start_char=a + m.start(), end_char=a + m.end()) for m in re.finditer(r"\S+", text[a:b])]
            if toks:
                sents.append(NS(tokens=toks))
        ents = [NS(start_char=m.start(), end_char=m.end(), type="GPE") for m in re.finditer("Russia", text)]
        return NS(sentences=sents, ents=ents)


def test_raw_stanza_path_keeps_markers_and_feeds_the_parse():
    """The path taken with real models: the stanza_ner component before the parser sets stanza's
    own sentences (markers re-attached) and entities; spaCy then parses with those sentences."""
    from pipeline.nlp.engines.stanza import REPLACED
    from pipeline.nlp.language import assemble, load_config

    config = load_config()
    names = [p for p in config["nlp"]["pipeline"] if p not in REPLACED]
    names.insert(names.index("parser"), "stanza_ner")
    config["nlp"]["pipeline"] = names
    for name in REPLACED:
        config["components"].pop(name)
        config["initialize"]["components"].pop(name, None)
    config["components"]["stanza_ner"] = {"factory": "stanza_ner", "pretokenized": False}
    config["initialize"]["components"]["stanza_ner"] = {}
    import pipeline.nlp.engines.stanza as stanza_engine

    real = stanza_engine.load_stanza
    stanza_engine.load_stanza = lambda *a, **k: (_FakeStanza(), "fake", False)
    try:
        nlp = assemble(config)
    finally:
        stanza_engine.load_stanza = real
    text = "Russia opposed the plan.[4] Kazakhstan did not support Russia. It abstained."
    doc = nlp(text)
    assert [s.text for s in doc.sents] == [
        "Russia opposed the plan.[4]",
        "Kazakhstan did not support Russia.",
        "It abstained.",
    ]
    assert [(e.start_char, e.end_char, e._.ner_source) for e in doc.ents] == [
        (0, 6, "stanza:fake"),
        (55, 61, "stanza:fake"),
    ]
    assert [e._.country for e in doc.ents] == ["RUS", "RUS"]  # the shared country linker ran
    assert any(t.dep_ for t in doc)  # parsed
    # the fake tags no "Kazakhstan": the negated support has no linked actor, so no claim row
    assert list(doc.spans["claims"]) == []
