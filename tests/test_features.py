"""Dedup features: stored in items/, so they must depend on the item alone and be
stable across processes and library versions."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from tests.test_dedup import _row, _stories, _text
from transforms.dedup.cluster import _without_shared, dedup_items, dedup_stories
from transforms.dedup.features import (
    FEATURE_COLUMNS,
    FINGERPRINT_VERSION,
    LEAD_CHARS,
    _lead,
    _lists,
    _reference_item_features,
    _reference_text_features,
    dedup_text,
    item_features,
    paragraph_hashes,
    text_features,
    text_features_without,
)
from transforms.dedup.fingerprint import (
    binary_to_sig,
    body_hash,
    compact,
    fused_features,
    sig_to_binary,
    signatures,
    stable_hash,
)

_U64 = (1 << 64) - 1


def _py_mix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _U64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _U64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _U64
    return x ^ (x >> 31)


def _py_stable_hash(data: bytes) -> int:
    """The recipe of ``stable_hash`` in plain Python: the length in the seed, 8-byte
    little-endian words (the last one zero-padded), a multiply and a shift each, mixed."""
    h = 0xCBF29CE484222325 ^ ((len(data) * 0xBF58476D1CE4E5B9) & _U64)
    for i in range(0, len(data), 8):
        h = ((h ^ int.from_bytes(data[i:i + 8], "little")) * 0x94D049BB133111EB) & _U64
        h ^= h >> 29
    return _py_mix(h)


def test_stable_hash_is_a_fixed_function_of_the_bytes():
    # Golden values: a change here changes every stored feature (bump FINGERPRINT_VERSION).
    got = stable_hash(pl.Series(["wirelake", "", None, "Zürich"])).to_list()
    assert got[2] is None
    assert got[0] == stable_hash(pl.Series(["x", "wirelake"]))[1]
    assert got[:2] == [6297439131136409934, 14087677454934409008]
    assert got[3] != stable_hash(pl.Series(["Zurich"]))[0]
    # every length around the 8-byte words, and zero bytes that the padding must not hide
    texts = ["a" * k for k in range(0, 26)] + ["Zürich 東京", "a\x00", "a\x00\x00", "wirelake" * 3 + "é"]
    assert stable_hash(pl.Series(texts)).to_list() == [_py_stable_hash(t.encode()) for t in texts]
    assert len(set(stable_hash(pl.Series(["a", "a\x00", "a\x00\x00"])).to_list())) == 3


def _py_body_hash(body: str) -> int:
    """``body_hash`` in plain Python: the body's byte length in the seed, then each of its
    "\n\n" pieces' ``stable_hash`` chained in order, mixed."""
    h = 0xCBF29CE484222325 ^ ((len(body.encode()) * 0x94D049BB133111EB) & _U64)
    for piece in body.split("\n\n"):
        h = ((h ^ _py_stable_hash(piece.encode())) * 0xBF58476D1CE4E5B9) & _U64
        h ^= h >> 29
    return _py_mix(h)


def test_body_hash_tells_apart_every_body_that_differs_in_its_bytes():
    # fp_body chains the pieces' hashes (the fused pass has them anyway): bodies that
    # differ only in how their pieces split must still differ
    bodies = ["", "a", "a\n\nb", "a\n\n\nb", "a\n\n\n\nb", "a\nb", "ab", "a\n\nb\n\n", "\n\na\n\nb",
              "a\n\n\n\n", "\n\n", "\n\n\n\n", "Zürich 東京\n\nwirelake" * 3, "a\x00\n\nb"]
    got = body_hash(pl.Series([*bodies, None])).to_list()
    assert got[-1] is None
    assert got[:-1] == [_py_body_hash(b) for b in bodies]
    assert len(set(got[:-1])) == len(bodies)
    assert body_hash(pl.Series(["x", "a\n\nb"]))[1] == got[2]


def test_signatures_round_trip_through_the_binary_column():
    texts = pl.Series([_text(i) for i in range(5)] + [""])
    sig = compact(signatures(texts)[0])
    column = sig_to_binary(sig)
    assert column.dtype == pl.Binary and column.bin.size().unique().to_list() == [256]
    back = binary_to_sig(pl.concat([column[:2], column[2:]]))  # two chunks
    assert back.dtype == np.uint8 and np.array_equal(back, sig)


