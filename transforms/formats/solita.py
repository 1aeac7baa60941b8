"""Solita press-release XML (NTB Info, ntbinfo.no): one ``<release id=… lang=…>`` per file.

Samples: superdesk-ntb ``solita_1..4.xml`` (``solita_se_1.xml`` in the same folder
is NewsML 1.2 and belongs to that parser). The file documents itself in comments:

* ``body`` is HTML "both XML- and HTML-encoded": after XML parsing it is still
  escaped markup with HTML entities (``&lt;p&gt;&amp;ndash; …``);
* ``leadtext`` is the lead (ingress), HTML in XML-encoded form: it becomes the
  first paragraph of the body;
* ``publicationDate`` and ``embargo`` are ``dd.MM.yyyy HH:mm`` without a zone:
  Norwegian local time, localized to Europe/Oslo
  (``published_tz_source="provider_default"``);
* ``contactsAsText``, ``boilerplate`` and the publisher ``description`` are the
  release's contact block and company boilerplate, not story text: left out of
  the body. The publisher's name is kept as a credit with role ``publisher``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError
from transforms.formats.text import html_to_text, tidy
from transforms.formats.web import language_code
from transforms.formats.xmlsafe import children, localname, parse_xml, root_name

NAME = "solita"

_FIELDS = re.compile(rb"<(?:longurl|leadtext|publicationDate|contactsAsText)\b")
_KEYWORD_SPLIT = re.compile(r"[,;]")
_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})\s*$")
try:
    _OSLO: ZoneInfo | None = ZoneInfo("Europe/Oslo")
except ZoneInfoNotFoundError:  # no tz database: keep the time naive ("assumed")
    _OSLO = None


def sniff(data: bytes) -> bool:
    # <release> alone is too generic a root name: require one of Solita's fields.
    return root_name(data) == "release" and bool(_FIELDS.search(data[:8192]))


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next(iter(children(el, name)), None)


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return tidy("".join(el.itertext()))


def _local_time(raw: str | None) -> tuple[datetime | None, str | None]:
    """``dd.MM.yyyy HH:mm`` in Oslo time; ``(None, None)`` when absent or unreadable."""
    m = _DATE.match(raw or "")
    if m is None:
        return None, None
    day, month, year, hour, minute = map(int, m.groups())
    try:
        value = datetime(year, month, day, hour, minute)
    except ValueError:
        return None, None
    if _OSLO is None:
        return value, "assumed"
    return value.replace(tzinfo=_OSLO), "provider_default"


def _keywords(raw: str | None) -> list[str]:
    """Free-text keywords "in arbitrary format": comma/semicolon lists, else words
    (``konkurs Bisnode næringsliv …`` in ``solita_3.xml``)."""
    if not raw:
        return []
    parts = _KEYWORD_SPLIT.split(raw) if _KEYWORD_SPLIT.search(raw) else raw.split()
    return list(dict.fromkeys(k.strip() for k in parts if k.strip()))


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    root = parse_xml(data, format=NAME, source=source)
    if localname(root) != "release":
        raise ParseError("not_solita", f"root element is {localname(root)!r}", format=NAME,
                         source=source)
    lead = html_to_text(_text(_child(root, "leadtext")))
    main = html_to_text("".join(_child(root, "body").itertext())
                        if _child(root, "body") is not None else None)
    body = "\n\n".join(p for p in (lead, main) if p) or None
    if not body:
        raise ParseError("no_body", "release without leadtext and body", format=NAME, source=source)

    published_raw = _text(_child(root, "publicationDate"))
    published, tz_source = _local_time(published_raw)
    if published_raw and published is None:
        raise ParseError("malformed_date", f"publicationDate {published_raw!r}", format=NAME,
                         source=source)
    embargo, _ = _local_time(_text(_child(root, "embargo")))

    publisher = _text(_child(_child(root, "publisher"), "name")) if _child(
        root, "publisher") is not None else None
    categories = _child(root, "categories")
    subjects = [t for c in (categories if categories is not None else [])
                if localname(c) == "category" and (t := _text(_child(c, "label")))]
    yield ParsedStory(
        headline=_text(_child(root, "title")),
        body=body,
        guid=root.get("id"),
        provider="solita",
        published_at=published,
        published_raw=published_raw,
        published_tz_source=tz_source,
        credits=[(publisher, "publisher")] if publisher else [],
        language=language_code(root.get("lang")),
        url=_text(_child(root, "longurl")),
        embargo_until=embargo,
        subjects=subjects,
        keywords=_keywords(_text(_child(root, "keywords"))),
        abstract=lead,
    )
