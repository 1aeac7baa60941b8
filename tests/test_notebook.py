"""notebooks/explore.ipynb runs, on the demo lake on disk and on SeaweedFS, and what it
prints agrees with the lake read directly (the analysts' notebook cannot rot)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from pathlib import Path

import nbformat
import polars as pl
import pytest
from nbclient import NotebookClient

from flows.cli import run_ingest
from flows.demo import write_dump
from lake.storage import S3Storage, open_storage
from tests import lakes

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 60  # seconds per cell
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory, prefect_harness) -> str:
    """The ``make demo`` lake (``ROOT/demo/lake``), ingested once for this module."""
    out = tmp_path_factory.mktemp("checkout") / "demo"
    write_dump(out / "raw")
    assert run_ingest([str(out / "raw")], str(out / "lake"), None) == 0
    return str(out / "lake")


def run_notebook(lake: str | None, env: dict[str, str] | None = None,
                 notebook: Path = NOTEBOOK) -> dict[str, nbformat.NotebookNode]:
    """Execute ``notebook`` in a fresh ``python3`` kernel (cwd: the notebook's directory)
    with ``WIRELAKE_LAKE=lake`` (None: unset) and ``env``; the kernel is shut down at the
    end, failed or not. Returns the code cells by tag; a cell that raised fails the test."""
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells), \
        "the committed notebook keeps no outputs"
    kernel_env = {**os.environ, **(env or {})}
    kernel_env.pop("WIRELAKE_LAKE", None)
    if lake is not None:
        kernel_env["WIRELAKE_LAKE"] = lake
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, startup_timeout=60, kernel_name="python3",
                            allow_errors=True, resources={"metadata": {"path": str(notebook.parent)}})
    client.execute(env=kernel_env)
    assert client.km is None  # nbclient shut the kernel down
    cells = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                trace = ANSI.sub("", "\n".join(out.traceback))
                pytest.fail(f"cell {cell.metadata.get('tags')} raised {out.ename}: {out.evalue}\n{trace}")
        assert cell.execution_count is not None, cell.source
        (tag,) = cell.metadata["tags"]
        cells[tag] = cell
    assert set(cells) == {"settings", "polars-range", "polars-providers", "duckdb", "chart",
                          "duplicates", "story", "manifest"}
    return cells


def text(cell) -> str:
    """What a cell showed as text: its printed streams and its results' text/plain."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out and "text/plain" in out.data:
            parts.append(out.data["text/plain"] + "\n")
    return "".join(parts)


def table(cell) -> list[tuple[str, ...]]:
    """The data rows of the polars frame or DuckDB relation a cell displayed (box drawing)."""
    lines = text(cell).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("╞", "├")))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("└"):
            return rows
        rows.append(tuple(c.strip() for c in re.split("[│┆]", line)[1:-1]))
    raise AssertionError(f"no end of table in {text(cell)!r}")


def grab(pattern: str, cell) -> tuple[str, ...]:
    found = re.search(pattern, text(cell))
    assert found, f"{pattern!r} not in the output of {cell.metadata['tags']}: {text(cell)!r}"
    return found.groups()


def counts(df: pl.DataFrame, *by: str) -> list[tuple[str, ...]]:
    return [tuple(map(str, row)) for row in df.group_by(*by).len().sort(*by).rows()]


def check_outputs(cells: dict, lake: str) -> None:
    """Every number and row the notebook showed, against the lake read directly."""
    stories = lakes.stories(lake)
    duplicates = lakes.read_table(lake, "duplicates")
    assert stories.height and duplicates.height  # something to compare

    shown_lake = lake if lake.startswith("s3://") else str(Path(lake).resolve())
    assert f"lake: {shown_lake}\n" in text(cells["settings"])

    total, in_range, first, last = grab(r"stories: (\d+) in the lake, (\d+) from (\S+) to (\S+)\n",
                                        cells["polars-providers"])
    last_day = stories["date"].max()
    assert (int(total), dt.date.fromisoformat(last)) == (stories.height, last_day)
    assert dt.date.fromisoformat(first) == last_day - dt.timedelta(days=2)
    recent = stories.filter(pl.col("date").is_between(last_day - dt.timedelta(days=2), last_day))
    assert 0 < recent.height < stories.height  # the date filter did something
    assert int(in_range) == recent.height
    assert table(cells["polars-providers"]) == counts(recent, "provider")
    shown = [row[:2] for row in table(cells["polars-range"])]
    assert shown == [(str(d), p) for d, p in
                     recent.sort("date", "provider", "published_at").select("date", "provider").head(10).rows()]

    assert table(cells["duckdb"]) == counts(stories, "provider", "source_format")

    pngs = [out.data["image/png"] for out in cells["chart"].outputs if "image/png" in out.get("data", {})]
    assert len(pngs) == 1 and base64.b64decode(pngs[0]).startswith(b"\x89PNG\r\n\x1a\n")

    assert grab(r"duplicates: (\d+)\n", cells["duplicates"]) == (str(duplicates.height),)
    assert [row[:2] for row in table(cells["duplicates"])] == counts(duplicates, "reason")

    longest = stories.with_columns(n=pl.col("body").str.len_chars()).sort(
        "n", "story_id", descending=[True, False], nulls_last=True).row(0, named=True)
    shown = text(cells["story"])
    assert grab(r" story_id: (\S+)\n", cells["story"]) == (longest["story_id"],)
    assert f" headline: {longest['headline']}\n" in shown
    assert shown.endswith(f"body ({longest['n']} characters):\n{longest['body']}\n")

    latest = max(lakes.manifests(lake), key=lambda m: m["run_id"])
    t = latest["totals"]
    assert grab(r"latest run (\S+) .*: (\d+) files, (\d+) items in: (\d+) stories, (\d+) duplicates, "
                r"(\d+) skipped, (\d+) rejects\n", cells["manifest"]) == tuple(map(str, (
                    latest["run_id"], t["files"], t["items_in"], t["stories"], t["duplicates"],
                    t["skipped"], t["rejects"])))


def test_notebook_on_the_demo_lake(demo_lake):
    check_outputs(run_notebook(demo_lake), demo_lake)


def test_notebook_defaults_to_the_demo_lake_beside_it(demo_lake):
    """Without WIRELAKE_LAKE it reads ../demo/lake from its own directory (``make demo``
    then open the notebook): a copy in ROOT/notebooks/ beside the demo lake in ROOT/demo/."""
    copy = Path(demo_lake).parents[1] / "notebooks" / NOTEBOOK.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(NOTEBOOK.read_bytes())
    check_outputs(run_notebook(None, notebook=copy), demo_lake)


@pytest.mark.s3
def test_notebook_on_an_s3_lake(demo_lake, seaweed, s3_lake):
    source, target = open_storage(demo_lake), open_storage(s3_lake)
    assert isinstance(target, S3Storage)
    target.ensure_bucket()
    for obj in source.list():
        target.put(obj.key, source.get(obj.key))
    check_outputs(run_notebook(s3_lake, seaweed.env()), s3_lake)
