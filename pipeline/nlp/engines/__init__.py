"""Engines: each builds the spaCy pipeline that gives sentences, entities and the parse.

An engine is a function ``(settings) -> Language`` registered in ``pipeline.registry.engines``;
everything after it (country linking, claims, records, layers) is shared. Adding one is one
module with ``@engines.register("name")`` plus its line in ``registry._BUILTIN``.
"""
