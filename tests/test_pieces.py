"""Large raw objects read in pieces (issue 16): the same items as read whole, in bounded memory.

Invariant: for a JSON Lines, CSV, Reuters-21578 SGML or multi-item XML file,
plain or gzip/xz-compressed, ``extract_stream`` over its bytes in chunks of any
size, cut into pieces of any size at least a record long, gives exactly what
``extract_file`` gives on the whole bytes: the same rows (``raw_uri`` numbers
included), the same rejects with their reasons, the same skips and counts. And
no piece is much larger than the piece size asked for.
"""

from __future__ import annotations

import gzip
import lzma

import pytest

from tests.test_damaged_records import (
    CASES,
    _ag_rows,
    _csv_rows,
    _g2,
    _g2_items,
    _jsonl,
    _ninjs_lines,
    _rss,
    _rss_items,
    _sgml,
    _sgml_items,
)
from transforms.formats import detect
from transforms.reading import pieces
from transforms.reading.extract import extract_file, extract_stream, merge_parts

REPEAT = 30
FILES = {
    **{name: case[0] for name, case in CASES.items()},
    "jsonl": _jsonl(_ninjs_lines() * REPEAT),
    "csv_header": b"title,text,date\r\n" + b"\r\n".join(_csv_rows() * REPEAT),
    # a quoted field over two lines: a line end inside quotes is not a row end
    "csv_multiline_field": b"title,text,date\n" + b"\n".join(
        [r.replace(b"The body", b'The\nbody') for r in _csv_rows()] * REPEAT),
    "csv_headerless": b"\n".join(_ag_rows() * REPEAT),
    "rss": _rss(_rss_items() * REPEAT),
    "newsml_g2": _g2(_g2_items() * REPEAT),
    "sgml": _sgml(_sgml_items() * REPEAT),
}


def _chunks(data: bytes, size: int):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def _outcome(result) -> tuple:
    return (result.items_in, result.rows, [(r["raw_uri"], r["reason"]) for r in result.rejects],
            dict(result.skipped), dict(result.formats))


