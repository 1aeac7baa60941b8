"""The local stack (``python -m deploy.stack``) and the deployments of ``deploy/prefect.yaml``.

The end-to-end test drives the CLI as a user does, in subprocesses whose
environment is built here from scratch: nothing of this session's Prefect test
harness (its API URL, home or profile) reaches the stack. It talks to the
stack's API explicitly.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
import yaml

from deploy import settings, stack
from deploy.seaweed import GRPC_OFFSET, free_port, port_is_free

PROJECT = Path(__file__).resolve().parents[1]
# Crons that do not come round while the test runs (Feb 29), so no scheduled run races the
# one the test starts; deploying them also shows the crons are taken from the environment.
INCREMENTAL_CRON = "0 0 29 2 *"
COMPACT_CRON = "30 0 29 2 *"
# The demo dump (flows/demo.py), as `make demo` ingests it (tests/test_demo.py).
DEMO_TOTALS = {"files": 57, "items_in": 80, "stories": 72, "duplicates": 7, "skipped": 0, "rejects": 1}


def _env(**extra: str) -> dict[str, str]:
    """A subprocess environment from scratch: no PREFECT_* or AWS_* of this session."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "WIRELAKE_WORKERS")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **extra}


def _cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deploy.stack", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _stack_ports() -> dict[str, int]:
    """Free ports for the stack's flags, all distinct; each SeaweedFS one with its gRPC
    twin (+ 10000) free too."""
    ports: dict[str, int] = {"--prefect-port": free_port()}
    used = set(ports.values())
    for flag in ("--s3-port", "--master-port", "--filer-port", "--volume-port"):
        while True:
            port = free_port()
            if not {port, port + GRPC_OFFSET} & used and port_is_free(port + GRPC_OFFSET):
                break
        ports[flag] = port
        used |= {port, port + GRPC_OFFSET}
    return ports


def _logs(root: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                     for p in sorted((root / "logs").glob("*.log")))


def test_deployment_settings_default_and_follow_the_environment(monkeypatch, tmp_path):
    for var in ("WIRELAKE_INCREMENTAL_CRON", "WIRELAKE_COMPACT_CRON", "WIRELAKE_DEPLOY_SOURCES",
                "WIRELAKE_DEPLOY_LAKE", "WIRELAKE_DEPLOY_PROJECT_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.deployment_settings() == {
        "incremental_cron": "0 * * * *", "compact_cron": "30 3 * * 0",
        "sources": ["s3://wirelake-raw/"], "lake": "s3://wirelake-lake/lake",
        "project_dir": str(tmp_path.resolve())}
    monkeypatch.setenv("WIRELAKE_INCREMENTAL_CRON", "*/15 * * * *")
    monkeypatch.setenv("WIRELAKE_DEPLOY_SOURCES", "s3://a/x/, s3://b/")
    monkeypatch.setenv("WIRELAKE_DEPLOY_PROJECT_DIR", str(PROJECT))
    got = settings.deployment_settings()
    assert got["incremental_cron"] == "*/15 * * * *"
    assert got["sources"] == ["s3://a/x/", "s3://b/"]
    assert got["project_dir"] == str(PROJECT)


def test_prefect_yaml_uses_only_settings_the_build_step_gives():
    text = (PROJECT / stack.PREFECT_FILE).read_text()
    config = yaml.safe_load(text)
    assert [d["name"] for d in config["deployments"]] == list(stack.DEPLOYMENTS)
    assert config["build"] == [{"deploy.settings.deployment_settings": {"id": "wirelake"}}]
    used = set(re.findall(r"{{\s*wirelake\.(\w+)\s*}}", text))
    assert used and used <= set(settings.deployment_settings())
    assert {d["work_pool"]["name"] for d in config["deployments"]} == {stack.WORK_POOL}


