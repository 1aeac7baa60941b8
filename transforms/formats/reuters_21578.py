"""Reuters-21578 Distribution 1.0: 1987 Reuters newswire in pseudo-SGML (SOURCES.md section 1).

A file is ``<!DOCTYPE lewis SYSTEM "lewis.dtd">`` followed by up to 1,000
``<REUTERS ...>`` elements with no root element::

    <REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
    <DATE>26-FEB-1987 15:01:01.79</DATE>
    <TOPICS><D>cocoa</D></TOPICS> <PLACES>...</PLACES> <PEOPLE/ORGS/EXCHANGES/COMPANIES>
    <UNKNOWN> ... u f BC-BAHIA-COCOA-REVIEW   02-26 0105</UNKNOWN>   <- ANPA slug line
    <TEXT>&#2;
    <TITLE>BAHIA COCOA REVIEW</TITLE>
    <AUTHOR>    By Mark Smith, Reuters</AUTHOR>                     <- optional
    <DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers ...
    Reuter
    &#3;</BODY></TEXT>
    </REUTERS>

It is not XML (``<`` is escaped as ``&lt;`` but ``>`` is literal, control
characters are numeric entities such as ``&#3;``), so it is read with compiled
regular expressions over the decoded text, never with an XML parser.

Mapping decisions:

* One ``<REUTERS`` opening tag is one item, in file order: a story, a
  :class:`SkippedItem` (``no_content``: an UNPROC element whose text is empty)
  or a :class:`RejectedItem` (no closing tag, no TEXT, a broken start tag). So
  the items of a file always add up to its number of ``<REUTERS`` tags.
* ``guid`` is ``reuters21578:<NEWID>``; ``provider`` ``reuters``; ``language`` ``en``.
* ``TEXT TYPE="BRIEF"`` is a headline-only story (flashes): it is yielded with
  ``body=None``; its ``Blah blah blah.`` placeholder is not text.
  ``TYPE="UNPROC"`` (tables) has no TITLE/BODY: the text of TEXT becomes the
  body with its line layout kept, and ``headline`` stays ``None``.
* Hard-wrapped BODY lines are joined; an indented line starts a paragraph.
  A line ending in ``word-`` joins the next without a space (``Iraq-`` /
  ``Turkey``). The trailing ``Reuter`` sign-off line and control characters are
  dropped; ``&lt;``/``&amp;`` are decoded.
* DATELINE is a heuristic cut by the corpus builders: often it holds the start
  of the first sentence (``THE HAGUE, March 2 - Dutch imports of fat- ``) and
  sometimes table debris (``H  6.12  -  5.87 ...``). When it reads as
  ``LOCATION[, Region] <date> -`` the location goes to ``dateline_location``
  and any text after the dash is put back in front of the body; otherwise the
  whole DATELINE text (and any stray text between TITLE and DATELINE) stays
  in the body, so no words are lost.
* ``AUTHOR`` (``By Mark Smith, Reuters``) gives ``authors`` (``and`` splits
  joint bylines; the ``, Reuters`` tail is dropped; case is kept).
* The five category sets go to ``subjects`` as ``<set>:<code>`` (``topics:cocoa``,
  ``places:usa``, ``people:reagan``, ``orgs:imf``, ``exchanges:nyse``, and
  ``companies:`` although that set is always empty): they are controlled
  vocabularies (README.txt section VI), not free keywords, so ``keywords``
  stays empty.
* ``UNKNOWN`` holds the ANPA slug line ``<priority> <category> <keyword>
  [version]  MM-DD <words>``: the keyword goes to ``slug`` and the priority
  letter to ``urgency`` (f flash 1, b bulletin 2, u urgent 3, r regular 5,
  d deferred 6, the scale of ``anpa_1312``; other letters leave it ``None``).

Zone policy: ``DATE`` (``26-FEB-1987 15:01:01.79``) states no zone; it is
kept naive (taken as UTC, ``published_tz_source="assumed"``). The malformed
variants of SOURCES.md are read: leading spaces, one-digit fractions, trailing
``&#5;&#5;&#5;F`` codes. Two are only salvaged, and flagged
``published_tz_source="salvaged_date"`` (the date at 00:00, never shifted):
the impossible hour ``31-MAR-1987 605:12:19.12`` and the
``# date added by S Finch as guesswork`` comment. ``published_raw`` always keeps
the DATE text as the file has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import corrupt_bytes, decode_text

NAME = "reuters_21578"

_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!DOCTYPE\s+lewis\b[^>]*>\s*)?<REUTERS\b[^>]*\bNEWID=")

_OPEN = re.compile(r"<REUTERS\b")
_START_TAG = re.compile(r"<REUTERS\b([^<>]*)>")
_ATTR = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')
_CLOSE = "</REUTERS>"

_DATE_EL = re.compile(r"<DATE>(.*?)</DATE>", re.S)
_CATEGORY_EL = re.compile(r"<(TOPICS|PLACES|PEOPLE|ORGS|EXCHANGES|COMPANIES)>(.*?)</\1>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_UNKNOWN_EL = re.compile(r"<UNKNOWN>(.*?)</UNKNOWN>", re.S)
_TEXT_EL = re.compile(r"<TEXT\b([^<>]*)>(.*?)</TEXT>", re.S)
_TITLE_EL = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_AUTHOR_EL = re.compile(r"<AUTHOR>(.*?)</AUTHOR>", re.S)
_DATELINE_EL = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.S)
_BODY_EL = re.compile(r"<BODY>(.*?)(?:</BODY>|\Z)", re.S)

# Control characters are written as numeric entities (&#2; starts TEXT, &#3;
# ends it, &#1; &#5; &#22; &#31; &#127; &#27; &#30; are transmission codes).
_ENTITY = re.compile(r"&(?:#(\d{1,7})|([A-Za-z]{2,6}));")
_NAMED = {"lt": "<", "amp": "&", "gt": ">", "quot": '"', "apos": "'"}

_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_DATE = re.compile(
    r"^\s*(?P<day>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<year>\d{4})"
    r"\s+(?P<hour>\d{1,3}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<frac>\d{1,6}))?"
)

# ANPA slug line inside UNKNOWN: "u f BC-BAHIA-COCOA-REVIEW   02-26 0105",
# "u f AM-ARMS-TALKS 1STLD  03-04 0104", "nu f BC-ECUADOR-TO-EXPORT-NO   03-09 0114".
_SLUG_LINE = re.compile(
    r"(?m)^[ \t]*(?P<pri>[a-z]{1,2})[ \t]+(?P<cat>[a-z])[ \t]+(?P<slug>\S+)[^\n]*?"
    r"[ \t]+\d\d-\d\d[ \t]+\d{3,4}[ \t]*$"
)
_PRIORITY = {"f": 1, "b": 2, "u": 3, "r": 5, "d": 6}  # as anpa_1312

# Month case varies: "Feb", "FEB", "FEb", "MArch", "march".
_MONTH_WORD = r"(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)"
# "SALVADOR, Feb 26 - ", "RICHMOND, Va. Feb 26 -\n", "JOHANNESBURG March 13 -",
# "AMSTERDAM, 2 March - ", "OKLAHOMA CITY, Okla. March 11, Reuter - ",
# "THE HAGUE, March 2 - Dutch imports of fat- " (tail = start of the body).
_DATELINE_DATED = re.compile(
    rf"^\s*(?P<loc>[^,\n]+?)(?:,(?P<region>[^\n]*?)\s*|\s+)"
    rf"(?P<date>{_MONTH_WORD}(?:\s+\w{{1,2}})?|\d{{1,2}}\s+{_MONTH_WORD})"
    r"[\s,]*(?:Reuters?\s*)?-{1,2}(?P<tail>(?:\s.*)?)$",
    re.S,
)
# "WOODBRIDGE, N.J. - ", "BAGUIO, Philippines - " (no date).
_DATELINE_UNDATED = re.compile(
    r"^\s*(?P<loc>[A-Z][A-Z.'/ -]*?),(?P<region>\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)*)"
    r"\s+-{1,2}(?P<tail>(?:\s.*)?)$",
    re.S,
)
_REGION = re.compile(r"^\s*([A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*)[\s,.-]*$")
# Debris before a dateline's city: "****SANTO DOMINGO", "c CHICAGO", "0 LONDON", "RPT --LUDWIGSHAFEN".
_LOC_DEBRIS = re.compile(r"^(?:[*\d\s-]+|[a-z]\s+|RPT\b[\s-]*)+")

_BYLINE_BY = re.compile(r"^\s*by\s+", re.I)
_BYLINE_TAIL = re.compile(r"[,\s]+reuters?\w?\.?\s*$", re.I)
_BYLINE_SPLIT = re.compile(r"\s*(?:,|\band\b)\s*", re.I)

# "Reuter" on its own line, also "REUTER...", after the last sentence ("(33.7). REUTER"),
# or twice ("REUTER\nReuter").
_SIGN_OFF = re.compile(r"(?:(?:\A|\n|(?<=[.!?\"')\d])[ \t])[ \t]*REUTERS?[ \t.]*)+\Z", re.I)
# "^M" (a caret and an M) is a CR that the corpus builders wrote out, at line ends.
_CARET_M = re.compile(r"\^M(?=\n|\Z)")
_WS = re.compile(r"[ \t\u00a0]+")
_BRIEF_PLACEHOLDER = "Blah blah blah."


def sniff(data: bytes) -> bool:
    """The ``lewis`` DOCTYPE or a ``<REUTERS ... NEWID=`` element at the very start."""
    return bool(_SNIFF.match(data[:2048]))


def _entity(m: re.Match[str]) -> str:
    if m.group(1) is None:
        return _NAMED.get(m.group(2).lower(), m.group(0))
    code = int(m.group(1))
    if code in (9, 10, 13):
        return chr(code)
    if code < 32 or 127 <= code < 160 or code > 0x10FFFF:
        return ""  # a control character: transmission framing, not text
    return chr(code)


def _unescape(text: str) -> str:
    """Decode ``&lt;``/``&amp;`` and numeric entities; drop the control characters."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _published(raw: str) -> tuple[datetime | None, str | None]:
    text = _unescape(raw)
    m = _DATE.match(text)
    if m is None:
        return None, None
    month = _MONTHS.get(m["mon"].upper())
    if month is None:
        return None, None
    try:
        day = datetime(int(m["year"]), month, int(m["day"]))
    except ValueError:
        return None, None
    if "#" in text:
        # "9-APR-1987 00:00:00.00    # date added by S Finch as guesswork"
        return day, "salvaged_date"
    frac = m["frac"] or "0"
    try:
        return day.replace(hour=int(m["hour"]), minute=int(m["minute"]), second=int(m["second"]),
                           microsecond=int(frac.ljust(6, "0"))), "assumed"
    except ValueError:
        # "31-MAR-1987 605:12:19.12": keep the date, flag it, never shift it.
        return day, "salvaged_date"


