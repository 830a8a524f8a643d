"""newsdedup against the fastest MinHash peers, on the same corpus and task, in the same run.

Run from the repository root (needs ``pip install -e '.[bench]'``)::

    python -m benchmarks.peers --quick                              # CI smoke run, < 60 s
    python -m benchmarks.peers --sizes 20000                        # synthetic corpus
    python -m benchmarks.peers --corpus reposts --sizes 5000 10000 20000
    python -m benchmarks.peers --input corpus.jsonl --peers rensa datatrove

Every peer does newsdedup's near-duplicate task (``benchmarks/peers/_task.py``: the same
paragraphs, normalization and word 5-gram shingles, 128 permutations, LSH, exact
verification, newsdedup's article rule, connected components); only its MinHash and LSH
differ, each written the way its documentation recommends (one module per peer:
``rensa_minhash``, ``datasketch_fast``, ``datatrove_minhash``, ``datasketch_plain``).
newsdedup runs its whole ``dedup()`` (stories, canonical versions and provenance included),
with its default rewrite matches and without them (``--rewrites``), and the time of its
near-duplicate detection (everything before the story step) is reported beside it.

Every system runs in a fresh process (so its peak RSS is its own), one after the other and
interleaved: with ``--repeat R`` the systems run R times each, in an order rotated every
round, and the median run of each is reported; ratios are between runs of the same
invocation. Peers run on one core (``RAYON_NUM_THREADS=1`` for rensa, ``--peer-threads``),
newsdedup on ``--workers``.

Output: a table on stdout (articles/s end to end and of near-duplicate detection, CPU
seconds, peak RSS, precision/recall of duplicate pairs against the labels), the ratio of
newsdedup's whole ``dedup()`` to the fastest peer's near-duplicate detection, stage seconds,
and, over several sizes, the CPU exponent of each system (``log(cpu2/cpu1) / log(n2/n1)``:
1 is linear). JSON in ``benchmarks/results/peers-*.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..__main__ import STAGE_ORDER
from ._child import PEERS, peer_module

RESULTS = Path(__file__).resolve().parent.parent / "results"
PEER_STAGES = ["prepare", "sign", "lsh", "verify+groups"]


def missing_requirement(peer: str) -> str | None:
    """The first module that ``peer`` needs and that is not installed, if any."""
    for module in peer_module(peer).REQUIRES:
        if importlib.util.find_spec(module) is None:
            return module
    return None


def child(system: str, args: dict[str, Any], options: argparse.Namespace) -> dict[str, Any]:
    """One measurement in a fresh interpreter."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if system != "newsdedup":
        for variable in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
            env[variable] = str(options.peer_threads)
    done = subprocess.run([sys.executable, "-m", "benchmarks.peers._child", system,
                           json.dumps(args)], capture_output=True, text=True, env=env,
                          timeout=options.timeout, check=False)
    if done.returncode != 0:
        how = (f"killed by signal {-done.returncode}" if done.returncode < 0
               else f"exit status {done.returncode}")
        raise RuntimeError(f"{system} failed, {how}:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def corpora(options: argparse.Namespace) -> list[dict[str, Any]]:
    """The corpus specifications to measure, in order."""
    if options.input:
        return [{"kind": "jsonl", "path": str(path.resolve()), "label": path.name}
                for path in options.input]
    if options.corpus == "reposts":
        from .. import reposts

        return [{"kind": "jsonl", "path": str(reposts.write(n, options.seed)),
                 "label": f"reposts {n:,}"} for n in options.sizes]
    return [{"kind": "synthetic", "n": n, "seed": options.seed, "label": f"synthetic {n:,}"}
            for n in options.sizes]


def measure(spec: dict[str, Any], systems: list[tuple[str, str, dict[str, Any]]],
            options: argparse.Namespace) -> dict[str, Any]:
    """Every system on one corpus, ``--repeat`` times, interleaved; the median run of each."""
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in systems}
    for round_number in range(options.repeat):
        shift = round_number % len(systems)
        for label, system, extra in systems[shift:] + systems[:shift]:
            print(f"  {spec['label']}: {label} (round {round_number + 1}) ...",
                  file=sys.stderr, flush=True)
            runs[label].append(child(system, {"corpus": spec, **extra}, options))
    chosen = {}
    for label, measured in runs.items():
        median = statistics.median_low([run["seconds"] for run in measured])
        run = next(run for run in measured if run["seconds"] == median)
        run["all_seconds"] = [other["seconds"] for other in measured]
        run["all_cpu_seconds"] = [other["cpu_seconds"] for other in measured]
        chosen[label] = run
    n = next(iter(chosen.values()))["n"]
    return {"corpus": spec["label"], "n": n, "runs": chosen}


