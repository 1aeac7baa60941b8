"""What the lake has consumed: the ledger, and what a run does before it reads.

``LAKE/ledger/consumed.parquet`` holds one row per raw object the lake has read
(its URI, size and version when read, the run, the dates of the items/
partitions its items went to). A run reads only the listed objects the ledger
lacks or that changed since (another size or version); ``reprocess`` reads all.

A run commits with its manifest (``runs/<run_id>.json``): the partitions, then
the rejects, then the manifest, then the ledger, each one atomic write, all
under the lake's lease (lake/lease.py). The ledger is thus a summary of the
manifests: if a run died between its manifest and its ledger write, the next
run folds that manifest in (:func:`load`). The runs it covers are named in the
ledger file's metadata.

Before anything else a run that holds the lease clears what dead runs left
(:func:`recover`): their staging objects, and rejects written by a run that
never wrote its manifest (the run did not commit, its inputs are read again).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import polars as pl
import pyarrow.parquet as pq

from lake import partitions as lakeio
from lake.storage import SourceObject, Storage
from schemas import LEDGER

LEDGER_KEY = "ledger/consumed.parquet"
RUNS_METADATA = b"wirelake.ledger_runs"
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")  # what flows.ingest names its runs


@dataclass
class Ledger:
    rows: pl.DataFrame
    runs: set[str] = field(default_factory=set)
    folded: list[str] = field(default_factory=list)  # runs whose manifest was folded in on load

    def pending(self, listed: list[SourceObject], reprocess: bool = False,
                within: tuple[date, date] | None = None
                ) -> tuple[list[SourceObject], list[SourceObject], list[str]]:
        """``listed`` split into the objects to read (new, changed, or all with
        ``reprocess``) and those the lake already consumed unchanged; and the URIs
        of the objects to read that an earlier run read (their older items go).

        An object read before for date ranges only (``covered``) counts as consumed
        only for a run that wants its items of ``within`` and those ranges hold it."""
        seen = dict(zip(self.rows["uri"].to_list(),
                        zip(self.rows["size"].to_list(), self.rows["version"].to_list(),
                            self.rows["covered"].to_list(), strict=True),
                        strict=True))
        todo, done = [], []
        for obj in listed:
            size, version, covered = seen.get(obj.uri, (None, None, None))
            unchanged = (not reprocess and (size, version) == (obj.size, obj.version)
                         and (covered is None or (within is not None and _covers(covered, within))))
            (done if unchanged else todo).append(obj)
        return todo, done, [o.uri for o in todo if o.uri in seen]

    def previous_dates(self, uris: list[str]) -> dict[str, list[date] | None]:
        """For objects read before: the items/ dates their earlier items went to
        (None: not recorded, the object was read before the ledger kept dates)."""
        if self.rows.height == 0 or not uris:
            return {}
        hit = self.rows.filter(pl.col("uri").is_in(pl.Series(uris, dtype=pl.String).implode()))
        return dict(zip(hit["uri"].to_list(), hit["item_dates"].to_list(), strict=True))

    def with_run(self, run_id: str, started: datetime, files: list[dict]) -> Ledger:
        """The ledger once the run's consumed ``files`` (manifest rows) are in. An object
        read again for date ranges only, unchanged, adds those ranges (and its item
        dates) to what it had: its items of other dates are still in the lake."""
        new = _rows(run_id, started, files)
        if new.height == 0:
            return Ledger(self.rows, self.runs | {run_id})
        old = self.rows.filter(pl.col("uri").is_in(new["uri"].implode()))
        if old.height:
            before = {r["uri"]: r for r in old.iter_rows(named=True)}
            merged = []
            for r in new.iter_rows(named=True):
                prior = before.get(r["uri"])
                if prior is not None and r["covered"] is not None \
                        and (prior["size"], prior["version"]) == (r["size"], r["version"]):
                    r["covered"] = None if prior["covered"] is None else _union(prior["covered"] + r["covered"])
                    dates = {*(prior["item_dates"] or []), *(r["item_dates"] or [])}
                    r["item_dates"] = sorted(dates, key=lambda d: (d is None, d or date.min))
                merged.append(r)
            new = pl.DataFrame(merged, schema=new.schema)
        rows = pl.concat([self.rows.filter(~pl.col("uri").is_in(new["uri"].implode())), new], how="vertical")
        return Ledger(rows.sort("uri"), self.runs | {run_id})


def _union(ranges: list[dict]) -> list[dict]:
    """Date ranges (``start``, ``end``, inclusive) merged where they overlap or touch."""
    out: list[dict] = []
    for r in sorted(ranges, key=lambda r: r["start"]):
        if out and r["start"] <= out[-1]["end"] + timedelta(days=1):
            out[-1] = {"start": out[-1]["start"], "end": max(out[-1]["end"], r["end"])}
        else:
            out.append(dict(r))
    return out


def _covers(covered: list[dict], within: tuple[date, date]) -> bool:
    return any(r["start"] <= within[0] and within[1] <= r["end"] for r in _union(covered))


def _rows(run_id: str, started: datetime | str, files: list[dict]) -> pl.DataFrame:
    consumed = [f for f in files if f.get("consumed", True) and f.get("size") is not None]
    if isinstance(started, str):
        started = datetime.fromisoformat(started)
    df = pl.DataFrame({
        "uri": [f["uri"] for f in consumed],
        "size": [f["size"] for f in consumed],
        "version": [str(f["version"]) for f in consumed],
        "run_id": [run_id] * len(consumed),
        "consumed_at": [started] * len(consumed),
        "items_in": [f.get("items_in", 0) for f in consumed],
        "item_dates": [None if f.get("item_dates") is None else
                       [None if d is None else date.fromisoformat(d) for d in f["item_dates"]]
                       for f in consumed],
        "covered": [None if f.get("covered") is None else
                    [{"start": date.fromisoformat(r["start"]), "end": date.fromisoformat(r["end"])}
                     for r in f["covered"]] for f in consumed],
    }, schema={c.name: c.dtype for c in LEDGER.columns})
    return df


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: c.dtype for c in LEDGER.columns})


def run_ids(storage: Storage) -> list[str]:
    """Ids of the runs that committed (wrote their manifest), in id (time) order."""
    return [o.key.removeprefix("runs/").removesuffix(".json") for o in storage.list("runs/")
            if o.key.endswith(".json")]


def load(storage: Storage) -> Ledger:
    """The lake's ledger, with any committed run it misses folded in from its manifest."""
    try:
        data = storage.get(LEDGER_KEY)
    except FileNotFoundError:
        rows, runs = _empty(), set()
    else:
        meta = pq.read_schema(io.BytesIO(data)).metadata or {}
        runs = set(json.loads(meta.get(RUNS_METADATA, b"[]")))
        rows = lakeio.read_parquet_bytes(LEDGER, data)
    ledger = Ledger(rows, runs)
    folded = []
    for run_id in run_ids(storage):
        if run_id in ledger.runs:
            continue
        try:
            manifest = lakeio.read_manifest(storage, run_id)
        except (FileNotFoundError, ValueError):
            continue
        ledger = ledger.with_run(run_id, manifest.get("started_at"), manifest.get("files", []))
        folded.append(run_id)
    ledger.folded = folded
    return ledger


def write(storage: Storage, ledger: Ledger) -> str:
    """Replace the ledger object (one atomic write)."""
    storage.put(LEDGER_KEY, lakeio.to_parquet_bytes(
        LEDGER, ledger.rows, metadata={RUNS_METADATA: json.dumps(sorted(ledger.runs)).encode()}))
    return LEDGER_KEY


def recover(storage: Storage, run_id: str) -> dict:
    """Delete what dead runs left: staging objects of any other run, and rejects of
    runs without a manifest (they never committed). Call it holding the lease."""
    committed = set(run_ids(storage))
    staging = [o.key for o in storage.list(f"{lakeio.STAGING}/")
               if not o.key.startswith(f"{lakeio.STAGING}/{run_id}/")]
    names = {o.key: o.key.removeprefix("rejects/").removesuffix(".parquet") for o in storage.list("rejects/")}
    rejects = [key for key, name in names.items() if RUN_ID.fullmatch(name) and name not in committed]
    for key in staging + rejects:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(key)
    return {"staging_objects": len(staging), "uncommitted_rejects": rejects}