def test_equal_bins_counted_eight_at_a_time_as_one_at_a_time():
    """``similarity`` counts the equal 8-bit bins of a pair 8 at a time (zero bytes of
    the words' XOR); the byte loop is its reference, on bytes whose XOR holds 0x80,
    0x7F, 0x01 and 0xFF next to zero bytes (where a borrow or a carry could miscount)."""
    from transforms.dedup.fingerprint import _equal_bins, _equal_bytes

    rng = np.random.default_rng(2)
    sig = rng.choice(np.array([0, 1, 0x7F, 0x80, 0x81, 0xFE, 0xFF], dtype=np.uint8), size=(300, 256))
    sig[1] = sig[0]
    sig[2, :128] = sig[0, :128]
    left, right = rng.integers(0, 300, size=5000), rng.integers(0, 300, size=5000)
    left[:2], right[:2] = 0, [1, 2]
    want, got = np.empty(5000, dtype=np.int64), np.empty(5000, dtype=np.int64)
    _equal_bins(sig, left, right, want)
    _equal_bytes(sig.view(np.uint64), left, right, got)
    assert np.array_equal(got, want) and got[0] == 256 and got[1] >= 128 and len(set(got.tolist())) > 20


def test_paragraph_hashes_skip_empty_paragraphs():
    hashes, chars = paragraph_hashes(pl.Series(["One.\n\n\n\nTwo two.", None, ""]))
    assert chars.to_list() == [[4, 8], [], []]
    assert hashes[0].to_list() == stable_hash(pl.Series(["One.", "Two two."])).to_list()


# Texts where the byte-level rules meet: CJK characters (a word each, unless cut off at
# the end), non-ASCII leads (lower-cased by polars), runs of "\n", tickers and figures
# glued to words, texts shorter than a shingle, nulls.
_HEADLINES = ["", None, "Apple <AAPL.O> up 5.2%", "東京株式市場 日経平均", "Zürich Weather", "a", "two words",
              "It is 1,000.5 and 2", "ÉTÉ <X.Y> 3<A>4",
              # the headline words' compiled scan (ASCII) against its regular expressions
              "ABC.N> <IBM.N> rises", "<X.N>..a> .. <.> <> <a.b> <ABC", "x<abc>y abcd<ef> <A.Bc> <A.Bcd>",
              "1.2.3 <2.5> .ab> AB.C> 12 123 1234", "Kelvin \u212a and \u0130stanbul"]
_BODIES = [None, "", "One.\n\n\n\nTwo two.", "A\n\n\nb\n\nc\n\n", "\n\n\n",
           "日本語のテキスト、東京 5 Apple and Tokyo's Sony <6758.T> rose 3,4 %.\n\nSecond para 東",
           "word " * 50 + "\n\nThe Quick brown Fox, Jumped over 3 Lazy dogs; Again 12.5.",
           "  Lots   of\tspace\x0b\x0c\r\n\n  " * 20, "É" * 300 + " Ünited Kingdom, Ärger", "İstanbul " * 30,
           "a, Bé ça <X.Y> <x> <Z9> 1.2.3 ,5 12,34,5 end <AB" + "x" * 150 + " 東"]


