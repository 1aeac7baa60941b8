"""RSS 2.0 feeds (and RSS 1.0 / RDF): one story per ``<item>``.

Quirks of the Reuters World News feed (FeedBurner; SOURCES.md section 2):

* ``pubDate`` is RFC 822 with an offset (``Fri, 12 Jun 2020 20:25:17 -0400``);
* ``<description>`` holds entity-escaped HTML that ends in a FeedBurner
  ``div.feedflare`` of share buttons and a tracking pixel: dropped;
* ``<guid isPermaLink="false">`` is nevertheless the article URL, carrying the
  ``?feedType=RSS&feedName=worldNews`` tracking parameters: stripped from guid
  and url so the same story from two feeds keeps one identity;
* ``<link>`` is a ``feeds.reuters.com/~r/…`` redirect; ``feedburner:origLink``
  is the real article URL.

A feed whose XML is broken is read item by item (:func:`salvage_items`): each
well-formed item is a story and each broken one a :class:`RejectedItem`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import html_to_text, tidy
from transforms.formats.web import (
    channel_head,
    language_code,
    parse_iso,
    provider_from_name,
    provider_from_url,
)
from transforms.formats.wordpress_wxr import is_wxr
from transforms.formats.xmlsafe import (
    children,
    item_pattern,
    item_start,
    localname,
    parse_xml,
    root_name,
    salvage_items,
)

NAME = "rss_2"

_RSS1 = b"purl.org/rss/1.0"


def sniff(data: bytes) -> bool:
    name = root_name(data)
    if name == "rss":
        # a WordPress export is RSS 2.0 too, but read by wordpress_wxr
        return not is_wxr(data)
    return name == "RDF" and _RSS1 in data[:4096]


# --- URLs --------------------------------------------------------------------------

# Query parameters that only say which feed or campaign a link came from.
_TRACKING = frozenset({"feedtype", "feedname", "ncid", "cmpid", "smid", "cmp", "rss"})


def strip_tracking(url: str | None) -> str | None:
    """``url`` without feed/campaign tracking parameters (``feedType``, ``utm_*`` …)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if k.lower() not in _TRACKING and not k.lower().startswith("utm_")]
    if len(kept) == len(pairs):
        return url  # nothing to strip: keep the URL byte for byte
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _is_url(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith(("http://", "https://"))


# --- items ---------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_FEEDFLARE = re.compile(r"<div\s+class=[\"']feedflare[\"'].*?</div\s*>", re.I | re.S)
_PIXEL = re.compile(r"<img\b[^>]*>", re.I)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_ITEM = item_pattern("item")
_ITEM_START = item_start("item")
_MEDIA_KIND = {"image": "picture", "video": "video", "audio": "audio"}


def _child_text(el: etree._Element, name: str) -> str | None:
    for c in children(el, name):
        text = tidy("".join(c.itertext()))
        if text:
            return text
    return None


def _html_body(markup: str | None) -> str | None:
    if not markup:
        return None
    markup = _PIXEL.sub("", _FEEDFLARE.sub("", markup))
    return html_to_text(markup)


def _author(value: str | None) -> str | None:
    """RSS ``author`` is ``email (Name)``; keep the name, drop a bare address."""
    if not value:
        return None
    m = _EMAIL_NAME.match(value)
    if m:
        return m.group(1).strip()
    return None if "@" in value else value.strip()


def _pub_date(raw: str) -> datetime | None:
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return parse_iso(raw)


def _channel_provider(channel: etree._Element | None) -> str | None:
    if channel is None:
        return None
    provider = provider_from_url(_child_text(channel, "link"))
    if provider:
        return provider
    for c in channel:  # atom:link rel="self" (feeds.reuters.com/…)
        if localname(c) == "link" and c.get("href"):
            provider = provider_from_url(c.get("href"))
            if provider:
                return provider
    return provider_from_name(_child_text(channel, "title"))


def _item(item: etree._Element, provider: str | None, language: str | None) -> Item:
    title = _child_text(item, "title")
    if title and _ENTITY.search(title):  # titles are plain text, but often escaped twice
        title = tidy(html.unescape(title))
    description = _html_body(_child_text(item, "description"))
    encoded = _html_body(_child_text(item, "encoded"))  # content:encoded: the full text
    body = encoded if encoded and len(encoded) >= len(description or "") else description
    guid_el = next(iter(children(item, "guid")), None)
    guid_raw = tidy("".join(guid_el.itertext())) if guid_el is not None else None
    link = _child_text(item, "link") or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    permalink = guid_el is not None and guid_el.get("isPermaLink", "true").lower() != "false"
    if orig := _child_text(item, "origLink"):  # feedburner:origLink, the article itself
        url = orig
    elif permalink and _is_url(guid_raw):
        url = guid_raw
    else:
        url = link or (guid_raw if _is_url(guid_raw) else None)
    url = strip_tracking(url)
    guid = strip_tracking(guid_raw) if _is_url(guid_raw) else guid_raw
    guid = guid or url

    if not title and not body:
        enclosure = next(iter(children(item, "enclosure")), None)
        kind = (enclosure.get("type") or "").split("/")[0] if enclosure is not None else ""
        if kind in _MEDIA_KIND:
            return SkippedItem(reason=f"non_text:{_MEDIA_KIND[kind]}", guid=guid)
        return RejectedItem("empty_item", "item has neither title nor description",
                            raw=etree.tostring(item))

    published_raw = _child_text(item, "pubDate") or _child_text(item, "date")  # dc:date
    published = _pub_date(published_raw) if published_raw else None
    if published_raw and published is None:
        return RejectedItem("malformed_date", f"unreadable pubDate {published_raw!r}",
                            raw=etree.tostring(item))

    authors = [a for a in (_author(_child_text(item, "author")),) if a]
    authors += [t for c in children(item, "creator") if (t := tidy("".join(c.itertext())))]
    subjects = [t for c in children(item, "category") if (t := tidy("".join(c.itertext())))]
    subjects += [t for c in children(item, "subject") if (t := tidy("".join(c.itertext())))]
    return ParsedStory(
        headline=title,
        body=body,
        guid=guid,
        provider=provider or provider_from_url(url),
        published_at=published,
        published_raw=published_raw,
        authors=list(dict.fromkeys(authors)),
        language=language_code(_child_text(item, "language")) or language,
        url=url,
        subjects=list(dict.fromkeys(subjects)),
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = parse_xml(data, format=NAME, source=source)
    except ParseError:
        # The channel header before the first item still names the feed's
        # site and language.
        link, language = channel_head(data)
        provider = provider_from_url(link) if link else None
        for el in salvage_items(data, _ITEM, _ITEM_START, format=NAME, source=source):
            yield el if isinstance(el, RejectedItem) else _item(el, provider, language)
        return
    if localname(root) not in ("rss", "RDF"):
        raise ParseError("not_rss", f"root element is {localname(root)!r}", format=NAME, source=source)
    channel = next(iter(children(root, "channel")), None)
    # RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it.
    items = children(channel, "item") if channel is not None else []
    items += children(root, "item")
    if not items:
        raise ParseError("no_items", "the feed has no <item>", format=NAME, source=source)
    provider = _channel_provider(channel)
    language = language_code(_child_text(channel, "language")) if channel is not None else None
    for item in items:
        yield _item(item, provider, language)
