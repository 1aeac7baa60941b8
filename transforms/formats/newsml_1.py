"""IPTC NewsML 1.x (1.0-1.2): a ``NewsML`` envelope holding one or more ``NewsItem``.

Where things are::

    NewsML                                    (AFP, ANA, ANP, EFE, Belga: no namespace;
                                               Solita: the NewsML 2003-10-10 namespace)
      NewsEnvelope                            transmission data, not used
      NewsItem
        Identification/NewsIdentifier         ProviderId, DateId, NewsItemId,
                                              RevisionId -> version, PublicIdentifier -> guid
        Identification/NameLabel              slug fallback
        NewsManagement                        NewsItemType, FirstCreated -> published_at,
                                              ThisRevisionCreated -> version_created,
                                              Status -> pub_status, Urgency,
                                              StatusWillChange -> embargo_until
        NewsComponent (nested)                NewsLines (HeadLine, ByLine, DateLine,
                                              SlugLine, CopyrightLine, KeywordLine),
                                              AdministrativeMetadata (Provider, Creator),
                                              DescriptiveMetadata (Language, SubjectCode,
                                              Location, Property Keyword),
                                              ContentItem (MediaType / Format / MimeType,
                                              DataContent: embedded NITF, XHTML, escaped
                                              HTML in CDATA, or plain text)

Which components are stories. A NewsComponent whose child components are all leaves
(or that has none) is one *unit*; its own ContentItems and those of its leaf children
(with their ``Role``: Body, Lead, Title, HeadLine, Caption, Logo ...) make the unit.
A component with composite children is a container and each composite child is
examined in turn. This covers the dialects in the corpus:

* AFP, EFE: the top component holds the text ContentItem (embedded NITF);
* ANA, ATS: the top component holds NewsLines, a child ``Role=Main`` (or role-less)
  component holds the ContentItem;
* Business Wire: a language ``BasisForChoice`` container, then one component per
  language whose leaves are StyleSheet, HeadLine, Contact, Logo, Photo, Body;
* Belga: the top component holds several units (``Role`` Short, Original, Picture,
  Video, Audio, Tip), each with Title/Lead/Body/Image/Clip/Sound leaves; the nl and fr
  versions of a story are separate units of one NewsItem.

A unit whose role or content is a picture, video or audio is a SkippedItem
(``non_text:<kind>``), so is a Belga ``Tip`` (an internal newsroom alert) and a
catalog/topic set item; a text unit without body text is a RejectedItem
(``no_body``). Metadata missing on a unit is inherited from its ancestors.

Quirks:

* ``ats_newsml_1_2_belga.xml`` has a DOCTYPE with a missing DTD and declares
  ISO-8859-15: xmlsafe never loads DTDs and decodes by the bytes.
* Belga's PublicIdentifier is only ``urn:newsml:www.belga.be``: the guid is then
  built from ProviderId, DateId, NewsItemId and RevisionId. When one NewsItem holds
  several units, each guid gets ``#<Duid>`` (or ``#<n>``).
* Belga stamps are naive (``20190129T124550``) and in Brussels local time: the audio
  bulletin "Nieuws 15u00" was created at ``144936``, minutes before 15:00 local, so
  they are localized to Europe/Brussels (``provider_default``). Stamps with an
  offset (``20210516T080625Z``, ``+0000``, ``+0200``) keep it.
* ANA's headline and body are CDATA (escaped HTML, ``<P>``); Solita's CDATA HTML
  marks its sections with comments (``<!-- title -->``, ``<!-- body -->``, ``<!--
  contacts -->`` ...): only the lead text and the body are kept.
* Belga writes ``<Headline>`` (small l) in audio items; both spellings are read.
* Editor-facing lines (``NewsLine`` AdvisoryLine, Belga ``EditorialInfo``) never
  reach the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from transforms import conventions
from transforms.formats import xmlsafe
from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.nitf import (
    author_names,
    canonical_provider,
    iso_language,
    localize,
    nitf_body_text,
    normalize_status,
    parse_wire_datetime,
    subject_code,
    to_int,
    xml_body_text,
)
from transforms.formats.text import html_to_text, tidy
from transforms.formats.xmlsafe import children, localname

NAME = "newsml_1"

_PICTURE = "picture"
_VIDEO = "video"
_AUDIO = "audio"
_TEXT = "text"
_OTHER = "other"

# Unit roles (Belga, Business Wire) that name a non-text kind.
_ROLE_KIND = {
    "picture": _PICTURE, "photo": _PICTURE, "image": _PICTURE, "graphic": _PICTURE,
    "video": _VIDEO, "clip": _VIDEO, "audio": _AUDIO, "sound": _AUDIO,
}
# Leaf roles whose text is not the story body.
_NOT_BODY_ROLES = frozenset({
    "stylesheet", "headline", "subheadline", "title", "contact", "logo", "caption",
    "byline", "thumbnail", "preview", "keywords", "dateline", "metadata",
})
# Leaf roles that repeat the story in short when a Body part is there (Business Wire).
_BESIDE_BODY_ROLES = frozenset({"abstract", "tweettext"})
_PICTURE_FORMATS = frozenset({"jpeg", "jpg", "jpeg baseline", "png", "gif", "tiff", "bmp", "eps"})
_VIDEO_FORMATS = frozenset({"mpeg4", "mp4", "mpeg", "mpeg2", "mov", "avi", "flv", "wmv"})
_AUDIO_FORMATS = frozenset({"mp3", "wav", "aac", "ogg"})
_NOT_STORY_TYPES = frozenset({"catalog", "topicset"})

_HTML_BLOCK = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|table|tr|blockquote|pre)\b", re.I)
_WS_RUN = re.compile(r"\s+")
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
# Solita's section markers inside its CDATA HTML.
_SOLITA_SECTION = re.compile(r"<!--\s*([a-z ]+?)\s*-->", re.I)
_SOLITA_KEEP = frozenset({"leadtext", "body"})
# AFP ``STOCKHOLM, Aug 29, 2014 (AFP) -`` / ``Paris, 21 jan 2019 (AFP) -``
_DATELINE = re.compile(r"^(?P<loc>[^,(]+?)\s*,[^()]*\((?P<agency>[^)]+)\)\s*[-–—:]*\s*$")
_ITEM_SPAN = re.compile(r"<(?:[\w.-]+:)?NewsItem\b.*?</(?:[\w.-]+:)?NewsItem\s*>", re.S)
_ITEM_OPEN = re.compile(r"<(?:[\w.-]+:)?NewsItem\b")
_ROOT_OPEN = re.compile(r"<(?:[\w.-]+:)?NewsML\b[^>]*>")

# Naive NewsML stamps of providers whose zone is known (see the module docstring).
class _Zones:  # the zone of a provider's naive stamps: transforms/conventions.py
    @staticmethod
    def get(provider: str) -> str | None:
        return conventions.zone_for(provider)


_PROVIDER_ZONES = _Zones()
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# ------------------------------------------------------------------------ helpers


def _kid(el: etree._Element | None, *path: str) -> etree._Element | None:
    cur = el
    for name in path:
        if cur is None:
            return None
        found = children(cur, name)
        cur = found[0] if found else None
    return cur


def _kids(el: etree._Element | None, *path: str) -> list[etree._Element]:
    """All elements at the end of a path of direct children."""
    level = [el] if el is not None else []
    for name in path:
        level = [c for e in level for c in children(e, name)]
    return level


def _formal(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    value = el.get("FormalName")
    return value.strip() if value and value.strip() else None


def _text(el: etree._Element | None) -> str | None:
    return xmlsafe.text_of(el)


def _unique(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out


def _role(component: etree._Element) -> str | None:
    role = _formal(_kid(component, "Role"))
    return role.lower() if role else None


def _component_class(component: etree._Element) -> str | None:
    for prop in _kids(component, "DescriptiveMetadata", "Property"):
        if prop.get("FormalName") == "ComponentClass" and prop.get("Value"):
            return prop.get("Value").strip().lower()
    return None


# ------------------------------------------------------------------------- units


def _is_composite(component: etree._Element) -> bool:
    return bool(children(component, "NewsComponent"))


def _units(component: etree._Element, chain: tuple[etree._Element, ...]) -> Iterator[
        tuple[etree._Element, tuple[etree._Element, ...]]]:
    """``(unit, ancestors)`` pairs, in document order (see the module docstring)."""
    composite = [c for c in children(component, "NewsComponent") if _is_composite(c)]
    if not composite:
        yield component, chain
        return
    # text held right here beside composite children (a text-photo profile whose
    # photos carry their own sub-components) is a unit of its own, first
    if any(p.kind == _TEXT for p in _parts(component)):
        yield component, chain
    for child in composite:
        yield from _units(child, (component, *chain))


class _Part:
    """A ContentItem of a unit, with the role and class of the component holding it."""

    __slots__ = ("item", "role", "kind")

    def __init__(self, item: etree._Element, role: str | None, cls: str | None) -> None:
        self.item = item
        self.role = role
        self.kind = _content_kind(item, cls)


def _content_kind(item: etree._Element, cls: str | None) -> str:
    media = (_formal(_kid(item, "MediaType")) or "").lower()
    mime = (_formal(_kid(item, "MimeType")) or "").lower()
    fmt = (_formal(_kid(item, "Format")) or "").lower()
    if (media in ("photo", "picture", "image", "graphic") or mime.startswith("image/")
            or cls == "image" or fmt in _PICTURE_FORMATS):
        return _PICTURE
    if media == "video" or mime.startswith("video/") or cls == "video" or fmt in _VIDEO_FORMATS:
        return _VIDEO
    if media == "audio" or mime.startswith("audio/") or cls == "audio" or fmt in _AUDIO_FORMATS:
        return _AUDIO
    if mime == "text/css" or fmt == "css":
        return _OTHER
    if (media == "text" or mime.startswith("text/") or "xhtml" in mime or cls == "text"
            or fmt.startswith(("nitf", "xhtml", "html", "text", "ascii", "iptc7901", "anpa"))):
        return _TEXT
    if mime:  # application/pdf and other attachments
        return _OTHER
    return _TEXT if _kid(item, "DataContent") is not None and not item.get("Href") else _OTHER


def _parts(unit: etree._Element) -> list[_Part]:
    """The unit's own ContentItems and those of its leaf components, in document order."""
    parts: list[_Part] = []
    for child in unit:
        name = localname(child)
        if name == "ContentItem":
            parts.append(_Part(child, _role(unit), _component_class(unit)))
        elif name == "NewsComponent" and not _is_composite(child):
            role, cls = _role(child), _component_class(child)
            parts.extend(_Part(ci, role, cls) for ci in children(child, "ContentItem"))
    return parts


