"""transforms/utf8.py: the string views the compiled passes read give every row's bytes,
whatever the column's layout (short strings held inline, long ones in buffers, nulls,
slices, several chunks)."""

from __future__ import annotations

import polars as pl

from transforms.utf8 import utf8_buffers, utf8_views

_TEXTS = ["", None, "short", "exactly12byt", "thirteen byte", "h\u00e9llo w\u00f6rld, a text long enough",
          None, "x" * 300, "\u6771\u4eac\u90fd", "z" * 12, "y" * 13]


def _rows(texts: pl.Series) -> list[bytes]:
    v = utf8_views(texts)
    return [v.row(k) for k in range(len(texts))]


def _expected(texts: pl.Series) -> list[bytes]:
    return [(t or "").encode() for t in texts.to_list()]


def test_views_give_each_rows_bytes_and_nulls_as_empty():
    s = pl.Series(_TEXTS, dtype=pl.String)
    assert _rows(s) == _expected(s)
    data, offsets = utf8_buffers(s)  # the flat copy agrees
    assert [bytes(data[offsets[k]:offsets[k + 1]]) for k in range(len(s))] == _rows(s)
    assert utf8_views(s).total() == sum(len(b) for b in _expected(s))


def test_views_of_slices_chunks_and_filtered_columns():
    s = pl.Series(_TEXTS * 30, dtype=pl.String)
    for part in (s.slice(3, 40), s.slice(200), pl.concat([s.slice(5, 7), s.slice(1, 90), s], rechunk=False),
                 s.filter(s.str.len_bytes().fill_null(0) % 2 == 1), pl.Series([], dtype=pl.String)):
        assert _rows(part) == _expected(part)
