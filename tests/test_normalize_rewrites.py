"""The faster spellings of normalization steps (issue 16) give what the plain ones gave.

Each rewrite is compared with the straightforward form it replaced, on generated
text built from the pieces the patterns care about (spaces of every kind, line
ends, end marks, non-ASCII letters): a difference is a change of output.
"""

from __future__ import annotations

import html
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
          "a@b.com", "AAP RTV ar", "(ANSA).", "###", ".", "REUTERS/Ann Lee", "0 : 0", "• narrow-phone",
          "© ΑΠΕ-ΜΠΕ", "© 2018 ANP", "Telif hakkı", "Urheberrecht dpa", "Copyright",
          "Our Standards: The Thomson Reuters Trust Principles.", "Slideshow (3 Images)", "5 Min Read",
          "[nL4N1XW01J]", "[ID:nL4N1XW01J]", "View source version on businesswire.com: https://b.w/x",
          "Copyright 2020 The Associated Press. All rights reserved. This material may not be published, "
          "broadcast, rewritten or redistributed."]
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


# characters str.isspace() calls white space and tidy()'s patterns leave, and one the other way round
SPLIT_ONLY = ["\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u1680", "\u2028", "\u2029", "\u200b"]


@settings(max_examples=600, deadline=None)
@given(st.one_of(texts, st.lists(st.sampled_from(PIECES + SPLIT_ONLY + ["\ud800"]), max_size=30).map("".join)))
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
    # the patterns and the compiled pass, whatever the length
    assert parser_text.tidy(value, compiled_from=0) == old(value)
    assert parser_text.tidy(value, compiled_from=1 << 30) == old(value)


MARKUP = ["<p>", "</p>", "<P>", "<br>", "<p class=x>", "<", ">", "&amp;", "&nbsp;", "\r", "\n", "<\u0338", ">\u0338",
          "p\u0301", "\u226e"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES + SPLIT_ONLY + MARKUP), max_size=30).map("".join))
def test_compiled_html_body_as_the_patterns(markup):
    """html_body()'s compiled pass gives what its patterns give on the markup it takes,
    and takes every markup without entities whose only tags are <p> and </p>."""
    flat = markup.replace("\r", " ").replace("\n", " ")
    text = parser_text.paragraphs_of_markup(markup)
    paragraphs = parser_text.paragraph_tags_only(flat)
    if text is parser_text.NOT_PARAGRAPHS:
        assert (paragraphs is None or "&" in markup
                or unicodedata.normalize("NFC", markup) != markup)
    else:
        assert paragraphs is not None
        assert text == parser_text.tidy(html.unescape(paragraphs), compiled_from=1 << 30)


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
    from transforms.normalizing.scan import word_counts

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
    from transforms.normalizing.scan import word_counts

    series = pl.Series("v", values, dtype=pl.String)
    assert word_counts(series).dtype == pl.Int32
    assert word_counts(series).to_list() == _regex_word_counts(values)
    assert word_counts(series.slice(1)).to_list() == _regex_word_counts(values[1:])


def test_char_flags_cover_what_each_gate_stands_for():
    """Each flag is set by every character its gate stands for (a superset is allowed,
    a miss is not), over every code point, alone and between letters."""
    from transforms.normalizing import scan

    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad]")
    odd = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
    cps = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    chars = [chr(cp) for cp in cps]
    flags = scan.char_flags(pl.Series("v", [f"a{ch}b" for ch in chars], dtype=pl.String)).to_list()
    assert flags == scan.char_flags(pl.Series("v", chars, dtype=pl.String)).to_list()
    for cp, ch, f in zip(cps, chars, flags, strict=True):
        assert bool(f & scan.NON_ASCII) == (cp >= 0x80), cp
        assert bool(f & scan.BEYOND_LATIN) == (cp >= 0x300), cp
        if control.match(ch):
            assert f & scan.CONTROL, cp
        if odd.match(ch):
            assert f & (scan.ODD_SPACE | scan.TAB), cp
        for bit, want in ((scan.TAB, "\t"), (scan.CR, "\r"), (scan.LT, "<"), (scan.AMP, "&")):
            assert bool(f & bit) == (ch == want), cp
        if cp < 0x80 and not control.match(ch) and ch not in "\t\r<&":
            assert f == 0, cp
    assert scan.char_flags(pl.Series("v", [None, ""], dtype=pl.String)).to_list() == [0, 0]


def _flags_both_ways(values: list[str | None]) -> tuple[list[int], list[int]]:
    import numpy as np

    from transforms.normalizing import scan
    from transforms.utf8 import utf8_views

    views = utf8_views(pl.Series("v", values, dtype=pl.String))
    fast, slow = (np.zeros(len(values), dtype=np.uint16) for _ in range(2))
    scan._or_flags(*views.args, scan._FLAGS, fast)
    scan._or_flags_bytewise(*views.args, scan._FLAGS, slow)
    return fast.tolist(), slow.tolist()


def test_char_flags_eight_bytes_at_a_time_as_byte_by_byte():
    """The word-at-a-time flags pass skips a word only where no byte has a flag: every
    code point, at each of 16 places in a long text (each alignment to the words), and
    the premise (every flagged byte is below 0x20, 0x7F, "<", "&" or from 0x80 on)."""
    from transforms.normalizing import scan

    assert all(b < 0x20 or b in (0x7F, 0x3C, 0x26) or b >= 0x80 for b in range(256) if scan._FLAGS[b])
    values = [f"{'x' * (cp % 16)}{chr(cp)}{'y' * 30}" for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    fast, slow = _flags_both_ways(values)
    assert fast == slow
    assert sum(1 for f in fast if f) > 0x10000  # the pass does see them


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(
    ["a", "word ", "\n", "\t", "\r", "<", "&", "\x7f", "\x01", "é", "\u00a0", "한", "\u2003", "abcdefgh"]),
    max_size=80).map("".join)), max_size=12))
