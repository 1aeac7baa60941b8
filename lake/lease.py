"""One writer at a time per lake: a lease taken by a conditional write.

The lease is a series of generations ``LAKE/_lease/<n>.json``. To take it, a run
creates generation ``n + 1`` with ``If-None-Match: *`` (``put_if_absent``), where
``n`` is the newest generation and has been released or has expired: of two runs
racing for the same ``n + 1`` exactly one wins, the other sees the winner and
waits. The holder renews its generation (a background thread rewrites its
``expires_at``) and marks it released at the end. A run killed outright leaves
its generation unreleased: it expires ``ttl`` seconds after its last renewal,
and the next run takes generation ``n + 2``.

A newer generation is also how a holder learns it lost the lease (it was frozen
past its expiry and another run took over): :meth:`Lease.check` raises
``LeaseLost``, and writers call it before each partition they publish. Only the
newest generation is ever kept with older ones deleted, so a stale holder
always sees the one that replaced it. Expiry compares the holder's clock with
the reader's: lake writers are assumed to keep their clocks in sync (NTP).

A check costs one listing of ``_lease/`` (one or two objects, whatever the size
of the lake), and most checks cost nothing: while the generation this process
wrote last is unexpired by more than half the ttl, and every renewal landed
while the one before it was still that far from expiry, no other run can have
taken the lake (a taker needs an expired or released generation), so a check
in that window is answered from memory. Past it (a late renewal, a frozen
process, a lease held in another process), the check reads the storage.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lake.storage import S3Storage, Storage, StorageError, open_storage

PREFIX = "_lease/"


class LakeBusyError(RuntimeError):
    """Another run holds the lake's lease (and kept it longer than we would wait)."""


class LeaseLost(RuntimeError):
    """This run's lease expired and another run took the lake over."""


def default_ttl() -> float:
    """Seconds a lease lives without renewal: ``WIRELAKE_LEASE_TTL`` (default 120)."""
    return float(os.environ.get("WIRELAKE_LEASE_TTL") or 120)


def _key(generation: int) -> str:
    return f"{PREFIX}{generation:012d}.json"


def _generations(storage: Storage) -> list[int]:
    found = []
    for obj in storage.list(PREFIX):
        name = obj.key.removeprefix(PREFIX).removesuffix(".json")
        if name.isdigit():
            found.append(int(name))
    return sorted(found)


def _read(storage: Storage, generation: int) -> dict | None:
    try:
        return json.loads(storage.get(_key(generation)))
    except FileNotFoundError:
        return None
    except ValueError:  # never half-written (one PUT), but be safe: treat as expired
        return {"run_id": "?", "expires_at": datetime.min.replace(tzinfo=UTC).isoformat()}


def _free(record: dict | None, now: datetime) -> bool:
    return (record is None or record.get("released")
            or datetime.fromisoformat(record["expires_at"]) <= now)


def holder(storage: Storage) -> dict | None:
    """The newest lease record if a run holds it now (not released, not expired)."""
    gens = _generations(storage)
    if not gens:
        return None
    record = _read(storage, gens[-1])
    return None if _free(record, datetime.now(UTC)) else record


