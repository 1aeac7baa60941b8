"""Incremental ingest: the lake's ledger of consumed raw objects.

A run reads only the raw objects the ledger lacks or that changed since (size or
version); ``reprocess`` reads them all. Whatever the path, the lake ends equal to
the lake of one clean run over the same current inputs. Run on disk and on
SeaweedFS.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from bench.wire_corpus import generate, to_jsonl
from flows.ingest import ingest
from lake import ledger as ledgers
from lake import partitions as lakeio
from lake.storage import open_storage
from schemas import REJECTS
from tests import lakes

pytestmark = pytest.mark.usefixtures("prefect_harness")

WINDOW = 40  # the synthetic corpus spans about 30 days: one window holds it all


def _write(root: Path, shards: list[list[dict]]) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, shard in enumerate(shards):
        path = root / f"feed-{i:02d}.jsonl"
        path.write_bytes(to_jsonl(shard))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def shards() -> list[list[dict]]:
    items, _ = generate(240, seed=23)
    rng = random.Random(3)
    out: list[list[dict]] = [[] for _ in range(6)]
    for item in items:
        out[rng.randrange(6)].append(item)
    return out


def _clean(tmp_path: Path, raw: Path) -> dict:
    lake = str(tmp_path / f"clean-{uuid.uuid4().hex[:6]}")
    ingest(sources=[str(raw)], lake=lake, window_days=WINDOW)
    return lakes.lake_state(lake)


def test_a_run_reads_only_new_objects_and_the_lake_equals_one_run(any_lake, shards, tmp_path):
    raw = tmp_path / "raw"
    paths = _write(raw, shards)
    held = tmp_path / "later"
    held.mkdir()
    for p in paths[3:]:  # half the feed arrives later
        p.rename(held / p.name)
    first = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert first["totals"]["files"] == 3 and first["unchanged_objects"] == 0
    for p in paths[3:]:
        (held / p.name).rename(p)
    second = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert second["listed_objects"] == 6 and second["unchanged_objects"] == 3
    assert sorted(f["uri"] for f in second["files"]) == sorted(str(p) for p in paths[3:])
    third = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert third["totals"]["files"] == 0 and third["totals"]["items_in"] == 0
    assert lakes.lake_state(any_lake) == _clean(tmp_path, raw)
    # the ledger, as an analyst reads it: each object once, with the run that read it
    storage = open_storage(any_lake)
    ledger = pl.read_parquet(io.BytesIO(storage.get(ledgers.LEDGER_KEY)))
    assert ledger.height == 6 and ledger["uri"].n_unique() == 6
    assert set(ledger["run_id"]) == {first["run_id"], second["run_id"]}
    assert (ledger["items_in"] > 0).all() and ledger["item_dates"].list.len().min() > 0


def test_a_changed_object_replaces_all_its_older_items(any_lake, shards, tmp_path):
    """A feed file rewritten with fewer items, one of them re-dated: its old items
    leave items/ (a partition left with none is deleted), stories/ and duplicates/
    are re-derived, and the lake equals a clean run over the files as they are now."""
    raw = tmp_path / "raw"
    paths = _write(raw, shards)
    ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    changed = [dict(x) for x in shards[2][::2]]
    changed[0]["versioncreated"] = changed[0]["firstcreated"] = "2026-11-20T08:00:00Z"
    paths[2].write_text("".join(json.dumps(x) + "\n" for x in changed))
    os.utime(paths[2], ns=(1, 2_000_000_000_000_000_000))  # a new mtime, whatever the clock
    run = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert [f["uri"] for f in run["files"]] == [str(paths[2])]
    assert run["reread_objects"] == 1 and run["unchanged_objects"] == 5
    state = lakes.lake_state(any_lake)
    assert state == _clean(tmp_path, raw)
    uris = [r[0] for r in lakes.read_table(any_lake, "items").select("raw_uri").rows()]
    assert sum(u.startswith(f"{paths[2]}#") for u in uris) == len(changed)


def test_reprocess_reads_everything_again_and_changes_nothing(any_lake, shards, tmp_path):
    raw = tmp_path / "raw"
    _write(raw, shards[:3])
    ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    before = lakes.lake_state(any_lake)
    run = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW, reprocess=True)
    assert run["totals"]["files"] == 3 and run["reread_objects"] == 3 and run["reprocess"] is True
    assert lakes.lake_state(any_lake) == before


def test_a_run_that_died_after_its_manifest_is_folded_into_the_ledger(any_lake, shards, tmp_path):
    """The manifest is a run's commit; the ledger is written after it. If a run died
    in between, the next run takes the manifest's objects as consumed."""
    raw = tmp_path / "raw"
    _write(raw, shards[:2])
    storage = open_storage(any_lake)
    first = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    _write(raw, shards[:4])
    before_second = storage.get(ledgers.LEDGER_KEY)
    second = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    storage.put(ledgers.LEDGER_KEY, before_second)  # as if it died before its ledger write
    third = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert third["recovered"]["ledger_folded_runs"] == [second["run_id"]]
    assert third["totals"]["files"] == 0 and third["unchanged_objects"] == 4
    ledger = ledgers.load(storage)
    assert ledger.runs == {first["run_id"], second["run_id"], third["run_id"]} and not ledger.folded


