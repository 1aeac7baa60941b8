"""The benchmark corpus generator: its ground truth is what the dedup benchmark trusts."""

from __future__ import annotations

import json

import polars as pl
import pytest

from bench import wire_corpus as wc
from bench.dedup_bench import clusters_from_dedup, score
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.accounting import parsed_frame
from transforms.reading.extract import extract_file

N = 2000


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict], pl.DataFrame]:
    return wc.generate(N, seed=3)


def _body(item: dict) -> str:
    return item["bodies"][0]["value"]


def _headline(item: dict) -> str:
    return item["headlines"][0]["value"]


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    # Invariant: the corpus is a pure function of (n, seed).
    items, truth = corpus
    again, truth_again = wc.generate(N, seed=3)
    assert wc.to_jsonl(items) == wc.to_jsonl(again)
    assert truth.equals(truth_again)
    other, _ = wc.generate(N, seed=4)
    assert wc.to_jsonl(other) != wc.to_jsonl(items)


def test_write_jsonl_shards_hold_the_same_items_as_generate(tmp_path, corpus):
    # Invariant: sharding and the number of workers change where items go, never what they are.
    items, truth = corpus
    paths = wc.write_jsonl(tmp_path, N, seed=3, shard_size=700, workers=1)
    assert [p.name for p in paths] == ["wire-00000.jsonl", "wire-00001.jsonl", "wire-00002.jsonl"]
    assert b"".join(p.read_bytes() for p in paths) == wc.to_jsonl(items)
    written = pl.read_parquet(tmp_path / "truth.parquet")
    assert written.drop("file", "line", "item_uri").equals(truth.drop("file", "line", "item_uri"))
    assert written["item_uri"][700] == "wire-00001.jsonl#0"


def test_kind_shares_are_roughly_right(corpus):
    _, truth = corpus
    counts = dict(truth.group_by("kind").len().iter_rows())
    assert set(counts) == set(wc.KINDS)
    for kind, share in wc.SHARES.items():
        assert abs(counts[kind] / N - share) < 0.01, kind
    assert 0.45 < counts["original"] / N < 0.55


def test_every_cluster_has_exactly_one_original_and_lookalikes_stand_alone(corpus):
    _, truth = corpus
    per_cluster = truth.group_by("cluster_id").agg(
        # a template instance is the first item of its own cluster, as an original is
        pl.col("kind").is_in(["original", "template"]).sum().alias("originals"),
        (pl.col("kind") == "lookalike").sum().alias("lookalikes"),
        pl.len().alias("size"))
    lookalike = per_cluster.filter(pl.col("lookalikes") > 0)
    assert (lookalike["size"] == 1).all() and (lookalike["originals"] == 0).all()
    assert (per_cluster.filter(pl.col("lookalikes") == 0)["originals"] == 1).all()
    # A derived item's parent is the original of its cluster, earlier in the file.
    derived = truth.filter(pl.col("parent").is_not_null()).join(
        truth.select(pl.col("item").alias("parent"), pl.col("kind").alias("parent_kind"),
                     pl.col("cluster_id").alias("parent_cluster")), on="parent")
    assert derived["parent_kind"].is_in(["original", "template"]).all()
    assert (derived["parent_cluster"] == derived["cluster_id"]).all()
    assert (derived["parent"] < derived["item"]).all()


def test_exact_copies_have_identical_text_and_another_guid(corpus):
    items, truth = corpus
    exact = truth.filter(pl.col("kind") == "exact")
    assert exact.height
    for item, parent in exact.select("item", "parent").iter_rows():
        copy, original = items[item], items[parent]
        assert _body(copy) == _body(original) and _headline(copy) == _headline(original)
        assert copy["uri"] != original["uri"]


def test_versions_share_the_guid_and_grow(corpus):
    items, truth = corpus
    versions = truth.filter(pl.col("kind") == "version")
    assert versions.height
    for item, parent, version in versions.select("item", "parent", "version").iter_rows():
        update, original = items[item], items[parent]
        assert update["uri"] == original["uri"] and update["copyrightholder"] == original["copyrightholder"]
        assert int(update["version"]) == version >= 2
        assert update["versioncreated"] > original["versioncreated"]
        assert update["firstcreated"] == original["firstcreated"]
        assert _headline(update) == f"UPDATE {version - 1}-{_headline(original)}"
        assert _body(update).startswith(_body(original)) and len(_body(update)) > len(_body(original))


def test_near_copies_have_another_guid_and_stay_close(corpus):
    items, truth = corpus
    for kind in wc.NEAR:
        rows = truth.filter(pl.col("kind") == kind)
        assert rows.height, kind
        for item, parent in rows.select("item", "parent").head(50).iter_rows():
            near, original = items[item], items[parent]
            assert near["uri"] != original["uri"]
            words, base = _body(near).split(), _body(original).split()
            if kind == "near_prefix":
                assert _body(near) == _body(original) and _headline(near).endswith(_headline(original))
                assert _headline(near)[: -len(_headline(original))] in wc.STATUS_PREFIXES
            elif kind == "near_append":
                assert _body(near).startswith(_body(original)) and _headline(near).startswith("UPDATE ")
            elif kind == "near_trim":
                assert 0.6 <= len(words) / len(base) <= 0.96
            else:
                assert _body(near) != _body(original) and 0.85 <= len(words) / len(base) <= 1.15


