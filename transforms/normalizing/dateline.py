"""Datelines out of the body into ``dateline_location`` / ``dateline_agency`` (pure polars).

``UNITED NATIONS (Reuters) -``, ``ATLANTA (AP) _`` (ANPA's ``_`` for a dash),
``ORLANDO, Fla. (Reuters) -``, ``BERLIN (dpa) -``, ``Berlin (dpa) -``,
``WASHINGTON, Feb 26 (Reuters) -`` and agency-only ``(Bloomberg) --``. What a
parser already found in the source's own fields wins.
"""

from __future__ import annotations

import polars as pl

_UPPER = "A-ZÄÖÜÅÆØÉÈÀ"
_LOWER = "a-zäöüßåæøéèàíóúñç"
# First word in capitals ("NEW YORK", "ORLANDO, Fla.") or a short Title Case name ("Berlin").
_LOC = (rf"[{_UPPER}][{_UPPER}'’.\-]+(?:[ ,/]+[{_UPPER}{_LOWER}'’.\-]+){{0,4}}?"
        rf"|[{_UPPER}][{_LOWER}'’\-]+(?:[ /\-][{_UPPER}][{_LOWER}'’\-]+){{0,2}}")
_DATE = r"(?:Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}"
_AGENCY = r"[A-Za-z][A-Za-z .&\-]{0,24}"
_DASH = r"\s*(?:--|[-_–—])\s*"
# AG's News bodies open with the bare agency: "Reuters - ...", "AP - ...".
_BARE_AGENCY = r"Reuters|AP|AFP|Canadian Press|CP|dpa|Bloomberg"
# AG's News often has both: "AP - NEW DELHI (AP) - ...".
# Reuters puts bullet points before the dateline ("* Yuan weak\n\nSHANGHAI, Oct 26
# (Reuters) -"): they stay, the dateline goes. A correction may carry only a date.
_BULLETS = r"(?P<pre>(?:[*•][^\n]*\n+)*)"
_DATELINE = (rf"^{_BULLETS}(?:(?:(?:{_BARE_AGENCY}) - )?(?:(?:(?P<loc>{_LOC})(?:,? (?P<date>{_DATE}))?"
             rf"|(?P<date_only>{_DATE})),?\s*)?"
             rf"\((?P<agency>{_AGENCY})\)|(?P<bare>{_BARE_AGENCY}) ){_DASH}")


def extract_dateline(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Parse a leading dateline out of the body into its own columns.

    The date some datelines carry ("WASHINGTON, Feb 26 (Reuters) -") is kept, as
    written, in ``dateline_date``: nothing of the text is lost.
    """
    m = pl.col("body").str.extract_groups(_DATELINE)
    agency = pl.coalesce(m.struct.field("agency"), m.struct.field("bare")).str.strip_chars()
    found = agency.is_not_null()
    return lf.with_columns(
        pl.col("dateline_location").fill_null(m.struct.field("loc").str.strip_chars(" ,")),
        pl.col("dateline_agency").fill_null(agency),
        pl.col("dateline_date").fill_null(pl.coalesce(m.struct.field("date"), m.struct.field("date_only"))),
        pl.when(found).then(pl.col("body").str.replace(_DATELINE, "${pre}")).otherwise(pl.col("body"))
        .alias("body"),
    )
