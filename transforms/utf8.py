"""The UTF-8 bytes of a polars text column for compiled passes (numba kernels in
transforms/normalizing/scan.py and transforms/dedup/fingerprint.py).

Two forms:

* :func:`utf8_views`, the hot paths' form: polars keeps text as Arrow string views
  (16 bytes a row: the length, then the bytes themselves when 12 or fewer, else a buffer
  index and an offset into that buffer). Exported as ``string_view`` the column is handed
  over without a copy, and :func:`utf8_views` only resolves each row to ``(buffer,
  start, length)``: a pass over the 16-byte views, not over the text. Measured on
  100,000 synthetic stories' bodies (275 MB): 0.17-0.22 s for the copy to Arrow large
  strings that :func:`utf8_buffers` makes, against about 2 ms (issue 15).
* :func:`utf8_buffers`: one flat copy, ``data`` and ``offsets``, for the reference
  kernels the tests hold the fused ones to.
"""

from __future__ import annotations

import ctypes
from typing import NamedTuple

import numba
import numpy as np
import polars as pl
import pyarrow as pa
from numba import types
from numba.extending import intrinsic


class Utf8Views(NamedTuple):
    """Row ``k``'s bytes are ``starts[k]:starts[k] + lengths[k]`` of buffer ``ids[k]``, the
    ``sizes[ids[k]]`` bytes at address ``addrs[ids[k]]`` (:func:`text_buffer` in a kernel;
    a null is read as "": no bytes). The buffers are the Arrow column's own memory, kept
    alive by ``owner``: pass ``views.args`` to a kernel and keep ``views`` until it returns.

    Addresses, not a numba typed list of arrays: a typed list compiles its own methods in
    every new process (0.5 s here, uncached), which a one-story run would pay."""

    addrs: np.ndarray
    sizes: np.ndarray
    ids: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    owner: object

    @property
    def args(self) -> tuple:
        return self.addrs, self.sizes, self.ids, self.starts, self.lengths

    def total(self) -> int:
        return int(self.lengths.sum())

    def row(self, k: int) -> bytes:
        """Row ``k``'s bytes (for tests and checks, not hot paths)."""
        return ctypes.string_at(int(self.addrs[self.ids[k]]) + int(self.starts[k]), int(self.lengths[k]))


def _pointer_intrinsic(element):
    """An intrinsic that takes an integer address as a pointer to ``element`` (for
    ``numba.carray``)."""
    @intrinsic
    def as_pointer(typingctx, address):  # pragma: no cover - compiled
        if not isinstance(address, types.Integer):
            return None
        sig = types.CPointer(element)(address)

        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

        return sig, codegen

    return as_pointer


_as_pointer = _pointer_intrinsic(types.uint8)  # bytes
_as_words_pointer = _pointer_intrinsic(types.uint64)  # 8-byte words


@numba.njit(inline="always")
def words_at(address, n):
    """The ``n`` 8-byte words from ``address`` (a multiple of 8) as a uint64 array (no copy)."""
    return numba.carray(_as_words_pointer(address), (n,))


@numba.njit(inline="always")
def text_buffer(addrs, sizes, i):
    """Buffer ``i`` of :class:`Utf8Views` as a uint8 array (no copy)."""
    return numba.carray(_as_pointer(addrs[i]), (sizes[i],))


@numba.njit(cache=True, nogil=True)
def _locate(views, null, inline_base, ids, starts, lengths):  # pragma: no cover - compiled
    """Resolve Arrow string views (``views``: int32 quads: length, prefix, buffer index,
    offset) to ``ids``/``starts``/``lengths``; an inline string (12 bytes or fewer) is
    read from the views buffer itself (buffer 0, its bytes from 4 past its view)."""
    for k in range(len(ids)):
        n = views[4 * k]
        if len(null) and null[k]:
            n = 0
        lengths[k] = n
        if n <= 12:
            ids[k] = 0
            starts[k] = inline_base + 16 * k + 4
        else:
            ids[k] = views[4 * k + 2] + 1
            starts[k] = views[4 * k + 3]


def utf8_views(texts: pl.Series) -> Utf8Views:
    """The rows of a text column as :class:`Utf8Views`, without copying the text."""
    arr = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()  # views and buffer lists only
    if arr.type != pa.string_view():
        arr = arr.cast(pa.string_view())
    n = len(arr)
    buffers = arr.buffers()
    addrs = np.array([b.address if b is not None else 0 for b in buffers[1:]] or [0], dtype=np.int64)
    sizes = np.array([b.size if b is not None else 0 for b in buffers[1:]] or [0], dtype=np.int64)
    ids = np.zeros(n, dtype=np.int32)
    starts = np.zeros(n, dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    if n:
        views = np.frombuffer(buffers[1], dtype=np.int32, count=4 * n, offset=arr.offset * 16)
        null = texts.is_null().to_numpy() if texts.null_count() else np.zeros(0, dtype=np.bool_)
        _locate(views, null, arr.offset * 16, ids, starts, lengths)
    return Utf8Views(addrs, sizes, ids, starts, lengths, (arr, texts))


def utf8_buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(data, offsets)``: text ``k``'s bytes are ``data[offsets[k]:offsets[k + 1]]``
    (one copy of the column, as Arrow large strings). A null is read as "" (no bytes):
    nulls are filled (another copy) only when a null slot's offsets span bytes, which
    Arrow allows."""
    data, offsets = _arrow_buffers(texts)
    if texts.null_count():
        lengths = np.diff(offsets)
        if lengths[texts.is_null().to_numpy()].any():
            data, offsets = _arrow_buffers(texts.fill_null(""))
    return data, offsets


def _arrow_buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    arr = texts.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets
