"""ninjs 1.x/2.x/3.x: golden tests on the IPTC and Superdesk files, synthetic edge cases, sweep.

Corpus quirks covered (SOURCES.md sections 4 and 6): key drift between versions
(``headline``/``headlines[]``, ``body_*``/``bodies[]``, ``versioncreated``/
``versionCreated``), bodies as HTML (``<section class="main"><p>``), the
``+0000`` offset without a colon, zone-less BBC timestamps, the BBC paging
envelope, TT's html5 body framing, picture associations, near-identical pairs
(``ninjs2``/``ninjs5``).
"""

from __future__ import annotations

import functools
import json
import lzma
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings

from tests.corpora import corpus_bytes, corpus_path
from tests.formats.json_props import assert_never_crashes, records
from transforms.formats import detect, events, ninjs
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.formats.jsonwire import loads_text
from transforms.reading.accounting import parsed_rows
from transforms.reading.extract import extract_file
from transforms.reading.records import to_utc

SD = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
TTNINJS = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/ntbttninjs.json"


def _one(rel: str) -> ParsedStory:
    [story] = list(ninjs.parse(corpus_bytes(rel), rel))
    assert isinstance(story, ParsedStory)
    return story


def _utc(story: ParsedStory) -> datetime | None:
    return to_utc(story.published_at, story.published_tz_source)[0]


# ---------------------------------------------------------------- golden: real files


def test_dpa_2_1_bodies_html_and_headlines_array():
    s = _one("iptc-ninjs/examples/2.1/dpa_text.json")  # no "type": text by default
    assert s.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert _utc(s) == datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)  # +02:00 in the file
    assert s.published_raw == "2019-05-10T16:02:28+02:00"
    assert (s.provider, s.version, s.language, s.urgency, s.pub_status) == ("dpa", "2", "de", 4, "usable")
    assert s.guid == "urn:newsml:dpa.com:20090101:190510-99-167362"
    assert s.authors == ["Christian Hollmann"]  # "Von Christian Hollmann, dpa"
    assert s.body.startswith("Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».")
    assert s.body.endswith("zu Diskussionen um die richtige Auslegung der Bestimmungen kommen.")
    assert "<" not in s.body and s.body.count("\n\n") == 8  # nine <p>


def test_superdesk_1x_offset_without_colon_and_picture_association():
    s = _one(SD + "ninjs2.json")  # the picture in associations is not an item of its own
    assert s.headline == "Oil prices edge up on first drop in US drilling in months"
    # published_at is the first publication (firstcreated); versioncreated is kept apart
    assert s.published_raw == "2017-07-03T01:38:13+0000"
    assert _utc(s) == datetime(2017, 7, 3, 1, 38, 13, tzinfo=UTC)
    assert s.version_created == datetime(2017, 8, 24, 1, 58, 40, tzinfo=UTC)
    assert (s.provider, s.original_provider, s.version) == ("aap", "reuters", "4")
    assert s.guid == "tag:localhost:2017:7ca07622-3b19-4d61-8daf-18500412d46b"
    assert s.authors == ["Henning Gloystein"]
    assert (s.slug, s.located, s.urgency) == ("GLOBAL-OIL", "Singapore", 3)
    assert s.subjects == ["oil and gas - upstream activities"]
    # line wraps inside <p> are spaces, not line breaks
    assert s.body.startswith("Oil prices edged up on Monday, supported by the first autumn in US drilling")
    assert s.body.endswith("(Reporting by Henning Gloystein; Editing by Richard Pullin)")
    assert "Bebeto Matthews" not in s.body  # the picture's byline


def test_near_identical_pair_ninjs2_ninjs5_reads_alike():
    a, b = _one(SD + "ninjs2.json"), _one(SD + "ninjs5.json")
    assert (a.guid, a.headline, a.body) == (b.guid, b.headline, b.body)


