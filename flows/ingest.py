"""The ingest flow: list raw objects -> extract -> normalize -> dedup -> publish.

Tasks wrap I/O (listing, reading raw objects, publishing partitions, the run
manifest) and carry retries; the pure transforms are called directly. The flow
body reads as the pipeline it runs.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import unmapped

from flows import lake as lakeio
from flows.storage import S3Storage, SourceObject, StorageError, list_source, open_storage
from schemas import DUPLICATES, ITEMS, SCHEMA_VERSION, STORIES
from transforms.accounting import (
    account,
    by_format,
    parsed_frame,
    rejects_frame,
    stories_by_day_provider,
)
from transforms.dedup import combine_items, dedup_stories, window_dates
from transforms.extract import FileResult, extract_file
from transforms.normalize import normalize_stories


class NoInputError(RuntimeError):
    """The sources hold no raw object at all (a systemic failure)."""


STORAGE_RETRIES = dict(retries=3, retry_delay_seconds=[1, 2, 4])


@task(name="list-inputs", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def list_inputs(sources: list[str]) -> list[SourceObject]:
    """Every raw object under the sources, each once (overlapping sources are fine)."""
    objects: dict[str, SourceObject] = {}
    for source in sources:
        for obj in list_source(source):
            objects.setdefault(obj.uri, obj)
    return list(objects.values())


@task(name="probe-lake", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def probe_lake(lake: str) -> None:
    """Fail early, before any parsing, when the lake is unreachable."""
    storage = open_storage(lake)
    if isinstance(storage, S3Storage):
        storage.ensure_bucket()
    next(iter(storage.list("runs/")), None)


@task(name="extract-files", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def extract_batch(batch: list[SourceObject], forced_format: str | None,
                  run_id: str, ingested_at: datetime) -> tuple[list[FileResult], pl.DataFrame]:
    """Read a batch of raw objects, extract their items and normalize them (one task
    per batch, so the per-file work runs in parallel). Returns the per-file
    accounting and the batch's normalized stories as one compact frame."""
    results = []
    stores = {}
    for obj in batch:
        storage = stores.get(obj.storage_url) or stores.setdefault(obj.storage_url,
                                                                   open_storage(obj.storage_url))
        try:
            data = storage.get(obj.key)
        except FileNotFoundError:
            result = FileResult(obj.uri, items_in=1)
            result.rejects.append({"raw_uri": f"{obj.uri}#0", "source_format": None,
                                   "reason": "source_vanished",
                                   "detail": "listed but gone when read", "raw_size": 0,
                                   "raw": b"", "_source_uri": obj.uri})
            results.append(result)
            continue
        results.append(extract_file(data, obj.uri, forced_format))
        del data
    stories = normalize_stories(parsed_frame(results).lazy()).collect().with_columns(
        pl.lit(ingested_at).alias("ingested_at"), pl.lit(run_id).alias("run_id"))
    for r in results:
        r.rows.clear()  # the frame holds them now, far more compactly
    return results, stories


TABLES = {"stories": STORIES, "duplicates": DUPLICATES, "items": ITEMS}


