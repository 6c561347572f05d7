"""The one seam between annotation engines (spaCy, stanza).

An engine turns paragraph texts into ``ParagraphAnalysis`` objects: sentence spans and
entity spans, as character offsets into the paragraph, plus the spaCy Doc that the claim
annotator reads (its dependency parse). Everything after that — knowledge-base country
linking, sentence and entity records, claims, layers — is shared (``segment.py``,
``build.py``).

- ``SpacyEngine``: the spaCy pipeline of ``nlp.py`` (sentences, NER + entity_ruler, parse).
- ``StanzaEngine``: sentences and NER from stanza; the claim annotator still reads spaCy's
  dependency parse of the same paragraph, with its sentences and entities set to stanza's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Protocol

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from pipeline.errors import InputError
from pipeline.nlp.kb import CountryKB
from pipeline.nlp.language import load_nlp, model_info
from pipeline.settings import Settings

ENGINES = ("spacy", "stanza")


@dataclass(frozen=True)
class EntitySpan:
    start: int  # paragraph offsets, half-open
    end: int
    label: str
    source: str  # "ner" | "entity_ruler" | "stanza:<model>"
    kb_hint: Optional[str] = None  # a knowledge-base entry id the engine already knows (the ruler's)


@dataclass
class ParagraphAnalysis:
    sentences: list[tuple[int, int]]  # paragraph offsets, in order, covering every token
    entities: list[EntitySpan]
    doc: Doc  # spaCy Doc for the claim annotator; doc.sents / doc.ents follow the two lists above


class Engine(Protocol):
    name: str
    nlp: Language
    kb: CountryKB
    model: dict  # {"name", "version"} of the model behind sentences and NER
    produced_by: dict  # extra document-level provenance ({} for spaCy)

    def analyse(self, texts: Iterable[str], batch_size: int) -> Iterator[ParagraphAnalysis]: ...

    def memory_zone(self): ...


class SpacyEngine:
    name = "spacy"

    def __init__(self, settings: Settings, nlp: Language | None = None):
        self.nlp = nlp or load_nlp(settings)
        self.kb = self.nlp.get_pipe("country_linker").kb
        self.model = model_info(self.nlp)
        self.produced_by: dict = {}

    def memory_zone(self):
        return self.nlp.memory_zone()

    def analyse(self, texts: Iterable[str], batch_size: int) -> Iterator[ParagraphAnalysis]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield ParagraphAnalysis(
                [(s.start_char, s.end_char) for s in doc.sents],
                # The country_linker component has linked each span: pass its entry on, so the
                # shared step in segment.py reads that decision instead of looking it up again.
                [EntitySpan(e.start_char, e.end_char, e.label_, "entity_ruler" if e.ent_id_ else "ner",
                            e._.kb_entry) for e in doc.ents],
                doc,
            )


# --- stanza ---------------------------------------------------------------------------------

_MARKER = re.compile(r"\[\d{1,3}\]")
_CLOSERS = ".,;:”’\")!?"
# spaCy components the stanza engine does not need: NER comes from stanza.
_SPACY_NER_PIPES = ("ner", "entity_ruler", "footnote_markers_not_entities", "country_linker")


class StanzaModelsMissing(InputError):
    def __init__(self, model_dir: str | Path):
        d = str(model_dir)
        Exception.__init__(
            self,
            f"stanza English models not found in {d}; on a machine with internet run: "
            f"python -c 'import stanza; stanza.download(\"en\", model_dir=\"{d}\")'",
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


class StanzaEngine:
    """Sentences and NER from stanza; spaCy's parse kept for the claim annotator.

    With ``settings.stanza_ner_model`` (a model trained here, see tests/test_stanza.py) the
    pipeline runs with ``tokenize_pretokenized=True``: tokens and sentences come from spaCy's
    marker-aware tokenizer and parser, only NER from stanza. Otherwise the English models in
    ``settings.stanza_dir`` are loaded (``download_method=None``) and stanza also tokenizes and
    splits sentences.
    """

    name = "stanza"

    def __init__(self, settings: Settings, nlp: Language | None = None):
        # stanza first: missing models fail at once, before spaCy loads.
        self.pipe, self.model_name, self.pretokenized = load_stanza(settings)
        self.nlp = nlp or load_nlp(settings)
        self.kb = self.nlp.get_pipe("country_linker").kb
        import stanza

        self.model = {"name": "stanza:" + self.model_name, "version": stanza.__version__}
        self.source = "stanza:" + self.model_name
        self.produced_by = {
            "engine": "stanza",
            "stanza": {"version": stanza.__version__, "ner_model": self.model_name,
                       "sentences": "spacy (pretokenized input)" if self.pretokenized else "stanza",
                       "claims_parse": "spacy"},
        }
        self._disable = [p for p in _SPACY_NER_PIPES if p in self.nlp.pipe_names]

    def memory_zone(self):
        return self.nlp.memory_zone()

    def analyse(self, texts: Iterable[str], batch_size: int) -> Iterator[ParagraphAnalysis]:
        if self.pretokenized:
            for doc in self.nlp.pipe(texts, batch_size=batch_size, disable=self._disable):
                yield self._pretokenized(doc)
        else:
            for text in texts:
                yield self._raw(text)

    def _pretokenized(self, doc: Doc) -> ParagraphAnalysis:
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        token_lists = [[t for t in s if not t.is_space] for s in doc.sents]
        token_lists = [toks for toks in token_lists if toks]
        entities: list[EntitySpan] = []
        if token_lists:
            result = self.pipe([[t.text for t in toks] for toks in token_lists])
            for toks, sent in zip(token_lists, result.sentences):
                for ent in sent.ents:
                    first, last = toks[ent.tokens[0].id[0] - 1], toks[ent.tokens[-1].id[0] - 1]
                    entities.append(EntitySpan(first.idx, last.idx + len(last), ent.type, self.source))
        return self._finish(doc, sentences, entities)

    def _raw(self, text: str) -> ParagraphAnalysis:
        result = self.pipe(text)
        spans = [(s.tokens[0].start_char, s.tokens[-1].end_char) for s in result.sentences if s.tokens]
        spans = attach_markers(text, spans)
        entities = [EntitySpan(e.start_char, e.end_char, e.type, self.source) for e in result.ents
                    if not _MARKER.search(text[e.start_char:e.end_char])]
        # spaCy parses the paragraph with stanza's sentence boundaries fixed in advance.
        doc = self.nlp.make_doc(text)
        starts = {s for s, _ in spans}
        for token in doc[1:]:
            token.is_sent_start = token.idx in starts
        doc = self.nlp(doc, disable=self._disable)
        return self._finish(doc, spans, entities)

    @staticmethod
    def _finish(doc: Doc, sentences, entities) -> ParagraphAnalysis:
        spans = [doc.char_span(e.start, e.end, label=e.label) for e in entities]
        doc.ents = filter_spans([s for s in spans if s is not None])
        return ParagraphAnalysis(sentences, entities, doc)


def load_stanza(settings: Settings):
    """(pipeline, model name, pretokenized). Never downloads; missing models fail at once."""
    import logging

    import stanza

    logging.getLogger("stanza").setLevel(logging.ERROR)
    if settings.stanza_ner_model:
        model = Path(settings.stanza_ner_model)
        pretrain = Path(settings.stanza_pretrain) if settings.stanza_pretrain else None
        for path in (model, pretrain):
            if path is None or not path.is_file():
                raise InputError(path or model, "stanza NER model or its pretrain file (--stanza-pretrain) not found")
        model_dir = Path(settings.stanza_dir) if settings.stanza_dir else model.parent
        if not (model_dir / "resources.json").is_file():
            raise InputError(model_dir, "no resources.json (a file holding {} is enough offline)")
        pipe = stanza.Pipeline(
            lang="en", dir=str(model_dir), processors="tokenize,ner", download_method=None,
            allow_unknown_language=True, tokenize_pretokenized=True,
            ner_model_path=str(model), ner_pretrain_path=str(pretrain), use_gpu=False, logging_level="ERROR",
        )
        return pipe, model.stem, True
    model_dir = Path(settings.stanza_dir) if settings.stanza_dir else default_stanza_dir()
    if not (model_dir / "resources.json").is_file() or not (model_dir / "en" / "ner").is_dir():
        raise StanzaModelsMissing(model_dir)
    try:
        pipe = stanza.Pipeline(lang="en", dir=str(model_dir), processors="tokenize,ner",
                               download_method=None, logging_level="ERROR")
    except Exception as err:  # a partial or damaged install: the same one line
        raise StanzaModelsMissing(model_dir) from err
    ner = pipe.processors.get("ner")
    name = Path(ner.config.get("model_path", "ner")).stem if ner is not None else "ner"
    return pipe, name, False


def load_engine(settings: Settings, nlp: Language | None = None) -> Engine:
    if settings.engine == "stanza":
        return StanzaEngine(settings, nlp)
    if settings.engine != "spacy":
        raise ValueError(f"unknown engine {settings.engine!r}; choose one of {', '.join(ENGINES)}")
    return SpacyEngine(settings, nlp)


__all__ = ["ENGINES", "EntitySpan", "ParagraphAnalysis", "Engine", "SpacyEngine", "StanzaEngine",
           "StanzaModelsMissing", "attach_markers", "load_engine"]
