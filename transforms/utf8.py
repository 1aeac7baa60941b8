"""The UTF-8 bytes of a polars text column as flat numpy arrays, for compiled passes
(numba kernels in transforms/normalizing/scan.py and transforms/dedup/fingerprint.py)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa


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
