"""News stories as CSV rows: research datasets of wire copy (SOURCES.md sections 7 and 8).

Two dialects, told apart by the first line:

* **AG's News** (``ag_news_csv/test.csv``): no header; every row is
  ``"<class>","<title>","<description>"`` with ``""`` escaping and LF ends::

      "3","Wall St. Bears Claw Back Into the Black (Reuters)","Reuters - Short-sellers, ..."

  The class index is one of ``classes.txt`` (1 World, 2 Sports, 3 Business,
  4 Sci/Tech) and goes to ``subjects`` as its name. The title carries its source
  in trailing parentheses: ``(AP)``, ``(Reuters)``, ``(AFP)``, ``(Canadian
  Press)`` set ``provider`` (``ap``, ``reuters``, ``afp``, ``canadian_press``)
  and are removed from the headline; other tags (``(SPACE.com)``,
  ``(Update1)``) stay. The crawler turned line breaks into a bare backslash
  (``A second\\team of rocketeers``): this dialect's backslashes are read back as
  spaces here, since a generic clean-up cannot tell them from real backslashes.
  Its broken entities (``#36;`` for ``$``, ``#39;`` for ``'``) and escaped HTML
  (``&lt;TXN.N&gt;``) are left as they are: the normalizer fixes those.
* **A header row** naming a title column (``title``/``headline``) and a text
  column (``text``/``body``/``description``/``content``/``article``), e.g. the ISOT
  fake-news ``True.csv`` (``title,text,subject,date``, CRLF ends). Optional
  columns: a date, ``subject``/``category``, ``author``, ``url``, ``id``/``guid``,
  ``language``.

Every CSV row is one item, in order; a row with the wrong number of fields,
no title and no text, or one the csv module cannot read, is a
:class:`RejectedItem` and the rest of the file goes on. Blank lines are not rows.

Provider: from the title tag (AG's News) or from an agency credit at the start
of the text (``WASHINGTON (Reuters) - ...``, ``AP - ...``); ``None`` when the
content names no agency (26 ISOT rows are tweets or statements; ISOT's
``Fake.csv`` has the same header and is not Reuters copy). Neither dialect has
guids: ``guid`` stays ``None`` unless an id column exists (the row number is
never used as an id). ``language`` is ``en`` for AG's News and ISOT-shaped
files, else taken from a language column.

Zone policy: ISOT dates are a day without a time (``"December 31, 2017 "``,
note the trailing space). They are kept as naive midnight and flagged
``published_tz_source="date_only"`` so that the 00:00 is never read as a
time; ``published_raw`` keeps the text. ISO-8601 dates with an offset (generic
files) are aware; without one they are naive (taken as UTC, ``assumed``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime

from transforms.formats.base import Item, ParsedStory, ParseError, RejectedItem
from transforms.formats.text import corrupt_bytes, decode_text, skip_corrupt_lines

NAME = "news_csv"

_AG_FIRST_LINE = re.compile(rb'\A"[1-9]\d?","(?:[^"\r\n]|"")*","(?:[^"\r\n]|"")*"\r?(?:\n|\Z)')
_AG_CLASSES = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
_ISOT_HEADER = ("title", "text", "subject", "date")

_TITLE_COLS = ("title", "headline")
_TEXT_COLS = ("text", "body", "description", "content", "article", "article_text", "body_text")
_DATE_COLS = ("date", "published", "published_at", "publish_date", "pubdate", "pub_date",
              "date_publish", "datetime", "timestamp")
_SUBJECT_COLS = ("subject", "category", "section", "topic")
_AUTHOR_COLS = ("author", "authors", "byline")
_URL_COLS = ("url", "link")
_GUID_COLS = ("id", "guid", "uuid")
_LANG_COLS = ("language", "lang")
# Column names, also pandas' unnamed index column ("" or "Unnamed: 0").
_HEADER_NAME = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_ .:-]{0,40})?$")

_AGENCIES = {"reuters": "reuters", "ap": "ap", "afp": "afp", "canadian press": "canadian_press",
             "bloomberg": "bloomberg"}
_TITLE_TAG = re.compile(r"\s*\((Reuters|AP|AFP|Canadian Press)\)\s*$")
# The agency credit near the start of the text: "WASHINGTON (Reuters) - ", "Reuters - ",
# "AP - ", "(Bloomberg) -- "; ISOT corrections put a note first:
# "(Corrects paragraph 7 ...) HAVANA (Reuters) - ".
_TEXT_CREDIT = re.compile(r"\((Reuters|AP|AFP|Canadian Press|Bloomberg)\)\s*-")
_TEXT_LEAD_CREDIT = re.compile(r"^\s*(Reuters|AP|AFP|Canadian Press)\s+-\s")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d-%b-%y", "%Y-%m-%d")


def _head(data: bytes) -> bytes:
    """The first 4 KiB, without a UTF-8 BOM."""
    return data[3:4099] if data.startswith(b"\xef\xbb\xbf") else data[:4096]


def _ag_head(head: bytes) -> bool:
    """An AG's News first row, possibly after damaged lines (NUL or stray control
    bytes: a zeroed block at the start of a headerless file loses those rows only)."""
    return bool(_AG_FIRST_LINE.match(head) or _AG_FIRST_LINE.match(head[skip_corrupt_lines(head):]))


def _first_line(head: bytes) -> bytes:
    return head.split(b"\n", 1)[0].rstrip(b"\r")


def _header(line: bytes) -> list[str] | None:
    """The normalized column names if ``line`` reads as a news CSV header."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "," not in text:
        return None
    try:
        names = next(csv.reader([text]))
    except (csv.Error, StopIteration):
        return None
    names = [n.strip().lower() for n in names]
    if not all(_HEADER_NAME.match(n) for n in names):
        return None
    if not any(n in _TITLE_COLS for n in names) or not any(n in _TEXT_COLS for n in names):
        return None
    return names


