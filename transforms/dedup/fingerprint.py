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

import itertools
import threading
from collections.abc import Callable

import numba
import numpy as np
import polars as pl
import pyarrow as pa

from transforms.utf8 import text_buffer, utf8_buffers, utf8_views

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
    # a min, not ``if v < row[b]``: the branch goes one way then the other as the bins
    # fill, and its mispredictions were 9 % of the fused pass (issue 15)
    row[b] = min(np.uint32(x & _MASK32), row[b])


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


def signatures(texts: pl.Series, bins: int = BINS, full: bool = False,
               buffers: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(signatures, shingle_counts)``: an ``(n, bins)`` OPH signature per text and
    its number of shingles. The stored form (:func:`compact`: the low 8 bits of each
    bin, uint8), or with ``full`` the 32-bit minima (all ``EMPTY`` for a text
    without words). ``buffers``: the texts' :func:`utf8_buffers`, when the caller has them."""
    data, offsets = buffers or utf8_buffers(texts)
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


_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_BYTE_ONES = np.uint64(0x0101010101010101)


@numba.njit(parallel=True, cache=True)
def _equal_bytes(words, left, right, out):  # pragma: no cover - compiled
    """``_equal_bins`` of 8-bit bins read 8 at a time: per 64-bit word, the zero bytes
    of ``x ^ y`` (0x80 set in each, exactly) counted with a multiply."""
    for k in numba.prange(len(left)):
        a, b = left[k], right[k]
        same = 0
        for j in range(words.shape[1]):
            t = words[a, j] ^ words[b, j]
            z = ~(((t & _LOW7) + _LOW7) | t | _LOW7)
            same += np.int64(((z >> np.uint64(7)) * _BYTE_ONES) >> np.uint64(56))
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
    sig = np.ascontiguousarray(sig)
    left, right = np.ascontiguousarray(left, dtype=np.int64), np.ascontiguousarray(right, dtype=np.int64)
    if sig.dtype == np.uint8 and sig.shape[1] % 8 == 0:  # the stored form: 8 bins a word
        _equal_bytes(sig.view(np.uint64), left, right, same)
    else:
        _equal_bins(sig, left, right, same)
    p = same / sig.shape[1]
    floor = 2.0 ** -(8 * sig.itemsize)
    return np.clip((p - floor) / (1.0 - floor), 0.0, 1.0).astype(np.float32)


@numba.njit(inline="always")
def _word64(data, i):
    """The 8 bytes ``data[i:i + 8]`` as a little-endian 64-bit word."""
    return (np.uint64(data[i]) | (np.uint64(data[i + 1]) << np.uint64(8))
            | (np.uint64(data[i + 2]) << np.uint64(16)) | (np.uint64(data[i + 3]) << np.uint64(24))
            | (np.uint64(data[i + 4]) << np.uint64(32)) | (np.uint64(data[i + 5]) << np.uint64(40))
            | (np.uint64(data[i + 6]) << np.uint64(48)) | (np.uint64(data[i + 7]) << np.uint64(56)))


@numba.njit(inline="always")
def _whash(data, lo, hi):
    """``stable_hash`` of the bytes ``data[lo:hi]``: 8 bytes at a time (a multiply and
    a shift each, not a multiply a byte), the length in the seed, then ``_mix``."""
    h = _FNV_OFFSET ^ (np.uint64(hi - lo) * _M1)
    i = lo
    while i + 8 <= hi:
        h = (h ^ _word64(data, i)) * _M2
        h = h ^ (h >> np.uint64(29))
        i += 8
    if i < hi:
        t = np.uint64(0)
        s = np.uint64(0)
        while i < hi:
            t |= np.uint64(data[i]) << s
            s += np.uint64(8)
            i += 1
        h = (h ^ t) * _M2
        h = h ^ (h >> np.uint64(29))
    return _mix(h)


_HIGH = np.uint64(0x8080808080808080)
_ONES = np.uint64(0x0101010101010101)


@numba.njit(inline="always")
def _whash_chars(data, lo, hi):
    """``(_whash(data, lo, hi), characters)``: the UTF-8 characters counted on the way
    (bytes that are not continuation bytes, 10xxxxxx), 8 at a time."""
    h = _FNV_OFFSET ^ (np.uint64(hi - lo) * _M1)
    cont = 0
    i = lo
    while i + 8 <= hi:
        w = _word64(data, i)
        c = w & ~(w << np.uint64(1)) & _HIGH  # bit 7 set, bit 6 clear
        cont += np.int64(((c >> np.uint64(7)) * _ONES) >> np.uint64(56))
        h = (h ^ w) * _M2
        h = h ^ (h >> np.uint64(29))
        i += 8
    if i < hi:
        t = np.uint64(0)
        s = np.uint64(0)
        while i < hi:
            b = data[i]
            cont += (b & 0xC0) == 0x80
            t |= np.uint64(b) << s
            s += np.uint64(8)
            i += 1
        h = (h ^ t) * _M2
        h = h ^ (h >> np.uint64(29))
    return _mix(h), (hi - lo) - cont


@numba.njit(inline="always")
def _chain_start(size):
    return _FNV_OFFSET ^ (np.uint64(size) * _M2)


@numba.njit(inline="always")
def _chain(h, x):
    h = (h ^ x) * _M1
    return h ^ (h >> np.uint64(29))


@numba.njit(cache=True)
def _chain_pieces(size, hashes, offsets, valid, out):  # pragma: no cover - compiled
    for d in range(len(out)):
        h = _chain_start(size[d])
        for q in range(offsets[d], offsets[d + 1]):
            h = _chain(h, hashes[q])
        out[d] = _mix(h) if valid[d] else np.uint64(0)


def body_hash(bodies: pl.Series) -> pl.Series:
    """``fp_body``: a 64-bit hash of each body, null for null, made from its pieces
    split on "\n\n" (left to right, as ``str.split``; empty pieces too): the byte
    length of the body, then each piece's :func:`stable_hash` in order, chained and
    mixed. The pieces joined by "\n\n" give the body back, so two bodies get one
    hash only when they are the same bytes (or the 64-bit hashes collide). The fused
    pass chains the paragraph hashes it makes anyway instead of reading the body a
    second time (8 % of its time, issue 15). This is its reference."""
    valid = bodies.is_not_null().to_numpy()
    pieces = bodies.fill_null("").str.split("\n\n")
    hashes = stable_hash(pieces.explode()).to_numpy()
    offsets = np.zeros(len(bodies) + 1, dtype=np.int64)
    np.cumsum(pieces.list.len().to_numpy(), out=offsets[1:])
    out = np.zeros(len(bodies), dtype=np.uint64)
    if len(bodies):
        _chain_pieces(bodies.fill_null("").str.len_bytes().to_numpy().astype(np.int64), hashes, offsets, valid, out)
    return pl.Series(bodies.name, out, dtype=pl.UInt64).scatter(np.nonzero(~valid)[0], None)


@numba.njit(parallel=True, cache=True)
def _hash_each(addrs, sizes, ids, starts, lengths, valid, out):  # pragma: no cover - compiled
    for d in numba.prange(len(ids)):
        out[d] = (_whash(text_buffer(addrs, sizes, ids[d]), starts[d], starts[d] + lengths[d]) if valid[d]
                  else np.uint64(0))


def stable_hash(values: pl.Series) -> pl.Series:
    """A 64-bit hash of each string's UTF-8 bytes (8 bytes at a time, then mixed), null for null.

    Unlike polars' own ``hash`` (seeded, and free to change between versions),
    it depends on the bytes only, so it can be stored in the lake's dedup index.
    """
    valid = values.is_not_null().to_numpy()
    out = np.zeros(len(values), dtype=np.uint64)
    if len(values):
        views = utf8_views(values)
        _hash_each(*views.args, valid, out)
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
    return np.uint32(_whash(data, lo, hi) & _MASK32)


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
    if len(v) <= 16:  # most rows: an insertion sort, not a call into the library sort
        for k in range(1, len(v)):
            x = v[k]
            j = k - 1
            while j >= 0 and v[j] > x:
                v[j + 1] = v[j]
                j -= 1
            v[j + 1] = x
    else:
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


@numba.njit(inline="always")
def _alnum(c):  # [a-z0-9] (after lower-casing)
    return _is_digit(c) or _is_lower(c)


@numba.njit(cache=True, nogil=True)
def _headline_words(addrs, sizes, ids, starts, lengths, first, last, buf, out, out_off, other):  # pragma: no cover - compiled
    """Per headline, the sorted distinct ``_hash32`` of ``features.HEADLINE_WORDS``
    in it, as ``features`` defines them: lower-cased, ``\\.[a-z]>`` replaced by ">"
    (``<ABC.N>`` as ``<abc>``), then ``<[a-z0-9.]+>|[a-z0-9]{3,}`` found left to right,
    leftmost-first, not overlapping. A non-ASCII character matches no part of these
    patterns and lower-cases to non-ASCII characters, except two whose lower case holds
    an ASCII letter (U+0130 "İ" -> "i̇", U+212A KELVIN SIGN -> "k": every code point
    checked against polars' ``to_lowercase``); a headline holding one is left out here
    (``other`` set, no hashes) for the caller to take polars' Unicode lower-casing.
    Headlines ``first`` to ``last - 1``, written from 0 (``out_off[d - first]``)."""
    w = 0
    for d in range(first, last):
        out_off[d - first] = w
        src = text_buffer(addrs, sizes, ids[d])
        s0 = starts[d]
        n = lengths[d]
        # lower-case, and ".x>" -> ">" left to right
        L = 0
        i = 0
        odd = False
        while i < n:
            c = src[s0 + i]
            if c >= 128:
                if (c == 0xC4 and i + 1 < n and src[s0 + i + 1] == 0xB0) or (
                        c == 0xE2 and i + 2 < n and src[s0 + i + 1] == 0x84 and src[s0 + i + 2] == 0xAA):
                    odd = True
                    break
            elif 65 <= c <= 90:
                c += 32
            if c == 46 and i + 2 < n:
                c1 = src[s0 + i + 1]
                if 65 <= c1 <= 90:
                    c1 += 32
                if 97 <= c1 <= 122 and src[s0 + i + 2] == 62:
                    buf[L] = 62
                    L += 1
                    i += 3
                    continue
            buf[L] = c
            L += 1
            i += 1
        if odd:
            other[d - first] = True
            continue
        start = w
        p = 0
        while p < L:
            c = buf[p]
            if c == 60:  # <[a-z0-9.]+>
                j = p + 1
                while j < L and (_alnum(buf[j]) or buf[j] == 46):
                    j += 1
                if j > p + 1 and j < L and buf[j] == 62:
                    out[w] = _hash32(buf, p, j + 1)
                    w += 1
                    p = j + 1
                    continue
            if _alnum(c):  # [a-z0-9]{3,}
                j = p + 1
                while j < L and _alnum(buf[j]):
                    j += 1
                if j - p >= 3:
                    out[w] = _hash32(buf, p, j)
                    w += 1
                p = j
                continue
            p += 1
        w = start + _sort_unique(out[start:w])
    out_off[last - first] = w


def headline_word_hashes(head: pl.Series, block: int = 1 << 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, offsets, other)``: per headline, the sorted distinct 32-bit hashes of its
    words and tickers (``features.HEADLINE_WORDS``), row i holding
    ``values[offsets[i]:offsets[i + 1]]``; rows with ``other`` set (a character whose
    lower case is ASCII: "İ", the Kelvin sign) hold none and are left to the caller.
    ``block`` headlines at a time, blocks side by side on threads (:func:`run_blocks`)."""
    views = utf8_views(head)
    n = len(head)
    other = np.zeros(n, dtype=np.bool_)
    bounds = list(range(0, n, block)) + [n]
    parts: list = [None] * (len(bounds) - 1)

    def work(k: int, scratch: dict) -> None:
        first, last = bounds[k], bounds[k + 1]
        lengths = views.lengths[first:last]
        buf = _grown(scratch, "buf", int(lengths.max()) + 1, np.uint8)
        out = np.empty(int((lengths // 2 + 1).sum()) + 1, dtype=np.uint32)
        out_off = np.zeros(last - first + 1, dtype=np.int64)
        _headline_words(*views.args, first, last, buf, out, out_off, other[first:last])
        parts[k] = (out[:out_off[-1]], out_off)

    run_blocks(work, len(parts))
    values = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.uint32)
    offsets = np.zeros(n + 1, dtype=np.int64)
    if parts:
        offsets[1:] = np.cumsum(np.concatenate([np.diff(p[1]) for p in parts]))
    return values, offsets, other


def token_hashes(texts: pl.Series, buffers: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Per text, the sorted distinct 32-bit hashes of its numbers and of its names and
    tickers: ``((values, offsets), (values, offsets))``, row i holding
    ``values[offsets[i]:offsets[i + 1]]``."""
    data, offsets = buffers or utf8_buffers(texts)
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


# --------------------------------------------------------------------------------------
# Every per-item feature in one pass over the bytes
# --------------------------------------------------------------------------------------
#
# ``item_features`` needs, for each item, the OPH signature and the numbers and names of
# its dedup text (headline + "\n\n" + body), and the hashes of its body, of its lead and
# of its paragraphs. The functions above compute each on its own (and stay as the
# reference: ``tests/test_features.py`` checks the fused pass against them); the kernel
# below reads each text once for its words, shingles and tokens, then hashes the body
# and its paragraphs from the bytes still in cache, 8 bytes at a time (``_whash``).

# Byte classes of the OPH word split: 0 a separator, 1 a word character (ASCII letter or
# digit, any non-ASCII byte), 2 a possible CJK lead byte (E3-E9: a word of its own when
# its two continuation bytes follow).
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[48:58] = 1
_CLASS[65:91] = 1
_CLASS[97:123] = 1
_CLASS[128:256] = 1
_CLASS[0xE3:0xEA] = 2
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
# Where a number (1), a ticker (2) or a name (3: a capital) may start.
_TOKEN = np.zeros(256, dtype=np.uint8)
_TOKEN[48:58] = 1
_TOKEN[60] = 2
_TOKEN[65:91] = 3
# Bytes that only extend the word being read (a word character that is no CJK lead byte,
# needs no lower-casing and starts no token): the kernel's fast path.
_FAST = ((_CLASS == 1) & (_TOKEN == 0)).astype(np.uint8)
LEAD_SLICE = 200  # characters of the body the lead is taken from (``features.LEAD_CHARS`` x 2)


@numba.njit(inline="always")
def _is_space(c):  # the regex \s on ASCII: tab, LF, VT, FF, CR, space
    return c == 32 or 9 <= c <= 13


@numba.njit(inline="always")
def _copy_without(data, lo, hi, skip, buf, L):
    """Copy ``data[lo:hi]`` to ``buf`` from ``L`` without its paragraphs (split on
    "\n\n", left to right, as ``str.split``) whose ``stable_hash`` is in ``skip``
    (sorted), the rest joined by "\n\n" again; returns the new end. Empty
    paragraphs stay."""
    ps = lo
    x = lo
    out_any = False
    while True:
        while x < hi and not (data[x] == 10 and x + 1 < hi and data[x + 1] == 10):
            x += 1
        keep = True
        if x > ps:
            h = _whash(data, ps, x)
            at = np.searchsorted(skip, h)
            keep = not (at < len(skip) and skip[at] == h)
        if keep:
            if out_any:
                buf[L] = 10
                buf[L + 1] = 10
                L += 2
            for y in range(ps, x):
                buf[L] = data[y]
                L += 1
            out_any = True
        if x >= hi:
            return L
        x += 2
        ps = x


@numba.njit(nogil=True, cache=True)
def _fused_range(haddr, hsize, hids, hst, hln, baddr, bsize, bids, bst, bln, bvalid, sep, skip, first, last, lead_chars,
                 body_features, cls, lower, tcls, fast,
                 buf, tok, sig_out, counts, body_hash, lead_hash, lead_state,
                 n_num, num_out, n_nam, nam_out, n_par, par_out, pchar_out):  # pragma: no cover - compiled
    """Features of texts ``first`` to ``last - 1`` (outputs indexed from 0), one after the
    other (``nogil``: threads run blocks side by side, each with its own scratch).

    Per text: OPH signature (low 8 bits) and shingle count as ``_oph``; numbers and names
    as ``_scan_tokens`` (sorted, distinct: numbers at the front of ``tok``, names at its
    back, then appended to ``num_out`` / ``nam_out``, ``n_num`` / ``n_nam`` of them); the
    body's ``stable_hash``; its lead's (state 1; 0 for none; 2 when the lead's first
    characters are not all ASCII: the caller computes it); its non-empty paragraphs'
    hashes and lengths as ``paragraph_hashes`` (appended to ``par_out`` / ``pchar_out``).
    ``buf``: scratch of the longest text + 1; ``tok``: of its ``len // 2 + 2`` tokens.
    Returns the numbers of values written to ``num_out``, ``nam_out`` and ``par_out``.
    """
    m = last - first
    shift = np.uint64(56)  # 256 bins: the top 8 bits of a shingle hash pick its bin
    lbuf = np.empty(max(lead_chars, 1), dtype=np.uint8)
    sig = np.empty(256, dtype=np.uint32)
    num_w = 0
    nam_w = 0
    par_w = 0
    for k in range(m):
        d = first + k
        # the dedup text: headline, "\n\n", body
        L = hln[d]
        src = text_buffer(haddr, hsize, hids[d])
        s0 = hst[d]
        buf[0:L] = src[s0:s0 + L]
        if sep:
            buf[L] = 10
            buf[L + 1] = 10
            L += 2
        bstart = L
        if sep:
            src = text_buffer(baddr, bsize, bids[d])
            s0 = bst[d]
            if len(skip) == 0:
                buf[L:L + bln[d]] = src[s0:s0 + bln[d]]
                L += bln[d]
            else:
                L = _copy_without(src, s0, s0 + bln[d], skip, buf, L)

        # the lead: the body's first characters, lower-cased, runs of spaces as one
        lead_state[k] = 0
        if body_features and bvalid[d]:
            stop = min(L, bstart + 2 * lead_chars)
            ascii_ = True
            for x in range(bstart, stop):
                if buf[x] >= 128:
                    ascii_ = False
                    break
            if not ascii_:
                lead_state[k] = 2
            else:
                made = 0
                in_ws = False
                for x in range(bstart, stop):
                    c = buf[x]
                    if _is_space(c):
                        if in_ws:
                            continue
                        in_ws = True
                        c = np.uint8(32)
                    else:
                        in_ws = False
                        c = lower[c]
                    if made < lead_chars:
                        lbuf[made] = c
                    made += 1
                if made >= lead_chars:
                    lead_hash[k] = _whash(lbuf, 0, lead_chars)
                    lead_state[k] = 1

        for b in range(256):
            sig[b] = EMPTY
        h = _FNV_OFFSET     # the word being read
        p1 = np.uint64(0)   # the word before it ...
        p2 = np.uint64(0)   # ... and the one before that
        in_word = False
        words = 0
        shingles = 0
        tsize = L // 2 + 2
        nn = 0
        nm = 0
        tok_next = 0
        name_free = 0
        nsplit = 0
        split_from = bstart
        i = 0
        while i < L:
            c = buf[i]
            if fast[c]:  # most bytes: a lower-case letter or a non-ASCII byte inside a word
                h = (h ^ np.uint64(c)) * _FNV_PRIME
                in_word = True
                i += 1
                continue
            # numbers, tickers and names (``_scan_tokens``); none starts at a non-ASCII byte
            tc = tcls[c]
            if tc != 0 and i >= tok_next:
                tok_next = i + 1
                if tc == 1:  # a number
                    j = i + 1
                    while True:
                        while j < L and _is_digit(buf[j]):
                            j += 1
                        if j + 1 < L and (buf[j] == 46 or buf[j] == 44) and _is_digit(buf[j + 1]):
                            j += 1
                            continue
                        break
                    tok[nn] = _hash32(buf, i, j)
                    nn += 1
                    tok_next = j
                elif tc == 2:  # a ticker, <ABC.N>
                    if i + 1 < L and _is_upper(buf[i + 1]):
                        j = i + 2
                        while j < L and (_is_upper(buf[j]) or _is_digit(buf[j]) or buf[j] == 46):
                            j += 1
                        if j < L and buf[j] == 62:
                            nm += 1
                            tok[tsize - nm] = _hash32(buf, i, j + 1)
                            name_free = j + 1
                            tok_next = j + 1
                elif (i - 2 >= name_free and buf[i - 1] == 32
                      and (_is_lower(buf[i - 2]) or _is_digit(buf[i - 2]) or buf[i - 2] == 44
                           or buf[i - 2] == 59)):  # a capital: a name inside a sentence
                    j = i + 1
                    low = False
                    while j < L and _name_char(buf[j]):
                        if _is_lower(buf[j]):
                            low = True
                        j += 1
                    if low:
                        nm += 1
                        tok[tsize - nm] = _hash32(buf, i, j)
                        name_free = j
                        tok_next = j
            # words, 3-word shingles, OPH bins (``_oph``)
            cl = cls[c]
            if cl == 1 or (cl == 2 and i + 2 >= L):
                h = (h ^ np.uint64(lower[c])) * _FNV_PRIME
                in_word = True
                i += 1
                continue
            if in_word:
                words += 1
                if words >= 3:
                    _add(sig, _mix((p2 * _GOLDEN + p1) * _GOLDEN + h), shift)
                    shingles += 1
                p2 = p1
                p1 = h
                h = _FNV_OFFSET
                in_word = False
            if c == 10 and i >= split_from and i + 1 < L and buf[i + 1] == 10:
                # the body's paragraphs end at each "\n\n", found left to right (``str.split``):
                # the ends are kept in ``par_out`` until the paragraphs are hashed below
                par_out[par_w + nsplit] = i
                nsplit += 1
                split_from = i + 2
            if cl == 2:  # a CJK character: a word of its own
                w = _FNV_OFFSET
                for x in range(3):
                    w = (w ^ np.uint64(buf[i + x])) * _FNV_PRIME
                words += 1
                if words >= 3:
                    _add(sig, _mix((p2 * _GOLDEN + p1) * _GOLDEN + w), shift)
                    shingles += 1
                p2 = p1
                p1 = w
                i += 3
                continue
            i += 1
        if in_word:
            words += 1
            if words >= 3:
                _add(sig, _mix((p2 * _GOLDEN + p1) * _GOLDEN + h), shift)
                shingles += 1
            p2 = p1
            p1 = h
        if 0 < words < 3:  # a text shorter than one shingle: all its words as one
            acc = np.uint64(1) * _GOLDEN + p1 if words == 1 else (np.uint64(2) * _GOLDEN + p2) * _GOLDEN + p1
            _add(sig, _mix(acc), shift)
            shingles += 1
        counts[k] = shingles
        if shingles > 0:
            _densify_row(sig, 256)
        else:
            for b in range(256):
                sig[b] = np.uint32(0xFF)
        for b in range(256):
            sig_out[k, b] = sig[b]
        # the body and its paragraphs (split on "\n\n", left to right), from the
        # bytes still in cache: 8 bytes at a time, no hash chain in the loop above
        # the body's hash chains its pieces' (``body_hash``), so the body is read once
        npar = 0
        ps = bstart
        bh = _chain_start(L - bstart)
        for q in range(nsplit + 1 if body_features else 0):
            x = np.int64(par_out[par_w + q]) if q < nsplit else L
            ph, pc = _whash_chars(buf, ps, x)  # an empty piece too: the body's chain has it
            if x > ps:  # written over the ends already read: npar <= q
                par_out[par_w + npar] = ph
                pchar_out[par_w + npar] = pc
                npar += 1
            bh = _chain(bh, ph)
            ps = x + 2
        n_par[k] = npar
        par_w += npar
        body_hash[k] = _mix(bh) if body_features and bvalid[d] else np.uint64(0)
        u = _sort_unique(tok[0:nn])
        for x in range(u):
            num_out[num_w + x] = tok[x]
        n_num[k] = u
        num_w += u
        u = _sort_unique(tok[tsize - nm:tsize])
        for x in range(u):
            nam_out[nam_w + x] = tok[tsize - nm + x]
        n_nam[k] = u
        nam_w += u
    return num_w, nam_w, par_w


def _offsets(lengths: list[np.ndarray]) -> np.ndarray:
    out = np.zeros(sum(len(x) for x in lengths) + 1, dtype=np.int64)
    if len(out) > 1:
        np.cumsum(np.concatenate(lengths), out=out[1:])
    return out


def run_blocks(work: Callable[[int, dict], None], blocks: int, threads: int | None = None) -> None:
    """``work(block, scratch)`` for each block, on ``threads`` threads (numba's thread
    count by default) that each take the next block when done with one: ``work`` calls
    ``nogil`` kernels, so blocks run side by side, and a thread that the machine leaves
    waiting holds no other thread up (no barrier per block). ``scratch``: a dict of the
    thread's own, kept from block to block (a fresh scratch a block is paged in again)."""
    threads = max(1, min(threads or numba.get_num_threads(), blocks))
    if threads == 1:
        scratch: dict = {}
        for k in range(blocks):
            work(k, scratch)
        return
    counter = itertools.count()
    errors: list[BaseException] = []

    def loop() -> None:
        scratch: dict = {}
        try:
            while not errors:
                k = next(counter)  # atomic under the GIL
                if k >= blocks:
                    return
                work(k, scratch)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            errors.append(exc)

    pool = [threading.Thread(target=loop, name=f"dedup-block-{t}", daemon=True) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]


def _concatenate(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """``np.concatenate(parts)``, the parts copied by threads side by side (numpy lets the
    GIL go while it copies): the output is fresh memory, whose first touch is most of the
    cost (issue 15: 0.5 s of 1M stories' features on one thread)."""
    ends = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=ends[1:])
    out = np.empty(ends[-1], dtype=dtype)

    def copy(k: int, scratch: dict) -> None:
        out[ends[k]:ends[k + 1]] = parts[k]

    run_blocks(copy, len(parts))
    return out


def _grown(scratch: dict, name: str, size: int, dtype: type) -> np.ndarray:
    """``scratch[name]``, an array of at least ``size`` items (grown by a quarter when short)."""
    arr = scratch.get(name)
    if arr is None or len(arr) < size:
        arr = scratch[name] = np.empty(max(int(size * 1.25), 16), dtype=dtype)
    return arr


def fused_features(head: pl.Series, body: pl.Series | None = None, lead_chars: int = 100,
                   block_bytes: int = 1 << 20, skip: np.ndarray | None = None,
                   body_features: bool = True) -> dict[str, np.ndarray]:
    """Per item, in one pass over its bytes: the features of its dedup text
    ``head + "\n\n" + body`` (or of ``head`` alone without a ``body``) and of its body.

    Returns arrays: ``sig`` (``(n, BINS)`` uint8, as :func:`compact` of :func:`signatures`),
    ``shingles``; ``numbers``/``numbers_offsets`` and ``names``/``names_offsets`` (as
    :func:`token_hashes`); ``body`` (:func:`stable_hash` of the body, ``body_valid``);
    ``lead`` (the hash of the body's first ``lead_chars`` characters, lower-cased with
    runs of white space as one, from its first ``2 * lead_chars``) with ``lead_state``
    (1 known, 0 none: a short or null body, 2 not computed: those characters are not all
    ASCII); ``paragraphs``/``paragraph_chars``/``paragraphs_offsets`` (as
    ``features.paragraph_hashes``). Blocks of about ``block_bytes`` of text at a time,
    on threads side by side (:func:`run_blocks`), so the kernel's scratch stays small. ``skip``: ``stable_hash`` values of paragraphs left
    out of each body first (shared boilerplate); the body's own features are then those
    of what is left. Without ``body_features`` only those of the dedup text are made
    (``sig``, ``shingles``, ``numbers``, ``names``): no lead, body hash or paragraphs.
    """
    n = len(head)
    skip = np.zeros(0, dtype=np.uint64) if skip is None else np.unique(np.asarray(skip, dtype=np.uint64))
    hv = utf8_views(head)
    sep = body is not None
    if sep:
        bvalid = body.is_not_null().to_numpy()
        bv = utf8_views(body)
    else:
        bvalid = np.zeros(n, dtype=np.bool_)
        bv = hv  # not read: no body
    hlen, blen = hv.lengths, (bv.lengths if sep else np.zeros(n, dtype=np.int64))
    tlen = hlen + blen + (2 if sep else 0)
    sig = np.empty((n, BINS), dtype=SIG_DTYPE)
    shingles = np.zeros(n, dtype=np.int32)
    body_hash = np.zeros(n, dtype=np.uint64)
    lead = np.zeros(n, dtype=np.uint64)
    lead_state = np.zeros(n, dtype=np.uint8)
    ends = np.cumsum(tlen)
    bounds = [0]
    while bounds[-1] < n:
        first = bounds[-1]
        start = ends[first - 1] if first else 0
        bounds.append(min(max(int(np.searchsorted(ends, start + block_bytes, side="right")), first + 1), n))
    parts: list = [None] * (len(bounds) - 1)

    def work(k: int, scratch: dict) -> None:
        first, last = bounds[k], bounds[k + 1]
        m = last - first
        tl = tlen[first:last]
        longest = int(tl.max())
        buf = _grown(scratch, "buf", longest + 1, np.uint8)
        tok = _grown(scratch, "tok", longest // 2 + 2, np.uint32)
        tokens = int((tl // 2 + 2).sum())
        num_out = _grown(scratch, "num", tokens, np.uint32)
        nam_out = _grown(scratch, "nam", tokens, np.uint32)
        paragraphs = int((blen[first:last] // 3 + 1).sum())
        par_out = _grown(scratch, "par", paragraphs, np.uint64)
        pchar_out = _grown(scratch, "pchar", paragraphs, np.int32)
        n_num, n_nam, n_par = (np.zeros(m, dtype=np.int64) for _ in range(3))
        nn, nm, npar = _fused_range(*hv.args, *bv.args, bvalid, sep, skip, first, last, lead_chars,
                                    body_features, _CLASS, _LOWER, _TOKEN, _FAST, buf, tok, sig[first:last], shingles[first:last],
                                    body_hash[first:last], lead[first:last], lead_state[first:last],
                                    n_num, num_out, n_nam, nam_out, n_par, par_out, pchar_out)
        parts[k] = (n_num, num_out[:nn].copy(), n_nam, nam_out[:nm].copy(),
                    n_par, par_out[:npar].copy(), pchar_out[:npar].copy())

    run_blocks(work, len(parts))
    n_nums, nums, n_names, names, n_pars, pars, pchars = (
        [p[i] for p in parts] for i in range(7))

    return {"sig": sig, "shingles": shingles, "body": body_hash, "body_valid": bvalid,
            "lead": lead, "lead_state": lead_state,
            "numbers": _concatenate(nums, np.uint32), "numbers_offsets": _offsets(n_nums),
            "names": _concatenate(names, np.uint32), "names_offsets": _offsets(n_names),
            "paragraphs": _concatenate(pars, np.uint64), "paragraph_chars": _concatenate(pchars, np.int32),
            "paragraphs_offsets": _offsets(n_pars)}
