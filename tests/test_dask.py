"""The per-file work on a Dask cluster (prefect-dask), against a real Prefect server.

Invariant: a run whose parse and normalize tasks ran on a 2-worker local Dask
cluster leaves the same lake as a run on the flow's own threads; the tasks ran
in the workers' processes and were reported to the Prefect server the flow run
used (without one, each worker would start a temporary server of its own).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from deploy.seaweed import free_port
from deploy.stack import start_prefect_server
from flows.demo import write_dump
from flows.ingest import ingest
from flows.runners import WirelakeTaskRunner, dask_setting
from tests.lakes import lake_state, manifests

ROOT = Path(__file__).resolve().parents[1]
BATCH_FILES = 8  # 57 raw objects: 8 extract tasks to share between the workers

RUN = """
import json, os, sys
from flows.ingest import ingest
manifest = ingest(sources=[sys.argv[1]], lake=sys.argv[2], batch_files=int(sys.argv[3]))
print(json.dumps({"pid": os.getpid(), "extract_workers": manifest["extract_workers"]}))
"""


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    server = start_prefect_server(tmp_path_factory.mktemp("prefect-home"), free_port())
    try:
        yield server
    finally:
        server.stop()


def _post(url: str, body: dict) -> list:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_dask_setting_is_read_when_asked():
    assert dask_setting("") is None and dask_setting(" local ") == "local"
    os.environ["WIRELAKE_DASK"] = "tcp://127.0.0.1:8786"
    try:
        assert dask_setting() == "tcp://127.0.0.1:8786" and dask_setting("") is None
    finally:
        del os.environ["WIRELAKE_DASK"]
    with pytest.raises(ValueError, match="scheduler address"), WirelakeTaskRunner(dask="somewhere"):
        pass


@pytest.mark.usefixtures("prefect_harness")
def test_two_dask_workers_leave_the_same_lake_as_threads(tmp_path, prefect_server):
    raw = tmp_path / "raw"
    write_dump(raw)
    threads, on_dask = str(tmp_path / "threads"), str(tmp_path / "dask")
    ingest(sources=[str(raw)], lake=threads, batch_files=BATCH_FILES)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=prefect_server.api_url, WIRELAKE_DASK="local", WIRELAKE_WORKERS="2",
               PREFECT_LOGGING_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", RUN, str(raw), on_dask, str(BATCH_FILES)], env=env,
                          capture_output=True, text=True, timeout=400, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert lake_state(on_dask) == lake_state(threads)
    # the parsing ran in the two workers' processes, not in the flow's
    workers = result["extract_workers"]
    assert len(workers) == 2, workers
    assert str(result["pid"]) not in {w.rsplit(":", 1)[1] for w in workers}
    (manifest,) = manifests(on_dask)
    assert manifest["extract_workers"] == workers
    # and the workers reported their task runs to the real server
    runs = _post(f"{prefect_server.api_url}/task_runs/filter",
                 {"task_runs": {"name": {"like_": "extract-files"}}, "limit": 200})
    assert len(runs) == -(-57 // BATCH_FILES)
    assert {r["state"]["type"] for r in runs} == {"COMPLETED"}
    flows = _post(f"{prefect_server.api_url}/flow_runs/filter", {"limit": 10})
    assert [f["state"]["type"] for f in flows] == ["COMPLETED"]
