"""Deduplication like a wire editor: versions, exact copies, near-copies and kills.

Every decision "A is a duplicate of B, because X, similarity S" becomes a row
of ``schemas.DUPLICATES``; nothing is dropped silently.

1. **Links** between items (all vectorised, no Python loop over items or pairs):
   * ``version``: the same provider and guid (a wire story's versions);
     the same provider and slug where a version marker says it is a chain
     (AP writethrus without a guid);
   * ``exact``: the same ``content_hash`` (normalized headline and body), or
     the same body under a headline about the same subject;
   * ``near``: OPH MinHash signatures of the body (``transforms.dedup.fingerprint``),
     LSH banding for candidates, then verification: estimated Jaccard (or
     containment, for truncated takes and appended updates), and the numbers
     and capitalised names of both texts must agree, so templated look-alikes
     (market closes, results, earnings lines) stay apart.
2. **Clusters** are the connected components of the links: transitive, and the
   same for the same items whatever their order.
3. **Kills**: when the newest version of a guid chain is canceled, the whole
   cluster leaves stories/ and every item becomes a ``kill`` row.
4. **Which item is kept** (a total order, so deterministic): within a version
   chain (same provider and guid) the newest ``version_created``; then among
   the chains: usable before withheld; the original provider before a
   syndicator (``provider`` equal to ``original_provider``); the longer body
   (a complete body over a truncated take); the newest; the smallest ``raw_uri``.
5. The kept story's ``date`` partition is the UTC date of the cluster's first
   publication, so later versions replace a story in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import numba
import numpy as np
import polars as pl
import pyarrow as pa

from transforms.dedup.features import (
    FEATURE_COLUMNS,
    FINGERPRINT_VERSION,
    PARAGRAPH,
    dedup_text,
    features_and_signatures,
    flat_list,
    fused_features,
    item_features,
)
from transforms.dedup.fingerprint import BINS, _sort_unique, binary_to_sig, similarity, stable_hash
from transforms.dedup.lsh import band_pairs

# ``fetch(rows)``: the ``headline`` and ``body`` of the items at positions ``rows``,
# as frames (``_i``, ``headline``, ``body``) of a few items each, in any order.
# Dedup decides on the items' features; it asks for text only for the items that
# need it (those holding a shared boilerplate paragraph, and truncated-take
# candidates), and keeps only what it derives from each frame.
TextFetcher = Callable[[np.ndarray], Iterator[pl.DataFrame]]

KILLED = ("canceled", "cancelled", "killed", "withdrawn")

# What dedup reads of each item besides its ``fp_*`` features (no text).
DEDUP_COLUMNS = ["story_id", "raw_uri", "source_format", "provider", "original_provider", "guid", "version",
                 "headline", "published_at", "version_created", "slug", "pub_status", "version_marker",
                 "word_count", "content_hash", "date", "dateline_location", "dateline_date", "authors"]


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds of the near-duplicate stage (see docs/dedup.md for how they were chosen)."""

    bands: int = 64
    rows: int = 4
    bucket_cap: int = 20          # LSH buckets larger than this are templates or boilerplate: skipped
    min_jaccard: float = 0.45     # near-copy: estimated Jaccard of body 3-shingles ...
    min_containment: float = 0.8  # ... or the shorter text mostly inside the longer ...
    min_jaccard_contained: float = 0.2  # ... with at least this Jaccard
    # A look-alike (a form filled again) differs from a near-copy in what identifies a story:
    # a candidate is two stories when their datelines name another place or date, or when
    # its differing tokens are mostly identifying ones (see docs/dedup.md, "Look-alikes").
    key_min: int = 2              # identifying tokens that differ (figures, names, tickers, ...) ...
    key_share: float = 0.3        # ... making this share of all the differing tokens; or
    key_max: int = 7              # ... this many of them, whatever else differs
    headline_weight: int = 2      # a headline word swapped in a headline of the same form
    author_weight: int = 2        # bylines with no name in common
    min_words: int = 40           # shorter texts (briefs, dividend lines) are matched exactly only
    shared_paragraph: int = 8     # a paragraph found in this many different stories is boilerplate
    shared_flag: float = 0.25     # share of a body's words in shared paragraphs that flags it
    lead_chars: int = 100         # bodies opening with the same text are checked for containment
    min_headline: float = 0.3     # same body, other headline: share of headline words in common



def candidate_pairs(sig: np.ndarray, eligible: np.ndarray, cfg: DedupConfig) -> pl.DataFrame:
    """Pairs ``(a, b)``, ``a < b``, of eligible rows sharing at least one LSH band
    bucket of 2 to ``bucket_cap`` rows, sorted.

    A band's key is its ``rows`` signature values side by side (4 rows of 8 bits:
    a 32-bit key, no hashing; unrelated texts share one by chance once in 2^32);
    ``transforms.dedup.lsh`` buckets the bands with a hash table each.
    """
    idx = np.nonzero(eligible)[0].astype(np.int64)
    if cfg.rows * sig.itemsize != 4:
        raise ValueError("a band key takes 32 bits: rows x signature bytes must be 4")
    # polars' sort: a third of the time of np.sort on 1M stories' 8M candidates
    codes = pl.Series(band_pairs(sig, idx, cfg.bands, cfg.bucket_cap), dtype=pl.UInt64).sort().to_numpy()
    return pl.DataFrame({"a": (codes >> np.uint64(32)).astype(np.int64),
                         "b": (codes & np.uint64(0xFFFFFFFF)).astype(np.int64)})


