"""The whole shared corpora through the real flow: nothing crashes, everything is accounted for.

One ingest of ``../shared/corpora`` into a temporary lake (module-scoped), then
assertions on its manifest, its report and its tables.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from flows.cli import main
from flows.ingest import ingest
from tests import lakes
from tests.corpora import corpus_path
from transforms.extract import extract_file

# Every reason a corpus file may legitimately be rejected for, and why.
EXPLAINED_REJECTS = {
    # IPTC spec fragments (groupSet/contentSet/contentMeta roots), not items
    ("newsml_g2", "no_items"),
    # LISTING_24 placeholder items "....." with no class and no content
    ("newsml_g2", "no_content"),
    # IPTC/ninjs examples of metadata only; aap-finance-lite has an empty body.content
    ("newsml_g2", "no_body"), ("ninjs", "no_body"), ("nitf", "no_body"),
    # not news: JSON Schema, benchmark ground truth, lewis.dtd, AAP sports-results API
    # responses, a DC REST response, Reuters' channel listing, a bare HTML fragment,
    # a one-line ticker
    (None, "unrecognized_format"),
}


@pytest.fixture(scope="module")
def corpus_lake(tmp_path_factory, prefect_harness) -> tuple[str, dict]:
    lake = str(tmp_path_factory.mktemp("corpus") / "lake")
    manifest = ingest(sources=[str(corpus_path())], lake=lake)
    return lake, manifest


def test_every_item_is_accounted_for(corpus_lake):
    _, manifest = corpus_lake
    t = manifest["totals"]
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    for f in manifest["files"]:
        assert f["items_in"] == f["stories"] + f["duplicates"] + f["skipped"] + f["rejects"], f["uri"]


def test_reuters_21578_all_20000_elements(corpus_lake):
    _, manifest = corpus_lake
    files = [f for f in manifest["files"] if Path(f["uri"]).name.startswith("reut2-")]
    assert len(files) == 20
    assert sum(f["items_in"] for f in files) == 20_000
    assert sum(f["stories"] + f["duplicates"] + f["skipped"] + f["rejects"] for f in files) == 20_000
    assert all(f["formats"] == {"reuters_21578": 1} for f in files)


def test_no_parser_crash_and_every_reject_is_explained(corpus_lake):
    lake, _ = corpus_lake
    rejects = lakes.read_table(lake, "rejects")
    got = {(r["source_format"], r["reason"]) for r in rejects.iter_rows(named=True)}
    assert not any(reason == "parser_error" for _, reason in got)
    assert got <= EXPLAINED_REJECTS, got - EXPLAINED_REJECTS


def test_text_stories_of_the_wire_corpora_are_read(corpus_lake):
    lake, _ = corpus_lake
    rejects = lakes.read_table(lake, "rejects")
    for folder in ("dpa-newsml-g2-2017", "superdesk-feed-fixtures", "iptc-ninjs", "iptc-newsml-g2"):
        bad = rejects.filter(pl.col("raw_uri").str.contains(f"/{folder}/"))
        # only the explained non-stories above; no malformed or undecodable text story
        assert set(bad["reason"]) <= {"no_items", "no_content", "no_body", "unrecognized_format"}, folder
    df = lakes.stories(lake)
    dpa = df.filter(pl.col("raw_uri").str.contains("/dpa-newsml-g2-2017/20170629"))
    assert dpa.height + lakes.read_table(lake, "duplicates").filter(
        pl.col("raw_uri").str.contains("/dpa-newsml-g2-2017/20170629")).height == 80
    assert (dpa["provider"] == "dpa").all()


def test_reut2_017_decodes(corpus_lake):
    # reut2-017.sgm has one raw 0xFC byte: it must decode, not reject (SOURCES.md §1)
    result = extract_file(corpus_path("reuters21578/reut2-017.sgm").read_bytes(), "reut2-017.sgm")
    assert result.items_in == 1000 and not result.rejects
    assert any("ü" in (r["body"] or "") for r in result.rows)


def test_report_command_prints_per_format_table(corpus_lake, capsys):
    lake, manifest = corpus_lake
    assert main(["report", lake]) == 0
    out = capsys.readouterr().out
    assert manifest["run_id"] in out
    for fmt in ("newsml_g2", "newsml_1", "nitf", "ninjs", "anpa_1312", "iptc_7901", "aap_telex",
                "rss_2", "atom", "reuters_21578", "news_html", "news_please", "news_csv"):
        assert f"\n  {fmt} " in out
    by = {r["format"]: r for r in manifest["by_format"]}
    assert by["reuters_21578"]["items_in"] == 20_000
    assert by["news_please"]["items_in"] == 2_398
    assert by["news_csv"]["items_in"] == 7_600 + 989
    for r in by.values():
        assert r["items_in"] == r["stories"] + r["duplicates"] + r["skipped"] + r["rejects"]


def test_no_known_boilerplate_or_cleanup_leftover_in_any_body(corpus_lake, capsys):
    from flows.lake import scan_stories
    from transforms.quality import CHECKS, MARKERS, quality_by

    lake, _ = corpus_lake
    table = quality_by(scan_stories(lake), ["provider", "source_format"])
    totals = table.select([pl.col(c).sum() for c in MARKERS + CHECKS]).row(0, named=True)
    assert totals == dict.fromkeys(MARKERS + CHECKS, 0)
    assert main(["quality", lake]) == 0
    out = capsys.readouterr().out
    assert "photo_caption 0" in out and "dateline 0" in out


def test_syndicated_reuters_copy_on_yahoo_finance(corpus_lake):
    lake, _ = corpus_lake
    df = lakes.stories(lake).filter(pl.col("provider") == "yahoo_finance")
    syndicated = df.filter(pl.col("original_provider") == "reuters")
    assert syndicated.height >= 100  # SOURCES.md: 146 articles contain "(Reuters)"
    assert not syndicated["body"].str.contains(r"^\S[^\n]*\(Reuters\) -").any()
