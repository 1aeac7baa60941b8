"""The lake's layout and its writers, on top of the storage seam.

Layout (see README "The lake")::

    LAKE/stories/date=YYYY-MM-DD/part-0.parquet     one object per partition
    LAKE/duplicates/date=YYYY-MM-DD/part-0.parquet  partition of the kept story
    LAKE/items/date=YYYY-MM-DD/part-0.parquet       every item, with its dedup features
    LAKE/rejects/<run_id>.parquet                   what a run could not read
    LAKE/runs/<run_id>.json                         one manifest per run
    LAKE/_staging/<run_id>/<chunk>.parquet          a running ingest's normalized items, all dates

A partition is one deterministic object, rewritten whole by a single atomic
PUT (or rename on disk): readers see the old content or the new, never a mix,
and no stale file can survive a rewrite. items/ partitions merge a run's
staged rows into what they hold (same raw_uri: the new row wins); stories/
and duplicates/ partitions of the dates a run touches are re-derived and
replaced whole.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from lake.storage import Storage
from schemas import DUPLICATES, ITEMS, REJECTS, STORIES, Table
from schemas.tables import column_sizes

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"
ROW_GROUP_ROWS = 64_000

# Rows that are the same record when a partition is merged (items/ is merged;
# stories/ and duplicates/ partitions are re-derived and replaced whole).
MERGE_KEYS = {"items": ["raw_uri"]}


def write_concurrency(storage: Storage) -> int:
    """Partitions one publishing task writes at once: ``WIRELAKE_WRITE_CONCURRENCY``,
    else 8 on S3 (a PUT waits mostly on the network) and 2 on disk (a small
    partition's write waits on its fsync, and the fsyncs of one disk queue up:
    the corpora's write stage, on an idle 2-core machine, took 8.6-10.9 s with 2
    at once and 12.2-13.5 s with 6; only on a machine busy with other jobs did 6
    do better, 2026-12-07, docs/design.md)."""
    import os

    from lake.storage import S3Storage

    setting = int(os.environ.get("WIRELAKE_WRITE_CONCURRENCY") or 0)
    return max(1, setting or (8 if isinstance(storage, S3Storage) else 2))


def partition_key(table: Table, value) -> str:
    text = NULL_PARTITION if value is None else value.isoformat()
    return f"{table.name}/{table.partition_by}={text}/{PART_FILE}"


def partition_value(key: str, table: Table):
    """The partition value of an object key ``table/date=VALUE/part-0.parquet``."""
    part = key.split("/")[1].split("=", 1)[1]
    return None if part == NULL_PARTITION else dt.date.fromisoformat(part)


def list_partitions(storage: Storage, table: Table) -> list:
    """The partition values that have an object in ``table``."""
    return sorted({partition_value(o.key, table) for o in storage.list(f"{table.name}/")
                   if o.key.endswith(PART_FILE)}, key=partition_order)


def partition_order(value) -> tuple:
    """Sort key of partition values: dates in order, the null partition last."""
    return (value is None, value or dt.date.min)


def read_partition(storage: Storage, table: Table, value) -> pl.DataFrame:
    """One partition's rows with the partition column, conformed to the current schema."""
    try:
        df = read_parquet_bytes(table, storage.get(partition_key(table, value)))
    except FileNotFoundError:
        df = pl.DataFrame(schema={c: t for c, t in table.polars_schema.items() if c != table.partition_by})
    return df.with_columns(pl.lit(value, dtype=pl.Date).alias(table.partition_by))


def replace_partition(storage: Storage, table: Table, value, rows: pl.DataFrame) -> str | None:
    """Publish ``rows`` as the whole partition (one atomic write); an empty partition is deleted."""
    key = partition_key(table, value)
    if rows.height == 0:
        storage.delete(key)
        return None
    storage.put(key, to_parquet_bytes(table, rows))
    return key


def to_parquet_bytes(table: Table, df: pl.DataFrame, metadata: dict[bytes, bytes] | None = None) -> bytes:
    """Serialize ``df`` with the declared schema: zstd, sorted, row groups for scanning
    (``metadata``: more key-value pairs for the file's schema)."""
    conformed = table.conform(df, with_partition=False)
    if table.sort_by and conformed.height > 1:
        conformed = conformed.sort(list(table.sort_by), nulls_last=True, maintain_order=True)
    schema = table.arrow_schema()
    if metadata:
        schema = schema.with_metadata({**schema.metadata, **metadata})
    arrow = conformed.to_arrow().cast(schema)
    buf = io.BytesIO()
    pq.write_table(arrow, buf, row_group_size=ROW_GROUP_ROWS, **table.parquet_options(column_sizes(arrow)))
    return buf.getvalue()


