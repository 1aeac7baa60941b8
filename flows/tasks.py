"""The ingest flow's tasks: each wraps I/O (listing and reading raw objects, the lake's
window, publishing partitions, the manifest and the ledger, the staging area) and
carries the storage retries; the pure work is called directly (transforms/, lake/).
Backfill and compact use the same tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import numpy as np
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import extracting
from flows.runners import PER_FILE
from lake import lease as leases
from lake import ledger as ledgers
from lake import partitions as lakeio
from lake.storage import S3Storage, SourceObject, list_source, open_storage
from schemas import DUPLICATES, ITEMS, STORIES
from transforms.dedup.cluster import current_features
from transforms.dedup.features import FINGERPRINT_VERSION
from transforms.dedup.view import VIEW, dedup_view, signatures, stack
from transforms.reading.extract import FileResult, from_sources


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
                  chunk_rows: int = 5_000, processes: bool = False
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
    task's thread only waits for it.
    """
    args = (batch, forced_format, run_id, ingested_at, lake, batch_no, chunk_rows)
    if processes:
        return extracting.in_process_pool(extracting.extract_objects, *args)
    return extracting.extract_objects(*args)



TABLES = {"stories": STORIES, "duplicates": DUPLICATES, "items": ITEMS}


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


def _publish_each(storage, token: str, parts: list, write: Callable[..., str | None]) -> list[str]:
    """``write(*part)`` for each part, up to :func:`lakeio.write_concurrency` at once,
    each after a check of the lease (answered from memory while the lease is
    confirmed, lake/lease.py); the keys written, in the order of ``parts``. On the
    first failure, the parts not started are dropped and the failure is raised
    (a lost lease: no part starts after it is known).

    The task's writes are synced together (``storage.synced_together``): on disk,
    one sync for all its files instead of an fsync each, and they become visible
    when all are written, after one more check of the lease (a failure publishes
    none of them; the task's retry writes them all). On S3 each PUT is visible
    when it returns, as before."""
    def one(part) -> str | None:
        leases.check_token(storage, token)
        return write(*part)

    workers = min(len(parts), lakeio.write_concurrency(storage))
    with storage.synced_together():
        if workers <= 1:
            keys = [key for key in map(one, parts) if key]
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="wirelake-publish") as pool:
                futures = [pool.submit(one, part) for part in parts]
                try:
                    keys = [key for f in futures if (key := f.result())]
                except BaseException:
                    for f in futures:
                        f.cancel()
                    raise
        leases.check_token(storage, token)
    return keys


