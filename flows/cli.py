"""The ``wirelake`` command line.

``wirelake ingest SOURCE [SOURCE ...] --lake LAKE [--format NAME]`` runs the
Prefect ingest flow and prints the run summary (the same tables as the flow
run's Prefect artifact). ``wirelake backfill SOURCE --lake LAKE --start DAY --end
DAY [--concurrency N]`` ingests a date range chunk by chunk with a progress bar.
``wirelake report LAKE [--run ID]`` prints a run's accounting per source format
with fill rates. ``wirelake compact LAKE`` rewrites fragmented partitions and
merges finished months' rejects.

Exit status: 0 when the run finished (even if some records were rejected: they are in LAKE/rejects/), 2 when
there was no input, 3 when storage was unreachable, 4 when another run held the
lake's lease longer than ``--lease-wait``, 130 when interrupted (Ctrl-C), 1 on any
other failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import NoReturn

EXIT_OK, EXIT_FAILED, EXIT_NO_INPUT, EXIT_STORAGE, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def _quiet_prefect_defaults() -> None:
    # Read at run time, before Prefect is imported; users may override them.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not os.environ.get("PREFECT_API_URL"):
        # The temporary server dies with the process; its task-run recorder
        # only adds shutdown noise ("Error flushing events") there.
        os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wirelake", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="ingest raw dumps into a lake")
    _run_options(ing, "read every listed raw object, even those the lake's ledger has consumed")
    bf = sub.add_parser("backfill", help="ingest the raw objects of a date range, chunk by chunk")
    _run_options(bf, "read the range's raw objects even if the lake's ledger has consumed them")
    bf.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="first day (inclusive)")
    bf.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="last day (inclusive)")
    bf.add_argument("--concurrency", type=int, default=2, metavar="N",
                    help="chunks in flight at once: parsing while an earlier one publishes (default 2)")
    bf.add_argument("--chunk-days", type=int, default=1, metavar="DAYS",
                    help="days per chunk; each chunk is one committed run (default 1)")
    bf.add_argument("--by", choices=("delivery", "published"), default="delivery",
                    help="how to date a raw object with no date in its key: by when it was last written "
                         "(delivery, the default), or read it and keep its stories published in the range "
                         "(published)")
    com = sub.add_parser("compact", help="rewrite fragmented partitions, merge finished months' rejects")
    com.add_argument("lake", help="a directory or s3://bucket/prefix")
    com.add_argument("--rejects-through", default=None, metavar="YYYY-MM",
                     help="merge per-run rejects files of months up to this one (default: last month)")
    com.add_argument("--lease-wait", type=float, default=300.0, metavar="SECONDS",
                     help="wait this long for a run writing the lake to finish (default 300)")
    rep = sub.add_parser("report", help="per-format accounting and fill rates of a run")
    rep.add_argument("lake", help="a directory or s3://bucket/prefix")
    rep.add_argument("--run", default=None, help="run id (default: the latest run)")
    qual = sub.add_parser("quality", help="field fill rates and leftover boilerplate of stories/")
    qual.add_argument("lake", help="a directory or s3://bucket/prefix")
    qual.add_argument("--by", default="provider,source_format",
                      help="comma-separated grouping columns (default: provider,source_format)")
    return p


def _run_options(p: argparse.ArgumentParser, reprocess_help: str) -> None:
    """What ``ingest`` and ``backfill`` share: sources, lake, format, dedup window, reprocess,
    lease wait, Dask."""
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a file, a directory (walked recursively) or s3://bucket/prefix")
    p.add_argument("--lake", required=True, help="a directory or s3://bucket/prefix")
    p.add_argument("--format", default=None, help="skip detection and read every file as NAME")
    p.add_argument("--window-days", type=int, default=3,
                   help="re-deduplicate against stories published within this many days (default 3)")
    p.add_argument("--reprocess", action="store_true", help=reprocess_help)
    p.add_argument("--lease-wait", type=float, default=300.0, metavar="SECONDS",
                   help="wait this long for another run writing the lake to finish (default 300)")
    p.add_argument("--dask", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="parse on Dask: a local cluster, or the scheduler at ADDRESS (tcp://host:8786); "
                        "default: the WIRELAKE_DASK setting, else threads")


def _with_runner(flow, dask: str | None):
    """``flow`` with its per-file tasks on Dask when ``dask`` says so (else its default runner,
    which reads WIRELAKE_DASK when the run starts)."""
    if dask is None:
        return flow
    from flows.runners import WirelakeTaskRunner

    return flow.with_options(task_runner=WirelakeTaskRunner(dask=dask))


def run_quality(lake: str, by: str) -> int:
    import polars as pl

    from lake.partitions import scan_stories
    from lake.storage import open_storage
    from transforms.normalizing.quality import CHECKS, MARKERS, quality_by

    storage = open_storage(lake)
    if not any(True for _ in storage.list("stories/")):
        print(f"wirelake: no stories in {lake}", file=sys.stderr)
        return EXIT_NO_INPUT
    table = quality_by(scan_stories(lake, storage.storage_options()), by.split(","))
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, tbl_hide_dataframe_shape=True,
                   tbl_hide_column_data_types=True, fmt_str_lengths=40):
        print(table)
    totals = table.select([pl.col(c).sum() for c in MARKERS + CHECKS]).row(0, named=True)
    print("bodies still holding a known boilerplate marker: "
          + ", ".join(f"{k.removeprefix('left_')} {totals[k]}" for k in MARKERS))
    print("bodies with a leftover of a clean-up step: "
          + ", ".join(f"{k.removeprefix('left_')} {totals[k]}" for k in CHECKS))
    return EXIT_OK


def run_report(lake: str, run_id: str | None) -> int:
    from flows.summary import format_report
    from lake import partitions as lakeio
    from lake.storage import StorageError, open_storage

    try:
        storage = open_storage(lake)
        if run_id is None:
            runs = [o.key for o in storage.list("runs/") if o.key.endswith(".json")]
            if not runs:
                print(f"wirelake: no run manifest in {lake}/runs/", file=sys.stderr)
                return EXIT_NO_INPUT
            run_id = runs[-1].removeprefix("runs/").removesuffix(".json")  # ids sort by time
        manifest = lakeio.read_manifest(storage, run_id)
    except FileNotFoundError:
        print(f"wirelake: no run {run_id} in {lake}", file=sys.stderr)
        return EXIT_NO_INPUT
    except StorageError as exc:
        print(f"wirelake: storage failure: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    print(format_report(manifest))
    return EXIT_OK


def _run_lake_flow(urls: list[str], run) -> tuple[int, object]:
    """Run a flow that writes a lake (``run()``) and map its failures to exit codes,
    each with a one-line reason: the exit status and the flow's result."""
    _quiet_prefect_defaults()
    from botocore.exceptions import BotoCoreError, ClientError
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import NoInputError
    from lake.lease import LakeBusyError, LeaseLost
    from lake.storage import BadURLError, StorageError, check_url

    try:
        for url in urls:
            check_url(url)
        # No heartbeat thread: a batch CLI run has nothing to gain from it
        # and it costs a second at the end of every run.
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            return EXIT_OK, run()
    except BadURLError as exc:
        print(f"wirelake: {exc}", file=sys.stderr)
    except (NoInputError, FileNotFoundError) as exc:
        print(f"wirelake: no input: {exc}", file=sys.stderr)
        return EXIT_NO_INPUT, None
    except (StorageError, BotoCoreError, ClientError) as exc:
        print(f"wirelake: storage failure: {exc}", file=sys.stderr)
        return EXIT_STORAGE, None
    except LakeBusyError as exc:
        print(f"wirelake: lake busy: {exc}", file=sys.stderr)
        return EXIT_BUSY, None
    except LeaseLost as exc:
        print(f"wirelake: stopped before publishing more: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("wirelake: interrupted: what was committed stays (a backfill keeps its finished chunks); "
              "run the same command again to go on", file=sys.stderr)
        return EXIT_INTERRUPTED, None
    return EXIT_FAILED, None