def _identity_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Per row (``_i``): what tells a look-alike from a near-copy: numbers, names and
    tickers, headline words, the dateline's place and date, the byline's names."""
    def col(name: str, dtype: pl.DataType) -> pl.Expr:
        return pl.col(name) if name in df.columns else pl.lit(None, dtype=dtype).alias(name)

    return df.select(
        "_i", pl.col("fp_numbers").alias("num"), pl.col("fp_names").alias("nam"),
        col("fp_headline_words", pl.List(pl.UInt32)).alias("head"),
        col("dateline_location", pl.String).str.to_lowercase().str.replace_all(r"[^a-z]", "").alias("loc"),
        col("dateline_date", pl.String).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "").alias("day"),
        col("authors", pl.List(pl.String)).list.eval(pl.element().str.to_lowercase()).alias("by"),
    )


def two_stories(cfg: DedupConfig) -> pl.Expr:
    """On a frame of pairs (``<field>_a``, ``<field>_b`` of :func:`_identity`;
    ``_miss_a``, ``_miss_b``: the 3-shingles of each text not in the other): true
    where the pair is two stories told alike, not one story copied.

    A near-copy keeps its dateline, its subject, its figures and names; an edit changes
    ordinary words around them, an update or a cut tail adds or drops text on one side
    only. A look-alike (a form filled again) swaps exactly those, on both sides. So:

    * another dateline place or date (both known) is another story;
    * otherwise count the identifying tokens each text has that the other lacks:
      numbers, names and tickers, and (``headline_weight`` each) headline words when
      both headlines share half their words or more (a form's headline with another
      subject; a rewritten headline is no evidence either way). The smaller of the two
      sides counts (what an update adds is on one side only), plus ``author_weight``
      when both bylines are known and share no name;
    * that count is weighed against all that differs: the smaller side's missing
      3-shingles / 3 (about one a word). ``key_max`` or more identifying tokens, or
      ``key_min`` or more making ``key_share`` or more of the difference, is two stories.
    """
    def only(field: str, side: str, other: str) -> pl.Expr:
        return (pl.col(f"{field}_{side}").list.set_difference(pl.col(f"{field}_{other}")).list.len()
                .fill_null(0))

    place = (pl.col("loc_a") != pl.col("loc_b")).fill_null(False)
    day = (pl.col("day_a") != pl.col("day_b")).fill_null(False)
    authors = ((pl.col("by_a").list.len() > 0) & (pl.col("by_b").list.len() > 0)
               & (pl.col("by_a").list.set_intersection(pl.col("by_b")).list.len() == 0)).fill_null(False)
    head_a, head_b = only("head", "a", "b"), only("head", "b", "a")
    head = pl.min_horizontal(head_a, head_b)
    text_key = pl.min_horizontal(only("num", "a", "b") + only("nam", "a", "b"),
                                 only("num", "b", "a") + only("nam", "b", "a"))
    # The text must differ in something identifying before the headline, the byline or
    # the dateline count: one text under a rewritten headline, or re-dated, is one story.
    told = text_key > 0
    key = text_key + pl.when(told).then(cfg.headline_weight * head + cfg.author_weight * authors.cast(pl.Int32)
                                        ).otherwise(0)
    differing = pl.max_horizontal(pl.min_horizontal("_miss_a", "_miss_b") / 3.0, 1.0)
    return (told & (place | day)) | (key >= cfg.key_max) | ((key >= cfg.key_min) & (key >= cfg.key_share * differing))


@dataclass(frozen=True)
class Identity:
    """What :func:`two_stories` reads of each row (position ``_i``), as flat arrays:
    sets as sorted distinct values with offsets (row i holds ``v[o[i]:o[i + 1]]``) and
    a null flag; the dateline's place and day and the byline names as codes (equal
    strings, equal codes: 64-bit hashes; 0 for null)."""

    num: tuple[np.ndarray, np.ndarray, np.ndarray]
    nam: tuple[np.ndarray, np.ndarray, np.ndarray]
    head: tuple[np.ndarray, np.ndarray, np.ndarray]
    by: tuple[np.ndarray, np.ndarray, np.ndarray]
    loc: np.ndarray
    day: np.ndarray


@dataclass(frozen=True)
class Retokens:
    """The numbers and names of the rows fingerprinted again without their shared
    paragraphs (``link``): ``rows`` distinct, in any order, each of ``numbers`` /
    ``names`` as (values, offsets), row ``rows[j]`` holding ``values[offsets[j]:offsets[j + 1]]``."""

    rows: np.ndarray
    numbers: tuple[np.ndarray, np.ndarray]
    names: tuple[np.ndarray, np.ndarray]

    @staticmethod
    def concat(parts: list[tuple[np.ndarray, dict]]) -> Retokens:
        """From ``(rows, fused_features(...))`` of each fetched frame."""
        def lists(key: str) -> tuple[np.ndarray, np.ndarray]:
            offsets = np.zeros(sum(len(rows) for rows, _ in parts) + 1, dtype=np.int64)
            np.cumsum(np.concatenate([np.diff(f[f"{key}_offsets"]) for _, f in parts]), out=offsets[1:])
            return np.concatenate([f[key] for _, f in parts]), offsets

        return Retokens(np.concatenate([rows for rows, _ in parts]), lists("numbers"), lists("names"))


@numba.njit(cache=True)
def _fill_rows(values, offsets, at, new_values, new_offsets, out, out_off):  # pragma: no cover - compiled
    """Row i of (``values``, ``offsets``), or row ``at[i]`` of the new lists where it is
    not -1, as row i of ``out``."""
    for i in range(len(offsets) - 1):
        w = out_off[i]
        j = at[i]
        lo, hi = (new_offsets[j], new_offsets[j + 1]) if j >= 0 else (offsets[i], offsets[i + 1])
        src = new_values if j >= 0 else values
        for x in range(lo, hi):
            out[w] = src[x]
            w += 1


def _with_rows(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray, new_values: np.ndarray,
               new_offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lists (``values``, ``offsets``) with the rows ``rows`` (distinct, any order)
    replaced by those of (``new_values``, ``new_offsets``): what a join would do,
    without one over every row (issue 15: 0.3 s of 1M stories)."""
    at = np.full(len(offsets) - 1, -1, dtype=np.int64)
    at[rows] = np.arange(len(rows))
    lengths = np.diff(offsets)
    lengths[rows] = np.diff(new_offsets)
    out_off = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(lengths, out=out_off[1:])
    out = np.empty(out_off[-1], dtype=values.dtype)
    _fill_rows(values, np.ascontiguousarray(offsets, dtype=np.int64), at,
               np.ascontiguousarray(new_values, dtype=values.dtype), np.ascontiguousarray(new_offsets, dtype=np.int64),
               out, out_off)
    return out, out_off


@numba.njit(cache=True)
def _distinct_into(values, offsets, out, out_off):  # pragma: no cover - compiled
    """Each row's sorted distinct values, side by side in ``out`` (row i at
    ``out[out_off[i]:out_off[i + 1]]``); a row already strictly increasing (the
    features' numbers and names are) is copied, not sorted."""
    w = 0
    for i in range(len(offsets) - 1):
        out_off[i] = w
        lo = offsets[i]
        hi = offsets[i + 1]
        ordered = True
        for x in range(lo, hi):
            out[w + x - lo] = values[x]
            if x > lo and values[x] <= values[x - 1]:
                ordered = False
        w += hi - lo if ordered else _sort_unique(out[w:w + hi - lo])
    out_off[len(offsets) - 1] = w


