"""Field quality over the stories table: fill rates and leftover boilerplate (pure polars)."""

from __future__ import annotations

import polars as pl

from transforms.normalizing.clean_text import BOILERPLATE, boilerplate_hits

# Not boilerplate, but signs that a clean-up step missed something.
LEFTOVERS: dict[str, str] = {
    "dateline": r"^(?:[A-Z][A-Z .,']{2,40}\s*)?\((?:Reuters|AP|AFP|dpa|Bloomberg)\)\s*(?:--|[-_–—])",
    "signoff": r"(?:^|\n)(?:Reporting|Writing|Editing) by [^\n]+$",
    "html_tag": r"</?(?:p|div|span|br|a|section)\b[^>]*>",
    "html_entity": r"&(?:amp|lt|gt|quot|nbsp|#\d{2,5});|(?:^|[^&])#(?:36|39);",
    "mojibake": r"â€|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]",
    "control_char": r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
}


# Columns added for newsroom metadata (issue 14): their fill rate per group.
METADATA_LISTS = ("genre", "place", "category")
METADATA_SCALARS = ("ednote", "abstract", "priority")
METADATA = METADATA_LISTS + METADATA_SCALARS


def filled(name: str) -> pl.Expr:
    """The column holds a value: a non-empty list, or a non-null scalar."""
    if name in METADATA_LISTS:
        return pl.col(name).list.len().fill_null(0) > 0
    return pl.col(name).is_not_null()


def quality_by(lf: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
    """Per group: stories, % with published_at, % whose zone came from the source,
    % with a dateline, % with authors, % with each newsroom metadata column, and how many bodies still hold each known
    boilerplate marker (0 is the goal for every one)."""
    hits = boilerplate_hits(pl.col("body"))

    def pct(expr: pl.Expr) -> pl.Expr:
        return (expr.mean() * 100).round(1)

    return (
        lf.group_by(keys)
        .agg(
            pl.len().alias("stories"),
            pct(pl.col("published_at").is_not_null()).alias("published_pct"),
            pct(pl.col("published_tz_source") == "source").alias("zone_from_source_pct"),
            pct(pl.col("dateline_location").is_not_null() | pl.col("dateline_agency").is_not_null())
            .alias("dateline_pct"),
            pct(pl.col("authors").list.len() > 0).alias("authors_pct"),
            *[pct(filled(c)).alias(f"{c}_pct") for c in METADATA],
            *[e.sum().alias(f"left_{name}") for name, e in hits.items()],
            *[pl.col("body").str.contains(p).fill_null(False).sum().alias(f"left_{name}")
              for name, p in LEFTOVERS.items()],
        )
        .sort(keys, nulls_last=True)
        .collect()
    )


MARKERS = [f"left_{name}" for name in BOILERPLATE]
CHECKS = [f"left_{name}" for name in LEFTOVERS]
