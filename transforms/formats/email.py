"""E-mail feeds: RFC 822 / MIME messages (one message per file).

Agencies and newsrooms take copy by e-mail (Superdesk's ``rfc822`` feed). What
arrives (SOURCES.md section 10, superdesk-core ``*_email.txt``, ``googleform.txt``):

* Gmail and Apple Mail messages saved as text, CRLF or LF. **Four files start
  with a line of 255 spaces** before ``Delivered-To:``: leading blank lines are
  dropped before the headers are read (a parser that takes that line as a header
  continuation loses every header).
* ``multipart/alternative`` (text and HTML), ``multipart/mixed`` with a base64
  JPEG attachment, quoted-printable ``Windows-1252`` bodies, RFC 2047 encoded
  subjects (``=?utf-8?Q?...?=``), one of which claims Windows-1252 but holds raw
  UTF-8 bytes.
* Form mails: an AAP reporter's copy laid out as labelled fields
  (``Headline: ...``, ``Abstract: ...``, then slug, byline and text), and
  Google-Forms mails whose body is a JSON object of one-element lists
  (``{"Headline": ["..."], "Body": ["..."]}``), one with a hard line break inside
  a JSON string.

Mapping (the standard library's ``email`` package, ``policy=default``):

* ``headline``: a form's ``Headline`` field, else the decoded ``Subject``.
* ``body``: a form's ``Body`` field (or, in a labelled mail, the text after the
  labelled fields); else the first inline ``text/plain`` part; else the first
  ``text/html`` part as text. Each part is decoded with its own charset (bytes
  that do not decode fall back to ``transforms.formats.text.decode_text``);
  ``format=flowed`` soft breaks are joined. The mail's signature (after a
  ``-- `` line), a disclaimer after a rule of underscores and a closing
  end-of-story mark with the sender's signature (``AAP be/``) are not story text.
* ``published_at``: the ``Date`` header with its zone (``Received`` lines carry
  relays' zones and are not read); ``guid``: ``Message-ID`` without ``<>``.
* ``provider``: the sender's domain when it is a known agency's
  (``aap.com.au``); otherwise none (normalization may still take it from the
  dateline).
* A form's ``Slugline`` is the slug, ``Dateline`` the dateline place,
  ``Category`` a subject, ``Byline`` the authors. ``Priority`` (AAP: ``Urgent``
  or ``1``-``6``) is the provider's priority (the ``priority`` column), not an
  urgency; ``Abstract`` the abstract. An unlabelled
  short line right before a ``By ...`` line in a labelled mail is the slug
  (AAP's ``Gol PGA``).
* Image, audio, video and other attachments are ignored; a mail with no text at
  all is skipped as ``non_text:<kind of its attachments>`` (``picture`` ...), or
  rejected ``no_body`` when it has nothing.
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage

from transforms.formats.base import Item, ParsedStory, ParseError, SkippedItem
from transforms.formats.jsonwire import PROVIDER_DOMAINS, byline_names, loads_text
from transforms.formats.text import decode_text, html_to_text, looks_binary, tidy

NAME = "email"

_SNIFF_BYTES = 8192
_HEADER_LINE = re.compile(rb"^([!-9;-~]+):[ \t]?(.*)$")
# headers that only a mail message has together
_MAIL_HEADERS = frozenset({
    b"from", b"date", b"subject", b"message-id", b"mime-version", b"received", b"delivered-to",
    b"return-path", b"to", b"content-type", b"x-received", b"dkim-signature", b"reply-to", b"cc",
})
_TRANSPORT = frozenset({b"received", b"delivered-to", b"return-path", b"x-received", b"from"})


def _strip_lead(data: bytes) -> bytes:
    """Drop blank or space-only lines before the headers (the 255-space first line)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")


