"""The declared schema: conformance, adding a nullable column keeps old partitions readable, and
the codec of each column follows its size."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import lake.partitions as lakeio
from lake.partitions import merge_staged, read_parquet_bytes, to_parquet_bytes
from lake.storage import open_storage
from schemas import STORIES, Column, Table


def test_conform_rejects_missing_required_column():
    with pytest.raises(ValueError, match="story_id"):
        STORIES.conform(pl.DataFrame({"headline": ["x"]}))


def test_arrow_schema_keeps_nullability_and_version():
    schema = STORIES.arrow_schema()
    assert not schema.field("story_id").nullable and schema.field("headline").nullable
    assert "date" not in schema.names  # the partition key lives in the path
    assert schema.metadata[b"wirelake.schema_version"]


def test_adding_a_nullable_column_keeps_older_partitions_readable(tmp_path):
    old = Table("t", (Column("id", pl.String, False), Column("a", pl.Int32)), partition_by="date")
    new = Table("t", (*old.columns, Column("b", pl.String)), partition_by="date")
    (tmp_path / "date=2020-01-01").mkdir()
    (tmp_path / "date=2020-01-02").mkdir()
    (tmp_path / "date=2020-01-01/part-0.parquet").write_bytes(
        to_parquet_bytes(old, pl.DataFrame({"id": ["x"], "a": [1]})))
    (tmp_path / "date=2020-01-02/part-0.parquet").write_bytes(
        to_parquet_bytes(new, pl.DataFrame({"id": ["y"], "a": [2], "b": ["new"]})))
    # our reader conforms old files to the new schema
    back = read_parquet_bytes(new, (tmp_path / "date=2020-01-01/part-0.parquet").read_bytes())
    assert back.columns == ["id", "a", "b"] and back["b"].to_list() == [None]
    # polars, given the current schema, reads both partitions
    df = pl.scan_parquet(tmp_path, hive_partitioning=True, schema=new.polars_schema,
                         missing_columns="insert").collect().sort("id")
    assert df["b"].to_list() == [None, "new"]
    # pyarrow, given the current schema, reads both partitions
    table = ds.dataset(tmp_path, schema=new.arrow_schema(), partitioning="hive").to_table()
    assert dict(zip(table.column("id").to_pylist(), table.column("b").to_pylist(), strict=True)) == {"x": None, "y": "new"}


T = Table("t", (Column("id", pl.String, False), Column("body", pl.String), Column("n", pl.Int32),
                Column("tags", pl.List(pl.String))), partition_by="date")


def _codecs(data: bytes) -> list[dict[str, str]]:
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    return [{meta.row_group(g).column(c).path_in_schema: meta.row_group(g).column(c).compression
             for c in range(meta.num_columns)} for g in range(meta.num_row_groups)]


def _frame(rows: int, body: str) -> pl.DataFrame:
    return pl.DataFrame({"id": [f"id-{i}" for i in range(rows)], "body": [body] * rows, "n": list(range(rows)),
                         "tags": [[body[:1] * 3]] * rows},
                        schema={"id": pl.String, "body": pl.String, "n": pl.Int32, "tags": pl.List(pl.String)})


def test_a_small_column_is_snappy_and_a_large_one_zstd():
    """zstd's fixed cost a page is spent only where there are bytes to save: a column of
    fewer than ZSTD_FROM_BYTES is snappy, the others zstd; the rows come back the same."""
    df = _frame(10, "x" * 500)  # ids and numbers under 1 kB, bodies 5 kB
    data = to_parquet_bytes(T, df)
    # (a list's codec is its values' leaf column's: one given for "tags" would leave it uncompressed)
    assert _codecs(data) == [{"id": "SNAPPY", "body": "ZSTD", "n": "SNAPPY", "tags.list.element": "SNAPPY"}]
    assert read_parquet_bytes(T, data).equals(df)
    everywhere = {"id": "ZSTD", "body": "ZSTD", "n": "ZSTD", "tags.list.element": "ZSTD"}
    # every column over 1 kB: measured under SIZED_BELOW_ROWS rows, taken as large from there on
    for rows in (1_000, 2_000):
        assert _codecs(to_parquet_bytes(T, _frame(rows, "y"))) == [everywhere], rows


def _items(rows: int, body: str) -> pl.DataFrame:  # items/ merge on raw_uri (MERGE_KEYS)
    return _frame(rows, body).rename({"id": "raw_uri"})


def test_a_merged_partition_takes_the_codecs_of_all_its_pieces(tmp_path, monkeypatch):
    """merge_staged holds its pieces until HOLD_BYTES: small pieces are written with the
    codecs their total calls for; past HOLD_BYTES the file opens with the sizes seen so
    far and later pieces follow in row groups of their own. The rows are the pieces'."""
    store = open_storage(str(tmp_path))
    table = Table("items", (Column("raw_uri", pl.String, False), *T.columns[1:]), partition_by="date")
    small = [_items(4, "a" * 40), _items(4, "b" * 40).with_columns(pl.col("raw_uri") + "-2")]
    assert merge_staged(store, table, None, iter(small), absent=True) == 8
    data = store.get(lakeio.partition_key(table, None))
    # 8 bodies of 40 bytes: under 1 kB together, as are the keys and numbers
    assert _codecs(data) == [{"raw_uri": "SNAPPY", "body": "SNAPPY", "n": "SNAPPY", "tags.list.element": "SNAPPY"}] * 2
    assert read_parquet_bytes(table, data).equals(pl.concat(small))

    monkeypatch.setattr(lakeio, "HOLD_BYTES", 3_000)
    pieces = [_items(3, "c" * 1_200).with_columns(pl.col("raw_uri") + f"-{k}") for k in range(3)]
    merge_staged(store, table, dt.date(2020, 1, 1), iter(pieces), absent=True)
    data = store.get(lakeio.partition_key(table, dt.date(2020, 1, 1)))
    # the first three pieces' bodies (3.6 kB) passed HOLD_BYTES: zstd from then on
    assert [g["body"] for g in _codecs(data)] == ["ZSTD"] * 3
    assert read_parquet_bytes(table, data).equals(pl.concat(pieces))
