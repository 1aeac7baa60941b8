"""Normalize parsed stories: pure polars transforms, chained with ``.pipe``.

Each function takes and returns a frame; none does I/O. The chain
:func:`normalize_stories` turns a ``schemas.PARSED`` frame into the columns of
``schemas.STORIES`` (minus the run's own ``ingested_at``/``run_id``).
"""

from __future__ import annotations

import hashlib

import polars as pl

# --- body clean-up --------------------------------------------------------

# reuters.com 2018-2020 pages end with an invisible div.BreakpointDetector: a
# "0 : 0" line and one bullet line per CSS breakpoint name (SOURCES.md §0, §2).
_BREAKPOINT_DEBRIS = (
    r"(?m)^[ \t]*(?:0 : 0|[•·*][ \t]*(?:narrow|medium|wide|landscape|portrait|above)"
    r"(?:-[a-z]+)+)[ \t]*$"
)


def strip_page_debris(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Remove page furniture that scrapers leave in the text."""
    return lf.with_columns(pl.col("body").str.replace_all(_BREAKPOINT_DEBRIS, ""))


def tidy_body(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Unify line ends and spaces, at most one blank line, trimmed; empty -> null."""
    body = (
        pl.col("body")
        .str.replace_all(r"\r\n?", "\n")
        .str.replace_all(r"[ \t\u00a0]+", " ")
        .str.replace_all(r"(?m)^ +| +$", "")
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
    )
    return lf.with_columns(
        pl.when(body.str.len_chars() > 0).then(body).otherwise(None).alias("body"),
        pl.col("headline").str.replace_all(r"\s+", " ").str.strip_chars(),
    )


# --- sign-off: "Reporting by X; Additional reporting by Y and Z; Editing by W" ---

_ROLES = r"(?:Additional reporting|Reporting|Writing|Editing|Compiled|Edited|Research|Graphics)"
# The last paragraph of the body, when it is a sign-off.
_SIGNOFF = rf"(?:^|\n\n)({_ROLES}(?: by)?\s[^\n]+)\s*$"
_SEGMENT = rf"^\s*({_ROLES})(?:\s+by)?\s+(.+?)\s*\.?$"
_ROLE_NAMES = {
    "reporting": "reporting",
    "additional reporting": "additional reporting",
    "writing": "writing",
    "compiled": "writing",
    "editing": "editing",
    "edited": "editing",
    "research": "research",
    "graphics": "graphics",
}
AUTHOR_ROLES = ("reporting", "writing")


def extract_signoff(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move the trailing sign-off out of the body into ``credits`` and ``authors``.

    Names become credits with their role; people with a reporting or writing
    role become authors when the source gave no byline. ``in <City>`` after a
    name is the reporter's location, not part of the name.
    """
    lf = lf.with_row_index("_row").with_columns(
        pl.col("body").str.extract(_SIGNOFF, 1).alias("_signoff")
    )
    people = (
        lf.select("_row", pl.col("_signoff").str.split(";").alias("_seg"))
        .explode("_seg")
        .with_columns(pl.col("_seg").str.extract_groups(_SEGMENT).alias("_m"))
        .select(
            "_row",
            pl.col("_m").struct.field("1").str.to_lowercase().replace_strict(
                _ROLE_NAMES, default=None).alias("role"),
            pl.col("_m").struct.field("2").str.split(", ").alias("name"),
        )
        .explode("name")
        .with_columns(pl.col("name").str.split(" and "))
        .explode("name")
        .with_columns(
            pl.col("name").str.replace(r"\s+in\s+[A-Z].*$", "").str.strip_chars(" .,")
        )
        .filter(pl.col("role").is_not_null() & (pl.col("name").str.len_chars() > 0))
        .group_by("_row", maintain_order=True)
        .agg(
            pl.struct("name", "role").alias("_credits"),
            pl.col("name").filter(pl.col("role").is_in(AUTHOR_ROLES)).alias("_authors"),
        )
    )
    return (
        lf.join(people, on="_row", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_credits").is_not_null())
            .then(pl.col("body").str.replace(_SIGNOFF, "").str.strip_chars())
            .otherwise(pl.col("body"))
            .alias("body"),
            pl.concat_list(pl.col("credits").fill_null([]),
                           pl.col("_credits").fill_null([])).alias("credits"),
            pl.when(pl.col("authors").list.len().fill_null(0) > 0)
            .then(pl.col("authors"))
            .otherwise(pl.col("_authors").fill_null([]))
            .alias("authors"),
        )
        .drop("_row", "_signoff", "_credits", "_authors")
    )


# --- dateline: "UNITED NATIONS (Reuters) - ", "ATLANTA (AP) _ ", "BERLIN (dpa) - " ---

_DATELINE = (
    r"^(?P<loc>[A-Z][A-Z'’.\-]+(?:[ ,]+[A-Za-z'’.\-]+){0,5}?)\s*"
    r"\((?P<agency>[A-Za-z][A-Za-z .&\-]{0,30})\)\s*(?:--|[-_–—])\s*"
)


def extract_dateline(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Parse a leading dateline out of the body into its own columns."""
    m = pl.col("body").str.extract_groups(_DATELINE)
    return (
        lf.with_columns(m.alias("_dl"))
        .with_columns(
            pl.col("dateline_location").fill_null(pl.col("_dl").struct.field("loc")),
            pl.col("dateline_agency").fill_null(pl.col("_dl").struct.field("agency")),
            pl.when(pl.col("_dl").struct.field("loc").is_not_null())
            .then(pl.col("body").str.replace(_DATELINE, ""))
            .otherwise(pl.col("body"))
            .alias("body"),
        )
        .drop("_dl")
    )


# --- derived columns ------------------------------------------------------


def _sha256_hex(values: pl.Series) -> pl.Series:
    # polars' own hash is seeded and not stable across versions: content
    # hashes and story ids must be, so they use sha256.
    return pl.Series(
        [hashlib.sha256(v.encode()).hexdigest() if v is not None else None for v in values],
        dtype=pl.String,
    )


def add_fingerprints(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``word_count``, ``content_hash`` and the stable ``story_id``.

    ``content_hash`` covers the normalized headline and body. ``story_id``
    identifies the item, not the copy: provider + guid + version where the
    source has a guid, else provider + content hash. Two byte-identical copies
    of one item therefore share a ``story_id``; ``raw_uri`` tells the copies apart.
    """
    content = pl.concat_str(pl.col("headline").fill_null(""), pl.lit("\n"),
                            pl.col("body").fill_null(""))
    lf = lf.with_columns(
        pl.col("body").fill_null("").str.count_matches(r"\S+").cast(pl.Int32).alias("word_count"),
        content.map_batches(_sha256_hex, return_dtype=pl.String).alias("content_hash"),
    )
    identity = pl.when(pl.col("guid").is_not_null()).then(
        pl.concat_str(pl.lit("guid\x1f"), pl.col("provider").fill_null(""), pl.lit("\x1f"),
                      pl.col("guid"), pl.lit("\x1f"), pl.col("version").fill_null(""))
    ).otherwise(
        pl.concat_str(pl.lit("content\x1f"), pl.col("provider").fill_null(""), pl.lit("\x1f"),
                      pl.col("content_hash"))
    )
    return lf.with_columns(
        identity.map_batches(_sha256_hex, return_dtype=pl.String).str.slice(0, 32).alias("story_id"),
        pl.col("published_at").dt.date().alias("date"),
    )


def normalize_stories(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The whole normalization chain over parsed stories."""
    return (
        lf.pipe(strip_page_debris)
        .pipe(tidy_body)
        .pipe(extract_signoff)
        .pipe(extract_dateline)
        .pipe(tidy_body)
        .pipe(add_fingerprints)
    )
