"""Event feeds and calendars: counted as skipped events, never stories or rejects.

A calendar entry is planning data, not a text story: each event is a
``SkippedItem("non_text:event")`` (one per event, so the run's accounting counts
them by kind), its identifier as ``guid`` and its title in the detail. What
arrives (SOURCES.md sections 6 and 10):

* **iCalendar** (``*.ics``: Google Calendar and Outlook exports). CRLF lines,
  folded with a space or a TAB (Outlook) -- unfolded before reading. Each
  ``VEVENT`` is one event (a recurrence rule is one event, not expanded); a
  ``VTODO`` is ``non_text:task`` and a ``VJOURNAL`` ``non_text:journal``. A
  component whose ``END`` is missing is a ``RejectedItem("malformed_ical")``;
  the others go on.
* **Onclusive** events API JSON: one object or an array of objects with
  ``itemId``, ``startDate`` and ``timezone``/``venue``/``organisationName``.
* **NTB** news calendar XML: a flat ``<document>`` (``ntbId``, ``timeStart``,
  ``service`` ``newscalendar``) or an events-API page ``<result numResults=..>``
  of ``<document>``s.
* **NIFS** football JSON: an array of matches (``homeTeam``, ``awayTeam``,
  ``timestamp``).
* **A calendar exported as CSV** (Outlook's columns ``Subject``, ``Start Date``
  and one of ``End Date``/``All day event``/``Start Time``; aap
  ``abs-calendar.txt``, the ABS release calendar, with a UTF-8 BOM): each row is
  one event.
* **AAP sports API** XML: ``<Response Status_Code=..>`` with a ``Fixture_List``
  (cricket ``Match``es, golf ``Event``s) or ``Fixtures`` (soccer ``Match``es): each
  fixture is one event.

A record of a multi-event file that is not an event of that feed (a JSON value
that is not an object) is a ``RejectedItem``; the rest of the file goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

from transforms.formats.base import Item, ParseError, RejectedItem, SkippedItem
from transforms.formats.jsonwire import json_head_keys, loads_text
from transforms.formats.text import decode_text, looks_binary, tidy
from transforms.formats.xmlsafe import children, localname, parse_xml, root_name

NAME = "events"

EVENT = "non_text:event"
_SNIFF_BYTES = 8192

# --------------------------------------------------------------------------- sniff

_ONCLUSIVE_KEYS = frozenset({"itemId", "startDate", "endDate", "timezone", "venue", "organisationName",
                             "tbcTime", "eventConfirmed"})
_NIFS_KEYS = frozenset({"homeTeam", "awayTeam", "timestamp", "matchStatusId", "result", "round"})


def _ics(data: bytes) -> bool:
    return data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR")


def _json_kind(data: bytes) -> str | None:
    found = json_head_keys(data)
    if found is None:
        return None
    first, keys = found
    record = keys.get(1 if first == 0x7B else 2, set())
    if len(record & _ONCLUSIVE_KEYS) >= 3 and "itemId" in record and "startDate" in record:
        return "onclusive"
    if {"homeTeam", "awayTeam"} <= record and record & {"timestamp", "matchStatusId"}:
        return "nifs"
    return None


def _xml_kind(data: bytes) -> str | None:
    name = root_name(data)
    head = data[:_SNIFF_BYTES]
    if name == "document" and (b"<service>newscalendar</service>" in head
                               or (b"<ntbId>" in head and b"<timeStart>" in head)):
        return "ntb"
    if name == "result" and b"<document>" in head and b"newscalendar" in head:
        return "ntb"
    if name == "Response" and b"Status_Code=" in head and (b"<Fixture_List" in head or b"<Fixtures" in head):
        return "aap_sports"
    return None


# A calendar exported as CSV: its header row names these columns (case aside).
_CALENDAR_COLUMNS = frozenset({"subject", "start date"})
_CALENDAR_ANY = frozenset({"end date", "all day event", "start time"})


def _csv_calendar(data: bytes) -> bool:
    first = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    header = {c.strip().strip('"').lower() for c in first.decode("utf-8", "replace").split(",")}
    return header >= _CALENDAR_COLUMNS and bool(header & _CALENDAR_ANY)


def sniff(data: bytes) -> bool:
    """An iCalendar text, a calendar CSV, or the JSON/XML of a known event feed (see above)."""
    if _ics(data) or _csv_calendar(data):
        return True
    lead = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if lead in (b"{", b"["):
        return _json_kind(data) is not None
    if lead == b"<":
        return _xml_kind(data) is not None
    return False


# ------------------------------------------------------------------------ iCalendar

_COMPONENT_KIND = {"VEVENT": EVENT, "VTODO": "non_text:task", "VJOURNAL": "non_text:journal"}


def unfold(text: str) -> list[str]:
    """RFC 5545 lines: a line starting with a space or a TAB continues the previous one."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line[:1] in (" ", "\t") and out:
            out[-1] += line[1:]
        else:
            out.append(line)
    return [line for line in out if line.strip()]


def _ical_value(line: str) -> tuple[str, str]:
    """``NAME;PARAM=..:value`` -> (NAME, value) with the text escapes undone."""
    head, _, value = line.partition(":")
    name = head.split(";", 1)[0].strip().upper()
    value = re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return name, value


