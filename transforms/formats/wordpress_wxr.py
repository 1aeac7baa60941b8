"""WordPress eXtended RSS (WXR): a WordPress site's export, one story per post.

WXR is RSS 2.0 with the ``wp:`` (``http://wordpress.org/export/1.x/``),
``content:``, ``excerpt:`` and ``dc:`` namespaces (SOURCES.md section 10,
superdesk-core ``wordpress_wxr.xml`` and Funke's ``wordpress_wxr_funke.xml``,
which has XML comments before the root). Its sniff runs before ``rss_2``'s, and
``rss_2`` refuses a feed that declares the ``wp:`` namespace.

Mapping of one ``<item>``:

* ``body``: ``content:encoded`` (CDATA HTML). WordPress stores paragraphs as bare
  line breaks (its ``wpautop`` adds the ``<p>`` on display), so each line break is
  a paragraph break. Shortcodes are removed: ``[dropcap]M[/dropcap]`` -> ``M``
  (an enclosing shortcode keeps its text), ``[contact_form]`` and other
  self-standing ones vanish, and ``[caption]``/``[gallery]``/``[embed]``/
  ``[video]``/``[audio]``/``[playlist]`` go with what they enclose (media and
  captions are not story text; ``<figure>`` captions likewise). A bracketed word
  in running text (``[sic]``) is not a shortcode and stays.
* ``headline``: ``title``; ``guid``: ``guid``; ``url``: ``link``.
* ``published_at``: ``wp:post_date_gmt`` (UTC); when it is empty or
  ``0000-00-00 00:00:00`` (drafts), ``pubDate`` (RFC 822 GMT; weekday names are
  not checked: the sample has ``Sun, 11 Jul 2014``, a Friday), else
  ``wp:post_date`` (site-local, zone unknown: taken as UTC and flagged).
* ``authors``: the ``wp:author`` display name of ``dc:creator`` (the login).
* ``keywords``: the post's tags (``category domain="post_tag"``), then its
  categories (``domain="category"``).
* ``language``: the channel's ``language``; ``provider``: the site: a known
  agency's code from the channel ``link``, else the host's own name
  (``funkygames.de`` -> ``funkygames``).
* ``wp:status``: ``publish`` and ``inherit`` (attachments and their parents)
  are usable; ``future`` (scheduled) is usable with ``embargo_until`` at its
  date. **Drafts** (``draft``, ``pending``, ``auto-draft``) and ``private`` posts
  are kept as stories with ``pub_status="withheld"``: the export holds their
  text, nothing is lost, but they were never published, so a user filtering on
  ``usable`` never sees them and dedup ranks a published copy above them.
  ``trash`` is ``canceled``.

Which items are stories:

* ``post_type`` ``post`` with text -> a story;
* ``post_type`` ``attachment``, or a post with no text whose ``wp:attachment_url``
  or markup is media -> ``SkippedItem("non_text:picture")`` (``video``,
  ``audio``, ``embed`` or ``file`` by the media);
* ``page``, ``nav_menu_item``, ``revision`` and other site objects ->
  ``SkippedItem("non_news:<post_type>")``;
* a post with neither text nor media -> ``RejectedItem("no_body")``;
* an export that is not well-formed is read post by post: each well-formed
  ``<item>`` as above, a broken one a ``RejectedItem("malformed_xml")``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from lxml import etree

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.text import html_to_text, tidy
from transforms.formats.web import channel_head, language_code, provider_from_name, provider_from_url
from transforms.formats.xmlsafe import (
    children,
    item_pattern,
    item_start,
    localname,
    parse_xml,
    root_name,
    salvage_items,
)

NAME = "wordpress_wxr"

WXR_NS = b"wordpress.org/export/"
_ITEM = item_pattern("item")
_ITEM_START = item_start("item")
_SNIFF_BYTES = 8192


def sniff(data: bytes) -> bool:
    """An ``rss`` root that declares WordPress's export namespace."""
    return root_name(data) == "rss" and is_wxr(data)


def is_wxr(data: bytes) -> bool:
    """The head declares the ``wp:`` export namespace (shared with rss_2's sniff)."""
    return WXR_NS in data[:_SNIFF_BYTES]


