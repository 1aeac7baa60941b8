"""Deduplication like a wire editor: versions, exact copies, near-copies and kills.

Every decision "A is a duplicate of B, because X, similarity S" becomes a row
of ``schemas.DUPLICATES``; nothing is dropped silently.

1. **Links** between items (all vectorised, no Python loop over items or pairs):
   * ``version``: the same provider and guid (a wire story's versions);
     the same provider and slug where a version marker says it is a chain
     (AP writethrus without a guid);
   * ``exact``: the same ``content_hash`` (normalized headline and body), or
     the same body under a headline about the same subject;
   * ``near``: OPH MinHash signatures of the body (``transforms.fingerprint``),
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

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from transforms.fingerprint import BINS, EMPTY, signatures, similarity

KILLED = ("canceled", "cancelled", "killed", "withdrawn")


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds of the near-duplicate stage (see docs/dedup.md for how they were chosen)."""

    bands: int = 64
    rows: int = 4
    bucket_cap: int = 20          # LSH buckets larger than this are templates or boilerplate: skipped
    min_jaccard: float = 0.45     # near-copy: estimated Jaccard of body 3-shingles ...
    min_containment: float = 0.8  # ... or the shorter text mostly inside the longer ...
    min_jaccard_contained: float = 0.2  # ... with at least this Jaccard
    min_numbers: float = 0.8      # share of the shorter text's numbers found in the other
    min_names: float = 0.6        # share of the shorter text's capitalised words found in the other
    min_words: int = 40           # shorter texts (briefs, dividend lines) are matched exactly only
    shared_paragraph: int = 8     # a paragraph found in this many different stories is boilerplate
    shared_flag: float = 0.25     # share of a body's words in shared paragraphs that flags it
    lead_chars: int = 100         # bodies opening with the same text are checked for containment
    min_headline: float = 0.3     # same body, other headline: share of headline words in common


