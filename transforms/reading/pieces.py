"""Large multi-record raw objects cut into pieces that parse on their own (issue 16).

A JSON Lines export, a news CSV, a Reuters-21578 SGML file or a multi-item XML
feed (RSS, Atom, a NewsML-G2 newsMessage) can be gigabytes in one object.
Instead of holding it whole, the bytes arrive in chunks and are cut at record
boundaries into pieces of about ``PIECE_BYTES``; each piece is made a small
file of the same format (a CSV piece gets the header row, an XML piece the
document's head before its first item and the end tags of the elements left
open there) and parsed by the format's own parser. So the memory of reading a
file is a piece and what the parser makes of it, whatever the file's size.

Pure: chunks of bytes in, pieces out; the caller supplies the chunks (ranged
reads of storage, a streaming decompressor). A format without a rule here, or
a head the rule does not recognise (a JSON array, UTF-16 text), is not cut:
``splitter`` says None and the caller reads the object whole as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from transforms.formats.text import skip_corrupt_lines

PIECE_BYTES = 16 * 1024 * 1024
HEAD_BYTES = 1024 * 1024  # how much of the object the choice of a rule looks at


@dataclass(frozen=True)
class Splitter:
    """How one file's records are cut apart."""

    cut: Callable[[bytearray], int]  # end of the last whole record in the buffer; 0: none yet
    has_records: Callable[[bytes], bool]  # whether a piece's own bytes hold any record
    prefix: bytes = b""  # put before every piece but the first (header row, XML head)
    suffix: bytes = b""  # put after every piece but the last (XML end tags)
    # how many items a piece gives its parser, found without parsing it (None: not
    # sure, parse it to count); for a file read in parts (extract.extract_stream)
    count: Callable[[bytes], int | None] | None = None


def pieces(chunks: Iterator[bytes], splitter: Splitter, piece_bytes: int = PIECE_BYTES) -> Iterator[bytes]:
    """The object whose bytes are ``chunks`` as self-contained pieces, in order.

    A piece ends after the last whole record once ``piece_bytes`` are buffered;
    a record longer than that waits for its end (up to four pieces' worth; past
    that the buffer is cut at a line end, and the record's parts are rejected
    by the parser rather than memory growing). The first piece carries the
    file's own head and the last its own tail."""
    buf = bytearray()
    first = True
    for chunk in chunks:
        buf += chunk
        while len(buf) >= piece_bytes:
            cut = splitter.cut(buf)
            if cut <= 0:
                if len(buf) < 4 * piece_bytes:
                    break
                cut = buf.rfind(b"\n") + 1 or len(buf)
            body = bytes(buf[:cut])
            del buf[:cut]
            yield (b"" if first else splitter.prefix) + body + splitter.suffix
            first = False
    yield (b"" if first else splitter.prefix) + bytes(buf)


# ---------------------------------------------------------------------- JSON Lines

def _json_lines_head(head: bytes) -> bool:
    """The head is JSON Lines: its first sound line is a whole JSON object and
    another line follows (a pretty-printed object or an array is not cut)."""
    from transforms.formats.jsonwire import loads

    start = skip_corrupt_lines(head)
    lead = re.compile(rb"(?:\xef\xbb\xbf)?\s*").match(head, start)
    start = lead.end() if lead else start
    nl = head.find(b"\n", start)
    if nl == -1 or head[start:start + 1] != b"{":
        return False
    try:
        return isinstance(loads(head[start:nl]), dict) and bool(head[nl:].strip())
    except ValueError:
        return False


def _json_lines(head: bytes) -> Splitter | None:
    if not _json_lines_head(head):
        return None
    from transforms.formats.jsonwire import json_lines_count

    # ninjs and news-please read JSON Lines one item a record (jsonwire.run_records)
    return Splitter(cut=lambda buf: buf.rfind(b"\n") + 1, has_records=lambda piece: bool(piece.strip()),
                    count=json_lines_count)