@pytest.mark.parametrize("compress", [None, gzip.compress, lzma.compress], ids=["plain", "gzip", "xz"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_read_in_pieces_gives_what_reading_whole_gives(name, compress):
    data = FILES[name] if compress is None else compress(FILES[name])
    whole = _outcome(extract_file(data, "/raw/f"))
    assert whole[0] > 0
    for chunk, piece in ((7, 1024), (4096, 700 * (2 if "sgml" in name else 1)), (1 << 20, 1 << 20)):
        assert _outcome(extract_stream(_chunks(data, chunk), "/raw/f", piece_bytes=piece)) == whole, (chunk, piece)


def test_a_large_file_is_really_cut():
    """The files above are cut into many pieces, none much over the size asked for
    (a piece is at most the size plus one record, the header or XML head and tail)."""
    for name in ("jsonl", "csv_header", "csv_multiline_field", "csv_headerless", "rss", "newsml_g2", "sgml"):
        data = FILES[name]
        splitter = pieces.splitter(detect(data).NAME, data[:pieces.HEAD_BYTES])
        assert splitter is not None, name
        got = list(pieces.pieces(_chunks(data, 333), splitter, 2000))
        assert len(got) >= len(data) // 2400, name
        assert max(len(p) for p in got) < 2000 + 333 + 1500, name


def test_what_is_not_cut_is_read_whole():
    """A JSON array, a single story, an archive: no rule cuts them, and
    extract_stream gives what extract_file gives."""
    array = b"[" + b",".join(_ninjs_lines()) + b"]"
    single = _ninjs_lines()[0]
    for data in (array, single, gzip.compress(array)):
        assert pieces.splitter("ninjs", data) is None or data is not array
        assert _outcome(extract_stream(_chunks(data, 50), "/raw/f", piece_bytes=100)) == \
            _outcome(extract_file(data, "/raw/f"))


def test_a_truncated_compressed_stream_keeps_what_was_read():
    import hashlib
    import json

    # lines that do not repeat, so that half of the compressed bytes give many of them
    lines = [json.dumps({"guid": f"urn:x:{i}", "type": "text", "headline": f"Story {i}",
                         "versioncreated": "2026-03-01T10:00:00Z",
                         "body_text": hashlib.sha512(str(i).encode()).hexdigest() * 4}).encode() for i in range(300)]
    data = gzip.compress(_jsonl(lines))
    cut = data[:len(data) // 2]
    result = extract_stream(_chunks(cut, 1000), "/raw/f", piece_bytes=2000)
    assert result.rows and result.rejects[-1]["reason"] == "truncated_archive"
    assert result.items_in == len(result.rows) + len(result.rejects)


@pytest.mark.parametrize("where", ["local", "s3"])
def test_the_extract_task_streams_large_objects(where, tmp_path, monkeypatch, request):
    """The extract task reads objects from WIRELAKE_STREAM_BYTES on in chunks (ranged GETs on
    S3) and parses them in pieces: the same accounting and the same items (their
    dedup view) as reading them whole."""
    from datetime import UTC, datetime

    import polars as pl

    from flows import tasks as ingest_flow
    from lake.storage import list_source, open_storage

    files = {"wire.jsonl": FILES["jsonl"], "wire.csv.gz": gzip.compress(FILES["csv_header"]),
             "message.xml": FILES["newsml_g2_malformed_item"], "feed.rss": FILES["rss"]}
    if where == "local":
        source = str(tmp_path / "raw")
    else:
        request.getfixturevalue("seaweed")
        source = f"s3://wirelake-test/raw-{tmp_path.name}"
        open_storage(source).ensure_bucket()
    raw = open_storage(source)
    for name, data in files.items():
        raw.put(name, data)
    objects = list_source(source)
    now = datetime.now(UTC)

    def run(lake: str):
        results, view, sig, _, _ = ingest_flow.extract_batch.fn(objects, None, "run-x", now, lake, 0)
        accounting = sorted((r.source_uri, r.items_in, len(r.rejects), [x["raw_uri"] for x in r.rejects])
                            for r in results)
        return accounting, view.drop("_loc").sort("raw_uri"), sig[view["raw_uri"].arg_sort().to_numpy()]

    whole = run(str(tmp_path / "lake-whole"))
    monkeypatch.setenv("WIRELAKE_STREAM_BYTES", "1")
    monkeypatch.setattr(pieces, "PIECE_BYTES", 3000)
    cut = run(str(tmp_path / "lake-cut"))
    assert cut[0] == whole[0]
    assert cut[1].height == sum(n - rejects for _, n, rejects, _ in whole[0]) > 300
    assert cut[1].equals(whole[1])
    assert (cut[2] == whole[2]).all()
    assert pl.Series(cut[1]["raw_uri"]).str.contains("message.xml#").sum() == 4


@pytest.mark.parametrize("ways", [2, 3])
@pytest.mark.parametrize("compress", [None, gzip.compress], ids=["plain", "gzip"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_a_file_read_in_parts_gives_what_reading_whole_gives(name, compress, ways):
    """``ways`` processes each parse every ``ways``-th piece of one file and count the
    items of the others (the JSON Lines rule without parsing, other formats by
    parsing): together, the whole read's rows, numbers, rejects and counts; each
    part parses only its share."""
    data = FILES[name] if compress is None else compress(FILES[name])
    whole = _outcome(extract_file(data, "/raw/f"))
    for chunk, piece in ((7, 1024), (4096, 700 * (2 if "sgml" in name else 1))):
        parts = [extract_stream(_chunks(data, chunk), "/raw/f", piece_bytes=piece, part=(k, ways))
                 for k in range(ways)]
        [merged] = merge_parts(parts)
        assert _outcome(merged) == whole, (chunk, piece)
        if len(parts[0].ends) >= 2 * ways:  # cut into pieces: each part has its share of the items
            assert all(0 < p.items_in < whole[0] for p in parts), [p.items_in for p in parts]


def test_parts_that_number_apart_are_refused():
    """A piece counted otherwise than it parses would give two items one raw_uri:
    merging refuses the parts instead."""
    data = FILES["jsonl"]
    parts = [extract_stream(_chunks(data, 4096), "/raw/f", piece_bytes=1024, part=(k, 2)) for k in range(2)]
    assert merge_parts(list(parts))[0].items_in == _outcome(extract_file(data, "/raw/f"))[0]
    parts[1].ends[3] += 1
    with pytest.raises(ValueError, match="numbered its items apart"):
        merge_parts(parts)
    with pytest.raises(ValueError, match="not all there"):
        merge_parts(parts[:1])


def test_the_json_lines_count_is_the_parsed_count():
    """The JSON Lines rule counts a piece's items without parsing: it says a number
    only when the parser surely reads the piece as JSON Lines, and then the right one."""
    from transforms.formats.jsonwire import json_lines_count

    lines = _ninjs_lines()
    for data in (_jsonl(lines * 3), b"\n\n  " + _jsonl(lines) + b"\n \n", _jsonl(lines) + b"{not json\n\n{}\n[1]\n"):
        n = json_lines_count(data)
        assert n is not None and n == extract_file(data, "/raw/f").items_in
    for data in (b"[" + b",".join(lines) + b"]", lines[0], b"{broken\n" + _jsonl(lines), b"[1]\n" + _jsonl(lines)):
        assert json_lines_count(data) is None
