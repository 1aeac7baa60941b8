"""A local stack to try the scheduled deployments on one machine: ``python -m deploy.stack up|down|status``.

``up`` starts SeaweedFS (``weed mini``: the S3 store), a Prefect server on SQLite
and a process worker on the ``wirelake`` work pool, all on 127.0.0.1; creates the
buckets ``wirelake-raw`` and ``wirelake-lake``, seeds the raw bucket with the
demo's synthetic dump (``s3://wirelake-raw/demo/``) so the first scheduled run
has input, and applies the deployments of ``deploy/prefect.yaml``. Everything it
starts runs in its own session, logs to the state directory (``.stack/`` under
the project, or ``WIRELAKE_STACK_DIR``, or ``--dir``) and is recorded in its
``state.json`` (pid, command line, start time from /proc). ``down`` stops exactly
those processes (each checked to be the one recorded before it is signalled) and
keeps the data unless ``--purge``; ``status`` says what runs and exits non-zero
when something is down.

The pieces are reusable: :func:`start_prefect_server` gives a real Prefect server
(SQLite, its own ``PREFECT_HOME``) to a test, with ``.api_url`` and ``.stop()``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from deploy import seaweed
from deploy.settings import LAKE_BUCKET, RAW_BUCKET

PROJECT_DIR = Path(__file__).resolve().parents[1]
PREFECT_FILE = "deploy/prefect.yaml"  # relative to the project: `prefect deploy` runs there
WORK_POOL = "wirelake"
DEMO_PREFIX = "demo/"
DEPLOYMENTS = ("incremental", "backfill", "compact")

# The stack's S3 identity: a throwaway server on 127.0.0.1, printed for the user to export.
ACCESS_KEY = "wirelakelocal"
SECRET_KEY = "wirelakelocalsecret"

STATE_FILE = "state.json"
COMPONENTS = ("seaweedfs", "prefect-server", "prefect-worker")


class StackError(RuntimeError):
    """Something the user must act on (a port taken, a stack already running, a failed step)."""


# --- processes: identity from /proc, stopping a process tree --------------------------------------


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    state: str
    start_ticks: int  # clock ticks after boot: with the pid, names one process for good
    cmdline: list[str]


def proc_info(pid: int) -> ProcInfo | None:
    """What /proc says of ``pid``; None when there is no such process (or only its zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ')': split after the last.
    fields = stat[stat.rindex(")") + 2:].split()
    state = fields[0]
    if state in ("Z", "X"):
        return None
    return ProcInfo(pid, int(fields[1]), int(fields[2]), state, int(fields[19]),
                    [a.decode(errors="replace") for a in cmdline.split(b"\0") if a])


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def _started_at(info: ProcInfo) -> str:
    ticks = os.sysconf("SC_CLK_TCK")
    when = datetime.fromtimestamp(_boot_time() + info.start_ticks / ticks, UTC)
    return when.isoformat(timespec="seconds")


def record_process(name: str, pid: int, log: Path) -> dict:
    """The state file's record of a process just started (raises if it already died)."""
    info = proc_info(pid)
    # Popen returns once the child's exec has replaced its memory (vfork), which is a moment
    # before the kernel has set up the new argv: /proc/<pid>/cmdline then reads empty (seen in
    # 3 of 2,000 spawns here; it failed a CI run). Every program has an argv[0]: wait for it.
    deadline = time.monotonic() + 2.0
    while info is not None and not info.cmdline and time.monotonic() < deadline:
        time.sleep(0.001)
        info = proc_info(pid)
    if info is None:
        raise StackError(f"{name} exited at once: {seaweed.tail(log)}")
    return {"name": name, "pid": pid, "pgid": info.pgid, "start_ticks": info.start_ticks,
            "started_at": _started_at(info), "cmdline": info.cmdline, "log": str(log)}


def is_recorded_process(rec: dict) -> bool:
    """Whether the recorded process still runs: the same pid, start time and command line
    (a pid reused by another program does not count)."""
    info = proc_info(rec["pid"])
    return info is not None and info.start_ticks == rec["start_ticks"] and info.cmdline == rec["cmdline"]


def _descendants(pid: int) -> list[ProcInfo]:
    children: dict[int, list[ProcInfo]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := proc_info(int(entry.name))):
            children.setdefault(info.ppid, []).append(info)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def _same(info: ProcInfo) -> bool:
    now = proc_info(info.pid)
    return now is not None and now.start_ticks == info.start_ticks


def _signal(info: ProcInfo, sig: int, group: bool) -> None:
    try:
        if group:
            os.killpg(info.pgid, sig)
        else:
            os.kill(info.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_process_tree(pid: int, grace: float = 10.0) -> list[int]:
    """TERM the process group led by ``pid`` and every descendant outside it (a worker's
    flow runs have sessions of their own); KILL whatever is left after ``grace`` seconds.
    Each process is checked by its start time before a signal: a pid reused meanwhile
    is left alone. Returns the pids that had to be killed."""
    leader = proc_info(pid)
    if leader is None:
        return []
    tree = [leader, *_descendants(pid)]
    _signal(leader, signal.SIGTERM, group=leader.pgid == pid)
    for info in tree[1:]:
        if info.pgid != leader.pgid and _same(info):
            _signal(info, signal.SIGTERM, group=False)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_same(info) for info in tree):
        time.sleep(0.1)
    killed = []
    for info in tree:
        if _same(info):
            _signal(info, signal.SIGKILL, group=info.pid == pid and info.pgid == pid)
            killed.append(info.pid)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_same(info) for info in tree):
        time.sleep(0.1)
    return killed


