"""Text fingerprints for near-duplicate detection: one compiled pass over the bytes.

One Permutation Hashing (OPH) MinHash over word 3-shingles. A numba kernel
walks each text's UTF-8 bytes once: it splits words (ASCII letters and digits,
and any non-ASCII byte, are word characters; ASCII is lower-cased), hashes
them with FNV-1a (each CJK character is a word of its own), combines each run of three word hashes into a shingle hash,
and keeps, for each of ``BINS`` bins chosen by the top bits of the shingle
hash, the minimum of its low 32 bits. Empty bins are then filled from the
next non-empty bin (rotation densification), so two texts agree on a bin with
probability equal to the Jaccard similarity of their shingle sets.

The hashes depend on the bytes only (no library's seeded hash), so signatures
are stable across versions and can be kept in the lake's dedup index.
Texts run in parallel (``prange``); there is no Python loop over texts.
"""

from __future__ import annotations

import numba
import numpy as np
import polars as pl
import pyarrow as pa

BINS = 256
SHINGLE = 3
EMPTY = np.uint32(0xFFFFFFFF)
FINGERPRINT_VERSION = f"oph{BINS}-fnv1a-w{SHINGLE}-cjk-v2"

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MASK32 = np.uint64(0xFFFFFFFF)


@numba.njit(inline="always")
def _mix(x):
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


@numba.njit(inline="always")
def _add(row, x, shift):
    b = np.int64(x >> shift)
    v = np.uint32(x & _MASK32)
    if v < row[b]:
        row[b] = v


@numba.njit(parallel=True, cache=True)
def _oph(data, offsets, bins, w, out, counts):  # pragma: no cover - compiled
    """OPH signatures of the texts into ``out`` (``(n, bins)``: uint32, or uint8 for the
    low 8 bits of each bin, the stored form), each text's minima kept in a 32-bit row."""
    n = len(offsets) - 1
    shift = np.uint64(64 - int(np.log2(bins)))
    for d in numba.prange(n):
        sig = np.full(bins, EMPTY, dtype=np.uint32)
        ring = np.zeros(w, dtype=np.uint64)
        words = 0
        shingles = 0
        h = _FNV_OFFSET
        in_word = False
        end = offsets[d + 1]
        i = offsets[d]
        while i <= end:
            c = np.uint64(32) if i == end else np.uint64(data[i])
            # A CJK character (3-byte UTF-8 from U+3000 to U+9FFF: lead bytes E3-E9)
            # is a word of its own: Chinese and Japanese text has no spaces.
            cjk = np.uint64(0xE3) <= c <= np.uint64(0xE9) and i + 2 < end
            word_char = (not cjk) and (c >= np.uint64(128) or (np.uint64(48) <= c <= np.uint64(57))
                                       or (np.uint64(65) <= c <= np.uint64(90))
                                       or (np.uint64(97) <= c <= np.uint64(122)))
            if word_char:
                if np.uint64(65) <= c <= np.uint64(90):
                    c = c + np.uint64(32)
                h = (h ^ c) * _FNV_PRIME
                in_word = True
                i += 1
                continue
            n_flush = 0
            if in_word:
                n_flush = 1
            if cjk:
                n_flush += 1
            for f in range(n_flush):
                if f == 1 or not in_word:  # the CJK character itself
                    h = _FNV_OFFSET
                    for k in range(3):
                        h = (h ^ np.uint64(data[i + k])) * _FNV_PRIME
                ring[words % w] = h
                words += 1
                h = _FNV_OFFSET
                if words >= w:
                    acc = np.uint64(0)
                    for j in range(w):
                        acc = acc * _GOLDEN + ring[(words - w + j) % w]
                    _add(sig, _mix(acc), shift)
                    shingles += 1
            in_word = False
            i += 3 if cjk else 1
        if 0 < words < w:  # a text shorter than one shingle: all its words as one
            acc = np.uint64(words)
            for j in range(words):
                acc = acc * _GOLDEN + ring[j]
            _add(sig, _mix(acc), shift)
            shingles += 1
        counts[d] = shingles
        if shingles > 0:
            _densify_row(sig, bins)
        for b in range(bins):
            out[d, b] = sig[b]  # the low bits, for a uint8 ``out``


