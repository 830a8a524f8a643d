"""newsdedup against plain datasketch, on the same labeled synthetic corpus, in the same run.

Run from the repository root::

    python -m benchmarks --quick                      # CI smoke run, a few seconds
    python -m benchmarks --sizes 10000 100000         # the table in docs/performance.md
    python -m benchmarks --sizes 20000 --profile      # + pyinstrument profile of dedup()

For each size the corpus is ``generate_corpus(n, seed)`` (~3 KB articles). Every measured
system runs in a fresh subprocess, so its peak RSS (``ru_maxrss``) is its own:

* ``newsdedup`` — ``dedup()`` end to end on one core and on ``--workers`` cores, with the time
  of every stage (load, normalize/split, terms, shingle, sign, candidates, verify,
  repeats+boilerplate, links, groups, stories, canonical/assembly), and the signature stage
  re-run beside a bare numpy MinHash kernel on the same shingles;
* ``datasketch`` — plain datasketch at paragraph level: the same paragraphs and word 5-gram
  shingles (as strings), ``MinHash.update`` per shingle with 128 permutations, ``MinHashLSH``
  (threshold 0.8) insert and query, exact Jaccard verification, and articles paired when
  their verified paragraphs cover ``--coverage`` of both. It runs ~100 articles/s, so it runs
  on the first ``--baseline-sample`` articles and its throughput is extrapolated (marked
  ``*``); newsdedup is also run on that sample, so quality is compared on equal input.

Quality is precision/recall of near-duplicate article pairs against the generator's labels.
Results: a table on stdout, JSON and a PNG (throughput and peak RSS against corpus size) in
``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
STAGE_ORDER = ["normalize/split", "patterns", "terms", "shingle", "features (other)",
               "sign", "candidates", "verify", "repeats+boilerplate", "links", "groups", "stories",
               "rewrites", "canonical/assembly", "driver (other)"]


def child(mode: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-m", "benchmarks._child", mode, json.dumps(args)],
                          capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if done.returncode != 0:
        how = (f"killed by signal {-done.returncode}"
               + (" (SIGKILL: most likely out of memory)" if done.returncode == -9 else "")
               if done.returncode < 0 else f"exit status {done.returncode}")
        raise RuntimeError(f"{mode} {args} failed, {how}:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rates(run: dict[str, Any]) -> dict[str, float]:
    """Articles/s and MB/s of a run (and of its near-duplicate detection, when timed)."""
    out = {"docs_per_s": run["n"] / run["seconds"],
           "mb_per_s": run["bytes"] / 2**20 / run["seconds"]}
    if "near_duplicate_seconds" in run:
        out["near_duplicate_docs_per_s"] = run["n"] / run["near_duplicate_seconds"]
    return out


def measure(n: int, options: argparse.Namespace) -> dict[str, Any]:
    """All systems on one corpus size."""
    base = {"n": n, "seed": options.seed}
    out: dict[str, Any] = {"n": n, "newsdedup": {}, "datasketch": None}
    for workers in options.workers:
        print(f"  newsdedup  n={n} workers={workers} ...", file=sys.stderr, flush=True)
        run = child("newsdedup", {**base, "workers": workers, "kernel": workers == 1,
                                  "stream": options.stream,
                                  "profile": options.profile and workers == 1}, options.timeout)
        run.update(rates(run))
        out["newsdedup"][str(workers)] = run
    if options.baseline_sample > 0:
        sample = min(n, options.baseline_sample)
        print(f"  datasketch n={sample} (of {n}) ...", file=sys.stderr, flush=True)
        baseline = child("datasketch", {**base, "limit": sample, "threshold": 0.8,
                                        "coverage": options.coverage}, options.timeout)
        baseline.update(rates(baseline))
        baseline["extrapolated"] = sample < n
        out["datasketch"] = baseline
        same = child("newsdedup", {**base, "limit": sample, "workers": 1}, options.timeout)
        same.update(rates(same))
        same.pop("profile", None)
        out["newsdedup_on_sample"] = same
    return out


def _fmt_quality(run: dict[str, Any]) -> str:
    quality = run["quality"]
    return f"{quality['precision']:.3f}/{quality['recall']:.3f}"


def table(results: list[dict[str, Any]]) -> str:
    """The summary table (markdown)."""
    lines = ["| articles | system | docs/s end to end | near-dup docs/s | MB/s | peak RSS MB | "
             "precision/recall | × datasketch, end to end | × datasketch, near-dup |",
             "|---:|---|---:|---:|---:|---:|---|---:|---:|"]
    for entry in results:
        baseline = entry.get("datasketch")
        base_rate = baseline["docs_per_s"] if baseline else None
        for workers, run in entry["newsdedup"].items():
            ratio = f"{run['docs_per_s'] / base_rate:.0f}×" if base_rate else "–"
            near = run.get("near_duplicate_docs_per_s")
            near_ratio = f"{near / base_rate:.0f}×" if base_rate and near else "–"
            lines.append(f"| {entry['n']:,} | newsdedup, {workers} worker(s) | "
                         f"{run['docs_per_s']:,.0f} | {near or 0:,.0f} | {run['mb_per_s']:.2f} | "
                         f"{run['peak_rss_mb']:,.0f} | {_fmt_quality(run)} | {ratio} | "
                         f"{near_ratio} |")
        if baseline:
            star = "*" if baseline["extrapolated"] else ""
            same = entry["newsdedup_on_sample"]
            lines.append(f"| {baseline['n']:,}{star} | datasketch (plain), 1 core | "
                         f"{baseline['docs_per_s']:,.1f} | {baseline['docs_per_s']:,.1f} | "
                         f"{baseline['mb_per_s']:.3f} | {baseline['peak_rss_mb']:,.0f} | "
                         f"{_fmt_quality(baseline)} | 1× | 1× |")
            near = same.get("near_duplicate_docs_per_s") or 0.0
            lines.append(f"| {same['n']:,} | newsdedup on the same sample, 1 worker | "
                         f"{same['docs_per_s']:,.0f} | {near:,.0f} | {same['mb_per_s']:.2f} | "
                         f"{same['peak_rss_mb']:,.0f} | {_fmt_quality(same)} | "
                         f"{same['docs_per_s'] / baseline['docs_per_s']:.0f}× | "
                         f"{near / baseline['docs_per_s']:.0f}× |")
    return "\n".join(lines)


def stage_table(results: list[dict[str, Any]]) -> str:
    """Per-stage seconds of the one-worker newsdedup runs (markdown)."""
    runs = [(entry["n"], entry["newsdedup"].get("1")) for entry in results]
    runs = [(n, run) for n, run in runs if run]
    if not runs:
        return ""
    lines = ["| stage | " + " | ".join(f"{n:,} articles" for n, _ in runs) + " |",
             "|---|" + "---:|" * len(runs)]
    for stage in STAGE_ORDER:
        cells = []
        for _, run in runs:
            seconds = run["stages"].get(stage, 0.0)
            cells.append(f"{seconds:.2f} s ({100 * seconds / run['seconds']:.0f}%)")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(f"**{run['seconds']:.2f} s**" for _, run in runs)
                 + " |")
    kernel_cells = []
    for _, run in runs:
        kernel = run.get("kernel")
        kernel_cells.append(
            f"{kernel['signatures_seconds']:.2f} s vs {kernel['bare_kernel_seconds']:.2f} s "
            f"= {kernel['ratio']:.2f}×{'' if kernel['identical'] else ' (DIFFERENT!)'}"
            if kernel else "–")
    lines.append("| sign vs bare kernel | " + " | ".join(kernel_cells) + " |")
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Throughput and peak RSS against corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [entry["n"] for entry in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for workers in sorted({w for entry in results for w in entry["newsdedup"]}):
        runs = [entry["newsdedup"].get(workers) for entry in results]
        xs = [n for n, run in zip(sizes, runs, strict=True) if run]
        left.plot(xs, [run["docs_per_s"] for run in runs if run], "o-",
                  label=f"newsdedup, {workers} worker(s)")
        right.plot(xs, [run["peak_rss_mb"] for run in runs if run], "o-",
                   label=f"newsdedup, {workers} worker(s)")
    baselines = [(entry["n"], entry["datasketch"]) for entry in results if entry["datasketch"]]
    if baselines:
        left.plot([n for n, _ in baselines], [b["docs_per_s"] for _, b in baselines], "s--",
                  label="plain datasketch (extrapolated from sample)")
        right.plot([b["n"] for _, b in baselines], [b["peak_rss_mb"] for _, b in baselines],
                   "s--", label="plain datasketch (on its sample size)")
    for axis, label in ((left, "articles / s"), (right, "peak RSS (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("corpus size (articles)")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    left.set_title("throughput")
    right.set_title("memory")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--baseline-sample", type=int, default=2000,
                        help="articles the plain-datasketch baseline runs on (0: skip)")
    parser.add_argument("--coverage", type=float, default=0.5,
                        help="baseline: share of both articles' paragraphs that must match")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="write a pyinstrument profile of the 1-worker dedup() runs")
    parser.add_argument("--stream", action="store_true",
                        help="newsdedup reads the corpus from a JSONL file (written once to the "
                             "temp folder) while it runs, as a pipeline would: the texts are "
                             "never all in memory (for 1M articles)")
    parser.add_argument("--quick", action="store_true", help="CI smoke run (a few seconds)")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    if options.quick:
        options.sizes, options.workers, options.baseline_sample = [400], [1], 150
    options.out.mkdir(parents=True, exist_ok=True)
    results = []
    for n in options.sizes:
        print(f"corpus of {n:,} articles", file=sys.stderr, flush=True)
        results.append(measure(n, options))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = "quick" if options.quick else f"bench-{stamp}"
    profiles = {}
    for entry in results:
        for run in entry["newsdedup"].values():
            text = run.pop("profile", None)
            if text:
                profiles[entry["n"]] = text
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()},
              "command": " ".join(["python -m benchmarks", *(argv or sys.argv[1:])]),
              "results": results}
    (options.out / f"{name}.json").write_text(json.dumps(report, indent=1))
    for n, text in profiles.items():
        (options.out / f"{name}-profile-{n}.txt").write_text(text)
    plot(results, options.out / f"{name}.png")
    print(table(results))
    print()
    print(stage_table(results))
    if any((entry.get("datasketch") or {}).get("extrapolated") for entry in results):
        print("\n* datasketch measured on a sample and extrapolated linearly")
    print(f"\nJSON and PNG: {options.out / name}.{{json,png}}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
