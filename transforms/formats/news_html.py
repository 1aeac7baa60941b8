"""News article HTML pages: one story per page (reuters.com 2014-2020, AP hosted).

Layouts seen in the corpus (SOURCES.md section 2):

* 2014 reuters.com (``newspaper/``): XHTML, body in ``span#articleText``, visible
  ``span.timestamp`` with a zone abbreviation (``Tue Dec 30, 2014 4:33pm IST``),
  ``span.location`` dateline, ``p.byline``; no ``article:published_time``.
* 2017-2019 reuters.com (``blueprints-text/``, benchmark ``57d46c9d…``):
  ``div.StandardArticleBody_body`` with image/slideshow containers, the sign-off in
  ``div.Attribution_container`` and the trust badge after it; the visible
  ``div.ArticleHeader_date`` has no zone. ``og:article:published_time`` is set, but
  on pages updated in place it equals ``REVISION_DATE`` (the update time): the
  date line ``November 19, 2019 / 12:21 AM / Updated 14 hours ago`` keeps the
  first-publication time, in an unknown zone, so the meta time is preferred.
* 2019-2020 reuters.com (``postlight-parser/``, ``trafilatura/``): CSS-module
  classes (``ArticleBody-para-TD_9x``) inside ``div.ArticleBodyWrapper``, with
  byline, read time, ad slots, related coverage and slideshows interleaved.
* AP on hosted.ap.org (benchmark ``82b6d780…``, ``e7994d55…``): ``div.ap-story``
  with the paragraphs in a ``<block>`` element, ``#ap-story-slug`` holding the
  ANPA-style slug, and ``article:published_time`` with an offset.

The body keeps the sign-off (the normalizer turns it into credits) but drops page
chrome: captions, slideshows, ads, related links, the trust badge. A JSON-LD
``articleBody`` is the fallback when no known container is found. The HTML parser
never touches the network and does not load DTDs.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import lxml.html
from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError, SkippedItem
from transforms.formats.jsonwire import loads_text
from transforms.formats.text import decode_text, html_to_text, looks_binary, tidy
from transforms.formats.web import language_code, parse_iso, provider_from_name, provider_from_url

NAME = "news_html"

# The first markup of the page (after an optional XML declaration and any
# comments: 2014 reuters.com pages open with cache comments) is an HTML doctype
# or the <html> element. XML news formats open with their own root element.
_SNIFF = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html\b|<html[\s>])", re.I | re.S
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.I)


def sniff(data: bytes) -> bool:
    return bool(_SNIFF.match(data[:4096].lstrip(b"\xef\xbb\xbf")))


# --- shared helpers (also used by the rss_2 and atom parsers) -----------------

# Domain suffix -> canonical provider code. Longest suffix wins.
_ZONES = {
    "GMT": 0, "UTC": 0, "UT": 0, "BST": 60, "IST": 330, "CET": 60, "CEST": 120,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "JST": 540, "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660,
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# "March 15, 2018 /  11:37 AM / 2 years ago", "Tue Dec 30, 2014 4:33pm IST",
# "Nov. 20, 2019 5:52 AM EST"
_DATE_LINE = re.compile(
    r"\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2}),?\s+"
    r"(?P<year>\d{4})(?:\s*/?\s*(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s+(?P<tz>" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")\b)?)?",
    re.I,
)


def _date_line(text: str) -> datetime | None:
    m = _DATE_LINE.search(text)
    if m is None:
        return None
    hour, minute = int(m["h"] or 0), int(m["m"] or 0)
    if m["ampm"]:
        hour = hour % 12 + (12 if m["ampm"][0].lower() == "p" else 0)
    try:
        value = datetime(int(m["year"]), _MONTHS[m["mon"].lower()], int(m["day"]), hour, minute)
    except ValueError:
        return None
    tz = m["tz"]
    if tz:
        value = value.replace(tzinfo=timezone(timedelta(minutes=_ZONES[tz.upper()])))
    return value


# --- page chrome ------------------------------------------------------------------

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "figure", "figcaption", "aside", "button", "iframe", "svg",
    "form", "nav", "footer", "header", "select", "template", "object", "video", "audio",
    "picture", "img", "input", "embed",
})
# Class or id fragments of page furniture inside article containers.
_CHROME = re.compile(
    r"byline|read-?time|social|share|ad-?slot|advert|\bads?\b|dfp|related|slideshow|image|photo"
    r"|caption|video|trust-?badge|primaryasset|gallery|media-blk|dianomi|storyitem|thumbnail"
    r"|sidebar|taboola|trending|newsletter|promo|tags|ap-story-(?:timestamp|headline|slug)",
    re.I,
)
_PARA_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
                        "dt", "dd", "tr"})
_CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "block", "center", "ul", "ol",
                             "dl", "table", "tbody", "thead", "tfoot", "body"})
_BLOCKISH = _PARA_TAGS | _CONTAINER_TAGS
_WS = re.compile(r"\s+")


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _is_chrome(el: etree._Element) -> bool:
    if _tag(el) in _DROP_TAGS:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return bool(marks) and bool(_CHROME.search(marks))


def _inline_text(el: etree._Element, *, skip_chrome: bool = True) -> str:
    """Text of an element as one paragraph: whitespace collapsed, ``<br>`` kept."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(_WS.sub(" ", node.text))
        for child in node:
            tag = _tag(child)
            if tag == "br":
                parts.append("\n")
            elif tag in ("td", "th"):
                parts.append(" ")
                walk(child)
            elif tag and not (skip_chrome and _is_chrome(child)):
                walk(child)
            if child.tail:
                parts.append(_WS.sub(" ", child.tail))

    walk(el)
    return tidy("".join(parts)) or ""


