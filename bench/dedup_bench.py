"""Dedup benchmark: quality against a synthetic wire corpus's truth, and speed.

    .venv/bin/python -m bench.dedup_bench --n 100000            # ours and the datasketch baseline
    .venv/bin/python -m bench.dedup_bench --n 1000000 --no-datasketch
    .venv/bin/python -m bench.dedup_bench --n 1000000 --no-rensa   # with datasketch (rensa needs > 24 GB)
    .venv/bin/python -m bench.dedup_bench --n 100000 --ingest   # plus the whole ingest, end to end

A benchmark, not a test: it prints figures and asserts nothing. Steps:

1. ``bench.wire_corpus.write_jsonl`` writes the corpus (ninjs JSON Lines shards
   and ``truth.parquet``) to a temporary directory (``--keep DIR`` keeps it).
2. Each shard goes through the pipeline's own steps, as the ingest flow runs
   them: ``transforms.reading.extract.extract_file`` -> ``transforms.reading.accounting.parsed_frame``
   -> ``transforms.normalizing.normalize.normalize_stories``. A row's ``raw_uri`` is
   ``<shard file>#<line>``, the truth's ``item_uri``.
3. Only the dedup call is timed (``--dedup module:function``; default
   ``transforms.dedup.cluster.dedup_stories`` when it exists, else ``dedup_exact``),
   with the peak RSS sampled while it runs.
4. Quality is pairwise. An item's predicted cluster is the copy it was folded
   into (``kept_raw_uri``, chains followed), or itself when kept: items are
   told apart by ``raw_uri``, because byte-identical copies share a
   ``story_id``. Predicted pairs are the unordered pairs inside a predicted
   cluster, truth pairs those inside a truth cluster; precision = shared pairs
   / predicted pairs, recall = shared pairs / truth pairs. Recall per kind counts
   the pairs (original, item of that kind), i.e. the share of items of that
   kind that end up with their original; pairs of two derived items count in
   the overall figures only. Look-alikes are each their own truth cluster, so
   every predicted pair holding one is a wrong merge.
5. The baseline, on the same normalized frame: datasketch ``MinHashLSH``
   (128 permutations, threshold 0.8) over 5-word shingles of the lowercased
   body, every item inserted then queried, candidates unioned. Its time covers
   shingling, hashing, indexing, querying and the union.
6. ``--ingest`` runs ``flows.ingest.ingest`` on the shards into a temporary
   lake, under ``prefect_test_harness``, in a child process, so its time and
   peak RSS are the ingest's alone.

Timings use ``time.perf_counter`` in one process; compare them as ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from bench.wire_corpus import KINDS, NEAR, SHARES, STANDALONE, write_jsonl

DedupFn = Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]
SHINGLE = 5


# --------------------------------------------------------------------------------------
# Corpus -> normalized stories, the pipeline's way
# --------------------------------------------------------------------------------------

def load_stories(shards: list[Path]) -> tuple[pl.DataFrame, dict]:
    """The normalized stories of the shards, plus counts of what extraction gave.

    Shard by shard (normalization is row by row), so the parsed rows of one
    shard at a time are held as Python objects.
    """
    from transforms.normalizing.normalize import normalize_stories
    from transforms.reading.accounting import parsed_frame
    from transforms.reading.extract import extract_file

    frames, counts = [], {"items_in": 0, "rejects": 0, "skipped": 0}
    for path in shards:
        result = extract_file(path.read_bytes(), path.name)
        counts["items_in"] += result.items_in
        counts["rejects"] += len(result.rejects)
        counts["skipped"] += sum(result.skipped.values())
        parsed = parsed_frame([result])
        del result
        frames.append(normalize_stories(parsed.lazy()).collect())
    started = time.time()
    stories = pl.concat(frames, how="vertical").with_columns(
        # what the flow adds before dedup
        pl.lit(started).cast(pl.Datetime("us", "UTC")).alias("ingested_at"),
        pl.lit("bench").alias("run_id"),
    )
    return stories, counts


def resolve_dedup(spec: str | None) -> tuple[str, DedupFn]:
    """``module:function``, or the project's dedup (``dedup_stories`` when it exists)."""
    if spec:
        module, _, name = spec.partition(":")
        return spec, getattr(importlib.import_module(module), name)
    dedup = importlib.import_module("transforms.dedup.cluster")
    name = "dedup_stories" if hasattr(dedup, "dedup_stories") else "dedup_exact"
    return f"transforms.dedup.cluster:{name}", getattr(dedup, name)


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------

