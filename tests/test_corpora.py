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
from transforms.reading.extract import extract_file

# Every reason a corpus file may legitimately be rejected for, and why.
EXPLAINED_REJECTS = {
    # IPTC spec fragments (groupSet/contentSet/contentMeta roots), not items
    ("newsml_g2", "no_items"),
    # LISTING_24 placeholder items "....." with no class and no content
    ("newsml_g2", "no_content"),
    # IPTC/ninjs examples of metadata only; aap-finance-lite has an empty body.content
    ("newsml_g2", "no_body"), ("ninjs", "no_body"), ("nitf", "no_body"),
    # not news: JSON Schema, benchmark ground truth, lewis.dtd, a DC REST response,
    # Reuters' channel listing, a bare HTML fragment, a one-line ticker (AAP's
    # sports-results API responses are event feeds now: skipped as events)
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
                "rss_2", "atom", "reuters_21578", "news_html", "news_please", "news_csv",
                "email", "wordpress_wxr", "events"):
        assert f"\n  {fmt} " in out
    by = {r["format"]: r for r in manifest["by_format"]}
    # SOURCES.md section 10: 6 mails, 4 WordPress posts (and 2 media posts), and 103 events
    # (iCalendar 4 + 35, Onclusive 2, NIFS 3, NTB 1 + 2, AAP sports fixtures 2 + 1 + 14,
    # the ABS release calendar's 39 CSV rows)
    assert by["email"]["items_in"] == 6 and by["email"]["skipped"] == 0 and by["email"]["rejects"] == 0
    assert (by["wordpress_wxr"]["items_in"], by["wordpress_wxr"]["skipped"]) == (6, 2)
    assert (by["events"]["items_in"], by["events"]["skipped"]) == (103, 103)
    assert by["reuters_21578"]["items_in"] == 20_000
    assert by["news_please"]["items_in"] == 2_398
    assert by["news_csv"]["items_in"] == 7_600 + 989
    for r in by.values():
        assert r["items_in"] == r["stories"] + r["duplicates"] + r["skipped"] + r["rejects"]


def test_no_known_boilerplate_or_cleanup_leftover_in_any_body(corpus_lake, capsys):
    from lake.partitions import scan_stories
    from transforms.normalizing.quality import CHECKS, MARKERS, quality_by

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


# ---- dedup on real data ---------------------------------------------------------------

def _kept_and_folded(lake: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return lakes.stories(lake), lakes.read_table(lake, "duplicates")


def test_reuters_21578_identical_bodies_are_kept_once(corpus_lake):
    """Bodies that are byte-identical (after whitespace collapse) are one story, unless
    the headlines name different subjects: a templated dividend line ("Qtly div five cts
    vs five cts prior Pay July 15 Record June 30") served for two companies, or one hog
    market report for two markets, are two stories (see the issue note)."""
    lake, _ = corpus_lake
    kept, _ = _kept_and_folded(lake)
    rows = []
    for i in range(20):
        name = f"reuters21578/reut2-{i:03d}.sgm"
        result = extract_file(corpus_path(name).read_bytes(), str(corpus_path(name)))
        rows += [{"raw_uri": r["raw_uri"], "body": r["body"], "headline": r["headline"]} for r in result.rows]
    items = (pl.DataFrame(rows).filter(pl.col("body").is_not_null())
             .with_columns(pl.col("body").str.replace_all(r"\s+", " ").str.strip_chars().alias("b")))
    groups = items.group_by("b").agg("raw_uri", "headline").filter(pl.col("raw_uri").list.len() > 1)
    kept_uris = set(kept["raw_uri"])
    survivors = groups.with_columns(
        pl.col("raw_uri").list.eval(pl.element().is_in(list(kept_uris))).list.sum().alias("kept"))
    assert groups.height > 250
    several = survivors.filter(pl.col("kept") > 1)
    # every group with more than one survivor is a templated body under different subjects
    for row in several.iter_rows(named=True):
        heads = [h or "" for h in row["headline"]]
        assert len(set(heads)) == len(heads), row
    assert several.height <= 3


def test_dpa_keeps_one_story_per_guid_its_newest_version(corpus_lake):
    lake, _ = corpus_lake
    kept, folded = _kept_and_folded(lake)
    dpa = kept.filter(pl.col("raw_uri").str.contains("/dpa-newsml-g2-2017/20170629"))
    versions = folded.filter(pl.col("raw_uri").str.contains("/dpa-newsml-g2-2017/20170629"))
    assert dpa["guid"].n_unique() == dpa.height
    assert dpa.height + versions.height == 80
    # newest: no version of a guid (as parsed from the raw files) is newer than the kept one
    versions = []
    for path in corpus_path("dpa-newsml-g2-2017/20170629-dpa-sample").iterdir():
        result = extract_file(path.read_bytes(), str(path))
        versions += [{"guid": r["guid"], "vc": r["version_created"]} for r in result.rows]
    newest = pl.DataFrame(versions).group_by("guid").agg(pl.col("vc").max())
    joined = dpa.join(newest, on="guid")
    assert joined.height == dpa.height
    assert (joined["version_created"] == joined["vc"]).all()


def test_business_wire_release_kept_once_across_newsml_and_ninjs(corpus_lake):
    lake, _ = corpus_lake
    kept, folded = _kept_and_folded(lake)
    bw = kept.filter(pl.col("raw_uri").str.contains("/iptc-ninjs/examples/")
                     & (pl.col("provider") == "businesswire"))
    # four releases, each delivered as NewsML 1.x and ninjs 1.4 (two also as ninjs 2.1)
    assert bw.height == 4
    assert set(bw["source_format"]) == {"newsml_1"}  # the complete text over the ninjs summary
    assert folded.filter(pl.col("raw_uri").str.contains("/iptc-ninjs/examples/")
                         & (pl.col("provider") == "businesswire")).height >= 4


def test_superdesk_duplicate_pairs_are_folded(corpus_lake):
    lake, _ = corpus_lake
    kept, folded = _kept_and_folded(lake)
    for pattern in ("ninjs5.json", "L3N1X604Z", "ISS149709", "ritzau_news"):
        items = pl.concat([kept.select("raw_uri"), folded.select("raw_uri")]).filter(
            pl.col("raw_uri").str.contains(pattern, literal=True))
        survivors = kept.filter(pl.col("raw_uri").str.contains(pattern, literal=True)).height
        assert items.height >= 1
        if pattern in ("ninjs5.json", "L3N1X604Z"):
            assert survivors == 0, pattern  # folded into its twin (ninjs2.json, reuters_no_byline.xml)
    # pairs (SOURCES.md §6): each kept once
    for a, b in (("ninjs2.json", "ninjs5.json"), ("reuters_no_byline", "L3N1X604Z"),
                 ("ritzau_news.xml", "ritzau_news_test_ednote.xml")):
        both = kept.filter(pl.col("raw_uri").str.contains(a, literal=True)
                           | pl.col("raw_uri").str.contains(b, literal=True))
        assert both.height == 1, (a, b)
    iss = kept.filter(pl.col("raw_uri").str.contains("ISS149709", literal=True))
    assert iss.height == 1
