"""NITF 3.x (News Industry Text Format), one story per file.

Where things are (NITF 3.1-3.6, SOURCES.md section 6)::

    nitf[@baselang]
      head/title                                    headline fallback
      head/meta[@name]                              AAP ``aap-*``/``anpa-*``, NTB ``NTB*``
      head/tobject/tobject.subject@refnum           subjects
      head/docdata[@management-status]              pub_status
        doc-id@id-string                            guid
        date.issue@norm / date.release@norm         published_at / embargo
        du-key@version, du-key@key                  version, slug
        urgency@ed-urg                              urgency (CP puts it outside docdata)
        ed-msg@info                                 editor note: never in the body
        doc.copyright@holder                        provider hint
        key-list/keyword                            keywords
      head/pubdata@date.publication                 published_at fallback
      body/body.head/hedline/hl1                    headline
      body/body.head/byline[/person]                authors (byttl is a title)
      body/body.head/dateline[/location]            dateline_location / agency
      body/body.content                             body paragraphs
      body/body.end/tagline                         appended to the body

Quirks handled here:

* ``pa4.xml`` / ``mapping_test.xml`` declare iso-8859-1 but hold UTF-8:
  ``xmlsafe.parse_xml`` trusts the bytes (``£``, never ``Â£``).
* ``nitf-fishing.xml`` has a DOCTYPE pointing at a missing DTD: DTDs are never loaded.
* ``ap_media_text_nitf.xml`` puts the whole document in the NITF 3.4 namespace:
  every lookup is by local name.
* Time stamps come as basic ISO (``20131020T192751+1100``, ``20151210T191044Z``),
  extended ISO (``2016-05-12T00:05:13+02:00``, ``2016-04-13 04:52:21+00:00``), naive
  (``20150218T160141``, ANSA ``2022-07-11 18:33``), NTB (``2021.05.16 09:00:04``,
  ``16.05.2021 09:00``) and placeholders (CP ``YYYYMMDD000000-HHMM``, ignored).
* Zone policy for naive stamps: AAP's NITF (``aap-*``/``anpa-*`` metas, rights owner
  AAP) is stamped in Sydney time; its other files carry ``+1100`` in October (AEDT),
  so naive AAP stamps are localized to Australia/Sydney (``provider_default``). Any
  other naive stamp (ANSA via Belga) stays naive and is marked ``assumed`` later.
* ANSA (via Belga) writes its subtitle in ``byline`` (the file's own comment says
  ``Subtitle``) and prefixes titles with ``>>>ANSA/``; its ``<lang lang="it">``
  contradicts its English text and is ignored.
* The distributor and the author differ: AAP redistributes AFP copy
  (``doc.copyright holder="Agence France Presse"``), NTB redistributes Ritzau: the
  feed is ``provider``, the copyright holder ``original_provider``.

The helpers ``parse_wire_datetime``, ``canonical_provider``, ``nitf_body_text``,
``xml_body_text``, ``author_names`` and ``iso_language`` are also used by the NewsML 1.x
parser, which embeds NITF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from lxml import etree

from transforms import conventions
from transforms.formats import xmlsafe
from transforms.formats.base import Item, ParsedStory, ParseError
from transforms.formats.text import tidy
from transforms.formats.xmlsafe import children, localname

NAME = "nitf"

# --------------------------------------------------------------------------- dates

_BASIC = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_EXTENDED = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
# NTB meta: 2021.05.16 09:00:04
_YMD_DOTS = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")
# NTB meta: 16.05.2021 09:00
_DMY_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_wire_datetime(text: str | None) -> datetime | None:
    """A wire time stamp as a datetime: aware if the text has a zone, else naive.

    Returns None for empty, placeholder (``YYYYMMDD000000-HHMM``) or impossible values.
    """
    if not text:
        return None
    value = text.strip()
    try:
        for pattern in (_BASIC, _EXTENDED):
            m = pattern.match(value)
            if m:
                y, mo, d, h, mi, s, zone = m.groups()
                return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0),
                                tzinfo=_offset(zone))
        m = _YMD_DOTS.match(value)
        if m:
            y, mo, d, h, mi, s = m.groups()
            return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        m = _DMY_DOTS.match(value)
        if m:
            d, mo, y, h, mi, s = m.groups()
            return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:  # month 13, hour 25, offset +9999 ...
        return None
    return None


def localize(value: datetime | None, zone: str | None) -> tuple[datetime | None, str | None]:
    """``(datetime, tz_source)``: aware values keep their zone (``source``); naive ones
    are put in ``zone`` when the provider's zone is known (``provider_default``)."""
    if value is None:
        return None, None
    if value.tzinfo is not None:
        return value, "source"
    if zone:
        return value.replace(tzinfo=ZoneInfo(zone)), "provider_default"
    return value, None


