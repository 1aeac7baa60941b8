"""The contract every wire-format parser follows.

A parser is a module with three things:

* ``NAME``: the format's spec name (``newsml_g2``, ``anpa_1312``, ...), stored in
  ``source_format``;
* ``sniff(data: bytes) -> bool``: a cheap look at the first bytes that says
  whether the input looks like this format (it must not parse the whole file);
* ``parse(data: bytes, source: str) -> Iterator[Item]``: every item of the input,
  in order, as a :class:`ParsedStory`, a :class:`SkippedItem` (a valid item that is
  not a text story: a picture, a package, a planning item) or a
  :class:`RejectedItem` (one item of a multi-item file that cannot be read; the
  rest of the file goes on).

When the input as a whole cannot be read, ``parse`` raises :class:`ParseError`
with a short reason code. Parsers never open files or talk to storage: bytes in,
records out. ``source`` is only used in error messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class ParseError(Exception):
    """The input (or one item of it) cannot be read.

    ``reason`` is a short, stable, machine-readable code (``empty_input``,
    ``binary_content``, ``malformed_xml``, ``no_body`` ...) that rejects/ and
    the run report group by; ``detail`` says what exactly was wrong.
    """

    def __init__(self, reason: str, detail: str = "", *, format: str | None = None,
                 source: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.format = format
        self.source = source
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(slots=True)
class ParsedStory:
    """One text story as the wire format gives it.

    Fill what the format carries; leave the rest ``None``. Text fields are plain
    text: HTML must already be turned into paragraphs (``transforms.formats.text``), with
    paragraphs separated by a blank line. Generic clean-up (datelines inside the
    body, sign-offs, boilerplate, whitespace) happens later in polars, so a parser
    does not need to do it.

    ``published_at``: an aware datetime when the source states its zone (then
    ``published_tz_source`` defaults to ``"source"``). A naive datetime is taken
    as UTC and marked ``"assumed"``, unless the parser knows the provider's zone:
    then it localizes and sets ``published_tz_source="provider_default"``.
    ``published_raw`` keeps the source's own text of the timestamp.
    """

    headline: str | None = None
    body: str | None = None
    guid: str | None = None
    version: str | None = None
    provider: str | None = None
    original_provider: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    published_tz_source: str | None = None
    version_created: datetime | None = None
    authors: list[str] = field(default_factory=list)
    credits: list[tuple[str, str]] = field(default_factory=list)
    dateline_location: str | None = None
    dateline_agency: str | None = None
    dateline_date: str | None = None  # the date a dateline carries, as written ("Feb 26")
    # Where the story is located by the metadata (NewsML-G2 ``located``, ninjs and AP
    # ``located``), not as printed: the dateline only when the text has none
    # (GlobeNewswire's ``located`` is the company's address while its text says
    # "SAN FRANCISCO, Dec. 03, 2019 (GLOBE NEWSWIRE) --": 07ac.xml).
    located: str | None = None
    language: str | None = None
    url: str | None = None
    slug: str | None = None
    urgency: int | None = None
    pub_status: str | None = None
    embargo_until: datetime | None = None
    subjects: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    genre: list[str] = field(default_factory=list)
    ednote: str | None = None
    abstract: str | None = None
    place: list[str] = field(default_factory=list)
    priority: int | None = None
    category: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class SkippedItem:
    """A valid item that is not a text story; counted, not an error.

    ``reason`` is ``non_text:<kind>`` (``non_text:picture``, ``non_text:package``,
    ``non_text:planning`` ...) or another stable code.
    """

    reason: str
    guid: str | None = None
    detail: str = ""


@dataclass(slots=True, frozen=True)
class RejectedItem:
    """One item of a multi-item input that cannot be read; the others go on."""

    reason: str
    detail: str = ""
    raw: bytes = b""


Item = ParsedStory | SkippedItem | RejectedItem


class Parser(Protocol):
    """What the registry expects of a parser module."""

    NAME: str

    def sniff(self, data: bytes) -> bool: ...

    def parse(self, data: bytes, source: str) -> Iterator[Item]: ...
