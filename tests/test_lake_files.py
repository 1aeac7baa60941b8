"""The lake's files on SeaweedFS: one sorted, zstd-compressed object per partition with
row groups and statistics readers prune on; rewrites leave no stale object; a nullable
column added later keeps older partitions readable over S3.

Inputs are synthetic (bench.wire_corpus), written by the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import uuid
from collections import defaultdict

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

import lake.partitions as lakeio
from bench.wire_corpus import generate
from flows.ingest import ingest
from lake.storage import open_storage
from schemas import DUPLICATES, ITEMS, STORIES, Column, Table
from schemas.tables import ZSTD_FROM_BYTES
from tests import lakes

pytestmark = pytest.mark.usefixtures("prefect_harness")

ROWS_PER_GROUP = 4  # the writers' ROW_GROUP_ROWS for the ingest below: several groups a file


def _split(lake: str) -> tuple[str, str]:
    bucket, _, prefix = lake.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")


def _keys(seaweed, lake: str, under: str = "") -> list[str]:
    """Every object key under the lake (relative to it), straight from the server."""
    bucket, prefix = _split(lake)
    client = seaweed.client()
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/{under}"):
        keys += [o["Key"].removeprefix(prefix + "/") for o in page.get("Contents", [])]
    return sorted(keys)


def _get(seaweed, lake: str, key: str) -> bytes:
    bucket, prefix = _split(lake)
    return seaweed.client().get_object(Bucket=bucket, Key=f"{prefix}/{key}")["Body"].read()


def _arrow_fs(lake: str) -> tuple[pafs.S3FileSystem, str]:
    storage = open_storage(lake)
    opts = storage.storage_options()
    fs = pafs.S3FileSystem(access_key=opts["aws_access_key_id"], secret_key=opts["aws_secret_access_key"],
                           endpoint_override=opts["aws_endpoint_url"], region=opts["aws_region"],
                           scheme="http")
    return fs, f"{storage.bucket}/{storage.prefix}"


# --------------------------------------------------------------------------------------
# a. one object per partition: zstd, row groups, statistics, sorted; pruning works
# --------------------------------------------------------------------------------------

def _squeeze(items: list[dict], factor: int) -> list[dict]:
    """The corpus with its 30 days squeezed into 30/factor (fewer partitions, a faster run):
    every timestamp moved toward the start, order kept."""
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)

    def move(stamp: str) -> str:
        t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return (start + (t - start) / factor).strftime("%Y-%m-%dT%H:%M:%SZ")

    return [{**x, **{k: move(x[k]) for k in ("firstcreated", "versioncreated") if k in x}} for x in items]


@pytest.fixture(scope="module")
def wire_lake(seaweed, prefect_harness, tmp_path_factory) -> str:
    """A few hundred synthetic wire items (with versions, copies, near-copies) over ten days,
    ingested into a fresh SeaweedFS lake, the writers cutting row groups of ROWS_PER_GROUP rows."""
    items, _ = generate(300, seed=17)
    items = _squeeze(items, 3)
    root = tmp_path_factory.mktemp("wire")
    for i in range(4):
        (root / f"feed-{i}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in items[i::4]))
    lake = f"s3://wirelake-test/files-{uuid.uuid4().hex[:12]}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lakeio, "ROW_GROUP_ROWS", ROWS_PER_GROUP)
        manifest = ingest(sources=[str(root)], lake=lake, window_days=12)
    assert manifest["totals"]["stories"] > 150 and manifest["totals"]["duplicates"] > 30
    return lake


@pytest.mark.parametrize("table", [STORIES, DUPLICATES], ids=lambda t: t.name)
def test_each_partition_is_one_sorted_zstd_object_with_bounded_row_groups_and_statistics(
        seaweed, wire_lake, table):
    keys = _keys(seaweed, wire_lake, f"{table.name}/")
    by_partition = defaultdict(list)
    for key in keys:
        _, partition, name = key.split("/")
        by_partition[partition].append(name)
    assert len(by_partition) >= 9, sorted(by_partition)  # the corpus spans ten days
    for partition, names in by_partition.items():
        assert partition.startswith("date=") and names == [lakeio.PART_FILE], (partition, names)

    multi_group = mixed_providers = 0
    total_rows = 0
    for key in keys:
        pf = pq.ParquetFile(io.BytesIO(_get(seaweed, wire_lake, key)))
        meta = pf.metadata
        assert meta.metadata[b"wirelake.table"] == table.name.encode()
        assert pf.schema_arrow.names == table.file_columns
        rows = meta.num_rows
        total_rows += rows
        assert rows > 0, key  # an emptied partition is deleted, never an empty file
        assert meta.num_row_groups == math.ceil(rows / ROWS_PER_GROUP), key
        multi_group += meta.num_row_groups > 1
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            assert group.num_rows <= ROWS_PER_GROUP, (key, g)
            for c in range(group.num_columns):
                assert _codec_follows_size(group.column(c)), (key, group.column(c).path_in_schema)
        stat_columns = ["provider", "published_at"] if table is STORIES else ["kept_story_id", "provider"]
        data = pf.read()
        offset = 0
        for g in range(meta.num_row_groups):  # statistics present, and true of their rows
            group = meta.row_group(g)
            rows_g = data.slice(offset, group.num_rows)
            offset += group.num_rows
            chunks = {group.column(c).path_in_schema: group.column(c) for c in range(group.num_columns)}
            for name in stat_columns:
                stats = chunks[name].statistics
                assert stats is not None and stats.has_min_max, (key, g, name)
                assert stats.null_count == rows_g.column(name).null_count
                values = rows_g.column(name).drop_null()
                if len(values):
                    lo, hi = pc.min_max(values).values()
                    assert (stats.min, stats.max) == (lo.as_py(), hi.as_py()), (key, g, name)
        df = pl.from_arrow(data)
        assert df.equals(df.sort(list(table.sort_by), nulls_last=True, maintain_order=True)), key
        mixed_providers += df["provider"].n_unique() > 1
    assert multi_group >= 5 and mixed_providers >= 5  # the checks above had something to check
    assert total_rows == lakes.read_table(wire_lake, table.name).height


def _codec_follows_size(chunk) -> bool:
    """zstd, or snappy for a column of under ``ZSTD_FROM_BYTES`` (schemas/tables.py): its
    size in the file, a page header and statistics past the data's, stays under
    ``ZSTD_FROM_BYTES`` and a page's overhead."""
    return chunk.compression == "ZSTD" or (
        chunk.compression == "SNAPPY" and chunk.total_uncompressed_size < ZSTD_FROM_BYTES + 512)


