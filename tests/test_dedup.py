"""Dedup: versions, exact copies, near-copies, kills, look-alikes; deterministic and auditable."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import polars as pl

from transforms.dedup.cluster import components, dedup_stories
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.records import rows_to_frame

WORDS = [
    "market",
    "analysts",
    "government",
    "minister",
    "company",
    "shares",
    "profit",
    "rain",
    "river",
    "election",
    "court",
    "police",
    "coach",
    "season",
    "league",
    "energy",
    "oil",
    "gas",
    "price",
    "export",
    "import",
    "bank",
    "budget",
    "tax",
    "port",
    "strike",
    "union",
    "airline",
    "airport",
    "vaccine",
    "hospital",
    "school",
    "teacher",
    "farmer",
    "harvest",
    "wheat",
]


def _text(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    words = [rng.choice(WORDS) + ("" if rng.random() > 0.1 else f" {rng.randint(2, 999)}") for _ in range(n)]
    return " ".join(words[:60]) + ".\n\n" + " ".join(words[60:]) + "."


def _row(uri: str, body: str, headline: str = "Headline", **kw) -> dict:
    base = {
        "source_format": "t",
        "raw_uri": uri,
        "headline": headline,
        "body": body,
        "provider": "p",
        "authors": [],
        "credits": [],
        "subjects": [],
        "keywords": [],
    }
    return base | kw


def _stories(rows: list[dict]) -> pl.DataFrame:
    return normalize_stories(rows_to_frame(rows).lazy()).collect()


def _t(hours: int) -> datetime:
    return datetime(2024, 5, 1, tzinfo=UTC) + timedelta(hours=hours)


def test_copies_fold_into_one_and_every_fold_is_a_row():
    body = _text(1)
    df = _stories([_row("b#0", body), _row("a#0", body), _row("c#0", body + "  "), _row("d#0", _text(2))])
    kept, dups = dedup_stories(df)
    assert sorted(kept["raw_uri"]) == ["a#0", "d#0"]
    assert sorted(dups["raw_uri"]) == ["b#0", "c#0"]
    assert set(dups["kept_raw_uri"]) == {"a#0"} and set(dups["reason"]) == {"exact"}
    assert kept.height + dups.height == df.height


def test_versions_collapse_to_the_newest_by_version_created_not_version_number():
    body = _text(3)
    rows = [
        _row("v1#0", body, guid="g", version="978556838", published_at=_t(0), version_created=_t(0)),
        _row(
            "v2#0",
            body + "\n\nMore detail added.",
            guid="g",
            version="1542761538",
            published_at=_t(0),
            version_created=_t(5),
        ),
        _row(
            "v3#0", body + "\n\nEven more.", guid="g", version="2", published_at=_t(0), version_created=_t(2)
        ),
    ]
    kept, dups = dedup_stories(_stories(rows))
    assert kept["raw_uri"].to_list() == ["v2#0"]
    assert set(dups["reason"]) == {"version"} and set(dups["kept_raw_uri"]) == {"v2#0"}


def test_kill_removes_the_story_and_records_it():
    body = _text(4)
    rows = [
        _row("v1#0", body, guid="g", version_created=_t(0)),
        _row(
            "kill#0", "This story has been withdrawn.", guid="g", version_created=_t(3), pub_status="canceled"
        ),
        _row("copy#0", body, guid="other", provider="q", version_created=_t(1)),
    ]
    kept, dups = dedup_stories(_stories(rows))
    assert kept.height == 0
    # v1, its copy and the notice itself are all recorded against the kill notice
    assert set(dups["reason"]) == {"kill"} and sorted(dups["raw_uri"]) == ["copy#0", "kill#0", "v1#0"]
    assert set(dups["kept_raw_uri"]) == {"kill#0"}


def test_near_copies_fold_and_look_alikes_stay_apart():
    body = _text(5, 300)
    words = body.split(" ")
    edited = " ".join(w if i % 25 else "changed" for i, w in enumerate(words))  # 4% of words edited
    truncated = " ".join(words[: int(len(words) * 0.8)])
    template = (
        "Shares of {co} rose {a} percent to {b} dollars on {day} after the company reported "
        "quarterly earnings of {c} cents a share on revenue of {d} million dollars, against "
        "analyst estimates of {e} cents, and raised its outlook for the year to {f} million "
        "dollars in sales as demand for its products in {region} grew faster than expected by "
        "the market and its chief executive said the company would hire more staff in {region}."
    )
    looks = [
        template.format(co=co, a=a, b=b, day=day, c=c, d=d, e=e, f=f, region=r)
        for co, a, b, day, c, d, e, f, r in [
            ("Acme Corp", 3.2, 45.10, "Monday", 52, 310, 48, 1250, "Europe"),
            ("Beta Inc", 1.1, 12.00, "Tuesday", 17, 95, 15, 400, "Asia"),
            ("Gamma Ltd", 7.5, 88.25, "Monday", 101, 870, 97, 3400, "Africa"),
        ]
    ]
    rows = [
        _row("orig#0", body, published_at=_t(0), version_created=_t(0)),
        _row("edit#0", edited, headline="REFILE-Headline", provider="q", version_created=_t(1)),
        _row("trunc#0", truncated, provider="r", version_created=_t(2)),
    ]
    rows += [_row(f"look{i}#0", t, headline=f"Earnings {i}") for i, t in enumerate(looks)]
    kept, dups = dedup_stories(_stories(rows))
    near = dups.filter(pl.col("reason") == "near")
    assert near.height == 2 and "trunc#0" in near["raw_uri"].to_list()  # complete body over truncated
    # of the two complete copies, the newer (the REFILE) is kept
    assert sorted(kept["raw_uri"]) == ["edit#0", "look0#0", "look1#0", "look2#0"]
    assert (dups["similarity"] > 0.5).all()


def test_the_original_provider_is_kept_over_a_syndicator():
    body = _text(6)
    rows = [
        _row("yahoo#0", body, provider="yahoo_finance", original_provider="reuters", version_created=_t(9)),
        _row("reuters#0", body, provider="reuters", version_created=_t(0)),
    ]
    kept, _ = dedup_stories(_stories(rows))
    assert kept["raw_uri"].to_list() == ["reuters#0"]


def test_shared_boilerplate_does_not_make_stories_duplicates():
    teaser = "\n\n".join(f"Related video number {i} about gadgets and robots" for i in range(12))
    rows = [_row(f"s{i}#0", _text(100 + i, 60) + "\n\n" + teaser, headline=f"Story {i}") for i in range(9)]
    kept, dups = dedup_stories(_stories(rows))
    assert kept.height == 9 and dups.height == 0
    assert kept["shared_boilerplate"].all()


def test_clusters_are_transitive_and_order_independent():
    # Invariant: the same items give the same kept stories and folds whatever their order.
    base = [_text(s, 200) for s in range(6)]
    items = []
    for i, b in enumerate(base):
        items.append(_row(f"o{i}#0", b, version_created=_t(i)))
        items.append(_row(f"c{i}#0", b, provider="q", version_created=_t(i + 1)))
        items.append(_row(f"t{i}#0", " ".join(b.split(" ")[:170]), provider="r"))
    ref_kept, ref_dups = dedup_stories(_stories(items))
    for seed in range(4):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        kept, dups = dedup_stories(_stories(shuffled))
        assert sorted(kept["raw_uri"]) == sorted(ref_kept["raw_uri"])
        assert (
            dups.sort("raw_uri")
            .select("raw_uri", "kept_raw_uri", "reason")
            .equals(ref_dups.sort("raw_uri").select("raw_uri", "kept_raw_uri", "reason"))
        )
    assert ref_kept.height == 6


def test_components():
    labels = components(6, [0, 1, 4], [1, 2, 5])
    assert labels.tolist() == [0, 0, 0, 3, 4, 4]


def test_the_pair_kernel_decides_as_the_two_stories_rule():
    """``verify_pairs`` judges look-alikes with a numba kernel over flat arrays; the rule
    as polars expressions over list columns (``two_stories``) is its reference. Random
    rows over a small vocabulary, so that sets overlap, with nulls and empty lists."""
    import numpy as np

    from transforms.dedup.cluster import (
        DedupConfig,
        _identity_frame,
        _two_stories,
        identity,
        two_stories,
    )

    rng = random.Random(5)

    def some(pool: list, null: float = 0.1) -> list | None:
        return None if rng.random() < null else rng.sample(pool, rng.randint(0, min(4, len(pool))))

    def maybe(pool: list) -> str | None:
        return None if rng.random() < 0.3 else rng.choice(pool)

    n = 400
    df = pl.DataFrame({
        "_i": list(range(n)),
        "fp_numbers": [some([1, 2, 3, 4, 5, 6], 0.05) for _ in range(n)],
        "fp_names": [some([7, 8, 9, 10, 11], 0.05) for _ in range(n)],
        "fp_headline_words": [some([12, 13, 14, 15, 16, 17]) for _ in range(n)],
        "dateline_location": [maybe(["LONDON", "london.", "Paris", "", "New York"]) for _ in range(n)],
        "dateline_date": [maybe(["Sept 3", "sept. 3", "Sept 4", "May 1"]) for _ in range(n)],
        "authors": [some(["Ann Lee", "ann lee", "Bo Chen", "Cy Diaz"], 0.3) for _ in range(n)],
    }, schema_overrides={"fp_numbers": pl.List(pl.UInt32), "fp_names": pl.List(pl.UInt32),
                         "fp_headline_words": pl.List(pl.UInt32), "authors": pl.List(pl.String)})
    m = 5000
    a = np.array([rng.randrange(n) for _ in range(m)], dtype=np.int64)
    b = np.array([rng.randrange(n) for _ in range(m)], dtype=np.int64)
    miss_a = np.array([rng.choice([0.0, 2.5, 9.0, 30.0, 120.0]) for _ in range(m)])
    miss_b = np.array([rng.choice([0.0, 2.5, 9.0, 30.0, 120.0]) for _ in range(m)])
    cfg = DedupConfig()
    tokens = _identity_frame(df)
    fields = [c for c in tokens.columns if c != "_i"]
    want = (pl.DataFrame({"a": a, "b": b, "_miss_a": miss_a, "_miss_b": miss_b})
            .join(tokens.rename({"_i": "a", **{c: f"{c}_a" for c in fields}}), on="a", how="left",
                  maintain_order="left")
            .join(tokens.rename({"_i": "b", **{c: f"{c}_b" for c in fields}}), on="b", how="left",
                  maintain_order="left")
            .select(two_stories(cfg))).to_series().to_numpy()
    ident = identity(df)
    got = np.zeros(m, dtype=np.bool_)
    _two_stories(a, b, miss_a, miss_b, *ident.num, *ident.nam, *ident.head, ident.by[0], ident.by[1],
                 ident.loc, ident.day, cfg.key_min, cfg.key_share, cfg.key_max, cfg.headline_weight,
                 cfg.author_weight, got)
    assert 0.2 < want.mean() < 0.8  # both outcomes are exercised
    assert np.array_equal(got, want)


def _plain(seed: int, n: int) -> str:
    """``n`` words without figures, in sentences of 12 words (nothing tells two stories apart)."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(" ".join(words[i:i + 12]) + "." for i in range(0, n, 12))


