"""AAP telex framing (ZCZC ... NNNN): superdesk-aap ``.tst`` files (SOURCES.md section 6)."""

from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ParseError, aap_telex
from transforms.formats.base import ParsedStory, RejectedItem
from transforms.reading.records import to_utc

AAP = "superdesk-feed-fixtures/superdesk-aap/server/aap/tests/io/fixtures/"

EXPECTED_CLAIMS = {AAP + name for name in (
    "1487e8f1-f7f5-40f5-8c0f-0eba3c2e162d.tst",
    "612fa1dc-c476-425d-8c80-d40bdc9cc1d5.tst",
    "AAP201606060716291.tst",
    "AFL_FormGuide__636241349261119029.tst",
    "Caulfield RA - Betting - Sat 11 Feb, 2017.tst",
    "Darwin GR - Greys - Sun 11 Oct, 2015.tst",
    "ED_841066_2_1.tst",
    "ED_867485_4_2.tst",
    "ED_900942_2_1.tst",
    "National Top Ten By Volume at Close - March 13.tst",
    "Standings__2014_14_635535729050675896.tst",
    "Wagga Trot VIC TAB DIVS 1-4 Friday.tst",
    "Warragul Greyhound NSW TAB DIVS 1-11 Thursday.tst",
    "bob_am_headlines.tst",
    "premierships.txt",
    "vicomb004_8511.tst",
    "viflda004_7257.tst",
    "vifrc7_5254.tst",
    "vinzce004_14.tst",
    "viwhtn01_8594.tst",
)}


def _one(name: str) -> ParsedStory:
    data = corpus_bytes(AAP + name)
    assert aap_telex.sniff(data)
    [story] = list(aap_telex.parse(data, name))
    assert isinstance(story, ParsedStory)
    return story


def test_bob_broadcast_story():
    story = _one("1487e8f1-f7f5-40f5-8c0f-0eba3c2e162d.tst")
    assert story.headline == "Legionella found in Qld hospital"
    assert story.slug == "Legionella_BC1"
    assert story.provider == "aap"
    assert story.version is None
    assert story.published_at is None  # the telex header carries no time
    assert story.subjects == ["subj:07000000"]
    assert story.body.startswith("Legionella bacteria has been found in a regional southwest Queensland hospital.")
    assert story.body.endswith("AAP RTV")  # sign-off left for the generic clean-up


def test_headline_code_and_cr_only_header():
    story = _one("Standings__2014_14_635535729050675896.tst")
    assert story.headline == "MOTOR:  Collated results/standings after Sydney NRMA 500"
    assert story.slug == "Motor V8"
    assert story.subjects == ["subj:15039001"]
    assert story.body.startswith("SYDNEY, Dec 7 AAP - Collated results and standings")


def test_pagemasters_file_with_cr_line_ends_and_date_take_key():
    story = _one("Caulfield RA - Betting - Sat 11 Feb, 2017.tst")
    assert story.slug == "Caulfield Betting"
    assert story.headline == "Caulfield Betting"  # ':11/2/2017' is a date, not a title
    assert story.provider == "aap"
    assert story.body.startswith("MELBOURNE, Feb 09 AAP - Latest betting for Saturday's Caulfield gallops.-")
    assert story.body.endswith("AAP BETTING")
    assert "\n2.90 Hipparchus\n" in story.body  # betting lines keep their rows


def test_pagemasters_slug_and_take_key_make_the_headline():
    story = _one("Wagga Trot VIC TAB DIVS 1-4 Friday.tst")
    assert story.headline == "Wagga Trot VIC TAB DIVS 1-4 Friday"
    assert "\x0f" not in story.body and "\x19" not in story.body


def test_racing_dialect_routing_line_and_first_line_headline():
    story = _one("vifrc7_5254.tst")
    assert story.headline == "Wodonga Comment Saturday races 1-6"
    assert story.body.startswith("Race One - Telstra Business Centre Mdn 1400m")
    assert "TDCom" not in story.body and "NNNN" not in story.body


