"""Plain text: the last resort for text that no other parser claims.

Seen in the corpus (SOURCES.md section 6): Asianet/PR Newswire media releases
(``asianet_*.tst``), Bureau of Meteorology bulletins (``IDN38100.tst``,
``IDY21020.tst``), a pipe-delimited greyhound table (``CRN2016427R1.tst``) and
aap ``abs-calendar.txt`` (a CSV with a UTF-8 BOM). The text carries no fields,
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


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    if looks_binary(data):
        raise ParseError("binary_content", "not text", format=NAME, source=source)
    text, _ = decode_text(data)
    lines = _lines(text.lstrip("\ufeff"))
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("empty_input", format=NAME, source=source)
    first = lines[0].strip()
    if len(first) <= MAX_HEADLINE:
        headline, rest = first, lines[1:]
    else:
        headline, rest = None, lines
    body = tidy("\n".join(rest))
    if not body:
        raise ParseError("no_body", "the text is a single line", format=NAME, source=source)
    head = text[:2000]
    provider = next((p for marker, p in _PROVIDER_MARKERS if marker in head), None)
    yield ParsedStory(headline=headline, body=body, provider=provider)
