"""Property-based fuzzing of `annotate`: generated inputs (random Unicode, brackets and `[n]`
markers, notes lists, HTML fragments, long lines, other encodings) never crash the pipeline;
bad input is one InputError line naming the file, and every output written passes `audit`."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest.manifest import DocInput
from pipeline.publish import annotate_to_dir
from pipeline.quality.audit import validate_dir

WORDS = [
    "Kazakhstan",
    "Russia",
    "Ukraine",
    "condemned",
    "supported",
    "the",
    "war",
    "We",
    "refused",
    "to",
    "recognise",
    "Crimea",
    "Moscow",
    "neutral",
    "sanctions",
    "and",
    "Tokayev",
    "said",
    "U.S.",
    "3.5",
]
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.text(min_size=1, max_size=12),  # any Unicode, control characters and astral planes included
    st.integers(0, 30).map(lambda n: f"[{n}]"),
    st.sampled_from(["[", "]", "[]", "[[1]]", ".", ". ", "\n", "\n\n", "\t", " ", "\u2028", "\u00a0", "—", "“", "”"]),
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<sup>1</sup>",
            "<sup>[2]</sup>",
            '<a href="#fn1">1</a>',
            "<h1>T</h1>",
            "<ol><li>Note ↩</li></ol>",
            "<br>",
            "&amp;",
            "<script>x</script>",
        ]
    ),
)
LINES = st.lists(st.lists(PIECES, max_size=25).map(" ".join), max_size=12)
NOTES = st.lists(st.integers(1, 5).map(lambda n: f"[{n}] A note, https://example.org/{n}"), max_size=4)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1", "cp1252"])


@st.composite
def documents(draw):
    lines = draw(LINES)
    if draw(st.booleans()):
        lines += ["Notes"] + draw(NOTES)
    if draw(st.integers(0, 20)) == 0:
        lines.append(" ".join(draw(st.sampled_from(WORDS)) for _ in range(3000)))  # one long line
    text = "\n".join(lines)
    suffix = draw(st.sampled_from([".txt", ".txt", ".html"]))
    if suffix == ".html" and draw(st.booleans()):
        text = f"<html><head><title>t</title></head><body>{text}</body></html>"
    encoding = draw(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 30)) == 0:
        data = data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :]
    return suffix, data


@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(doc=documents())
def test_annotate_never_crashes_and_what_it_writes_passes_audit(doc, annotator, tmp_path_factory):
    suffix, data = doc
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    out = folder / "out"
    try:
        annotate_to_dir([DocInput(path, "fuzz")], out, annotator, progress=False)
    except InputError as err:
        message = str(err)
        assert "\n" not in message and message.startswith(str(path))
        assert not any(out.glob("*.jsonl")) and not any(out.glob(".*.tmp"))  # nothing half written
    else:
        assert validate_dir(out) == [], data[:200]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_written_layers_escape_unicode_line_breaks(annotator, tmp_path: Path):
    path = tmp_path / "seps.txt"
    path.write_text("Kazakhstan condemned\u2028Russia.\u2029 Then\x85 Uzbekistan spoke.\n", encoding="utf-8")
    annotate_to_dir([DocInput(path, "seps")], tmp_path / "out", annotator, progress=False)
    for layer in (tmp_path / "out").glob("*.jsonl"):
        raw = layer.read_bytes().decode("utf-8")
        assert not {"\u2028", "\u2029", "\x85"} & set(raw)
        assert len(raw.splitlines()) == raw.count("\n")  # str.splitlines agrees with the newlines
    assert validate_dir(tmp_path / "out") == []