@task(name="publish-items", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_items(lake: str, parts: list[tuple[object, list[str]]], reread: list[str],
                  lease_token: str, stories: list[tuple[object, pl.DataFrame]] | None = None
                  ) -> tuple[list[str], list[str]]:
    """Merge each date's staged items into its items/ partition (one atomic write each).
    The older items of raw objects read again (``reread``) are dropped: their new
    items replace them all. A partition left empty is deleted.

    ``parts``: each date with the staging objects holding its new items. A group of
    several dates (the flow bounds its rows) reads each staging object once, for
    all of them; a single date reads its rows object by object (a piece at a time).
    ``stories``: stories/ partitions whose kept items are all in these dates
    (``raw_uri``, ``shared_boilerplate``, ``item_date``): each is written whole
    from the rows just merged, as soon as its dates are, instead of being read
    back from items/. Returns the items/ and the stories/ keys written."""
    storage = open_storage(lake)
    again = set(reread)
    drop = (lambda df: from_sources(df["raw_uri"], again)) if again else None
    values = [value for value, _ in parts]
    if len(parts) > 1:
        preloaded: dict = {}
        for key in dict.fromkeys(k for _, keys in parts for k in keys):
            for value, piece in lakeio.read_staged(storage, key, values).items():
                preloaded.setdefault(value, []).append(piece)

        def pieces(value, keys: list[str]) -> Iterator[pl.DataFrame]:
            yield from preloaded.pop(value, [])
    else:
        def pieces(value, keys: list[str]) -> Iterator[pl.DataFrame]:
            for key in keys:
                piece = lakeio.read_staged(storage, key, [value]).get(value)
                if piece is not None:
                    yield piece

    local = _LocalStories(storage, lease_token, stories or [])

    def merge(value, staged: list[str]) -> str | None:
        rows = lakeio.merge_staged(storage, ITEMS, value, pieces(value, staged), refresh=current_features,
                                   drop=drop, written=local.collector(value))
        local.done(value)
        return lakeio.partition_key(ITEMS, value) if rows else None

    items_keys = _publish_each(storage, lease_token, parts, merge)
    return items_keys, local.finish()


class _LocalStories:
    """The stories/ partitions a publish-items task writes from the items it merges:
    each partition's rows are gathered from the merged items of their dates, and
    the partition is written once all those dates are merged."""

    def __init__(self, storage, token: str, stories: list[tuple[object, pl.DataFrame]]) -> None:
        import threading

        self.storage, self.token = storage, token
        self.lock = threading.Lock()
        self.wanted: dict = {}     # item date -> kept rows of it (raw_uri, shared_boilerplate, _story)
        self.waiting: dict = {}    # story partition -> item dates not merged yet
        self.kept: dict = {}       # story partition -> its kept rows
        self.found: dict = {}      # story partition -> rows gathered
        self.keys: list[str] = []
        for value, kept in stories:
            self.kept[value] = kept.height
            self.waiting[value] = set(kept["item_date"].to_list())
            self.found[value] = []
            tagged = kept.select("raw_uri", "shared_boilerplate", "item_date",
                                 pl.lit(value, dtype=pl.Date).alias("_story"))
            for (item_date,), group in tagged.group_by("item_date", maintain_order=True):
                self.wanted.setdefault(item_date, []).append(group.drop("item_date"))
        self.wanted = {d: pl.concat(frames) for d, frames in self.wanted.items()}

    def collector(self, item_date) -> Callable[[pl.DataFrame], None] | None:
        want = self.wanted.get(item_date)
        if want is None:
            return None

        def collect(df: pl.DataFrame) -> None:
            rows = df.select(STORY_FILE_COLUMNS).join(want, on="raw_uri", how="inner")
            if rows.height:
                with self.lock:
                    for (story,), part in rows.partition_by("_story", as_dict=True).items():
                        self.found[story].append(part.drop("_story"))
        return collect

    def done(self, item_date) -> None:
        ready = []
        with self.lock:
            for value, dates in self.waiting.items():
                dates.discard(item_date)
                if not dates:
                    ready.append(value)
            for value in ready:
                del self.waiting[value]
        for value in ready:
            self._write(value)

    def _write(self, value) -> None:
        with self.lock:
            rows = self.found.pop(value)
        frame = pl.concat(rows, how="vertical") if rows else pl.DataFrame()
        if frame.height != self.kept[value]:
            raise RuntimeError(f"stories {value}: {self.kept[value] - frame.height} kept items missing from items/")
        leases.check_token(self.storage, self.token)
        key = lakeio.replace_partition(self.storage, STORIES, value, frame)
        if key:
            with self.lock:
                self.keys.append(key)

    def finish(self) -> list[str]:
        if self.waiting:
            raise RuntimeError(f"stories {sorted(self.waiting, key=lakeio.partition_order)}: "
                               "their items' dates were not all merged")
        return sorted(self.keys)


@task(name="publish-stories", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_stories(lake: str, parts: list[tuple[object, pl.DataFrame]], lease_token: str) -> list[str]:
    """Write each date's stories/ partition whole: its kept items (``raw_uri``, their own
    ``item_date`` and ``shared_boilerplate``), read from items/; none: deleted."""
    storage = open_storage(lake)

    def write(value, kept: pl.DataFrame) -> str | None:
        rows = []
        groups = kept.group_by("item_date", maintain_order=True) if kept.height else []
        for (item_date,), group in groups:
            found = lakeio.read_rows(storage, lakeio.partition_key(ITEMS, item_date), ITEMS,
                                     group["raw_uri"], STORY_FILE_COLUMNS)
            rows.append(found.join(group.select("raw_uri", "shared_boilerplate"), on="raw_uri", how="inner"))
        frame = pl.concat(rows, how="diagonal_relaxed") if rows else pl.DataFrame()
        if rows and frame.height != kept.height:
            raise RuntimeError(f"stories {value}: {kept.height - frame.height} kept items missing from items/")
        return lakeio.replace_partition(storage, STORIES, value, frame)

    return _publish_each(storage, lease_token, parts, write)


# The columns a story takes from its item (all of stories/ but the flag dedup sets).
STORY_FILE_COLUMNS = [c for c in STORIES.file_columns if c != "shared_boilerplate"]


@task(name="publish-partitions", cache_policy=NO_CACHE, **STORAGE_RETRIES)
def publish_partitions(lake: str, table_name: str, parts: list[tuple[object, pl.DataFrame]],
                       lease_token: str) -> list[str]:
    """Publish a group of partitions whole, each with one atomic write (an empty one is
    deleted); retrying is idempotent."""
    table = TABLES[table_name]
    storage = open_storage(lake)
    return _publish_each(storage, lease_token, parts,
                         lambda value, rows: lakeio.replace_partition(storage, table, value, rows))


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