# ----------------------------------------------------------------------- providers

# Multi-word names and domains first (``australian associated press`` before
# ``associated press``), then single tokens.
_PROVIDER_PHRASES = (
    ("australian associated press", "aap"),
    ("agence france", "afp"),
    ("associated press", "ap"),
    ("press association", "pa"),
    ("canadian press", "cp"),
    ("agencia efe", "efe"),
    ("efeservicios", "efe"),
    ("ana-mpe", "ana"),
    ("athens news agency", "ana"),
    ("sda-ats", "ats"),
    ("algemeen nederlands persbureau", "anp"),
    ("international press telecommunications council", "iptc"),
    ("business wire", "businesswire"),
    ("nordicir", "solita"),
    ("norsk telegrambyr", "ntb"),
    ("thomson reuters", "reuters"),
    ("deutsche presse", "dpa"),
)
_PROVIDER_TOKENS = {
    "aap": "aap", "afp": "afp", "ap": "ap", "pa": "pa", "cp": "cp", "efe": "efe", "ansa": "ansa",
    "ana": "ana", "anp": "anp", "ats": "ats", "sda": "ats", "belga": "belga", "dpa": "dpa",
    "ntb": "ntb", "stt": "stt", "tt": "tt", "ritzau": "ritzau", "reuters": "reuters",
    "kyodo": "kyodo", "bbc": "bbc", "iptc": "iptc", "businesswire": "businesswire",
    "solita": "solita", "wenn": "wenn", "tass": "tass", "scoop": "scoop", "bloomberg": "bloomberg",
    "rtz": "ritzau",
}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def canonical_provider(*candidates: str | None) -> str | None:
    """Short lowercase agency name from the first candidate that names a known one."""
    for text in candidates:
        if not text:
            continue
        low = text.lower()
        for phrase, name in _PROVIDER_PHRASES:
            if phrase in low:
                return name
        for token in _TOKEN_SPLIT.split(low):
            if token in _PROVIDER_TOKENS:
                return _PROVIDER_TOKENS[token]
        if low.strip() in conventions.ALIASES:
            return conventions.ALIASES[low.strip()]
    return None


# --------------------------------------------------------------------- body text

_BLOCKS = frozenset({
    "p", "hl1", "hl2", "hl3", "block", "div", "table", "tr", "ul", "ol", "dl", "li", "dt", "dd",
    "pre", "bq", "blockquote", "fn", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "tagline", "credit", "body.content", "body.end", "caption", "thead", "tbody", "tfoot",
})
# Never text of the story: pictures and their captions, editor notes (NITF ``note``,
# e.g. ``noteclass="editorsnote"`` in nitf-fishing.xml), language markers, XHTML
# head, scripts.
_SKIP = frozenset({
    "media", "note", "img", "lang", "head", "script", "style", "object", "meta",
    "nitf-table-metadata", "ed-msg",
})
_CELLS = frozenset({"td", "th"})
_WS_RUN = re.compile(r"\s+")


def xml_body_text(el: etree._Element | None, *, br: str = "\n") -> str | None:
    """Plain text of an NITF/XHTML body element.

    One paragraph per block element, paragraphs separated by one blank line. Source
    line breaks inside a paragraph are only whitespace (except in ``pre``); ``br``
    is a line break (or ``br``, e.g. a space where it only wraps lines); table
    cells are separated by a space, one row per paragraph.
    """
    if el is None:
        return None
    parts: list[str] = []

    def add(text: str | None, pre: bool) -> None:
        if text:
            parts.append(text if pre else _WS_RUN.sub(" ", text))

    def walk(node: etree._Element, pre: bool) -> None:
        name = localname(node)
        if name in _SKIP or not isinstance(node.tag, str):
            return
        if name == "br":
            parts.append(br)
            return
        pre = pre or name == "pre"
        block = name in _BLOCKS
        if block:
            parts.append("\n\n")
        elif name in _CELLS:
            parts.append(" ")
        add(node.text, pre)
        for child in node:
            walk(child, pre)
            add(child.tail, pre)
        if block:
            parts.append("\n\n")

    walk(el, False)
    return tidy("".join(parts))


def _nitf_body(nitf: etree._Element) -> etree._Element | None:
    for body in children(nitf, "body"):
        return body
    return None


