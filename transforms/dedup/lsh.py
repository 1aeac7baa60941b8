"""LSH banding: the pairs of items that share a band bucket, without a hash table a band.

A band's key is 4 signature bytes side by side (a 32-bit word of the signature
matrix); the eligible rows' keys are first laid out band by band (one contiguous
array a band, not a word every 256 bytes). Per band, the codes ``key << 32 | row``
are radix-sorted by key (4 streaming passes of 8 bits; a hash table of twice the
rows, probed at random, left the caches at 1M rows), and the runs of one key are
its buckets: those of 2 to ``cap`` rows (a bucket that is not a template's or
boilerplate's) give their pairs. A pair is written once, in the first band where
it shares a bucket (a pair that shares ten bands is not written ten times and
deduplicated afterwards): one walk of the runs flags each pair that is new, a
second writes the flagged ones. Bands run side by side (threads taking the next
band, ``fingerprint.run_blocks``; the walks in ``prange``).
"""

from __future__ import annotations

import numba
import numpy as np

from transforms.dedup.fingerprint import _grown, run_blocks

_LOW = np.uint64(0xFFFFFFFF)


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


@numba.njit(nogil=True, cache=True)
def _band_members(keys, cap, codes, tmp, ok):  # pragma: no cover - compiled
    """One band: ``ok[j]``: key ``keys[j]`` is held by 2 to ``cap`` rows; the codes
    ``key << 32 | j`` of those rows, sorted, in ``codes[:held]``; returns ``held``.

    The codes are sorted by key with a stable radix sort (4 passes of 8 bits: each
    pass streams the band once, its counts fit in L1), so the runs of one key are the
    buckets, in ``j`` order within a run: no hash table probed at random (a band of 1M
    rows would need 16 MB of table)."""
    m = len(keys)
    for j in range(m):
        codes[j] = (np.uint64(keys[j]) << np.uint64(32)) | np.uint64(j)
        ok[j] = 0
    src = codes
    dst = tmp
    count = np.zeros(256, dtype=np.int64)
    for p in range(4):
        sh = np.uint64(32 + 8 * p)
        count[:] = 0
        for j in range(m):
            count[np.int64((src[j] >> sh) & np.uint64(255))] += 1
        if count[np.int64((src[0] >> sh) & np.uint64(255))] == m:
            continue  # one digit for every row: this pass would not move anything
        total = 0
        for d in range(256):
            c = count[d]
            count[d] = total
            total += c
        for j in range(m):
            d = np.int64((src[j] >> sh) & np.uint64(255))
            dst[count[d]] = src[j]
            count[d] += 1
        src, dst = dst, src
    held = 0
    i = 0
    while i < m:
        key = src[i] >> np.uint64(32)
        e = i + 1
        while e < m and (src[e] >> np.uint64(32)) == key:
            e += 1
        if 2 <= e - i <= cap:
            for x in range(i, e):
                ok[np.int64(src[x] & _LOW)] = 1
                codes[held] = src[x]  # held <= x: never ahead of what is read
                held += 1
        i = e
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


@numba.njit(inline="always")
def _run_end(members, i, hi):
    """The end of the run of one key (the high 32 bits) that starts at ``members[i]``."""
    key = members[i] >> np.uint64(32)
    j = i + 1
    while j < hi and (members[j] >> np.uint64(32)) == key:
        j += 1
    return j


@numba.njit(parallel=True, cache=True)
def _band_runs(start, members, occ):  # pragma: no cover - compiled
    """``occ[t]``: the pairs of band ``t``'s runs of one key, seen before or not."""
    bands = len(start) - 1
    for t in numba.prange(bands):
        n = 0
        i = start[t]
        hi = start[t + 1]
        while i < hi:
            j = _run_end(members, i, hi)
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
            j = _run_end(members, i, hi)
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
            j = _run_end(members, i, hi)
            for p in range(i, j):
                x = np.int64(members[p] & np.uint64(0xFFFFFFFF))
                for q in range(p + 1, j):
                    if new[o]:
                        y = np.int64(members[q] & np.uint64(0xFFFFFFFF))
                        out[w] = (np.uint64(rows[x]) << np.uint64(32)) | np.uint64(rows[y])
                        w += 1
                    o += 1
            i = j


def _valid_members(bw: np.ndarray, cap: int, ok: np.ndarray) -> list[np.ndarray]:
    """``_band_members`` of each band (row of ``bw``), bands side by side on threads."""
    bands, m = bw.shape
    parts: list = [None] * bands

    def band(t: int, scratch: dict) -> None:
        codes = _grown(scratch, "codes", m, np.uint64)
        tmp = _grown(scratch, "tmp", m, np.uint64)
        held = _band_members(bw[t], cap, codes, tmp, ok[t])
        parts[t] = codes[:held].copy()

    run_blocks(band, bands)
    return parts


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
    bw = np.empty((bands, m), dtype=np.uint32)
    _band_words(words, rows, bands, bw)
    ok = np.empty((bands, m), dtype=np.uint8)
    parts = _valid_members(bw, cap, ok)
    del bw
    masks = np.empty(m, dtype=np.uint64)
    _band_masks(ok, masks)
    del ok
    start = np.zeros(bands + 1, dtype=np.int64)
    np.cumsum([len(x) for x in parts], out=start[1:])
    members = np.concatenate(parts)
    del parts
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