# ----------------------------------------------------------------------------- CSV

def _csv_cut(buf: bytearray, tries: int = 1000) -> int:
    """After the last line end outside a quoted field: an even number of quotes
    before it (``""`` escapes a quote, so parity holds), the buffer starting at a
    row boundary."""
    nl = buf.rfind(b"\n")
    if nl < 0:
        return 0
    quotes = buf.count(b'"', 0, nl)
    for _ in range(tries):
        if quotes % 2 == 0:
            return nl + 1
        prev = buf.rfind(b"\n", 0, nl)
        if prev < 0:
            return 0
        quotes -= buf.count(b'"', prev, nl)
        nl = prev
    return 0


def _csv(head: bytes) -> Splitter | None:
    from transforms.formats import news_csv

    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16: a line end is not one byte
    prefix = b""
    if not news_csv.headerless(head):  # every piece gets the header row
        nl = head.find(b"\n")
        if nl < 0:
            return None
        prefix = head[:nl + 1]
    return Splitter(cut=_csv_cut, has_records=lambda piece: bool(piece.strip()), prefix=prefix)


# ----------------------------------------------------------------- Reuters-21578

def _reuters_cut(buf: bytearray) -> int:
    # Each element's bytes run up to the next "<REUTERS": cut before the last one,
    # if another starts before it (a piece holds at least one whole element).
    last = buf.rfind(b"<REUTERS")
    return last if last > buf.find(b"<REUTERS") else 0


def _reuters_21578(head: bytes) -> Splitter | None:
    return Splitter(cut=_reuters_cut, has_records=lambda piece: b"<REUTERS" in piece)


# ------------------------------------------------------------------ multi-item XML

_SKIP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>", re.S)
_TAG = re.compile(rb"""<(/?)([A-Za-z_][\w.:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""")


def _open_elements(head: bytes) -> list[bytes] | None:
    """The names of the elements still open at the end of ``head``, outermost first."""
    stack: list[bytes] = []
    for m in _TAG.finditer(_SKIP.sub(b"", head)):
        closing, name, empty = m.groups()
        if closing:
            if name not in stack:
                return None
            while stack.pop() != name:
                pass
        elif not empty:
            stack.append(name)
    return stack


def _xml(item_names: str) -> Callable[[bytes], Splitter | None]:
    start = re.compile(rb"<(?:[\w.-]+:)?(?:" + item_names.encode() + rb")(?=[\s>/])")
    end = re.compile(rb"</(?:[\w.-]+:)?(?:" + item_names.encode() + rb")\s*>")

    def cut(buf: bytearray) -> int:
        for window in (1024 * 1024, len(buf)):  # the tail first: the usual case
            ends = [m.end() for m in end.finditer(buf, max(0, len(buf) - window))]
            if ends:
                return ends[-1]
        return 0

    def make(head: bytes) -> Splitter | None:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        first = start.search(head)
        if first is None:
            return None  # no item in the head: not cut
        prefix = head[:first.start()]
        stack = _open_elements(prefix)
        if not stack:
            return None
        suffix = b"".join(b"</" + name + b">" for name in reversed(stack))
        return Splitter(cut=cut, has_records=lambda piece: start.search(piece) is not None,
                        prefix=prefix, suffix=suffix)

    return make


_RULES: dict[str, Callable[[bytes], Splitter | None]] = {
    "ninjs": _json_lines,
    "news_please": _json_lines,
    "news_csv": _csv,
    "reuters_21578": _reuters_21578,
    "rss_2": _xml("item"),
    "atom": _xml("entry"),
    "newsml_g2": _xml("newsItem|packageItem|conceptItem|knowledgeItem|planningItem|catalogItem"),
}


def splitter(fmt: str, head: bytes) -> Splitter | None:
    """How to cut a file of format ``fmt`` whose first bytes are ``head``; None when
    it is not to be cut (read it whole)."""
    rule = _RULES.get(fmt)
    return rule(head) if rule else None
