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
  component, event, planning ...) is ``SkippedItem("non_text:<type>")``.
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
* ``provider`` comes from ``copyrightholder``, then ``source``, then the domain
  of ``uri``/``guid`` (``ninjs.example.com`` is IPTC's own example domain:
  ``iptc``). When Superdesk's ``source`` names another agency than the copyright
  holder (AAP relaying Reuters, ``ninjs2.json``) it becomes
  ``original_provider``.
* ``subjects`` are names (``subject[]``/``subjects[]``), falling back to
  code/literal/uri when a subject has no name.

This module also holds the small JSON helpers the other JSON formats use
(:func:`json_head_keys`, :func:`read_json_records`); see the report for the
proposal to move them to a shared ``transforms/formats/jsonio.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.text import decode_text, html_to_text, tidy

NAME = "ninjs"

# --------------------------------------------------------------------------------------
# Shared JSON helpers (used by ap_media and news_please too)
# --------------------------------------------------------------------------------------

SNIFF_BYTES = 32768
# One JSON string (optionally followed by ':' when it is a key) or one structural byte.
_HEAD_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"\s*(:)?|[{}\[\]]', re.S)
_LEAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*")
_NON_WS = re.compile(rb"\S")


def json_head_keys(data: bytes, limit: int = SNIFF_BYTES) -> tuple[int, dict[int, set[str]]] | None:
    """Object keys in the head of a JSON text, by nesting depth.

    Returns ``(first_byte, {depth: keys})`` where ``first_byte`` is ``{`` or
    ``[`` and a key at depth 1 belongs to a top-level object (depth 2: to an
    object inside a top-level array). JSON Lines give every line's keys at
    depth 1. ``None`` when the head does not start like JSON. Only the first
    ``limit`` bytes are looked at, so this is cheap on large files; a string cut
    at the limit is simply ignored.
    """
    lead = _LEAD.match(data)
    start = lead.end() if lead else 0
    if start >= len(data) or data[start] not in b"{[":
        return None
    head = data[start:start + limit]
    depth = 0
    keys: dict[int, set[str]] = {}
    for m in _HEAD_TOKEN.finditer(head):
        tok = m.group(0)
        first = tok[0]
        if first == 0x22:  # '"'
            if m.group(2):
                keys.setdefault(depth, set()).add(m.group(1).decode("utf-8", "replace"))
        elif first in b"{[":
            depth += 1
        else:
            depth -= 1
    return head[0], keys


def all_keys(keys: dict[int, set[str]]) -> set[str]:
    out: set[str] = set()
    for ks in keys.values():
        out |= ks
    return out