def nitf_body_text(nitf: etree._Element, *, br: str = "\n") -> str | None:
    """Body text of an ``nitf`` element: ``body.content`` then ``body.end`` taglines.

    ``body.head`` (headline, byline, abstract, editor notes) is never body text.
    """
    body = _nitf_body(nitf)
    if body is None:
        return None
    texts = [xml_body_text(c, br=br) for c in children(body, "body.content")]
    for end in children(body, "body.end"):
        texts.extend(xml_body_text(t, br=br) for t in children(end, "tagline"))
    joined = "\n\n".join(t for t in texts if t)
    return joined or None


# ------------------------------------------------------------------------ people

_BY = re.compile(r"^\s*by\s+", re.I)
_NAME_SPLIT = re.compile(r"\s+(?:and|&|und|og|och|et|y|e)\s+|\s*;\s*|\s*\|\s*", re.I)


def author_names(byline: str | None) -> list[str]:
    """Names in a byline: ``By Ian Jones, Press Association`` -> ``["Ian Jones"]``.

    What follows the first comma is a title or an employer (``AP Business Writer``).
    Parts that do not look like names (initials such as ``gr/bp``, digits, long
    phrases, all lowercase) are dropped.
    """
    if not byline:
        return []
    text = _BY.sub("", tidy(byline) or "")
    text = text.split(",", 1)[0]
    names = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .-–—")
        words = part.split()
        if (not words or len(words) > 5 or "/" in part or any(c.isdigit() for c in part)
                or part == part.lower()):
            continue
        if part not in names:
            names.append(part)
    return names


_LANG_SPLIT = re.compile(r"[-_]")


def iso_language(tag: str | None) -> str | None:
    """ISO 639-1 code from a language tag (``es-ES`` -> ``es``, ``EN`` -> ``en``)."""
    if not tag:
        return None
    primary = _LANG_SPLIT.split(tag.strip(), maxsplit=1)[0].lower()
    return primary if len(primary) == 2 and primary.isalpha() else None


def subject_code(value: str | None) -> str | None:
    """IPTC subject codes as ``subj:NNNNNNNN`` (the NewsML-G2 qcode form); others as given."""
    if not value or not value.strip():
        return None
    value = value.strip()
    return f"subj:{value}" if len(value) == 8 and value.isdigit() else value


def normalize_status(value: str | None) -> str | None:
    """``usable`` / ``withheld`` / ``canceled`` from NITF/NewsML status words."""
    if not value:
        return None
    low = value.strip().lower()
    if low in ("usable", "usable-update"):
        return "usable"
    if low in ("withheld", "embargoed", "embargo"):
        return "withheld"
    if low in ("canceled", "cancelled", "kill", "killed"):
        return "canceled"
    return None


def to_int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value else None
    except ValueError:
        return None


