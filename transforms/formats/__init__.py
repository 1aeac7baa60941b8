"""Registry of wire-format parsers and content-based format detection.

``PARSERS`` is the explicit, ordered list of parser modules: detection asks each
``sniff`` in this order and takes the first that says yes, so more specific
formats come before more general ones. The file name is never trusted.
"""

from __future__ import annotations

from types import ModuleType

from transforms.formats import (
    aap_telex,
    anpa_1312,
    ap_media,
    atom,
    email,
    events,
    iptc_7901,
    news_csv,
    news_html,
    news_please,
    newsml_1,
    newsml_g2,
    ninjs,
    nitf,
    plain_text,
    reuters_21578,
    reuters_web_text,
    ritzau,
    rss_2,
    solita,
    wordpress_wxr,
)
from transforms.formats.base import (
    Item,
    ParsedStory,
    ParseError,
    RejectedItem,
    SkippedItem,
)
from transforms.formats.text import looks_binary

PARSERS: tuple[ModuleType, ...] = (
    newsml_g2,
    newsml_1,
    nitf,
    reuters_21578,
    ritzau,
    solita,
    # before rss_2: a WordPress export is RSS 2.0 with the wp: namespace
    wordpress_wxr,
    rss_2,
    atom,
    news_html,
    reuters_web_text,
    # calendars and event feeds (iCalendar text, event JSON/XML): skipped as events
    events,
    # RFC 822 mail: text with a mail header block, before the other text formats
    email,
    ap_media,
    news_please,
    ninjs,
    news_csv,
    anpa_1312,
    iptc_7901,
    aap_telex,
    # last: any other readable text with a headline line and a body
    plain_text,
)

_BY_NAME = {p.NAME: p for p in PARSERS}


def names() -> list[str]:
    return sorted(_BY_NAME)


def by_name(name: str) -> ModuleType:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(names())}") from None


def detect(data: bytes, source: str = "") -> ModuleType:
    """The parser whose ``sniff`` claims ``data``; raises :class:`ParseError` if none."""
    if not data or data.isspace():  # not data.strip(), which copied the whole input
        raise ParseError("empty_input", "the input has no content", source=source)
    for parser in PARSERS:
        if parser.sniff(data):
            return parser
    if looks_binary(data):
        raise ParseError("binary_content",
                         "not text and not a known container or wire format", source=source)
    raise ParseError("unrecognized_format",
                     "no parser recognised the content: " + repr(data[:60]), source=source)


__all__ = [
    "PARSERS", "Item", "ParseError", "ParsedStory", "RejectedItem", "SkippedItem",
    "by_name", "detect", "names",
]
