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

from transforms import conventions

_ROLES = (r"(?:[Aa]dditional [Rr]eporting|[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Ee]dited"
          r"|[Rr]esearch|[Gg]raphics|[Pp]roduced|[Vv]ideo)")
# "by" is required ("Reportingby X" too): a closing paragraph that merely starts with
# "Video footage showed ..." or "Research suggests ..." is story text.
_SIGNOFF_LINE = rf"{_ROLES}\s*by\s[^\n]+"
# One or more trailing sign-off paragraphs, or a parenthesised sign-off at the end
# of the last paragraph: "... down 1.5 percent. (Reporting by X; Editing by Y)".
_SIGNOFF = (rf"(?:(?:^|\n\n)({_SIGNOFF_LINE}(?:\n+{_SIGNOFF_LINE})*)"
            rf"|\s*\(({_ROLES}\s*by\s[^()]+)\))\s*$")
# Capitalised only, so "Additional reporting by" is not cut before "reporting".
_REFLOWED_ROLES = r"(?:Additional [Rr]eporting|Reporting|Writing|Editing|Compiled|Edited|Research|Graphics)"
_SEGMENT = rf"^\s*({_ROLES})(?:\s*by)?\s+(.+?)\s*\.?$"
_ROLE_NAMES = {
    "reporting": "reporting", "additional reporting": "additional reporting",
    "writing": "writing", "compiled": "writing", "editing": "editing", "edited": "editing",
    "research": "research", "graphics": "graphics", "produced": "production", "video": "video",
}
AUTHOR_ROLES = ("reporting", "writing", "byline")

# "By Joey Roulette", "By JOHN DOE and JANE ROE, Associated Press Writers"; Reuters
# may put bullet points first ("* Dollar index down\n\nBy Arpan Varghese\n\n...").
_BYLINE = r"^(?P<pre>(?:[*•][^\n]*\n+)*)By (?P<names>[A-Z][^\n]{2,100}?)\s*(?:\n|$)"
_BYLINE_TAIL = (r",?\s*(?:The )?(?:Associated Press|AP|Reuters|AFP|Bloomberg)"
                r"(?: [A-Z][a-z]+)*(?: Writers?| Correspondents?| Reporters?)?$")


def _names(expr: pl.Expr) -> pl.Expr:
    """A text of names to a list: 'A in Paris, B and C in London' -> [A, B, C]."""
    return (
        expr.str.replace_all(r"\s+and\s+|\s*&\s*", ", ")
        .str.split(", ")
        .list.eval(pl.element().str.replace(r"\s+in\s+[A-Z].*$", "").str.strip_chars(" .,;:"))
        # a person has at least two words: "Joey Roulette in Orlando, Florida" leaves
        # "Florida" behind as an element of its own, which is a place, not a name
        .list.eval(pl.element().filter(pl.element().str.contains(r"\S\s+\S")))
    )