def _mix(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64 keys: one hash per band of ``rows`` signature values."""
    n = sig.shape[0]
    s = sig[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    for r in range(rows):
        key = _mix(key ^ s[:, :, r])
    return key ^ (np.arange(bands, dtype=np.uint64) << np.uint64(56))


def candidate_pairs(sig: np.ndarray, eligible: np.ndarray, cfg: DedupConfig) -> pl.DataFrame:
    """Pairs ``(a, b)``, ``a < b``, of rows sharing at least one LSH band bucket."""
    idx = np.nonzero(eligible)[0]
    if len(idx) < 2:
        return pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64})
    keys = band_keys(sig[idx], cfg.bands, cfg.rows)
    df = pl.DataFrame({"key": keys.ravel(), "doc": np.repeat(idx, cfg.bands)})
    sizes = df.group_by("key").len()
    df = df.join(sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.bucket_cap)).select("key"),
                 on="key", how="semi")
    pairs = (df.join(df, on="key", suffix="_b")
             .filter(pl.col("doc") < pl.col("doc_b"))
             .select(pl.col("doc").alias("a"), pl.col("doc_b").alias("b"))
             .unique())
    return pairs


def _token_sets(texts: pl.Series, pattern: str, strip: int = 0) -> pl.Series:
    tokens = texts.fill_null("").str.extract_all(pattern)
    if strip:
        tokens = tokens.list.eval(pl.element().str.slice(strip))
    return tokens.list.unique()


_NUMBERS = r"\d+(?:[.,]\d+)*"
# Names: capitalised words inside a sentence (after a lower-case word, a digit or a
# comma, so "The" and "Payment" opening sentences do not count), and tickers
# ("<BEN>"). They tell templated stories apart: "Showa Aluminium" vs "Sankei Building".
_NAMES = r"[a-z0-9,;] [A-Z][\w'’-]*[a-z][\w'’-]*|  <[A-Z][A-Z0-9.]*>"


def verify_pairs(pairs: pl.DataFrame, bodies: pl.Series, sig: np.ndarray, counts: np.ndarray,
                 cfg: DedupConfig) -> pl.DataFrame:
    """Keep the candidate pairs that are near-copies; adds ``similarity``."""
    if pairs.height == 0:
        return pairs.with_columns(pl.lit(None, dtype=pl.Float32).alias("similarity"))
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    jac = np.concatenate([similarity(sig, a[i:i + 200_000], b[i:i + 200_000])
                          for i in range(0, len(a), 200_000)])
    na, nb = counts[a].astype(np.float64), counts[b].astype(np.float64)
    inter = jac * (na + nb) / (1.0 + jac)
    contain = inter / np.maximum(np.minimum(na, nb), 1.0)
    textual = (jac >= cfg.min_jaccard) | ((contain >= cfg.min_containment) & (jac >= cfg.min_jaccard_contained))
    cand = pairs.with_columns(pl.Series("similarity", jac), pl.Series("_ok", textual)).filter("_ok")
    if cand.height == 0:
        return cand.drop("_ok")
    docs = np.unique(np.concatenate([cand["a"].to_numpy(), cand["b"].to_numpy()]))
    sub = bodies.gather(docs)
    tokens = pl.DataFrame({"doc": docs, "num": _token_sets(sub, _NUMBERS),
                           "nam": _token_sets(sub.str.replace_all("<", "  <", literal=True), _NAMES, strip=2)})

    def share(col: str) -> pl.Expr:
        inter = pl.col(f"{col}_a").list.set_intersection(pl.col(f"{col}_b")).list.len()
        smaller = pl.min_horizontal(pl.col(f"{col}_a").list.len(), pl.col(f"{col}_b").list.len())
        return pl.when(smaller == 0).then(1.0).otherwise(inter / smaller)

    checked = (
        cand.join(tokens.rename({"doc": "a", "num": "num_a", "nam": "nam_a"}), on="a", how="left")
        .join(tokens.rename({"doc": "b", "num": "num_b", "nam": "nam_b"}), on="b", how="left")
        .filter((share("num") >= cfg.min_numbers) & (share("nam") >= cfg.min_names))
    )
    return checked.select("a", "b", "similarity")


def lead_pairs(df: pl.DataFrame, cfg: DedupConfig) -> pl.DataFrame:
    """Candidates that open with the same words: a truncated take and its full story
    (Business Wire's ninjs 1.4 summary of a 1,300-word NewsML release), whose
    Jaccard is far too low for MinHash to find."""
    head = pl.col("body").str.slice(0, 2 * cfg.lead_chars).str.to_lowercase().str.replace_all(r"\s+", " ")
    lead = pl.when(head.str.len_chars() >= cfg.lead_chars).then(head.str.slice(0, cfg.lead_chars))
    g = df.select("_i", lead.alias("_lead")).drop_nulls("_lead")
    sizes = g.group_by("_lead").len().filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.bucket_cap))
    g = g.join(sizes.select("_lead"), on="_lead", how="semi")
    return (g.join(g, on="_lead", suffix="_b").filter(pl.col("_i") < pl.col("_i_b"))
            .select(pl.col("_i").alias("a"), pl.col("_i_b").alias("b")))


def verify_contained(pairs: pl.DataFrame, bodies: pl.Series, cfg: DedupConfig) -> pl.DataFrame:
    """Keep pairs where nearly every sentence of the shorter body is in the longer one."""
    if pairs.height == 0:
        return pairs
    text = pl.DataFrame({"_i": np.arange(len(bodies), dtype=np.int64), "t": bodies})
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


def same_body_pairs(df: pl.DataFrame, cfg: DedupConfig) -> pl.DataFrame:
    """The same body under another headline: a copy when the headlines name the same
    subject (a word or ticker in common), not when a templated body ("Qtly div 22 cts
    vs 22 cts prior") serves two companies."""
    words = (pl.col("headline").fill_null("").str.to_lowercase().str.replace_all(r"\.[a-z]>", ">")
             .str.extract_all(r"<[a-z0-9.]+>|[a-z0-9]{3,}").list.unique())
    g = (df.filter(pl.col("body").is_not_null())
         .select("_i", pl.col("body").hash(7).alias("_b"), words.alias("_w")))
    sizes = g.group_by("_b").len().filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.bucket_cap))
    g = g.join(sizes.select("_b"), on="_b", how="semi")
    pairs = g.join(g, on="_b", suffix="_2").filter(pl.col("_i") < pl.col("_i_2"))
    common = pl.col("_w").list.set_intersection(pl.col("_w_2")).list.len()
    smaller = pl.min_horizontal(pl.col("_w").list.len(), pl.col("_w_2").list.len())
    return (pairs.filter((smaller == 0) | (common / smaller >= cfg.min_headline))
            .select(pl.col("_i").alias("a"), pl.col("_i_2").alias("b")))


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
    """Link every row of a group to the group's first row."""
    g = df.select("_i", *keys).drop_nulls(keys)
    if condition is not None:
        g = g.filter(condition)
    first = g.group_by(keys).agg(pl.col("_i").min().alias("_root"))
    return (g.join(first, on=keys).filter(pl.col("_i") != pl.col("_root"))
            .select(pl.col("_root").alias("a"), pl.col("_i").alias("b")))


def dedup_texts(df: pl.DataFrame, cfg: DedupConfig) -> tuple[pl.Series, pl.Series]:
    """The text each row is compared by, and the share of its body's words that are
    shared boilerplate.

    The text is the cleaned headline (templated briefs share a body and differ in
    the headline, "<X> SETS QUARTERLY DIVIDEND") and the body without shared
    boilerplate: a paragraph found in ``cfg.shared_paragraph`` or more different
    stories (a guid, or a content hash when there is no guid) is a teaser list,
    a promo or a sidebar (Yahoo Finance's "related videos", Bloomberg's podcast
    promo), and would make unrelated stories look alike.
    """
    identity = pl.coalesce(pl.concat_str("provider", "guid", separator="\x1f"), pl.col("content_hash"))
    # Paragraph hashes first (cheap); strings only for the few rows that hold a shared one.
    paras = (df.select("_i", identity.hash(1).alias("_id"),
                       pl.col("body").fill_null("").str.split("\n\n").alias("p"))
             .explode("p").select("_i", "_id", pl.col("p").hash(2).alias("_h"),
                                  pl.col("p").str.len_chars().alias("_c")))
    shared = (paras.filter(pl.col("_c") > 0).group_by("_h").agg(pl.col("_id").n_unique().alias("_n"))
              .filter(pl.col("_n") >= cfg.shared_paragraph).select("_h"))
    base = pl.concat_str(pl.col("headline").fill_null(""), pl.lit("\n\n"), pl.col("body").fill_null(""))
    if shared.height == 0:
        return df.select(base.alias("t"))["t"], pl.Series("_share", np.zeros(df.height))
    marked = paras.join(shared.with_columns(pl.lit(True).alias("_s")), on="_h", how="left")
    share = (marked.group_by("_i").agg(
        (pl.col("_c").filter(pl.col("_s").is_not_null()).sum() / pl.col("_c").sum().clip(lower_bound=1))
        .alias("_share")))
    hit = share.filter(pl.col("_share") > 0).select("_i")
    rebuilt = (df.join(hit, on="_i", how="semi")
               .select("_i", pl.col("body").fill_null("").str.split("\n\n").alias("p")).explode("p")
               .with_columns(pl.col("p").hash(2).alias("_h"))
               .join(shared, on="_h", how="anti", maintain_order="left")
               .group_by("_i", maintain_order=True).agg(pl.col("p").str.join("\n\n").alias("_kept")))
    out = (df.select("_i", "headline", "body").join(rebuilt, on="_i", how="left", maintain_order="left")
           .join(share, on="_i", how="left", maintain_order="left")
           .select(pl.when(pl.col("_i").is_in(rebuilt["_i"].implode()))
                   .then(pl.concat_str(pl.col("headline").fill_null(""), pl.lit("\n\n"),
                                       pl.col("_kept").fill_null("")))
                   .otherwise(base).alias("t"),
                   pl.col("_share").fill_null(0.0)))
    return out["t"], out["_share"]


def link(stories: pl.DataFrame, cfg: DedupConfig) -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    """All links between rows (``a``, ``b``, ``kind``, ``similarity``), the signatures,
    and each row's share of shared-boilerplate words."""
    df = stories.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    texts, shared = dedup_texts(df, cfg)
    df = df.with_columns(shared.alias("_shared"))
    sig, counts = signatures(texts)
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
    eligible = (counts >= cfg.min_words - 2) & (sig[:, 0] != EMPTY) & first_of_hash
    near = verify_pairs(candidate_pairs(sig, eligible, cfg), texts, sig, counts, cfg)
    # Only lead pairs that the other links have not already put together are checked.
    linked = pl.concat([edges.select("a", "b"), near.select("a", "b")])
    labels = components(df.height, linked["a"].to_numpy(), linked["b"].to_numpy())
    leads = lead_pairs(df, cfg)
    leads = leads.filter(pl.Series(labels[leads["a"].to_numpy()] != labels[leads["b"].to_numpy()]))
    contained = verify_contained(leads, df["body"].fill_null(""), cfg)
    if contained.height:
        contained = contained.with_columns(
            pl.Series("similarity", similarity(sig, contained["a"].to_numpy(), contained["b"].to_numpy())))
        near = pl.concat([near, contained.select("a", "b", "similarity")])
    edges = pl.concat([edges.select("a", "b", "kind", "similarity"),
                       near.with_columns(pl.lit("near").alias("kind")).select("a", "b", "kind", "similarity")])
    return edges, sig, shared


def _rank_keys() -> tuple[list[pl.Expr], list[bool]]:
    usable = (pl.col("pub_status").fill_null("usable") == "usable")
    original = (pl.col("original_provider").is_null() | (pl.col("original_provider") == pl.col("provider")))
    exprs = [usable, original, pl.col("word_count"), pl.col("version_created"), pl.col("raw_uri")]
    return exprs, [True, True, True, True, False]


def dedup_stories(stories: pl.DataFrame, cfg: DedupConfig = DedupConfig()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(kept, duplicates)``: one row per story to publish, one row per folded item.

    ``stories`` holds normalized rows (``schemas.STORIES`` columns); extra
    columns starting with ``_`` are carried through to both outputs.
    """
    if stories.height == 0:
        return stories, _empty_duplicates(stories)
    edges, sig, shared = link(stories, cfg)
    labels = components(stories.height, edges["a"].to_numpy(), edges["b"].to_numpy())
    df = stories.with_row_index("_i").with_columns(
        pl.col("_i").cast(pl.Int64), pl.Series("_cluster", labels),
        (shared >= cfg.shared_flag).alias("shared_boilerplate"))

    # kills: the newest version of a guid chain is canceled -> the whole cluster goes
    newest = (df.filter(pl.col("guid").is_not_null())
              .sort(["version_created", "raw_uri"], descending=[True, False], nulls_last=True)
              .group_by(["provider", "guid"], maintain_order=True).first())
    killed = newest.filter(pl.col("pub_status").str.to_lowercase().is_in(KILLED)).select(
        "_cluster", pl.col("story_id").alias("_kill_id"), pl.col("raw_uri").alias("_kill_uri")
    ).unique("_cluster", keep="first", maintain_order=True)

    # Which item is kept: first the newest of each version chain (same provider and
    # guid), then among the chains' newest: usable, original provider, complete body,
    # newest, smallest raw_uri. A total order: the same items give the same keeper.
    chain = pl.coalesce(pl.concat_str(pl.col("provider").fill_null(""), "guid", separator="\x1f"),
                        pl.col("_i").cast(pl.String))
    df = df.with_columns(chain.alias("_chain"))
    heads = (df.sort(["_chain", "version_created", "word_count", "raw_uri"],
                     descending=[False, True, True, False], nulls_last=True, maintain_order=True)
             .group_by("_chain", maintain_order=True).first())
    exprs, desc = _rank_keys()
    ranked = heads.sort(["_cluster", *exprs], descending=[False, *desc], nulls_last=True, maintain_order=True)
    keeper = ranked.group_by("_cluster", maintain_order=True).agg(pl.col("_i").first().alias("_keeper")).join(
        df.group_by("_cluster").agg(pl.col("published_at").min().alias("_first_published")), on="_cluster")
    df = df.join(keeper, on="_cluster", how="left").join(killed, on="_cluster", how="left")
    first_date = pl.col("_first_published").dt.date()
    is_keeper = (pl.col("_i") == pl.col("_keeper")) & pl.col("_kill_id").is_null()
    kept = (df.filter(is_keeper)
            .with_columns(pl.coalesce(first_date, pl.col("date")).alias("date"))
            .drop("_i", "_cluster", "_chain", "_keeper", "_first_published", "_kill_id", "_kill_uri"))

    keepers = df.filter(pl.col("_i") == pl.col("_keeper")).select(
        "_cluster", pl.col("story_id").alias("_kept_id"), pl.col("raw_uri").alias("_kept_uri"),
        pl.col("_i").alias("_kept_i"), pl.col("provider").alias("_kept_provider"),
        pl.col("guid").alias("_kept_guid"), pl.col("version").alias("_kept_version"),
        pl.col("content_hash").alias("_kept_hash"),
        pl.col("body").alias("_kept_body"),
        pl.coalesce(first_date, pl.col("date")).alias("_kept_date"))
    folded = df.filter(~is_keeper).join(keepers, on="_cluster", how="left")
    if folded.height:
        sim = similarity(sig, folded["_i"].to_numpy(), folded["_kept_i"].to_numpy())
    else:
        sim = np.zeros(0, dtype=np.float32)
    same_chain = pl.col("provider").eq_missing(pl.col("_kept_provider")) & (
        (pl.col("guid") == pl.col("_kept_guid")).fill_null(False)
        | pl.col("version_marker").is_not_null())
    same_guid = pl.col("provider").eq_missing(pl.col("_kept_provider")) & (pl.col("guid") == pl.col("_kept_guid"))
    reason = (pl.when(pl.col("_kill_id").is_not_null()).then(pl.lit("kill"))
              .when((same_guid & (pl.col("version") != pl.col("_kept_version"))).fill_null(False))
              .then(pl.lit("version"))
              .when((pl.col("content_hash") == pl.col("_kept_hash")) | (pl.col("body") == pl.col("_kept_body")))
              .then(pl.lit("exact"))
              .when(same_guid.fill_null(False)).then(pl.lit("version"))
              .when(same_chain).then(pl.lit("version"))
              .otherwise(pl.lit("near")))
    extra = [c for c in stories.columns if c.startswith("_")]
    duplicates = folded.with_columns(pl.Series("_sim", sim)).select(
        "story_id", "guid", "raw_uri", "provider", "source_format", "headline",
        pl.coalesce("_kill_id", "_kept_id").alias("kept_story_id"),
        pl.coalesce("_kill_uri", "_kept_uri").alias("kept_raw_uri"),
        reason.alias("reason"),
        pl.when((pl.col("content_hash") == pl.col("_kept_hash")) | (pl.col("body") == pl.col("_kept_body")))
        .then(1.0)
        .otherwise(pl.col("_sim")).cast(pl.Float32).alias("similarity"),
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


def combine_items(existing: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Items already in the lake for the window, and this run's items: an item read
    again (same ``raw_uri``) is replaced by its new reading."""
    if existing.height == 0:
        return new
    old = existing.join(new.select("raw_uri"), on="raw_uri", how="anti")
    return pl.concat([old, new], how="diagonal_relaxed")


def _empty_duplicates(stories: pl.DataFrame) -> pl.DataFrame:
    from schemas import DUPLICATES

    schema = {c.name: c.dtype for c in DUPLICATES.columns if c.name != "run_id"}
    schema.update({c: stories.schema[c] for c in stories.columns if c.startswith("_")})
    return pl.DataFrame(schema=schema)


__all__ = ["BINS", "DedupConfig", "candidate_pairs", "components", "dedup_stories", "verify_pairs"]