def read_parquet_bytes(table: Table, data: bytes, columns: list[str] | None = None) -> pl.DataFrame:
    """Read one of our Parquet objects and conform it to the current schema
    (older files lack newer nullable columns: they come back as nulls).
    ``columns``: only these (those the file lacks come back as nulls)."""
    if columns is None:
        return table.conform(pl.read_parquet(io.BytesIO(data)), with_partition=False)
    present = set(pq.read_schema(io.BytesIO(data)).names)
    df = pl.read_parquet(io.BytesIO(data), columns=[c for c in columns if c in present])
    types = table.polars_schema
    return df.with_columns(pl.lit(None, dtype=types[c]).alias(c) for c in columns if c not in present).select(columns)


def read_rows(storage: Storage, key: str, table: Table, raw_uris: pl.Series, columns: list[str]) -> pl.DataFrame:
    """The rows of one object of ``table`` (a partition or a staging file) whose
    ``raw_uri`` is in ``raw_uris``: only they are materialized. ``columns`` the file
    lacks (it predates them) are left out; conforming adds them as nulls."""
    data = storage.get(key)
    present = set(pq.read_schema(io.BytesIO(data)).names)
    return (pl.scan_parquet(io.BytesIO(data)).filter(pl.col("raw_uri").is_in(raw_uris.implode()))
            .select([c for c in columns if c in present]).collect())


def staging_key(run_id: str, name: str) -> str:
    """Where a running ingest leaves one chunk of normalized items (all its dates)."""
    return f"{STAGING}/{run_id}/{name}.parquet"


STAGING = "_staging"
# Row groups of a staging object: a read of some of its dates decodes about theirs.
STAGING_ROW_GROUP_ROWS = 1_000


def to_staging_bytes(df: pl.DataFrame) -> bytes:
    """One chunk of a run's normalized items, every date of it in one object (one
    object per chunk and date cost a Parquet write each: most of a chunk of a
    many-dated archive): the date a column, rows sorted by date then as in items/,
    so each date's rows are one sorted piece and small row groups let a read of
    some dates skip the others (:func:`read_staged`). Transient, read only by this
    run: lz4, no statistics but the date's, dictionaries only where the lake has them
    (``Table.parquet_options``: a dictionary tried on every body and fingerprint column
    cost up to a tenth of the write, issue 16; a small gain, near the noise of its
    measurements on 5,000 synthetic stories)."""
    conformed = ITEMS.conform(df, with_partition=True).sort(
        [ITEMS.partition_by, *ITEMS.sort_by], nulls_last=True, maintain_order=True)
    arrow = conformed.to_arrow().cast(ITEMS.arrow_schema(with_partition=True))
    buf = io.BytesIO()
    pq.write_table(arrow, buf, compression="lz4", row_group_size=STAGING_ROW_GROUP_ROWS,
                   write_statistics=[ITEMS.partition_by],
                   use_dictionary=ITEMS.parquet_options()["use_dictionary"])
    return buf.getvalue()


def read_staged(storage: Storage, key: str, values: list) -> dict[object, pl.DataFrame]:
    """The rows of the staging object ``key`` dated ``values`` (None: the null date),
    by date, each conformed to items/ (without the date): row groups of other
    dates are skipped."""
    dates = [v for v in values if v is not None]
    cond = pl.col(ITEMS.partition_by).is_in(pl.Series(dates, dtype=pl.Date).implode())
    if None in values:
        cond = cond | pl.col(ITEMS.partition_by).is_null()
    df = pl.scan_parquet(io.BytesIO(storage.get(key))).filter(cond).collect()
    return {value: ITEMS.conform(part, with_partition=False)
            for (value,), part in df.partition_by(ITEMS.partition_by, as_dict=True, maintain_order=True).items()}


def partitions(table: Table, df: pl.DataFrame) -> list[tuple[object, pl.DataFrame]]:
    """``df`` split by the table's partition column, in partition order."""
    col = table.partition_by
    groups = df.partition_by(col, as_dict=True, maintain_order=True)
    return sorted(((key[0], part) for key, part in groups.items()),
                  key=lambda kv: partition_order(kv[0]))


