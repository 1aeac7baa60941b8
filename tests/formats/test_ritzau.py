"""ritzau: Ritzau RBNews XML (superdesk-core and superdesk-ntb fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ritzau
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"


def parse_file(rel: str) -> list:
    data = corpus_bytes(rel)
    assert ritzau.sniff(data)
    return list(ritzau.parse(data, rel))


def test_single_flash_golden():
    [s] = parse_file(CORE + "ritzau_news.xml")
    assert s.guid == "9a6955fc-11da-46b6-9903-439ebb288f2d"
    assert s.headline is None  # <headline i:nil="true"/> and no subtitle on a flash
    assert s.provider == "ritzau"
    assert s.version == "1"
    # naive PublishDate, Danish local time (CET in January): 17:32 -> 16:32 UTC
    assert s.published_raw == "2018-01-30T17:32:18.397"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2018, 1, 30, 16, 32, 18, 397000, tzinfo=UTC), "provider_default", 60)
    assert s.body.startswith("Hollandske forskere har \"i årevis\" lavet forsøg")
    assert s.body.endswith("fordi de har finansieret lignende forsøg.")
    assert len(s.body.split("\n\n")) == 3
    assert s.authors == ["Peder Top Poulsen"]
    assert s.dateline_location == "Haag"
    assert s.slug == "NU/FLASH-U"
    assert (s.urgency, s.pub_status, s.language) == (3, "usable", "da")


def test_editor_note_never_reaches_the_body():
    [plain] = parse_file(CORE + "ritzau_news.xml")
    [noted] = parse_file(CORE + "ritzau_news_test_ednote.xml")
    assert b"Lasse Norman Hansen" in corpus_bytes(CORE + "ritzau_news_test_ednote.xml")
    assert "Lasse Norman Hansen" not in noted.body and "Novo Nordisk" not in noted.body
    assert noted.body == plain.body and noted.guid == plain.guid


def test_ntb_copy_is_the_same_item():
    [s] = parse_file(NTB + "ritzau.xml")
    assert s.guid == "9a6955fc-11da-46b6-9903-439ebb288f2d"


def test_queue_response_with_two_items():
    pr, sport = parse_file(CORE + "ritzau_feed.xml")
    assert isinstance(pr, ParsedStory) and isinstance(sport, ParsedStory)
    assert pr.headline == "PR / Spire Global, Inc."
    # double-escaped entities (&amp;amp;apos;) and UTF-8 read as latin-1 (Â£) are undone
    assert pr.body.startswith("GLASGOW, Scotland, Feb. 01, 2018 (GLOBE NEWSWIRE) -- The UK Space Agency "
                              "has awarded more than £4 million")
    assert "'parallel super-computing'" in pr.body
    assert "&apos;" not in pr.body and "&quot;" not in pr.body and "Â" not in pr.body
    assert pr.body.endswith("Ritzau er derfor ikke ansvarlig for indholdet **")
    assert pr.language is None  # "Via Ritzau" third-party release, written in English
    assert pr.authors == [] and pr.urgency == 5
    assert sport.headline == "Kort om sport"
    assert sport.subjects == ["subj:15000000"]
    assert sport.body.endswith("/ritzau/")
    assert to_utc(sport.published_at, sport.published_tz_source)[0] == datetime(
        2018, 2, 1, 17, 38, 49, 417000, tzinfo=UTC)


# --- synthetic --------------------------------------------------------------------------

def _news(guid: str, content: str = "&lt;p&gt;Tekst.&lt;/p&gt;", extra: str = "") -> str:
    return (f"<RBNews><NewsID>{guid}</NewsID><PublishDate>2018-07-01T12:00:00</PublishDate>"
            f"<headline>H {guid}</headline><version>2</version><origin>/ritzau/</origin>"
            f"<content>{content}</content>{extra}</RBNews>")


def _feed(*items: str) -> bytes:
    return ('<?xml version="1.0"?><XMLNewsQueuedResponse xmlns="http://tempuri.org/">'
            '<XMLNewsQueuedResult><ListOfRBNews xmlns="">' + "".join(items)
            + "</ListOfRBNews></XMLNewsQueuedResult></XMLNewsQueuedResponse>").encode()


def test_malformed_item_rejects_only_that_item():
    data = _feed(_news("a"), _news("b", content="<p>raw markup</b>"), _news("c"))
    a, b, c = ritzau.parse(data, "t")
    assert (a.guid, c.guid) == ("a", "c")
    assert isinstance(b, RejectedItem) and b.reason == "malformed_xml" and b"<NewsID>b<" in b.raw
    # summer time: CEST, +02:00
    assert to_utc(a.published_at, a.published_tz_source)[0] == datetime(2018, 7, 1, 10, 0, tzinfo=UTC)
    assert a.version == "2"


def test_item_problems_are_per_item():
    data = _feed(
        _news("x", content=""),
        _news("p", content="", extra="<MultimedieList><Media>1</Media></MultimedieList>"),
        _news("k", extra="<Annuleret>true</Annuleret>"),
        "<RBNews><PublishDate>2018-07-01T12:00:00</PublishDate><content>x</content></RBNews>",
        _news("d").replace("2018-07-01T12:00:00", "01/07/2018"),
    )
    no_body, picture, killed, no_guid, bad_date = ritzau.parse(data, "t")
    assert no_body.reason == "no_body"
    assert picture == SkippedItem(reason="non_text:picture", guid="p")
    assert killed.pub_status == "canceled"
    assert (no_guid.reason, bad_date.reason) == ("no_guid", "malformed_date")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty_input"),
    (_feed(), "no_items"),
    (b"<RBNews><NewsID>x</NewsID>", "malformed_xml"),
])
def test_whole_file_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(ritzau.parse(data, "t"))
    assert err.value.reason == reason


def test_sweep_claims_only_ritzau_files():
    root = corpus_path()
    claimed = {}
    for path in sorted(corpus_path("superdesk-feed-fixtures").rglob("*")):
        if path.is_file() and ritzau.sniff(data := path.read_bytes()):
            try:
                items = list(ritzau.parse(data, str(path)))
            except ParseError as exc:
                items = [exc.reason]
            claimed[path.relative_to(root).as_posix()] = len(items)
    assert claimed == {
        CORE + "ritzau_news.xml": 1,
        CORE + "ritzau_news_test_ednote.xml": 1,
        CORE + "ritzau_feed.xml": 2,
        NTB + "ritzau.xml": 1,
    }
    for path in sorted(corpus_path("reuters-web-raw").rglob("*")):
        assert not (path.is_file() and ritzau.sniff(path.read_bytes()))
