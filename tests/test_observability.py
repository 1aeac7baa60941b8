"""Every flow run publishes its summary as a Prefect artifact, with the tables the CLI prints.

Invariant: the artifact of a flow run, read back from the Prefect API, holds the
same table rows as the CLI's summary of that run, and they add up
(items in = stories + duplicates + skipped + rejects).
"""

from __future__ import annotations

import os
import re

import pytest

from flows.backfill import backfill
from flows.compact import compact
from flows.demo import write_dump
from flows.ingest import ingest
from flows.summary import format_backfill, format_summary


def _artifacts(flow_run_id) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))


def _md_rows(markdown: str) -> list[list[str]]:
    """The rows of every markdown table, headers too (not the rules under them)."""
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in markdown.splitlines()
            if line.startswith("|") and not re.fullmatch(r"\|(---\|)+", line)]


def _text_rows(text: str) -> list[list[str]]:
    """The rows of the CLI's tables: two spaces or more part the columns."""
    return [re.split(r" {2,}", line.strip()) for line in text.splitlines()
            if line.startswith("  ") and not set(line.strip()) <= set("- ")]


def _is_row_of(row: list[str], rows: list[list[str]]) -> bool:
    return [c for c in row if c] in [[c for c in r if c] for r in rows]


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_run_publishes_its_summary_table(tmp_path):
    raw = tmp_path / "raw"
    write_dump(raw)
    state = ingest(sources=[str(raw)], lake=str(tmp_path / "lake"), return_state=True)
    manifest = state.result()
    (artifact,) = [a for a in _artifacts(state.state_details.flow_run_id) if a.key == "wirelake-run-summary"]
    assert artifact.type == "markdown" and manifest["run_id"] in artifact.description
    md_rows = _md_rows(artifact.data)
    text = format_summary(manifest)
    text_rows = _text_rows(text)
    # every row of the artifact's tables is a row the CLI prints, and the other way round
    assert md_rows and all(_is_row_of(r, text_rows) for r in md_rows)
    assert all(_is_row_of(r, md_rows) for r in text_rows[1:])  # the first is the totals line
    counts = {r[0]: int(r[1]) for r in md_rows if len(r) == 2 and r[1].isdigit()}
    assert counts["items in"] == 80 == counts["stories"] + counts["duplicates"] + counts["skipped"] + counts["rejects"]
    assert ["exact", "7"] in md_rows and ["malformed_xml", "1"] in md_rows  # by reason
    assert any(r[0] == "newsml_g2" and r[-5:] == ["100%"] * 5 for r in md_rows)  # fill rates
    assert {r[0] for r in md_rows} >= {"list", "extract_normalize", "dedup", "write"}  # stage timings
    assert set(manifest["cpu_s"]) == set(manifest["timings_s"])  # and the CPU of each
    assert 0 < sum(manifest["cpu_s"].values()) <= 2 * (os.cpu_count() or 1) * sum(manifest["timings_s"].values())


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_and_compact_publish_theirs(tmp_path):
    raw = tmp_path / "raw"
    write_dump(raw)
    lake = str(tmp_path / "lake")
    state = backfill(sources=[str(raw)], lake=lake, start="2026-11-01", end="2026-11-30", return_state=True)
    report = state.result()
    found = _artifacts(state.state_details.flow_run_id)
    by_key: dict = {}
    for a in found:
        by_key.setdefault(a.key, []).append(a)
    assert len(by_key["wirelake-run-summary"]) == len(report["chunks"]) == 4  # one per committed chunk
    (summary,) = by_key["wirelake-backfill-summary"]
    assert all(_is_row_of(r, _text_rows(format_backfill(report))) for r in _md_rows(summary.data))
    (progress,) = by_key["wirelake-backfill-progress"]
    assert progress.type == "progress" and float(progress.data) == 100.0
    state = compact(lake=lake, return_state=True)
    (art,) = [a for a in _artifacts(state.state_details.flow_run_id) if a.key == "wirelake-compact-summary"]
    assert "stories" in art.data and "rejects" in art.data


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_reports_its_progress_stage_by_stage(tmp_path):
    """Invariant: progress events come in stage order (extract, dedup, write, commit),
    never count backwards, and end on the run's own figures: every listed object
    read, the manifest's items in and stories, every planned partition written."""
    from flows.progress import PROGRESS_HOOKS

    write_dump(tmp_path / "raw")
    events: list[dict] = []
    PROGRESS_HOOKS.append(events.append)
    try:
        manifest = ingest(sources=[str(tmp_path / "raw")], lake=str(tmp_path / "lake"), batch_files=4)
    finally:
        PROGRESS_HOOKS.remove(events.append)
    order = ["extract", "dedup", "write", "commit"]
    stages = [e["stage"] for e in events]
    assert sorted(set(stages), key=order.index) == order
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)
    for key in ("objects_done", "items_done", "partitions_done"):
        assert [e[key] for e in events] == sorted(e[key] for e in events), key
    last = events[-1]
    assert last["objects_done"] == last["objects_total"] == manifest["listed_objects"]
    assert last["items_done"] == manifest["totals"]["items_in"]
    assert last["stories"] == manifest["totals"]["stories"]
    assert last["partitions_done"] == last["partitions_total"] >= len(manifest["outputs"]["stories"]) > 0
    assert len({e["objects_done"] for e in events}) > 2  # it moved during extract, batch by batch
