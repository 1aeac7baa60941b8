"""IPTC ninjs (news in JSON), versions 1.x, 2.x and 3.x, plus Superdesk/TT dialects.

What arrives (SOURCES.md sections 4 and 6):

* one ninjs object per file (the IPTC examples, Superdesk ``ninjs1..6.json``,
  TT ``ntbttninjs.json``), a JSON array of objects, a paging envelope
  ``{"total": .., "limit": .., "offset": .., "item": [...]}`` (BBC LDRS,
  ``bbc-ninjs-*.json``), or JSON Lines (one object per line: the usual bulk
  export; a malformed line rejects only that line, blank lines are ignored).
* Key drift between versions: 1.x ``headline``/``body_text``/``body_html``/
  ``body_xhtml``/``byline``/``versioncreated``/``pubstatus``; 2.x
  ``headlines[]``/``bodies[]`` with a ``role`` and ``by``; 3.x camelCase
  (``versionCreated``, ``pubStatus``, ``firstCreated``, ``contentType``); TT's
  ttninjs 1.x ``body_html5``, ``slug`` and ``bylines[]``; Superdesk
  ``guid``, ``source``, ``authors[]``.
* Timestamps such as ``2017-08-24T04:38:34+0000`` (offset without a colon;
  ``datetime.fromisoformat`` reads it on Python 3.11) and zone-less
  ``2018-05-30T15:14:24`` (BBC; kept naive, so it is taken as UTC and marked
  ``assumed`` downstream).

Item policy:

* ``type`` text (or absent: dpa's 2.1 example has none), ``story`` and
  ``advisory`` (BBC) are text stories. ``composite`` with a body of its own is a
  story (text plus pictures); without one it is skipped as
  ``non_text:composite``. Everything else (picture, graphic, audio, video,
  component, event, planning ...) is ``SkippedItem("non_text:<type>")``; an item
  without ``type`` that carries ninjs 3.x ``eventDetails`` is an event, one with
  ``plannedCoverage`` a planning item.
* Only the top-level item is a story. ``associations`` (pictures, logos, video,
  package members) are never emitted on their own: they are embedded copies of
  items the provider also delivers separately, and emitting them would count
  them twice. A body-less composite says in its skip detail how many text
  associations it carried, so the gap stays visible.
* A text item without a body is rejected with ``no_body`` (in a single-object
  file that is a ``ParseError``). The description/abstract is not promoted to
  a body: a lead sentence is not the story (IPTC ``ntb_text.json`` is cut that
  way).
* ``ednote`` (editor notes) is never read. Picture captions inside HTML bodies
  (``<figure>``/``<figcaption>``, TT) and TT's ``div.dat``/``div.byline``
  framing are dropped; a first body paragraph that repeats the headline (TT
  ``<h1>``) is dropped.
* ``published_at`` is ``firstcreated`` when present (first publication), else
  ``versioncreated``, else ``contentcreated``; ``version_created`` is
  ``versioncreated``.
* ``provider`` comes from ``copyrightholder``, then the domain of ``uri`` (who
  minted the item delivered it; ``ninjs.example.com`` is IPTC's own example
  domain: ``iptc``), then ``source``, then the domain of ``guid``. When
  ``source`` names another agency than the provider (AAP relaying Reuters,
  ``ninjs2.json``; CP's content API relaying TV Eyes, ``cp_transcripts.json``)
  it becomes ``original_provider``.
* ``subjects`` are names (``subject[]``/``subjects[]``), falling back to
  code/literal/uri when a subject has no name.

The JSON helpers it shares with the other JSON formats live in
``transforms/formats/jsonwire.py``.
"""

from __future__ import annotations

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
    provider_from_id,
    provider_from_name,
    read_json_records,
    run_records,
    str_list,
    text_paragraphs,
    to_int,
    unique,
)
from transforms.formats.text import html_to_text, tidy

NAME = "ninjs"

_NINJS_KEYS = frozenset({
    "versioncreated", "versionCreated", "firstcreated", "firstCreated", "contentcreated",
    "contentCreated", "pubstatus", "pubStatus", "embargoed", "headlines", "bodies",
    "body_text", "body_html", "body_xhtml", "body_html5", "description_text", "description_html",
    "description_xhtml", "copyrightholder", "copyrightHolder", "copyrightnotice", "copyrightNotice",
    "usageterms", "usageTerms", "ednote", "edNote", "slugline", "representationtype",
    "representationType", "renditions", "associations", "altids", "altIds", "trustindicator",
    "trustIndicators", "$standard", "located", "byline", "eventDetails", "plannedCoverage",
})
# news-please record keys and the AP Media API envelope: never ninjs.
NEWS_PLEASE_KEYS = frozenset({"maintext", "date_download", "source_domain", "title_page", "title_rss",
                              "localpath", "date_publish"})


