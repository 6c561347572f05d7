"""Imports every module that registers a spaCy factory of this package.

``spacy.load`` finds the factories through the ``spacy_factories`` entry points in
``pyproject.toml``; code that builds a pipeline imports this module instead.
"""

import pipeline.nlp.attribute_ruler  # noqa: F401
import pipeline.nlp.claims  # noqa: F401
import pipeline.nlp.conflicts  # noqa: F401
import pipeline.nlp.country_linker  # noqa: F401
import pipeline.nlp.encoder  # noqa: F401
import pipeline.nlp.entity_ruler  # noqa: F401
import pipeline.nlp.markers  # noqa: F401
import pipeline.nlp.stance  # noqa: F401