def test_char_flags_on_any_text_as_byte_by_byte(values):
    fast, slow = _flags_both_ways(values)
    assert fast == slow


REPAIR_PIECES = [*PIECES, "<p>", "</div>", "<b>", "< br/>", "<SRD>", "\x01", "\x0b", "\x7f", "\x85", "\x9f",
                 "\u00ad", "&amp;", "&amp;#39;", "&#39;", "#39;", "doesn #39;t", "#36;5", "Ã¼", "â€™", "Â£5",
                 "\r", "a\u0308", "\u1100\u1161"]
repair_texts = st.lists(st.sampled_from(REPAIR_PIECES), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), repair_texts), max_size=8))
def test_repair_text_as_every_pass_everywhere(values):
    """repair_text's tag, control, soft-hyphen and NFC passes on the flagged rows only, as
    the same passes on every row (NFC on beyond_latin's rows, as before)."""
    from unittest.mock import patch

    from transforms.normalizing import clean_text

    def every_row(name):
        return only_where(pl.col(name)
                          .str.replace_all(clean_text._HTML_BLOCK, "\n\n")
                          .str.replace_all(clean_text._HTML_INLINE, "")
                          .str.replace_all(clean_text._CONTROL, "")
                          .str.replace_all(r"\u00ad", ""),
                          beyond_latin, lambda e: e.str.normalize("NFC"))

    new = clean_text.repair_text(_frame(values).lazy()).collect()
    with patch.object(clean_text, "_post_python", every_row):
        old = clean_text.repair_text(_frame(values).lazy()).collect()
    assert new.to_dicts() == old.to_dicts()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), repair_texts), max_size=8))
def test_tidy_text_gate_as_every_row(values):
    """tidy_text on the rows its gate picks, as its patterns on every row (texts with
    control characters, CRs and tags too)."""
    odd = r"\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
    body = (pl.col("body").str.replace_all(r"\r\n?", "\n").str.replace_all(rf"[{odd}][ {odd}]*| [ {odd}]+", " ")
            .str.replace_all(r" *\n *", "\n").str.replace_all(r"\n{3,}", "\n\n").str.strip_chars())
    old = _frame(values).select(pl.when(body.str.len_chars() > 0).then(body).alias("body"))
    assert tidy_text(_frame(values).lazy()).collect()["body"].to_list() == old["body"].to_list()


def test_holding_is_contains_any():
    from transforms.normalizing.clean_text import holding

    values = pl.Series("v", ["a 0 : 0", "narrow-x", "x", None, "", "wide-"], dtype=pl.String)
    lits = ("0 : 0", "narrow-", "wide-")
    assert holding(*lits)(values).to_list() == values.str.contains_any(list(lits)).to_list()


HTML_PIECES = ["<p>", "</p>", "<P>", "</P>", "<p class=\"x\">", "< p>", "<p", "p>", "/p>", ">", "<br>", "<br/>",
               "<!-- c -->", "<figure>cap</figure>", "<figcaption>x</figcaption>", "<div class=\"dat\">d</div>",
               "<title>t</title>", "<td>1</td>", "<th>", "<script>s</script>", "<b>", "&amp;", "&nbsp;", "&#32;",
               "\n", "\r\n", "\r", " ", "  ", "\t", "word", "Ünï", "e\u0301", "<", "<pre>", "</p >", "<p >"]
html_texts = st.lists(st.sampled_from(HTML_PIECES), max_size=25).map("".join)


def _old_html_to_text(markup):
    import html

    if markup is None:
        return None
    s = parser_text._COMMENT.sub("", markup) if "<!--" in markup else markup
    s = parser_text._DROP.sub("", s)
    s = parser_text._BLOCK.sub("\n\n", s)
    s = parser_text._TAG.sub("", s)
    return parser_text.tidy(html.unescape(s))


def _old_html_body(markup):
    from transforms.formats import jsonwire

    lowered = markup.lower() if markup.isascii() else None
    if lowered is None or "<fig" in lowered or "<div" in lowered or "<title" in lowered:
        markup = jsonwire._DROP_HTML.sub(" ", markup)
    if lowered is None or "</t" in lowered:
        markup = jsonwire._CELL_END.sub(" ", markup)
    return _old_html_to_text(markup.replace("\r", " ").replace("\n", " "))


@settings(max_examples=500, deadline=None)
@given(html_texts)
def test_paragraph_tags_fast_path_as_the_patterns(markup):
    """html_to_text and html_body, with the split for <p>/</p>-only markup, as the
    regex passes alone."""
    from transforms.formats.jsonwire import html_body

    assert parser_text.html_to_text(markup) == _old_html_to_text(markup)
    assert html_body(markup) == _old_html_body(markup)
    fast = parser_text.paragraph_tags_only(markup)
    if fast is not None:  # the fast path gives what the patterns give before tidy
        import html

        assert parser_text.tidy(html.unescape(fast)) == _old_html_to_text(markup)


def test_paragraph_tags_only_takes_only_those_tags():
    assert parser_text.paragraph_tags_only("<p>a</p><p>b</p>") == "\n\na\n\n\n\nb\n\n"
    assert parser_text.paragraph_tags_only("plain") == "plain"
    for other in ("<p>a<br></p>", "<P>a</P>", "<p class=x>a</p>", "a < b"):
        assert parser_text.paragraph_tags_only(other) is None
