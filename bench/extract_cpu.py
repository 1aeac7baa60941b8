"""CPU time of one extract process, per 10,000 stories, this tree against others (issue 16).

    .venv/bin/python -m bench.extract_cpu --synthetic wire-00000.jsonl --n 10000 --corpora ../shared/corpora \\
        --trees /tmp/base . --rounds 3
    .venv/bin/python -m bench.extract_cpu ... --dump OUTDIR     # also write each tree's extracted frames

A benchmark, not a test: it prints figures and asserts nothing. For each input
(the first ``--n`` lines of a synthetic JSON Lines shard of ``bench.wire_corpus``,
and/or every raw object of a corpora directory, as the ingest lists them) and each
tree, a child process run from that tree (its code, this venv) calls
``flows.extracting.extract_objects`` on the input as one batch, with one polars
thread (``POLARS_MAX_THREADS=1``), once to warm up (numba's cached kernels,
imports) and then ``--rounds`` times, the trees alternating round by round.
Reported: the process's CPU time (user + system, os.times) of each call, the best
of the rounds, per 10,000 stories, and each tree's best as a ratio of the first
tree's. With ``--dump`` each child also writes the items it staged (all staging
objects of the call, in order) to ``OUTDIR/<tree no>-<input>.parquet``, so two
trees' extracted frames can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, os, shutil, sys, tempfile, time
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from flows.extracting import extract_objects
from lake.storage import list_source

source, rounds, dump = sys.argv[1], int(sys.argv[2]), sys.argv[3]
objects = list_source(source)
at = datetime(2026, 12, 7, tzinfo=timezone.utc)
work = Path(tempfile.mkdtemp(prefix="wirelake-extract-cpu-"))
figures = []
try:
    for r in range(rounds + 1):
        lake = work / f"lake-{r}"
        t0, c0 = time.perf_counter(), os.times()
        results, view, sig, worker, index = extract_objects(objects, None, "run-x", at, str(lake), 0)
        c1, t1 = os.times(), time.perf_counter()
        items = sum(int(n) for n in index["len"])
        if r:
            figures.append({"cpu": (c1[0] + c1[1]) - (c0[0] + c0[1]), "wall": t1 - t0, "items": items})
        if dump and r == rounds:
            staged = sorted(lake.rglob("*.parquet"))
            pl.concat([pl.read_parquet(p) for p in staged], how="vertical").write_parquet(dump)
        shutil.rmtree(lake, ignore_errors=True)
finally:
    shutil.rmtree(work, ignore_errors=True)
print(json.dumps(figures))
"""


def run_child(tree: Path, source: Path, rounds: int, dump: str) -> list[dict]:
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "DO_NOT_TRACK": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(source), str(rounds), dump], cwd=tree, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.extract_cpu", description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=Path, default=None, help="a wire-*.jsonl shard of bench.wire_corpus")
    ap.add_argument("--n", type=int, default=10_000, help="lines of --synthetic to extract")
    ap.add_argument("--corpora", type=Path, default=None, help="a directory of raw objects (the corpora)")
    ap.add_argument("--trees", type=Path, nargs="+", default=[Path(".")])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dump", type=Path, default=None, metavar="OUTDIR")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wirelake-extract-cpu-") as tmp:
        inputs = []
        if args.synthetic:
            sample = Path(tmp) / "synthetic" / f"wire-{args.n}.jsonl"
            sample.parent.mkdir()
            with args.synthetic.open("rb") as src, sample.open("wb") as dst:
                for k, line in enumerate(src):
                    if k >= args.n:
                        break
                    dst.write(line)
            inputs.append(("synthetic", sample))
        if args.corpora:
            inputs.append(("corpora", args.corpora.resolve()))
        for name, source in inputs:
            best: dict[int, dict] = {}
            for r in range(args.rounds):
                for t, tree in enumerate(args.trees):
                    dump = str(args.dump.resolve() / f"{t}-{name}.parquet") if args.dump and r == 0 else ""
                    f = min(run_child(tree.resolve(), source, 1, dump), key=lambda x: x["cpu"])
                    per = f["cpu"] / f["items"] * 10_000
                    print(f"{name} round {r} tree {t} ({tree}): {f['items']:,} items, CPU {f['cpu']:.2f} s "
                          f"({per:.2f} s per 10k), wall {f['wall']:.2f} s; load {os.getloadavg()[0]:.1f}",
                          file=sys.stderr, flush=True)
                    if t not in best or f["cpu"] < best[t]["cpu"]:
                        best[t] = f
            base = best[0]["cpu"] / best[0]["items"]
            for t, tree in enumerate(args.trees):
                f = best[t]
                per = f["cpu"] / f["items"]
                print(f"{name}: tree {t} ({tree}) best CPU {f['cpu']:.2f} s for {f['items']:,} items = "
                      f"{per * 10_000:.2f} s per 10k; x{base / per:.2f} of tree 0")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
