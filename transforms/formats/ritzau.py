"""Ritzau (Danish news agency) XML: ``<RBNews>`` items, alone or in a queue response.

Two shapes in the corpus (superdesk ``ritzau_news.xml``, ``ritzau_feed.xml``):
a bare ``<RBNews>`` root, or ``<XMLNewsQueuedResponse>`` (namespace
``http://tempuri.org/``) wrapping ``ListOfRBNews/RBNews`` items. Quirks:

* ``PublishDate`` has no zone (``2018-01-30T17:32:18.397``): Danish local time,
  as Superdesk's own Ritzau ingest takes it, so it is localized to
  Europe/Copenhagen (``published_tz_source="provider_default"``);
* ``content`` is escaped HTML; in third-party press releases (``Via Ritzau``)
  it is escaped twice (``&amp;amp;apos;``) and carries UTF-8 read as latin-1
  (``&#xC2;&#xA3;`` for ``£``): both are undone;
* ``headline`` may be nil (``i:nil="true"``) on flashes: then the subtitle, else
  no headline;
* ``TilRedaktionen`` ("to the editors") is a non-public note and never reaches
  the body (``ritzau_news_test_ednote.xml``);
* ``Annuleret`` (cancelled) ``true`` -> ``pub_status="canceled"``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import html_to_text, tidy
from transforms.formats.web import parse_iso
from transforms.formats.xmlsafe import (
    children,
    item_pattern,
    item_start,
    localname,
    parse_xml,
    root_name,
    salvage_items,
)

NAME = "ritzau"

_XSI_NIL = re.compile(r"\}nil$")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# UTF-8 byte sequences that were decoded as latin-1/cp1252: a lead byte
# (U+00C2-U+00F4) followed by the right number of continuation bytes.
_CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(
    rf"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}")
_ITEM = item_pattern("RBNews")
_ITEM_START = item_start("RBNews")
try:
    _COPENHAGEN: ZoneInfo | None = ZoneInfo("Europe/Copenhagen")
except ZoneInfoNotFoundError:  # no tz database: keep the time naive ("assumed")
    _COPENHAGEN = None


def sniff(data: bytes) -> bool:
    name = root_name(data)
    if name == "RBNews":
        return True
    return name == "XMLNewsQueuedResponse" and b"RBNews" in data[:4096]


def _unmojibake(match: re.Match[str]) -> str:
    s = match.group(0)
    for enc in ("cp1252", "latin-1"):
        try:
            return s.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return s


def _clean(text: str | None) -> str | None:
    """Undo a second layer of entity escaping and UTF-8-read-as-latin-1."""
    if not text:
        return text
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return tidy(_MOJIBAKE.sub(_unmojibake, text))


def _field(item: etree._Element, name: str) -> str | None:
    """Text of a direct child, None when absent, empty or ``i:nil="true"``."""
    for c in children(item, name):
        if any(_XSI_NIL.search(k) and v == "true" for k, v in c.attrib.items()):
            return None
        text = "".join(c.itertext()).strip()
        return text or None
    return None


def _published(raw: str | None) -> tuple[datetime | None, str | None]:
    value = parse_iso(raw)
    if value is None:
        return None, None
    if value.tzinfo is not None:
        return value, None
    if _COPENHAGEN is None:
        return value, "assumed"
    return value.replace(tzinfo=_COPENHAGEN), "provider_default"


def _item(item: etree._Element) -> Item:
    guid = _field(item, "NewsID")
    raw_date = _field(item, "PublishDate")
    published, tz_source = _published(raw_date)
    if guid is None:
        return RejectedItem("no_guid", "RBNews without NewsID", raw=etree.tostring(item))
    if raw_date and published is None:
        return RejectedItem("malformed_date", f"unreadable PublishDate {raw_date!r}",
                            raw=etree.tostring(item))
    body = _clean(html_to_text(_field(item, "content")))
    if not body:
        media = next(iter(children(item, "MultimedieList")), None)
        if media is not None and len(media):
            return SkippedItem(reason="non_text:picture", guid=guid)
        return RejectedItem("no_body", "RBNews without content", raw=etree.tostring(item))
    headline = _clean(_field(item, "headline")) or _clean(_field(item, "subtitle"))
    priority = _field(item, "Priority")
    cancelled = (_field(item, "Annuleret") or "").lower() == "true"
    iptc = [f"subj:{t}" for c in children(item, "IPTCList") for x in c
            if localname(x) == "int" and (t := (x.text or "").strip())]
    keywords = [t for c in children(item, "SubjectKeyword") for x in c
                if (t := (x.text or "").strip())]
    byline = _clean(_field(item, "byLine"))
    # Ritzau's own copy is Danish; "Via Ritzau" press releases come in any language.
    own = (_field(item, "origin") or "").strip("/ ").lower() == "ritzau"
    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        version=_field(item, "version"),
        provider="ritzau",
        published_at=published,
        published_raw=raw_date,
        published_tz_source=tz_source,
        authors=[byline] if byline else [],
        dateline_location=_clean(_field(item, "town")),
        language="da" if own else None,
        slug=_field(item, "strapline"),
        urgency=int(priority) if priority and priority.isdigit() else None,
        pub_status="canceled" if cancelled else "usable",
        subjects=iptc,
        keywords=keywords,
        priority=int(priority) if priority and priority.isdigit() else None,
        # "to the editors": never story text, but the story's editorial note
        ednote=_clean(html_to_text(_field(item, "TilRedaktionen"))),
        category=[c for c in (_field(item, "section"),) if c],
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = parse_xml(data, format=NAME, source=source)
    except ParseError:
        for el in salvage_items(data, _ITEM, _ITEM_START, format=NAME, source=source):
            yield el if isinstance(el, RejectedItem) else _item(el)
        return
    items = [root] if localname(root) == "RBNews" else [
        el for el in root.iter() if isinstance(el.tag, str) and localname(el) == "RBNews"]
    if not items:
        raise ParseError("no_items", f"no RBNews under {localname(root)!r}", format=NAME,
                         source=source)
    for item in items:
        yield _item(item)
