"""Containers are detected by content and unpacked with bounds and path checks."""

import bz2
import gzip
import lzma

import pytest

from tests.archives import tar_bytes, zip_bytes
from transforms.reading.containers import BadMember, Member, kind, unpack

STORY = b"March 3, 2021 / 4:05 PM / 2 years ago\n\nHeadline\n\nLONDON (Reuters) - Body.\n"


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress, bz2.compress])
def test_single_stream_keeps_its_name(compress):
    assert list(unpack(compress(STORY), "s.txt.gz")) == [Member("s.txt.gz", STORY)]


def test_nested_tar_xz_in_zip_in_gzip():
    inner = lzma.compress(tar_bytes({"a.txt": STORY, "dir/b.txt": STORY + b"x"}))
    outer = gzip.compress(zip_bytes({"feeds/day.tar.xz": inner, "c.txt": b"plain"}))
    got = [(m.name, m.data) for m in unpack(outer, "all.zip.gz")]
    assert got == [("all.zip.gz!feeds/day.tar.xz!a.txt", STORY),
                   ("all.zip.gz!feeds/day.tar.xz!dir/b.txt", STORY + b"x"),
                   ("all.zip.gz!c.txt", b"plain")]


def test_name_is_not_trusted_plain_tar_named_xz():
    # dpa's 20170629-dpa-sample.tar.xz is a plain tar (SOURCES.md section 5)
    data = tar_bytes({"item.xml": STORY})
    assert kind(data) == "tar"
    assert [m.name for m in unpack(data, "sample.tar.xz")] == ["sample.tar.xz!item.xml"]


def test_unsafe_member_paths_are_rejected_and_the_rest_kept():
    got = list(unpack(tar_bytes({"ok.txt": STORY, "../escape.txt": STORY, "/etc/abs.txt": STORY}), "t.tar"))
    assert isinstance(got[0], Member)
    assert [(m.name, m.reason) for m in got[1:]] == [("t.tar!../escape.txt", "unsafe_archive_path"),
                                                     ("t.tar!/etc/abs.txt", "unsafe_archive_path")]


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress, bz2.compress])
def test_decompression_bomb_is_a_reject_not_an_oom(compress):
    bomb = compress(b"\0" * (8 * 1024 * 1024))
    [bad] = unpack(bomb, "bomb", limit=1024 * 1024)
    assert isinstance(bad, BadMember) and bad.reason == "decompression_limit"


def test_zip_member_over_the_limit_is_rejected():
    [bad] = unpack(zip_bytes({"big.txt": b"a" * 5000}), "z.zip", limit=1000)
    assert bad.reason == "decompression_limit"


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress, bz2.compress])
def test_truncated_stream(compress):
    [bad] = unpack(compress(STORY * 50)[:-20], "cut")
    assert bad.reason == "truncated_archive"


def test_corrupt_zip_and_empty_zip():
    [bad] = unpack(b"PK\x03\x04garbage" * 10, "z.zip")
    assert bad.reason == "corrupt_archive"
    [empty] = unpack(zip_bytes({}), "empty.zip")
    assert empty.reason == "empty_archive"


def test_too_deep_nesting():
    data = STORY
    for _ in range(6):
        data = gzip.compress(data)
    [bad] = unpack(data, "deep.gz")
    assert bad.reason == "archive_too_deep"