def _takes_and_copies(copies: int) -> pl.DataFrame:
    """Three stories, each with a truncated take (its first words: a Jaccard far too low for
    MinHash, found only by its lead), story and take each in ``copies`` exact copies on
    other feeds (other guids, the same text): a dedup view's items with ``_i``."""
    from transforms.dedup.cluster import current_features

    rows = []
    for s in range(3):
        full = _plain(200 + s, 360)
        take = " ".join(full.split(" ")[:50])
        for c in range(copies):
            rows.append(_row(f"full{s}-{c}#0", full, headline=f"Story {s}", guid=f"f{s}-{c}",
                             version_created=_t(c)))
            rows.append(_row(f"take{s}-{c}#0", take, headline=f"Story {s}", guid=f"t{s}-{c}", provider="q",
                             version_created=_t(c)))
    return current_features(_stories(rows)).with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))


def test_a_take_and_its_story_copied_are_checked_once_per_pair_of_bodies():
    """Issue 16: a 10 GB file of five copies of each story (shifted a month apart) gave a
    dedup group 180,133 lead pairs of 16,003 distinct pairs of bodies, and the text of
    all of them at once (4.4 GB). Containment depends on the two bodies alone: dedup
    asks for one text per body and the takes still fold into their stories."""
    import numpy as np

    from transforms.dedup.cluster import dedup_items

    items = _takes_and_copies(3)
    text = items.select("_i", "headline", "body")
    asked: list[np.ndarray] = []

    def fetch(rows: np.ndarray):
        asked.append(np.asarray(rows))
        yield text[rows]

    kept, dups = dedup_items(items.drop("body"), fetch)
    assert sorted(kept["raw_uri"]) == ["full0-2#0", "full1-2#0", "full2-2#0"]  # the newest copy of each
    takes = dups.filter(pl.col("raw_uri").str.starts_with("take"))
    assert takes.height == 9 and set(takes["reason"]) == {"near"}
    assert takes["kept_raw_uri"].str.slice(0, 5).to_list() == takes["raw_uri"].str.slice(0, 5).str.replace(
        "take", "full").to_list()
    # no shared boilerplate here (6 stories a paragraph, fewer than 8): lead pairs alone ask for
    # text, one item per body (3 stories and 3 takes), not one per copy (18)
    assert [len(rows) for rows in asked] == [6]


