"""Safety, on the real SeaweedFS server: no credential in logs, manifests, lake objects or
error messages; awkward source names never shape a lake key; hostile archives (unsafe
member paths, decompression bombs) become rejects while memory stays bounded.

Inputs are synthetic (bench.wire_corpus originals, samples.synthetic renderings), written
by the tests themselves.
"""

from __future__ import annotations

import io
import json
import logging
import lzma
import re
import struct
import uuid
import zipfile
import zlib
from datetime import UTC, datetime
from random import Random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import flows.ingest as ingest_module
from bench.wire_corpus import generate
from flows.cli import EXIT_OK, main
from flows.ingest import ingest
from samples.synthetic import make_story, render_newsml_g2
from tests import lakes
from tests.archives import tar_bytes, zip_bytes
from tests.seaweed import ACCESS_KEY, SECRET_KEY
from transforms.reading.containers import MAX_MEMBER_BYTES

pytestmark = pytest.mark.usefixtures("prefect_harness")

MiB = 1024 * 1024
# Where the lake may put objects: table/partition/part-0.parquet, rejects/<run>.parquet,
# runs/<run>.json and whatever top-level bookkeeping (ledger/, _lease/ ...) it adds.
SAFE_KEY = re.compile(r"^[A-Za-z0-9._=/-]+$")
KNOWN_LAYOUT = [
    re.compile(r"^(stories|items|duplicates)/date=(\d{4}-\d{2}-\d{2}|__HIVE_DEFAULT_PARTITION__)/part-0\.parquet$"),
    re.compile(r"^rejects/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.parquet$"),
    re.compile(r"^runs/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.json$"),
]
CORE_TABLES = ("stories/", "items/", "duplicates/", "rejects/", "runs/", "_staging/")


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def _originals(n: int, seed: int) -> list[dict]:
    """``n`` distinct synthetic ninjs stories (originals only: none folds into another)."""
    items, truth = generate(max(4 * n, 40), seed=seed)
    picked = [items[i] for i in truth.filter(truth["kind"] == "original")["item"].to_list()[:n]]
    assert len(picked) == n
    return picked


def _ninjs(item: dict) -> bytes:
    return json.dumps(item, ensure_ascii=False).encode()


def _newsml(seed: int) -> bytes:
    story = make_story(Random(seed), "dpa", datetime(2026, 5, 4, 9, 30, tzinfo=UTC), seed)
    return render_newsml_g2(story)


def _split(lake: str) -> tuple[str, str]:
    bucket, _, prefix = lake.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")


def _all_keys(client, bucket: str, prefix: str = "") -> list[str]:
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def _lake_objects(seaweed, lake: str) -> dict[str, bytes]:
    """Every object under the lake prefix, by key relative to the lake, read raw with boto3."""
    client = seaweed.client()
    bucket, prefix = _split(lake)
    return {k.removeprefix(prefix + "/"): client.get_object(Bucket=bucket, Key=k)["Body"].read()
            for k in _all_keys(client, bucket, prefix + "/")}


def _parquet_text(data: bytes) -> bytes:
    """Everything a Parquet object holds, decoded (column data is zstd-compressed in the
    file, so a secret inside it would not show in the raw bytes)."""
    pf = pq.ParquetFile(io.BytesIO(data))
    parts = [str(pf.schema_arrow).encode(), repr(pf.metadata.metadata).encode()]
    table = pf.read()
    for column in table.columns:
        for value in column.to_pylist():
            parts.append(value if isinstance(value, bytes) else repr(value).encode())
    return b"\n".join(parts)


def _leaks(blob: bytes | str, *secrets: str) -> list[str]:
    data = blob.encode() if isinstance(blob, str) else blob
    return [s for s in secrets if s.encode() in data]


@pytest.fixture
def src_bucket(seaweed) -> str:
    """A fresh bucket for raw source objects."""
    name = f"wirelake-src-{uuid.uuid4().hex[:12]}"
    seaweed.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def capture_all_logs(caplog):
    """caplog at DEBUG for the root logger and every Prefect logger, including the ones
    that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="prefect")
    attached = []
    for name in ("prefect.extra", "prefect._internal", "prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        caplog.set_level(logging.DEBUG, logger=name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            attached.append(logger)
    yield caplog
    for logger in attached:
        logger.removeHandler(caplog.handler)


def _log_text(records: list[logging.LogRecord]) -> str:
    """Each record as the console shows it (message, arguments, traceback).

    One thing is taken out: botocore's own DEBUG wire trace prints each request's
    SigV4 ``Authorization`` header, whose ``Credential=<access key id>/<scope>`` is
    botocore's doing, not wirelake's (and never the secret, which is checked on
    the untouched text)."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    out = []
    for r in records:
        text = formatter.format(r) + "\n" + repr(r.exc_info[1] if r.exc_info else None)
        if r.name.startswith("botocore") and r.levelno == logging.DEBUG:
            text = SIGV4_KEY_ID.sub("Credential=<key id>/", text)
        out.append(text)
    return "\n".join(out)


