import importlib.util
import json
from pathlib import Path

import pytest

from pipeline.build import Annotator
from pipeline.ingest.manifest import read_manifest
from pipeline.publish import annotate_to_dir

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "besa2023_central_asia"


@pytest.fixture(scope="session")
def build_kb():
    """``scripts/build_kb.py`` as a module (a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_kb", ROOT / "scripts" / "build_kb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def annotator():
    return Annotator()


@pytest.fixture(scope="session")
def built(annotator, tmp_path_factory):
    """A fresh build of corpus/ (what `stance-corpus build` writes), in a temporary folder."""
    out = tmp_path_factory.mktemp("annotations")
    annotate_to_dir(read_manifest(ROOT / "corpus", only=["articles"]), out, annotator, progress=False)
    return out


@pytest.fixture(scope="session")
def layers(built):
    return {name: load(built / f"{name}.jsonl") for name in ("documents", "sentences", "entities", "claims")}


@pytest.fixture(scope="session")
def seed(layers):
    return next(d for d in layers["documents"] if d["doc_id"] == SEED_ID)
