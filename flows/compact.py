"""``wirelake compact``: undo what the layout accumulates over many runs.

Two things pile up:

* **Fragmented items/ partitions.** A run merges its staged items into a
  partition piece by piece (one row group per staged piece, the piece sorted,
  the older rows after it), so that memory stays near one piece. After a large
  run a partition may hold hundreds of small row groups, not in sort order, and
  statistics prune badly. Compaction rewrites such a partition (any table's)
  sorted, in full row groups: the same rows, one atomic write.
* **Per-run rejects files.** Every run with rejects writes
  ``rejects/<run_id>.parquet``. Compaction merges the committed runs of each
  finished month into ``rejects/month=YYYY-MM/part-0.parquet`` (written piece by
  piece, bounded memory), then deletes the per-run files. This is the one step
  that is not atomic for readers: between the merged write and the deletes (a
  moment), a reader of rejects/ can see those runs' rows twice. stories/,
  items/ and duplicates/ are never affected.

It holds the lake's lease like an ingest (a compaction and a run never
interleave), clears what dead runs left, and is idempotent: a second pass finds
nothing to do.
"""

from __future__ import annotations

import contextlib
import io
import math
from datetime import UTC, datetime

import polars as pl
import pyarrow.parquet as pq
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.ingest import new_run_id, publish_summary
from flows.summary import compact_markdown
from flows.tasks import STORAGE_RETRIES
from lake import lease as leases
from lake import ledger as ledgers
from lake import partitions as lakeio
from lake.ledger import RUN_ID
from lake.storage import open_storage
from schemas import DUPLICATES, ITEMS, REJECTS, STORIES, Table


def needs_rewrite(table: Table, data: bytes) -> tuple[bool, pl.DataFrame | None]:
    """Whether a partition object is fragmented (more row groups than its rows need)
    or out of its table's sort order; with its rows when it is."""
    meta = pq.read_metadata(io.BytesIO(data))
    rows = meta.num_rows
    fragmented = meta.num_row_groups > max(1, math.ceil(rows / lakeio.ROW_GROUP_ROWS))
    df = lakeio.read_parquet_bytes(table, data)
    if fragmented:
        return True, df
    if table.sort_by and df.height > 1:
        order = df.select(list(table.sort_by))
        if not order.equals(order.sort(list(table.sort_by), nulls_last=True, maintain_order=True)):
            return True, df
    return False, None


@task(name="compact-partitions", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def compact_partitions(lake: str, table_name: str, lease_token: str) -> dict:
    table = {"items": ITEMS, "stories": STORIES, "duplicates": DUPLICATES}[table_name]
    storage = open_storage(lake)
    checked = rewritten = groups_before = groups_after = 0
    for value in lakeio.list_partitions(storage, table):
        key = lakeio.partition_key(table, value)
        data = storage.get(key)
        checked += 1
        rewrite, df = needs_rewrite(table, data)
        if not rewrite:
            continue
        groups_before += pq.read_metadata(io.BytesIO(data)).num_row_groups
        del data
        leases.check_token(storage, lease_token)
        new = lakeio.to_parquet_bytes(table, df)
        storage.put(key, new)
        groups_after += pq.read_metadata(io.BytesIO(new)).num_row_groups
        rewritten += 1
    return {"partitions": checked, "rewritten": rewritten, "row_groups_before": groups_before,
            "row_groups_after": groups_after}


def month_key(month: str) -> str:
    return f"rejects/month={month}/{lakeio.PART_FILE}"


@task(name="compact-rejects", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def compact_rejects(lake: str, through: str, lease_token: str) -> dict:
    """Merge committed per-run rejects files of months up to ``through`` (YYYY-MM)."""
    storage = open_storage(lake)
    committed = set(ledgers.run_ids(storage))
    by_month: dict[str, list[str]] = {}
    for o in storage.list("rejects/"):
        name = o.key.removeprefix("rejects/").removesuffix(".parquet")
        if RUN_ID.fullmatch(name) and name in committed:
            month = f"{name[:4]}-{name[4:6]}"
            if month <= through:
                by_month.setdefault(month, []).append(o.key)
    merged = 0
    schema = REJECTS.arrow_schema()
    for month, keys in sorted(by_month.items()):
        buf = io.BytesIO()
        rows = 0
        with pq.ParquetWriter(buf, schema, **REJECTS.parquet_options()) as writer:
            pieces = [month_key(month), *keys]
            seen_runs: set[str] = set()
            for key in pieces:
                try:
                    df = lakeio.read_parquet_bytes(REJECTS, storage.get(key))
                except FileNotFoundError:
                    continue
                if key != pieces[0]:  # a run merged before (a pass died before deleting it)
                    df = df.filter(~pl.col("run_id").is_in(pl.Series(sorted(seen_runs), dtype=pl.String).implode()))
                seen_runs.update(df["run_id"].unique().to_list())
                if df.height:
                    writer.write_table(REJECTS.conform(df).sort(list(REJECTS.sort_by)).to_arrow().cast(schema),
                                       row_group_size=lakeio.ROW_GROUP_ROWS)
                    rows += df.height
        leases.check_token(storage, lease_token)
        storage.put(month_key(month), buf.getvalue())
        for key in keys:
            storage.delete(key)
        merged += len(keys)
    return {"rejects_files_merged": merged, "months": sorted(by_month)}


def previous_month(now: datetime) -> str:
    first = now.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"


@flow(name="wirelake-compact", log_prints=False)
def compact(lake: str, rejects_through: str | None = None, lease_wait: float = 300.0) -> dict:
    """Rewrite fragmented or unsorted partitions and merge finished months' rejects
    (up to ``rejects_through``, YYYY-MM; default the month before this one)."""
    log = get_run_logger()
    now = datetime.now(UTC)
    run_id = new_run_id(now)
    through = rejects_through or previous_month(now)
    lease = leases.acquire(lake, run_id, wait=lease_wait)
    lease.start_renewing()
    try:
        recovered = ledgers.recover(open_storage(lake), run_id)
        report = {"lake": lake, "recovered": recovered,
                  **{name: compact_partitions(lake, name, lease.token) for name in ("items", "stories", "duplicates")},
                  "rejects": compact_rejects(lake, through, lease.token)}
    finally:
        with contextlib.suppress(Exception):
            lease.release()
    report["run_id"] = run_id
    publish_summary(report, key="wirelake-compact-summary", render=compact_markdown)
    log.info("compacted %s: %s", lake, report)
    return report