@dataclass
class Lease:
    """A held lease; renew it with :meth:`start_renewing`, end it with :meth:`release`."""

    storage: Storage
    generation: int
    run_id: str
    ttl: float
    record: dict = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    lost: str | None = None
    # The expiry of the generation this holder last wrote, while every write of it
    # landed before the previous one had come within ``margin`` of expiring (None:
    # that chain broke once, and every check reads the storage from then on).
    confirmed_until: datetime | None = None

    @property
    def margin(self) -> timedelta:
        """How far from its expiry a generation must be for a check to be skipped:
        half the ttl, which also absorbs that much clock skew between writers."""
        return timedelta(seconds=self.ttl / 2)

    def confirmed(self, now: datetime | None = None) -> bool:
        """True when no other run can hold the lake now (see the module's docstring)."""
        return (self.lost is None and self.confirmed_until is not None
                and (now or datetime.now(UTC)) < self.confirmed_until - self.margin)

    @property
    def token(self) -> str:
        """What tasks pass around to check the lease (a plain string: picklable)."""
        return f"{self.generation}:{self.run_id}"

    def _write(self, released: bool = False) -> None:
        now = datetime.now(UTC)
        expires = now + timedelta(seconds=self.ttl)
        self.record = {**self.record, "renewed_at": now.isoformat(), "released": released,
                       "expires_at": expires.isoformat()}
        self.storage.put(_key(self.generation), json.dumps(self.record).encode())
        # The new expiry counts only if the PUT landed while the previous generation
        # record was still far from expiring: then no taker can have come between.
        if released or not self.confirmed():
            self.confirmed_until = None
        else:
            self.confirmed_until = expires

    def check(self) -> None:
        if self.lost:
            raise LeaseLost(self.lost)
        check_token(self.storage, self.token)

    def renew(self) -> None:
        self.check()
        self._write()

    def start_renewing(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.ttl / 4):
                try:
                    self.renew()
                except LeaseLost as exc:
                    self.lost = str(exc)
                    return
                except (StorageError, OSError):
                    continue  # transient: the next renewal tries again before expiry

        self._thread = threading.Thread(target=loop, name=f"lease-{self.run_id}", daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            with contextlib.suppress(LeaseLost):
                self.confirmed_until = None  # the last check reads the storage
                self.check()
                self._write(released=True)
        finally:
            _HELD.pop((self.storage.url, self.token), None)


# The leases this process holds, by lake and token: a check of one of them is
# answered from memory while it is confirmed (:meth:`Lease.confirmed`).
_HELD: dict[tuple[str, str], Lease] = {}


def check_token(storage: Storage, token: str) -> None:
    """Raise ``LeaseLost`` unless the lease ``token`` names is still the newest one.

    Free while this process holds that lease and it is confirmed; otherwise one
    listing of ``_lease/``."""
    held = _HELD.get((storage.url, token))
    if held is not None:
        if held.lost:
            raise LeaseLost(held.lost)
        if held.confirmed():
            return
    generation, _, run_id = token.partition(":")
    gens = _generations(storage)
    newest = gens[-1] if gens else None
    if newest != int(generation):
        taker = _read(storage, newest) if newest is not None else None
        lost = (f"run {run_id} lost the lake's lease: it expired and run "
                f"{(taker or {}).get('run_id', '?')} took the lake over")
        if held is not None:
            held.lost = lost  # every later check in this process fails at once
        raise LeaseLost(lost)


def acquire(lake: str | Storage, run_id: str, *, wait: float = 300.0, ttl: float | None = None,
            poll: float = 1.0, on_wait=None) -> Lease:
    """Take the lake's lease for ``run_id``, waiting up to ``wait`` seconds for a
    holder to release it or for its lease to expire; else ``LakeBusyError``."""
    storage = open_storage(lake) if isinstance(lake, str) else lake
    if isinstance(storage, S3Storage):
        storage.ensure_bucket()
    ttl = default_ttl() if ttl is None else ttl
    deadline = time.monotonic() + wait
    told = False
    while True:
        gens = _generations(storage)
        newest = gens[-1] if gens else 0
        record = _read(storage, newest) if gens else None
        now = datetime.now(UTC)
        if _free(record, now):
            mine = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(),
                    "acquired_at": now.isoformat(), "released": False,
                    "expires_at": (now + timedelta(seconds=ttl)).isoformat()}
            created = storage.put_if_absent(_key(newest + 1), json.dumps(mine).encode())
            if not created:  # lost the race, unless a retried write of ours had landed
                created = (_read(storage, newest + 1) or {}).get("run_id") == run_id
            if created:
                for old in gens:  # only the newest generation is kept
                    with contextlib.suppress(FileNotFoundError):
                        storage.delete(_key(old))
                lease = Lease(storage, newest + 1, run_id, ttl, mine)
                # created with a conditional write: held until its expiry (if the
                # creation took that long, the lease starts unconfirmed)
                expires = datetime.fromisoformat(mine["expires_at"])
                lease.confirmed_until = expires
                if not lease.confirmed():
                    lease.confirmed_until = None
                _HELD[(storage.url, lease.token)] = lease
                return lease
            continue  # another run took it: look again at once
        if time.monotonic() >= deadline:
            raise LakeBusyError(
                f"lake {storage.url} is being written by run {record.get('run_id')} "
                f"(host {record.get('host')}, pid {record.get('pid')}, since {record.get('acquired_at')}); "
                f"its lease expires at {record.get('expires_at')} unless renewed. "
                f"Waited {wait:.0f} s; try again later or raise --lease-wait")
        if on_wait is not None and not told:
            on_wait(record)
            told = True
        time.sleep(min(poll, max(0.05, deadline - time.monotonic())))
