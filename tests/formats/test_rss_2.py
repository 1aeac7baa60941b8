"""rss_2: the Reuters World News FeedBurner feed (SOURCES.md section 2) and edge cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes
from tests.formats.sweep import corpus_files
from transforms.formats import rss_2
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

FEED = "reuters-web-raw/blueprints-text/worldNews.rss"


@pytest.fixture(scope="module")
def stories() -> list[ParsedStory]:
    data = corpus_bytes(FEED)
    assert rss_2.sniff(data)
    items = list(rss_2.parse(data, FEED))
    assert all(isinstance(i, ParsedStory) for i in items)
    return items


def test_feed_has_twenty_stories_in_order(stories):
    assert len(stories) == 20
    assert stories[0].headline == "Mexico City to begin gradual exit from lockdown on Monday"
    assert stories[-1].headline == "Coronavirus hitting the Americas hardest says World Health Organization"


def test_first_item_golden(stories):
    s = stories[0]
    assert s.provider == "reuters"  # channel <link>https://www.reuters.com</link>
    assert s.version is None
    assert s.language == "en"
    # RFC 822 with an offset: -0400 -> UTC, zone from the source
    assert s.published_raw == "Fri, 12 Jun 2020 20:25:17 -0400"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2020, 6, 13, 0, 25, 17, tzinfo=UTC), "source", -240)
    assert s.body.startswith("The mayor of Mexico City said on Friday")
    assert s.body.endswith("even though new cases of coronavirus are still rising.")
    assert s.subjects == ["worldNews"]


def test_feedflare_junk_is_dropped(stories):
    for s in stories:
        assert "\n" not in s.body  # one summary paragraph, no flare links or pixel
        assert "feedburner" not in s.body and "<" not in s.body


def test_tracking_parameters_are_stripped_from_guid_and_url(stories):
    s = stories[0]
    expected = ("https://www.reuters.com/article/us-health-coronavirus-mexico-city/"
                "mexico-city-to-begin-gradual-exit-from-lockdown-on-monday-idUSKBN23K00R")
    assert s.guid == expected
    assert s.url == expected  # feedburner:origLink, not the feeds.reuters.com redirect
    assert all("feedType" not in x.guid and "feedName" not in x.url for x in stories)
    assert len({x.guid for x in stories}) == 20


def test_strip_tracking_keeps_real_parameters():
    assert rss_2.strip_tracking("https://x.com/a?id=3&utm_source=rss&feedName=w") == "https://x.com/a?id=3"
    assert rss_2.strip_tracking("https://x.com/a") == "https://x.com/a"


# --- synthetic -------------------------------------------------------------------------

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        b"<channel><title>Example</title><link>https://apnews.com/</link><language>en-us</language>")


def test_malformed_item_rejects_only_that_item():
    data = HEAD + (
        b"<item><title>One</title><description>Body &amp;amp; one</description>"
        b"<dc:creator>Ann Example</dc:creator><pubDate>Mon, 01 Feb 2021 10:00:00 GMT</pubDate></item>"
        b"<item><title>Two <b>broken</title><description>x</description></item>"
        b"<item><title>Three</title><description>Three</description></item>"
        b"</channel></rss>")
    one, bad, three = rss_2.parse(data, "t")
    assert one.headline == "One" and one.authors == ["Ann Example"]
    assert one.provider == "ap" and one.language == "en"  # from the channel header
    assert isinstance(bad, RejectedItem) and bad.reason == "malformed_xml"
    assert bad.raw.startswith(b"<item><title>Two")
    assert three.headline == "Three"


def test_truncated_feed_rejects_the_cut_item():
    data = HEAD + b"<item><title>One</title><description>x</description></item><item><title>Cut"
    one, cut = rss_2.parse(data, "t")
    assert one.headline == "One"
    assert isinstance(cut, RejectedItem) and cut.raw == b"<item><title>Cut"


def test_bad_date_and_empty_items_are_rejected_media_is_skipped():
    data = HEAD + (
        b"<item><title>A</title><pubDate>yesterday-ish</pubDate></item>"
        b"<item><guid>g2</guid></item>"
        b"<item><guid>g3</guid><enclosure url='https://x/p.jpg' type='image/jpeg'/></item>"
        b"<item><title>Headline only</title><author>desk@ap.org (Jane Roe)</author></item>"
        b"</channel></rss>")
    date, empty, media, headline_only = rss_2.parse(data, "t")
    assert (date.reason, empty.reason) == ("malformed_date", "empty_item")
    assert media == SkippedItem(reason="non_text:picture", guid="g3")
    assert headline_only.body is None and headline_only.authors == ["Jane Roe"]


def test_content_encoded_wins_over_description_and_permalink_guid():
    data = HEAD + (
        b"<item><title>Q&amp;amp;A: T&amp;#39;s</title><description>Short.</description>"
        b"<content:encoded><![CDATA[<p>Full one.</p><p>Full two.</p>]]></content:encoded>"
        b"<guid>https://apnews.com/article/abc</guid></item></channel></rss>")
    [s] = rss_2.parse(data, "t")
    assert s.headline == "Q&A: T's"  # escaped twice by the feed
    assert s.body == "Full one.\n\nFull two."
    assert s.url == s.guid == "https://apnews.com/article/abc"


def test_rss_1_rdf():
    data = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<channel rdf:about="https://www.bbc.co.uk/news"><title>BBC</title><link>https://www.bbc.co.uk/news</link></channel>'
            b'<item rdf:about="https://www.bbc.co.uk/news/1"><title>R</title><description>D</description>'
            b"<dc:date>2021-02-01T10:00:00+01:00</dc:date></item></rdf:RDF>")
    assert rss_2.sniff(data)
    [s] = rss_2.parse(data, "t")
    assert s.provider == "bbc" and s.url == "https://www.bbc.co.uk/news/1"
    assert to_utc(s.published_at, None)[0] == datetime(2021, 2, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty_input"),
    (HEAD + b"</channel></rss>", "no_items"),
    (b"<rss><channel><title>x", "malformed_xml"),
])
def test_whole_file_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(rss_2.parse(data, "t"))
    assert err.value.reason == reason


def test_sweep_claims_only_the_rss_feed():
    claimed = set()
    for rel, data in corpus_files("reuters-web-raw", "superdesk-feed-fixtures", gunzip=True):
        if rss_2.sniff(data):
            claimed.add(rel)
            # only ParseError may escape a parser; the claimed file reads fully
            items = list(rss_2.parse(data, rel))
            assert len(items) == 20 and all(isinstance(i, ParsedStory) for i in items)
    assert claimed == {FEED}