def _distinct_rows(values: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's sorted distinct values, and their offsets."""
    values = np.asarray(values)
    out = np.empty(len(values), dtype=values.dtype)
    dense = np.zeros(len(offsets), dtype=np.int64)
    if len(offsets) > 1:
        _distinct_into(values, np.ascontiguousarray(offsets, dtype=np.int64), out, dense)
    return out[:dense[-1]], dense


def _sets(lists: pl.Series, value_type: pa.DataType, dtype: type) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A list column as (sorted distinct values, offsets, null flags)."""
    values, offsets = flat_list(lists, value_type)
    return (*_distinct_rows(values.to_numpy(zero_copy_only=False).astype(dtype, copy=False), offsets),
            lists.is_null().to_numpy())


def identity(df: pl.DataFrame, retokens: Retokens | None = None) -> Identity:
    """The :class:`Identity` of every row of ``df`` (rows in ``_i`` order, 0..n-1);
    ``retokens``: the numbers and names of the rows fingerprinted again, which win."""
    def col(name: str, dtype: pl.DataType) -> pl.Series:
        return df[name] if name in df.columns else pl.Series(name, [None] * df.height, dtype=dtype)

    def tokens(name: str, again: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, ...]:
        if again is None:
            return _sets(df[name], pa.uint32(), np.uint32)
        values, offsets = flat_list(df[name], pa.uint32())
        values, offsets = _with_rows(values.to_numpy(zero_copy_only=False).astype(np.uint32, copy=False), offsets,
                                     retokens.rows, *again)
        null = df[name].is_null().to_numpy().copy()
        null[retokens.rows] = False  # as a join that updates them would leave them
        return (*_distinct_rows(values, offsets), null)

    def code(values: pl.Series) -> np.ndarray:
        # equal strings, equal codes (a hash: no sort of the strings; two strings share
        # one by chance once in 2^64, and only within this call matters), 0 for null
        codes = values.hash(7).to_numpy().copy()
        codes[values.is_null().to_numpy()] = 0
        return codes

    loc = col("dateline_location", pl.String).str.to_lowercase().str.replace_all(r"[^a-z]", "")
    day = col("dateline_date", pl.String).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    names, offsets = flat_list(col("authors", pl.List(pl.String)), pa.large_string())
    by, by_offsets = _distinct_rows(code(pl.Series(names).str.to_lowercase()), offsets)
    again = retokens is not None and len(retokens.rows) > 0
    return Identity(
        num=tokens("fp_numbers", retokens.numbers if again else None),
        nam=tokens("fp_names", retokens.names if again else None),
        head=_sets(col("fp_headline_words", pl.List(pl.UInt32)), pa.uint32(), np.uint32),
        by=(by, by_offsets, np.zeros(df.height, dtype=np.bool_)),
        loc=code(loc), day=code(day))


@numba.njit(inline="always")
def _common(v, o, x, y):
    """How many values rows ``x`` and ``y`` share (sorted distinct values)."""
    i, ie, j, je = o[x], o[x + 1], o[y], o[y + 1]
    n = 0
    while i < ie and j < je:
        if v[i] == v[j]:
            n += 1
            i += 1
            j += 1
        elif v[i] < v[j]:
            i += 1
        else:
            j += 1
    return n


@numba.njit(inline="always")
def _only(v, o, null, x, y):
    """(in x not y, in y not x); (0, 0) when either is null (as polars' set_difference)."""
    if null[x] or null[y]:
        return 0, 0
    c = _common(v, o, x, y)
    return o[x + 1] - o[x] - c, o[y + 1] - o[y] - c


@numba.njit(parallel=True, cache=True)
def _two_stories(a, b, miss_a, miss_b, num_v, num_o, num_n, nam_v, nam_o, nam_n, head_v, head_o, head_n,
                 by_v, by_o, loc, day, key_min, key_share, key_max, headline_weight, author_weight,
                 out):  # pragma: no cover - compiled
    """:func:`two_stories` per pair: see its docstring (the polars form is the reference)."""
    for k in numba.prange(len(a)):
        x, y = a[k], b[k]
        num_xy, num_yx = _only(num_v, num_o, num_n, x, y)
        nam_xy, nam_yx = _only(nam_v, nam_o, nam_n, x, y)
        head_xy, head_yx = _only(head_v, head_o, head_n, x, y)
        text_key = min(num_xy + nam_xy, num_yx + nam_yx)
        head = min(head_xy, head_yx)
        nx, ny = by_o[x + 1] - by_o[x], by_o[y + 1] - by_o[y]
        authors = nx > 0 and ny > 0 and _common(by_v, by_o, x, y) == 0
        place = loc[x] != 0 and loc[y] != 0 and loc[x] != loc[y]
        other_day = day[x] != 0 and day[y] != 0 and day[x] != day[y]
        told = text_key > 0
        key = text_key
        if told:
            key += headline_weight * head + (author_weight if authors else 0)
        differing = max(min(miss_a[k], miss_b[k]) / 3.0, 1.0)
        out[k] = ((told and (place or other_day)) or key >= key_max
                  or (key >= key_min and key >= key_share * differing))


@numba.njit(parallel=True, cache=True)
def _textual(jac, counts, a, b, min_jaccard, min_containment, min_jaccard_contained,
             out):  # pragma: no cover - compiled
    """Per pair, whether it is textually close: estimated Jaccard ``min_jaccard`` or more,
    or the shorter text ``min_containment`` inside the longer with ``min_jaccard_contained``
    (the intersection estimated from the Jaccard and both shingle counts)."""
    # the arithmetic of the numpy form, to the bit: float32 estimates (1 + J in float32,
    # thresholds on J as float32), the rest in float64
    one = np.float32(1.0)
    jmin, jcmin = np.float32(min_jaccard), np.float32(min_jaccard_contained)
    for k in numba.prange(len(a)):
        j = jac[k]
        na, nb = np.float64(counts[a[k]]), np.float64(counts[b[k]])
        inter = np.float64(j) * (na + nb) / np.float64(one + j)
        contain = inter / max(min(na, nb), 1.0)
        out[k] = j >= jmin or (contain >= min_containment and j >= jcmin)


def verify_pairs(pairs: pl.DataFrame, ident: Identity, sig: np.ndarray, counts: np.ndarray,
                 cfg: DedupConfig, force: bool = False) -> pl.DataFrame:
    """The candidate pairs that are textually close, with ``similarity`` and ``apart``:
    true for two stories told alike (:func:`two_stories`), false for a near-copy.

    ``ident``: every row's :class:`Identity`. ``force``: every pair is textually close
    (found another way: a truncated take).
    """
    if pairs.height == 0:
        return pairs.with_columns(pl.lit(None, dtype=pl.Float32).alias("similarity"),
                                  pl.lit(None, dtype=pl.Boolean).alias("apart"))
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    jac = similarity(sig, a, b)
    if not force:  # one pass over the candidates (8M of 1M stories), then the few kept
        textual = np.empty(len(a), dtype=np.bool_)
        _textual(jac, np.ascontiguousarray(counts), np.ascontiguousarray(a, dtype=np.int64),
                 np.ascontiguousarray(b, dtype=np.int64), cfg.min_jaccard, cfg.min_containment,
                 cfg.min_jaccard_contained, textual)
        keep = np.flatnonzero(textual)
        a, b, jac = a[keep], b[keep], jac[keep]
    na, nb = counts[a].astype(np.float64), counts[b].astype(np.float64)
    inter = jac * (na + nb) / (1.0 + jac)
    # copies: a read-only view of polars' memory would be another signature for the kernel
    # (compiled again in the run, not in ``warm_up``)
    a = np.array(a, dtype=np.int64)
    b = np.array(b, dtype=np.int64)
    apart = np.zeros(len(a), dtype=np.bool_)
    if len(a):
        _two_stories(a, b, np.maximum(na - inter, 0.0), np.maximum(nb - inter, 0.0), *ident.num, *ident.nam,
                     *ident.head, ident.by[0], ident.by[1], ident.loc, ident.day, cfg.key_min, cfg.key_share,
                     cfg.key_max, cfg.headline_weight, cfg.author_weight, apart)
    return pl.DataFrame({"a": a, "b": b, "similarity": jac, "apart": apart})


def lead_pairs(df: pl.DataFrame, cfg: DedupConfig) -> pl.DataFrame:
    """Candidates that open with the same words (``fp_lead``): a truncated take and its
    full story (Business Wire's ninjs 1.4 summary of a 1,300-word NewsML release),
    whose Jaccard is far too low for MinHash to find."""
    g = df.select("_i", "fp_lead").drop_nulls("fp_lead")
    sizes = g.group_by("fp_lead").len().filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.bucket_cap))
    g = g.join(sizes.select("fp_lead"), on="fp_lead", how="semi")
    return (g.join(g, on="fp_lead", suffix="_b").filter(pl.col("_i") < pl.col("_i_b"))
            .select(pl.col("_i").alias("a"), pl.col("_i_b").alias("b")))


