"""Helpers to read a lake back in tests, the way analysts do."""

from __future__ import annotations

import io
import json

import polars as pl
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from lake.partitions import scan_stories
from lake.storage import S3Storage, open_storage


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


RUN_COLUMNS = ("run_id", "ingested_at")  # which run wrote a row: differs between equal lakes


def _rows(df: pl.DataFrame, by: list[str]) -> list[tuple]:
    if df.height == 0:
        return []
    return df.drop([c for c in RUN_COLUMNS if c in df.columns]).sort(by, nulls_last=True).rows()


def lake_state(lake: str) -> dict:
    """What two lakes must share to be equal: every row of stories/, duplicates/ and
    items/ (but which run wrote it), the committed runs' rejects, the ledger's
    objects, and the data objects' keys; nothing left in staging."""
    storage = open_storage(lake)
    keys = sorted(o.key for o in storage.list() if o.key.split("/")[0] in ("stories", "items", "duplicates"))
    committed = {json.loads(storage.get(o.key))["run_id"] for o in storage.list("runs/")}
    # per-run files and compacted months alike; the rows of committed runs
    reject_keys = [o.key for o in storage.list("rejects/") if o.key.endswith(".parquet")]
    rejects = (pl.concat([pl.read_parquet(io.BytesIO(storage.get(k))) for k in reject_keys])
               .filter(pl.col("run_id").is_in(sorted(committed))) if reject_keys else pl.DataFrame())
    try:
        ledger = pl.read_parquet(io.BytesIO(storage.get("ledger/consumed.parquet")))
        ledger = sorted(ledger.select("uri", "size", "version").rows())
    except FileNotFoundError:
        ledger = []
    return {
        "keys": keys,
        "staging": sorted(o.key for o in storage.list("_staging/")),
        "stories": _rows(read_table(lake, "stories"), ["story_id"]),
        "duplicates": _rows(read_table(lake, "duplicates"), ["raw_uri"]),
        "items": _rows(read_table(lake, "items"), ["raw_uri"]),
        # a reject is counted once, whichever run read its object last
        "rejects": sorted(set(_rows(rejects, ["raw_uri"]))),
        "ledger": ledger,
    }
