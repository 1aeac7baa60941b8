"""No sniff claims a file of another syntax: XML parsers claim only markup, JSON
parsers only JSON, text parsers only text, and nobody claims binary data.

Runs every registered sniff over every corpus file (containers unpacked as the
flow unpacks them), plus synthetic traps: a ninjs 3.x item whose body holds a
``<nitf>`` document, an e-mail with an HTML part, JSON with markup first.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections import Counter

import pytest

from tests.formats.sweep import corpus_files
from transforms.formats import PARSERS, detect, email, events, ninjs
from transforms.formats.text import looks_binary

MARKUP = frozenset({"newsml_g2", "newsml_1", "nitf", "reuters_21578", "ritzau", "solita",
                    "wordpress_wxr", "rss_2", "atom", "news_html"})
JSON = frozenset({"ap_media", "news_please", "ninjs"})
TEXT = frozenset({"reuters_web_text", "email", "news_csv", "anpa_1312", "iptc_7901", "aap_telex",
                  "plain_text"})
# events reads calendars (text), event JSON and event XML; its sniff picks one reader
# by the same lead byte (see test_events.py)
ANY = frozenset({"events"})


def syntax(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if looks_binary(data):
        return "binary"
    if head[:1] == b"<":
        return "markup"
    if head[:1] in (b"{", b"["):
        return "json"
    return "text"


ALLOWED = {"markup": MARKUP | ANY, "json": JSON | ANY, "text": TEXT | ANY, "binary": frozenset()}


def test_every_parser_is_in_one_syntax_class():
    names = {p.NAME for p in PARSERS}
    assert names == MARKUP | JSON | TEXT | ANY
    assert not (MARKUP & JSON or MARKUP & TEXT or JSON & TEXT)


def _unpacked(rel: str, data: bytes) -> bytes:
    if rel.endswith(".gz"):
        return gzip.decompress(data)
    if rel.endswith(".xz"):
        return lzma.decompress(data)
    if rel.endswith(".bz2"):
        return bz2.decompress(data)
    return data


def test_sweep_no_corpus_file_is_claimed_by_a_parser_of_another_syntax():
    claims: Counter[str] = Counter()
    wrong = []
    for rel, raw in corpus_files():
        data = _unpacked(rel, raw)
        kind = syntax(data)
        for parser in PARSERS:
            if parser.sniff(data):
                claims[kind] += 1
                if parser.NAME not in ALLOWED[kind]:
                    wrong.append((rel, kind, parser.NAME))
    assert not wrong, wrong
    # the sweep saw all three syntaxes
    assert claims["markup"] > 100 and claims["json"] > 20 and claims["text"] > 20


NINJS_3 = (b'{"uri": "http://example.org/ninjs/3/1", "type": "text", "standard": {"name": "ninjs",'
           b' "version": "3.0"}, "versionCreated": "2024-05-01T10:00:00+02:00",'
           b' "headlines": [{"role": "main", "value": "Three"}],'
           b' "bodies": [{"contentType": "application/nitf+xml", "value": "<nitf><body><p>x</p></body></nitf>"},'
           b' {"contentType": "text/html", "value": "<p>The text.</p>"}]}')
MAIL_WITH_HTML = (b"From: a@b.example\r\nTo: c@d.example\r\nSubject: S\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                  b"Content-Type: text/html\r\n\r\n<html><body><p>Text</p></body></html>\r\n")


@pytest.mark.parametrize("data,expected", [
    (NINJS_3, "ninjs"),
    (b'[{"body_html": "<nitf/>", "headline": "H", "versioncreated": "2020-01-01T00:00:00Z"}]', "ninjs"),
    (MAIL_WITH_HTML, "email"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "events"),
])
def test_markup_inside_json_or_text_is_not_an_xml_document(data, expected):
    assert expected == detect(data).NAME
    assert syntax(data) in ("json", "text")
    parser = {"ninjs": ninjs, "email": email, "events": events}[expected]
    assert list(parser.parse(data, "trap"))
