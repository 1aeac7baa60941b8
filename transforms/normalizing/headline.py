"""Wire prefixes out of headlines, into their own columns (pure polars).

Reuters-style headlines carry a run of prefixes before the headline proper:
``REFILE-UPDATE 2-GLOBAL MARKETS-Stocks rise`` is status ``REFILE``, version
``UPDATE 2``, desk ``GLOBAL MARKETS`` and headline ``Stocks rise``. AP and
ANPA slugs (``BC-US--GiantLobsterDeath``) go to ``slug``; AG's News keeps its
version as a suffix (``... (Update1)``). The prefixes must not defeat
deduplication, so the cleaned headline is what the content hash sees.
"""

from __future__ import annotations

import polars as pl

VERSION = (r"UPDATE ?\d+|UPDATE|\d+(?:ST|ND|RD|TH) LEAD|LEAD ?\d*|\d+(?:st|nd|rd|th)Ld[- ]Writethru"
           r"|WRITETHRU|URGENT|FLASH|NEWSALERT|APNewsAlert")
STATUS = (r"REFILE|CORRECTED|CORRECTION|CORRECTS?|RPT|REPEAT|RECASTS?|ADVISORY|KILL|KILLED"
          r"|WITHDRAWN|EMBARGOED|RETRANSMISSION|REISSUE")
KIND = (r"EXCLUSIVE|WRAPUP(?: \d+)?|FACTBOX|INSTANT VIEW|ANALYSIS|BREAKINGVIEWS|COLUMN|INTERVIEW"
        r"|FEATURE|EXPLAINER|TIMELINE|SCENARIOS|GRAPHIC|PREVIEW|BUZZ|POLL|TABLE|RESEARCH ALERT"
        r"|HIGHLIGHTS|SPECIAL REPORT|INSIGHT|NEWSMAKER|Q\+A|FOCUS|BRIEF|SNAPSHOT|DIARY|OBITUARY"
        r"|PRESS DIGEST|WIDER IMAGE|FACTCHECK|FACT CHECK|EDITORIAL|COMMENT|REVIEW")
# A desk or topic: an upper-case phrase glued to a hyphen (GLOBAL MARKETS-, PRECIOUS-).
# At least four characters and no dots, so "U.S.-China" and "EU-Japan" stay headlines.
DESK = r"[A-Z][A-Z0-9&/' ]{2,28}[A-Z0-9]"
_KNOWN = rf"(?:{VERSION}|{STATUS}|{KIND})"
_TOKEN = rf"{_KNOWN}\s*[-:]\s*|{DESK}-"
# The prefix run, then the headline proper, which must not start with a digit
# (so "COVID-19 cases rise" keeps its "COVID").
_PREFIXED = rf"^((?:{_TOKEN})+)([^\s\d\-].*)$"
_SLUG = r"^(BC-[A-Za-z0-9]+(?:-{1,2}[A-Za-z0-9']+)+)\s+(.+)$"
_SUFFIX_VERSION = r"^(.*?)\s*\((Update ?\d+)\)\s*$"
# AP slugs may carry their version: "BC-EU--Britain-Brexit-Election, 1st Ld-Writethru"
_SLUG_VERSION = r"^(.+?),\s*(\d+(?:st|nd|rd|th) ?Ld[- ]Writethru|APNewsAlert|Writethru|Advisory)$"

PREFIX_COLUMNS = ("version_marker", "status_marker", "story_kind", "desk")


def _first(tokens: pl.Expr, pattern: str) -> pl.Expr:
    return tokens.list.eval(pl.element().filter(pl.element().str.contains(f"^(?:{pattern})$"))).list.first()


def split_headline_prefixes(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Move wire prefixes and slugs out of ``headline`` into their own columns.

    Values already in those columns are kept (so normalizing twice changes nothing).
    """
    present = lf.collect_schema().names()
    lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in PREFIX_COLUMNS if c not in present)
    slug = pl.col("headline").str.extract_groups(_SLUG)
    lf = lf.with_columns(
        pl.col("slug").fill_null(slug.struct.field("1")),
        pl.coalesce(slug.struct.field("2"), pl.col("headline")).alias("headline"),
    )
    slug_version = pl.col("slug").str.extract_groups(_SLUG_VERSION)
    lf = lf.with_columns(
        pl.coalesce(slug_version.struct.field("1"), pl.col("slug")).alias("slug"),
        pl.col("version_marker").fill_null(slug_version.struct.field("2")),
    )
    # A version or status the parser found in the source's own fields (ANPA slug
    # line "1stLd-Writethru", IPTC 7901 "REFILE 1ST LEAD") counts as well.
    source_tokens = pl.col("version").str.extract_all(rf"{VERSION}|{STATUS}")
    lf = lf.with_columns(
        pl.col("version_marker").fill_null(_first(source_tokens, VERSION)),
        pl.col("status_marker").fill_null(_first(source_tokens, STATUS)),
    )
    m = pl.col("headline").str.extract_groups(_PREFIXED)
    suffix = pl.col("headline").str.extract_groups(_SUFFIX_VERSION)
    tokens = (m.struct.field("1").str.extract_all(rf"{_KNOWN}|{DESK}")
              .list.eval(pl.element().str.strip_chars()))
    known = f"{VERSION}|{STATUS}|{KIND}"
    desk = tokens.list.eval(
        pl.element().filter(~pl.element().str.contains(f"^(?:{known})$"))).list.first()
    return lf.with_columns(
        pl.coalesce("version_marker", _first(tokens, VERSION), suffix.struct.field("2")).alias("version_marker"),
        pl.coalesce("status_marker", _first(tokens, STATUS)).alias("status_marker"),
        pl.coalesce("story_kind", _first(tokens, KIND)).alias("story_kind"),
        pl.coalesce("desk", desk).alias("desk"),
        pl.coalesce(m.struct.field("2"), suffix.struct.field("1"), pl.col("headline")).alias("headline"),
    )
