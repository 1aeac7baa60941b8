"""The faster spellings of normalization steps (issue 16) give what the plain ones gave.

Each rewrite is compared with the straightforward form it replaced, on generated
text built from the pieces the patterns care about (spaces of every kind, line
ends, end marks, non-ASCII letters): a difference is a change of output.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import conventions
from transforms.formats import text as parser_text
from transforms.normalizing.clean_text import (
    _END_MARK,
    BOILERPLATE,
    EndCut,
    beyond_latin,
    only_where,
    strip_boilerplate,
    tidy_text,
)

PIECES = ["word", "Ünïcode", "é", "e\u0301", "ﬁ", "한", " ", "  ", "\t", "\u00a0", "\u2003", "\n", "\n\n",
          "\n\n\n", " \n ", "\r\n", "ends", "EFE", "(c) 2019 Agencia EFE", "Copyright 2020 AP", "asl/tib",
          "a@b.com", "AAP RTV ar", "(ANSA).", "###", ".", "REUTERS/Ann Lee", "0 : 0", "• narrow-phone"]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _frame(values: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"body": values, "headline": values}, schema={"body": pl.String, "headline": pl.String})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=8))
def test_end_cut_is_the_union_pattern(values):
    """EndCut over the end marks cuts what the one union pattern removed."""
    union = rf"\n\s*(?:{_END_MARK})\s*$"
    cut = EndCut(*(rf"\n\s*(?:{m})\s*$" for m in conventions.END_MARK_ALTERNATIVES))
    series = pl.Series("v", values, dtype=pl.String)
    assert cut.cut(series).to_list() == series.str.replace_all(union, "").to_list()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=8))
def test_tidy_text_as_before(values):
    """tidy_text's patterns (no lone-space matches, line edges with the line end) as the old ones."""
    body = (pl.col("body").str.replace_all(r"\r\n?", "\n")
            .str.replace_all(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ")
            .str.replace_all(r"(?m)^ +| +$", "").str.replace_all(r"\n{3,}", "\n\n").str.strip_chars())
    old = _frame(values).select(pl.when(body.str.len_chars() > 0).then(body).alias("body"))
    assert tidy_text(_frame(values).lazy()).collect()["body"].to_list() == old["body"].to_list()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=8))
def test_strip_boilerplate_as_every_pattern_everywhere(values):
    """Removals run on the rows with a needed literal only, end marks as a cut: as every
    removal pattern on every row."""
    body = pl.col("body")
    for kind in BOILERPLATE.values():
        for removal in kind.removals:
            if isinstance(removal, EndCut):
                body = body.str.replace_all(rf"\n\s*(?:{_END_MARK})\s*$", "")
            else:
                body = body.str.replace_all(*removal)
    old = _frame(values).select(body.alias("body"))
    assert strip_boilerplate(_frame(values).lazy()).collect()["body"].to_list() == old["body"].to_list()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parser_tidy_as_before(value):
    """The parsers' tidy() with the faster space and blank-line patterns, as with the old ones."""
    def old(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = unicodedata.normalize("NFC", text)
        text = re.sub(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+", " ", text)
        text = re.sub(r" ?\n ?", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
        return text or None

    assert parser_text.tidy(value) == old(value)


def test_nfc_changes_nothing_below_u0300():
    """beyond_latin's premise: no character below U+0300 is changed by NFC or composes
    with the one before it (a combining mark, the second of a canonical pair)."""
    second = set()
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp)) if not 0xD800 <= cp <= 0xDFFF else ""
        if decomposition and not decomposition.startswith("<"):
            second.update(int(p, 16) for p in decomposition.split()[1:])
    for cp in range(0x300):
        ch = chr(cp)
        assert unicodedata.normalize("NFC", ch) == ch and unicodedata.combining(ch) == 0 and cp not in second
    values = pl.Series(["plain", "café Müller łódź", "e\u0301", "한국", None])
    assert beyond_latin(values).to_list() == [False, False, True, True, None]


def test_only_where_leaves_other_rows():
    values = pl.Series("v", ["a#b", "ab", None, "#"], dtype=pl.String)
    out = values.to_frame().select(only_where(pl.col("v"), lambda s: s.str.contains("#", literal=True),
                                              lambda e: e.str.replace_all("#", "-", literal=True)))
    assert out["v"].to_list() == ["a-b", "ab", None, "-"]


def _regex_word_counts(values: list[str | None]) -> list[int]:
    return (pl.Series("v", values, dtype=pl.String).fill_null("").str.count_matches(r"\S+")
            .cast(pl.Int32).to_list())


def test_word_counts_split_on_every_regex_space():
    """The kernel's spaces are the regex's ``\\s``: every code point between two letters,
    alone, doubled, at the text's ends, and cut short at the end (a truncated sequence
    cannot occur in a string, but the kernel's bounds are checked)."""
    from transforms.normalizing.words import word_counts

    values = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        values += [f"a{ch}b", f"{ch}{ch}x{ch}", ch]
    series = pl.Series("v", values, dtype=pl.String)
    assert word_counts(series).to_list() == _regex_word_counts(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=8))
def test_word_counts_as_count_matches(values):
    """word_counts as ``count_matches(r"\\S+")`` (null counts 0, as the filled "" did)."""
    from transforms.normalizing.words import word_counts

    series = pl.Series("v", values, dtype=pl.String)
    assert word_counts(series).dtype == pl.Int32
    assert word_counts(series).to_list() == _regex_word_counts(values)
    assert word_counts(series.slice(1)).to_list() == _regex_word_counts(values[1:])
