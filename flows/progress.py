"""A run's stage timings, its peak memory and its progress, as it goes.

:class:`StageTimer` times each stage and reads the process's peak memory at its
end (both go to the manifest); :class:`RunProgress` tells the CLI's progress bar
(:data:`PROGRESS_HOOKS`) and the flow's log how far a run is.
"""

from __future__ import annotations

import contextlib
import resource
import time
from collections.abc import Callable

from prefect import get_run_logger


class StageTimer:
    """Wall time, the run process's CPU time (user + system of its threads; a
    process pool's work is not in it) and its peak memory at the end of each stage.
    CPU next to wall tells a stage that computes from one that waits (on storage,
    on the pool, on other jobs of the machine)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_rss: dict[str, int] = {}
        self._clock = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self, stage: str, add: bool = False) -> None:
        """End ``stage`` now; ``add``: a stage met again (a run's groups of dates) adds up."""
        now, cpu = time.perf_counter(), time.process_time()
        self.timings[stage] = round(now - self._clock + (self.timings.get(stage, 0.0) if add else 0.0), 3)
        self.cpu[stage] = round(cpu - self._cpu + (self.cpu.get(stage, 0.0) if add else 0.0), 3)
        self.peak_rss[stage] = peak_rss_mb()
        self._clock, self._cpu = now, cpu


# Called with a run's progress (a dict, :class:`RunProgress`) as it goes: the CLI
# draws its progress bar from these (a flow parameter could not carry a callable).
PROGRESS_HOOKS: list[Callable[[dict], None]] = []


class RunProgress:
    """How far a run is: its stage (``extract``, ``dedup``, ``write``, ``commit``),
    the raw objects and items read of the objects listed, the stories kept and the
    partitions written. Each change goes to :data:`PROGRESS_HOOKS`; the flow's log
    gets a line at each stage and every ``log_every`` seconds (what a piped or
    scheduled run shows)."""

    def __init__(self, run_id: str, objects_total: int, log_every: float = 10.0) -> None:
        self.event = {"run_id": run_id, "stage": "extract", "objects_done": 0, "objects_total": objects_total,
                      "items_done": 0, "stories": None, "partitions_done": 0, "partitions_total": None,
                      "elapsed_s": 0.0}
        self.started = time.perf_counter()
        self.log_every = log_every
        self._logged: float | None = None

    def update(self, **changes) -> None:
        stage_changed = changes.get("stage", self.event["stage"]) != self.event["stage"]
        self.event.update(changes)
        now = time.perf_counter()
        self.event["elapsed_s"] = now - self.started
        for hook in list(PROGRESS_HOOKS):
            hook(dict(self.event))
        if stage_changed or self._logged is None or now - self._logged >= self.log_every:
            self._logged = now
            get_run_logger().info("progress: %s", describe_progress(self.event))


def describe_progress(event: dict) -> str:
    """One line of a run's progress (the flow's log lines; the CLI's bar says the same)."""
    e = event
    rate = e["items_done"] / e["elapsed_s"] if e["elapsed_s"] > 0 else 0.0
    line = (f"run {e['run_id']} {e['stage']}: {e['objects_done']}/{e['objects_total']} objects read, "
            f"{e['items_done']:,} items ({rate:,.0f}/s)")
    if e["stories"] is not None:
        line += f", {e['stories']:,} stories"
    if e["partitions_total"]:
        line += f", {e['partitions_done']}/{e['partitions_total']} partitions written"
    return line + f", {e['elapsed_s']:.0f} s"


def peak_rss_mb() -> int:
    """This process's peak resident memory so far (what the manifest reports per stage).

    On Linux, ``VmHWM`` of /proc/self/status: the high-water mark of this
    program's own memory. ``ru_maxrss`` would also count the parent's memory at
    the moment it started this process (it survives ``exec``)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