def run_ingest(sources: list[str], lake: str, fmt: str | None, window_days: int = 3,
               reprocess: bool = False, lease_wait: float = 300.0, dask: str | None = None) -> int:
    from transforms.formats import by_name

    if fmt:
        try:
            by_name(fmt)
        except ValueError as exc:
            print(f"wirelake: {exc}", file=sys.stderr)
            return EXIT_FAILED

    _warm_up_in_background()

    def run():
        from flows.ingest import ingest

        return _with_runner(ingest, dask)(sources=sources, lake=lake, format=fmt, window_days=window_days,
                                          reprocess=reprocess, lease_wait=lease_wait)

    if sys.stderr.isatty():
        status, manifest = _with_ingest_bar(lambda: _run_lake_flow([*sources, lake], run))
    else:  # piped or scheduled: Prefect's log, with the flow's progress lines
        status, manifest = _run_lake_flow([*sources, lake], run)
    if status == EXIT_OK:
        from flows.summary import format_summary

        print(format_summary(manifest))
    return status


def _warm_up_in_background() -> None:
    """Load the dedup feature kernels in a thread while Prefect starts: a small run
    would otherwise wait for numba's first load (~0.3-0.6 s) when its first items
    are fingerprinted. Numba's loading runs largely outside the GIL, beside
    Prefect's imports and the flow run's round trips to its server. Only the feature
    kernels: warming every dedup kernel too (``transforms.dedup.cluster.warm_up``, a
    dedup of made-up stories) held the GIL long enough to slow a one-story run from
    2.48 to 2.87-3.04 s with a Prefect server (bench.lake_bench --only seed), and a
    large run's dedup loads the rest once, 0.3-0.6 s, beside its extract's minutes."""
    def warm() -> None:
        try:
            from transforms.dedup.features import warm_up

            warm_up()
        except Exception:  # noqa: BLE001 - only an optimisation: the run loads them itself
            pass

    import threading

    threading.Thread(target=warm, name="wirelake-warm-up", daemon=True).start()


