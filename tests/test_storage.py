"""The storage seam behaves the same on a local directory and on SeaweedFS."""

import pytest

from lake.storage import LocalStorage, S3Storage, StorageError, list_source, open_storage


@pytest.fixture
def storage(any_lake):
    s = open_storage(any_lake)
    if isinstance(s, S3Storage):
        s.ensure_bucket()
    return s


def test_put_get_list_delete(storage):
    storage.put("a/b/one.bin", b"1")
    storage.put("a/two.bin", b"22")
    storage.put("c.bin", b"333")
    assert storage.get("a/b/one.bin") == b"1"
    assert [(o.key, o.size) for o in storage.list("a/")] == [("a/b/one.bin", 1), ("a/two.bin", 2)]
    assert storage.exists("c.bin") and not storage.exists("nope.bin")
    storage.put("c.bin", b"replaced")  # a put replaces the object whole
    assert storage.get("c.bin") == b"replaced"
    storage.delete("c.bin")
    assert not storage.exists("c.bin")
    with pytest.raises(FileNotFoundError):
        storage.get("c.bin")


def test_keys_with_colons_commas_and_spaces(storage):
    # real wire file names (SOURCES.md: dpa guids, AAP racing files)
    keys = ["urn:newsml:dpa.com:20090101:170629-99-45034.xml",
            "Caulfield RA - Betting - Sat 11 Feb, 2017.tst"]
    for k in keys:
        storage.put(f"raw/{k}", k.encode())
    assert sorted(o.key for o in storage.list("raw/")) == sorted(f"raw/{k}" for k in keys)
    assert storage.get(f"raw/{keys[1]}") == keys[1].encode()


def test_version_changes_with_content(storage):
    storage.put("v.txt", b"one")
    [before] = list(storage.list("v.txt"))
    storage.put("v.txt", b"two, longer")
    [after] = list(storage.list("v.txt"))
    assert before.version != after.version and after.size == 11


def test_list_source_file_dir_and_prefix(any_lake, storage):
    storage.put("in/x/1.txt", b"a")
    storage.put("in/x/.hidden", b"b")
    storage.put("in/2.txt", b"c")
    storage.put("input-other/3.txt", b"d")
    objs = list_source(storage.uri("in"))
    names = sorted(o.key.rsplit("/", 1)[-1] for o in objs)
    # hidden names are skipped; a prefix does not match its siblings (in/ vs input-other/)
    assert names == ["1.txt", "2.txt"]
    [one] = list_source(storage.uri("in/2.txt"))
    assert one.uri == storage.uri("in/2.txt") and one.size == 1


def test_local_keys_cannot_escape_the_root(tmp_path):
    s = LocalStorage(tmp_path / "lake")
    with pytest.raises(StorageError):
        s.put("../outside.txt", b"x")


def test_unreachable_s3_is_a_storage_error(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    s = open_storage("s3://nobucket/prefix")
    with pytest.raises(StorageError, match="unreachable"):
        list(s.list())


def _client_error(code: str, status: int):
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": "m"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject")


@pytest.mark.parametrize("code,status", [("SlowDown", 503), ("InternalError", 500), ("503", 503)])
def test_transient_errors_are_retried_with_backoff(monkeypatch, code, status):
    from lake import storage as storage_mod

    sleeps = []
    monkeypatch.setattr(storage_mod.time, "sleep", sleeps.append)
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise _client_error(code, status)
        return "done"

    assert storage_mod._with_retries("put x", flaky) == "done"
    assert len(calls) == 3 and sleeps == [0.2, 0.4]  # exponential backoff


def test_permanent_errors_are_not_retried(monkeypatch):
    from botocore.exceptions import ClientError, ParamValidationError

    from lake import storage as storage_mod

    monkeypatch.setattr(storage_mod.time, "sleep", lambda s: pytest.fail("slept"))
    with pytest.raises(ClientError):
        storage_mod._with_retries("put x", lambda: (_ for _ in ()).throw(_client_error("AccessDenied", 403)))
    with pytest.raises(StorageError, match="ParamValidationError"):
        storage_mod._with_retries("put x", lambda: (_ for _ in ()).throw(ParamValidationError(report="bad")))


def test_conditional_create_has_one_winner(storage):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda i: storage.put_if_absent("race/key", str(i).encode()), range(16)))
    assert won.count(True) == 1
    assert storage.get("race/key") == str(won.index(True)).encode()
    assert storage.put_if_absent("race/key", b"again") is False