def test_the_fused_pass_gives_what_one_kernel_a_feature_gives():
    """``item_features`` reads each text once (``fingerprint.fused_features``); the
    separate kernels it replaced stay as its reference, on the byte-level edge cases and
    on ordinary stories."""
    rows = [_row(f"e{i}#0", b, headline=h) for i, (h, b) in enumerate(
        (h, b) for h in _HEADLINES for b in _BODIES)]
    rows += [_row(f"s{i}#0", _text(i), headline=f"Headline {i} <X{i}.N>") for i in range(40)]
    stories = _stories(rows)
    fused, reference = item_features(stories), _reference_item_features(stories)
    assert fused.columns == reference.columns
    for col in FEATURE_COLUMNS:
        assert fused[col].equals(reference[col]), col
    assert fused["fp_lead"].null_count() > 0 and fused["fp_lead"].drop_nulls().n_unique() > 40
    # the pass reads polars' string views in place: a slice and a frame of several chunks too
    for part in (stories.slice(7, 60), pl.concat([stories.slice(50), stories.slice(3, 30)], rechunk=False)):
        assert item_features(part).select(FEATURE_COLUMNS).equals(
            _reference_item_features(part).select(FEATURE_COLUMNS))
    texts = pl.Series([*(_HEADLINES + _BODIES), _text(7)], dtype=pl.String)
    assert text_features(texts).equals(_reference_text_features(texts))
    # headline words a few headlines a block, on threads side by side: the same lists
    from transforms.dedup.fingerprint import headline_word_hashes

    whole = headline_word_hashes(stories["headline"])
    for block in (1, 3, 7):
        got = headline_word_hashes(stories["headline"], block=block)
        assert all(np.array_equal(x, y) for x, y in zip(got, whole, strict=True)), block
    assert whole[2].any() and len(whole[0]) > 100
    # and on raw text (normalization strips what the kernel must still get right)
    heads = pl.Series([h for h in _HEADLINES for _ in _BODIES], dtype=pl.String)
    bodies = pl.Series([b for _ in _HEADLINES for b in _BODIES], dtype=pl.String)
    got = fused_features(heads, bodies, lead_chars=LEAD_CHARS)
    text = pl.DataFrame({"h": heads, "b": bodies}).select(dedup_text(pl.col("h"), pl.col("b")))["h"]
    want = _reference_text_features(text)
    assert sig_to_binary(got["sig"]).equals(want["fp_sig"])
    assert got["shingles"].tolist() == want["fp_shingles"].to_list()
    assert _lists("n", got["numbers_offsets"], got["numbers"], pl.List(pl.UInt32)).to_list() == \
        want["fp_numbers"].to_list()
    assert _lists("n", got["names_offsets"], got["names"], pl.List(pl.UInt32)).to_list() == want["fp_names"].to_list()
    hashes, chars = paragraph_hashes(bodies)
    assert _lists("p", got["paragraphs_offsets"], got["paragraphs"], pl.List(pl.UInt64)).to_list() == hashes.to_list()
    assert _lists("p", got["paragraphs_offsets"], got["paragraph_chars"], pl.List(pl.Int32)).to_list() == \
        chars.to_list()
    assert [h if ok else None for h, ok in zip(got["body"].tolist(), got["body_valid"], strict=True)] == \
        body_hash(bodies).to_list()
    lead, state = stable_hash(_lead(bodies)).to_list(), got["lead_state"]
    assert set(state.tolist()) == {0, 1, 2}
    assert [lead[i] for i in np.flatnonzero(state == 1)] == got["lead"][state == 1].tolist()
    assert all(lead[i] is None for i in np.flatnonzero(state == 0))


def test_leaving_shared_paragraphs_out_in_the_pass_gives_what_the_text_without_them_gives():
    """``text_features_without`` drops the shared paragraphs while it copies the bytes;
    ``cluster._without_shared`` builds that text in polars (its reference)."""
    bodies = [*_BODIES, "Keep me.\n\nShared promo.\n\n\n\nShared promo.\n\nEnd 5.", "Shared promo.",
              "Shared promo.\n\n", "\n\nShared promo.\n\n\nx", _text(3) + "\n\nShared promo."]
    heads = pl.Series([h for h in _HEADLINES for _ in bodies], dtype=pl.String)
    body = pl.Series([b for _ in _HEADLINES for b in bodies], dtype=pl.String)
    shared = stable_hash(pl.Series(["Shared promo.", "Two two.", "A", "\n", "Second para 東"]))
    frame = pl.DataFrame({"_i": range(len(heads)), "headline": heads, "body": body})
    got = text_features_without(heads, body, shared.to_numpy())
    want = text_features(_without_shared(frame, shared))
    for col in got.columns:
        assert got[col].equals(want[col]), col
    # what dedup's link reads when it fingerprints again: the text's features alone, the same
    text_only = fused_features(heads, body, skip=shared.to_numpy(), body_features=False)
    assert sig_to_binary(text_only["sig"]).equals(got["fp_sig"])
    assert text_only["shingles"].tolist() == got["fp_shingles"].to_list()
    assert _lists("n", text_only["numbers_offsets"], text_only["numbers"], pl.List(pl.UInt32)).to_list() == \
        got["fp_numbers"].to_list()
    assert _lists("n", text_only["names_offsets"], text_only["names"], pl.List(pl.UInt32)).to_list() == \
        got["fp_names"].to_list()
    assert len(text_only["paragraphs"]) == 0 and not text_only["lead_state"].any()
    # and the paragraphs did go: not the features of the whole text
    assert not got["fp_sig"].equals(text_features(frame.select(dedup_text(pl.col("headline"), pl.col("body")))
                                                  .to_series())["fp_sig"])


