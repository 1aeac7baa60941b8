"""A property shared by the JSON formats' tests (ninjs, AP Media API, news-please).

Invariant: whatever JSON values sit under a format's keys, ``parse`` yields only
ParsedStory/SkippedItem/RejectedItem and fails, if at all, with ParseError.
"""

from __future__ import annotations

import json
from types import ModuleType

from hypothesis import strategies as st

from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem

_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(max_size=12)
            | st.sampled_from(["<p>x</p>", "2021-01-01T00:00:00+0000", "text", "By A and B"]))


def records(keys: list[str]) -> st.SearchStrategy[list[dict]]:
    """One to three JSON objects whose keys come from ``keys``, values nested at random."""
    values = st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=3),
        max_leaves=12,
    )
    return st.lists(st.dictionaries(st.sampled_from(keys), values, max_size=10), min_size=1, max_size=3)


def assert_never_crashes(module: ModuleType, generated: list[dict]) -> None:
    for data in (json.dumps(generated[0]).encode(), json.dumps(generated).encode()):
        try:
            items = list(module.parse(data, "prop"))
        except ParseError:
            continue
        assert all(isinstance(i, ParsedStory | SkippedItem | RejectedItem) for i in items)
