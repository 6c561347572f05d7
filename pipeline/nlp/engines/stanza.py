"""The stanza engine: sentences and NER from stanza, spaCy's parse for the claim component.

``stanza_ner`` is a spaCy component that replaces the entity ruler and spaCy's NER. With a
locally trained NER model (``engine_options["ner_model"]`` + ``["pretrain"]``) stanza runs
pretokenized after spaCy's parser: tokens and sentences are spaCy's, only NER is stanza's.
Otherwise the English models in ``engine_options["model_dir"]`` (default ``~/stanza_resources``)
are loaded with ``download_method=None`` and stanza also splits sentences, before the parser,
which then parses with those boundaries. Nothing is ever downloaded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from pipeline.errors import InputError
from pipeline.nlp.language import assemble, load_config
from pipeline.registry import engines
from pipeline.settings import Settings

# spaCy components stanza replaces.
REPLACED = ("entity_ruler", "footnote_markers_not_entities", "ner")


_MARKER = re.compile(r"\[\d{1,3}\]")
_CLOSERS = '.,;:”’")!?'


class StanzaModelsMissing(InputError):
    def __init__(self, model_dir: str | Path):
        d = str(model_dir)
        Exception.__init__(
            self,
            f"stanza English models not found in {d}; on a machine with internet run: "
            f'python -c \'import stanza; stanza.download("en", model_dir="{d}")\'',
        )
        self.path, self.problem = d, "stanza English models not found"


def default_stanza_dir() -> Path:
    import os

    return Path(os.environ.get("STANZA_RESOURCES_DIR") or Path.home() / "stanza_resources")


def attach_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A footnote marker belongs to the sentence it closes: a sentence that starts with (or inside)
    a marker gives the marker and the closing punctuation after it to the sentence before."""
    markers = [(m.start(), m.end()) for m in _MARKER.finditer(text)]
    out: list[list[int]] = []
    for start, end in spans:
        if out:
            hit = next(((ms, me) for ms, me in markers if ms <= start < me), None)
            if hit:
                cut = hit[1]
                while cut < len(text) and text[cut] in _CLOSERS:
                    cut += 1
                out[-1][1] = max(out[-1][1], min(cut, end))
                start = cut
                while start < end and text[start].isspace():
                    start += 1
                if start >= end:
                    out[-1][1] = max(out[-1][1], end)
                    continue
        out.append([start, end])
    return [(s, e) for s, e in out]


class StanzaNER:
    def __init__(self, nlp: Language, name: str, pretokenized: bool):
        self.name = name
        self.pretokenized = pretokenized
        self.stanza: Any = None
        self.model_name = "ner"

    def initialize(
        self,
        get_examples=None,
        *,
        nlp: Language | None = None,
        model_dir: Optional[str] = None,
        ner_model: Optional[str] = None,
        pretrain: Optional[str] = None,
    ):
        self.stanza, self.model_name, _ = load_stanza(model_dir, ner_model, pretrain)

    @property
    def source(self) -> str:
        return "stanza:" + self.model_name

    def __call__(self, doc: Doc) -> Doc:
        entities = self._pretokenized(doc) if self.pretokenized else self._raw(doc)
        spans = [doc.char_span(s, e, label=label) for s, e, label in entities]
        doc.ents = filter_spans([s for s in spans if s is not None])
        for ent in doc.ents:
            ent._.ner_source = self.source
        return doc

    def _pretokenized(self, doc: Doc) -> list[tuple[int, int, str]]:
        token_lists = [[t for t in s if not t.is_space] for s in doc.sents]
        token_lists = [toks for toks in token_lists if toks]
        entities = []
        if token_lists:
            result = self.stanza([[t.text for t in toks] for toks in token_lists])
            for toks, sent in zip(token_lists, result.sentences):
                for ent in sent.ents:
                    first, last = toks[ent.tokens[0].id[0] - 1], toks[ent.tokens[-1].id[0] - 1]
                    entities.append((first.idx, last.idx + len(last), ent.type))
        return entities

    def _raw(self, doc: Doc) -> list[tuple[int, int, str]]:
        text = doc.text
        result = self.stanza(text)
        spans = [(s.tokens[0].start_char, s.tokens[-1].end_char) for s in result.sentences if s.tokens]
        starts = {s for s, _ in attach_markers(text, spans)}
        # stanza's sentence starts, kept with the line starts set before (paragraph_sentences).
        for token in doc[1:]:
            if not token.is_sent_start:
                token.is_sent_start = token.idx in starts
        return [
            (e.start_char, e.end_char, e.type)
            for e in result.ents
            if not _MARKER.search(text[e.start_char : e.end_char])
        ]