def test_up_refuses_a_port_in_use_and_starts_nothing(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _cli(_env(), "up", "--dir", str(tmp_path), "--prefect-port", str(port), timeout=60)
    assert done.returncode == 1
    assert f"{port} (Prefect server; change it with --prefect-port)" in done.stderr
    assert not (tmp_path / stack.STATE_FILE).exists() and not (tmp_path / "logs").exists()


def test_down_leaves_alone_a_pid_that_is_not_the_recorded_process(tmp_path):
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        rec = stack.record_process("prefect-worker", sleeper.pid, tmp_path / "x.log")
        assert stack.is_recorded_process(rec)
        rec["start_ticks"] += 1  # the same pid, another process: a pid reused since `up`
        (tmp_path / stack.STATE_FILE).write_text(json.dumps({"processes": [rec], "ports": {}}))
        done = _cli(_env(), "down", "--dir", str(tmp_path), timeout=60)
        assert done.returncode == 0 and "not running" in done.stdout
        assert sleeper.poll() is None
        assert not (tmp_path / stack.STATE_FILE).exists()
    finally:
        sleeper.send_signal(signal.SIGKILL)
        sleeper.wait()


@pytest.mark.slow
def test_start_prefect_server_gives_a_healthy_api_and_stops_clean(tmp_path):
    port = free_port()
    server = stack.start_prefect_server(tmp_path / "prefect", port)
    try:
        assert server.api_url == f"http://127.0.0.1:{port}/api"
        assert stack.api_healthy(server.api_url)
        assert (tmp_path / "prefect" / "prefect.db").exists()  # its own SQLite, in its home
    finally:
        server.stop()
    assert server.process.returncode is not None
    assert port_is_free(port) and not stack.api_healthy(server.api_url)


def _listening_ports() -> set[int]:
    """The local ports of every socket in LISTEN state on this machine (/proc/net/tcp, tcp6)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _listeners(ports: dict[str, int], timeout: float = 10) -> dict[str, int]:
    """The stack's ports something still listens on, after up to ``timeout`` s. A port
    is asked for a listener, not for a free bind: once the stack is down the system may
    hand its number to another process's outgoing connection (the other test worker's),
    which is no server left behind (CI, 2026-12-07: a bind check failed after 'down'
    had stopped every recorded process)."""
    deadline = time.monotonic() + timeout
    while (left := {k: p for k, p in ports.items() if p in _listening_ports()}) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _wait_gone(recorded: list[dict], timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while (alive := [r for r in recorded if stack.is_recorded_process(r)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


@pytest.mark.s3
@pytest.mark.timeout(900)
def test_stack_up_runs_the_incremental_deployment_into_seaweedfs_and_down_stops_it(tmp_path):
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    root = tmp_path / "stack"
    ports = _stack_ports()
    flags = [str(x) for kv in ports.items() for x in kv]
    env = _env(WIRELAKE_INCREMENTAL_CRON=INCREMENTAL_CRON, WIRELAKE_COMPACT_CRON=COMPACT_CRON)
    recorded: list[dict] = []
    started = time.monotonic()
    try:
        up = _cli(env, "up", "--dir", str(root), *flags)
        assert up.returncode == 0, f"{up.stdout}\n{up.stderr}\n{_logs(root)}"
        state = json.loads((root / stack.STATE_FILE).read_text())
        recorded = state["processes"]
        assert [r["name"] for r in recorded] == list(stack.COMPONENTS)
        api = f"http://127.0.0.1:{ports['--prefect-port']}/api"
        endpoint = f"http://127.0.0.1:{ports['--s3-port']}"
        assert f"Prefect API          {api}" in up.stdout
        assert f"export AWS_ENDPOINT_URL={endpoint}" in up.stdout
        assert f"export PREFECT_API_URL={api}" in up.stdout

        again = _cli(env, "up", "--dir", str(root), *flags, timeout=60)
        assert again.returncode == 1 and "already running" in again.stderr

        status = _cli(env, "status", "--dir", str(root), "--json", timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr
        report = json.loads(status.stdout)
        assert report["up"] and all(c["running"] and c["healthy"] for c in report["components"].values())
        assert report["deployments"] == {
            "incremental": {"full_name": "wirelake-ingest/incremental",
                            "schedules": [{"cron": INCREMENTAL_CRON, "timezone": "UTC", "active": True}]},
            "backfill": {"full_name": "wirelake-backfill/backfill", "schedules": []},
            "compact": {"full_name": "wirelake-compact/compact",
                        "schedules": [{"cron": COMPACT_CRON, "timezone": "UTC", "active": True}]}}

        deployments = stack.read_deployments(api)
        for name, entrypoint in (("incremental", "flows/ingest.py:ingest"),
                                 ("backfill", "flows/backfill.py:backfill"),
                                 ("compact", "flows/compact.py:compact")):
            d = deployments[name]
            assert d["entrypoint"] == entrypoint and d["work_pool_name"] == stack.WORK_POOL
            assert d["pull_steps"] == [{"prefect.deployments.steps.set_working_directory":
                                        {"directory": str(PROJECT)}}]
            assert d["concurrency_limit"] is None  # one writer is the lake's lease's job
        lake = {"sources": ["s3://wirelake-raw/"], "lake": "s3://wirelake-lake/lake"}
        assert deployments["incremental"]["parameters"] == lake
        assert deployments["backfill"]["parameters"] == lake  # start and end come with each run
        assert deployments["compact"]["parameters"] == {"lake": "s3://wirelake-lake/lake"}

        with temporary_settings({PREFECT_API_URL: api}):
            with pytest.raises(Exception, match="'start' is a required property"):
                run_deployment("wirelake-backfill/backfill", timeout=0)  # start, end: given per run
            run = run_deployment("wirelake-ingest/incremental", timeout=240, poll_interval=2)
        assert run.state is not None and run.state.is_completed(), f"{run.state}\n{_logs(root)}"

        client = stack.seaweed.s3_client(endpoint, stack.ACCESS_KEY, stack.SECRET_KEY)
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=stack.LAKE_BUCKET, Prefix="lake/runs/")["Contents"]]
        assert len(keys) == 1 and keys[0].endswith(".json")
        manifest = json.loads(client.get_object(Bucket=stack.LAKE_BUCKET, Key=keys[0])["Body"].read())
        assert manifest["sources"] == ["s3://wirelake-raw/"] and manifest["lake"] == "s3://wirelake-lake/lake"
        t = manifest["totals"]
        assert t == DEMO_TOTALS
        assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]

        options = {"aws_endpoint_url": endpoint, "aws_access_key_id": stack.ACCESS_KEY,
                   "aws_secret_access_key": stack.SECRET_KEY, "aws_region": "us-east-1"}
        stories = pl.read_parquet("s3://wirelake-lake/lake/stories/**/*.parquet", hive_partitioning=True,
                                  storage_options=options)
        assert stories.height == DEMO_TOTALS["stories"] and stories["date"].n_unique() == 4
        assert stories.group_by("provider").len().sort("provider").rows() == [("ap", 24), ("dpa", 24),
                                                                             ("reuters", 24)]
        fs = pafs.S3FileSystem(access_key=stack.ACCESS_KEY, secret_key=stack.SECRET_KEY,
                               endpoint_override=endpoint, scheme="http", region="us-east-1")
        table = ds.dataset("wirelake-lake/lake/stories", filesystem=fs, partitioning="hive").to_table()
        assert table.num_rows == DEMO_TOTALS["stories"]
        raw = client.get_object(Bucket=stack.LAKE_BUCKET, Key="lake/ledger/consumed.parquet")["Body"].read()
        assert pl.read_parquet(io.BytesIO(raw)).height == DEMO_TOTALS["files"]
    finally:
        down = _cli(env, "down", "--dir", str(root), timeout=120)
        print(f"stack test: {time.monotonic() - started:.0f}s up to down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert not _wait_gone(recorded)
    grpc = {f"{flag} (gRPC)": p + GRPC_OFFSET for flag, p in ports.items() if flag != "--prefect-port"}
    assert not (left := _listeners({**ports, **grpc})), f"still listened on after down: {left}"
    assert not (root / stack.STATE_FILE).exists()
    assert (root / "seaweed").is_dir() and (root / "prefect").is_dir()  # data kept without --purge
    after = _cli(env, "status", "--dir", str(root), timeout=60)
    assert after.returncode == 1 and "no stack" in after.stdout