def test_racing_dialect_colon_headline():
    story = _one("vicomb004_8511.tst")
    assert story.headline == "Eagle Farm MARKET DAY"
    assert story.body.startswith("BRISBANE, Oct 12 AAP - Latest betting for tomorrow's Eagle\nFarm gallops.-")


def test_lowercase_zczc_news_bites_tagged_lines():
    story = _one("AAP201606060716291.tst")
    assert story.headline == "UGL continues project delay negotiation"
    assert story.guid == "26945219"
    assert story.provider == "newsbites"
    assert story.keywords == ["ACNB", "Comnews", "UGL.AX"]
    # PD# has no zone: naive, taken as UTC and flagged
    assert to_utc(story.published_at, story.published_tz_source) == (
        datetime(2016, 6, 6, 14, 0, tzinfo=UTC), "assumed", None)
    assert story.body.startswith("UGL’s construction of the Ichthys")  # cp1252 0x92
    assert story.body.endswith("while commercial negotiations are ongoing.")


# --- synthetic ------------------------------------------------------------------

MSG = (b"ZCZC AAP\r\n%A\r\n#Widgets_BC1\r\n$Widget prices climb\r\n:(SYDNEY)\r\n+04000000\r\n"
       b"Widget makers said prices rose.\r\n\r\n   A second paragraph.\r\n\r\nAAP ex\r\nNNNN\r\n")


def test_several_messages_and_an_empty_one_rejected_alone():
    empty = b"ZCZC AAP\r\n%A\r\n#Empty\r\n\r\nNNNN\r\n"
    items = list(aap_telex.parse(MSG + empty + MSG, "s"))
    assert [type(i) for i in items] == [ParsedStory, RejectedItem, ParsedStory]
    assert items[1].reason == "no_body"
    assert items[1].raw == empty.rstrip(b"\r\n")
    story = items[0]
    assert story.headline == "Widget prices climb"
    assert story.slug == "Widgets_BC1"
    assert story.subjects == ["subj:04000000"]
    assert story.body == "Widget makers said prices rose.\n\nA second paragraph.\n\nAAP ex"


def test_missing_nnnn_ends_at_next_zczc_or_eof():
    data = MSG.replace(b"NNNN\r\n", b"") * 2
    items = list(aap_telex.parse(data, "s"))
    assert len(items) == 2 and all(isinstance(i, ParsedStory) for i in items)
    assert items[0].body.endswith("AAP ex")


def test_bom_before_zczc():
    data = b"\xef\xbb\xbf" + MSG
    assert aap_telex.sniff(data)
    [story] = list(aap_telex.parse(data, "s"))
    assert story.headline == "Widget prices climb"


def test_latin1_message_and_no_provider_marker():
    data = b"zczc\n#Caf\xe9 slug\n:Caf\xe9 report\nOne line of text.\nNNNN\n"
    [story] = list(aap_telex.parse(data, "s"))
    assert story.slug == "Café slug"
    assert story.headline == "Café slug Café report"
    assert story.provider is None


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty_input"), (b"no telex here\n", "no_items")])
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(aap_telex.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize("data", [
    b"\x01eca062 4 i 211 ccccb   dpa 061\r\n",
    b"ZCZCX is not a telex start\nbody\n",
    b"Headline\nThe ZCZC word later\n",
    b"<zczc/>",
])
def test_sniff_refuses_other_content(data):
    assert not aap_telex.sniff(data)


def test_sweep_superdesk_fixtures():
    """Every claimed file parses to stories; the claimed set is the telex files."""
    root = corpus_path("superdesk-feed-fixtures")
    base = corpus_path("")
    claimed = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not aap_telex.sniff(data):
            continue
        rel = path.relative_to(base).as_posix()
        claimed.add(rel)
        items = list(aap_telex.parse(data, rel))  # only ParseError may escape
        assert items and all(isinstance(i, ParsedStory) and i.headline and i.body for i in items), rel
        assert all("NNNN" not in i.body and "ZCZC" not in i.body.upper() for i in items), rel
    assert claimed == EXPECTED_CLAIMS