def test_superdesk_authors_roles_and_ednote_never_in_body():
    s = _one(SD + "ninjs1.json")
    assert s.authors == ["Peter", "Jane"]  # byline "Peter and Jane"
    assert s.credits == [("John", "writer")]
    assert s.body == "The story so far."  # ednote "ed note" is not published text
    assert (s.language, s.slug, s.located) == ("fr", "slugline", "Milton Keynes")


def test_iptc_1_4_example_prefers_xhtml_paragraphs():
    s = _one("iptc-ninjs/examples/1.4/ninjsExSimpleText1.json")
    assert s.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert s.provider == "iptc"  # ninjs.example.com: IPTC's own example
    assert _utc(s) == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    assert s.version is None
    assert s.authors == ["Paulo Santalucia", "Frances d'Emilio"]
    assert s.body.startswith("GROSSETO, Italy (AP) -- The trial of the captain")
    assert s.body.endswith("Schettino has denied wrongdoing.")
    assert s.body.count("\n\n") == 3


def test_business_wire_composite_with_body_is_a_story():
    s = _one("iptc-ninjs/examples/1.4/businesswire-newsml-20130731006140.json")
    assert s.provider == "businesswire" and s.version == "1"
    assert s.headline.startswith("Lunch Taking a Toll?")
    assert s.body.startswith("With more Applebee’s® Lunch Combos than ever")
    assert s.body.endswith("which sold out in weeks last summer.")


def test_tt_html5_body_drops_headline_vignette_and_captions():
    s = _one("iptc-ninjs/examples/2.1/tt_text_image_2.json")
    assert s.headline == "Militärövning i jätteformat hålls 2023"
    assert s.provider == "tt" and s.slug == "militärövning" and s.language == "sv"
    assert _utc(s) == datetime(2021, 5, 26, 11, 40, 18, tzinfo=UTC)
    assert s.body.startswith("Pandemin satte stopp för den stora internationella militärövningen")
    assert s.body.endswith("vilka internationella partners som deltar.")
    assert "Arkivbild" not in s.body and "Försvar TT" not in s.body


def test_ttninjs_bylines_and_credits():
    s = _one(TTNINJS)
    assert s.headline == "Krisen allt djupare – Mellberg sämst någonsin"
    assert _utc(s) == datetime(2020, 7, 2, 20, 4, 47, tzinfo=UTC)
    assert s.authors == ["Martin Hardenberger"]  # "Martin Hardenberger/TT"
    assert s.credits == [("Anders Bjurö", "Fotograf")]  # the internal entry is left out
    assert s.slug == "allsv-helsingborgUV"
    assert s.body.startswith("Bottenmötet mellan HIF och Mjällby")
    assert s.body.endswith("Olof Mellberg gjorde på torsdagen sin 13:e.")
    assert "deppar efter ännu en förlust" not in s.body  # figcaption


def test_bbc_envelope_naive_time_is_assumed_utc():
    s = _one(SD + "bbc-ninjs-comp-test.json")  # {"total", "limit", "offset", "item": [...]}
    assert (s.headline, s.body, s.authors) == ("abcdef", "abcd", ["Jane Doe"])
    assert s.published_at == datetime(2018, 5, 30, 15, 14, 24)
    assert s.published_tz_source == "assumed"
    assert s.provider is None  # the fixture names no provider (example.com)


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        (SD + "ninjs3.json", "non_text:picture"),
        ("iptc-ninjs/examples/2.1/ap_audio.json", "non_text:audio"),
        ("iptc-ninjs/examples/2.1/ap_video.json", "non_text:video"),
        ("iptc-ninjs/examples/1.4/ninjsExSimplePhoto1.json", "non_text:picture"),
    ],
)
def test_non_text_items_are_skipped(rel, reason):
    [item] = list(ninjs.parse(corpus_bytes(rel), rel))
    assert isinstance(item, SkippedItem) and item.reason == reason and item.guid