def _paragraphs(container: etree._Element) -> list[str]:
    """Paragraphs of an article container, page chrome left out."""
    # Elements that hold a paragraph or container below them, marked in one
    # pass upwards from every block element (linear, not per-element scans).
    holds_blocks: set[etree._Element] = set()
    for el in container.iter():
        if _tag(el) in _BLOCKISH and el is not container:
            parent = el.getparent()
            while parent is not None and parent not in holds_blocks:
                holds_blocks.add(parent)
                if parent is container:
                    break
                parent = parent.getparent()
    out: list[str] = []

    def flush(run: list[str]) -> None:
        text = tidy(_WS.sub(" ", "".join(run)))
        if text:
            out.append(text)
        run.clear()

    def collect(el: etree._Element) -> None:
        run: list[str] = [el.text or ""]
        for child in el:
            tag = _tag(child)
            if not tag or _is_chrome(child):
                run.append(child.tail or "")
                continue
            if tag in _BLOCKISH or child in holds_blocks:
                flush(run)
                if tag in _PARA_TAGS and child not in holds_blocks:
                    text = _inline_text(child)
                    if text:
                        out.append(text)
                else:
                    collect(child)
                run.append(child.tail or "")
            elif tag == "br":
                flush(run)
                run.append(child.tail or "")
            else:
                run.append(_inline_text(child))
                run.append(child.tail or "")
        flush(run)

    collect(container)
    return out


# --- the page -------------------------------------------------------------------

def _xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr)


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Article body containers, most specific first: (layout, xpath).
_CONTAINERS = (
    ("reuters_2017", _xpath(f"//div[{_cls('StandardArticleBody_body')}]")),
    ("reuters_2019", _xpath(f"//div[{_cls('ArticleBodyWrapper')}]")),
    ("reuters_2014", _xpath("//*[@id='articleText']")),
    ("ap_hosted", _xpath(f"//*[{_cls('ap-story')}]//block")),
    ("schema_org", _xpath("//*[@itemprop='articleBody']")),
    ("article", _xpath("//article")),
)
_BYLINES = (
    _xpath(f"//*[{_cls('BylineBar_byline')}]"),
    _xpath("//*[contains(@class, 'Byline-byline')]"),
    _xpath(f"//*[{_cls('ap-story-byline')}]//*[contains(@class, 'byline-original')]"),
    _xpath(f"//*[{_cls('byline')}]"),
    _xpath("//*[@rel='author' or @itemprop='author']"),
)
_DATE_LINES = (
    _xpath(f"//*[{_cls('ArticleHeader_date')}]"),
    _xpath(f"//*[@id='articleInfo']//*[{_cls('timestamp')}]"),
    _xpath(f"//*[{_cls('ap-story-timestamp')}]"),
    _xpath(f"//*[{_cls('timestamp')}]"),
)
_TIME_ATTR = _xpath("//time[@datetime]")
_BYLINE_ORG = _xpath(f"//*[{_cls('ap-story-byline')}]//*[contains(@class, 'byline-title')]")
_LOCATION = _xpath(f"//*[@id='articleInfo']//*[{_cls('location')}]")
_AP_SLUG = _xpath("//*[@id='ap-story-slug']")
_JSON_LD = _xpath("//script[@type='application/ld+json']")
_CANONICAL = _xpath("//link[@rel='canonical']/@href")
_BY = re.compile(r"^\s*by\s+", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)
_NOT_PEOPLE = frozenset({"reuters", "associated press", "the associated press", "ap", "afp"})
_TITLE_SUFFIX = re.compile(r"\s*[|\-–]\s*(?:Reuters|AP News|Associated Press)\s*$", re.I)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)[0]


