"""The one storage seam: a local directory or an S3-compatible bucket, by URL.

``open_storage("/path/to/lake")`` and ``open_storage("s3://bucket/prefix")``
return objects with the same small interface; everything else in wirelake
reads and writes through it. S3 endpoint and credentials come from the
standard variables (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``), read when a storage is opened,
never at import and never logged.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

T = TypeVar("T")


class StorageError(RuntimeError):
    """Storage is unreachable or refused an operation (a systemic failure)."""


class BadURLError(ValueError):
    """A lake or source address wirelake cannot use (said without repeating it)."""


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    version: str  # ETag on S3, mtime in ns on disk: what changes when the bytes do
    # when the object was last written (its delivery), seconds since the epoch
    modified: float | None = field(default=None, compare=False)


class Storage(ABC):
    """A tree of objects addressed by ``/``-separated keys under a base URL."""

    url: str

    def uri(self, key: str) -> str:
        """The full address of ``key``, as stored in ``raw_uri`` and manifests."""
        return f"{self.url.rstrip('/')}/{key}" if key else self.url

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects whose key starts with ``prefix``, in key order."""

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    def read_chunks(self, key: str, chunk_bytes: int = 8 * 1024 * 1024) -> Iterator[bytes]:
        """The object's bytes in order, at most ``chunk_bytes`` at a time, so a large
        raw object is never held whole. Raises FileNotFoundError (when the first
        chunk is asked for) if the object is gone."""
        yield self.get(key)

    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Write ``key`` atomically: readers see the old bytes or the new, never a part."""

    def put_transient(self, key: str, data: bytes) -> None:
        """:meth:`put` for an object a crash may lose (a run's staging area: a run
        that did not commit is read again), so storage may skip making it durable."""
        self.put(key, data)

    @abstractmethod
    def put_if_absent(self, key: str, data: bytes) -> bool:
        """Create ``key`` only if no object has it (atomic: of two callers, one wins).
        Returns False when the key already exists."""

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    def delete_many(self, keys: list[str]) -> None:
        """Delete every key in ``keys`` (missing ones are fine)."""
        for key in keys:
            self.delete(key)

    def storage_options(self) -> dict[str, str] | None:
        """Options for polars/pyarrow readers of this storage (None for local)."""
        return None

    @contextlib.contextmanager
    def synced_together(self) -> Iterator[None]:
        """A block whose :meth:`put` and :meth:`delete` calls may take effect together
        when it ends, so that storage can make them durable at once (one sync for
        many small files) instead of one by one. Each write stays atomic and is
        durable before it is visible, as outside the block; what changes is when it
        becomes visible: at the block's end, in the order the calls were made, and
        not at all if the block raises. Reads inside the block see the storage as
        it was before it. Here (S3: a PUT is durable when it returns) a no-op."""
        yield


def _syncfs() -> Callable[[int], int] | None:
    """Linux ``syncfs(2)`` (one call makes every written file of a filesystem
    durable), or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int]
    return call


_SYNCFS = _syncfs()


