"""Small text helpers shared by the parsers: decoding bytes and flattening HTML."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, fallback: str = "cp1252") -> tuple[str, str]:
    """Decode wire bytes to ``(text, encoding)``.

    A BOM wins; then strict UTF-8 (wire files that declare latin-1 often hold
    UTF-8: superdesk ``pa4.xml``); then ``fallback`` (cp1252, a superset of the
    printable latin-1 that agencies send), and latin-1 as the last resort since
    it maps every byte.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(fallback), fallback
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True when the head of ``data`` is not text: NUL bytes or many C0 controls.

    Wire framing bytes (SOH, STX, ETX, EOT, SYN, US, DC1-DC4, ESC, DEL) are not
    counted: ANPA-1312 and IPTC 7901 are text framed with them.
    """
    head = data[:sample]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    framing = set(b"\t\n\r\x01\x02\x03\x04\x16\x1f\x11\x12\x13\x14\x1b\x1e\x05\x7f\x0b\x0c")
    odd = sum(1 for b in head if b < 0x20 and b not in framing)
    return odd / len(head) > 0.05


_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" ?\n ?")
_BLANKS = re.compile(r"\n{3,}")
_ODD_WS = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")


def tidy(text: str | None) -> str | None:
    """NFC, unify line ends, collapse runs of spaces, at most one blank line.

    Whole-text substitutions rather than a loop over lines: this runs once per
    story on the bulk path."""
    if text is None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFC", text)
    # Each substitution only where it has something to do: a regex pass over every
    # space of a story costs more than the rest of parsing it (str's `in` is C).
    if "  " in text or "\t" in text or (not ascii_only and _ODD_WS.search(text)):
        text = _WS.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANKS.sub("\n\n", text)
    out = text.strip()
    return out or None


_BLOCK = re.compile(
    r"<\s*/?\s*(p|div|br|li|ul|ol|h[1-6]|section|article|blockquote|tr|table|pre|hr|header|footer)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_DROP = re.compile(r"<\s*(script|style|head|noscript)\b.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def html_to_text(markup: str | None) -> str | None:
    """Turn an HTML fragment into plain paragraphs separated by blank lines."""
    if markup is None:
        return None
    s = _COMMENT.sub("", markup)
    s = _DROP.sub("", s)
    s = _BLOCK.sub("\n\n", s)
    s = _TAG.sub("", s)
    return tidy(html.unescape(s))