def _metas(doc: etree._Element) -> dict[str, list[str]]:
    """``property``/``name``/``itemprop`` (lowercased) -> contents, in page order.

    Some captures store the value in ``value=`` instead of ``content=``
    (postlight-parser's reuters.com fixture).
    """
    metas: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        value = meta.get("content")
        if value is None:
            value = meta.get("value")
        if value is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = meta.get(attr)
            if key:
                metas.setdefault(key.strip().lower(), []).append(value.strip())
    return metas


_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report", re.I)
# Salvage for JSON-LD that is not valid JSON (the 2019 reuters.com layout puts a
# single-quoted "description" in it): read the plain string fields one by one.
_LD_FIELD = re.compile(r'"(headline|datePublished|dateCreated|dateModified|articleBody|url|'
                       r'inLanguage)"\s*:\s*"((?:[^"\\]|\\.)*)"')
_LD_AUTHOR = re.compile(r'"(?:author|creator)"\s*:\s*\{[^{}]*?"name"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _ld_objects(node: object) -> Iterator[dict]:
    if isinstance(node, list):
        for x in node:
            yield from _ld_objects(x)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _ld_objects(node["@graph"])


def _json_ld(doc: etree._Element) -> dict:
    """The page's schema.org article object (or what could be salvaged of it)."""
    for script in _JSON_LD(doc):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            parsed = loads_text(raw)
        except json.JSONDecodeError:
            fields: dict = {}
            for key, value in _LD_FIELD.findall(raw):
                fields.setdefault(key, _unescape_json(value))
            authors = [_unescape_json(a) for a in _LD_AUTHOR.findall(raw)]
            if authors:
                fields["author"] = [{"name": a} for a in authors]
            if fields:
                return fields
            continue
        for obj in _ld_objects(parsed):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                return obj
    return {}


def _unescape_json(value: str) -> str:
    try:
        return loads_text(f'"{value}"')
    except json.JSONDecodeError:
        return value


def _ld_str(ld: dict, key: str) -> str | None:
    value = ld.get(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    if not isinstance(value, str) or not value.strip():
        return None
    return html.unescape(value).strip()


def _ld_people(ld: dict) -> list[str]:
    names: list[str] = []
    for key in ("author", "creator"):
        value = ld.get(key)
        for person in value if isinstance(value, list) else [value]:
            if isinstance(person, dict) and person.get("@type", "Person") == "Person":
                name = person.get("name")
            elif isinstance(person, str):
                name = person
            else:
                continue
            if isinstance(name, str):
                names.extend(_split_names(html.unescape(name)))
        if names:
            break
    return names


def _split_names(text: str) -> list[str]:
    text = _BY.sub("", tidy(text) or "")
    names = [n.strip(" .") for n in _NAME_SPLIT.split(text)]
    return [n for n in names if n and n.lower() not in _NOT_PEOPLE]


def _dedup(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        key = v.lower()
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _first(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in metas.get(key, ()):
            if value:
                return value
    return None


def _keywords(metas: dict[str, list[str]], ld: dict) -> list[str]:
    raw = _first(metas, "news_keywords")
    if raw:
        return _dedup([k.strip() for k in raw.split(";") if k.strip()])
    raw = _first(metas, "keywords", "og:article:tag", "article:tag")
    if raw:
        return _dedup([k.strip() for k in raw.split(",") if k.strip()])
    value = ld.get("keywords")
    flat: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop(0)
        if isinstance(v, list):
            stack[:0] = v
        elif isinstance(v, str):
            flat.extend(k.strip() for k in v.split(",") if k.strip())
    return _dedup(flat)


def _headline(doc: etree._Element, metas: dict[str, list[str]], ld: dict) -> str | None:
    value = _first(metas, "og:title", "twitter:title")
    if value:
        return tidy(value)
    for h1 in doc.iter("h1"):
        text = _inline_text(h1, skip_chrome=False)
        if text:
            return text
    value = _ld_str(ld, "headline")
    if value:
        return tidy(value)
    title = doc.find(".//title")
    if title is not None:
        return tidy(_TITLE_SUFFIX.sub("", title.text_content() or "")) or None
    return None


def _byline_names(doc: etree._Element) -> list[str]:
    for xp in _BYLINES:
        for el in xp(doc):
            links = [_inline_text(a, skip_chrome=False) for a in el.iter("a")]
            links = [n for n in links if n]
            names = ([n for x in links for n in _split_names(x)] if links
                     else _split_names(_inline_text(el, skip_chrome=False)))
            if names:
                return names
    return []


def _authors(doc: etree._Element, metas: dict[str, list[str]], ld: dict) -> list[str]:
    """The fullest of JSON-LD, the author meta and the visible byline: reuters.com's
    ``<meta name=Author>`` names only the first of two reporters the byline bar shows."""
    meta: list[str] = []
    value = _first(metas, "author", "og:article:author", "article:author", "sailthru.author")
    if value and not value.startswith("http"):
        meta = _split_names(value)
    candidates = [_dedup(names) for names in (_ld_people(ld), meta, _byline_names(doc))]
    return max(candidates, key=len)


def _published(doc: etree._Element, metas: dict[str, list[str]], ld: dict
               ) -> tuple[datetime | None, str | None]:
    for raw in (_first(metas, "article:published_time", "og:article:published_time",
                       "datepublished"),
                _ld_str(ld, "datePublished"), _ld_str(ld, "dateCreated")):
        value = parse_iso(raw)
        if value is not None:
            return value, raw
    # Only otherwise the visible date line: naive unless it names its zone.
    for xp in _DATE_LINES:
        for el in xp(doc):
            raw = _inline_text(el, skip_chrome=False)
            value = _date_line(raw)
            if value is not None:
                return value, raw
    for el in _TIME_ATTR(doc):
        raw = el.get("datetime")
        value = parse_iso(raw)
        if value is not None:
            return value, raw
    return None, None


def _body(doc: etree._Element, ld: dict) -> tuple[str | None, str | None]:
    for layout, xp in _CONTAINERS:
        candidates = xp(doc)
        if not candidates:
            continue
        best: list[str] = []
        for container in candidates:
            paras = _paragraphs(container)
            if sum(map(len, paras)) > sum(map(len, best)):
                best = paras
        if best:
            return "\n\n".join(best), layout
    raw = _ld_str(ld, "articleBody")
    if raw:
        if "<" in raw:
            return html_to_text(raw), "json_ld"
        sep = "\n\n" if "\n\n" in raw else "\n"
        return tidy("\n\n".join(p.strip() for p in raw.split(sep))), "json_ld"
    return None, None


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    if looks_binary(data):
        raise ParseError("binary_content", format=NAME, source=source)
    text = _XML_DECL.sub("", _decode(data), count=1)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  recover=True)
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError("malformed_html", str(exc), format=NAME, source=source) from None

    metas = _metas(doc)
    ld = _json_ld(doc)
    canonical = next((h.strip() for h in _CANONICAL(doc) if h.strip()), None)
    url = canonical or _first(metas, "og:url", "twitter:url") or _ld_str(ld, "url")
    headline = _headline(doc, metas, ld)
    body, _layout = _body(doc, ld)
    if not body:
        og_type = (_first(metas, "og:type") or "").lower()
        if og_type.startswith(("video", "music")) or og_type in ("image", "photo"):
            yield SkippedItem(reason=f"non_text:{og_type.split('.')[0]}", guid=url)
            return
        raise ParseError("no_body", "no article container and no JSON-LD articleBody",
                         format=NAME, source=source)

    publisher = ld.get("publisher")
    publisher_name = publisher.get("name") if isinstance(publisher, dict) else None
    byline_org = next((_inline_text(el) for el in _BYLINE_ORG(doc)), None)
    provider = (provider_from_url(url) or provider_from_name(publisher_name)
                or provider_from_name(byline_org) or provider_from_name(_first(metas, "og:site_name")))

    published, published_raw = _published(doc, metas, ld)
    modified_raw = (_first(metas, "article:modified_time", "og:article:modified_time",
                           "og:updated_time", "datemodified") or _ld_str(ld, "dateModified"))
    root_lang = doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang")
    language = (language_code(root_lang) or language_code(_ld_str(ld, "inLanguage"))
                or language_code(_first(metas, "og:locale", "content-language", "language")))
    slug_el = next(iter(_AP_SLUG(doc)), None)
    slug = (_inline_text(slug_el) if slug_el is not None else None) or _first(
        metas, "analyticsattributes.keywordslug")
    location = next((_inline_text(el) for el in _LOCATION(doc)), None)
    section = _first(metas, "og:article:section", "article:section") or _ld_str(ld, "articleSection")

    yield ParsedStory(
        headline=headline,
        body=body,
        guid=url,
        provider=provider,
        published_at=published,
        published_raw=published_raw,
        version_created=parse_iso(modified_raw),
        authors=_authors(doc, metas, ld),
        dateline_location=location or None,
        language=language,
        url=url,
        slug=slug or None,
        subjects=[section.strip()] if section and section.strip() else [],
        keywords=_keywords(metas, ld),
    )
