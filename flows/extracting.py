"""The extract stage's work on one batch of raw objects, apart from Prefect.

:func:`extract_objects` reads a batch of raw objects (large ones in chunks),
extracts, normalizes and fingerprints their items a chunk at a time, stages
them in the lake and hands back the accounting and the items' dedup view. The
ingest flow's extract task calls it in its own thread, or in a process of the
extract pool (:func:`in_process_pool`): parsing and normalizing are Python
holding the GIL, so threads of one process share one core. This module does
not import Prefect, so a pool process starts in a fraction of the time.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import multiprocessing
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

import numpy as np
import polars as pl
import pyarrow as pa

from lake import partitions as lakeio
from lake.storage import SourceObject, open_storage
from transforms.dedup.features import item_features
from transforms.dedup.view import dedup_view, signatures, staged_index
from transforms.normalizing.normalize import ENGINE, normalize_stories
from transforms.reading import pieces
from transforms.reading.accounting import parsed_rows
from transforms.reading.extract import FileResult, extract_file, extract_stream


def _setting(name: str, default: int) -> int:
    """A positive whole-number setting from the environment; ``default`` when unset, empty or 0."""
    return int(os.environ.get(name) or 0) or default


def stream_bytes() -> int:
    """From what size on a raw object is read in chunks and parsed in pieces
    (transforms/reading/pieces.py), so that the memory of reading it does not grow with
    its size: ``WIRELAKE_STREAM_BYTES``, else 64 MiB (smaller objects are read
    whole: one GET, and no piece to cut)."""
    return _setting("WIRELAKE_STREAM_BYTES", 64 * 1024 * 1024)


def piece_bytes() -> int:
    """The size of the pieces a large object is parsed in: ``WIRELAKE_PIECE_BYTES``, else
    ``transforms.reading.pieces.PIECE_BYTES`` (16 MiB). Read where the object is read
    (a process of the extract pool reads its environment as it was when it started)."""
    return _setting("WIRELAKE_PIECE_BYTES", pieces.PIECE_BYTES)


def split_bytes() -> int:
    """From what size on a raw object that is read in pieces is read by every process
    of the extract pool at once, each parsing its share of the pieces
    (``extract_stream``'s ``part``): ``WIRELAKE_SPLIT_BYTES``, else 256 MiB. One
    large file is otherwise one extract task, on one core."""
    return _setting("WIRELAKE_SPLIT_BYTES", 256 * 1024 * 1024)


def in_parts(batches: list[list[SourceObject]], ways: int
             ) -> tuple[list[list[SourceObject]], list[tuple[int, int] | None]]:
    """The extract tasks for ``batches`` with their parts: a batch of one object of
    :func:`split_bytes` or more becomes ``ways`` tasks, part ``(k, ways)`` each (the
    flow merges their results: ``transforms.reading.extract.merge_parts``)."""
    tasks: list[list[SourceObject]] = []
    parts: list[tuple[int, int] | None] = []
    for batch in batches:
        if ways > 1 and len(batch) == 1 and batch[0].size >= max(split_bytes(), stream_bytes()):
            tasks.extend([batch] * ways)
            parts.extend((k, ways) for k in range(ways))
        else:
            tasks.append(batch)
            parts.append(None)
    return tasks, parts


def run_items() -> int:
    """How many items a run deduplicates at once, at most (``WIRELAKE_RUN_ITEMS``, default
    400,000): a run with more publishes them to items/ first and deduplicates its dates
    in groups (flows/ingest.py ``_ingest_in_groups``), so that neither the flow nor an
    extract task holds the dedup view of all its items."""
    return _setting("WIRELAKE_RUN_ITEMS", 400_000)


def counted(chunks: Iterator[bytes], read: list[int]) -> Iterator[bytes]:
    """``chunks``, adding the bytes handed on to ``read[0]``."""
    for chunk in chunks:
        read[0] += len(chunk)
        yield chunk


def _too_many(items: int, read: int, size: int) -> bool:
    """Whether a large object read in parts will give more than :func:`run_items` items,
    judged from the ``items`` its first ``read`` bytes of ``size`` gave (all parts
    together): its parts then drop their views at once (the run deduplicates in groups
    of dates) instead of each holding its share of them first. Without it the pool's
    processes held 200,000 views each of a 2 GB file before dropping them (about 0.6 GB
    each). A wrong guess costs time only: a run that could have deduplicated at once
    goes the way of groups of dates, which gives the same lake."""
    return read >= (1 << 24) and items * size > run_items() * read


def extract_objects(batch: list[SourceObject], forced_format: str | None, run_id: str,
                    ingested_at: datetime, lake: str, batch_no: int,
                    chunk_rows: int = 5_000, part: tuple[int, int] | None = None
                    ) -> tuple[list[FileResult], pl.DataFrame | None, np.ndarray | None, str, pl.DataFrame]:
    """The extract task's work (flows/ingest.py ``extract_batch``): the batch's file
    results, the dedup view of its items and their signatures (None, None when the
    batch alone has more than :func:`run_items` items: the run deduplicates in groups
    of dates then, and needs only the index), which process did the work (host:pid),
    and the index of what was staged where (:func:`staged_index`). With ``part``
    (:func:`in_parts`) the batch is one large object, read in pieces, of which this
    task parses its share."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    lake_store = open_storage(lake)
    views: list[pl.DataFrame] | None = []
    sigs: list[np.ndarray] | None = []
    index: list[pl.DataFrame] = []
    # A part of one large object (``in_parts``) holds at most its share of the views:
    # the pool's processes together no more than one task would.
    ways = part[1] if part else 1
    held, bound = 0, run_items() // ways
    # Bytes of the object read so far, while a part reads it (``counted``): with the
    # items this part has staged they tell how many the whole object holds.
    read = [0]
    chunk_no = 0
    # Parsed rows of the batch's files wait here until there are ``chunk_rows`` of
    # them (or the batch ends): a chunk spans files, so a feed of one story per file
    # (most NewsML-G2 and NITF deliveries) is normalized and staged thousands of
    # items at a time, not one by one.
    pending: list[dict] = []

    def collect(rows: list[dict]) -> None:
        pending.extend(rows)
        rows.clear()
        if len(pending) >= chunk_rows:
            stage()

    def stage() -> None:
        nonlocal chunk_no, views, sigs, held
        items = normalize_stories(parsed_rows(pending).lazy()).collect(engine=ENGINE).with_columns(
            pl.lit(ingested_at).alias("ingested_at"), pl.lit(run_id).alias("run_id"))
        pending.clear()
        # by date (nulls last), as an object per date listed them: the view's order is
        # the one dedup has always seen (its ties are broken by position)
        items = item_features(items).sort("date", nulls_last=True, maintain_order=True)
        # one object for the chunk, whatever its dates (an object per date cost a
        # Parquet write each: most of the chunk's time on a many-dated archive)
        if items.height:
            key = lakeio.staging_key(run_id, f"{batch_no:05d}-{chunk_no:04d}")
            lake_store.put_transient(key, lakeio.to_staging_bytes(items))
            view = dedup_view(items, key)
            index.append(staged_index(view))
            held += view.height
            if views is not None and (held > bound or part is not None and _too_many(held * ways, read[0], batch[0].size)):
                views = sigs = None  # too many items for one dedup: the index is enough
            if views is not None:
                views.append(view)
                sigs.append(signatures(items))
            del view
        chunk_no += 1
        del items
        release_memory(collect=False)

    results = []
    stores = {}
    for obj in batch:
        storage = stores.get(obj.storage_url) or stores.setdefault(obj.storage_url,
                                                                   open_storage(obj.storage_url))
        try:
            if obj.size >= stream_bytes() or part is not None:
                chunks = counted(storage.read_chunks(obj.key), read)
                first = next(chunks, b"")  # a vanished object fails here
                results.append(extract_stream(itertools.chain([first], chunks), obj.uri, forced_format,
                                              flush=collect, flush_rows=chunk_rows,
                                              piece_bytes=piece_bytes(), part=part))
                continue
            data = storage.get(obj.key)
        except FileNotFoundError:
            result = FileResult(obj.uri, items_in=int(not (part and part[0])), part=part)
            if part and part[0]:  # part 0 rejects it
                results.append(result)
                continue
            result.rejects.append({"raw_uri": f"{obj.uri}#0", "source_format": None,
                                   "reason": "source_vanished",
                                   "detail": "listed but gone when read", "raw_size": 0,
                                   "raw": b"", "_source_uri": obj.uri})
            results.append(result)
            continue
        results.append(extract_file(data, obj.uri, forced_format, flush=collect, flush_rows=chunk_rows))
        del data
    if pending:
        stage()
    if views is None:
        out = results, None, None, worker, pl.concat(index, how="vertical")
    elif not views:
        empty = item_features(normalize_stories(parsed_rows([]).lazy()).collect(engine=ENGINE).with_columns(
            pl.lit(ingested_at).alias("ingested_at"), pl.lit(run_id).alias("run_id")))
        view = dedup_view(empty, None)
        out = results, view, signatures(empty), worker, staged_index(view)
    else:
        out = results, pl.concat(views, how="vertical"), np.concatenate(sigs), worker, pl.concat(index, how="vertical")
    # a process of the pool waits for its next task (publishing, or the next run)
    # while the flow deduplicates: without this it would sit on what reading left
    views = sigs = index = None
    release_memory()
    return out


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


# What sizes the thread pools of polars and numba, read when a process imports them.
THREAD_SETTINGS = ("POLARS_MAX_THREADS", "NUMBA_NUM_THREADS")


def _started() -> int:
    """A pool process's first task: it is up, and has imported this module."""
    return os.getpid()


def _pool(workers: int) -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            # spawn: the flow's process runs threads (Prefect's, polars'), which a
            # fork would copy in whatever state they were in.
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            # Each process gets its share of the cores for polars' and numba's threads
            # (one, with a process a core), unless set by the user: the pool already
            # keeps every core busy, and a second thread in each only waited for the
            # core (issue 16: 7-10 % less CPU for the same extract, and a shorter wall).
            # The processes are started here, with the settings in the environment they
            # inherit (a submit starts one while none is idle); polars reads its setting
            # at import, before any task's code could set it.
            share = str(max(1, (os.cpu_count() or 1) // workers))
            added = [name for name in THREAD_SETTINGS if name not in os.environ]
            os.environ.update(dict.fromkeys(added, share))
            try:
                for _ in range(workers):
                    pool.submit(_started)
            finally:
                for name in added:
                    os.environ.pop(name, None)
            _POOL = pool
        return _POOL


def _then_release(fn: Callable, *args):
    """``fn(*args)`` in a pool process, which then hands back what the task freed: the
    process waits, idle, while the flow deduplicates, and the run's peak is the sum
    of every process's memory at that moment. On the 1M synthetic run (issue 16)
    each pool process sat at 480-495 MiB through the flow's dedup of a group (its
    peak: the flow's process 1,662, the server 235); given back, one holds about
    300 a second after its task."""
    try:
        return fn(*args)
    finally:
        release_memory(collect=False, always=True)


def in_process_pool(fn: Callable, *args, workers: int | None = None):
    """``fn(*args)`` in a process of the extract pool (started on first use, one
    process a core, kept for later runs of this process), waiting for it. A pool
    whose process died (killed, out of memory) is dropped, so that the task's
    retry gets a new one."""
    global _POOL
    from flows.runners import default_workers

    pool = _pool(workers or default_workers())
    try:
        return pool.submit(_then_release, fn, *args).result()
    except BrokenProcessPool:
        with _POOL_LOCK:
            if _POOL is pool:
                _POOL = None
        pool.shutdown(wait=False, cancel_futures=True)
        raise


def shutdown_pool() -> None:
    """Stop the extract pool's processes (they are started again when needed)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _rss_mb() -> int:
    """This process's resident memory now (0 where /proc is missing: treated as small)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // (1 << 20)
    return 0


def release_memory(collect: bool = True, always: bool = False) -> None:
    """Hand freed memory back to the system (after each chunk and between stages).

    Parsing leaves the C heap fragmented (millions of short-lived strings from
    worker threads): glibc keeps those pages until asked, and so does Arrow's
    allocator (mimalloc in pyarrow's wheels: 60-70 MiB after a 50,000-story
    shard). Without this the next stage's peak would sit on top of the last
    one's leftovers. A process still small (under 512 MiB resident) skips it
    unless ``always``: a full collection costs a tenth of a second, much of a
    small run's time, and there is no peak to lower; the two allocators' calls
    cost a few milliseconds.
    """
    if not always and _rss_mb() < 512:
        return
    if collect:
        gc.collect()
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to ask
            ctypes.CDLL("libc.so.6").malloc_trim(0)