class ItemError(Exception):
    """One item of a multi-item input cannot be read (becomes a RejectedItem)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


def loads(raw: bytes) -> Any:
    """``json.loads`` on bytes (UTF-8/16/32 with or without BOM), cp1252 as fallback."""
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        return json.loads(decode_text(raw)[0])


# (value, raw bytes of that record or None, error detail or None)
Record = tuple[Any, bytes | None, str | None]


def _iter_lines(data: bytes, start: int) -> Iterator[Record]:
    """JSON Lines: one value per non-blank line; a bad line is reported, not raised."""
    pos, end, lineno = start, len(data), 0
    while pos < end:
        nl = data.find(b"\n", pos)
        if nl == -1:
            nl = end
        line = data[pos:nl].strip()
        lineno += 1
        pos = nl + 1
        if not line:
            continue
        try:
            yield loads(line), line, None
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            yield None, line, f"line {lineno}: {exc}"


def read_json_records(data: bytes, fmt: str, source: str) -> tuple[str, Any, Iterator[Record]]:
    """Read a JSON document or JSON Lines.

    Returns ``(shape, document, records)``: shape ``"object"`` (document is the
    top-level object, records holds it once), ``"array"`` (records are its
    elements) or ``"jsonl"`` (document is None; records are the lines, read
    lazily so a large export is never held as Python objects at once).
    Raises ParseError ``empty_input`` or ``malformed_json``.
    """
    lead = _LEAD.match(data)
    start = lead.end() if lead else 0
    if start >= len(data):
        raise ParseError("empty_input", "the input has no content", format=fmt, source=source)
    if data[start] == 0x7B:  # '{': a single object, or JSON Lines
        nl = data.find(b"\n", start)
        nxt = _NON_WS.search(data, nl) if nl != -1 else None
        if nxt is not None and data[nxt.start()] == 0x7B:
            # A second line opening an object: JSON Lines, unless the first line does
            # not parse and the whole text does (odd but valid line-wrapped JSON).
            try:
                first = loads(data[start:nl])
            except ValueError:
                first = None
            if isinstance(first, dict):
                return "jsonl", None, _iter_lines(data, start)
            try:
                doc = loads(data[start:])
            except ValueError:
                return "jsonl", None, _iter_lines(data, start)
            return _shape(doc, fmt, source)
    try:
        doc = loads(data[start:])
    except ValueError as exc:
        raise ParseError("malformed_json", str(exc), format=fmt, source=source) from None
    return _shape(doc, fmt, source)


def _shape(doc: Any, fmt: str, source: str) -> tuple[str, Any, Iterator[Record]]:
    if isinstance(doc, dict):
        return "object", doc, iter([(doc, None, None)])
    if isinstance(doc, list):
        return "array", doc, ((v, None, None) for v in doc)
    raise ParseError("malformed_json", f"top-level JSON value is a {type(doc).__name__}",
                     format=fmt, source=source)


def run_records(records: Iterator[Record], single: bool, item_fn: Callable[[dict], Item],
                fmt: str, source: str) -> Iterator[Item]:
    """Turn records into items; ItemError -> RejectedItem (ParseError if ``single``)."""
    for value, raw, error in records:
        if error is not None:
            reason, detail = "malformed_json", error
        elif not isinstance(value, dict):
            reason, detail = "not_an_object", f"item is a {type(value).__name__}"
        else:
            try:
                yield item_fn(value)
                continue
            except ItemError as exc:
                reason, detail = exc.reason, exc.detail
        if single:
            raise ParseError(reason, detail, format=fmt, source=source)
        if raw is None:
            raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
        yield RejectedItem(reason, detail, raw=raw)


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 / RFC 3339 timestamp (``+0000`` and ``Z`` included); None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def first_str(obj: dict, *names: str) -> str | None:
    """The first of ``names`` whose value is a non-blank string (numbers are str()-ed)."""
    for name in names:
        v = obj.get(name)
        if isinstance(v, str):
            if v.strip():
                return v.strip()
        elif isinstance(v, int | float) and not isinstance(v, bool):
            return str(v)
    return None


def text_paragraphs(text: str | None) -> str | None:
    """Plain text with one paragraph per line -> paragraphs separated by a blank line."""
    if not text:
        return None
    return tidy("\n\n".join(line for line in text.splitlines() if line.strip()))


def norm_pub_status(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip().lower().rsplit(":", 1)[-1]
    return {"cancelled": "canceled", "killed": "canceled"}.get(v, v)


def norm_language(value: Any) -> str | None:
    """BCP 47 tag -> its primary language subtag (``nb-NO`` -> ``nb``)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("_", "-").split("-", 1)[0].lower()


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def str_list(value: Any) -> list[str]:
    """A list of non-blank strings from a JSON list of strings (or one string)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return unique(v.strip() for v in value if isinstance(v, str))


def unique(values: Iterator[str] | list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


# Short canonical provider names for the names agencies write in copyright/source fields.
PROVIDER_NAMES = {
    "aap": "aap", "australian associated press": "aap",
    "ap": "ap", "associated press": "ap", "the associated press": "ap",
    "afp": "afp", "agence france-presse": "afp", "agence france presse": "afp",
    "reuters": "reuters", "thomson reuters": "reuters",
    "dpa": "dpa", "deutsche presse-agentur": "dpa",
    "ntb": "ntb", "ntb scanpix": "ntb", "norsk telegrambyrå": "ntb",
    "tt": "tt", "tt nyhetsbyrån": "tt",
    "bbc": "bbc", "business wire": "businesswire", "businesswire": "businesswire",
    "sipa": "sipa", "sipa press": "sipa", "sipa usa": "sipa",
    "ansa": "ansa", "efe": "efe", "anp": "anp", "belga": "belga", "pa": "pa",
    "press association": "pa", "kyodo": "kyodo", "stt": "stt", "ritzau": "ritzau",
    "bloomberg": "bloomberg", "tass": "tass",
}
PROVIDER_DOMAINS = {
    "businesswire.com": "businesswire", "tt.se": "tt", "dpa.com": "dpa", "dpa.de": "dpa",
    "ntb.no": "ntb", "ap.org": "ap", "apnews.com": "ap", "reuters.com": "reuters",
    "bbc.co.uk": "bbc", "bbc.com": "bbc", "aap.com.au": "aap", "afp.com": "afp",
    "ninjs.example.com": "iptc", "iptc.org": "iptc",
}
# Host names that say nothing about who sent the item.
_ANON_DOMAINS = frozenset({"example.com", "www.example.com", "localhost", "a.b.c", "d.e.f"})
_DOMAIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|urn:[a-z0-9-]+:|tag:)([^/:,?#\s]+)", re.I)
_SLUG = re.compile(r"[^a-z0-9]+")


def provider_from_name(name: str | None) -> str | None:
    if not name:
        return None
    key = name.strip().lower()
    if key in PROVIDER_NAMES:
        return PROVIDER_NAMES[key]
    slug = _SLUG.sub("_", key).strip("_")
    return slug or None


def provider_from_id(identifier: str | None) -> str | None:
    """Provider from the host of an http URI / ``urn:newsml:<host>:`` / ``tag:<host>,``."""
    if not identifier:
        return None
    m = _DOMAIN.match(identifier)
    if not m:
        return None
    host = m.group(1).lower()
    if host in _ANON_DOMAINS or "." not in host:
        return None
    host = host.removeprefix("www.")
    if host in PROVIDER_DOMAINS:
        return PROVIDER_DOMAINS[host]
    parts = host.split(".")
    for i in range(1, len(parts) - 1):
        if ".".join(parts[i:]) in PROVIDER_DOMAINS:
            return PROVIDER_DOMAINS[".".join(parts[i:])]
    # registered name: the label before the public suffix (futurezone.de -> futurezone)
    label = parts[-3] if len(parts) >= 3 and parts[-2] in {"co", "com", "org", "net"} else parts[-2]
    return label or None


# "By Henning Gloystein", "Von Christian Hollmann, dpa", "Paulo Santalucia and Frances d'Emilio"
_BY_PREFIX = re.compile(r"^(?:by|von|par|por|av|di|door)\s+", re.I)
# (Single-letter conjunctions such as Spanish "y" are left out: they collide with initials.)
_BY_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bog\b|\boch\b)\s*", re.I)


def byline_names(byline: str | None) -> list[str]:
    """Author names from a byline string; agency names standing alone are dropped."""
    if not byline or not byline.strip():
        return []
    text = _BY_PREFIX.sub("", byline.strip())
    names = []
    for part in _BY_SPLIT.split(text):
        part = part.strip(" .")
        name, slash, agency = part.rpartition("/")
        if slash and name and agency.strip().lower() in PROVIDER_NAMES:  # "Martin Hardenberger/TT"
            part = name.strip()
        if part and part.lower() not in PROVIDER_NAMES:
            names.append(part)
    return unique(names)


# --------------------------------------------------------------------------------------
# ninjs
# --------------------------------------------------------------------------------------

# Keys that only ninjs (and its dialects) use; two of them in the head make a ninjs file.
_NINJS_KEYS = frozenset({
    "versioncreated", "versionCreated", "firstcreated", "firstCreated", "contentcreated",
    "contentCreated", "pubstatus", "pubStatus", "embargoed", "headlines", "bodies",
    "body_text", "body_html", "body_xhtml", "body_html5", "description_text", "description_html",
    "description_xhtml", "copyrightholder", "copyrightHolder", "copyrightnotice", "copyrightNotice",
    "usageterms", "usageTerms", "ednote", "edNote", "slugline", "representationtype",
    "representationType", "renditions", "associations", "altids", "altIds", "trustindicator",
    "trustIndicators", "$standard", "located", "byline",
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
# Caption and framing blocks inside HTML bodies (TT html5: figure+byline, div.dat vignette).
_DROP_HTML = re.compile(
    r"<figure\b.*?</figure\s*>|<figcaption\b.*?</figcaption\s*>"
    r"|<div class=\"(?:dat|byline)\"[^>]*>.*?</div\s*>|<title>.*?</title\s*>",
    re.I | re.S,
)
_HTML_ROLES = {"html5": 0, "html": 0, "xhtml": 0, "body": 0}
# Table cells are inline for html_to_text; keep them apart (AP agate tables in NITF bodies).
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)


def html_body(markup: str) -> str | None:
    """An HTML story body as plain paragraphs, without captions and TT framing."""
    markup = _CELL_END.sub(" ", _DROP_HTML.sub(" ", markup))
    # In HTML a line break in the source is just a space (Business Wire and Superdesk
    # bodies wrap lines inside <p>); paragraphs come from the block tags. tidy() then
    # collapses the runs of spaces.
    return html_to_text(markup.replace("\r", " ").replace("\n", " "))


def drop_repeated_headline(body: str, headline: str | None) -> str:
    """Remove a first paragraph that only repeats the headline (TT <h1>, NITF hl2)."""
    if headline:
        first, sep, rest = body.partition("\n\n")
        if sep and first == headline:
            return rest
    return body


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


def _item(obj: dict) -> Item:
    guid = first_str(obj, "guid", "uri", "id")
    kind = str(obj.get("type") or "text").strip().lower()
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
    provider = (provider_from_name(holder) or provider_from_name(source_name)
                or provider_from_id(first_str(obj, "uri")) or provider_from_id(first_str(obj, "guid")))
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
        dateline_location=first_str(obj, "located"),
        language=norm_language(obj.get("language")),
        slug=first_str(obj, "slugline", "slug"),
        urgency=to_int(obj.get("urgency")),
        pub_status=norm_pub_status(obj.get("pubstatus") or obj.get("pubStatus")),
        embargo_until=parse_time(obj.get("embargoed") or obj.get("embargoedUntil")),
        subjects=_concepts(obj.get("subject") or obj.get("subjects")),
        keywords=str_list(obj.get("keywords")),
    )


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
