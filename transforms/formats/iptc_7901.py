"""IPTC 7901 (the text wire format of dpa, ATS and other European agencies).

A message (superdesk ``IPTC7901*.txt``, ``dpa_*.txt``, belga ``dpa.txt`` and
``ats.txt``)::

    SOH eca062 4 i 211 ccccb   dpa 061      <- service + sequence, priority, category,
                                               word count, optional selectors/originator
    Germany-politics/                       <- keyword line ('/'-separated)
    STX 1ST LEAD                            <- heading block: version markers,
    German football saddened by ...            headline,
    By Manuel Schwarz, dpa =                   byline; the block ends with ' ='
       Munich (dpa) - German football ...   <- body, hard-wrapped, blank-line paragraphs
    # Notebook                              <- dpa's editorial notebook: never published
    ETX 071341 GMT Okt 15                   <- trailer DDHHMM [GMT] Mon YY
    DEL DEL EOT

Quirks handled (SOURCES.md section 6):

* belga ``dpa.txt`` has no SOH/STX/ETX at all; ``ats.txt`` starts with two DEL
  bytes before SOH; line ends are mixed CRLF/LF.
* ``IPTC7901_odd_charset.txt`` and ``dpa_four_line.txt`` are latin-1, not UTF-8
  (``Thomas M\\xfcller``, a 0xA0 NBSP): decoded by ``decode_text`` (strict
  UTF-8, then cp1252).
* Versions are heading lines: ``1ST LEAD``, ``REFILE`` + ``1ST LEAD`` (joined as
  ``REFILE 1ST LEAD``), ``2ND LEAD`` + ``3RD NET``, ``EXTRA``.
* The trailer month is in the service's language (``Okt``, ``Dez``, ATS ``dec``);
  with ``GMT`` the time is aware UTC, without it (ATS) it stays naive (taken as
  UTC and flagged ``assumed``).
* Everything from dpa's ``# Notebook`` (or, without it, from the ``* * * *`` rule
  before "The following information is not (intended) for publication") on is
  editorial and is cut from the body. The markers must fill a whole line, so a
  sentence that mentions publication cannot cut a story short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from transforms import conventions
from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem
from transforms.formats.text import decode_text, tidy

NAME = "iptc_7901"

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"

# SOH is optional (belga dpa.txt); without it the whole first line must be the header.
_SNIFF = re.compile(
    rb"\A[\x7f\x16\s]{0,16}(?:\x01[a-z]{1,8}\d{1,6} +\d +[a-z]{1,4} +\d{1,6}\b"
    rb"|[a-z]{1,8}\d{1,6} \d [a-z]{1,4} +\d{1,6}(?: +[a-z0-9]{1,12}){0,6} *\r?\n)",
    re.I,
)
_HEADER = re.compile(
    r"^(?P<service>[A-Za-z]+)(?P<seq>\d+)\s+(?P<prio>\d)\s+(?P<cat>[A-Za-z]+)\s+(?P<words>\d+)(?P<rest>.*)$"
)
_LINE_END = re.compile(r"\r\n|\r|\n")
_VERSION_TOKEN = (r"(?:REFILE|REPEAT|CORRECTION|CORRECTED|EXTRA|URGENT|EILT|FLASH|BULLETIN|ADVISORY|"
                  r"ROUNDUP|SUMMARY|KORREKTUR|WIEDERHOLUNG|\d+(?:ST|ND|RD|TH)\s+(?:LEAD|NET|ADD|WRITETHRU))")
_VERSION_LINE = re.compile(rf"^{_VERSION_TOKEN}(?:\s+{_VERSION_TOKEN})*$")
_BYLINE = re.compile(r"^(?:By|Von|Par|Di|Door)\s+(?P<names>.+)$")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|\bund\b|\bet\b|&)\s*")
_AGENCY_WORD = re.compile(r"^(?:dpa|afp|ap|reuters|ats|sda|apa|ansa|belga|kna|epd)\b", re.I)
# Whole lines only, so that a sentence mentioning publication cannot cut a story.
_NOTEBOOK = re.compile(
    r"^\s*(?:#+\s*(?:dpa\s+)?(?:notebook|notizblock)\b.*"
    r"|The following information is not (?:intended )?for publication\W*"
    r"|(?:Die folgenden Informationen sind )?nicht zur Ver\w+ bestimmt\W*)$",
    re.I,
)
_STARS = re.compile(r"^\s*\*(?:\s*\*){2,}\s*$")
_TRAILER = re.compile(
    r"(?P<d>\d{2})(?P<H>\d{2})(?P<M>\d{2})\s+(?:(?P<tz>GMT|UTC)\s+)?(?P<mon>[^\W\d_]{3,4})\.?\s+(?P<y>\d{2})\b"
)
_DATELINE_AGENCY = re.compile(r"\((?P<agency>[A-Za-z]+)(?:[ /-][A-Za-z]+)*\)\s*[-\u2013]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MONTHS = {
    "jan": 1, "ja": 1, "gen": 1, "ene": 1, "jän": 1, "janv": 1,
    "feb": 2, "fév": 2, "fev": 2, "févr": 2,
    "mar": 3, "mär": 3, "mrz": 3, "mars": 3, "maa": 3,
    "apr": 4, "avr": 4, "abr": 4,
    "may": 5, "mai": 5, "mag": 5, "mei": 5,
    "jun": 6, "juin": 6, "giu": 6, "juni": 6,
    "jul": 7, "juil": 7, "lug": 7, "juli": 7,
    "aug": 8, "aoû": 8, "aou": 8, "ago": 8, "août": 8,
    "sep": 9, "sept": 9, "set": 9,
    "oct": 10, "okt": 10, "ott": 10,
    "nov": 11,
    "dec": 12, "dez": 12, "déc": 12, "dic": 12,
}
_PROVIDERS = {"dpa": "dpa", "ats": "ats", "sda": "ats", "afp": "afp", "ap": "ap", "apa": "apa",
              "ansa": "ansa", "belga": "belga", "reuters": "reuters", "efe": "efe", "anp": "anp"}


def sniff(data: bytes) -> bool:
    """An IPTC 7901 header line (``eca062 4 i 211``) opens the input, after SOH or DEL."""
    return bool(_SNIFF.match(data[:512]))


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    # split the bytes, so that a rejected message keeps its exact raw bytes
    if b"\x01" in data:
        raws = [b"\x01" + c for c in data.split(b"\x01")[1:] if c.strip(b" \r\n\x7f\x04")]
    else:
        raws = [data.lstrip(b" \r\n\x7f\x16")]
    if not raws:
        raise ParseError("no_items", "no SOH starts a message", format=NAME, source=source)
    for raw in raws:
        chunk, _ = decode_text(raw.lstrip(b"\x01"))
        try:
            yield _parse_message(chunk)
        except ValueError as exc:
            yield RejectedItem(str(exc), chunk[:80], raw=raw)


def _parse_message(chunk: str) -> ParsedStory:
    header_line, _, rest = chunk.partition("\n")
    header = _HEADER.match(header_line.strip())
    if header is None:
        raise ValueError("malformed_header")

    etx = rest.find(ETX)
    trailer = ""
    if etx >= 0:
        rest, trailer = rest[:etx], rest[etx + 1:].split(EOT, 1)[0]
    lines = [_CONTROL.sub("", ln).rstrip() for ln in _LINE_END.split(rest.split(EOT, 1)[0])]
    if etx < 0:
        # no ETX (belga dpa.txt): the trailer is the last non-empty line
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and _TRAILER.fullmatch(lines[-1].strip()):
            trailer = lines.pop()

    # the header's priority digit is both: wirelake's urgency and the provider's own priority
    story = ParsedStory(urgency=int(header["prio"]), priority=int(header["prio"]), category=[header["cat"]])
    i, n = 0, len(lines)
    # keyword line: the first non-empty line unless the heading starts there (STX)
    while i < n and not lines[i].strip():
        i += 1
    if i < n and not rest.lstrip(" \r\n").startswith(STX):
        keyword_line = lines[i].strip()
        story.slug = keyword_line.strip("/") or None
        story.keywords = [k.strip() for k in keyword_line.split("/") if k.strip()]
        i += 1
    while i < n and not lines[i].strip():
        i += 1

    heading_end = i
    while heading_end < n and heading_end - i < 12 and not lines[heading_end].endswith("="):
        heading_end += 1
    if heading_end >= n or not lines[heading_end].endswith("="):
        heading_end = i  # no ' =' terminator: the first line is the whole heading
    heading = [ln.strip().rstrip("=").strip() for ln in lines[i:heading_end + 1]]
    _read_heading(story, [h for h in heading if h])

    body_lines = lines[heading_end + 1:]
    for j, line in enumerate(body_lines):
        if _NOTEBOOK.match(line):
            # dpa's notebook is the editors' part: it is the story's ednote, never its text
            story.ednote = tidy("\n".join(ln.strip() for ln in body_lines[j:] if ln.strip()
                                          and not _STARS.match(ln))) or None
            body_lines = body_lines[:j]
            # the '* * * *' rule that introduces the non-public block goes too
            while body_lines and (not body_lines[-1].strip() or _STARS.match(body_lines[-1])):
                body_lines.pop()
            break
    story.body = _paragraphs(body_lines)
    if not story.body:
        raise ValueError("no_body")
    story.provider = _provider(story.body, header["rest"])
    story.published_at, story.published_raw = _published(trailer.strip(" \r\n\x7f"))
    zone = conventions.zone_for(story.provider)
    if story.published_at is not None and story.published_at.tzinfo is None and zone:
        # ATS's trailer has no GMT: Swiss time (transforms/conventions.py)
        story.published_at = story.published_at.replace(tzinfo=ZoneInfo(zone))
        story.published_tz_source = "provider_default"
    return story


def _read_heading(story: ParsedStory, heading: list[str]) -> None:
    versions: list[str] = []
    rest: list[str] = []
    for line in heading:
        byline = _BYLINE.match(line)
        if _VERSION_LINE.match(line):
            versions.append(line)
        elif byline:
            story.authors = [a for a in (s.strip() for s in _NAME_SPLIT.split(byline["names"]))
                             if a and not _AGENCY_WORD.match(a)]
        else:
            rest.append(line)
    story.version = " ".join(versions) or None
    # leading labels ("(Achtung)", ATS "Situation" / "France:") precede the headline
    story.headline = rest[-1] if rest else None


def _paragraphs(lines: list[str]) -> str | None:
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return tidy("\n\n".join(paras))


def _provider(body: str, header_rest: str) -> str | None:
    for m in _DATELINE_AGENCY.finditer(body[:400]):
        if m["agency"].lower() in _PROVIDERS:
            return _PROVIDERS[m["agency"].lower()]
    for token in header_rest.split():
        if token.lower() in _PROVIDERS:
            return _PROVIDERS[token.lower()]
    return None


def _published(trailer: str) -> tuple[datetime | None, str | None]:
    if not trailer:
        return None, None
    m = _TRAILER.search(trailer)
    if m is None:
        return None, trailer
    month = _MONTHS.get(m["mon"].lower()) or _MONTHS.get(m["mon"].lower()[:3])
    if month is None:
        return None, trailer
    try:
        value = datetime(2000 + int(m["y"]), month, int(m["d"]), int(m["H"]), int(m["M"]))
    except ValueError:
        return None, trailer
    return (value.replace(tzinfo=UTC) if m["tz"] else value), trailer
