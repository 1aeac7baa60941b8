"""Normalize parsed stories: pure polars transforms, chained with ``.pipe``.

:func:`normalize_stories` turns a ``schemas.PARSED`` frame into the columns of
``schemas.STORIES`` (less the run's own ``ingested_at``/``run_id``). Each step
lives in its own module and takes and returns a LazyFrame; none does I/O.
"""

from __future__ import annotations

import hashlib

import polars as pl

from transforms.normalizing.clean_text import repair_text, strip_boilerplate, tidy_body, tidy_text
from transforms.normalizing.dateline import extract_dateline
from transforms.normalizing.headline import split_headline_prefixes
from transforms.normalizing.language import detect_language
from transforms.normalizing.people import (
    credit_source_bylines,
    drop_placeholder_authors,
    extract_bloomberg_trailer,
    extract_byline,
    extract_signoff,
)
from transforms.normalizing.providers import KNOWN_PROVIDERS, canonical_provider
from transforms.normalizing.scan import word_counts

# The engine a chunk of stories is normalized with (``collect(engine=ENGINE)``): polars
# 2.x streams by default, which on a chunk of a few thousand stories cost 15-20 % more
# CPU than the in-memory engine (issue 16: 592 against 502 ms for 5,000 synthetic ninjs
# stories, one thread; resolve_providers alone 41 against 10 ms), and holds nothing
# less (the chunk is in memory already).
ENGINE = "in-memory"


def _sha256_hex(values: pl.Series) -> pl.Series:
    # polars' own hash is seeded and not stable across versions: content
    # hashes and story ids must be, so they use sha256.
    return pl.Series(
        [hashlib.sha256(v.encode()).hexdigest() if v is not None else None for v in values],
        dtype=pl.String,
    )