@numba.njit(inline="always")
def _densify_row(sig, bins):
    # Fill an empty bin from the next non-empty bin to its right (circularly),
    # mixed with the distance so that a borrowed value differs from the lender's.
    empty = np.uint32(0xFFFFFFFF)
    for b in range(bins):
        if sig[b] == empty:
            for step in range(1, bins):
                src = sig[(b + step) % bins]
                if src != empty:
                    x = _mix(np.uint64(src) ^ (np.uint64(step) << np.uint64(32)))
                    sig[b] = np.uint32(x & _MASK32)
                    break
    # a filled bin must never read as empty
    for b in range(bins):
        if sig[b] == empty:
            sig[b] = np.uint32(0xFFFFFFFE)


def utf8_buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of the texts and their offsets (one copy, shared by the kernels)."""
    return _utf8_buffers(texts)


def _utf8_buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    arr = texts.fill_null("").to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets


def signatures(texts: pl.Series, bins: int = BINS, full: bool = False,
               buffers: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(signatures, shingle_counts)``: an ``(n, bins)`` OPH signature per text and
    its number of shingles. The stored form (:func:`compact`: the low 8 bits of each
    bin, uint8), or with ``full`` the 32-bit minima (all ``EMPTY`` for a text
    without words). ``buffers``: the texts' :func:`utf8_buffers`, when the caller has them."""
    data, offsets = buffers or _utf8_buffers(texts)
    sig = np.full((len(texts), bins), EMPTY if full else 0xFF, dtype=np.uint32 if full else SIG_DTYPE)
    counts = np.zeros(len(texts), dtype=np.int32)
    if len(texts):
        _oph(data, offsets, bins, SHINGLE, sig, counts)
    return sig, counts


@numba.njit(parallel=True, cache=True)
def _equal_bins(sig, left, right, out):  # pragma: no cover - compiled
    for k in numba.prange(len(left)):
        a, b = left[k], right[k]
        same = 0
        for j in range(sig.shape[1]):
            if sig[a, j] == sig[b, j]:
                same += 1
        out[k] = same