# --------------------------------------------------------------------------- text


def _solita_sections(markup: str) -> str:
    """Keep only Solita's ``leadtext`` and ``body`` sections of its CDATA HTML."""
    pieces = _SOLITA_SECTION.split(markup)
    # split gives [before, name1, text1, name2, text2, ...]
    kept = [pieces[i + 1] for i in range(1, len(pieces) - 1, 2)
            if pieces[i].strip().lower() in _SOLITA_KEEP]
    return "\n".join(kept) if kept else markup


def _markup_text(text: str) -> str | None:
    """Text of a string DataContent: escaped HTML or plain text."""
    if "<!--" in text and _SOLITA_SECTION.search(text) and "<!-- body" in text.lower():
        text = _solita_sections(text)
    if _HTML_BLOCK.search(text):
        # HTML: source line breaks are only whitespace; blocks make the paragraphs
        return html_to_text(_WS_RUN.sub(" ", text))
    if _HTML_TAG.search(text):
        return html_to_text(text)  # plain lines with inline tags (Belga <b>)
    return tidy(text)


def _content_text(item: etree._Element) -> str | None:
    data = _kid(item, "DataContent")
    if data is None:
        return None
    elements = [c for c in data if isinstance(c.tag, str)]
    if elements:
        texts = []
        for el in elements:
            name = localname(el)
            if name == "nitf":
                texts.append(nitf_body_text(el))
            elif name == "html":
                texts.append(xml_body_text(_kid(el, "body") if _kid(el, "body") is not None else el))
            else:
                texts.append(xml_body_text(el))
        joined = "\n\n".join(t for t in texts if t)
        return joined or None
    return _markup_text(data.text or "") if data.text and data.text.strip() else None


