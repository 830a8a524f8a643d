"""Benchmark of the persistent index: add throughput, query latency, memory, disk, drift.

Run from the repository root::

    python -m benchmarks.index --sizes 10000,100000            # the table in docs/index.md
    python -m benchmarks.index --sizes 1000000 --drift-max 0   # 1M (an hour or more)
    python -m benchmarks.index --quick                         # CI smoke run, seconds

The index is grown in adds of ``--batch`` synthetic articles streamed from
``newsdedup._corpora.synthetic.iter_corpus`` (~3 KB each; the stream is a prefix of one seeded
corpus, so every size sees the same articles). At each checkpoint size it reports:

* **adds/s**: articles per second of the last ``--window`` adds before the checkpoint, and
  a baseline measured in the same run: ``dedup()`` of the last five added batches *alone*
  (featurize and decide 1,000 articles without any index), the least any incremental
  design pays. ``× batch alone`` is the median add's time over that baseline's median;
* **query latency** p50/p99 over ``--queries`` held-out articles (``index.query``; p99 of
  200 queries is the second largest);
* **memory**: resident size, and the in-memory lookups (band index, term tables) per
  stored article; **disk**: database plus write-ahead log per stored article;
* **open**: seconds to reopen the file and answer a first query, in fresh processes (peak
  RSS too): rebuilding the in-memory lookups from the file (``snapshot=False``), and reading
  them from the snapshot a closed index leaves beside the file (``<file>.state``; the time
  to write it at close and its size as well);
* **drift** (sizes up to ``--drift-max``): articles whose group, canonical, boilerplate
  flags, boilerplate family counts or story id differ from ``refresh()`` (a recomputation
  from the stored features, equal to one ``dedup()`` over everything), the precision and
  recall of the index's same-story pairs against the refreshed ones, and the time of that
  refresh.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newsdedup import Article, DedupIndex, dedup, open_index
from newsdedup._corpora.synthetic import iter_corpus

#: The previous index (a full dedup() per add), docs/index.md before the incremental design.
PREVIOUS = {1000: (684, None), 5000: (134, None), 10000: (59, (16.0, 16.5))}


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


_REOPEN = """
import json, sys, time
from newsdedup import open_index
snapshot = sys.argv[2] == "snapshot"
begin = time.perf_counter()
index = open_index(sys.argv[1], snapshot=snapshot)
index.query("A text to answer: the first query builds the in-memory lookups.")
opened = time.perf_counter() - begin
begin = time.perf_counter()
index.close()  # with snapshot: writes one, unless the one read already holds this batch
closed = time.perf_counter() - begin
# VmHWM, not ru_maxrss: the latter can carry the parent's peak over fork and exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"open_s": opened, "close_s": closed, "peak_rss_mb": peak / 1024}))
"""


def _reopen(path: Path) -> dict[str, float]:
    """Time to open the file and answer a first query, in fresh processes (their peak RSS
    too): rebuilding the lookups from the file (``snapshot=False``); then, with no snapshot
    there, rebuilding and closing (which writes one); then reading that snapshot back."""
    def run(mode: str) -> dict[str, float]:
        done = subprocess.run([sys.executable, "-c", _REOPEN, str(path), mode],
                              capture_output=True, text=True, check=True)
        measured: dict[str, float] = json.loads(done.stdout)
        return measured

    state_file = Path(str(path) + ".state")
    state_file.unlink(missing_ok=True)
    rebuilt = run("rebuild")
    written = run("snapshot")
    read = run("snapshot")
    return {"open_s": rebuilt["open_s"], "open_peak_rss_mb": rebuilt["peak_rss_mb"],
            "snapshot_write_s": written["close_s"],
            "snapshot_mb": state_file.stat().st_size / 2**20 if state_file.exists() else 0.0,
            "open_snapshot_s": read["open_s"], "open_snapshot_peak_rss_mb": read["peak_rss_mb"]}


def _state(index: DedupIndex, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    out = {}
    for article_id in ids:
        decision = index.get(article_id)
        out[article_id] = (decision.group_id, decision.canonical_id, decision.story_id,
                           tuple(b.index for b in decision.boilerplate_paragraphs),
                           tuple(b.families for b in decision.boilerplate_paragraphs))
    return out


def _drift(index: DedupIndex, ids: list[str]) -> dict[str, Any]:
    """Differences between the index and its own refresh (= one dedup() over everything)."""
    before = _state(index, ids)
    begin = time.perf_counter()
    index.refresh()
    seconds = time.perf_counter() - begin
    after = _state(index, ids)
    share = {name: sum(before[i][k] != after[i][k] for i in ids) / len(ids)
             for k, name in enumerate(("group", "canonical", "story", "boilerplate",
                                       "families"))}
    incremental, batch = _story_pairs(before), _story_pairs(after)
    shared = len(incremental & batch)
    return {"refresh_s": seconds, **{f"{name}_differs": value for name, value in share.items()},
            "story_pair_precision": shared / max(len(incremental), 1),
            "story_pair_recall": shared / max(len(batch), 1)}


def _story_pairs(state: dict[str, tuple[Any, ...]]) -> set[tuple[str, str]]:
    """Pairs of articles in one story (the stories of the synthetic corpus are small)."""
    members: dict[str, list[str]] = {}
    for article_id, fields in state.items():
        members.setdefault(fields[2], []).append(article_id)
    return {pair for group in members.values()
            for pair in itertools.combinations(sorted(group), 2)}


def run(sizes: list[int], batch: int, queries: int, window: int, seed: int,
        article_bytes: int, drift_max: int, directory: Path, workers: int = 1
        ) -> dict[str, Any]:
    """Grow an index to each size in ``sizes``; return the measurements."""
    stream = (article for article, _ in iter_corpus(max(sizes) + queries, seed=seed,
                                                   article_bytes=article_bytes))
    held_out: list[Article] = []
    path = directory / "bench.db"
    index = open_index(path, workers=workers)
    ids: list[str] = []
    adds: list[dict[str, Any]] = []
    last_chunks: collections.deque[list[Article]] = collections.deque(maxlen=5)
    checkpoints = []
    for size in sorted(sizes):
        while len(ids) < size:
            chunk = list(itertools.islice(stream, min(batch, size - len(ids))))
            begin = time.perf_counter()
            index.add(chunk)
            seconds = time.perf_counter() - begin
            ids += [article.id for article in chunk]
            adds.append({"stored_before": len(ids) - len(chunk), "articles": len(chunk),
                         "seconds": seconds, **index.last_stats})
            # Only the last few batches are kept (for the baseline): keeping every one would
            # add the whole corpus's text to the RSS measured for the index.
            last_chunks.append(chunk)
            if len(adds) % 20 == 0:
                print(f"  {len(ids)} stored, last add {seconds:.2f}s "
                      f"({len(chunk) / seconds:.0f}/s), RSS {_rss_mb():.0f} MB", flush=True)
        recent = adds[-window:]
        baseline = []
        for chunk in last_chunks:  # the same batches, deduplicated alone, in this process
            begin = time.perf_counter()
            dedup(chunk, workers=workers)
            baseline.append(time.perf_counter() - begin)
        if not held_out:
            held_out = list(itertools.islice(stream, queries))
        latencies = []
        for article in held_out:
            begin = time.perf_counter()
            index.query(article)
            latencies.append(time.perf_counter() - begin)
        memory = index._memory
        assert memory is not None
        lookups = (memory.paragraphs.nbytes + memory.term_counts.nbytes
                   + memory.story_terms.nbytes)
        disk = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
        add_seconds = sum(add["seconds"] for add in recent)
        point = {
            "stored": len(ids), "adds_per_s": sum(a["articles"] for a in recent) / add_seconds,
            "add_s": statistics.median(add["seconds"] for add in recent),
            "batch_alone_s": statistics.median(baseline),
            "run_articles": statistics.median(add["run"] for add in recent),
            "rounds": statistics.mean(add["rounds"] for add in recent),
            "full_runs": sum(add["full"] for add in recent),
            "query_p50_ms": 1000 * statistics.median(latencies),
            "query_p99_ms": 1000 * _percentile(latencies, 0.99), "queries": len(latencies),
            "rss_mb": _rss_mb(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "lookups_per_article_kb": lookups / 1024 / len(ids),
            "disk_per_article_kb": disk / 1024 / len(ids),
        }
        point.update(_reopen(path))
        if size <= drift_max:
            point.update(_drift(index, ids))
        checkpoints.append(point)
        print(json.dumps(point), flush=True)
    index.close()
    return {"batch": batch, "seed": seed, "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "adds": adds,
            "checkpoints": checkpoints}


def _table(results: dict[str, Any]) -> str:
    lines = [f"| stored | adds/s (previous) | add of {results['batch']:,} (s) | × batch alone | "
             "run size | "
             "query p50 / p99 (ms) (previous, s) | RSS (MB) | lookups/article (KB) | "
             "disk/article (KB) | open (s) | open from snapshot (s) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for point in results["checkpoints"]:
        previous_adds, previous_query = PREVIOUS.get(point["stored"], (None, None))
        adds = f"{point['adds_per_s']:.0f}" + (f" ({previous_adds})" if previous_adds else "")
        query = f"{point['query_p50_ms']:.1f} / {point['query_p99_ms']:.1f}" + (
            f" ({previous_query[0]} / {previous_query[1]})" if previous_query else "")
        lines.append(
            f"| {point['stored']:,} | {adds} | {point['add_s']:.2f} | "
            f"{point['add_s'] / point['batch_alone_s']:.1f} | {point['run_articles']:.0f} | "
            f"{query} | {point['rss_mb']:.0f} | {point['lookups_per_article_kb']:.2f} | "
            f"{point['disk_per_article_kb']:.1f} | {point['open_s']:.1f} | "
            f"{point['open_snapshot_s']:.2f} |")
    drifts = [p for p in results["checkpoints"] if "refresh_s" in p]
    if drifts:
        lines += ["", "| stored | group differs | canonical | boilerplate flags | "
                      "family counts | story id | story pairs: precision / recall | "
                      "refresh (s) |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {p['stored']:,} | {p['group_differs']:.2%} | "
                  f"{p['canonical_differs']:.2%} | {p['boilerplate_differs']:.2%} | "
                  f"{p['families_differs']:.2%} | {p['story_differs']:.2%} | "
                  f"{p.get('story_pair_precision', math.nan):.3f} / "
                  f"{p.get('story_pair_recall', math.nan):.3f} | {p['refresh_s']:.1f} |"
                  for p in drifts]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print a Markdown table (and write JSON if asked)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.index", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated index sizes to report (default %(default)s)")
    parser.add_argument("--batch", type=int, default=1000, help="articles per add")
    parser.add_argument("--queries", type=int, default=200, help="queries per size")
    parser.add_argument("--window", type=int, default=20,
                        help="adds before each checkpoint that are averaged (an add now and "
                             "then also merges band runs: a short window over- or "
                             "under-counts those)")
    parser.add_argument("--drift-max", type=int, default=100_000,
                        help="measure drift (and refresh) at sizes up to this one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--article-bytes", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1,
                        help="threads for featurization and the pipeline's kernels")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: sizes 1500,3000, batches of 500, 20 queries")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.quick:
        sizes, args.batch, args.queries, args.window = [1500, 3000], 500, 20, 2
    with tempfile.TemporaryDirectory(prefix="newsdedup-bench-") as directory:
        results = run(sizes, args.batch, args.queries, args.window, args.seed,
                      args.article_bytes, args.drift_max, Path(directory), args.workers)
    print()
    print(_table(results))
    print(f"\n(cpus {results['cpus']}, load average {results['load_average'][0]:.1f}; "
          "previous: the index before the incremental design, docs/index.md)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
