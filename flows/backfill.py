"""The backfill flow: ingest the raw objects of a date range, day by day.

A raw object's day is the date in its key (``2026-11-03``, ``2026_11_03``,
``20261103`` or ``2026/11/03`` in the path below its source; the deepest one
wins), else the day it was last written (its delivery, UTC). The objects of
``start``..``end`` (inclusive) are cut into chunks of ``chunk_days`` days, and
each chunk is ingested and committed as one run of the lake (its own manifest
and ledger rows), oldest first.

The backfill holds the lake's lease from start to end. Up to ``concurrency``
chunks are in flight at once: while one chunk is deduplicated and published
(one at a time: each sees the lake as the chunks before it left it), the next
ones are already being parsed into the staging area by the flow's task runner
(threads, or Dask: flows/runners.py).

Interrupting a backfill loses at most the chunks in flight: the committed ones
are in the ledger, so running the same backfill again reads only what is left
(and clears what the interrupted run left behind). The lake ends the same as
one ingest of the same objects would leave it: each chunk deduplicates against
the lake's window around its dates, as an ingest does.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger

from flows.ingest import (
    NoInputError,
    RunSpec,
    holding_lake,
    new_run_id,
    publish_summary,
    run_and_commit,
    start_extract,
)
from flows.runners import WirelakeTaskRunner
from flows.summary import backfill_markdown
from flows.tasks import list_inputs, probe_lake
from lake.storage import SourceObject

# A calendar date in a key: 2026-11-03, 2026_11_03, 2026/11/03 or 20261103, not
# inside a longer run of digits (an id or a timestamp with seconds).
_KEY_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_/]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")

# Called with the backfill's progress after each committed chunk: the CLI draws
# its progress bar from these (a flow parameter could not carry a callable).
PROGRESS_HOOKS: list[Callable[[dict], None]] = []


def key_date(key: str) -> date | None:
    """The deepest valid calendar date written in ``key``, None when there is none."""
    found = None
    for m in _KEY_DATE.finditer(key):
        try:
            found = date(int(m[1]), int(m[3]), int(m[4]))
        except ValueError:  # 2026-02-30
            continue
    return found


def object_day(obj: SourceObject) -> tuple[date | None, str]:
    """The day a raw object belongs to, and how it was told: ``key`` or ``modified``."""
    day = key_date(obj.key)
    if day is not None:
        return day, "key"
    if obj.modified is not None:
        return datetime.fromtimestamp(obj.modified, UTC).date(), "modified"
    return None, "none"


def plan_chunks(objects: list[SourceObject], start: date, end: date, chunk_days: int
                ) -> tuple[list[tuple[date, date, list[SourceObject]]], dict[str, int]]:
    """The objects of ``start``..``end`` as chunks of ``chunk_days`` days (first day,
    last day, objects), oldest first, empty chunks left out; and how many objects
    were dated by key, by modification time, or fell outside the range."""
    if chunk_days < 1:
        raise ValueError("chunk_days must be at least 1")
    chunks: dict[int, list[SourceObject]] = {}
    counts = {"dated_by_key": 0, "dated_by_modified": 0, "outside_range": 0}
    for obj in objects:
        day, how = object_day(obj)
        if day is None or not start <= day <= end:
            counts["outside_range"] += 1
            continue
        counts[f"dated_by_{how}"] += 1
        chunks.setdefault((day - start).days // chunk_days, []).append(obj)
    plan = []
    for n in sorted(chunks):
        first = start + timedelta(days=n * chunk_days)
        plan.append((first, min(end, first + timedelta(days=chunk_days - 1)),
                     sorted(chunks[n], key=lambda o: o.uri)))
    return plan, counts


def parse_day(value: str | date, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def check_range(start: str | date, end: str | date, concurrency: int, chunk_days: int,
                prefix: str = "") -> tuple[date, date]:
    """A backfill's first and last day, once its settings are known good (else ValueError,
    naming the settings with ``prefix``: ``--`` for the command line)."""
    first, last = parse_day(start, f"{prefix}start"), parse_day(end, f"{prefix}end")
    if last < first:
        raise ValueError(f"{prefix}end {last} is before {prefix}start {first}")
    if concurrency < 1 or chunk_days < 1:
        raise ValueError("the concurrency and the days per chunk must be at least 1")
    return first, last


def _label(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


BY = ("delivery", "published")


def why_nothing(listed: list[SourceObject], first: date, last: date, by: str, unchanged: int) -> str:
    """Why a backfill of ``first``..``last`` has nothing to read, in one sentence."""
    how = {"key": 0, "modified": 0, "none": 0}
    for obj in listed:
        how[object_day(obj)[1]] += 1
    parts = [f"{len(listed)} raw objects listed"]
    if unchanged:
        parts.append(f"{unchanged} of the range already consumed (the lake's ledger has them: "
                     f"--reprocess reads them again)")
    if how["key"]:
        parts.append(f"{how['key']} dated by the date in their key")
    if by == "delivery" and how["modified"]:
        parts.append(f"{how['modified']} with no date in their key, dated by when they were last "
                     f"written (their delivery), all outside the range: if that is when they were "
                     f"copied, not when their stories ran, --by published reads them and keeps "
                     f"their stories of the range")
    if how["none"]:
        parts.append(f"{how['none']} with no date at all")
    return f"backfill of {first}..{last} reads nothing: " + "; ".join(parts)


@flow(name="wirelake-backfill", log_prints=False, task_runner=WirelakeTaskRunner())
def backfill(sources: list[str], lake: str, start: str, end: str, concurrency: int = 2,
             chunk_days: int = 1, format: str | None = None, window_days: int = 3,
             reprocess: bool = False, lease_wait: float = 300.0, batch_files: int = 64,
             batch_bytes: int = 64 * 1024 * 1024, chunk_rows: int = 5_000,
             partitions_per_task: int | None = None, by: str = "delivery") -> dict:
    """Ingest the raw objects of ``sources`` whose day is in ``start``..``end``
    (YYYY-MM-DD, inclusive) into ``lake``, ``chunk_days`` days per run, with up to
    ``concurrency`` chunks in flight; already consumed objects are not read again
    (all are: ``reprocess``).

    ``by``: how an object with no date in its key is dated. ``delivery`` (the
    default): by when it was last written. ``published``: it is read, in one run
    after the dated chunks, and only its items published in the range are taken
    (the ledger remembers the range: a backfill of another range reads it again)."""
    from prefect.artifacts import create_progress_artifact, update_progress_artifact

    log = get_run_logger()
    first, last = check_range(start, end, concurrency, chunk_days)
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    backfill_id = new_run_id(datetime.now(UTC))
    probe_lake(lake)
    listed = list_inputs(sources)
    if not listed:
        raise NoInputError(f"no raw objects under {', '.join(sources)}")
    undated = [o for o in listed if key_date(o.key) is None] if by == "published" else []
    keyed = [o for o in listed if key_date(o.key) is not None] if by == "published" else listed
    in_range, dating = plan_chunks(keyed, first, last, chunk_days)
    chosen = [o for _, _, objs in in_range for o in objs]
    report = {"backfill_id": backfill_id, "lake": lake, "sources": list(sources), "start": first.isoformat(),
              "end": last.isoformat(), "chunk_days": chunk_days, "concurrency": concurrency, "by": by,
              "listed_objects": len(listed), **dating, "chunks": []}
    if by == "published":
        report["undated_read_by_published"] = len(undated)

    with holding_lake(lake, backfill_id, lease_wait) as (token, recovered, ledger):
        todo, unchanged, reread = ledger.pending(chosen, reprocess)
        undated_todo, undated_unchanged, undated_reread = ledger.pending(undated, reprocess, within=(first, last))
        report["unchanged_objects"] = len(unchanged) + len(undated_unchanged)
        reading, read_before = {o.uri for o in todo}, set(reread) | set(undated_reread)
        plan = [(a, b, kept, None) for a, b, objs in in_range
                if (kept := [o for o in objs if o.uri in reading])]
        if undated_todo:  # read whole, once, for their items of the range
            plan.append((first, last, sorted(undated_todo, key=lambda o: o.uri), (first, last)))
        report["chunks_total"] = len(plan)
        report["files_total"] = len(todo) + len(undated_todo)
        log.info("backfill %s of %s..%s by %s: %d raw objects listed, %d in range, %d undated read for "
                 "their items of the range, %d already consumed; %d to read in %d chunks", backfill_id,
                 first, last, by, len(listed), len(chosen), len(undated), report["unchanged_objects"],
                 report["files_total"], len(plan))
        if not plan:
            report["nothing_read"] = why_nothing(listed, first, last, by, report["unchanged_objects"])
            log.warning("%s", report["nothing_read"])
        # what the backfill cleared when it took the lease goes in its first run's manifest
        cleared = {**recovered, "ledger_folded_runs": ledger.folded}
        progress_id = create_progress_artifact(progress=0.0, key="wirelake-backfill-progress",
                                               description=f"backfill {backfill_id}: chunks committed")
        _progress(report, None)
        in_flight: deque = deque()
        pending = deque(plan)
        while pending or in_flight:
            # keep up to `concurrency` chunks parsing (or parsed, waiting to publish)
            while pending and len(in_flight) < concurrency:
                chunk_first, chunk_last, objects, published = pending.popleft()
                now = datetime.now(UTC)
                run = RunSpec(new_run_id(now), now, list(sources), lake, format, reprocess, batch_files,
                              batch_bytes, partitions_per_task, window_days, chunk_rows, published)
                in_flight.append((chunk_first, chunk_last, objects, run, start_extract(run, objects)))
            chunk_first, chunk_last, objects, run, extraction = in_flight.popleft()
            inputs = {"listed_objects": len(objects), "unchanged_objects": 0}
            label = _label(chunk_first, chunk_last)
            if run.published is not None:
                label = f"undated objects, stories of {label}"
            extra = {"backfill": {"backfill_id": backfill_id, "chunk": label}}
            manifest, ledger = run_and_commit(run, objects, [o.uri for o in objects if o.uri in read_before],
                                              ledger, token, inputs, cleared, extraction=extraction, extra=extra)
            cleared = {"staging_objects": 0, "uncommitted_rejects": [], "ledger_folded_runs": []}
            report["chunks"].append({"chunk": label, "run_id": run.run_id,
                                     "totals": manifest["totals"]})
            done = len(report["chunks"])
            update_progress_artifact(progress_id, progress=100.0 * done / len(plan))
            _progress(report, manifest)
    report["totals"] = _sum_totals([c["totals"] for c in report["chunks"]])
    report["runs"] = [c["run_id"] for c in report["chunks"]]
    publish_summary({**report, "run_id": backfill_id}, key="wirelake-backfill-summary",
                    render=backfill_markdown)
    t = report["totals"]
    log.info("backfill %s: %d chunks, %d files, %d items: %d stories, %d duplicates, %d skipped, %d rejects",
             backfill_id, len(report["chunks"]), t["files"], t["items_in"], t["stories"], t["duplicates"],
             t["skipped"], t["rejects"])
    return report


def _sum_totals(rows: list[dict]) -> dict:
    keys = ("files", "items_in", "stories", "duplicates", "skipped", "rejects")
    return {k: sum(r.get(k, 0) for r in rows) for k in keys}


def _progress(report: dict, manifest: dict | None) -> None:
    event = {"chunks_done": len(report["chunks"]), "chunks_total": report["chunks_total"],
             "files_done": sum(c["totals"]["files"] for c in report["chunks"]),
             "files_total": report["files_total"], "chunk": report["chunks"][-1]["chunk"] if manifest else None,
             "manifest": manifest}
    for hook in list(PROGRESS_HOOKS):
        hook(event)
