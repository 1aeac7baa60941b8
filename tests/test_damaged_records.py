"""One damaged record of a multi-record file costs that record only (issue 14, item 3).

A JSON Lines, CSV, SGML or multi-item XML file with one bad record (NUL or other
control bytes, a truncated line, a broken CSV row, a malformed XML item) gives a
reject for that record, with its reason and its origin (``raw_uri`` ``<file>#N``,
N the record's index), and every other record as before. The files are
synthetic: five good records each, one of them then damaged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.formats.text import corrupt_bytes, skip_corrupt_lines
from transforms.reading.extract import extract_file

N = 5


def _jsonl(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def _ninjs_lines() -> list[bytes]:
    return [json.dumps({"guid": f"urn:x:{i}", "type": "text", "headline": f"Story number {i}",
                        "body_text": f"The body of story {i}, long enough to be a story.",
                        "versioncreated": f"2026-03-0{i + 1}T10:00:00Z"}).encode() for i in range(N)]


def _csv_rows() -> list[bytes]:
    return [f'"Story number {i}","WASHINGTON (Reuters) - The body of story {i}.",2026-03-0{i + 1}'.encode()
            for i in range(N)]


def _ag_rows() -> list[bytes]:
    return [f'"3","Story number {i} (Reuters)","Reuters - The body of story {i}."'.encode() for i in range(N)]


def _rss(items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
            f'<link>https://wire.example.org/</link>{"".join(items)}</channel></rss>').encode()


def _rss_items() -> list[str]:
    return [f"<item><title>Story number {i}</title><guid>urn:x:{i}</guid>"
            f"<description>The body of story {i}, long enough.</description>"
            f"<pubDate>Mon, 0{i + 1} Mar 2026 10:00:00 GMT</pubDate></item>" for i in range(N)]


def _g2(items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
            f'<header><sent>2026-03-01T10:00:00Z</sent><sender>wire.example.org</sender></header>'
            f'<itemSet>{"".join(items)}</itemSet></newsMessage>').encode()


def _g2_items() -> list[str]:
    return [f'<newsItem guid="urn:x:{i}" version="1" standard="NewsML-G2" standardversion="2.25">'
            '<itemMeta><itemClass qcode="ninat:text"/>'
            f'<versionCreated>2026-03-0{i + 1}T10:00:00Z</versionCreated></itemMeta>'
            f'<contentMeta><headline>Story number {i}</headline></contentMeta><contentSet>'
            '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
            f'<body><p>The body of story {i}, long enough.</p></body></html></inlineXML></contentSet>'
            '</newsItem>' for i in range(N)]


def _sgml(items: list[str]) -> bytes:
    return ('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(items)).encode()


def _sgml_items() -> list[str]:
    return [f'<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" NEWID="{i + 1}">\n<DATE> 2-MAR-1987 10:00:00.00</DATE>\n'
            f'<TEXT>\n<TITLE>STORY NUMBER {i}</TITLE>\n<BODY>The body of story {i}, long enough.\n'
            '&#3;</BODY></TEXT>\n</REUTERS>\n' for i in range(N)]


def _with(records: list, index: int, damaged) -> list:
    out = list(records)
    out[index] = damaged(out[index])
    return out


NUL_BLOCK = b"\x00" * 512  # a zeroed disk block
CASES = {
    # name: (file bytes, index of the damaged record, reason)
    "jsonl_nul_in_a_line": (_jsonl(_with(_ninjs_lines(), 2, lambda r: r[:30] + b"\x00\x00\x00" + r[30:])),
                            2, "control_bytes"),
    "jsonl_first_line_zeroed": (_jsonl(_with(_ninjs_lines(), 0, lambda r: NUL_BLOCK)), 0, "control_bytes"),
    "jsonl_nul_before_first_record": (_jsonl(_with(_ninjs_lines(), 0, lambda r: b"\x00\x00" + r)),
                                      0, "control_bytes"),
    "jsonl_control_bytes": (_jsonl(_with(_ninjs_lines(), 1, lambda r: r[:30] + b"\x07\x08" + r[30:])),
                            1, "control_bytes"),
    "jsonl_truncated_line": (_jsonl(_with(_ninjs_lines(), 3, lambda r: r[:40])), 3, "malformed_json"),
    "jsonl_truncated_last_line": (_jsonl(_ninjs_lines())[:-40], 4, "malformed_json"),
    "csv_nul_in_a_row": (b"title,text,date\n" + b"\n".join(
        _with(_csv_rows(), 1, lambda r: r[:10] + b"\x00\x00" + r[10:])), 1, "control_bytes"),
    "csv_stray_quote": (b"title,text,date\n" + b"\n".join(
        _with(_csv_rows(), 2, lambda r: r.replace(b"body", b'bo"dy'))), 2, "malformed_csv"),
    "csv_unterminated_quote": (b"title,text,date\n" + b"\n".join(
        _with(_csv_rows(), 2, lambda r: r[:r.index(b"(Reuters)")])), 2, "malformed_csv"),
    "csv_headerless_first_row_zeroed": (b"\n".join(_with(_ag_rows(), 0, lambda r: NUL_BLOCK)), 0, "control_bytes"),
    "rss_malformed_item": (_rss(_with(_rss_items(), 2, lambda r: r.replace("</title>", "<b></title>"))),
                           2, "malformed_xml"),
    "rss_nul_in_an_item": (_rss(_with(_rss_items(), 4, lambda r: r.replace("body", "bo\x00dy"))),
                           4, "malformed_xml"),
    "newsml_g2_malformed_item": (_g2(_with(_g2_items(), 1, lambda r: r.replace("</headline>", "<x></headline>"))),
                                 1, "malformed_xml"),
    "newsml_g2_control_bytes_in_an_item": (_g2(_with(_g2_items(), 3, lambda r: r.replace("body of", "body\x01of"))),
                                           3, "malformed_xml"),
    "sgml_nul_in_an_element": (_sgml(_with(_sgml_items(), 2, lambda r: r.replace("body", "bo\x00\x00dy"))),
                               2, "control_bytes"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_damaged_record_is_rejected_alone(name):
    data, bad, reason = CASES[name]
    result = extract_file(data, f"/raw/{name}")
    # the damaged record is one reject, at its own index, with its reason and its bytes
    assert [(r["raw_uri"], r["reason"]) for r in result.rejects] == [(f"/raw/{name}#{bad}", reason)]
    assert result.rejects[0]["detail"] and result.rejects[0]["raw"]
    # every other record is a story, and only those
    headlines = sorted(r["headline"].lower() for r in result.rows)
    assert headlines == [f"story number {i}" for i in range(N) if i != bad]
    assert sorted(int(r["raw_uri"].rsplit("#", 1)[1]) for r in result.rows) == [i for i in range(N) if i != bad]
    # accounting: every record of the file is counted once
    assert result.items_in == N == len(result.rows) + sum(result.skipped.values()) + len(result.rejects)


def test_undamaged_files_give_every_record():
    """The fixtures above are right but for their damage: the same files whole give
    every record as a story (so the tests above cannot pass for another reason)."""
    for data, name in ((_jsonl(_ninjs_lines()), "a.jsonl"), (b"title,text,date\n" + b"\n".join(_csv_rows()), "a.csv"),
                       (b"\n".join(_ag_rows()), "ag.csv"), (_rss(_rss_items()), "a.rss"),
                       (_g2(_g2_items()), "a.xml"), (_sgml(_sgml_items()), "a.sgm")):
        result = extract_file(data, name)
        assert (len(result.rows), result.rejects) == (N, []), name


def test_a_file_of_damaged_bytes_only_is_still_binary():
    """Looking past damaged first lines does not make any binary file JSON or CSV."""
    for data in (NUL_BLOCK, NUL_BLOCK + b"\nplain words, not a record\n", bytes(range(256)) * 16):
        result = extract_file(data, "blob")
        assert [r["reason"] for r in result.rejects] == ["binary_content"]


def test_corrupt_bytes_and_skip_corrupt_lines():
    # the wire framing bytes of ANPA/IPTC 7901 (SOH, STX, ETX, EOT) and tab/CR/LF are text
    assert corrupt_bytes(b"\x01\x02text\t\r\n\x03\x04") is None
    assert "0x00" in corrupt_bytes(b"ab\x00") and "0x07" in corrupt_bytes("ab\x07")
    data = b"\x00\x00\n\x07junk\n{\"a\": 1}\n\x00\n"
    assert data[skip_corrupt_lines(data):].startswith(b'{"a"')
    assert skip_corrupt_lines(b'{"a": 1}\n\x00\n') == 0


@pytest.mark.usefixtures("prefect_harness")
def test_damaged_records_through_the_ingest_flow(tmp_path: Path):
    """The real flow: the damaged records are rejects in the lake, with their origin;
    the good ones are stories; the run's accounting adds up per file and in total."""
    from flows.ingest import ingest
    from tests import lakes

    raw = tmp_path / "raw"
    raw.mkdir()
    chosen = ["jsonl_first_line_zeroed", "csv_unterminated_quote", "newsml_g2_malformed_item"]
    for name in chosen:
        (raw / name).write_bytes(CASES[name][0])
    lake = str(tmp_path / "lake")
    manifest = ingest(sources=[str(raw)], lake=lake)
    rejects = lakes.read_table(lake, "rejects")
    got = sorted((Path(u).name, r) for u, r in zip(rejects["raw_uri"], rejects["reason"], strict=True))
    assert got == sorted((f"{name}#{CASES[name][1]}", CASES[name][2]) for name in chosen)
    stories = lakes.stories(lake)
    # the three files tell the same five stories; one copy of each of the four that
    # each file kept is a story, the rest are duplicates of it
    t = manifest["totals"]
    assert t["items_in"] == 3 * N and t["rejects"] == 3
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert t["stories"] == stories.height
    for f in manifest["files"]:
        assert f["items_in"] == N and f["rejects"] == 1
        assert f["items_in"] == f["stories"] + f["duplicates"] + f["skipped"] + f["rejects"]
