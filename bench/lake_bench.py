"""Lake benchmark on real shapes: this checkout against a baseline commit, in one command.

    .venv/bin/python -m bench.lake_bench                       # everything, baseline: the fork point from main
    .venv/bin/python -m bench.lake_bench --only seed corpora-local --baseline f6d7a03
    .venv/bin/python -m bench.lake_bench --only rerun --partitions 1000 10000

Each figure is the real command line (``python -m flows.cli ingest ...`` in a
child process) timed by wall clock, once with this checkout's code and once
with the baseline's (``git archive BASELINE`` unpacked to a temporary directory,
run with the same interpreter and packages), one after the other; the machine
is shared, so read the ratio, not the seconds. Scenarios:

- ``seed``: one story (``CORPORA/seed``), with a Prefect server configured
  (``PREFECT_API_URL``: the benchmark starts one) and without (each run starts
  Prefect's temporary server).
- ``corpora-local``, ``corpora-s3``: the whole shared corpora into an empty lake
  on disk, and on SeaweedFS (started by the benchmark, ``deploy/seaweed.py``).
- ``rerun``: lakes of N partitions (``--partitions``; one synthetic ninjs story
  a day over N days, built once with this checkout and copied for the
  baseline): a scheduled rerun with nothing new, then a run of one new file
  whose stories fall on 24 dates spread over the lake (time per partition written:
  flat as the lake grows when the write cost does not depend on its size).
- ``checks``: what each partition write pays before it writes, on lakes of N
  (empty) partitions per table: a lease check and a listing of a small prefix.

A benchmark, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = ("seed", "corpora-local", "corpora-s3", "rerun", "checks")


def corpora() -> Path:
    return Path(os.environ.get("WIRELAKE_CORPORA") or REPO.parent / "shared" / "corpora").resolve()


def unpack(ref: str, into: Path) -> Path:
    """The tree of commit ``ref`` (``git archive``) under ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def default_baseline() -> str:
    for ref in ("main", "origin/main"):
        out = subprocess.run(["git", "-C", str(REPO), "merge-base", "HEAD", ref], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()[:10]
    return "HEAD"


class Code:
    """A tree of wirelake code to run the command line from (this checkout or a baseline)."""

    def __init__(self, name: str, root: Path) -> None:
        self.name, self.root = name, root

    def wirelake(self, args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
        """Run ``wirelake ARGS`` with this code; wall seconds and exit status."""
        env = {**env, "PYTHONPATH": str(self.root)}
        started = time.perf_counter()
        with open(log, "w") as out:
            status = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=self.root, env=env,
                                    stdout=out, stderr=subprocess.STDOUT).returncode
        return time.perf_counter() - started, status


def latest_manifest(lake: str) -> dict:
    """The newest run manifest of a lake (read with this checkout's storage seam)."""
    from lake.storage import open_storage

    storage = open_storage(lake)
    keys = sorted(o.key for o in storage.list("runs/") if o.key.endswith(".json"))
    return json.loads(storage.get(keys[-1])) if keys else {}


def stages(manifest: dict) -> str:
    t, cpu = manifest.get("timings_s", {}), manifest.get("cpu_s", {})
    return " ".join(f"{k} {v:.1f}" + (f" (CPU {cpu[k]:.1f})" if k in cpu else "") for k, v in t.items())


def written(manifest: dict) -> int:
    out = manifest.get("outputs", {})
    return sum(len(out.get(t) or []) for t in ("items", "stories", "duplicates"))


def row(label: str, code: Code, seconds: float, status: int, manifest: dict | None = None, extra: str = "") -> None:
    m = manifest or {}
    detail = f"  [{stages(m)}]" if m.get("timings_s") else ""
    failed = "" if status == 0 else f"  EXIT {status}"
    print(f"  {label:<34} {code.name:<9} {seconds:8.2f} s{failed}  {extra}{detail}", flush=True)


def ratio(label: str, base: float, new: float) -> None:
    print(f"  {label:<34} baseline / this = {base / new:5.2f}x", flush=True)


class PrefectServer:
    """``prefect server start`` on a free port, with a home of its own."""

    def __init__(self, home: Path) -> None:
        from deploy.seaweed import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": ""}
        self.log = home / "server.log"
        home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                          "--port", str(self.port)], env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(1)
        raise RuntimeError(f"the Prefect server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def import_seconds(code: Code, env: dict) -> float:
    """Wall time of a fresh interpreter importing what an ingest imports (its start-up
    before any Prefect call)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import flows.cli, flows.ingest"], cwd=code.root, check=True,
                   env={**env, "PYTHONPATH": str(code.root)})
    return time.perf_counter() - started


def warm(codes: list[Code], env: dict, work: Path) -> None:
    """One untimed run of each tree on a small part of the corpora (many formats, enough
    stories for every dedup kernel): a baseline unpacked fresh compiles its numba kernels
    in its first run (cached on disk after it), which is not what a user's runs pay."""
    part = corpora() / "superdesk-feed-fixtures"
    for code in codes:
        seconds, status = code.wirelake(["ingest", str(part), "--lake", str(work / f"warm-{code.name}")], env,
                                         work / f"warm-{code.name}.log")
        row("warm-up (untimed for the figures)", code, seconds, status)


def bench_seed(codes: list[Code], env: dict, work: Path) -> None:
    print("one story (CORPORA/seed)", flush=True)
    seed = corpora() / "seed"
    for code in codes:
        row("imports alone (python -c import)", code, import_seconds(code, env), 0)
    for server in (True, False):
        run_env = dict(env) if server else {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        label = "with PREFECT_API_URL" if server else "temporary Prefect server"
        times = {}
        for code in codes:
            lake = work / f"seed-{code.name}-{server}"
            times[code.name], status = code.wirelake(["ingest", str(seed), "--lake", str(lake)], run_env,
                                                     work / f"seed-{code.name}-{server}.log")
            row(label, code, times[code.name], status, latest_manifest(str(lake)))
        ratio(label, times["baseline"], times["this"])


def bench_corpora(codes: list[Code], env: dict, work: Path, s3: str | None) -> None:
    where = "SeaweedFS" if s3 else "local directory"
    print(f"whole corpora ({corpora()}) into an empty lake on {where}", flush=True)
    times = {}
    for code in codes:
        lake = f"{s3}/corpora-{code.name}" if s3 else str(work / f"corpora-{code.name}")
        times[code.name], status = code.wirelake(["ingest", str(corpora()), "--lake", lake], env,
                                                 work / f"corpora-{code.name}-{bool(s3)}.log")
        m = latest_manifest(lake)
        row("ingest", code, times[code.name], status, m,
            f"{m.get('totals', {}).get('items_in', 0)} items, {written(m)} partitions written")
    ratio("ingest", times["baseline"], times["this"])


def write_days(path: Path, first_day: int, days: list[int], seed: int) -> None:
    """One JSON Lines file of ninjs stories, one on each of ``days`` (days after 2000-01-01)."""
    from datetime import UTC, datetime, timedelta

    from samples.synthetic import demo_stories, render_ninjs

    start = datetime(2000, 1, 1, 8, 0, tzinfo=UTC)
    lines = []
    for day in days:
        [story] = demo_stories(seed=seed * 100_003 + day, days=1, per_day=1,
                               start=start + timedelta(days=day))["ap"]
        lines.append(json.dumps(render_ninjs(story)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def bench_rerun(codes: list[Code], env: dict, work: Path, sizes: list[int]) -> None:
    print("a lake of N partitions (one story a day): a rerun with nothing new, then one new file "
          "of 24 stories on dates spread over the lake", flush=True)
    this = next(c for c in codes if c.name == "this")
    for n in sizes:
        raw = work / f"raw-{n}"
        for i in range(0, n, 1000):  # files of 1,000 days
            write_days(raw / f"feed-{i // 1000:03d}.jsonl", i, list(range(i, min(n, i + 1000))), seed=1)
        template = work / f"lake-{n}"
        built, status = this.wirelake(["ingest", str(raw), "--lake", str(template)], env, work / f"build-{n}.log")
        m = latest_manifest(str(template))
        print(f"  built a lake of {n} days: {written(m)} partitions in {built:.1f} s (exit {status})", flush=True)
        new = work / f"new-{n}" / "late.jsonl"
        write_days(new, 0, [round(k * (n - 1) / 23) for k in range(24)], seed=2)
        times: dict[str, dict[str, float]] = {"nothing": {}, "per_partition": {}}
        for code in codes:
            lake = work / f"lake-{n}-{code.name}"
            shutil.copytree(template, lake)
            seconds, status = code.wirelake(["ingest", str(raw), "--lake", str(lake)], env,
                                            work / f"rerun-{n}-{code.name}.log")
            times["nothing"][code.name] = seconds
            row(f"{n} partitions: nothing new", code, seconds, status, latest_manifest(str(lake)))
            seconds, status = code.wirelake(["ingest", str(raw), str(new.parent), "--lake", str(lake)], env,
                                            work / f"late-{n}-{code.name}.log")
            m = latest_manifest(str(lake))
            count = written(m)
            write_s = m.get("timings_s", {}).get("write", float("nan"))
            times["per_partition"][code.name] = 1000 * write_s / max(1, count)
            row(f"{n} partitions: 24 new stories", code, seconds, status, m,
                f"{count} partitions written, {1000 * write_s / max(1, count):.1f} ms each")
            shutil.rmtree(lake, ignore_errors=True)
        ratio(f"{n} partitions: nothing new", times["nothing"]["baseline"], times["nothing"]["this"])
        ratio(f"{n} partitions: write per partition", times["per_partition"]["baseline"],
              times["per_partition"]["this"])
        shutil.rmtree(template, ignore_errors=True)


CHECKS = """
import sys, time
from lake import lease as leases
from lake.storage import open_storage
storage = open_storage(sys.argv[1])
lease = leases.acquire(storage, "bench", wait=0, ttl=600)

def per_call(call, most=200, budget=5.0):
    # up to `most` calls, or as many as fit in `budget` seconds (at least 3)
    started, n = time.perf_counter(), 0
    while n < most and (n < 3 or time.perf_counter() - started < budget):
        call()
        n += 1
    return (time.perf_counter() - started) / n

# as a publishing task does before each partition it writes
checks = per_call(lambda: leases.check_token(open_storage(sys.argv[1]), lease.token))
lists = per_call(lambda: list(storage.list("runs/")))
lease.release()
print(f"{checks * 1000:.3f} {lists * 1000:.3f}")
"""


def bench_checks(codes: list[Code], env: dict, work: Path, sizes: list[int]) -> None:
    """What a run pays per partition before its write, whatever the write: the lease
    check, and a listing of a small prefix, on lakes of N partitions per table (empty
    files: only their number matters here)."""
    print("per-partition overhead on a lake of N partitions per table (stories/, items/, duplicates/): "
          "a lease check (as before each partition write) and a listing of runs/ (3 objects)", flush=True)
    for n in sizes:
        lake = work / f"checks-{n}"
        for table in ("stories", "items", "duplicates"):
            for day in range(n):
                path = lake / table / f"date=2000-01-01+{day:05d}" / "part-0.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
        for i in range(3):
            (lake / "runs").mkdir(exist_ok=True)
            (lake / "runs" / f"run-{i}.json").write_text("{}")
        for code in codes:
            out = subprocess.run([sys.executable, "-c", CHECKS, str(lake)], cwd=code.root, capture_output=True,
                                 text=True, env={**env, "PYTHONPATH": str(code.root)})
            if out.returncode:
                print(f"  {n} partitions {code.name}: failed {out.stderr[-500:]}")
                continue
            check_ms, list_ms = map(float, out.stdout.split())
            print(f"  {n:>6} partitions   {code.name:<9} lease check {check_ms:9.3f} ms   "
                  f"list runs/ {list_ms:9.3f} ms", flush=True)
        shutil.rmtree(lake, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=None, help="git commit to compare with (default: the fork point from main)")
    ap.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    ap.add_argument("--partitions", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--keep", action="store_true", help="keep the working directory (logs, lakes)")
    ap.add_argument("--no-warm", dest="warm", action="store_false",
                    help="skip the untimed warm-up run of each tree (a fresh tree then compiles its numba "
                         "kernels in its first timed run)")
    args = ap.parse_args(argv)
    baseline = args.baseline or default_baseline()
    work = Path(tempfile.mkdtemp(prefix="wirelake-lake-bench-"))
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    codes = [Code("baseline", unpack(baseline, work / "baseline-code")), Code("this", REPO)]
    print(f"baseline {baseline} against this checkout ({REPO}); work in {work}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    server = seaweed = None
    try:
        if set(args.only) - {"checks"}:
            server = PrefectServer(work / "prefect")
            env["PREFECT_API_URL"] = server.url
        if args.warm and set(args.only) - {"checks"}:
            warm(codes, env, work)
        if "seed" in args.only:
            bench_seed(codes, env, work)
        if "corpora-local" in args.only:
            bench_corpora(codes, env, work, None)
        if "corpora-s3" in args.only:
            from deploy.seaweed import free_ports, start_weed

            seaweed = start_weed(work / "weed", free_ports())
            os.environ.update(seaweed.env())  # this process reads the lakes' manifests too
            bench_corpora(codes, {**env, **seaweed.env()}, work, "s3://wirelake-bench")
        if "checks" in args.only:
            bench_checks(codes, env, work, args.partitions)
        if "rerun" in args.only:
            bench_rerun(codes, env, work, args.partitions)
    finally:
        if seaweed is not None:
            seaweed.stop()
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