# --------------------------------------------------------------------------- body

_MEDIA_SHORTCODES = ("caption", "gallery", "embed", "video", "audio", "playlist", "wp_caption")
_MEDIA_BLOCK = re.compile(
    r"\[(" + "|".join(_MEDIA_SHORTCODES) + r")\b[^\]]*\].*?\[/\1\]", re.S | re.I)
# [name attr=...] ... [/name]: the markers go, the enclosed text stays
_ENCLOSING = re.compile(r"\[([a-z][\w-]*)\b[^\]\[]*\](.*?)\[/\1\]", re.S)
# a shortcode standing alone: with attributes, or alone on its line
_WITH_ATTRS = re.compile(r"\[[a-z][\w-]*\s+[\w-]+=[^\]]*\]")
_ALONE = re.compile(r"(?m)^[ \t]*\[/?[a-z][\w-]*\][ \t]*$")
_FIGURE = re.compile(r"<figure\b.*?</figure\s*>|<figcaption\b.*?</figcaption\s*>", re.I | re.S)
_MEDIA_TAG = re.compile(r"<\s*(img|video|audio|iframe|embed|object)\b", re.I)
_MEDIA_KIND = {"img": "picture", "video": "video", "audio": "audio", "iframe": "embed",
               "embed": "embed", "object": "embed"}


def strip_shortcodes(text: str) -> str:
    text = _MEDIA_BLOCK.sub("", text)
    for _ in range(5):  # nested enclosing shortcodes, innermost first
        new = _ENCLOSING.sub(r"\2", text)
        if new == text:
            break
        text = new
    text = _WITH_ATTRS.sub("", text)
    return _ALONE.sub("", text)


def _body(markup: str | None) -> str | None:
    if not markup or not markup.strip():
        return None
    markup = _FIGURE.sub("", strip_shortcodes(markup))
    # wpautop: a line break in the stored post is a paragraph on display
    return html_to_text(markup.replace("\r\n", "\n").replace("\n", "\n\n"))


def _media_kind(markup: str | None, attachment_url: str | None) -> str | None:
    if attachment_url:
        return _kind_of_url(attachment_url)
    m = _MEDIA_TAG.search(markup or "")
    return _MEDIA_KIND[m.group(1).lower()] if m else None


_EXT_KIND = {
    "jpg": "picture", "jpeg": "picture", "png": "picture", "gif": "picture", "webp": "picture",
    "svg": "picture", "mp4": "video", "mov": "video", "webm": "video", "m4v": "video",
    "mp3": "audio", "m4a": "audio", "wav": "audio", "ogg": "audio",
}


def _kind_of_url(url: str) -> str:
    ext = url.split("?", 1)[0].rsplit(".", 1)[-1].lower()
    return _EXT_KIND.get(ext, "file")


# -------------------------------------------------------------------------- items


def _site(link: str | None) -> str | None:
    """The site as provider: a known agency's code, else the host's own name
    (``https://funkygames.de`` -> ``funkygames``)."""
    known = provider_from_url(link)
    if known or not link:
        return known
    try:
        host = (urlsplit(link.strip()).hostname or "").removeprefix("www.")
    except ValueError:
        return None
    labels = [x for x in host.split(".") if x]
    if len(labels) >= 3 and len(labels[-2]) <= 3:  # example.co.zw, example.com.au
        labels = labels[:-2]
    elif len(labels) >= 2:
        labels = labels[:-1]
    return labels[-1].lower() if labels else None


def _text(el: etree._Element, name: str) -> str | None:
    for c in children(el, name):
        text = "".join(c.itertext())
        if text.strip():
            return text
    return None


def _gmt(value: str | None) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _rfc822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)  # the weekday name is not checked
    except (TypeError, ValueError, IndexError):
        return None


_STATUS = {"publish": "usable", "inherit": "usable", "future": "usable", "draft": "withheld",
           "pending": "withheld", "auto-draft": "withheld", "private": "withheld", "trash": "canceled"}


