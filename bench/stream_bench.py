"""Peak memory of ingesting one large JSON Lines file, by its size (issue 16).

    .venv/bin/python -m bench.stream_bench --gb 1 5            # streamed, 1 GB and 5 GB
    .venv/bin/python -m bench.stream_bench --gb 0.5 2 --whole  # and the old whole-object read, as baseline

A benchmark, not a test: it prints figures and asserts nothing. For each size
one file of synthetic ninjs stories (``bench.wire_corpus.write_jsonl``, one
shard, about 3.3 KB a story) is written to a temporary directory under
``--tmp`` (default /tmp; the free space is checked first), ingested into a
temporary lake by ``flows.ingest.ingest`` in a child process under Prefect's
test harness, and deleted. Reported per run: wall time, the ingest process's
peak RSS (VmHWM), that of its whole process tree (the process plus the
temporary Prefect server it starts, sampled every 50 ms), and the process's
peak at the end of each stage (``peak_rss_mb`` of the manifest: after
``extract_normalize`` it holds the reading of the file, after ``dedup`` the
dedup state, which grows with the number of stories whatever the file size).

``--whole`` also runs each size with the read the flow had before streaming
(``storage.get`` of the whole object: ``WIRELAKE_STREAM_BYTES`` set past any size).

``--one-task`` also runs each file read by one extract task, in one process
(``WIRELAKE_SPLIT_BYTES`` past any size: the flow before a large file was read
by every process of the extract pool), as baseline.

``--at-once`` also runs each file with every item deduplicated at once
(``WIRELAKE_RUN_ITEMS`` past any run: the flow before runs were cut into groups
of dates), as baseline; ``--only-baseline`` runs only the baselines asked for.
``--dir DIR ...`` ingests directories of raw files already written (kept)
instead of generating ``--gb`` files; ``--server`` starts one Prefect server
(``prefect server start`` on 127.0.0.1) for the runs, points them at it with
``PREFECT_API_URL`` and counts it in the tree's peak RSS.

``--days N`` spreads the generated stories over N days from 2026-09-01 (default
30, the corpus's own; 1826 for five years): with 30 days a larger file makes
each date denser, while a real archive grows in dates.

``--read-only`` measures the reading alone, without Prefect, normalizing or
dedup: a child process reads the file as the extract task does (chunks and
pieces, or whole) and parses it, counting the rows and dropping them; its peak
RSS is what reading one file costs. ``--from FILE`` makes each file from
copies of FILE instead of generating it (fast; the copies are duplicates,
which does not matter to reading); with ``--shift-days N`` copy k has its
dates N*k days later and uris of its own, so that a file five times larger
has five times the dates at the same stories per date (FILE spanning N days):

    .venv/bin/python -m bench.stream_bench --gb 10 --from 2GB.jsonl --shift-days 30 --server
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BYTES_PER_STORY = 3_300  # bench.wire_corpus items, measured: 0.15 GB for 45,454


_ISO = re.compile(rb'"(versioncreated|firstcreated)": "(\d{4}-\d\d-\d\d)T')
_URI = re.compile(rb'"uri": "([^"]*?):(\d{8}):([^"]*)"')


def _shifted_copy(src, out, k: int, days: int) -> None:
    """Copy the ninjs JSON Lines of ``bench.wire_corpus`` from ``src`` to ``out`` with
    each story's dates (``versioncreated``, ``firstcreated``, the date in its ``uri``)
    ``k * days`` days later and ``-c<k>`` after its uri: another block of dates with
    the same stories per date (copies never share a dedup window when ``days`` is the
    span of the source)."""
    delta = timedelta(days=k * days)

    @functools.cache
    def later(day: bytes) -> date:
        return date.fromisoformat(day.decode()) + delta

    def iso(m: re.Match) -> bytes:
        return b'"%s": "%sT' % (m.group(1), later(m.group(2)).isoformat().encode())

    def uri(m: re.Match) -> bytes:
        d = m.group(2)
        day = later(b"%s-%s-%s" % (d[:4], d[4:6], d[6:]))
        return b'"uri": "%s:%s:%s-c%d"' % (m.group(1), day.strftime("%Y%m%d").encode(), m.group(3), k)

    for line in src:
        out.write(_URI.sub(uri, _ISO.sub(iso, line, count=2), count=1))


def _child(lake: str, source: str, mode: str) -> int:
    import contextlib

    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    if mode == "whole":
        os.environ["WIRELAKE_STREAM_BYTES"] = str(1 << 62)  # the old path: every object read whole
    if mode == "at-once":
        os.environ["WIRELAKE_RUN_ITEMS"] = str(1 << 62)  # the old dedup: every item of the run at once
    if mode == "one-task":
        os.environ["WIRELAKE_SPLIT_BYTES"] = str(1 << 62)  # the old extract: one large file, one process
    from flows import ingest as ingest_flow
    from flows.progress import peak_rss_mb as _peak_rss_mb
    harness = (contextlib.nullcontext() if os.environ.get("PREFECT_API_URL")
               else prefect_test_harness(server_startup_timeout=120))
    with harness, temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        start = time.perf_counter()
        manifest = ingest_flow.ingest(sources=[source], lake=lake)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "maxrss": _peak_rss_mb() * 2**20,
                      "totals": manifest["totals"], "timings": manifest["timings_s"],
                      "peak_rss_mb": manifest["peak_rss_mb"]}))
    return 0


def _read_child(source: str, mode: str) -> int:
    from flows.progress import peak_rss_mb as _peak_rss_mb
    from lake.storage import open_storage
    from transforms.reading.extract import extract_file, extract_stream

    storage = open_storage(str(Path(source).parent))
    key = Path(source).name
    rows = [0]

    def drop(batch: list[dict]) -> None:
        rows[0] += len(batch)
        batch.clear()

    start = time.perf_counter()
    if mode == "whole":
        result = extract_file(storage.get(key), source, flush=drop, flush_rows=5_000)
    else:
        result = extract_stream(storage.read_chunks(key), source, flush=drop, flush_rows=5_000)
    print(json.dumps({"seconds": time.perf_counter() - start, "maxrss": _peak_rss_mb() * 2**20,
                      "totals": {"stories": rows[0], "items_in": result.items_in}, "timings": {},
                      "peak_rss_mb": {}}))
    return 0


def _run(lake: Path, source: Path, mode: str, read_only: bool = False, server=None) -> dict:
    from bench.dedup_bench import run_child

    cmd = [sys.executable, "-m", "bench.stream_bench", "--child", str(lake), str(source), mode]
    if read_only:
        cmd = [sys.executable, "-m", "bench.stream_bench", "--read-child", str(source), mode]
    return run_child(cmd, server)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        return _child(*argv[1:4])
    if argv[:1] == ["--read-child"]:
        return _read_child(*argv[1:3])
    ap = argparse.ArgumentParser(prog="python -m bench.stream_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gb", type=float, nargs="+", default=[1.0, 5.0], help="file sizes, in GB (1e9 bytes)")
    ap.add_argument("--whole", action="store_true", help="also run the whole-object read as a baseline")
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("--read-only", action="store_true", help="the reading alone (no Prefect, normalize, dedup)")
    ap.add_argument("--at-once", action="store_true",
                    help="also run each file with every item deduplicated at once (WIRELAKE_RUN_ITEMS past any "
                         "run), the dedup before runs were cut into groups of dates, as baseline")
    ap.add_argument("--one-task", action="store_true",
                    help="also run each file read by one extract task (WIRELAKE_SPLIT_BYTES past any size), "
                         "as before a large file was read by every process of the pool, as baseline")
    ap.add_argument("--only-baseline", action="store_true",
                    help="run only the baselines asked for (--whole, --at-once, --one-task), not this code's default")
    ap.add_argument("--dir", type=Path, nargs="+", default=None, metavar="DIR",
                    help="ingest these directories of raw files (kept) instead of generating --gb files")
    ap.add_argument("--server", action="store_true",
                    help="run against a Prefect server started for it (counted in the tree's peak RSS) "
                         "instead of the temporary one each ingest starts")
    ap.add_argument("--days", type=int, default=None,
                    help="spread the generated stories over this many days (default: bench.wire_corpus's 30)")
    ap.add_argument("--from", dest="source", type=Path, default=None, metavar="FILE",
                    help="make each file from copies of this JSON Lines file")
    ap.add_argument("--shift-days", type=int, default=0, metavar="N",
                    help="with --from: copy k of FILE has its dates N*k days later and uris of its own, so a "
                         "larger file has more dates at the same density (FILE's stories spanning N days)")
    args = ap.parse_args(argv)
    from bench.wire_corpus import write_jsonl

    need = max(args.gb) * 1e9 * 1.6  # the file, and the lake beside it
    free = shutil.disk_usage(args.tmp).free
    if free < need:
        print(f"only {free / 1e9:.1f} GB free in {args.tmp}, {need / 1e9:.1f} GB needed", file=sys.stderr)
        return 2
    modes = [*([] if args.only_baseline else ["stream"]), *(["whole"] if args.whole else []),
             *(["at-once"] if args.at_once else []), *(["one-task"] if args.one_task else [])]
    rows = []
    server = home = None
    if args.server:
        from bench.dedup_bench import prefect_server
        home = Path(tempfile.mkdtemp(prefix="wirelake-prefect-", dir=args.tmp))
        server = prefect_server(home)
    for gb in (args.dir or args.gb):
        work = Path(tempfile.mkdtemp(prefix="wirelake-stream-", dir=args.tmp))
        try:
            n = 0 if args.dir else int(gb * 1e9 / BYTES_PER_STORY)
            t0 = time.perf_counter()
            if args.dir:
                files = [p for p in sorted(Path(gb).iterdir()) if p.is_file()]  # all ingested
                path = files[0]
                for f in files:
                    with f.open("rb") as fh:
                        n += sum(1 for _ in fh)
                gb = sum(f.stat().st_size for f in files) / 1e9
            elif args.source:
                (work / "raw").mkdir()
                path = work / "raw" / "wire.jsonl"
                one = args.source.stat().st_size
                with path.open("wb") as out:
                    for k in range(max(1, round(gb * 1e9 / one))):
                        with args.source.open("rb") as src:
                            if k and args.shift_days:
                                _shifted_copy(src, out, k, args.shift_days)
                            else:
                                shutil.copyfileobj(src, out, 16 << 20)
                n = sum(1 for _ in path.open("rb"))
            else:
                [path] = write_jsonl(work / "raw", n, workers=1,
                                     **({"days": args.days} if args.days else {}))
                (work / "raw" / "truth.parquet").unlink()
            size = gb * 1e9 if args.dir else path.stat().st_size
            print(f"{gb:g} GB: {n:,} stories, {size / 1e9:.2f} GB written in {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr)
            for mode in modes:
                lake = work / f"lake-{mode}"
                f = _run(lake, path if args.read_only else path.parent, mode, args.read_only, server)
                shutil.rmtree(lake, ignore_errors=True)
                rows.append((gb, size, n, mode, f))
                print(f"  {mode}: {f['wall']:.0f} s wall; peak RSS {f['maxrss'] / 2**20:,.0f} MiB (ingest process), "
                      f"{f['tree_peak'] / 2**20:,.0f} MiB (its process tree with the Prefect server); by stage "
                      f"(MiB) {f['peak_rss_mb']}; stage seconds {f['timings']}; totals {f['totals']}",
                      file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if server is not None:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    print("\n| file | stories | run | wall s | peak RSS ingest MiB | tree with server MiB | "
          "by the end of each stage MiB |")
    print("|---|---|---|---|---|---|---|")
    for _gb, size, n, mode, f in rows:
        print(f"| {size / 1e9:.2f} GB | {n:,} | {mode} | {f['wall']:.0f} | {f['maxrss'] / 2**20:,.0f} | "
              f"{f['tree_peak'] / 2**20:,.0f} | {f['peak_rss_mb']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
