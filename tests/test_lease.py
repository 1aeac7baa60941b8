"""One writer at a time: the lake's lease, by conditional writes (``If-None-Match``).

On disk and on SeaweedFS: a second taker waits or fails with a clear message,
a race has exactly one winner, a lease left by a killed run expires, and a run
that lost its lease cannot publish.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.wire_corpus import generate
from flows.ingest import ingest
from lake import lease as leases
from lake.storage import open_storage
from tests import lakes


def test_a_second_taker_is_told_who_holds_the_lake(any_lake):
    a = leases.acquire(any_lake, "run-a", wait=0, ttl=60)
    with pytest.raises(leases.LakeBusyError, match=r"being written by run run-a .*expires at"):
        leases.acquire(any_lake, "run-b", wait=0)
    a.release()
    b = leases.acquire(any_lake, "run-b", wait=0)
    assert leases.holder(open_storage(any_lake))["run_id"] == "run-b"
    b.release()
    assert leases.holder(open_storage(any_lake)) is None


def test_a_waiting_taker_gets_the_lake_when_the_holder_releases(any_lake):
    a = leases.acquire(any_lake, "run-a", wait=0, ttl=60)
    threading.Timer(1.0, a.release).start()
    started = time.monotonic()
    b = leases.acquire(any_lake, "run-b", wait=30, poll=0.2)
    assert 0.8 < time.monotonic() - started < 30
    b.release()


def test_of_racing_takers_exactly_one_wins(any_lake):
    storage = open_storage(any_lake)

    def take(i: int) -> str | None:
        try:
            leases.acquire(storage, f"run-{i}", wait=0, ttl=60)
            return f"run-{i}"
        except leases.LakeBusyError:
            return None

    with ThreadPoolExecutor(8) as pool:
        winners = [w for w in pool.map(take, range(8)) if w]
    assert len(winners) == 1
    assert leases.holder(storage)["run_id"] == winners[0]


def test_a_killed_holders_lease_expires_and_the_holder_cannot_publish_after(any_lake):
    storage = open_storage(any_lake)
    dead = leases.acquire(storage, "run-dead", wait=0, ttl=1.0)  # never renewed: as if killed
    with pytest.raises(leases.LakeBusyError):
        leases.acquire(storage, "run-next", wait=0)
    nxt = leases.acquire(storage, "run-next", wait=10, poll=0.2)
    assert nxt.generation == dead.generation + 1
    # the frozen holder wakes up: every write path checks the lease first
    with pytest.raises(leases.LeaseLost, match="run run-dead lost the lake's lease.*run-next"):
        leases.check_token(storage, dead.token)
    with pytest.raises(leases.LeaseLost):
        dead.renew()
    dead.release()  # does not clobber the new holder
    assert leases.holder(storage)["run_id"] == "run-next"
    nxt.release()


def test_renewal_keeps_a_lease_past_its_ttl(any_lake):
    a = leases.acquire(any_lake, "run-a", wait=0, ttl=1.0)
    a.start_renewing()
    time.sleep(2.5)
    with pytest.raises(leases.LakeBusyError):
        leases.acquire(any_lake, "run-b", wait=0)
    a.release()
    leases.acquire(any_lake, "run-b", wait=0).release()


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> list[Path]:
    items, _ = generate(120, seed=5)
    root = tmp_path_factory.mktemp("feeds")
    paths = []
    for i in range(2):
        path = root / f"part{i}" / "feed.jsonl"
        path.parent.mkdir()
        path.write_text("".join(json.dumps(x) + "\n" for x in items[i::2]))
        paths.append(path.parent)
    return paths


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_fails_clearly_when_the_lake_stays_busy(s3_lake, feeds):
    holder = leases.acquire(s3_lake, "run-elsewhere", wait=0, ttl=60)
    try:
        with pytest.raises(leases.LakeBusyError, match="run-elsewhere"):
            ingest(sources=[str(feeds[0])], lake=s3_lake, lease_wait=0)
        assert not list(open_storage(s3_lake).list("runs/"))
    finally:
        holder.release()


def _cli(feed: Path, lake: str, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as err:  # the child keeps its own descriptor
        return subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(feed), "--lake", lake,
                                 "--window-days", "40", "--lease-wait", "120"],
                                env=env, stdout=subprocess.PIPE, stderr=err, text=True)


@pytest.mark.usefixtures("prefect_harness")
def test_two_ingest_processes_at_once_give_the_lake_of_two_in_turn(s3_lake, feeds, tmp_path):
    """Two `wirelake ingest` processes on one SeaweedFS lake at the same moment: the
    test holds the lease until both are waiting for it, then lets go, so they race
    for it (however slowly each started); the lake equals two runs one after the other."""
    import os
    import time

    from prefect.settings import get_current_settings

    env = dict(os.environ, PREFECT_API_URL=str(get_current_settings().api.url))
    gate = leases.acquire(s3_lake, "run-gate", wait=0, ttl=120)
    logs = [tmp_path / f"err-{i}.log" for i in range(len(feeds))]
    procs = [_cli(feed, s3_lake, env, log) for feed, log in zip(feeds, logs, strict=True)]
    try:
        deadline = time.monotonic() + 180
        while not all("being written by run run-gate" in log.read_text() for log in logs):
            assert all(p.poll() is None for p in procs), [log.read_text()[-2000:] for log in logs]
            assert time.monotonic() < deadline, "the ingest processes never waited for the lease"
            time.sleep(0.1)
    finally:
        gate.release()
    for p in procs:
        p.communicate(timeout=300)
    assert [p.returncode for p in procs] == [0, 0], [log.read_text()[-2000:] for log in logs]
    turn = f"{s3_lake}-in-turn"
    for feed in feeds:
        ingest(sources=[str(feed)], lake=turn, window_days=40)
    assert lakes.lake_state(s3_lake) == lakes.lake_state(turn)
    assert len(lakes.manifests(s3_lake)) == 2


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_that_lost_its_lease_publishes_nothing(s3_lake, feeds, monkeypatch):
    """A run frozen past its lease's expiry (here: renewal off, a 1 s TTL, and another
    taker while it deduplicates) stops at its first publish: the lake is unchanged."""
    import flows.ingest as ingest_module

    ingest(sources=[str(feeds[0])], lake=s3_lake, window_days=40)
    before = lakes.lake_state(s3_lake)
    monkeypatch.setenv("WIRELAKE_LEASE_TTL", "1")
    monkeypatch.setattr(leases.Lease, "start_renewing", lambda self: None)
    real = ingest_module.dedup_items
    thief = {}

    def slow_dedup(*args, **kwargs):
        thief["lease"] = leases.acquire(s3_lake, "run-thief", wait=10, poll=0.2, ttl=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "dedup_items", slow_dedup)
    state = ingest(sources=[str(feeds[0]), str(feeds[1])], lake=s3_lake, window_days=40,
                   return_state=True)
    assert state.is_failed()
    with pytest.raises(leases.LeaseLost, match="lost the lake's lease.*run-thief"):
        state.result()
    # a lost lease is final: no publish task was retried
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    # The flow fails at the first publish task's LeaseLost; the others it submitted may
    # still be running then (a loaded CI machine): each ends failed at its own check.
    deadline = time.monotonic() + 60
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
            publish = [r for r in runs if r.name.startswith("publish-items")]
            if all(r.state.is_final() for r in publish) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert publish and all(r.run_count == 1 and r.state.is_failed() for r in publish), \
        [(r.name, r.run_count, r.state.type) for r in publish]
    assert leases.holder(open_storage(s3_lake))["run_id"] == "run-thief"
    thief["lease"].release()
    assert lakes.lake_state(s3_lake) == before


def test_checks_of_a_fresh_lease_are_answered_from_memory_and_a_late_one_reads_storage(any_lake):
    storage = open_storage(any_lake)
    lease = leases.acquire(storage, "run-a", wait=0, ttl=6.0)
    # created by a conditional write: no other run can take it before half its ttl is gone
    assert lease.confirmed()
    time.sleep(3.2)  # past half the ttl: a check reads the storage again
    assert not lease.confirmed()
    leases.check_token(storage, lease.token)  # still the newest generation
    lease.renew()  # landed after the margin: a taker may have come between ...
    assert not lease.confirmed()  # ... so the renewal does not confirm it, nor any later one
    lease.renew()
    assert not lease.confirmed()
    lease.release()


def test_renewed_in_time_a_lease_stays_confirmed(any_lake):
    lease = leases.acquire(any_lake, "run-a", wait=0, ttl=12.0)
    lease.start_renewing()  # every 3 s, each landing while the last write is still 6 s from expiring
    time.sleep(7.5)
    assert lease.confirmed()
    lease.release()
    assert not lease.confirmed()
