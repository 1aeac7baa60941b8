"""IPTC NewsML-G2: ``newsMessage`` envelopes and bare items (SOURCES.md sections 3, 5, 6).

One input is either a ``newsMessage`` (a header and an ``itemSet`` holding one or
more items) or a bare item as the root element (``newsItem`` in the STT, TT and
IPTC files). Every item is one output, in document order:

* a ``newsItem`` whose ``itemMeta/itemClass`` is text (``ninat:text``; Reuters
  and ANSA use their own catalog prefix, ``icls:text``) -> :class:`ParsedStory`;
* any other ``newsItem`` (``ninat:picture``, ``icls:video``, ``ninat:composite``
  ...) -> ``SkippedItem("non_text:<kind>")``. Without an ``itemClass`` the kind
  is inferred from the content types of ``contentSet``;
* ``packageItem`` / ``conceptItem`` / ``knowledgeItem`` / ``planningItem`` /
  ``catalogItem`` -> ``SkippedItem("non_text:package")`` etc.; a ``conceptItem``
  whose concept is an event (EventsML: ``type qcode="cpnat:event"``, or
  ``eventDetails``) -> ``SkippedItem("non_text:event")``;
* a text item carrying SportsML statistics (IPTC ``LISTING_21``) is data, not a
  story -> ``SkippedItem("non_text:sportsml")``.

Body: the first usable ``inlineXML`` (an XHTML ``body``, an embedded NITF
``body.content``, TT's own ``ttnitf`` markup) or, failing that, a text/plain
``inlineData`` (ANSA: HTML inside CDATA). dpa ships extra ``inlineData``
renditions, one of them ``dpa7901rendition:nonpublic`` ("nicht zur
Veroeffentlichung bestimmt"), and an ``edNote`` notepad with an ``np-nonpublic``
section: neither ``itemMeta`` nor such renditions are ever read for the body,
and XHTML elements whose class says ``nonpublic`` are dropped.

Time policy: ``published_at`` is ``contentMeta/contentCreated``, else
``itemMeta/firstCreated``, else ``itemMeta/versionCreated`` (always in that
order; ``published_raw`` keeps the text used). Reuters sets ``firstCreated``
equal to ``versionCreated`` in every version, so for Reuters this is the time of
the version, not of first publication; versions of one guid must be ordered by
``version_created`` (Reuters ``version`` numbers are opaque, not counters).
Values with an offset (``+02:00``, ``+0100``, ``Z``) are aware; BusinessDesk's
``2016-01-12 12:35:40`` and STT's ``2019-04-15T13:49:15`` carry no zone and are
left naive (taken as UTC and flagged ``assumed`` downstream).

A file with a single item whose item cannot be read raises :class:`ParseError`
(the item is the whole input); in a multi-item file that item becomes a
:class:`RejectedItem` and the others go on. Spec fragments whose root is not an
item (IPTC ``LISTING_7``-``9`` ``groupSet``, ``LISTING_25`` ``contentSet``,
``LISTING_28`` ``contentMeta``) raise ``ParseError("no_items")``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from lxml import etree

from transforms import conventions
from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import tidy
from transforms.formats.xmlsafe import localname, parse_xml, root_name, salvage_items

NAME = "newsml_g2"

_ITEM_KINDS = {
    "newsItem": None,  # decided by itemClass / content
    "packageItem": "package",
    "conceptItem": "concept",
    "knowledgeItem": "knowledge",
    "planningItem": "planning",
    "catalogItem": "catalog",
}
# Pieces of items that the IPTC spec examples ship as files of their own.
_FRAGMENT_ROOTS = frozenset({"groupSet", "contentSet", "contentMeta"})
_ROOTS = frozenset(_ITEM_KINDS) | {"newsMessage"} | _FRAGMENT_ROOTS


def sniff(data: bytes) -> bool:
    """True for a NewsML-G2 message, item or spec fragment (root element name only).

    The names are G2's own camelCase (NewsML 1.2 uses ``NewsML``/``NewsItem``,
    NITF ``nitf``), so the root name alone is specific enough.
    """
    return root_name(data) in _ROOTS


# --------------------------------------------------------------------------- helpers


def _kids(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and localname(c) == name]


def _kid(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if isinstance(c.tag, str) and localname(c) == name:
            return c
    return None


def _descendant(el: etree._Element, name: str) -> etree._Element | None:
    for c in el.iter():
        if c is not el and isinstance(c.tag, str) and localname(c) == name:
            return c
    return None


_SPACE = re.compile(r"\s+")
# STT double-escapes entities in its XHTML (``o&amp;#39;clock``), which XML
# parsing turns into the literal text ``&#39;``.
_LEFT_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|quot|amp|apos|lt|gt|nbsp);")


def _unescape_leftovers(text: str | None) -> str | None:
    if text is None or "&" not in text:
        return text
    return _LEFT_ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _flat(el: etree._Element | None) -> str | None:
    """All text of ``el`` on one line, or None when empty."""
    if el is None:
        return None
    text = _SPACE.sub(" ", " ".join(el.itertext())).strip()
    return _unescape_leftovers(tidy(text)) if text else None


def _name_of(el: etree._Element) -> str | None:
    """A concept's display name: its ``name`` child (display role first), else literal."""
    names = _kids(el, "name")
    for n in names:
        if "display" in (n.get("role") or "") or "full" in (n.get("role") or ""):
            return _flat(n)
    for n in names:
        if n.get("role") is None:
            text = _flat(n)
            if text:
                return text
    if names:
        return _flat(names[0])
    literal = (el.get("literal") or "").strip()
    return literal or None