def verify_contained(pairs: pl.DataFrame, text: pl.DataFrame, cfg: DedupConfig) -> pl.DataFrame:
    """Keep pairs where nearly every sentence of the shorter body is in the longer one.
    ``text`` holds ``_i`` and ``body`` of (at least) the rows of the pairs."""
    if pairs.height == 0:
        return pairs
    text = text.select("_i", pl.col("body").fill_null("").alias("t"))
    p = (pairs.join(text.rename({"_i": "a", "t": "ta"}), on="a").join(text.rename({"_i": "b", "t": "tb"}), on="b")
         .with_columns(pl.when(pl.col("ta").str.len_chars() <= pl.col("tb").str.len_chars())
                       .then(pl.struct(s="ta", l="tb")).otherwise(pl.struct(s="tb", l="ta")).alias("_sl"))
         .with_row_index("_p"))
    sentences = (p.select("_p", pl.col("_sl").struct.field("l").alias("_long"),
                          pl.col("_sl").struct.field("s").str.replace_all(r"([.。!?！？])\s*", "$1\n")
                          .str.split("\n").alias("_sent"))
                 .explode("_sent")
                 .filter(pl.col("_sent").str.len_chars() >= 20)
                 .with_columns(pl.col("_long").str.contains(pl.col("_sent"), literal=True).alias("_in")))
    share = sentences.group_by("_p").agg(pl.col("_in").mean().alias("_share"))
    return (p.join(share, on="_p").filter(pl.col("_share") >= cfg.min_containment)
            .select("a", "b"))


# Lead pairs :func:`contained_leads` hands :func:`verify_contained` at once: it holds both
# texts of each pair and the sentences of the shorter, about 15 KB a pair on the wire
# corpus (issue 16: 180,000 pairs at once took a dedup group from 1.2 to 4.4 GB).
CONTAINED_BATCH = 5_000


def contained_leads(leads: pl.DataFrame, df: pl.DataFrame, fetch: TextFetcher, cfg: DedupConfig,
                    batch: int = CONTAINED_BATCH) -> pl.DataFrame:
    """The lead pairs (``a``, ``b``) whose shorter body is nearly all in the longer one
    (:func:`verify_contained`), in a memory that does not grow with the copies of a
    story or with the number of pairs.

    Whether a pair is contained depends on its two bodies alone, so each distinct pair
    of bodies (``fp_body``, the body's hash, as :func:`same_body_pairs` reads it) is
    verified once, on the text of one item per body (the first), and its answer goes
    to every pair of those bodies: a truncated take and its full story copied on five
    feeds or dates are 25 lead pairs and one check, and ``fetch`` is asked for two
    texts, not ten. The distinct pairs are checked ``batch`` at a time. The same pairs
    come out as from :func:`verify_contained` on all of ``leads`` at once."""
    a, b = leads["a"].to_numpy(), leads["b"].to_numpy()
    # each row's representative: the first row of its body (a row without fp_body: itself)
    first = (df.select(pl.when(pl.col("fp_body").is_null()).then(pl.col("_i"))
                       .otherwise(pl.col("_i").min().over("fp_body")).cast(pl.Int64))
             .to_series().to_numpy())
    pairs = pl.DataFrame({"a": a, "b": b, "_ra": first[a], "_rb": first[b]})
    distinct = pairs.select(pl.col("_ra").alias("a"), pl.col("_rb").alias("b")).unique().sort("a", "b")
    rows = np.unique(np.concatenate([distinct["a"].to_numpy(), distinct["b"].to_numpy()]))
    text = pl.concat([part.select("_i", "body") for part in fetch(rows)])
    ok = pl.concat([verify_contained(distinct.slice(k, batch), text, cfg)
                    for k in range(0, distinct.height, batch)])
    return pairs.join(ok, left_on=["_ra", "_rb"], right_on=["a", "b"], how="semi").select("a", "b")


def same_body_pairs(df: pl.DataFrame, cfg: DedupConfig) -> pl.DataFrame:
    """The same body under another headline: a copy when the headlines name the same
    subject (a word or ticker in common), not when a templated body ("Qtly div 22 cts
    vs 22 cts prior") serves two companies."""
    g = df.select("_i", pl.col("fp_body").alias("_b"), pl.col("fp_headline_words").alias("_w")).drop_nulls("_b")
    sizes = g.group_by("_b").len().filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.bucket_cap))
    g = g.join(sizes.select("_b"), on="_b", how="semi")
    pairs = g.join(g, on="_b", suffix="_2").filter(pl.col("_i") < pl.col("_i_2"))
    common = pl.col("_w").list.set_intersection(pl.col("_w_2")).list.len()
    smaller = pl.min_horizontal(pl.col("_w").list.len(), pl.col("_w_2").list.len())
    return (pairs.filter((smaller == 0) | (common / smaller >= cfg.min_headline))
            .select(pl.col("_i").alias("a"), pl.col("_i_2").alias("b")))


@numba.njit(cache=True)
def _find(parent, x):  # pragma: no cover - compiled
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@numba.njit(cache=True)
def _constrained(n, strong_a, strong_b, near_a, near_b, apart_a, apart_b, keep):  # pragma: no cover - compiled
    """Union-find over the strong links, then over the near links in the order given,
    refusing a near link that would put two items of an ``apart`` pair in one cluster.
    Each root keeps a linked list of the items its members are apart from."""
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    m = len(apart_a)
    head = np.full(n, -1, dtype=np.int64)   # per root: first entry of its apart list
    tail = np.full(n, -1, dtype=np.int64)
    length = np.zeros(n, dtype=np.int64)
    nxt = np.full(2 * m, -1, dtype=np.int64)
    other = np.empty(2 * m, dtype=np.int64)
    for k in range(m):
        for side in range(2):
            u = apart_a[k] if side == 0 else apart_b[k]
            v = apart_b[k] if side == 0 else apart_a[k]
            e = 2 * k + side
            other[e] = v
            if head[u] < 0:
                head[u] = e
            else:
                nxt[tail[u]] = e
            tail[u] = e
            length[u] += 1

    def union(ra, rb):
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        if head[rb] >= 0:
            if head[ra] < 0:
                head[ra] = head[rb]
            else:
                nxt[tail[ra]] = head[rb]
            tail[ra] = tail[rb]
            length[ra] += length[rb]

    for k in range(len(strong_a)):
        ra, rb = _find(parent, strong_a[k]), _find(parent, strong_b[k])
        if ra != rb:
            union(ra, rb)
    for k in range(len(near_a)):
        ra, rb = _find(parent, near_a[k]), _find(parent, near_b[k])
        if ra == rb:
            keep[k] = True
            continue
        # scan the shorter apart list for a member of the other cluster
        src, dst = (ra, rb) if length[ra] <= length[rb] else (rb, ra)
        e = head[src]
        clash = False
        while e >= 0:
            if _find(parent, other[e]) == dst:
                clash = True
                break
            e = nxt[e]
        if not clash:
            keep[k] = True
            union(ra, rb)


