"""A run with more items than one dedup may hold (``WIRELAKE_RUN_ITEMS``) deduplicates
in groups of dates, each with its window: the lake and the accounting are those of
the same run deduplicated at once (flows/ingest.py ``_ingest_in_groups``), but for
the ``shared_boilerplate`` flag of stories, counted among the items one dedup sees
(a paragraph in 8 stories of the window), as it is for daily runs."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from bench.wire_corpus import generate
from flows.ingest import _date_groups, ingest
from tests import lakes

pytestmark = pytest.mark.usefixtures("prefect_harness")

FILES = 6
WINDOW = 3  # the corpus spreads 30 days; its related items lie within a day or two


@pytest.fixture(scope="module")
def raw_files(tmp_path_factory) -> list[Path]:
    items, _ = generate(300, seed=23)
    rng = random.Random(3)
    shards: list[list[dict]] = [[] for _ in range(FILES)]
    for item in items:
        shards[rng.randrange(FILES)].append(item)
    root = tmp_path_factory.mktemp("raw")
    paths = []
    for i, shard in enumerate(shards):
        path = root / f"feed-{i:02d}.jsonl"
        path.write_text("".join(json.dumps(x) + "\n" for x in shard))
        paths.append(path)
    return paths


def _run(lake: str, files: list[Path], **kw) -> dict:
    return ingest(sources=[str(p) for p in files], lake=lake, window_days=WINDOW, **kw)


def _same_run(a: dict, b: dict) -> None:
    for key in ("totals", "duplicates_by_reason", "skipped_by_reason", "rejects_by_reason",
                "by_format", "stories_by_day_provider"):
        assert a[key] == b[key], key
    assert a["files"] == b["files"]
    assert {k: sorted(v) if isinstance(v, list) else v for k, v in a["outputs"].items() if k != "manifest"} == \
        {k: sorted(v) if isinstance(v, list) else v for k, v in b["outputs"].items() if k != "manifest"}


def _lake(lake: str) -> dict:
    state = lakes.lake_state(lake)
    state["stories"] = lakes.read_table(lake, "stories").drop("run_id", "ingested_at", "shared_boilerplate") \
        .sort("story_id").rows()
    return state


@pytest.fixture(scope="module")
def at_once(raw_files, tmp_path_factory) -> tuple[dict, dict]:
    lake = str(tmp_path_factory.mktemp("once") / "lake")
    manifest = _run(lake, raw_files)
    assert manifest.get("dedup_groups") is None  # deduplicated at once
    return manifest, _lake(lake)


def test_a_run_in_groups_of_dates_gives_the_lake_of_one_dedup(raw_files, at_once, tmp_path, monkeypatch):
    monkeypatch.setenv("WIRELAKE_RUN_ITEMS", "40")  # about 10 items a day: a group is a date or two
    lake = str(tmp_path / "lake")
    manifest = _run(lake, raw_files)
    assert manifest["dedup_groups"] >= 10
    t = manifest["totals"]
    assert t["items_in"] == 300 == t["stories"] + t["duplicates"] + t["skipped"] + t["rejects"]
    assert t["duplicates"] > 50  # the corpus holds versions, copies and near-copies
    _same_run(manifest, at_once[0])
    assert _lake(lake) == at_once[1]


def test_groups_on_a_lake_that_holds_items_and_a_reprocess(raw_files, at_once, tmp_path, monkeypatch):
    """Cross-run dedup, and reading everything again, in groups: the same lake."""
    lake = str(tmp_path / "lake")
    _run(lake, raw_files[:3])
    monkeypatch.setenv("WIRELAKE_RUN_ITEMS", "40")
    second = _run(lake, raw_files[3:])
    assert second["dedup_groups"] >= 10
    assert _lake(lake) == at_once[1]
    again = _run(lake, raw_files, reprocess=True)
    assert again["dedup_groups"] >= 10 and again["totals"] == at_once[0]["totals"]
    assert _lake(lake) == at_once[1]


def test_date_groups_bound_the_items_of_each_window():
    d = [date(2026, 1, k) for k in range(1, 11)]
    per_date = {x: 10 for x in d}
    groups = _date_groups({*d, None}, per_date, 1, 40)
    # a window holds the group's dates and one either side: 40 items are 4 dates (3 at the edges)
    assert [len(g) for g in groups] == [3, 2, 2, 4]
    assert groups[-1][-1] is None and sorted(x for g in groups for x in g if x) == d
    for g in groups:
        dated = [x for x in g if x]
        window = [x for x in d if (dated[0] - x).days <= 1 and (x - dated[-1]).days <= 1]
        assert sum(per_date[x] for x in window) <= 40
    # one date with more than the bound is still a group of its own
    assert _date_groups({d[0], d[5]}, {d[0]: 100, d[5]: 1}, 1, 40) == [[d[0]], [d[5]]]


def test_an_extract_task_past_the_bound_hands_back_only_its_index(raw_files, tmp_path, monkeypatch):
    """A batch with more items than one dedup may hold (one large file) does not send
    its dedup view to the flow: only the index of what it staged where."""
    from datetime import UTC, datetime

    from flows.tasks import extract_batch
    from lake.storage import list_source

    objects = [o for p in raw_files for o in list_source(str(p))]
    monkeypatch.setenv("WIRELAKE_RUN_ITEMS", "40")
    results, view, sig, _, index = extract_batch.fn(objects, None, "run-x", datetime.now(UTC),
                                                    str(tmp_path / "lake"), 0, chunk_rows=25)
    assert view is None and sig is None
    assert index["len"].sum() == sum(r.items_in for r in results) == 300
    assert index["_loc"].n_unique() == len(list((tmp_path / "lake" / "_staging").rglob("*.parquet")))