def test_read_chunks_gives_the_object_in_bounded_pieces(storage):
    """read_chunks (ranged GETs on S3, a bounded read on disk) gives every byte once,
    in order, never more than chunk_bytes at a time; an empty object gives nothing;
    a missing one is FileNotFoundError; an object replaced while read fails the read
    on S3 (a read never mixes two versions)."""
    data = bytes(range(256)) * 1000 + b"tail"  # 256,004 bytes: the last range is short
    storage.put("big.bin", data)
    chunks = list(storage.read_chunks("big.bin", chunk_bytes=65536))
    assert b"".join(chunks) == data
    assert [len(c) for c in chunks] == [65536] * 3 + [len(data) - 3 * 65536]
    storage.put("empty.bin", b"")
    assert b"".join(storage.read_chunks("empty.bin")) == b""
    with pytest.raises(FileNotFoundError):
        next(storage.read_chunks("missing.bin"))
    if isinstance(storage, S3Storage):
        reading = storage.read_chunks("big.bin", chunk_bytes=65536)
        assert next(reading) == data[:65536]
        storage.put("big.bin", data[::-1])
        with pytest.raises(StorageError, match="changed while it was read"):
            list(reading)


def test_list_returns_exactly_the_keys_under_any_prefix(storage):
    # invariant: list(prefix) holds every key that starts with prefix and no other, on
    # disk (which walks only the directories the prefix can reach) as on S3 (SeaweedFS
    # lists directory by directory: "stories/..." before "stories-old", so compared as sets)
    keys = ["stories/date=2026-11-01/part-0.parquet", "stories/date=2026-11-02/part-0.parquet",
            "stories-old/x.bin", "storiesx", "items/date=2026-11-01/part-0.parquet",
            "_lease/000000000001.json", "runs/a.json", "runs/b.json", "top.bin"]
    for k in keys:
        storage.put(k, b"x")
    storage.put_transient("_staging/r1/date=2026-11-01/0.parquet", b"y")
    keys.append("_staging/r1/date=2026-11-01/0.parquet")
    for prefix in ["", "s", "stories", "stories/", "stories/date=2026-11-0", "stories/date=2026-11-02/",
                   "stories/date=2026-11-02/part-0.parquet", "_lease/", "_staging/r1/", "runs/b",
                   "nothing/", "top", "items/date=2026-11-01/part-0.parquet/"]:
        assert sorted(o.key for o in storage.list(prefix)) == sorted(k for k in keys if k.startswith(prefix)), prefix


def test_delete_many(storage):
    for i in range(5):
        storage.put(f"d/{i}.bin", b"x")
    storage.delete_many([f"d/{i}.bin" for i in range(3)] + ["d/missing.bin"])
    assert [o.key for o in storage.list("d/")] == ["d/3.bin", "d/4.bin"]


def test_writes_synced_together_appear_at_the_end_in_order(storage):
    """In a ``synced_together`` block puts and deletes take effect when it ends, in the
    order they were made (on disk: one sync for all; on S3 at once); nothing of it is
    visible before, and no temporary file is left behind."""
    storage.put("t/a", b"old a")
    storage.put("t/b", b"old b")
    with storage.synced_together():
        storage.put("t/a", b"new a")
        storage.put("t/c", b"new c")
        storage.delete("t/b")
        storage.put("t/c", b"newer c")  # the last write of a key wins
        with storage.synced_together():  # nested: one block
            storage.put("t/d", b"d")
        if isinstance(storage, LocalStorage):
            assert storage.get("t/a") == b"old a" and not storage.exists("t/c")
            assert [o.key for o in storage.list("t/")] == ["t/a", "t/b"]
    assert storage.get("t/a") == b"new a"
    assert storage.get("t/c") == b"newer c"
    assert storage.get("t/d") == b"d"
    assert not storage.exists("t/b")
    if isinstance(storage, LocalStorage):
        assert [p.name for p in storage.root.rglob(".*")] == []


def test_a_failed_block_publishes_none_of_its_writes(storage):
    storage.put("f/a", b"old")
    with pytest.raises(RuntimeError), storage.synced_together():
        storage.put("f/a", b"new")
        storage.put("f/b", b"new")
        storage.delete("f/a")
        raise RuntimeError("lost the lease")
    if isinstance(storage, LocalStorage):
        assert storage.get("f/a") == b"old" and not storage.exists("f/b")
        assert [p.name for p in storage.root.rglob(".*")] == []
