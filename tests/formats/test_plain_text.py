"""Plain-text fallback, and the sweep that keeps the text-wire sniffs apart."""

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import (
    ParseError,
    aap_telex,
    anpa_1312,
    email,
    events,
    iptc_7901,
    plain_text,
    reuters_web_text,
)
from transforms.formats.base import ParsedStory, SkippedItem

AAP = "superdesk-feed-fixtures/superdesk-aap/server/aap/tests/io/fixtures/"
CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
PLANNING = "superdesk-feed-fixtures/superdesk-planning/server/planning/feed_parsers/"
# RFC 822 mails saved as .txt (SOURCES.md section 10): read by email, never plain text
MAILS = {CORE + name for name in (
    "simple_email.txt", "charset_in_subject_email.txt", "composite_email.txt",
    "odd_charset_email.txt", "json-email.txt", "googleform.txt")}
CALENDARS = {PLANNING + "events.ics", PLANNING + "parl_cal.ics", AAP + "abs-calendar.txt"}

EXPECTED_CLAIMS = {AAP + name for name in (
    *(f"asianet_{i}.tst" for i in range(1, 10)),
    "IDN38100.tst",
    "IDY21020.tst",
    "CRN2016427R1.tst",
)}
# the same text formats are claimed by the other three sniffs; see the test files
ANPA_COUNT, IPTC_7901_COUNT, TELEX_COUNT = 15, 7, 20


def _one(name: str) -> ParsedStory:
    data = corpus_bytes(AAP + name)
    assert plain_text.sniff(data)
    [story] = list(plain_text.parse(data, name))
    return story


def test_bureau_of_meteorology_bulletin():
    # the product code is the slug; the title is the first paragraph naming a product
    story = _one("IDN38100.tst")
    assert story.headline == "Cancellation of Road Weather Alert for Sydney"
    assert story.slug == "IDN38100"
    assert story.provider == "bom"
    assert story.published_at is None and story.version is None
    assert story.body.startswith("Issued at 9:27 am EST on Thursday 5 July 2018.")
    assert story.body.endswith("No further alerts will be issued for this event.")
    story = _one("IDY21020.tst")
    assert story.headline == "High Seas Weather Warning for METAREA 10"
    assert story.slug == "IDY21020"


def test_asianet_release_header_lines_and_wrapped_title():
    # "Source: <issuer>" and "MEDIA RELEASE <id>" are header lines, not the headline
    story = _one("asianet_1.tst")
    assert story.headline == "Digital Turbine Partners with Axiata Digital On Carrier Billing Platform Integration"
    assert story.credits == [("Digital Turbine, Inc.", "issuer")]
    assert story.guid == "PR67276"
    assert story.provider == "asianet"
    assert story.body.startswith("AUSTIN, Texas, Feb. 1, 2017 /PRNewswire-AsiaNet/ --")
    assert story.body.endswith("SOURCE Digital Turbine, Inc.")
    story = _one("asianet_2.tst")  # a title wrapped over two lines
    assert story.headline == ("Queen Elizabeth Prize for Engineering Awarded to the Creators of Digital "
                              "Imaging Sensors")


def test_pipe_table_keeps_rows():
    story = _one("CRN2016427R1.tst")
    assert story.headline == "Cranbourne, Wednesday 27 Apr 2016"
    assert story.body.startswith("PL|DOG|BOX|RUG|S/P|HP|MGIN|MGIN\nRace 1|TOP CAT VIDEO|06:58PM\n")
    assert story.body.endswith("TIME: 18.04 (2)")


def test_calendar_csv_is_not_plain_text():
    # an Outlook calendar export (the ABS release calendar): the events parser's (test_events.py)
    assert not plain_text.sniff(corpus_bytes(AAP + "abs-calendar.txt"))


# --- synthetic ------------------------------------------------------------------

