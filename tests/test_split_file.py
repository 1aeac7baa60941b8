"""One large raw object read by every process of the extract pool (issue 16): each
process parses its share of the pieces and counts the items of the others
(flows/extracting.py ``in_parts``, ``extract_stream``'s ``part``), and the run
merges the parts' accounting. The lake and the manifest are those of the same
file read in pieces by one task: the same items under the same ``raw_uri``
numbers, the same stories, duplicates and rejects, and the file counted once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.wire_corpus import generate
from flows.extracting import shutdown_pool
from flows.ingest import ingest
from tests import lakes

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def raw_file(tmp_path_factory) -> Path:
    items, _ = generate(400, seed=31)
    lines = [json.dumps(x) for x in items]
    lines[57] = lines[57][:200]  # a damaged record: a reject with its number
    lines.insert(200, "")  # a blank line: no item, no number
    path = tmp_path_factory.mktemp("raw") / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(path: Path, lake: str, monkeypatch, extract: str, run_items: str = "") -> tuple[dict, dict]:
    monkeypatch.setenv("WIRELAKE_EXTRACT", extract)
    monkeypatch.setenv("WIRELAKE_RUN_ITEMS", run_items)  # "": the default
    monkeypatch.setenv("WIRELAKE_STREAM_BYTES", "1")
    monkeypatch.setenv("WIRELAKE_SPLIT_BYTES", "1")
    monkeypatch.setenv("WIRELAKE_PIECE_BYTES", "40000")  # about 30 pieces
    monkeypatch.setenv("WIRELAKE_WORKERS", "2")
    shutdown_pool()  # the pool's processes start with this environment
    try:
        manifest = ingest(sources=[str(path)], lake=lake)
    finally:
        shutdown_pool()
    return manifest, lakes.lake_state(lake)


# "150": more items than a run deduplicates at once, and more than each part's share
# of them (75): the parts drop their views and the run deduplicates in groups of dates.
@pytest.mark.parametrize("run_items", ["", "150"], ids=["at-once", "in-groups"])
def test_a_file_read_by_two_processes_gives_the_lake_of_one_read(raw_file, tmp_path, monkeypatch, run_items):
    one_manifest, one_lake = _run(raw_file, str(tmp_path / "one"), monkeypatch, "threads", run_items)
    split_manifest, split_lake = _run(raw_file, str(tmp_path / "split"), monkeypatch, "processes", run_items)
    # Two tasks, one part each, in the pool's processes. Which process takes a part is
    # the pool's scheduling: one still starting (spawn) may find both parts taken by
    # the other, as CI saw at 21e86ba, so the count of processes is not asserted.
    assert split_manifest["extract_tasks"] == 2 and one_manifest["extract_tasks"] == 1
    assert 1 <= len(split_manifest["extract_workers"]) <= 2
    assert all(not w.endswith(f":{os.getpid()}") for w in split_manifest["extract_workers"])
    assert len(one_manifest["extract_workers"]) == 1
    t = split_manifest["totals"]
    assert t["items_in"] == 400 == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert t["rejects"] == 1 and t["duplicates"] > 50
    for key in ("totals", "files", "by_format", "rejects_by_reason", "skipped_by_reason",
                "duplicates_by_reason", "stories_by_day_provider"):
        assert split_manifest[key] == one_manifest[key], key
    assert split_lake == one_lake
    assert f"{raw_file}#57" in [r[0] for r in lakes.read_table(str(tmp_path / "split"), "rejects")
                                .select("raw_uri").rows()]


def test_only_a_large_object_alone_in_its_batch_is_split(monkeypatch):
    from flows.extracting import in_parts
    from lake.storage import SourceObject

    monkeypatch.setenv("WIRELAKE_SPLIT_BYTES", "1000")
    monkeypatch.setenv("WIRELAKE_STREAM_BYTES", "500")
    big, small = SourceObject("/raw", "big.jsonl", 1000, "v"), SourceObject("/raw", "small.jsonl", 999, "v")
    assert in_parts([[big], [small], [small, big]], 2) == (
        [[big], [big], [small], [small, big]], [(0, 2), (1, 2), None, None])
    assert in_parts([[big]], 1) == ([[big]], [None])  # one process: nothing to share
    monkeypatch.setenv("WIRELAKE_STREAM_BYTES", "2000")  # not read in pieces: not split
    assert in_parts([[big]], 2) == ([[big]], [None])


def test_a_part_judges_the_whole_object_from_what_it_read(monkeypatch):
    from flows.extracting import _too_many

    monkeypatch.setenv("WIRELAKE_RUN_ITEMS", "1000")
    mib = 1 << 20
    # 16 MiB of 1 GiB gave 100 items: about 6,400 in all, more than a run's 1,000
    assert _too_many(100, 16 * mib, 1024 * mib)
    assert not _too_many(10, 16 * mib, 1024 * mib)  # about 640: one dedup holds them
    assert not _too_many(100, 8 * mib, 1024 * mib)  # too little read to judge