@task(name="load-window", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def load_window(lake: str, window: set) -> tuple[pl.DataFrame, dict[str, list]]:
    """The items already in the lake for the window's dates, and which partitions
    of stories/ and duplicates/ exist there (they are re-derived by this run)."""
    storage = open_storage(lake)
    present = {name: [v for v in lakeio.list_partitions(storage, TABLES[name]) if v in window]
               for name in ("items", "stories", "duplicates")}
    frames = [lakeio.read_partition(storage, ITEMS, v) for v in present["items"]]
    existing = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    return existing, present


@task(name="publish-partitions", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_partitions(lake: str, table_name: str, parts: list[tuple[object, pl.DataFrame]],
                       replace: bool) -> list[str]:
    """Publish a group of partitions, each with one atomic write; retrying is idempotent.
    ``replace``: the rows are the partition's whole new content; else they are merged in."""
    table = TABLES[table_name]
    storage = open_storage(lake)
    keys = []
    for value, rows in parts:
        if replace:
            key = lakeio.replace_partition(storage, table, value, rows)
        else:
            lakeio.merge_partition(storage, table, value, rows)
            key = lakeio.partition_key(table, value)
        if key:
            keys.append(key)
    return keys


@task(name="publish-run", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_run(lake: str, run_id: str, rejects: pl.DataFrame, manifest: dict) -> str:
    """Rejects first, then the manifest: a manifest only ever names written objects."""
    storage = open_storage(lake)
    lakeio.write_rejects(storage, run_id, rejects)
    return lakeio.write_manifest(storage, run_id, manifest)


def _batches(objects: list[SourceObject], max_files: int, max_bytes: int) -> list[list[SourceObject]]:
    batches, cur, size = [], [], 0
    for obj in objects:
        if cur and (len(cur) >= max_files or size + obj.size > max_bytes):
            batches.append(cur)
            cur, size = [], 0
        cur.append(obj)
        size += obj.size
    if cur:
        batches.append(cur)
    return batches


def _replacing(parts: list[tuple[object, pl.DataFrame]], present: list) -> list[tuple[object, pl.DataFrame]]:
    """The new content of every partition to re-derive: those with rows now, and those
    that had some before and have none now (they are deleted)."""
    have = {value for value, _ in parts}
    return parts + [(value, pl.DataFrame()) for value in present if value not in have]


def _groups(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@flow(name="wirelake-ingest", log_prints=False)
def ingest(sources: list[str], lake: str, format: str | None = None,
           batch_files: int = 64, batch_bytes: int = 64 * 1024 * 1024,
           partitions_per_task: int = 32, window_days: int = 3) -> dict:
    """Ingest raw dumps from ``sources`` (paths or s3:// prefixes) into ``lake``."""
    log = get_run_logger()
    started = datetime.now(UTC)
    run_id = _new_run_id(started)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    probe_lake(lake)
    objects = list_inputs(sources)
    if not objects:
        raise NoInputError(f"no raw objects under {', '.join(sources)}")
    lap("list")

    futures = extract_batch.map(_batches(objects, batch_files, batch_bytes), unmapped(format),
                                unmapped(run_id), unmapped(started))
    results, frames = [], []
    for f in futures:
        batch_results, frame = f.result()
        results.extend(batch_results)
        frames.append(frame)
    stories = pl.concat(frames, how="vertical_relaxed")
    del frames, futures  # the futures hold the batch frames too
    rejects = rejects_frame(results, run_id, started)
    lap("extract_normalize")

    # Dedup against what the lake already holds for these dates: the items of the
    # window are re-deduplicated with the new ones, and the window's partitions of
    # stories/ and duplicates/ are re-derived from them.
    window = window_dates(stories["date"].unique().to_list(), window_days)
    existing, present = load_window(lake, window)
    kept, duplicates = dedup_stories(combine_items(existing, stories))
    duplicates = duplicates.with_columns(pl.lit(run_id).alias("run_id"))
    lap("dedup")

    counts = account(results, kept, duplicates, rejects)
    plan = {
        "items": (lakeio.partitions(ITEMS, stories.drop("shared_boilerplate", strict=False)), False),
        "stories": (_replacing(lakeio.partitions(STORIES, kept), present["stories"]), True),
        "duplicates": (_replacing(lakeio.partitions(DUPLICATES, duplicates), present["duplicates"]), True),
    }
    written = {name: [publish_partitions.submit(lake, name, group, replace)
                      for group in _groups(parts, partitions_per_task)]
               for name, (parts, replace) in plan.items()}
    outputs = {name: [key for f in futs for key in f.result()] for name, futs in written.items()}
    outputs["rejects"] = lakeio.rejects_key(run_id) if rejects.height else None
    outputs["manifest"] = lakeio.manifest_key(run_id)
    lap("write")

    sizes = {o.uri: (o.size, o.version) for o in objects}
    for row in counts["files"]:
        row["size"], row["version"] = sizes.get(row["uri"], (None, None))
    manifest = {
        "run_id": run_id,
        "schema_version": SCHEMA_VERSION,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "sources": list(sources),
        "lake": lake,
        "format": format,
        **counts,
        "by_format": by_format(results, kept, duplicates, rejects),
        "stories_by_day_provider": stories_by_day_provider(kept),
        "outputs": outputs,
        "timings_s": timings,
    }
    publish_run(lake, run_id, rejects, manifest)
    t = counts["totals"]
    log.info("run %s: %d files, %d items: %d stories, %d duplicates, %d skipped, %d rejects",
             run_id, t["files"], t["items_in"], t["stories"], t["duplicates"], t["skipped"], t["rejects"])
    return manifest


__all__ = ["NoInputError", "StorageError", "ingest"]
