"""Atom 1.0 feeds (RFC 4287): one story per ``<entry>``.

The corpus sample is the WENN entertainment feed (superdesk ``wenn.xml``). WENN
puts the real story in its own namespace: ``wenn_cm:ContentMetadata`` holds
``first_line`` (the lead paragraph), ``body``, ``slug``, ``tags`` and
``catagory`` (sic), and ``wenn_nm:NewsManagement`` holds the publication time and
status. The Atom ``<content>`` of that sample is a placeholder (``This is body
content1.``), so the WENN text wins where present; plain Atom entries use
``content`` (text, html or xhtml), then ``summary``.

Feed-level ``<author>`` (``WENN Newsdesk``) names a desk, not a writer, so it is
not copied to entries as a byline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import html_to_text, tidy
from transforms.formats.web import (
    language_code,
    parse_iso,
    provider_from_host,
    provider_from_name,
    provider_from_url,
)
from transforms.formats.xmlsafe import (
    children,
    item_pattern,
    item_start,
    localname,
    paragraphs_of,
    parse_xml,
    root_name,
    salvage_items,
)

NAME = "atom"

ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FIRST_TAG = re.compile(rb"<(?![?!])[^>]*>", re.S)
_ENTRY = item_pattern("entry")
_ENTRY_START = item_start("entry")
_MEDIA_KIND = {"image": "picture", "video": "video", "audio": "audio"}
_STATUS = {"published": "usable", "usable": "usable", "withheld": "withheld",
           "embargoed": "withheld", "deleted": "canceled", "killed": "canceled",
           "canceled": "canceled", "cancelled": "canceled"}


def sniff(data: bytes) -> bool:
    if root_name(data) not in ("feed", "entry"):
        return False
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    for m in _FIRST_TAG.finditer(head):
        if m.group(0).startswith(b"<!--"):
            continue
        return ATOM_NS.encode() in m.group(0)
    return False


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return tidy("".join(el.itertext()))


def _first(el: etree._Element, name: str) -> etree._Element | None:
    return next(iter(children(el, name)), None)


def _construct(el: etree._Element | None) -> str | None:
    """An Atom text construct (``type`` text, html or xhtml) as plain paragraphs."""
    if el is None:
        return None
    kind = (el.get("type") or "text").lower()
    if kind == "xhtml":
        div = next((c for c in el if localname(c) == "div"), el)
        return paragraphs_of(div)
    raw = "".join(el.itertext())
    if kind in ("html", "text/html"):
        return html_to_text(raw)
    return tidy(raw)


def _wenn(entry: etree._Element, name: str) -> etree._Element | None:
    """First descendant in a WENN namespace (``wenn_cm``/``wenn_nm``) named ``name``."""
    for el in entry.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{http://feed.wenn.com/") and localname(el) == name:
            return el
    return None


def _feed_provider(feed: etree._Element) -> str | None:
    for link in children(feed, "link"):
        provider = provider_from_url(link.get("href"))
        if provider:
            return provider
    for author in children(feed, "author"):
        email = _text(_first(author, "email")) or ""
        if "@" in email:
            provider = provider_from_host(email.rsplit("@", 1)[1])
            if provider:
                return provider
        provider = provider_from_url(_text(_first(author, "uri"))) or provider_from_name(
            _text(_first(author, "name")))
        if provider:
            return provider
    return provider_from_url(_text(_first(feed, "id"))) or provider_from_name(
        _text(_first(feed, "title")))


def _time(raw: str | None) -> datetime | None:
    return parse_iso(raw) if raw else None


def _entry(entry: etree._Element, provider: str | None, language: str | None) -> Item:
    guid = _text(_first(entry, "id"))
    wenn = _wenn(entry, "ContentMetadata")
    headline = _text(_wenn(entry, "title")) if wenn is not None else None
    headline = headline or _construct(_first(entry, "title"))

    body = None
    if wenn is not None:
        parts = [_construct(_wenn(entry, "first_line")), _construct(_wenn(entry, "body"))]
        body = "\n\n".join(p for p in parts if p) or None
    content = _first(entry, "content")
    if not body and content is not None:
        kind = (content.get("type") or "text").split("/")[0].lower()
        if content.get("src") or kind in _MEDIA_KIND:
            return SkippedItem(reason=f"non_text:{_MEDIA_KIND.get(kind, 'link')}", guid=guid)
        body = _construct(content)
    body = body or _construct(_first(entry, "summary"))
    if not headline and not body:
        return RejectedItem("empty_item", "entry has neither title nor content",
                            raw=etree.tostring(entry))

    published_raw = (_text(_wenn(entry, "published")) or _text(_first(entry, "published"))
                     or _text(_first(entry, "updated")))
    published = _time(published_raw)
    updated_raw = _text(_wenn(entry, "updated")) or _text(_first(entry, "updated"))
    if (published_raw and published is None) or (updated_raw and _time(updated_raw) is None):
        return RejectedItem("malformed_date", f"unreadable date {published_raw or updated_raw!r}",
                            raw=etree.tostring(entry))

    url = next((link.get("href") for link in children(entry, "link")
                if link.get("rel", "alternate") == "alternate" and link.get("href")), None)
    authors = [n for a in children(entry, "author") if (n := _text(_first(a, "name")))]
    subjects = [t for c in children(entry, "category")
                if (t := tidy(c.get("label") or c.get("term") or ""))]
    keywords: list[str] = []
    if wenn is not None:
        subjects += [v for c in wenn.iter() if localname(c) == "catagory" and (v := c.get("value"))]
        keywords = [v for c in wenn.iter() if localname(c) == "tag" and (v := c.get("value"))]
        language = language_code(wenn.get("lang")) or language
    status = _text(_wenn(entry, "publishing_status"))
    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        provider=provider or provider_from_url(url),
        published_at=published,
        published_raw=published_raw,
        version_created=_time(updated_raw),
        authors=authors,
        language=language_code(entry.get(_XML_LANG)) or language,
        url=url,
        slug=_text(_wenn(entry, "slug")),
        pub_status=_STATUS.get(status.lower()) if status else None,
        subjects=list(dict.fromkeys(subjects)),
        keywords=list(dict.fromkeys(keywords)),
        # WENN's first_line is its lead (also the body's first paragraph); Atom's own summary
        abstract=(_construct(_wenn(entry, "first_line")) if wenn is not None else None)
        or _construct(_first(entry, "summary")),
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = parse_xml(data, format=NAME, source=source)
    except ParseError:
        for el in salvage_items(data, _ENTRY, _ENTRY_START, format=NAME, source=source):
            yield el if isinstance(el, RejectedItem) else _entry(el, None, None)
        return
    if root.tag == f"{{{ATOM_NS}}}entry":
        yield _entry(root, None, language_code(root.get(_XML_LANG)))
        return
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise ParseError("not_atom", f"root element is {root.tag!r}", format=NAME, source=source)
    entries = children(root, "entry")
    if not entries:
        raise ParseError("no_items", "the feed has no <entry>", format=NAME, source=source)
    provider = _feed_provider(root)
    language = language_code(root.get(_XML_LANG))
    for entry in entries:
        yield _entry(entry, provider, language)
