"""The assembled pipeline as a pip-installable package (``stance-corpus save-pipeline --package``).

``spacy package`` writes the package folder (``en_stance_corpus-<version>/``: ``setup.py``,
``meta.json`` and the pipeline's files); the project's code goes in beside it, since the
components, the tokenizer and the registered functions live in ``pipeline``. The package then
declares what spaCy finds through entry points (the ``spacy_factories``, ``spacy_tokenizers``
and ``spacy_misc`` of this project, read from its installed metadata) and requires only what the
components import at run time (``RUNTIME``, pinned as the project pins them). ``pip wheel``
builds the wheel. In a fresh virtual environment, ``pip install en_stance_corpus-….whl`` then
``spacy.load("en_stance_corpus")`` gives the same rows as ``annotate``, and a ``spacy train``
config that names ``stance_corpus.marker_tokenizer.v1`` (the DocBin export's) resolves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import pipeline

NAME = "stance_corpus"
DIST = "stance-corpus"
# What the components import (and what spaCy itself requires).
RUNTIME = ("spacy", "pydantic", "pycountry", "jsonlines")
ENTRY_GROUPS = ("spacy_factories", "spacy_tokenizers", "spacy_misc")
PACKAGE_DATA = ["data/*", "data/*/*", "data/*/*/*", "nlp/config.cfg", "report/templates/*"]
SHIM = '''"""Registers the stance-corpus components, tokenizer and functions with spaCy."""

import pipeline.nlp.components  # noqa: F401
import pipeline.nlp.language  # noqa: F401
'''


def pinned(names: tuple[str, ...] = RUNTIME) -> list[str]:
    """The project's own pins (``name==version``) of ``names``."""
    wanted = {n.lower() for n in names}
    out = []
    for req in metadata.requires(DIST) or []:
        spec = req.split(";")[0].strip()
        if spec.split("==")[0].strip().lower() in wanted and "extra ==" not in req:
            out.append(spec)
    return sorted(out)


def meta_fields() -> dict:
    """What ``meta.json`` says about the pipeline (spaCy fills in the rest)."""
    return {
        "name": NAME,
        "version": pipeline.__version__,
        "description": "stance-corpus: sentences, country mentions linked to ISO 3166 and Wikidata, "
        "and (actor, target, stance) claims in doc.spans['claims']",
        "author": "stance-corpus",
        "license": "MIT (code); CC BY 4.0 (knowledge base and lexicons)",
        "requirements": pinned(),
    }


def entry_points() -> dict[str, list[str]]:
    """The project's spaCy entry points, as ``setup(entry_points=…)`` takes them."""
    eps = metadata.distribution(DIST).entry_points
    return {group: sorted(f"{e.name} = {e.value}" for e in eps if e.group == group) for group in ENTRY_GROUPS}


def _patch_setup(setup_py: Path) -> None:
    text = setup_py.read_text(encoding="utf-8")
    text = text.replace("from setuptools import setup", "from setuptools import find_packages, setup", 1)
    text = text.replace(
        "packages=[model_name],",
        "packages=[model_name] + find_packages(include=['pipeline', 'pipeline.*']),",
        1,
    )
    text = text.replace(
        "package_data={model_name: list_files(model_dir)},",
        f"package_data={{model_name: list_files(model_dir), 'pipeline': {PACKAGE_DATA!r}}},",
        1,
    )
    groups = ", ".join(f"{g!r}: {eps!r}" for g, eps in entry_points().items())
    text = text.replace(
        "entry_points={'spacy_models': ['{m} = {m}'.format(m=model_name)]}",
        f"entry_points={{'spacy_models': ['{{m}} = {{m}}'.format(m=model_name)], {groups}}}",
        1,
    )
    setup_py.write_text(text, encoding="utf-8")


def build_package(pipeline_dir: str | Path, out_dir: str | Path) -> Path:
    """Package the pipeline folder into ``out_dir`` (the package folder and ``dist/`` with its
    wheel); returns the wheel."""
    from spacy.cli.package import package

    pipeline_dir, out_dir = Path(pipeline_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shim = Path(tmp) / "stance_corpus_components.py"
        shim.write_text(SHIM, encoding="utf-8")
        package(
            pipeline_dir,
            out_dir,
            code_paths=[shim],
            name=NAME,
            version=pipeline.__version__,
            create_sdist=False,
            create_wheel=False,
            force=True,
            silent=True,
        )
    folder = out_dir / f"en_{NAME}-{pipeline.__version__}"
    # spaCy requires the distribution of every registered function the config names; this one's
    # code travels inside the package, with only its run-time requirements.
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    others = [r for r in meta.get("requirements", []) if not r.lower().startswith(DIST)]
    meta["requirements"] = sorted(set(others) | set(pinned()))
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    code = Path(pipeline.__file__).parent
    shutil.rmtree(folder / "pipeline", ignore_errors=True)
    shutil.copytree(code, folder / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _patch_setup(folder / "setup.py")
    dist = out_dir / "dist"
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(folder)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise RuntimeError(f"pip wheel {folder} failed: {run.stderr.strip().splitlines()[-1:]}")
    return next(dist.glob(f"en_{NAME}-{pipeline.__version__}-*.whl"))
