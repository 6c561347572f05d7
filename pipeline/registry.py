"""The project's registries (``catalogue``, as spaCy and thinc use it).

Each pluggable kind of thing has one registry, and one package whose modules implement it:

- ``engines`` (``pipeline/nlp/engines/``): name -> function ``(settings) -> spacy.Language``
  that assembles the pipeline;
- ``stance_models`` (``pipeline/training/``): name -> class of a trained stance classifier
  (``fit``/``predict_proba``/``save``/``load``);
- ``exporters`` (``pipeline/export/``): name -> function ``(annotations_dir, out_dir, **filters)
  -> dict`` that writes one interchange format;
- ``executors`` (``pipeline/executors.py``): name -> class ``(n_process=, scheduler=)`` whose
  ``map(settings, cache_dir, shards)`` runs the NLP stage over shards of documents;
- ``statement_rules`` (``pipeline/nlp/statement_rules/``): name -> class ``(toolkit)`` whose
  instances map one sentence of a statement to the rows its speaker implies (``claim_rules``
  runs those its ``statement_rules`` setting lists);
- ``importers`` (``pipeline/export/``): name -> function ``(path, baseline) -> Imported`` that
  reads what an annotation tool gave back (``stance-corpus import``).

An implementation registers itself in its own module (``@exporters.register("brat")``). When a
name is first asked for, every module of the kind's package is imported, so adding an engine,
a stance model or an export format is one new module and nothing else. Other packages can add
names through the entry-point groups ``stance_corpus_engines`` (and so on).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import catalogue

engines = catalogue.create("stance_corpus", "engines", entry_points=True)
stance_models = catalogue.create("stance_corpus", "stance_models", entry_points=True)
exporters = catalogue.create("stance_corpus", "exporters", entry_points=True)
executors = catalogue.create("stance_corpus", "executors", entry_points=True)
statement_rules = catalogue.create("stance_corpus", "statement_rules", entry_points=True)
importers = catalogue.create("stance_corpus", "importers", entry_points=True)

_REGISTRIES = {
    "engines": engines,
    "stance_models": stance_models,
    "exporters": exporters,
    "executors": executors,
    "statement_rules": statement_rules,
    "importers": importers,
}
_PACKAGES = {
    "engines": "pipeline.nlp.engines",
    "stance_models": "pipeline.training",
    "exporters": "pipeline.export",
    "executors": "pipeline.executors",
    "statement_rules": "pipeline.nlp.statement_rules",
    "importers": "pipeline.export",
}
_DISCOVERED: set[str] = set()


def _discover(kind: str) -> None:
    """Import every module of the kind's package once (each registers what it implements)."""
    if kind in _DISCOVERED:
        return
    package = importlib.import_module(_PACKAGES[kind])
    for module in pkgutil.iter_modules(getattr(package, "__path__", [])):  # a plain module registers itself
        importlib.import_module(f"{package.__name__}.{module.name}")
    _DISCOVERED.add(kind)


def get(kind: str, name: str):
    """The registered object; a clear error names the choices."""
    registry = _REGISTRIES[kind]
    if name not in registry.get_all():
        _discover(kind)
    if name not in registry.get_all():
        raise ValueError(f"unknown {kind[:-1].replace('_', ' ')} {name!r}; choose one of {', '.join(names(kind))}")
    return registry.get(name)


def names(kind: str) -> list[str]:
    _discover(kind)
    return sorted(_REGISTRIES[kind].get_all())


def declared(kind: str) -> list[str]:
    """The names the kind's package registers, read from its source (``@<kind>.register("name")``)
    without importing it: for help texts, which should not import every exporter's libraries."""
    spec = importlib.util.find_spec(_PACKAGES[kind])
    if spec is None:
        return []
    if spec.submodule_search_locations:
        files = sorted(p for folder in spec.submodule_search_locations for p in Path(folder).glob("*.py"))
    else:
        files = [Path(spec.origin or "")]
    found: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "register"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == kind
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return sorted(found)
