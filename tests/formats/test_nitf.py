"""NITF 3.x parser: golden tests on superdesk fixtures (SOURCES.md section 6),
synthetic edge cases and a sweep over every corpus file."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.corpora import corpus_bytes
from tests.formats.sweep import corpus_files
from transforms.formats import nitf
from transforms.formats.base import ParsedStory, ParseError
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
BELGA = "superdesk-feed-fixtures/superdesk-belga/server/tests/io/fixtures/"
NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"


def one_story(rel: str) -> ParsedStory:
    data = corpus_bytes(rel)
    assert nitf.sniff(data)
    [story] = list(nitf.parse(data, rel))
    assert isinstance(story, ParsedStory)
    return story


def utc(story: ParsedStory) -> datetime | None:
    return to_utc(story.published_at, story.published_tz_source)[0]


# ----------------------------------------------------------------- golden files


def test_pa4_declares_latin1_but_holds_utf8():
    story = one_story(CORE + "pa4.xml")
    assert story.headline == "GREAT BRITISH BAKE OFF COOKS UP TOP FIVE MOST-WATCHED SHOWS OF 2016"
    assert story.provider == "pa"
    assert story.version is None  # du-key without a version
    assert story.guid == "255dd17c-cecd-4e56-a555-24fcaf1ef394HHH-8-1"
    assert utc(story) == datetime(2016, 10, 3, 14, 22, 57, tzinfo=UTC)
    assert story.published_raw == "20161003T152257+0100"
    assert story.body.startswith("The Great British Bake Off has made a clean sweep")
    assert story.body.endswith("11.87 million\n\nends")
    assert "reported £25 million a year" in story.body
    assert "Â£" not in story.body
    assert story.authors == ["Ian Jones"]  # "By Ian Jones, Press Association"
    # inline NITF markup (<chron>, <location>) is flattened into the paragraph
    assert "aired on September 28." in story.body
    assert story.pub_status == "usable"
    assert story.urgency == 4
    assert story.keywords == ["BakeOff"]
    assert "subj:01014000" in story.subjects


def test_mapping_test_is_ntb_copy_of_ritzau_in_lying_latin1():
    story = one_story(CORE + "mapping_test.xml")
    assert story.headline == "*En 41-årig mand, der onsdag blev anholdt og sat i forbindel"
    assert story.provider == "ntb"
    assert story.original_provider == "ritzau"
    assert story.version == "4"  # du-key version="04"
    assert story.guid == "20160512:RTZ:8883:0"
    assert utc(story) == datetime(2016, 5, 11, 22, 5, 13, tzinfo=UTC)
    assert story.body.startswith("København /ritzau/: En 41-årig mand")
    assert story.body.endswith("Det oplyser Københavns Vestegns Politi.\n\n/ritzau/")
    assert story.slug == "NU-FLASH-K"


def test_ntb_nitf_in_real_latin1():
    story = one_story(NTB + "nitf_test.xml")
    assert story.body.startswith("København /ritzau/:")
    assert story.dateline_location == "Stockholm"


def test_nitf_fishing_missing_dtd_canceled_embargo_note_and_tagline():
    story = one_story(CORE + "nitf-fishing.xml")
    assert story.headline == "Weather and Tide Updates for Norfolk"
    assert story.provider == "iptc"
    assert story.version == "1"
    assert story.guid == "iptc.321656141.b"
    assert utc(story) == datetime(2002, 2, 25, 19, 30, tzinfo=UTC)
    assert story.pub_status == "canceled"
    assert story.embargo_until == datetime(2002, 2, 26, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert story.body.startswith("The weather was superb today in Norfolk, Virginia.")
    # body.end/tagline closes the body
    assert story.body.endswith("Happy fishing everybody!\n\nStewart Klometers contributed to this article.")
    # the editor's note, the abstract, the picture caption and ed-msg stay out
    assert "created completely from scratch" not in story.body
    assert "Superb weather in Norfolk today" not in story.body
    assert "captured on film" not in story.body
    assert "expanded format" not in story.body
    # a source line break inside a paragraph is only a space
    assert "Made me want to take out my boat" in story.body
    assert story.authors == ["Alan Karben"]
    assert ("Stewart Kilometers", "editor") in story.credits
    assert story.dateline_location == "Newport News, VA"
    assert story.keywords == ["fishing", "lures", "tides"]


def test_aap_redistributes_afp_with_naive_sydney_times():
    story = one_story(CORE + "aap-finance.xml")
    assert story.headline == "ASIA:Samsung sells defence, petrochemical units"
    assert story.provider == "aap"
    assert story.original_provider == "afp"
    # naive 20141126T152703 is AAP's Sydney time (AEDT, +11:00)
    assert story.published_tz_source == "provider_default"
    assert utc(story) == datetime(2014, 11, 26, 4, 27, 3, tzinfo=UTC)
    assert story.published_raw == "20141126T152703"
    assert story.body.startswith("SEOUL, Nov 26 AFP - Samsung has announced the sale of stakes in four")
    assert story.body.endswith("opposed to the deal.\n\nAFP sn")
    assert story.slug == "Samsung"


def test_aap_with_offset_keeps_it():
    story = one_story(CORE + "aap.xml")
    assert story.published_tz_source == "source"
    assert utc(story) == datetime(2013, 10, 20, 8, 27, 51, tzinfo=UTC)
    assert story.authors == ["John Doe"]
    assert story.dateline_location == "Sydney"
    assert story.body.startswith("The main stories on ABC television's 1900 news:\n\n1A) More")


def test_ap_media_nitf_in_namespace_with_tables():
    story = one_story(CORE + "ap_media_text_nitf.xml")
    # hl1 (and hl2) hold the ANPA keyword: it is the slug, its words the headline (issue 14)
    assert (story.slug, story.headline) == ("BC-BBN--Top Ten", "Top Ten")
    assert story.provider == "ap"
    assert utc(story) == datetime(2019, 7, 3, 4, 5, 12, tzinfo=UTC)
    assert "\n\nMcNeil NYM 72 271 37 95 .351\n\n" in story.body
    assert story.body.endswith("Scherzer, Washington, 8-5.")


def test_ap_byline_title_is_not_a_name():
    story = one_story(CORE + "ap-nitf.xml")
    assert story.authors == ["BERNARD CONDON"]
    assert story.guid is None  # doc-id without id-string
    assert story.dateline_location == "NEW YORK"
    assert story.body.startswith("NEW YORK (AP) — The gas produced by hog manure")


def test_ansa_via_belga_prefix_subtitle_and_naive_time():
    story = one_story(BELGA + "ansa_belga.xml")
    assert story.headline == "Gazprom cuts Italy gas supplies by a third"
    assert story.provider == "ansa"
    assert story.authors == []  # its byline is a subtitle
    # no zone in the file: ANSA writes Rome time (transforms/conventions.py), 16:33 UTC in July
    assert story.published_at == datetime(2022, 7, 11, 18, 33, tzinfo=ZoneInfo("Europe/Rome"))
    assert to_utc(story.published_at, story.published_tz_source) == (
        datetime(2022, 7, 11, 16, 33, tzinfo=UTC), "provider_default", 120)
    assert story.body == ("(ANSA) - ROME, JUL 11 - Russian energy giant Gazprom on Monday cut its "
                          "gas supplies to Italy by a third, Italian fuels giant Eni said.")
    assert story.language is None  # <lang lang="it"> on English text is ignored


def test_canadian_press_placeholder_dates_and_misplaced_urgency():
    story = one_story(CORE + "handle_invalid_fields.xml")
    assert story.provider == "cp"
    assert utc(story) == datetime(2020, 7, 3, 20, 51, 36, tzinfo=UTC)
    assert story.embargo_until is None  # date.release="YYYYMMDD000000-HHMM"
    assert story.urgency == 2
    assert story.authors == ["Mia Rabson", "Jordan Press"]
    assert story.dateline_location == "Ottawa, Ontario, Canada"


def test_pa_embargo_and_pre_block():
    story = one_story(CORE + "pa3.xml")
    assert story.pub_status == "withheld"
    assert story.embargo_until == datetime(2016, 9, 9, 0, 1, tzinfo=timezone(timedelta(hours=1)))
    assert "Embargoed" not in story.body  # ed-msg is for editors
    pre = one_story(CORE + "pa2.xml")
    assert pre.body.startswith("International Match\nMexico v Panama\n")


def test_empty_aap_item_is_no_body():
    with pytest.raises(ParseError) as err:
        list(nitf.parse(corpus_bytes(CORE + "aap-finance-lite.xml"), "aap-finance-lite.xml"))
    assert err.value.reason == "no_body"


# -------------------------------------------------------------------- synthetic

SYNTHETIC = """<?xml version="1.0" encoding="iso-8859-1"?>
<nitf baselang="de-DE">
 <head>
  <title>Titel</title>
  <meta name="NTBStikkord" content="STIKK"/>
  <docdata management-status="usable">
   <doc-id id-string="x-1"/>
   <date.issue norm="{issue}"/>
   <ed-msg info="Nicht zur Veroeffentlichung"/>
  </docdata>
 </head>
 <body>
  <body.head><hedline><hl1>Überschrift</hl1></hedline>
   <byline>Von Redaktion</byline>
   <note noteclass="editorsnote"><p>intern</p></note>
  </body.head>
  <body.content><p>Erster  Absatz
   geht weiter.</p><note><p>intern 2</p></note><p>Zweiter<br/>Zeile</p></body.content>
 </body>