def test_contained_leads_equals_verify_contained_at_once_in_any_batch():
    import numpy as np

    from transforms.dedup.cluster import DedupConfig, contained_leads, lead_pairs, verify_contained

    items = _takes_and_copies(2)
    cfg = DedupConfig()
    leads = lead_pairs(items, cfg)
    text = items.select("_i", "headline", "body")
    want = verify_contained(leads, text, cfg).sort("a", "b")
    assert want.height == leads.height > 0  # each story with each take, and the copies with each other
    seen: list[int] = []

    def spy(pairs, text, cfg):
        seen.append(pairs.height)
        return verify_contained(pairs, text, cfg)

    import transforms.dedup.cluster as cluster

    original = cluster.verify_contained
    cluster.verify_contained = spy
    try:
        for batch in (1, 2, 5, 1000):
            seen.clear()
            got = contained_leads(leads, items, lambda rows: iter([text.filter(pl.col("_i").is_in(rows))]),
                                  cfg, batch=batch)
            assert got.sort("a", "b").equals(want)
            assert max(seen) <= batch
            # the distinct (ordered) pairs of bodies of each story's 6 lead pairs: story-take,
            # take-story, story-story and take-take (a body with itself), not 6
            assert sum(seen) == 3 * 4
    finally:
        cluster.verify_contained = original
    assert np.all(want["a"].to_numpy() < want["b"].to_numpy())