def _embedded_nitf(parts: list[_Part]) -> etree._Element | None:
    for part in parts:
        data = _kid(part.item, "DataContent")
        if data is not None:
            for el in data:
                if localname(el) == "nitf":
                    return el
    return None


# ---------------------------------------------------------------------- metadata


class _Scope:
    """Look-ups on a unit that fall back to its ancestors (nearest first)."""

    def __init__(self, item: etree._Element, unit: etree._Element,
                 ancestors: tuple[etree._Element, ...]) -> None:
        self.item = item
        self.chain = (unit, *ancestors)

    def first(self, *path: str) -> etree._Element | None:
        for comp in self.chain:
            for el in _kids(comp, *path):
                if _text(el) or el.attrib:
                    return el
        return None

    def first_text(self, *path: str) -> str | None:
        for comp in self.chain:
            for el in _kids(comp, *path):
                value = _text(el)
                if value:
                    return value
        return None

    def all(self, *path: str) -> list[etree._Element]:
        for comp in self.chain:
            found = _kids(comp, *path)
            if found:
                return found
        return []

    def lang_attr(self) -> str | None:
        """``xml:lang`` of the unit, its ancestors or the NewsItem (AFP, Belga)."""
        for el in (*self.chain, self.item):
            value = el.get(_XML_LANG)
            if value:
                return value
        return None


