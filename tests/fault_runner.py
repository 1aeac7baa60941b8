"""Run ``wirelake`` with a kill -9 at a chosen storage write (fault-injection tests).

    python -m tests.fault_runner OPLOG KILL_AT -- ingest SOURCE --lake s3://...

Every write the run makes to S3 (put, conditional put, delete) is numbered and
logged to OPLOG (one line each: number, operation, key) before it starts. At
write number ``KILL_AT`` the process kills itself with SIGKILL: a PUT is cut
off in the middle of its body (half the bytes sent on the wire, then the
kill), any other write is killed before it is sent. ``KILL_AT`` 0 kills
nothing (a clean run, to count the writes). Nothing else is changed: the run
is the real CLI against the real server.
"""

from __future__ import annotations

import http.client
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

from flows.cli import main
from lake import storage as storage_mod

_lock = threading.Lock()
_count = 0


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _half_put(store: storage_mod.S3Storage, key: str, data: bytes) -> None:
    """Start a real PUT of ``data`` and die after sending half its body."""
    url = store.client.generate_presigned_url(
        "put_object", Params={"Bucket": store.bucket, "Key": store._key(key)}, ExpiresIn=300)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.putrequest("PUT", f"{parts.path}?{parts.query}", skip_accept_encoding=True)
    conn.putheader("Content-Length", str(len(data)))
    conn.endheaders()
    conn.send(data[: max(1, len(data) // 2)])
    _die()


def _install(oplog: str, kill_at: int) -> None:
    log = open(oplog, "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    originals = {name: getattr(storage_mod.S3Storage, name) for name in ("put", "put_if_absent", "delete")}

    def numbered(name: str):
        def wrapper(self, key, *args):
            global _count
            with _lock:
                _count += 1
                n = _count
                log.write(f"{n} {name} {key}\n")
                if n == kill_at:
                    if name == "delete":
                        _die()
                    _half_put(self, key, args[0])
            return originals[name](self, key, *args)
        return wrapper

    for name in originals:
        setattr(storage_mod.S3Storage, name, numbered(name))


if __name__ == "__main__":
    oplog, kill_at, sep, *cli = sys.argv[1:]
    assert sep == "--", "usage: fault_runner OPLOG KILL_AT -- wirelake args"
    _install(oplog, int(kill_at))
    sys.exit(main(cli))
