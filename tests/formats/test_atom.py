"""atom: the WENN Atom feed (superdesk ``wenn.xml``) and generic Atom edge cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes
from tests.formats.sweep import corpus_files
from transforms.formats import atom
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

WENN = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/wenn.xml"


@pytest.fixture(scope="module")
def entries() -> list[ParsedStory]:
    data = corpus_bytes(WENN)
    assert atom.sniff(data)
    items = list(atom.parse(data, WENN))
    assert all(isinstance(i, ParsedStory) for i in items)
    return items


def test_wenn_golden(entries):
    assert len(entries) == 2
    s = entries[0]
    assert s.headline == "Suge Knight involved in fatal hit and run incident"
    assert s.guid == "urn:feed-wenn-com:newsfeedarticle:2:2222:1"
    assert s.provider == "wenn"
    assert s.version is None
    assert to_utc(s.published_at, s.published_tz_source)[0] == datetime(2015, 1, 30, 0, 33, 6, tzinfo=UTC)
    assert s.version_created == datetime(2015, 1, 30, 2, 40, 56, tzinfo=UTC)
    assert s.language == "en"  # wenn_cm lang="en-GB"
    assert s.pub_status == "usable"
    assert s.slug == "(KL&TD/WNWCZM/RL)"


def test_wenn_body_is_first_line_plus_body_not_the_placeholder(entries):
    s = entries[0]
    assert s.body.startswith("Police officials in Los Angeles are investigating a fatal hit and run")
    assert s.body.endswith("posting a photo on Instagram.com from the film shoot prior to the incident.")
    assert "This is body content" not in s.body
    assert len(s.body.split("\n\n")) == 5
    assert entries[1].body.startswith("JAGGED EDGE singer KYLE NORMAN has been arrested")


def test_wenn_tags_and_categories(entries):
    assert entries[0].keywords == ["Suge Knight", "Tmz.Com", "Compton"]
    assert entries[0].subjects == ["Music", "Showbiz Music", "Urban"]
    assert entries[0].authors == []  # the feed's "WENN Newsdesk" is a desk, not a byline


# --- synthetic -----------------------------------------------------------------------

HEAD = (b'<?xml version="1.0" encoding="utf-8"?>\n<!-- generated -->\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><title>Ex</title>'
        b'<link href="https://www.dpa.com/"/><id>urn:x</id><updated>2021-01-01T00:00:00Z</updated>')


def test_generic_entries_html_and_xhtml_content():
    data = HEAD + (
        b'<entry><id>e1</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; title</title>'
        b'<author><name>Max Muster</name></author><published>2021-02-01T10:00:00+01:00</published>'
        b'<updated>2021-02-01T11:00:00+01:00</updated><category term="politik"/>'
        b'<link rel="alternate" href="https://www.dpa.com/a/1"/>'
        b'<content type="html">&lt;p&gt;Eins.&lt;/p&gt;&lt;p&gt;Zwei.&lt;/p&gt;</content></entry>'
        b'<entry><id>e2</id><title>X</title><updated>2021-02-02T10:00:00Z</updated>'
        b'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Drei.</p><p>Vier.</p></div></content></entry>'
        b'</feed>')
    one, two = atom.parse(data, "t")
    assert one.headline == "A bold title"
    assert one.body == "Eins.\n\nZwei."
    assert one.authors == ["Max Muster"] and one.subjects == ["politik"]
    assert one.provider == "dpa" and one.language == "de" and one.url == "https://www.dpa.com/a/1"
    assert to_utc(one.published_at, None)[0] == datetime(2021, 2, 1, 9, 0, tzinfo=UTC)
    assert two.body == "Drei.\n\nVier."
    assert two.published_at == datetime(2021, 2, 2, 10, 0, tzinfo=UTC)  # falls back to <updated>


def test_malformed_entry_rejects_only_that_entry():
    data = HEAD + (
        b"<entry><id>ok1</id><title>One</title><summary>S1</summary></entry>"
        b"<entry><id>bad</id><title>Two<summary>S2</summary></entry>"
        b"<entry><id>ok3</id><title>Three</title><summary>S3</summary></entry></feed>")
    one, bad, three = atom.parse(data, "t")
    assert (one.guid, three.guid) == ("ok1", "ok3")
    assert isinstance(bad, RejectedItem) and bad.reason == "malformed_xml"
    assert b"<id>bad</id>" in bad.raw


def test_bad_date_empty_entry_and_media_entry():
    data = HEAD + (
        b"<entry><id>d</id><title>T</title><published>soon</published></entry>"
        b"<entry><id>e</id></entry>"
        b'<entry><id>m</id><content type="image/jpeg" src="https://x/p.jpg"/></entry></feed>')
    date, empty, media = atom.parse(data, "t")
    assert (date.reason, empty.reason) == ("malformed_date", "empty_item")
    assert media == SkippedItem(reason="non_text:picture", guid="m")


@pytest.mark.parametrize("data, claimed", [
    (HEAD + b"</feed>", True),
    (b"<feed><entry/></feed>", False),  # not in the Atom namespace
    (b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>', False),
    (b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>', False),
])
def test_sniff(data, claimed):
    assert atom.sniff(data) is claimed


@pytest.mark.parametrize("data, reason", [
    (b"", "empty_input"),
    (HEAD + b"</feed>", "no_items"),
    (HEAD + b"<entry><id>cut", "malformed_xml"),  # truncated: no complete entry to salvage
])
def test_whole_file_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(atom.parse(data, "t"))
    assert err.value.reason == reason


def test_sweep_claims_only_the_wenn_feed():
    claimed = set()
    for rel, data in corpus_files("reuters-web-raw", "superdesk-feed-fixtures", gunzip=True):
        if atom.sniff(data):
            claimed.add(rel)
            # only ParseError may escape a parser; the claimed file reads fully
            items = list(atom.parse(data, rel))
            assert len(items) == 2 and all(isinstance(i, ParsedStory) for i in items)
    assert claimed == {WENN}
