"""parsed_rows builds the parsed frame through Arrow (issue 16): the frame polars'
constructor from the list of dicts gave, or, for rows Arrow will not take, that
constructor's own result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bench.wire_corpus import write_jsonl
from transforms.reading.accounting import _PARSED_ROWS, parsed_rows
from transforms.reading.extract import extract_file

words = st.one_of(st.none(), st.text(max_size=12))
stamps = st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                                           timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5, minutes=-30)),
                                                                      timezone(timedelta(hours=9))])))
rows = st.fixed_dictionaries({
    "raw_uri": st.text(min_size=1, max_size=8), "headline": words, "body": words, "provider": words,
    "authors": st.lists(st.text(max_size=6), max_size=3),
    "credits": st.lists(st.fixed_dictionaries({"name": words, "role": words}), max_size=2),
    "published_at": stamps, "version_created": stamps,
    "published_utc_offset_minutes": st.one_of(st.none(), st.integers(-900, 900)),
    "urgency": st.one_of(st.none(), st.integers(0, 9)), "subjects": st.lists(st.text(max_size=6), max_size=3),
    "_source_uri": words,
})


def _by_dicts(values: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(values, schema=_PARSED_ROWS)


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, max_size=6))
def test_as_the_dict_constructor(values):
    assert_frame_equal(parsed_rows(values), _by_dicts(values))


def test_synthetic_stories_as_the_dict_constructor(tmp_path):
    [path] = write_jsonl(tmp_path, 300, seed=3)
    result = extract_file(path.read_bytes(), str(path))
    values = [dict(row, _source_uri=str(path)) for row in result.rows]
    assert len(values) == 300
    assert_frame_equal(parsed_rows(values), _by_dicts(values))


def test_rows_arrow_refuses_go_to_the_dict_constructor():
    bad = [{"raw_uri": "a#0", "urgency": 1000}]  # past Int8: the constructor's own error, as before
    with pytest.raises(Exception) as arrow_way:
        parsed_rows(bad)
    with pytest.raises(Exception) as dict_way:
        _by_dicts(bad)
    assert type(arrow_way.value) is type(dict_way.value)
    odd = [{"raw_uri": "a#0", "urgency": "3"}]  # a string where an int goes
    try:
        expected = _by_dicts(odd)
    except Exception as exc:  # noqa: BLE001 - whichever error the constructor gives
        with pytest.raises(type(exc)):
            parsed_rows(odd)
    else:
        assert_frame_equal(parsed_rows(odd), expected)