# --- environments ---------------------------------------------------------------------------------


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a stack process: this one's without any Prefect or AWS setting
    (a profile, an API URL, credentials of another store), then the stack's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "AWS_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(home),
               PREFECT_CLI_PROMPT="false")
    env.update(extra)
    return env


def s3_env(endpoint: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": seaweed.REGION}


def _spawn(args: list[str], env: dict[str, str], log_path: Path, cwd: Path = PROJECT_DIR) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _prefect(*args: str) -> list[str]:
    # This interpreter's Prefect: the worker's flow runs then use the same venv.
    return [sys.executable, "-m", "prefect", *args]


# --- the Prefect API, over plain HTTP (no client settings, no profile) -----------------------------


def _api(url: str, path: str, body: dict | None = None, timeout: float = 10.0):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url.rstrip('/')}/{path.lstrip('/')}", data=data,
                                 headers={"Content-Type": "application/json"},
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


def api_healthy(api_url: str) -> bool:
    try:
        return _api(api_url, "health", timeout=3) is True
    except (OSError, ValueError):
        return False


def online_workers(api_url: str, pool: str = WORK_POOL) -> list[str]:
    """Names of the workers the server counts online in ``pool``."""
    try:
        workers = _api(api_url, f"work_pools/{pool}/workers/filter", {})
    except (OSError, ValueError):
        return []
    return [w["name"] for w in workers if w.get("status") == "ONLINE"]


def read_deployments(api_url: str) -> dict[str, dict]:
    """The server's deployments by name."""
    return {d["name"]: d for d in _api(api_url, "deployments/filter", {"limit": 200})}


def deployment_schedules(api_url: str) -> dict[str, dict]:
    """Each deployment's full name (flow/deployment) and its schedules (cron, timezone)."""
    flows = {f["id"]: f["name"] for f in _api(api_url, "flows/filter", {"limit": 200})}
    return {name: {"full_name": f"{flows.get(d['flow_id'], '?')}/{name}",
                   "schedules": [{"cron": s["schedule"].get("cron"), "timezone": s["schedule"].get("timezone"),
                                  "active": s.get("active")} for s in d.get("schedules", [])]}
            for name, d in read_deployments(api_url).items()}


def _schedule_text(schedules: list[dict]) -> str:
    return ", ".join(f"cron {s['cron']!r} {s['timezone'] or 'UTC'}" + ("" if s["active"] else " (paused)")
                     for s in schedules if s["cron"]) or "no schedule (run on demand)"


# --- a Prefect server ------------------------------------------------------------------------------