def test_long_first_line_is_not_a_headline():
    data = ("word " * 60 + "\nsecond line\n").encode()
    assert plain_text.sniff(data)
    [story] = list(plain_text.parse(data, "s"))
    assert story.headline is None
    assert story.body.startswith("word word") and story.body.endswith("second line")


def test_cp1252_text_and_blank_line_paragraphs():
    data = b"\r\n\r\nCaf\xe9 prices rise\r\n\r\nFirst paragraph\r\nstill first.\r\n\r\n\r\n\r\nSecond.\r\n"
    [story] = list(plain_text.parse(data, "s"))
    assert story.headline == "Café prices rise"
    assert story.body == "First paragraph\nstill first.\n\nSecond."
    assert story.provider is None


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty_input"),
    (b"\n\n  \n", "empty_input"),
    (b"Only one line\n\n", "no_body"),
    (b"\x00\x01\x02\x05\x06" * 50, "binary_content"),
])
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(plain_text.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize("data", [
    b"<?xml version='1.0'?>\n<nitf>\n</nitf>\n",
    b"\xef\xbb\xbf  <html>\n<body/>\n",
    b'{"headline": "x",\n"body": "y"}\n',
    b'[\n{"a": 1}\n]\n',
    b"one single line\n",
    b"\x00\x00binary\nstuff\n",
    b"ZCZC AAP\n#Slug\nText\nNNNN\n",
    b"eca00075 3 i 510    dpa 1003\n\nkeywords/\nHeadline =\n\nText\n",
    b"Head\n\x02framed text\n\x03\n",
])
def test_sniff_refuses_markup_json_framing_and_single_lines(data):
    assert not plain_text.sniff(data)


def test_sweep_the_text_sniffs_are_disjoint():
    """Over every superdesk fixture, reuters21578/*.sgm and the seed: no file is
    claimed by two of anpa_1312, iptc_7901, aap_telex, email, the iCalendar part
    of events and plain_text; in registry order (reuters_web_text, then these)
    plain_text takes only the listed leftovers, the mails go to email and the
    calendars to events, and every claimed file parses to stories (events: to
    skipped events) or raises ParseError."""
    files = sorted(p for p in corpus_path("superdesk-feed-fixtures").rglob("*") if p.is_file())
    files += sorted(corpus_path("reuters21578").glob("*.sgm"))
    files += sorted(p for p in corpus_path("seed").iterdir() if p.is_file())
    base = corpus_path("")
    order = (reuters_web_text, anpa_1312, iptc_7901, aap_telex, email, events, plain_text)
    claimed: dict[str, set[str]] = {p.NAME: set() for p in order}
    for path in files:
        data = path.read_bytes()
        rel = path.relative_to(base).as_posix()
        if data.lstrip()[:1] in (b"<", b"{", b"["):
            continue  # markup and JSON: the syntax sweep (test_syntax_sweep.py) covers them
        mine = [p for p in order[1:] if p.sniff(data)]
        assert len(mine) <= 1, (rel, [p.NAME for p in mine])
        winner = next((p for p in order if p.sniff(data)), None)
        if winner is None:
            continue
        claimed[winner.NAME].add(rel)
        if winner is reuters_web_text:
            continue
        try:
            items = list(winner.parse(data, rel))
        except ParseError:
            continue
        if winner is events:
            assert items and all(isinstance(i, SkippedItem) for i in items), rel
        else:
            assert items and all(isinstance(i, ParsedStory) for i in items), rel
    assert claimed["plain_text"] == EXPECTED_CLAIMS
    assert claimed["email"] == MAILS
    assert claimed["events"] == CALENDARS
    assert len(claimed["anpa_1312"]) == ANPA_COUNT
    assert len(claimed["iptc_7901"]) == IPTC_7901_COUNT
    assert len(claimed["aap_telex"]) == TELEX_COUNT
    assert claimed["reuters_web_text"] == {"seed/000_9162bee93abea508.txt"}
    # nothing from Reuters-21578 (SGML) is taken by a text parser
    assert not any(rel.startswith("reuters21578/") for names in claimed.values() for rel in names)