def _rss() -> int:
    try:
        import psutil
    except ImportError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return psutil.Process().memory_info().rss


def _hwm() -> int | None:
    """The process's peak resident memory (VmHWM), or None where /proc has none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_hwm() -> bool:
    """Reset the process's VmHWM to its current RSS (Linux 4.0+: ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return _hwm() is not None


class PeakRss:
    """Peak resident memory while the block runs.

    On Linux the kernel's own high-water mark, reset when the block starts: exact,
    and nothing runs beside the block. A thread sampling every 5 ms, as before, took
    the GIL 200 times a second from the threads it measured: 5-7 % of the 1M dedup's
    wall time (20.5 s against 19.3 s without it, 2026-12-07). Elsewhere psutil
    sampled every 5 ms; without psutil the process's high-water mark (``ru_maxrss``),
    which also counts whatever ran before the block.
    """

    def __enter__(self) -> PeakRss:
        self.before = _rss()
        self.peak = self.before
        self._kernel = _reset_hwm()
        self._stop = threading.Event()
        self._thread = None
        if not self._kernel:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, _rss(), (_hwm() or 0) if self._kernel else 0)


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------

def clusters_from_dedup(kept: pl.DataFrame, duplicates: pl.DataFrame) -> pl.DataFrame:
    """``raw_uri -> keeper``: the raw_uri of the kept copy each item ends up in.

    A fold into an item that was itself folded is followed to the end.
    """
    edges = pl.concat([
        kept.select("raw_uri", pl.col("raw_uri").alias("keeper")),
        duplicates.select("raw_uri", pl.col("kept_raw_uri").alias("keeper")),
    ])
    for _ in range(32):
        step = edges.join(edges.select(pl.col("raw_uri").alias("keeper"), pl.col("keeper").alias("_next")),
                          on="keeper", how="left").with_columns(pl.coalesce("_next", "keeper").alias("_next"))
        if step.select((pl.col("_next") == pl.col("keeper")).all()).item():
            break
        edges = step.select("raw_uri", pl.col("_next").alias("keeper"))
    return edges