def test_text_item_without_body_is_a_parse_error():
    # The 1.4 property showcase has no body and no type: nothing to read.
    with pytest.raises(ParseError) as err:
        list(ninjs.parse(corpus_bytes("iptc-ninjs/examples/1.4/ninjs-1-4-examples.json"), "x"))
    assert err.value.reason == "no_body"


def test_description_with_role_text_is_the_body():
    # NTB's trimmed 2.1 example carries its text as descriptions[role=text].
    [story] = list(ninjs.parse(corpus_bytes("iptc-ninjs/examples/2.1/ntb_text.json"), "ntb_text"))
    assert story.body.startswith("IT-giganten Google har kjøpt en tomt")


# ---------------------------------------------------------------- synthetic


def _obj(**kw) -> dict:
    base = {"uri": "urn:test:1", "type": "text", "versioncreated": "2021-03-03T10:00:00+0100",
            "headline": "Widgets up", "body_html": "<p>Widget prices rose.</p><p>More later.</p>"}
    base.update(kw)
    return base


def _jsonl(*lines: str | dict) -> bytes:
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()


def test_ninjs_3_camel_case():
    doc = {
        "uri": "http://example.org/3", "type": "text", "version": "7",
        "firstCreated": "2023-01-02T03:04:05Z", "versionCreated": "2023-01-02T05:00:00Z",
        "embargoed": "2023-01-02T06:00:00Z", "pubStatus": "canceled", "language": "en-GB",
        "copyrightHolder": "Agence France-Presse", "by": "By Ann Example and Bob Sample",
        "headlines": [{"role": "sub", "value": "Sub"}, {"role": "main", "value": "Main head"}],
        "bodies": [{"role": "text", "contentType": "text/plain", "value": "plain"},
                   {"role": "html", "contentType": "text/html", "value": "<p>One.</p><p>Two.</p>"}],
        "subjects": [{"name": "Economy", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"},
                     {"literal": "X1"}],
        "keywords": ["widgets", "widgets", "prices"], "urgency": 2, "located": "Paris",
    }
    [s] = list(ninjs.parse(json.dumps(doc).encode(), "t"))
    assert (s.headline, s.body) == ("Main head", "One.\n\nTwo.")
    assert (s.provider, s.version, s.language, s.pub_status, s.urgency) == ("afp", "7", "en", "canceled", 2)
    assert s.published_at == datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert s.version_created == datetime(2023, 1, 2, 5, tzinfo=UTC)
    assert s.embargo_until == datetime(2023, 1, 2, 6, tzinfo=UTC)
    assert s.authors == ["Ann Example", "Bob Sample"]
    assert (s.subjects, s.keywords, s.located) == (["Economy", "X1"], ["widgets", "prices"], "Paris")


def test_jsonl_malformed_line_rejects_only_that_line():
    data = _jsonl(_obj(uri="a"), "", '{"uri": "b", "headline": ', "   ",
                  _obj(uri="c", type="picture"), _obj(uri="d", body_html=None), _obj(uri="e"))
    items = list(ninjs.parse(data, "t"))
    assert [type(i).__name__ for i in items] == [
        "ParsedStory", "RejectedItem", "SkippedItem", "RejectedItem", "ParsedStory"]
    assert items[1].reason == "malformed_json" and items[1].raw == b'{"uri": "b", "headline":'
    assert "line 3" in items[1].detail
    assert items[3].reason == "no_body" and json.loads(items[3].raw)["uri"] == "d"
    assert (items[0].guid, items[4].guid) == ("a", "e")
    assert items[0].published_at == datetime.fromisoformat("2021-03-03T09:00:00+00:00")


def test_lone_surrogate_escape_is_a_replacement_character():
    """A \\ud800 escape with no other half (valid JSON grammar, no character) reads as
    U+FFFD in every string, a key too, as undecodable bytes do; a pair stays one
    character. Before, the body (long enough for the compiled tidy, or any text at the
    Arrow conversion) could not be written as UTF-8: the item's parse failed and took
    the rest of its file with it."""
    long = "<p>" + "word " * 60 + "odd \\ud800 char</p>"
    lines = [json.dumps(_obj(uri="a", slug="s")).replace('"s"', '"s\\udfff"').replace(
                 '"<p>Widget prices rose.</p><p>More later.</p>"', f'"{long}"'),
             json.dumps(_obj(uri="b", headline="Smile \U0001F600", extra={"k": 1})).replace('"k"', '"\\udc00k"'),
             json.dumps(_obj(uri="c"))]
    data = _jsonl(*lines)
    items = list(ninjs.parse(data, "t"))
    assert [type(i).__name__ for i in items] == ["ParsedStory"] * 3
    assert items[0].body.endswith("odd \ufffd char") and items[0].slug == "s\ufffd"
    assert items[1].headline == "Smile \U0001F600"
    # and through the whole extract: every item a story, no reject
    result = extract_file(data, "mem://t.jsonl", "ninjs")
    assert (result.items_in, len(result.rows), result.rejects) == (3, 3, [])
    assert parsed_rows(result.rows)["body"][0].endswith("\ufffd char")


def test_jsonl_first_line_malformed():
    items = list(ninjs.parse(_jsonl("{not json", _obj()), "t"))
    assert isinstance(items[0], RejectedItem) and isinstance(items[1], ParsedStory)


def test_array_with_bad_members():
    data = json.dumps([_obj(), 42, _obj(type="composite", body_html=None,
                                        associations={"m": _obj(uri="x"), "p": {"type": "picture"}})])
    items = list(ninjs.parse(data.encode(), "t"))
    assert isinstance(items[0], ParsedStory)
    assert isinstance(items[1], RejectedItem) and items[1].reason == "not_an_object" and items[1].raw == b"42"
    assert items[2] == SkippedItem("non_text:composite", guid="urn:test:1",
                                   detail="no body of its own; 1 text association(s) not emitted")


def test_encodings_bom_and_cp1252():
    doc = json.dumps(_obj(headline="Café déjà vu"), ensure_ascii=False)
    for data in (b"\xef\xbb\xbf" + doc.encode("utf-8"), doc.encode("cp1252")):
        [s] = list(ninjs.parse(data, "t"))
        assert s.headline == "Café déjà vu"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_input"),
        (b"  \n ", "empty_input"),
        (b"[]", "no_items"),
        (b'{"total": 0, "item": []}', "no_items"),
        (b'{"uri": "x", "headline": ', "malformed_json"),
        (b'"just a string"', "malformed_json"),
        (json.dumps(_obj(body_html="<p> </p>")).encode(), "no_body"),
    ],
)
def test_whole_input_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(ninjs.parse(data, "t"))
    assert err.value.reason == reason and err.value.format == "ninjs"


