"""Golden tests: the seed's scraped reuters.com text (SOURCES.md section 0)."""

from datetime import datetime

import pytest

from tests.corpora import corpus_bytes
from transforms.formats import ParseError, detect, reuters_web_text
from transforms.formats.base import ParsedStory

SEED = "seed/000_9162bee93abea508.txt"

SYNTHETIC = b"""March 3, 2021 /  4:05 PM / Updated 2 hours ago

Example headline about widgets

LONDON (Reuters) - Widget makers said on Wednesday that prices rose.

Reporting by Ann Example; Editing by Bob Sample
"""


def test_seed_is_detected_and_read():
    data = corpus_bytes(SEED)
    assert detect(data) is reuters_web_text
    [story] = list(reuters_web_text.parse(data, SEED))
    assert isinstance(story, ParsedStory)
    assert story.headline == "North Korea halts U.N. charm offensive over human rights record"
    assert story.provider == "reuters"
    # zone policy: crawler-local time, zone unknown, taken as UTC and flagged
    assert story.published_at == datetime(2014, 11, 10, 23, 22)
    assert story.published_tz_source == "assumed"
    assert story.body.startswith("UNITED NATIONS (Reuters) - A rare diplomatic charm offensive")


def test_synthetic_with_updated_tail_and_pm_hour():
    [story] = list(reuters_web_text.parse(SYNTHETIC, "synthetic"))
    assert story.published_at == datetime(2021, 3, 3, 16, 5)
    assert story.published_raw == "March 3, 2021 /  4:05 PM / Updated 2 hours ago"
    assert story.body.endswith("Editing by Bob Sample")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"March 3, 2021 / 4:05 PM / 2 years ago\n", "no_headline"),
        (b"March 3, 2021 / 4:05 PM / 2 years ago\n\nHeadline only\n", "no_body"),
    ],
)
def test_truncated_text_is_a_parse_error(data, reason):
    with pytest.raises(ParseError) as err:
        list(reuters_web_text.parse(data, "t"))
    assert err.value.reason == reason