def constrained_links(n: int, edges: pl.DataFrame, near: pl.DataFrame) -> pl.DataFrame:
    """The near links (``a``, ``b``, ``similarity``) kept once the clusters may not hold
    two stories told alike: with the version and exact ``edges`` in place, near links
    are added from the most similar down (ties by ``a``, ``b``), and one that would put
    two items of an ``apart`` pair (:func:`verify_pairs`) in one cluster is refused:
    an edited copy of one form's instance links to its original, not to the next
    instance, which may look as much like it."""
    apart = near.filter(pl.col("apart"))
    links = near.filter(~pl.col("apart")).sort(["similarity", "a", "b"], descending=[True, False, False])
    keep = np.zeros(links.height, dtype=np.bool_)
    if links.height:
        _constrained(n, edges["a"].to_numpy().astype(np.int64), edges["b"].to_numpy().astype(np.int64),
                     links["a"].to_numpy().astype(np.int64), links["b"].to_numpy().astype(np.int64),
                     apart["a"].to_numpy().astype(np.int64), apart["b"].to_numpy().astype(np.int64), keep)
    return links.filter(pl.Series(keep)).select("a", "b", "similarity")


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label (the smallest member index) of each of ``n`` nodes."""
    labels = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return labels
    while True:
        la, lb = labels[a], labels[b]
        low = np.minimum(la, lb)
        new = labels.copy()
        np.minimum.at(new, la, low)
        np.minimum.at(new, lb, low)
        while True:  # pointer jumping to the roots
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def _group_edges(df: pl.DataFrame, keys: list[str], condition: pl.Expr | None = None) -> pl.DataFrame:
    """Link every row of a group to the group's first row (a window over the keys: a
    third of the time of a group_by joined back, on 1M stories)."""
    g = df.select("_i", *keys).drop_nulls(keys)
    if condition is not None:
        g = g.filter(condition)
    return (g.select(pl.col("_i").min().over(keys).alias("a"), pl.col("_i").alias("b"))
            .filter(pl.col("a") != pl.col("b")))


def shared_paragraphs(df: pl.DataFrame, cfg: DedupConfig) -> tuple[pl.Series, np.ndarray]:
    """Hashes of the paragraphs found in ``cfg.shared_paragraph`` or more different
    stories (a guid, or a content hash when there is no guid), and each row's share
    of body characters in them.

    Such a paragraph is a teaser list, a promo or a sidebar (Yahoo Finance's
    "related videos", Bloomberg's podcast promo) and would make unrelated
    stories look alike: dedup leaves it out of the text it compares.
    """
    identity = pl.coalesce(pl.concat_str("provider", "guid", separator="\x1f"),
                           pl.col("content_hash").cast(pl.String))
    ident = df.select(identity.hash(1)).to_series().to_numpy()
    hashes, offsets = flat_list(df["fp_paragraphs"], pa.uint64())
    hashes = hashes.to_numpy()
    chars = flat_list(df["fp_paragraph_chars"], pa.int32())[0].to_numpy()
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    in_shared = np.zeros(len(hashes), dtype=np.bool_)
    shared = pl.Series("_h", _shared_hashes(hashes, offsets, ident, cfg.shared_paragraph, in_shared), dtype=pl.UInt64)
    share = np.zeros(df.height)
    if shared.len():
        _shared_share(offsets, np.ascontiguousarray(chars, dtype=np.int32), in_shared, share)
    return shared, share


@numba.njit(inline="always")
def _probe(k, shift):
    return np.int64((k * np.uint64(0x9E3779B97F4A7C15)) >> shift)


@numba.njit(parallel=True, cache=True)
def _owner_counts(hashes, offsets, owners, at_least, parts, first):  # pragma: no cover - compiled
    """Per value of ``hashes`` (row ``r`` holds ``hashes[offsets[r]:offsets[r + 1]]``, its
    owner ``owners[r]``), its distinct owners counted in hash tables: ``first[p]`` is 1
    where ``hashes[p]`` is the first of a value seen with ``at_least`` distinct owners
    and 2 at its other places. The values are split into ``parts`` (a power of two) by their top bits,
    each part on a thread with tables of its own (values; then (value, owner) pairs,
    only for the values seen ``at_least`` times at all)."""
    n = len(hashes)
    rows = len(offsets) - 1
    slot_of = np.empty(n, dtype=np.int32)  # each part writes the places of its own values
    for part in numba.prange(parts):
        mine = 0
        for p in range(n):
            if np.int64(hashes[p] >> np.uint64(56)) & (parts - 1) == part:
                mine += 1
        # A sketch first: saturating byte counters, one per bucket of values. A value whose
        # bucket holds fewer than at_least is rare (a bucket counts its values and any
        # others that fall in it), and most paragraphs are: only the others go to the
        # exact table, which stays small (10M paragraphs of 1M stories: the tables of
        # every value took 580 MB, most of the time of this kernel).
        cbits = 4
        while (np.int64(1) << cbits) < 2 * mine:
            cbits += 1
        cshift = np.uint64(64 - cbits)
        sketch = np.zeros(np.int64(1) << cbits, dtype=np.uint8)
        for p in range(n):
            k = hashes[p]
            if np.int64(k >> np.uint64(56)) & (parts - 1) == part:
                c = _probe(k ^ np.uint64(0x5851F42D4C957F2D), cshift)
                if sketch[c] < 255:
                    sketch[c] += 1
        candidates = 0
        for p in range(n):
            k = hashes[p]
            if (np.int64(k >> np.uint64(56)) & (parts - 1) == part
                    and sketch[_probe(k ^ np.uint64(0x5851F42D4C957F2D), cshift)] >= at_least):
                candidates += 1
        bits = 4
        while (np.int64(1) << bits) < candidates + candidates // 2 + 1:  # a load of 2/3 at most
            bits += 1
        size = np.int64(1) << bits
        mask = size - 1
        shift = np.uint64(64 - bits)
        keys = np.zeros(size, dtype=np.uint64)
        count = np.zeros(size, dtype=np.int32)
        for p in range(n):
            k = hashes[p]
            if np.int64(k >> np.uint64(56)) & (parts - 1) != part:
                continue
            if sketch[_probe(k ^ np.uint64(0x5851F42D4C957F2D), cshift)] < at_least:
                slot_of[p] = -1
                continue
            s = _probe(k, shift)
            while count[s] != 0 and keys[s] != k:
                s = (s + 1) & mask
            keys[s] = k
            count[s] += 1
            slot_of[p] = s
        # the values seen at_least times get a number of their own ...
        frequent = np.full(size, -1, dtype=np.int32)
        nf = 0
        for s in range(size):
            if count[s] >= at_least:
                frequent[s] = nf
                nf += 1
        if nf == 0:
            continue
        # ... and their distinct owners: a set of (value number, owner) pairs
        pairs = 0
        for p in range(n):
            if np.int64(hashes[p] >> np.uint64(56)) & (parts - 1) == part and slot_of[p] >= 0 \
                    and frequent[slot_of[p]] >= 0:
                pairs += 1
        pbits = 4
        while (np.int64(1) << pbits) < pairs + pairs // 2 + 1:
            pbits += 1
        psize = np.int64(1) << pbits
        pmask = psize - 1
        pshift = np.uint64(64 - pbits)
        pair_value = np.full(psize, -1, dtype=np.int32)
        pair_owner = np.zeros(psize, dtype=np.uint64)
        distinct = np.zeros(nf, dtype=np.int32)
        for r in range(rows):
            o = owners[r]
            for p in range(offsets[r], offsets[r + 1]):
                if np.int64(hashes[p] >> np.uint64(56)) & (parts - 1) != part or slot_of[p] < 0:
                    continue
                v = frequent[slot_of[p]]
                if v < 0:
                    continue
                t = _probe((np.uint64(v) * np.uint64(0xBF58476D1CE4E5B9)) ^ o, pshift)
                while pair_value[t] >= 0 and not (pair_value[t] == v and pair_owner[t] == o):
                    t = (t + 1) & pmask
                if pair_value[t] < 0:
                    pair_value[t] = v
                    pair_owner[t] = o
                    distinct[v] += 1
        seen = np.zeros(nf, dtype=np.bool_)
        for p in range(n):
            if np.int64(hashes[p] >> np.uint64(56)) & (parts - 1) != part or slot_of[p] < 0:
                continue
            v = frequent[slot_of[p]]
            if v >= 0 and distinct[v] >= at_least:
                first[p] = 2 if seen[v] else 1
                seen[v] = True


@numba.njit(parallel=True, cache=True)
def _shared_share(offsets, chars, in_shared, out):  # pragma: no cover - compiled
    """Per row, the share of its paragraphs' characters in shared paragraphs."""
    for r in numba.prange(len(offsets) - 1):
        inside = 0
        total = 0
        for p in range(offsets[r], offsets[r + 1]):
            total += chars[p]
            if in_shared[p]:
                inside += chars[p]
        out[r] = inside / max(total, 1)


def _shared_hashes(hashes: np.ndarray, offsets: np.ndarray, owners: np.ndarray, at_least: int,
                   in_shared: np.ndarray) -> np.ndarray:
    """The distinct values of ``hashes`` (row ``r``'s at ``offsets[r]:offsets[r + 1]``)
    seen with ``at_least`` distinct ``owners`` (one a row), sorted (as
    :func:`_hashes_in_many`, its reference), and in ``in_shared`` whether each of
    ``hashes`` is one of them: hash tables, no sort of every paragraph, the values
    split between the threads (issue 15: 10M paragraphs of 1M stories, 1.0 s on one
    thread with 580 MB of tables, np.repeat of the owners 0.2 s more)."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    first = np.zeros(len(hashes), dtype=np.uint8)
    _owner_counts(hashes, np.ascontiguousarray(offsets, dtype=np.int64),
                  np.ascontiguousarray(owners, dtype=np.uint64), at_least,
                  # a power of two: a value's part is a mask of its top bits, not a division
                  1 << max(1, (numba.get_num_threads() - 1).bit_length()), first)
    in_shared[:] = first > 0
    return np.sort(hashes[first == 1])


def _hashes_in_many(hashes: np.ndarray, owners: np.ndarray, at_least: int) -> np.ndarray:
    """The distinct values of ``hashes`` seen with ``at_least`` distinct ``owners``,
    sorted. Only the values seen ``at_least`` times at all (one sort of the hashes)
    have their owners counted (a sort of those pairs)."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    ordered = np.sort(hashes)
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    frequent = ordered[starts[np.diff(np.concatenate([starts, [len(ordered)]])) >= at_least]]
    del ordered, starts
    if len(frequent) == 0:
        return frequent
    pick = np.flatnonzero(frequent[np.minimum(np.searchsorted(frequent, hashes), len(frequent) - 1)] == hashes)
    hashes, owners = hashes[pick], owners[pick]
    order = np.lexsort((owners, hashes))
    h, o = hashes[order], owners[order]
    del order
    new_pair = np.concatenate([[True], (h[1:] != h[:-1]) | (o[1:] != o[:-1])])
    h = h[new_pair]  # one entry per distinct (hash, owner)
    del o, new_pair
    starts = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]]))
    counts = np.diff(np.concatenate([starts, [len(h)]]))
    return h[starts[counts >= at_least]]