def test_sniff_decisions():
    assert ninjs.sniff(json.dumps(_obj()).encode())
    assert ninjs.sniff(_jsonl(_obj(), _obj()))
    assert ninjs.sniff(json.dumps([_obj()], indent=2).encode())
    # the item's own keys come after 40 KB of associations: the nested items still say ninjs
    far = {"associations": {f"p{i}": {"type": "picture", "uri": f"u{i}", "description_text": "x" * 400,
                                      "renditions": {}} for i in range(100)}, **_obj()}
    assert ninjs.sniff(json.dumps(far).encode())
    assert not ninjs.sniff(b'{"api_version": "1.1", "data": {"item": {"versioncreated": "x", "pubstatus": "y"}}}')
    assert not ninjs.sniff(json.dumps({"title": "t", "maintext": "m", "date_publish": "2019-01-01 00:00:00",
                                       "date_download": "x", "source_domain": "a.b"}).encode())
    assert not ninjs.sniff(b'{"$schema": "x", "type": "object", "properties": {"foo": {"type": "string"}}}')
    assert not ninjs.sniff(b"<?xml version='1.0'?><newsItem/>")
    assert not ninjs.sniff(b"March 3, 2021 / 4:05 PM / Updated 2 hours ago\n")


def test_jsonl_bulk_is_linear():
    # 20k lines read lazily, one json.loads per line (the 1M-story export path)
    line = json.dumps(_obj()).encode()
    data = b"\n".join([line] * 20000)
    assert sum(1 for _ in ninjs.parse(data, "bulk")) == 20000