def _datetime(text: str | None) -> datetime | None:
    """ISO 8601 as the feeds write it: ``Z``, ``+02:00``, ``+0100``, ``.000``, or a space."""
    if not text:
        return None
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_PUB_STATUS = {"usable": "usable", "withheld": "withheld", "canceled": "canceled",
               "cancelled": "canceled"}


# STT writes Helsinki wall time: where it states an offset it is +02:00 in
# winter (stt_newsml_test.xml, 2017-12-19) and +03:00 in summer
# (stt_newsml_abstract_test.xml, 2018-04-19); its archive and newer items drop
# the offset (``2019-04-15T13:49:15``), so those are localized to Helsinki.
def _localize(value: datetime | None, provider: str | None) -> tuple[datetime | None, bool]:
    """``(value, localized)``: a naive value in the provider's known zone (transforms/conventions.py)."""
    name = conventions.zone_for(provider)
    zone = ZoneInfo(name) if name else None
    if value is None or value.tzinfo is not None or zone is None:
        return value, False
    return value.replace(tzinfo=zone), True


def _qcode_local(qcode: str | None) -> str:
    return (qcode or "").rsplit(":", 1)[-1].strip().lower()


# --------------------------------------------------------------------------- provider

# Short canonical names keyed by what the feeds write in provider, sender,
# copyrightHolder or the guid's domain (lower-cased, ``nprov:``/``web:``/scheme
# and ``www.`` removed).
_PROVIDERS = {
    "reuters": "reuters", "reuters.com": "reuters", "thomson reuters": "reuters",
    "thomsonreuters.com": "reuters", "rtrs": "reuters", "ns:rtrs": "reuters",
    "ap": "ap", "ap.org": "ap", "associated press": "ap", "the associated press": "ap",
    "afp": "afp", "afp.com": "afp", "agence france-presse": "afp",
    "dpa": "dpa", "dpa.com": "dpa", "dpa.de": "dpa", "deutsche presse-agentur gmbh": "dpa",
    "ansa": "ansa", "ansa.it": "ansa",
    "stt": "stt", "stt.fi": "stt", "stt-lehtikuva": "stt",
    "tt": "tt", "tt.se": "tt",
    "ntb": "ntb", "ntb.no": "ntb",
    "aap": "aap", "aap.com.au": "aap", "efe": "efe", "efe.com": "efe",
    "belga": "belga", "belga.be": "belga", "anp": "anp", "anp.nl": "anp",
    "ana": "ana", "ats": "ats", "pa": "pa", "kyodo": "kyodo", "bbc": "bbc",
    "ritzau": "ritzau", "tass": "tass", "bloomberg": "bloomberg",
    # BusinessDesk (NZ) copy arrives through Scoop (superdesk ``scoop.xml``).
    "businessdesk": "scoop", "scoop": "scoop", "scoop.co.nz": "scoop",
    "iptc": "iptc", "iptc.org": "iptc",
}
# guid domains of IPTC's own specification examples (fictional agencies).
_IPTC_EXAMPLE_DOMAINS = frozenset({"acmenews.com", "example.com", "example.org", "nag.com",
                                   "iptc.org", "sportsml.org"})
