"""Reading files: encodings, NUL bytes, directories, links, and the one-line errors."""

import codecs
import os

import pytest

from pipeline.errors import InputError
from pipeline.ingest.clean import clean, load_debris_patterns
from pipeline.ingest.sources import read_source
from pipeline.settings import Settings

TEXT = "Kazakhstan refused to join the sanctions.\nUzbekistan kept its embassy in Kyiv open.\n"
DEBRIS = load_debris_patterns(Settings().debris_path)


def error_of(path) -> str:
    with pytest.raises(InputError) as err:
        clean(read_source(path), DEBRIS)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message[len(f"{path}: ") :]


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf16le", "utf16be", "utf32le", "utf32be", "utf8bom", "crlf"],
)
def test_byte_order_marks_are_decoded(tmp_path, encoded):
    path = tmp_path / "statement.txt"
    path.write_bytes(encoded)
    source = read_source(path)
    assert [line.text for line in source.lines] == TEXT.split("\n")
    cleaned = clean(source, DEBRIS)
    assert cleaned.text == "Kazakhstan refused to join the sanctions.\n\nUzbekistan kept its embassy in Kyiv open."


def test_utf16_html_is_decoded(tmp_path):
    path = tmp_path / "page.html"
    html = (
        "<html><head><title>Kazakhstan’s line</title></head><body><article><h1>Kazakhstan’s line</h1>"
        "<p>Astana refused to recognise the annexation of Crimea and said so at the United Nations.</p>"
        "</article></body></html>"
    )
    path.write_bytes(html.encode("utf-16"))
    cleaned = clean(read_source(path), DEBRIS)
    assert cleaned.header["title"] == "Kazakhstan’s line"
    assert cleaned.text == "Astana refused to recognise the annexation of Crimea and said so at the United Nations."


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "the file is empty"),
        (b" \n\t\r\n  ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "the file is binary (NUL bytes), expected UTF-8 text or HTML"),
        (b"\x00" * 64, "the file is binary (NUL bytes), expected UTF-8 text or HTML"),
        (
            b"Kazakhstan refused.\x00\nUzbekistan agreed.\n",
            "NUL byte inside the text (character offset 19); the file is damaged or mis-saved, remove the NUL bytes",
        ),
        (
            "Kazakhstan refused to join the sanctions.".encode("utf-16-le"),
            "NUL bytes between the characters: UTF-16 without a byte-order mark; save it as UTF-8 or as UTF-16 with a BOM",
        ),
        (codecs.BOM_UTF16_LE + b"K\x00\x00\xd8", "not valid UTF-16 after its byte-order mark (at byte offset 4)"),
        (
            "Kazakhstan’s position".encode("utf-8").replace(b"\xe2\x80\x99", b"\x92"),
            "not valid UTF-8 (byte 0x92 at offset 10)",
        ),
    ],
    ids=["empty", "whitespace", "png", "all-nul", "nul-inside", "utf16-no-bom", "bad-utf16", "cp1252"],
)
def test_undecodable_files_are_one_line_errors(tmp_path, data, expected):
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    assert error_of(path) == expected


def test_directory_is_named_as_such(tmp_path):
    folder = tmp_path / "articles.txt"
    folder.mkdir()
    assert error_of(folder) == "is a directory, expected a .txt or .html file"


def test_symlink_loop_and_broken_link(tmp_path):
    loop = tmp_path / "loop.txt"
    os.symlink(loop.name, loop)
    assert error_of(loop) == "symlink loop (the link resolves to itself)"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    os.symlink(b.name, a)
    os.symlink(a.name, b)
    assert error_of(a) == "symlink loop (the link resolves to itself)"
    broken = tmp_path / "broken.txt"
    os.symlink("gone.txt", broken)
    assert error_of(broken) == "broken symlink (points to gone.txt, which does not exist)"
    assert error_of(tmp_path / "missing.txt") == "no such file"


def test_symlink_to_a_file_is_read(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text(TEXT, encoding="utf-8")
    link = tmp_path / "link.txt"
    os.symlink(target.name, link)
    assert clean(read_source(link), DEBRIS).text.startswith("Kazakhstan refused")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "article.pdf"
    path.write_bytes(b"%PDF-1.7")
    assert error_of(path).startswith("unsupported file type .pdf; expected one of")


def test_html_in_a_declared_legacy_charset(tmp_path):
    path = tmp_path / "legacy.html"
    html = (
        '<html><head><meta charset="windows-1252"><title>Kazakhstan’s line</title></head><body><article>'
        "<p>Kazakhstan’s foreign ministry said that Astana would not recognise the referendums.</p>"
        "</article></body></html>"
    )
    path.write_bytes(html.encode("cp1252"))
    cleaned = clean(read_source(path), DEBRIS)
    assert cleaned.text == "Kazakhstan’s foreign ministry said that Astana would not recognise the referendums."


def test_manifest_names_a_directory_and_lets_links_through(tmp_path):
    from pipeline.ingest.manifest import read_manifest

    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "manifest.jsonl").write_text('{"doc_id": "a", "file": "folder.txt"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_manifest(tmp_path)
    assert str(err.value) == f"{tmp_path / 'manifest.jsonl'}:1: file 'folder.txt' in {tmp_path} is a directory"
    os.symlink("loop.txt", tmp_path / "loop.txt")
    (tmp_path / "manifest.jsonl").write_text('{"doc_id": "b", "file": "loop.txt"}\n', encoding="utf-8")
    [item] = read_manifest(tmp_path)
    assert error_of(item.path) == "symlink loop (the link resolves to itself)"
