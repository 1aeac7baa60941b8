"""What dedup decides on, computed once per item from the item alone.

:func:`item_features` adds the ``fp_*`` columns of ``schemas.ITEMS`` to a frame
of normalized stories. They are pure functions of one item (its headline and
body), use only hashes that depend on the bytes (``fingerprint.stable_hash``,
the OPH kernel), and are stored with the item in ``items/``: a later run
deduplicates against the lake's items by reading these columns, never their
text. ``FINGERPRINT_VERSION`` names the recipe; items stored under another
recipe are fingerprinted again when they are read.

======================  =================================================================
column                  what it is
======================  =================================================================
fp_version              the recipe (``FINGERPRINT_VERSION``)
fp_sig                  OPH MinHash of the dedup text (headline + body), 256 bins x 8 bits
fp_shingles             3-word shingles in the dedup text (0: no words)
fp_body                 hash of the body (same body, other headline): ``fingerprint.body_hash``
fp_lead                 hash of the body's first 100 characters, lower-cased (truncated takes)
fp_headline_words       hashes of the headline's words and tickers (what the story is about)
fp_paragraphs           hashes of the body's non-empty paragraphs (shared boilerplate) ...
fp_paragraph_chars      ... and their lengths
fp_numbers              hashes of the numbers in the dedup text (templated look-alikes) ...
fp_names                ... and of its in-sentence capitalised names and tickers
======================  =================================================================

Dedup removes *shared boilerplate* paragraphs (found in many different
stories) from the text it compares; that depends on the whole item set, so
the few items holding such a paragraph are fingerprinted again from their text
at dedup time (:func:`text_features`).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from transforms.dedup.fingerprint import (
    BINS,
    SHINGLE,
    SIG_DTYPE,
    body_hash,
    fused_features,
    headline_word_hashes,
    sig_to_binary,
    signatures,
    stable_hash,
    token_hashes,
    utf8_buffers,
)

# v6: fp_body chains the body's "\n\n" pieces' hashes (``fingerprint.body_hash``)
FINGERPRINT_VERSION = f"oph{BINS}x8-fnv1a-w{SHINGLE}-cjk-wh64-v6"
LEAD_CHARS = 100
PARAGRAPH = "\n\n"

# What fp_numbers and fp_names hold, as regular expressions (the compiled scan in
# ``fingerprint.token_hashes`` walks the bytes to the same effect): numbers, and
# names: capitalised words inside a sentence (after a lower-case word, a digit or a
# comma, so "The" and "Payment" opening sentences do not count), and tickers
# ("<BEN>"). They tell templated stories apart: "Showa Aluminium" vs "Sankei Building".
NUMBERS = r"\d+(?:[.,]\d+)*"
NAMES = r"[a-z0-9,;] [A-Z][\w'’-]*[a-z][\w'’-]*|  <[A-Z][A-Z0-9.]*>"
HEADLINE_WORDS = r"<[a-z0-9.]+>|[a-z0-9]{3,}"

FEATURE_COLUMNS = ("fp_version", "fp_sig", "fp_shingles", "fp_body", "fp_lead", "fp_headline_words",
                   "fp_paragraphs", "fp_paragraph_chars", "fp_numbers", "fp_names")


def flat_list(lists: pl.Series, value_type: pa.DataType) -> tuple[pa.Array, np.ndarray]:
    """A list column's values (as ``value_type``) and offsets: row i holds
    ``values[offsets[i]:offsets[i + 1]]``; a null list is an empty one."""
    # (a null list's slot may hold values in Arrow: filled first, a copy only when needed)
    arrow = (lists.fill_null([]) if lists.null_count() else lists).to_arrow()
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    arrow = arrow.cast(pa.large_list(value_type))
    offsets = np.frombuffer(arrow.buffers()[1], dtype=np.int64, count=len(arrow) + 1, offset=arrow.offset * 8)
    return arrow.values.slice(offsets[0], offsets[-1] - offsets[0]), offsets - offsets[0]


def _lists(name: str, offsets: np.ndarray, values: np.ndarray, dtype: pl.DataType) -> pl.Series:
    return pl.Series(name, pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(values)), dtype=dtype)


def _hash_lists(lists: pl.Series, bits: int = 32) -> pl.Series:
    """Each list of strings as a list of stable hashes (UInt32, or UInt64 with ``bits=64``)."""
    values, offsets = flat_list(lists, pa.large_string())
    hashes = stable_hash(pl.Series(values)).to_numpy()
    if bits == 32:
        return _lists(lists.name, offsets, (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32), pl.List(pl.UInt32))
    return _lists(lists.name, offsets, hashes, pl.List(pl.UInt64))


def dedup_text(headline: pl.Expr, body: pl.Expr) -> pl.Expr:
    """The text an item is compared by: cleaned headline and body (templated briefs
    share a body and differ in the headline, "<X> SETS QUARTERLY DIVIDEND")."""
    return pl.concat_str(headline.fill_null(""), pl.lit(PARAGRAPH), body.fill_null(""))


def text_features(texts: pl.Series) -> pl.DataFrame:
    """The features that depend on the dedup text: signature, shingles, numbers, names."""
    f = fused_features(texts)
    return _text_columns(f)


def text_features_without(headline: pl.Series, body: pl.Series, shared: np.ndarray) -> pl.DataFrame:
    """:func:`text_features` of each item's dedup text with the body's paragraphs whose
    ``stable_hash`` is in ``shared`` left out (split on "\\n\\n", the rest joined again),
    in the same pass over the bytes: no text is built."""
    return _text_columns(fused_features(headline, body, skip=shared))


def _text_columns(f: dict[str, np.ndarray]) -> pl.DataFrame:
    return pl.DataFrame([
        sig_to_binary(f["sig"]),
        pl.Series("fp_shingles", f["shingles"], dtype=pl.Int32),
        _lists("fp_numbers", f["numbers_offsets"], f["numbers"], pl.List(pl.UInt32)),
        _lists("fp_names", f["names_offsets"], f["names"], pl.List(pl.UInt32)),
    ])


def _reference_text_features(texts: pl.Series) -> pl.DataFrame:
    """:func:`text_features` the long way, one kernel a feature (the fused pass's reference)."""
    buffers = utf8_buffers(texts)  # one copy of the text for both passes
    sig, counts = signatures(texts, buffers=buffers)
    (num, num_off), (nam, nam_off) = token_hashes(texts, buffers=buffers)
    del buffers
    return _text_columns({"sig": sig, "shingles": counts, "numbers": num, "numbers_offsets": num_off,
                          "names": nam, "names_offsets": nam_off})


def paragraph_hashes(body: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Per body: the hashes and lengths of its non-empty paragraphs."""
    values, offsets = flat_list(body.fill_null("").str.split(PARAGRAPH), pa.large_string())
    values = pl.Series(values)
    chars = values.str.len_chars().to_numpy()
    keep = chars > 0
    # offsets of the lists once the empty paragraphs are left out
    kept = np.concatenate([[0], np.cumsum(keep)])[offsets]
    return (_lists("fp_paragraphs", kept, stable_hash(values).to_numpy()[keep], pl.List(pl.UInt64)),
            _lists("fp_paragraph_chars", kept, chars[keep].astype(np.int32), pl.List(pl.Int32)))


def item_features(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` (normalized stories) with the ``fp_*`` columns added (replaced if present)."""
    out, _ = features_and_signatures(df, binary=True)
    return out


def features_and_signatures(df: pl.DataFrame, binary: bool = False) -> tuple[pl.DataFrame, np.ndarray]:
    """``(df with the fp_* columns, the (n, BINS) signature matrix)``; without
    ``binary`` the frame has no ``fp_sig`` column: the in-memory dedup hands the matrix
    on as it is (``cluster.dedup_stories``), where a Binary column and back cost 1 s
    of 1M stories (issue 15)."""
    df = df.drop([c for c in FEATURE_COLUMNS if c in df.columns])
    if df.height == 0:
        from schemas import ITEMS

        return (df.with_columns(pl.lit(None, dtype=ITEMS.polars_schema[c]).alias(c) for c in FEATURE_COLUMNS
                                if binary or c != "fp_sig"),
                np.zeros((0, BINS), dtype=SIG_DTYPE))
    # One pass over each item's bytes for everything but the headline's words.
    f = fused_features(df["headline"], df["body"], lead_chars=LEAD_CHARS)
    lead = pl.Series("fp_lead", f["lead"], dtype=pl.UInt64)
    lead = lead.scatter(np.flatnonzero(f["lead_state"] == 0), None)
    odd = f["lead_state"] == 2  # a lead with non-ASCII characters: polars' lower-casing
    if odd.any():
        # a filter (the rows in order), not a gather, which copies the whole bodies out
        # of polars' buffers (0.3 s of 1M stories for the 4 % of them)
        lead = lead.scatter(np.flatnonzero(odd), stable_hash(_lead(df["body"].filter(pl.Series(odd)))))
    body = pl.Series("fp_body", f["body"], dtype=pl.UInt64).scatter(np.flatnonzero(~f["body_valid"]), None)
    columns = [
        pl.lit(FINGERPRINT_VERSION).alias("fp_version"),
        *([sig_to_binary(f["sig"])] if binary else []),
        pl.Series("fp_shingles", f["shingles"], dtype=pl.Int32),
        body,
        lead,
        headline_words(df["headline"]),
        _lists("fp_paragraphs", f["paragraphs_offsets"], f["paragraphs"], pl.List(pl.UInt64)),
        _lists("fp_paragraph_chars", f["paragraphs_offsets"], f["paragraph_chars"], pl.List(pl.Int32)),
        _lists("fp_numbers", f["numbers_offsets"], f["numbers"], pl.List(pl.UInt32)),
        _lists("fp_names", f["names_offsets"], f["names"], pl.List(pl.UInt32)),
    ]
    return df.with_columns(columns), f["sig"]


def headline_words(head: pl.Series) -> pl.Series:
    """``fp_headline_words``: per headline, the sorted distinct hashes of its words and
    tickers (:data:`HEADLINE_WORDS`, lower-cased): a compiled scan of the bytes (issue 15:
    the regex pass cost 0.13 s of 100,000 stories, a twentieth of dedup). The rare
    headline holding a character whose lower case is ASCII ("İ", the Kelvin sign) takes
    :func:`_reference_headline_words`, polars' Unicode lower-casing."""
    values, offsets, odd = headline_word_hashes(head)
    words = _lists("fp_headline_words", offsets, values, pl.List(pl.UInt32))
    other = np.flatnonzero(odd)
    if len(other) == 0:
        return words
    rows = pl.Series("_r", np.arange(len(head), dtype=np.int64))
    mixed = pl.concat([
        pl.DataFrame([rows.filter(pl.Series(~odd)), words.filter(pl.Series(~odd))]),
        pl.DataFrame([pl.Series("_r", other), _reference_headline_words(head.gather(other))]),
    ]).sort("_r")
    return mixed["fp_headline_words"]


def _reference_headline_words(head: pl.Series) -> pl.Series:
    """:func:`headline_words` with polars' regular expressions (the scan's reference, and
    its path for the headlines holding "İ" or the Kelvin sign)."""
    words = (head.fill_null("").str.to_lowercase().str.replace_all(r"\.[a-z]>", ">")
             .str.extract_all(HEADLINE_WORDS).rename("fp_headline_words"))
    return _hash_lists(words).list.unique().list.sort()


def _lead(body: pl.Series) -> pl.Series:
    """The body's first ``LEAD_CHARS`` characters, lower-cased, runs of white space as one
    (from its first ``2 * LEAD_CHARS``), or null when there are fewer."""
    head = pl.col("fp_lead").str.slice(0, 2 * LEAD_CHARS).str.to_lowercase().str.replace_all(r"\s+", " ")
    return body.rename("fp_lead").to_frame().select(
        pl.when(head.str.len_chars() >= LEAD_CHARS).then(head.str.slice(0, LEAD_CHARS)).alias("fp_lead"))["fp_lead"]


def _reference_item_features(df: pl.DataFrame) -> pl.DataFrame:
    """:func:`item_features` the long way (the fused pass's reference in the tests)."""
    text = df.select(dedup_text(pl.col("headline"), pl.col("body")).alias("t"))["t"]
    by_text = _reference_text_features(text)
    del text
    paragraphs, chars = paragraph_hashes(df["body"])
    return df.drop([c for c in FEATURE_COLUMNS if c in df.columns]).with_columns(
        pl.lit(FINGERPRINT_VERSION).alias("fp_version"),
        by_text["fp_sig"],
        by_text["fp_shingles"],
        body_hash(df["body"]).alias("fp_body"),
        stable_hash(_lead(df["body"])).alias("fp_lead"),
        _reference_headline_words(df["headline"]),
        paragraphs,
        chars,
        by_text["fp_numbers"],
        by_text["fp_names"],
    )


__all__ = ["FEATURE_COLUMNS", "FINGERPRINT_VERSION", "dedup_text", "flat_list", "headline_words",
           "features_and_signatures", "item_features", "paragraph_hashes", "text_features", "text_features_without", "warm_up"]


def warm_up() -> None:
    """Compute the features of one made-up item, so that numba loads their kernels
    (compiled once, cached on disk) now: the first load in a process costs
    ~0.3-0.6 s (numba's registries), which the CLI overlaps with Prefect's start-up
    by calling this in a thread (flows/cli.py). ``transforms.dedup.cluster.warm_up``
    loads every dedup kernel (the benchmark's)."""
    item_features(pl.DataFrame({"headline": ["Kernels warm up"], "body": ["The kernels load, 1 2 3.\n\nAgain."]}))
