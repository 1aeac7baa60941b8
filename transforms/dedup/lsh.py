"""LSH banding: the pairs of items that share a band bucket, without sorting every band.

A band's key is 4 signature bytes side by side (a 32-bit word of the signature
matrix). Per band, a hash table counts each key; the items whose key is held by 2 to
``cap`` items (a bucket that is not a template's or boilerplate's) are collected and
sorted by key (few: most keys are held by one item), and each run of one key gives
its pairs. A pair is written once, in the first band where it shares a bucket (a
pair that shares ten bands is not written ten times and deduplicated afterwards).
Bands run in parallel (``prange``).
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(inline="always")
def _slot(key, shift):
    return np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> shift)


@numba.njit(parallel=True, cache=True)
def _valid_buckets(words, rows, bands, cap, bits, ok):  # pragma: no cover - compiled
    """``ok[t, j]``: row ``rows[j]``'s key in band ``t`` is held by 2 to ``cap`` rows.
    Returns the count of such rows per band."""
    m = len(rows)
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    held = np.zeros(bands, dtype=np.int64)
    for t in numba.prange(bands):
        keys = np.empty(size, dtype=np.uint32)
        count = np.zeros(size, dtype=np.int32)
        for j in range(m):
            k = words[rows[j], t]
            s = _slot(k, shift)
            while count[s] != 0 and keys[s] != k:
                s = (s + 1) & mask
            keys[s] = k
            count[s] += 1
        c = 0
        for j in range(m):
            k = words[rows[j], t]
            s = _slot(k, shift)
            while keys[s] != k:
                s = (s + 1) & mask
            if 2 <= count[s] <= cap:
                ok[t, j] = 1
                c += 1
            else:
                ok[t, j] = 0
        held[t] = c
    return held


@numba.njit(parallel=True, cache=True)
def _band_masks(ok, masks):  # pragma: no cover - compiled
    """Per row, a bit per band where its bucket is valid."""
    bands, m = ok.shape
    for j in numba.prange(m):
        x = np.uint64(0)
        for t in range(bands):
            if ok[t, j]:
                x |= np.uint64(1) << np.uint64(t)
        masks[j] = x


@numba.njit(parallel=True, cache=True)
def _sorted_members(words, rows, ok, start, members):  # pragma: no cover - compiled
    """Per band, the codes ``key << 32 | j`` of its rows in valid buckets, sorted."""
    bands, m = ok.shape
    for t in numba.prange(bands):
        w = start[t]
        for j in range(m):
            if ok[t, j]:
                members[w] = (np.uint64(words[rows[j], t]) << np.uint64(32)) | np.uint64(j)
                w += 1
        members[start[t]:start[t + 1]].sort()


@numba.njit(inline="always")
def _seen_before(words, rows, masks, x, y, t):
    """Did rows ``x`` and ``y`` (positions) share a valid bucket in a band before ``t``?"""
    earlier = masks[x] & masks[y] & ((np.uint64(1) << np.uint64(t)) - np.uint64(1))
    while earlier:
        b = 0
        probe = earlier
        while (probe & np.uint64(1)) == 0:
            probe >>= np.uint64(1)
            b += 1
        if words[rows[x], b] == words[rows[y], b]:
            return True
        earlier &= earlier - np.uint64(1)
    return False


@numba.njit(parallel=True, cache=True)
def _band_pairs(words, rows, masks, start, members, first, out):  # pragma: no cover - compiled
    """Walk each band's runs of one key; count (``out`` empty) or write, from
    ``first[t]``, the pairs ``rows[x] << 32 | rows[y]`` (``x < y``) seen in no earlier band."""
    bands = len(start) - 1
    fill = len(out) > 0
    found = np.zeros(bands, dtype=np.int64)
    for t in numba.prange(bands):
        w = first[t] if fill else 0
        lo = start[t]
        hi = start[t + 1]
        i = lo
        while i < hi:
            key = members[i] >> np.uint64(32)
            j = i + 1
            while j < hi and (members[j] >> np.uint64(32)) == key:
                j += 1
            for p in range(i, j):
                x = np.int64(members[p] & np.uint64(0xFFFFFFFF))
                for q in range(p + 1, j):
                    y = np.int64(members[q] & np.uint64(0xFFFFFFFF))
                    if _seen_before(words, rows, masks, x, y, t):
                        continue
                    if fill:
                        out[w] = (np.uint64(rows[x]) << np.uint64(32)) | np.uint64(rows[y])
                    w += 1
            i = j
        found[t] = w - (first[t] if fill else 0)
    return found


def band_pairs(sig: np.ndarray, rows: np.ndarray, bands: int, cap: int) -> np.ndarray:
    """Codes ``a << 32 | b`` (``a < b``, rows of ``sig``) of the pairs among ``rows``
    (ascending) that share a bucket of 2 to ``cap`` rows in one of the first ``bands``
    32-bit words of their signatures. Each pair once; grouped by the band where it
    is first found, in key order within a band."""
    m = len(rows)
    if m < 2:
        return np.zeros(0, dtype=np.uint64)
    words = np.ascontiguousarray(sig).view(np.uint32)
    if words.shape[1] < bands:
        raise ValueError(f"signatures hold {words.shape[1]} band words, not {bands}")
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    bits = max(int(2 * m - 1).bit_length(), 4)  # a table of at least twice the rows
    ok = np.empty((bands, m), dtype=np.uint8)
    held = _valid_buckets(words, rows, bands, cap, bits, ok)
    masks = np.empty(m, dtype=np.uint64)
    _band_masks(ok, masks)
    start = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum(held, out=start[1:])
    members = np.empty(start[-1], dtype=np.uint64)
    _sorted_members(words, rows, ok, start, members)
    del ok
    counts = _band_pairs(words, rows, masks, start, members, np.zeros(bands, dtype=np.int64),
                         np.zeros(0, dtype=np.uint64))
    first = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    out = np.empty(first[-1], dtype=np.uint64)
    if len(out):
        _band_pairs(words, rows, masks, start, members, first, out)
    return out