def _without_shared(text: pl.DataFrame, shared: pl.Series) -> pl.Series:
    """The dedup text of each fetched row, its shared paragraphs left out."""
    paras = (text.select("_i", pl.col("body").fill_null("").str.split(PARAGRAPH).alias("p"))
             .explode("p").with_row_index("_k"))
    hashes = stable_hash(paras["p"])
    kept = (paras.filter(~hashes.is_in(shared.implode()) | (paras["p"] == ""))
            .group_by("_i", maintain_order=True).agg(pl.col("p").str.join(PARAGRAPH).alias("_kept")))
    out = text.join(kept, on="_i", how="left", maintain_order="left")
    return out.select(dedup_text(pl.col("headline"), pl.col("_kept")).alias("t"))["t"]


def link(df: pl.DataFrame, sig: np.ndarray, fetch: TextFetcher,
         cfg: DedupConfig) -> tuple[pl.DataFrame, np.ndarray]:
    """All links between rows (``a``, ``b``, ``kind``, ``similarity``) and each row's
    share of shared-boilerplate characters.

    ``df`` holds the items' key columns and features with ``_i`` = position;
    ``sig`` their signatures (updated in place for rows re-fingerprinted
    without their shared boilerplate).
    """
    counts = df["fp_shingles"].to_numpy().copy()
    shared, share = shared_paragraphs(df, cfg)
    hit = np.nonzero(share > 0)[0]
    if len(hit):
        # Fingerprint these items again without their shared paragraphs, a frame
        # of them at a time: only the new features are kept, never the text.
        again_parts = []
        for text in fetch(hit):
            # as ``features.text_features_without``, the signatures kept as a matrix
            again = fused_features(text["headline"], text["body"], skip=shared.to_numpy(), body_features=False)
            rows = text["_i"].to_numpy()
            sig[rows] = again["sig"]
            counts[rows] = again["shingles"]
            again_parts.append((rows, {k: again[k] for k in ("numbers", "numbers_offsets", "names",
                                                               "names_offsets")}))
            del text, again
        retokens = Retokens.concat(again_parts)
        del again_parts
    else:
        retokens = None
    edges = [
        # a guid without a known provider still names one chain
        _group_edges(df.with_columns(pl.col("provider").fill_null("")), ["provider", "guid"])
        .with_columns(pl.lit("version").alias("kind")),
        _group_edges(df, ["content_hash"]).with_columns(pl.lit("exact").alias("kind")),
        same_body_pairs(df, cfg).with_columns(pl.lit("exact").alias("kind")),
    ]
    # AP writethru chains without a guid: same provider and slug, marked as versions
    chained = df.filter(pl.col("version_marker").is_not_null() & pl.col("slug").is_not_null())
    if chained.height:
        slugs = chained.select("provider", "slug").unique()
        edges.append(_group_edges(df.join(slugs, on=["provider", "slug"], how="semi"),
                                  ["provider", "slug"]).with_columns(pl.lit("version").alias("kind")))
    edges = pl.concat(edges).with_columns(pl.lit(1.0, dtype=pl.Float32).alias("similarity"))
    # One representative per content hash: its copies are linked already, and a
    # story with many copies would only crowd the LSH buckets.
    first_of_hash = df.select(pl.col("content_hash").is_first_distinct()).to_series().to_numpy()
    eligible = (counts >= cfg.min_words - 2) & (counts > 0) & first_of_hash
    ident = identity(df, retokens)
    near = verify_pairs(candidate_pairs(sig, eligible, cfg), ident, sig, counts, cfg)
    kept = constrained_links(df.height, edges, near)
    # Only lead pairs that the other links have not already put together are checked.
    linked = pl.concat([edges.select("a", "b"), kept.select("a", "b")])
    labels = components(df.height, linked["a"].to_numpy(), linked["b"].to_numpy())
    leads = lead_pairs(df, cfg)
    leads = leads.filter(pl.Series(labels[leads["a"].to_numpy()] != labels[leads["b"].to_numpy()]))
    if leads.height:
        contained = contained_leads(leads, df, fetch, cfg)
        if contained.height:
            # a form's instances open alike too: the same check, the same constraints
            contained = verify_pairs(contained, ident, sig, counts, cfg, force=True)
            kept = constrained_links(df.height, edges, pl.concat([near, contained]))
    near = kept
    edges = pl.concat([edges.select("a", "b", "kind", "similarity"),
                       near.with_columns(pl.lit("near").alias("kind")).select("a", "b", "kind", "similarity")])
    return edges, share


