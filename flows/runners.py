"""Where a flow's tasks run: threads in the flow's process, and, when asked, the
per-file work (parsing and normalizing raw objects) on a Dask cluster.

The choice is a setting read when a flow run starts, not when the module is
imported: ``WIRELAKE_DASK`` unset or empty runs everything on threads;
``local`` starts a local Dask cluster for the run (``WIRELAKE_WORKERS`` worker
processes, one thread each: parsing is Python and holds the GIL); an address
(``tcp://scheduler:8786``) uses an existing cluster. Only tasks tagged
:data:`PER_FILE` go to Dask; the rest (probing, publishing partitions under the
lake's lease) stay on the flow's threads, next to the lease they check.

Dask workers report their task runs to the Prefect API the flow run uses: give
them ``PREFECT_API_URL`` of a real Prefect server (without one, each worker
would start its own temporary server), and the lake's and sources' storage
settings (``AWS_*``), since they read raw objects and write the staging area.
"""

from __future__ import annotations

import os
from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

PER_FILE = "wirelake-per-file"  # the tag of tasks that may run on Dask


def default_workers() -> int:
    """Parallel tasks in one run: ``WIRELAKE_WORKERS``, else the machine's cores (at least 2)."""
    return int(os.environ.get("WIRELAKE_WORKERS") or 0) or max(2, os.cpu_count() or 1)


def dask_setting(explicit: str | None = None) -> str | None:
    """The Dask cluster to use: ``explicit``, else ``WIRELAKE_DASK``; None: threads only."""
    value = explicit if explicit is not None else os.environ.get("WIRELAKE_DASK", "")
    value = value.strip()
    return value or None


def dask_runner(setting: str) -> TaskRunner:
    from prefect_dask import DaskTaskRunner

    if setting == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": default_workers(), "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": "127.0.0.1:0",
                                              "host": "127.0.0.1"})
    if "://" not in setting:
        raise ValueError(f"WIRELAKE_DASK must be 'local' or a scheduler address (tcp://host:port), "
                         f"not {setting!r}")
    return DaskTaskRunner(address=setting)


class WirelakeTaskRunner(TaskRunner):
    """Threads for every task, but the :data:`PER_FILE` ones on Dask when the Dask
    setting (``dask``, else ``WIRELAKE_DASK``) names a cluster when the run starts."""

    def __init__(self, dask: str | None = None, max_workers: int | None = None):
        super().__init__()
        self._dask_choice = dask
        self._max_workers = max_workers
        self._threads: ThreadPoolTaskRunner | None = None
        self._per_file: ThreadPoolTaskRunner | None = None
        self._dask: TaskRunner | None = None

    @property
    def name(self) -> str:
        return "wirelake"

    def duplicate(self) -> WirelakeTaskRunner:
        return type(self)(self._dask_choice, self._max_workers)

    def __enter__(self) -> WirelakeTaskRunner:
        super().__enter__()
        workers = self._max_workers or default_workers()
        self._threads = ThreadPoolTaskRunner(max_workers=workers)
        self._threads.__enter__()
        # The per-file tasks' threads mostly wait for the extract pool (flows/extracting.py),
        # a process a core: twice as many of them keep the next batch queued in the pool,
        # so that a process that ends one starts the next at once. With only as many
        # threads as processes, each batch waited for its thread to finish the last one's
        # bookkeeping with the Prefect API, which a machine busy extracting answers slowly:
        # up to 1.8-2.6 s between batches, 12 s of a 1M-story run's 113 s extract stage (issue 16).
        self._per_file = ThreadPoolTaskRunner(max_workers=2 * workers)
        self._per_file.__enter__()
        setting = dask_setting(self._dask_choice)
        if setting:
            try:
                self._dask = dask_runner(setting)
                self._dask.__enter__()
            except BaseException:
                self._dask = None
                self._per_file.__exit__(None, None, None)
                self._threads.__exit__(None, None, None)
                raise
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        try:
            if self._dask is not None:
                self._dask.__exit__(exc_type, exc_value, traceback)
        finally:
            self._dask = None
            for threads in (self._per_file, self._threads):
                if threads is not None:
                    threads.__exit__(exc_type, exc_value, traceback)
            self._threads = self._per_file = None
            super().__exit__(exc_type, exc_value, traceback)

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        if not self._started or self._threads is None:
            raise RuntimeError("The task runner must be started before submitting work.")
        if PER_FILE in task.tags:
            runner = self._dask if self._dask is not None else self._per_file
        else:
            runner = self._threads
        return runner.submit(task, parameters, wait_for=wait_for, dependencies=dependencies)

    def cancel_all(self) -> None:
        for threads in (self._threads, self._per_file):
            if threads is not None:
                threads.cancel_all()
