"""The extract pool's processes get their share of the cores for polars' and numba's
threads (issue 16), and the flow's own environment is left as it was."""

from __future__ import annotations

import os

from flows import extracting


def _threads() -> tuple[int, int, int]:
    import numba
    import polars as pl

    return os.getpid(), pl.thread_pool_size(), numba.config.NUMBA_NUM_THREADS


def test_pool_processes_share_the_cores(monkeypatch):
    for name in extracting.THREAD_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    extracting.shutdown_pool()
    try:
        seen = {extracting.in_process_pool(_threads, workers=2) for _ in range(3)}
    finally:
        extracting.shutdown_pool()
    share = max(1, (os.cpu_count() or 1) // 2)
    assert seen and all(polars == share and numba == share for _, polars, numba in seen)
    assert all(name not in os.environ for name in extracting.THREAD_SETTINGS)


def test_a_setting_of_the_user_is_kept(monkeypatch):
    monkeypatch.setenv("POLARS_MAX_THREADS", "3")
    extracting.shutdown_pool()
    try:
        seen = {extracting.in_process_pool(_threads, workers=2) for _ in range(2)}
    finally:
        extracting.shutdown_pool()
    assert all(polars == 3 for _, polars, _ in seen)
    assert os.environ["POLARS_MAX_THREADS"] == "3"


def _rss_mib() -> tuple[int, int]:
    with open("/proc/self/statm") as statm:
        return os.getpid(), int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def _arrow_garbage() -> tuple[int, int]:
    """Allocate 320 MiB through Arrow's pool and free it: the allocator keeps the pages."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(np.arange(40_000_000, dtype=np.float64) + 0.5)
    column = pc.multiply(column, 2.0)  # a buffer of Arrow's own pool
    held = _rss_mib()
    del column
    return held


def test_a_pool_process_gives_back_what_its_task_freed():
    """A pool process waits, idle, while the flow deduplicates (issue 16: the 1M run's
    peak counted each at 480-495 MiB): what its task freed goes back to the system."""
    extracting.shutdown_pool()
    try:
        pid, held = extracting.in_process_pool(_arrow_garbage, workers=1)
        after_pid, after = extracting.in_process_pool(_rss_mib, workers=1)
    finally:
        extracting.shutdown_pool()
    assert after_pid == pid
    assert held - after > 200, (held, after)
