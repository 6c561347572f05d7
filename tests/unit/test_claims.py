"""The automatic claim annotator on hand-picked sentences, and the gold layer's validity."""

import json

import pycountry
import pytest
from conftest import ROOT, load

from pipeline.ingest.manifest import DocInput
from pipeline.schema import STANCES, TOPICS

GROUP = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]

# sentence -> expected (actor, target, stance, negated) rows, as GUIDELINES.md codes them.
CASES = {
    # negation and its scope
    "Kazakhstan does not recognise the annexation of Crimea by Russia.": [("KAZ", "RUS", "oppose", True)],
    "In August 2023, Turkmenistan refused to allow Russia access to its gas pipeline to China.": [
        ("TKM", "RUS", "oppose", False)
    ],
    "In June 2022, Tokayev declined to accept Russia’s Order of Alexander Nevsky.": [("KAZ", "RUS", "oppose", False)],
    "President Rahmon has never mentioned Crimea publicly.": [("TJK", "RUS", "oppose", True)],
    "However, Kazakhstan has not stopped significant flows of various goods through its territory to Russia.": [
        ("KAZ", "RUS", "support", True)
    ],
    "Baku declined to join the sanctions against Moscow.": [("AZE", "RUS", "support", True)],
    # Russia acting on a Central Asian state
    "Following this, as a pressure tactic, Russia suspended the operation of the main export pipeline carrying oil "
    "from Kazakhstan to Europe.": [("RUS", "KAZ", "oppose", False)],
    "Russia reportedly put pressure on Uzbekistan by suspending the transport infrastructure.": [
        ("RUS", "UZB", "oppose", False)
    ],
    # group expansion
    "The Central Asian states abstained in the UN vote on the war.": [(c, "RUS", "neutral", False) for c in GROUP],
    # support and neutral, organs and receivers
    "Uzbekistan sent 28 tonnes of humanitarian aid to Ukraine.": [("UZB", "UKR", "support", False)],
    "Officially, however, Turkmenistan maintains a neutral status.": [("TKM", "RUS", "neutral", False)],
    "The Georgian government condemned Russia.": [("GEO", "RUS", "oppose", False)],
    "Turkmenistan receives loans from Russia.": [("RUS", "TKM", "support", False)],
    # background facts: no claim
    "Uzbekistan does not share a common border with Russia.": [],
    "Kyrgyzstan is a member of the CSTO and the EAEU.": [],
    "Rahmon once again became heavily dependent on Russian military aid.": [],
}


# Positions on "the war" or neutrality need a conflict in view (GUIDELINES 3.0 §3.1): these cases
# follow a paragraph that names it.
WAR_HEADING = "Heading\n\nRussia's war against Ukraine goes on."
IN_CONTEXT = {
    "The Central Asian states abstained in the UN vote on the war.",
    "Officially, however, Turkmenistan maintains a neutral status.",
}


@pytest.mark.parametrize("sentence", list(CASES))
def test_hand_picked_sentences(annotator, tmp_path, sentence):
    path = tmp_path / "case.txt"
    heading = WAR_HEADING if sentence in IN_CONTEXT else "Heading"
    path.write_text(heading + "\n\n" + sentence + "\n", encoding="utf-8")
    _, sentences, entities, claims = annotator.annotate(DocInput(path, "case"))
    assert sorted((c.actor, c.target, c.stance, c.negated) for c in claims) == sorted(CASES[sentence])
    for c in claims:
        assert c.sent_id == sentences[-1].sent_id and c.text == sentence
        assert c.annotator.startswith("pipeline.claims/") and 0 < c.confidence <= 1
        # the actor mentions are entities that name the actor
        ents = {e.ent_id: e for e in entities}
        assert all(c.actor in ents[m].countries for m in c.actor_mentions)


def test_without_a_conflict_in_view_neutrality_is_no_position(annotator, tmp_path):
    path = tmp_path / "case.txt"
    path.write_text("Heading\n\nOfficially, however, Turkmenistan maintains a neutral status.\n", encoding="utf-8")
    assert annotator.annotate(DocInput(path, "case"))[3] == []


def test_pronoun_subject_takes_the_last_named_country(annotator, tmp_path):
    path = tmp_path / "pronoun.txt"
    path.write_text(
        f"{WAR_HEADING}\n\nTajikistan is a member of the CSTO. However, it does not officially recognise "
        "the annexed territories.\n",
        encoding="utf-8",
    )
    _, _, _, claims = annotator.annotate(DocInput(path, "pronoun"))
    assert [(c.actor, c.target, c.stance) for c in claims] == [("TJK", "RUS", "oppose")]