_GUID_DOMAIN = re.compile(r"^(?:tag[:_]|urn:newsml:)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.I)
_PROVIDER_PREFIX = re.compile(r"^(?:nprov:|web:|https?://)?(?:www\.)?", re.I)


def _provider_key(value: str | None) -> str | None:
    if not value:
        return None
    key = _PROVIDER_PREFIX.sub("", value.strip().lower()).split("/", 1)[0].strip()
    return key or None


def _canonical(value: str | None) -> str | None:
    key = _provider_key(value)
    return _PROVIDERS.get(key) if key else None


def _guid_domain(guid: str | None) -> str | None:
    m = _GUID_DOMAIN.match(guid or "")
    return m.group(1).lower() if m else None


def _party_values(el: etree._Element | None) -> list[str]:
    if el is None:
        return []
    out = [v for v in (el.get("qcode"), el.get("literal"), el.get("uri")) if v]
    name = _name_of(el)
    if name:
        out.append(name)
    return out


def _provider(item: etree._Element, item_meta: etree._Element | None,
              header_sender: str | None) -> str | None:
    guid_domain = _guid_domain(item.get("guid"))
    if guid_domain in _IPTC_EXAMPLE_DOMAINS:
        return "iptc"
    prov_el = _kid(item_meta, "provider")
    candidates = _party_values(prov_el)
    if guid_domain:
        candidates.append(guid_domain)
    if header_sender:
        candidates.append(header_sender)
    rights = _kid(item, "rightsInfo")
    if rights is not None:
        for holder in _kids(rights, "copyrightHolder"):
            candidates.extend(_party_values(holder))
    for value in candidates:
        canonical = _canonical(value)
        if canonical:
            return canonical
    # Unknown provider: its own short name, e.g. ``web:www.xmlteam.com`` -> xmlteam.
    for value in _party_values(prov_el):
        key = _provider_key(value.rsplit(":", 1)[-1] if ":" in value and "//" not in value
                            else value)
        if key:
            return key.split(".")[0] if "." in key else key
    return None


# --------------------------------------------------------------------------- body

_INLINE = frozenset({
    "a", "span", "b", "i", "em", "strong", "u", "sup", "sub", "q", "abbr", "cite", "small",
    "big", "font", "tt", "code", "mark", "s", "strike", "del", "ins", "time", "person", "org",
    "location", "money", "num", "chron", "classifier", "event", "function", "object.title",
    "virtloc", "copyrite", "copyrite.year", "copyrite.holder", "pronounce", "lang", "company",
})
# Elements whose content ends a paragraph; unknown elements inside them are inline.
_PARA = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2", "td", "th",
                   "dt", "dd", "pre", "citat", "mellis", "rubrik", "title"})
# Not story text: XHTML head and dpa's in-body header (slugline list, time, h1),
# pictures and their captions (NITF media, TT BILD), TT's dateline and byline.
_DROP = frozenset({"head", "header", "script", "style", "figure", "figcaption", "img",
                   "media", "bild", "dat", "byline", "object", "iframe", "nav", "aside"})
_CELLS = frozenset({"td", "th", "br"})
_BREAK = "\x00"
_LINE = "\x01"  # a kept line break inside a paragraph (tables)
_FLUSH_LINE = re.compile(r"\n\S")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_INDENTED = re.compile(r"^(?:[ \t]{2,}|\t)\S")
_COLUMNS = re.compile(r"\S {2,}\S")


def _wire_lines(text: str) -> str:
    """Hard-wrapped wire copy pasted into one XHTML element, as Reuters sends it.

    Paragraphs start with an indented line (``\n    Traders were ...``) or
    follow a blank line; wrapped lines are joined with a space, except lines
    laid out in columns (results tables), which keep their line breaks.
    """
    out: list[str] = []
    previous = ""
    for line in text.split("\n"):
        if not line.strip():
            out.append(_BREAK)
            previous = ""
            continue
        if _INDENTED.match(line):
            out.append(_BREAK)
        elif previous and (_COLUMNS.search(line) or _COLUMNS.search(previous)):
            out.append(_LINE)
        else:
            out.append(" ")
        out.append(line)
        previous = line
    return "".join(out)


