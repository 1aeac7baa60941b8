"""Tables of the lake, declared once.

Every writer casts and validates against these declarations; nothing infers a
schema from data. Polars dtypes are the source of truth, the pyarrow schema is
derived from them (with nullability) for readers and for the Parquet footer.

Bump ``SCHEMA_VERSION`` whenever a column is added, removed or changes type.
Only nullable columns may be added without a migration: older partitions then
read with the new column as null (see tests/test_schema.py).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA_VERSION = 3

UTC_TS = pl.Datetime("us", "UTC")
CREDIT = pl.Struct({"name": pl.String, "role": pl.String})


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    nullable: bool = True
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    partition_by: str | None = None
    sort_by: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    @property
    def file_columns(self) -> list[str]:
        """Columns stored inside the Parquet files (the partition key lives in the path)."""
        return [c.name for c in self.columns if c.name != self.partition_by]

    def arrow_schema(self, *, with_partition: bool = False) -> pa.Schema:
        return _arrow_schema(self, with_partition)

    def parquet_options(self, sizes: Mapping[str, int] | None = None) -> dict:
        """How the lake's Parquet files of this table are written (``pq.write_table``
        / ``pq.ParquetWriter`` keywords): zstd; min/max statistics on the columns a
        reader filters on (every plain column but free text, see ``FREE_TEXT``);
        dictionary encoding only for columns of few distinct values (``REPEATED``).
        Statistics and dictionaries on every column cost a third of a small
        partition's encoding time and made its file larger (2026-12-07, corpora
        items/: 3.2 -> 2.6 ms of CPU and 72 -> 62 kB a partition).

        ``sizes``: the bytes of each column's data in the file to write
        (:func:`column_sizes`); a column of fewer than ``ZSTD_FROM_BYTES`` is then
        compressed with snappy instead."""
        options = _parquet_options(self)
        if sizes is None:
            return options
        # by leaf column (a list's values, a struct's fields: Parquet's own columns)
        return {**options, "compression": {
            path: "zstd" if sizes.get(name, ZSTD_FROM_BYTES) >= ZSTD_FROM_BYTES else "snappy"
            for name, paths in _leaf_paths(self).items() for path in paths}}

    def _build_arrow_schema(self, with_partition: bool) -> pa.Schema:
        cols = [c for c in self.columns if with_partition or c.name != self.partition_by]
        empty = pl.DataFrame(schema={c.name: c.dtype for c in cols}).to_arrow()
        fields = [
            empty.schema.field(c.name).with_nullable(c.nullable) for c in cols
        ]
        return pa.schema(fields, metadata={b"wirelake.table": self.name.encode(),
                                           b"wirelake.schema_version": str(SCHEMA_VERSION).encode()})

    def conform(self, df: pl.DataFrame, *, with_partition: bool = True) -> pl.DataFrame:
        """Select and cast ``df`` to this table's columns, in order.

        Missing nullable columns are added as nulls; a missing or null value in a
        non-nullable column raises ``ValueError`` (a bug upstream, never bad input).
        """
        cols = [c for c in self.columns if with_partition or c.name != self.partition_by]
        if df.schema == _polars_schema(self, with_partition):
            out = df  # already conformed (a piece read from our own files): only the null checks
        else:
            out = df.select(self._conform_exprs(df, cols))
        for c in cols:
            if not c.nullable and out[c.name].null_count():
                raise ValueError(f"{self.name}: column {c.name!r} has nulls")
        return out

    def _conform_exprs(self, df: pl.DataFrame, cols: list[Column]) -> list[pl.Expr]:
        exprs = []
        for c in cols:
            if c.name in df.columns:
                exprs.append(pl.col(c.name).cast(c.dtype, strict=True))
            elif c.nullable:
                exprs.append(pl.lit(None, dtype=c.dtype).alias(c.name))
            else:
                raise ValueError(f"{self.name}: required column {c.name!r} is missing")
        return exprs


# What a parser hands over, one row per story, before normalization.


@functools.cache
def _arrow_schema(table: Table, with_partition: bool) -> pa.Schema:
    # built once per table: deriving it (through an empty polars frame) cost more
    # than writing a small partition
    return table._build_arrow_schema(with_partition)


# A column of fewer bytes than this in a file is compressed with snappy, not zstd.
# Arrow's zstd makes a new context for each page it compresses: about 18 us a call
# whatever the size, against 1 us for snappy. A partition of 20 stories (a day of a
# many-dated archive: the corpora's 1,657 dates) has about 60 pages under 1 kB, and
# zstd took 1.2 of its 2.5 ms write to save some 200 bytes of its 46 kB (2026-12-08,
# an items/ partition of the synthetic corpus: 2.23 against 1.25 ms, 46,626 against
# 46,849 bytes). A column of 1 kB or more, and so every column of a large partition,
# is zstd as before.
ZSTD_FROM_BYTES = 1024


# From this many rows on, a file's columns are taken to be large (zstd throughout)
# without measuring them: measuring costs about 0.15 ms a file of 50 columns (Arrow's
# nbytes of a sliced list column walks its offsets), and a column of 1,024 values has
# 1 kB or more but for booleans and nulls, which are small in any codec.
SIZED_BELOW_ROWS = 1024


def column_sizes(*pieces: pa.Table) -> dict[str, int] | None:
    """The bytes of each column's data in ``pieces`` (Arrow's, as written: about a
    column's uncompressed size in a Parquet file), for :meth:`Table.parquet_options`;
    None (every column large) when they hold ``SIZED_BELOW_ROWS`` rows or more."""
    if sum(p.num_rows for p in pieces) >= SIZED_BELOW_ROWS:
        return None
    sizes: dict[str, int] = {}
    for piece in pieces:
        for i, name in enumerate(piece.column_names):
            sizes[name] = sizes.get(name, 0) + piece.column(i).nbytes
    return sizes


# Columns of long free text: no min/max statistics (nobody prunes row groups on a
# body, and its statistics are most of a small file's footer).
FREE_TEXT = frozenset({"headline", "body", "abstract", "ednote", "detail", "published_raw", "url",
                       "dateline_date", "content_hash"})
# Columns with few distinct values in a partition (a provider, a format, a run):
# dictionary-encoded; the others are written plain.
REPEATED = frozenset({"source_format", "provider", "original_provider", "language", "published_tz_source",
                      "pub_status", "dateline_agency", "dateline_location", "fp_version", "run_id", "reason",
                      "version", "desk", "story_kind", "status_marker", "version_marker"})


@functools.cache
def _parquet_options(table: Table) -> dict:
    plain = (pl.List, pl.Struct, pl.Binary, pl.Array)
    names = table.file_columns
    types = table.polars_schema
    return {
        "compression": "zstd",
        "write_statistics": [c for c in names if c not in FREE_TEXT and not isinstance(types[c], plain)],
        "use_dictionary": [c for c in names if c in REPEATED],
    }


@functools.cache
def _leaf_paths(table: Table) -> dict[str, list[str]]:
    """Each file column's Parquet leaf columns (``authors.list.element``), which is what a
    per-column codec names: a codec given for ``authors`` would leave it uncompressed."""
    buf = io.BytesIO()
    pq.write_table(table.arrow_schema().empty_table(), buf)
    schema = pq.ParquetFile(io.BytesIO(buf.getvalue())).schema
    paths: dict[str, list[str]] = {name: [] for name in table.file_columns}
    for i in range(len(schema)):
        path = schema.column(i).path
        paths[path.split(".", 1)[0]].append(path)
    return paths


@functools.cache
def _polars_schema(table: Table, with_partition: bool) -> pl.Schema:
    return pl.Schema({c.name: c.dtype for c in table.columns if with_partition or c.name != table.partition_by})


PARSED = Table(
    "parsed",
    (
        Column("source_format", pl.String, False, "parser that read the item (its NAME)"),
        Column("raw_uri", pl.String, False, "file (and archive member) plus '#item index'"),
        Column("provider", pl.String),
        Column("original_provider", pl.String),
        Column("guid", pl.String),
        Column("version", pl.String),
        Column("headline", pl.String),
        Column("body", pl.String),
        Column("authors", pl.List(pl.String)),
        Column("credits", pl.List(CREDIT)),
        Column("dateline_location", pl.String),
        Column("dateline_agency", pl.String),
        Column("dateline_date", pl.String, True, "the date a dateline carried, as written (Feb 26)"),
        Column("published_at", UTC_TS),
        Column("published_raw", pl.String),
        Column("published_tz_source", pl.String),
        Column("published_utc_offset_minutes", pl.Int16),
        Column("version_created", UTC_TS),
        Column("language", pl.String),
        Column("url", pl.String),
        Column("slug", pl.String),
        Column("urgency", pl.Int8),
        Column("pub_status", pl.String),
        Column("embargo_until", UTC_TS),
        Column("subjects", pl.List(pl.String)),
        Column("keywords", pl.List(pl.String)),
        # Metadata newsroom systems expect (issue 14), filled where the format carries them.
        # Added in schema version 3; all nullable, so older partitions read them as null.
        Column("genre", pl.List(pl.String), True, "genre / story type as the provider names it (Current, Pääjuttu)"),
        Column("ednote", pl.String, True, "editorial note to editors, not for publication as story text"),
        Column("abstract", pl.String, True, "the provider's summary / lead / teaser of the story"),
        Column("place", pl.List(pl.String), True, "places and countries the provider tags the story with"),
        Column("priority", pl.Int8, True, "the provider's own priority, apart from urgency (ANPA/IPTC 7901 1-9)"),
        Column("category", pl.List(pl.String), True,
               "the provider's category or service codes (ANPA category, IPTC 7901 category, service)"),
    ),
)

_STORY_ID = Column("story_id", pl.String, False, "stable id of the item: same item, same id, every run")
_STORY_EXTRA = (
    Column("version_marker", pl.String, True, "headline version prefix: UPDATE 2, 2ND LEAD, Update1"),
    Column("status_marker", pl.String, True, "headline status prefix: REFILE, CORRECTED, RPT"),
    Column("story_kind", pl.String, True, "headline kind prefix: EXCLUSIVE, WRAPUP, FACTBOX"),
    Column("desk", pl.String, True, "headline desk/topic prefix: GLOBAL MARKETS, PRECIOUS"),
    Column("shared_boilerplate", pl.Boolean, True,
           "a quarter or more of the body is boilerplate shared with other stories (teasers, promos)"),
    Column("word_count", pl.Int32, False, "words in the cleaned body"),
    Column("content_hash", pl.String, False, "sha256 of the normalized headline and body"),
    Column("ingested_at", UTC_TS, False),
    Column("run_id", pl.String, False),
    Column("date", pl.Date, True, "UTC date of first publication (hive partition key)"),
)

STORIES = Table(
    "stories",
    (_STORY_ID, *PARSED.columns, *_STORY_EXTRA),
    partition_by="date",
    sort_by=("provider", "published_at", "story_id"),
)

# Every normalized item ever ingested (kept or folded), by the item's own UTC
# publication date: the dedup index. Stories are re-derived from it for the
# dates a run touches, so one run or many runs over the same items give the
# same stories.
# What dedup decides on, computed once per item from the item alone
# (transforms/dedup/features.py): later runs read these columns, not the text.
_FEATURES = (
    Column("fp_version", pl.String, True, "fingerprint recipe; items of another recipe are fingerprinted again"),
    Column("fp_sig", pl.Binary, True, "OPH MinHash of headline + body: 256 bins x 8 bits"),
    Column("fp_shingles", pl.Int32, True, "3-word shingles in headline + body"),
    Column("fp_body", pl.UInt64, True, "hash of the body"),
    Column("fp_lead", pl.UInt64, True, "hash of the body's first 100 characters, lower-cased"),
    Column("fp_headline_words", pl.List(pl.UInt32), True, "hashes of the headline's words and tickers"),
    Column("fp_paragraphs", pl.List(pl.UInt64), True, "hashes of the body's non-empty paragraphs"),
    Column("fp_paragraph_chars", pl.List(pl.Int32), True, "lengths of those paragraphs"),
    Column("fp_numbers", pl.List(pl.UInt32), True, "hashes of the numbers in headline + body"),
    Column("fp_names", pl.List(pl.UInt32), True, "hashes of the in-sentence names and tickers"),
)

ITEMS = Table(
    "items",
    (*(c for c in STORIES.columns if c.name not in ("shared_boilerplate", "date")), *_FEATURES,
     *(c for c in STORIES.columns if c.name == "date")),
    partition_by="date",
    sort_by=("provider", "published_at", "raw_uri"),
)

DUPLICATES = Table(
    "duplicates",
    (
        Column("story_id", pl.String, False, "id of the item that was not kept"),
        Column("guid", pl.String),
        Column("raw_uri", pl.String, False),
        Column("provider", pl.String),
        Column("source_format", pl.String, False),
        Column("headline", pl.String),
        Column("kept_story_id", pl.String, False, "the story it was folded into"),
        Column("kept_raw_uri", pl.String, False),
        Column("reason", pl.String, False, "exact | version | near | kill"),
        Column("similarity", pl.Float32, False, "1.0 for exact copies"),
        Column("run_id", pl.String, False),
        Column("date", pl.Date, True, "partition of the kept story"),
    ),
    partition_by="date",
    sort_by=("kept_story_id", "raw_uri"),
)

REJECTS = Table(
    "rejects",
    (
        Column("raw_uri", pl.String, False, "file (and archive member / item index) that failed"),
        Column("source_format", pl.String, True, "parser, if one claimed the input"),
        Column("reason", pl.String, False, "short machine-readable reason code"),
        Column("detail", pl.String, True, "human-readable explanation"),
        Column("raw_size", pl.Int64, False, "size in bytes of the rejected input"),
        Column("raw", pl.Binary, True, "the rejected bytes (first 1 MiB)"),
        Column("run_id", pl.String, False),
        Column("ingested_at", UTC_TS, False),
    ),
    sort_by=("raw_uri",),
)

# Which raw objects the lake has consumed (one row per object, its last reading):
# a run reads only objects not here or changed since (size or version differ).
LEDGER = Table(
    "ledger",
    (
        Column("uri", pl.String, False, "the raw object's full address"),
        Column("size", pl.Int64, False, "its size in bytes when read"),
        Column("version", pl.String, False, "its ETag on S3, mtime in ns on disk, when read"),
        Column("run_id", pl.String, False, "the run that read it"),
        Column("consumed_at", UTC_TS, False, "when that run started"),
        Column("items_in", pl.Int64, False, "items read from it"),
        Column("item_dates", pl.List(pl.Date), True, "items/ partitions holding its items"),
        Column("covered", pl.List(pl.Struct({"start": pl.Date, "end": pl.Date})), True,
               "read for date ranges only (a backfill by publication date): the ranges of item "
               "dates taken from it; null: all its items"),
    ),
    sort_by=("uri",),
)
