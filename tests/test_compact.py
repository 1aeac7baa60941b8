"""``wirelake compact``: what the layout accumulates is undone, and nothing else
changes (on disk and on SeaweedFS)."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from bench.wire_corpus import generate
from flows.cli import main
from flows.compact import compact, month_key, previous_month
from flows.ingest import ingest
from lake import partitions as lakeio
from lake.storage import open_storage
from schemas import ITEMS
from tests import lakes

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _row_groups(storage, key: str) -> tuple[int, int]:
    meta = pq.read_metadata(io.BytesIO(storage.get(key)))
    return meta.num_row_groups, meta.num_rows


def test_fragmented_partitions_are_rewritten_whole_and_sorted(any_lake, tmp_path):
    items, _ = generate(300, seed=41)
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(6):
        (raw / f"f{i}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in items[i::6]))
    # small chunks, one file a batch: each items/ partition is merged from many pieces
    ingest(sources=[str(raw)], lake=any_lake, window_days=40, chunk_rows=10, batch_files=1)
    storage = open_storage(any_lake)
    keys = [lakeio.partition_key(ITEMS, v) for v in lakeio.list_partitions(storage, ITEMS)]
    before = {k: _row_groups(storage, k) for k in keys}
    assert any(groups > 1 for groups, _ in before.values())  # the accumulation is real
    state = lakes.lake_state(any_lake)

    report = compact(lake=any_lake)
    assert report["items"]["rewritten"] >= sum(groups > 1 for groups, _ in before.values()) > 0
    for key in keys:
        groups, rows = _row_groups(storage, key)
        assert groups == max(1, math.ceil(rows / lakeio.ROW_GROUP_ROWS)) and rows == before[key][1]
        df = lakeio.read_parquet_bytes(ITEMS, storage.get(key))
        order = df.select(list(ITEMS.sort_by))
        assert order.equals(order.sort(list(ITEMS.sort_by), nulls_last=True, maintain_order=True))
    assert lakes.lake_state(any_lake) == state  # the same rows, the same lake
    again = compact(lake=any_lake)
    assert again["items"]["rewritten"] == again["stories"]["rewritten"] == 0  # idempotent


def test_per_run_rejects_merge_into_their_month(any_lake, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    runs = []
    for i in range(3):
        (raw / f"bad-{i}.xml").write_bytes(b"<nitf><body>" + b"x" * i)  # truncated XML
        runs.append(ingest(sources=[str(raw)], lake=any_lake)["run_id"])
    storage = open_storage(any_lake)
    per_run = [o.key for o in storage.list("rejects/")]
    assert per_run == [f"rejects/{r}.parquet" for r in runs]
    state = lakes.lake_state(any_lake)
    month = datetime.now(UTC).strftime("%Y-%m")
    # this month is not finished: by default it is left alone
    assert previous_month(datetime.now(UTC)) < month
    assert compact(lake=any_lake)["rejects"]["rejects_files_merged"] == 0
    assert main(["compact", any_lake, "--rejects-through", month]) == 0
    assert ["3", month] in [line.split() for line in capsys.readouterr().out.splitlines()]  # files, months
    assert [o.key for o in storage.list("rejects/")] == [month_key(month)]
    assert lakes.lake_state(any_lake) == state
    merged = lakes.read_table(any_lake, "rejects")
    assert sorted(merged["run_id"].to_list()) == sorted(runs) and merged.height == 3
    # a new run after compaction adds its own file again; the next pass folds it in
    (raw / "bad-3.xml").write_bytes(b"<nitf><body>yyy")
    ingest(sources=[str(raw)], lake=any_lake)
    assert compact(lake=any_lake, rejects_through=month)["rejects"]["rejects_files_merged"] == 1
    assert lakes.read_table(any_lake, "rejects").height == 4