def test_shared_paragraph_tables_find_what_the_sort_finds():
    """``cluster._shared_hashes`` (hash tables, the values split between threads) gives
    the values of ``_hashes_in_many`` (sorts, its reference), and marks each place of
    them, on paragraphs repeated within a story and across stories, at several
    thresholds and split counts."""
    import numba
    import numpy as np

    from transforms.dedup.cluster import _hashes_in_many, _shared_hashes

    rng = np.random.default_rng(5)
    pool = rng.integers(0, 2**64, size=300, dtype=np.uint64)
    pool[:3] = [0, 1, 2**63]  # small and top-bit values
    lengths = rng.integers(0, 9, size=2_000)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    hashes = pool[np.minimum(rng.zipf(1.3, size=offsets[-1]), len(pool)) - 1]
    owners = rng.integers(0, 400, size=len(lengths)).astype(np.uint64)  # stories with several rows
    per_place = np.repeat(owners, lengths)
    for at_least in (1, 2, 8, 40):
        want = _hashes_in_many(hashes, per_place, at_least)
        assert 0 < len(want) < len(np.unique(hashes)) or at_least == 1
        for threads in (1, 2):
            numba.set_num_threads(threads)
            try:
                marks = np.zeros(len(hashes), dtype=np.bool_)
                got = _shared_hashes(hashes, offsets, owners, at_least, marks)
            finally:
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
            assert np.array_equal(got, want)
            assert np.array_equal(marks, np.isin(hashes, want))
    assert len(_shared_hashes(hashes[:0], np.zeros(1, dtype=np.int64), owners[:0], 2,
                              np.zeros(0, dtype=np.bool_))) == 0