def similarity(sig: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of the text pairs ``(left[i], right[i])``.

    With ``b``-bit bins (the stored form keeps 8) two texts also agree on a bin by
    chance, with probability 2^-b where their minima differ: the share of equal
    bins ``p`` estimates ``J + (1 - J) 2^-b``, so ``J = (p - 2^-b) / (1 - 2^-b)``.
    """
    if len(left) == 0:
        return np.zeros(0, dtype=np.float32)
    same = np.empty(len(left), dtype=np.int64)
    _equal_bins(np.ascontiguousarray(sig), np.ascontiguousarray(left, dtype=np.int64),
                np.ascontiguousarray(right, dtype=np.int64), same)
    p = same / sig.shape[1]
    floor = 2.0 ** -(8 * sig.itemsize)
    return np.clip((p - floor) / (1.0 - floor), 0.0, 1.0).astype(np.float32)


@numba.njit(parallel=True, cache=True)
def _fnv64(data, offsets, valid, out):  # pragma: no cover - compiled
    for d in numba.prange(len(offsets) - 1):
        if not valid[d]:
            out[d] = np.uint64(0)
            continue
        h = _FNV_OFFSET
        for i in range(offsets[d], offsets[d + 1]):
            h = (h ^ np.uint64(data[i])) * _FNV_PRIME
        out[d] = _mix(h)


def stable_hash(values: pl.Series) -> pl.Series:
    """A 64-bit hash of each string's UTF-8 bytes (FNV-1a, then mixed), null for null.

    Unlike polars' own ``hash`` (seeded, and free to change between versions),
    it depends on the bytes only, so it can be stored in the lake's dedup index.
    """
    valid = values.is_not_null().to_numpy()
    data, offsets = _utf8_buffers(values)
    out = np.zeros(len(values), dtype=np.uint64)
    if len(values):
        _fnv64(data, offsets, valid, out)
    return pl.Series(values.name, out, dtype=pl.UInt64).scatter(np.nonzero(~valid)[0], None)


SIG_DTYPE = np.uint8  # a bin keeps the low 8 bits of its minimum: 256 bytes a text


def compact(sig: np.ndarray) -> np.ndarray:
    """``signatures`` output to the stored form: the low 8 bits of each bin
    (b-bit minwise hashing). Two texts agree on a bin with probability
    J + (1 - J) / 256, which :func:`similarity` corrects for; the estimate's spread
    grows by under 1 %, the dedup view and the index are a quarter of the size.
    """
    return (sig & np.uint32(0xFF)).astype(SIG_DTYPE)


def sig_to_binary(sig: np.ndarray) -> pl.Series:
    """An ``(n, BINS)`` compact signature matrix as a Binary column (one value a row)."""
    sig = np.ascontiguousarray(sig, dtype=SIG_DTYPE)
    n, width = sig.shape[0], sig.shape[1] * sig.itemsize
    offsets = np.arange(n + 1, dtype=np.int64) * width
    arr = pa.Array.from_buffers(pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(sig.tobytes())])
    return pl.Series("fp_sig", arr, dtype=pl.Binary)


def binary_to_sig(values: pl.Series, bins: int = BINS) -> np.ndarray:
    """The Binary column of :func:`sig_to_binary` back to an ``(n, bins)`` matrix (one copy)."""
    width = bins * np.dtype(SIG_DTYPE).itemsize
    out = np.empty((len(values), bins), dtype=SIG_DTYPE)
    if values.null_count():
        raise ValueError("fp_sig has nulls")
    row = 0
    for piece in values.get_chunks():  # one chunk at a time: no whole-column copy
        chunk = piece.to_arrow()
        if isinstance(chunk, pa.ChunkedArray):
            chunk = chunk.combine_chunks()
        chunk = chunk.cast(pa.large_binary())
        m = len(chunk)
        if m == 0:
            continue
        _, off_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(off_buf, dtype=np.int64, count=m + 1, offset=chunk.offset * 8)
        if not (np.diff(offsets) == width).all():
            raise ValueError(f"fp_sig values must be {width} bytes")
        data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0]:offsets[-1]]
        out[row:row + m] = data.view(SIG_DTYPE).reshape(m, bins)
        row += m
    return out


# --------------------------------------------------------------------------------------
# Identifying tokens: numbers, in-sentence names and tickers, in one compiled pass
# --------------------------------------------------------------------------------------
#
# What ``features.NUMBERS`` and ``features.NAMES`` say as regular expressions, walked
# over the UTF-8 bytes: a number is ``\d+(?:[.,]\d+)*``; a name is a capitalised word
# (an ASCII capital, then word characters, apostrophes and hyphens holding a
# lower-case letter) after a space that follows a lower-case letter, a digit, a comma
# or a semicolon, the matches not overlapping (so "Marco Rossi" gives "Marco"); a
# ticker is ``<[A-Z][A-Z0-9.]*>``. Any non-ASCII byte counts as a word character.
# Each token is hashed as ``stable_hash`` hashes its bytes (low 32 bits); a text's
# hashes are sorted and unique.


@numba.njit(inline="always")
def _is_digit(c):
    return 48 <= c <= 57


@numba.njit(inline="always")
def _is_lower(c):
    return 97 <= c <= 122


@numba.njit(inline="always")
def _is_upper(c):
    return 65 <= c <= 90


@numba.njit(inline="always")
def _name_char(c):  # [\w'’-]: ASCII letters, digits, _, ', -, and any non-ASCII byte (’ included)
    return c >= 128 or _is_digit(c) or _is_lower(c) or _is_upper(c) or c == 95 or c == 39 or c == 45


@numba.njit(inline="always")
def _hash32(data, lo, hi):
    h = _FNV_OFFSET
    for i in range(lo, hi):
        h = (h ^ np.uint64(data[i])) * _FNV_PRIME
    return np.uint32(_mix(h) & _MASK32)


@numba.njit(inline="always")
def _scan_tokens(data, lo, hi, nums, names, fill):
    """Walk one text; with ``fill``, write the hashes into ``nums`` / ``names``.
    Returns the numbers of numbers and of names (with repeats)."""
    n_num = 0
    n_nam = 0
    i = lo
    name_free = lo  # a name match may start (its preceding character) from here
    while i < hi:
        c = data[i]
        if _is_digit(c):
            j = i + 1
            while True:
                while j < hi and _is_digit(data[j]):
                    j += 1
                if j + 1 < hi and (data[j] == 46 or data[j] == 44) and _is_digit(data[j + 1]):
                    j += 1
                    continue
                break
            if fill:
                nums[n_num] = _hash32(data, i, j)
            n_num += 1
            i = j
            continue
        if c == 60 and i + 1 < hi and _is_upper(data[i + 1]):  # a ticker <ABC.N>
            j = i + 2
            while j < hi and (_is_upper(data[j]) or _is_digit(data[j]) or data[j] == 46):
                j += 1
            if j < hi and data[j] == 62:
                if fill:
                    names[n_nam] = _hash32(data, i, j + 1)
                n_nam += 1
                name_free = j + 1
                i = j + 1
                continue
        if (_is_upper(c) and i - 2 >= name_free and data[i - 1] == 32
                and (_is_lower(data[i - 2]) or _is_digit(data[i - 2]) or data[i - 2] == 44 or data[i - 2] == 59)):
            j = i + 1
            lower = False
            while j < hi and _name_char(data[j]):
                if _is_lower(data[j]):
                    lower = True
                j += 1
            if lower:
                if fill:
                    names[n_nam] = _hash32(data, i, j)
                n_nam += 1
                name_free = j
                i = j
                continue
        i += 1
    return n_num, n_nam


@numba.njit(parallel=True, cache=True)
def _count_tokens(data, offsets, n_num, n_nam):  # pragma: no cover - compiled
    dummy = np.zeros(0, dtype=np.uint32)
    for d in numba.prange(len(offsets) - 1):
        a, b = _scan_tokens(data, offsets[d], offsets[d + 1], dummy, dummy, False)
        n_num[d] = a
        n_nam[d] = b


@numba.njit(parallel=True, cache=True)
def _fill_tokens(data, offsets, num_off, nam_off, nums, names, u_num, u_nam):  # pragma: no cover - compiled
    for d in numba.prange(len(offsets) - 1):
        _scan_tokens(data, offsets[d], offsets[d + 1], nums[num_off[d]:num_off[d + 1]],
                     names[nam_off[d]:nam_off[d + 1]], True)
        u_num[d] = _sort_unique(nums[num_off[d]:num_off[d + 1]])
        u_nam[d] = _sort_unique(names[nam_off[d]:nam_off[d + 1]])


@numba.njit(inline="always")
def _sort_unique(v):
    """Sort ``v`` in place and move its distinct values to the front; returns their count."""
    if len(v) == 0:
        return 0
    v.sort()
    w = 1
    for k in range(1, len(v)):
        if v[k] != v[w - 1]:
            v[w] = v[k]
            w += 1
    return w


@numba.njit(cache=True)
def _compact_lists(values, offsets, kept, out, out_off):  # pragma: no cover - compiled
    w = 0
    for d in range(len(offsets) - 1):
        out_off[d] = w
        for k in range(kept[d]):
            out[w] = values[offsets[d] + k]
            w += 1
    out_off[len(offsets) - 1] = w


def token_hashes(texts: pl.Series, buffers: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Per text, the sorted distinct 32-bit hashes of its numbers and of its names and
    tickers: ``((values, offsets), (values, offsets))``, row i holding
    ``values[offsets[i]:offsets[i + 1]]``."""
    data, offsets = buffers or _utf8_buffers(texts)
    n = len(texts)
    n_num = np.zeros(n, dtype=np.int64)
    n_nam = np.zeros(n, dtype=np.int64)
    if n:
        _count_tokens(data, offsets, n_num, n_nam)
    out = []
    num_off = np.concatenate([[0], np.cumsum(n_num)]).astype(np.int64)
    nam_off = np.concatenate([[0], np.cumsum(n_nam)]).astype(np.int64)
    nums = np.zeros(num_off[-1], dtype=np.uint32)
    names = np.zeros(nam_off[-1], dtype=np.uint32)
    u_num = np.zeros(n, dtype=np.int64)
    u_nam = np.zeros(n, dtype=np.int64)
    if n:
        _fill_tokens(data, offsets, num_off, nam_off, nums, names, u_num, u_nam)
    for values, off, kept in ((nums, num_off, u_num), (names, nam_off, u_nam)):
        dense = np.zeros(int(kept.sum()), dtype=np.uint32)
        dense_off = np.zeros(n + 1, dtype=np.int64)
        _compact_lists(values, off, kept, dense, dense_off)
        out.append((dense, dense_off))
    return out[0], out[1]
