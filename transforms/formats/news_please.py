"""news-please JSON: articles extracted from web pages (Common Crawl / live crawl).

What arrives (SOURCES.md section 9): the tool's default output is one JSON
object per article; datasets built from it ship JSON arrays
(``yahoo-finance-news-please/data/*.json.xz``, unpacked upstream) and some
tools write JSON Lines; all three are read. Fields: ``title`` (fallbacks
``title_page``, ``title_rss``), ``maintext`` (``text`` in old news-please),
``description``, ``authors[]``, ``date_publish``, ``date_modify``,
``date_download``, ``url``, ``source_domain``, ``language``, ``image_url``,
``filename``, ``localpath``.

Policy:

* ``date_publish`` is **naive** (``2019-11-13 12:12:37``, sometimes just
  midnight ``2018-11-15 00:00:00``): it is kept naive, i.e. taken as UTC and
  marked ``published_tz_source="assumed"``; ``published_raw`` keeps the text.
  A midnight value may well be a date only; that is not guessed here.
  ``date_modify`` (when set) is ``version_created``. ``date_download`` is crawl
  metadata, not story time, and is not used.
* ``provider`` is the site: ``source_domain`` (else the URL's host) through a
  small map (``finance.yahoo.com`` -> ``yahoo_finance``), otherwise the
  registered name (``www.reuters.com`` -> ``reuters``). Syndicated agency copy
  inside the text (``(Reuters) -``, ``(Bloomberg) --``) is left intact for the
  normalizer to recognise.
* ``guid`` and ``url`` are the article URL (news-please has no other id).
* ``maintext`` lines are paragraphs.
* The dataset's dynamic ``prev_day_price_<TICKER>``/``curr_day_price_<TICKER>``/
  ``next_day_price_<TICKER>`` keys are ignored (never fields). Its explicit
  ``mentioned_companies`` ticker list becomes ``keywords``; ``related_companies``
  (industry peers), sentiment and entity annotations are not story data.
* An article without text is rejected with ``no_body`` (ParseError for a
  single-article file).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from transforms.formats.base import Item, ParsedStory, ParseError
from transforms.formats.jsonwire import (
    ItemError,
    byline_names,
    first_str,
    json_head_keys,
    norm_language,
    parse_time,
    provider_from_id,
    read_json_records,
    run_records,
    str_list,
    text_paragraphs,
    unique,
)

NAME = "news_please"

_NEWS_PLEASE_KEYS = frozenset({"maintext", "date_download", "source_domain", "title_page", "title_rss",
                               "localpath", "date_publish", "date_modify", "image_url"})
# Sites whose registered name is not the name we want.
_SITES = {
    "finance.yahoo.com": "yahoo_finance",
    "uk.finance.yahoo.com": "yahoo_finance",
    "apnews.com": "ap",
    "bbc.co.uk": "bbc",
    "bbc.com": "bbc",
}


def sniff(data: bytes) -> bool:
    found = json_head_keys(data)
    if found is None:
        return False
    first, keys = found
    record = keys.get(1 if first == 0x7B else 2, set())
    return len(record & _NEWS_PLEASE_KEYS) >= 2 and bool(record & {"maintext", "text", "title"})


def _provider(domain: str | None, url: str | None) -> str | None:
    host = (domain or (urlsplit(url).hostname if url else None) or "").lower().removeprefix("www.")
    if not host:
        return None
    if host in _SITES:
        return _SITES[host]
    return provider_from_id(f"http://{host}/")


def _zone_source(published) -> str | None:
    if published is None or published.tzinfo is not None:
        return None
    if (published.hour, published.minute, published.second, published.microsecond) == (0, 0, 0, 0):
        return "date_only"
    return "assumed"


def _article(obj: dict) -> Item:
    body = text_paragraphs(first_str(obj, "maintext", "text"))
    url = first_str(obj, "url")
    if not body:
        raise ItemError("no_body", f"article {url or '?'} has no maintext")
    published_raw = first_str(obj, "date_publish")
    published = parse_time(published_raw)
    authors: list[str] = []
    for a in str_list(obj.get("authors")):
        authors.extend(byline_names(a))
    return ParsedStory(
        headline=first_str(obj, "title", "title_page", "title_rss"),
        body=body,
        guid=url,
        provider=_provider(first_str(obj, "source_domain"), url),
        published_at=published,
        published_raw=published_raw,
        # naive on purpose: the zone is unknown, to_utc takes it as UTC. Exactly
        # midnight is news-please's placeholder for a page that gave only a date.
        published_tz_source=_zone_source(published),
        version_created=parse_time(obj.get("date_modify")),
        authors=unique(authors),
        language=norm_language(obj.get("language")),
        url=url,
        keywords=str_list(obj.get("mentioned_companies")),
    )


def parse(data: bytes, source: str) -> Iterator[Item]:
    shape, doc, records = read_json_records(data, NAME, source)
    if shape == "array" and not doc:
        raise ParseError("no_items", "the JSON array holds no articles", format=NAME, source=source)
    yield from run_records(records, shape == "object", _article, NAME, source)