def _raw_log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


SIGV4_KEY_ID = re.compile(r"Credential=[A-Za-z0-9]+/")


def _api_logs(flow_run_id) -> list[str]:
    """The flow run's logs as the Prefect API stored them (what a UI shows)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    logs = []
    with get_client(sync_client=True) as client:
        log_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        while page := client.read_logs(log_filter, limit=200, offset=len(logs)):
            logs += page
        run = client.read_flow_run(flow_run_id)
    return [log.message for log in logs] + [json.dumps(run.parameters, default=str),
                                            str(run.state.message if run.state else "")]


def _no_delay_retries(monkeypatch) -> None:
    """The storage tasks keep their retries but not their waits (1+2+4 s per failure)."""
    for name in ("probe_lake", "list_inputs"):
        task = getattr(ingest_module, name)
        monkeypatch.setattr(ingest_module, name, task.with_options(retry_delay_seconds=0))


# --------------------------------------------------------------------------------------
# a. no credential anywhere
# --------------------------------------------------------------------------------------

def test_an_s3_run_writes_no_credential_to_logs_output_or_lake(seaweed, s3_lake, src_bucket,
                                                               capture_all_logs, capsys):
    client = seaweed.client()
    stories = _originals(6, seed=21)
    client.put_object(Bucket=src_bucket, Key="feeds/wire.jsonl",
                      Body=b"".join(_ninjs(s) + b"\n" for s in stories[:4]))
    client.put_object(Bucket=src_bucket, Key="feeds/one.json", Body=_ninjs(stories[4]))
    client.put_object(Bucket=src_bucket, Key="feeds/again.json", Body=_ninjs(stories[4]))  # an exact copy
    client.put_object(Bucket=src_bucket, Key="feeds/empty.txt", Body=b"")
    client.put_object(Bucket=src_bucket, Key="feeds/noise.bin", Body=bytes(range(256)) * 8)
    client.put_object(Bucket=src_bucket, Key="feeds/cut.json.gz",
                      Body=zlib.compress(_ninjs(stories[5]), wbits=31)[:60])

    before = len(capture_all_logs.records)
    state = ingest(sources=[f"s3://{src_bucket}/feeds/"], lake=s3_lake, return_state=True)
    records = capture_all_logs.records[before:]  # the run's, not this test's own reads
    manifest = state.result()
    assert manifest["totals"] == {"files": 6, "items_in": 9, "stories": 5, "duplicates": 1,
                                  "skipped": 0, "rejects": 3}

    # the lake, object by object, decoded
    objects = _lake_objects(seaweed, s3_lake)
    kinds = {key.split("/", 1)[0] for key in objects}
    assert {"stories", "items", "duplicates", "rejects", "runs"} <= kinds, sorted(objects)
    for key, data in objects.items():
        assert not _leaks(data, ACCESS_KEY, SECRET_KEY), key
        if key.endswith(".parquet"):
            assert not _leaks(_parquet_text(data), ACCESS_KEY, SECRET_KEY), key
        elif key.endswith(".json"):
            json.loads(data)  # a manifest, read in full above
    assert not _leaks(json.dumps(manifest), ACCESS_KEY, SECRET_KEY)

    # every log record of the run (ours, Prefect's, botocore's), the console, the API's logs
    assert any("5 stories" in r.getMessage() for r in records), "the run's own log line was not captured"
    assert any(r.name.startswith("botocore") for r in records)  # DEBUG of everything, really
    assert not _leaks(_raw_log_text(records), SECRET_KEY), "the secret key was logged"
    leaked = [(r.name, r.getMessage()[:300]) for r in records
              if _leaks(_log_text([r]), ACCESS_KEY, SECRET_KEY)]
    assert not leaked, leaked[:3]
    out = capsys.readouterr()
    assert not _leaks(out.out + out.err, ACCESS_KEY, SECRET_KEY)
    api = _api_logs(state.state_details.flow_run_id)
    assert any("5 stories" in m for m in api)
    assert not _leaks("\n".join(api), ACCESS_KEY, SECRET_KEY)


def test_the_leak_scans_see_what_they_must():
    """The scans above are not blind: a secret inside a zstd-compressed Parquet column is
    found, and only botocore's DEBUG SigV4 header has its key id masked."""
    buf = io.BytesIO()
    pq.write_table(pa.table({"detail": [f"token {SECRET_KEY} " * 40]}), buf, compression="zstd")
    assert _leaks(_parquet_text(buf.getvalue()), SECRET_KEY)

    def record(name: str, msg: str) -> logging.LogRecord:
        return logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, None, None)

    header = f"Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/us-east-1/s3/aws4_request"
    assert not _leaks(_log_text([record("botocore.endpoint", header)]), ACCESS_KEY)
    assert _leaks(_log_text([record("lake.storage", header)]), ACCESS_KEY)
    assert _leaks(_log_text([record("botocore.endpoint", f"key {ACCESS_KEY}")]), ACCESS_KEY)


