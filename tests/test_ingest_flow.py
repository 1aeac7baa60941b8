"""The ingest flow, run in Prefect, end to end into a lake on disk and on SeaweedFS."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import polars as pl
import pyarrow.dataset as ds
import pytest

from flows.ingest import NoInputError, ingest
from lake import lease as leases
from lake.storage import S3Storage, open_storage
from tests import lakes
from tests.corpora import corpus_path

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEED = "seed/000_9162bee93abea508.txt"
HEADLINE = "North Korea halts U.N. charm offensive over human rights record"
DEBRIS = ["0 : 0", "narrow-browser-and-phone", "landscape-tablet-and-below", "medium-wide-browser"]


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    shutil.copy(corpus_path(SEED), d / "story.txt")
    return d


def _assert_seed_story(row: dict) -> None:
    assert row["headline"] == HEADLINE
    assert row["provider"] == "reuters"
    assert row["source_format"] == "reuters_web_text"
    assert row["dateline_location"] == "UNITED NATIONS"
    assert row["dateline_agency"] == "Reuters"
    assert row["authors"] == ["Michelle Nichols"]
    assert {"name": "Grant McCool", "role": "editing"} in row["credits"]
    assert {"name": "Michelle Nichols", "role": "reporting"} in row["credits"]
    assert row["published_tz_source"] == "assumed"
    assert str(row["published_at"]) == "2014-11-10 23:22:00+00:00"
    body = row["body"]
    assert body.startswith("A rare diplomatic charm offensive by North Korea")
    assert body.endswith("the North Korean statement said.")
    assert "Reporting by" not in body and "Editing by" not in body
    for line in DEBRIS:
        assert line not in body
    assert row["word_count"] == len(body.split())


def test_seed_end_to_end(any_lake):
    manifest = ingest(sources=[str(corpus_path(SEED).parent)], lake=any_lake)
    df = lakes.stories(any_lake)
    assert df.height == 1
    row = df.row(0, named=True)
    _assert_seed_story(row)
    assert str(row["date"]) == "2014-11-10"
    assert row["raw_uri"] == f"{corpus_path(SEED)}#0"
    assert row["run_id"] == manifest["run_id"]
    keys = [o.key for o in open_storage(any_lake).list("stories/")]
    assert keys == ["stories/date=2014-11-10/part-0.parquet"]
    # pyarrow's dataset API reads it too, and prunes on the partition
    table = lakes.arrow_stories(any_lake).to_table(filter=ds.field("date") == "2014-11-10")
    assert table.column("headline").to_pylist() == [HEADLINE]
    assert lakes.arrow_stories(any_lake).to_table(filter=ds.field("date") == "2014-11-11").num_rows == 0


def test_byte_identical_copy_is_one_story_and_one_duplicate(any_lake, seed_dir):
    shutil.copy(seed_dir / "story.txt", seed_dir / "copy-of-story.txt")
    manifest = ingest(sources=[str(seed_dir)], lake=any_lake)
    assert lakes.stories(any_lake).height == 1
    dups = lakes.read_table(any_lake, "duplicates")
    assert dups.height == 1
    dup = dups.row(0, named=True)
    kept = lakes.stories(any_lake).row(0, named=True)
    assert dup["kept_story_id"] == kept["story_id"] and dup["reason"] == "exact"
    assert dup["similarity"] == 1.0
    assert {dup["raw_uri"], kept["raw_uri"]} == {f"{seed_dir}/story.txt#0",
                                                  f"{seed_dir}/copy-of-story.txt#0"}
    assert manifest["totals"] == {"files": 2, "items_in": 2, "stories": 1, "duplicates": 1,
                                  "skipped": 0, "rejects": 0}


def test_bad_files_are_rejected_and_the_run_goes_on(any_lake, seed_dir):
    seed = (seed_dir / "story.txt").read_bytes()
    (seed_dir / "empty.txt").write_bytes(b"")
    (seed_dir / "binary.bin").write_bytes(bytes(range(256)) * 16)
    (seed_dir / "truncated.txt.gz").write_bytes(gzip.compress(seed)[:700])
    (seed_dir / "truncated.txt").write_bytes(seed[:80])  # cut inside the headline: no body
    manifest = ingest(sources=[str(seed_dir)], lake=any_lake)
    assert lakes.stories(any_lake).height == 1
    rejects = lakes.read_table(any_lake, "rejects").sort("raw_uri")
    got = dict(zip([u.rsplit("/", 1)[-1] for u in rejects["raw_uri"]], rejects["reason"], strict=True))
    assert got == {"binary.bin#0": "binary_content", "empty.txt#0": "empty_input",
                   "truncated.txt#0": "no_body", "truncated.txt.gz#0": "truncated_archive"}
    assert rejects.filter(pl.col("raw_uri").str.ends_with("binary.bin#0"))["raw"][0] == bytes(range(256)) * 16
    assert all(d for d in rejects["detail"])
    assert manifest["totals"]["rejects"] == 4 and manifest["totals"]["items_in"] == 5
    assert manifest["rejects_by_reason"] == {"binary_content": 1, "empty_input": 1, "no_body": 1,
                                             "truncated_archive": 1}
    per_file = {Path(f["uri"]).name: f for f in manifest["files"]}
    for f in per_file.values():  # each file's accounting adds up
        assert f["items_in"] == f["stories"] + f["duplicates"] + f["skipped"] + f["rejects"]
    assert per_file["story.txt"]["stories"] == 1


def test_rerun_is_idempotent(any_lake, seed_dir):
    """A plain rerun reads nothing (the ledger has every object); a forced re-read
    (``reprocess``) gives the same lake: same rows, same story ids."""
    ingest(sources=[str(seed_dir)], lake=any_lake)
    first = lakes.lake_state(any_lake)
    again = ingest(sources=[str(seed_dir)], lake=any_lake)
    assert again["totals"]["files"] == 0 and again["unchanged_objects"] == again["listed_objects"] > 0
    assert lakes.lake_state(any_lake) == first
    forced = ingest(sources=[str(seed_dir)], lake=any_lake, reprocess=True)
    assert forced["totals"]["files"] == forced["listed_objects"] and forced["reread_objects"] > 0
    assert lakes.lake_state(any_lake) == first
    assert len(lakes.manifests(any_lake)) == 3


def test_no_input_fails_the_run(any_lake, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(NoInputError):
        ingest(sources=[str(empty)], lake=any_lake)


def test_s3_source_to_s3_lake_matches_local(s3_lake, seed_dir, tmp_path):
    """Raw objects read from an S3 prefix give the same rows as from disk."""
    raw = open_storage(s3_lake.rsplit("/", 1)[0] + "/raw-" + s3_lake.rsplit("-", 1)[-1])
    assert isinstance(raw, S3Storage)
    raw.put("dump/story.txt", (seed_dir / "story.txt").read_bytes())
    raw.put("dump/deep/copy.txt", (seed_dir / "story.txt").read_bytes())
    ingest(sources=[raw.uri("dump")], lake=s3_lake)
    local_lake = str(tmp_path / "local-lake")
    ingest(sources=[str(seed_dir), str(seed_dir / "story.txt")], lake=local_lake)
    on_s3 = lakes.stories(s3_lake)
    on_disk = lakes.stories(local_lake)
    same = ["story_id", "headline", "body", "authors", "credits", "published_at", "date", "content_hash"]
    assert on_s3.select(same).equals(on_disk.select(same))
    assert on_s3["raw_uri"][0].startswith("s3://")


def test_format_override(tmp_path):
    """--format skips detection: a ninjs line read as ninjs, and a seed page forced to
    another format is that format's reject, not a guess."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(corpus_path(SEED), raw / "story.txt")
    lake = str(tmp_path / "lake")
    manifest = ingest(sources=[str(raw)], lake=lake, format="ninjs")
    assert manifest["totals"]["stories"] == 0 and manifest["totals"]["rejects"] == 1
    [reject] = lakes.read_table(lake, "rejects").to_dicts()
    assert reject["source_format"] == "ninjs" and reject["reason"]