def resolve_providers(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Canonical provider names; syndicated copy recognised from its dateline.

    A ``(Reuters) -`` story delivered by Yahoo Finance keeps ``provider`` =
    the feed it came from and gets ``original_provider`` = reuters. A story
    with no provider at all takes the dateline's agency.
    """
    agency = canonical_provider(pl.col("dateline_agency"))
    # Two agencies in one dateline, "(ats afp)", "(dpa/AP)": the first wrote it, the
    # second is its source (transforms/conventions.py).
    parts = pl.col("dateline_agency").str.replace_all(r"\s*/\s*", " ").str.split(" ")
    first = canonical_provider(parts.list.first())
    second = canonical_provider(pl.when(parts.list.len() == 2).then(parts.list.last()))
    # Only a known agency name in a dateline says who wrote the copy
    # ("(Sports Network) -" or "(Reuters on Friday) -" do not).
    agency = (pl.when(agency.is_in(KNOWN_PROVIDERS)).then(agency)
              .when(first.is_in(KNOWN_PROVIDERS) & second.is_in(KNOWN_PROVIDERS)).then(first))
    source = pl.when(second.is_in(KNOWN_PROVIDERS) & first.is_in(KNOWN_PROVIDERS)).then(second)
    provider = canonical_provider(pl.col("provider"))
    return lf.with_columns(
        pl.coalesce(provider, agency).alias("provider"),
        pl.coalesce(
            canonical_provider(pl.col("original_provider")),
            pl.when(source.is_not_null() & (source != pl.coalesce(provider, agency))).then(source),
            pl.when(provider.is_not_null() & agency.is_not_null() & (agency != provider)).then(agency),
        ).alias("original_provider"),
    )


def fill_defaults(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Authors and credits each once; ``pub_status`` usable when the source says nothing (delivered copy is published
    copy); ``version_created`` falls back to ``published_at`` (one known time)."""
    return lf.with_columns(
        pl.col("authors").list.unique(maintain_order=True),
        pl.col("credits").list.unique(maintain_order=True),
        pl.col("pub_status").str.to_lowercase().fill_null("usable"),
        pl.coalesce("version_created", "published_at").alias("version_created"),
    )


def add_fingerprints(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``word_count``, ``content_hash`` and the stable ``story_id``.

    ``content_hash`` covers the normalized headline and body. ``story_id``
    identifies the item, not the copy: provider + guid + version where the
    source has a guid, else provider + content hash. Two byte-identical copies
    of one item therefore share a ``story_id``; ``raw_uri`` tells the copies apart.
    """
    content = pl.concat_str(pl.col("headline").fill_null(""), pl.lit("\n"),
                            pl.col("body").fill_null(""))
    lf = lf.with_columns(
        # the runs of non-space characters: ``count_matches(r"\S+")``, in one compiled pass
        pl.col("body").map_batches(word_counts, return_dtype=pl.Int32, is_elementwise=True).alias("word_count"),
        content.map_batches(_sha256_hex, return_dtype=pl.String).alias("content_hash"),
    )
    identity = pl.when(pl.col("guid").is_not_null()).then(
        pl.concat_str(pl.lit("guid\x1f"), pl.col("provider").fill_null(""), pl.lit("\x1f"),
                      pl.col("guid"), pl.lit("\x1f"), pl.col("version").fill_null(""))
    ).otherwise(
        pl.concat_str(pl.lit("content\x1f"), pl.col("provider").fill_null(""), pl.lit("\x1f"),
                      pl.col("content_hash"))
    )
    return lf.with_columns(
        identity.map_batches(_sha256_hex, return_dtype=pl.String).str.slice(0, 32).alias("story_id"),
        pl.col("published_at").dt.date().alias("date"),
    )


def _boilerplate_only(bodies: pl.Series) -> pl.Series:
    """The body (a struct of ``body`` and ``_raw_body``), where it became empty from a
    text that held only boilerplate: that text, tidied (a few rows, if any)."""
    body, raw = bodies.struct.field("body"), bodies.struct.field("_raw_body")
    at = (body.is_null() & raw.is_not_null()).arg_true()
    if at.len() == 0:
        return body
    kept = raw.gather(at).to_frame("v").select(tidy_body(pl.col("v"))).to_series()
    return body.clone().scatter(at, kept)


def keep_some_body(lf: pl.LazyFrame) -> pl.LazyFrame:
    """A body that held only a sign-off or a byline keeps its (repaired) text, one that
    held only boilerplate (a page's breakpoint debris, a trust badge, "5 Min Read")
    keeps that: a non-empty body never becomes empty (tests/test_normalize.py's
    property test found "0 : 0" emptied, 2026-12-07). Rows with some story text left
    are not touched."""
    return (lf.with_columns(pl.coalesce("body", "_repaired_body").alias("body"))
            .with_columns(pl.struct("body", "_raw_body").map_batches(_boilerplate_only, return_dtype=pl.String)
                          .alias("body"))
            .drop("_repaired_body", "_raw_body"))


def _materialize(lf: pl.LazyFrame) -> pl.LazyFrame:
    # Steps that filter a frame and join the result back (repair_text,
    # extract_signoff, detect_language) reuse their input twice; a long lazy
    # chain would compute the upstream steps once per use. A barrier between
    # stages keeps each step computed once (measured on 17,784 synthetic ninjs
    # stories: 2.5 s with the barriers, 6.0 s without, in one process). In memory,
    # not streamed: on a chunk of stories the streaming engine's morsels cost a sixth
    # more CPU (ENGINE).
    return lf.collect(engine=ENGINE).lazy()


def normalize_stories(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The whole normalization chain over parsed stories."""
    return (
        lf.pipe(repair_text)
        .pipe(_materialize)
        .with_columns(pl.col("body").alias("_raw_body"))
        .pipe(strip_boilerplate)
        .pipe(tidy_text)
        .with_columns(pl.col("body").alias("_repaired_body"))
        .pipe(split_headline_prefixes)
        .pipe(drop_placeholder_authors)
        .pipe(extract_byline)
        .pipe(extract_dateline)
        .pipe(extract_signoff)
        .pipe(_materialize)
        .pipe(extract_bloomberg_trailer)
        .pipe(credit_source_bylines)
        .pipe(strip_boilerplate)  # the trust badge can sit after a sign-off
        .pipe(tidy_text)
        .pipe(keep_some_body)
        .pipe(resolve_providers)
        .pipe(_materialize)
        .pipe(detect_language)
        .pipe(fill_defaults)
        .pipe(add_fingerprints)
    )