def test_footnotes_link_to_claims(layers):
    sentences = {s["sent_id"]: s for s in layers["sentences"]}
    with_notes = [c for c in layers["claims"] if c["footnotes"]]
    assert with_notes, "some automatic claims cite footnotes"
    for c in layers["claims"]:
        assert c["footnotes"] == sentences[c["sent_id"]]["footnotes"]


def test_cue_lexicon_is_general_and_two_way():
    rows = [json.loads(l) for l in (ROOT / "pipeline" / "data" / "stance_cues.jsonl").read_text().splitlines()]
    lemmas = {l for r in rows for l in r["lemmas"]}
    for needed in (
        "recognise",
        "condemn",
        "support",
        "aid",
        "abstain",
        "neutral",
        "pressure",
        "refuse",
        "decline",
        "suspend",
        "sanction",
        "vote",
    ):
        assert needed in lemmas
    for r in rows:
        assert {"stance", "negated"} <= set(r) and r["topic"] in TOPICS
        # a cue is a word or a short phrase (a multi-word cue), not an article's sentence
        assert all(l == " ".join(l.split()) and len(l.split()) <= 4 for l in r["lemmas"])


# --- gold -------------------------------------------------------------------------------

GOLD_FILES = ["claims.jsonl", "coder_a.jsonl", "coder_b.jsonl", "coder_c_isolated.jsonl"]


@pytest.mark.parametrize("name", GOLD_FILES)
def test_gold_rows_validate(name):
    docs = {d["doc_id"]: d for d in load(ROOT / "annotations" / "documents.jsonl")}
    sentences = {s["sent_id"]: s for s in load(ROOT / "annotations" / "sentences.jsonl")}
    rows = load(ROOT / "annotations" / "gold" / name)
    assert rows
    for r in rows:
        doc = docs[r["doc_id"]]
        assert pycountry.countries.get(alpha_3=r["actor"]) and pycountry.countries.get(alpha_3=r["target"])
        assert r["actor"] != r["target"]
        assert r["stance"] in STANCES and r["topic"] in TOPICS
        assert doc["text"][r["start"] : r["end"]] == r["text"]
        labels = {f["label"] for f in doc["footnotes"]}
        assert set(r["footnotes"]) <= labels
        sent = sentences[r["sent_id"]]
        assert sent["start"] <= r["start"] < r["end"] <= sent["end"]
        assert any(s["start"] <= r["start"] and r["end"] <= s["end"] for s in doc["sections"])


def test_gold_covers_every_country_section():
    rows = [r for r in load(ROOT / "annotations" / "gold" / "claims.jsonl") if r["doc_id"] == "besa2023_central_asia"]
    sentences = {s["sent_id"]: s for s in load(ROOT / "annotations" / "sentences.jsonl")}
    covered = {sentences[r["sent_id"]]["section_title"] for r in rows}
    assert {"Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"} <= covered


def test_gold_files_equal_their_sheets(tmp_path):
    """The committed gold files are exactly what the coding sheets expand to."""
    import shutil

    from pipeline.quality.gold import build_gold

    for name in ("sentences.jsonl", "entities.jsonl"):
        shutil.copy(ROOT / "annotations" / name, tmp_path / name)
    shutil.copytree(ROOT / "annotations" / "gold" / "sheets", tmp_path / "gold" / "sheets")
    counts = build_gold(tmp_path)
    assert set(counts) == set(GOLD_FILES)
    for name in GOLD_FILES:
        assert (tmp_path / "gold" / name).read_bytes() == (ROOT / "annotations" / "gold" / name).read_bytes()


def test_evaluate_prints_all_figures():
    from pipeline.quality.evaluate import evaluation_report

    text, figures = evaluation_report(ROOT / "annotations")
    for needed in (
        "claim_detection",
        "actor",
        "stance",
        "macro-F1",
        "footnote accuracy",
        "confusion",
        "Krippendorff alpha",
        "unseen_caucasus_2024",
    ):
        assert needed in text
    assert figures["documents"]["besa2023_central_asia"]["footnote_accuracy"] == 1.0


def test_a_claim_party_may_be_an_organisation_and_its_type_follows_the_code():
    from pipeline.schema import Claim

    row = dict(
        doc_id="d",
        claim_id="d:s000:c1",
        sent_id="d:s000",
        start=0,
        end=4,
        text="Text",
        actor="org:eu",
        actor_mentions=[],
        target="RUS",
        target_mentions=[],
        stance="oppose",
        topic="other",
        footnotes=[],
        annotator="test",
    )
    claim = Claim(**row)
    assert (claim.actor_type, claim.target_type, claim.conflict) == ("organisation", "state", None)
    with pytest.raises(ValueError, match="actor_type 'state' does not fit actor 'org:eu'"):
        Claim(**row, actor_type="state")
