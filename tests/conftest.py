"""Shared fixtures: a Prefect test harness, a SeaweedFS server, lakes to write to."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The temporary API server of the harness takes more than Prefect's 30 s to answer
# on a loaded machine (2 cores shared by several test runs): wait up to 90 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

from tests.seaweed import SeaweedServer, start_seaweed, stop_seaweed, using  # noqa: E402

# The fast tier (``make check``: ``pytest -m "not slow"``) leaves out every test that
# starts a server or a process or ingests through the real flow: those that use one of
# these fixtures, or are marked ``s3`` or ``slow`` in their module.
SLOW_FIXTURES = {"prefect_harness", "seaweed", "s3_lake", "any_lake", "prefect_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames) or item.get_closest_marker("s3"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect API (SQLite, in-process) for the whole session; no heartbeats."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # the server's start-up timeout: PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS
    # (the harness's own 30 s is too short on a busy machine)
    with prefect_test_harness(server_startup_timeout=None), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedServer]:
    """A SeaweedFS server on 127.0.0.1 for the session, with its S3 env variables set."""
    server = start_seaweed()
    try:
        with using(server):
            yield server
    finally:
        stop_seaweed(server)


@pytest.fixture
def s3_lake(seaweed: SeaweedServer) -> str:
    """A fresh, empty lake prefix on the SeaweedFS server."""
    return f"s3://wirelake-test/lake-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["local", "s3"])
def any_lake(request, tmp_path) -> str:
    """The same test on a local directory and on SeaweedFS."""
    if request.param == "local":
        return str(tmp_path / "lake")
    return request.getfixturevalue("s3_lake")
