"""Plain text: the last resort for text that no other parser claims.

Seen in the corpus (SOURCES.md section 6): Asianet/PR Newswire media releases
(``asianet_*.tst``), Bureau of Meteorology bulletins (``IDN38100.tst``,
``IDY21020.tst``) and a pipe-delimited greyhound table (``CRN2016427R1.tst``)
(aap ``abs-calendar.txt``, a calendar exported as CSV, is the events parser's).
The text carries no fields,
so the story is: headline = the first non-empty line when it is short enough to
be one (otherwise no headline and the whole text is the body), body = the rest
with its line structure kept (paragraph breaks are the source's blank lines).
The only metadata taken is a provider named by an explicit marker in the head of
the text (``/PRNewswire-AsiaNet/``, ``Bureau of Meteorology``).

The registry asks this sniff last. It still refuses markup and JSON (text
starting with ``<``, ``{`` or ``[``), wire framing bytes (SOH/STX/ETX/SYN),
what the ANPA-1312, IPTC 7901 and AAP telex sniffs claim (belga ``dpa.txt`` has
no framing bytes, a ZCZC file is plain text), and binary data, so that input nobody recognises is rejected as unrecognised rather
than stored as a plain-text story.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transforms.formats import aap_telex, anpa_1312, email, events, iptc_7901
from transforms.formats.base import Item, ParsedStory, ParseError
from transforms.formats.text import decode_text, looks_binary, tidy

NAME = "plain_text"

MAX_HEADLINE = 200
_SNIFF_BYTES = 4096
_FRAMING = ("\x01", "\x02", "\x03", "\x16")
_MARKUP_START = ("<", "{", "[")
# (marker in the head of the text, provider); first match wins, so the more
# specific marker comes first
_TEXT_WIRE_FORMATS = (anpa_1312, iptc_7901, aap_telex, email, events)
_PROVIDER_MARKERS = (
    ("PRNewswire-AsiaNet", "asianet"),
    ("PRNewswire", "prnewswire"),
    ("Bureau of Meteorology", "bom"),
)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def sniff(data: bytes) -> bool:
    """Any non-binary text with a first line and some more text, not markup/JSON."""
    head = data[:_SNIFF_BYTES]
    if not head.strip() or looks_binary(head):
        return False
    text, _ = decode_text(head)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(_MARKUP_START) or any(c in text for c in _FRAMING):
        return False
    if sum(1 for line in _lines(stripped) if line.strip()) < 2:
        return False
    # the text wire formats are text too: never claim what their sniffs claim, so
    # the four sniffs stay disjoint whatever the registry order
    return not any(p.sniff(data) for p in _TEXT_WIRE_FORMATS)


# Press-release wire header (aap asianet_*.tst): "Source: <issuer>" then "MEDIA RELEASE PR67254".
_SOURCE_LINE = re.compile(r"^Source:\s*(?P<issuer>.+?)\s*$")
_RELEASE_LINE = re.compile(r"^MEDIA RELEASE\s+(?P<id>\S+)\s*$")
# Bureau of Meteorology bulletins (aap IDN38100.tst, IDY21020.tst): a product code line, the
# issuer's lines, then the bulletin's title (the first paragraph naming a product).
_BOM_CODE = re.compile(r"^ID[A-Z]\d{5}$")
_BOM_HEADER = re.compile(r"^(?:[\d:A-Z]+:[\d:A-Z]+|SECURITE|.*Bureau of Meteorology.*|At \d{4}UTC.*"
                         r"|Issued at .*|Issued by .*)$")
_BOM_PRODUCT = re.compile(r"\b(?:Warning|Alert|Watch|Forecast|Advice|Bulletin|Summary|Outlook|Cancellation)\b",
                          re.I)
# A headline hard-wrapped over a few lines, ended by a blank line.
MAX_HEADLINE_LINES = 3


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line.strip())
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _bom_headline(lines: list[str]) -> tuple[str | None, int]:
    """``(title, lines used)`` of a BOM bulletin."""
    used = 0
    for para in _paragraphs(lines[1:]):
        kept = [ln for ln in para if not _BOM_HEADER.match(ln)]
        if kept and _BOM_PRODUCT.search(" ".join(kept)):
            title = " ".join(kept)
            # the title's last line: the body starts after it
            last = kept[-1]
            used = next(i for i, ln in enumerate(lines) if ln.strip() == last) + 1
            return title, used
    return None, 0


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    if looks_binary(data):
        raise ParseError("binary_content", "not text", format=NAME, source=source)
    text, _ = decode_text(data)
    text = text.lstrip("\ufeff")
    lines = _lines(text)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("empty_input", format=NAME, source=source)
    story = ParsedStory()
    # press-release header lines: the issuer and the release id, not the headline
    m = _SOURCE_LINE.match(lines[0].strip())
    if m:
        story.credits = [(m["issuer"], "issuer")]
        lines = lines[1:]
    if lines and (m := _RELEASE_LINE.match(lines[0].strip())):
        story.guid = m["id"]
        lines = lines[1:]
    first = lines[0].strip() if lines else ""
    if _BOM_CODE.match(first):
        story.slug = first
        headline, used = _bom_headline(lines)
        if headline:
            story.headline, rest = headline, lines[used:]
        else:
            story.headline, rest = first, lines[1:]
    else:
        # the first paragraph is the headline when it is a few short lines (a wrapped title)
        para = _paragraphs(lines[:MAX_HEADLINE_LINES + 1])[:1]
        wrapped = para[0] if para else []
        blank_after = len(lines) > len(wrapped) and not lines[len(wrapped)].strip()
        joined = " ".join(wrapped)
        if 1 < len(wrapped) <= MAX_HEADLINE_LINES and blank_after and len(joined) <= MAX_HEADLINE:
            story.headline, rest = joined, lines[len(wrapped):]
        elif len(first) <= MAX_HEADLINE:
            story.headline, rest = first, lines[1:]
        else:
            story.headline, rest = None, lines
    story.body = tidy("\n".join(rest))
    if not story.body:
        raise ParseError("no_body", "the text is a single line", format=NAME, source=source)
    head = text[:2000]
    story.provider = next((p for marker, p in _PROVIDER_MARKERS if marker in head), None)
    yield story