def _unique(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out


# ------------------------------------------------------------------------- sniff


def sniff(data: bytes) -> bool:
    """The first element is ``nitf`` (NITF inside NewsML belongs to the outer format)."""
    return xmlsafe.root_name(data) == "nitf"


# ------------------------------------------------------------------------- parse

_ANSA_PREFIX = re.compile(r"^>+\s*ANSA\s*/\s*")
_ANPA_KEYWORD = re.compile(r"^BC-[A-Z]{2,5}--(?P<words>[^\s].*)$")
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE_LOC = re.compile(rf"^(?P<loc>[^,\d(]+?)\s*(?:,|\s{_MONTH_WORD}\s+\d|\(|$)")
# ``... (AFP) -`` or ``SYDNEY March 22 AAP -`` (a bare code needs the dash)
_DATELINE_AGENCY = re.compile(r"(?:\((?P<a>[^)]+)\)\s*[-–—:]*|\b(?P<b>[A-Z]{2,6})\s*[-–—]+)\s*$")


def _attr(el: etree._Element | None, name: str) -> str | None:
    if el is None:
        return None
    value = el.get(name)
    return value.strip() if value and value.strip() else None


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    """First element along a path of direct children (namespace-agnostic)."""
    cur = el
    for name in path:
        if cur is None:
            return None
        kids = children(cur, name)
        cur = kids[0] if kids else None
    return cur


def _descendants(el: etree._Element | None, name: str) -> list[etree._Element]:
    if el is None:
        return []
    return [e for e in el.iter() if e is not el and localname(e) == name]


def _metas(head: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in children(head, "meta") if head is not None else []:
        name, content = meta.get("name"), meta.get("content")
        if name and content and content.strip() and name not in out:
            out[name] = content.strip()
    return out


def _dateline(dateline: etree._Element | None) -> tuple[str | None, str | None]:
    """``(location, agency)`` from ``body.head/dateline``."""
    if dateline is None:
        return None, None
    location = _first(dateline, "location")
    if location is not None:
        named = [xmlsafe.text_of(c) for c in location if localname(c) in (
            "city", "state", "region", "country", "sublocation")]
        named = [n for n in named if n]
        return (", ".join(named) if named else xmlsafe.text_of(location)), None
    text = tidy(" ".join(_own_text(dateline)))
    if not text:
        return None, None
    m = _DATELINE_AGENCY.search(text)
    agency = (m.group("a") or m.group("b")) if m else None
    loc = _DATELINE_LOC.match(text)
    return (loc.group("loc").strip() if loc and loc.group("loc").strip() else None), agency


def _own_text(el: etree._Element) -> list[str]:
    """Text of ``el`` without its ``story.date`` child (a machine date, not the place)."""
    out = [el.text or ""]
    for c in el:
        if localname(c) != "story.date" and isinstance(c.tag, str):
            out.append(" ".join(c.itertext()))
        out.append(c.tail or "")
    return out


def _byline_names(byline: etree._Element | None) -> list[str]:
    if byline is None:
        return []
    persons = _descendants(byline, "person")
    if persons:
        names: list[str] = []
        for p in persons:
            names.extend(author_names(xmlsafe.text_of(p)))
        return _unique(names)
    # byttl is the writer's title (``AP Business Writer``), not a name
    text = " ".join([byline.text or ""] + [
        (" ".join(c.itertext()) if localname(c) != "byttl" else "") + (c.tail or "")
        for c in byline if isinstance(c.tag, str)])
    return author_names(text)


def story_from_nitf(root: etree._Element, *, source: str) -> ParsedStory:
    """One ParsedStory from a standalone ``nitf`` element; ParseError if it has no body."""
    head = _first(root, "head")
    docdata = _first(head, "docdata")
    body = _nitf_body(root)
    body_head = _first(body, "body.head")
    metas = _metas(head)

    # ---- provider: the feed that delivered it, and the agency that wrote it
    copyright_holder = _attr(_first(docdata, "doc.copyright"), "holder")
    rights = _first(docdata, "doc.rights")
    doc_id = _first(docdata, "doc-id")
    from_src = [_attr(s, "src-name") for s in _descendants(_first(docdata, "del-list"), "from-src")]
    distributor = xmlsafe.text_of(_first(body_head, "distributor"))
    rights_owner = xmlsafe.text_of(_first(body_head, "rights", "rights.owner"))
    author_agency = canonical_provider(
        copyright_holder, metas.get("NTBKilde"), _attr(doc_id, "regsrc"), *from_src,
        rights_owner, distributor, metas.get("aap-source"))
    is_aap_feed = (any(k.startswith(("aap-", "anpa-")) for k in metas)
                   or canonical_provider(_attr(rights, "owner"), _attr(rights, "agent")) == "aap")
    is_ntb_feed = any(k.startswith("NTB") for k in metas)
    if is_aap_feed:
        provider = "aap"
    elif is_ntb_feed:
        provider = "ntb"
    else:
        provider = author_agency
    original_provider = author_agency if author_agency and author_agency != provider else None

    # AAP's NITF keeps the ANPA line wraps as <br /> in mid-sentence
    # ("the <br />fire situation", aap.xml): there a br is only a space.
    text = nitf_body_text(root, br=" " if provider == "aap" else "\n")
    if not text:
        raise ParseError("no_body", "body.content holds no text", format=NAME, source=source)

    # ---- headline
    headline = xmlsafe.text_of(_first(body_head, "hedline", "hl1")) or xmlsafe.text_of(
        _first(head, "title"))
    if headline and provider == "ansa":
        headline = _ANSA_PREFIX.sub("", headline) or headline
    # AP may put the ANPA keyword in hl1 (and hl2): "BC-BBN--Top Ten" (ap_media_text_nitf.xml). It is the
    # slug; the keyword's words are all the headline there is.
    keyword_hl = _ANPA_KEYWORD.match(headline or "")
    if keyword_hl:
        keyword_slug, headline = headline, keyword_hl.group("words").strip() or headline
    else:
        keyword_slug = None

    # ---- dates
    zone = conventions.zone_for(provider)
    issue_raw = _attr(_first(docdata, "date.issue"), "norm")
    release_raw = _attr(_first(docdata, "date.release"), "norm")
    pubdata = _first(head, "pubdata")
    if pubdata is None:  # EFE and NTB put pubdata inside docdata
        pubdata = _first(docdata, "pubdata")
    publication_raw = _attr(pubdata, "date.publication")
    story_date_raw = _attr(_first(body_head, "dateline", "story.date"), "norm")
    published_raw = None
    published = None
    for raw in (issue_raw, publication_raw, story_date_raw, release_raw):
        value = parse_wire_datetime(raw)
        if value is not None:
            published, published_raw = value, raw
            break
    published, tz_source = localize(published, zone)
    release, _ = localize(parse_wire_datetime(release_raw), zone)

    status = normalize_status(_attr(docdata, "management-status"))
    embargo = None
    if release is not None and published is not None and release != published:
        try:
            if release > published:
                embargo = release
        except TypeError:  # one naive, one aware: cannot compare, say nothing
            embargo = None
    elif release is not None and status == "withheld":
        embargo = release

    # ---- people and places
    byline = _first(body_head, "byline")
    # ANSA's byline holds a subtitle, not a name (its own comment says so)
    authors = [] if provider == "ansa" else _byline_names(byline)
    history = children(head, "revision-history") if head is not None else []
    credits = [(n, f) for h in history
               for n, f in [(_attr(h, "name"), _attr(h, "function"))] if n and f]
    location, agency = _dateline(_first(body_head, "dateline"))

    # ---- classification
    urgency_el = _first(docdata, "urgency")
    if urgency_el is None:
        found = _descendants(head, "urgency")
        urgency_el = found[0] if found else None
    du_key = _first(docdata, "du-key")
    version = _attr(du_key, "version")
    if version and version.isdigit():
        version = str(int(version))
    subjects = _unique(subject_code(_attr(s, "tobject.subject.refnum"))
                       for s in _descendants(_first(head, "tobject"), "tobject.subject"))
    if not subjects and metas.get("category_iptc"):
        subjects = _unique([subject_code(metas["category_iptc"])])
    keywords = _unique((_attr(k, "key") or xmlsafe.text_of(k))
                       for k in _descendants(_first(docdata, "key-list"), "keyword"))
    if metas.get("keyword"):  # ANSA: <meta name="keyword" content=">>>ANSA/...">
        keywords = _unique([*keywords, _ANSA_PREFIX.sub("", metas["keyword"]).strip()])
    slug = _attr(du_key, "key") or metas.get("anpa-keyword") or metas.get("NTBStikkord") or keyword_slug
    if slug is None and conventions.slug_from_keyword(provider) and keywords:
        slug = keywords[0]  # EFE files its slug as the one key-list keyword (efe_nitf.xml)

    # ---- newsroom metadata
    ed_msg = [_attr(m, "info") for m in _descendants(docdata, "ed-msg")]
    abstract = xmlsafe.text_of(_first(body_head, "abstract"))
    if abstract is None:  # NTB marks its lead paragraph (nitf_test.xml)
        lead = [p for p in _descendants(_first(body, "body.content"), "p")
                if (p.get("class") or "").lower() == "lead" or p.get("lede") == "true"]
        abstract = xmlsafe.text_of(lead[0]) if lead else None
    genre = [_attr(p, "tobject.property.type") for p in _descendants(_first(head, "tobject"), "tobject.property")]
    place = [_attr(e, a) for e in _descendants(docdata, "evloc")
             for a in ("city", "county-dist", "state-prov", "iso-cc")]
    priority = next((to_int(metas[k]) for k in ("NTBPrioritet", "anpa-priority", "priority")
                     if metas.get(k, "").isdigit()), None)
    category = [metas.get(k) for k in ("anpa-category", "category", "categoria", "NTBTjeneste")]

    return ParsedStory(
        headline=headline,
        body=text,
        guid=_attr(doc_id, "id-string"),
        version=version,
        provider=provider,
        original_provider=original_provider,
        published_at=published,
        published_raw=published_raw,
        published_tz_source=tz_source,
        authors=authors,
        credits=credits,
        dateline_location=location,
        dateline_agency=agency,
        language=iso_language(root.get("baselang")),
        slug=slug,
        urgency=to_int(_attr(urgency_el, "ed-urg")),
        pub_status=status,
        embargo_until=embargo,
        subjects=subjects,
        keywords=keywords,
        genre=[g for g in genre if g],
        ednote="\n".join(m for m in ed_msg if m) or None,
        abstract=abstract,
        place=[p for p in place if p],
        priority=priority,
        category=[c for c in category if c],
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    """The one story of an NITF document."""
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    root = xmlsafe.parse_xml(data, format=NAME, source=source)
    if localname(root) != "nitf":
        raise ParseError("not_nitf", f"root element is {localname(root)!r}", format=NAME,
                         source=source)
    yield story_from_nitf(root, source=source)