def _pairs(df: pl.DataFrame, *by: str) -> int:
    n = df.group_by(*by).len()["len"].cast(pl.Int64)
    return int((n * (n - 1) // 2).sum())


def score(truth: pl.DataFrame, predicted: pl.DataFrame, duplicates: pl.DataFrame | None = None) -> dict:
    """Pairwise precision and recall of ``predicted`` (``raw_uri``, ``keeper``) against the truth."""
    listed = predicted.height
    predicted = predicted.unique("raw_uri", keep="first")
    if "template" not in truth.columns:
        truth = truth.with_columns(pl.lit(None, dtype=pl.Int64).alias("template"))
    df = truth.select("item", "item_uri", "cluster_id", "kind", "parent", "template").join(
        predicted, left_on="item_uri", right_on="raw_uri", how="left")
    missing = df["keeper"].null_count()
    df = df.with_columns(pl.coalesce("keeper", "item_uri").alias("keeper"))
    truth_pairs = _pairs(df, "cluster_id")
    pred_pairs = _pairs(df, "keeper")
    shared = _pairs(df, "cluster_id", "keeper")
    out: dict = {
        "items": df.height, "missing": missing, "listed_twice": listed - predicted.height,
        "truth_pairs": truth_pairs, "predicted_pairs": pred_pairs, "shared_pairs": shared,
        "precision": shared / pred_pairs if pred_pairs else 1.0,
        "recall": shared / truth_pairs if truth_pairs else 1.0,
        "clusters": df["keeper"].n_unique(),
    }
    # Recall per kind: is each derived item in its original's predicted cluster?
    with_parent = df.join(df.select(pl.col("item").alias("parent"), pl.col("keeper").alias("_parent_keeper")),
                          on="parent", how="inner")
    per_kind = (with_parent.group_by("kind")
                .agg(pl.len().alias("pairs"), (pl.col("keeper") == pl.col("_parent_keeper")).sum().alias("found")))
    out["recall_by_kind"] = {k: (f, p) for k, p, f in per_kind.sort("kind").iter_rows()}
    near = per_kind.filter(pl.col("kind").is_in(NEAR))
    out["near_recall"] = (near["found"].sum() / near["pairs"].sum()) if near.height else 1.0
    # Wrong merges: predicted pairs that hold a look-alike (each is its own truth
    # cluster), and the other pairs across truth clusters.
    sizes = df.group_by("keeper").agg(pl.len().alias("s"), (pl.col("kind") == "lookalike").sum().alias("l"))
    s, la = sizes["s"].cast(pl.Int64), sizes["l"].cast(pl.Int64)
    out["lookalike_pairs_merged"] = int((s * (s - 1) // 2 - (s - la) * (s - la - 1) // 2).sum())
    out["lookalikes_merged"] = int(sizes.filter(pl.col("s") > 1)["l"].sum())
    # Template instances (and their copies) of one template folded together: wrong pairs
    # between two items that both come from template instances.
    tm = df.filter(pl.col("template").is_not_null())
    out["template_pairs_merged"] = _pairs(tm, "keeper") - _pairs(tm, "cluster_id", "keeper")
    tk = tm.filter(pl.col("kind") == "template")
    out["template_instances_merged"] = _pairs(tk, "keeper") - _pairs(tk, "cluster_id", "keeper")
    out["other_wrong_pairs"] = pred_pairs - shared - out["lookalike_pairs_merged"] - out["template_pairs_merged"]
    if duplicates is not None and duplicates.height:
        # Per reason: how many folds join two items of one truth cluster.
        cluster = truth.select("item_uri", "cluster_id")
        folds = duplicates.select("raw_uri", "reason").join(
            clusters_from_dedup(pl.DataFrame(schema={"raw_uri": pl.String}), duplicates),
            on="raw_uri", how="left").join(cluster, left_on="raw_uri", right_on="item_uri", how="left").join(
            cluster.rename({"cluster_id": "_kept_cluster"}), left_on="keeper", right_on="item_uri", how="left")
        by_reason = folds.group_by("reason").agg(
            pl.len().alias("folds"), (pl.col("cluster_id") == pl.col("_kept_cluster")).sum().alias("right"))
        out["folds_by_reason"] = {r: (right, n) for r, n, right in by_reason.sort("reason").iter_rows()}
    return out


# --------------------------------------------------------------------------------------
# Baseline: datasketch MinHash LSH
# --------------------------------------------------------------------------------------

def shingles(body: str | None, k: int = SHINGLE) -> set[str]:
    words = (body or "").lower().split()
    return {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def _union(keys: list[str], candidates: list[list[int]]) -> pl.DataFrame:
    """``raw_uri -> keeper``: the connected components of each item with its candidates."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, found in enumerate(candidates):
        for j in found:
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return pl.DataFrame({"raw_uri": keys, "keeper": [keys[root(i)] for i in range(len(keys))]})


def datasketch_fast_clusters(stories: pl.DataFrame, threshold: float = 0.8,
                             num_perm: int = 128) -> tuple[pl.DataFrame, float]:
    """``(raw_uri -> keeper, seconds)``: datasketch on its fast path, ``MinHash.bulk``
    (one vectorised update per text) and an LSH insertion session; the time covers
    shingling, hashing, indexing, querying and the union."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    keys = stories["raw_uri"].to_list()
    bodies = stories["body"].to_list()
    start = time.perf_counter()
    sigs = [LeanMinHash(m) for m in MinHash.bulk(
        ([sh.encode("utf-8") for sh in shingles(body)] for body in bodies), num_perm=num_perm)]
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m, check_duplication=False)
    clusters = _union(keys, [lsh.query(m) for m in sigs])
    return clusters, time.perf_counter() - start


def rensa_clusters(stories: pl.DataFrame, threshold: float = 0.8, num_perm: int = 128,
                   bands: int = 16) -> tuple[pl.DataFrame, float]:
    """``(raw_uri -> keeper, seconds)`` with rensa (Rust): ``RMinHash`` digests of the
    same 5-word shingles computed in bulk, ``RMinHashLSH`` (16 bands of 8), every item
    inserted then queried, candidates unioned."""
    from rensa import RMinHash, RMinHashLSH

    keys = stories["raw_uri"].to_list()
    bodies = stories["body"].to_list()
    start = time.perf_counter()
    sigs = RMinHash.from_token_sets([list(shingles(body)) for body in bodies], num_perm, 42)
    lsh = RMinHashLSH(threshold, num_perm, bands)
    lsh.insert_many(sigs, 0)
    found = lsh.query_all(sigs)
    clusters = _union(keys, [list(f) for f in found])
    return clusters, time.perf_counter() - start


def datasketch_clusters(stories: pl.DataFrame, threshold: float = 0.8,
                        num_perm: int = 128) -> tuple[pl.DataFrame, float]:
    """``(raw_uri -> keeper, seconds)`` with the usual MinHashLSH loop (a per-shingle
    ``update``: about 5x slower than the fast path)."""
    from datasketch import MinHash, MinHashLSH

    keys = stories["raw_uri"].to_list()
    bodies = stories["body"].to_list()
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = []
    for key, body in zip(keys, bodies, strict=True):
        m = MinHash(num_perm=num_perm)
        for sh in shingles(body):
            m.update(sh.encode("utf-8"))
        lsh.insert(key, m)
        signatures.append(m)
    index = {key: i for i, key in enumerate(keys)}
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, m in enumerate(signatures):
        for other in lsh.query(m):
            a, b = root(i), root(index[other])
            if a != b:
                parent[max(a, b)] = min(a, b)
    seconds = time.perf_counter() - start
    return pl.DataFrame({"raw_uri": keys, "keeper": [keys[root(i)] for i in range(len(keys))]}), seconds


QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0)


# --------------------------------------------------------------------------------------
# How hard the corpus is: true 5-shingle similarity of sampled pairs
# --------------------------------------------------------------------------------------

def corpus_similarity(stories: pl.DataFrame, truth: pl.DataFrame, sample: int = 200,
                      seed: int = 0) -> list[tuple[str, int, float, list[float], float]]:
    """Per kind: (kind, pairs, mean Jaccard, its quantiles (min, 10, 25, 50, 75, 90, 95 %, max),
    mean containment) of the 5-shingle sets of the bodies.

    Pairs: each derived item with its original; look-alikes with another
    look-alike of the same family; a template instance with the next instance of its
    template; unrelated originals with each other.
    """
    body = dict(zip(stories["raw_uri"].to_list(), stories["body"].to_list(), strict=True))
    t = truth.select("item", "item_uri", "kind", "parent", "detail")
    uri = dict(zip(t["item"].to_list(), t["item_uri"].to_list(), strict=True))
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in KINDS[1:]:
        if kind in STANDALONE:
            continue
        rows = t.filter((pl.col("kind") == kind) & pl.col("parent").is_not_null())
        rows = rows.sample(min(sample, rows.height), seed=seed)
        groups[kind] = [(uri[p], u) for p, u in zip(rows["parent"], rows["item_uri"], strict=True)]
    look = t.filter(pl.col("kind") == "lookalike")
    pairs = []
    for _, g in look.group_by("detail", maintain_order=True):
        if g.height >= 2:
            a = g.sample(min(sample // 3, g.height), seed=seed)["item_uri"].to_list()
            b = g.sample(min(sample // 3, g.height), seed=seed + 1)["item_uri"].to_list()
            pairs += [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    groups["lookalike"] = pairs
    inst = t.filter(pl.col("kind") == "template")
    pairs = []
    for _, g in inst.group_by("detail", maintain_order=True):
        uris = g["item_uri"].to_list()
        pairs += list(zip(uris, uris[1:], strict=False))  # instances of one template, in time order
    if len(pairs) > 3 * sample:
        pairs = random.Random(seed).sample(pairs, 3 * sample)
    groups["template"] = pairs
    orig = t.filter(pl.col("kind") == "original")
    if orig.height >= 2:
        a = orig.sample(min(sample, orig.height), seed=seed)["item_uri"].to_list()
        b = orig.sample(min(sample, orig.height), seed=seed + 1)["item_uri"].to_list()
        groups["unrelated"] = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    out = []
    for kind, ps in groups.items():
        js, cs = [], []
        for x, y in ps:
            if x not in body or y not in body:
                continue
            sx, sy = shingles(body[x]), shingles(body[y])
            inter = len(sx & sy)
            js.append(inter / len(sx | sy))
            cs.append(inter / min(len(sx), len(sy)))
        if js:
            js.sort()
            qs = [js[round(q * (len(js) - 1))] for q in QUANTILES]
            out.append((kind, len(js), sum(js) / len(js), qs, sum(cs) / len(cs)))
    return out


# --------------------------------------------------------------------------------------
# The whole ingest, in a child process
# --------------------------------------------------------------------------------------

def _ingest_child(lake: str, sources: list[str]) -> int:
    """Run the ingest flow under a Prefect test harness; print one JSON line of figures."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest
    from flows.progress import peak_rss_mb as _peak_rss_mb

    # PREFECT_API_URL set (``--server``): the server the parent started; else a temporary one
    harness = (contextlib.nullcontext() if os.environ.get("PREFECT_API_URL")
               else prefect_test_harness(server_startup_timeout=120))
    with harness, temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        start = time.perf_counter()
        manifest = ingest(sources=sources, lake=lake)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "seconds": seconds,
        "maxrss": _peak_rss_mb() * 2**20,  # VmHWM: ru_maxrss would count this parent's memory too
        "totals": manifest["totals"], "timings": manifest["timings_s"], "peak_rss_mb": manifest["peak_rss_mb"],
        "duplicates_by_reason": manifest["duplicates_by_reason"],
    }))
    return 0


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants (psutil), 0 once it is gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def prefect_server(home: Path):
    """``prefect server start`` on 127.0.0.1 (a free port, SQLite in ``home``), as a user
    runs once before ingesting (``--server``): the ingest then talks to it through
    ``PREFECT_API_URL``, and its memory counts in the tree's peak."""
    from deploy.seaweed import free_port
    from deploy.stack import start_prefect_server

    return start_prefect_server(home, free_port(), timeout=300)


def run_ingest(shards: list[Path], workdir: Path, server=None, env: dict | None = None) -> dict:
    """The ingest in a child process; its own peak RSS (VmHWM) and the peak of its whole
    process tree (the child, its extract processes, and the temporary Prefect server it
    starts, or ``server``, a running Prefect server it is pointed at), sampled every 50 ms."""
    lake = workdir / "lake"
    # a fresh lake each time: with --keep the last run's lake is there, and a rerun
    # into it would find nothing new and measure nothing
    shutil.rmtree(lake, ignore_errors=True)
    cmd = [sys.executable, "-m", "bench.dedup_bench", "--ingest-child", str(lake), *map(str, shards)]
    return run_child(cmd, server, env)


def run_child(cmd: list[str], server=None, env: dict | None = None) -> dict:
    """Run a benchmark child printing one JSON line of figures; add its wall time and the
    peak RSS of its process tree plus ``server``'s (sampled every 50 ms)."""
    env = {**os.environ, **(env or {})}
    if server is not None:
        env["PREFECT_API_URL"] = server.api_url
    else:
        env.pop("PREFECT_API_URL", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).resolve().parent.parent)
    peak = {"tree": 0, "server": 0}
    done = threading.Event()

    def sample() -> None:
        try:
            import psutil  # noqa: F401
        except ImportError:
            return
        while not done.wait(0.05):
            other = _tree_rss(server.process.pid) if server is not None else 0
            peak["tree"] = max(peak["tree"], _tree_rss(proc.pid) + other)
            peak["server"] = max(peak["server"], other)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{stderr[-4000:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    figures["tree_peak"] = peak["tree"]
    figures["server_peak"] = peak["server"]
    return figures


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def print_quality(name: str, s: dict) -> None:
    print(f"\n== {name}: quality (pairwise, {s['items']:,} items, {s['clusters']:,} predicted clusters)")
    if s["missing"] or s["listed_twice"]:
        print(f"   ! {s['missing']:,} items in neither output, {s['listed_twice']:,} listed twice")
    print(f"   precision {_pct(s['precision'])}  recall {_pct(s['recall'])}  "
          f"({s['shared_pairs']:,} right of {s['predicted_pairs']:,} predicted pairs; "
          f"{s['truth_pairs']:,} truth pairs)")
    print("   recall by kind (items that land with their original):")
    for kind, (found, pairs) in s["recall_by_kind"].items():
        print(f"     {kind:<12} {_pct(found / pairs) if pairs else '-':>8}  ({found:,}/{pairs:,})")
    print(f"   wrong merges: {s['lookalike_pairs_merged']:,} pairs with a look-alike "
          f"({s['lookalikes_merged']:,} look-alikes merged), {s['template_pairs_merged']:,} pairs across "
          f"template instances ({s['template_instances_merged']:,} of two instances), "
          f"{s['other_wrong_pairs']:,} other pairs")
    for reason, (right, n) in s.get("folds_by_reason", {}).items():
        print(f"   folds '{reason}': {n:,}, {_pct(right / n)} within one truth cluster")


def print_similarity(rows: list) -> None:
    print(f"\ncorpus check: true {SHINGLE}-shingle Jaccard of the bodies of sampled pairs (a derived item "
          "with its original; template: two instances of one template)")
    head = " ".join(f"{'min' if q == 0 else 'max' if q == 1 else f'p{round(100 * q)}':>6}" for q in QUANTILES)
    print(f"   {'kind':<12} {'pairs':>5}  {'mean':>6}  {head}  {'containment':>11}")
    for kind, n, mean, qs, cont in rows:
        print(f"   {kind:<12} {n:>5}  {mean:>6.3f}  {' '.join(f'{q:>6.3f}' for q in qs)}  {cont:>11.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.dedup_bench",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="items in the corpus (default 100,000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--template-share", type=float, default=SHARES["template"],
                    help="share of template instances, the hard look-alikes (default %(default)s)")
    ap.add_argument("--templates", type=int, default=None,
                    help="templates the instances are spread over (default: about 15 instances each)")
    ap.add_argument("--shard-size", type=int, default=50_000, help="items per JSONL file")
    ap.add_argument("--workers", type=int, default=None, help="processes writing the corpus")
    ap.add_argument("--dedup", default=None, metavar="MODULE:FUNCTION",
                    help="dedup to measure (default transforms.dedup.cluster:dedup_stories, else dedup_exact)")
    ap.add_argument("--no-datasketch", action="store_true", help="skip the baselines (datasketch, rensa)")
    ap.add_argument("--no-rensa", action="store_true",
                    help="skip rensa only (its index holds about 40 KB a story: +4 GB at 100k, so 1M does not "
                         "fit in 24 GB)")
    ap.add_argument("--datasketch-loop", action="store_true",
                    help="also run datasketch's per-shingle update loop (slow)")
    ap.add_argument("--ingest", action="store_true", help="also time the whole ingest flow")
    ap.add_argument("--ingest-only", action="store_true", help="only the ingest (no in-process stages)")
    ap.add_argument("--server", action="store_true",
                    help="run the ingest against a Prefect server started for it (prefect server start, "
                         "PREFECT_API_URL), counted in the peak RSS, instead of a temporary one")
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR", help="write the corpus here and keep it")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: reuse the corpus and normalized stories kept there by a run with the "
                         "same --n, --seed, --template-share, --templates (and --shard-size)")
    ap.add_argument("--save-clusters", type=Path, default=None, metavar="FILE",
                    help="write our predicted clusters (raw_uri, keeper) and duplicate rows' reasons to this "
                         "Parquet file, to compare two versions' decisions")
    ap.add_argument("--ingest-child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ingest_child:
        return _ingest_child(args.ingest_child[0], args.ingest_child[1:])

    name, dedup = resolve_dedup(args.dedup)  # before the corpus: a bad name fails at once
    table: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="wirelake-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        params = json.dumps([args.n, args.seed, args.template_share, args.templates, args.shard_size])
        stamp, cached = workdir / "params.json", workdir / "stories.parquet"
        # the corpus is reused when the stamp says it was written with these parameters;
        # the normalized stories (not written by --ingest-only) when they are there too
        reuse_corpus = bool(args.reuse and args.keep and stamp.exists() and stamp.read_text() == params
                            and (workdir / "corpus" / "truth.parquet").exists())
        reuse = reuse_corpus and cached.exists()
        start = time.perf_counter()
        if reuse_corpus:
            shards = sorted((workdir / "corpus").glob("wire-*.jsonl"))
        else:
            stamp.unlink(missing_ok=True)
            cached.unlink(missing_ok=True)
            shards = write_jsonl(workdir / "corpus", args.n, args.seed, args.shard_size, args.workers,
                                 args.template_share, args.templates)
            if args.keep:
                stamp.write_text(params)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in shards)
        truth = pl.read_parquet(workdir / "corpus" / "truth.parquet")
        n_templates = truth["template"].n_unique() - (1 if truth["template"].null_count() else 0)
        print(f"corpus: {args.n:,} items, seed {args.seed}, {n_templates:,} templates, "
              f"{len(shards)} file(s), {size / 1e6:,.0f} MB, "
              + ("reused" if reuse_corpus else f"written in {seconds:.1f} s") + f" -> {workdir / 'corpus'}")
        print("kinds: " + ", ".join(f"{k} {n:,}" for k, n in
                                   truth.group_by("kind").len().sort("kind").iter_rows()))
        if not reuse_corpus:
            table.append(("corpus written", f"{args.n / seconds:,.0f} items/s"))

        if not args.ingest_only:
            start = time.perf_counter()
            if reuse:
                stories, counts = pl.read_parquet(cached), {"items_in": args.n, "rejects": 0, "skipped": 0}
                print(f"(reusing {cached})")
            else:
                stories, counts = load_stories(shards)
                if args.keep:
                    stories.write_parquet(cached)
            seconds = time.perf_counter() - start
            print(f"extract + normalize: {stories.height:,} stories in {seconds:.1f} s "
                  f"(items {counts['items_in']:,}, rejects {counts['rejects']:,}, skipped {counts['skipped']:,})")
            unmatched = stories.join(truth, left_on="raw_uri", right_on="item_uri", how="anti").height
            if unmatched:
                print(f"   ! {unmatched:,} stories have no truth row (raw_uri != item_uri)")
            table.append(("extract + normalize", f"{stories.height / seconds:,.0f} stories/s"))

            warm_up = getattr(importlib.import_module("transforms.dedup.cluster"), "warm_up", None)
            if args.dedup is None and warm_up is not None:
                # numba loads the kernels' cached code once per process (0.3-0.8 s): timed
                # apart, so the stage's figure is its work (the CLI overlaps the feature
                # kernels' load with Prefect's start-up, flows/cli.py).
                start = time.perf_counter()
                warm_up()
                warm_s = time.perf_counter() - start
                print(f"dedup kernels loaded in {warm_s:.2f} s (once per process; not in the stage's time "
                      "below)")
                table.append(("dedup kernels' one-time load (once per process)", f"{warm_s:.2f} s"))
            with PeakRss() as mem:
                cpu = os.times()
                start = time.perf_counter()
                kept, duplicates = dedup(stories)
                ours_s = time.perf_counter() - start
                cpu = sum(os.times()[:2]) - sum(cpu[:2])  # user + system, every thread
            predicted_ours = clusters_from_dedup(kept, duplicates)
            ours = score(truth, predicted_ours, duplicates)
            if args.save_clusters:
                predicted_ours.join(duplicates.select("raw_uri", "reason", "similarity"), on="raw_uri",
                                    how="left").sort("raw_uri").write_parquet(args.save_clusters)
            del predicted_ours
            print(f"\ndedup {name}: {stories.height:,} stories -> {kept.height:,} kept, "
                  f"{duplicates.height:,} duplicates in {ours_s:.2f} s (CPU {cpu:.2f} s, all threads; load "
                  f"average {os.getloadavg()[0]:.1f}); RSS {_mb(mem.before)} before, "
                  f"peak {_mb(mem.peak)} (+{_mb(mem.peak - mem.before)})")
            print_quality(name, ours)
            table += [
                (f"{name} speed", f"{stories.height / ours_s:,.0f} stories/s ({ours_s:.2f} s)"),
                (f"{name} CPU time (user + system, all threads)",
                 f"{cpu:.2f} s (at best {stories.height / (cpu / 2):,.0f} stories/s on 2 idle cores)"),
                (f"{name} precision / recall", f"{_pct(ours['precision'])} / {_pct(ours['recall'])}"),
                (f"{name} near / exact recall",
                 f"{_pct(ours['near_recall'])} / {_pct(_ratio(ours['recall_by_kind'].get('exact')))}"),
                (f"{name} look-alike pairs merged", f"{ours['lookalike_pairs_merged']:,}"),
                (f"{name} template pairs merged (instance-instance)",
                 f"{ours['template_pairs_merged']:,} ({ours['template_instances_merged']:,})"),
                (f"{name} peak RSS (in dedup)", f"{_mb(mem.peak)} (+{_mb(mem.peak - mem.before)})"),
            ]

            if not args.no_datasketch:
                baselines = [("datasketch (fast path: MinHash.bulk, insertion session)", "datasketch-fast",
                              datasketch_fast_clusters),
                             ("rensa (RMinHash.from_token_sets, RMinHashLSH 16 bands)", "rensa", rensa_clusters)]
                if args.no_rensa:
                    baselines = baselines[:1]
                if args.datasketch_loop:
                    baselines.append(("datasketch (per-shingle update loop)", "datasketch-loop", datasketch_clusters))
                for title, short, run in baselines:
                    with PeakRss() as mem_ds:
                        ds_cpu = os.times()
                        predicted, ds_s = run(stories)
                        ds_cpu = sum(os.times()[:2]) - sum(ds_cpu[:2])
                    ds = score(truth, predicted)
                    print(f"\n{title}, 128 perm, threshold 0.8, {SHINGLE}-word shingles of the body: "
                          f"{ds_s:.1f} s; peak RSS {_mb(mem_ds.peak)} (+{_mb(mem_ds.peak - mem_ds.before)})")
                    print_quality(short, ds)
                    table += [
                        (f"{short} speed", f"{stories.height / ds_s:,.0f} stories/s ({ds_s:.1f} s; "
                                           f"CPU {ds_cpu:.1f} s)"),
                        (f"{short} precision / recall", f"{_pct(ds['precision'])} / {_pct(ds['recall'])}"),
                        (f"{short} near / exact recall",
                         f"{_pct(ds['near_recall'])} / {_pct(_ratio(ds['recall_by_kind'].get('exact')))}"),
                        (f"{short} look-alike / template pairs merged",
                         f"{ds['lookalike_pairs_merged']:,} / {ds['template_pairs_merged']:,}"),
                        (f"speed ratio ours / {short}", f"{ds_s / ours_s:,.1f}x (CPU time {ds_cpu / cpu:,.1f}x)"),
                    ]
                    del predicted

            print_similarity(corpus_similarity(stories, truth))
            del stories, kept, duplicates

        if args.ingest or args.ingest_only:
            if args.server:
                with prefect_server(workdir / "prefect-home") as server:
                    figures = run_ingest(shards, workdir, server)
            else:
                figures = run_ingest(shards, workdir)
            t = figures["totals"]
            print(f"\ningest flow: {t['items_in']:,} items -> {t['stories']:,} stories, "
                  f"{t['duplicates']:,} duplicates, {t['rejects']:,} rejects in {figures['seconds']:.1f} s "
                  f"(child process {figures['wall']:.1f} s with harness start); stages {figures['timings']}; "
                  f"peak RSS (MiB) by the end of each stage {figures['peak_rss_mb']}")
            table += [
                ("ingest end to end", f"{t['items_in'] / figures['seconds']:,.0f} stories/s "
                                      f"({figures['seconds']:.1f} s)"),
                ("ingest peak RSS (ingest process, VmHWM)", _mb(figures["maxrss"])),
                ("ingest peak RSS (process tree, with the Prefect server" + (" started by --server)" if args.server
                                                                              else " it starts)"),
                 _mb(figures["tree_peak"]) if figures["tree_peak"] else "- (needs psutil)"),
                *([("Prefect server peak RSS (alone)", _mb(figures["server_peak"]))] if args.server else []),
            ]

    width = max(len(k) for k, _ in table)
    print(f"\n{'figure':<{width}}  value\n{'-' * width}  {'-' * 30}")
    for k, v in table:
        print(f"{k:<{width}}  {v}")
    return 0


def _ratio(found_pairs: tuple[int, int] | None) -> float:
    if not found_pairs or not found_pairs[1]:
        return float("nan")
    return found_pairs[0] / found_pairs[1]


if __name__ == "__main__":
    raise SystemExit(main())
