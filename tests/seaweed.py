"""A real S3-compatible server for the tests: SeaweedFS (``weed mini``) on 127.0.0.1.

Spawning, readiness and stopping live in ``deploy/seaweed.py`` (shared with the
local stack). Each test server gets a temporary data directory and free ports,
and is stopped (and its directory removed) when the fixture ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.seaweed import (  # noqa: F401 - the tests' API
    ACCESS_KEY,
    SECRET_KEY,
    SeaweedServer,
    free_ports,
    start_weed,
    weed_binary,
)
from deploy.seaweed import free_port as _free_port  # noqa: F401 - the tests' API


def start_seaweed() -> SeaweedServer:
    """A fresh server: free ports, a new temporary data directory, ready to serve."""
    data_dir = Path(tempfile.mkdtemp(prefix="wirelake-weed-"))
    try:
        return start_weed(data_dir, free_ports())
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise


def stop_seaweed(server: SeaweedServer) -> None:
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@contextmanager
def using(server: SeaweedServer) -> Iterator[SeaweedServer]:
    """``server``'s S3 variables set in this process while inside (then put back)."""
    saved = {k: os.environ.get(k) for k in server.env()}
    os.environ.update(server.env())
    try:
        yield server
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
