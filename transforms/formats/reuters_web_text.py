"""Visible text scraped from a reuters.com article page (2018-2020 layout).

The seed of the project (SOURCES.md section 0) is one such file::

    November 10, 2014 / 11:22 PM / 5 years ago      <- div.ArticleHeader_date

    North Korea halts U.N. charm offensive ...      <- headline

    UNITED NATIONS (Reuters) - A rare ...           <- body, dateline first
    ...
    Reporting by Michelle Nichols; Editing by ...   <- sign-off

    0 : 0                                           <- BreakpointDetector debris
      • narrow-browser-and-phone

Zone policy: the date line is rendered in the crawler's local time, which the
file does not state. We take it as UTC and mark ``published_tz_source =
"assumed"``; the relative tail (``5 years ago``, ``Updated 14 hours ago``) is
relative to an unknown crawl time and is dropped (it stays in
``published_raw``). Datelines, sign-offs and debris are removed later by the
generic body clean-up in ``transforms.normalizing.normalize``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from transforms.formats.base import Item, ParsedStory, ParseError
from transforms.formats.text import decode_text

NAME = "reuters_web_text"

_MONTHS = ("January|February|March|April|May|June|July|August|September|October"
           "|November|December")
# The double space after the first '/' is real (SOURCES.md section 2).
DATE_LINE = re.compile(
    rf"^(?P<month>{_MONTHS}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})"
    r"(?:\s*/\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[AP]M))?"
    r"(?:\s*/\s*(?P<age>.*?))?\s*$"
)
_DATE_LINE_BYTES = re.compile(
    rb"^\s*(?:" + _MONTHS.encode() + rb") \d{1,2}, \d{4}\s*/\s*\d{1,2}:\d{2}\s*[AP]M"
)


def sniff(data: bytes) -> bool:
    return bool(_DATE_LINE_BYTES.match(data[:200].lstrip(b"\xef\xbb\xbf")))


def _published(match: re.Match[str]) -> datetime:
    month = _MONTHS.split("|").index(match["month"]) + 1
    hour = int(match["hour"] or 0) % 12 + (12 if match["ampm"] == "PM" else 0)
    return datetime(int(match["year"]), month, int(match["day"]), hour, int(match["minute"] or 0))


def parse(data: bytes, source: str) -> Iterator[Item]:
    text, _ = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("empty_input", format=NAME, source=source)
    match = DATE_LINE.match(lines[0].strip())
    if match is None:
        raise ParseError("malformed_date_line", f"first line is {lines[0][:80]!r}",
                         format=NAME, source=source)
    rest = lines[1:]
    while rest and not rest[0].strip():
        rest.pop(0)
    if not rest:
        raise ParseError("no_headline", "the file ends after the date line",
                         format=NAME, source=source)
    headline = rest[0].strip()
    body = "\n".join(rest[1:]).strip()
    if not body:
        raise ParseError("no_body", "the file ends after the headline (truncated?)",
                         format=NAME, source=source)
    yield ParsedStory(
        headline=headline,
        body=body,
        provider="reuters",
        published_at=_published(match),
        published_raw=lines[0].strip(),
        published_tz_source="assumed",
        language="en",
    )
