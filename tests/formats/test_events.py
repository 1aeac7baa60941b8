"""events: calendars and event feeds are skipped as events (synthetic fixtures + sweep)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.formats.sweep import corpus_files
from transforms.formats import ParseError, detect, events, plain_text
from transforms.formats.base import RejectedItem, SkippedItem

ICS = (b"BEGIN:VCALENDAR\r\nPRODID:-//Test//EN\r\nVERSION:2.0\r\n"
       b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
       b"END:VTIMEZONE\r\n"
       b"BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20170511T100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
       b"UID:0400000082\r\n\t00E0074C5\r\nSUMMARY;LANGUAGE=en-au:Senate Cut Of\r\n\tf\\, first day\r\nEND:VEVENT\r\n"
       b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20180302\r\nUID:two@x\r\nSUMMARY:Estimates\r\nEND:VEVENT\r\n"
       b"BEGIN:VTODO\r\nUID:todo@x\r\nSUMMARY:Call back\r\nEND:VTODO\r\n"
       b"END:VCALENDAR\r\n")


def skipped(data: bytes) -> list:
    assert detect(data) is events
    return list(events.parse(data, "t"))


def test_icalendar_one_skipped_item_per_component_with_folded_lines_unfolded():
    got = skipped(ICS)
    assert [(i.reason, i.guid, i.detail) for i in got] == [
        ("non_text:event", "040000008200E0074C5", "Senate Cut Off, first day"),  # TAB continuation
        ("non_text:event", "two@x", "Estimates"),
        ("non_text:task", "todo@x", "Call back"),
    ]
    assert not plain_text.sniff(ICS)


def test_unterminated_event_is_rejected_and_the_others_go_on():
    data = ICS.replace(b"SUMMARY:Estimates\r\nEND:VEVENT\r\n", b"SUMMARY:Estimates\r\n")
    got = skipped(data)
    assert [type(i).__name__ for i in got] == ["SkippedItem", "RejectedItem", "SkippedItem"]
    assert got[1].reason == "malformed_ical" and b"Estimates" in got[1].raw


def test_onclusive_object_and_array():
    rec = b'{"itemId": 41, "description": "Forum", "startDate": "2022-06-15T00:00:00", "time": "",' \
          b' "timezone": {"timezoneOffset": -4.00}, "venue": "Toronto"}'
    assert [(i.reason, i.guid, i.detail) for i in skipped(rec)] == [("non_text:event", "41", "Forum")]
    got = skipped(b"[" + rec + b", " + rec.replace(b"41", b"42") + b", 7]")
    assert [i.guid for i in got if isinstance(i, SkippedItem)] == ["41", "42"]
    assert isinstance(got[2], RejectedItem) and got[2].reason == "not_an_event"


def test_nifs_matches():
    data = ('[{"timestamp": "2018-03-11T18:00:00+01:00", "name": "Bod\\u00f8\\/Glimt - Molde", "uid": "m_1",'
            ' "homeTeam": {"name": "Bod\\u00f8\\/Glimt"}, "awayTeam": {"name": "Molde"}, "matchStatusId": 1}]')
    [item] = skipped(data.encode())
    assert (item.reason, item.guid, item.detail) == ("non_text:event", "m_1", "Bodø/Glimt - Molde")


def test_ntb_calendar_document_and_events_api_page():
    doc = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<document><ntbId>NBRP1</ntbId><service>newscalendar'
           '</service><title>Møte i Tromsø</title><timeStart>2016-09-05T09:00:00</timeStart></document>')
    # declared latin-1 but stored as UTF-8 (ntb_event.xml): the bytes win
    [one] = skipped(doc.encode("utf-8"))
    assert (one.guid, one.detail) == ("NBRP1", "Møte i Tromsø")
    # NTB's FTP drop (held out while writing the sniff: no ntbId, a stylesheet PI first)
    ftp = ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="t.xslt"?>\n'
           "<document><service>newscalendar</service><title>Klimakonferansen</title>"
           "<timeStart>2018-11-29T09:45:00.000+0100</timeStart></document>")
    [two] = skipped(ftp.encode())
    assert (two.guid, two.detail) == (None, "Klimakonferansen")
    page = ("<result numResults='593'><document><ntbId>A</ntbId><service>newscalendar</service><title>a</title>"
            "</document><document><ntbId>B</ntbId><service>newscalendar</service><title>b</title></document>"
            "</result>")
    assert [i.guid for i in skipped(page.encode())] == ["A", "B"]


def test_aap_sports_fixtures():
    data = (b'<?xml version="1.0"?><Response Status_Code="OK"><Fixture_List><Competition><Competition_Fixtures>'
            b'<Match ID="1"><Match_Details Match_ID="dom-1"/></Match><Match ID="2"/></Competition_Fixtures>'
            b'</Competition></Fixture_List></Response>')
    assert [i.guid for i in skipped(data)] == ["1", "2"]
    with pytest.raises(ParseError) as err:
        list(events.parse(data.replace(b"Match", b"Game"), "t"))
    assert err.value.reason == "no_items"


@pytest.mark.parametrize("data", [
    b"Agenda\nBEGIN:VCALENDAR\n",  # not at the start
    b'{"itemId": 1, "headline": "x", "body_html": "<p>y</p>"}',  # a story with an id, no event keys
    b"<document><title>x</title></document>",
    b'<result><document><id>1</id></document></result>',
    b'[{"homeTeam": "a"}]',
])
def test_sniff_refuses_lookalikes(data):
    assert not events.sniff(data)


def test_broken_json_is_malformed():
    with pytest.raises(ParseError) as err:
        list(events.parse(b'[{"itemId": 1, "startDate": "x", "venue": "v", ', "t"))
    assert err.value.reason == "malformed_json"


def test_sweep_every_event_file_is_skipped_as_events_never_stories_or_rejects():
    claimed, outcomes = Counter(), Counter()
    for rel, data in corpus_files():
        if not events.sniff(data):
            continue
        claimed[rel.rsplit("/", 1)[-1]] += 1
        for item in events.parse(data, rel):
            assert isinstance(item, SkippedItem), (rel, item)
            outcomes[item.reason] += 1
    assert set(claimed) == {"events.ics", "parl_cal.ics", "cp_onclusive.json", "onclusive_sample.json",
                            "nifs_events.json", "ntb_event.xml", "0.xml", "aap_cricket.xml", "aap_golf.xml",
                            "aap_soccer.xml", "abs-calendar.txt"}
    # 4 + 35 iCalendar events, 2 Onclusive, 3 NIFS matches, 1 + 2 NTB, AAP fixtures 2 + 1 + 14,
    # 39 rows of the ABS release calendar (CSV)
    assert outcomes == {"non_text:event": 103}


def test_calendar_csv_one_event_per_row():
    # Outlook's CSV columns, a UTF-8 BOM, a quoted subject with a comma (as aap abs-calendar.txt)
    data = ("\ufeffSubject,Start Date,Start Time,End Date,All day event\r\n"
            '"4307.0 Apparent Consumption of Alcohol, Australia",28/09/2018,11:30 AM,28/09/2018,False\r\n'
            "Retail Trade,01/10/2018,11:30 AM,01/10/2018,False\r\n").encode()
    assert events.sniff(data)
    items = list(events.parse(data, "cal.csv"))
    assert [(i.reason, i.detail) for i in items] == [
        ("non_text:event", "calendar row: 4307.0 Apparent Consumption of Alcohol, Australia"),
        ("non_text:event", "calendar row: Retail Trade")]
    # a CSV of other columns is not a calendar
    assert not events.sniff(b"Subject,Body\r\nA,B\r\n")
