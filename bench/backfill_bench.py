"""Backfill benchmark: one ingest of a dated dump against backfills of the same dump
at several concurrencies, in one process, each into a fresh lake.

    .venv/bin/python -m bench.backfill_bench --days 12 --per-day 150
    .venv/bin/python -m bench.backfill_bench --days 12 --per-day 150 --concurrency 1 2 4 --dask

A benchmark, not a test: it prints figures and asserts nothing but that every
lake comes out equal to the single ingest's (``lake_state`` of the tests,
which read back every row). The dump is the synthetic wire stories of
``samples.synthetic`` over ``--days`` days, one folder per day and provider
(``<provider>/<YYYY-MM-DD>/``), NewsML-G2 and Reuters web text, one story per
file, plus each day's first story delivered again the next day. Timings are
wall times (``time.perf_counter``) under one Prefect test harness, after an
untimed warm-up run (the first run in a process compiles the numba kernels);
the machine is shared, so read them as ratios against the single ingest of the
same command, which runs again at the end to show how much the noise moved it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from samples.synthetic import demo_stories, render_newsml_g2, render_reuters_web_text


def write_dump(raw: Path, days: int, per_day: int) -> int:
    stories = demo_stories(seed=5, days=days, per_day=per_day)
    n = 0
    for provider, render, ext in (("reuters", render_reuters_web_text, "txt"), ("dpa", render_newsml_g2, "xml")):
        firsts = {}
        for s in stories[provider]:
            day = f"{s.published_at:%Y-%m-%d}"
            path = raw / provider / day / f"{s.guid.rsplit(':', 1)[-1]}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(s))
            firsts.setdefault(day, s)
            n += 1
        days_sorted = sorted(firsts)
        for day, nxt in zip(days_sorted, days_sorted[1:], strict=False):
            path = raw / "resend" / provider / nxt / f"again.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(firsts[day]))
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=12)
    ap.add_argument("--per-day", type=int, default=150, help="stories per day and provider")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--dask", action="store_true", help="also each concurrency with WIRELAKE_DASK=local")
    args = ap.parse_args(argv)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.backfill import backfill
    from flows.ingest import ingest
    from flows.runners import WirelakeTaskRunner
    from tests.lakes import lake_state

    work = Path(tempfile.mkdtemp(prefix="wirelake-backfill-bench-"))
    try:
        raw = work / "raw"
        files = write_dump(raw, args.days, args.per_day)
        print(f"dump: {files} raw objects over {args.days} days in {raw}")
        with prefect_test_harness(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            # warm up, untimed: the first run in a process compiles the numba fingerprint kernels
            first_day = sorted((raw / "dpa").iterdir())[0]
            ingest(sources=[str(first_day)], lake=str(work / "warm-up"))
            t0 = time.perf_counter()
            single = ingest(sources=[str(raw)], lake=str(work / "single"))
            base = time.perf_counter() - t0
            expect = lake_state(str(work / "single"))
            t = single["totals"]
            print(f"single ingest: {base:.1f} s ({t['items_in']} items: {t['stories']} stories, "
                  f"{t['duplicates']} duplicates)")
            runs = [(c, None) for c in args.concurrency] + ([(c, "local") for c in args.concurrency]
                                                           if args.dask else [])
            for concurrency, dask in runs:
                lake = work / f"bf-{concurrency}-{dask or 'threads'}"
                flow = backfill.with_options(task_runner=WirelakeTaskRunner(dask=dask)) if dask else backfill
                t0 = time.perf_counter()
                report = flow(sources=[str(raw)], lake=str(lake), start="2000-01-01", end="2100-12-31",
                              concurrency=concurrency)
                took = time.perf_counter() - t0
                same = lake_state(str(lake)) == expect
                print(f"backfill concurrency {concurrency} on {dask or 'threads'}: {took:.1f} s, "
                      f"{len(report['chunks'])} chunks, {took / base:.2f}x the single ingest, "
                      f"lake {'equal to' if same else 'DIFFERENT from'} the single ingest's")
            # the baseline again, last: how much the machine's noise moved it
            t0 = time.perf_counter()
            ingest(sources=[str(raw)], lake=str(work / "single-again"))
            again = time.perf_counter() - t0
            print(f"single ingest again: {again:.1f} s ({again / base:.2f}x the first)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
