"""One raw file to parsed rows, skips and rejects: containers, detection, parsing.

Pure: bytes in (plus the URI they came from), plain records out. The flow
calls :func:`extract_file` once per raw object and never loses an item: every
item found is a parsed story, a skip or a reject, and ``items_in`` counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType

import polars as pl

from transforms.formats import ParsedStory, ParseError, RejectedItem, SkippedItem, by_name, detect
from transforms.reading import containers, pieces
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
    # A file read in parts (``extract_stream``'s ``part``): which (k of n), and the
    # number following each piece's items as this part found it (parsed or counted).
    part: tuple[int, int] | None = None
    ends: list[int] = field(default_factory=list, repr=False)

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
    result.formats[chosen.NAME] += 1
    if _parse_items(result, name, data, chosen, 0) == 0:
        _reject(result, f"{name}#0", "no_items", f"{chosen.NAME} found no item in the input", data,
                chosen.NAME)


def _parse_items(result: FileResult, name: str, data: bytes, chosen: ModuleType, first: int) -> int:
    """Parse ``data`` with ``chosen``, numbering its items from ``first``; the number
    after the last item (``first`` when there was none)."""
    fmt = chosen.NAME
    index = first - 1
    try:
        for index, item in enumerate(chosen.parse(data, name), first):
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
        return index + 2
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run
        # Not bad input but a bug: it is still quarantined with its bytes, and
        # the corpus tests assert that this reason never occurs.
        _reject(result, f"{name}#{index + 1}", "parser_error",
                f"{fmt} raised {type(exc).__name__}: {exc}", data, fmt)
        return index + 2
    return index + 1


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


STREAM_DECOMPRESS_LIMIT = 256 * containers.MAX_MEMBER_BYTES  # 64 GiB out of one compressed object


class _Peek:
    """An iterator of chunks whose first bytes can be looked at before it is read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._held: list[bytes] = []

    def peek(self, n: int) -> bytes:
        have = sum(len(c) for c in self._held)
        while have < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._held.append(chunk)
            have += len(chunk)
        return b"".join(self._held)[:n]

    def __iter__(self) -> Iterator[bytes]:
        while self._held:
            yield self._held.pop(0)
        yield from self._chunks


def _inner_head(k: str, raw_head: bytes) -> bytes:
    """The first decompressed bytes of a gzip/xz/bzip2 stream whose first bytes are
    ``raw_head`` (what they give before the stream runs out or turns bad)."""
    out = bytearray()
    try:
        for piece in containers.stream_decompress(k, iter([raw_head]), STREAM_DECOMPRESS_LIMIT):
            out += piece
            if len(out) >= pieces.HEAD_BYTES:
                break
    except (EOFError, OSError, containers.DecompressionBomb, containers.zlib.error, containers.lzma.LZMAError):
        pass  # the head ends inside the stream (the usual case), or it is corrupt
    return bytes(out[:pieces.HEAD_BYTES])


def _count_items(uri: str, piece: bytes, chosen: ModuleType, splitter: pieces.Splitter, first: int) -> int:
    """The number after the last item of ``piece`` numbered from ``first``, as
    :func:`_parse_items` gives it: counted by the splitter's rule when it is sure,
    else parsed (and the rows dropped)."""
    n = splitter.count(piece) if splitter.count is not None else None
    if n is not None:
        return first + n
    scratch = FileResult(uri, flush=lambda rows: None, flush_rows=1000)
    return _parse_items(scratch, uri, piece, chosen, first)


