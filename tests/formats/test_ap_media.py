"""AP Media API JSON: the superdesk ``ap_media_*.json`` responses, synthetic feeds, sweep.

Corpus quirks covered (SOURCES.md section 6): item vs feed envelopes, text items
whose body is only a rendition link (NITF/ANPA download), pictures with a
caption NITF rendition, ``version`` 0 as a number, ``subject[]`` with AP
``rels`` (direct/ancestor/category).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from lxml import etree

from tests.corpora import corpus_bytes
from tests.formats.json_props import assert_never_crashes, records
from tests.formats.test_ninjs import sweep_files
from transforms.formats import ap_media, news_please, ninjs
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.xmlsafe import find, parse_xml

SD = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
TEXT_ITEM_ID = "5ee9b4b40ea5fe9c9ca60f890fb2e1d9"


def test_text_item_without_inline_body_is_skipped_with_the_rendition_link():
    [item] = list(ap_media.parse(corpus_bytes(SD + "ap_media_text_item.json"), "t"))
    assert isinstance(item, SkippedItem) and item.reason == "no_body_inline"
    assert item.guid == TEXT_ITEM_ID
    assert "format=NITF" in item.detail


def test_feeds_and_pictures():
    [text] = list(ap_media.parse(corpus_bytes(SD + "ap_media_text_feed.json"), "t"))
    assert (text.reason, text.guid) == ("no_body_inline", TEXT_ITEM_ID)
    for rel in ("ap_media_feed.json", "ap_media_item.json", "ap_media_picture.json"):
        [pic] = list(ap_media.parse(corpus_bytes(SD + rel), rel))
        assert isinstance(pic, SkippedItem) and pic.reason == "non_text:picture" and pic.guid


def test_real_item_with_superdesk_nitf_enrichment():
    # Superdesk's ingest stores the downloaded NITF rendition next to the item as
    # {"nitf": {"body_html": ...}}; build that in memory from the real pair of files.
    doc = json.loads(corpus_bytes(SD + "ap_media_text_item.json"))
    nitf = parse_xml(corpus_bytes(SD + "ap_media_text_nitf.xml"), format="nitf")
    doc["nitf"] = {"body_html": etree.tostring(find(nitf, "body", "body.content"), encoding="unicode")}
    [s] = list(ap_media.parse(json.dumps(doc).encode(), "t"))
    assert isinstance(s, ParsedStory)
    assert s.headline == "BC-BBN--Top Ten"
    assert s.published_at == datetime(2019, 7, 3, 4, 5, 12, tzinfo=UTC)
    assert (s.provider, s.version, s.guid) == ("ap", "0", TEXT_ITEM_ID)
    assert (s.urgency, s.pub_status, s.language, s.slug) == (4, "usable", "en", "BC-BBN--Top Ten")
    assert s.subjects == ["MLB baseball", "Sports"]  # rels "direct" only
    assert s.keywords == ["BBN--Top Ten"]
    # the repeated hl2 headline is dropped; table cells stay apart
    assert s.body.startswith("BASEBALL'S TOP TEN\n\nBy The Associated Press\n\nNATIONAL LEAGUE")
    assert "McNeil NYM 72 271 37 95 .351" in s.body
    assert s.body.endswith("Marquez, Colorado, 8-3; Scherzer, Washington, 8-5.")


def _item(**kw) -> dict:
    base = {"uri": "https://api.ap.org/media/v/content/abc", "altids": {"itemid": "abc", "etag": "abc_1"},
            "version": 2, "type": "text", "versioncreated": "2021-05-01T12:00:00Z",
            "firstcreated": "2021-05-01T11:00:00Z", "pubstatus": "usable", "headline": "Widgets rise",
            "bylines": [{"by": "By ANN EXAMPLE and BOB SAMPLE"}], "language": "en-US",
            "datelinelocation": {"city": "Chicago", "countryname": "UNITED STATES"},
            "infosource": [{"name": "Reuters", "type": "Partner"}], "provider": "AP",
            "editor": {"name": "Carl Desk"},
            "renditions": {"nitf": {"href": "https://api.ap.org/x.nitf"}}}
    base.update(kw)
    return base


def _feed(*entries) -> bytes:
    return json.dumps({"api_version": "1.1", "data": {"items": list(entries)}}).encode()


def test_synthetic_feed_mixed_entries():
    data = _feed(
        {"meta": {}, "item": _item(), "nitf": {"body_html": "<p>CHICAGO (AP) _ Up.</p><p>More.</p>"}},
        {"meta": {}, "item": _item(type="video")},
        "oops",
        {"meta": {}},
        {"meta": {}, "item": _item(body_text="Line one.\nLine two.")},
        {"meta": {}, "item": _item()},
    )
    items = list(ap_media.parse(data, "t"))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["ParsedStory", "SkippedItem", "RejectedItem", "RejectedItem", "ParsedStory", "SkippedItem"]
    s = items[0]
    assert s.body == "CHICAGO (AP) _ Up.\n\nMore."
    assert s.authors == ["ANN EXAMPLE", "BOB SAMPLE"]
    assert (s.provider, s.original_provider, s.version, s.language) == ("ap", "reuters", "2", "en")
    assert s.dateline_location == "Chicago" and s.credits == [("Carl Desk", "editor")]
    assert s.published_at == datetime(2021, 5, 1, 11, tzinfo=UTC)
    assert s.version_created == datetime(2021, 5, 1, 12, tzinfo=UTC)
    assert items[1].reason == "non_text:video"
    assert isinstance(items[2], RejectedItem) and items[2].reason == "not_an_object" and items[2].raw == b'"oops"'
    assert items[3].reason == "no_item"
    assert items[4].body == "Line one.\n\nLine two."
    assert items[5].reason == "no_body_inline" and items[5].detail.endswith("x.nitf")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_input"),
        (b'{"api_version": "1.1", "data": {"items": [', "malformed_json"),
        (b'[{"data": {}}]', "not_ap_media"),
        (b'{"api_version": "1.1"}', "not_ap_media"),
        (b'{"api_version": "1.1", "data": {"query": "q"}}', "not_ap_media"),
        (_feed(), "no_items"),
        (json.dumps({"api_version": "1", "data": {"item": _item(type=None)}}).encode(), "no_type"),
    ],
)
def test_whole_input_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(ap_media.parse(data, "t"))
    assert err.value.reason == reason


def test_sniff_decisions():
    assert ap_media.sniff(_feed({"item": _item()}))
    # saved without the api_* header, keys in another order
    assert ap_media.sniff(json.dumps({"data": {"items": [{"item": _item()}]}}).encode())
    assert not ap_media.sniff(json.dumps({"data": {"items": [{"id": 1, "name": "x"}]}}).encode())
    assert not ap_media.sniff(json.dumps(_item()).encode())  # a bare item is ninjs-like, not a response
    assert not ap_media.sniff(b'[{"title": "t", "maintext": "m", "date_download": "x"}]')
    assert not ap_media.sniff(b"<nitf/>")


def test_sweep_claims_only_ap_files():
    outcomes: dict[str, int] = {}
    claimed = set()
    for rel, data in sweep_files():
        if not ap_media.sniff(data):
            continue
        claimed.add(rel.rsplit("/", 1)[-1])
        assert not ninjs.sniff(data) and not news_please.sniff(data)
        try:
            for item in ap_media.parse(data, rel):
                key = "story" if isinstance(item, ParsedStory) else f"{type(item).__name__}:{item.reason}"
                outcomes[key] = outcomes.get(key, 0) + 1
        except ParseError as exc:
            outcomes[f"ParseError:{exc.reason}"] = outcomes.get(f"ParseError:{exc.reason}", 0) + 1
    # superdesk-core's five, and CP's eleven AP Media API items (SOURCES.md section 10)
    assert claimed == {"ap_media_feed.json", "ap_media_item.json", "ap_media_picture.json",
                       "ap_media_text_feed.json", "ap_media_text_item.json",
                       "ap-aps-mi-right-now.json", "ap-aps.json", "ap-category.json",
                       "ap-getty-picture.json", "ap-sports.json", "ap-subject.json", "ap-table.json",
                       "ap-text.json", "item.json", "picture.json"}
    # CP's text items carry no story text (it is in the NITF rendition, not included)
    # except ap-text.json and item.json, whose Superdesk-attached NITF body is read;
    # ap-getty-picture.json and picture.json are pictures.
    assert outcomes == {"SkippedItem:non_text:picture": 5, "SkippedItem:no_body_inline": 8, "story": 2}


MODULE = ap_media
KEYS = ["api_version", "data", "item", "items", "meta", "nitf", "body_html", "body_text", "altids", "itemid", "type", "headline", "version", "versioncreated", "firstcreated", "bylines", "by", "subject", "rels", "name", "infosource", "provider", "datelinelocation", "city", "keywords", "urgency", "renditions", "editor"]

@settings(max_examples=200, deadline=None)
@given(records(KEYS))
def test_property_arbitrary_values_never_crash(generated):
    # invariant: see tests/formats/json_props.py
    assert_never_crashes(MODULE, generated)
