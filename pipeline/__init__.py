"""stance-corpus: policy articles to JSONL span layers.

The stages, in the order a document goes through them:

1. ``ingest``     read a .txt or .html file, reject bad input (``errors.InputError``)
2. ``clean``      drop site debris, lift the header, find sections/paragraphs/notes
3. ``footnotes``  find ``[n]`` markers and resolve them to the notes list
4. ``nlp``        the spaCy pipeline: sentences, NER, ``entity_ruler`` fixes from the
                  knowledge base (``kb``) and the ``country_linker`` (``link_countries``)
5. ``segment``    Docs to sentence and entity records with document offsets
6. ``claims``     claim and stance rows (rule-based annotator)
7. ``layers``     atomic, byte-stable JSONL writing

``build`` runs them over a corpus; ``cli`` is the ``stance-corpus`` command.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # ``from pipeline import Corpus`` without importing the API for every command.
    if name == "Corpus":
        from pipeline.api import Corpus

        return Corpus
    raise AttributeError(name)