def _with_ingest_bar(run):
    """``run()`` under a progress bar on the terminal (stderr): the stage, raw objects
    read of those listed, items read and their rate, partitions written. Prefect's
    per-task lines would bury it: they are off unless PREFECT_LOGGING_LEVEL says
    otherwise (read when Prefect is imported)."""
    _quiet_prefect_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.progress import PROGRESS_HOOKS

    bar = Progress(TextColumn("ingest {task.fields[stage]:<7}"), BarColumn(bar_width=24), MofNCompleteColumn(),
                   TextColumn("objects, {task.fields[items]} items ({task.fields[rate]}/s){task.fields[more]}"),
                   TimeElapsedColumn(), console=Console(stderr=True))
    task_id = bar.add_task("ingest", total=None, stage="list", items="0", rate="0", more="")

    def on_progress(e: dict) -> None:
        rate = e["items_done"] / e["elapsed_s"] if e["elapsed_s"] > 0 else 0.0
        more = f", {e['stories']:,} stories" if e["stories"] is not None else ""
        if e["partitions_total"]:
            more += f", {e['partitions_done']}/{e['partitions_total']} partitions"
        bar.update(task_id, total=e["objects_total"], completed=e["objects_done"], stage=e["stage"],
                   items=f"{e['items_done']:,}", rate=f"{rate:,.0f}", more=more)

    PROGRESS_HOOKS.append(on_progress)
    try:
        with bar:
            return run()
    finally:
        PROGRESS_HOOKS.remove(on_progress)


def run_backfill(sources: list[str], lake: str, start: str, end: str, concurrency: int = 2,
                 chunk_days: int = 1, fmt: str | None = None, window_days: int = 3, reprocess: bool = False,
                 lease_wait: float = 300.0, dask: str | None = None, by: str = "delivery") -> int:
    # The progress bar says how far the backfill is; Prefect's per-task lines would
    # bury it (set PREFECT_LOGGING_LEVEL=INFO to see them). Read when Prefect is imported.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.backfill import PROGRESS_HOOKS, check_range

    try:
        first, last = check_range(start, end, concurrency, chunk_days, prefix="--")
    except ValueError as exc:
        print(f"wirelake: {exc}", file=sys.stderr)
        return EXIT_FAILED
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("backfill {task.fields[range]}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("chunks, {task.fields[files]} files, last {task.fields[chunk]}"),
                   TimeElapsedColumn(), console=Console(stderr=True))
    task_id = bar.add_task("backfill", total=None, range=f"{first}..{last}", files="0/?", chunk="-")

    def on_progress(event: dict) -> None:
        bar.update(task_id, total=event["chunks_total"], completed=event["chunks_done"],
                   files=f"{event['files_done']}/{event['files_total']}", chunk=event["chunk"] or "-")

    def run():
        from flows.backfill import backfill

        return _with_runner(backfill, dask)(sources=sources, lake=lake, start=first.isoformat(),
                                            end=last.isoformat(), concurrency=concurrency,
                                            chunk_days=chunk_days, format=fmt, window_days=window_days,
                                            reprocess=reprocess, lease_wait=lease_wait, by=by)

    PROGRESS_HOOKS.append(on_progress)
    try:
        with bar:
            status, report = _run_lake_flow([*sources, lake], run)
    finally:
        PROGRESS_HOOKS.remove(on_progress)
    if status == EXIT_OK:
        from flows.summary import format_backfill

        print(format_backfill(report))
        if report.get("nothing_read"):
            print(f"wirelake: {report['nothing_read']}", file=sys.stderr)
    return status


def run_compact(lake: str, rejects_through: str | None, lease_wait: float) -> int:
    def run():
        from flows.compact import compact

        return compact(lake=lake, rejects_through=rejects_through, lease_wait=lease_wait)

    status, report = _run_lake_flow([lake], run)
    if status != EXIT_OK:
        return status
    from flows.summary import format_compact

    print(format_compact(report))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "ingest":
        return run_ingest(args.sources, args.lake, args.format, args.window_days,
                          args.reprocess, args.lease_wait, args.dask)
    if args.command == "backfill":
        return run_backfill(args.sources, args.lake, args.start, args.end, args.concurrency, args.chunk_days,
                            args.format, args.window_days, args.reprocess, args.lease_wait, args.dask, args.by)
    if args.command == "compact":
        return run_compact(args.lake, args.rejects_through, args.lease_wait)
    if args.command == "report":
        return run_report(args.lake, args.run)
    if args.command == "quality":
        return run_quality(args.lake, args.by)
    return EXIT_FAILED


def entry() -> NoReturn:
    """The ``wirelake`` command: :func:`main`, then the process exits as soon as its
    work is done. The interpreter's own teardown (freeing every module: Prefect's,
    polars', numba's) took 0.5-2 s after a run had committed and printed its
    summary, a third of a one-story run (2026-12-07); here the threads are joined
    and the exit handlers run as in a normal exit (Prefect flushes its logs and
    events, the process pool stops), the output is flushed, and then the process
    ends. Tests call :func:`main`, which returns."""
    status = main()
    import atexit
    import threading

    threading._shutdown()  # what a normal exit does first: join non-daemon threads, stop pools
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    entry()
