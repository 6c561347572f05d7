"""The dependency labels and tags the claim rules read, as one object loaded from a data file.

The rules name a grammatical relation by its role (``labels.prep``, ``labels.subjects``); the
file (``data/label_schemes/clear.json`` for spaCy's English models) says which label the parser
gives it, so a model with another label scheme plugs in through the config
(``paths.label_scheme``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.settings import DATA_DIR

DEFAULT_SCHEME = DATA_DIR / "label_schemes" / "clear.json"


@dataclass(frozen=True)
class LabelScheme:
    # single dependency labels, by role
    acl: str
    acomp: str
    advcl: str
    advmod: str
    agent: str
    amod: str
    appos: str
    attr: str
    aux: str
    auxpass: str
    cc: str
    ccomp: str
    compound: str
    conj: str
    csubj: str
    det: str
    dobj: str
    mark: str
    neg: str
    nsubj: str
    nsubjpass: str
    oprd: str
    pcomp: str
    pobj: str
    poss: str
    prep: str
    prt: str
    relcl: str
    xcomp: str
    # sets of labels and tags
    subjects: frozenset  # the subject relations
    chain: frozenset  # the cue shares its clause's subject and negation through these
    nonfinite_tags: frozenset  # a non-finite verb takes the subject of the verb above it
    participle_tag: str
    plural_noun_tag: str
    victim_preps: frozenset  # "the invasion of / aggression against / attacks on / the war in X"
    object_preps: frozenset  # what a punishment is aimed at

    @classmethod
    def from_path(cls, path: str | Path) -> "LabelScheme":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        values = dict(data["deps"])
        for f in fields(cls):
            if f.name in values:
                continue
            if f.name not in data:
                raise ValueError(f"{path}: label scheme has no {f.name!r}")
            value = data[f.name]
            values[f.name] = frozenset(value) if isinstance(value, list) else value
        missing = [f.name for f in fields(cls) if f.name not in values]
        if missing:
            raise ValueError(f"{path}: label scheme has no {', '.join(missing)}")
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    @property
    def modifiers(self) -> tuple[str, str, str]:
        """A noun's modifiers that can name its doer: "Russian", "Russia's", "Russia" (compound)."""
        return (self.amod, self.poss, self.compound)