def sniff(data: bytes) -> bool:
    found = json_head_keys(data)
    if found is None:
        return False
    first, keys = found
    top = keys.get(1, set())
    if "api_version" in top or "data" in top:  # AP Media API envelope
        return False
    record = keys.get(1 if first == 0x7B else 2, set())
    if len(record & NEWS_PLEASE_KEYS) >= 2:
        return False
    return len(all_keys(keys) & _NINJS_KEYS) >= 2


_TEXT_TYPES = frozenset({"text", "story", "advisory", "article", "preformatted"})
_HTML_ROLES = {"html5": 0, "html": 0, "xhtml": 0, "body": 0}


def _body(obj: dict) -> str | None:
    for key in ("body_html5", "body_html", "body_xhtml"):
        v = obj.get(key)
        if isinstance(v, str) and v.strip():
            body = html_body(v)
            if body:
                return body
    bodies = obj.get("bodies")
    if isinstance(bodies, list):
        best: tuple[int, dict] | None = None
        for b in bodies:
            if not isinstance(b, dict) or not isinstance(b.get("value"), str) or not b["value"].strip():
                continue
            role = str(b.get("role") or "").lower()
            ctype = str(b.get("contenttype") or b.get("contentType") or "").lower()
            if "html" in ctype or role in _HTML_ROLES:
                rank = _HTML_ROLES.get(role, 1)  # richhtml5 & co come after plain html
            elif not ctype or ctype.startswith("text/plain"):
                rank = 2
            else:
                continue  # application/xml (TT's ttnitf) and other non-text renderings
            if best is None or rank < best[0]:
                best = (rank, b)
        if best is not None:
            value = best[1]["value"]
            body = html_body(value) if best[0] < 2 else text_paragraphs(value)
            if body:
                return body
    if isinstance(obj.get("body_text"), str):
        return text_paragraphs(obj.get("body_text"))
    # NTB's trimmed 2.x example carries its text as descriptions[role=text]; a
    # summary or abstract is not the story and stays out.
    for d in obj.get("descriptions") or []:
        if isinstance(d, dict) and str(d.get("role") or "").lower() == "text" and isinstance(d.get("value"), str):
            body = text_paragraphs(d["value"])
            if body:
                return body
    return None


def _headline(obj: dict) -> str | None:
    h = obj.get("headline")
    if isinstance(h, str) and h.strip():
        return tidy(h)
    hs = obj.get("headlines")
    if isinstance(hs, list):
        found = [x for x in hs if isinstance(x, dict) and isinstance(x.get("value"), str) and x["value"].strip()]
        for x in found:
            if str(x.get("role") or "main").lower() == "main":
                return tidy(html_to_text(x["value"]) if "<" in x["value"] else x["value"])
        if found:
            return tidy(found[0]["value"])
    return None


