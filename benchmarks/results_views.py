"""What results people use cost: kept texts, progress bars, views, tables, the report.

Run from the repository root::

    python -m benchmarks.results_views --size 100000

The corpus is ``generate_corpus(size, seed)`` written once to a JSONL file. Each run is a
fresh process (its peak RSS is its own), ``workers=1``:

* ``list``/``stream`` input (a list of articles in memory, or ``read_jsonl`` streamed), with
  ``keep_text`` off and on, progress off: the time and memory keeping the texts adds;
* ``list`` with progress bars forced on: the time the bars add;
* in the list run that keeps texts, the cost of what is done with a result afterwards:
  reprs, notebook views, lookups, kept/removed, records, tables, the HTML report;
* the CLI: ``newsdedup dedup --keep canonical`` (two passes over the input) against the
  ``dedup()`` time it logs.

Prints a table and writes JSON to ``benchmarks/results/results_views-<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(out: dict[str, float], name: str, function: Any) -> Any:
    start = time.perf_counter()
    value = function()
    out[name] = round(time.perf_counter() - start, 3)
    return value


def run_one(path: str, source: str, keep_text: bool, progress: bool, extras: bool
            ) -> dict[str, Any]:
    """One dedup() run in this process; with ``extras``, the result's uses timed too."""
    import newsdedup

    articles: Any = (list(newsdedup.read_jsonl(path)) if source == "list"
                     else newsdedup.read_jsonl(path))
    before = _rss_mb()
    start = time.perf_counter()
    result = newsdedup.dedup(articles, keep_text=keep_text, progress=progress)
    wall = time.perf_counter() - start
    out: dict[str, Any] = {"source": source, "keep_text": keep_text, "progress": progress,
                           "dedup_s": round(wall, 2), "rss_before_mb": round(before),
                           "rss_after_mb": round(_rss_mb()), "peak_rss_mb": round(_peak_mb()),
                           "has_text": result.has_text}
    if not extras:
        return out
    from newsdedup._results.html_report import report_html

    times: dict[str, float] = {}
    sizes: dict[str, int] = {}
    sizes["repr_result"] = len(_timed(times, "repr(result)", lambda: repr(result)))
    sizes["repr_groups"] = len(_timed(times, "repr(result.groups)", lambda: repr(result.groups)))
    sizes["html_result"] = len(_timed(times, "result._repr_html_()", result._repr_html_))
    sizes["html_groups"] = len(_timed(times, "result.groups._repr_html_()",
                                      result.groups._repr_html_))
    biggest = max(result.groups, key=lambda g: len(g.members))
    sizes["html_largest_group"] = len(_timed(times, "largest group._repr_html_()",
                                             biggest._repr_html_))
    ids = [article.id for article in result.articles[:20000]]
    _timed(times, "20k article(id) + group(id) lookups",
           lambda: [result.group(result.article(i).group_id) for i in ids])
    _timed(times, "kept() + removed()", lambda: (result.kept(), result.removed()))
    _timed(times, "to_records()", result.to_records)
    _timed(times, "to_pandas()", result.to_pandas)
    _timed(times, "to_pandas('members')", lambda: result.to_pandas("members"))
    _timed(times, "to_arrow()", result.to_arrow)
    with tempfile.TemporaryDirectory() as folder:
        _timed(times, "write_parquet()",
               lambda: result.write_parquet(Path(folder) / "articles.parquet"))
    sizes["report_html"] = len(_timed(times, "report_html()", lambda: report_html(result)))
    out.update(times=times, sizes=sizes, peak_rss_after_extras_mb=round(_peak_mb()))
    return out


def child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.results_views", "--child", *args],
                          capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def cli_run(path: str, out: str) -> dict[str, Any]:
    """`newsdedup dedup --keep canonical -v`: total wall time against the logged dedup()."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsdedup", "dedup", path, "--keep",
                           "canonical", "-o", out, "-v", "--no-progress"],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    logged = next(line for line in done.stderr.splitlines()
                  if line.startswith("newsdedup: dedup: "))
    dedup_s = float(logged.split(" in ")[1].split(" s")[0])
    with open(out, "rb") as handle:
        lines = sum(1 for _ in handle)
    return {"cli_total_s": round(wall, 2), "cli_dedup_s": dedup_s, "written": lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=5, metavar=("PATH", "SOURCE", "KEEP", "PROGRESS",
                                                      "EXTRAS"))
    args = parser.parse_args()
    if args.child:
        path, source, keep, progress, extras = args.child
        print(json.dumps(run_one(path, source, keep == "1", progress == "1", extras == "1")))
        return
    from newsdedup.synthetic import iter_corpus

    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "corpus.jsonl")
        with open(path, "w", encoding="utf-8") as handle:
            for article, _ in iter_corpus(args.size, args.seed):
                handle.write(json.dumps(article.to_dict()) + "\n")
        runs = [child([path, source, keep, progress, extras])
                for source, keep, progress, extras in (
                    ("list", "0", "0", "0"), ("list", "1", "0", "1"), ("list", "1", "1", "0"),
                    ("stream", "0", "0", "0"), ("stream", "1", "0", "0"))]
        cli = cli_run(path, str(Path(folder) / "deduped.jsonl"))
    print(f"{args.size:,} articles, workers=1")
    print(f"{'input':<8}{'keep_text':>10}{'progress':>9}{'dedup s':>9}{'RSS before':>11}"
          f"{'peak RSS':>10}{'RSS after':>10}")
    for run in runs:
        print(f"{run['source']:<8}{run['keep_text']!s:>10}{run['progress']!s:>9}"
              f"{run['dedup_s']:>9.2f}{run['rss_before_mb']:>11}{run['peak_rss_mb']:>10}"
              f"{run['rss_after_mb']:>10}")
    extras = runs[1]
    for name, seconds in extras["times"].items():
        print(f"  {name:<40}{seconds:>8.3f} s")
    print("  sizes (characters):", extras["sizes"])
    print(f"CLI dedup --keep canonical: {cli['cli_total_s']:.2f} s in all, dedup() "
          f"{cli['cli_dedup_s']:.2f} s, {cli['written']:,} articles written")
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / f"results_views-{args.size}.json", "w", encoding="utf-8") as handle:
        json.dump({"size": args.size, "runs": runs, "cli": cli}, handle, indent=1)


if __name__ == "__main__":
    main()