def _properties(metadata: list[etree._Element], name: str) -> list[str]:
    values = []
    for md in metadata:
        for prop in md.iter():
            if localname(prop) == "Property" and prop.get("FormalName") == name:
                value = (prop.get("Value") or "").strip()
                if value:
                    values.append(value)
    return values


def _dateline(scope: _Scope) -> tuple[str | None, str | None]:
    text = scope.first_text("NewsLines", "DateLine")
    if text:
        m = _DATELINE.match(text)
        if m:
            return m.group("loc").strip(), m.group("agency").strip()
        if not any(c.isdigit() for c in text) and len(text) <= 60:
            return text, None  # ATS "Landquart GR", Business Wire "加州桑尼維爾"
    # the place of origin from the metadata (AFP Location HowPresent=Origin, ANA, Belga)
    for md in scope.all("DescriptiveMetadata"):
        for loc in [md, *children(md, "Location")]:
            if loc.get("HowPresent", "Origin") not in ("Origin", ""):
                continue
            for prop in children(loc, "Property"):
                if prop.get("FormalName") == "City" and (prop.get("Value") or "").strip():
                    return prop.get("Value").strip(), None
    return None, None


# -------------------------------------------------------------------------- items


def _item_guid(identifier: etree._Element | None) -> tuple[str | None, str | None]:
    """``(guid, version)`` from NewsIdentifier."""
    provider_id = _text(_kid(identifier, "ProviderId"))
    date_id = _text(_kid(identifier, "DateId"))
    item_id = _text(_kid(identifier, "NewsItemId"))
    revision = _text(_kid(identifier, "RevisionId"))
    public = _text(_kid(identifier, "PublicIdentifier"))
    # the provider's own PublicIdentifier is the guid (ANP's "urn:newsml:anp.nl:20181210:
    # ANPX-101218-041:2" for item "ANPX-101218-041-v2"); Belga's bare "urn:newsml:www.belga.be" is not
    if public and (not item_id or item_id in public or public.count(":") >= 4):
        return public, revision
    if item_id:  # Belga: PublicIdentifier is only "urn:newsml:www.belga.be"
        return ":".join(["urn:newsml", provider_id or "", date_id or "", item_id,
                         revision or ""]), revision
    return public, revision


