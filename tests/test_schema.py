"""The declared schema: conformance, and adding a nullable column keeps old partitions readable."""

from __future__ import annotations

import polars as pl
import pyarrow.dataset as ds
import pytest

from lake.partitions import read_parquet_bytes, to_parquet_bytes
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