def extract_stream(chunks: Iterator[bytes], uri: str, forced_format: str | None = None,
                   flush: Callable[[list[dict]], None] | None = None, flush_rows: int = 10_000,
                   piece_bytes: int | None = None, part: tuple[int, int] | None = None) -> FileResult:
    """:func:`extract_file` for an object given as chunks of its bytes: a large JSON
    Lines, CSV, Reuters-21578 or multi-item XML file (plain, or one gzip/xz/bzip2
    stream) is parsed a piece at a time (:mod:`transforms.reading.pieces`), so the object
    is never held whole. The items, their ``raw_uri`` numbers and the accounting
    are those :func:`extract_file` gives, but for a damaged record cut across
    two pieces (each part is then its own reject). Any other object (an archive,
    a JSON array, a one-story file) is read whole and given to :func:`extract_file`.

    ``part`` ``(k, n)``: one of ``n`` processes reading the same file, each
    reading all of it but parsing only the pieces ``i`` with ``i % n == k`` (its
    share) and counting the items of the others, so that its items are numbered
    as in a whole read; :func:`merge_parts` adds the ``n`` results up to the
    whole read's. A file that is not cut is read by part 0 alone."""
    source = _Peek(iter(chunks))
    head = source.peek(pieces.HEAD_BYTES)
    k = containers.kind(head)
    inner = _inner_head(k, head) if k in ("gzip", "xz", "bzip2") else head if k is None else b""
    chosen = by_name(forced_format) if forced_format else None
    if chosen is None and inner.strip() and containers.kind(inner) is None:
        try:
            chosen = detect(inner, uri)
        except ParseError:
            chosen = None
    splitter = pieces.splitter(chosen.NAME, inner) if chosen is not None and inner else None
    mine, ways = part or (0, 1)
    if splitter is None:
        if mine:  # read by part 0
            return FileResult(uri, part=part)
        result = extract_file(b"".join(source), uri, forced_format, flush=flush, flush_rows=flush_rows)
        result.part = part
        return result
    result = FileResult(uri, flush=flush, flush_rows=flush_rows, part=part)
    if mine == 0:
        result.formats[chosen.NAME] += 1
    stream = iter(source) if k is None else containers.stream_decompress(k, iter(source),
                                                                          STREAM_DECOMPRESS_LIMIT)
    following, at = 0, 0  # the next item's number, the next piece's
    try:
        for piece in pieces.pieces(stream, splitter, piece_bytes or pieces.PIECE_BYTES):
            if at == 0 or splitter.has_records(piece):
                if at % ways == mine:
                    following = _parse_items(result, uri, piece, chosen, following)
                else:
                    following = _count_items(uri, piece, chosen, splitter, following)
            if part is not None:
                result.ends.append(following)
            at += 1
            del piece
    except EOFError as exc:  # the items read before the cut stay
        if at % ways == mine:
            _reject(result, f"{uri}#{following}", "truncated_archive", f"{k}: {exc}", b"", None)
        following += 1
    except containers.DecompressionBomb as exc:
        if at % ways == mine:
            _reject(result, f"{uri}#{following}", "decompression_limit", f"{k}: {exc}", b"", None)
        following += 1
    except (OSError, containers.zlib.error, containers.lzma.LZMAError) as exc:
        if at % ways == mine:
            _reject(result, f"{uri}#{following}", "corrupt_archive", f"{k}: {exc}", b"", None)
        following += 1
    if following == 0 and mine == 0:
        _reject(result, f"{uri}#0", "no_items", f"{chosen.NAME} found no item in the input", inner,
                chosen.NAME)
    result.flush_pending()
    result.flush = None
    return result


def _number(raw_uri: str) -> int:
    return int(raw_uri.rsplit("#", 1)[1])


def merge_parts(results: list[FileResult]) -> list[FileResult]:
    """``results`` with the parts of each file read in parts (``extract_stream``'s
    ``part``, consecutive) added up to one result: what reading it whole gives
    (rows and rejects in the order of their numbers). Raises ValueError when the
    parts numbered its items apart (a piece counted otherwise than parsed), which
    would give two items one ``raw_uri``."""
    out: list[FileResult] = []
    i = 0
    while i < len(results):
        r = results[i]
        if r.part is None:
            out.append(r)
            i += 1
            continue
        ways = r.part[1]
        group = results[i:i + ways]
        if [g.part for g in group] != [(k, ways) for k in range(ways)] or \
                any(g.source_uri != r.source_uri for g in group):
            raise ValueError(f"the {ways} parts of {r.source_uri} are not all there, in order")
        ends = {tuple(g.ends) for g in group}
        if len(ends) > 1:
            raise ValueError(f"the parts of {r.source_uri} numbered its items apart (a piece counted "
                             "otherwise than parsed)")
        whole = FileResult(r.source_uri)
        for g in group:
            whole.items_in += g.items_in
            whole.rows.extend(g.rows)
            whole.rejects.extend(g.rejects)
            whole.skipped.update(g.skipped)
            whole.skipped_formats.update(g.skipped_formats)
            whole.formats.update(g.formats)
        if sum(1 for g in group if g.rows or g.rejects) > 1:  # else in order already
            whole.rows.sort(key=lambda row: _number(row["raw_uri"]))
            whole.rejects.sort(key=lambda row: _number(row["raw_uri"]))
        out.append(whole)
        i += ways
    return out


def source_of(raw_uris: pl.Series, sources: set[str] | list[str]) -> pl.Series:
    """The raw object (of ``sources``) each item was read from, by its ``raw_uri``
    (``<object uri>#<n>``, or ``<object uri>!<member>#<n>``); null for an item of none."""
    sources = set(sources)
    base = raw_uris.str.replace(r"#\d+$", "")
    found = {}
    for b in base.unique().drop_nulls().to_list():
        if b in sources:
            found[b] = b
            continue
        # an archive member: its object is the part before one of its "!" (an object's
        # own name may hold a "!" too, so each cut is tried, the longest first)
        cuts = [b[:i] for i, ch in enumerate(b) if ch == "!" and b[:i] in sources]
        found[b] = cuts[-1] if cuts else None
    return base.replace_strict(found, default=None, return_dtype=pl.String).alias("_source_uri")


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
