"""The ingest flow's tasks: each wraps I/O (listing and reading raw objects, the lake's
window, publishing partitions, the manifest and the ledger, the staging area) and
carries the storage retries; the pure work is called directly (transforms/, lake/).
Backfill and compact use the same tasks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime

import numpy as np
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import extracting, publishing
from flows.publishing import TABLES
from flows.runners import PER_FILE
from lake import lease as leases
from lake import ledger as ledgers
from lake import partitions as lakeio
from lake.storage import S3Storage, SourceObject, list_source, open_storage
from schemas import ITEMS
from transforms.dedup.cluster import current_features
from transforms.dedup.features import FINGERPRINT_VERSION
from transforms.dedup.view import VIEW, dedup_view, signatures, stack
from transforms.reading.extract import FileResult


def _retryable(task, task_run, state) -> bool:
    """Retry a failed task unless retrying cannot mend it: the run lost the lake's
    lease, or its accounting does not add up."""
    from transforms.reading.accounting import AccountingError

    return not isinstance(getattr(state, "data", None), (leases.LeaseLost, AccountingError))


STORAGE_RETRIES = dict(retries=3, retry_delay_seconds=[1, 2, 4], retry_condition_fn=_retryable)


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


@task(name="extract-files", cache_policy=NO_CACHE, tags=[PER_FILE], **STORAGE_RETRIES)
def extract_batch(batch: list[SourceObject], forced_format: str | None, run_id: str,
                  ingested_at: datetime, lake: str, batch_no: int,
                  chunk_rows: int = 5_000, processes: bool = False, part: tuple[int, int] | None = None
                  ) -> tuple[list[FileResult], pl.DataFrame | None, np.ndarray | None, str, pl.DataFrame]:
    """Read a batch of raw objects, extract their items, normalize and fingerprint them
    ``chunk_rows`` at a time (one task per batch, so batches run in parallel).

    Each chunk's normalized items go to the lake's staging area, one object per
    date; the task hands back the per-file accounting and the items' dedup view
    (keys and features, no text) with their signatures, so a run never holds the
    text of its whole input (none past ``WIRELAKE_RUN_ITEMS`` items); which process
    did the work (host:pid), since this task may run on a Dask worker
    (flows/runners.py); and the index of what it staged where.

    With ``processes`` the work runs in a process of the extract pool
    (flows/extracting.py), so that parsing and normalizing use every core: the
    task's thread only waits for it. ``part``: the batch is one large object, of
    which this task parses its share of the pieces (flows/extracting.py ``in_parts``).
    """
    args = (batch, forced_format, run_id, ingested_at, lake, batch_no, chunk_rows, part)
    if processes:
        return extracting.in_process_pool(extracting.extract_objects, *args)
    return extracting.extract_objects(*args)





def _present(storage, window: set) -> dict[str, list]:
    return {name: [v for v in lakeio.list_partitions(storage, TABLES[name]) if v in window]
            for name in ("items", "stories", "duplicates")}


@task(name="present-partitions", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def present_partitions(lake: str, window: set) -> dict[str, list]:
    """Which partitions of items/, stories/ and duplicates/ exist for the window's dates."""
    return _present(open_storage(lake), window)


