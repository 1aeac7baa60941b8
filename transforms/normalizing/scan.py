"""Compiled passes over the UTF-8 bytes of a text column (numba, cached on disk).

**Word counts.** ``body.str.count_matches(r"\\S+")`` gives the same count, but as one regex match per
word it cost a sixth of normalizing (issue 16: 94 ms of 5,000 synthetic stories,
one thread). :func:`word_counts` walks the UTF-8 bytes of the bodies once in a
numba kernel (compiled once, cached on disk) and counts each place a run of
characters other than Unicode ``White_Space`` starts: the characters the regex
crate's ``\\s`` matches (checked over every code point in
tests/test_normalize_rewrites.py).

**Which characters a text holds.** A regex pass over every body that finds nothing
still costs a scan of every byte at the regex engine's speed (issue 16: about 24 ms
of 5,000 synthetic stories for a character class such as the control characters
or "from U+0300 on"). :func:`char_flags` reads each text's bytes once and tells,
per text, which kinds of bytes it holds (``CONTROL``, ``NON_ASCII``, ...): a
normalization step then runs its patterns on the texts that may need them only
(``clean_text.only_where``). A flag is a superset: a lead byte stands for every
character it starts (``ODD_SPACE`` is set by any character from U+0080 to U+00BF,
U+2000 to U+2FFF and U+3000 to U+3FFF).
"""

from __future__ import annotations

import numba
import numpy as np
import polars as pl

from transforms.utf8 import text_buffer, utf8_views, words_at

# byte -> 0: an ASCII character other than a space; 1: an ASCII space; 2: a UTF-8
# continuation byte (part of the character before); 3: the lead byte of a character
# that may be a space (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000); 0 for every
# other lead byte.
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]] = 1
_CLASS[0x80:0xC0] = 2
_CLASS[[0xC2, 0xE1, 0xE2, 0xE3]] = 3


@numba.njit(cache=True)
def _count(addrs, sizes, ids, starts, lengths, cls, out):  # pragma: no cover - compiled
    """``out[k]``: the runs of non-``White_Space`` characters in text ``k`` (UTF-8 bytes
    ``starts[k]:starts[k] + lengths[k]`` of buffer ``ids[k]``, :class:`transforms.utf8.Utf8Views`).
    White_Space is U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
    U+2029, U+202F, U+205F and U+3000; ``cls`` is :data:`_CLASS`."""
    for k in range(len(ids)):
        data = text_buffer(addrs, sizes, ids[k])
        end = starts[k] + lengths[k]
        n = 0
        after_space = 1
        for i in range(starts[k], end):
            c = data[i]
            t = cls[c]
            if t >= 2:
                if t == 2:
                    continue
                t = 0
                if c == 0xC2:
                    if i + 1 < end and (data[i + 1] == 0x85 or data[i + 1] == 0xA0):
                        t = 1
                elif i + 2 < end:
                    b1 = data[i + 1]
                    b2 = data[i + 2]
                    if c == 0xE1:
                        t = b1 == 0x9A and b2 == 0x80
                    elif c == 0xE2:
                        t = (b1 == 0x80 and (b2 <= 0x8A or b2 == 0xA8 or b2 == 0xA9 or b2 == 0xAF)) or (
                            b1 == 0x81 and b2 == 0x9F)
                    else:  # 0xE3
                        t = b1 == 0x80 and b2 == 0x80
            n += after_space & (1 - t)
            after_space = t
        out[k] = n


# char_flags bits
CONTROL = 1  # U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+007F, or maybe U+0080-U+009F (lead byte C2: U+0080-U+00BF)
NON_ASCII = 2  # from U+0080 on
BEYOND_LATIN = 4  # from U+0300 on (lead byte CC and up)
TAB = 8
CR = 16
ODD_SPACE = 32  # maybe U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000 (lead byte C2, E2 or E3)
LT = 64  # "<"
AMP = 128  # "&"

