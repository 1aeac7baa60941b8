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
