"""email: RFC 822/MIME messages (synthetic fixtures) and the sweep over the corpora."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.formats.sweep import corpus_files
from transforms.formats import ParseError, detect, email, plain_text
from transforms.formats.base import ParsedStory, SkippedItem
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"


def mail(headers: str, body: bytes, *, lead: bytes = b"", crlf: bool = True) -> bytes:
    text = headers.strip("\n") + "\n\n"
    data = text.encode("utf-8") + body  # raw UTF-8 in a header is a trap the parser must survive
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return lead + data


BASE = """Delivered-To: desk@news.example
Received: by 10.0.0.1 with SMTP id x; Tue, 10 Mar 2015 14:17:14 -0700 (PDT)
Message-ID: <abc.123@mail.example>
Date: Thu, 19 Feb 2015 17:18:40 +1100
From: A Sender <sender@mail.example>
To: desk@news.example
Subject: {subject}
MIME-Version: 1.0
"""


def one(data: bytes) -> ParsedStory:
    assert email.sniff(data)
    [item] = list(email.parse(data, "t"))
    assert isinstance(item, ParsedStory)
    return item


def test_simple_plain_text_mail():
    s = one(mail(BASE.format(subject="Storm hits coast") + "Content-Type: text/plain; charset=UTF-8\n",
                 b"First paragraph.\n\nSecond paragraph.\n\n-- \nA Sender\n"))
    assert s.headline == "Storm hits coast"
    assert s.body == "First paragraph.\n\nSecond paragraph."  # the signature after "-- " is gone
    assert s.guid == "abc.123@mail.example"
    # the Date header with its zone; the Received line's -0700 is a relay's, not read
    assert s.published_at == datetime(2015, 2, 19, 17, 18, 40, tzinfo=timezone(timedelta(hours=11)))
    assert to_utc(s.published_at, s.published_tz_source)[:2] == (datetime(2015, 2, 19, 6, 18, 40, tzinfo=UTC),
                                                                  "source")
    assert s.provider is None  # mail.example is nobody's agency


def test_leading_space_line_before_the_headers_is_tolerated():
    # four corpus mails start with a line of 255 spaces before Delivered-To:
    data = mail(BASE.format(subject="Lead") + "Content-Type: text/plain\n", b"Text.\n", lead=b" " * 255 + b"\r\n")
    assert detect(data) is email
    assert not plain_text.sniff(data)
    assert one(data).headline == "Lead"


def test_mbox_envelope_line_and_folded_subject():
    headers = BASE.format(subject="Re: [PATCH v4 11/14] memory: add\n memory_region_try_add function")
    data = b"From sender@mail.example Tue Mar 10 14:17:14 2015\n" + mail(
        headers + "Content-Type: text/plain\n", b"Tested.\n", crlf=False)
    s = one(data)
    assert s.headline == "Re: [PATCH v4 11/14] memory: add memory_region_try_add function"
    assert s.body == "Tested."


def test_rfc2047_subject_and_windows_1252_quoted_printable_body():
    headers = (BASE.format(subject="=?utf-8?Q?Caf=C3=A9_owner_=E2=80=93_interview?=")
               + "Content-Type: text/plain; charset=\"Windows-1252\"\nContent-Transfer-Encoding: quoted-printable\n")
    body = b"It=92s a =93fine=94 day =96 says the owner of a caf=E9 with a very long line that goes on=\n and on.\n"
    s = one(mail(headers, body, crlf=False))
    assert s.headline == "Café owner – interview"
    assert s.body == "It’s a “fine” day – says the owner of a café with a very long line that goes on and on."


def test_encoded_word_claiming_a_single_byte_charset_but_holding_utf8():
    # odd_charset_email.txt: raw UTF-8 "’" inside =?windows-1252?Q?...?=
    headers = BASE.format(subject="=?windows-1252?Q?TravTalk’s_Special?=") + "Content-Type: text/plain\n"
    s = one(mail(headers, b"Text.\n", crlf=False))
    assert s.headline == "TravTalk’s Special"


def test_html_only_mail_is_cleaned_to_paragraphs():
    headers = (BASE.format(subject="Html") + "Content-Type: text/html; charset=UTF-8\n"
               "Content-Transfer-Encoding: quoted-printable\n")
    s = one(mail(headers, b'<div dir=3D"ltr"><p>One &amp; two.</p><p>Three.</p></div>\n'))
    assert s.body == "One & two.\n\nThree."


def test_text_part_wins_over_html_and_image_attachments_are_ignored():
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()
    headers = BASE.format(subject="Picture") + 'Content-Type: multipart/mixed; boundary="MIX"\n'
    body = f"""--MIX
Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset=UTF-8

The plain text.

--ALT
Content-Type: text/html; charset=UTF-8

<div>The html text.</div>
--ALT--
--MIX
Content-Type: image/jpeg; name="cow.jpg"
Content-Disposition: attachment; filename="cow.jpg"
Content-Transfer-Encoding: base64