def _text_piece(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text:
        return text
    # Pretty-printed XML indents every continuation line; a line that starts
    # at column 0 means the text itself is laid out in lines (wire copy).
    if _FLUSH_LINE.search(text):
        return _wire_lines(text)
    return _BLANK_LINE.sub(_BREAK, text)


def _body_text(container: etree._Element) -> str | None:
    parts: list[str] = []

    def walk(node: etree._Element, in_para: bool) -> None:
        name = localname(node).lower()
        if name in _DROP or "nonpublic" in (node.get("class") or ""):
            return
        if name == "br":
            parts.append(_LINE)
        elif name in _CELLS:
            parts.append(" ")  # cells of a row stay on one line
        block = name not in _INLINE and name not in _CELLS and not in_para
        if block:
            parts.append(_BREAK)
        if node.text:
            parts.append(_text_piece(node.text))
        inner = in_para or name in _PARA
        for child in node:
            if isinstance(child.tag, str):
                walk(child, inner)
            if child.tail:
                parts.append(_text_piece(child.tail))
        if block:
            parts.append(_BREAK)

    walk(container, False)
    paragraphs = [_SPACE.sub(" ", p).strip() for p in "".join(parts).split(_BREAK)]
    text = "\n\n".join(p for p in paragraphs if p).replace(_LINE, "\n")
    return _unescape_leftovers(tidy(text)) if text else None


_INDENT = re.compile(r"\n[ \t]{2,}(?=\S)")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")


def _plain_text(text: str) -> str | None:
    """text/plain ``inlineData``: blank lines or an indented line start a paragraph.

    ANSA wraps HTML in CDATA inside text/plain and indents each paragraph with
    three spaces; dpa's 7901 renditions are hard-wrapped at ~70 columns.
    """
    text = _INDENT.sub("\n\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MARKUP.sub("\n\n", text)
    text = html.unescape(text)
    paragraphs = [_SPACE.sub(" ", p).strip() for p in re.split(r"\n\s*\n", text)]
    out = "\n\n".join(p for p in paragraphs if p)
    return tidy(out) if out else None


_SKIP_RENDITIONS = ("nonpublic", "public", "headline", "notepad", "caption", "teaser")


def _usable_rendition(el: etree._Element) -> bool:
    rendition = (el.get("rendition") or "").lower()
    local = rendition.rsplit(":", 1)[-1]
    return not any(local.startswith(s) for s in _SKIP_RENDITIONS)


class _SportsData(Exception):
    """The text item's content is SportsML statistics, not a story."""


def _xml_body(inline: etree._Element) -> tuple[str | None, str | None]:
    """``(body, fallback_headline)`` of one ``inlineXML``."""
    if "sportsml" in (inline.get("contenttype") or "").lower() or \
            _descendant(inline, "sports-content") is not None:
        raise _SportsData
    nitf = inline if localname(inline) == "nitf" else _descendant(inline, "nitf")
    if nitf is not None:
        hl1 = _descendant(nitf, "hl1")
        headline = _flat(hl1) if hl1 is not None else _flat(_descendant(nitf, "title"))
        content = _descendant(nitf, "body.content")
        if content is None:
            body = _descendant(nitf, "body")
            content = body if body is not None else nitf
        return _body_text(content), headline
    body = _descendant(inline, "body")
    if body is not None and localname(body) == "body":
        h1 = _descendant(body, "h1")
        title = _descendant(inline, "title")
        return _body_text(body), _flat(h1) or _flat(title)
    tt_body = _descendant(inline, "BODY")  # TT's application/ttnitf+xml
    if tt_body is not None:
        return _body_text(tt_body), _flat(_descendant(tt_body, "RUBRIK"))
    return _body_text(inline), None


def _content(item: etree._Element) -> tuple[str | None, str | None]:
    content_set = _kid(item, "contentSet")
    if content_set is None:
        return None, None
    fallback_headline = None
    for inline in _kids(content_set, "inlineXML"):
        if not _usable_rendition(inline):
            continue
        body, headline = _xml_body(inline)
        fallback_headline = fallback_headline or headline
        if body:
            return body, fallback_headline
    for inline in _kids(content_set, "inlineData"):
        ctype = (inline.get("contenttype") or "text/plain").lower()
        if not ctype.startswith("text/") or not _usable_rendition(inline):
            continue
        body = _plain_text(inline.text or "")
        if body:
            return body, fallback_headline
    return None, fallback_headline


def _content_kind(item: etree._Element) -> str | None:
    """Item kind from ``contentSet`` content types when there is no itemClass."""
    content_set = _kid(item, "contentSet")
    if content_set is None:
        return None
    kinds = []
    for el in content_set:
        if not isinstance(el.tag, str):
            continue
        name = localname(el)
        if name in ("inlineXML", "inlineData"):
            return "text"
        ctype = (el.get("contenttype") or "").lower()
        major = ctype.split("/", 1)[0]
        kinds.append({"image": "picture"}.get(major, major))
    return kinds[0] if kinds and kinds[0] else None


# --------------------------------------------------------------------------- metadata


def _headline(content_meta: etree._Element | None) -> str | None:
    heads = _kids(content_meta, "headline") if content_meta is not None else []
    if not heads:
        return None

    def rank(h: etree._Element) -> int:
        role = (h.get("role") or "").lower()
        if not role or role.endswith("main"):
            return 0
        return 2 if "sub" in role or "short" in role else 1

    for h in sorted(heads, key=rank):  # stable: document order within a rank
        text = _flat(h)
        if text:
            return text
    return None


_BY_PREFIX = re.compile(r"^(?:by|von|av|af|door|par|di|por)\b[\s:]*", re.I)
_BY_SPLIT = re.compile(r"\s*(?:[,;/&]|\band\b|\bund\b|\bog\b|\boch\b|\bja\b|\be\b|\bet\b|\by\b)\s*",
                       re.I)
_NO_DATA = "no-data-available"


def _split_byline(text: str | None) -> list[str]:
    if not text:
        return []
    text = _BY_PREFIX.sub("", text.strip())
    names = []
    for part in _BY_SPLIT.split(text):
        part = part.strip(" .-")
        if not part or part.lower().startswith(_NO_DATA) or _canonical(part):
            continue
        if re.fullmatch(r"[A-Z]{3} \d{2}", part):  # Reuters video "..., MAR 04"
            continue
        names.append(part)
    return names


def _people(item: etree._Element, content_meta: etree._Element | None
            ) -> tuple[list[str], list[tuple[str, str]]]:
    """``(authors, credits)``.

    Authors come from the natural-language ``by`` or, failing that, the embedded
    NITF/TT byline. ``creator``/``contributor`` are credits: dpa puts editor
    log-ins there (``dpa-ad:gehler.annett``), Reuters the agency itself; only a
    creator that is plainly a staff person (``/staff/`` uri, ``pers:`` qcode, a
    writer role) is also an author.
    """
    authors: list[str] = []
    credits: list[tuple[str, str]] = []
    if content_meta is not None:
        for by in _kids(content_meta, "by"):
            authors.extend(_split_byline(_flat(by)))
        for tag in ("creator", "contributor"):
            for el in _kids(content_meta, tag):
                name = _name_of(el)
                if not name:
                    continue
                role = _qcode_local(el.get("role")) or tag
                credits.append((name, role))
                ident = (el.get("uri") or el.get("qcode") or "").lower()
                if tag == "creator" and not authors and (
                        "/staff/" in ident or ident.startswith("pers:")
                        or any(w in role for w in ("writer", "author", "reporter"))):
                    authors.append(name)
    if not authors:
        content_set = _kid(item, "contentSet")
        if content_set is not None:
            for el in content_set.iter():
                if not isinstance(el.tag, str) or localname(el).lower() != "byline":
                    continue
                persons = [_flat(p) for p in el.iter() if isinstance(p.tag, str)
                           and localname(p) == "person"]
                if any(persons):
                    authors.extend(p for p in persons if p)
                else:
                    own = _SPACE.sub(" ", " ".join(
                        [el.text or ""] + [c.tail or "" for c in el])).strip()
                    authors.extend(_split_byline(own or _flat(el)))
                break
    seen: set[str] = set()
    unique = [a for a in authors if not (a in seen or seen.add(a))]
    return unique, credits


_DATELINE_AGENCY = re.compile(r"\(([^()]{1,40})\)")
_WEEKDAY = re.compile(r",\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$", re.I)


def _usable_place(text: str | None) -> str | None:
    # Reuters video items fill ``located``/``by`` with ``No-Data-Available``;
    # some datelines are dates (``2014-07-16 13:00:03 GMT``, ``MARCH 04, 2013``).
    if not text or text.lower().startswith(_NO_DATA) or re.search(r"\d", text):
        return None
    return text


def _dateline(content_meta: etree._Element | None) -> tuple[str | None, str | None]:
    """``(location, agency)`` of the ``dateline`` text (``Erfurt (dpa) - ``)."""
    if content_meta is None:
        return None, None
    location = agency = None
    text = _flat(_kid(content_meta, "dateline"))
    if text:
        m = _DATELINE_AGENCY.search(text)
        if m:
            agency = m.group(1).strip() or None
        place = (text[:m.start()] if m else text).strip(" -,\u2013\u2014")
        location = _usable_place(_WEEKDAY.sub("", place))
    return location, agency


def _located(content_meta: etree._Element | None) -> str | None:
    """The ``located`` concept's name: the dateline where the text prints none."""
    located = _kid(content_meta, "located") if content_meta is not None else None
    return _usable_place(_name_of(located)) if located is not None else None


def _dedup(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return [v for v in values if v and not (v in seen or seen.add(v))]


def _subjects(content_meta: etree._Element | None) -> list[str]:
    """Direct ``subject`` children: their qcode, else literal/uri, else name.

    Facet subjects (IPTC ``facet-example*``) carry the code on ``mainConcept``.
    """
    out: list[str] = []
    if content_meta is None:
        return out
    for subject in _kids(content_meta, "subject"):
        code = subject.get("qcode") or subject.get("literal") or subject.get("uri")
        if not code:
            main = _kid(subject, "mainConcept")
            if main is not None:
                code = main.get("qcode") or main.get("uri") or _name_of(main)
            else:
                code = _name_of(subject)
        if code and code.strip():
            out.append(code.strip())
    return _dedup(out)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _language(item: etree._Element, content_meta: etree._Element | None) -> str | None:
    """``contentMeta/language@tag``, else the item's ``xml:lang``, else the
    envelope's (BusinessDesk writes a plain ``lang="en-US"`` on newsMessage)."""
    tag = None
    lang_el = _kid(content_meta, "language")
    if lang_el is not None:
        tag = lang_el.get("tag")
    envelope = item.getparent().getparent() if item.getparent() is not None else None
    tag = tag or item.get(_XML_LANG)
    if not tag and envelope is not None:
        tag = envelope.get(_XML_LANG) or envelope.get("lang")
    if not tag or not tag.strip():
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def _public_text(el: etree._Element) -> str | None:
    """Text of a note without its parts marked non-public (dpa's ``np-nonpublic``)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if "nonpublic" in (node.get("class") or ""):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    text = "\n".join(line.strip() for line in "".join(parts).splitlines() if line.strip())
    return _unescape_leftovers(tidy(text)) if text else None


def _metadata(item: etree._Element, item_meta: etree._Element | None,
              content_meta: etree._Element | None) -> dict:
    """genre, ednote, abstract, place and category of a news item (the issue-14 columns)."""
    notes = [n for parent in (item_meta, content_meta) if parent is not None for n in _kids(parent, "edNote")]
    public = [_public_text(n) for n in notes if "private" not in (n.get("role") or "")]
    summaries = [_flat(d) for d in (_kids(content_meta, "description") if content_meta is not None else [])
                 if any(r in (d.get("role") or "") for r in ("summary", "abstract"))]
    genre = [(_name_of(g) or g.get("literal") or _qcode_local(g.get("qcode")))
             for g in (_kids(content_meta, "genre") if content_meta is not None else [])]
    place = [_name_of(s) for s in (_kids(content_meta, "subject") if content_meta is not None else [])
             if (s.get("type") or "").endswith("geoArea")]
    for assertion in _kids(item, "assert"):
        broader = [b for b in _kids(assertion, "broader") if (b.get("type") or "").endswith("geoArea")]
        if broader or _kid(assertion, "geoAreaDetails") is not None:
            place.append(_name_of(assertion))  # STT's rich location: the place, then its broader areas
        place += [_name_of(b) for b in broader]
    category = [s.get("qcode") or _name_of(s) for s in (_kids(item_meta, "service") if item_meta is not None
                                                        else [])]
    return {
        "genre": [g for g in genre if g],
        "ednote": "\n".join(p for p in public if p) or None,
        "abstract": next((d for d in summaries if d), None),
        "place": [p for p in place if p and p != "N/A"],
        "category": [c for c in category if c],
    }


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


# --------------------------------------------------------------------------- items


def _news_item(item: etree._Element, header_sender: str | None, header_priority: int | None = None) -> Item:
    guid = (item.get("guid") or "").strip() or None
    item_meta = _kid(item, "itemMeta")
    content_meta = _kid(item, "contentMeta")

    item_class = _kid(item_meta, "itemClass")
    kind = _qcode_local(item_class.get("qcode")) if item_class is not None else ""
    kind = kind or _content_kind(item) or ""
    if kind and kind != "text":
        return SkippedItem(f"non_text:{kind}", guid=guid)

    try:
        body, body_headline = _content(item)
    except _SportsData:
        return SkippedItem("non_text:sportsml", guid=guid,
                           detail="SportsML statistics in a text item")
    headline = _headline(content_meta) or body_headline
    if not kind and not body:
        return RejectedItem("no_content", f"item {guid!r} has no itemClass and no content",
                            raw=etree.tostring(item))
    if not headline and not body:
        return RejectedItem("no_body", f"text item {guid!r} has neither headline nor body",
                            raw=etree.tostring(item))
    if body and headline and body.split("\n\n", 1)[0] == headline:
        # TT repeats the headline as the first RUBRIK of the body.
        body = body.split("\n\n", 1)[1] if "\n\n" in body else None

    def meta_text(parent: etree._Element | None, name: str) -> str | None:
        el = _kid(parent, name)
        if el is None:
            return None
        return _SPACE.sub(" ", el.text or "").strip() or None

    # contentCreated, else firstCreated, else versionCreated (module docstring).
    published_raw = (meta_text(content_meta, "contentCreated")
                     or meta_text(item_meta, "firstCreated")
                     or meta_text(item_meta, "versionCreated"))
    status = _kid(item_meta, "pubStatus")
    authors, credits = _people(item, content_meta)
    location, agency = _dateline(content_meta)
    provider = _provider(item, item_meta, header_sender)
    original = None
    for source in (_kids(content_meta, "infoSource") if content_meta is not None else []):
        for value in _party_values(source):
            canonical = _canonical(value)
            if canonical and canonical != provider:
                original = canonical
                break
        if original:
            break
    if original is None:
        # STT's creditline names the source after the agency: "STT–AFP" ("STT–" alone: its own)
        credit = meta_text(content_meta, "creditline") or ""
        for value in re.split(r"\s*[-\u2013\u2014/]\s*", credit)[1:]:
            canonical = _canonical(value) if value else None
            if canonical and canonical != provider:
                original = canonical
                break
    published, localized = _localize(_datetime(published_raw), provider)
    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        version=(item.get("version") or "").strip() or None,
        provider=provider,
        original_provider=original,
        published_at=published,
        published_raw=published_raw,
        published_tz_source="provider_default" if localized else None,
        # STT leaves versionCreated empty in its archive; contentModified is then the version time
        version_created=_localize(_datetime(meta_text(item_meta, "versionCreated")
                                            or meta_text(content_meta, "contentModified")), provider)[0],
        authors=authors,
        credits=credits,
        dateline_location=location,
        dateline_agency=agency,
        located=_located(content_meta),
        language=_language(item, content_meta),
        slug=_flat(_kid(content_meta, "slugline")),
        urgency=_int(meta_text(content_meta, "urgency")),
        pub_status=_PUB_STATUS.get(_qcode_local(status.get("qcode"))) if status is not None
        else None,
        embargo_until=_localize(_datetime(meta_text(item_meta, "embargoed")), provider)[0],
        subjects=_subjects(content_meta),
        keywords=_dedup([_flat(k) or "" for k in
                         (_kids(content_meta, "keyword") if content_meta is not None else [])]),
        priority=_int(meta_text(item_meta, "priority")) or header_priority,
        **_metadata(item, item_meta, content_meta),
    )


def _declares_event(item: etree._Element) -> bool:
    """A concept item whose ``concept/type`` is ``cpnat:event`` or that has ``eventDetails``."""
    for el in item.iter():
        if not isinstance(el.tag, str):
            continue
        name = localname(el)
        if name == "eventDetails":
            return True
        if name == "type" and localname(el.getparent()) == "concept" \
                and _qcode_local(el.get("qcode")) == "event":
            return True
    return False


def _one(item: etree._Element, header_sender: str | None, header_priority: int | None = None) -> Item:
    name = localname(item)
    kind = _ITEM_KINDS.get(name)
    if kind == "concept" and _declares_event(item):
        kind = "event"  # EventsML: a concept item whose concept is an event (STT, IPTC LISTING 14)
    if kind is not None:
        return SkippedItem(f"non_text:{kind}", guid=(item.get("guid") or "").strip() or None)
    return _news_item(item, header_sender, header_priority)


# One whole item of a newsMessage (any kind; the end tag names the same kind), for
# reading a message that is not well-formed item by item.
_ITEM_NAMES = "|".join(_ITEM_KINDS)
_ITEM_SPAN = re.compile(
    rf"<(?:[\w.-]+:)?({_ITEM_NAMES})(?=[\s>/])[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?\1\s*>)", re.S)
_ITEM_OPEN = re.compile(rf"<(?:[\w.-]+:)?(?:{_ITEM_NAMES})(?=[\s>/])")
_HEADER_SENDER = re.compile(r"<(?:[\w.-]+:)?sender\b[^>]*>([^<]*)</", re.S)


def _salvage(data: bytes, source: str) -> Iterator[Item]:
    """The items of a newsMessage that is not well-formed as a whole (one item with
    a stray byte or a broken tag, a message cut short), each parsed on its own:
    an item that still does not parse is a reject, the others go on."""
    head = data[:data.find(b"<itemSet")] if b"<itemSet" in data else b""
    sender = _HEADER_SENDER.search(head.decode("utf-8", "replace"))
    header_sender = html.unescape(sender.group(1)).strip() or None if sender else None
    for el in salvage_items(data, _ITEM_SPAN, _ITEM_OPEN, format=NAME, source=source):
        yield el if isinstance(el, RejectedItem) else _one(el, header_sender)


def parse(data: bytes, source: str) -> Iterator[Item]:
    """Every item of a NewsML-G2 message or bare item, in document order."""
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = parse_xml(data, format=NAME, source=source)
    except ParseError:
        if root_name(data) != "newsMessage":
            raise
        yield from _salvage(data, source)
        return
    root_local = localname(root)
    header_sender = None
    header_priority = None
    if root_local == "newsMessage":
        header = _kid(root, "header")
        if header is None:
            header = _kid(root, "Header")  # BusinessDesk/Scoop capitalises it
        header_sender = _flat(_kid(header, "sender")) if header is not None else None
        header_priority = _int(_flat(_kid(header, "priority"))) if header is not None else None
        item_set = _kid(root, "itemSet")
        items = [c for c in (item_set if item_set is not None else [])
                 if isinstance(c.tag, str) and localname(c) in _ITEM_KINDS]
    elif root_local in _ITEM_KINDS:
        items = [root]
    else:
        raise ParseError("no_items", f"root <{root_local}> is a NewsML-G2 fragment, not an item",
                         format=NAME, source=source)
    if not items:
        raise ParseError("no_items", "the newsMessage has no items", format=NAME, source=source)
    if len(items) == 1:
        result = _one(items[0], header_sender, header_priority)
        if isinstance(result, RejectedItem):
            raise ParseError(result.reason, result.detail, format=NAME, source=source)
        yield result
        return
    for item in items:
        yield _one(item, header_sender, header_priority)
