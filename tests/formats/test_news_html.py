"""news_html: reuters.com pages 2014-2020 and AP hosted pages (SOURCES.md section 2)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes
from tests.formats.sweep import corpus_files
from transforms.formats import news_html
from transforms.formats.base import ParsedStory, ParseError
from transforms.reading.records import to_utc

WEB = "reuters-web-raw/"
BENCH = WEB + "article-extraction-benchmark/"
REUTERS_2019 = "57d46c9d751e3fd3ffaf3ede7ac20cebd30eacb5ea78e1a6aa0a72059244e7ca"
AP_SONDLAND = "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574"
AP_TORIES = "e7994d5500875202d93e736e8f0c8a0436107d10add94ce3789001b8c5c32358"


def page(rel: str) -> bytes:
    data = corpus_bytes(rel)
    # Containers are unpacked upstream in the pipeline; here we do it ourselves.
    return gzip.decompress(data) if rel.endswith(".gz") else data


def story(rel: str) -> ParsedStory:
    data = page(rel)
    assert news_html.sniff(data)
    [item] = list(news_html.parse(data, rel))
    assert isinstance(item, ParsedStory)
    return item


def utc(s: ParsedStory) -> datetime:
    return to_utc(s.published_at, s.published_tz_source)[0]


def paras(s: ParsedStory) -> list[str]:
    return s.body.split("\n\n")


# --- golden tests, one per layout ------------------------------------------------

def test_reuters_2014_layout_zone_abbreviation_and_dateline():
    s = story(WEB + "newspaper/html/reuters.com1.html")
    assert s.headline == "Sensex ends flat; weaker Asian markets offset reform hopes"
    assert s.provider == "reuters"
    assert s.version is None
    # no article:published_time: the visible "4:33pm IST" names its zone (India)
    assert s.published_raw == "Tue Dec 30, 2014 4:33pm IST"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2014, 12, 30, 11, 3, tzinfo=UTC), "source", 330)
    assert s.dateline_location == "MUMBAI"
    assert s.url == "http://in.reuters.com/article/2014/12/30/india-sensex-nifty-idINKBN0K80A020141230"
    assert s.body.startswith("MUMBAI (Reuters) - The BSE Sensex and Nifty ended flat")
    assert s.body.endswith("(Reporting by Indulal PM; Editing by Sunil Nair)")


def test_reuters_2014_byline_splits_names():
    s = story(WEB + "newspaper/html/reuters.com3.html")
    assert s.authors == ["Gayatri Suroyo", "Adriana Nina Kusuma"]
    assert utc(s) == datetime(2014, 12, 30, 23, 44, tzinfo=UTC)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_reuters_2014_body_has_no_page_chrome(n):
    # newspaper's reference texts hold the story plus photo captions and promos;
    # every paragraph we keep must be one of the reference paragraphs, and only
    # captions ("1 of 4. …") and promos are left out.
    s = story(f"{WEB}newspaper/html/reuters.com{n}.html")
    ref = corpus_bytes(f"{WEB}newspaper/text/reuters.com{n}.txt").decode("utf-8")
    ref_paras = {p.strip() for p in ref.split("\n\n") if p.strip()}
    assert all(p in ref_paras for p in paras(s))
    assert not any(p.startswith("1 of ") or "Bollywood" in p for p in paras(s))


def test_reuters_2016_postlight_meta_values_and_byline():
    s = story(WEB + "postlight-parser/www.reuters.com.html")  # <meta value=…> capture
    assert s.headline == "Fed lifts rates, sees faster pace of hikes in Trump's first year"
    assert utc(s) == datetime(2016, 12, 14, 6, 2, 15, tzinfo=UTC)
    assert s.published_tz_source is None  # aware: the zone came from the source
    assert s.version_created == datetime(2016, 12, 15, 13, 50, 38, tzinfo=UTC)
    assert s.authors == ["Howard Schneider", "Lindsay Dunsmuir"]
    assert s.slug == "US-USA-FED"
    assert s.language == "en"
    assert s.body.startswith("WASHINGTON (Reuters) - The U.S. Federal Reserve raised")
    assert s.body.endswith("Editing by David Chance and Paul Simao")
    assert "TRUMP IMPACT" in paras(s)  # in-body subheading kept
    for chrome in ("Min Read", "Related Coverage", "Slideshow", "Our Standards"):
        assert chrome not in s.body


def test_reuters_2018_seed_layout():
    s = story(WEB + "blueprints-text/what-is-5g-and-who-are-the-major-players-idUSKCN1GR1IN.html")
    assert s.headline == "What is 5G and who are the major players?"
    assert s.provider == "reuters"
    # og:article:published_time wins over the zone-less "March 15, 2018 / 11:37 AM"
    assert s.published_raw == "2018-03-15T11:36:28+0000"
    assert utc(s) == datetime(2018, 3, 15, 11, 36, 28, tzinfo=UTC)
    assert s.authors == ["Eric Auchard", "Stephen Nellis"]  # the byline bar names both
    assert s.url == "https://www.reuters.com/article/us-qualcomm-m-a-broadcom-5g-idUSKCN1GR1IN"
    assert s.body.startswith("LONDON/SAN FRANCISCO (Reuters) - U.S. President Donald Trump")
    # the sign-off is the last paragraph, the trust badge is gone (SOURCES.md §2)
    assert paras(s)[-1] == "Editing by Kim Miyoung in Singapore and Jason Neely in London"
    assert "Slideshow" not in s.body and "Our Standards" not in s.body
    assert "A 5G sign is seen" not in s.body  # image caption


def test_reuters_2019_invalid_json_ld_is_salvaged():
    s = story(f"{BENCH}html/{REUTERS_2019}.html.gz")
    assert s.headline == "Oversupply angst drags oil lower, stocks drift near highs"
    assert utc(s) == datetime(2019, 11, 19, 21, 57, 1, tzinfo=UTC)
    assert s.authors == ["Rodrigo Campos"]
    assert s.body.startswith("NEW YORK (Reuters) - Oil prices fell sharply on Tuesday")
    assert s.body.endswith("Editing by Nick Zieminski and Dan Grebler")
    assert "FILE PHOTO" not in s.body
    # the page's JSON-LD has a single-quoted string (not JSON); the fields the
    # parser salvages from it agree with the metas
    data = page(f"{BENCH}html/{REUTERS_2019}.html.gz")
    ld = news_html._json_ld(news_html.lxml.html.document_fromstring(data))
    assert ld["datePublished"] == "2019-11-19T21:57:01+0000"
    assert ld["author"] == [{"name": "Rodrigo Campos"}]


def test_reuters_2020_layout_without_date_line():
    s = story(WEB + "trafilatura/reuters.com.parasite.html")
    assert s.headline == "'Parasite' scores historic upset at SAG awards, boosting Oscar chances"
    assert s.published_raw == "2020-01-19T12:25:36Z"
    assert utc(s) == datetime(2020, 1, 19, 12, 25, 36, tzinfo=UTC)
    assert s.authors == ["Jill Serjeant"]
    assert s.body.startswith("LOS ANGELES (Reuters) - South Korean thriller “Parasite”")
    assert s.body.endswith("Nick Zieminski and Simon Cameron-Moore")
    assert "By Jill Serjeant" not in s.body and "Factbox:" not in s.body


def test_ap_hosted_page():
    s = story(f"{BENCH}html/{AP_SONDLAND}.html.gz")
    assert s.headline == "Unpredictable Sondland faces questions about Trump, Ukraine"
    assert s.provider == "ap"
    assert s.version is None
    assert s.published_raw == "2019-11-20T05:52:20-05:00"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2019, 11, 20, 10, 52, 20, tzinfo=UTC), "source", -300)
    assert s.authors == ["LISA MASCARO", "MARY CLARE JALONICK", "ERIC TUCKER"]
    assert s.slug == "AP-US--Trump-Impeachment, 4th Ld-Writethru"
    assert s.body.startswith("WASHINGTON (AP) — Ambassador Gordon Sondland")
    assert s.body.endswith("Jill Colvin contributed to this report.")
    for chrome in ("View all", "Topics", "Trending", "ASSOCIATED PRESS"):
        assert chrome not in s.body


@pytest.mark.parametrize("sha", [REUTERS_2019, AP_SONDLAND, AP_TORIES])
def test_body_matches_benchmark_ground_truth(sha):
    truth = json.loads(corpus_bytes(BENCH + "ground-truth.json"))[sha]["articleBody"]
    expected = [p.strip() for p in truth.split("\n") if p.strip()]
    got = paras(story(f"{BENCH}html/{sha}.html.gz"))
    # Same first sentence, every human-checked paragraph in order; we keep one
    # tail paragraph more (the sign-off or contributor line: the normalizer's job).
    assert got[0] == expected[0]
    assert got[:len(expected)] == expected
    assert len(got) == len(expected) + 1


# --- synthetic edge cases -------------------------------------------------------------

def _html(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html lang='en-GB'><head>{head}</head><body>{body}</body></html>".encode()


def test_zone_less_date_line_is_naive_and_assumed():
    data = _html(
        "<div class='ArticleHeader_date'>March 3, 2021 /  4:05 PM / Updated 2 hours ago</div>"
        "<h1>Widgets rise</h1><div class='StandardArticleBody_body'><p>LONDON (Reuters) - Up.</p>"
        "<div class='Image_container'><figure><figcaption>A caption</figcaption></figure></div>"
        "<p>More.</p></div>",
        "<link rel='canonical' href='https://www.reuters.com/article/idUS1'>")
    [s] = news_html.parse(data, "t")
    assert s.headline == "Widgets rise"
    assert s.published_at == datetime(2021, 3, 3, 16, 5)
    assert to_utc(s.published_at, s.published_tz_source)[1] == "assumed"
    assert s.body == "LONDON (Reuters) - Up.\n\nMore."
    assert s.language == "en"
    assert s.provider == "reuters"


def test_json_ld_article_body_is_the_fallback():
    ld = {"@context": "http://schema.org", "@graph": [{"@type": "WebPage"}, {
        "@type": "NewsArticle", "headline": "Ld &amp; headline", "datePublished": "2021-05-01T10:00:00+02:00",
        "author": [{"@type": "Person", "name": "Ann Example"}, {"@type": "Organization", "name": "AP"}],
        "articleBody": "First para.\nSecond para.", "publisher": {"name": "Associated Press"}}]}
    data = _html("<div>menu</div>", f"<script type='application/ld+json'>{json.dumps(ld)}</script>")
    [s] = news_html.parse(data, "t")
    assert s.headline == "Ld & headline"
    assert s.body == "First para.\n\nSecond para."
    assert s.authors == ["Ann Example"]
    assert s.provider == "ap"
    assert utc(s) == datetime(2021, 5, 1, 8, 0, tzinfo=UTC)


def test_latin1_page_with_meta_charset():
    data = ("<html><head><meta charset='iso-8859-1'><title>Caf\xe9 news - Reuters</title></head>"
            "<body><article><p>Caf\xe9 au lait.</p></article></body></html>").encode("latin-1")
    assert news_html.sniff(data)
    [s] = news_html.parse(data, "t")
    assert s.headline == "Café news"
    assert s.body == "Café au lait."


def test_page_without_article_is_a_parse_error():
    with pytest.raises(ParseError) as err:
        list(news_html.parse(_html("<nav>Home</nav><p>Cookie notice</p>"), "t"))
    assert err.value.reason == "no_body"


def test_video_page_is_skipped():
    [item] = news_html.parse(_html("<div>player</div>", "<meta property='og:type' content='video.other'>"), "t")
    assert item.reason == "non_text:video"


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_input(data):
    with pytest.raises(ParseError) as err:
        list(news_html.parse(data, "t"))
    assert err.value.reason == "empty_input"


@pytest.mark.parametrize("data, claimed", [
    (b"<!--[if !IE]> cache <![endif]-->\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">\n<html>", True),
    (b"\xef\xbb\xbf<html lang='en'><head>", True),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><description>&lt;html&gt;</description>", False),
    (b"<?xml version='1.0'?><nitf><body><body.content><html>", False),
    (b'{"body_html": "<html><body>x</body></html>"}', False),
    (b"<htmlish/>", False),
])
def test_sniff(data, claimed):
    assert news_html.sniff(data) is claimed


# --- sweep -------------------------------------------------------------------------

def test_sweep_claims_exactly_the_article_pages():
    claimed = set()
    for rel, data in corpus_files("reuters-web-raw", "superdesk-feed-fixtures", gunzip=True):
        if not news_html.sniff(data):
            continue
        claimed.add(rel)
        try:
            items = list(news_html.parse(data, rel))
        except ParseError:
            continue
        assert all(isinstance(i, ParsedStory) and i.body and i.headline for i in items)
    assert claimed == {
        *(f"{WEB}newspaper/html/reuters.com{n}.html" for n in range(1, 5)),
        WEB + "postlight-parser/www.reuters.com.html",
        WEB + "trafilatura/reuters.com.parasite.html",
        WEB + "blueprints-text/what-is-5g-and-who-are-the-major-players-idUSKCN1GR1IN.html",
        *(f"{BENCH}html/{sha}.html.gz" for sha in (REUTERS_2019, AP_SONDLAND, AP_TORIES)),
    }
