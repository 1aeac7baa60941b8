"""Golden and synthetic tests: news CSV datasets (SOURCES.md sections 7 and 8)."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import ParseError, news_csv
from transforms.formats.base import ParsedStory, RejectedItem
from transforms.reading.records import to_utc

AG = "ag-news/data/ag_news_csv/test.csv"
ISOT = "isot-true-subset/True.csv"


@pytest.fixture(scope="module")
def ag_items() -> list:
    return list(news_csv.parse(corpus_bytes(AG), AG))


@pytest.fixture(scope="module")
def isot_items() -> list:
    return list(news_csv.parse(corpus_bytes(ISOT), ISOT))


def test_ag_news_golden(ag_items):
    assert len(ag_items) == 7600
    assert all(isinstance(i, ParsedStory) for i in ag_items)
    first = ag_items[0]
    assert first.headline == "Fears for T N pension after talks"
    assert first.body.split()[:3] == ["Unions", "representing", "workers"]
    assert first.body.split()[-3:] == ["firm", "Federal", "Mogul."]
    assert first.subjects == ["Business"]  # class 3 of classes.txt
    assert first.provider is None  # no agency named
    assert (first.guid, first.version, first.published_at) == (None, None, None)
    assert first.language == "en"
    last = ag_items[-1]
    assert last.headline == "EBay gets into rentals"
    assert last.body.endswith("already exhaustive breadth of offerings.")


def test_ag_news_title_tag_gives_the_provider(ag_items):
    story = ag_items[2]
    assert story.headline == "Ky. Company Wins Grant to Study Peptides"  # "(AP)" removed
    assert story.provider == "ap"
    assert story.body.startswith("AP - A company founded")  # body left for the normalizer
    # no title tag, but the text opens "TEHRAN (Reuters) - "
    assert ag_items[38].headline == "Iran Warns Its Missiles Can Hit Anywhere in Israel"
    assert ag_items[38].provider == "reuters"
    counts = Counter(i.provider for i in ag_items)
    assert counts == {None: 6082, "reuters": 776, "ap": 519, "afp": 195, "canadian_press": 28}


def test_ag_news_quirks(ag_items):
    story = ag_items[1]
    # other source tags stay in the headline
    assert story.headline.endswith("Human Spaceflight (SPACE.com)")
    # a bare backslash stood for a line break; broken entities are left to the normalizer
    assert "A second team of rocketeers competing for the #36;10 million" in story.body
    assert not any("\\" in (i.body or "") for i in ag_items)


def test_isot_golden(isot_items):
    assert len(isot_items) == 989
    assert all(isinstance(i, ParsedStory) for i in isot_items)
    first = isot_items[0]
    assert first.headline == "As U.S. budget fight looms, Republicans flip their fiscal script"
    assert first.provider == "reuters"
    assert first.version is None
    assert first.language == "en"
    assert first.subjects == ["Politics"]
    # a date without a time: midnight, flagged "date_only", raw text kept with its trailing space
    assert first.published_raw == "December 31, 2017 "
    assert first.published_tz_source == "date_only"
    assert to_utc(first.published_at, first.published_tz_source) == (
        datetime(2017, 12, 31, tzinfo=UTC), "date_only", None)
    assert first.body.split()[:5] == ["WASHINGTON", "(Reuters)", "-", "The", "head"]
    assert first.body.split()[-4:] == ["voted", "on", "the", "aid."]
    last = isot_items[-1]
    assert last.headline.startswith("U.S. State Department names Russian defense")
    assert last.published_at == datetime(2017, 10, 27)


def test_isot_provider_only_when_credited(isot_items):
    # 26 rows are tweets or statements with no "(Reuters) -" credit
    assert Counter(i.provider for i in isot_items) == {"reuters": 963, None: 26}
    assert isot_items[7].provider is None
    assert isot_items[7].body.startswith("The following statements were posted")


# --- synthetic ---------------------------------------------------------------

def test_malformed_rows_reject_only_themselves():
    data = (b'"1","Good one (Reuters)","Reuters - Fine text."\n'
            b'"2","Two fields only"\n'
            b'"3","Bad "quote" here","x"\n'
            b'\n'
            b'"4","",""\n'
            b'"4","Last (AFP)","AFP - More\\text."\n')
    items = list(news_csv.parse(data, "t"))
    assert [type(i) for i in items] == [ParsedStory, RejectedItem, RejectedItem, RejectedItem, ParsedStory]
    assert [i.reason for i in items[1:4]] == ["bad_row_shape", "malformed_csv", "empty_row"]
    assert items[1].raw == b'2,Two fields only\n'
    assert (items[0].headline, items[0].provider, items[0].subjects) == ("Good one", "reuters", ["World"])
    assert (items[4].body, items[4].provider) == ("AFP - More text.", "afp")


def test_generic_header_dialect_with_bom_and_crlf():
    data = ("\ufeffid,headline,body,published,author,url,language,category\r\n"
            "a1,Widgets rise,\"LONDON (Reuters) - Widget prices rose.\r\n\r\nMore.\","
            "2021-03-03T16:05:00+01:00,Ann Example and Bob Sample,https://example.com/a1,EN,markets\r\n"
            "a2,No date,Plain text,,,,,\r\n").encode("utf-8")
    assert news_csv.sniff(data)
    first, second = news_csv.parse(data, "t")
    assert first.guid == "a1"
    assert first.headline == "Widgets rise"
    assert first.body == "LONDON (Reuters) - Widget prices rose.\r\n\r\nMore."
    assert first.provider == "reuters"
    assert first.published_at == datetime(2021, 3, 3, 16, 5, tzinfo=timezone(timedelta(hours=1)))
    assert first.published_tz_source == "source"
    assert first.authors == ["Ann Example", "Bob Sample"]
    assert (first.url, first.language, first.subjects) == ("https://example.com/a1", "en", ["markets"])
    assert (second.published_at, second.provider, second.language, second.guid) == (None, None, None, "a2")


def test_isot_shaped_row_with_wrong_width_and_odd_date():
    data = (b"title,text,subject,date\r\n"
            b"T1,Some text,News,not a date\r\n"
            b"T2,Only two\r\n")
    ok, bad = news_csv.parse(data, "t")
    assert (ok.published_at, ok.published_raw, ok.published_tz_source) == (None, "not a date", None)
    assert ok.language == "en"
    assert bad.reason == "bad_row_shape"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty_input"), (b"\r\n", "empty_input"),
     (b"title,text,subject,date\r\n", "no_items"),
     (b"just some text\n", "no_header")],
)
def test_unreadable_input_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(news_csv.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize(
    "data",
    [b"World\nSports\nBusiness\nSci/Tech\n",  # classes.txt
     b"AG's News Topic Classification Dataset\n\nVersion 3",  # readme.txt
     b"a,b,c\n1,2,3\n",
     b'{"title": "x", "text": "y"}',
     b'"x","A headline","A text"\n',  # AG's News shape, but no class index
     b"title,notes\nx,y\n"],
)
def test_sniff_refuses_other_content(data):
    assert not news_csv.sniff(data)


def test_sweep_claims_only_the_csv_datasets():
    """news_csv.sniff claims exactly test.csv and True.csv; what it claims parses."""
    root = corpus_path()
    claimed = []
    for folder in ("reuters21578", "ag-news", "isot-true-subset", "seed"):
        for path in sorted(corpus_path(folder).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if news_csv.sniff(data):
                claimed.append(path.relative_to(root).as_posix())
                with contextlib.suppress(ParseError):
                    list(news_csv.parse(data, str(path)))
    assert claimed == [AG, ISOT]


def test_pandas_index_column_header():
    data = b",title,text\n0,Widgets rise,AP - Widget prices rose.\n"
    assert news_csv.sniff(data)
    [story] = news_csv.parse(data, "t")
    assert (story.headline, story.provider, story.guid) == ("Widgets rise", "ap", None)
