"""LSH banding: the pairs of items that share a band bucket, without sorting every band.

A band's key is 4 signature bytes side by side (a 32-bit word of the signature
matrix); the eligible rows' keys are first laid out band by band (one contiguous
array a band, not a word every 256 bytes). Per band, a hash table counts each key; the items whose key is held by 2 to
``cap`` items (a bucket that is not a template's or boilerplate's) are collected and
sorted by key (few: most keys are held by one item), and each run of one key gives
its pairs. A pair is written once, in the first band where it shares a bucket (a
pair that shares ten bands is not written ten times and deduplicated afterwards):
one walk of the runs flags each pair that is new, a second writes the flagged ones
(the check against earlier bands is done once). Bands run in parallel (``prange``).
"""

from __future__ import annotations

import numba
import numpy as np

_HIGH = np.uint64(0xFFFFFFFF00000000)
_LOW = np.uint64(0xFFFFFFFF)


@numba.njit(inline="always")
def _slot(key, shift):
    return np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> shift)


@numba.njit(parallel=True, cache=True)
def _band_words(words, rows, bands, out):  # pragma: no cover - compiled
    """``out[t, j] = words[rows[j], t]``: each band's keys side by side, so that the
    per-band walks below read one contiguous array instead of a word every 256 bytes."""
    m = len(rows)
    blocks = (m + 15) // 16
    for blk in numba.prange(blocks):
        lo = blk * 16
        hi = min(lo + 16, m)
        for t in range(bands):
            for j in range(lo, hi):
                out[t, j] = words[rows[j], t]


@numba.njit(parallel=True, cache=True)
def _valid_buckets(bw, cap, bits, ok):  # pragma: no cover - compiled
    """``ok[t, j]``: key ``bw[t, j]`` is held by 2 to ``cap`` rows of band ``t``.
    Returns the count of such rows per band. A slot of the table holds a key and its
    count in one 64-bit word (``key << 32 | count``; 0: free), so a probe reads one line."""
    bands, m = bw.shape
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    held = np.zeros(bands, dtype=np.int64)
    for t in numba.prange(bands):
        table = np.zeros(size, dtype=np.uint64)
        keys = bw[t]
        for j in range(m):
            k = keys[j]
            s = _slot(k, shift)
            tag = np.uint64(k) << np.uint64(32)
            while True:
                e = table[s]
                if e == 0:
                    table[s] = tag | np.uint64(1)
                    break
                if (e & _HIGH) == tag:
                    table[s] = e + np.uint64(1)
                    break
                s = (s + 1) & mask
        c = 0
        for j in range(m):
            k = keys[j]
            s = _slot(k, shift)
            tag = np.uint64(k) << np.uint64(32)
            while (table[s] & _HIGH) != tag:
                s = (s + 1) & mask
            n = table[s] & _LOW
            if np.uint64(2) <= n <= np.uint64(cap):
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
def _sorted_members(bw, ok, start, members):  # pragma: no cover - compiled
    """Per band, the codes ``key << 32 | j`` of its rows in valid buckets, sorted."""
    bands, m = ok.shape
    for t in numba.prange(bands):
        w = start[t]
        keys = bw[t]
        for j in range(m):
            if ok[t, j]:
                members[w] = (np.uint64(keys[j]) << np.uint64(32)) | np.uint64(j)
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
def _band_runs(start, members, occ):  # pragma: no cover - compiled
    """``occ[t]``: the pairs of band ``t``'s runs of one key, seen before or not."""
    bands = len(start) - 1
    for t in numba.prange(bands):
        n = 0
        i = start[t]
        hi = start[t + 1]
        while i < hi:
            key = members[i] >> np.uint64(32)
            j = i + 1
            while j < hi and (members[j] >> np.uint64(32)) == key:
                j += 1
            n += (j - i) * (j - i - 1) // 2
            i = j
        occ[t] = n


@numba.njit(parallel=True, cache=True)
def _band_new(words, rows, masks, start, members, occ_start, new):  # pragma: no cover - compiled
    """Walk each band's runs of one key; ``new[o]`` for the ``o``-th pair of the walk
    (from ``occ_start[t]``): the pair shares a valid bucket in no earlier band.
    Returns the count of new pairs per band."""
    bands = len(start) - 1
    found = np.zeros(bands, dtype=np.int64)
    for t in numba.prange(bands):
        o = occ_start[t]
        c = 0
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
                    fresh = not _seen_before(words, rows, masks, x, y, t)
                    new[o] = fresh
                    c += fresh
                    o += 1
            i = j
        found[t] = c
    return found


@numba.njit(parallel=True, cache=True)
def _band_pairs(rows, start, members, occ_start, new, first, out):  # pragma: no cover - compiled
    """The same walk as ``_band_new``: write, from ``first[t]``, the new pairs
    ``rows[x] << 32 | rows[y]`` (``x < y``)."""
    bands = len(start) - 1
    for t in numba.prange(bands):
        o = occ_start[t]
        w = first[t]
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
                    if new[o]:
                        y = np.int64(members[q] & np.uint64(0xFFFFFFFF))
                        out[w] = (np.uint64(rows[x]) << np.uint64(32)) | np.uint64(rows[y])
                        w += 1
                    o += 1
            i = j


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
    bw = np.empty((bands, m), dtype=np.uint32)
    _band_words(words, rows, bands, bw)
    ok = np.empty((bands, m), dtype=np.uint8)
    held = _valid_buckets(bw, cap, bits, ok)
    masks = np.empty(m, dtype=np.uint64)
    _band_masks(ok, masks)
    start = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum(held, out=start[1:])
    members = np.empty(start[-1], dtype=np.uint64)
    _sorted_members(bw, ok, start, members)
    del ok, bw
    occ = np.zeros(bands, dtype=np.int64)
    _band_runs(start, members, occ)
    occ_start = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum(occ, out=occ_start[1:])
    new = np.empty(occ_start[-1], dtype=np.bool_)
    counts = _band_new(words, rows, masks, start, members, occ_start, new)
    first = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    out = np.empty(first[-1], dtype=np.uint64)
    if len(out):
        _band_pairs(rows, start, members, occ_start, new, first, out)
    return out