def _status_change(management: etree._Element | None) -> tuple[str | None, str | None]:
    """``(future status, when)`` from StatusWillChange (an embargo lift)."""
    change = _kid(management, "StatusWillChange")
    if change is None:
        return None, None
    return _formal(_kid(change, "FutureStatus")), _text(_kid(change, "DateAndTime"))


def _item_results(item: etree._Element, source: str) -> Iterator[Item]:
    identifier = _kid(item, "Identification", "NewsIdentifier")
    management = _kid(item, "NewsManagement")
    guid, version = _item_guid(identifier)
    item_type = (_formal(_kid(management, "NewsItemType")) or "").lower()
    if item_type in _NOT_STORY_TYPES:
        yield SkippedItem(f"non_text:{item_type}", guid=guid)
        return
    top = _kid(item, "NewsComponent")
    if top is None:
        if children(item, "NewsItemRef"):
            yield SkippedItem("non_text:package", guid=guid)
        elif children(item, "Update"):
            yield RejectedItem("partial_update", f"{guid}: a NewsML Update of an earlier "
                               "item, not a whole story", raw=etree.tostring(item))
        else:
            yield RejectedItem("no_component", f"{guid}: NewsItem without NewsComponent",
                               raw=etree.tostring(item))
        return
    units = list(_units(top, ()))
    duids = [u.get("Duid") for u, _ in units]
    unique_duids = all(duids) and len(set(duids)) == len(duids)
    for index, (unit, ancestors) in enumerate(units, start=1):
        unit_guid = guid
        if len(units) > 1:
            # Belga numbers its components, but some feeds give them all Duid="0"
            unit_guid = f"{guid}#{unit.get('Duid') if unique_duids else index}"
        yield _unit_result(item, unit, ancestors, unit_guid, version, source)
    # a NewsComponent may hold whole NewsItems: items of their own
    for nested in top.iter():
        if localname(nested) == "NewsItem" and _owner(nested) is item:
            yield from _item_results(nested, source)


def _owner(el: etree._Element) -> etree._Element | None:
    """The nearest NewsItem above ``el``."""
    for anc in el.iterancestors():
        if localname(anc) == "NewsItem":
            return anc
    return None


def _unit_result(item: etree._Element, unit: etree._Element,
                 ancestors: tuple[etree._Element, ...], guid: str | None,
                 version: str | None, source: str) -> Item:
    role = _role(unit)
    if role in _ROLE_KIND:
        return SkippedItem(f"non_text:{_ROLE_KIND[role]}", guid=guid, detail=f"Role={role}")
    if role == "tip":  # Belga newsroom tip: an internal alert, not for publication
        return SkippedItem("non_text:tip", guid=guid, detail="Role=Tip")
    parts = _parts(unit)
    body_parts = [p for p in parts if p.kind == _TEXT and p.role not in _NOT_BODY_ROLES]
    if any(p.role == "body" for p in body_parts):  # Business Wire: not its Abstract or TweetText
        body_parts = [p for p in body_parts if p.role not in _BESIDE_BODY_ROLES]
    if unit.get("EquivalentsList", "").lower() == "yes" and body_parts:
        body_parts = body_parts[:1]  # equivalents are the same content in other formats
    body = "\n\n".join(t for t in (_content_text(p.item) for p in body_parts) if t) or None
    if not body:
        media = [p.kind for p in parts if p.kind in (_PICTURE, _VIDEO, _AUDIO)]
        if media:
            return SkippedItem(f"non_text:{media[0]}", guid=guid)
        return RejectedItem("no_body", f"{guid}: no text content in the news component",
                            raw=etree.tostring(item))
    return _story(item, unit, ancestors, parts, body, guid, version)