@pytest.mark.parametrize("where", ["lake", "source"])
@pytest.mark.parametrize("wrong", ["secret", "access_key"])
def test_wrong_credentials_exit_nonzero_and_echo_no_credential(seaweed, s3_lake, src_bucket, tmp_path,
                                                               monkeypatch, capture_all_logs, capsys,
                                                               wrong, where):
    """A refused signature (wrong secret) or an unknown key id fails the run with the
    storage exit code; neither the key given nor the real one is printed or logged."""
    story = _ninjs(_originals(1, 3)[0])
    seaweed.client().put_object(Bucket=src_bucket, Key="feeds/one.json", Body=story)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "one.json").write_bytes(story)
    canaries = {"secret": ("AWS_SECRET_ACCESS_KEY", "SeCrEt-canary-123"),
                "access_key": ("AWS_ACCESS_KEY_ID", "AKIACANARY7Q2W3E4R5T")}
    var, canary = canaries[wrong]
    monkeypatch.setenv(var, canary)
    _no_delay_retries(monkeypatch)
    if where == "lake":
        argv = ["ingest", str(raw), "--lake", s3_lake]
    else:
        argv = ["ingest", f"s3://{src_bucket}/feeds/", "--lake", str(tmp_path / "lake")]
    assert main(argv) != EXIT_OK
    captured = capsys.readouterr()
    assert "storage failure" in captured.err
    everything = captured.out + captured.err + _log_text(capture_all_logs.records)
    assert not _leaks(_raw_log_text(capture_all_logs.records), canary if wrong == "secret" else SECRET_KEY)
    # the refusal was really seen (and logged): not a run that never reached the server
    assert re.search(r"SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied|403", everything)
    assert not _leaks(everything, canary, SECRET_KEY, ACCESS_KEY)
    # nothing was written with the wrong key
    bucket, prefix = _split(s3_lake)
    assert not _all_keys(seaweed.client(), bucket, prefix + "/")
    assert not (tmp_path / "lake" / "runs").exists()


@pytest.mark.parametrize("where", ["source", "lake"])
def test_credentials_in_an_s3_url_are_not_echoed(seaweed, src_bucket, tmp_path, monkeypatch,
                                                 capture_all_logs, capsys, where):
    secret = "userinfo-SeCrEt-456"
    url = f"s3://AKIAUSERINFO42:{secret}@{src_bucket}/feeds/"
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "one.json").write_bytes(_ninjs(_originals(1, 3)[0]))
    for name in ("probe_lake", "list_inputs"):  # each failure costs 3 s of storage backoff: once is enough
        monkeypatch.setattr(ingest_module, name, getattr(ingest_module, name).with_options(retries=0))
    argv = (["ingest", url, "--lake", str(tmp_path / "lake")] if where == "source"
            else ["ingest", str(raw), "--lake", url])
    try:
        code = main(argv)
    except Exception as exc:  # noqa: BLE001 - a refusal by exception is fine, if it is discreet
        code, message = None, f"{type(exc).__name__}: {exc}"
    else:
        message = ""
    captured = capsys.readouterr()
    assert code != EXIT_OK
    assert "cannot carry credentials" in captured.err  # refused with a reason, before any I/O
    everything = captured.out + captured.err + message + _log_text(capture_all_logs.records)
    assert not _leaks(everything, secret)


# --------------------------------------------------------------------------------------
# b. awkward source names
# --------------------------------------------------------------------------------------

