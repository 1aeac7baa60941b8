"""The dedup view: what a run keeps of each item while it deduplicates.

Extract hands back, for every item it staged, these columns (keys and dedup
features, no text: the text waits in the staging area or in items/) and the
item's signature as a row of a matrix beside them. Pure: frames in, frames out.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from transforms.dedup.cluster import DEDUP_COLUMNS
from transforms.dedup.features import FEATURE_COLUMNS
from transforms.dedup.fingerprint import binary_to_sig

# The columns dedup decides on (plus what the run summary reports of kept stories):
# extract tasks hand these back, never the text, which waits in the staging area.
VIEW = list(dict.fromkeys([*DEDUP_COLUMNS, "authors", "dateline_location", *FEATURE_COLUMNS]))


def signatures(df: pl.DataFrame) -> np.ndarray:
    """The items' signatures as a matrix (one row an item), from their ``fp_sig``."""
    return binary_to_sig(df["fp_sig"])


def dedup_view(df: pl.DataFrame, loc: str | None) -> pl.DataFrame:
    """The dedup view of some items, about 500 bytes an item, the signature apart
    (a matrix beside it, :func:`signatures`): the content hash as 64 bits instead
    of 64 hex characters, the recipe dropped (every view is of the current one),
    where the item waits as ``_loc``."""
    source = pl.col("_source_uri") if "_source_uri" in df.columns else pl.lit(None, dtype=pl.String)
    return df.select(*(c for c in VIEW if c not in ("fp_version", "fp_sig")),
                     source.cast(pl.Categorical).alias("_source_uri"),
                     pl.lit(loc, dtype=pl.String).cast(pl.Categorical).alias("_loc")).with_columns(
        pl.col("content_hash").str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64))


def staged_index(view: pl.DataFrame) -> pl.DataFrame:
    """How many items of a view were staged, per source file, format, date and staging
    object (``_loc``): what a run too large to hold its views keeps of them (a few rows
    per chunk of items)."""
    return view.group_by("_source_uri", "source_format", "date", "_loc").len()


def stack(pieces: list[np.ndarray]) -> np.ndarray:
    """``np.concatenate(pieces)``, emptying ``pieces`` as it goes: the pieces and the
    whole are never all in memory at once (a run's signatures, batch by batch)."""
    out = np.empty((sum(len(p) for p in pieces), *pieces[0].shape[1:]), dtype=pieces[0].dtype)
    row = 0
    pieces.reverse()
    while pieces:
        piece = pieces.pop()
        out[row:row + len(piece)] = piece
        row += len(piece)
        del piece
    return out