def test_what_a_dead_run_left_is_cleared_by_the_next(any_lake, shards, tmp_path):
    raw = tmp_path / "raw"
    _write(raw, shards[:2])
    ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    storage = open_storage(any_lake)
    dead = "20261130T000000Z-deadbeef"
    storage.put(lakeio.staging_key(dead, "00000-0000"), b"half a run")
    reject = pl.DataFrame({"raw_uri": ["x#0"], "reason": ["no_items"], "raw_size": [1],
                           "run_id": [dead], "ingested_at": [datetime(2026, 11, 30, tzinfo=UTC)]})
    storage.put(lakeio.rejects_key(dead), lakeio.to_parquet_bytes(REJECTS, reject))
    _write(raw, shards[:3])
    run = ingest(sources=[str(raw)], lake=any_lake, window_days=WINDOW)
    assert run["recovered"]["staging_objects"] == 1
    assert run["recovered"]["uncommitted_rejects"] == [lakeio.rejects_key(dead)]
    assert not list(storage.list("_staging/"))
    assert not storage.exists(lakeio.rejects_key(dead))


def test_cli_reprocess_flag(tmp_path, shards, capsys):
    from flows.cli import main

    raw = tmp_path / "raw"
    _write(raw, shards[:2])
    lake = str(tmp_path / "lake")
    def counts(out: str) -> dict[str, str]:  # the summary's "label  count" rows
        rows = [re.split(r" {2,}", line.strip()) for line in out.splitlines()]
        return {r[0]: r[1] for r in rows if len(r) == 2}

    assert main(["ingest", str(raw), "--lake", lake]) == 0
    assert main(["ingest", str(raw), "--lake", lake]) == 0
    got = counts(capsys.readouterr().out)
    assert got["read"] == "0" and got["consumed by earlier runs, unchanged (not read)"] == "2"
    assert main(["ingest", str(raw), "--lake", lake, "--reprocess"]) == 0
    got = counts(capsys.readouterr().out)
    assert got["read"] == "2" and got["of them read before (changed, or reprocess)"] == "2"
    assert got["consumed by earlier runs, unchanged (not read)"] == "0"


