"""news-please JSON: golden tests on the Yahoo Finance dumps, synthetic edge cases, sweep.

Corpus quirks covered (SOURCES.md section 9): JSON arrays (xz unpacked
upstream; here with lzma), naive ``date_publish`` (sometimes midnight) next to an
offset-carrying ``date_download``, dynamic ``*_day_price_<TICKER>`` keys,
syndicated Reuters copy with the byline inside the text, repeated bodies under
different URLs.
"""

from __future__ import annotations

import json
import lzma
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings

from tests.corpora import corpus_bytes
from tests.formats.json_props import assert_never_crashes, records
from tests.formats.test_ninjs import sweep_files
from transforms.formats import ap_media, news_please, ninjs
from transforms.formats.base import ParsedStory, ParseError, RejectedItem
from transforms.reading.records import to_utc

DATA = "yahoo-finance-news-please/data/{}_processed.json.xz"


def _year(year: int) -> list:
    return list(news_please.parse(lzma.decompress(corpus_bytes(DATA.format(year))), str(year)))


def test_golden_2018_first_article():
    items = _year(2018)
    assert len(items) == 407 and all(isinstance(i, ParsedStory) for i in items)
    s = items[0]
    assert s.headline.startswith("Morgan Stanley sees 'a pattern forming' of the space industry")
    assert (s.provider, s.version, s.language) == ("yahoo_finance", None, "en")
    assert s.url == s.guid == "https://finance.yahoo.com/news/morgan-stanley-sees-apos-pattern-183900509.html"
    # naive date_publish kept naive: taken as UTC and flagged
    assert s.published_at == datetime(2018, 6, 22, 18, 39)
    assert s.published_raw == "2018-06-22 18:39:00"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2018, 6, 22, 18, 39, tzinfo=UTC), "assumed", None)
    assert s.body.startswith("Morgan Stanley is telling its clients to pay attention to a space market")
    assert s.body.endswith("to fiber optic networks.\n\nMore From CNBC")
    # tickers: the explicit mentioned_companies list; never the *_day_price_<TICKER> keys
    assert s.keywords == ["GOOGL"]


def test_syndicated_reuters_copy_left_intact():
    by_url = {s.url: s for s in _year(2018)}
    s = by_url["https://finance.yahoo.com/news/spacexs-crew-rocket-set-january-193634900.html"]
    assert s.headline == "SpaceX's crew rocket set for January test flight"
    assert s.provider == "yahoo_finance"  # the Reuters origin is the normalizer's business
    assert s.body.startswith("By Joey Roulette\n\nORLANDO, Fla. (Reuters) - The first flight of a SpaceX rocket")
    assert s.body.endswith("(Reporting by Joey Roulette in Orlando, Florida; Editing by Eric M. Johnson and Lisa Shumaker)")
    # the same Reuters story under other URLs: same body, different guid (dedup's job)
    twins = [x for x in by_url.values() if x.body == s.body]
    assert len(twins) >= 2 and len({x.guid for x in twins}) == len(twins)


def test_midnight_publish_date_2019():
    items = _year(2019)
    assert len(items) == 1588
    s = items[0]
    assert s.headline == "Google’s new Android Focus Mode could break your app addictions"
    # exactly midnight is news-please's placeholder for a date without a time
    assert s.published_at == datetime(2019, 8, 3) and s.published_tz_source == "date_only"


def _article(**kw) -> dict:
    base = {"authors": ["Ann Example"], "date_download": "2020-01-02 10:00:00+00:00", "date_modify": None,
            "date_publish": "2020-01-02 09:30:00", "description": "d", "filename": "x.json",
            "image_url": None, "language": "en", "localpath": None,
            "maintext": "First para.\nSecond para.\n\n", "source_domain": "www.reuters.com",
            "title": "A title", "title_page": None, "title_rss": None,
            "url": "https://www.reuters.com/article/x", "prev_day_price_ABC": 1.5, "curr_day_price_ABC": 1.6}
    base.update(kw)
    return base


