"""How a run's documents are cut into shards for the workers (``pipeline.executors.shard``)."""

from pathlib import Path

from pipeline.executors import Job, shard
from pipeline.ingest.manifest import DocInput


def _jobs(tmp_path: Path, sizes: list[int]) -> list[Job]:
    jobs = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"d{i}.txt"
        path.write_text("x" * size, encoding="utf-8")
        jobs.append(Job(DocInput(path, f"d{i}"), f"k{i}"))
    return jobs


def _ids(shards: list[list[Job]]) -> list[list[str]]:
    return [[j.item.doc_id for j in s] for s in shards]


def test_one_worker_gets_consecutive_shards_in_input_order(tmp_path):
    jobs = _jobs(tmp_path, [100] * 10)
    assert _ids(shard(jobs, 1)) == [["d0", "d1"], ["d2", "d3"], ["d4", "d5"], ["d6", "d7"], ["d8", "d9"]]


def test_a_pool_takes_the_longest_shard_first(tmp_path):
    # budget: 1,600 bytes / (8 * 2) = 100 bytes, so every document is a shard of its own
    jobs = _jobs(tmp_path, [100, 500, 300, 700])
    assert _ids(shard(jobs, 2)) == [["d3"], ["d1"], ["d2"], ["d0"]]


def test_a_pool_groups_consecutive_small_documents_up_to_the_budget(tmp_path):
    # budget: 3,200 / 16 = 200 bytes; the long document stands alone, the short ones group
    # (equal weights keep their input order)
    jobs = _jobs(tmp_path, [50, 50, 50, 50, 2_800, 100, 100])
    shards = shard(jobs, 2)
    assert _ids(shards) == [["d4"], ["d0", "d1", "d2", "d3"], ["d5", "d6"]]
    assert sorted(j.key for s in shards for j in s) == sorted(j.key for j in jobs)


def test_a_pool_shard_holds_at_most_16_documents(tmp_path):
    jobs = _jobs(tmp_path, [10] * 40 + [100_000])
    shards = shard(jobs, 2)
    assert max(len(s) for s in shards) == 16
    assert _ids(shards)[0] == ["d40"]
    assert [j.item.doc_id for s in shards for j in s if j.item.doc_id != "d40"] == [f"d{i}" for i in range(40)]


def test_a_missing_file_counts_as_empty_and_is_left_to_the_reader(tmp_path):
    jobs = _jobs(tmp_path, [300, 300])
    jobs[0].item.path.unlink()
    assert _ids(shard(jobs, 2)) == [["d1"], ["d0"]]


def test_a_fixed_size_keeps_consecutive_shards(tmp_path):
    jobs = _jobs(tmp_path, [100, 900, 100])
    assert _ids(shard(jobs, 2, size=2)) == [["d0", "d1"], ["d2"]]
