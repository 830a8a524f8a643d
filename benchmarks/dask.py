"""The Dask backend against the local pipeline: ``python -m benchmarks.dask``.

For each size, a synthetic corpus is written once as JSONL; then, each in a fresh process
(so that every peak is its own): local ``dedup()`` (one thread), and ``newsdedup.dask.dedup``
reading the JSONL in 64 MiB blocks on a ``LocalCluster`` of 1 and of 2 worker processes (one
thread each). Reported: wall time and throughput, the time of each phase (map step on the
workers, reduce on one worker, and the band-key shuffle into text regions, run as a
separate measured phase), peak RSS of each worker process (sampled every 0.1 s) and of the
local run, and whether the tables equal the local ones (sorted digests of every table).

    python -m benchmarks.dask                       # 100k, 1 and 2 workers
    python -m benchmarks.dask --sizes 100000 1000000
    python -m benchmarks.dask --sizes 20000 --quick  # a smoke run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TABLES = ("articles", "groups", "members", "stories", "matches", "shared_paragraphs",
          "repeated_paragraphs", "boilerplate_paragraphs", "provenance")


def write_corpus(n: int, seed: int, path: Path) -> None:
    from newsdedup import synthetic

    with open(path, "w", encoding="utf-8") as handle:
        for article, _ in synthetic.iter_corpus(n, seed=seed):
            handle.write(json.dumps(article.to_dict()) + "\n")


def digest(frame: Any) -> str:
    """A digest of a table's rows in order, from its CSV text."""
    return hashlib.blake2b(frame.to_csv(index=False).encode(), digest_size=16).hexdigest()


def run_local(path: str) -> dict[str, Any]:
    import resource

    import newsdedup

    started = time.perf_counter()
    result = newsdedup.dedup(newsdedup.read_jsonl(path))
    wall = time.perf_counter() - started
    digests = {table: digest(result.to_pandas(table)) for table in TABLES}
    return {"wall": wall, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "digests": digests, "n_groups": len(result.groups),
            "n_stories": len(result.stories)}


class _Sampler:
    """Peak RSS of each worker process, sampled in a thread of the client."""

    def __init__(self, pids: list[int]) -> None:
        import psutil

        self.processes = [psutil.Process(pid) for pid in pids]
        self.peak = [0.0] * len(pids)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            for number, process in enumerate(self.processes):
                try:
                    rss = process.memory_info().rss / 2**20
                except Exception:  # a worker restarting
                    continue
                self.peak[number] = max(self.peak[number], rss)

    def finish(self) -> list[float]:
        self.stop.set()
        self.thread.join()
        return self.peak


def run_dask(path: str, workers: int, regions: bool) -> dict[str, Any]:
    import os

    from distributed import Client, LocalCluster

    from newsdedup import dask as nd_dask

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, memory_limit=0) as cluster, \
            Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        # Warm the workers (imports) outside the measured run.
        client.run(lambda: __import__("newsdedup").dedup([{"id": "w", "text": "warm up"}]))
        sampler = _Sampler(pids)
        stats: dict[str, Any] = {}
        started = time.perf_counter()
        # The reduce on as many threads as the cluster has workers: one worker is one
        # core end to end, two are two (its default is the cores of its machine).
        result = nd_dask.dedup(path, stats=stats, reduce_workers=workers)
        wall = time.perf_counter() - started
        peaks = sampler.finish()
        region_stats: dict[str, Any] = {}
        if regions:
            # The shuffle into text regions, measured on its own (the reduce does not need it).
            sampler = _Sampler(pids)
            nd_dask.dedup(path, stats=region_stats, regions=True)
            region_stats["peak_rss_mb"] = sampler.finish()
        digests = {table: digest(result.to_pandas(table)) for table in TABLES}
    return {"wall": wall, "stats": stats, "worker_peak_rss_mb": peaks, "digests": digests,
            "regions": region_stats}


def child(mode: str, args: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.dask", "--child", mode, json.dumps(args)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-regions", action="store_true",
                        help="skip the separate band-key shuffle measurement")
    parser.add_argument("--quick", action="store_true", help="20k articles, 2 workers")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        mode, raw = options.child
        args = json.loads(raw)
        out = (run_local(args["path"]) if mode == "local"
               else run_dask(args["path"], args["workers"], args["regions"]))
        print(json.dumps(out))
        return
    if options.quick:
        options.sizes, options.workers = [20_000], [2]
    report: dict[str, Any] = {"runs": []}
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes:
            path = Path(folder) / f"synthetic-{size}.jsonl"
            write_corpus(size, options.seed, path)
            local = child("local", {"path": str(path)})
            print(f"{size:>9,} local dedup():       {local['wall']:8.1f} s "
                  f"{size / local['wall']:8,.0f} articles/s  peak {local['peak_rss_mb']:7,.0f} MiB",
                  flush=True)
            entry: dict[str, Any] = {"size": size, "local": local, "dask": {}}
            for workers in options.workers:
                run = child("dask", {"path": str(path), "workers": workers,
                                     "regions": not options.no_regions})
                same = run["digests"] == local["digests"]
                stats, regions = run["stats"], run["regions"]
                peaks = ", ".join(f"{p:,.0f}" for p in run["worker_peak_rss_mb"])
                print(f"{size:>9,} dask, {workers} worker(s):   {run['wall']:8.1f} s "
                      f"{size / run['wall']:8,.0f} articles/s  map {stats['map']:.1f} s, "
                      f"reduce {stats['reduce']:.1f} s; worker peaks {peaks} MiB; "
                      f"identical tables: {same}", flush=True)
                if regions:
                    print(f"{'':>9} band-key shuffle into text regions: "
                          f"{regions['regions']:.1f} s ({regions['band_key_rows']:,} key rows, "
                          f"{regions['edges']:,} edges, {regions['n_regions']:,} regions, "
                          f"largest {regions['largest_region']:,} articles)", flush=True)
                run["identical"] = same
                entry["dask"][str(workers)] = run
            report["runs"].append(entry)
    options.out.mkdir(parents=True, exist_ok=True)
    name = options.out / f"dask-{time.strftime('%Y%m%d-%H%M%S')}.json"
    name.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"written {name}")


if __name__ == "__main__":
    main()
