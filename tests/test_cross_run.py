"""Dedup across runs: a persistent index in the lake (items/) lets later runs fold
items into stories earlier runs wrote.

Invariant (property test): ingesting the same items in one run, or split across
several runs in any order, ends with the same stories/ (same ids, same kept items)
and the same folds in duplicates/.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import polars as pl
import pytest

from bench.wire_corpus import generate
from flows.ingest import ingest
from lake import partitions as lakeio
from lake.storage import open_storage
from schemas import ITEMS
from tests import lakes
from transforms.dedup.features import FINGERPRINT_VERSION

pytestmark = pytest.mark.usefixtures("prefect_harness")

FILES = 10
WINDOW = 40  # the synthetic corpus spreads its stories over about 30 days


@pytest.fixture(scope="module")
def raw_files(tmp_path_factory) -> list[Path]:
    items, _ = generate(360, seed=11)
    rng = random.Random(5)
    shards: list[list[dict]] = [[] for _ in range(FILES)]
    for item in items:  # versions and copies land in other files than their originals
        shards[rng.randrange(FILES)].append(item)
    root = tmp_path_factory.mktemp("raw")
    paths = []
    for i, shard in enumerate(shards):
        path = root / f"feed-{i:02d}.jsonl"
        path.write_text("".join(json.dumps(x) + "\n" for x in shard))
        paths.append(path)
    return paths


def _state(lake: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    stories = lakes.stories(lake).select("story_id", "raw_uri", "date", "headline", "version_created")
    dups = lakes.read_table(lake, "duplicates").select("raw_uri", "kept_raw_uri", "reason")
    return stories.sort("raw_uri"), dups.sort("raw_uri")


@pytest.fixture(scope="module")
def one_run(raw_files, tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    lake = str(tmp_path_factory.mktemp("one") / "lake")
    ingest(sources=[str(p) for p in raw_files], lake=lake, window_days=WINDOW)
    return _state(lake)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_runs_in_any_order_give_the_same_lake(raw_files, one_run, tmp_path, seed):
    rng = random.Random(seed)
    files = raw_files[:]
    rng.shuffle(files)
    cuts = sorted(rng.sample(range(1, FILES), rng.randint(1, 3)))
    runs = [files[a:b] for a, b in zip([0, *cuts], [*cuts, FILES], strict=True)]
    lake = str(tmp_path / "lake")
    for run in runs:
        ingest(sources=[str(p) for p in run], lake=lake, window_days=WINDOW)
    stories, dups = _state(lake)
    want_stories, want_dups = one_run
    assert stories.equals(want_stories), f"runs {[len(r) for r in runs]}"
    assert dups.equals(want_dups)


def test_a_refile_next_day_folds_into_yesterdays_story(tmp_path):
    """Daily runs: the REFILE of a story arrives the day after; it replaces it in place."""
    body = " ".join(f"word{i} sentence {i % 7}" for i in range(120))
    day1 = {"uri": "urn:x:1", "type": "text", "version": "1", "versioncreated": "2026-03-01T10:00:00Z",
            "headline": "Storm hits coast", "body_text": body}
    day2 = {"uri": "urn:x:1", "type": "text", "version": "2", "versioncreated": "2026-03-02T09:00:00Z",
            "firstcreated": "2026-03-01T10:00:00Z",
            "headline": "REFILE-Storm hits coast", "body_text": body + " One more paragraph."}
    (tmp_path / "d1.jsonl").write_text(json.dumps(day1) + "\n")
    (tmp_path / "d2.jsonl").write_text(json.dumps(day2) + "\n")
    lake = str(tmp_path / "lake")
    ingest(sources=[str(tmp_path / "d1.jsonl")], lake=lake)
    ingest(sources=[str(tmp_path / "d2.jsonl")], lake=lake)
    stories = lakes.stories(lake)
    assert stories["raw_uri"].to_list() == [f"{tmp_path}/d2.jsonl#0"]
    assert str(stories["date"][0]) == "2026-03-01"  # first publication: replaced in place
    dups = lakes.read_table(lake, "duplicates")
    assert dups.select("raw_uri", "reason").rows() == [(f"{tmp_path}/d1.jsonl#0", "version")]


def test_chunked_extraction_gives_the_same_lake_and_leaves_no_staging(raw_files, one_run, tmp_path):
    """Items are normalized, fingerprinted and staged a few at a time: how the input is
    cut into batches and chunks changes nothing in the lake."""
    lake = str(tmp_path / "lake")
    ingest(sources=[str(p) for p in raw_files], lake=lake, window_days=WINDOW, batch_files=3, chunk_rows=7)
    stories, dups = _state(lake)
    assert stories.equals(one_run[0]) and dups.equals(one_run[1])
    assert not list(open_storage(lake).list("_staging/"))


def test_items_of_an_older_fingerprint_recipe_are_fingerprinted_again(raw_files, one_run, tmp_path):
    """A lake written under another fingerprint recipe (or before items/ held features)
    is read correctly: its items are fingerprinted again from their text."""
    lake = str(tmp_path / "lake")
    ingest(sources=[str(p) for p in raw_files[:5]], lake=lake, window_days=WINDOW)
    storage = open_storage(lake)
    for obj in list(storage.list("items/")):
        df = pl.read_parquet(io.BytesIO(storage.get(obj.key)))
        stale = df.with_columns(pl.lit("an-older-recipe").alias("fp_version"),
                                pl.lit(b"\0" * 256, dtype=pl.Binary).alias("fp_sig"),
                                pl.lit(None, dtype=pl.UInt64).alias("fp_lead"))
        storage.put(obj.key, lakeio.to_parquet_bytes(ITEMS, stale))
    manifest = ingest(sources=[str(p) for p in raw_files[5:]], lake=lake, window_days=WINDOW)
    stories, dups = _state(lake)
    assert stories.equals(one_run[0]) and dups.equals(one_run[1])
    # The partitions the run rewrote hold the current recipe only (the others are
    # fingerprinted again whenever a run reads them).
    rewritten = manifest["outputs"]["items"]
    assert rewritten
    for key in rewritten:
        df = pl.read_parquet(io.BytesIO(storage.get(key)))
        assert df["fp_version"].unique().to_list() == [FINGERPRINT_VERSION], key