AWKWARD = [
    "urn:newsml:dpa.com:20090101:170629-99-45034.xml",
    "Caulfield RA - Betting - Sat 11 Feb, 2017.tst",
    "Zürich Börse – 1.json",
    "50% off #1 a%20b+c.json",
    "date=2020-01-01/x=y;z&w.json",
    "sub dir/nested, file (2).json",
]


def _awkward_inputs() -> dict[str, bytes]:
    """One story per awkward name; formats are detected from the content, not the name."""
    stories = _originals(len(AWKWARD) - 1, seed=31)
    out = {AWKWARD[0]: _newsml(5)}
    for name, story in zip(AWKWARD[1:], stories, strict=True):
        out[name] = _ninjs(story)
    return out


def _assert_names_survive(manifest: dict, lake: str, source_uri: dict[str, str],
                          sizes: dict[str, tuple[int, str]]) -> None:
    stories = lakes.stories(lake)
    assert sorted(stories["raw_uri"]) == sorted(f"{uri}#0" for uri in source_uri.values())
    assert set(stories["source_format"]) == {"newsml_g2", "ninjs"}
    rows = {f["uri"]: f for f in manifest["files"]}
    assert set(rows) == set(source_uri.values())
    for name, uri in source_uri.items():
        assert (rows[uri]["size"], rows[uri]["version"]) == sizes[name], name
        assert rows[uri]["items_in"] == rows[uri]["stories"] == 1, name
    assert manifest["totals"]["rejects"] == 0


def _assert_lake_keys_are_ours(seaweed, lake: str) -> None:
    keys = list(_lake_objects(seaweed, lake))
    assert any(k.startswith("stories/") for k in keys)
    for key in keys:
        assert SAFE_KEY.match(key), key
        assert not any(c in key for c in " :,#%+;&()"), key
        assert not any(part in key for part in ("Caulfield", "Zürich", "urn", "newsml", "nested")), key
        if key.startswith(CORE_TABLES):
            assert any(p.match(key) for p in KNOWN_LAYOUT), key


def test_awkward_object_keys_on_s3(seaweed, s3_lake, src_bucket):
    client = seaweed.client()
    inputs = _awkward_inputs()
    for name, data in inputs.items():
        client.put_object(Bucket=src_bucket, Key=f"feeds/{name}", Body=data)
    listed = {o["Key"] for o in client.list_objects_v2(Bucket=src_bucket, EncodingType="url")["Contents"]}
    assert len(listed) == len(inputs)
    sizes = {}
    for name in inputs:
        head = client.head_object(Bucket=src_bucket, Key=f"feeds/{name}")
        sizes[name] = (head["ContentLength"], head["ETag"].strip('"'))
    manifest = ingest(sources=[f"s3://{src_bucket}/feeds/"], lake=s3_lake)
    uris = {name: f"s3://{src_bucket}/feeds/{name}" for name in inputs}
    _assert_names_survive(manifest, s3_lake, uris, sizes)
    _assert_lake_keys_are_ours(seaweed, s3_lake)


def test_awkward_file_names_on_disk(seaweed, s3_lake, tmp_path):
    root = tmp_path / "raw" / "feeds"
    inputs = _awkward_inputs()
    sizes = {}
    for name, data in inputs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        st = path.stat()
        sizes[name] = (st.st_size, str(st.st_mtime_ns))
    manifest = ingest(sources=[str(root)], lake=s3_lake)
    uris = {name: f"{root.resolve()}/{name}" for name in inputs}
    _assert_names_survive(manifest, s3_lake, uris, sizes)
    _assert_lake_keys_are_ours(seaweed, s3_lake)


# --------------------------------------------------------------------------------------
# c. hostile archives through the flow, S3 to S3
# --------------------------------------------------------------------------------------


