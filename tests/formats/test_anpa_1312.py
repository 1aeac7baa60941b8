"""ANPA-1312: AP and Kyodo wire files and AAP racing results (SOURCES.md section 6)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ParseError, anpa_1312
from transforms.formats.base import ParsedStory, RejectedItem
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
BELGA = "superdesk-feed-fixtures/superdesk-belga/server/tests/io/fixtures/"
AAP = "superdesk-feed-fixtures/superdesk-aap/server/aap/tests/io/fixtures/"

EXPECTED_CLAIMS = {
    *(f"{CORE}anpa-{i}.tst" for i in (1, 2, 3)),
    *(f"{CORE}ap_anpa-{i}.tst" for i in range(1, 7)),
    f"{BELGA}kyodo.txt",
    f"{AAP}HRRR_20161026_CANTERBURY_6.tst",
    f"{AAP}NLRR_20161026_DOOMBEN_6.tst",
    f"{AAP}NLRR_20170311_MORPHETTVILLE PARKS_2.tst",
    f"{AAP}RR_20161025_CRANBOURNE_6.tst",
    f"{AAP}RR_20161026_CANTERBURY_1-1.tst",
}


def _one(rel: str) -> ParsedStory:
    data = corpus_bytes(rel)
    assert anpa_1312.sniff(data)
    [story] = list(anpa_1312.parse(data, rel))
    assert isinstance(story, ParsedStory)
    return story


def _utc(story: ParsedStory) -> datetime | None:
    return to_utc(story.published_at, story.published_tz_source)[0]


def test_ap_writethru_with_byline_and_trailer_date():
    story = _one(CORE + "ap_anpa-1.tst")
    assert story.slug == "BC-BKN--Heat-Hawks"
    assert story.version == "1stLd-Writethru"
    assert story.headline == "Deng has 30 points, short-handed Heat beat Hawks 115-111"
    assert story.provider == "ap"
    assert story.authors == ["CHARLES ODUM"]
    assert story.urgency == 5
    # the slug date (02-20) has no year; the ETX trailer carries the full GMT time
    assert _utc(story) == datetime(2016, 2, 20, 3, 37, tzinfo=UTC)
    assert story.published_raw == "AP-WF-02-20-16 0337GMT"
    # dateline dash '_' is left for the normalizer; the summary line and Eds note are not body
    assert story.body.startswith("ATLANTA (AP) _ Luol Deng scored 30 points")
    assert story.body.endswith("Hawks: Host Milwaukee on Saturday night.")
    assert "Eds:" not in story.body and "AP Photo" not in story.body
    assert story.body.count("Luol Deng scored 30 points") == 1


def test_ap_editor_note_and_two_authors():
    story = _one(CORE + "anpa-2.tst")
    assert story.headline == "Prairies vanish in the US push for green energy"
    assert story.version == "1stLd-Writethru"
    assert story.authors == ["CHET BROKAW", "JACK GILLUM"]
    assert "EDITOR'S NOTE" not in story.body
    assert "Associated Press=" not in story.body
    assert story.body.startswith("ROSCOE, South Dakota (AP) _ Robert Malsam")
    assert "\n\n" in story.body  # blank-line paragraphs


def test_ap_news_alert_version_comes_from_the_slug():
    story = _one(CORE + "ap_anpa-5.tst")
    assert story.slug == "BC-US--APNewsAlert"
    assert story.version == "APNewsAlert"
    assert story.urgency == 2  # 'b' bulletin
    assert _utc(story) == datetime(2017, 6, 29, 23, 50, tzinfo=UTC)
    assert story.body.startswith("HONOLULU (AP) _ Hawaii files")
    assert story.body.endswith("avoid travel ban.")


def test_ap_agate_table_keeps_rows_and_headings():
    story = _one(CORE + "ap_anpa-6.tst")
    assert story.headline == "Wild Card Glance"
    assert story.authors == []  # "By The Associated Press" is the agency, not a person
    assert story.body.startswith("All Times EDT\n\nAMERICAN LEAGUE\n\nW L Pct WCGB\nTampa Bay 73 52 .584 _\n")
    assert "\x1e" not in story.body and "\x10" not in story.body and "\x08" not in story.body


def test_kyodo_day_month_order_and_wrapped_paragraphs():
    story = _one(BELGA + "kyodo.txt")
    assert story.provider == "kyodo"
    assert story.slug == "BC-Soccer-Emperor's-Cup"
    assert story.version is None
    assert story.headline == "Soccer: Urawa Reds claim 7th Emperor's Cup by beating Vegalta Sendai"
    # KWS-21:37-09-12-18 is 9 Dec 2018 (the story is dated Dec. 9), Tokyo time: 12:37 UTC
    assert story.published_at == datetime(2018, 12, 9, 21, 37, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert _utc(story) == datetime(2018, 12, 9, 12, 37, tzinfo=UTC)
    assert to_utc(story.published_at, story.published_tz_source)[1] == "provider_default"
    assert story.priority == 2 and story.category == ["s"]
    assert story.body.startswith("SAITAMA, Japan, Dec. 9 Kyodo - Urawa Reds claimed their seventh Emperor's Cup")
    assert story.body.endswith("when they sustained injuries.")
    assert "Kyodo\n" not in story.body and "==" not in story.body


def test_aap_racing_result_header_fields():
    story = _one(AAP + "RR_20161026_CANTERBURY_1-1.tst")
    assert story.provider == "aap"
    assert story.headline == "CANTERBURY Results 1-1 Wednesday"
    assert story.version == "correction"  # third header field is Y
    assert story.keywords == ["NSW"]
    assert story.published_at is None
    assert story.body.startswith("TRACK GOOD(3)\n1-PLUCK @ VINERY")
    assert story.body.endswith("AAP RESULTS")


def test_aap_racing_typesetting_codes_are_removed():
    story = _one(AAP + "NLRR_20161026_DOOMBEN_6.tst")
    assert story.headline == "DOOMBEN Result 6 Wednesday"
    assert "#qc" not in story.body and "#nf" not in story.body
    assert "NATIONAL TRAIL 58.5 all -3.0 (Ms R Williams 7) 3 3/4 l" in story.body


# --- synthetic ------------------------------------------------------------------

def _message(slugline: bytes, text: bytes, trailer: bytes = b"AP-WF-03-04-21 1205GMT<") -> bytes:
    return (b"\x16\x16\x01x1234\x1fabcde\r\nr a\x13\x11 " + slugline + b"\r\n\x02" + text
            + b"\r\n\x03" + trailer + b"\r\n\x0c\x04")


SYNTH_TEXT = (b"^BC-EU--Widget-Prices, 2nd Ld-Writethru,120<\r\n"
              b"^Widget prices climb again<\r\n"
              b"^Eds: Adds quote. Not for publication.<\r\n"
              b"^By ANN EXAMPLE and BOB SAMPLE=\r\n"
              b"^Associated Press=\r\n"
              b"\t   LONDON (AP) _ Widget makers said prices rose.\r\n"
              b"\t   ``We are surprised,'' one said.<\r\n")


def test_synthetic_story_fields():
    data = _message(b"BC-EU--Widget-Prices 2ndLd-Writethru   03-04 0120", SYNTH_TEXT)
    [story] = list(anpa_1312.parse(data, "synthetic"))
    assert story.slug == "BC-EU--Widget-Prices"
    assert story.version == "2ndLd-Writethru"
    assert story.headline == "Widget prices climb again"
    assert story.authors == ["ANN EXAMPLE", "BOB SAMPLE"]
    assert story.published_at == datetime(2021, 3, 4, 12, 5, tzinfo=UTC)
    assert story.body == ("LONDON (AP) _ Widget makers said prices rose.\n\n"
                          "``We are surprised,'' one said.")


def test_no_trailer_keeps_the_yearless_slug_date_raw():
    data = _message(b"BC-EU--Widget-Prices   03-04 0120", SYNTH_TEXT, trailer=b"")
    [story] = list(anpa_1312.parse(data, "synthetic"))
    assert story.published_at is None
    assert story.published_raw == "03-04"
    assert story.version is None


def test_malformed_message_inside_a_multi_message_file_is_rejected_alone():
    good = _message(b"BC-EU--Widget-Prices   03-04 0120", SYNTH_TEXT)
    no_stx = b"\x16\x16\x01x1235\x1fabcde\r\nr a\x13\x11 BC-EU--Broken   03-04 0010\r\nno text start\r\n\x04"
    items = list(anpa_1312.parse(good + no_stx + good, "synthetic"))
    assert [type(i) for i in items] == [ParsedStory, RejectedItem, ParsedStory]
    assert items[1].reason == "missing_stx"
    assert items[1].raw == no_stx  # the message's own bytes


def test_message_without_body_is_rejected():
    data = _message(b"BC-EU--Empty   03-04 0000", b"^BC-EU--Empty,0<\r\n^Headline only<\r\n")
    [item] = list(anpa_1312.parse(data, "synthetic"))
    assert isinstance(item, RejectedItem) and item.reason == "no_body"


def test_latin1_bytes_decode():
    text = SYNTH_TEXT.replace(b"prices rose", b"prices rose in M\xfcnchen")
    [story] = list(anpa_1312.parse(_message(b"BC-EU--W   03-04 0120", text), "synthetic"))
    assert "München" in story.body


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty_input"), (b"  \r\n", "empty_input"),
                                              (b"no framing here\n", "no_items")])
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(anpa_1312.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize("data", [
    b"\x01eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany/\r\n\x02Head =\r\n",  # IPTC 7901
    b"ZCZC AAP\r\n%A\r\n#Slug\r\nText\r\nNNNN\r\n",  # AAP telex
    b"Plain headline\nplain body\n",
    b"<?xml version='1.0'?><nitf/>",
])
def test_sniff_refuses_other_formats(data):
    assert not anpa_1312.sniff(data)


def test_sweep_superdesk_fixtures():
    """Every file the sniff claims parses without an unexpected exception; the
    claimed set is exactly the ANPA files (AP, Kyodo, AAP racing)."""
    root = corpus_path("superdesk-feed-fixtures")
    base = corpus_path("")
    claimed = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not anpa_1312.sniff(data):
            continue
        rel = path.relative_to(base).as_posix()
        claimed.add(rel)
        items = list(anpa_1312.parse(data, rel))  # only ParseError may escape
        assert items and all(isinstance(i, ParsedStory) for i in items), rel
        assert all(i.headline and i.body for i in items), rel
    assert claimed == EXPECTED_CLAIMS