def test_items_and_rejects_are_zstd_with_bounded_row_groups(seaweed, wire_lake):
    keys = [k for k in _keys(seaweed, wire_lake) if k.startswith(("items/", "rejects/"))]
    assert any(k.startswith("items/") for k in keys)
    for key in keys:
        meta = pq.ParquetFile(io.BytesIO(_get(seaweed, wire_lake, key))).metadata
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            assert group.num_rows <= ROWS_PER_GROUP, key
            assert all(_codec_follows_size(group.column(c)) for c in range(group.num_columns)), key
    assert all(k.endswith(lakeio.PART_FILE) for k in keys if k.startswith("items/"))
    assert pq.read_schema(io.BytesIO(_get(seaweed, wire_lake, keys[0]))).names == ITEMS.file_columns


def _row_groups_read(dataset: ds.Dataset, expr: ds.Expression) -> tuple[int, int]:
    """(row groups a scan with ``expr`` must read, row groups in all), from statistics."""
    kept = total = 0
    for fragment in dataset.get_fragments():
        total += fragment.metadata.num_row_groups
        kept += len(fragment.split_by_row_group(expr, schema=dataset.schema))
    return kept, total


def test_statistics_prune_row_groups_and_give_the_same_rows_as_a_full_read(wire_lake):
    full = lakes.stories(wire_lake)  # polars, every row, over S3
    dataset = lakes.arrow_stories(wire_lake)  # pyarrow dataset over S3 (S3FileSystem)
    cols = ["story_id", "provider", "published_at", "headline"]
    provider = full["provider"].value_counts().sort("count")["provider"][0]  # a small one
    times = full["published_at"].sort()
    lo, hi = times[len(times) // 3], times[len(times) // 3 + 25]
    cases = [
        (ds.field("provider") == provider, pl.col("provider") == provider),
        ((ds.field("published_at") >= pa.scalar(lo, pa.timestamp("us", "UTC")))
         & (ds.field("published_at") < pa.scalar(hi, pa.timestamp("us", "UTC"))),
         (pl.col("published_at") >= lo) & (pl.col("published_at") < hi)),
    ]
    for arrow_filter, polars_filter in cases:
        want = full.filter(polars_filter).select(cols).sort("story_id")
        assert 0 < want.height < full.height / 4
        got = pl.from_arrow(dataset.to_table(columns=cols, filter=arrow_filter)).sort("story_id")
        assert got.equals(want)
        kept, total = _row_groups_read(dataset, arrow_filter)
        # row groups are skipped on their statistics, never one that holds a match
        assert kept < total / 2, (kept, total, str(arrow_filter))
        assert kept >= math.ceil(want.height / ROWS_PER_GROUP)


# --------------------------------------------------------------------------------------
# b. a rewrite that shrinks or empties a partition leaves no stale object
# --------------------------------------------------------------------------------------

def _story(item: dict, first: str, created: str | None = None) -> dict:
    return {**item, "version": "1", "firstcreated": first, "versioncreated": created or first}


def _kill(item: dict, created: str) -> dict:
    return {"uri": item["uri"], "type": "text", "version": "2", "language": "en",
            "firstcreated": item["firstcreated"], "versioncreated": created, "pubstatus": "canceled",
            "headlines": [{"role": "main", "value": "KILL - " + item["headlines"][0]["value"]}],
            "bodies": [{"role": "main", "contentType": "text/html",
                        "value": "<p>This story has been withdrawn. Please delete it.</p>"}],
            "copyrightholder": item["copyrightholder"]}


def test_kills_shrink_one_partition_and_empty_another_with_no_stale_object(seaweed, s3_lake, tmp_path):
    """Run 1: stories A and B on 1 March, C on 2 March. Run 2 brings kill notices for A
    and C: 1 March is rewritten with B alone, 2 March has no story left and its object
    is gone (the kills are rows of duplicates/)."""
    items, truth = generate(40, seed=23)
    a, b, c = (items[i] for i in truth.filter(truth["kind"] == "original")["item"].to_list()[:3])
    a = _story(a, "2026-03-01T08:00:00Z")
    b = _story(b, "2026-03-01T12:00:00Z")
    c = _story(c, "2026-03-02T09:00:00Z")
    (tmp_path / "day.jsonl").write_text("".join(json.dumps(x) + "\n" for x in (a, b, c)))
    (tmp_path / "kills.jsonl").write_text(json.dumps(_kill(a, "2026-03-01T18:00:00Z")) + "\n"
                                          + json.dumps(_kill(c, "2026-03-03T07:00:00Z")) + "\n")

    ingest(sources=[str(tmp_path / "day.jsonl")], lake=s3_lake)
    assert _keys(seaweed, s3_lake, "stories/") == ["stories/date=2026-03-01/part-0.parquet",
                                                   "stories/date=2026-03-02/part-0.parquet"]
    assert lakes.stories(s3_lake).height == 3

    manifest = ingest(sources=[str(tmp_path / "kills.jsonl")], lake=s3_lake)
    assert manifest["totals"]["items_in"] == 2
    assert _keys(seaweed, s3_lake, "stories/") == ["stories/date=2026-03-01/part-0.parquet"]
    left = pl.read_parquet(io.BytesIO(_get(seaweed, s3_lake, "stories/date=2026-03-01/part-0.parquet")))
    assert left["headline"].to_list() == [b["headlines"][0]["value"]]
    assert lakes.stories(s3_lake)["headline"].to_list() == [b["headlines"][0]["value"]]
    dups = lakes.read_table(s3_lake, "duplicates")
    assert sorted(dups["reason"]) == ["kill"] * 4
    for key in _keys(seaweed, s3_lake):
        if key.startswith(("stories/", "duplicates/", "items/")):
            assert key.endswith("/" + lakeio.PART_FILE), key
        assert not key.startswith("_staging/"), key


def _rows(n: int) -> pl.DataFrame:
    at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    return pl.DataFrame([{"story_id": f"s{i}", "source_format": "ninjs", "raw_uri": f"x#{i}",
                          "provider": "p", "published_at": at + dt.timedelta(minutes=i),
                          "word_count": 3, "content_hash": f"h{i}", "ingested_at": at, "run_id": "r"}
                         for i in range(n)])


def test_replace_partition_on_s3_keeps_one_object_or_none(seaweed, s3_lake):
    storage = open_storage(s3_lake)
    day, other = dt.date(2020, 1, 1), dt.date(2020, 1, 2)
    lakeio.replace_partition(storage, STORIES, other, _rows(2))
    etags = []
    for n in (5, 1):
        key = lakeio.replace_partition(storage, STORIES, day, _rows(n))
        assert key == "stories/date=2020-01-01/part-0.parquet"
        assert _keys(seaweed, s3_lake, "stories/date=2020-01-01/") == [key]
        assert lakeio.read_partition(storage, STORIES, day)["story_id"].to_list() == [f"s{i}" for i in range(n)]
        etags.append([o.version for o in storage.list("stories/date=2020-01-01/")][0])
    assert etags[0] != etags[1]
    assert lakeio.replace_partition(storage, STORIES, day, _rows(0)) is None
    assert _keys(seaweed, s3_lake, "stories/") == ["stories/date=2020-01-02/part-0.parquet"]
    assert lakeio.list_partitions(storage, STORIES) == [other]
    assert lakeio.read_partition(storage, STORIES, day).height == 0
    assert sorted(lakes.stories(s3_lake)["story_id"]) == ["s0", "s1"]


# --------------------------------------------------------------------------------------
# c. schema evolution over S3
# --------------------------------------------------------------------------------------

def test_adding_a_nullable_column_keeps_older_partitions_readable_on_s3(s3_lake):
    old = Table("t", (Column("id", pl.String, False), Column("a", pl.Int32)), partition_by="date")
    new = Table("t", (*old.columns, Column("b", pl.String)), partition_by="date")
    storage = open_storage(s3_lake)
    storage.put("t/date=2020-01-01/part-0.parquet", lakeio.to_parquet_bytes(old, pl.DataFrame({"id": ["x"], "a": [1]})))
    storage.put("t/date=2020-01-02/part-0.parquet",
                lakeio.to_parquet_bytes(new, pl.DataFrame({"id": ["y"], "a": [2], "b": ["new"]})))
    assert pq.read_schema(io.BytesIO(storage.get("t/date=2020-01-01/part-0.parquet"))).names == ["id", "a"]

    # our reader conforms the old object to the new schema
    back = lakeio.read_parquet_bytes(new, storage.get("t/date=2020-01-01/part-0.parquet"))
    assert back.columns == ["id", "a", "b"] and back["b"].to_list() == [None]

    # polars over S3, given the current schema
    df = pl.scan_parquet(f"{s3_lake}/t/**/*.parquet", hive_partitioning=True, hive_schema={"date": pl.Date},
                         schema=new.polars_schema, missing_columns="insert",
                         storage_options=storage.storage_options()).collect().sort("id")
    assert df.select("id", "a", "b").rows() == [("x", 1, None), ("y", 2, "new")]
    assert df["date"].to_list() == [dt.date(2020, 1, 1), dt.date(2020, 1, 2)]

    # pyarrow's dataset over S3, given the current schema (the partition key from the path)
    fs, base = _arrow_fs(s3_lake)
    schema = new.arrow_schema().append(pa.field("date", pa.date32()))
    dataset = ds.dataset(f"{base}/t", filesystem=fs, schema=schema, partitioning=lakeio.arrow_partitioning())
    table = dataset.to_table().sort_by("id")
    assert table.column("b").to_pylist() == [None, "new"]
    assert table.column("date").to_pylist() == [dt.date(2020, 1, 1), dt.date(2020, 1, 2)]
    pruned = dataset.to_table(filter=ds.field("date") == dt.date(2020, 1, 1))
    assert pruned.column("id").to_pylist() == ["x"] and pruned.column("b").to_pylist() == [None]


def test_the_stories_reader_reads_partitions_older_than_a_nullable_column(s3_lake):
    older = Table("stories", tuple(c for c in STORIES.columns if c.name not in ("desk", "shared_boilerplate")),
                  partition_by="date", sort_by=STORIES.sort_by)
    storage = open_storage(s3_lake)
    lakeio.replace_partition(storage, older, dt.date(2020, 1, 1), _rows(1))
    lakeio.replace_partition(storage, STORIES, dt.date(2020, 1, 2),
                             _rows(2).slice(1).with_columns(pl.lit("MARKETS").alias("desk")))
    df = lakeio.scan_stories(s3_lake, storage.storage_options()).collect().sort("story_id")
    assert df.select("story_id", "desk").rows() == [("s0", None), ("s1", "MARKETS")]
    assert df["date"].to_list() == [dt.date(2020, 1, 1), dt.date(2020, 1, 2)]
