"""Golden and synthetic tests: Reuters-21578 pseudo-SGML (SOURCES.md section 1)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ParseError, reuters_21578
from transforms.formats.base import ParsedStory, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

FILES = [f"reuters21578/reut2-{i:03d}.sgm" for i in range(20)]


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[bytes, list]]:
    """Every corpus file parsed once: ``{relative path: (bytes, items)}``."""
    out = {}
    for rel in FILES:
        data = corpus_bytes(rel)
        out[rel] = (data, list(reuters_21578.parse(data, rel)))
    return out


@pytest.fixture(scope="module")
def by_guid(corpus) -> dict[str, ParsedStory]:
    return {item.guid: item for _, items in corpus.values() for item in items
            if isinstance(item, ParsedStory)}


def _words(text: str, n: int, last: bool = False) -> list[str]:
    words = text.split()
    return words[-n:] if last else words[:n]


def test_first_story_of_reut2_000_golden(corpus):
    data, items = corpus["reuters21578/reut2-000.sgm"]
    story = items[0]
    assert isinstance(story, ParsedStory)
    assert story.headline == "BAHIA COCOA REVIEW"
    assert story.guid == "reuters21578:1"
    assert story.provider == "reuters"
    assert story.version is None  # the format carries no version
    assert story.language == "en"
    # unstated zone: kept naive, taken as UTC and flagged "assumed"
    assert story.published_raw == "26-FEB-1987 15:01:01.79"
    assert to_utc(story.published_at, story.published_tz_source) == (
        datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC), "assumed", None)
    assert story.dateline_location == "SALVADOR"
    assert story.slug == "BC-BAHIA-COCOA-REVIEW"
    assert story.urgency == 3  # "u" = urgent
    assert story.subjects == ["topics:cocoa", "places:el-salvador", "places:usa", "places:uruguay"]
    assert story.keywords == []
    assert _words(story.body, 5) == ["Showers", "continued", "throughout", "the", "week"]
    # the "Reuter" sign-off and the &#3; control entity are gone
    assert _words(story.body, 5, last=True) == ["ends", "midday", "on", "February", "27."]
    # hard-wrapped lines are joined; an indented line starts a paragraph
    assert story.body.split("\n\n")[1] == "The dry period means the temporao will be late this year."


def test_every_element_is_accounted_for(corpus):
    """Invariant: items per file == number of <REUTERS opening tags (1,000), 20,000 in all."""
    total = 0
    for rel, (data, items) in corpus.items():
        assert len(items) == data.count(b"<REUTERS") == 1000, rel
        total += len(items)
    assert total == 20000


def test_outcome_counts_over_the_corpus(corpus):
    stories = [i for _, items in corpus.values() for i in items if isinstance(i, ParsedStory)]
    skipped = [i for _, items in corpus.values() for i in items if isinstance(i, SkippedItem)]
    rejected = [i for _, items in corpus.values() for i in items if isinstance(i, RejectedItem)]
    assert (len(stories), len(skipped), len(rejected)) == (19999, 1, 0)
    assert [s.reason for s in skipped] == ["no_content"]  # one UNPROC with empty text
    assert sum(s.body is None for s in stories) == 1463  # TYPE="BRIEF": headline only
    assert sum(s.headline is None for s in stories) == 730  # TYPE="UNPROC": no TITLE
    assert len({s.guid for s in stories}) == 19999
    for s in stories:
        assert "&#" not in (s.body or "") and "&lt;" not in (s.body or "")
        assert not any(ord(c) < 32 and c != "\n" for c in s.body or "")


def test_whole_corpus_parses(corpus):
    # 20 files, 27 MB, 1,000 REUTERS elements each (a speed figure belongs in bench/,
    # not in a timed test: this machine is shared and noisy)
    assert len(corpus) == 20
    assert all(len(items) == 1000 for _, items in corpus.values())


def test_brief_is_a_headline_only_story(by_guid):
    story = by_guid["reuters21578:30"]
    assert story.headline == "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK"
    assert story.body is None  # "Blah blah blah." is a placeholder, not text
    assert story.urgency == 1  # "f f" flash


def test_unproc_keeps_the_table_layout(by_guid):
    story = by_guid["reuters21578:99"]
    assert story.headline is None
    lines = story.body.split("\n")
    assert lines[0] == "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26"
    assert lines[1].startswith("    Two weeks ended Feb 25")
    assert story.body.endswith("Treasury deposits...........4,208 down......63")


def test_author_and_entities(by_guid):
    story = by_guid["reuters21578:4"]
    assert story.authors == ["Janie Gabbett"]  # "    By Janie Gabbett, Reuters"
    assert story.headline == "TALKING POINT/BANKAMERICA <BAC> EQUITY OFFER"  # &lt; decoded
    assert story.dateline_location == "LOS ANGELES"
    assert by_guid["reuters21578:3455"].authors == ["STEPHEN JUKES", "PHILIP SHEHADI"]


def test_dateline_holding_the_first_words_goes_back_into_the_body(by_guid):
    # <DATELINE>    THE HAGUE, March 2 - Dutch imports of fat- </DATELINE><BODY>and oil-bearing
    story = by_guid["reuters21578:313"]
    assert story.dateline_location == "THE HAGUE"
    assert story.body.startswith("Dutch imports of fat- and oil-bearing raw materials")
    # <DATELINE>    ANKARA, March 8 - Engineers ... the Iraq-</DATELINE><BODY>Turkey oil pipeline
    story = by_guid["reuters21578:2970"]
    assert story.body.startswith("Engineers are working to repair the Iraq-Turkey oil pipeline")


@pytest.mark.parametrize(
    ("guid", "raw", "expected", "tz_source"),
    [
        ("reuters21578:3001", "9-MAR-1987 04:58:41.12", datetime(1987, 3, 9, 4, 58, 41, 120000), "assumed"),
        ("reuters21578:14609", "7-APR-1987 16:22:00.0", datetime(1987, 4, 7, 16, 22), "assumed"),
        ("reuters21578:15785", "9-APR-1987 13:32:06.7", datetime(1987, 4, 9, 13, 32, 6, 700000), "assumed"),
        ("reuters21578:10280", "27-MAR-1987 00:03:35.68&#5;&#5;&#5;F",
         datetime(1987, 3, 27, 0, 3, 35, 680000), "assumed"),
        # impossible hour: the date is salvaged at 00:00 and flagged, never shifted
        ("reuters21578:17192", "31-MAR-1987 605:12:19.12", datetime(1987, 3, 31), "salvaged_date"),
        ("reuters21578:15370", "9-APR-1987 00:00:00.00    # date added by S Finch as guesswork",
         datetime(1987, 4, 9), "salvaged_date"),
    ],
)
def test_malformed_dates(by_guid, guid, raw, expected, tz_source):
    story = by_guid[guid]
    assert story.published_raw == raw
    assert story.published_at == expected
    assert story.published_at.tzinfo is None
    assert story.published_tz_source == tz_source


def test_raw_0xfc_byte_in_reut2_017_decodes(by_guid):
    assert "\xfc" in by_guid["reuters21578:17980"].body


# --- synthetic ---------------------------------------------------------------

def _element(newid: int, text: str, date: str = "01-JAN-1990 10:00:00.00") -> str:
    return (f'<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="9{newid}" '
            f'NEWID="{newid}">\n<DATE>{date}</DATE>\n<TOPICS><D>widgets</D></TOPICS>\n'
            "<PLACES></PLACES>\n<PEOPLE><D>doe</D></PEOPLE>\n<ORGS></ORGS>\n<EXCHANGES></EXCHANGES>\n"
            "<COMPANIES></COMPANIES>\n<UNKNOWN> \n&#5;&#5;&#5;F\n&#22;&#22;&#1;f0001&#31;reute\n"
            f"r f BC-WIDGET-PRICES   01-01 0050</UNKNOWN>\n{text}\n</REUTERS>\n")


NORMAL = ("<TEXT>&#2;\n<TITLE>WIDGET &lt;WID> PRICES RISE</TITLE>\n"
          "<AUTHOR>    By Ann Example and Bob Sample, Reuters</AUTHOR>\n"
          "<DATELINE>    SPRINGFIELD, Ill., Jan 1 - </DATELINE><BODY>Widget prices rose in\n"
          "January, makers said.\n    The rise was the first in a\nyear &amp; a day.\n Reuter\n&#3;</BODY></TEXT>")


def _file(*elements: str) -> bytes:
    return ('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(elements)).encode("ascii")


def test_synthetic_story_fields():
    [story] = list(reuters_21578.parse(_file(_element(7, NORMAL)), "t"))
    assert story.headline == "WIDGET <WID> PRICES RISE"
    assert story.body == ("Widget prices rose in January, makers said.\n\n"
                          "The rise was the first in a year & a day.")
    assert story.authors == ["Ann Example", "Bob Sample"]
    assert story.dateline_location == "SPRINGFIELD, Ill."
    assert story.subjects == ["topics:widgets", "people:doe"]
    assert (story.slug, story.urgency) == ("BC-WIDGET-PRICES", 5)  # "r" regular
    assert story.guid == "reuters21578:7"


def test_malformed_element_rejects_only_that_element():
    unclosed = _element(2, NORMAL).replace("</REUTERS>", "")
    no_text = _element(3, "<TEXT>&#2;\n<TITLE>NO END").replace("NO END", "NO END</TITLE>")
    data = _file(_element(1, NORMAL), unclosed, no_text, _element(4, NORMAL))
    items = list(reuters_21578.parse(data, "t"))
    assert len(items) == data.count(b"<REUTERS") == 4
    assert [type(i) for i in items] == [ParsedStory, RejectedItem, RejectedItem, ParsedStory]
    assert [items[1].reason, items[2].reason] == ["unclosed_element", "no_text"]
    assert b'NEWID="2"' in items[1].raw
    assert items[3].guid == "reuters21578:4"


def test_empty_unproc_is_skipped_and_missing_date_is_none():
    data = _file(_element(5, '<TEXT TYPE="UNPROC">&#2;\n&#3;\n\n</TEXT>'),
                 _element(6, NORMAL, date="garbage"))
    skipped, story = reuters_21578.parse(data, "t")
    assert skipped == SkippedItem("no_content", guid="reuters21578:5", detail="TEXT TYPE=UNPROC is empty")
    assert story.published_at is None and story.published_raw == "garbage"


def test_latin1_byte_and_crlf():
    data = _file(_element(8, NORMAL)).replace(b"January", b"M\xfcnchen").replace(b"\n", b"\r\n")
    [story] = list(reuters_21578.parse(data, "t"))
    assert story.body.startswith("Widget prices rose in M\u00fcnchen, makers said.")


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty_input"), (b"  \n", "empty_input"),
     (b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n', "no_items")],
)
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(reuters_21578.parse(data, "t"))
    assert err.value.reason == reason


def test_sweep_claims_only_the_sgm_files(corpus):
    """reuters_21578.sniff claims exactly the 20 reut2-*.sgm files of the relevant folders.

    Those are parsed by the ``corpus`` fixture (which would fail on any exception); any
    other file it claimed would be parsed here, where only ParseError may escape.
    """
    root = corpus_path()
    claimed = []
    for folder in ("reuters21578", "ag-news", "isot-true-subset", "seed"):
        for path in sorted(corpus_path(folder).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if reuters_21578.sniff(data):
                claimed.append(path.name)
                if path.relative_to(root).as_posix() not in corpus:
                    with contextlib.suppress(ParseError):
                        list(reuters_21578.parse(data, str(path)))
    assert claimed == [f"reut2-{i:03d}.sgm" for i in range(20)]
