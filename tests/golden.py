"""Read one real corpus item through extraction and normalization, as the flow does."""

from __future__ import annotations

from tests.corpora import corpus_bytes
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.accounting import parsed_frame
from transforms.reading.extract import extract_file


def normalized_items(relative: str) -> list[dict]:
    """Every story of one corpus file (decompressed like the flow does), normalized."""
    data = corpus_bytes(relative)
    result = extract_file(data, relative)
    return normalize_stories(parsed_frame([result]).lazy()).collect().to_dicts()


def normalized(relative: str, index: int = 0) -> dict:
    """The story whose ``raw_uri`` ends with ``#index`` in that file."""
    for row in normalized_items(relative):
        if row["raw_uri"].endswith(f"#{index}"):
            return row
    raise LookupError(f"no story #{index} in {relative}")

