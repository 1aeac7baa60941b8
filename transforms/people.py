"""Bylines and sign-offs to ``authors`` and ``credits`` (pure polars).

* A leading byline line: ``By Joey Roulette`` / ``By JOHN DOE, Associated Press Writer``.
* A trailing sign-off: ``Reporting by X; Additional reporting by Y and Z;
  Writing by W; Editing by A and B`` (Reuters), one or more paragraphs.

Credits keep every person with a role; authors are the byline, or failing
that the people with a reporting or writing role. What the parser found in
the source (a ``<byline>``, ``<by>``) wins over what the text says.
"""

from __future__ import annotations

import polars as pl

_ROLES = (r"(?:Additional [Rr]eporting|Reporting|Writing|Editing|Compiled|Edited|Research"
          r"|Graphics|Produced|Video)")
_SIGNOFF_LINE = rf"{_ROLES}(?:\s*by)?\s[^\n]+"
# One or more trailing sign-off paragraphs.
_SIGNOFF = rf"(?:^|\n\n)({_SIGNOFF_LINE}(?:\n+{_SIGNOFF_LINE})*)\s*$"
_SEGMENT = rf"^\s*({_ROLES})(?:\s*by)?\s+(.+?)\s*\.?$"
_ROLE_NAMES = {
    "reporting": "reporting", "additional reporting": "additional reporting",
    "writing": "writing", "compiled": "writing", "editing": "editing", "edited": "editing",
    "research": "research", "graphics": "graphics", "produced": "production", "video": "video",
}
AUTHOR_ROLES = ("reporting", "writing", "byline")

# "By Joey Roulette", "By JOHN DOE and JANE ROE, Associated Press Writers"
_BYLINE = r"^By ([A-Z][^\n]{2,100}?)\s*(?:\n|$)"
_BYLINE_TAIL = (r",?\s*(?:The )?(?:Associated Press|AP|Reuters|AFP|Bloomberg)"
                r"(?: [A-Z][a-z]+)*(?: Writers?| Correspondents?| Reporters?)?$")


def _names(expr: pl.Expr) -> pl.Expr:
    """A text of names to a list: 'A, B and C in London' -> [A, B, C]."""
    return (
        expr.str.replace(r"\s+in\s+[A-Z][^,;]*$", "")
        .str.replace_all(r"\s+and\s+|\s*&\s*", ", ")
        .str.split(", ")
        .list.eval(pl.element().str.replace(r"\s+in\s+[A-Z].*$", "").str.strip_chars(" .,;:"))
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 1))
    )


def extract_byline(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move a leading ``By ...`` line out of the body into authors and credits."""
    raw = pl.col("body").str.extract(_BYLINE, 1)
    names = _names(raw.str.replace(_BYLINE_TAIL, ""))
    found = raw.is_not_null() & (names.list.len() > 0)
    return lf.with_columns(
        pl.when(found).then(pl.col("body").str.replace(_BYLINE, "")).otherwise(pl.col("body")).alias("body"),
        pl.when(found & (pl.col("authors").list.len().fill_null(0) == 0))
        .then(names).otherwise(pl.col("authors")).alias("authors"),
        pl.when(found)
        .then(pl.concat_list(pl.col("credits").fill_null([]),
                             names.list.eval(pl.struct(name=pl.element(), role=pl.lit("byline")))))
        .otherwise(pl.col("credits")).alias("credits"),
    )


def extract_signoff(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move the trailing sign-off out of the body into ``credits`` (and ``authors``)."""
    lf = lf.with_row_index("_row").with_columns(pl.col("body").str.extract(_SIGNOFF, 1).alias("_signoff"))
    people = (
        lf.select("_row", pl.col("_signoff").str.split("\n").list.eval(
            pl.element().str.split(";")).list.eval(pl.element().explode()).alias("_seg"))
        .explode("_seg")
        .with_columns(pl.col("_seg").str.extract_groups(_SEGMENT).alias("_m"))
        .select(
            "_row",
            pl.col("_m").struct.field("1").str.to_lowercase()
            .replace_strict(_ROLE_NAMES, default=None).alias("role"),
            _names(pl.col("_m").struct.field("2")).alias("name"),
        )
        .explode("name")
        .filter(pl.col("role").is_not_null() & pl.col("name").is_not_null())
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
            .otherwise(pl.col("body")).alias("body"),
            pl.concat_list(pl.col("credits").fill_null([]), pl.col("_credits").fill_null([])).alias("credits"),
            pl.when(pl.col("authors").list.len().fill_null(0) > 0)
            .then(pl.col("authors"))
            .otherwise(pl.col("_authors").fill_null([])).alias("authors"),
        )
        .drop("_row", "_signoff", "_credits", "_authors")
    )
