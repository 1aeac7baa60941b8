"""The whole ingest with the extract stage on threads and in processes, side by side (issue 16).

    .venv/bin/python -m bench.extract_bench --n 100000                 # writes the corpus to a temp dir
    .venv/bin/python -m bench.extract_bench --corpus DIR --rounds 2    # an existing wire-*.jsonl corpus

A benchmark, not a test: it prints figures and asserts nothing. The same
corpus (``bench.wire_corpus``) is ingested into a fresh temporary lake once per
mode and round, alternating the modes (``WIRELAKE_EXTRACT=threads``, the flow's
threads sharing one GIL, then ``processes``, the extract pool), each run in a
child process under Prefect's test harness (``bench.dedup_bench.run_ingest``).
Reported: wall time, stories/s end to end, extract+normalize seconds, peak RSS
of the process tree (the ingest, its pool processes and its Prefect server),
and each mode's speed as a ratio of the threads run of the same round: the
machine is shared, so only ratios taken side by side mean much.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.extract_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--shard-size", type=int, default=50_000)
    ap.add_argument("--corpus", type=Path, default=None, help="a directory of wire-*.jsonl to use as it is")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--modes", default="threads,processes")
    args = ap.parse_args(argv)
    from bench.dedup_bench import run_ingest
    from bench.wire_corpus import write_jsonl

    tmp = Path(tempfile.mkdtemp(prefix="wirelake-extract-bench-"))
    try:
        shards = sorted(args.corpus.glob("wire-*.jsonl")) if args.corpus else \
            write_jsonl(tmp / "corpus", args.n, shard_size=args.shard_size)
        rows = []
        for rnd in range(args.rounds):
            base = None
            for mode in args.modes.split(","):
                os.environ["WIRELAKE_EXTRACT"] = mode
                work = tmp / f"run-{rnd}-{mode}"
                work.mkdir()
                f = run_ingest(shards, work)
                shutil.rmtree(work, ignore_errors=True)
                rate = f["totals"]["items_in"] / f["seconds"]
                base = base or rate
                rows.append((rnd, mode, f, rate, rate / base))
                print(f"round {rnd} {mode}: {f['totals']['items_in']:,} items in {f['seconds']:.1f} s "
                      f"({rate:,.0f}/s, x{rate / base:.2f} of threads); extract+normalize "
                      f"{f['timings'].get('extract_normalize')} s; tree peak RSS {f['tree_peak'] / 2**20:,.0f} MiB",
                      file=sys.stderr, flush=True)
        print("\n| round | extract | items/s end to end | x threads | extract+normalize s | dedup s | write s "
              "| peak RSS tree MiB |")
        print("|---|---|---|---|---|---|---|---|")
        for rnd, mode, f, rate, ratio in rows:
            t = f["timings"]
            print(f"| {rnd} | {mode} | {rate:,.0f} | {ratio:.2f} | {t.get('extract_normalize')} | {t.get('dedup')} "
                  f"| {t.get('write')} | {f['tree_peak'] / 2**20:,.0f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