def drop_placeholder_authors(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Authors that name no person ("Staff Reporter", "Newsdesk", "/ritzau/" aside) go: they
    are no author, and a ``By ...`` line of the text may name the real one
    (conventions.PLACEHOLDER_BYLINE)."""
    return lf.with_columns(pl.col("authors").list.eval(
        pl.element().filter(~pl.element().str.strip_chars().str.contains(conventions.PLACEHOLDER_BYLINE))))


def extract_byline(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move a leading ``By ...`` line out of the body into authors and credits."""
    raw = pl.col("body").str.extract_groups(_BYLINE).struct.field("names")
    # an agency, newspaper or title after the names is an affiliation, not an author
    names = _names(raw.str.replace(_BYLINE_TAIL, "")).list.eval(
        pl.element().filter(~pl.element().str.contains(conventions.AFFILIATION)
                            & ~pl.element().str.to_lowercase().is_in(list(conventions.ALIASES))))
    found = raw.is_not_null() & (names.list.len() > 0)
    return lf.with_columns(
        pl.when(found).then(pl.col("body").str.replace(_BYLINE, "${pre}")).otherwise(pl.col("body"))
        .alias("body"),
        pl.when(found & (pl.col("authors").list.len().fill_null(0) == 0))
        .then(names).otherwise(pl.col("authors")).alias("authors"),
        pl.when(found)
        .then(pl.concat_list(pl.col("credits").fill_null([]),
                             names.list.eval(pl.struct(name=pl.element(), role=pl.lit("byline")))))
        .otherwise(pl.col("credits")).alias("credits"),
    )


def extract_signoff(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move the trailing sign-off out of the body into ``credits`` (and ``authors``)."""
    m = pl.col("body").str.extract_groups(_SIGNOFF)
    lf = lf.with_row_index("_row").with_columns(
        pl.coalesce(m.struct.field("1"), m.struct.field("2")).alias("_signoff"))
    people = (
        lf.select("_row", pl.col("_signoff")
                  # wire copy re-flowed into one line: "Reporting by A Editing by B"
                  .str.replace_all(rf"\s+({_REFLOWED_ROLES} by)\b", ";$1")
                  .str.split("\n").list.eval(
            pl.element().str.split(";")).list.eval(pl.element().explode()).alias("_seg"))
        .explode("_seg")
        .with_columns(pl.col("_seg").str.extract_groups(_SEGMENT).alias("_m"))
        .select(
            "_row",
            pl.col("_m").struct.field("1").str.to_lowercase()
            .replace_strict(_ROLE_NAMES, default=None).alias("role"),  # "additional Reporting" too
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


# Bloomberg's trailer: "To contact the reporter on this story: Simran Jagdev in
# Bangalore at sjagdev@bloomberg.net" / "To contact the editors responsible
# for this story: ..." / "--With assistance from X." / "©2019 Bloomberg L.P."
_BLOOMBERG_CONTACT = (r"(?m)^To contact the (reporters?|editors?) responsible for this story: (.+)$"
                      r"|^To contact the (reporters?|editors?) on this story: (.+)$")
_BLOOMBERG_REST = (r"(?m)^--\s*With assistance from ([^\n]+?)\.?\s*$|^©\s*\d{4} Bloomberg L\.P\.?\s*$"
                   r"|^For more articles like this, please visit us at bloomberg\.com\s*$")


def _contact_names(expr: pl.Expr) -> pl.Expr:
    # "A in Bangalore at a@b.net; B at b@c.net" -> [A, B]
    return _names(expr.str.replace_all(r"\s+at\s+[^\s,;]+@[^\s,;]+", "").str.replace_all(";", ","))


def extract_bloomberg_trailer(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Bloomberg's contact lines to credits (reporters are authors), out of the body."""
    body = pl.col("body")
    reporters = body.str.extract(r"(?m)^To contact the reporters? (?:on|responsible for) this story: (.+)$", 1)
    editors = body.str.extract(r"(?m)^To contact the editors? (?:on|responsible for) this story: (.+)$", 1)
    assisted = body.str.extract(r"(?m)^--\s*With assistance from ([^\n]+?)\.?\s*$", 1)
    rep, ed, extra = _contact_names(reporters), _contact_names(editors), _names(assisted)

    def credits(names: pl.Expr, role: str) -> pl.Expr:
        return names.fill_null([]).list.eval(pl.struct(name=pl.element(), role=pl.lit(role)))

    found = reporters.is_not_null() | editors.is_not_null() | assisted.is_not_null()
    return lf.with_columns(
        pl.when(found).then(body.str.replace_all(_BLOOMBERG_CONTACT, "").str.replace_all(_BLOOMBERG_REST, ""))
        .otherwise(body).alias("body"),
        pl.when(found & (pl.col("authors").list.len().fill_null(0) == 0) & rep.is_not_null())
        .then(rep).otherwise(pl.col("authors")).alias("authors"),
        pl.when(found).then(pl.concat_list(pl.col("credits").fill_null([]), credits(rep, "reporting"),
                                           credits(extra, "additional reporting"), credits(ed, "editing")))
        .otherwise(pl.col("credits")).alias("credits"),
    )


def credit_source_bylines(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Authors the source named in a field are credits too (role ``byline``),
    as a ``By ...`` line in the text is: every author appears in ``credits``."""
    missing = pl.col("authors").list.set_difference(
        pl.col("credits").list.eval(pl.element().struct.field("name")))
    return lf.with_columns(
        pl.concat_list(pl.col("credits").fill_null([]),
                       missing.list.eval(pl.struct(name=pl.element(), role=pl.lit("byline"))))
        .alias("credits"))
