"""Benchmark of the persistent index: add throughput, query latency, memory and disk.

Run from the repository root::

    python -m benchmarks.index                       # sizes 1000,2000,5000 (a few minutes)
    python -m benchmarks.index --sizes 1000,10000 --queries 3 --json out.json

The index is grown in adds of ``--batch`` synthetic articles (``generate_corpus``, ~3 KB
each). Every add is timed, and so is the ``dedup()`` run inside it: that inner run is the
baseline measured in the same process, and the ratio says how much of an add is the batch
pipeline and how much is the index's own work (JSON, SQLite, diffing). At each checkpoint
size, ``--queries`` held-out articles are queried one at a time (p50/p99 over few samples is
close to the median/maximum; say so when quoting). Memory is the process's resident size,
disk the database plus its write-ahead log.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsdedup import DedupResult, open_index
from newsdedup._synthetic import generate_corpus


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(sizes: list[int], batch: int, queries: int, seed: int, article_bytes: int,
        directory: Path) -> dict[str, Any]:
    """Grow an index to each size in ``sizes``; return the measurements."""
    total = max(sizes) + queries
    started = time.perf_counter()
    corpus = generate_corpus(total, seed=seed, article_bytes=article_bytes).articles
    stored_articles, held_out = corpus[:max(sizes)], corpus[max(sizes):]
    print(f"generated {total} articles in {time.perf_counter() - started:.1f}s", flush=True)
    path = directory / "bench.db"
    index = open_index(path)
    inner: list[float] = []
    run_dedup: Callable[..., DedupResult] = index._dedup

    def timed_dedup(*args: Any) -> DedupResult:
        begin = time.perf_counter()
        try:
            return run_dedup(*args)
        finally:
            inner.append(time.perf_counter() - begin)

    index._dedup = timed_dedup  # type: ignore[method-assign]
    rss_start = _rss_mb()
    adds, checkpoints = [], []
    stored = 0
    for size in sorted(sizes):
        while stored < size:
            chunk = stored_articles[stored:stored + batch]
            inner.clear()
            begin = time.perf_counter()
            index.add(chunk)
            seconds = time.perf_counter() - begin
            adds.append({"stored_before": stored, "articles": len(chunk), "seconds": seconds,
                         "articles_per_s": len(chunk) / seconds,
                         "dedup_share": sum(inner) / seconds})
            print(f"add {len(chunk)} at {stored}: {seconds:.1f}s "
                  f"({len(chunk) / seconds:.0f} articles/s, dedup() {sum(inner):.1f}s)",
                  flush=True)
            stored += len(chunk)
        latencies = []
        for article in held_out[:queries]:
            begin = time.perf_counter()
            index.query(article)
            latencies.append(time.perf_counter() - begin)
        disk = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
        checkpoint = {
            "stored": stored, "query_p50_s": statistics.median(latencies),
            "query_p99_s": _percentile(latencies, 0.99), "queries": len(latencies),
            "rss_mb": _rss_mb(), "rss_per_article_kb": (_rss_mb() - rss_start) * 1024 / stored,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "disk_mb": disk / 2**20, "disk_per_article_kb": disk / 1024 / stored,
            "text_per_article_kb": sum(len(a.text.encode()) for a in stored_articles[:stored])
            / 1024 / stored,
        }
        checkpoints.append(checkpoint)
        print(f"at {stored}: query p50 {checkpoint['query_p50_s']:.2f}s "
              f"p99 {checkpoint['query_p99_s']:.2f}s, RSS {checkpoint['rss_mb']:.0f} MB, "
              f"disk {checkpoint['disk_per_article_kb']:.1f} KB/article", flush=True)
    index.close()
    return {"batch": batch, "seed": seed, "cpus": os.cpu_count(),
            "load_average": os.getloadavg(), "adds": adds, "checkpoints": checkpoints}


def _table(results: dict[str, Any]) -> str:
    lines = ["| stored | add of batch (s) | adds/s | share in dedup() | query p50 (s) | "
             "query p99 (s) | RSS (MB) | disk/article (KB) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    by_size = {add["stored_before"] + add["articles"]: add for add in results["adds"]}
    for point in results["checkpoints"]:
        add = by_size[point["stored"]]
        lines.append(f"| {point['stored']:,} | {add['seconds']:.1f} | "
                     f"{add['articles_per_s']:.0f} | {add['dedup_share']:.0%} | "
                     f"{point['query_p50_s']:.2f} | {point['query_p99_s']:.2f} | "
                     f"{point['rss_mb']:.0f} | {point['disk_per_article_kb']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print a Markdown table (and write JSON if asked)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.index", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000",
                        help="comma-separated index sizes to report (default %(default)s)")
    parser.add_argument("--batch", type=int, default=1000, help="articles per add")
    parser.add_argument("--queries", type=int, default=5, help="queries per size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--article-bytes", type=int, default=3000)
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="newsdedup-bench-") as directory:
        results = run(sizes, args.batch, args.queries, args.seed, args.article_bytes,
                      Path(directory))
    print()
    print(_table(results))
    print(f"\n(cpus {results['cpus']}, load average {results['load_average'][0]:.1f}; the "
          "'add' row is the add that reached that size)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