@dataclass
class PrefectServer:
    """A ``prefect server start`` child process on SQLite (in ``home``)."""

    home: Path
    host: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Return once ``/api/health`` answers; raise with the log's tail if the server
        exits or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while not api_healthy(self.api_url):
            if self.process.poll() is not None:
                raise StackError(f"the Prefect server exited ({self.process.returncode}): {seaweed.tail(self.log_path)}")
            if time.monotonic() > deadline:
                raise StackError(f"the Prefect server was not healthy after {timeout:.0f}s: {seaweed.tail(self.log_path)}")
            time.sleep(0.3)

    def stop(self, grace: float = 10.0) -> None:
        """TERM its process group, KILL after ``grace`` seconds; the process is reaped."""
        if self.process.poll() is None:
            stop_process_tree(self.process.pid, grace)
        self.process.wait(5)

    def __enter__(self) -> PrefectServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_prefect_server(home: Path, port: int, *, host: str = "127.0.0.1", log_path: Path | None = None,
                         env: dict[str, str] | None = None, timeout: float = 120.0) -> PrefectServer:
    """Start a Prefect server on ``host:port`` with its database (SQLite) and settings in
    ``home`` (its ``PREFECT_HOME``), analytics off, in a session of its own, and wait
    until it is healthy (stopped again if it does not get there). ``env`` adds variables
    to the server's environment, which holds no Prefect setting of this process's."""
    if not seaweed.port_is_free(port, host):
        raise StackError(f"port {port} on {host} (Prefect server) is already in use")
    home.mkdir(parents=True, exist_ok=True)
    log_path = log_path or home / "server.log"
    args = _prefect("server", "start", "--host", host, "--port", str(port), "--analytics-off")
    process = _spawn(args, clean_env(home, **(env or {})), log_path, cwd=home)
    server = PrefectServer(home, host, port, process, log_path)
    try:
        server.wait_healthy(timeout)
    except BaseException:
        server.stop()
        raise
    return server


# --- the stack -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StackPorts:
    prefect: int = 4200
    s3: int = 8333
    master: int = 9333
    volume: int = 9340
    filer: int = 8888

    def weed(self) -> dict[str, int]:
        return seaweed.fixed_ports(s3=self.s3, master=self.master, volume=self.volume, filer=self.filer)

    def all(self) -> dict[str, tuple[int, str]]:
        """Every port the stack listens on, with what uses it and the flag that moves it."""
        flags = {"master.port": "--master-port", "volume.port": "--volume-port",
                 "filer.port": "--filer-port", "s3.port": "--s3-port"}
        found = {"Prefect server": (self.prefect, "--prefect-port")}
        for name, port in self.weed().items():
            if port:
                found[f"SeaweedFS {name}"] = (port, flags[name.removesuffix(".grpc")])
        return found


def state_dir(arg: str | None = None) -> Path:
    """``--dir``, else ``WIRELAKE_STACK_DIR``, else ``.stack/`` in the project."""
    return Path(arg or os.environ.get("WIRELAKE_STACK_DIR") or PROJECT_DIR / ".stack").resolve()


def read_state(root: Path) -> dict | None:
    """The state file of the stack in ``root``; None when there is none."""
    path = root / STATE_FILE
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise StackError(f"{path} is not a stack's state ({exc}): look at what runs (ps), "
                         "stop it by hand and remove the file") from None


def _write_state(root: Path, state: dict) -> None:
    tmp = root / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(root / STATE_FILE)


def addresses(state: dict) -> dict[str, str]:
    p = state["ports"]
    return {"Prefect UI": f"http://127.0.0.1:{p['prefect']}",
            "Prefect API": f"http://127.0.0.1:{p['prefect']}/api",
            "S3 endpoint": f"http://127.0.0.1:{p['s3']}",
            "SeaweedFS master UI": f"http://127.0.0.1:{p['master']}",
            "SeaweedFS filer UI": f"http://127.0.0.1:{p['filer']}"}


def export_lines(state: dict) -> list[str]:
    env = {"PREFECT_API_URL": addresses(state)["Prefect API"], **s3_env(addresses(state)["S3 endpoint"])}
    return [f"export {k}={v}" for k, v in env.items()]


def running_processes(state: dict) -> list[dict]:
    return [rec for rec in state.get("processes", []) if is_recorded_process(rec)]


