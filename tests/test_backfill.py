"""The backfill flow and command: a date range, chunk by chunk, with bounded concurrency.

Invariants:
- a backfill's lake equals the lake of one ingest over the same raw objects
  (each chunk deduplicates against the lake's window, as an ingest does);
- a backfill interrupted (Ctrl-C) or killed mid-way keeps its committed chunks,
  and running it again reads only what is left and ends with the same lake;
- every chunk is one committed run whose accounting adds up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.backfill import backfill, key_date, object_day, plan_chunks
from flows.cli import EXIT_FAILED, EXIT_OK, main
from flows.ingest import ingest
from lake.storage import SourceObject, open_storage
from samples.synthetic import demo_stories, render_newsml_g2, render_reuters_web_text
from tests.lakes import lake_state, manifests, read_table

DAYS = 10


def write_dated_dump(raw: Path, days: int = DAYS, per_day: int = 4) -> dict[str, int]:
    """Raw objects under one folder per day (``<provider>/<YYYY-MM-DD>/``), with each
    day's first reuters story delivered again the next day (a cross-day duplicate),
    and one object whose key has no date (it is dated by when it was written)."""
    stories = demo_stories(seed=11, days=days, per_day=per_day)
    counts: dict[str, int] = {}
    for provider, render in (("reuters", render_reuters_web_text), ("dpa", render_newsml_g2)):
        for s in stories[provider]:
            day = f"{s.published_at:%Y-%m-%d}"
            path = raw / provider / day / f"{s.guid.rsplit(':', 1)[-1]}.{'txt' if provider == 'reuters' else 'xml'}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(s))
            counts[day] = counts.get(day, 0) + 1
    firsts: dict[str, object] = {}
    for s in stories["reuters"]:
        firsts.setdefault(f"{s.published_at:%Y-%m-%d}", s)
    for day, s in sorted(firsts.items())[:-1]:
        nxt = date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat()
        (raw / "resend" / nxt).mkdir(parents=True, exist_ok=True)
        (raw / "resend" / nxt / "again.txt").write_bytes(render_reuters_web_text(s))
    undated = raw / "misc" / "late-delivery.xml"
    undated.parent.mkdir(parents=True)
    undated.write_bytes(render_newsml_g2(stories["dpa"][0]))
    when = datetime(2026, 11, 5, 12, tzinfo=UTC).timestamp()
    os.utime(undated, (when, when))
    return counts


def test_key_date_reads_the_deepest_valid_date():
    assert key_date("reuters/2026-11-03/x.txt") == date(2026, 11, 3)
    assert key_date("raw/2026/11/03/x.xml") == date(2026, 11, 3)
    assert key_date("dpa_2026_11_03.xml") == date(2026, 11, 3)
    assert key_date("feed/20261103/a.txt") == date(2026, 11, 3)
    assert key_date("2026-10-31/redo/2026-11-01/a.txt") == date(2026, 11, 1)  # the deepest one
    assert key_date("ids/1202611031/a.txt") is None  # inside a longer run of digits
    assert key_date("x/2026-02-30/a.txt") is None  # not a date
    assert key_date("a.txt") is None


def test_plan_chunks_dates_by_key_then_by_modification_time():
    nov5 = datetime(2026, 11, 5, 23, 59, tzinfo=UTC).timestamp()
    objs = [SourceObject("/r", "a/2026-11-02/x", 1, "1"), SourceObject("/r", "a/2026-11-03/x", 1, "1"),
            SourceObject("/r", "b/late.xml", 1, "1", nov5), SourceObject("/r", "a/2026-12-01/x", 1, "1"),
            SourceObject("/r", "b/nodate.xml", 1, "1")]
    assert object_day(objs[2]) == (date(2026, 11, 5), "modified")
    plan, counts = plan_chunks(objs, date(2026, 11, 1), date(2026, 11, 30), chunk_days=3)
    assert [(a.isoformat(), b.isoformat(), [o.key for o in objs]) for a, b, objs in plan] == [
        ("2026-11-01", "2026-11-03", ["a/2026-11-02/x", "a/2026-11-03/x"]),
        ("2026-11-04", "2026-11-06", ["b/late.xml"])]
    assert counts == {"dated_by_key": 2, "dated_by_modified": 1, "outside_range": 2}
    with pytest.raises(ValueError):
        plan_chunks(objs, date(2026, 11, 1), date(2026, 11, 30), chunk_days=0)


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_equals_one_ingest_and_commits_a_run_per_day(tmp_path):
    raw = tmp_path / "raw"
    per_day = write_dated_dump(raw)
    single, filled = str(tmp_path / "single"), str(tmp_path / "filled")
    ingest(sources=[str(raw)], lake=single)
    # a day outside the range, in a source only the backfill lists: never read
    (tmp_path / "later" / "2027-01-05").mkdir(parents=True)
    (tmp_path / "later" / "2027-01-05" / "a.txt").write_bytes(b"not read")
    report = backfill(sources=[str(raw), str(tmp_path / "later")], lake=filled, start="2026-11-01",
                      end="2026-11-30", concurrency=3)
    assert lake_state(filled) == lake_state(single)
    assert report["outside_range"] == 1 and report["dated_by_modified"] == 1
    days = sorted(set(per_day) | {"2026-11-05"})
    assert [c["chunk"] for c in report["chunks"]] == days
    runs = {m["run_id"]: m for m in manifests(filled)}
    assert sorted(runs) == sorted(report["runs"]) and len(runs) == DAYS
    for m in runs.values():
        t = m["totals"]
        assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
        assert m["backfill"]["backfill_id"] == report["backfill_id"]
    t = report["totals"]
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert t["files"] == sum(per_day.values()) + DAYS  # the resends and the undated object: all read once
    # the DAYS-1 next-day resends and the undated re-delivery (which copy is kept does not
    # depend on the order the runs came in, so a later run may demote an earlier story)
    assert read_table(filled, "duplicates").height == DAYS
    # a second backfill of the same range reads nothing: the ledger has it all
    again = backfill(sources=[str(raw)], lake=filled, start="2026-11-01", end="2026-11-30")
    assert again["chunks"] == [] and again["unchanged_objects"] == report["totals"]["files"]
    assert lake_state(filled) == lake_state(single)


def _env(tmp_path: Path) -> dict[str, str]:
    from prefect.settings import get_current_settings

    return dict(os.environ, PREFECT_API_URL=str(get_current_settings().api.url), WIRELAKE_LEASE_TTL="4",
                PYTHONPATH=str(Path(__file__).resolve().parents[1]))


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_backfill_goes_on_when_run_again(tmp_path, how):
    raw = tmp_path / "raw"
    write_dated_dump(raw)
    single, filled = str(tmp_path / "single"), tmp_path / "filled"
    ingest(sources=[str(raw)], lake=single)
    cmd = [sys.executable, "-m", "flows.cli", "backfill", str(raw), "--lake", str(filled),
           "--start", "2026-11-01", "--end", "2026-11-30", "--concurrency", "1"]
    proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not list((filled / "runs").glob("*.json")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no chunk committed in time"
        time.sleep(0.02)
    proc.send_signal(how)
    out, err = proc.communicate(timeout=120)
    committed = len(list((filled / "runs").glob("*.json")))
    assert 1 <= committed < DAYS, (
        f"the backfill committed {committed} of {DAYS} chunks, exit {proc.returncode}, before the signal "
        f"took effect: nothing was tested; its stderr ends: {err.decode()[-2000:]}")
    if how == signal.SIGINT:
        assert proc.returncode == 130, err.decode()[-3000:]
        assert b"run the same command again" in err
    # run the same backfill again: it reads only the chunks that were not committed
    report = backfill(sources=[str(raw)], lake=str(filled), start="2026-11-01", end="2026-11-30")
    assert len(report["chunks"]) + committed == DAYS  # a chunk cut short is read again, whole
    assert report["unchanged_objects"] > 0
    assert lake_state(str(filled)) == lake_state(single)


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_command_shows_progress_and_summary(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_dated_dump(raw, days=3, per_day=2)
    assert main(["backfill", str(raw), "--lake", str(tmp_path / "L"), "--start", "2026-11-01",
                 "--end", "2026-11-04", "--concurrency", "2"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "3/3" in captured.err  # the progress bar, at its end: chunks done of chunks
    rows = [line.split() for line in captured.out.splitlines()]
    assert ["outside", "the", "range", "(not", "read)", "1"] in rows  # the undated object, written Nov 5
    assert sum(1 for r in rows if r and r[0].startswith("2026-11-0")) == 3  # one row per chunk
    assert main(["backfill", str(raw), "--lake", str(tmp_path / "L"), "--start", "2026-11-03",
                 "--end", "2026-11-01"]) == EXIT_FAILED
    assert "before --start" in capsys.readouterr().err
    assert not list(open_storage(str(tmp_path / "L")).list("_staging/"))


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_by_published_date_of_an_archive_without_dates_in_its_keys(tmp_path):
    """Reuters-21578: 22 SGML files whose names carry no date, modified when copied here.
    By delivery, a backfill of March 1987 reads nothing and says why; by publication
    date it reads them and its lake equals one ingest of the same files restricted to
    those dates; run again, it reads nothing (the ledger remembers the range)."""
    from tests.corpora import corpus_path

    reuters = str(corpus_path("reuters21578"))
    start, end = "1987-03-03", "1987-03-09"
    by_delivery = backfill(sources=[reuters], lake=str(tmp_path / "delivery"), start=start, end=end)
    assert by_delivery["chunks"] == [] and "--by published" in by_delivery["nothing_read"]
    assert not (tmp_path / "delivery" / "runs").exists()

    single, filled = str(tmp_path / "single"), str(tmp_path / "filled")
    one = ingest(sources=[reuters], lake=single, published_start=start, published_end=end)
    report = backfill(sources=[reuters], lake=filled, start=start, end=end, by="published")
    state = lake_state(filled)
    assert state == lake_state(single)
    stories = read_table(filled, "stories")
    assert stories.height > 1000  # a week of 1987 Reuters wires
    assert stories["date"].min() >= date(1987, 3, 3) and stories["date"].max() <= date(1987, 3, 9)
    assert read_table(filled, "duplicates").height == one["totals"]["duplicates"] > 0
    t = report["totals"]
    assert t["items_in"] == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert t["stories"] == one["totals"]["stories"] and t["skipped"] == one["totals"]["skipped"]

    again = backfill(sources=[reuters], lake=filled, start=start, end=end, by="published")
    assert again["chunks"] == [] and again["unchanged_objects"] == t["files"]
    assert "already consumed" in again["nothing_read"]
    assert lake_state(filled) == state
    # a plain ingest afterwards reads the files again (only a week of them is in) and takes all
    whole = ingest(sources=[reuters], lake=filled)
    assert whole["totals"]["files"] == t["files"]
    assert read_table(filled, "stories")["date"].min() < date(1987, 3, 3)
