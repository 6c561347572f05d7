"""Every collection through every door: the API, the exports, the audit and the report read the
statements' gzip layers and their gold as they read the articles, and a truncated or corrupt
gzip layer is one line everywhere, never a partial read."""

import gzip
import json
import shutil

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from pipeline import Corpus
from pipeline.cli import app
from pipeline.io import BUILD_FILE, LayerReadError, file_sha256, read_jsonl
from pipeline.quality.audit import validate_dir

ANN = ROOT / "annotations"
UNGD_DOCS = 385
# Every collection the committed build holds, and its counts.
BUILT = json.loads((ANN / BUILD_FILE).read_text(encoding="utf-8"))["collections"]
ALL_DOCS = sum(c["counts"]["documents"] for c in BUILT.values())
NAMES = ", ".join(sorted(BUILT))
runner = CliRunner()


def gz_rows(path):
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus():
    return Corpus.load(ANN)


def test_api_reads_every_collection(corpus):
    ungd_claims = gz_rows(ANN / "ungd" / "claims.jsonl.gz")
    assert len(corpus.documents) == ALL_DOCS and corpus.collections == sorted(BUILT)
    pol = corpus.claims(actor="POL")
    assert [(c.sent_id, c.target) for c in pol] == [
        (r["sent_id"], r["target"]) for r in ungd_claims if r["actor"] == "POL"
    ]
    assert pol and {c.collection for c in pol} == {"ungd"}
    doc = corpus.document("POL_77_2022")
    assert doc.collection == "ungd" and doc.sentences[0].collection == "ungd" and doc.entities[0].collection == "ungd"
    assert corpus.document(pol[0].doc_id).sentence_of(pol[0]).sent_id == pol[0].sent_id
    # Each collection's gold and the statements' machine-coded layer, as the build writes them.
    gold_rows = gz_rows(ANN / "ungd" / "gold" / "claims.jsonl.gz")
    assert len(corpus.claims("gold", collection="ungd")) == len(gold_rows) == 1944
    assert len(corpus.claims("gold", collection="articles")) == 189
    assert len(corpus.claims("gold", collection="passages")) == 210
    machine = corpus.claims("machine")
    assert len(machine) == len(gz_rows(ANN / "ungd" / "machine" / "claims.jsonl.gz")) and {
        c.collection for c in machine
    } == {"ungd"}
    # Filters: layer, collection, actor, target, year, conflict.
    in_2023 = corpus.claims(collection="ungd", year=2023, target="RUS")
    assert in_2023 and all(c.doc_id.endswith("_2023") and c.target == "RUS" for c in in_2023)
    assert (
        len(corpus.claims("auto"))
        == len(corpus.claims("automatic"))
        == sum(c["counts"]["claims"] for c in BUILT.values())
    )
    war = corpus.claims(conflict="russia_ukraine", collection="ungd")
    assert war and {c.conflict for c in war} == {"russia_ukraine"} and len(war) < len(ungd_claims)
    assert corpus.claims(conflict="no_such_conflict") == []
    with pytest.raises(ValueError, match="layer must be one of"):
        corpus.claims("silver")


def test_api_loads_one_collection_folder():
    c = Corpus.load(ANN / "ungd")
    assert len(c.documents) == UNGD_DOCS and c.collections == ["ungd"]
    assert len(c.claims("gold")) == 1944 and len(c.claims("machine")) > 7000