class LocalStorage(Storage):
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = str(self.root)
        self._together: list | None = None  # writes held by synced_together
        self._together_lock = threading.Lock()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve() if key else self.root
        if path != self.root and self.root not in path.parents:
            raise StorageError(f"key {key!r} escapes {self.root}")
        return path

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        # Only the directory the prefix names is walked (``stories/`` reads stories/,
        # ``_lease/`` one small directory), never the whole lake: a listing costs what
        # it returns, as on S3, however many partitions the lake holds.
        folder, _, _ = prefix.rpartition("/")
        if any(part.startswith(".") for part in folder.split("/") if part):
            return  # hidden directories are never listed
        start = self._path(folder) if folder else self.root
        if not start.is_dir():
            return
        found = []
        for dirpath, dirnames, filenames in os.walk(start):
            base = Path(dirpath).relative_to(self.root).as_posix()
            base = "" if base == "." else f"{base}/"
            # hidden directories are skipped; so are those no key under the prefix is in
            dirnames[:] = [d for d in dirnames if not d.startswith(".")
                           and (f"{base}{d}/".startswith(prefix) or prefix.startswith(f"{base}{d}/"))]
            for name in filenames:
                if name.startswith("."):
                    continue  # hidden files and our own temporaries
                path = Path(dirpath, name)
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    try:
                        st = path.stat()
                    except FileNotFoundError:
                        continue  # deleted while listed
                    found.append(ObjectInfo(key, st.st_size, str(st.st_mtime_ns), st.st_mtime))
        yield from sorted(found, key=lambda o: o.key)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StorageError(f"cannot read {self.uri(key)}: {exc.strerror}") from None

    def read_chunks(self, key: str, chunk_bytes: int = 8 * 1024 * 1024) -> Iterator[bytes]:
        try:
            f = open(self._path(key), "rb")  # noqa: SIM115 - closed below, also when abandoned
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StorageError(f"cannot read {self.uri(key)}: {exc.strerror}") from None
        with f:
            while True:
                try:
                    chunk = f.read(chunk_bytes)
                except OSError as exc:
                    raise StorageError(f"cannot read {self.uri(key)}: {exc.strerror}") from None
                if not chunk:
                    return
                yield chunk

    @staticmethod
    def _temporary(path: Path, data: bytes, sync: bool = True) -> Path:
        """``data`` written (and synced, unless ``sync`` is False) to a hidden file
        beside ``path`` (its own name: threads and processes writing the same key do
        not share one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        return tmp

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if self._together is not None:
            tmp = self._temporary(path, data, sync=False)  # synced with the others at the end
            with self._together_lock:
                self._together.append((tmp, path))
            return
        os.replace(self._temporary(path, data), path)  # atomic on POSIX

    @contextlib.contextmanager
    def synced_together(self) -> Iterator[None]:
        # A partition file's fsync is a journal commit of its own (~3 ms here, and
        # those of one disk queue up: most of the write stage of a many-dated
        # archive, 2026-12-07). In the block each put writes its hidden temporary
        # file unsynced; at the end one syncfs makes all of them durable, and only
        # then are they renamed into place, in order: as before, no file is visible
        # before its bytes are durable, and a crash leaves old files or new ones.
        if self._together is not None:
            yield  # nested: the outer block syncs
            return
        self._together = []
        try:
            yield
        except BaseException:
            self._unlink_temporaries(self._take_together())
            raise
        held = self._take_together()
        try:
            self._sync([tmp for tmp, _ in held if tmp is not None])
            for i, (tmp, path) in enumerate(held):
                if tmp is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(tmp, path)
                held[i] = (None, None)
        finally:
            self._unlink_temporaries(held)  # what a failed sync or rename left unpublished

    def _take_together(self) -> list:
        with self._together_lock:
            held, self._together = self._together or [], None
        return held

    @staticmethod
    def _unlink_temporaries(held: list) -> None:
        for tmp, _ in held:
            if tmp is not None:
                tmp.unlink(missing_ok=True)

    def _sync(self, files: list[Path]) -> None:
        """Make ``files`` (written, not yet synced) durable: one syncfs of the lake's
        filesystem, or an fsync each where there is no syncfs."""
        if not files:
            return
        if _SYNCFS is not None:
            fd = os.open(self.root, os.O_RDONLY)
            try:
                if _SYNCFS(fd) != 0:
                    err = ctypes.get_errno()
                    raise StorageError(f"cannot sync {self.url}: {os.strerror(err)}")
            finally:
                os.close(fd)
            return
        for path in files:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def put_transient(self, key: str, data: bytes) -> None:
        # Atomic as put (a reader of the key sees all of it or nothing), not synced:
        # the fsync cost about as much as the write of a small staging object.
        path = self._path(key)
        os.replace(self._temporary(path, data, sync=False), path)

    def put_if_absent(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        tmp = self._temporary(path, data)
        try:
            os.link(tmp, path)  # fails if the name exists: whole content or nothing
            return True
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, key: str) -> None:
        path = self._path(key)
        if self._together is not None:
            with self._together_lock:  # in order with the block's puts
                self._together.append((None, path))
            return
        path.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def _with_retries(what: str, call: Callable[[], T], attempts: int = 5) -> T:
    """Retry transient S3 failures (throttling, 5xx, connections refused, reset or
    timed out) with exponential backoff; others raise at once."""
    from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    transient_codes = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout",
                       "500", "502", "503", "504"}
    delay = 0.2
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code not in transient_codes or attempt == attempts:
                raise
        except (BotoConnectionError, HTTPClientError) as exc:  # refused, reset, timed out
            if attempt == attempts:
                raise StorageError(f"{what}: storage unreachable ({type(exc).__name__}: {exc})") from None
        except BotoCoreError as exc:  # a bad request or set-up (no credentials ...): no retry helps
            raise StorageError(f"{what}: {type(exc).__name__}: {exc}") from None
        time.sleep(delay)
        delay = min(delay * 2, 5.0)
    raise AssertionError("unreachable")


# The S3 variables a client is made from: a storage opened after one of them changed
# gets a client of its own (tests point runs at servers of their own).
_CLIENT_SETTINGS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE")
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _s3_client(endpoint: str | None, region: str):
    """A boto3 S3 client for these settings, made once per process and shared: a
    client is thread-safe, and making one loads and parses botocore's S3 model
    (tens of milliseconds of CPU: a publishing task opens the lake's storage, and
    a run of many dates has hundreds of them; 2026-12-07, a profile of the
    corpora's S3 write stage)."""
    key = (endpoint, region, *(os.environ.get(name) for name in _CLIENT_SETTINGS))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                retries={"max_attempts": 3, "mode": "standard"},
                # partitions are written by several threads at once (lake/partitions.py,
                # write_concurrency): a connection each, not a wait for the pool
                max_pool_connections=32,
                connect_timeout=5, read_timeout=60,
                s3={"addressing_style": "path"} if endpoint else {},
            )
            # A session of its own: boto3's default session caches the credentials
            # it first resolved, and settings are read when a storage is opened.
            client = _clients[key] = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, region_name=region, config=config)
        return client


