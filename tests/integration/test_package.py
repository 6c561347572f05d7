"""`save-pipeline --package` builds a wheel that works in a fresh virtual environment (no system
site-packages, nothing of this project's environment): installed with its requirements only,
`spacy.load("en_stance_corpus")` gives the claims and QIDs of the pipeline here, and the
DocBin export's `spacy train` config (which names the project's tokenizer) resolves."""

import json
import subprocess
import sys
import venv

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

TEXT = "We condemn the Russian invasion of Ukraine and thank Kazakhstan for its support."
PROBE = """
import json, sys, spacy
nlp = spacy.load("en_stance_corpus")
doc = nlp.make_doc(sys.argv[1])
doc._.speaker = "POL"
doc = nlp(doc)
print(json.dumps({
    "claims": [[s._.actor, s._.target, s._.stance] for s in doc.spans["claims"]],
    "ents": [[e.text, e.kb_id_] for e in doc.ents],
    "meta": nlp.meta["name"], "modules": sorted(m for m in ("pipeline", "torch", "stanza", "datasets") if m in sys.modules),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("package")
    res = CliRunner().invoke(app, ["save-pipeline", str(tmp / "nlp"), "--package", str(tmp / "pkg")])
    assert res.exit_code == 0, res.output
    (wheel,) = (tmp / "pkg" / "dist").glob("en_stance_corpus-*.whl")
    meta = json.loads((tmp / "nlp" / "meta.json").read_text())
    assert meta["name"] == "stance_corpus" and meta["license"].startswith("MIT") and meta["requirements"]
    env = tmp / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env)
    py = env / "bin" / "python"
    run = subprocess.run([py, "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return tmp, py


def test_the_package_loads_in_a_fresh_environment(installed, annotator):
    _, py = installed
    isolated = subprocess.run(
        [py, "-c", "import sys; print(sys.prefix != sys.base_prefix)"], capture_output=True, text=True
    )
    assert isolated.stdout.strip() == "True"
    run = subprocess.run([py, "-c", PROBE, TEXT], capture_output=True, text=True, cwd=installed[0])
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout)
    doc = annotator.nlp.make_doc(TEXT)
    doc._.speaker = "POL"
    doc = annotator.nlp(doc)
    assert got["claims"] == [[s._.actor, s._.target, s._.stance] for s in doc.spans["claims"]]
    assert got["claims"] and ["Ukraine", "Q212"] in got["ents"]
    assert got["meta"] == "stance_corpus" and "torch" not in got["modules"] and "pipeline" in got["modules"]


def test_the_docbin_config_resolves_there(installed, tmp_path):
    from tests.unit.export.conftest import build

    _, py = installed
    ann = build(tmp_path / "annotations")
    res = CliRunner().invoke(app, ["export", "--annotations", str(ann), "--format", "spacy", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    run = subprocess.run(
        [py, "-m", "spacy", "debug", "config", "config.cfg"], capture_output=True, text=True, cwd=tmp_path / "spacy"
    )
    assert run.returncode == 0 and "Config is valid" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    assert sys.executable != str(py)
