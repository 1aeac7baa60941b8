"""Helpers shared by the JSON wire formats (ninjs, AP Media API, news-please).

A cheap key scan for sniffing (:func:`json_head_keys`), reading one object, an
array or JSON Lines as records where one bad record rejects only itself
(:func:`read_json_records`, :func:`run_records`), and the small value helpers:
timestamps with or without a colon in the offset, names, languages, statuses,
providers from names and identifiers, bylines, HTML bodies.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from transforms.formats.base import Item, ParseError, RejectedItem
from transforms.formats.text import (
    NOT_PARAGRAPHS,
    corrupt_bytes,
    decode_text,
    html_to_text,
    paragraph_tags_only,
    paragraphs_of_markup,
    skip_corrupt_lines,
    tidy,
)

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
    start = _json_start(data)
    if start is None:
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


def _json_start(data: bytes) -> int | None:
    """Where the JSON text starts (past a BOM and blanks), or None when it does not
    start like JSON. Damaged lines before a JSON Lines record (NUL or stray control
    bytes: :func:`transforms.formats.text.skip_corrupt_lines`) are looked past, so a file
    whose first line was zeroed is still read as JSON Lines."""
    lead = _LEAD.match(data)
    start = lead.end() if lead else 0
    if start < len(data) and data[start] in b"{[":
        return start
    after = skip_corrupt_lines(data, start)
    if after > start:
        nxt = _NON_WS.search(data, after)
        if nxt is not None and data[nxt.start()] == 0x7B:  # '{': a JSON Lines record
            return nxt.start()
    return None


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
    """``json.loads`` on bytes (UTF-8/16/32 with or without BOM), cp1252 as fallback.

    A ``\\uD800``-``\\uDFFF`` escape that is not half of a pair (JSON's grammar
    allows it; RFC 8259 section 8.2 leaves what it means to the reader) is read as
    U+FFFD, as bytes invalid in the encoding their BOM names are (``decode_text``):
    such a string cannot be written as UTF-8, so it failed the item's parse, and
    with it the rest of its file (found with a synthetic line, 2026-12-08; the
    corpora's uncompressed files hold no such escape). The check costs about 0.7 us
    a line: a memchr for a backslash, then the pattern."""
    try:
        value = json.loads(raw)
    except UnicodeDecodeError:
        return loads_text(decode_text(raw)[0])
    # the first test a memchr
    return _without_lone_surrogates(value) if b"\\" in raw and _SURROGATE_ESCAPE.search(raw) else value


def loads_text(text: str, *, strict: bool = True) -> Any:
    """``json.loads`` on text, an unpaired surrogate escape read as U+FFFD (:func:`loads`):
    for the JSON inside other formats (JSON-LD in a page, a JSON mail body, events)."""
    value = json.loads(text, strict=strict)
    return _without_lone_surrogates(value) if "\\" in text and _SURROGATE_ESCAPE_STR.search(text) else value


# an escaped UTF-16 surrogate, paired or not (json.loads joins the pairs)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_STR = re.compile(_SURROGATE_ESCAPE.pattern.decode("ascii"))


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with each unpaired surrogate in its strings (keys too) as U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


# (value, raw bytes of that record or None, (reason, detail) of a bad record or None)
Record = tuple[Any, bytes | None, tuple[str, str] | None]


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
            damage = corrupt_bytes(line)
            # NUL or stray control bytes: damaged storage or transfer, not a JSON slip
            yield None, line, (("control_bytes", f"line {lineno}: {damage}") if damage
                               else ("malformed_json", f"line {lineno}: {exc}"))


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
    if data[start] not in b"{[" and _json_start(data) is not None:
        # damaged first lines, then JSON Lines: each damaged line is one reject
        return "jsonl", None, _iter_lines(data, start)
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
        damage = corrupt_bytes(data)
        raise ParseError("control_bytes" if damage else "malformed_json", damage or str(exc),
                         format=fmt, source=source) from None
    return _shape(doc, fmt, source)


def json_lines_count(data: bytes) -> int | None:
    """How many records :func:`read_json_records` gives for ``data`` when it surely
    reads it as JSON Lines (its first line a JSON object, another line opening one):
    one a non-blank line, counted without parsing them. None when that is not
    sure: ``data`` is then to be read to be counted."""
    lead = _LEAD.match(data)
    start = lead.end() if lead else 0
    if start >= len(data) or data[start] != 0x7B:
        return None
    nl = data.find(b"\n", start)
    nxt = _NON_WS.search(data, nl) if nl != -1 else None
    if nxt is None or data[nxt.start()] != 0x7B:
        return None
    try:
        first = loads(data[start:nl])
    except ValueError:
        return None
    if not isinstance(first, dict):
        return None
    return sum(1 for line in data[start:].split(b"\n") if line.strip())


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
            reason, detail = error
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
        if v is None:
            continue
        if isinstance(v, str):
            v = v.strip()
            if v:
                return v
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


# Caption and framing blocks inside HTML bodies (TT html5: figure+byline, div.dat vignette).
_DROP_HTML = re.compile(
    r"<figure\b.*?</figure\s*>|<figcaption\b.*?</figcaption\s*>"
    r"|<div class=\"(?:dat|byline)\"[^>]*>.*?</div\s*>|<title>.*?</title\s*>",
    re.I | re.S,
)
# Table cells are inline for html_to_text; keep them apart (AP agate tables in NITF bodies).
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)


def html_body(markup: str) -> str | None:
    """An HTML story body as plain paragraphs, without captions and TT framing."""
    # In HTML a line break in the source is just a space (see below). A body whose only
    # tags are <p> and </p> has no caption, framing or cell to drop (each of those
    # patterns needs a "<" followed by another letter or "/t").
    text = paragraphs_of_markup(markup)  # the common body, in one compiled pass
    if text is not NOT_PARAGRAPHS:
        return text
    flat = markup.replace("\r", " ").replace("\n", " ")
    text = paragraph_tags_only(flat)
    if text is not None:
        return tidy(html.unescape(text))
    # Both patterns ignore case; on ASCII markup, a lowered copy tells at C speed whether
    # they can match at all (re's case folding also maps a few non-ASCII letters to ASCII).
    lowered = markup.lower() if markup.isascii() else None
    if lowered is None or "<fig" in lowered or "<div" in lowered or "<title" in lowered:
        markup = _DROP_HTML.sub(" ", markup)
    if lowered is None or "</t" in lowered:
        markup = _CELL_END.sub(" ", markup)
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