def _authors(channel: etree._Element) -> dict[str, str]:
    """login -> display name (or first + last name) from the channel's ``wp:author``s."""
    out: dict[str, str] = {}
    for a in children(channel, "author"):
        login = tidy(_text(a, "author_login"))
        if not login:
            continue
        display = tidy(_text(a, "author_display_name"))
        full = tidy(" ".join(p for p in (_text(a, "author_first_name"), _text(a, "author_last_name")) if p))
        out[login] = display or full or login
    return out


def _item(item: etree._Element, provider: str | None, language: str | None,
          authors: dict[str, str]) -> Item:
    guid = tidy(_text(item, "guid"))
    post_type = (tidy(_text(item, "post_type")) or "post").lower()
    attachment_url = tidy(_text(item, "attachment_url"))
    if post_type == "attachment":
        return SkippedItem(f"non_text:{_kind_of_url(attachment_url or guid or '')}", guid=guid)
    if post_type != "post":
        return SkippedItem(f"non_news:{post_type}", guid=guid)
    markup = _text(item, "encoded")  # content:encoded (excerpt:encoded is a teaser)
    content = None
    for c in children(item, "encoded"):
        if (c.tag or "").startswith("{http://purl.org/rss/1.0/modules/content/"):
            content = "".join(c.itertext())
    markup = content if content is not None else markup
    body = _body(markup)
    if not body:
        kind = _media_kind(markup, attachment_url)
        if kind:
            return SkippedItem(f"non_text:{kind}", guid=guid, detail="a post of media and no text")
        return RejectedItem("no_body", f"post {guid or '?'} has no text", raw=etree.tostring(item))
    status = (tidy(_text(item, "status")) or "publish").lower()
    gmt_raw = tidy(_text(item, "post_date_gmt"))
    pub_raw = tidy(_text(item, "pubDate"))
    local_raw = tidy(_text(item, "post_date"))
    published = _gmt(gmt_raw)
    raw, tz_source = gmt_raw, None
    if published is None:
        published, raw = _rfc822(pub_raw), pub_raw
    if published is None and local_raw and not local_raw.startswith("0000"):
        try:  # site-local time of an unknown zone: naive, taken as UTC and flagged
            published = datetime.strptime(local_raw, "%Y-%m-%d %H:%M:%S")
            raw, tz_source = local_raw, "assumed"
        except ValueError:
            published = None
    creator = tidy(_text(item, "creator"))
    tags, categories = [], []
    for c in children(item, "category"):
        name = tidy(html.unescape("".join(c.itertext())))  # WordPress stores "&amp;" in CDATA
        if name:
            (tags if c.get("domain") == "post_tag" else categories).append(name)
    return ParsedStory(
        headline=tidy(html.unescape(_text(item, "title") or "")),
        body=body,
        guid=guid,
        provider=provider,
        published_at=published,
        published_raw=raw,
        published_tz_source=tz_source,
        authors=[authors.get(creator, creator)] if creator else [],
        language=language,
        url=tidy(_text(item, "link")),
        pub_status=_STATUS.get(status, "withheld"),
        embargo_until=published if status == "future" else None,
        keywords=list(dict.fromkeys(tags + categories)),
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    try:
        root = parse_xml(data, format=NAME, source=source)
    except ParseError:
        # one broken post must not lose the others: each well-formed <item> is read
        # alone, a broken one is a RejectedItem (the channel header still names the site)
        link, language = channel_head(data)
        provider = _site(link) if link else None
        for el in salvage_items(data, _ITEM, _ITEM_START, format=NAME, source=source):
            yield el if isinstance(el, RejectedItem) else _item(el, provider, language, {})
        return
    if localname(root) != "rss":
        raise ParseError("not_wxr", f"root element is {localname(root)!r}", format=NAME, source=source)
    channel = next(iter(children(root, "channel")), None)
    items = children(channel, "item") if channel is not None else []
    if channel is None or not items:
        raise ParseError("no_items", "the export has no <item>", format=NAME, source=source)
    provider = _site(tidy(_text(channel, "link"))) or provider_from_name(tidy(_text(channel, "title")))
    language = language_code(tidy(_text(channel, "language")))
    authors = _authors(channel)
    for item in items:
        yield _item(item, provider, language, authors)