</nitf>"""


def synthetic(issue: str = "20210516T090004") -> bytes:
    return SYNTHETIC.format(issue=issue).encode("latin-1")


def test_synthetic_latin1_notes_and_naive_date():
    [story] = list(nitf.parse(synthetic(), "s"))
    assert story.headline == "Überschrift"
    assert story.body == "Erster Absatz geht weiter.\n\nZweiter\nZeile"
    assert story.language == "de"
    assert story.provider == "ntb"  # NTB metas, no other hint
    # date.publication-style stamp without a zone: NTB's own zone (transforms/conventions.py)
    assert story.published_at == datetime(2021, 5, 16, 9, 0, 4, tzinfo=ZoneInfo("Europe/Oslo"))
    assert story.published_tz_source == "provider_default"
    assert story.slug == "STIKK"


def test_minimal_nitf_without_head():
    [story] = list(nitf.parse(b"<nitf><body><body.content><p>Just text.</p></body.content>"
                              b"</body></nitf>", "s"))
    assert story.body == "Just text."
    assert story.headline is None and story.guid is None and story.published_at is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20210516T080625Z", datetime(2021, 5, 16, 8, 6, 25, tzinfo=UTC)),
        ("20210516T080625+0000", datetime(2021, 5, 16, 8, 6, 25, tzinfo=UTC)),
        ("20200703T165136-0400", datetime(2020, 7, 3, 16, 51, 36, tzinfo=timezone(timedelta(hours=-4)))),
        ("2016-04-13 04:52:21+00:00", datetime(2016, 4, 13, 4, 52, 21, tzinfo=UTC)),
        ("2022-07-11 18:33", datetime(2022, 7, 11, 18, 33)),
        ("2021.05.16 09:00:04", datetime(2021, 5, 16, 9, 0, 4)),
        ("16.05.2021 09:00", datetime(2021, 5, 16, 9, 0)),
        ("20020226", datetime(2002, 2, 26)),
        ("YYYYMMDD000000-HHMM", None),
        ("20211316T000000", None),
        ("", None),
    ],
)
def test_wire_datetimes(raw, expected):
    assert nitf.parse_wire_datetime(raw) == expected


def test_every_truncation_is_a_story_or_a_parse_error():
    # invariant: a document cut anywhere never raises anything but ParseError
    data = synthetic()
    for cut in range(len(data)):
        with contextlib.suppress(ParseError):
            list(nitf.parse(data[:cut], "s"))


def test_byline_names():
    assert nitf.author_names("By Ian Jones, Press Association") == ["Ian Jones"]
    assert nitf.author_names("Mia Rabson and Jordan Press") == ["Mia Rabson", "Jordan Press"]
    assert nitf.author_names("gr/bp") == []
    assert nitf.author_names("") == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_input"),
        (b"   \n", "empty_input"),
        (b"<nitf><head><title>x</title></head><body><body.content><p>cut", "malformed_xml"),
        (b"<nitf><head/><body><body.head><hedline><hl1>Only a headline</hl1></hedline>"
         b"</body.head><body.content/></body></nitf>", "no_body"),
        (b"<NewsML/>", "not_nitf"),
    ],
)
def test_unreadable_inputs(data, reason):
    with pytest.raises(ParseError) as err:
        list(nitf.parse(data, "t"))
    assert err.value.reason == reason


def test_sniff_claims_only_nitf_roots():
    assert nitf.sniff(b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "x.dtd">\n<nitf>')
    assert nitf.sniff(b'\xef\xbb\xbf<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">')
    # NITF inside NewsML 1.x or NewsML-G2 belongs to the outer format
    assert not nitf.sniff(b"<NewsML><NewsItem><nitf><body/></nitf></NewsItem></NewsML>")
    assert not nitf.sniff(b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">')
    assert not nitf.sniff(b"March 3, 2021 / 4:05 PM / 2 years ago\n")


# ------------------------------------------------------------------------ sweep

EXPECTED_CLAIMS = {
    BELGA + "ansa_belga.xml",
    NTB + "nitf_test.xml",
    *(CORE + name for name in (
        "aap-1.xml", "aap-cyber.xml", "aap-finance-lite.xml", "aap-finance.xml", "aap-sports.xml",
        "aap.xml", "ap-nitf.xml", "ap_media_text_nitf.xml", "efe_nitf.xml",
        "handle_invalid_fields.xml", "mapping_test.xml", "nitf-fishing.xml", "pa1.xml",
        "pa2.xml", "pa3.xml", "pa4.xml")),
    # CP's AP agate item, NITF 3.4 without a namespace (SOURCES.md section 10)
    "superdesk-feed-fixtures/superdesk-cp/server/tests/ingest/parser/fixtures/ap/ap-agate-nitf.xml",
}


def test_sweep_over_all_corpora():
    claimed: set[str] = set()
    outcomes: Counter[str] = Counter()
    for rel, data in corpus_files():
        if not nitf.sniff(data[:8192]):
            continue
        claimed.add(rel)
        try:
            for item in nitf.parse(data, rel):
                outcomes[type(item).__name__] += 1
        except ParseError as err:
            outcomes[f"ParseError:{err.reason}"] += 1
    assert claimed == EXPECTED_CLAIMS
    assert outcomes == Counter({"ParsedStory": 18, "ParseError:no_body": 1})