def test_a_failing_run_leaves_the_lake_as_it_was_and_no_staging(any_lake, seed_dir, monkeypatch):
    """A run that fails after extraction (here: dedup raises) publishes nothing and
    empties its staging area; the lake keeps what the last good run wrote."""
    ingest(sources=[str(seed_dir)], lake=any_lake)
    before = lakes.stories(any_lake)

    def broken(*args, **kwargs):
        raise RuntimeError("injected dedup failure")

    monkeypatch.setattr("flows.ingest.dedup_items", broken)
    with pytest.raises(RuntimeError, match="injected"):
        ingest(sources=[str(seed_dir)], lake=any_lake, reprocess=True)
    storage = open_storage(any_lake)
    assert not list(storage.list("_staging/"))
    assert leases.holder(storage) is None  # released: the next run need not wait
    assert lakes.stories(any_lake).equals(before)
    assert len(lakes.manifests(any_lake)) == 1


def test_a_run_whose_numbers_do_not_add_up_fails_loudly_and_publishes_nothing(any_lake, seed_dir, monkeypatch):
    """Accounting is checked per source file before anything is published: here dedup
    silently loses one story, the run fails naming the file, the lake is unchanged."""
    from flows import ingest as ingest_module
    from transforms.reading.accounting import AccountingError

    ingest(sources=[str(seed_dir)], lake=any_lake)
    before = lakes.lake_state(any_lake)
    real = ingest_module.dedup_items

    def lossy(*args, **kwargs):
        kept, duplicates = real(*args, **kwargs)
        return kept.slice(1), duplicates

    monkeypatch.setattr(ingest_module, "dedup_items", lossy)
    with pytest.raises(AccountingError, match=r"items in \d+ != stories"):
        ingest(sources=[str(seed_dir)], lake=any_lake, reprocess=True)
    assert lakes.lake_state(any_lake) == before
    assert len(lakes.manifests(any_lake)) == 1
    assert leases.holder(open_storage(any_lake)) is None


