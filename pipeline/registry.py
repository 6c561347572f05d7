"""The project's registries (``catalogue``, as spaCy and thinc use it).

Each pluggable kind of thing has one registry; an implementation registers itself in its own
module, and the registry imports that module when the name is first asked for, so adding an
engine, a stance model or an export format is one new module plus its entry point line:

- ``engines``: name -> function ``(settings) -> spacy.Language`` that assembles the pipeline;
- ``stance_models``: name -> class of a trained stance classifier (``fit``/``predict_proba``/
  ``save``/``load``);
- ``exporters``: name -> function ``(annotations_dir, out_dir, **options) -> dict`` that writes
  one interchange format;
- ``executors``: name -> class ``(n_process=, scheduler=)`` whose ``map(settings, cache_dir, shards)``
  runs the NLP stage over shards of documents (``pipeline.executors``).
"""

from __future__ import annotations

import importlib

import catalogue

engines = catalogue.create("stance_corpus", "engines", entry_points=True)
stance_models = catalogue.create("stance_corpus", "stance_models", entry_points=True)
exporters = catalogue.create("stance_corpus", "exporters", entry_points=True)
executors = catalogue.create("stance_corpus", "executors", entry_points=True)

# Built-in implementations: the module that registers each name (imported on first use).
_BUILTIN = {
    "engines": {"spacy": "pipeline.nlp.engines.spacy", "stanza": "pipeline.nlp.engines.stanza"},
    "stance_models": {"majority": "pipeline.training.stance_model", "tfidf_lr": "pipeline.training.stance_model",
                      "textcat": "pipeline.training.stance_model"},
    "exporters": {"parquet": "pipeline.export.huggingface", "jsonl": "pipeline.export.huggingface",
                  "prodigy": "pipeline.export.prodigy", "spacy": "pipeline.export.spacy_docbin",
                  "conll": "pipeline.export.conll", "brat": "pipeline.export.brat",
                  "doccano": "pipeline.export.doccano", "labelstudio": "pipeline.export.labelstudio",
                  "webanno": "pipeline.export.webanno", "dna": "pipeline.export.dna",
                  "networks": "pipeline.export.networks"},
    "executors": {"local": "pipeline.executors", "dask": "pipeline.executors"},
}
_REGISTRIES = {"engines": engines, "stance_models": stance_models, "exporters": exporters, "executors": executors}


def get(kind: str, name: str):
    """The registered object, importing its built-in module first; a clear error names the choices."""
    registry = _REGISTRIES[kind]
    module = _BUILTIN[kind].get(name)
    if module and name not in registry.get_all():
        importlib.import_module(module)
    if name not in registry.get_all():
        raise ValueError(f"unknown {kind[:-1].replace('_', ' ')} {name!r}; choose one of {', '.join(names(kind))}")
    return registry.get(name)


def names(kind: str) -> list[str]:
    return sorted(set(_BUILTIN[kind]) | set(_REGISTRIES[kind].get_all()))


def register_builtin(kind: str, name: str, module: str) -> None:
    """Declare a built-in implementation (used when a new module joins the package)."""
    _BUILTIN[kind][name] = module