def _rate(run: dict[str, Any], key: str = "seconds") -> float:
    return float(run["n"] / run[key])


def _fastest_peer(entry: dict[str, Any]) -> dict[str, Any] | None:
    peers = [run for run in entry["runs"].values() if run["system"] != "newsdedup"]
    return max(peers, key=_rate) if peers else None


def table(results: list[dict[str, Any]]) -> str:
    """The summary table (markdown)."""
    reference = next((label for label, run in results[0]["runs"].items()
                      if run["system"] == "newsdedup"), None)
    lines = ["| corpus | system | articles/s end to end | near-dup articles/s | CPU s | "
             f"peak RSS MB | precision / recall | {reference or 'newsdedup'} ÷ this |",
             "|---|---|---:|---:|---:|---:|---|---:|"]
    for entry in results:
        whole = _rate(entry["runs"][reference]) if reference in entry["runs"] else None
        for label, run in entry["runs"].items():
            quality = run.get("quality")
            shown = (f"{quality['precision']:.3f} / {quality['recall']:.3f}" if quality
                     else "(no labels)")
            ratio = f"{whole / _rate(run):.1f}×" if whole and run["system"] != "newsdedup" else ""
            lines.append(f"| {entry['corpus']} | {label} | {_rate(run):,.0f} | "
                         f"{_rate(run, 'near_duplicate_seconds'):,.0f} | "
                         f"{run['cpu_seconds']:.1f} | {run['peak_rss_mb']:,.0f} | {shown} | "
                         f"{ratio} |")
    return "\n".join(lines)


def headline(results: list[dict[str, Any]]) -> str:
    """newsdedup's whole dedup() and its near-duplicate detection against the fastest peer."""
    lines = []
    for entry in results:
        fastest = _fastest_peer(entry)
        for run in entry["runs"].values():
            if run["system"] != "newsdedup" or fastest is None:
                continue
            lines.append(
                f"{entry['corpus']}: {run['label']}: whole dedup() "
                f"{_rate(run) / _rate(fastest):.2f}× the fastest peer's near-duplicate "
                f"detection ({fastest['label']}, {_rate(fastest):,.0f} articles/s; in CPU "
                f"seconds {fastest['cpu_seconds'] / run['cpu_seconds']:.2f}×); its own "
                f"near-duplicate detection "
                f"{_rate(run, 'near_duplicate_seconds') / _rate(fastest):.2f}×")
    return "\n".join(lines)


def stage_table(results: list[dict[str, Any]]) -> str:
    """Seconds per stage of every run (markdown, one column per corpus)."""
    labels = list(dict.fromkeys(label for entry in results for label in entry["runs"]))
    lines = ["| system | stage | " + " | ".join(entry["corpus"] for entry in results) + " |",
             "|---|---|" + "---:|" * len(results)]
    for label in labels:
        runs = [entry["runs"].get(label) for entry in results]
        stages = STAGE_ORDER if any(run and run["system"] == "newsdedup"
                                    for run in runs) else PEER_STAGES
        for stage in stages:
            cells = [f"{run['stages'].get(stage, 0.0):.2f}" if run else "" for run in runs]
            lines.append(f"| {label} | {stage} | " + " | ".join(cells) + " |")
        lines.append(f"| {label} | **total** | "
                     + " | ".join(f"**{run['seconds']:.2f}**" if run else "" for run in runs)
                     + " |")
    return "\n".join(lines)


