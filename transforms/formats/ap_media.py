"""AP Media API JSON (``api.ap.org/media/v``): item and feed responses.

What arrives (SOURCES.md section 6, superdesk ``ap_media_*.json``)::

    {"api_version": "1.1", "method": "/content.GET", ...,
     "data": {"meta": {...}, "item": {<one item>}}}                  # item response
    {"api_version": "1.1", "method": "/content/feed.GET", ...,
     "data": {"query": .., "next_page": .., "items": [{"meta": {}, "item": {...}}, ...]}}

The item is ninjs-1.x-like (``uri``, ``altids.itemid``, ``version``, ``type``,
``versioncreated``/``firstcreated`` in UTC ``Z``, ``pubstatus``, ``headline``,
``slugline``, ``bylines[]``, ``datelinelocation``, ``subject[]`` with
``rels``) but it carries **no story text**: the body is a rendition to download
(``renditions.nitf`` / ``renditions.anpa``, ``href`` only). Those downloads are
separate files that the NITF and ANPA-1312 parsers read.

Item policy:

* ``type`` other than ``text`` (picture, graphic, audio, video, complexdata)
  -> ``SkippedItem("non_text:<type>")``.
* A text item whose body is not in the file -> ``SkippedItem("no_body_inline")``
  with the NITF rendition's href in ``detail``. It is a valid metadata record,
  not broken input, so it is counted rather than sent to rejects (a whole feed
  page would otherwise land there); ``headline_extended`` / summaries are not
  promoted to a body because a one-line abstract is not the story and would
  later collide with the real story parsed from the NITF download.
* The body is taken when it *is* inline: Superdesk's ingest stores the fetched
  NITF next to the item as ``{"nitf": {"body_html": ...}}`` (at the top of the
  response or of a feed entry), and inline ``body_html``/``body_text`` on the
  item are read too.
* ``guid`` is ``altids.itemid`` (stable across versions; ``version`` is kept
  apart), ``provider`` is ``ap`` unless the item's ``provider`` says otherwise,
  ``original_provider`` comes from ``infosource[]`` when it names someone else.
* ``subjects``: names of ``subject[]`` entries with ``rels`` ``direct`` (the
  ``ancestor`` entries are AP's taxonomy parents, the ``category`` entry a
  one-letter code).

A malformed JSON file raises ``malformed_json``; a feed entry that is not an
object or has no ``item`` is rejected alone (``no_item``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from transforms.formats.base import Item, ParsedStory, ParseError, SkippedItem
from transforms.formats.jsonwire import (
    ItemError,
    all_keys,
    byline_names,
    drop_repeated_headline,
    first_str,
    html_body,
    json_head_keys,
    norm_language,
    norm_pub_status,
    parse_time,
    provider_from_name,
    read_json_records,
    run_records,
    str_list,
    text_paragraphs,
    to_int,
    unique,
)

NAME = "ap_media"

_AP_ITEM_KEYS = frozenset({"altids", "friendlykey", "etag", "editorialpriority", "signals", "itemid"})


def sniff(data: bytes) -> bool:
    found = json_head_keys(data)
    if found is None or found[0] != 0x7B:
        return False
    keys = found[1]
    top = keys.get(1, set())
    if "data" not in top:
        return False
    if "api_version" in top:
        return True
    # Response saved without the api_* header: data.item / data.items plus AP item keys.
    return bool(keys.get(2, set()) & {"item", "items"}) and len(all_keys(keys) & _AP_ITEM_KEYS) >= 2


def _body(item: dict, nitf: Any) -> str | None:
    for holder in (nitf, item):
        if not isinstance(holder, dict):
            continue
        html = holder.get("body_html")
        if isinstance(html, str) and html.strip():
            body = html_body(html)
            if body:
                return body
        text = holder.get("body_text")
        if isinstance(text, str) and text.strip():
            body = text_paragraphs(text)
            if body:
                return body
    return None


def _names(values: Any, rel: str | None = None) -> list[str]:
    out = []
    for v in values if isinstance(values, list) else ():
        if isinstance(v, dict) and (rel is None or rel in (v.get("rels") or ())):
            out.append(first_str(v, "name") or "")
    return unique(out)


def _credits(item: dict) -> list[tuple[str, str]]:
    out = []
    for role in ("photographer", "captionwriter", "editor", "producer"):
        who = item.get(role)
        for w in who if isinstance(who, list) else [who]:
            if isinstance(w, dict) and first_str(w, "name"):
                out.append((first_str(w, "name") or "", role))
    return out


def _story(item: dict, nitf: Any) -> Item:
    altids = item.get("altids") if isinstance(item.get("altids"), dict) else {}
    guid = first_str(altids, "itemid") or first_str(item, "uri")
    kind = str(item.get("type") or "").strip().lower()
    if not kind:
        raise ItemError("no_type", f"AP item {guid or '?'} has no type")
    if kind != "text":
        return SkippedItem(f"non_text:{kind}", guid=guid)
    body = _body(item, nitf)
    if not body:
        rend = item.get("renditions") if isinstance(item.get("renditions"), dict) else {}
        nitf_rend = rend.get("nitf") if isinstance(rend.get("nitf"), dict) else {}
        return SkippedItem("no_body_inline", guid=guid,
                           detail=f"body only as a rendition: {nitf_rend.get('href') or 'none listed'}")
    provider = provider_from_name(first_str(item, "provider")) or "ap"
    infosource = item.get("infosource") if isinstance(item.get("infosource"), list) else []
    sources = [provider_from_name(first_str(s, "name")) for s in infosource if isinstance(s, dict)]
    original = next((s for s in sources if s and s != provider), None)
    dateline = item.get("datelinelocation") if isinstance(item.get("datelinelocation"), dict) else {}
    first_raw = first_str(item, "firstcreated")
    version_raw = first_str(item, "versioncreated")
    published_raw = first_raw or version_raw
    headline = first_str(item, "headline", "title")
    authors: list[str] = []
    for b in item.get("bylines") if isinstance(item.get("bylines"), list) else ():
        if isinstance(b, dict):
            authors.extend(byline_names(first_str(b, "by", "name")))
    return ParsedStory(
        headline=headline,
        body=drop_repeated_headline(body, headline),
        guid=guid,
        version=first_str(item, "version"),
        provider=provider,
        original_provider=original,
        published_at=parse_time(published_raw),
        published_raw=published_raw,
        version_created=parse_time(version_raw),
        authors=unique(authors),
        credits=_credits(item),
        dateline_location=first_str(dateline, "city"),
        located=first_str(item, "located"),
        language=norm_language(item.get("language")),
        slug=first_str(item, "slugline"),
        urgency=to_int(item.get("urgency")),
        pub_status=norm_pub_status(item.get("pubstatus")),
        embargo_until=parse_time(item.get("embargoed")),
        subjects=_names(item.get("subject"), "direct"),
        keywords=str_list(item.get("keywords")),
        # AP's profile (Feature, NewsBrief, Daybook) is its genre; ednote without its "Eds:" lead
        genre=[p for p in [first_str(item, "profile")] if p],
        ednote=re.sub(r"^\s*Eds?:\s*", "", first_str(item, "ednote") or "") or None,
        abstract=first_str(item, "summary", "headline_extended"),
        place=_names(item.get("place")),
        category=[c for c in (first_str(v, "code") for v in (item.get("subject") or ())
                              if isinstance(v, dict) and "category" in (v.get("rels") or ())) if c],
    )


def _entry(entry: dict) -> Item:
    """One feed entry ``{"meta": .., "item": {..}}`` (a bare item is accepted too)."""
    item = entry.get("item", entry if "altids" in entry or "type" in entry else None)
    if not isinstance(item, dict):
        raise ItemError("no_item", "feed entry has no item object")
    return _story(item, entry.get("nitf"))


def parse(data: bytes, source: str) -> Iterator[Item]:
    shape, doc, records = read_json_records(data, NAME, source)
    if shape != "object":
        raise ParseError("not_ap_media", f"expected one API response object, got a JSON {shape}",
                         format=NAME, source=source)
    body = doc.get("data")
    if not isinstance(body, dict):
        raise ParseError("not_ap_media", "no data object in the response", format=NAME, source=source)
    if isinstance(body.get("item"), dict):
        yield from run_records(iter([(body["item"], None, None)]), True,
                               lambda item: _story(item, doc.get("nitf")), NAME, source)
        return
    entries = body.get("items")
    if not isinstance(entries, list):
        raise ParseError("not_ap_media", "data has neither item nor items", format=NAME, source=source)
    if not entries:
        raise ParseError("no_items", "the feed page holds no items", format=NAME, source=source)
    yield from run_records(((e, None, None) for e in entries), False, _entry, NAME, source)