class S3Storage(Storage):
    """An S3-compatible bucket (AWS, SeaweedFS, MinIO ...) under an optional prefix."""

    def __init__(self, bucket: str, prefix: str = "") -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
        self.region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.client = _s3_client(self.endpoint, self.region)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        full = self._key(prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        token = None
        while True:
            kwargs = {"Bucket": self.bucket, "Prefix": full}
            if token:
                kwargs["ContinuationToken"] = token
            page = _with_retries(f"list {self.url}", lambda kw=kwargs: self.client.list_objects_v2(**kw))
            for obj in page.get("Contents", []):
                if obj["Key"].endswith("/"):
                    continue  # "directory" markers
                modified = obj["LastModified"].timestamp() if obj.get("LastModified") else None
                yield ObjectInfo(obj["Key"][strip:], obj["Size"], obj.get("ETag", "").strip('"'), modified)
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            resp = _with_retries(f"get {self.uri(key)}",
                                 lambda: self.client.get_object(Bucket=self.bucket, Key=self._key(key)))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(self.uri(key)) from None
            raise
        return resp["Body"].read()

    def read_chunks(self, key: str, chunk_bytes: int = 8 * 1024 * 1024) -> Iterator[bytes]:
        """Ranged GETs of ``chunk_bytes`` each, every one pinned to the ETag of the
        first (``If-Match``): an object replaced while it is read fails the read
        (StorageError) instead of mixing two versions."""
        from botocore.exceptions import ClientError

        start, etag, size = 0, None, None
        while size is None or start < size:
            end = start + chunk_bytes - 1
            kwargs = {"Bucket": self.bucket, "Key": self._key(key), "Range": f"bytes={start}-{end}"}
            if etag:
                kwargs["IfMatch"] = etag
            try:
                resp = _with_retries(f"get {self.uri(key)} bytes {start}-{end}",
                                     lambda kw=kwargs: self.client.get_object(**kw))
            except ClientError as exc:
                err = exc.response.get("Error", {})
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if err.get("Code") in ("NoSuchKey", "404"):
                    raise FileNotFoundError(self.uri(key)) from None
                if err.get("Code") == "InvalidRange" or status == 416:
                    return  # an empty object
                if err.get("Code") == "PreconditionFailed" or status == 412:
                    raise StorageError(f"{self.uri(key)} changed while it was read") from None
                raise
            if size is None:
                etag = resp.get("ETag")
                content_range = resp.get("ContentRange") or ""  # "bytes 0-8388607/2200000000"
                size = int(content_range.rsplit("/", 1)[1]) if "/" in content_range \
                    else int(resp.get("ContentLength", 0))
            chunk = resp["Body"].read()
            if not chunk:
                return
            yield chunk
            start += len(chunk)

    def put(self, key: str, data: bytes) -> None:
        # One PUT replaces an object atomically on S3 and S3-compatible stores.
        _with_retries(f"put {self.uri(key)}",
                      lambda: self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data))

    def put_if_absent(self, key: str, data: bytes) -> bool:
        # A conditional write (If-None-Match: *): AWS S3 and SeaweedFS refuse it with
        # 412 when the key exists; 409 means a concurrent conditional write won.
        from botocore.exceptions import ClientError

        try:
            _with_retries(f"put {self.uri(key)}", lambda: self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*"))
            return True
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if status in (409, 412) or code in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise

    def delete(self, key: str) -> None:
        _with_retries(f"delete {self.uri(key)}",
                      lambda: self.client.delete_object(Bucket=self.bucket, Key=self._key(key)))

    def delete_many(self, keys: list[str]) -> None:
        # one request per 1,000 keys (DeleteObjects), not one per key
        for i in range(0, len(keys), 1000):
            batch = {"Objects": [{"Key": self._key(k)} for k in keys[i:i + 1000]], "Quiet": True}
            resp = _with_retries(f"delete {len(batch['Objects'])} objects under {self.url}",
                                 lambda b=batch: self.client.delete_objects(Bucket=self.bucket, Delete=b))
            errors = [e for e in resp.get("Errors", []) if e.get("Code") not in ("NoSuchKey",)]
            if errors:
                raise StorageError(f"delete under {self.url}: {len(errors)} objects not deleted "
                                   f"({errors[0].get('Code')}: {errors[0].get('Message')})")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            _with_retries(f"head {self.uri(key)}",
                          lambda: self.client.head_object(Bucket=self.bucket, Key=self._key(key)))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (AWS refuses a PUT to a missing bucket)."""
        from botocore.exceptions import ClientError

        try:
            _with_retries(f"head bucket {self.bucket}",
                          lambda: self.client.head_bucket(Bucket=self.bucket))
        except ClientError:
            _with_retries(f"create bucket {self.bucket}",
                          lambda: self.client.create_bucket(Bucket=self.bucket))

    def storage_options(self) -> dict[str, str]:
        opts = {"aws_region": self.region}
        if self.endpoint:
            opts["aws_endpoint_url"] = self.endpoint
            opts["aws_allow_http"] = "true" if self.endpoint.startswith("http://") else "false"
        for var, opt in (("AWS_ACCESS_KEY_ID", "aws_access_key_id"),
                         ("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"),
                         ("AWS_SESSION_TOKEN", "aws_session_token")):
            if os.environ.get(var):
                opts[opt] = os.environ[var]
        return opts


def is_s3(url: str) -> bool:
    return url.startswith("s3://")


def _s3_parts(url: str) -> tuple[str, str]:
    """Bucket and key prefix of an ``s3://`` URL. Credentials in it are refused, and
    the refusal does not repeat the URL (it holds a secret)."""
    parsed = urlparse(url)
    if "@" in parsed.netloc:
        raise BadURLError("an s3:// URL cannot carry credentials (user:secret@): "
                         "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead")
    return parsed.netloc, parsed.path


def check_url(url: str) -> None:
    """Raise ``BadURLError`` if ``url`` is an ``s3://`` address wirelake cannot use."""
    if is_s3(url):
        bucket, _ = _s3_parts(url)
        if not bucket:
            raise BadURLError(f"no bucket in {url!r}")


def open_storage(url: str) -> Storage:
    """A storage for ``url``: ``s3://bucket[/prefix]`` or a local directory path."""
    if is_s3(url):
        bucket, path = _s3_parts(url)
        if not bucket:
            raise BadURLError(f"no bucket in {url!r}")
        return S3Storage(bucket, path)
    if url.startswith("file://"):
        url = urlparse(url).path
    return LocalStorage(url)


@dataclass(frozen=True, slots=True)
class SourceObject:
    """One raw input object: the storage it lives in and its key there."""

    storage_url: str
    key: str
    size: int
    version: str
    modified: float | None = field(default=None, compare=False)  # seconds since the epoch

    @property
    def uri(self) -> str:
        return f"{self.storage_url.rstrip('/')}/{self.key}" if self.key else self.storage_url


def list_source(url: str) -> list[SourceObject]:
    """Every raw object under a SOURCE argument: a file, a directory (recursive,
    hidden names skipped) or ``s3://bucket/prefix``."""
    if is_s3(url):
        bucket, path = _s3_parts(url)
        bucket_url = f"s3://{bucket}"
        storage = open_storage(bucket_url)
        prefix = path.lstrip("/")
        objs = list(storage.list(prefix))
        exact = [o for o in objs if o.key == prefix]
        if not exact and prefix and not prefix.endswith("/"):
            objs = [o for o in objs if o.key.startswith(prefix + "/")]
        else:
            objs = exact or objs
        # Hidden names (".DS_Store", editors' temporaries) are skipped, as on disk.
        return [SourceObject(bucket_url, o.key, o.size, o.version, o.modified) for o in objs
                if not any(part.startswith(".") for part in o.key.split("/"))]
    path = Path(url.removeprefix("file://")).expanduser().resolve()
    if path.is_file():
        st = path.stat()
        return [SourceObject(str(path.parent), path.name, st.st_size, str(st.st_mtime_ns), st.st_mtime)]
    if path.is_dir():
        storage = LocalStorage(path)
        return [SourceObject(storage.url, o.key, o.size, o.version, o.modified) for o in storage.list()]
    raise FileNotFoundError(f"source {url} does not exist")