def create_buckets(client) -> None:
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    for bucket in (RAW_BUCKET, LAKE_BUCKET):
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)


def seed_demo(client) -> int:
    """Upload the demo's synthetic dump under ``s3://wirelake-raw/demo/`` unless something
    is there already (a stack brought up again on its data); the number of objects put."""
    if client.list_objects_v2(Bucket=RAW_BUCKET, Prefix=DEMO_PREFIX, MaxKeys=1).get("KeyCount"):
        return 0
    from flows.demo import write_dump

    with tempfile.TemporaryDirectory(prefix="wirelake-demo-") as tmp:
        raw = Path(tmp) / "raw"
        write_dump(raw)
        files = sorted(p for p in raw.rglob("*") if p.is_file())
        for path in files:
            client.put_object(Bucket=RAW_BUCKET, Key=DEMO_PREFIX + path.relative_to(raw).as_posix(),
                              Body=path.read_bytes())
    return len(files)


def _run_logged(args: list[str], env: dict[str, str], log_path: Path, what: str, timeout: float = 300) -> None:
    with open(log_path, "ab") as log:
        log.write(f"\n$ {' '.join(args)}\n".encode())
        log.flush()
        done = subprocess.run(args, env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout, check=False)
    if done.returncode:
        raise StackError(f"{what} failed (exit {done.returncode}); from {log_path}:\n{seaweed.tail(log_path)}")


def apply_deployments(api_url: str, home: Path, log_path: Path) -> None:
    """Create the process work pool (or update it) and apply every deployment of
    ``deploy/prefect.yaml`` to the server at ``api_url`` (WIRELAKE_* settings pass through)."""
    env = clean_env(home, PREFECT_API_URL=api_url)
    _run_logged(_prefect("work-pool", "create", WORK_POOL, "--type", "process", "--overwrite"),
                env, log_path, f"creating the work pool {WORK_POOL!r}")
    _run_logged(_prefect("--no-prompt", "deploy", "--all", "--prefect-file", PREFECT_FILE),
                env, log_path, f"applying the deployments of {PREFECT_FILE}")