def sniff(data: bytes) -> bool:
    """A header block of mail headers: every line a ``Name: value`` or a folded
    continuation until the first blank line, with at least three mail header
    names, one of them ``From`` or a transport header, and one of ``Subject``,
    ``Date`` or ``Message-ID``. An mbox ``From `` envelope line may come first."""
    head = _strip_lead(data[:_SNIFF_BYTES])
    if not head or looks_binary(head):
        return False
    seen: set[bytes] = set()
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if lines[0].startswith(b"From ") and len(lines) > 1:  # an mbox envelope line
        lines = lines[1:]
    complete = False
    for i, line in enumerate(lines):
        if not line.strip():
            complete = i > 0
            break
        if line[:1] in (b" ", b"\t"):
            if i == 0:
                return False
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            return False
        seen.add(m.group(1).lower())
    else:
        # the head cut inside the header block: what was seen must still be mail
        complete = len(lines) > 1 and len(head) >= _SNIFF_BYTES - 1
    if not complete:
        return False
    known = seen & _MAIL_HEADERS
    return (len(known) >= 3 and bool(known & _TRANSPORT)
            and bool(known & {b"subject", b"date", b"message-id"}))


# --------------------------------------------------------------------------- parts


def _part_text(part: EmailMessage) -> str | None:
    """A text part decoded with its own charset (falling back to byte sniffing)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: take the raw text
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else None
    charset = part.get_content_charset()
    text = None
    if charset:
        try:
            text = payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, _ = decode_text(payload)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "plain" and part.get_param("format", "").lower() == "flowed":
        text = _unflow(text, part.get_param("delsp", "").lower() == "yes")
    return text


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676: a line ending in a space continues on the next line."""
    out: list[str] = []
    buf = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):  # space-stuffing
            line = line[1:]
        if line.endswith(" ") and line.strip() != "--":
            buf += line[:-1] if delsp else line
        else:
            out.append(buf + line)
            buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)


_KIND = {"image": "picture", "video": "video", "audio": "audio"}


def _is_attachment(part: EmailMessage) -> bool:
    return (part.get_content_disposition() == "attachment"
            or part.get_content_maintype() not in ("text", "multipart", "message"))


def _texts(msg: EmailMessage) -> tuple[str | None, str | None, list[str]]:
    """(first inline text/plain, first inline text/html, kinds of the other parts)."""
    plain = html = None
    kinds: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if _is_attachment(part):
            kinds.append(_KIND.get(part.get_content_maintype(), "file"))
            continue
        sub = part.get_content_subtype()
        if sub == "plain" and plain is None:
            text = _part_text(part)
            if text and text.strip():
                plain = text
        elif sub == "html" and html is None:
            text = _part_text(part)
            if text and text.strip():
                html = text
    return plain, html, kinds


# ----------------------------------------------------------------------- trailers

_SIG = re.compile(r"(?m)^-- ?$")
_RULE = re.compile(r"(?m)^[ \t]*_{10,}[ \t]*$")
# a closing end-of-story mark: "AAP be/", "ends", "(END)"
_END_MARK = re.compile(r"(?m)^[ \t]*(?:[A-Z]{2,6}(?: [a-z]{1,4})?/[a-z/]*|ends|ENDS|\(?END\)?)[ \t]*$")


def _cut_trailers(text: str) -> str:
    for pattern in (_SIG, _RULE, _END_MARK):
        m = pattern.search(text)
        if m:
            text = text[:m.start()]
    return text


# -------------------------------------------------------------------------- forms

_LABELS = {
    "headline": "headline", "body": "body", "slugline": "slug", "slug": "slug",
    "abstract": "abstract", "dateline": "dateline", "category": "category",
    "priority": "priority", "byline": "byline",
}
_LABEL_LINE = re.compile(r"^(Headline|Body|Slugline|Slug|Abstract|Dateline|Category|Priority|Byline):[ \t]*(.*)$",
                         re.I)
_BY_LINE = re.compile(r"^By [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}$")