@task(name="load-window", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def load_window(lake: str, window: set, run_id: str | None = None
                ) -> tuple[tuple[pl.DataFrame, np.ndarray] | None, dict[str, list]]:
    """The dedup view of the items already in the lake for the window's dates (their
    features, not their text), and which partitions of stories/ and duplicates/
    exist there (they are re-derived by this run). With ``run_id``, the view has a
    column ``_mine``: whether the item was written by that run."""
    storage = open_storage(lake)
    present = _present(storage, window)
    frames, sigs = [], []
    columns = [c for c in VIEW if c != "date"] + (["run_id"] if run_id else [])
    for value in present["items"]:
        key = lakeio.partition_key(ITEMS, value)
        data = storage.get(key)
        part = lakeio.read_parquet_bytes(ITEMS, data, columns)
        if part.height and not (part["fp_version"] == FINGERPRINT_VERSION).all():
            # an older fingerprint recipe: fingerprint these items again from their text
            part = current_features(lakeio.read_parquet_bytes(ITEMS, data)).select(part.columns)
        del data
        view = dedup_view(part.with_columns(pl.lit(value, dtype=pl.Date).alias("date")), key)
        if run_id:
            view = view.with_columns((part["run_id"] == run_id).fill_null(False).alias("_mine"))
        frames.append(view)
        sigs.append(signatures(part))
        del part, view
    # the pieces are not copied into one: the frame keeps its chunks, the matrix takes the
    # signatures piece by piece (stack), so the window is never in memory twice
    existing = (pl.concat(frames, how="vertical", rechunk=False), stack(sigs)) if frames else None
    return existing, present


def fetch_texts(lake: str, locator: pl.DataFrame, rows: np.ndarray) -> Iterator[pl.DataFrame]:
    """``_i``, ``headline`` and ``body`` of the items at ``rows``, one frame per object
    they wait in (their staging object, or their items/ partition), reading only
    those rows' text: what dedup asks for the items it must read (shared
    boilerplate, truncated takes)."""
    storage = open_storage(lake)
    want = locator.select("_i", "raw_uri", pl.col("_loc").cast(pl.String))[rows]
    for (loc,), group in want.group_by("_loc", maintain_order=True):
        text = lakeio.read_rows(storage, loc, ITEMS, group["raw_uri"], ["raw_uri", "headline", "body"])
        yield group.join(text, on="raw_uri", how="left").select("_i", "headline", "body")


def _publishing(processes: bool, fn: Callable, *args):
    """``fn(*args)`` (flows/publishing.py) here, or with ``processes`` in a process of
    the run's pool, which is told this process's pid (its writes stop if it dies)."""
    if processes:
        return extracting.in_process_pool(fn, *args, os.getpid())
    return fn(*args, None)


@task(name="publish-items", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_items(lake: str, parts: list[tuple[object, list[str]]], reread: list[str],
                  lease_token: str, stories: list[tuple[object, pl.DataFrame]] | None = None,
                  processes: bool = False, absent: frozenset = frozenset()) -> tuple[list[str], list[str]]:
    """Merge each date's staged items into its items/ partition (one atomic write
    each) and write the stories/ partitions whose items are all among them
    (flows/publishing.py ``publish_items``; ``absent``: dates listed without an
    items/ partition, not read); with ``processes``, in a process of the run's pool."""
    return _publishing(processes, publishing.publish_items, lake, parts, reread, lease_token, stories,
                       frozenset(absent))


@task(name="publish-stories", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_stories(lake: str, parts: list[tuple[object, pl.DataFrame]], lease_token: str,
                    processes: bool = False) -> list[str]:
    """Write each date's stories/ partition whole from its kept items, read from items/
    (flows/publishing.py ``publish_stories``)."""
    return _publishing(processes, publishing.publish_stories, lake, parts, lease_token)


@task(name="publish-partitions", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_partitions(lake: str, table_name: str, parts: list[tuple[object, pl.DataFrame]],
                       lease_token: str, processes: bool = False) -> list[str]:
    """Publish a group of partitions whole, each with one atomic write (an empty one is
    deleted); retrying is idempotent (flows/publishing.py ``publish_partitions``)."""
    return _publishing(processes, publishing.publish_partitions, lake, table_name, parts, lease_token)


@task(name="publish-run", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_run(lake: str, run_id: str, rejects: pl.DataFrame, manifest: dict, lease_token: str) -> str:
    """Rejects first, then the manifest: a manifest only ever names written objects.
    The manifest is the run's commit: a run without one is cleared by the next."""
    storage = open_storage(lake)
    leases.check_token(storage, lease_token)
    lakeio.write_rejects(storage, run_id, rejects)
    leases.check_token(storage, lease_token)
    return lakeio.write_manifest(storage, run_id, manifest)


@task(name="prepare-lake", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def prepare_lake(lake: str, run_id: str) -> tuple[dict, ledgers.Ledger]:
    """Holding the lease: clear what dead runs left, read the ledger (folding in a
    committed run it misses)."""
    storage = open_storage(lake)
    recovered = ledgers.recover(storage, run_id)
    return recovered, ledgers.load(storage)


@task(name="commit-ledger", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def commit_ledger(lake: str, ledger: ledgers.Ledger, lease_token: str) -> str:
    storage = open_storage(lake)
    leases.check_token(storage, lease_token)
    return ledgers.write(storage, ledger)


@task(name="drop-staging", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def drop_staging(lake: str, run_id: str) -> int:
    """Delete what the run left in the staging area (all of it, whatever stage it reached)."""
    storage = open_storage(lake)
    keys = [o.key for o in storage.list(f"{lakeio.STAGING}/{run_id}/")]
    storage.delete_many(keys)
    return len(keys)
