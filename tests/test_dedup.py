"""Exact dedup: deterministic, auditable, order-independent."""

from __future__ import annotations

import random

import polars as pl

from transforms.dedup import dedup_exact
from transforms.normalize import normalize_stories
from transforms.records import rows_to_frame


def _stories(bodies: list[tuple[str, str]]) -> pl.DataFrame:
    rows = [{"source_format": "t", "raw_uri": uri, "headline": "H", "body": body, "provider": "p",
             "authors": [], "credits": [], "subjects": [], "keywords": []} for uri, body in bodies]
    return normalize_stories(rows_to_frame(rows).lazy()).collect()


def test_copies_fold_into_one_and_every_fold_is_a_row():
    df = _stories([("b#0", "one"), ("a#0", "one"), ("c#0", "one  "), ("d#0", "two")])
    kept, dups = dedup_exact(df)
    assert sorted(kept["raw_uri"]) == ["a#0", "d#0"]
    assert sorted(dups["raw_uri"]) == ["b#0", "c#0"]
    assert set(dups["kept_raw_uri"]) == {"a#0"} and set(dups["reason"]) == {"exact"}
    assert kept.height + dups.height == df.height


def test_result_does_not_depend_on_input_order():
    items = [(f"f{i}#0", f"body {i % 7}") for i in range(40)]
    base = dedup_exact(_stories(items))
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        kept, dups = dedup_exact(_stories(shuffled))
        assert kept.sort("story_id")["raw_uri"].to_list() == base[0].sort("story_id")["raw_uri"].to_list()
        assert dups.sort("raw_uri").select("raw_uri", "kept_raw_uri").equals(
            base[1].sort("raw_uri").select("raw_uri", "kept_raw_uri"))
