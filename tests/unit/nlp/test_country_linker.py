"""The country linker on a tiny knowledge base (tests/fixtures/tiny_kb.jsonl), set by one
config override: capitals, leaders and groups link to their codes; names not in it do not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import ROOT

from pipeline.nlp.language import load_nlp
from pipeline.settings import Settings

TINY_KB = ROOT / "tests" / "fixtures" / "tiny_kb.jsonl"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(replace(Settings(), config_overrides={"paths.kb": str(TINY_KB)}))


def test_kb_entries_link_with_codes_and_types(nlp):
    doc = nlp("Ilona Kappa flew to Zorgburg to meet the Twin States and Kazakhstan.")
    linked = {e.text: (e._.country, e._.countries, e._.kb_type, e._.kb_entry) for e in doc.ents if e._.kb_entry}
    assert linked["Ilona Kappa"] == ("UZB", ["UZB"], "leader", "leader:kappa")
    assert linked["Zorgburg"] == ("KAZ", ["KAZ"], "capital", "capital:zorg")
    assert linked["the Twin States"] == (None, ["KAZ", "UZB"], "group", "group:twins")
    # ISO names come from pycountry even in a tiny knowledge base.
    assert linked["Kazakhstan"] == ("KAZ", ["KAZ"], "country", "KAZ")


def test_the_linker_saves_its_knowledge_base(nlp, tmp_path):
    nlp.get_pipe("country_linker").to_disk(tmp_path)
    assert (tmp_path / "country_kb.jsonl").read_bytes() == TINY_KB.read_bytes()


def test_the_qid_is_spacy_s_own_kb_id():
    """``ent.kb_id_`` (what spaCy's tools and displaCy read) carries the Wikidata QID, as
    ``ent._.kb_id`` does; the other extension values stay on the entity (the real knowledge base)."""
    doc = load_nlp(Settings())("Kazakhstan and the European Union met in Astana with Mr. Putin.")
    linked = [(e.text, e.kb_id_, e._.kb_id, e._.country) for e in doc.ents if e._.kb_entry]
    assert ("Kazakhstan", "Q232", "Q232", "KAZ") in linked and ("Astana", "Q232", "Q232", "KAZ") in linked
    assert all(kb_id_ == (kb_id or "") for _, kb_id_, kb_id, _ in linked)
    assert all(e.kb_id_ == "" for e in doc.ents if not e._.kb_entry)