def merge_staged(storage: Storage, table: Table, value, staged: Iterable[pl.DataFrame],
                 refresh: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
                 drop: Callable[[pl.DataFrame], pl.Series] | None = None,
                 written: Callable[[pl.DataFrame], None] | None = None, absent: bool = False) -> int:
    """Merge staged pieces (each a sorted frame of new rows of this partition, produced
    one at a time by ``staged``) into one partition and publish it with one atomic write.

    The partition is written piece by piece (each staged piece, then the older rows
    not read again), so memory stays near one piece, never the whole
    partition: items/ is read whole by dedup, not pruned, and needs no global
    sort. A new row replaces an older one with the same key (``MERGE_KEYS``).
    ``refresh`` brings the older rows up to date (items/ rows of an older
    fingerprint recipe are fingerprinted again). ``drop`` marks older rows to leave
    out (those of raw objects read again: their new items replace all the old).
    ``written`` sees each piece as written (the stories of these items are taken
    from it, not read back). ``absent``: the caller knows the partition has no
    object (a listing under the lake's lease, which no other writer holds): it is
    not read (on S3 a GET of a missing key costs a request, like a write; the
    corpora's empty-lake ingest made 756 of them). A partition left with no row
    is deleted. Returns the rows written.
    """
    key = partition_key(table, value)
    keys = MERGE_KEYS[table.name]
    rows = 0
    new_keys = []
    out = _PieceWriter(table)

    def write(df: pl.DataFrame) -> None:
        nonlocal rows
        if df.height:
            df = table.conform(df, with_partition=False)
            out.write(df)
            rows += df.height
            if written is not None:
                written(df)

    for piece in staged:  # each staged piece read once
        new_keys.append(piece.select(keys))
        write(piece)
        del piece
    try:
        old = None if absent else read_parquet_bytes(table, storage.get(key))
    except FileNotFoundError:
        old = None
    if old is not None and old.height:
        if new_keys:
            old = old.join(pl.concat(new_keys), on=keys, how="anti", maintain_order="left")
        if drop is not None and old.height:
            old = old.filter(~drop(old))
        if refresh is not None and old.height:
            old = refresh(old)
        write(old)
    data = out.close()
    if rows == 0:
        storage.delete(key)
    else:
        storage.put(key, data)
    return rows


# What :class:`_PieceWriter` holds before it opens its file: the codec of each column
# then follows the size of its data (``Table.parquet_options``).
HOLD_BYTES = 4 * 1024 * 1024


class _PieceWriter:
    """One Parquet object of ``table`` written piece by piece (each piece its row
    groups). The pieces are held, converted, until ``HOLD_BYTES`` of them or the last:
    a small partition (most, on a many-dated archive) is then written with the codec
    its columns' sizes call for, a large one with zstd throughout, as the sizes of its
    first pieces say; memory stays within a piece and ``HOLD_BYTES``."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.schema = table.arrow_schema()
        self.buf = io.BytesIO()
        self.writer: pq.ParquetWriter | None = None
        self.held: list[pa.Table] = []
        self.held_bytes = 0

    def write(self, df: pl.DataFrame) -> None:
        arrow = df.to_arrow().cast(self.schema)
        if self.writer is not None:
            self.writer.write_table(arrow, row_group_size=ROW_GROUP_ROWS)
            return
        self.held.append(arrow)
        # the buffers' sizes, shared ones whole: a bound, cheaper than nbytes (slices)
        self.held_bytes += arrow.get_total_buffer_size()
        if self.held_bytes >= HOLD_BYTES:
            self._open()

    def _open(self) -> None:
        self.writer = pq.ParquetWriter(self.buf, self.schema, **self.table.parquet_options(column_sizes(*self.held)))
        for piece in self.held:
            self.writer.write_table(piece, row_group_size=ROW_GROUP_ROWS)
        self.held, self.held_bytes = [], 0

    def close(self) -> bytes:
        """The object's bytes (none written when no piece was: the caller deletes it)."""
        if self.writer is None:
            if not self.held:
                return b""
            self._open()
        self.writer.close()
        return self.buf.getvalue()


def rejects_key(run_id: str) -> str:
    return f"rejects/{run_id}.parquet"


def manifest_key(run_id: str) -> str:
    return f"runs/{run_id}.json"


def write_rejects(storage: Storage, run_id: str, df: pl.DataFrame) -> str | None:
    if df.height == 0:
        return None
    key = rejects_key(run_id)
    storage.put(key, to_parquet_bytes(REJECTS, df))
    return key


def write_manifest(storage: Storage, run_id: str, manifest: dict) -> str:
    key = manifest_key(run_id)
    storage.put(key, json.dumps(manifest, indent=2, sort_keys=True, default=str).encode())
    return key


def read_manifest(storage: Storage, run_id: str) -> dict:
    return json.loads(storage.get(manifest_key(run_id)))


def scan_stories(lake_url: str, storage_options: dict | None = None) -> pl.LazyFrame:
    """The stories table as analysts read it: hive partitions, pruning on ``date``."""
    # the declared schema: partitions written before a nullable column was added
    # read with it as null
    return pl.scan_parquet(
        f"{lake_url.rstrip('/')}/stories/**/*.parquet", hive_partitioning=True,
        schema={c: t for c, t in STORIES.polars_schema.items() if c != STORIES.partition_by},
        hive_schema={"date": pl.Date}, missing_columns="insert", storage_options=storage_options,
    )


def arrow_partitioning() -> pa.dataset.Partitioning:
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([("date", pa.date32())]), flavor="hive")


__all__ = ["DUPLICATES", "ITEMS", "REJECTS", "STORIES", "merge_staged", "partitions", "scan_stories",
           "write_manifest", "write_rejects"]