def wait_worker_online(api_url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while not (names := online_workers(api_url)):
        if process.poll() is not None:
            raise StackError(f"the worker exited ({process.returncode}): {seaweed.tail(log_path)}")
        if time.monotonic() > deadline:
            raise StackError(f"the worker was not online after {timeout:.0f}s: {seaweed.tail(log_path)}")
        time.sleep(0.5)
    return names[0]


def up(root: Path, ports: StackPorts, out=sys.stdout) -> dict:
    """Start the stack (see the module's docstring); its state. Stops what it started if
    a step fails."""
    state = read_state(root)
    if state is not None:
        alive = running_processes(state)
        if alive:
            raise StackError(f"a stack is already running from {root} ("
                             + ", ".join(f"{r['name']} pid {r['pid']}" for r in alive)
                             + f"): stop it first with `python -m deploy.stack down --dir {root}`")
        print(f"(a state file of a stack no longer running was left in {root}: replacing it)", file=out)
    taken = [f"{port} ({what}; change it with {flag})" for what, (port, flag) in ports.all().items()
             if not seaweed.port_is_free(port)]
    if taken:
        raise StackError("ports already in use on 127.0.0.1: " + ", ".join(taken))

    logs = root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    home = root / "prefect"
    state = {"dir": str(root), "project_dir": str(PROJECT_DIR), "ports": vars(ports),
             "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "processes": []}
    addr = addresses(state)
    _write_state(root, state)
    try:
        print(f"starting SeaweedFS (S3 on {addr['S3 endpoint']}, data in {root / 'seaweed'}) ...", file=out)
        weed = seaweed.start_weed(root / "seaweed", ports.weed(), logs / "seaweedfs.log",
                                  access_key=ACCESS_KEY, secret_key=SECRET_KEY)
        state["processes"].append(record_process("seaweedfs", weed.process.pid, weed.log_path))
        _write_state(root, state)

        print(f"starting the Prefect server ({addr['Prefect API']}, SQLite in {home}) ...", file=out)
        server = start_prefect_server(home, ports.prefect, log_path=logs / "prefect-server.log")
        state["processes"].append(record_process("prefect-server", server.process.pid, server.log_path))
        _write_state(root, state)

        client = weed.client()
        create_buckets(client)
        seeded = seed_demo(client)
        print(f"buckets {RAW_BUCKET}, {LAKE_BUCKET}; "
              + (f"seeded s3://{RAW_BUCKET}/{DEMO_PREFIX} with the demo dump ({seeded} objects)" if seeded
                 else f"s3://{RAW_BUCKET}/{DEMO_PREFIX} already holds the demo dump"), file=out)

        print(f"creating the work pool {WORK_POOL!r} and applying {PREFECT_FILE} ...", file=out)
        apply_deployments(server.api_url, home, logs / "deploy.log")

        worker_env = clean_env(home, PREFECT_API_URL=server.api_url, PREFECT_WORKER_QUERY_SECONDS="2",
                               **s3_env(weed.endpoint))
        worker_log = logs / "prefect-worker.log"
        worker = _spawn(_prefect("worker", "start", "--pool", WORK_POOL, "--name", f"{WORK_POOL}-local"),
                        worker_env, worker_log)
        state["processes"].append(record_process("prefect-worker", worker.pid, worker_log))
        _write_state(root, state)
        print(f"starting a process worker on {WORK_POOL!r} ...", file=out)
        wait_worker_online(server.api_url, worker, worker_log)
    except BaseException as exc:
        # Stop what was started (before saying anything: the output may be gone too).
        for rec in reversed(state["processes"]):
            if is_recorded_process(rec):
                stop_process_tree(rec["pid"])
        (root / STATE_FILE).unlink(missing_ok=True)
        if isinstance(exc, StackError):
            raise StackError(f"{exc}\n(stopped what had been started; logs in {logs})") from None
        raise
    state["up_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    _write_state(root, state)
    print(f"\nwirelake stack up (state in {root / STATE_FILE}, logs in {logs})\n", file=out)
    _print_addresses(state, out)
    print(f"\ndeployments on work pool {WORK_POOL!r}:", file=out)
    for d in deployment_schedules(server.api_url).values():
        print(f"  {d['full_name']:<30} {_schedule_text(d['schedules'])}", file=out)
    print("\nto use it from a shell (the lake is s3://wirelake-lake/lake):\n", file=out)
    for line in export_lines(state):
        print(f"  {line}", file=out)
    print("  prefect deployment run wirelake-ingest/incremental --watch     # one run now, besides the schedule", file=out)
    return state


def _print_addresses(state: dict, out) -> None:
    for name, url in addresses(state).items():
        print(f"  {name:<20} {url}", file=out)


def down(root: Path, purge: bool = False, grace: float = 10.0, out=sys.stdout) -> int:
    """Stop what ``up`` recorded, last started first; keep the data unless ``purge``."""
    state = read_state(root)
    if state is None:
        print(f"no stack state in {root}: nothing to stop", file=out)
    else:
        for rec in reversed(state.get("processes", [])):
            if not is_recorded_process(rec):
                print(f"  {rec['name']:<15} pid {rec['pid']} not running (already stopped)", file=out)
                continue
            killed = stop_process_tree(rec["pid"], grace)
            print(f"  {rec['name']:<15} pid {rec['pid']} stopped" + (" (killed)" if killed else ""), file=out)
        (root / STATE_FILE).unlink(missing_ok=True)
    if purge:
        for name in ("seaweed", "prefect", "logs"):
            shutil.rmtree(root / name, ignore_errors=True)
        if root.exists() and not any(root.iterdir()):
            root.rmdir()
        print(f"purged the stack's data in {root}", file=out)
    elif state is not None:
        print(f"stack stopped; its data stays in {root} (`down --purge` removes it)", file=out)
    return 0


def status(root: Path) -> dict:
    """Each component running or not, the server's health, the worker online, the deployments."""
    state = read_state(root)
    if state is None:
        return {"dir": str(root), "up": False, "components": {}, "addresses": {}}
    components = {}
    for rec in state.get("processes", []):
        components[rec["name"]] = {"running": is_recorded_process(rec), "pid": rec["pid"],
                                   "started_at": rec["started_at"], "log": rec["log"]}
    for name in COMPONENTS:
        components.setdefault(name, {"running": False, "pid": None, "started_at": None, "log": None})
    addr = addresses(state)
    healthy = components["prefect-server"]["running"] and api_healthy(addr["Prefect API"])
    components["prefect-server"]["healthy"] = healthy
    if components["seaweedfs"]["running"]:
        try:
            seaweed.s3_client(addr["S3 endpoint"], ACCESS_KEY, SECRET_KEY).list_buckets()
            components["seaweedfs"]["healthy"] = True
        except Exception:  # noqa: BLE001 - any failure means "not serving"
            components["seaweedfs"]["healthy"] = False
    else:
        components["seaweedfs"]["healthy"] = False
    workers = online_workers(addr["Prefect API"]) if healthy else []
    components["prefect-worker"]["healthy"] = components["prefect-worker"]["running"] and bool(workers)
    deployments = {}
    if healthy:
        with contextlib.suppress(OSError, ValueError):
            deployments = deployment_schedules(addr["Prefect API"])
    up_ = all(c["running"] and c.get("healthy", True) for c in components.values())
    return {"dir": str(root), "up": up_, "components": components, "addresses": addr,
            "deployments": deployments, "exports": export_lines(state)}


def _print_status(report: dict, out=sys.stdout) -> None:
    if not report["components"]:
        print(f"no stack in {report['dir']} (start one with `python -m deploy.stack up`)", file=out)
        return
    print(f"wirelake stack in {report['dir']}: {'up' if report['up'] else 'NOT all up'}", file=out)
    for name, c in report["components"].items():
        what = "running" if c["running"] else "DOWN"
        if c["running"] and not c.get("healthy", True):
            what = "running, NOT answering" if name != "prefect-worker" else "running, NOT online"
        since = f" since {c['started_at']}" if c["running"] else ""
        print(f"  {name:<15} {what:<24} pid {c['pid']}{since}", file=out)
    for name, url in report["addresses"].items():
        print(f"  {name:<20} {url}", file=out)
    for d in report.get("deployments", {}).values():
        print(f"  deployment {d['full_name']:<30} {_schedule_text(d['schedules'])}", file=out)
    if report["up"]:
        print("exports:\n" + "\n".join(f"  {line}" for line in report["exports"]), file=out)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m deploy.stack", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", default=None,
                        help="the stack's state directory (default: $WIRELAKE_STACK_DIR, else .stack/ in the project)")
    upp = sub.add_parser("up", parents=[common], help="start the stack and apply the deployments")
    d = StackPorts()
    upp.add_argument("--prefect-port", type=int, default=d.prefect, help=f"Prefect server (default {d.prefect})")
    upp.add_argument("--s3-port", type=int, default=d.s3, help=f"S3 endpoint (default {d.s3})")
    upp.add_argument("--master-port", type=int, default=d.master, help=f"SeaweedFS master (default {d.master})")
    upp.add_argument("--filer-port", type=int, default=d.filer, help=f"SeaweedFS filer (default {d.filer})")
    upp.add_argument("--volume-port", type=int, default=d.volume, help=f"SeaweedFS volume (default {d.volume})")
    dn = sub.add_parser("down", parents=[common], help="stop what `up` started")
    dn.add_argument("--purge", action="store_true", help="also remove the stack's data (S3 objects, Prefect DB, logs)")
    dn.add_argument("--grace", type=float, default=10.0, help="seconds between TERM and KILL (default 10)")
    st = sub.add_parser("status", parents=[common], help="what runs; exit status 1 when something is down")
    st.add_argument("--json", action="store_true", help="print the status as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = state_dir(args.dir)
    try:
        if args.command == "up":
            root.mkdir(parents=True, exist_ok=True)
            up(root, StackPorts(args.prefect_port, args.s3_port, args.master_port, args.volume_port,
                                args.filer_port))
            return 0
        if args.command == "down":
            return down(root, args.purge, args.grace)
        report = status(root)
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            _print_status(report)
        return 0 if report["up"] else 1
    except (StackError, ValueError) as exc:
        print(f"deploy.stack: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
