"""Datelines out of the body into ``dateline_location`` / ``dateline_agency`` (pure polars).

The forms (and the agencies' own spellings) come from the agency table,
transforms/conventions.py:

* ``UNITED NATIONS (Reuters) -``, ``ATLANTA (AP) _`` (ANPA's ``_`` for a dash),
  ``ORLANDO, Fla. (Reuters) -``, ``Berlin (dpa) -``, ``WASHINGTON, Feb 26 (Reuters) -``,
  ``Tegucigalpa, Jan 2 (EFE).-``, ``CALGARY, Alberta, Dec.  03, 2019  (GLOBE NEWSWIRE) --``
  and agency-only ``(Bloomberg) --``;
* a known agency without parentheses: ``ATHENS, April 4 ANA -``,
  ``SAITAMA, Japan, Dec. 9 Kyodo -``, ``MELBOURNE, March 3 AAP -``;
* two agencies, no dash: ``Paris (ats afp) Les ...`` (the second is the source);
* agency first: ``(ANSA) - ROMA, 1 LUG -``; a capitalised place and date alone
  (``ROME, JUL 11 -``) where the parser found the agency in the file's fields;
* Ritzau's ``København /ritzau/:``; press-release wires' ``LONDON, Feb. 1, 2017 /PRNewswire/ --``.

The dateline is looked for in the first paragraphs: after Reuters' bullet points,
after a letter-spaced notice (``N i e u w bericht, vervangt: ...``, which moves to
``ednote``) and after up to two short teaser paragraphs (which stay). What a
parser already found in the source's own fields wins.
"""

from __future__ import annotations

import polars as pl

from transforms import conventions

_UPPER = "A-ZÄÖÜÅÆØÉÈÀÁÍÓÚÑÇ"
_LOWER = "a-zäöüßåæøéèàáíóúñç"
# First word in capitals ("NEW YORK", "ORLANDO, Fla.") or a short Title Case name ("Berlin").
_LOC = (rf"[{_UPPER}][{_UPPER}'’.\-]+(?:[ ,/]+[{_UPPER}{_LOWER}'’.\-]+){{0,4}}?"
        rf"|[{_UPPER}][{_LOWER}'’\-]+(?:[ /\-][{_UPPER}][{_LOWER}'’\-]+){{0,2}}")
_CAPS_LOC = rf"[{_UPPER}][{_UPPER}'’.\-]+(?: [{_UPPER}][{_UPPER}'’.\-]+){{0,3}}"
_MONTHS_EN = r"Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# the month as other agencies write it: es (ene, abr, ago, dic), it (gen, mag, giu, lug, set, ott),
# fr (janv, févr, avr, mai, juin, juil, août, déc), nl/de (mei, okt, dez, mrt)
_MONTHS_ANY = (rf"(?i:{_MONTHS_EN}|ene|abr|ago|dic|gen|mag|giu|lug|set|ott|janv|févr|avr|mai|juin|juil|août|déc"
               r"|mei|okt|dez|mrt|mär|maa)")
_DATE = (rf"(?:(?:{_MONTHS_EN})[a-z]*\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?"
         rf"|\d{{1,2}}\.?\s+{_MONTHS_ANY}[a-zé]*\.?(?:\s+\d{{4}})?"
         rf"|(?:{_MONTHS_ANY})[a-z]*\.?\s+\d{{1,2}})")
_AGENCY = r"[A-Za-z][A-Za-z .&\-/]{0,24}"
_DASH = r"\s*\.?(?:--|[-_–—:])\s*"
_KNOWN = conventions.DATELINE_AGENCY_PATTERN
# single-word agency names in any case: "(ats afp)", "(dpa/AP)"
_NAMES = "|".join(sorted({a for a in conventions.ALIASES if " " not in a and len(a) > 1}, key=len, reverse=True))
_AGENCY_LIST = rf"(?i:{_NAMES})(?:\s*[ /]\s*(?i:{_NAMES}))+"
# AG's News bodies open with the bare agency: "Reuters - ...", "AP - ...".
_BARE_AGENCY = r"Reuters|AP|AFP|Canadian Press|CP|dpa|Bloomberg"
# Reuters puts bullet points before the dateline ("* Yuan weak\n\nSHANGHAI, Oct 26
# (Reuters) -"): they stay, the dateline goes.
_BULLETS = r"(?P<pre>(?:[*•][^\n]*\n+)*)"
# a letter-spaced notice paragraph ("N i e u w bericht, vervangt: ..."): it goes to ednote
_NOTICE = r"(?P<notice>(?:\p{L} ){3,}\p{L}[^\n]*)?\n*"
# up to two short paragraphs before the dateline (a teaser, a sub-headline): they stay
_TEASER = r"(?P<teaser>(?:[^\n(]{1,250}\n\n){0,2}?)"

