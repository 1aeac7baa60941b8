"""One raw file to parsed rows, skips and rejects: containers, detection, parsing.

Pure: bytes in (plus the URI they came from), plain records out. The flow
calls :func:`extract_file` once per raw object and never loses an item: every
item found is a parsed story, a skip or a reject, and ``items_in`` counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import polars as pl

from transforms.formats import ParsedStory, ParseError, RejectedItem, SkippedItem, by_name, detect
from transforms.reading import containers
from transforms.reading.records import story_row

REJECT_RAW_LIMIT = 1024 * 1024  # bytes of a rejected input kept in rejects/


@dataclass
class FileResult:
    """What one raw object gave."""

    source_uri: str
    items_in: int = 0
    rows: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # by reason
    skipped_formats: Counter = field(default_factory=Counter)  # by source format
    formats: Counter = field(default_factory=Counter)  # members read per format
    # With ``flush``, parsed rows are handed over every ``flush_rows`` rows (and at
    # the end) instead of piling up: a large export is never held as dicts at once.
    flush: Callable[[list[dict]], None] | None = field(default=None, repr=False, compare=False)
    flush_rows: int = 0

    def add_row(self, row: dict) -> None:
        self.rows.append(row)
        if self.flush is not None and len(self.rows) >= self.flush_rows:
            self.flush_pending()

    def flush_pending(self) -> None:
        if self.flush is not None and self.rows:
            rows, self.rows = self.rows, []
            self.flush(rows)


def _reject(result: FileResult, uri: str, reason: str, detail: str, raw: bytes,
            fmt: str | None) -> None:
    result.items_in += 1
    result.rejects.append({
        "raw_uri": uri, "source_format": fmt, "reason": reason, "detail": detail[:2000],
        "raw_size": len(raw), "raw": raw[:REJECT_RAW_LIMIT], "_source_uri": result.source_uri,
    })


def _parse_member(result: FileResult, name: str, data: bytes, parser: ModuleType | None) -> None:
    try:
        chosen = parser or detect(data, name)
    except ParseError as err:
        _reject(result, f"{name}#0", err.reason, err.detail, data, None)
        return
    fmt = chosen.NAME
    result.formats[fmt] += 1
    index = -1
    try:
        for index, item in enumerate(chosen.parse(data, name)):
            uri = f"{name}#{index}"
            if isinstance(item, ParsedStory):
                result.items_in += 1
                row = story_row(item, fmt, uri)
                row["_source_uri"] = result.source_uri
                result.add_row(row)
            elif isinstance(item, SkippedItem):
                result.items_in += 1
                result.skipped[item.reason] += 1
                result.skipped_formats[fmt] += 1
            elif isinstance(item, RejectedItem):
                _reject(result, uri, item.reason, item.detail, item.raw, fmt)
            else:  # a parser bug, not bad input: fail loudly
                raise TypeError(f"{fmt} yielded {type(item).__name__}")
    except ParseError as err:
        # The items read before the error stay; the rest of the input is one reject.
        _reject(result, f"{name}#{index + 1}", err.reason, err.detail, data, fmt)
        return
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run
        # Not bad input but a bug: it is still quarantined with its bytes, and
        # the corpus tests assert that this reason never occurs.
        _reject(result, f"{name}#{index + 1}", "parser_error",
                f"{fmt} raised {type(exc).__name__}: {exc}", data, fmt)
        return
    if index < 0:
        _reject(result, f"{name}#0", "no_items", f"{fmt} found no item in the input", data, fmt)


def extract_file(data: bytes, uri: str, forced_format: str | None = None,
                 flush: Callable[[list[dict]], None] | None = None, flush_rows: int = 10_000) -> FileResult:
    """Unpack, detect and parse one raw object. ``forced_format`` skips detection.

    With ``flush``, parsed rows go to it in chunks of ``flush_rows`` (the
    result's ``rows`` stays empty); the accounting is the same."""
    result = FileResult(uri, flush=flush, flush_rows=flush_rows)
    parser = by_name(forced_format) if forced_format else None
    for member in containers.unpack(data, uri):
        if isinstance(member, containers.BadMember):
            _reject(result, f"{member.name}#0", member.reason, member.detail, member.raw, None)
        else:
            _parse_member(result, member.name, member.data, parser)
    result.flush_pending()
    result.flush = None
    return result


def from_sources(raw_uris: pl.Series, sources: set[str] | list[str]) -> pl.Series:
    """Which items (by ``raw_uri``: ``<object uri>#<n>``, or ``<object uri>!<member>#<n>``
    for an archive member) were read from one of the raw objects ``sources``."""
    sources = set(sources)
    if not sources or raw_uris.len() == 0:
        return pl.Series(raw_uris.name, [False] * raw_uris.len(), dtype=pl.Boolean)
    base = raw_uris.str.replace(r"#\d+$", "")
    hit = base.is_in(pl.Series(list(sources), dtype=pl.String).implode())
    members = base.filter(~hit & base.str.contains("!", literal=True)).unique()
    # an archive member: its object is the part before one of its "!" (an object's
    # own name may hold a "!" too, so each cut is tried)
    inside = [m for m in members.to_list()
              if any(m[:i] in sources for i, ch in enumerate(m) if ch == "!")]
    if inside:
        hit = hit | base.is_in(pl.Series(inside, dtype=pl.String).implode())
    return hit.alias(raw_uris.name)