def _rank_keys() -> tuple[list[pl.Expr], list[bool]]:
    usable = (pl.col("pub_status").fill_null("usable") == "usable")
    original = (pl.col("original_provider").is_null() | (pl.col("original_provider") == pl.col("provider")))
    exprs = [usable, original, pl.col("word_count"), pl.col("version_created"), pl.col("raw_uri")]
    return exprs, [True, True, True, True, False]


def current_features(items: pl.DataFrame) -> pl.DataFrame:
    """``items`` with up-to-date ``fp_*`` columns: rows of another recipe (or none)
    are fingerprinted again from their text."""
    if "fp_version" in items.columns and items.height and (items["fp_version"] == FINGERPRINT_VERSION).all():
        return items
    return item_features(items)


def dedup_stories(stories: pl.DataFrame, cfg: DedupConfig = DedupConfig()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(kept, duplicates)``: one row per story to publish, one row per folded item.

    ``stories`` holds normalized rows (``schemas.STORIES`` columns, text
    included); extra columns starting with ``_`` are carried through to both
    outputs. The in-memory form of :func:`dedup_items`.
    """
    if stories.height == 0:
        return stories, _empty_duplicates(stories)
    if "fp_version" in stories.columns and (stories["fp_version"] == FINGERPRINT_VERSION).all():
        items, sig = stories, None  # dedup_items reads fp_sig
    else:  # the signatures stay a matrix: no Binary column and back (1 s of 1M stories)
        items, sig = features_and_signatures(stories)
    items = items.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    text = items.select("_i", "headline", "body")

    def fetch(rows: np.ndarray) -> Iterator[pl.DataFrame]:
        # A filter, not a gather: a gather of a few rows out of many copies their text
        # out of polars' shared buffers (issue 15: 1.5 s of 1M stories' dedup), a filter
        # keeps views into them. The rows come back in ``_i`` order, which callers key on.
        keep = np.zeros(text.height, dtype=np.bool_)
        keep[rows] = True
        yield text.filter(pl.Series(keep))

    kept, duplicates = dedup_items(items.drop("body"), fetch, cfg, sig=sig)
    # a filter, not a join: the stories' text stays in place (0.3 s of 1M stories); the
    # filter gives the kept rows in ``_i`` order, and so does the sort of their columns
    order = kept.select("_i", "date", "shared_boilerplate").sort("_i")
    keep = np.zeros(stories.height, dtype=np.bool_)
    keep[order["_i"].to_numpy()] = True
    kept = (stories.drop("date", strict=False).filter(pl.Series(keep))
            .with_columns(order["date"], order["shared_boilerplate"]))
    return kept, duplicates.drop("_i", strict=False)


def dedup_items(items: pl.DataFrame, fetch: TextFetcher, cfg: DedupConfig = DedupConfig(),
                sig: np.ndarray | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(kept, duplicates)`` decided on the items' features, without their text.

    ``items``: one row per item, ``_i`` its position (0..n-1), the key columns
    (``story_id``, ``raw_uri``, ``provider``, ``guid``, ``version``,
    ``version_created``, ``published_at``, ``pub_status``, ``original_provider``,
    ``word_count``, ``content_hash``, ``slug``, ``version_marker``,
    ``source_format``, ``headline``, ``date``) and the ``fp_*`` features;
    ``fetch`` gives the text of the few rows that need it; ``sig``, the rows'
    signatures when the caller has already taken them out of ``fp_sig``
    (changed in place). ``kept`` holds the
    kept rows (without ``fp_*``) with their partition ``date`` (the cluster's first
    publication) and ``shared_boilerplate``; columns starting with ``_`` are
    carried through to both outputs.
    """
    if items.height == 0:
        return (items.drop(FEATURE_COLUMNS, strict=False)
                .with_columns(pl.lit(None, dtype=pl.Boolean).alias("shared_boilerplate")),
                _empty_duplicates(items))
    if sig is None:
        sig = binary_to_sig(items["fp_sig"])
    df = items.drop("fp_sig", strict=False)
    edges, shared = link(df, sig, fetch, cfg)
    labels = components(df.height, edges["a"].to_numpy(), edges["b"].to_numpy())
    extra = [c for c in df.columns if c.startswith("_")]
    df = df.drop([c for c in FEATURE_COLUMNS if c not in ("fp_body",)], strict=False).with_columns(
        pl.Series("_cluster", labels),
        pl.Series("shared_boilerplate", shared >= cfg.shared_flag))

    # Per-cluster decisions live in arrays indexed by the cluster's label (its
    # smallest row), gathered back per row: no join over the whole frame.
    n = df.height
    rows = np.arange(n, dtype=np.int64)

    # Most chains and clusters have one member, which is its own newest, head and
    # keeper: only the others are sorted (issue 15: sorting every row by strings took
    # 1 s of 1M stories' dedup). ``many``: the rows of clusters of several.
    sizes = np.bincount(labels, minlength=n)
    many = sizes[labels] >= 2

    # kills: the newest version of a guid chain is canceled -> the whole cluster goes.
    # Only chains holding a kill notice can end in one.
    kill_of = np.full(n, -1, dtype=np.int64)
    pf = pl.col("provider").fill_null("")
    is_kill = pl.col("pub_status").str.to_lowercase().is_in(KILLED)
    dead = df.filter(is_kill & pl.col("guid").is_not_null()).select(pf.alias("_pf"), "guid").unique()
    if dead.height:
        newest = (df.select("_i", "_cluster", "raw_uri", "version_created", pf.alias("_pf"), "guid", "pub_status")
                  .join(dead, on=["_pf", "guid"], how="semi")
                  .sort(["version_created", "raw_uri"], descending=[True, False], nulls_last=True)
                  .group_by(["_pf", "guid"], maintain_order=True).first())
        killed = (newest.filter(is_kill).unique("_cluster", keep="first", maintain_order=True))
        kill_of[killed["_cluster"].to_numpy()] = killed["_i"].to_numpy()
        del newest, killed
    del dead

    # Which item is kept: first the newest of each version chain (same provider and
    # guid), then among the chains' newest: usable, original provider, complete body,
    # newest, smallest raw_uri. A total order: the same items give the same keeper.
    in_chain = df.select(pl.col("guid").is_not_null() & many
                         & pl.struct(pf, "guid").is_duplicated()).to_series().to_numpy()
    is_head = ~in_chain
    if in_chain.any():
        newest = (df.filter(pl.Series(in_chain)).select("_i", pf.alias("_pf"), "guid", "version_created",
                                                         "word_count", "raw_uri")
                  .sort(["version_created", "word_count", "raw_uri"], descending=[True, True, False],
                        nulls_last=True, maintain_order=True)
                  .group_by(["_pf", "guid"], maintain_order=True).agg(pl.col("_i").first()))
        is_head[newest["_i"].to_numpy()] = True
        del newest
    heads_in = np.bincount(labels[is_head], minlength=n)  # per cluster: its chains
    keeper_of = np.full(n, -1, dtype=np.int64)
    alone = np.flatnonzero(is_head & (heads_in[labels] == 1))
    keeper_of[labels[alone]] = alone
    contest = is_head & (heads_in[labels] >= 2)
    if contest.any():
        exprs, desc = _rank_keys()
        first = (df.filter(pl.Series(contest))
                 .select("_i", "_cluster", "version_created", "word_count", "raw_uri", "pub_status",
                         "original_provider", "provider")
                 .sort(["_cluster", *exprs], descending=[False, *desc], nulls_last=True, maintain_order=True)
                 .group_by("_cluster", maintain_order=True).agg(pl.col("_i").first()))
        keeper_of[first["_cluster"].to_numpy()] = first["_i"].to_numpy()
        del first
    del alone, contest, is_head, in_chain
    # each cluster's first publication: a row alone is its own cluster (its label)
    cluster_date = df["published_at"].dt.date()
    if many.any():
        first_published = (df.filter(pl.Series(many)).group_by("_cluster")
                           .agg(pl.col("published_at").min().dt.date().alias("d")))
        cluster_date = cluster_date.scatter(first_published["_cluster"].to_numpy(), first_published["d"])
        del first_published

    keeper = keeper_of[labels]  # per row: the row its cluster keeps
    kill = kill_of[labels]      # per row: the kill notice of its cluster, or -1
    is_keeper = (rows == keeper) & (kill < 0)
    # a story's partition is the cluster's first publication (then its own date)
    date = pl.coalesce(cluster_date.gather(labels), df["date"])
    kept = (df.with_columns(date.alias("date")).filter(pl.Series(is_keeper))
            .drop("_cluster", "fp_body"))

    folded = np.flatnonzero(~is_keeper)
    to = keeper[folded]
    dead = kill[folded]
    # the rows of ``folded``, in order: a filter, not a gather (which copies their strings)
    out = df.filter(pl.Series(~is_keeper)).with_columns(
        df["story_id"].gather(to).alias("_kept_id"), df["raw_uri"].gather(to).alias("_kept_uri"),
        df["provider"].gather(to).alias("_kept_provider"), df["guid"].gather(to).alias("_kept_guid"),
        df["version"].gather(to).alias("_kept_version"), df["content_hash"].gather(to).alias("_kept_hash"),
        df["fp_body"].gather(to).alias("_kept_body"), date.gather(to).alias("_kept_date"),
        df["story_id"].gather(np.maximum(dead, 0)).alias("_kill_id"),
        df["raw_uri"].gather(np.maximum(dead, 0)).alias("_kill_uri"),
        pl.Series("_killed", dead >= 0),
        pl.Series("_sim", similarity(sig, folded, to)))
    same_chain = pl.col("provider").eq_missing(pl.col("_kept_provider")) & (
        (pl.col("guid") == pl.col("_kept_guid")).fill_null(False)
        | pl.col("version_marker").is_not_null())
    same_guid = pl.col("provider").eq_missing(pl.col("_kept_provider")) & (pl.col("guid") == pl.col("_kept_guid"))
    same_text = ((pl.col("content_hash") == pl.col("_kept_hash")) | (pl.col("fp_body") == pl.col("_kept_body")))
    reason = (pl.when(pl.col("_killed")).then(pl.lit("kill"))
              .when((same_guid & (pl.col("version") != pl.col("_kept_version"))).fill_null(False))
              .then(pl.lit("version"))
              .when(same_text).then(pl.lit("exact"))
              .when(same_guid.fill_null(False)).then(pl.lit("version"))
              .when(same_chain).then(pl.lit("version"))
              .otherwise(pl.lit("near")))
    duplicates = out.select(
        "story_id", "guid", "raw_uri", "provider", "source_format", "headline",
        pl.when("_killed").then("_kill_id").otherwise("_kept_id").alias("kept_story_id"),
        pl.when("_killed").then("_kill_uri").otherwise("_kept_uri").alias("kept_raw_uri"),
        reason.alias("reason"),
        pl.when(same_text).then(1.0).otherwise(pl.col("_sim")).cast(pl.Float32).alias("similarity"),
        pl.col("_kept_date").alias("date"),
        *extra,
    )
    return kept, duplicates


def window_dates(dates: list, days: int) -> set:
    """The publication dates a run re-derives: every date within ``days`` of a new
    item's date (a REFILE the next day meets yesterday's story), and the null date."""
    out: set = {None}
    for d in {d for d in dates if d is not None}:
        out.update(d + timedelta(days=k) for k in range(-days, days + 1))
    return out


def _empty_duplicates(stories: pl.DataFrame) -> pl.DataFrame:
    from schemas import DUPLICATES

    schema = {c.name: c.dtype for c in DUPLICATES.columns if c.name != "run_id"}
    schema.update({c: stories.schema[c] for c in stories.columns if c.startswith("_")})
    return pl.DataFrame(schema=schema)


__all__ = ["BINS", "DEDUP_COLUMNS", "DedupConfig", "TextFetcher", "candidate_pairs", "components", "current_features",
           "dedup_items", "dedup_stories", "verify_pairs", "warm_up"]


def warm_up() -> None:
    """Deduplicate a dozen made-up stories, so that numba loads every dedup kernel
    (compiled once, cached on disk) now: the first load in a process costs 0.3-0.6 s
    (numba's registries, then each kernel's cached code). A benchmark calls it before it
    times the stage and prints its cost apart; the CLI warms only the feature kernels
    (``features.warm_up``, see flows/cli.py), and a run loads the rest at its first dedup. Near copies, exact copies, a version chain, a truncated
    take and a paragraph shared by ``shared_paragraph`` stories: each step runs once."""
    from transforms.normalizing.normalize import normalize_stories
    from transforms.reading.records import rows_to_frame

    cfg = DedupConfig()
    words = ["markets", "rallied", "after", "the", "central", "bank", "held", "rates", "steady", "while",
             "oil", "prices", "fell", "on", "supply", "news", "and", "investors", "weighed", "earnings",
             "from", "banks", "retailers", "and", "technology", "groups", "in", "Frankfurt", "12", "and",
             "Tokyo", "340", "as", "analysts", "said", "the", "outlook"]

    def text(k: int) -> str:
        w = words[k % 7:] + words[:k % 7]
        return " ".join(w) + ".\n\n" + " ".join(reversed(w)) + "."

    # (not a sign-off or a copyright line: normalizing strips those before dedup sees them)
    shared = "Related coverage: the markets live blog, the week ahead in charts and the oil price tracker."
    base = {"source_format": "warm-up", "provider": "warm", "authors": [], "credits": [], "subjects": [],
            "keywords": []}
    rows = [base | {"raw_uri": f"warm-{k}", "headline": f"Warm-up story {k}",
                    "body": text(k) + ("\n\n" + shared if k < cfg.shared_paragraph + 1 else "")}
            for k in range(cfg.shared_paragraph + 3)]
    rows += [base | {"raw_uri": "warm-copy", "headline": rows[0]["headline"], "body": rows[0]["body"]},
             base | {"raw_uri": "warm-near", "headline": rows[1]["headline"],
                     "body": rows[1]["body"].replace("steady", "firm")},
             base | {"raw_uri": "warm-take", "headline": rows[2]["headline"], "body": text(2)[:400]},
             base | {"raw_uri": "warm-accents", "headline": "Zürich: warm-up", "body": "Zürich " + text(4)},
             base | {"raw_uri": "warm-v1", "headline": "Warm-up version", "body": text(3), "guid": "g",
                     "version": "1"},
             base | {"raw_uri": "warm-v2", "headline": "Warm-up version", "body": text(3) + " More.",
                     "guid": "g", "version": "2"}]
    dedup_stories(normalize_stories(rows_to_frame(rows).lazy()).collect(), cfg)