_FORMS = "|".join((
    # (AGENCY) - CITY, DATE -   (before the plain "(AGENCY) -", which would stop at the agency)
    rf"\((?P<agency_first>{_KNOWN})\)\s*[-–—]\s*(?P<loc_first>{_LOC}),\s*(?P<date_first>{_DATE})\s*[-–—]\s*",
    # CITY[, Region][, DATE] (AGENCY) -   /   DATE (AGENCY) -   /   (AGENCY) -
    rf"(?:(?:{_BARE_AGENCY}) - )?(?:(?:(?P<loc>{_LOC})(?:,?\s+(?P<date>{_DATE}))?|(?P<date_only>{_DATE})),?\s*)?"
    rf"\((?P<agency>{_AGENCY})\){_DASH}",
    # CITY (ats afp) Text: two agencies, no dash
    rf"(?P<loc_pair>{_LOC})\s+\((?P<agency_pair>{_AGENCY_LIST})\)\s+",
    # CITY[, Region][, DATE] AGENCY -   (a known agency, no parentheses)
    rf"(?P<loc_bare>{_LOC})(?:,?\s+(?P<date_bare>{_DATE}))?,?\s+(?P<agency_bare>{_KNOWN})\s*(?:--|[-_–—])\s*",
    # CITY, DATE /PRNewswire-AsiaNet/ --   (press-release wires)
    rf"(?P<loc_wire>{_LOC}),?\s+(?P<date_wire>{_DATE})\s*/(?P<agency_wire>[A-Za-z][A-Za-z .\-]{{1,40}})/\s*(?:--|[-–—])\s*",
    # CITY /ritzau/:
    rf"(?P<loc_slash>{_LOC})\s*/\s*(?P<agency_slash>(?i:ritzau))\s*/\s*:?\s*",
    # CITY, DATE -  (capitals, no agency: the file's fields name it)
    rf"(?P<loc_plain>{_CAPS_LOC}),\s*(?P<date_plain>{_DATE})\s*[-–—]\s+",
    # Reuters - / AP -
    rf"(?P<bare>{_BARE_AGENCY}) {_DASH}",
))
# ``whole``: the span the dateline takes, to cut it out without a second regex pass
_DATELINE = rf"^(?P<whole>{_BULLETS}{_NOTICE}{_TEASER}(?:{_FORMS}))"


def extract_dateline(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Parse a dateline near the start of the body into its own columns.

    The date some datelines carry ("WASHINGTON, Feb 26 (Reuters) -") is kept, as
    written, in ``dateline_date``: nothing of the text is lost. A notice before the
    dateline is appended to ``ednote``.
    """
    located = pl.col("_located") if "_located" in lf.collect_schema() else pl.lit(None, dtype=pl.String)
    # the match in a column of its own: the groups are read a score of times below, and
    # polars ran the regex again for each (issue 16: 0.4 s of 10,000 stories, 0.03 s once)
    lf = lf.with_columns(pl.col("body").str.extract_groups(_DATELINE).alias("_dateline"))
    f = pl.col("_dateline").struct.field
    agency = pl.coalesce(f("agency"), f("agency_pair"), f("agency_bare"), f("agency_first"),
                         f("agency_wire"), f("agency_slash"), f("bare")).str.strip_chars()
    location = pl.coalesce(f("loc"), f("loc_pair"), f("loc_bare"), f("loc_first"), f("loc_wire"),
                           f("loc_slash"), f("loc_plain")).str.strip_chars(" ,")
    date = pl.coalesce(f("date"), f("date_only"), f("date_bare"), f("date_first"), f("date_wire"),
                       f("date_plain"))
    # "ROME, JUL 11 -" without an agency only where the parser found the place itself
    plain_ok = f("loc_plain").is_null() | pl.col("dateline_location").is_not_null() | located.is_not_null()
    # after a teaser paragraph only an agency of the table counts ("(Some words) -" is text)
    lowered = agency.str.to_lowercase()
    first_agency = lowered.str.extract(r"^([a-z][a-z.&\-]*)", 1)
    known = (lowered.replace_strict(conventions.ALIASES, default=None).is_not_null()
             | first_agency.replace_strict(conventions.ALIASES, default=None).is_not_null())
    teaser_ok = (f("teaser").str.len_chars().fill_null(0) == 0) | known
    found = (agency.is_not_null() | f("loc_plain").is_not_null()) & plain_ok & teaser_ok
    notice = f("notice").str.strip_chars()
    return lf.with_columns(
        # the printed dateline (the parser's), else the one in the text, else the
        # metadata's place (``located``)
        pl.when(found).then(pl.col("dateline_location").fill_null(location))
        .otherwise(pl.col("dateline_location")).fill_null(located).alias("dateline_location"),
        pl.when(found).then(pl.col("dateline_agency").fill_null(agency))
        .otherwise(pl.col("dateline_agency")).alias("dateline_agency"),
        pl.when(found).then(pl.col("dateline_date").fill_null(date))
        .otherwise(pl.col("dateline_date")).alias("dateline_date"),
        pl.when(found & notice.is_not_null())
        .then(pl.concat_str(pl.col("ednote"), notice, separator="\n", ignore_nulls=True))
        .otherwise(pl.col("ednote")).alias("ednote"),
        # the match replaced by its bullets and teaser: what str.replace(_DATELINE,
        # "${pre}${teaser}") gives, from the groups already found
        pl.when(found).then(pl.concat_str(f("pre").fill_null(""), f("teaser").fill_null(""),
                                          pl.col("body").str.slice(f("whole").str.len_chars())))
        .otherwise(pl.col("body")).alias("body"),
    ).drop("_dateline").drop("_located", strict=False)