def test_single_object_default_output():
    [s] = list(news_please.parse(json.dumps(_article()).encode(), "t"))
    assert (s.headline, s.body, s.authors) == ("A title", "First para.\n\nSecond para.", ["Ann Example"])
    assert s.provider == "reuters" and s.keywords == []
    assert s.version_created is None


def test_offset_in_date_publish_is_kept():
    [s] = list(news_please.parse(json.dumps(_article(date_publish="2020-01-02 09:30:00+01:00",
                                                     date_modify="2020-01-03 08:00:00")).encode(), "t"))
    assert to_utc(s.published_at, s.published_tz_source)[:2] == (datetime(2020, 1, 2, 8, 30, tzinfo=UTC), "source")
    assert s.version_created == datetime(2020, 1, 3, 8)


def test_old_news_please_text_key_and_title_fallback():
    [s] = list(news_please.parse(json.dumps(_article(maintext=None, text="Old body.", title=None,
                                                     title_page="Page title", source_domain=None)).encode(), "t"))
    assert (s.body, s.headline, s.provider) == ("Old body.", "Page title", "reuters")


def test_array_and_jsonl_reject_only_the_bad_article():
    arr = json.dumps([_article(), _article(maintext="  "), [1], _article(url="https://finance.yahoo.com/n", source_domain=None)])
    items = list(news_please.parse(arr.encode(), "t"))
    assert [type(i).__name__ for i in items] == ["ParsedStory", "RejectedItem", "RejectedItem", "ParsedStory"]
    assert items[1].reason == "no_body" and json.loads(items[1].raw)["maintext"] == "  "
    assert items[2].reason == "not_an_object"
    assert items[3].provider == "yahoo_finance"
    lines = "\n".join([json.dumps(_article()), '{"title": "broken', "", json.dumps(_article())]).encode()
    items = list(news_please.parse(lines, "t"))
    assert [type(i).__name__ for i in items] == ["ParsedStory", "RejectedItem", "ParsedStory"]
    assert isinstance(items[1], RejectedItem) and items[1].reason == "malformed_json"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_input"),
        (b"[]", "no_items"),
        (b'[{"title": "x", "maintext": "y"', "malformed_json"),
        (json.dumps(_article(maintext="")).encode(), "no_body"),
    ],
)
def test_whole_input_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(news_please.parse(data, "t"))
    assert err.value.reason == reason


def test_sniff_decisions():
    assert news_please.sniff(json.dumps(_article()).encode())
    assert news_please.sniff(json.dumps([_article()], indent=4).encode())
    assert not news_please.sniff(b'{"uri": "u", "versioncreated": "x", "headline": "h", "body_html": "b"}')
    assert not news_please.sniff(b'{"api_version": "1", "data": {"item": {"altids": {}}}}')
    assert not news_please.sniff(b'{"0bad": {"articleBody": "b", "url": "u"}}')
    assert not news_please.sniff(b"title,maintext\nx,y\n")


def test_sweep_claims_only_the_news_please_dumps():
    claimed, stories = set(), 0
    for rel, data in sweep_files():
        if not news_please.sniff(data):
            continue
        claimed.add(rel)
        assert not ninjs.sniff(data) and not ap_media.sniff(data)
        items = list(news_please.parse(data, rel))  # anything but ParseError would fail the test
        assert all(isinstance(i, ParsedStory) for i in items)
        stories += len(items)
    assert claimed == {f"yahoo-finance-news-please/data/{y}_processed.json" for y in (2017, 2018, 2019)}
    assert stories == 2398


MODULE = news_please
KEYS = ["title", "title_page", "maintext", "text", "date_publish", "date_modify", "date_download", "url", "source_domain", "authors", "language", "mentioned_companies", "prev_day_price_X"]

@settings(max_examples=200, deadline=None)
@given(records(KEYS))
def test_property_arbitrary_values_never_crash(generated):
    # invariant: see tests/formats/json_props.py
    assert_never_crashes(MODULE, generated)
