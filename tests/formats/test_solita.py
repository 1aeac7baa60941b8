"""solita: NTB Info press releases (superdesk-ntb ``solita_1..4.xml``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import solita
from transforms.formats.base import ParsedStory, ParseError
from transforms.reading.records import to_utc

NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"


def release(name: str) -> ParsedStory:
    data = corpus_bytes(NTB + name)
    assert solita.sniff(data)
    [s] = solita.parse(data, name)
    return s


def test_release_golden():
    s = release("solita_1.xml")
    assert s.headline == "Signerte veikontrakt på 4 mrd. i Trøndelag"
    assert s.guid == "17854111"
    assert s.provider == "solita"
    assert s.version is None
    # "28.09.2018 11:15", Oslo summer time (+02:00)
    assert s.published_raw == "28.09.2018 11:15"
    assert to_utc(s.published_at, s.published_tz_source) == (
        datetime(2018, 9, 28, 9, 15, tzinfo=UTC), "provider_default", 120)
    assert s.language == "no"
    assert s.url.startswith("https://www.ntbinfo.no/pressemelding/signerte-veikontrakt")
    assert s.credits == [("Nye Veier", "publisher")]
    # the lead text is the first paragraph, then the doubly encoded HTML body
    assert s.body.startswith("Nye Veier har signert kontrakt med det spanske konsernet ACCIONA")
    assert s.body.split("\n\n")[1].startswith("– Dette er en merkedag for Nye Veier. Nå signerer vi")
    assert s.body.endswith("Byggestart er planlagt i midten av 2019. Prosjektet fullføres i 2024/2025.")
    assert "Leonhard Nilsen & Sønner" in s.body  # &amp;amp; -> &
    assert "&aring;" not in s.body and "<p>" not in s.body


def test_contacts_and_boilerplate_stay_out_of_the_body():
    s = release("solita_1.xml")
    assert "ingrid.hovland@nyeveier.no" not in s.body
    assert "statlig eid aksjeselskap" not in s.body  # publisher description


def test_categories_keywords_and_subheadings():
    s = release("solita_3.xml")
    assert s.subjects == ["Økonomi og næringsliv", "Vitenskap og teknologi", "Politikk", "Arbeidsliv"]
    assert s.keywords == ["konkurs", "Bisnode", "næringsliv", "tvangsavviklinger", "eiendom"]
    assert "Ringvirkninger" in s.body.split("\n\n")


def test_winter_time_and_test_release():
    s = release("solita_4.xml")
    assert s.body == "DETTE ER EN TEST INGRESS\n\nDETTE ER EN TEST BRØDTEKST"
    assert to_utc(s.published_at, s.published_tz_source)[0] == datetime(2019, 7, 11, 10, 17, tzinfo=UTC)
    s2 = release("solita_2.xml")
    assert s2.credits == [("Nærings- og fiskeridepartementet", "publisher")]


# --- synthetic --------------------------------------------------------------------------

def _release(inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><release id="1" lang="sv">'
            f"<longurl>https://example.org/r/1</longurl>{inner}</release>").encode()


def test_embargo_and_winter_offset():
    [s] = solita.parse(_release(
        "<body>&lt;p&gt;Hej &amp;amp; v&amp;auml;lkommen.&lt;/p&gt;</body><leadtext/>"
        "<embargo>05.01.2020 08:00</embargo><publicationDate>05.01.2020 07:30</publicationDate>"
        "<title>T</title><keywords>a, b c</keywords>"), "t")
    assert s.body == "Hej & välkommen."
    assert s.language == "sv"
    assert s.embargo_until.astimezone(UTC) == datetime(2020, 1, 5, 7, 0, tzinfo=UTC)
    assert to_utc(s.published_at, s.published_tz_source)[2] == 60
    assert s.keywords == ["a", "b c"]


@pytest.mark.parametrize("data, reason", [
    (b"", "empty_input"),
    (_release("<title>T</title><body/><leadtext/>"), "no_body"),
    (_release("<body>x</body><publicationDate>2020-01-05</publicationDate>"), "malformed_date"),
    (b'<release id="1"><longurl>x</longurl><body>', "malformed_xml"),
])
def test_whole_file_errors(data, reason):
    with pytest.raises(ParseError) as err:
        list(solita.parse(data, "t"))
    assert err.value.reason == reason


def test_sniff_needs_solita_fields():
    assert solita.sniff(_release(""))
    assert not solita.sniff(b'<release version="2"><notes>software release</notes></release>')


def test_sweep_claims_solita_1_to_4_not_the_newsml_one():
    root = corpus_path()
    claimed = set()
    for folder in ("reuters-web-raw", "superdesk-feed-fixtures"):
        for path in sorted(corpus_path(folder).rglob("*")):
            if path.is_file() and solita.sniff(data := path.read_bytes()):
                claimed.add(path.relative_to(root).as_posix())
                try:
                    items = list(solita.parse(data, str(path)))
                except ParseError:
                    continue
                assert len(items) == 1
    assert claimed == {f"{NTB}solita_{n}.xml" for n in range(1, 5)}
    assert not solita.sniff(corpus_bytes(NTB + "solita_se_1.xml"))