def test_a_batch_of_one_story_files_is_staged_in_chunks_not_file_by_file(tmp_path):
    """A feed of one story per file (most NewsML-G2 and NITF deliveries): the batch's
    parsed rows are gathered across files into chunks of ``chunk_rows``, so the
    staging area gets one object per chunk (all its dates in it), not one per file
    or per date."""
    from datetime import UTC, datetime

    from flows.demo import write_dump
    from flows.tasks import extract_batch
    from lake.storage import list_source

    raw = tmp_path / "raw"
    write_dump(raw)
    dpa = [o for o in list_source(str(raw / "dpa")) if "broken" not in o.key]  # 24 files, 4 dates
    lake = tmp_path / "lake"
    results, view, _, _, index = extract_batch.fn(dpa, None, "run-x", datetime.now(UTC), str(lake), 0, chunk_rows=10)
    assert len(results) == len(dpa) == view.height == 24
    staged = sorted(p.relative_to(lake / "_staging" / "run-x").as_posix()
                    for p in (lake / "_staging" / "run-x").rglob("*.parquet"))
    assert staged == ["00000-0000.parquet", "00000-0001.parquet", "00000-0002.parquet"]  # 10 + 10 + 4 rows
    assert view.select(pl.col("_loc").n_unique()).item() == len(staged)
    # each object holds its chunk's items of every date, sorted by date
    dates = [pl.read_parquet(lake / "_staging" / "run-x" / name)["date"] for name in staged]
    assert [d.len() for d in dates] == [10, 10, 4]
    assert all(d.is_sorted(nulls_last=True) for d in dates) and sum(d.n_unique() > 1 for d in dates) >= 1
    # the index of what was staged where: the view's items by file, format, date and object
    assert index["len"].sum() == 24 and index["_loc"].n_unique() == len(staged)


def test_run_ids_sort_by_start_time_within_one_second():
    from datetime import UTC, datetime

    from flows.ingest import new_run_id
    from lake.ledger import RUN_ID

    times = [datetime(2026, 12, 2, 4, 46, 51, us, tzinfo=UTC) for us in (0, 1, 15, 999_999)]
    for _ in range(20):  # the random digits never reorder them
        ids = [new_run_id(t) for t in times]
        assert ids == sorted(ids) and all(RUN_ID.fullmatch(i) for i in ids)


