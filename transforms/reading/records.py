"""Parsed items to a polars frame that follows ``schemas.PARSED``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

import polars as pl

from schemas import PARSED
from transforms.formats.base import ParsedStory


def to_utc(value: datetime | None, tz_source: str | None) -> tuple[datetime | None, str | None, int | None]:
    """``(utc_datetime, tz_source, source_offset_minutes)`` for a parsed timestamp.

    An aware value keeps its offset in minutes and is converted to UTC; its zone
    came from the source unless the parser said otherwise. A naive value is
    taken as UTC and marked ``assumed`` (its offset is unknown, so null).
    """
    if value is None:
        return None, None, None
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=UTC), tz_source or "assumed", None
    return value.astimezone(UTC), tz_source or "source", int(offset.total_seconds() // 60)


def _utc(value: datetime | None) -> datetime | None:
    return to_utc(value, None)[0]


def story_row(story: ParsedStory, source_format: str, raw_uri: str) -> dict:
    published, tz_source, offset = to_utc(story.published_at, story.published_tz_source)
    return {
        "source_format": source_format,
        "raw_uri": raw_uri,
        "provider": story.provider,
        "original_provider": story.original_provider,
        "guid": story.guid,
        "version": story.version,
        "headline": story.headline,
        "body": story.body,
        "authors": list(story.authors),
        "credits": [{"name": n, "role": r} for n, r in story.credits],
        "dateline_location": story.dateline_location,
        "dateline_agency": story.dateline_agency,
        "dateline_date": story.dateline_date,
        "_located": story.located,  # dropped in normalization (dateline.located_fallback)
        "published_at": published,
        "published_raw": story.published_raw,
        "published_tz_source": tz_source,
        "published_utc_offset_minutes": offset,
        "version_created": _utc(story.version_created),
        "language": story.language,
        "url": story.url,
        "slug": story.slug,
        "urgency": story.urgency,
        "pub_status": story.pub_status,
        "embargo_until": _utc(story.embargo_until),
        "subjects": list(story.subjects),
        "keywords": list(story.keywords),
        "genre": _distinct(story.genre),
        "ednote": _clean(story.ednote),
        "abstract": _clean(story.abstract),
        "place": _distinct(story.place),
        "priority": story.priority,
        "category": _distinct(story.category),
    }


_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")


def _clean(value: str | None) -> str | None:
    """Trimmed text without invisible marks (dpa's notes are full of U+200E), or None."""
    value = _INVISIBLE.sub("", value).strip() if value else None
    return value or None


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-empty values, each once, in order."""
    out: list[str] = []
    for v in values:
        v = v.strip() if v else ""
        if v and v not in out:
            out.append(v)
    return out


# What parsed rows carry beyond the declared columns, for normalization only
# (it drops them): the metadata's place, a fallback for the dateline.
TRANSIENT = {"_located": pl.String}


def rows_to_frame(rows: Iterable[dict]) -> pl.DataFrame:
    """Build the parsed-stories frame with the declared schema (never inferred)."""
    return pl.DataFrame(list(rows), schema=pl.Schema({**PARSED.polars_schema, **TRANSIENT}))