def test_features_depend_on_the_item_alone():
    rows = [_row(f"u{i}#0", _text(i), headline=f"Headline {i}") for i in range(6)]
    together = item_features(_stories(rows))
    for i in (0, 3, 5):
        alone = item_features(_stories([rows[i]]))
        for col in FEATURE_COLUMNS:
            assert alone[col].to_list() == together[col][i:i + 1].to_list(), col
    assert set(together["fp_version"]) == {FINGERPRINT_VERSION}


def test_dedup_decides_on_features_and_reads_text_only_where_needed():
    """dedup_items, given no text but a fetcher, decides as dedup_stories does; it asks
    for the rows holding a shared boilerplate paragraph and nothing more here."""
    promo = "Watch the related videos and subscribe to our daily newsletter for more news every morning."
    rows = [_row(f"s{i}#0", _text(100 + i) + "\n\n" + promo, headline=f"Story {i}", guid=f"g{i}")
            for i in range(9)]
    rows += [_row("copy#0", _text(100) + "\n\n" + promo, headline="Story 0", guid="other")]
    stories = _stories(rows)
    want_kept, want_dups = dedup_stories(stories)

    items = item_features(stories).with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    text = items.select("_i", "headline", "body")
    asked: list[int] = []

    def fetch(wanted: np.ndarray) -> Iterator[pl.DataFrame]:
        asked.extend(wanted.tolist())
        for start in range(0, len(wanted), 3):  # a few rows a frame, as the flow's fetcher gives them
            yield text[wanted[start:start + 3]]

    kept, dups = dedup_items(items.drop("body"), fetch)
    assert sorted(kept["raw_uri"]) == sorted(want_kept["raw_uri"])
    assert dups.select("raw_uri", "kept_raw_uri", "reason").sort("raw_uri").equals(
        want_dups.select("raw_uri", "kept_raw_uri", "reason").sort("raw_uri"))
    assert dups.height == 1 and dups["reason"].to_list() == ["exact"]
    assert sorted(asked) == list(range(10))  # every row holds the shared promo, once each
    assert kept["shared_boilerplate"].to_list() == [False] * kept.height  # a small share of each body


def test_lsh_candidates_are_exactly_the_pairs_sharing_a_band_bucket():
    """The bucket-pairing kernel against a brute force over every band."""
    from itertools import combinations

    from transforms.dedup.cluster import DedupConfig, candidate_pairs

    rng = np.random.default_rng(7)
    cfg = DedupConfig(bands=6, rows=4, bucket_cap=3)
    sig = rng.integers(0, 4, size=(40, cfg.bands * cfg.rows), dtype=np.uint8)  # many collisions
    sig[5] = sig[9]                       # an identical pair
    sig[11:15, :4] = sig[2, :4]           # a bucket of 5 in band 0: over the cap
    eligible = np.ones(40, dtype=bool)
    eligible[30] = False
    got = set(candidate_pairs(sig, eligible, cfg).iter_rows())
    want = set()
    for band in range(cfg.bands):
        buckets: dict[bytes, list[int]] = {}
        for doc in np.flatnonzero(eligible):
            buckets.setdefault(sig[doc, band * 4:(band + 1) * 4].tobytes(), []).append(int(doc))
        for docs in buckets.values():
            if 2 <= len(docs) <= cfg.bucket_cap:
                want.update(combinations(sorted(docs), 2))
    assert got == want and (5, 9) in got and not any(30 in p for p in got)