def _concepts(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    out = []
    for s in values:
        if isinstance(s, dict):
            out.append(first_str(s, "name", "code", "literal", "qcode", "uri") or "")
        elif isinstance(s, str):
            out.append(s.strip())
    return unique(out)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _credits(obj: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a in _list(obj.get("authors")):  # Superdesk: [{"name": .., "role": "writer"}]
        if isinstance(a, dict):
            name, role = first_str(a, "name", "display_name"), first_str(a, "role")
            if name and role:
                out.append((name, role))
    for b in _list(obj.get("bylines")):  # ttninjs: [{"byline", "firstname", "lastname", "role"}]
        if isinstance(b, dict) and str(b.get("internal", "")).lower() != "true":
            name = " ".join(p for p in (first_str(b, "firstname"), first_str(b, "lastname")) if p)
            role = first_str(b, "role")
            if (name or first_str(b, "byline")) and role:
                out.append((name or first_str(b, "byline") or "", role))
    return out


def _count_text_associations(obj: dict) -> int:
    assoc = obj.get("associations")
    values = assoc.values() if isinstance(assoc, dict) else assoc if isinstance(assoc, list) else ()
    return sum(1 for a in values
               if isinstance(a, dict) and str(a.get("type") or "text").lower() in _TEXT_TYPES
               and _body(a))


def _implied_type(obj: dict) -> str:
    """An item without ``type``: ninjs 3.x event and planning items carry their details."""
    if isinstance(obj.get("eventDetails"), dict):
        return "event"
    if obj.get("plannedCoverage"):
        return "planning"
    return "text"


def _item(obj: dict) -> Item:
    guid = first_str(obj, "guid", "uri", "id")
    kind = str(obj.get("type") or _implied_type(obj)).strip().lower()
    if kind not in _TEXT_TYPES and kind != "composite":
        return SkippedItem(f"non_text:{kind}", guid=guid)
    body = _body(obj)
    if not body:
        if kind == "composite":
            n = _count_text_associations(obj)
            return SkippedItem("non_text:composite", guid=guid,
                               detail=f"no body of its own; {n} text association(s) not emitted")
        raise ItemError("no_body", f"{kind} item {guid or '?'} has no body")
    headline = _headline(obj)
    body = drop_repeated_headline(body, headline)
    first_raw = first_str(obj, "firstcreated", "firstCreated")
    version_raw = first_str(obj, "versioncreated", "versionCreated")
    published_raw = first_raw or version_raw or first_str(obj, "contentcreated", "contentCreated")
    holder = first_str(obj, "copyrightholder", "copyrightHolder")
    source_name = first_str(obj, "source")
    # The one who minted the item's ``uri`` delivered it (CP's content API,
    # ``cms.cp.org``, relaying a TV Eyes transcript: cp_transcripts.json); ``source``
    # names where the content came from, the original provider when another.
    provider = (provider_from_name(holder) or provider_from_id(first_str(obj, "uri"))
                or provider_from_name(source_name) or provider_from_id(first_str(obj, "guid")))
    original = provider_from_name(source_name)
    byline = first_str(obj, "byline", "by")
    published = parse_time(published_raw)
    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        version=first_str(obj, "version"),
        provider=provider,
        original_provider=original if original and original != provider else None,
        published_at=published,
        published_raw=published_raw,
        # a zone-less stamp (BBC) stays naive: taken as UTC and flagged, never guessed
        published_tz_source="assumed" if published is not None and published.tzinfo is None else None,
        version_created=parse_time(version_raw),
        authors=byline_names(byline),
        credits=_credits(obj),
        located=first_str(obj, "located"),
        language=norm_language(obj.get("language")),
        slug=first_str(obj, "slugline", "slug"),
        urgency=to_int(obj.get("urgency")),
        pub_status=norm_pub_status(obj.get("pubstatus") or obj.get("pubStatus")),
        embargo_until=parse_time(obj.get("embargoed") or obj.get("embargoedUntil")),
        subjects=_concepts(obj.get("subject") or obj.get("subjects")),
        keywords=str_list(obj.get("keywords")),
        genre=_concepts(obj.get("genre")),
        ednote=first_str(obj, "ednote", "edNote"),
        abstract=first_str(obj, "description_text", "summary") or _plain(first_str(obj, "description_html")),
        place=_concepts(obj.get("place") or obj.get("places")),
        priority=to_int(obj.get("priority")),
        category=unique([first_str(c, "code", "name") or "" for c in _list(obj.get("service"))
                         if isinstance(c, dict)]),
    )


def _plain(value: str | None) -> str | None:
    """An HTML description as plain text."""
    return html_to_text(value) if value else None


def _is_envelope(doc: dict) -> list | None:
    """The item list of a paging envelope (BBC LDRS: total/limit/offset/item[])."""
    if doc.keys() & {"uri", "guid", "headline", "headlines", "type", "body_html", "bodies"}:
        return None
    for key in ("item", "items"):
        if isinstance(doc.get(key), list):
            return doc[key]
    return None


def parse(data: bytes, source: str) -> Iterator[Item]:
    shape, doc, records = read_json_records(data, NAME, source)
    if shape == "object":
        listed = _is_envelope(doc)
        if listed is not None:
            shape, doc, records = "array", listed, ((v, None, None) for v in listed)
    if shape == "array" and not doc:
        raise ParseError("no_items", "the JSON array holds no items", format=NAME, source=source)
    yield from run_records(records, shape == "object", _item, NAME, source)
