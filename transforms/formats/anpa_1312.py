"""ANPA-1312 (the AP/Kyodo wire text format) and AAP's SOH/US-framed racing results.

A message is binary-framed text (superdesk ``anpa-*.tst``, ``ap_anpa-*.tst``,
belga ``kyodo.txt``)::

    SYN SYN SOH W2870 US asian LF                       <- message number, selector
    f l DC3 DC1 BC-US--Ethanol-LosingGra 1stLd-Writethru   11-13 1693
      ^ ^        ^ slug (24 chars)        ^ version     ^ MM-DD ^ word count
      | category
      priority (f flash, b bulletin, u urgent, r routine, d deferred)
    STX ^BC-US--Ethanol-Losing Grassland, 1st Ld-Writethru,1140<   <- keyword line
    ^Prairies vanish in the US push for green energy<              <- headline
    ^Eds: Restores reference ...<                                  <- editor note (dropped)
    ^By CHET BROKAW and JACK GILLUM=                               <- byline
    ^Associated Press=                                             <- byline title (dropped)
    TAB   ROSCOE, South Dakota (AP) _ Robert Malsam ...            <- paragraphs
    TAB   ETX AP-WF-11-13-13 0745GMT<  FF EOT                      <- trailer: full date

Quirks handled (SOURCES.md section 6):

* ``<`` and ``=`` end paragraphs and heading lines, ``^`` marks a heading line;
  line ends are mixed CRLF/CR/LF; ``_`` is the dash of the dateline
  (``ATLANTA (AP) _``) and stays in the body for the normalizer.
* Agate tables: a line led by BS (0x08, "tab line indicator") is a table row;
  DLE (0x10, TTS space band), RS and US inside rows become spaces.
* The slug date has **no year**. ``published_at`` comes only from the trailer
  after ETX, which carries a full date: AP ``AP-WF-MM-DD-YY HHMMGMT`` (UTC, so
  aware) and Kyodo ``KWS-HH:MM-DD-MM-YY``. Kyodo writes day before month: the
  slug ``09-12`` of an Emperor's Cup final played on Dec. 9 says so. Kyodo's
  trailer states no zone, so it stays naive (taken as UTC, flagged
  ``assumed``). Without a trailer ``published_at`` is None and
  ``published_raw`` keeps the slug date text; the normalizer decides the policy.
* Editor notes (``Eds:``, ``EDITOR'S NOTE``, ``AP Photo``) and the one-paragraph
  summary lines before the byline never reach the body.

AAP racing results (``HRRR_*``, ``NLRR_*``, ``RR_*.tst``) reuse the SOH/US
framing with six header fields: venue, race number(s), correction Y/N, abandoned
Y/N, state, weekday; then preformatted text, sometimes with Pagemasters
typesetting codes (``#qc``, ``#nf``, ``#sfr3/4``) and ``^`` as field separator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from transforms import conventions
from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem
from transforms.formats.text import decode_text, tidy

NAME = "anpa_1312"

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"
BS = "\x08"

# SYN* SOH, then a header line holding a US separator (AP, Kyodo, AAP racing), or a
# second header line with the DC3/DC4 + DC1/DC2 pair before the slug.
_SNIFF = re.compile(
    rb"\A[\s\x16]{0,8}\x01(?:[^\r\n\x1f\x02]{1,40}\x1f"
    rb"|[^\x02]{0,80}?[\r\n]+[a-z] [a-z][\x13\x14][\x11\x12])",
    re.I,
)
_MESSAGE = re.compile(rb"\x16*\x01")
_HEADER2 = re.compile(r"(?P<prio>[A-Za-z]) ?(?P<cat>[A-Za-z])?[\x13\x14][\x11\x12] ?(?P<slugline>[^\r\n]*)")
_SLUGLINE = re.compile(
    r"^(?P<slug>\S+)(?:\s+(?P<version>.*?))?\s+(?P<date>\d{2}-\d{2})(?:\s+(?P<words>\d{1,5}))?\s*$"
)
_AP_TRAILER = re.compile(r"(?P<m>\d{2})-(?P<d>\d{2})-(?P<y>\d{2})\s+(?P<H>\d{2})(?P<M>\d{2})\s*GMT")
_KYODO_TRAILER = re.compile(r"(?P<H>\d{2}):(?P<M>\d{2})-(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{2})")
_EDNOTE = re.compile(
    r"^\(?\s*(?:Eds?\b[:.]|EDITOR'?S NOTE|Editor'?s Note|AP Photos?\b|AP Video\b|AP Audio\b|"
    r"With AP Photos|APNewsNow|Advisory\b)",
)
_BYLINE = re.compile(r"^By\s+(?P<names>.+)$", re.I)
_BYLINE_TITLE = re.compile(r"Associated Press|^AP\b|\b(?:Writer|Correspondent|Editor|Reporter)s?\b")
_AGENCY_NAMES = re.compile(r"^(?:the\s+)?(?:associated press|ap|kyodo(?: news)?|aap)$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_VERSION_IN_SLUG = re.compile(r"(APNewsAlert|\d+(?:st|nd|rd|th)Ld(?:-Writethru)?|Writethru)$")
_TERMINATORS = " \t<="
_ROW_SPACES = str.maketrans({"\x10": " ", "\x1e": " ", "\x1f": " ", "\x0c": ""})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PRIORITY = {"f": 1, "b": 2, "u": 3, "r": 5, "d": 6}
# The header's priority letter as the provider's own priority, in ANPA's order of rank
# (flash, urgent, bulletin, regular, deferred): anpa-1.tst "f" is 1, kyodo.txt "u" is 2.
_RANK = {"f": 1, "u": 2, "b": 3, "r": 4, "d": 5}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TYPESETTING = re.compile(r"#me\d+:|#fu\d+\?\.|#(?:qc|bb|nf)|#sfr")
_LINE_END = re.compile(r"\r\n|\r|\n")
_KEYWORD_LINE = re.compile(r"\^?[A-Z]{2}-")
_KEYWORD_COUNT = re.compile(r",\s*\d+\s*$")
_KYODO_END = re.compile(r"=*\s*Kyodo")
_AAP = re.compile(r"\bAAP\b")


def sniff(data: bytes) -> bool:
    """SYN SYN SOH framing with a US-separated or DC3/DC1 header line."""
    return bool(_SNIFF.match(data[:512]))


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    # split the bytes, so that a rejected message keeps its exact raw bytes
    starts = list(_MESSAGE.finditer(data))
    if not starts:
        raise ParseError("no_items", "no SOH starts a message", format=NAME, source=source)
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        raw = data[match.start():end]
        chunk, _ = decode_text(data[match.end():end])
        try:
            yield _parse_message(chunk)
        except ValueError as exc:
            yield RejectedItem(str(exc), chunk[:80], raw=raw)


def _parse_message(chunk: str) -> ParsedStory:
    first = _LINE_END.split(chunk, maxsplit=1)[0]
    fields = first.split("\x1f")
    if len(fields) == 6 and fields[5].strip().lower() in _WEEKDAYS:
        return _parse_racing(fields, chunk[len(first):])
    return _parse_anpa(chunk)


# --- AP / Kyodo -------------------------------------------------------------------

def _parse_anpa(chunk: str) -> ParsedStory:
    stx = chunk.find(STX)
    if stx < 0:
        raise ValueError("missing_stx")
    header, rest = chunk[:stx], chunk[stx + 1:]
    etx = rest.find(ETX)
    if etx >= 0:
        text, trailer = rest[:etx], rest[etx + 1:].split(EOT, 1)[0]
    else:
        text, trailer = rest.split(EOT, 1)[0], ""
    trailer = trailer.strip(" \t\r\n<=\x0c")

    story = ParsedStory()
    m = _HEADER2.search(header)
    slug_date = None
    if m:
        story.urgency = _PRIORITY.get(m["prio"].lower())
        story.priority = _RANK.get(m["prio"].lower())
        story.category = [m["cat"]] if m["cat"] else []
        sl = _SLUGLINE.match(m["slugline"].strip())
        if sl:
            story.slug = sl["slug"]
            slug_date = sl["date"]
            version = (sl["version"] or "").strip()
            if not version:
                vm = _VERSION_IN_SLUG.search(sl["slug"])
                version = vm.group(1) if vm else ""
            story.version = version or None
        elif m["slugline"].strip():
            story.slug = m["slugline"].split()[0]
    head_upper = header.upper()
    story.provider = _provider(head_upper, trailer, text)
    story.published_at, story.published_raw = _published(trailer)
    zone = conventions.zone_for(story.provider)
    if story.published_at is not None and story.published_at.tzinfo is None and zone:
        # Kyodo's trailer is Tokyo time (KWS-21:37-09-12-18 is 12:37 UTC): transforms/conventions.py
        story.published_at = story.published_at.replace(tzinfo=ZoneInfo(zone))
        story.published_tz_source = "provider_default"
    if story.published_raw is None and slug_date:
        story.published_raw = slug_date

    lines = [ln.rstrip() for ln in _LINE_END.split(text.strip("\r\n"))]
    headline, authors, body_start, keyword_line, notes = _header_block(lines)
    story.headline = headline or (keyword_line or None)
    story.ednote = "\n".join(notes) or None
    keyword = (keyword_line or "").split(",", 1)[0].strip()
    packed = keyword.replace(" ", "")
    if story.slug and len(packed) > len(story.slug) and packed.startswith(story.slug):
        # the header's slug field is the keyword without spaces, cut at 24 characters:
        # "BC-LT--Argentina-CancerB" is "BC-LT--Argentina-Cancer Beauty" (anpa-1.tst),
        # "BC-BBO--BaseballExpanded" is "BC-BBO--Baseball Expanded Glance" (ap_anpa-2.tst)
        story.slug = keyword
    story.authors = authors
    story.body = _body(lines[body_start:])
    if not story.body:
        raise ValueError("no_body")
    return story


def _provider(head_upper: str, trailer: str, text: str) -> str | None:
    if "KYODO" in head_upper or trailer.startswith("KWS"):
        return "kyodo"
    if trailer.startswith("AP-") or "(AP) _" in text or "Associated Press" in text:
        return "ap"
    if _AAP.search(text):
        return "aap"
    return None


def _published(trailer: str) -> tuple[datetime | None, str | None]:
    m = _AP_TRAILER.search(trailer)
    if m:
        try:
            return (datetime(2000 + int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]),
                             tzinfo=UTC), trailer)
        except ValueError:
            return None, trailer
    m = _KYODO_TRAILER.search(trailer)
    if m:
        try:
            return datetime(2000 + int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"])), trailer
        except ValueError:
            return None, trailer
    return None, None


def _strip_marks(line: str) -> str:
    return line.lstrip("^").strip(_TERMINATORS)


def _is_body_start(line: str) -> bool:
    return line.startswith(("\t", BS, "   "))


_EDS_PREFIX = re.compile(r"^\(?\s*(?:Eds?\b[:.]|EDITOR'?S NOTE\s*[:\-_]?|Editor'?s Note\s*[:\-_]?)\s*")


def _header_block(lines: list[str]) -> tuple[str | None, list[str], int, str | None, list[str]]:
    """Headline, authors, index of the first body line, the keyword line and the editor notes."""
    notes: list[str] = []
    i, n = 0, len(lines)
    while i < n and not lines[i].strip():
        i += 1
    keyword_line = None
    if i < n and _KEYWORD_LINE.match(lines[i]) and not _is_body_start(lines[i]):
        keyword_line = _KEYWORD_COUNT.sub("", _strip_marks(lines[i])).rstrip(",") or None
        i += 1
    headline: str | None = None
    authors: list[str] = []
    kept: list[str] = []  # '=' headings before the byline stay in the body (e.g. "All Times EDT")
    while i < n:
        raw = lines[i]
        if not raw.strip():
            i += 1
            continue
        if _is_body_start(raw):
            break
        marked = raw.startswith("^")
        if not marked and headline is not None:
            break
        line = _strip_marks(raw)
        byline = _BYLINE.match(line)
        if byline:
            authors = [a for a in (s.strip() for s in _NAME_SPLIT.split(byline["names"]))
                       if a and not _AGENCY_NAMES.match(a)]
            i += 1
            while i < n and not lines[i].strip():
                i += 1
            if i < n and lines[i].startswith("^") and _BYLINE_TITLE.search(_strip_marks(lines[i])):
                i += 1
            break
        if _EDNOTE.match(line):
            note = _EDS_PREFIX.sub("", line).strip(" )")
            if note:
                notes.append(note)
        elif headline is None:
            headline = line.rstrip("+").strip() or None
        elif raw.rstrip().endswith("="):
            kept.append(raw)
        # any other '<' line before the byline is the short summary: dropped
        i += 1
    if kept:
        lines[i:i] = kept
    return headline, authors, i, keyword_line, notes


def _body(lines: list[str]) -> str | None:
    """Paragraphs separated by blank lines; table rows kept one per line."""
    blocks: list[str] = []
    para: list[str] = []
    rows: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(" ".join(para))
            para.clear()

    def flush_rows() -> None:
        if rows:
            blocks.append("\n".join(rows))
            rows.clear()

    for raw in lines:
        if raw.startswith(BS):
            flush_para()
            # a leading '^' marks the column-heading row of an agate table
            row = _CONTROL.sub("", raw.translate(_ROW_SPACES)).strip().lstrip("^").strip(_TERMINATORS)
            if row:
                rows.append(row)
            continue
        flush_rows()
        line = _CONTROL.sub("", raw.translate(_ROW_SPACES).replace("\t", " "))
        if not line.strip():
            flush_para()
            continue
        if line.startswith(("^", "   ")) or raw.startswith("\t"):
            flush_para()
        ends = line.rstrip().endswith(("<", "="))
        line = _strip_marks(line.strip())
        if _KYODO_END.fullmatch(raw.strip()):  # Kyodo's "==Kyodo" end marker
            continue
        if line:
            para.append(line)
        if ends:
            flush_para()
    flush_para()
    flush_rows()
    return tidy("\n\n".join(blocks))


# --- AAP racing results -----------------------------------------------------------

def _parse_racing(fields: list[str], rest: str) -> ParsedStory:
    venue_field, race, correction, abandoned, state, day = (f.strip() for f in fields)
    venue = venue_field.rsplit(":", 1)[-1].strip() or venue_field
    headline = f"{venue} {'Results' if '-' in race else 'Result'} {race} {day}"
    if abandoned.upper() == "Y":
        headline += " ABANDONED"
    lines = []
    for raw in _LINE_END.split(rest.split(EOT, 1)[0]):
        line = _TYPESETTING.sub(" ", raw).replace("^", " | ")
        lines.append(_CONTROL.sub("", line).rstrip())
    body = tidy("\n".join(lines))
    if not body:
        raise ValueError("no_body")
    return ParsedStory(
        headline=headline,
        body=body,
        provider="aap",
        slug=venue_field,
        version="correction" if correction.upper() == "Y" else None,
        keywords=[k for k in (state, "abandoned" if abandoned.upper() == "Y" else "") if k],
    )