def _ical(data: bytes, source: str) -> Iterator[Item]:
    text, _ = decode_text(data)
    lines = unfold(text.lstrip("\ufeff"))
    if not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        raise ParseError("malformed_ical", "does not start with BEGIN:VCALENDAR", format=NAME, source=source)
    stack: list[tuple[str, dict[str, str], int]] = []
    for n, line in enumerate(lines):
        name, value = _ical_value(line)
        if name == "BEGIN":
            comp = value.strip().upper()
            if comp in _COMPONENT_KIND and stack and stack[-1][0] in _COMPONENT_KIND:
                # a component inside an unterminated one: that one is broken
                broken = stack.pop()
                yield RejectedItem("malformed_ical", f"{broken[0]} at line {broken[2] + 1} has no END",
                                   raw="\n".join(lines[broken[2]:n]).encode("utf-8"))
            stack.append((comp, {}, n))
        elif name == "END":
            comp = value.strip().upper()
            if stack and stack[-1][0] == comp:
                kind, props, _ = stack.pop()
                if kind in _COMPONENT_KIND:
                    yield SkippedItem(_COMPONENT_KIND[kind], guid=props.get("UID") or None,
                                      detail=tidy(props.get("SUMMARY") or "") or "")
        elif stack and name not in stack[-1][1]:
            stack[-1][1][name] = value.strip()
    for comp, _, start in stack:
        if comp in _COMPONENT_KIND:
            yield RejectedItem("malformed_ical", f"{comp} at line {start + 1} has no END",
                               raw="\n".join(lines[start:]).encode("utf-8"))


# -------------------------------------------------------------------------- JSON


def _json_records(data: bytes, source: str) -> list:
    text, _ = decode_text(data)
    try:
        doc = loads_text(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise ParseError("malformed_json", str(exc), format=NAME, source=source) from None
    return doc if isinstance(doc, list) else [doc]


def _onclusive(data: bytes, source: str) -> Iterator[Item]:
    for rec in _json_records(data, source):
        if not isinstance(rec, dict) or "itemId" not in rec:
            yield RejectedItem("not_an_event", "an Onclusive record without itemId",
                               raw=json.dumps(rec, ensure_ascii=False).encode("utf-8"))
            continue
        title = rec.get("description") or rec.get("summary") or ""
        yield SkippedItem(EVENT, guid=str(rec["itemId"]), detail=tidy(str(title)) or "")


def _nifs(data: bytes, source: str) -> Iterator[Item]:
    for rec in _json_records(data, source):
        if not isinstance(rec, dict) or not ({"homeTeam", "awayTeam"} <= rec.keys() or "name" in rec):
            yield RejectedItem("not_an_event", "a NIFS record that is not a match",
                               raw=json.dumps(rec, ensure_ascii=False).encode("utf-8"))
            continue
        guid = rec.get("uid") or rec.get("id")
        yield SkippedItem(EVENT, guid=str(guid) if guid is not None else None,
                          detail=tidy(str(rec.get("name") or "")) or "")


# --------------------------------------------------------------------------- XML


def _child_text(el, name: str) -> str | None:
    for c in children(el, name):
        text = tidy("".join(c.itertext()))
        if text:
            return text
    return None


def _ntb(data: bytes, source: str) -> Iterator[Item]:
    root = parse_xml(data, format=NAME, source=source)
    docs = [root] if localname(root) == "document" else children(root, "document")
    if not docs:
        raise ParseError("no_items", "an NTB calendar page without <document>", format=NAME, source=source)
    for doc in docs:
        yield SkippedItem(EVENT, guid=_child_text(doc, "ntbId") or _child_text(doc, "id"),
                          detail=_child_text(doc, "title") or "")


def _aap_sports(data: bytes, source: str) -> Iterator[Item]:
    root = parse_xml(data, format=NAME, source=source)
    found = False
    for el in root.iter():
        if not isinstance(el.tag, str) or localname(el) not in ("Match", "Event"):
            continue
        parent = el.getparent()
        if parent is None or localname(parent) not in ("Competition_Fixtures", "Comp_Fixtures", "Fixtures",
                                                        "Matches", "Fixture_List", "Round"):
            continue
        found = True
        guid = el.get("Match_ID") or el.get("Event_ID") or el.get("ID")
        yield SkippedItem(EVENT, guid=guid, detail="AAP sports fixture")
    if not found:
        raise ParseError("no_items", "an AAP sports response without fixtures", format=NAME, source=source)


# ---------------------------------------------------------------------- calendar CSV


def _calendar_csv(data: bytes, source: str) -> Iterator[Item]:
    text, _ = decode_text(data)
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        title = next((v for k, v in row.items() if k and k.strip().lower() == "subject"), None) or ""
        yield SkippedItem(EVENT, guid=None, detail=f"calendar row: {tidy(title)[:80]}")


# ------------------------------------------------------------------------- parse


def parse(data: bytes, source: str) -> Iterator[Item]:
    if not data.strip():
        raise ParseError("empty_input", format=NAME, source=source)
    if looks_binary(data):
        raise ParseError("binary_content", "not text", format=NAME, source=source)
    if _ics(data):
        yield from _ical(data, source)
        return
    if _csv_calendar(data):
        yield from _calendar_csv(data, source)
        return
    kind = _json_kind(data) or _xml_kind(data)
    readers = {"onclusive": _onclusive, "nifs": _nifs, "ntb": _ntb, "aap_sports": _aap_sports}
    if kind is None:
        raise ParseError("not_events", "not a known event feed", format=NAME, source=source)
    yield from readers[kind](data, source)
