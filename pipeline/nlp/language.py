"""Assemble the spaCy pipeline from ``config.cfg``.

The config names every component; this module holds the registered functions it refers to
(the marker-aware tokenizer, the base model's lookup tables, the entity-ruler patterns from
the knowledge base) and ``assemble``, which builds the ``Language`` from the config and
initializes the project's own components (spaCy's trained ones are sourced, not retrained).
A pipeline saved with ``nlp.to_disk`` (``stance-corpus save-pipeline``) loads with
``spacy.load`` wherever this package is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import spacy
import srsly
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.util import compile_infix_regex, compile_suffix_regex, load_model_from_config
from thinc.api import Config

from pipeline.settings import DATA_DIR, Settings

CONFIG_PATH = Path(__file__).with_name("config.cfg")
_MARKER_PATTERN = r"\[\d{1,3}\]"
# Components sourced from the base model: trained elsewhere, never re-initialized here.
SOURCED = ("tok2vec", "tagger", "parser", "lemmatizer", "ner", "senter")


@spacy.registry.tokenizers("stance_corpus.marker_tokenizer.v1")
def create_marker_tokenizer():
    """English tokenization with a footnote marker ``[7]`` as one token, also when glued to a word."""

    def make(nlp: Language):
        return spacy.tokenizer.Tokenizer(
            nlp.vocab,
            rules=dict(nlp.Defaults.tokenizer_exceptions),
            prefix_search=spacy.util.compile_prefix_regex(list(nlp.Defaults.prefixes or [])).search,
            suffix_search=compile_suffix_regex([_MARKER_PATTERN] + list(nlp.Defaults.suffixes or [])).search,
            infix_finditer=compile_infix_regex([_MARKER_PATTERN] + list(nlp.Defaults.infixes or [])).finditer,
            token_match=nlp.Defaults.token_match,
            url_match=nlp.Defaults.url_match,
        )

    return make


@spacy.registry.misc("stance_corpus.model_lookups.v1")
def model_lookups(model: str):
    """The base model's lookup tables (``lexeme_norm``): its tok2vec was trained with them. Read
    from the model's ``vocab/lookups.bin`` (loading the model for them took a third of a second)."""
    vocab = model_dir(model) / "vocab"
    if not vocab.is_dir():
        return spacy.load(model, exclude=list(SOURCED)).vocab.lookups
    return Lookups().from_disk(vocab)


@spacy.registry.misc("stance_corpus.model_attribute_patterns.v1")
def model_attribute_patterns(model: str) -> list[dict]:
    """The base model's attribute-ruler patterns, read from its ``attribute_ruler/patterns``
    (the pipeline's ``indexed_attribute_ruler`` applies them)."""
    path = model_dir(model) / "attribute_ruler" / "patterns"
    if path.is_file():
        return srsly.read_msgpack(path)
    return spacy.load(model, exclude=list(SOURCED)).get_pipe("attribute_ruler").patterns  # type: ignore[attr-defined]


def model_dir(model: str) -> Path:
    """The data folder of a base model: a pipeline folder, or the one inside an installed package
    (named as ``spacy.util.load_model_from_init_py`` names it)."""
    if not spacy.util.is_package(model):
        return Path(model)
    root = spacy.util.get_package_path(model)
    meta = spacy.util.get_model_meta(root)
    return root / f"{meta['lang']}_{meta['name']}-{meta['version']}"


@spacy.registry.misc("stance_corpus.ruler_patterns.v1")
def ruler_patterns(kb_path: Optional[str] = None) -> list[dict]:
    """Entity-ruler patterns: every knowledge-base alias (countries, capitals, leaders, groups,
    organisations, contested territories) with the label and entry id it stamps on a span."""
    from pipeline.nlp.kb import load_kb

    return load_kb(kb_path or DATA_DIR / "country_kb.jsonl").ruler_patterns()


def overrides(settings: Settings) -> dict[str, Any]:
    """Config overrides for the settings a user can change from the command line."""
    out: dict[str, Any] = {"paths.base_model": settings.spacy_model}
    for key, value in settings.config_overrides.items():
        out[key] = value
    return out


def _reason(err: Exception) -> str:
    """The first lines of an error that say something, as one line."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return "; ".join(lines[:2]).replace("\t", " ") or type(err).__name__


def _given(settings: Settings) -> str:
    """The ``--set`` values as the user gave them, on one printable line."""
    text = " ".join(f"{k}={v}" for k, v in settings.config_overrides.items())
    return f"--set {text if text.isprintable() else repr(text)}"


def load_config(settings: Settings | None = None) -> Config:
    from pipeline.errors import InputError

    settings = settings or Settings()
    model = settings.spacy_model
    if not (spacy.util.is_package(model) or (Path(model) / "meta.json").is_file()):
        raise InputError(model, "spaCy model not installed (pip install it, or give a pipeline folder)")
    base = settings.config_overrides.get("paths.base_model")
    if base is not None and not (spacy.util.is_package(base) or (Path(base) / "meta.json").is_file()):
        raise InputError(_given(settings), "not an installed spaCy model or a pipeline folder")
    try:
        return Config().from_disk(CONFIG_PATH, overrides=overrides(settings))
    except Exception as err:  # an override naming no config section
        raise InputError(_given(settings), f"bad config override ({_reason(err)})") from None


def assemble_checked(config: Config, settings: Settings) -> Language:
    """``assemble``; where it fails on a value given with ``--set``, one ``InputError`` naming it."""
    from pipeline.errors import InputError

    if not settings.config_overrides:
        return assemble(config)
    try:
        return assemble(config)
    except (ValueError, KeyError, TypeError, OSError) as err:
        raise InputError(_given(settings), f"the pipeline refuses this value ({_reason(err)})") from None


def assemble(config: Config) -> Language:
    """Build the pipeline from a config and initialize the project's components."""
    import pipeline.nlp.components  # noqa: F401  (registers the factories)

    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    model = config["paths"]["base_model"]
    base = spacy.util.get_model_meta(
        spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
    )
    nlp.meta["base_model"] = {"name": f"{base['lang']}_{base['name']}", "version": base["version"]}
    own = [name for name in nlp.pipe_names if name not in SOURCED]
    with nlp.select_pipes(enable=own):
        nlp.initialize()
    return nlp


def load_nlp(settings: Settings | None = None) -> Language:
    """The configured pipeline of the chosen engine (see ``pipeline.nlp.engines``)."""
    from pipeline import registry

    settings = settings or Settings()
    return registry.get("engines", settings.engine)(settings)


def model_info(nlp: Language) -> dict:
    """Name and version of the base model, for provenance."""
    meta = nlp.meta.get("base_model") or {}
    return {"name": meta.get("name", ""), "version": meta.get("version", ""), "spacy": spacy.__version__}