def test_export_every_collection_and_one(tmp_path):
    res = runner.invoke(app, ["export", "--annotations", str(ANN), "--format", "dna", "--out", str(tmp_path / "all")])
    assert res.exit_code == 0, res.output
    assert f"documents={ALL_DOCS}" in res.output
    res = runner.invoke(
        app, ["export", "--annotations", str(ANN), "--format", "dna", "--collection", "ungd", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0 and f"documents={UNGD_DOCS} " in res.output, res.output
    res = runner.invoke(app, ["export", "--annotations", str(ANN / "ungd"), "--format", "brat", "--out", str(tmp_path)])
    assert res.exit_code == 0 and f"documents={UNGD_DOCS} " in res.output, res.output
    res = runner.invoke(
        app, ["export", "--annotations", str(ANN), "--format", "dna", "--collection", "nobody", "--out", str(tmp_path)]
    )
    assert res.exit_code == 1
    assert res.output == f"error: {ANN}: no document in collection 'nobody' (collections: {NAMES})\n"


@pytest.mark.parametrize("layer,rows", [("gold", 1944), ("machine", None)])
def test_export_coded_layers_of_the_statements(layer, rows):
    from pipeline.export.common import load_corpus

    bundles = load_corpus(ANN, layer, collection="ungd")
    claims = [c for b in bundles for c in b.claims]
    # Every coded position is located in the cleaned text of its statement.
    assert len(claims) == (rows or len(gz_rows(ANN / "ungd" / layer / "claims.jsonl.gz")))
    for b in bundles:
        for c in b.claims:
            assert b.text[c["start"] : c["end"]] == c["text"]


def _copy(tmp_path):
    copy = tmp_path / "ann"
    shutil.copytree(ANN, copy, ignore=shutil.ignore_patterns("parquet", "hf", ".cache"))
    return copy


def _refresh_build(copy):
    state = json.loads((copy / BUILD_FILE).read_text())
    state["files"] = {rel: file_sha256(copy / rel) for rel in state["files"] if (copy / rel).is_file()}
    (copy / BUILD_FILE).write_text(json.dumps(state))


def test_audit_finds_corrupted_statement_rows(tmp_path):
    copy = _copy(tmp_path)
    path = copy / "ungd" / "claims.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    edits = {3: {"stance": "favor"}, 10: {"actor": "XXX"}, 20: {"start": 10**6}}
    for i, change in edits.items():
        lines[i] = json.dumps({**json.loads(lines[i]), **change}, ensure_ascii=False)
    lines[30] = lines[30][:-5]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    _refresh_build(copy)  # the files as a build would list them: only the rows can tell
    res = runner.invoke(app, ["audit", str(copy)])
    assert res.exit_code == 1
    found = {line.split(": ")[0] for line in res.stdout.splitlines()}
    assert {f"{copy}/ungd/claims.jsonl.gz:{n}" for n in (4, 11, 21, 31)} <= found, res.stdout
    assert "stance" in res.stdout and "'XXX' is not an ISO 3166-1 alpha-3 code" in res.stdout


def test_audit_checks_the_machine_coded_rows(tmp_path):
    copy = _copy(tmp_path)
    path = copy / "ungd" / "machine" / "claims.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    lines[2] = json.dumps({**json.loads(lines[2]), "stance": "pro"}, ensure_ascii=False)
    lines[4] = json.dumps({**json.loads(lines[4]), "end": 10**7}, ensure_ascii=False)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    found = {(v.file, v.line) for v in validate_dir(copy)}
    assert {("ungd/machine/claims.jsonl.gz", n) for n in (3, 5)} <= found, found


def test_audit_checks_the_gold_positions(tmp_path):
    copy = _copy(tmp_path)
    path = copy / "gold" / "ungd" / "claims.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({**json.loads(lines[0]), "stance": "pro"})
    lines[5] = json.dumps({**json.loads(lines[5]), "span_end": json.loads(lines[5])["end"] + 50})
    lines[7] = json.dumps({**json.loads(lines[7]), "target": "org:Not An Id"})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {(v.file, v.line) for v in validate_dir(copy)}
    assert {("gold/ungd/claims.jsonl", n) for n in (1, 6, 8)} <= found


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_truncated_gzip_is_one_line_everywhere(tmp_path):
    copy = _copy(tmp_path)
    layer = copy / "ungd" / "claims.jsonl.gz"
    _truncate(layer)
    with pytest.raises(LayerReadError, match="not a complete gzip file"):
        list(read_jsonl(layer))
    with pytest.raises(LayerReadError, match="not a complete gzip file"):
        Corpus.load(copy)
    audit = runner.invoke(app, ["audit", str(copy)])
    assert audit.exit_code == 1
    assert f"{copy}/ungd/claims.jsonl.gz:0: -: not a complete gzip file" in audit.stdout
    for args in (
        ["report", "--annotations", str(copy), "--out", str(tmp_path / "report")],
        ["export", "--annotations", str(copy), "--format", "parquet", "--out", str(tmp_path / "pq")],
        ["export", "--annotations", str(copy), "--format", "dna", "--out", str(tmp_path / "dna")],
        ["evaluate", "--annotations", str(copy), "--collection", "ungd"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 1, (args, res.output)
        assert res.output.count("\n") == 1 and res.output.startswith(f"error: {layer}: not a complete gzip file")
    assert not (tmp_path / "report").exists() or not any((tmp_path / "report").rglob("*.html"))


def test_hf_folder_to_upload_holds_no_withheld_text(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "upload"
    res = runner.invoke(app, ["export", "--annotations", str(ANN), "--format", "hf", "--out", str(out)])
    assert res.exit_code == 0, res.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "README.md" in files and "LICENSE.md" in files
    assert all(f in ("README.md", "LICENSE.md") or f.startswith("parquet/") for f in files), files
    # The withheld report's sentences (from the layers) appear in no cell of any file.
    withheld = [s["text"] for s in read_jsonl(ANN / "sentences.jsonl") if s["doc_id"] == "besa2023_central_asia"]
    withheld = [t for t in withheld if len(t) >= 40]
    assert len(withheld) > 100
    for f in files:
        path = out / f
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            text = json.dumps([table.column(c).to_pylist() for c in table.column_names], ensure_ascii=False)
        else:
            text = path.read_text(encoding="utf-8")
        assert not [t for t in withheld if t in text], f
    # The card says to upload what this command builds.
    card = (ANN / "README.md").read_text(encoding="utf-8")
    assert "stance-corpus export --format hf --out DIR" in card
    res = runner.invoke(app, ["export", "--annotations", str(ANN), "--format", "hf"])
    assert res.exit_code == 1 and "--format hf needs --out DIR" in res.output


def test_audit_and_report_take_one_collection(tmp_path):
    res = runner.invoke(app, ["audit", str(ANN), "--collection", "ungd"])
    assert res.exit_code == 0 and res.stdout == "", res.output
    for args in (["audit", str(ANN)], ["report", "--annotations", str(ANN), "--out", str(tmp_path / "r")]):
        res = runner.invoke(app, [*args, "--collection", "nobody"])
        assert res.exit_code == 1
        assert res.output == f"error: {ANN}: no collection 'nobody' (collections: {NAMES})\n"
    res = runner.invoke(
        app, ["report", "--annotations", str(ANN), "--out", str(tmp_path / "r"), "--collection", "articles"]
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["articles", "index.html"]
