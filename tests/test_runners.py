"""Where a flow's tasks run (flows/runners.py), in a real Prefect flow run.

Invariants: the per-file tasks (tagged ``PER_FILE``) have twice as many threads as
the run's workers, so that each process of the extract pool finds its next batch
queued when it ends one; every other task (publishing under the lake's lease) is
held to as many threads as workers.
"""

from __future__ import annotations

import threading
import time

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.runners import PER_FILE, WirelakeTaskRunner

pytestmark = pytest.mark.usefixtures("prefect_harness")

WORKERS = 2


class Peak:
    """How many calls of :meth:`hold` ran at once, at most. Each first waits until
    ``together`` calls are in (a barrier: deterministic where that many threads are
    there, a timeout where they are not), then stays a while, so that a call on a
    thread beyond the bound would be counted."""

    def __init__(self, together: int) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.barrier = threading.Barrier(together, timeout=60)

    def hold(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        self.barrier.wait()
        time.sleep(0.3)
        with self.lock:
            self.now -= 1


PEAKS: dict[str, Peak] = {}


@task(cache_policy=NO_CACHE, tags=[PER_FILE])
def per_file(key: str) -> None:
    PEAKS[key].hold()


@task(cache_policy=NO_CACHE)
def other(key: str) -> None:
    PEAKS[key].hold()


@flow(task_runner=WirelakeTaskRunner(max_workers=WORKERS))
def run_tasks(kind: str, n: int) -> None:
    fn = per_file if kind == "per_file" else other
    for f in [fn.submit(kind) for _ in range(n)]:
        f.result()


@pytest.mark.parametrize(("kind", "expected"), [("per_file", 2 * WORKERS), ("other", WORKERS)])
def test_per_file_tasks_queue_a_batch_ahead_of_each_worker(kind, expected):
    PEAKS[kind] = Peak(expected)
    run_tasks(kind, 2 * expected)
    assert PEAKS[kind].most == expected
