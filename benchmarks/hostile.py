"""Hostile input shapes: time and peak memory of ``dedup()`` as N doubles.

``python -m benchmarks.hostile [--sizes 2500 5000 10000 20000] [--shapes ...] [--out DIR]``

Each shape is generated in a fresh process per size (so peak RSS is the run's own), timed
around ``dedup()`` only, and reported with the growth exponent between consecutive sizes
(``log(t2/t1) / log(n2/n1)``: 1 is linear, 2 quadratic):

``copies``        N exact copies of one 8-paragraph article (a syndicated wire story)
``edited``        N copies, each with one word of one paragraph changed, dated over two days
``shared``        N different articles of one topic sharing one ordinary paragraph
``repeat``        one article repeating one paragraph N times
``stock``         N different reports, each a lead of its own and 4 of 40 stock sentences
                  (a crawl of formulaic police reports: every report shares text with
                  hundreds of others)
``near``          N one-paragraph articles, each one word off a 60-word text (pairwise
                  near-duplicates: LSH buckets far beyond their pairing limit)
``paragraph``     one article of one paragraph of 100 N random words (2,500: ~2 MB)
``crowded-shingles``  one paragraph of 100 N words chosen so that every shingle falls in
                  one bucket of the shingle sort (see ``benchmarks/_crafted.py``)
``crowded-terms`` one paragraph of 100 N distinct words whose story-term keys all fall in
                  one bucket of the term sort

It also reports whether the answer is right (one group for ``copies``, ``edited``,
``near`` and the one-article shapes; N groups for ``shared`` and ``stock``) and the same in reversed
input order. Only the ``dedup()`` call is timed, not the generation of the input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SHAPES = ("copies", "edited", "shared", "stock", "repeat", "near", "paragraph", "crowded-shingles",
          "crowded-terms")
#: N is scaled by this for shapes whose N counts something small (paragraphs, words).
SCALE = {"repeat": 10, "paragraph": 100, "crowded-shingles": 100, "crowded-terms": 100}


def _paragraph(rng: random.Random, vocabulary: list[str], n_words: int = 60) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(n_words))


def build(shape: str, n: int) -> list[dict[str, Any]]:
    """The articles of ``shape`` at size ``n`` (deterministic)."""
    rng = random.Random(0)
    words = [f"w{k}" for k in range(5000)]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    if shape in ("copies", "edited"):
        body = [_paragraph(rng, words) for _ in range(8)]
        articles = []
        for number in range(n):
            paragraphs = list(body)
            if shape == "edited":
                tokens = paragraphs[number % 8].split()
                tokens[number % 60] = f"edit{number}"
                paragraphs[number % 8] = " ".join(tokens)
            published = start + dt.timedelta(minutes=number % 2880)
            articles.append({"id": f"a{number:06d}", "text": "\n\n".join(paragraphs),
                             "published": published.isoformat()})
        return articles
    if shape == "shared":
        topic = words[:300]
        shared = _paragraph(rng, words)
        return [{"id": f"a{number:06d}",
                 "text": f"{_paragraph(rng, topic)}\n\n{shared}\n\n{_paragraph(rng, topic)}"}
                for number in range(n)]
    if shape == "stock":
        # Reports of one kind: leads and stock sentences in one vocabulary (so the stock
        # sentences are on the reports' topic: content, not boilerplate).
        topic = words[:300]
        stock = [_paragraph(rng, topic, 12) for _ in range(40)]
        return [{"id": f"a{number:06d}",
                 "text": "\n\n".join([_paragraph(rng, topic), *rng.sample(stock, 4)])}
                for number in range(n)]
    if shape == "repeat":
        return [{"id": "a", "text": "\n\n".join([_paragraph(rng, words)] * n)}]
    if shape in ("paragraph", "crowded-shingles", "crowded-terms"):
        from . import _crafted

        generate = {"paragraph": _crafted.random_paragraph,
                    "crowded-shingles": _crafted.crowded_shingle_paragraph,
                    "crowded-terms": _crafted.crowded_term_paragraph}[shape]
        return [{"id": "a", "text": generate(n)}]
    if shape == "near":
        base = _paragraph(rng, words).split()
        articles = []
        for number in range(n):
            tokens = list(base)
            tokens[rng.randrange(60)] = f"x{number}"
            articles.append({"id": f"a{number:06d}", "text": " ".join(tokens)})
        return articles
    raise ValueError(f"unknown shape {shape!r}")


def _child(shape: str, n: int, reverse: bool) -> dict[str, Any]:
    import newsdedup

    articles = build(shape, n)
    if reverse:
        articles.reverse()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = newsdedup.dedup(articles)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "rss_before_mb": before, "groups": len(result.groups),
            "matches": len(result.matches),
            "canonicals": sorted(g.canonical_id for g in result.groups)[:3],
            "answer": sorted(sorted(g.member_ids) for g in result.groups)[:3]}


def run(shape: str, n: int, reverse: bool = False) -> dict[str, Any]:
    """One measurement in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.hostile", "--child", shape, str(n),
                           "1" if reverse else "0"], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else
                f"exit status {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _expected(shape: str, n: int, groups: int) -> bool:
    return groups == (n if shape in ("shared", "stock") else 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        shape, n, reverse = options.child
        print(json.dumps(_child(shape, int(n), reverse == "1")))
        return 0
    rows = []
    print("| shape | N | seconds | peak MB | groups | matches | right | reversed same | "
          "time exponent | memory exponent |")
    print("|---|---:|---:|---:|---:|---:|---|---|---:|---:|")
    for shape in options.shapes:
        previous: dict[str, Any] | None = None
        for n in options.sizes:
            size = n * SCALE.get(shape, 1)
            forward = run(shape, size)
            if "error" in forward:
                print(f"| {shape} | {size:,} | failed: {forward['error']} |")
                rows.append({"shape": shape, "n": size, **forward})
                break
            backward = run(shape, size, reverse=True)
            same = backward.get("answer") == forward["answer"] and backward.get(
                "canonicals") == forward["canonicals"]
            time_exponent = memory_exponent = float("nan")
            if previous is not None:
                ratio = math.log(size / previous["n"])
                time_exponent = math.log(forward["seconds"] / previous["seconds"]) / ratio
                memory_exponent = math.log(
                    max(forward["peak_mb"] - forward["rss_before_mb"], 1.0)
                    / max(previous["peak_mb"] - previous["rss_before_mb"], 1.0)) / ratio
            right = _expected(shape, size, forward["groups"])
            print(f"| {shape} | {size:,} | {forward['seconds']:.2f} | {forward['peak_mb']:.0f} | "
                  f"{forward['groups']:,} | {forward['matches']:,} | {'yes' if right else 'NO'} | "
                  f"{'yes' if same else 'NO'} | {time_exponent:.2f} | {memory_exponent:.2f} |")
            row = {"shape": shape, "n": size, **forward, "right": right,
                   "reversed_same": same, "time_exponent": time_exponent,
                   "memory_exponent": memory_exponent}
            rows.append(row)
            previous = row
    options.out.mkdir(parents=True, exist_ok=True)
    path = options.out / f"hostile-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(rows, indent=1))
    print(f"\nJSON: {path}")
    print("Memory exponent: of the peak RSS above the process's RSS before dedup() "
          "(the interpreter, numpy and the input).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