def _json_form(text: str) -> dict[str, str] | None:
    """A Google-Forms JSON body (``{"Headline": ["..."], ...}``) as label -> value."""
    s = text.strip()
    if not (s.startswith("{") and s.endswith("}")):
        return None
    try:
        doc = loads_text(s)
    except ValueError:
        try:  # a hard line break inside a string (json-email.txt): control chars allowed
            doc = loads_text(s, strict=False)
        except ValueError:
            return None
    if not isinstance(doc, dict):
        return None
    out: dict[str, str] = {}
    for key, value in doc.items():
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            label = str(key).strip().lower()
            out[_LABELS.get(label, label)] = value.replace("\r\n", "\n").replace("\r", "\n")
    return out if "headline" in out or "body" in out else None


def _labelled_form(text: str) -> dict[str, str] | None:
    """A text laid out as ``Label: value`` paragraphs followed by the story text.

    Only when a ``Headline:`` label opens a line among the first paragraphs;
    lines before the first label (a desk code such as ``SDA``) are routing.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    head = [i for i, line in enumerate(lines[:40]) if _LABEL_LINE.match(line.strip())]
    if not any(_LABEL_LINE.match(lines[i].strip()).group(1).lower() == "headline" for i in head):
        return None
    out: dict[str, str] = {}
    i = head[0]
    current: str | None = None
    while i < len(lines):
        line = lines[i].strip()
        m = _LABEL_LINE.match(line)
        if m:
            current = _LABELS[m.group(1).lower()]
            out[current] = m.group(2)
            if current == "body":
                out["body"] = "\n".join([m.group(2), *lines[i + 1:]])
                return out
        elif not line:
            current = None
            if i + 1 < len(lines) and not _LABEL_LINE.match(lines[i + 1].strip()) and lines[i + 1].strip():
                break
        elif current is not None:
            out[current] += " " + line
        else:
            break
        i += 1
    rest = [ln for ln in lines[i:]]
    while rest and not rest[0].strip():
        rest.pop(0)
    # AAP: an unlabelled slug line ("Gol PGA") right before the byline
    if "slug" not in out and len(rest) > 1 and _BY_LINE.match(rest[1].strip()) \
            and len(rest[0].strip()) <= 30 and len(rest[0].split()) <= 4 and rest[0].strip()[-1:] not in ".:!?":
        out["slug"] = rest.pop(0).strip()
    out["body"] = "\n".join(rest)
    return out


_WRAP_WIDTH = 78


def _paragraphs(text: str | None) -> str | None:
    """Mail text as paragraphs separated by a blank line.

    A sender that wraps its lines (every line at most 78 characters) marks
    paragraphs with blank lines, and its single line breaks are wraps: they are
    joined. A sender that does not wrap (Apple Mail's quoted-printable, Gmail)
    writes one paragraph per line: every line break is a paragraph break."""
    if text is None:
        return None
    lines = text.split("\n")
    if any(len(line) > _WRAP_WIDTH for line in lines):
        return tidy("\n\n".join(line for line in lines if line.strip()))
    blocks = re.split(r"\n[ \t]*\n", text)
    return tidy("\n\n".join(" ".join(b.split("\n")) for b in blocks if b.strip()))


# -------------------------------------------------------------------------- parse


_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(rb"(\?=)[ \t\r\n]+(?==\?)")


def _decode_bytes(raw: bytes, charset: str | None) -> str:
    """Header bytes: valid UTF-8 wins over the named charset (a subject that claims
    windows-1252 but holds raw UTF-8, ``odd_charset_email.txt``), then the charset,
    then cp1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw)[0]


def _decode_word(m: re.Match[bytes]) -> bytes:
    charset, enc, text = m.group(1).decode("ascii", "replace"), m.group(2).upper(), m.group(3)
    try:
        if enc == b"B":
            raw = base64.b64decode(text + b"=" * (-len(text) % 4))
        else:
            raw = re.sub(rb"=([0-9A-Fa-f]{2})", lambda g: bytes([int(g.group(1), 16)]), text.replace(b"_", b" "))
    except ValueError:
        return m.group(0)
    return _decode_bytes(raw, charset.split("*", 1)[0]).encode("utf-8")