def test_stories_are_long_and_unrelated_ones_share_almost_no_shingles(corpus):
    items, truth = corpus
    originals = truth.filter(pl.col("kind") == "original")["item"].to_list()[:200]
    lengths = [len(_body(items[i]).split()) for i in originals]
    assert min(lengths) >= 150 and max(lengths) <= 750

    def shingles(i: int) -> set[tuple[str, ...]]:
        w = _body(items[i]).lower().split()
        return {tuple(w[k:k + 5]) for k in range(len(w) - 4)}

    sets = [shingles(i) for i in originals[:60]]
    shared = sum(len(a & b) for k, a in enumerate(sets) for b in sets[k + 1:])
    assert shared <= 5  # 1,770 pairs of unrelated stories


def test_the_pipeline_reads_every_item_and_raw_uri_is_the_truth_key(corpus):
    # Invariant: extract_file(data, "wire.jsonl") gives each line raw_uri "wire.jsonl#<line>".
    items, truth = corpus
    result = extract_file(wc.to_jsonl(items[:300]), "wire.jsonl")
    assert result.items_in == 300 and not result.rejects
    stories = normalize_stories(parsed_frame([result]).lazy()).collect()
    assert stories["raw_uri"].to_list() == truth["item_uri"].to_list()[:300]
    assert stories["provider"].null_count() == 0 and (stories["word_count"] > 0).all()
    # Headline prefixes are split off, so a version's headline is its original's.
    heads = dict(zip(stories["raw_uri"], stories["headline"], strict=True))
    for uri, parent in truth.head(300).filter(pl.col("kind") == "version").select("item_uri", "parent").iter_rows():
        assert heads[uri] == heads[f"wire.jsonl#{parent}"]


def test_score_is_perfect_for_the_truth_and_counts_wrong_merges():
    truth = pl.DataFrame({
        "item": [0, 1, 2, 3, 4], "item_uri": ["f#0", "f#1", "f#2", "f#3", "f#4"],
        "cluster_id": [0, 0, 1, 2, 3], "kind": ["original", "exact", "original", "lookalike", "lookalike"],
        "parent": [None, 0, None, None, None],
    })
    perfect = pl.DataFrame({"raw_uri": ["f#0", "f#1", "f#2", "f#3", "f#4"],
                            "keeper": ["f#0", "f#0", "f#2", "f#3", "f#4"]})
    s = score(truth, perfect)
    assert s["precision"] == s["recall"] == 1.0 and s["lookalike_pairs_merged"] == 0
    # f#4 folded into f#3, which was folded into f#2: one cluster of three.
    kept = pl.DataFrame({"raw_uri": ["f#0", "f#2"]})
    dups = pl.DataFrame({"raw_uri": ["f#1", "f#3", "f#4"], "kept_raw_uri": ["f#0", "f#2", "f#3"],
                         "reason": ["exact", "near", "near"]})
    s = score(truth, clusters_from_dedup(kept, dups), dups)
    assert s["recall"] == 1.0 and s["predicted_pairs"] == 4 and s["shared_pairs"] == 1
    assert s["lookalike_pairs_merged"] == 3 and s["lookalikes_merged"] == 2
    assert s["folds_by_reason"] == {"exact": (1, 1), "near": (0, 2)}


def test_items_are_ninjs_2(corpus):
    items, _ = corpus
    item = json.loads(wc.to_jsonl(items[:1]))
    assert set(item) >= {"uri", "type", "version", "versioncreated", "firstcreated", "pubstatus",
                         "headlines", "bodies", "by", "copyrightholder"}
    assert item["bodies"][0]["contentType"] == "text/html" and item["bodies"][0]["value"].startswith("<p>")


def test_template_instances_differ_in_few_words_and_overlap_the_near_copies(corpus):
    """Hard look-alikes: instances of one form differ in 1-6 % of their words (plus
    subject, figures, reporter), so their 5-shingle Jaccard reaches the near-copies'
    range; each is a cluster of its own, which derived items may copy."""
    items, truth = corpus
    inst = truth.filter(pl.col("kind") == "template")
    assert inst.height and inst["template"].null_count() == 0
    assert truth.filter(pl.col("kind") == "original")["template"].null_count() == truth.filter(
        pl.col("kind") == "original").height

    def shingles(i: int) -> set[tuple[str, ...]]:
        body = _body(items[i]).split(") - ", 1)[1]  # past the dateline
        w = body.lower().split()
        return {tuple(w[k:k + 5]) for k in range(len(w) - 4)}

    jaccards = []
    for _, g in inst.group_by("template"):
        ids = g["item"].to_list()
        for x, y in zip(ids, ids[1:], strict=False):
            a, b = shingles(x), shingles(y)
            jaccards.append(len(a & b) / len(a | b))
    assert len(jaccards) >= 50
    jaccards.sort()
    assert jaccards[len(jaccards) // 2] > 0.6           # most share most of their text
    assert jaccards[int(0.9 * (len(jaccards) - 1))] >= 0.8   # one in ten is above 0.8
    assert 0.85 <= jaccards[-1] < 1.0                        # the closest reach 0.85, none is a copy
    copied = truth.filter(pl.col("parent").is_in(inst["item"].implode()))
    assert copied.height and (copied["template"].is_not_null()).all()


def test_the_benchmark_peak_rss_sees_memory_freed_before_the_block_ends():
    """``PeakRss`` (the dedup benchmark's peak memory) reads the kernel's high-water mark,
    reset when the block starts: 200 MB allocated and freed inside counts, what the
    process held at its peak before the block does not."""
    import numpy as np

    from bench.dedup_bench import PeakRss

    big = np.ones(400 * 2**20 // 8)  # a peak before the block
    del big
    with PeakRss() as mem:
        block = np.ones(200 * 2**20 // 8)
        del block
    assert 150 * 2**20 < mem.peak - mem.before < 350 * 2**20