def test_the_rows_fingerprinted_again_replace_theirs_as_an_update_would():
    """``identity`` takes the numbers and names of the rows fingerprinted again
    (``Retokens``, gathered from fetched frames in any order) in place of theirs: the
    same sets as a polars ``update`` joined on ``_i`` gives, nulls included."""
    import numpy as np

    from transforms.dedup.cluster import Retokens, identity

    rng = np.random.default_rng(3)
    n = 500

    def lists(k: int) -> list:
        return [None if rng.random() < 0.05 else sorted(set(rng.integers(0, 50, size=rng.integers(0, 6)).tolist()))
                for _ in range(k)]

    df = pl.DataFrame({"_i": np.arange(n), "fp_numbers": lists(n), "fp_names": lists(n)},
                      schema={"_i": pl.Int64, "fp_numbers": pl.List(pl.UInt32), "fp_names": pl.List(pl.UInt32)})
    rows = np.sort(rng.choice(n, size=120, replace=False))
    new_num = [[int(x) for x in sorted(set(rng.integers(50, 90, size=rng.integers(0, 5)).tolist()))] for _ in rows]
    new_nam = [[int(x) for x in sorted(set(rng.integers(50, 90, size=rng.integers(0, 5)).tolist()))] for _ in rows]

    def part(idx: np.ndarray) -> tuple[np.ndarray, dict]:
        def flat(values: list) -> tuple[np.ndarray, np.ndarray]:
            chosen = [values[j] for j in idx]
            return (np.array([x for v in chosen for x in v], dtype=np.uint32),
                    np.concatenate([[0], np.cumsum([len(v) for v in chosen])]).astype(np.int64))
        (nv, no), (mv, mo) = flat(new_num), flat(new_nam)
        return rows[idx], {"numbers": nv, "numbers_offsets": no, "names": mv, "names_offsets": mo}

    halves = np.array_split(rng.permutation(len(rows)), 2)
    got = identity(df, Retokens.concat([part(np.sort(halves[1])), part(np.sort(halves[0]))]))
    again = pl.DataFrame({"_i": rows, "fp_numbers": new_num, "fp_names": new_nam},
                         schema={"_i": pl.Int64, "fp_numbers": pl.List(pl.UInt32), "fp_names": pl.List(pl.UInt32)})
    want = identity(df.update(again, on="_i"))
    for field in ("num", "nam"):
        for x, y in zip(getattr(got, field), getattr(want, field), strict=True):
            assert np.array_equal(x, y), field
    assert got.num[2][rows].sum() == 0 and want.num[2].sum() > 0


_WARM_UP_CHECK = """
import json, sys
from pathlib import Path
import numba
from bench.dedup_bench import load_stories
from bench.wire_corpus import generate
from transforms.dedup import cluster, fingerprint, lsh
from transforms import utf8

def signatures():
    return {f"{m.__name__}.{k}": set(v.signatures) for m in (cluster, fingerprint, lsh, utf8)
            for k, v in vars(m).items() if isinstance(v, numba.core.registry.CPUDispatcher)}

path = Path(sys.argv[1])
items, _ = generate(3000, seed=11)
path.write_text("\\n".join(json.dumps(x) for x in items) + "\\n")
stories, _ = load_stories([path])
cluster.warm_up()
before = signatures()
kept, duplicates = cluster.dedup_stories(stories)
assert duplicates.height > 300 and kept["shared_boilerplate"].any(), "the run took every path"
print(json.dumps(sorted(k for k, v in signatures().items() if v - before[k])))
"""


def test_warm_up_compiles_every_kernel_signature_a_dedup_run_takes(tmp_path):
    """``cluster.warm_up`` (what the benchmark runs before it times the stage) loads
    every kernel with the argument types of a real run: a kernel given, say, a
    read-only array in the run would compile again there, inside the timing (a fresh
    process, so kernels compiled by other tests cannot hide one)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _WARM_UP_CHECK, str(tmp_path / "wire.jsonl")], cwd=root,
                         env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
