"""Publishing a run's partitions, apart from Prefect: the work of the ingest flow's
publish tasks (flows/tasks.py), which call it in their own thread, or in a
process of the run's pool (flows/extracting.py ``in_process_pool``) so that the
encoding of many small partitions uses every core: polars and Parquet calls on
small frames, from several threads of one process, mostly wait for the GIL.
Every partition write is checked against the lake's lease first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from lake import lease as leases
from lake import partitions as lakeio
from lake.storage import open_storage
from schemas import DUPLICATES, ITEMS, STORIES
from transforms.dedup.cluster import current_features
from transforms.reading.extract import from_sources

TABLES = {"stories": STORIES, "duplicates": DUPLICATES, "items": ITEMS}


def _publish_each(storage, token: str, parts: list, write: Callable[..., str | None],
                  parent: int | None = None) -> list[str]:
    """``write(*part)`` for each part, up to :func:`lakeio.write_concurrency` at once,
    each after a check of the lease (answered from memory while the lease is
    confirmed, lake/lease.py); the keys written, in the order of ``parts``. On the
    first failure, the parts not started are dropped and the failure is raised
    (a lost lease: no part starts after it is known).

    The task's writes are synced together (``storage.synced_together``): on disk,
    one sync for all its files instead of an fsync each, and they become visible
    when all are written, after one more check of the lease (a failure publishes
    none of them; the task's retry writes them all). On S3 each PUT is visible
    when it returns, as before.

    ``parent``: the pid of the run's process, when this runs in a process of its
    pool: a writer whose run died (killed: the pool's process outlives it until its
    task ends) stops at its next part and publishes nothing of its block."""
    def check() -> None:
        if parent is not None and os.getppid() != parent:
            raise leases.LeaseLost(f"the run's process {parent} is gone: its writer stops")
        leases.check_token(storage, token)

    def one(part) -> str | None:
        check()
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
        check()
    return keys


def publish_items(lake: str, parts: list[tuple[object, list[str]]], reread: list[str],
                  lease_token: str, stories: list[tuple[object, pl.DataFrame]] | None = None,
                  absent: frozenset = frozenset(), parent: int | None = None) -> tuple[list[str], list[str]]:
    """Merge each date's staged items into its items/ partition (one atomic write each).
    The older items of raw objects read again (``reread``) are dropped: their new
    items replace them all. A partition left empty is deleted.

    ``parts``: each date with the staging objects holding its new items. A group of
    several dates (the flow bounds its rows) reads each staging object once, for
    all of them; a single date reads its rows object by object (a piece at a time).
    ``stories``: stories/ partitions whose kept items are all in these dates
    (``raw_uri``, ``shared_boilerplate``, ``item_date``): each is written whole
    from the rows just merged, as soon as its dates are, instead of being read
    back from items/. ``absent``: dates whose items/ partition the run's listing,
    under its lease, did not show: not read before they are written (a retry of
    this task finds there only what its first attempt wrote, from the same staged
    rows). Returns the items/ and the stories/ keys written."""
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
                                   drop=drop, written=local.collector(value), absent=value in absent)
        local.done(value)
        return lakeio.partition_key(ITEMS, value) if rows else None

    items_keys = _publish_each(storage, lease_token, parts, merge, parent)
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


def publish_stories(lake: str, parts: list[tuple[object, pl.DataFrame]], lease_token: str,
                    parent: int | None = None) -> list[str]:
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

    return _publish_each(storage, lease_token, parts, write, parent)


# The columns a story takes from its item (all of stories/ but the flag dedup sets).
STORY_FILE_COLUMNS = [c for c in STORIES.file_columns if c != "shared_boilerplate"]


def publish_partitions(lake: str, table_name: str, parts: list[tuple[object, pl.DataFrame]],
                       lease_token: str, parent: int | None = None) -> list[str]:
    """Publish a group of partitions whole, each with one atomic write (an empty one is
    deleted); retrying is idempotent."""
    table = TABLES[table_name]
    storage = open_storage(lake)
    return _publish_each(storage, lease_token, parts,
                         lambda value, rows: lakeio.replace_partition(storage, table, value, rows), parent)