def exponents(results: list[dict[str, Any]]) -> str:
    """CPU and wall exponents of each system between consecutive sizes and first to last.

    The CPU seconds are each system's least over its runs: other processes on the machine
    add CPU time (cache and memory contention) as well as waiting, never take it away.
    """
    sized = sorted(results, key=lambda entry: entry["n"])
    if len(sized) < 2 or sized[0]["n"] == sized[-1]["n"]:
        return ""
    steps = list(itertools.pairwise(sized))
    if len(sized) > 2:
        steps.append((sized[0], sized[-1]))
    lines = ["| system | " + " | ".join(f"{a['n']:,} → {b['n']:,}" for a, b in steps)
             + " |", "|---|" + "---:|" * len(steps)]
    for label in dict.fromkeys(label for entry in results for label in entry["runs"]):
        cells = []
        for small, large in steps:
            one, two = small["runs"].get(label), large["runs"].get(label)
            if not one or not two:
                cells.append("")
                continue
            scale = math.log(two["n"] / one["n"])
            cpu = math.log(min(two["all_cpu_seconds"]) / min(one["all_cpu_seconds"])) / scale
            wall = math.log(two["seconds"] / one["seconds"]) / scale
            cells.append(f"{cpu:.2f} (wall {wall:.2f})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=("synthetic", "reposts"), default="synthetic",
                        help="generated corpus (reposts: benchmarks/reposts.py)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--input", type=Path, nargs="+",
                        help="JSONL corpora instead (labels: a 'group' or 'duplicate_of' field)")
    parser.add_argument("--peers", nargs="*", choices=list(PEERS), default=list(PEERS),
                        help="peers to run (none: newsdedup alone)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="newsdedup's workers (one run each)")
    parser.add_argument("--rewrites", choices=("on", "off", "both"), default="both",
                        help="newsdedup with its default rewrite matches, without them "
                             "(rewrite_threshold=None), or one run of each")
    parser.add_argument("--peer-threads", type=int, default=1,
                        help="threads a peer may use (RAYON_NUM_THREADS etc.)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each system, rotated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="write a pyinstrument profile of newsdedup's 1-worker runs")
    parser.add_argument("--quick", action="store_true", help="CI smoke run (< 60 s)")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    if options.quick:
        options.corpus, options.sizes, options.input, options.repeat = "synthetic", [300], None, 1
    systems: list[tuple[str, str, dict[str, Any]]] = []
    for workers in options.workers:
        for rewrites in (("on", "off") if options.rewrites == "both" else (options.rewrites,)):
            label = f"newsdedup, {workers} worker(s)" + (", rewrites off" * (rewrites == "off"))
            systems.append((label, "newsdedup", {
                "label": label, "workers": workers,
                "config": {"rewrite_threshold": None} if rewrites == "off" else {},
                "profile": options.profile and workers == 1 and rewrites == "on"}))
    skipped = {}
    for peer in options.peers:
        missing = missing_requirement(peer)
        if missing:
            skipped[peer] = f"{missing} is not installed (pip install -e '.[bench]')"
            print(f"skipping {peer}: {skipped[peer]}", file=sys.stderr)
        else:
            systems.append((peer, peer, {}))
    options.out.mkdir(parents=True, exist_ok=True)
    results = [measure(spec, systems, options) for spec in corpora(options)]
    name = "peers-quick" if options.quick else (
        f"peers-{'input' if options.input else options.corpus}-{time.strftime('%Y%m%d-%H%M%S')}")
    profiles = {}
    for entry in results:
        for run in entry["runs"].values():
            text = run.pop("profile", None)
            if text:
                profiles[entry["corpus"]] = text
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform(),
                          "load_average": os.getloadavg()},
              "command": " ".join(["python -m benchmarks.peers", *(argv or sys.argv[1:])]),
              "peer_threads": options.peer_threads, "skipped": skipped, "results": results}
    (options.out / f"{name}.json").write_text(json.dumps(report, indent=1))
    for corpus, text in profiles.items():
        slug = "".join(c if c.isalnum() else "-" for c in corpus)
        (options.out / f"{name}-profile-{slug}.txt").write_text(text)
    print(table(results))
    print()
    print(headline(results))
    print()
    print(stage_table(results))
    spread = exponents(results)
    if spread:
        print("\nCPU exponent (least CPU seconds of the runs; wall of the median run in "
              "brackets), log(t2/t1) / log(n2/n1):\n")
        print(spread)
    for peer, why in skipped.items():
        print(f"\nskipped {peer}: {why}")
    print(f"\nJSON: {options.out / name}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
