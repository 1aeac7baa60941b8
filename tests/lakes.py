"""Helpers to read a lake back in tests, the way analysts do."""

from __future__ import annotations

import json

import polars as pl
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from flows.lake import scan_stories
from flows.storage import S3Storage, open_storage


def read_table(lake: str, name: str) -> pl.DataFrame:
    """Every row of a lake table (empty frame when the table has no object yet)."""
    storage = open_storage(lake)
    keys = [o.key for o in storage.list(f"{name}/") if o.key.endswith(".parquet")]
    if not keys:
        return pl.DataFrame()
    hive = name in ("stories", "duplicates")
    return pl.read_parquet(f"{lake.rstrip('/')}/{name}/**/*.parquet", hive_partitioning=hive,
                           storage_options=storage.storage_options())


def stories(lake: str) -> pl.DataFrame:
    storage = open_storage(lake)
    return scan_stories(lake, storage.storage_options()).collect().sort("story_id")


def arrow_stories(lake: str):
    """Read stories/ with pyarrow's dataset API (hive partitioning), as notebooks do."""
    storage = open_storage(lake)
    if isinstance(storage, S3Storage):
        opts = storage.storage_options()
        fs = pafs.S3FileSystem(access_key=opts.get("aws_access_key_id"),
                               secret_key=opts.get("aws_secret_access_key"),
                               endpoint_override=opts.get("aws_endpoint_url"),
                               region=opts["aws_region"], scheme="http")
        path = f"{storage.bucket}/{storage.prefix}/stories"
        return ds.dataset(path, filesystem=fs, partitioning="hive")
    return ds.dataset(f"{lake}/stories", partitioning="hive")


def manifests(lake: str) -> list[dict]:
    storage = open_storage(lake)
    return [json.loads(storage.get(o.key)) for o in storage.list("runs/")]
