"""Deduplication: decide which rows are kept and record every fold as a row.

Every decision "A is a duplicate of B, because X, similarity S" becomes a row
of ``schemas.DUPLICATES``; nothing is dropped silently.

Exact copies: rows with the same ``content_hash`` (normalized headline and
body) are one story. Then rows that share a ``story_id`` (same provider, guid
and version with different bytes: a re-send) are one story too. Which copy is
kept is deterministic whatever the input order: the smallest
``(story_id, raw_uri)``.
"""

from __future__ import annotations

import polars as pl

_ORDER = ["story_id", "raw_uri"]


def _fold(df: pl.DataFrame, key: str, reason: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    ordered = df.sort([key, *_ORDER], maintain_order=True)
    first = ordered.select(pl.col(key).is_first_distinct()).to_series()
    kept = ordered.filter(first)
    folded = ordered.filter(~first)
    dups = folded.join(
        kept.select(key, pl.col("story_id").alias("kept_story_id"),
                    pl.col("raw_uri").alias("kept_raw_uri"), pl.col("date").alias("kept_date")),
        on=key, how="left", maintain_order="left",
    ).select(
        "story_id", "guid", "raw_uri", "provider", "source_format", "headline",
        "kept_story_id", "kept_raw_uri",
        pl.lit(reason).alias("reason"),
        pl.lit(1.0, dtype=pl.Float32).alias("similarity"),
        pl.col("kept_date").alias("date"),
        *[c for c in df.columns if c.startswith("_")],
    )
    return kept, dups


def dedup_exact(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(kept, duplicates)`` after folding exact copies and same-id re-sends."""
    kept, exact = _fold(df, "content_hash", "exact")
    kept, same_id = _fold(kept, "story_id", "version")
    # A copy folded into a row that was itself folded points at the final keeper.
    final = kept.select(pl.col("story_id").alias("kept_story_id"),
                        pl.col("raw_uri").alias("_final_uri"), pl.col("date").alias("_final_date"))
    exact = exact.join(final, on="kept_story_id", how="left", maintain_order="left").with_columns(
        pl.col("_final_uri").alias("kept_raw_uri"), pl.col("_final_date").alias("date")
    ).drop("_final_uri", "_final_date")
    return kept, pl.concat([exact, same_id], how="vertical")
