"""Registries: one new module in a kind's package is all it takes to add a name."""

from __future__ import annotations

import sys

import pytest

from pipeline import registry


def test_builtin_names():
    assert registry.names("engines") == ["spacy", "stanza"]
    assert {"majority", "tfidf_lr", "textcat"} <= set(registry.names("stance_models"))
    assert {
        "parquet",
        "jsonl",
        "prodigy",
        "spacy",
        "conll",
        "brat",
        "doccano",
        "labelstudio",
        "webanno",
        "dna",
        "networks",
    } <= set(registry.names("exporters"))


def test_a_new_module_in_the_package_registers_itself(tmp_path, monkeypatch):
    package = tmp_path / "extra_exporters"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "shout.py").write_text(
        "from pipeline.registry import exporters\n\n\n"
        "@exporters.register('shout')\n"
        "def export_shout(ann, out=None, **filters):\n"
        "    return {'shout': {'documents': 0}}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry._PACKAGES, "exporters", "extra_exporters")
    monkeypatch.setattr(registry, "_DISCOVERED", set())
    try:
        assert registry.get("exporters", "shout")("annotations") == {"shout": {"documents": 0}}
    finally:
        sys.modules.pop("extra_exporters.shout", None)
        sys.modules.pop("extra_exporters", None)


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="unknown engine 'nope'; choose one of spacy, stanza"):
        registry.get("engines", "nope")