def _subjects(element: str) -> list[str]:
    out: list[str] = []
    for m in _CATEGORY_EL.finditer(element):
        scheme = m.group(1).lower()
        for d in _D.finditer(m.group(2)):
            code = _unescape(d.group(1)).strip()
            if code:
                out.append(f"{scheme}:{code}")
    return out


def _slug_and_urgency(element: str) -> tuple[str | None, int | None]:
    unknown = "\n".join(_unescape(m.group(1)) for m in _UNKNOWN_EL.finditer(element))
    m = _SLUG_LINE.search(unknown)
    if m is None:
        return None, None
    return m["slug"], _PRIORITY.get(m["pri"])


def _authors(raw: str) -> list[str]:
    line = _BYLINE_TAIL.sub("", _BYLINE_BY.sub("", " ".join(_unescape(raw).split())))
    return [name for name in _BYLINE_SPLIT.split(line) if name and name.lower() not in ("reuter", "reuters")]


def _dateline(raw: str) -> tuple[str | None, str | None, str]:
    """``(location, date as written, text to put back in front of the body)`` for a DATELINE."""
    m = _DATELINE_DATED.match(raw) or _DATELINE_UNDATED.match(raw)
    if m is None:
        return None, None, raw
    loc = " ".join(_LOC_DEBRIS.sub("", m["loc"]).split())
    if not loc:
        return None, None, raw
    date = " ".join(m["date"].split()) if "date" in m.groupdict() and m["date"] else None
    region = _REGION.match(m["region"] or "")
    if region and region.group(1):
        loc = f"{loc}, {' '.join(region.group(1).split())}"
    return loc, date, m["tail"] or ""


