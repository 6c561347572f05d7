"""pipeline.io: serialised rows, deterministic gzip, the staged folder swap and build.json checks."""

import gzip
import json
import os

import pytest

from pipeline.io import (
    BUILD_FILE,
    LayerWriter,
    check_build_files,
    dumps,
    file_sha256,
    recover_tree,
    staged_tree,
    staging_paths,
)

ROWS = [{"doc_id": "a", "text": "Kazakhstan\u2028and Russia"}, {"doc_id": "b", "n": 2}]


@pytest.mark.parametrize("compress", [False, True])
def test_serialised_lines_give_the_same_bytes_as_records(tmp_path, compress):
    for name, use_lines in (("records", False), ("lines", True)):
        with LayerWriter(tmp_path / name, ["documents"], compress=compress) as w:
            if use_lines:
                w.write_lines("documents", "".join(dumps(r) + "\n" for r in ROWS), len(ROWS))
            else:
                w.write("documents", ROWS)
            w.commit()
        assert w.counts == {"documents": 2}
    suffix = ".jsonl.gz" if compress else ".jsonl"
    a, b = (tmp_path / n / f"documents{suffix}" for n in ("records", "lines"))
    assert a.read_bytes() == b.read_bytes()
    text = gzip.decompress(a.read_bytes()).decode() if compress else a.read_text()
    assert text.splitlines()[0] == '{"doc_id": "a", "text": "Kazakhstan\\u2028and Russia"}'
    assert [json.loads(line) for line in text.splitlines()] == ROWS


def test_staged_tree_swaps_at_once_and_keeps_unchanged_files(tmp_path):
    out = tmp_path / "ann"
    (out / "sub").mkdir(parents=True)
    (out / "keep.txt").write_text("kept")
    (out / "sub" / "layer.jsonl").write_text("old\n")
    kept_inode = (out / "keep.txt").stat().st_ino
    with staged_tree(out) as stage:
        (stage / "sub" / "layer.jsonl").unlink()  # hard link: replace, never edit in place
        (stage / "sub" / "layer.jsonl").write_text("new\n")
        assert (out / "sub" / "layer.jsonl").read_text() == "old\n"  # not visible yet
    assert (out / "sub" / "layer.jsonl").read_text() == "new\n"
    assert (out / "keep.txt").stat().st_ino == kept_inode
    assert not any(p.exists() for p in staging_paths(out))


def test_a_failed_stage_leaves_the_old_folder(tmp_path):
    out = tmp_path / "ann"
    out.mkdir()
    (out / "layer.jsonl").write_text("old\n")
    with pytest.raises(RuntimeError):
        with staged_tree(out) as stage:
            (stage / "layer.jsonl").unlink()
            (stage / "layer.jsonl").write_text("half")
            raise RuntimeError("killed")
    assert (out / "layer.jsonl").read_text() == "old\n"
    assert not any(p.exists() for p in staging_paths(out))


def test_recover_puts_back_the_old_folder_and_removes_leftovers(tmp_path):
    out = tmp_path / "ann"
    staging, old = staging_paths(out)
    old.mkdir()
    (old / "layer.jsonl").write_text("old\n")
    staging.mkdir()
    (staging / "layer.jsonl").write_text("new, unfinished\n")
    recover_tree(out)  # killed between the two renames of the fallback
    assert (out / "layer.jsonl").read_text() == "old\n"
    assert not staging.exists() and not old.exists()
    (out / ".layer.jsonl.x1.tmp").write_text("part")
    recover_tree(out)
    assert sorted(os.listdir(out)) == ["layer.jsonl"]


def test_build_file_check_names_missing_and_changed_files(tmp_path):
    (tmp_path / "a.jsonl").write_text("a\n")
    (tmp_path / "b.jsonl").write_text("b\n")
    state = {
        "files": {
            "a.jsonl": file_sha256(tmp_path / "a.jsonl"),
            "b.jsonl": file_sha256(tmp_path / "b.jsonl"),
            "c.jsonl": "0" * 64,
        }
    }
    (tmp_path / BUILD_FILE).write_text(json.dumps(state))
    (tmp_path / "b.jsonl").write_text("b changed\n")
    assert check_build_files(tmp_path) == [("b.jsonl", "sha256 differs from build.json"), ("c.jsonl", "missing")]


def test_once_per_file_shares_one_object_per_version_of_a_file(tmp_path):
    from pipeline.io import once_per_file

    reads = []
    load = once_per_file(lambda path: reads.append(path) or path.read_text(encoding="utf-8").split())
    path = tmp_path / "words.txt"
    path.write_text("a b", encoding="utf-8")
    first = load(path)
    assert load(str(path)) is first and load(tmp_path / "." / "words.txt") is first  # one resolved path
    assert len(reads) == 1
    path.write_text("a b c", encoding="utf-8")  # a new version (another size) is read again
    assert load(path) == ["a", "b", "c"] and len(reads) == 2
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.txt")


def test_the_pipeline_reads_the_knowledge_base_once(annotator):
    from pipeline.nlp.kb import load_kb
    from pipeline.nlp.parties import default_kb
    from pipeline.settings import DATA_DIR

    linker = annotator.nlp.get_pipe("country_linker")
    assert linker.kb is load_kb(DATA_DIR / "country_kb.jsonl") is default_kb()
