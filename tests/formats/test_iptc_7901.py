"""IPTC 7901: dpa and ATS text wire files (SOURCES.md section 6)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ParseError, iptc_7901
from transforms.formats.base import ParsedStory, RejectedItem
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
BELGA = "superdesk-feed-fixtures/superdesk-belga/server/tests/io/fixtures/"

EXPECTED_CLAIMS = {
    f"{CORE}IPTC7901.txt",
    f"{CORE}IPTC7901_odd_charset.txt",
    f"{CORE}dpa_copyright.txt",
    f"{CORE}dpa_four_line.txt",
    f"{CORE}dpa_two_line.txt",
    f"{BELGA}dpa.txt",
    f"{BELGA}ats.txt",
}


def _one(rel: str) -> ParsedStory:
    data = corpus_bytes(rel)
    assert iptc_7901.sniff(data)
    [story] = list(iptc_7901.parse(data, rel))
    assert isinstance(story, ParsedStory)
    return story


def _utc(story: ParsedStory) -> datetime | None:
    return to_utc(story.published_at, story.published_tz_source)[0]


def test_dpa_english_service_story():
    story = _one(CORE + "IPTC7901.txt")
    assert story.headline == "Germany Social Democrats: Coalition talks with Merkel could fail"
    assert story.provider == "dpa"
    assert story.version is None
    assert story.urgency == 4
    assert story.slug == "Germany-politics"
    assert story.keywords == ["Germany-politics"]
    assert _utc(story) == datetime(2013, 11, 13, 11, 37, tzinfo=UTC)
    assert story.published_raw == "131137 GMT Nov 13"
    assert story.body.startswith("Berlin (dpa) - Negotiations between German conservatives")
    assert story.body.endswith("sworn in for a third term before Christmas.")
    # the notebook ("not for publication") never reaches the body
    assert "NOTEBOOK" not in story.body and "Reporting by" not in story.body


def test_latin1_file_version_byline_and_german_month():
    story = _one(CORE + "IPTC7901_odd_charset.txt")
    assert story.version == "1ST LEAD"
    assert story.headline == "German football saddened by illness to striker legend Mueller"
    assert story.authors == ["Manuel Schwarz"]
    assert "Thomas Müller" in story.body  # 0xFC in the file: latin-1, not UTF-8
    assert "\ufffd" not in story.body
    assert _utc(story) == datetime(2015, 10, 7, 13, 41, tzinfo=UTC)  # "071341 GMT Okt 15"
    assert story.keywords == ["Germany-football", "Munich", "Mueller"]
    assert story.body.endswith("respect his and his family's private sphere.\"")
    assert "Note to editors" not in story.body


def test_refile_lead_version_and_nbsp_file():
    story = _one(CORE + "dpa_four_line.txt")
    assert story.version == "REFILE 1ST LEAD"
    assert story.headline == "Switzerland joins list of countries resisting UN migration pact"
    assert story.authors == []  # "By dpa correspondents"
    assert story.body.startswith("Geneva (dpa) - Switzerland is joining")
    assert "Editorial contacts" not in story.body and "Corbett" not in story.body


def test_belga_dpa_without_any_framing_bytes():
    story = _one(BELGA + "dpa.txt")
    assert story.version == "2ND LEAD 3RD NET"
    assert story.headline == "Top EU court: Britain can unilaterally reverse Brexit decision"
    assert story.authors == ["Helen Maguire"]
    assert story.keywords == ["politics", "Britain", "EU", "Brexit", "justice"]
    assert _utc(story) == datetime(2018, 12, 10, 11, 37, tzinfo=UTC)  # "101137 GMT Dez 18"
    assert story.body.startswith("Luxembourg (dpa) - Britain could unilaterally decide")
    assert story.body.endswith("say it goes too far.")
    assert "101137" not in story.body


def test_ats_with_leading_del_bytes_and_french_text():
    story = _one(BELGA + "ats.txt")
    assert story.provider == "ats"
    assert story.headline == "Gilets jaunes: une «catastrophe pour notre économie» (Le Maire)"
    assert story.urgency == 3
    # "091223 dec 18": no zone in the trailer: ATS's Swiss time (transforms/conventions.py)
    assert story.published_at == datetime(2018, 12, 9, 12, 23, tzinfo=ZoneInfo("Europe/Zurich"))
    assert to_utc(story.published_at, story.published_tz_source)[:2] == (
        datetime(2018, 12, 9, 11, 23, tzinfo=UTC), "provider_default")
    assert story.priority == 3 and story.category == ["ec"]
    assert story.body.startswith("Paris (ats afp) Les violences liées aux manifestations")
    assert story.body.endswith("(SDA\\/sj)")


# --- synthetic ------------------------------------------------------------------

def _msg(head: bytes, heading: bytes, body: bytes, trailer: bytes = b"051230 GMT Mar 21") -> bytes:
    return (b"\x01" + head + b"\r\n\r\nEurope/widgets/\r\n\x02" + heading + b"\r\n\r\n" + body
            + b"\r\n\r\n\x03" + trailer + b"\r\n\x7f\r\n\x7f\x04")


HEADING = b"2ND LEAD\r\nWidget prices climb in Europe\r\nBy Ann Example and Bob Sample, dpa ="
BODY = (b"Paris (dpa) - Widget makers said on Friday that prices\r\nrose again.\r\n\r\n"
        b"Caf\xe9 owners were not amused.\r\n\r\n# Notebook\r\n\r\n## Note to editors\r\n- private\r\n")


def test_synthetic_latin1_story():
    [story] = list(iptc_7901.parse(_msg(b"eca123 2 i 40  dpa 0001", HEADING, BODY), "s"))
    assert story.version == "2ND LEAD"
    assert story.urgency == 2
    assert story.authors == ["Ann Example", "Bob Sample"]
    assert story.body == ("Paris (dpa) - Widget makers said on Friday that prices rose again.\n\n"
                          "Café owners were not amused.")
    assert story.published_at == datetime(2021, 3, 5, 12, 30, tzinfo=UTC)


def test_malformed_header_rejects_only_that_message():
    good = _msg(b"eca123 2 i 40  dpa 0001", HEADING, BODY)
    bad = b"\x01not a header line\r\n\x02text\r\n\x03\x04"
    items = list(iptc_7901.parse(good + bad + good, "s"))
    assert [type(i) for i in items] == [ParsedStory, RejectedItem, ParsedStory]
    assert items[1].reason == "malformed_header"
    assert items[1].raw == bad


def test_missing_trailer_and_heading_terminator():
    data = b"\x01eca124 4 s 20  dpa 0002\r\n\r\nsport/\r\n\x02Headline without terminator\r\nBody text.\r\n"
    [story] = list(iptc_7901.parse(data, "s"))
    assert story.headline == "Headline without terminator"
    assert story.body == "Body text."
    assert story.published_at is None and story.published_raw is None


def test_message_without_body_is_rejected():
    data = _msg(b"eca125 4 i 0  dpa 0003", b"Only a headline =", b"")
    [item] = list(iptc_7901.parse(data, "s"))
    assert isinstance(item, RejectedItem) and item.reason == "no_body"


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty_input"), (b"\x01\x04", "no_items")])
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(iptc_7901.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize("data", [
    b"\x16\x16\x01x1234\x1fabcde\r\nr a\x13\x11 BC-EU--Widget   03-04 0120\r\n\x02",  # ANPA
    b"\x01CANTERBURY\x1f6\x1fN\x1fN\x1fNSW\x1fWednesday\r\n",  # AAP racing
    b"ZCZC AAP\r\n%A\r\n",
    b"Headline 2 x 10 words\nbody\n",
])
def test_sniff_refuses_other_formats(data):
    assert not iptc_7901.sniff(data)


def test_sweep_superdesk_fixtures():
    """Every file the sniff claims parses to stories; the claimed set is the 7901 files."""
    root = corpus_path("superdesk-feed-fixtures")
    base = corpus_path("")
    claimed = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not iptc_7901.sniff(data):
            continue
        rel = path.relative_to(base).as_posix()
        claimed.add(rel)
        items = list(iptc_7901.parse(data, rel))  # only ParseError may escape
        assert items and all(isinstance(i, ParsedStory) and i.headline and i.body for i in items), rel
        assert all(i.published_at is not None for i in items), rel
    assert claimed == EXPECTED_CLAIMS