def test_the_ledger_round_trips_items_without_a_date(any_lake):
    """An item with no publication date lives in the null partition: the ledger
    records it (as a null date) and reads it back."""
    storage = open_storage(any_lake)
    files = [{"uri": "/feeds/a.xml", "size": 10, "version": "7", "items_in": 2,
              "item_dates": [None, "2026-01-01"]},
             {"uri": "/feeds/gone.xml", "size": 0, "version": "1", "items_in": 1, "consumed": False}]
    ledger = ledgers.Ledger(ledgers._empty()).with_run("20260101T000000Z-00000000",
                                                       datetime(2026, 1, 1, tzinfo=UTC), files)
    ledgers.write(storage, ledger)
    back = ledgers.load(storage)
    assert back.rows["uri"].to_list() == ["/feeds/a.xml"]  # a vanished object is not consumed
    assert back.previous_dates(["/feeds/a.xml"]) == {"/feeds/a.xml": [None, date(2026, 1, 1)]}
    assert back.runs == {"20260101T000000Z-00000000"}


def test_an_object_gone_when_read_is_a_reject_and_not_consumed(tmp_path, shards, monkeypatch):
    """Listed, then deleted before it was read: a ``source_vanished`` reject, the
    accounting adds up, and the ledger does not take it as consumed."""
    from prefect import task
    from prefect.cache_policies import NO_CACHE

    import flows.ingest as ingest_module
    from lake.storage import SourceObject

    raw = tmp_path / "raw"
    _write(raw, shards[:1])
    real = ingest_module.list_inputs.fn
    gone = SourceObject(str(raw), "gone.jsonl", 10, "1")
    monkeypatch.setattr(ingest_module, "list_inputs", task(name="list-inputs", cache_policy=NO_CACHE)(
        lambda sources: [*real(sources), gone]))
    lake = str(tmp_path / "lake")
    run = ingest(sources=[str(raw)], lake=lake, window_days=WINDOW)
    assert run["rejects_by_reason"] == {"source_vanished": 1}
    t = run["totals"]
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    uris = ledgers.load(open_storage(lake)).rows["uri"].to_list()
    assert gone.uri not in uris and len(uris) == 1


def test_an_object_read_for_a_date_range_is_consumed_for_that_range_only():
    from datetime import UTC, date, datetime

    from lake.ledger import Ledger, _empty
    from lake.storage import SourceObject

    obj = SourceObject("/raw", "dump.sgm", 10, "v1")
    march = {"start": "1987-03-03", "end": "1987-03-09"}
    row = {"uri": obj.uri, "size": 10, "version": "v1", "items_in": 5, "item_dates": ["1987-03-04"],
           "covered": [march]}
    ledger = Ledger(_empty()).with_run("r1", datetime(2026, 12, 1, tzinfo=UTC), [row])
    first_week = (date(1987, 3, 3), date(1987, 3, 9))
    assert ledger.pending([obj], within=first_week)[0] == []  # consumed for that week
    assert ledger.pending([obj], within=(date(1987, 3, 5), date(1987, 3, 12)))[0] == [obj]
    todo, _, reread = ledger.pending([obj])  # a plain ingest wants all its items
    assert todo == [obj] and reread == [obj.uri]
    # the next week, read too: the ranges join, the item dates add up
    nxt = {**row, "item_dates": ["1987-03-11"], "covered": [{"start": "1987-03-10", "end": "1987-03-16"}]}
    ledger = ledger.with_run("r2", datetime(2026, 12, 2, tzinfo=UTC), [nxt])
    assert ledger.pending([obj], within=(date(1987, 3, 5), date(1987, 3, 12)))[0] == []
    assert ledger.previous_dates([obj.uri])[obj.uri] == [date(1987, 3, 4), date(1987, 3, 11)]
    # changed since: read again whatever the range
    assert ledger.pending([SourceObject("/raw", "dump.sgm", 11, "v2")], within=first_week)[0] != []
    # read whole: consumed for every range
    ledger = ledger.with_run("r3", datetime(2026, 12, 3, tzinfo=UTC), [{**row, "covered": None}])
    assert ledger.pending([obj], within=(date(1990, 1, 1), date(1990, 1, 2)))[0] == []
