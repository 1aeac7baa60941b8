"""Run accounting: per raw file, items in = stories + duplicates + skipped + rejects.

Pure functions over the run's frames and per-file results; the flow fails the
run loudly (:class:`AccountingError`) when the numbers do not add up, because
that means an item was lost or counted twice somewhere.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import polars as pl

from schemas import PARSED, REJECTS
from transforms.extract import FileResult


class AccountingError(RuntimeError):
    """The run's numbers do not add up: a bug, never bad input."""


def parsed_frame(results: list[FileResult]) -> pl.DataFrame:
    """All parsed rows of a run, with the declared schema plus ``_source_uri``."""
    schema = pl.Schema({**PARSED.polars_schema, "_source_uri": pl.String})
    return pl.DataFrame([row for r in results for row in r.rows], schema=schema)


def rejects_frame(results: list[FileResult], run_id: str, ingested_at: datetime) -> pl.DataFrame:
    schema = pl.Schema({**{c.name: c.dtype for c in REJECTS.columns
                           if c.name not in ("run_id", "ingested_at")},
                        "_source_uri": pl.String})
    df = pl.DataFrame([row for r in results for row in r.rejects], schema=schema)
    return df.with_columns(pl.lit(run_id).alias("run_id"),
                           pl.lit(ingested_at, dtype=pl.Datetime("us", "UTC")).alias("ingested_at"))


def _count_by_source(df: pl.DataFrame, name: str) -> dict[str, int]:
    if df.height == 0:
        return {}
    counts = df.group_by("_source_uri").len(name=name)
    return dict(zip(counts["_source_uri"].to_list(), counts[name].to_list(), strict=True))


def _by(df: pl.DataFrame, col: str) -> dict[str, int]:
    if df.height == 0:
        return {}
    counts = df.group_by(col).len().sort(col)
    return dict(zip(counts[col].to_list(), counts["len"].to_list(), strict=True))


def account(results: list[FileResult], kept: pl.DataFrame, duplicates: pl.DataFrame,
            rejects: pl.DataFrame) -> dict:
    """Per-file and total counts for the manifest; raises if they do not add up."""
    stories_by = _count_by_source(kept, "stories")
    dups_by = _count_by_source(duplicates, "duplicates")
    rejects_by = _count_by_source(rejects, "rejects")
    files = []
    totals = Counter()
    skipped = Counter()
    formats = Counter()
    for r in results:
        row = {
            "uri": r.source_uri,
            "formats": dict(r.formats),
            "items_in": r.items_in,
            "stories": stories_by.get(r.source_uri, 0),
            "duplicates": dups_by.get(r.source_uri, 0),
            "skipped": sum(r.skipped.values()),
            "rejects": rejects_by.get(r.source_uri, 0),
        }
        out = row["stories"] + row["duplicates"] + row["skipped"] + row["rejects"]
        if out != row["items_in"]:
            raise AccountingError(
                f"{r.source_uri}: items in {row['items_in']} != stories {row['stories']} + "
                f"duplicates {row['duplicates']} + skipped {row['skipped']} + rejects {row['rejects']}"
            )
        files.append(row)
        totals.update({k: row[k] for k in ("items_in", "stories", "duplicates", "skipped", "rejects")})
        skipped.update(r.skipped)
        formats.update(r.formats)
    totals["files"] = len(results)
    return {
        "files": files,
        "totals": dict(totals),
        "formats": dict(sorted(formats.items())),
        "duplicates_by_reason": _by(duplicates, "reason"),
        "skipped_by_reason": dict(sorted(skipped.items())),
        "rejects_by_reason": _by(rejects, "reason"),
    }


def stories_by_day_provider(kept: pl.DataFrame) -> list[dict]:
    """Stories kept by the run, per partition date and provider."""
    if kept.height == 0:
        return []
    return (
        kept.group_by("date", "provider").len(name="stories")
        .sort("date", "provider", nulls_last=True)
        .with_columns(pl.col("date").cast(pl.String))
        .to_dicts()
    )