def gzip_bomb(size: int) -> bytes:
    """A valid gzip of ``size`` zero bytes (a multiple of 1 MiB), built without
    compressing them all: after a full flush the deflate stream of each further MiB of
    zeros is the same bytes, so one block is repeated."""
    chunk = bytes(MiB)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(chunk, crc)
    final_empty_block = b"\x03\x00"
    return first + block * (size // MiB - 1) + final_empty_block + struct.pack("<II", crc, size & 0xFFFFFFFF)


def xz_bomb(size: int) -> bytes:
    """An xz of ``size`` zero bytes, compressed a MiB at a time (a few hundred KB)."""
    c = lzma.LZMACompressor(filters=[{"id": lzma.FILTER_LZMA2, "preset": 0}])
    chunk = bytes(MiB)
    out = [c.compress(chunk) for _ in range(size // MiB)]
    return b"".join(out) + c.flush()


def _peak_rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _current_rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def _reset_peak_rss() -> int:
    """Reset the high-water mark (Linux: ``5`` to clear_refs); the baseline to compare to."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _current_rss()
    except OSError:
        return _peak_rss()


def test_hostile_archives_from_s3_are_rejects_and_memory_stays_bounded(seaweed, s3_lake, src_bucket):
    gz_size, xz_size = 2048 * MiB, 1024 * MiB
    assert gz_size > MAX_MEMBER_BYTES and xz_size > MAX_MEMBER_BYTES
    ok_tar, ok_zip = _originals(2, seed=41)
    inputs = {
        "dump/evil.tar": tar_bytes({"ok.json": _ninjs(ok_tar), "../../etc/evil.xml": _newsml(1)}),
        "dump/abs.zip": zip_bytes({"/abs.xml": _newsml(2), "fine.json": _ninjs(ok_zip)}),
        "dump/bomb.json.gz": gzip_bomb(gz_size),
        "dump/bomb.xml.xz": xz_bomb(xz_size),
    }
    assert [i.filename for i in zipfile.ZipFile(io.BytesIO(inputs["dump/abs.zip"])).infolist()] == [
        "/abs.xml", "fine.json"]
    assert all(len(v) < 4 * MiB for v in inputs.values())  # the bombs are small on the wire
    client = seaweed.client()
    for key, data in inputs.items():
        client.put_object(Bucket=src_bucket, Key=key, Body=data)
    del inputs

    baseline = _reset_peak_rss()
    manifest = ingest(sources=[f"s3://{src_bucket}/dump"], lake=s3_lake)
    growth = _peak_rss() - baseline
    # a bounded decompressor holds at most MAX_MEMBER_BYTES (+ a chunk) of one member;
    # inflating either bomb whole would take 1-2 GiB
    assert growth < 512 * MiB, f"peak RSS grew by {growth / MiB:.0f} MiB"

    base = f"s3://{src_bucket}/dump"
    rejects = lakes.read_table(s3_lake, "rejects")
    got = dict(zip(rejects["raw_uri"], rejects["reason"], strict=True))
    assert got == {
        f"{base}/evil.tar!../../etc/evil.xml#0": "unsafe_archive_path",
        f"{base}/abs.zip!/abs.xml#0": "unsafe_archive_path",
        f"{base}/bomb.json.gz#0": "decompression_limit",
        f"{base}/bomb.xml.xz#0": "decompression_limit",
    }
    assert all(rejects["detail"]), rejects.select("raw_uri", "detail")
    bombs = rejects.filter(rejects["reason"] == "decompression_limit")
    assert all(len(raw) <= MiB for raw in bombs["raw"])  # the compressed bytes, first MiB only
    assert sorted(lakes.stories(s3_lake)["raw_uri"]) == [f"{base}/abs.zip!fine.json#0",
                                                         f"{base}/evil.tar!ok.json#0"]
    t = manifest["totals"]
    assert t == {"files": 4, "items_in": 6, "stories": 2, "duplicates": 0, "skipped": 0, "rejects": 4}
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert manifest["rejects_by_reason"] == {"decompression_limit": 2, "unsafe_archive_path": 2}
    for f in manifest["files"]:
        assert f["items_in"] == f["stories"] + f["duplicates"] + f["skipped"] + f["rejects"], f
    # nothing was unpacked anywhere: no lake key comes from a member's path
    for key in _lake_objects(seaweed, s3_lake):
        assert SAFE_KEY.match(key) and not any(s in key for s in ("etc", "evil", "abs", "..")), key


def test_the_bomb_builders_make_what_they_claim():
    """The gzip built by repeating a block is a valid stream of exactly that many zeros."""
    bomb = gzip_bomb(8 * MiB)
    d = zlib.decompressobj(wbits=31)
    total, buf = 0, bomb
    while not d.eof:
        out = d.decompress(buf, 4 * MiB)
        assert out.count(0) == len(out)
        total += len(out)
        buf = d.unconsumed_tail
        assert out or buf or d.eof
    assert total == 8 * MiB and d.unused_data == b""
    assert lzma.decompress(xz_bomb(4 * MiB)) == bytes(4 * MiB)
    assert len(bomb) < 16 * 1024