{jpeg}
--MIX--
""".encode()
    s = one(mail(headers, body))
    assert s.body == "The plain text."


def test_mail_with_only_an_image_is_skipped_as_a_picture():
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()
    headers = BASE.format(subject="Just a picture") + 'Content-Type: multipart/mixed; boundary="M"\n'
    body = f"--M\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n{jpeg}\n--M--\n".encode()
    [item] = list(email.parse(mail(headers, body), "t"))
    assert isinstance(item, SkippedItem) and item.reason == "non_text:picture"
    assert item.guid == "abc.123@mail.example"


def test_mail_with_no_text_and_no_attachment_is_no_body():
    with pytest.raises(ParseError) as err:
        list(email.parse(mail(BASE.format(subject="Empty") + "Content-Type: text/plain\n", b"\n\n"), "t"))
    assert err.value.reason == "no_body"


def test_labelled_form_mail_is_read_by_label():
    # an AAP reporter's copy: desk code, labelled fields, slug, byline, text, end mark,
    # then the sender's signature and a disclaimer
    text = (b"SDA\n\nHeadline: Scott favourite at Innisbrook\n\nAbstract: Adam Scott is the\nshort-price "
            b"favourite.\n\nGol PGA\nBy Ben Writer\n\nLOS ANGELES, March 10 AAP - Adam Scott is hoping to live "
            b"up to his favourite tag this week in Florida, where the course is tight.\nSenden defends the title "
            b"he won last year, and he is quietly confident of a repeat effort.\nAAP be/\nBen Writer\nGolf Writer\n"
            b"\n____________________\nThis email may contain confidential information.\n")
    s = one(mail(BASE.format(subject="Unrelated subject") + "Content-Type: text/plain\n", text))
    assert s.headline == "Scott favourite at Innisbrook"
    assert s.abstract == "Adam Scott is the short-price favourite."
    assert s.slug == "Gol PGA"
    assert s.body.split("\n\n") == [
        "By Ben Writer",
        "LOS ANGELES, March 10 AAP - Adam Scott is hoping to live up to his favourite tag this week in "
        "Florida, where the course is tight.",
        "Senden defends the title he won last year, and he is quietly confident of a repeat effort."]


def test_google_forms_json_body_with_a_hard_break_inside_a_string():
    body = (b'{"Category":["DOMESTIC SPORT"],"Priority":["5"],"Headline":["Storm closes port"],'
            b'"Slugline":["STORM"],"Dateline":["BRISBANE"],"Timestamp":["9/14/2015\r\n12:06:00"],'
            b'"Byline":["Jane Doe"],"Body":["First para.\\n\\nSecond para."]}')
    headers = (BASE.format(subject="Formatted Editorial Story").replace("mail.example>", "aap.com.au>")
               + "Content-Type: text/plain; charset=ISO-8859-1; format=flowed; delsp=yes\n")
    s = one(mail(headers, body, crlf=False))
    assert (s.headline, s.slug, s.dateline_location) == ("Storm closes port", "STORM", "BRISBANE")
    assert s.urgency is None and s.priority == 5  # the form's Priority is a priority, not an urgency
    assert s.body == "First para.\n\nSecond para."
    assert s.subjects == ["DOMESTIC SPORT"]
    assert s.authors == ["Jane Doe"]
    assert s.provider == "aap"  # the sender's domain is AAP's


def test_format_flowed_soft_breaks_are_joined():
    headers = BASE.format(subject="Flowed") + "Content-Type: text/plain; format=flowed; delsp=yes\n"
    s = one(mail(headers, b"A long sen \ntence here.\n\nNext.\n", crlf=False))
    assert s.body == "A long sentence here.\n\nNext."


@pytest.mark.parametrize("data", [
    b"Headline: not a mail\n\nBody text here.\n",
    b"Subject: only one header\n\ntext\n",
    b"From: a@b\nSubject: x\n",  # no blank line closing the headers
    b"<html><body>Date: x</body></html>",
    b'{"From": "a", "Subject": "b", "Date": "c"}',
    b"Dear editor,\nFrom: me\nSubject: hi\nDate: today\n\nbody",
])
def test_sniff_refuses_what_is_not_a_mail_header_block(data):
    assert not email.sniff(data)


def test_sweep_claims_only_the_mails():
    claimed, outcomes = set(), Counter()
    for rel, data in corpus_files():
        if not email.sniff(data):
            continue
        claimed.add(rel)
        for item in email.parse(data, rel):
            outcomes["story" if isinstance(item, ParsedStory) else item.reason] += 1
            if isinstance(item, ParsedStory):
                assert item.headline and item.body and item.published_at and item.published_at.tzinfo
                assert "Delivered-To" not in item.body and "Content-Type" not in item.body
    assert claimed == {CORE + n for n in (
        "simple_email.txt", "charset_in_subject_email.txt", "composite_email.txt",
        "odd_charset_email.txt", "json-email.txt", "googleform.txt")}
    assert outcomes == {"story": 6}


def test_corpus_odd_charset_mail_is_the_aap_golf_story():
    data = next(d for rel, d in corpus_files("superdesk-feed-fixtures/superdesk-core/tests/io/fixtures")
                if rel.endswith("odd_charset_email.txt"))
    s = one(data)
    assert s.headline == "Senden defends but Scott favourite"
    assert s.slug == "Gol PGA"
    assert s.body.startswith("By Ben Everill\n\nLOS ANGELES, March 10 AAP – Adam Scott is hoping")
    assert s.body.endswith("Robert Allenby, Steven Bowditch, Marc Leishman, Greg Chalmers and Rod Pampling "
                           "are also in the field.")
    assert "Innisbrook Resort’s Cooperhead course" in s.body
    assert "Golf Writer" not in s.body and "confidential" not in s.body
