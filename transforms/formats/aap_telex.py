"""AAP telex-framed text: ``ZCZC`` ... ``NNNN`` messages (superdesk-aap ``.tst`` files).

Each message opens with a ``ZCZC [service]`` line and ends with ``NNNN`` (optional:
the next ZCZC or the end of the input also ends it); a file may hold several and
each is one item. After the ZCZC line come header lines, each led by a one-char
code, then the text::

    ZCZC AAP
    %A                        <- service level / priority codes (ignored)
    #Legionella_BC1           <- slug
    $Legionella found in ...  <- one char: category; longer: the headline (BOB dialect)
    :(BRISBANE)               <- keyword / take key (slug when there is no '#')
    =Round 23                 <- take key (ignored)
    ^AFL: AFL Round 23 ...    <- headline
    *X | *T | *07000000       <- text / tabular layout, or an IPTC subject code
    +15039001                 <- IPTC subject code
    &A  @QLD  ~AM Service     <- service level (ignored), place, genre
    Legionella bacteria ...   <- text up to NNNN

Dialects seen in the corpus (SOURCES.md section 6):

* racing feeds (``ZCZC FMG000``: a service other than AAP) put a routing line
  (``YY RFG TDR``, ``HH TDCom``) first; their headline is a ``:`` line (``:POTTED :Eagle Farm MARKET DAY``) or
  the first text line;
* Pagemasters files (``Caulfield RA - Betting - Sat 11 Feb, 2017.tst``) start
  with a CR, use CR-only line ends and give ``#slug`` + ``:take`` (sometimes a date);
* News Bites (lowercase ``zczc`` in ``AAP201606060716291.tst``) uses tagged
  lines ``AN#`` id, ``PD#`` date, ``TI#`` title, ``BY#`` byline, ``KY#`` keywords,
  ``TX#`` then the text; it is cp1252 (0x92 apostrophes) and its ``PD#`` date has
  no zone (kept naive: taken as UTC, flagged ``assumed``).

Tabular text (``*T``) and hard-wrapped text keep their line breaks; unwrapped
text (long lines) gets one paragraph per line. Sign-offs (``AAP RTV``) stay for
the generic clean-up. Pagemasters typesetting debris (``^O``/``^Y`` controls) is
dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem
from transforms.formats.text import decode_text, tidy

NAME = "aap_telex"

_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?\s{0,64}zczc(?:[ \t][^\r\n]{0,40})?[\r\n]", re.I)
_START = re.compile(rb"(?:^|(?<=\r))(?:\xef\xbb\xbf)?[ \t]*zczc\b(?P<service>[^\r\n]*)", re.I | re.M)
_END = re.compile(rb"(?:^|(?<=\r))[ \t]*NNNN[ \t]*(?=[\r\n]|\Z)", re.M)
_HEADER_CODES = "%$#:=^*&+@~"
_ROUTING = re.compile(r"^[A-Z]{2}(?:\s+[A-Za-z0-9()]+)+\s*$")
_TAGGED = re.compile(r"^(?P<tag>[A-Z]{2})#(?P<value>.*)$")
_SUBJECT = re.compile(r"^\d{8}$")
_DATE_ONLY = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_AAP = re.compile(r"\bAAP\b")
_NON_WORD = re.compile(r"\W+")
_TYPESET_END = re.compile(r"\s*[<=]!?\s*$")
_MAX_HEADLINE = 120
_WRAPPED = 90  # text whose lines never exceed this is hard-wrapped or tabular


def sniff(data: bytes) -> bool:
    """The first non-blank line is ``ZCZC`` (any case), alone or with a service id."""
    return bool(_SNIFF.match(data[:256]))


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    # split the bytes (line starts after LF or a bare CR: Pagemasters files use CR
    # only), so that a rejected message keeps its exact raw bytes
    starts = list(_START.finditer(data))
    if not starts:
        raise ParseError("no_items", "no ZCZC line starts a message", format=NAME, source=source)
    for i, start in enumerate(starts):
        limit = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        end = _END.search(data, start.end(), limit)
        raw = data[start.start():end.end() if end else limit]
        service = start["service"].decode("latin-1").strip()
        text, _ = decode_text(data[start.end():end.start() if end else limit])
        try:
            yield _parse_message(service, text.replace("\r\n", "\n").replace("\r", "\n"))
        except ValueError as exc:
            yield RejectedItem(str(exc), text.strip()[:80], raw=raw)


def _parse_message(service: str, message: str) -> ParsedStory:
    lines = [_CONTROL.sub("", ln).rstrip() for ln in message.split("\n")]
    first = next((ln for ln in lines if ln.strip()), "")
    if _TAGGED.match(first):
        return _parse_tagged(lines)

    story = ParsedStory()
    # only the racing feeds (ZCZC FMG000) send a routing line first; AAP's own news
    # service (ZCZC AAP) and Pagemasters (bare ZCZC) start with header codes or text
    routed = bool(service) and service.upper() != "AAP"
    fields: dict[str, list[str]] = {}
    i, n = 0, len(lines)
    seen_header = False
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line[0] in _HEADER_CODES and len(line) <= 160:
            fields.setdefault(line[0], []).append(line[1:].strip())
        elif routed and not seen_header and _ROUTING.match(line):
            pass  # racing routing codes (YY RFG TDR)
        else:
            break
        seen_header = True
        i += 1
    text_lines = lines[i:]

    slug = _first(fields.get("#")) or _first(fields.get(":"))
    story.slug = slug
    story.subjects = [f"subj:{v}" for v in fields.get("+", []) + fields.get("*", []) if _SUBJECT.match(v)]
    headline = _first(fields.get("^")) or _first([v for v in fields.get("$", []) if len(v) > 2])
    if not headline and fields.get("#"):
        take = _first([v for v in fields.get(":", []) if not _DATE_ONLY.match(v)])
        hash_slug = _first(fields["#"]) or ""
        headline = take if take and take.startswith(hash_slug) else " ".join(x for x in (hash_slug, take) if x)
    if not headline:
        colon = _first(fields.get(":"))
        if colon and not _DATE_ONLY.match(colon):
            headline = colon.rsplit(" :", 1)[-1].strip()
    if not headline:
        k = next((j for j, ln in enumerate(text_lines) if ln.strip()), None)
        if k is not None:
            candidate = text_lines[k]
            if len(candidate) <= _MAX_HEADLINE and not candidate[:1].isspace():
                headline = _TYPESET_END.sub("", candidate).strip()
                text_lines = text_lines[k + 1:]
    story.headline = headline or None
    # "$T": a one-letter '$' line is the ANPA category; '@QLD' the place; '~AM Service' the genre
    story.category = [v for v in fields.get("$", []) if len(v) == 1]
    story.place = [v for v in fields.get("@", []) if v]
    story.genre = [v for v in fields.get("~", []) if v]

    tabular = "T" in fields.get("*", [])
    story.body = _body(text_lines, tabular)
    if not story.body:
        raise ValueError("no_body")
    if service.upper() == "AAP" or _AAP.search(message):
        story.provider = "aap"
    return story


def _first(values: list[str] | None) -> str | None:
    return next((v for v in values or [] if v), None)


def _body(lines: list[str], tabular: bool) -> str | None:
    if not tabular and any(len(ln) > _WRAPPED for ln in lines):
        return tidy("\n\n".join(ln for ln in lines if ln.strip()))
    return tidy("\n".join(lines))


def _parse_tagged(lines: list[str]) -> ParsedStory:
    """News Bites: ``XX#value`` lines up to ``TX#``, then the text."""
    tags: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _TAGGED.match(lines[i])
        if m is None and lines[i].strip():
            break
        if m:
            tags.setdefault(m["tag"], m["value"].strip())
            if m["tag"] == "TX":
                i += 1
                break
        i += 1
    text = ([tags["TX"]] if tags.get("TX") else []) + lines[i:]
    body = _body(text, tabular=False)
    if not body:
        raise ValueError("no_body")
    story = ParsedStory(
        headline=tags.get("TI") or None,
        body=body,
        guid=tags.get("AN") or None,
        authors=[tags["BY"]] if tags.get("BY") else [],
        keywords=tags.get("KY", "").split(),
    )
    source_name = tags.get("KN", "")
    if source_name:
        story.provider = _NON_WORD.sub("", source_name.lower()) or None
    if tags.get("PD"):
        story.published_raw = tags["PD"]
        try:
            story.published_at = datetime.strptime(tags["PD"], "%d %B %Y %H:%M:%S")
        except ValueError:
            story.published_at = None
    return story