def headerless(data: bytes) -> bool:
    """The file is AG's News rows without a header (else its first line is the header)."""
    return _ag_head(_head(data))


def sniff(data: bytes) -> bool:
    """An AG's News first row (``"<digit>","...","..."``) or a title/text header row."""
    head = _head(data)
    return _ag_head(head) or _header(_first_line(head)) is not None


def _agency(name: str | None) -> str | None:
    return _AGENCIES.get(name.lower()) if name else None


def _provider_from_text(text: str | None) -> str | None:
    if not text:
        return None
    m = _TEXT_LEAD_CREDIT.match(text) or _TEXT_CREDIT.search(text, 0, 300)
    return _agency(m.group(1)) if m else None


def _published(raw: str | None) -> tuple[datetime | None, str | None]:
    value = (raw or "").strip()
    if not value:
        return None, None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt), "date_only"
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None, None
    return parsed, ("source" if parsed.tzinfo else "assumed")


def _raw_row(row: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue().encode("utf-8")


def _ag_story(row: list[str]) -> Item:
    if len(row) != 3:
        return RejectedItem("bad_row_shape", f"AG's News row has {len(row)} fields, expected 3",
                            raw=_raw_row(row))
    label, title, description = (field.strip() for field in row)
    # A backslash stands for a line break of the original description.
    body = " ".join(description.replace("\\", " ").split()) or None
    title = " ".join(title.replace("\\", " ").split())
    if not title and not body:
        return RejectedItem("empty_row", "no title and no description", raw=_raw_row(row))
    tag = _TITLE_TAG.search(title)
    provider = _agency(tag.group(1)) if tag else _provider_from_text(body)
    headline = (title[:tag.start()] if tag else title) or None
    subject = _AG_CLASSES.get(label)
    return ParsedStory(headline=headline, body=body, provider=provider, language="en",
                       subjects=[subject] if subject else [])


def _column(names: list[str], choices: tuple[str, ...]) -> int | None:
    for choice in choices:
        if choice in names:
            return names.index(choice)
    return None


class _HeaderDialect:
    """Column positions of a headered news CSV."""

    def __init__(self, names: list[str]) -> None:
        self.width = len(names)
        self.title = _column(names, _TITLE_COLS)
        self.text = _column(names, _TEXT_COLS)
        self.date = _column(names, _DATE_COLS)
        self.subject = _column(names, _SUBJECT_COLS)
        self.author = _column(names, _AUTHOR_COLS)
        self.url = _column(names, _URL_COLS)
        self.guid = _column(names, _GUID_COLS)
        self.lang = _column(names, _LANG_COLS)
        self.language = "en" if tuple(names) == _ISOT_HEADER else None

    def story(self, row: list[str]) -> Item:
        if len(row) != self.width:
            return RejectedItem("bad_row_shape", f"row has {len(row)} fields, the header {self.width}",
                                raw=_raw_row(row))

        def get(index: int | None) -> str | None:
            return (row[index].strip() or None) if index is not None else None

        headline = " ".join(get(self.title).split()) if get(self.title) else None
        body = get(self.text)
        if not headline and not body:
            return RejectedItem("empty_row", "no title and no text", raw=_raw_row(row))
        published_raw = row[self.date] if self.date is not None and row[self.date].strip() else None
        published_at, tz_source = _published(published_raw)
        author = get(self.author)
        subject = get(self.subject)
        return ParsedStory(
            headline=headline,
            body=body,
            guid=get(self.guid),
            provider=_provider_from_text(body),
            published_at=published_at,
            published_raw=published_raw,
            published_tz_source=tz_source,
            authors=[a.strip() for a in re.split(r"\s*(?:;|\band\b)\s*", author) if a.strip()]
            if author else [],
            language=(get(self.lang) or "").lower() or self.language,
            url=get(self.url),
            subjects=[subject] if subject else [],
        )


class _Lines:
    """The lines fed to ``csv.reader``, remembering those of the current row so that
    the lines after the first of a broken row can be read again."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._back: list[str] = []
        self.row: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.pop() if self._back else next(self._lines)
        self.row.append(line)
        return line

    def again(self, lines: list[str]) -> None:
        self._back.extend(reversed(lines))


def _rows(lines: Iterator[str]) -> Iterator[list[str] | tuple[csv.Error, str]]:
    """CSV rows; a row the csv module cannot read comes out as its ``csv.Error`` with
    the first line of that row.

    After an error (a stray quote, an unterminated one, a field over the csv
    module's 128 KiB limit) reading starts again at the line after the broken
    row's first line: an unterminated quote costs its row, not the rows the quote
    ran over (the limit bounds how far it runs). ``lines`` keep their line ends.
    """
    src = _Lines(lines)
    reader = csv.reader(src, strict=True)
    while True:
        src.row = []
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            first, rest = (src.row[0], src.row[1:]) if src.row else ("", [])
            yield err, first
            if rest:
                src.again(rest)
                reader = csv.reader(src, strict=True)


def parse(data: bytes, source: str) -> Iterator[Item]:
    """Every row of a news CSV, in order (see the module docstring)."""
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    text, _ = decode_text(data)
    head = text[:4096].encode("utf-8")
    dialect: _HeaderDialect | None = None
    if not _ag_head(head):
        names = _header(_first_line(head))
        if names is None:
            raise ParseError("no_header", "first line is neither an AG's News row nor a "
                             "title/text header", format=NAME, source=source)
        dialect = _HeaderDialect(names)
    rows = _rows(iter(io.StringIO(text, newline="")))
    if dialect is not None:
        next(rows)  # the header
    # Rows with NUL or stray control bytes are damaged (a zeroed block): each is a
    # reject. Looked for row by row only when the text holds such a byte at all.
    damaged = corrupt_bytes(text.encode("utf-8")) is not None
    count = 0
    for row in rows:
        if isinstance(row, tuple):
            count += 1
            err, line = row
            damage = corrupt_bytes(line.encode("utf-8")) if damaged else None
            yield RejectedItem("control_bytes" if damage else "malformed_csv", damage or str(err),
                               raw=line.encode("utf-8"))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        count += 1
        damage = corrupt_bytes(_raw_row(row)) if damaged else None
        if damage:
            yield RejectedItem("control_bytes", damage, raw=_raw_row(row))
            continue
        yield _ag_story(row) if dialect is None else dialect.story(row)
    if count == 0:
        raise ParseError("no_items", "the CSV has no data rows", format=NAME, source=source)