@Language.factory("stanza_ner", default_config={"pretokenized": False}, assigns=["doc.ents", "token.is_sent_start"])
def make_stanza_ner(nlp: Language, name: str, pretokenized: bool):
    return StanzaNER(nlp, name, pretokenized)


def load_stanza(model_dir: Optional[str] = None, ner_model: Optional[str] = None, pretrain: Optional[str] = None):
    """(pipeline, model name, pretokenized). Never downloads; missing models fail at once."""
    import logging

    import stanza

    logging.getLogger("stanza").setLevel(logging.ERROR)
    if ner_model:
        model = Path(ner_model)
        pretrain_path = Path(pretrain) if pretrain else None
        for path in (model, pretrain_path):
            if path is None or not path.is_file():
                raise InputError(path or model, "stanza NER model or its pretrain file (--stanza-pretrain) not found")
        folder = Path(model_dir) if model_dir else model.parent
        if not (folder / "resources.json").is_file():
            raise InputError(folder, "no resources.json (a file holding {} is enough offline)")
        pipe = stanza.Pipeline(
            lang="en",
            dir=str(folder),
            processors="tokenize,ner",
            download_method=None,
            allow_unknown_language=True,
            tokenize_pretokenized=True,
            ner_model_path=str(model),
            ner_pretrain_path=str(pretrain_path),
            use_gpu=False,
            logging_level="ERROR",
        )
        return pipe, model.stem, True
    folder = Path(model_dir) if model_dir else default_stanza_dir()
    if not (folder / "resources.json").is_file() or not (folder / "en" / "ner").is_dir():
        raise StanzaModelsMissing(folder)
    try:
        pipe = stanza.Pipeline(
            lang="en", dir=str(folder), processors="tokenize,ner", download_method=None, logging_level="ERROR"
        )
    except Exception as err:  # a partial or damaged install: the same one line
        raise StanzaModelsMissing(folder) from err
    ner = pipe.processors.get("ner")
    name = Path(ner.config.get("model_path", "ner")).stem if ner is not None else "ner"
    return pipe, name, False


@engines.register("stanza")
def stanza_engine(settings: Settings) -> Language:
    import stanza

    options = {
        k: (str(v) if v else None)
        for k, v in settings.engine_options.items()
        if k in ("model_dir", "ner_model", "pretrain")
    }
    _, model_name, pretokenized = load_stanza(**options)  # missing models fail here, before spaCy loads
    config = load_config(settings)
    names = [p for p in config["nlp"]["pipeline"] if p not in REPLACED]
    # Pretokenized NER reads spaCy's sentences (after the parser); raw stanza sets them (before it).
    names.insert(names.index("parser") + (1 if pretokenized else 0), "stanza_ner")
    config["nlp"]["pipeline"] = names
    for name in REPLACED:
        config["components"].pop(name, None)
        config["initialize"]["components"].pop(name, None)
    config["components"]["stanza_ner"] = {"factory": "stanza_ner", "pretokenized": pretokenized}
    config["initialize"]["components"]["stanza_ner"] = options
    nlp = assemble(config)
    nlp.meta["engine"] = {
        "name": "stanza",
        "model": {"name": "stanza:" + model_name, "version": stanza.__version__},
        "produced_by": {
            "engine": "stanza",
            "stanza": {
                "version": stanza.__version__,
                "ner_model": model_name,
                "sentences": "spacy (pretokenized input)" if pretokenized else "stanza",
                "claims_parse": "spacy",
            },
        },
    }
    return nlp