def _header(msg: EmailMessage, name: str) -> str | None:
    """A header's text, its RFC 2047 words decoded by the rule above."""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return None
    data = str(raw).encode("utf-8", "surrogateescape")
    data = _BETWEEN_WORDS.sub(rb"\1", data)
    data = _ENCODED_WORD.sub(_decode_word, data)
    return tidy(_decode_bytes(data, None).replace("\r", " ").replace("\n", " "))


def _date(msg: EmailMessage) -> tuple[datetime | None, str | None]:
    raw = msg.get("Date")
    if raw is None:
        return None, None
    try:
        value = raw.datetime
    except AttributeError:
        value = None
    return value, str(raw)


def _provider(msg: EmailMessage) -> str | None:
    try:
        addresses = msg["From"].addresses if msg["From"] is not None else ()
    except (AttributeError, IndexError, TypeError):
        return None
    for addr in addresses:
        host = (addr.domain or "").lower()
        parts = host.split(".")
        for i in range(len(parts) - 1):
            domain = ".".join(parts[i:])
            if domain in PROVIDER_DOMAINS:
                return PROVIDER_DOMAINS[domain]
    return None


def _message(data: bytes, source: str) -> EmailMessage:
    body = _strip_lead(data)
    if not body:
        raise ParseError("empty_input", format=NAME, source=source)
    if looks_binary(body):
        raise ParseError("binary_content", "not text", format=NAME, source=source)
    msg = email.message_from_bytes(body, policy=email.policy.default)
    if not msg.keys():
        raise ParseError("malformed_email", "no header could be read", format=NAME, source=source)
    return msg  # type: ignore[return-value]


# A form's ``Priority`` in words, on the rank scale ANPA's priority letters use
# (transforms/formats/anpa_1312.py: flash 1, urgent 2, bulletin 3, regular 4,
# deferred 5); googleform.txt says "Urgent", json-email.txt "5".
_PRIORITY_WORDS = {"flash": 1, "urgent": 2, "bulletin": 3, "regular": 4, "routine": 4, "deferred": 5}


def _priority(value: str | None) -> int | None:
    text = (value or "").strip().lower()
    if text.isdigit():
        return int(text)
    return _PRIORITY_WORDS.get(text)


def parse(data: bytes, source: str) -> Iterator[Item]:
    msg = _message(data, source)
    guid = (_header(msg, "Message-ID") or "").strip("<> ") or None
    plain, html, kinds = _texts(msg)
    text = plain if plain is not None else html_to_text(html) if html is not None else None
    if text is None or not text.strip():
        if kinds:
            yield SkippedItem(f"non_text:{kinds[0]}", guid=guid,
                              detail=f"a mail with {len(kinds)} attachment(s) and no text")
            return
        raise ParseError("no_body", "the mail has no text", format=NAME, source=source)
    fields = _json_form(text) or _labelled_form(text) or {}
    subject = _header(msg, "Subject")
    headline = tidy(fields.get("headline")) or subject
    body_text = fields.get("body") if fields else text
    body = _paragraphs(_cut_trailers(body_text or ""))
    if not body:
        raise ParseError("no_body", "the mail's text holds no story body", format=NAME, source=source)
    published, raw = _date(msg)
    category = tidy(fields.get("category"))
    yield ParsedStory(
        abstract=tidy(fields.get("abstract")),
        priority=_priority(fields.get("priority")),
        headline=headline,
        body=body,
        guid=guid,
        provider=_provider(msg),
        published_at=published,
        published_raw=raw,
        slug=tidy(fields.get("slug")),
        dateline_location=tidy(fields.get("dateline")),
        authors=byline_names(fields.get("byline")),
        subjects=[category] if category else [],
    )