# ---------------------------------------------------------------- sweep

NINJS_EXPECTED = {
    *(f"iptc-ninjs/examples/1.4/{n}" for n in (
        "businesswire-newsml-20130515006361.json", "businesswire-newsml-20130605006126.json",
        "businesswire-newsml-20130612006110.json", "businesswire-newsml-20130731006140.json",
        "ninjs-1-4-examples.json", "ninjsExComplex1.json", "ninjsExComplex2.json",
        "ninjsExMediumText1.json", "ninjsExSimplePhoto1.json", "ninjsExSimpleText1.json")),
    *(f"iptc-ninjs/examples/2.1/{n}" for n in (
        "SIPA_image_2.json", "ap_audio.json", "ap_image.json", "ap_video.json",
        "businesswire-newsml-20130605006126.json", "businesswire-newsml-20130731006140.json",
        "dpa_text.json", "imageEncodedRights.json", "imageLinkedRights.json", "ninjsExSimpleText_2.json",
        "ntb_text.json", "schema-extension/extension-example.json", "tt_text_image_2.json")),
    *(SD + n for n in ("bbc-ninjs-comp-test.json", "bbc-ninjs-text-test.json", "ninjs1.json", "ninjs2.json",
                       "ninjs3.json", "ninjs4.json", "ninjs5.json", "ninjs6.json",
                       "ninjsExMediumText1.json", "ninjsExSimpleText1.json")),
    TTNINJS,
    # CP's TV-transcript segment: flat ninjs-like JSON (SOURCES.md section 10)
    "superdesk-feed-fixtures/superdesk-cp/server/tests/ingest/parser/fixtures/cp_transcripts/cp_transcripts.json",
}


