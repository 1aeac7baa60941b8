"""Safe, encoding-robust XML parsing shared by the XML wire formats.

* Never loads DTDs or external entities and never touches the network (XXE,
  billion laughs): DOCTYPEs that point at missing DTDs (superdesk
  ``nitf-fishing.xml``) still parse.
* Trusts the bytes over the XML declaration: ``pa4.xml`` declares iso-8859-1
  but holds UTF-8 (``£`` stored as C2 A3); trusting the declaration gives
  ``Â£``. Valid UTF-8 with non-ASCII bytes is taken as UTF-8 whatever the
  declaration says; otherwise the declared encoding, then cp1252.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree

from transforms.formats.base import ParseError, RejectedItem
from transforms.formats.text import tidy

_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.S)
_ENC = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_text(data: bytes) -> str:
    """Decode XML bytes to text following the rules above (declaration removed)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            return re.sub(r"^\s*<\?xml[^>]*?\?>", "", text, count=1)
    decl = _DECL.match(data)
    declared = None
    if decl:
        m = _ENC.search(decl.group(0))
        declared = m.group(1).decode("ascii").lower() if m else None
        data = data[decl.end():]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in (declared, "cp1252", "latin-1"):
        if not enc or enc.replace("-", "").replace("_", "") == "utf8":
            continue
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, recover=recover,
    )


def parse_xml(data: bytes, *, format: str, source: str = "", recover: bool = False) -> etree._Element:
    """Parse ``data`` safely to its root element or raise ``ParseError('malformed_xml')``."""
    text = xml_text(data)
    try:
        root = etree.fromstring(text.encode("utf-8"), _parser(recover))
    except etree.XMLSyntaxError as exc:
        raise ParseError("malformed_xml", str(exc), format=format, source=source) from None
    if root is None:
        raise ParseError("malformed_xml", "no root element", format=format, source=source)
    return root


_PROLOG = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")


def root_name(data: bytes, limit: int = 4096) -> str | None:
    """Local name of the root element of an XML document (a cheap sniff; no parsing).

    Only a document that *starts* as XML has one: after an optional BOM, white
    space, the XML declaration, comments, processing instructions and a DOCTYPE,
    the next thing must be an element. A JSON or text file that merely holds
    markup somewhere (a ninjs ``body_html`` with ``<nitf>``, an e-mail with an
    HTML part) has no root element, so no XML parser claims it.
    """
    head = data[:limit]
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    pos = 0
    while True:
        m = _PROLOG.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    m = _ROOT.match(head, pos)
    if not m:
        return None
    return m.group(1).split(b":")[-1].decode("ascii", "replace")


def localname(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Direct children whose local name is ``name`` (namespace-agnostic)."""
    return [c for c in el if localname(c) == name]


def find(el: etree._Element, *path: str) -> etree._Element | None:
    """First descendant along a path of local names (namespace-agnostic)."""
    cur = [el]
    for name in path:
        nxt = [c for e in cur for c in e.iter() if c is not e and localname(c) == name]
        if not nxt:
            return None
        cur = nxt[:1]
    return cur[0]


def text_of(el: etree._Element | None) -> str | None:
    """All text inside ``el``, whitespace tidied, or None."""
    if el is None:
        return None
    return tidy(" ".join(t for t in el.itertext()))


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "hl1",
           "hl2", "block", "blockquote", "tr", "table", "pre", "title", "ul", "ol", "media-caption"}


def paragraphs_of(el: etree._Element | None) -> str | None:
    """Text of an XHTML/NITF body element, one paragraph per block, blank-line separated."""
    if el is None:
        return None
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        name = localname(node)
        block = name in _BLOCKS
        if block:
            parts.append("\n\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(el)
    return tidy("".join(parts))


# --- salvage: read a broken multi-item XML file item by item (RSS, Atom, Ritzau) ---

_ROOT_START = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)\b[^>]*?>", re.S)


def item_pattern(tag: str) -> re.Pattern[str]:
    """Regex for one complete ``<tag>…</tag>`` element (any prefix), non-greedy.

    Build it once per module (not per file or item).
    """
    return re.compile(
        rf"<(?:[\w.-]+:)?{tag}(?=[\s>/])[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?{tag}\s*>)", re.S)


def item_start(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(?:[\w.-]+:)?{tag}(?=[\s>/])")


def salvage_items(data: bytes, whole: re.Pattern[str], start: re.Pattern[str], *,
                  format: str, source: str) -> Iterator[etree._Element | RejectedItem]:
    """Parse each item of a file that is not well-formed as a whole.

    Every item is re-parsed alone inside a copy of the root's start tag (so its
    namespace prefixes still resolve); an item that still fails, or one cut off
    before its end tag, becomes a :class:`RejectedItem` with its own bytes.
    Raises ``ParseError('malformed_xml')`` when no item can be found at all.
    """
    text = xml_text(data)
    root = _ROOT_START.search(text)
    matches = list(whole.finditer(text))
    if root is None or not matches:
        raise ParseError("malformed_xml", "not well-formed and no complete item found",
                         format=format, source=source)
    open_tag, close_tag = root.group(0).rstrip("/>").rstrip() + ">", f"</{root.group(1)}>"
    for m in matches:
        chunk = m.group(0)
        try:
            wrapper = parse_xml((open_tag + chunk + close_tag).encode("utf-8"),
                                format=format, source=source)
        except ParseError as exc:
            yield RejectedItem("malformed_xml", exc.detail, raw=chunk.encode("utf-8"))
            continue
        yield wrapper[0]
    tail = start.search(text, matches[-1].end())
    if tail is not None:
        yield RejectedItem("malformed_xml", "item without its end tag (truncated file?)",
                           raw=text[tail.start():tail.start() + 65536].encode("utf-8"))