_FLAGS = np.zeros(256, dtype=np.uint16)
_FLAGS[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] |= CONTROL
_FLAGS[0x80:] |= NON_ASCII
_FLAGS[0xC2] |= CONTROL
_FLAGS[0xCC:] |= BEYOND_LATIN
_FLAGS[0x09] |= TAB
_FLAGS[0x0D] |= CR
_FLAGS[[0xC2, 0xE2, 0xE3]] |= ODD_SPACE
_FLAGS[ord("<")] |= LT
_FLAGS[ord("&")] |= AMP


@numba.njit(cache=True)
def _or_flags(addrs, sizes, ids, starts, lengths, table, out):  # pragma: no cover - compiled
    """``out[k]``: the OR of ``table`` over text ``k``'s bytes, eight bytes at a time.

    Every byte with a flag in :data:`_FLAGS` is below 0x20, 0x7F, "<", "&" or from 0x80
    on; a word of eight bytes holding none of those (most words of most texts) adds
    no flag, and only the others are looked up byte by byte. "Holds a byte below
    0x20 / equal to c" are the usual bit tricks (``(x - 0x01..01 * n) & ~x & 0x80..80``
    is not zero exactly when a byte of ``x`` is below ``n``, for ``n`` up to 0x80): a
    word they wrongly pick is only looked up, none is missed. A byte at a time, the
    pass took 29-31 ms for 10,000 synthetic bodies (28 MB); this way, 7-8 ms (issue 16;
    tests/test_normalize_rewrites.py holds it to the byte-at-a-time pass)."""
    ones = np.uint64(0x0101010101010101)
    high = np.uint64(0x8080808080808080)
    below = ones * np.uint64(0x20)
    x7f = ones * np.uint64(0x7F)
    xlt = ones * np.uint64(0x3C)
    xamp = ones * np.uint64(0x26)
    for k in range(len(ids)):
        data = text_buffer(addrs, sizes, ids[k])
        base = addrs[ids[k]]
        i = starts[k]
        end = i + lengths[k]
        f = 0
        while i < end and (base + i) % 8 != 0:
            f |= table[data[i]]
            i += 1
        n = (end - i) // 8
        if n > 0:
            words = words_at(base + i, n)
            for w in range(n):
                x = words[w]
                y7 = x ^ x7f
                ylt = x ^ xlt
                yamp = x ^ xamp
                hit = (x | ((x - below) & ~x) | ((y7 - ones) & ~y7) | ((ylt - ones) & ~ylt)
                       | ((yamp - ones) & ~yamp)) & high
                if hit:
                    j = i + 8 * w
                    for b in range(8):
                        f |= table[data[j + b]]
            i += 8 * n
        while i < end:
            f |= table[data[i]]
            i += 1
        out[k] = f


@numba.njit(cache=True)
def _or_flags_bytewise(addrs, sizes, ids, starts, lengths, table, out):  # pragma: no cover - compiled
    """:func:`_or_flags` a byte at a time: the reference the tests hold it to."""
    for k in range(len(ids)):
        data = text_buffer(addrs, sizes, ids[k])
        f = 0
        for i in range(starts[k], starts[k] + lengths[k]):
            f |= table[data[i]]
        out[k] = f


def _per_text(texts: pl.Series, kernel, table: np.ndarray, dtype) -> pl.Series:
    """``kernel(*views, table, out)`` over the texts' UTF-8 bytes (null as ""), read in
    place (:func:`transforms.utf8.utf8_views`)."""
    out = np.zeros(len(texts), dtype=dtype)
    if len(texts):
        views = utf8_views(texts)
        kernel(*views.args, table, out)
    return pl.Series(texts.name, out)


def char_flags(texts: pl.Series) -> pl.Series:
    """Per text, the bits (``CONTROL``, ``NON_ASCII``, ...) of the bytes it holds; 0 for null."""
    return _per_text(texts, _or_flags, _FLAGS, np.uint16)


def any_flag(texts: pl.Series, bits: int) -> pl.Series:
    """Whether each text holds a byte of one of ``bits`` (False for null)."""
    return (char_flags(texts) & bits) != 0


def word_counts(texts: pl.Series) -> pl.Series:
    """The number of words (runs of non-space characters) of each text; 0 for null."""
    return _per_text(texts, _count, _CLASS, np.int32)