@functools.cache
def sweep_files() -> tuple[tuple[str, bytes], ...]:
    """Every file of the JSON-relevant corpus folders, .xz unpacked as upstream does."""
    root = corpus_path()
    out = []
    for folder in ("iptc-ninjs", "superdesk-feed-fixtures", "yahoo-finance-news-please"):
        for path in sorted(corpus_path(folder).rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                rel = path.relative_to(root).as_posix()
                if path.suffix == ".xz":
                    data, rel = lzma.decompress(data), rel.removesuffix(".xz")
                out.append((rel, data))
    return tuple(out)


def test_sweep_claims_and_outcomes():
    claimed, outcomes = set(), {}
    for rel, data in sweep_files():
        if not ninjs.sniff(data):
            continue
        claimed.add(rel)
        try:
            for item in ninjs.parse(data, rel):
                key = "story" if isinstance(item, ParsedStory) else f"{type(item).__name__}:{item.reason}"
                outcomes[key] = outcomes.get(key, 0) + 1
        except ParseError as exc:
            outcomes[f"ParseError:{exc.reason}"] = outcomes.get(f"ParseError:{exc.reason}", 0) + 1
    assert claimed == NINJS_EXPECTED
    assert outcomes == {"story": 25, "SkippedItem:non_text:picture": 7, "SkippedItem:non_text:audio": 1,
                        "SkippedItem:non_text:video": 1, "ParseError:no_body": 1}


def test_sweep_helper_sees_the_folders():
    assert any(Path(rel).name == "2019_processed.json" for rel, _ in sweep_files())


MODULE = ninjs
KEYS = ["uri", "guid", "type", "headline", "headlines", "body_html", "body_text", "bodies", "body_html5", "value", "role", "contenttype", "versioncreated", "versionCreated", "firstcreated", "pubstatus", "urgency", "language", "byline", "by", "authors", "bylines", "name", "subject", "subjects", "keywords", "copyrightholder", "source", "associations", "embargoed", "version", "located", "slugline", "item"]

@settings(max_examples=200, deadline=None)
@given(records(KEYS))
def test_property_arbitrary_values_never_crash(generated):
    # invariant: see tests/formats/json_props.py
    assert_never_crashes(MODULE, generated)


# ------------------------------------------------------------------ ninjs 3.x and drift

NINJS3_TEXT = {
    "uri": "http://example.org/ninjs/3/1", "type": "text",
    "standard": {"name": "ninjs", "version": "3.0"},
    "versionCreated": "2024-05-01T10:00:00+02:00", "firstCreated": "2024-05-01T09:00:00+02:00",
    "pubStatus": "usable", "copyrightHolder": "Example Wire", "language": "en-GB", "by": "Jane Doe",
    "slugline": "STORM", "located": "Bergen",
    "headlines": [{"role": "main", "value": "Storm closes the port"}],
    # a NITF rendition first: markup inside JSON, neither read as the body nor sniffed as NITF
    "bodies": [{"contentType": "application/nitf+xml", "value": "<nitf><body><p>x</p></body></nitf>"},
               {"contentType": "text/html", "value": "<p>The port is shut.</p><p>Ferries wait.</p>"}],
    "subjects": [{"name": "Weather", "uri": "http://cv.iptc.org/newscodes/mediatopic/17000000"}],
}
NINJS3_EVENT = {"uri": "http://example.org/ev/1", "headlines": [{"value": "Council meeting"}],
                "versionCreated": "2024-05-01T10:00:00Z",
                "eventDetails": {"dates": {"startDate": "2024-06-01T10:00:00Z"}}}
NINJS3_PLANNING = {"uri": "http://example.org/pl/1", "versionCreated": "2024-05-01T10:00:00Z",
                   "headlines": [{"value": "Coverage"}], "plannedCoverage": [{"title": "text"}]}


def _outcomes(data: bytes) -> list:
    assert detect(data) is ninjs
    return [i.reason if not isinstance(i, ParsedStory) else i for i in ninjs.parse(data, "t")]


def test_ninjs_3_text_item_camel_case():
    [s] = _outcomes(json.dumps(NINJS3_TEXT).encode())
    assert s.headline == "Storm closes the port"
    assert s.body == "The port is shut.\n\nFerries wait."
    assert s.published_at == datetime(2024, 5, 1, 7, tzinfo=UTC)  # firstCreated, +02:00
    assert s.version_created == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert (s.slug, s.located, s.language, s.pub_status) == ("STORM", "Bergen", "en", "usable")
    assert s.authors == ["Jane Doe"] and s.subjects == ["Weather"]


@pytest.mark.parametrize("wrap", [
    lambda items: json.dumps(items),  # an array
    lambda items: json.dumps({"total": len(items), "items": items}),  # a collection envelope
    lambda items: "\n".join(json.dumps(i) for i in items),  # JSON Lines
])
def test_ninjs_3_arrays_collections_and_events(wrap):
    got = _outcomes(wrap([NINJS3_TEXT, NINJS3_EVENT, NINJS3_PLANNING, {**NINJS3_EVENT, "type": "event"}]).encode())
    assert isinstance(got[0], ParsedStory)
    assert got[1:] == ["non_text:event", "non_text:planning", "non_text:event"]


@pytest.mark.parametrize("read", [loads_text, lambda text: events._json_records(text.encode(), "t")[0]],
                         ids=["loads_text", "events"])
def test_json_inside_other_formats_reads_a_lone_surrogate_as_a_replacement_character(read):
    """The JSON that other formats hold (JSON-LD in a page, a JSON mail body, events) is
    read by jsonwire.loads_text, with the same rule as a ninjs record."""
    assert read('{"a": "x\\ud800", "\\udc01": "\\ud83d\\ude00", "c": "\\\\ud800"}') == {
        "a": "x\ufffd", "\ufffd": "\U0001F600", "c": "\\ud800"}