def _story(item: etree._Element, unit: etree._Element, ancestors: tuple[etree._Element, ...],
           parts: list[_Part], body: str, guid: str | None, version: str | None) -> ParsedStory:
    scope = _Scope(item, unit, ancestors)
    identification = _kid(item, "Identification")
    identifier = _kid(identification, "NewsIdentifier")
    management = _kid(item, "NewsManagement")
    nitf = _embedded_nitf(parts)

    # ---- headline: NewsLines, then a Title/HeadLine part, then the embedded NITF
    headline = scope.first_text("NewsLines", "HeadLine") or scope.first_text(
        "NewsLines", "Headline")
    if not headline:
        for part in parts:
            if part.role in ("title", "headline") and part.kind == _TEXT:
                headline = _content_text(part.item)
                if headline:
                    headline = " ".join(headline.split())
                    break
    if not headline and nitf is not None:
        headline = _text(xmlsafe.find(nitf, "body", "body.head", "hedline", "hl1")) or _text(
            xmlsafe.find(nitf, "head", "title"))

    # ---- provider
    admin = scope.all("AdministrativeMetadata")
    provider_party = [_formal(p) for a in admin for p in _kids(a, "Provider", "Party")]
    source_party = [_formal(p) for a in admin for p in _kids(a, "Source", "Party")]
    provider = canonical_provider(
        _text(_kid(identifier, "ProviderId")), *provider_party, *source_party,
        scope.first_text("NewsLines", "CopyrightLine"), scope.first_text("NewsLines", "CreditLine"))

    # ---- dates
    zone = _PROVIDER_ZONES.get(provider or "")
    first_raw = _text(_kid(management, "FirstCreated"))
    revision_raw = _text(_kid(management, "ThisRevisionCreated"))
    published_raw = first_raw if parse_wire_datetime(first_raw) else (
        revision_raw if parse_wire_datetime(revision_raw) else None)
    published, tz_source = localize(parse_wire_datetime(published_raw), zone)
    version_created, _ = localize(parse_wire_datetime(revision_raw), zone)

    status = normalize_status(_formal(_kid(management, "Status")))
    future, when = _status_change(management)
    embargo: datetime | None = None
    if when and normalize_status(future) == "usable":
        embargo, _ = localize(parse_wire_datetime(when), zone)

    # ---- people, place, classification
    byline = scope.first_text("NewsLines", "ByLine")
    # Solita's ByLine names the issuing company (its Source party), not a writer
    authors = [] if byline in source_party else author_names(byline)
    credits = _unique_pairs(
        (_formal(p), (p.get("Topic") or "creator").lower())
        for a in admin for p in _kids(a, "Creator", "Party"))
    location, agency = _dateline(scope)
    descriptive = scope.all("DescriptiveMetadata")
    language = iso_language(_formal(scope.first("DescriptiveMetadata", "Language")))
    if not language:
        language = iso_language(scope.lang_attr())
    subjects = _unique(subject_code(_formal(s)) for md in descriptive
                       for code in children(md, "SubjectCode") for s in code)
    keywords = _unique([
        *_properties(descriptive, "Keyword"),
        *(_text(k) for k in scope.all("NewsLines", "KeywordLine")),
        *(v for md in scope.all("Metadata") for prop in children(md, "Property")
          if (prop.get("FormalName") or "").endswith("Keywords")
          for v in [(prop.get("Value") or "").strip()]),
    ])
    slug = scope.first_text("NewsLines", "SlugLine") or _text(_kid(identification, "NameLabel"))
    if nitf is not None:  # the embedded NITF's own keywords (EFE: its key-list keyword is the slug)
        nitf_keywords = _unique(k.get("key") or _text(k) for k in nitf.iter()
                                if localname(k) == "keyword" and localname(k.getparent()) == "key-list")
        keywords = _unique([*keywords, *nitf_keywords])
        if slug is None and nitf_keywords and conventions.slug_from_keyword(provider):
            slug = nitf_keywords[0]

    # ---- newsroom metadata (issue 14)
    envelope = item.getroottree().getroot()
    priority = to_int(_formal(_kid(_kid(envelope, "NewsEnvelope"), "Priority"))) or next(
        (to_int(v) for v in _properties([unit, item], "Priority") if v.isdigit()), None)
    genre = _unique(_formal(g) for md in descriptive for g in children(md, "Genre"))
    place = _unique(v for md in descriptive for loc in children(md, "Location")
                    for prop in children(loc, "Property")
                    if prop.get("FormalName") in ("City", "Country", "CountryArea", "Region")
                    for v in [(prop.get("Value") or "").strip()])
    lead = next((_content_text(p.item) for p in parts
                 if p.kind == _TEXT and p.role in ("lead", "abstract", "summary")), None)
    nitf_abstract = _text(xmlsafe.find(nitf, "body", "body.head", "abstract")) if nitf is not None else None
    ednote = "\n".join(_unique([*_properties([unit, item], "EditorialInfo"),
                                 *(_text(n) for n in scope.all("NewsLines", "EdNote"))])) or None
    news_envelope = _kid(envelope, "NewsEnvelope")
    category = _unique([*(_formal(e) for e in (children(news_envelope, "NewsService")
                                               if news_envelope is not None else [])),
                        *_properties(scope.all("Metadata"), "NewsService")])

    # the Source party names who wrote it when another agency delivered it ("ANP/BELGA")
    original = next((c for c in (canonical_provider(p) for p in source_party) if c and c != provider), None)

    return ParsedStory(
        headline=headline,
        body=body,
        guid=guid,
        version=version,
        provider=provider,
        original_provider=original,
        published_at=published,
        published_raw=published_raw,
        published_tz_source=tz_source,
        version_created=version_created,
        authors=authors,
        credits=credits,
        dateline_location=location,
        dateline_agency=agency,
        language=language,
        slug=slug,
        urgency=to_int(_formal(_kid(management, "Urgency"))),
        pub_status=status,
        embargo_until=embargo,
        subjects=subjects,
        keywords=keywords,
        genre=genre,
        ednote=ednote,
        abstract=nitf_abstract or lead,
        place=place,
        priority=priority,
        category=category,
    )


