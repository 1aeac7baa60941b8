"""The ingest flow: list raw objects -> extract -> normalize -> dedup -> publish.

The flow and the stages of one run of the lake (:func:`run_and_commit`, also what
each chunk of a backfill runs). Its tasks, which wrap the I/O and carry retries,
are in flows/tasks.py; stage timings and progress in flows/progress.py; the
extract work in flows/extracting.py; the pure transforms are called directly.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

import numpy as np
import polars as pl
from prefect import flow, get_run_logger
from prefect.utilities.annotations import unmapped

from flows.extracting import in_parts, run_items
from flows.extracting import release_memory as _release_memory
from flows.progress import RunProgress, StageTimer
from flows.runners import WirelakeTaskRunner, default_workers
from flows.summary import summary_markdown
from flows.tasks import (
    TABLES,
    commit_ledger,
    drop_staging,
    extract_batch,
    fetch_texts,
    list_inputs,
    load_window,
    prepare_lake,
    present_partitions,
    probe_lake,
    publish_items,
    publish_partitions,
    publish_run,
    publish_stories,
)
from lake import lease as leases
from lake import ledger as ledgers
from lake import partitions as lakeio
from lake.storage import SourceObject, StorageError, is_s3
from schemas import DUPLICATES, SCHEMA_VERSION, STORIES
from transforms.dedup.cluster import dedup_items, window_dates
from transforms.dedup.view import stack
from transforms.reading.accounting import (
    account,
    by_format,
    check_staged,
    fill_flags,
    rejects_frame,
    stories_by_day_provider,
)
from transforms.reading.extract import FileResult, from_sources, merge_parts, source_of


class NoInputError(RuntimeError):
    """The sources hold no raw object at all (a systemic failure)."""


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


def _groups(items: list, size: int | None) -> list[list]:
    """``items`` in groups of ``size``, one publishing task each. ``None``: as many
    groups as tasks run at once, of 16 to 256 partitions: a Prefect task costs tens
    of milliseconds of its own (more than writing a small partition), while a
    group's partitions are written several at once inside its task."""
    if size is None:
        size = max(16, min(256, -(-len(items) // default_workers())))
    return [items[i:i + size] for i in range(0, len(items), size)]


# Rows of the items/ partitions one publish-items task merges when it handles several
# dates (it reads each staging object once for all of them, so it holds their new rows).
ITEM_GROUP_ROWS = 20_000


def _item_groups(parts: list[tuple[object, list[str]]], rows: dict, size: int | None) -> list[list]:
    """The dates to merge into items/, in groups as :func:`_groups`, each also of at
    most ``ITEM_GROUP_ROWS`` rows (``rows``: per date; a larger date is a group of
    its own, merged a staged piece at a time)."""
    groups = []
    for group in _groups(parts, size):
        cur, total = [], 0
        for part in group:
            n = rows.get(part[0], 0)
            if cur and total + n > ITEM_GROUP_ROWS:
                groups.append(cur)
                cur, total = [], 0
            cur.append(part)
            total += n
        if cur:
            groups.append(cur)
    return groups


def _local_stories(plan: list[tuple[object, pl.DataFrame]], groups: list[list]
                   ) -> tuple[list[list[tuple[object, pl.DataFrame]]], list[tuple[object, pl.DataFrame]]]:
    """The stories/ partitions each publish-items group writes (all their kept items
    are of that group's dates), and the others (read back from items/, or deleted)."""
    group_of = {value: i for i, group in enumerate(groups) for value, _ in group}
    local: list[list] = [[] for _ in groups]
    rest = []
    for value, kept in plan:
        owners = {group_of.get(d, -1) for d in kept["item_date"].unique().to_list()} if kept.height else {-1}
        if len(owners) == 1 and (owner := owners.pop()) >= 0:
            local[owner].append((value, kept))
        else:
            rest.append((value, kept))
    return local, rest


def new_run_id(now: datetime) -> str:
    """A run's id: its UTC start time, then 8 hex digits: the microseconds (5 digits) and
    3 random ones. Ids sort by start time, also for runs started within one second
    (the latest run is the last id; the manifests list in the order the runs began)."""
    return f"{now:%Y%m%dT%H%M%SZ}-{now.microsecond:05x}{uuid.uuid4().hex[:3]}"


@flow(name="wirelake-ingest", log_prints=False, task_runner=WirelakeTaskRunner())
def ingest(sources: list[str], lake: str, format: str | None = None,
           batch_files: int = 64, batch_bytes: int = 64 * 1024 * 1024,
           partitions_per_task: int | None = None, window_days: int = 3, chunk_rows: int = 5_000,
           reprocess: bool = False, lease_wait: float = 300.0, published_start: str | None = None,
           published_end: str | None = None) -> dict:
    """Ingest raw dumps from ``sources`` (paths or s3:// prefixes) into ``lake``: the
    raw objects the lake's ledger lacks or that changed since (all: ``reprocess``),
    holding the lake's lease (waiting up to ``lease_wait`` seconds for it).
    ``published_start``/``published_end`` (YYYY-MM-DD, both or neither): take only the
    items published in that range (the others are skipped, ``outside_range``)."""
    log = get_run_logger()
    timer = StageTimer()
    now = datetime.now(UTC)
    published = None
    if published_start or published_end:
        published = (date.fromisoformat(published_start), date.fromisoformat(published_end))
    run = RunSpec(new_run_id(now), now, list(sources), lake, format, reprocess,
                  batch_files, batch_bytes, partitions_per_task, window_days, chunk_rows, published)
    probe_lake(lake)
    listed = list_inputs(sources)
    if not listed:
        raise NoInputError(f"no raw objects under {', '.join(sources)}")
    with holding_lake(lake, run.run_id, lease_wait) as (token, recovered, ledger):
        objects, unchanged, reread = ledger.pending(listed, reprocess, within=published)
        timer.lap("list")
        inputs = {"listed_objects": len(listed), "unchanged_objects": len(unchanged)}
        manifest, ledger = run_and_commit(run, objects, reread, ledger, token, inputs,
                                          {**recovered, "ledger_folded_runs": ledger.folded},
                                          timer=timer)
    t = manifest["totals"]
    log.info("run %s: %d files (%d unchanged, not read), %d items: %d stories, %d duplicates, "
             "%d skipped, %d rejects", run.run_id, t["files"], len(unchanged), t["items_in"], t["stories"],
             t["duplicates"], t["skipped"], t["rejects"])
    return manifest


@dataclass(frozen=True)
class RunSpec:
    """One run's identity and settings (an ingest, or one chunk of a backfill)."""

    run_id: str
    started: datetime
    sources: list[str]
    lake: str
    format: str | None = None
    reprocess: bool = False
    batch_files: int = 64
    batch_bytes: int = 64 * 1024 * 1024
    partitions_per_task: int | None = None  # None: see _groups
    window_days: int = 3
    chunk_rows: int = 5_000
    # only items published in this range (first, last day) are taken; None: all
    published: tuple[date, date] | None = None


@contextlib.contextmanager
def holding_lake(lake: str, run_id: str, lease_wait: float):
    """Hold the lake's lease (renewed in the background) for the block, after clearing
    what dead runs left; yields the lease token, what was cleared and the ledger.
    The lease is released when the block ends, however it ends."""
    log = get_run_logger()
    lease = leases.acquire(lake, run_id, wait=lease_wait, on_wait=lambda held: log.warning(
        "lake %s is being written by run %s (lease until %s): waiting up to %.0f s",
        lake, held.get("run_id"), held.get("expires_at"), lease_wait))
    lease.start_renewing()
    try:
        recovered, ledger = prepare_lake(lake, run_id)
        yield lease.token, recovered, ledger
    finally:
        with contextlib.suppress(Exception):
            lease.release()


def run_and_commit(run: RunSpec, objects: list[SourceObject], reread: list[str], ledger: ledgers.Ledger,
                   token: str, inputs: dict, recovered: dict, *, extraction: Extraction | None = None,
                   timer: StageTimer | None = None, extra: dict | None = None
                   ) -> tuple[dict, ledgers.Ledger]:
    """Run ``objects`` through the pipeline as one run of the lake and commit it
    (rejects, manifest, then ledger); the manifest and the ledger with the run in.

    ``extraction``: the run's extract stage, already started (:func:`start_extract`).
    The run's staging area is emptied whatever happens."""
    timer = extraction.timer if extraction else timer or StageTimer()
    try:
        if objects:
            extraction = extraction or start_extract(run, objects, timer)
            parts = _ingest_objects(run, extraction, reread, ledger.previous_dates(reread), timer.lap, token)
        else:
            parts = _nothing_new(run.run_id, run.started)
        counts, summary, outputs, rejects = parts
        outputs["manifest"] = lakeio.manifest_key(run.run_id)
        outputs["ledger"] = ledgers.LEDGER_KEY
        manifest = {
            "run_id": run.run_id,
            "schema_version": SCHEMA_VERSION,
            "started_at": run.started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "sources": run.sources,
            "lake": run.lake,
            "format": run.format,
            "reprocess": run.reprocess,
            "listed_objects": inputs["listed_objects"],
            "unchanged_objects": inputs["unchanged_objects"],  # consumed by earlier runs, not read again
            "reread_objects": len(reread),  # changed since an earlier run read them (or reprocess)
            "recovered": recovered,
            **(extra or {}),
            **counts,
            **summary,
            "extract_workers": sorted(extraction.workers) if objects else [],
            # one per batch of raw objects, and one per part of a large object read by
            # every process of the pool (``in_parts``)
            "extract_tasks": extraction.tasks if objects else 0,
            "outputs": outputs,
            "timings_s": timer.timings,
            "cpu_s": timer.cpu,  # the run process's CPU time in each stage (its pool's not included)
            "peak_rss_mb": timer.peak_rss,  # the process's high-water mark at the end of each stage
        }
        publish_run(run.lake, run.run_id, rejects, manifest, token)
        ledger = ledger.with_run(run.run_id, run.started, counts["files"])
        commit_ledger(run.lake, ledger, token)
    finally:
        # The staging area is the run's own: emptied whether the run finished or not
        # (a run killed outright leaves it; the next run clears it).
        with contextlib.suppress(Exception):
            drop_staging(run.lake, run.run_id)
    publish_summary(manifest)
    return manifest, ledger


def publish_summary(manifest: dict, key: str = "wirelake-run-summary",
                    render: Callable[[dict], str] = summary_markdown) -> None:
    """The run's summary tables as a Prefect artifact of the flow run (what the CLI prints)."""
    from prefect.artifacts import create_markdown_artifact

    try:
        create_markdown_artifact(markdown=render(manifest), key=key,
                                 description=f"wirelake run {manifest['run_id']}")
    except Exception as exc:  # noqa: BLE001 - the run is committed; a lost artifact is only logged
        get_run_logger().warning("run %s: summary artifact not published: %s", manifest["run_id"], exc)


@dataclass
class Extraction:
    """A run's extract stage: its tasks while they run, then what they handed back."""

    futures: list
    objects: list[SourceObject]
    timer: StageTimer
    results: list[FileResult] | None = None
    # the batches' dedup views and signatures, while the run's items are few enough to
    # deduplicate at once (``run_items``); None: the run deduplicates in groups of dates
    views: list[pl.DataFrame] | None = None
    sigs: list[np.ndarray] | None = None
    # what was staged where: items per source file, format, date and staging object
    index: list[pl.DataFrame] | None = None
    workers: set[str] | None = None
    progress: RunProgress | None = None
    # whether the extract tasks work in the run's process pool (so may the publishing ones)
    processes: bool = False
    tasks: int = 0  # the extract tasks submitted (``start_extract``)

    def wait(self) -> Extraction:
        if self.results is None:
            bound = run_items()
            self.results, self.views, self.sigs, self.index, self.workers = [], [], [], [], set()
            held = 0
            for k, f in enumerate(self.futures):
                batch_results, view, sig, worker, index = f.result()
                self.futures[k] = None  # the batch's view is freed once dropped below
                self.results.extend(batch_results)
                self.index.append(index)
                held += int(index["len"].sum())
                if self.views is not None and (view is None or held > bound):
                    # more items than one dedup may hold: keep only the index from now on
                    self.views = self.sigs = None
                    _release_memory()
                if self.views is not None:
                    self.views.append(view)
                    self.sigs.append(sig)
                del view, sig, batch_results
                self.workers.add(worker)
                if self.progress is not None:
                    # a large object read in parts is one object (its parts, one result each)
                    self.progress.update(objects_done=len({r.source_uri for r in self.results}),
                                         items_done=sum(r.items_in for r in self.results))
            self.results = merge_parts(self.results)  # a large object's parts: one result
            self.futures = []
        return self


def start_extract(run: RunSpec, objects: list[SourceObject], timer: StageTimer | None = None) -> Extraction:
    """Submit the run's extract tasks (one per batch of raw objects); they stage the
    items in the lake while the caller goes on. ``timer`` times the run's stages
    (a new one starts now)."""
    processes = extract_in_processes(objects)
    # a large object is read by every process of the pool, each parsing its share
    batches, parts = in_parts(_batches(objects, run.batch_files, run.batch_bytes),
                              default_workers() if processes else 1)
    futures = extract_batch.map(batches, unmapped(run.format), unmapped(run.run_id), unmapped(run.started),
                                unmapped(run.lake), list(range(len(batches))), unmapped(run.chunk_rows),
                                unmapped(processes), parts)
    progress = RunProgress(run.run_id, len(objects))
    progress.update(stage="extract")
    return Extraction(list(futures), objects, timer or StageTimer(), progress=progress, processes=processes,
                      tasks=len(batches))


def _absent_in(group: list, absent: frozenset) -> frozenset:
    """The dates of one publishing group (date, staged keys) listed without an items/
    partition (what its task is given: not the run's whole set)."""
    return frozenset(value for value, _ in group if value in absent)


def publish_in_processes(extraction: Extraction, lake: str) -> bool:
    """Whether the run's publishing tasks encode and write their partitions in the
    run's process pool (flows/publishing.py): when its extract tasks did, and the
    lake is on disk. Many small partitions are CPU work (polars, Parquet encoding)
    in short calls, which the threads of one process serialize on the GIL: the
    corpora's 1,657 dates took one core of two (2026-12-07)."""
    return extraction.processes and not is_s3(lake)


def extract_in_processes(objects: list[SourceObject]) -> bool:
    """Whether the run's extract tasks hand their work to the extract pool's processes
    (flows/extracting.py), read when the run starts: ``WIRELAKE_EXTRACT`` ``processes``
    or ``threads``; unset (``auto``): processes when there are cores to share and
    enough input to pay for starting them (32 MiB), and the tasks do not already run
    on Dask (``WIRELAKE_DASK``)."""
    from flows.runners import dask_setting, default_workers

    choice = (os.environ.get("WIRELAKE_EXTRACT") or "auto").strip().lower()
    if choice not in ("auto", "processes", "threads"):
        raise ValueError(f"WIRELAKE_EXTRACT must be auto, processes or threads, not {choice!r}")
    if choice != "auto":
        return choice == "processes"
    return (dask_setting() is None and default_workers() > 1
            and sum(o.size for o in objects) >= 32 * 1024 * 1024)


def _nothing_new(run_id: str, started: datetime) -> tuple[dict, dict, dict, pl.DataFrame]:
    """A run that found no new or changed raw object: its accounting is all zeros."""
    none = pl.DataFrame(schema={"_source_uri": pl.String, "source_format": pl.String,
                                "reason": pl.String, "date": pl.Date, "provider": pl.String})
    rejects = rejects_frame([], run_id, started)
    counts = account([], none, none, rejects)
    summary = {"by_format": [], "stories_by_day_provider": []}
    return counts, summary, {"items": [], "stories": [], "duplicates": [], "rejects": None}, rejects


def _ingest_objects(run: RunSpec, extraction: Extraction, reread: list[str],
                    before: dict[str, list | None], lap: Callable[[str], None],
                    token: str) -> tuple[dict, dict, dict, pl.DataFrame]:
    """Extract, dedup and publish the run's objects; its counts, summary, outputs and rejects."""
    lake, run_id, started = run.lake, run.run_id, run.started
    # 1. Extract, normalize and fingerprint, batch by batch: the items wait in the
    #    staging area; the flow keeps only their dedup view.
    extraction.wait()
    if extraction.views is None:  # too many items to deduplicate at once
        return _ingest_in_groups(run, extraction, reread, before, lap, token)
    results, views, sigs = extraction.results, extraction.views, extraction.sigs
    extraction.views = extraction.sigs = None
    new = pl.concat(views, how="vertical")
    del views
    if run.published is not None:
        # a run for a range of publication dates: items of other dates (or none) are
        # skipped, counted per file; their staged objects are never published
        new, sigs = _within(new, sigs, run.published, results)
    staged: dict[object, list[str]] = {}
    for (value, loc), _ in new.group_by("date", pl.col("_loc").cast(pl.String), maintain_order=True):
        staged.setdefault(value, []).append(loc)
    item_dates = {uri: dates for uri, dates in new.group_by(pl.col("_source_uri").cast(pl.String)).agg(
        pl.col("date").unique().sort(nulls_last=True)).iter_rows()}
    rejects = rejects_frame(results, run_id, started)
    _release_memory()
    lap("extract_normalize")
    progress = extraction.progress or RunProgress(run_id, len(extraction.objects))
    progress.update(stage="dedup")

    # 2. Dedup against what the lake already holds for these dates: the items of the
    #    window are re-deduplicated with the new ones (on their features), and the
    #    window's partitions of stories/ and duplicates/ are re-derived from them.
    #    Objects read again replace all their older items, wherever those went.
    purge = {d for dates in before.values() if dates for d in dates}
    if run.published is not None:  # older items of other dates stay: this run does not replace them
        purge = {d for d in purge if d is not None and run.published[0] <= d <= run.published[1]}
    window = window_dates([*new["date"].unique().to_list(), *purge], run.window_days)
    existing, present = load_window(lake, window)
    if existing is not None:
        # the lake's items of the window, but those read again by this run
        old, old_sig = existing
        again = from_sources(old["raw_uri"], reread)
        if run.published is not None:
            again = again & old["date"].is_between(*run.published).fill_null(False)
        stale = old["raw_uri"].is_in(new["raw_uri"].implode()) | again
        keep = (~stale).to_numpy()
        new = pl.concat([old.filter(keep), new], how="vertical")
        sigs.insert(0, old_sig[keep])
        del old, old_sig, keep, stale
    del existing
    sig = stack(sigs)
    items = new.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    del new
    # items/ rows of each date after the merge (new and older ones): what bounds a publishing group
    rows_by_date = dict(items.group_by("date").len().iter_rows())
    locator = items.select("_i", "raw_uri", "_loc")
    kept, duplicates = dedup_items(items, partial(fetch_texts, lake, locator), sig=sig)
    del items, sig, locator
    duplicates = duplicates.with_columns(pl.lit(run_id).alias("run_id"))
    counts = account(results, kept, duplicates, rejects)
    summary = {"by_format": by_format(results, kept, duplicates, rejects),
               "stories_by_day_provider": stories_by_day_provider(kept)}
    # what publishing needs of the kept stories (their rows come from items/)
    kept = kept.select("date", "raw_uri", "shared_boilerplate", pl.col("published_at").dt.date().alias("item_date"))
    _release_memory()
    lap("dedup")
    progress.update(stage="write", stories=counts["totals"]["stories"])
    procs = publish_in_processes(extraction, lake)

    # 3. Publish: items/ first (stories are taken from it), then stories/ and
    #    duplicates/, each partition replaced whole by one write. A stories/
    #    partition whose kept items all fall in one publish-items group is written
    #    by that task from the rows it merged; the others read theirs back from items/.
    for value in purge & set(present["items"]):
        staged.setdefault(value, [])  # only older items to drop there
    groups = _item_groups(sorted(staged.items(), key=lambda kv: lakeio.partition_order(kv[0])),
                          rows_by_date, run.partitions_per_task)
    stories_plan = _replacing(lakeio.partitions(STORIES, kept), present["stories"])
    del kept
    local, stories_plan = _local_stories(stories_plan, groups)
    duplicates_plan = _replacing(lakeio.partitions(DUPLICATES, duplicates), present["duplicates"])
    done = 0
    total = sum(len(g) for g in groups) + sum(len(s) for s in local) + len(stories_plan) + len(duplicates_plan)

    def keys_of(futures: list, sizes: list[int]) -> list:
        nonlocal done
        keys = []
        for f, size in zip(futures, sizes, strict=True):
            keys.append(f.result())
            done += size
            progress.update(partitions_done=done, partitions_total=total)
        return keys

    # dates of the window listed without an items/ partition: not read before writing
    absent = frozenset(d for d in staged if d in window and d not in set(present["items"]))
    merged = keys_of([publish_items.submit(lake, g, reread, token, s, procs, _absent_in(g, absent))
                      for g, s in zip(groups, local, strict=True)],
                     [len(g) + len(s) for g, s in zip(groups, local, strict=True)])
    outputs = {"items": [k for items_keys, _ in merged for k in items_keys]}
    plans = {"stories": _groups(stories_plan, run.partitions_per_task),
             "duplicates": _groups(duplicates_plan, run.partitions_per_task)}
    written = {"stories": [publish_stories.submit(lake, g, token, procs) for g in plans["stories"]],
               "duplicates": [publish_partitions.submit(lake, "duplicates", g, token, procs)
                                 for g in plans["duplicates"]]}
    for name in ("stories", "duplicates"):
        outputs[name] = [k for keys in keys_of(written[name], [len(g) for g in plans[name]]) for k in keys]
    outputs["stories"] = sorted([*outputs["stories"], *(k for _, keys in merged for k in keys)],
                                key=lambda k: lakeio.partition_order(lakeio.partition_value(k, STORIES)))
    outputs["rejects"] = lakeio.rejects_key(run_id) if rejects.height else None
    lap("write")
    progress.update(stage="commit")

    _ledger_rows(run, extraction, results, counts, item_dates)
    return counts, summary, outputs, rejects


def _ledger_rows(run: RunSpec, extraction: Extraction, results: list[FileResult], counts: dict,
                 item_dates: dict) -> None:
    """Complete the run's per-file rows with what the ledger records of each file."""
    sizes = {o.uri: (o.size, o.version) for o in extraction.objects}
    vanished = {r.source_uri for r in results if any(x["reason"] == "source_vanished" for x in r.rejects)}
    for row in counts["files"]:
        row["size"], row["version"] = sizes.get(row["uri"], (None, None))
        row["item_dates"] = [None if d is None else d.isoformat() for d in item_dates.get(row["uri"], [])]
        row["consumed"] = row["uri"] not in vanished  # read: the ledger records it
        if run.published is not None:  # what of it the lake now holds: its items of these dates
            row["covered"] = [{"start": run.published[0].isoformat(), "end": run.published[1].isoformat()}]


def _ingest_in_groups(run: RunSpec, extraction: Extraction, reread: list[str],
                      before: dict[str, list | None], lap: Callable[..., None],
                      token: str) -> tuple[dict, dict, dict, pl.DataFrame]:
    """:func:`_ingest_objects` for a run with more items than one dedup may hold
    (``run_items``): the same lake, in a memory bounded by the items of a few dates.

    The staged items are checked against the files' accounting and published to
    items/ first (merged date by date, as always). Then the dates the run re-derives
    (those within ``window_days`` of its items, as one dedup would) are taken in date
    order, in groups whose window holds at most ``run_items`` of the run's items:
    each group's window (its dates and ``window_days`` either side) is read back
    from items/ (features only), deduplicated, and the group's own partitions of
    stories/ and duplicates/ are written from it. A partition is written once, from
    a dedup over every item within ``window_days`` of it: what one dedup of the
    whole run gives whenever related items lie within the window (the cross-run
    condition, docs/dedup.md). Each item of the run is counted (story or duplicate)
    in the group of its own date, so the accounting adds up whatever the window.
    Limits: a group holds at least one date, so one date (and its window) with more
    than ``run_items`` items is deduplicated at once, and items without a date are
    in every group's window; the run keeps a few bytes a story for its summary.
    """
    lake, run_id, started = run.lake, run.run_id, run.started
    results = extraction.results
    index = pl.concat(extraction.index, how="vertical").with_columns(
        pl.col("_source_uri").cast(pl.String), pl.col("_loc").cast(pl.String))
    extraction.index = None
    if run.published is not None:
        index = _index_within(index, run.published, results)
    staged: dict[object, list[str]] = {}
    # one string a staging object, however many dates it holds: a 10 GB file over five
    # years is about a million (date, object) rows here, which held a string each
    # (about 110 bytes) through the whole run (issue 16)
    locs: dict[str, str] = {}
    for value, loc in index.select("date", "_loc").unique(maintain_order=True).iter_rows():
        staged.setdefault(value, []).append(locs.setdefault(loc, loc))
    del locs
    item_dates = {uri: dates for uri, dates in index.group_by("_source_uri").agg(
        pl.col("date").unique().sort(nulls_last=True)).iter_rows()}
    per_date = dict(index.group_by("date").agg(pl.col("len").sum()).iter_rows())
    rejects = rejects_frame(results, run_id, started)
    # every item read is staged, skipped or rejected: checked before anything is published
    check_staged(results, dict(index.group_by("_source_uri").agg(pl.col("len").sum()).iter_rows()), rejects)
    del index
    _release_memory()
    lap("extract_normalize")
    progress = extraction.progress or RunProgress(run_id, len(extraction.objects))
    progress.update(stage="write")
    procs = publish_in_processes(extraction, lake)

    # 2. items/ first, every date the run staged (and those whose older items of
    #    objects read again are dropped): the window of each group is read from it.
    purge = {d for dates in before.values() if dates for d in dates}
    if run.published is not None:
        purge = {d for d in purge if d is not None and run.published[0] <= d <= run.published[1]}
    redo = window_dates([*per_date, *purge], run.window_days)
    listed = purge | set(staged)
    present_items = set(present_partitions(lake, listed)["items"])
    for value in purge & present_items:
        staged.setdefault(value, [])
    absent = frozenset(d for d in staged if d in listed and d not in present_items)
    groups = _item_groups(sorted(staged.items(), key=lambda kv: lakeio.partition_order(kv[0])),
                          per_date, run.partitions_per_task)
    done = 0
    outputs: dict = {"items": [], "stories": [], "duplicates": []}
    for f, g in [(publish_items.submit(lake, g, reread, token, None, procs, _absent_in(g, absent)), g)
                 for g in groups]:
        items_keys, _ = f.result()  # no stories yet: they come group of dates by group
        outputs["items"].extend(items_keys)
        done += len(g)
        progress.update(partitions_done=done)
    del staged, groups  # what was staged where: not needed by the dedup groups below
    lap("write")

    # 3. Dedup and publish stories/ and duplicates/, group of dates by group of dates.
    sources = {r.source_uri for r in results}
    mine_kept, mine_dups, all_kept, all_dups = [], [], [], []
    date_groups = _date_groups(redo, per_date, run.window_days, run_items())
    largest = 0  # the most items one dedup held (a group's window, the lake's older items too)
    for dates in date_groups:
        progress.update(stage="dedup")
        own = set(dates)
        existing, present = load_window(lake, window_dates([d for d in dates if d is not None], run.window_days),
                                        run_id)
        if existing is None:
            kept = duplicates = None
        else:
            view, sig = existing
            del existing
            largest = max(largest, view.height)
            items = view.with_row_index("_i").with_columns(
                pl.col("_i").cast(pl.Int64), pl.col("date").alias("_item_date"),
                pl.when("_mine").then(source_of(view["raw_uri"], sources)).cast(pl.Categorical)
                .alias("_source_uri")).drop("_mine")
            del view
            locator = items.select("_i", "raw_uri", "_loc")
            kept, duplicates = dedup_items(items, partial(fetch_texts, lake, locator), sig=sig)
            del items, sig, locator
            lap("dedup", add=True)
            in_own = _in_dates("_item_date", own)
            mine = pl.col("_source_uri").is_not_null() & in_own
            # what the summary needs of the group's stories, counted (``_n``: the stories a
            # row stands for), not a row a story: a run of 3M stories held 60 MB of them
            mine_kept.append(kept.filter(mine).group_by("_source_uri").len("_n"))
            mine_dups.append(duplicates.filter(mine).group_by(
                "_source_uri", pl.col("reason").cast(pl.Categorical)).len("_n"))
            kept = kept.filter(_in_dates("date", own))
            duplicates = duplicates.filter(_in_dates("date", own)).with_columns(pl.lit(run_id).alias("run_id"))
            all_kept.append(kept.select("date", pl.col("provider").cast(pl.Categorical),
                                        pl.col("source_format").cast(pl.Categorical), *fill_flags(kept))
                            .group_by(pl.all()).len("_n"))
            all_dups.append(duplicates.group_by(pl.col("source_format").cast(pl.Categorical),
                                                pl.col("reason").cast(pl.Categorical)).len("_n"))
            kept = kept.select("date", "raw_uri", "shared_boilerplate",
                               pl.col("published_at").dt.date().alias("item_date"))
        _release_memory()
        progress.update(stage="write")
        stories_plan = _replacing(lakeio.partitions(STORIES, kept) if kept is not None else [],
                                  [v for v in present["stories"] if v in own])
        duplicates_plan = _replacing(lakeio.partitions(DUPLICATES, duplicates) if duplicates is not None else [],
                                     [v for v in present["duplicates"] if v in own])
        del kept, duplicates
        written = {"stories": [(publish_stories.submit(lake, g, token, procs), len(g))
                               for g in _groups(stories_plan, run.partitions_per_task)],
                   "duplicates": [(publish_partitions.submit(lake, "duplicates", g, token, procs), len(g))
                                  for g in _groups(duplicates_plan, run.partitions_per_task)]}
        for name in ("stories", "duplicates"):
            for f, size in written[name]:
                outputs[name].extend(f.result())
                done += size
                progress.update(partitions_done=done)
        del stories_plan, duplicates_plan, written
        lap("write", add=True)
    for name in ("stories", "duplicates"):
        outputs[name].sort(key=lambda key: lakeio.partition_order(lakeio.partition_value(key, TABLES[name])))

    def frame(parts: list[pl.DataFrame], schema: dict) -> pl.DataFrame:
        return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=schema)

    n = {"_n": pl.UInt32}
    kept_rows = frame(all_kept, {"date": pl.Date, "provider": pl.Categorical, "source_format": pl.Categorical, **n})
    dup_rows = frame(all_dups, {"source_format": pl.Categorical, "reason": pl.Categorical, **n})
    counts = account(results, frame(mine_kept, {"_source_uri": pl.Categorical, **n}),
                     frame(mine_dups, {"_source_uri": pl.Categorical, "reason": pl.Categorical, **n}), rejects)
    counts["dedup_groups"] = len(date_groups)  # how many dedups the run's dates were cut into
    counts["dedup_group_items_max"] = largest
    counts["duplicates_by_reason"] = {} if dup_rows.height == 0 else dict(
        dup_rows.group_by(pl.col("reason").cast(pl.String)).agg(pl.col("_n").sum()).sort("reason").iter_rows())
    summary = {"by_format": by_format(results, kept_rows, dup_rows, rejects),
               "stories_by_day_provider": stories_by_day_provider(kept_rows)}
    outputs["rejects"] = lakeio.rejects_key(run_id) if rejects.height else None
    progress.update(stage="commit")
    _ledger_rows(run, extraction, results, counts, item_dates)
    return counts, summary, outputs, rejects


def _in_dates(column: str, dates: set) -> pl.Expr:
    """Whether ``column`` is one of ``dates`` (None in them: the null date too)."""
    inside = pl.col(column).is_in(pl.Series([d for d in dates if d is not None], dtype=pl.Date).implode())
    return (inside | pl.col(column).is_null()) if None in dates else inside.fill_null(False)


def _date_groups(dates: set, per_date: dict, days: int, bound: int) -> list[list]:
    """The dates a run re-derives, in order, cut into groups of consecutive dates whose
    window (the group's dates and ``days`` either side) holds at most ``bound`` of the
    run's items (``per_date``: the run's items per date), each group at least one date;
    the null date (whose items are in every window) goes with the last group."""
    dated = sorted(d for d in dates if d is not None)
    nulls = per_date.get(None, 0)
    keys = sorted(d for d in per_date if d is not None)
    counts = np.cumsum([0] + [per_date[d] for d in keys])

    def items(first, last) -> int:  # the run's items within ``days`` of first..last, and the null date's
        lo = np.searchsorted(keys, first - timedelta(days=days), side="left")
        hi = np.searchsorted(keys, last + timedelta(days=days), side="right")
        return int(counts[hi] - counts[lo]) + nulls

    groups: list[list] = []
    for d in dated:
        if groups and items(groups[-1][0], d) <= bound:
            groups[-1].append(d)
        else:
            groups.append([d])
    if None in dates:
        if groups:
            groups[-1].append(None)
        else:
            groups.append([None])
    return groups


def _index_within(index: pl.DataFrame, dates: tuple[date, date], results: list[FileResult]) -> pl.DataFrame:
    """:func:`_within` on a run's staged index: its rows published within ``dates``; the
    items of the others are counted as skipped (``outside_range``) in their file's result."""
    inside = pl.col("date").is_between(*dates).fill_null(False)
    counts: dict[str, dict[str | None, int]] = {}
    for uri, fmt, n in index.filter(~inside).group_by("_source_uri", "source_format").agg(
            pl.col("len").sum()).iter_rows():
        counts.setdefault(uri, {})[fmt] = n
    for r in results:
        for fmt, n in counts.get(r.source_uri, {}).items():
            r.skipped["outside_range"] += n
            r.skipped_formats[fmt] += n
    return index.filter(inside)


def _within(view: pl.DataFrame, sigs: list[np.ndarray], dates: tuple[date, date],
            results: list[FileResult]) -> tuple[pl.DataFrame, list[np.ndarray]]:
    """The items of ``view`` (and their signatures) published within ``dates``; the
    others are counted as skipped (``outside_range``) in their file's result."""
    inside = view["date"].is_between(*dates).fill_null(False)
    outside = view.filter(~inside).group_by(pl.col("_source_uri").cast(pl.String), "source_format").len()
    counts: dict[str, dict[str | None, int]] = {}
    for uri, fmt, n in outside.iter_rows():
        counts.setdefault(uri, {})[fmt] = n
    for r in results:
        for fmt, n in counts.get(r.source_uri, {}).items():
            r.skipped["outside_range"] += n
            r.skipped_formats[fmt] += n
    keep = inside.to_numpy()
    return view.filter(inside), [stack(sigs)[keep]] if sigs else sigs


__all__ = ["NoInputError", "StorageError", "ingest"]