def _drop_sign_off(text: str) -> str:
    if "^M" in text:
        text = _CARET_M.sub("", text)
    text = text.rstrip()
    # only the tail can hold the sign-off: do not scan the whole body for it
    m = _SIGN_OFF.search(text, max(0, len(text) - 200))
    return text[:m.start()] if m else text


def _reflow(text: str) -> str | None:
    """Join hard-wrapped lines into paragraphs; an indented line starts a new one."""
    paragraphs: list[str] = []
    current = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and line[0] in " \t":
            paragraphs.append(current)
            current = ""
        if not current:
            current = stripped
        elif current[-1] == "-" and len(current) > 1 and current[-2].isalnum():
            current += stripped  # word split at its hyphen: "Iraq-" + "Turkey"
        else:
            current += " " + stripped
    if current:
        paragraphs.append(current)
    out = "\n\n".join(_WS.sub(" ", p) for p in paragraphs)
    return out or None


def _preformatted(text: str) -> str | None:
    """UNPROC tables: keep the line layout, drop trailing spaces and extra blank lines."""
    lines = [line.rstrip() for line in text.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return out if out.strip() else None


def _normal_text(inner: str) -> tuple[str | None, str | None, list[str], str | None, str | None]:
    """``(headline, body, authors, dateline_location, dateline_date)`` of a ``<TEXT>`` with TITLE/BODY."""
    title = _TITLE_EL.search(inner)
    headline = (" ".join(_unescape(title.group(1)).split()) or None) if title else None
    rest = inner[title.end():] if title else inner
    authors: list[str] = []
    author = _AUTHOR_EL.search(rest)
    if author:
        authors = _authors(author.group(1))
        rest = rest[:author.start()] + rest[author.end():]
    body_m = _BODY_EL.search(rest)
    before, body_raw = (rest[:body_m.start()], body_m.group(1)) if body_m else (rest, "")
    location = date = None
    dl = _DATELINE_EL.search(before)
    if dl:
        location, date, tail = _dateline(_unescape(dl.group(1)))
        before = before[:dl.start()] + "\x00" + before[dl.end():]
        before = _unescape(before).replace("\x00", tail)
    else:
        before = _unescape(before)
    body = _reflow(_drop_sign_off(before + _unescape(body_raw)))
    return headline, body, authors, location, date


def _brief_text(inner: str) -> tuple[str | None, str | None]:
    title = _TITLE_EL.search(inner)
    if title is None:
        return None, _reflow(_drop_sign_off(_unescape(inner).lstrip("* \n")))
    headline = " ".join(_unescape(title.group(1)).split()) or None
    rest = _drop_sign_off(_unescape(inner[title.end():])).strip()
    if rest == _BRIEF_PLACEHOLDER:
        rest = ""
    return headline, _reflow(rest)


def _item(element: str, start_attrs: str, encoding: str) -> Item:
    attrs = dict(_ATTR.findall(start_attrs))
    newid = attrs.get("NEWID", "").strip()
    guid = f"reuters21578:{newid}" if newid else None
    text = _TEXT_EL.search(element)
    if text is None:
        return RejectedItem("no_text", f"REUTERS NEWID={newid or '?'} has no <TEXT>...</TEXT>",
                            raw=element.encode(encoding, "replace"))
    text_type = dict(_ATTR.findall(text.group(1))).get("TYPE", "").upper()
    inner = text.group(2)
    authors: list[str] = []
    location = dateline_date = None
    if text_type == "UNPROC":
        headline, body = None, _preformatted(_drop_sign_off(_unescape(inner)))
    elif text_type == "BRIEF":
        headline, body = _brief_text(inner)
    else:
        headline, body, authors, location, dateline_date = _normal_text(inner)
    if headline is None and body is None:
        return SkippedItem("no_content", guid=guid, detail=f"TEXT TYPE={text_type or 'NORMAL'} is empty")
    date = _DATE_EL.search(element)
    published_raw = date.group(1).strip() if date else None
    published_at, tz_source = _published(published_raw) if published_raw else (None, None)
    slug, urgency = _slug_and_urgency(element)
    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        provider="reuters",
        published_at=published_at,
        published_raw=published_raw,
        published_tz_source=tz_source,
        authors=authors,
        dateline_location=location,
        dateline_date=dateline_date,
        language="en",
        slug=slug,
        urgency=urgency,
        subjects=_subjects(element),
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    """Every ``<REUTERS>`` element of the file, in order (see the module docstring)."""
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    # ASCII but for one raw 0xFC in reut2-017.sgm: decode_text falls back to cp1252.
    text, encoding = decode_text(data)
    text = text.replace("\r\n", "\n")
    starts = [m.start() for m in _OPEN.finditer(text)]
    if not starts:
        raise ParseError("no_items", "no <REUTERS> element", format=NAME, source=source)
    starts.append(len(text))
    # NUL or stray control bytes in an element: damaged storage, that element is a
    # reject (looked for element by element only when the file has any).
    damaged = corrupt_bytes(text) is not None
    for begin, end in zip(starts, starts[1:], strict=False):
        chunk = text[begin:end]
        tag = _START_TAG.match(chunk)
        close = chunk.find(_CLOSE)
        damage = corrupt_bytes(chunk) if damaged else None
        if damage:
            yield RejectedItem("control_bytes", damage, raw=chunk.encode(encoding, "replace"))
        elif tag is None:
            yield RejectedItem("malformed_start_tag", f"bad tag {chunk[:80]!r}",
                               raw=chunk.encode(encoding, "replace"))
        elif close < 0:
            yield RejectedItem("unclosed_element", f"no </REUTERS> after {tag.group(0)[:120]!r}",
                               raw=chunk.encode(encoding, "replace"))
        else:
            yield _item(chunk[:close], tag.group(1), encoding)