def _unique_pairs(pairs) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, role in pairs:
        if name and (name, role) not in out:
            out.append((name, role))
    return out


# ------------------------------------------------------------------- sniff/parse


def sniff(data: bytes) -> bool:
    """The first element is ``NewsML`` (NewsML-G2 starts with newsMessage/newsItem)."""
    return xmlsafe.root_name(data) == "NewsML"


def _salvage(data: bytes, source: str) -> Iterator[Item] | None:
    """Items of a file that is not well-formed as a whole, one NewsItem at a time.

    Each ``<NewsItem>...</NewsItem>`` span is parsed on its own, wrapped in the
    file's own ``<NewsML ...>`` start tag so namespace declarations still apply; a
    span that does not parse is a RejectedItem. None if there is no span at all.
    """
    text = xmlsafe.xml_text(data)
    matches = list(_ITEM_SPAN.finditer(text))
    if not matches:
        return None
    opening = _ROOT_OPEN.search(text)
    start = opening.group(0) if opening else "<NewsML>"
    end = "</" + start[1:].split(None, 1)[0].rstrip(">") + ">"
    tail = text[matches[-1].end():]
    truncated = _ITEM_OPEN.search(tail)

    def items() -> Iterator[Item]:
        for match in matches:
            span = match.group(0)
            try:
                root = xmlsafe.parse_xml((start + span + end).encode("utf-8"), format=NAME,
                                         source=source)
            except ParseError as err:
                yield RejectedItem("malformed_xml", err.detail, raw=span.encode("utf-8"))
                continue
            for item in children(root, "NewsItem"):
                yield from _item_results(item, source)
        if truncated:  # the file ends inside a NewsItem
            yield RejectedItem("malformed_xml", "unterminated NewsItem at the end of the input",
                               raw=tail[truncated.start():].encode("utf-8"))

    return items()


def parse(data: bytes, source: str) -> Iterator[Item]:
    """Every NewsItem (and every story unit inside it), in document order."""
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = xmlsafe.parse_xml(data, format=NAME, source=source)
    except ParseError:
        salvaged = _salvage(data, source)
        if salvaged is None:
            raise
        yield from salvaged
        return
    if localname(root) != "NewsML":
        raise ParseError("not_newsml_1", f"root element is {localname(root)!r}", format=NAME,
                         source=source)
    items = children(root, "NewsItem")
    if not items:
        raise ParseError("no_items", "NewsML without NewsItem", format=NAME, source=source)
    for item in items:
        yield from _item_results(item, source)