def test_the_extract_task_gives_the_same_in_a_pool_process(tmp_path):
    """With ``processes`` the extract task's work runs in a process of the extract
    pool (another pid), and hands back the same accounting, dedup view and
    signatures as in the task's own thread."""
    import os
    from datetime import UTC, datetime

    from flows import extracting
    from flows.demo import write_dump
    from flows.tasks import extract_batch
    from lake.storage import list_source

    raw = tmp_path / "raw"
    write_dump(raw)
    objects = list_source(str(raw))
    now = datetime.now(UTC)
    try:
        runs = [extract_batch.fn(objects, None, "run-x", now, str(tmp_path / f"lake-{mode}"), 0, 50,
                                 processes=mode == "pool") for mode in ("thread", "pool")]
    finally:
        extracting.shutdown_pool()
    (r1, v1, s1, w1, i1), (r2, v2, s2, w2, i2) = runs
    assert w1.endswith(f":{os.getpid()}") and not w2.endswith(f":{os.getpid()}")
    assert [(r.source_uri, r.items_in, len(r.rows), r.rejects) for r in r1] == \
        [(r.source_uri, r.items_in, len(r.rows), r.rejects) for r in r2]
    assert v1.height > 20
    assert v1.drop("_loc").with_columns(pl.col(pl.Categorical).cast(pl.String)).equals(
        v2.drop("_loc").with_columns(pl.col(pl.Categorical).cast(pl.String)))
    assert (s1 == s2).all()
    assert i1["len"].sum() == i2["len"].sum() == v1.height


def test_a_run_in_the_process_pool_writes_the_same_lake(tmp_path, monkeypatch):
    """With the run's pool (``WIRELAKE_EXTRACT=processes``: extract and, on disk, the
    publishing tasks work in its processes) the lake is the one the threads write."""
    from flows import extracting
    from flows.demo import write_dump

    raw = tmp_path / "raw"
    write_dump(raw)
    lakes_by_mode = {}
    try:
        for mode in ("threads", "processes"):
            monkeypatch.setenv("WIRELAKE_EXTRACT", mode)
            lake = str(tmp_path / f"lake-{mode}")
            manifest = ingest(sources=[str(raw)], lake=lake, partitions_per_task=3)
            assert manifest["totals"]["stories"] > 20
            assert (len(manifest["extract_workers"]) > 0 and
                    all(not w.endswith(f":{os.getpid()}") for w in manifest["extract_workers"])) == \
                (mode == "processes")
            lakes_by_mode[mode] = lakes.lake_state(lake)
    finally:
        extracting.shutdown_pool()
    assert lakes_by_mode["threads"] == lakes_by_mode["processes"]


def test_a_pool_writer_whose_run_died_publishes_nothing(tmp_path):
    """A publishing task in a pool process is told the run's pid: when that process is
    gone (its parent is another), the writer stops before its first part and leaves
    nothing of its block behind."""
    import datetime as dt

    from flows import publishing

    lake = str(tmp_path / "lake")
    lease = leases.acquire(lake, "run-a", wait=0)
    try:
        parts = [(dt.date(2026, 1, d), pl.DataFrame({"x": [d]})) for d in (1, 2)]
        storage = open_storage(lake)
        with pytest.raises(leases.LeaseLost, match="gone"):
            publishing._publish_each(storage, lease.token, parts,
                                     lambda value, df: storage.put(f"t/{value}", b"x"), parent=os.getppid() + 1)
        assert list(storage.list("t/")) == []
        keys = publishing._publish_each(storage, lease.token, parts,
                                        lambda value, df: storage.put(f"t/{value}", b"x") or f"t/{value}",
                                        parent=os.getppid())
        assert keys == ["t/2026-01-01", "t/2026-01-02"] and storage.exists("t/2026-01-02")
    finally:
        lease.release()
