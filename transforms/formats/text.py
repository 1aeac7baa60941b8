"""Small text helpers shared by the parsers: decoding bytes and flattening HTML."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

import numba

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



# C0 controls that no text record holds (tab, LF, CR, and the wire framing bytes
# looks_binary allows are left out): NUL above all, the mark of a zeroed disk block.
_CORRUPT = re.compile(rb"[\x00\x06-\x08\x0e-\x10\x15\x17-\x1a\x1c\x1d]")
_CORRUPT_STR = re.compile(_CORRUPT.pattern.decode("ascii"))


def corrupt_bytes(record: bytes | str) -> str | None:
    """Why one record of a multi-record file (a JSON line, a CSV row, an SGML
    element) is damaged bytes rather than text: a detail naming the first NUL or
    stray control byte and where it is, or None."""
    m = (_CORRUPT_STR if isinstance(record, str) else _CORRUPT).search(record)
    if m is None:
        return None
    return f"control byte 0x{ord(m.group(0)[:1]):02x} at offset {m.start()} of the record"


def skip_corrupt_lines(data: bytes, start: int = 0, limit: int = 1024 * 1024) -> int:
    """The offset past the damaged lines (NUL or stray control bytes, see
    :func:`corrupt_bytes`) at ``data[start:]``, at most ``limit`` bytes of them;
    ``start`` when the first line is clean.

    A line-oriented file (JSON Lines, headerless CSV) whose first record was
    damaged is still that format: its sniff looks past those lines, and the
    parser rejects them one by one, so the good records after them are kept."""
    pos = start
    while pos < len(data) and pos - start < limit:
        nl = data.find(b"\n", pos)
        end = len(data) if nl == -1 else nl + 1
        if not _CORRUPT.search(data, pos, end):
            break
        pos = end
    return pos


# A run of spaces (of any kind) to one space; a lone plain space is no match (it would
# be replaced by itself, one match per word).
_WS = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000][ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]*"
                 r"| [ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" ?\n ?")
# "\n{3,}", spelled with a literal head: re then looks for "\n\n" at C speed instead of
# trying the pattern at every character (a tenth of the time on story bodies).
_BLANKS = re.compile(r"\n\n\n+")
_ODD_WS = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")


def tidy(text: str | None, compiled_from: int | None = None) -> str | None:
    """NFC, unify line ends, collapse runs of spaces, at most one blank line.

    By regex patterns below ``compiled_from`` characters (default
    :data:`COMPILED_FROM`), by the compiled pass (:func:`_tidy_kernel`) from there on:
    the two give the same (tests/test_normalize_rewrites.py compares them at every
    length). This runs once per story on the bulk path."""
    if text is None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFC", text)
    if len(text) >= (COMPILED_FROM if compiled_from is None else compiled_from):
        return _compiled(text, False)
    return _spaces_by_patterns(text, ascii_only)


def _spaces_by_patterns(text: str, ascii_only: bool) -> str | None:
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


# From this length on, tidy() runs the compiled pass: below it, calling the kernel costs
# more than the patterns' few C-speed scans (a headline, a byline).
COMPILED_FROM = 200
# paragraphs_of_markup(): the markup holds what the compiled pass does not handle
NOT_PARAGRAPHS = object()


@numba.njit(nogil=True, inline="always")
def _line_end(out, j):  # pragma: no cover - compiled
    """A line end written after ``out[:j]``: a space before it goes, a third in a row is
    not written, nor one before the first character; the new length."""
    if j:
        if out[j - 1] == 0x20:
            j -= 1
        if j < 2 or out[j - 1] != 0x0A or out[j - 2] != 0x0A:
            out[j] = 0x0A
            j += 1
    return j


@numba.njit(cache=True, nogil=True)
def _tidy_kernel(src, out, markup):  # pragma: no cover - compiled
    """tidy()'s space rules in one pass over UTF-8 bytes ``src`` (line ends already
    unified, NFC already applied), written to ``out`` (at least ``len(src)`` bytes: the
    result is never longer); returns the length written. Spaces other than tidy()'s own
    at either end (U+000B, U+0085 ...) are left for str.strip.

    The rules, as the patterns: a run of the spaces ``_WS`` names (space, tab, U+00A0,
    U+2000-U+200B, U+202F, U+205F, U+3000) is one space; a space next to a line end
    goes; three or more line ends are two; spaces and line ends at either end go. Each
    is applied to what was written so far: a space is written only after a character
    (``absorb`` false), a line end takes back a space just written (:func:`_line_end`).
    The common byte (printable ASCII) takes no branch but the one that tells it.

    With ``markup``, ``src`` is an HTML body as html_body() flattens it: a line end
    (CR or LF) is a space, ``<p>`` and ``</p>`` are two line ends each (a paragraph
    break), and any other ``<`` opens a tag this pass does not handle: it returns -1."""
    n = len(src)
    i = 0
    j = 0
    absorb = True  # a space here is dropped: nothing written yet, or a space or line end last
    while i < n:
        c = src[i]
        if 0x20 <= c < 0x80 and c != 0x3C:
            space = c == 0x20
            out[j] = c
            j += 1 - (space & absorb)
            absorb = space
            i += 1
            continue
        width = 0
        if c == 0x09:
            width = 1
        elif c == 0x0A or (markup and c == 0x0D):
            if markup:
                width = 1
            else:
                j = _line_end(out, j)
                absorb = True
                i += 1
                continue
        elif c == 0x3C and markup:
            if i + 2 < n and src[i + 1] == 0x70 and src[i + 2] == 0x3E:
                i += 3
            elif i + 3 < n and src[i + 1] == 0x2F and src[i + 2] == 0x70 and src[i + 3] == 0x3E:
                i += 4
            else:
                return -1
            j = _line_end(out, _line_end(out, j))
            absorb = True
            continue
        elif c == 0xC2:
            if i + 1 < n and src[i + 1] == 0xA0:
                width = 2
        elif c == 0xE2:
            if i + 2 < n:
                b1 = src[i + 1]
                b2 = src[i + 2]
                if (b1 == 0x80 and (b2 <= 0x8B or b2 == 0xAF)) or (b1 == 0x81 and b2 == 0x9F):
                    width = 3
        elif c == 0xE3 and i + 2 < n and src[i + 1] == 0x80 and src[i + 2] == 0x80:
            width = 3
        if width:
            if not absorb:
                out[j] = 0x20
                j += 1
                absorb = True
            i += width
            continue
        out[j] = c
        j += 1
        absorb = False
        i += 1
    while j and (out[j - 1] == 0x20 or out[j - 1] == 0x0A):
        j -= 1
    return j


def _compiled(text: str, markup: bool) -> str | None | object:
    """:func:`_tidy_kernel` on ``text``; the ``NOT_PARAGRAPHS`` mark when ``markup`` holds
    another tag than ``<p>`` and ``</p>``."""
    # "surrogatepass": a lone surrogate (a text no longer UTF-8) passes as the patterns
    # let it, three bytes the kernel copies
    data = text.encode("utf-8", "surrogatepass")
    out = bytearray(len(data))
    n = _tidy_kernel(data, out, markup)
    if n < 0:
        return NOT_PARAGRAPHS
    # what is left to strip: other white space str.isspace() knows (U+000B, U+0085 ...)
    return str(memoryview(out)[:n], "utf-8", "surrogatepass").strip() or None


def paragraphs_of_markup(markup: str) -> str | None | object:
    """html_body()'s text of ``markup`` in one compiled pass, when its only tags are
    ``<p>`` and ``</p>`` and it has no entity and nothing NFC would change; else
    :data:`NOT_PARAGRAPHS`.

    As ``tidy(html.unescape(paragraph_tags_only(flat)))`` with ``flat`` the markup with
    its line ends as spaces: without ``&`` unescape changes nothing, and on an NFC text
    tidy's NFC neither. (The NFC check comes first: NFC can join a ``<`` with the mark
    after it, U+226E, and so change which tags there are.)"""
    if "&" in markup or not (markup.isascii() or unicodedata.is_normalized("NFC", markup)):
        return NOT_PARAGRAPHS
    return _compiled(markup, True)


_BLOCK = re.compile(
    r"<\s*/?\s*(p|div|br|li|ul|ol|h[1-6]|section|article|blockquote|tr|table|pre|hr|header|footer)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_P_TAG = re.compile(r"</?p>")
_DROP = re.compile(r"<\s*(script|style|head|noscript)\b.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def paragraph_tags_only(markup: str) -> str | None:
    """``markup`` with its tags replaced as :func:`html_to_text`'s patterns replace
    them, when its only tags are ``<p>`` and ``</p>`` (each a paragraph break), or it
    has no ``<`` at all; else None.

    The common wire body (the synthetic corpus's, most ninjs ``body_html``) is just
    that, and two literal replacements (C speed) then do what four case-insensitive
    regex passes did (issue 16: a third of the time of html_body). Where every
    ``<`` opens ``<p>`` or ``</p>``, no comment, dropped element or other tag can
    match, and the block pattern matches exactly those tags."""
    if "<" not in markup:
        return markup
    # Each "<p>" and "</p>" is one paragraph break; any "<" left opened another tag.
    # (One "<" a tag: the two cannot overlap, and a replacement makes no new "<".) One
    # regex pass, not two str.replace: a search for a needle of several characters
    # runs at about 1.5 ns a character in str (8.3 against 3.7 us a synthetic body).
    text = _P_TAG.sub("\n\n", markup)
    return None if "<" in text else text


def html_to_text(markup: str | None) -> str | None:
    """Turn an HTML fragment into plain paragraphs separated by blank lines."""
    if markup is None:
        return None
    s = paragraph_tags_only(markup)
    if s is None:
        s = _COMMENT.sub("", markup) if "<!--" in markup else markup
        s = _DROP.sub("", s)
        s = _BLOCK.sub("\n\n", s)
        s = _TAG.sub("", s)
    return tidy(html.unescape(s))
