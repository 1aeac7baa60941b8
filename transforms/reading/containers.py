"""Unpack containers (gzip, xz, bzip2, zip, tar and tar.*, nested) into member files.

Detection is by magic bytes, never by file name: one dpa file named ``.tar.xz``
is a plain tar (SOURCES.md section 5). Decompression is bounded, so a
decompression bomb becomes a reject rather than an out-of-memory; archive
members with absolute paths or ``..`` are rejected (they could never be
written safely anywhere, and are a classic attack).

A single-stream file (``story.xml.gz``) keeps its own name; a member of a
multi-member archive is named ``archive.tar!path/in/archive.xml``.
"""

from __future__ import annotations

import bz2
import io
import lzma
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 4
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Member:
    """One file found inside (or as) the input, decompressed."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class BadMember:
    """A member that cannot be unpacked: reason code, detail, and its (raw) bytes."""

    name: str
    reason: str
    detail: str
    raw: bytes = b""


def kind(data: bytes) -> str | None:
    """The container kind of ``data`` from its magic bytes, or None for a plain file."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if data[:3] == b"BZh" and data[3:4].isdigit():
        return "bzip2"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if len(data) >= 262 and data[257:262] == b"ustar":
        return "tar"
    return None


class _Bomb(Exception):
    pass


DecompressionBomb = _Bomb  # what stream_decompress raises past its limit


def _inflate(decompressor, data: bytes, limit: int) -> bytes:
    """Run a zlib/lzma/bz2 decompressor with a bound on the output size."""
    out = bytearray()
    buf = data
    while True:
        chunk = decompressor.decompress(buf, max_length=_CHUNK)
        out += chunk
        if len(out) > limit:
            raise _Bomb(f"more than {limit} bytes once decompressed")
        if decompressor.eof:
            return bytes(out)
        buf = b""
        if decompressor.needs_input:
            raise EOFError("compressed stream ended early (truncated)")


def _gunzip(data: bytes, limit: int) -> bytes:
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        piece = bytearray()
        buf = rest
        while True:
            chunk = d.decompress(buf, _CHUNK)
            piece += chunk
            if len(out) + len(piece) > limit:
                raise _Bomb(f"more than {limit} bytes once decompressed")
            if d.eof:
                break
            buf = d.unconsumed_tail
            if not buf and not chunk:
                raise EOFError("compressed stream ended early (truncated)")
        out += piece
        rest = d.unused_data.lstrip(b"\x00")  # concatenated gzip members, padding
    return bytes(out)


def _decompress(k: str, data: bytes, limit: int) -> bytes:
    if k == "gzip":
        return _gunzip(data, limit)
    if k == "xz":
        return _inflate(lzma.LZMADecompressor(), data, limit)
    return _inflate(bz2.BZ2Decompressor(), data, limit)


def stream_decompress(k: str, chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """The decompressed bytes of a gzip (members concatenated), xz or bzip2 stream
    whose compressed bytes are ``chunks``, a bounded piece at a time: a large
    compressed export is never inflated whole. Raises ``EOFError`` when the stream
    is cut short and ``OSError``/``zlib.error``/``lzma.LZMAError`` when it is
    corrupt; :class:`DecompressionBomb` past ``limit`` bytes out."""
    def new():
        if k == "gzip":
            return zlib.decompressobj(wbits=31)
        return lzma.LZMADecompressor() if k == "xz" else bz2.BZ2Decompressor()

    d, out, started = new(), 0, False
    for chunk in chunks:
        buf = chunk
        while buf:
            if d.eof:  # a next gzip member (padding NULs between members are skipped)
                buf = buf.lstrip(b"\x00") if k == "gzip" else buf
                if not buf or k != "gzip":
                    break
                d = new()
            piece = d.decompress(buf, _CHUNK) if k == "gzip" else d.decompress(buf, max_length=_CHUNK)
            started = True
            out += len(piece)
            if out > limit:
                raise _Bomb(f"more than {limit} bytes once decompressed")
            if piece:
                yield piece
            if k == "gzip":
                buf = d.unconsumed_tail or (d.unused_data if d.eof else b"")
            else:
                buf = b""
                while not d.eof and not d.needs_input:
                    more = d.decompress(b"", max_length=_CHUNK)
                    out += len(more)
                    if out > limit:
                        raise _Bomb(f"more than {limit} bytes once decompressed")
                    if more:
                        yield more
                if d.eof and d.unused_data.strip(b"\x00"):
                    break
    if not started or not d.eof:
        raise EOFError("compressed stream ended early (truncated)")


def _safe_name(name: str) -> bool:
    norm = posixpath.normpath(name.replace("\\", "/"))
    return not (name.startswith(("/", "\\")) or norm == ".." or norm.startswith("../")
                or (len(name) > 1 and name[1] == ":"))


def _tar_members(data: bytes) -> Iterator[tuple[str, bytes | None, str]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for info in tar:
            if info.isdir():
                continue
            if not info.isreg():
                yield info.name, None, f"not a regular file (type {info.type!r})"
                continue
            f = tar.extractfile(info)
            yield info.name, (f.read() if f else b""), ""


def _zip_members(data: bytes, limit: int) -> Iterator[tuple[str, bytes | None, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.file_size > limit:
                yield info.filename, None, f"declares {info.file_size} bytes, over the {limit} limit"
                continue
            with zf.open(info) as f:
                body = f.read(limit + 1)
            if len(body) > limit:
                yield info.filename, None, f"more than {limit} bytes once decompressed"
                continue
            yield info.filename, body, ""


def unpack(data: bytes, name: str, *, limit: int = MAX_MEMBER_BYTES,
           depth: int = 0) -> Iterator[Member | BadMember]:
    """Every plain file inside ``data`` (``data`` itself if it is not a container)."""
    k = kind(data)
    if k is None:
        yield Member(name, data)
        return
    if depth >= MAX_DEPTH:
        yield BadMember(name, "archive_too_deep", f"containers nested deeper than {MAX_DEPTH}", data)
        return
    if k in ("gzip", "xz", "bzip2"):
        try:
            inner = _decompress(k, data, limit)
        except _Bomb as exc:
            yield BadMember(name, "decompression_limit", f"{k}: {exc}", data)
            return
        except EOFError as exc:
            yield BadMember(name, "truncated_archive", f"{k}: {exc}", data)
            return
        except (OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
            yield BadMember(name, "corrupt_archive", f"{k}: {exc}", data)
            return
        yield from unpack(inner, name, limit=limit, depth=depth + 1)
        return
    try:
        members = list(_tar_members(data) if k == "tar" else _zip_members(data, limit))
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        yield BadMember(name, "corrupt_archive", f"{k}: {exc}", data)
        return
    if not members:
        yield BadMember(name, "empty_archive", f"{k} archive has no files", data)
        return
    for member_name, body, problem in members:
        full = f"{name}!{member_name}"
        if not _safe_name(member_name):
            yield BadMember(full, "unsafe_archive_path",
                            f"member path {member_name!r} is absolute or escapes the archive")
        elif body is None:
            yield BadMember(full, "decompression_limit" if "limit" in problem or "bytes" in problem
                            else "unsupported_member", problem)
        else:
            yield from unpack(body, full, limit=limit, depth=depth + 1)
