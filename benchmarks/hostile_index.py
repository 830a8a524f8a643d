"""Benchmark of the persistent index under a hostile load: one story syndicated N times.

Run from the repository root::

    python -m benchmarks.hostile_index --syndicated 2000     # the table in docs/index.md
    python -m benchmarks.hostile_index --quick               # CI smoke run, seconds

Copies of one ~3 KB story (each under its own id and source, as syndication delivers them)
are added one at a time, so that the story's duplicate group grows by one member per add. A
group's id is derived from its members' ids, so every add renames the group: every member's
group and story ids change, and each change is logged. What an add must write therefore
grows with the group; the question is by how much. At each checkpoint (the copies double)
the table reports, for the last ``--window`` adds:

* **add**: median milliseconds per add, split into the **plan** (featurizing the copy, the
  pipeline run over its neighbourhood: the group, and the diff against what is stored) and
  the **write** (SQLite statements, reading back the logged changes, COMMIT with its fsync);
* **rows** and **kB** written per add (rows of every table; bytes of the JSON, blobs and
  events handed to SQLite), and **WAL kB**: what the process actually wrote per add (the
  ``wchar`` counter of ``/proc/self/io``: WAL frames and checkpoints);
* the **file** (database and write-ahead log) and the **change log**'s share of it;
* **× per doubling**: how the add time and the bytes grew since the previous checkpoint
  (2 for work proportional to the group, 4 for quadratic).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newsdedup import Article, open_index
from newsdedup._corpora.synthetic import generate_corpus


def _wchar() -> int:
    """Bytes this process has written (``/proc/self/io``; 0 where it does not exist)."""
    try:
        with open("/proc/self/io", encoding="ascii") as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith("wchar:"))
    except (OSError, StopIteration):
        return 0


def _file_bytes(path: Path) -> tuple[int, float]:
    """Size of the database and its WAL, and the change log's share of the database."""
    size = path.stat().st_size
    wal = Path(f"{path}-wal")
    share = float("nan")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            pages = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
            share = pages.get("changes", 0) / max(sum(pages.values()), 1)
        except sqlite3.OperationalError:  # SQLite built without the dbstat table
            pass
    return size + (wal.stat().st_size if wal.exists() else 0), share


def run(copies: int, window: int, article_bytes: int, seed: int) -> list[dict[str, Any]]:
    """Add ``copies`` copies one at a time; measure at each doubling."""
    story = generate_corpus(1, seed=seed, article_bytes=article_bytes).articles[0]
    checkpoints = sorted({min(copies, 25 * 2**k) for k in range(32) if 25 * 2**k < 2 * copies})
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "syndicated.db"
        index = open_index(path)
        recent: list[dict[str, float]] = []
        for number in range(1, copies + 1):
            copy = Article(f"copy-{number:06d}", story.text, title=story.title,
                           source=f"site{number}.example", published=story.published)
            written = _wchar()
            begin = time.perf_counter()
            index.add([copy])
            seconds = time.perf_counter() - begin
            stats = index.last_stats
            recent = [*recent[-(window - 1):], {
                "add_ms": seconds * 1000, "plan_ms": stats["plan_seconds"] * 1000,
                "write_ms": stats["write_seconds"] * 1000, "rows": stats["rows_written"],
                "kb": stats["bytes_written"] / 1000, "wal_kb": (_wchar() - written) / 1000}]
            if number in checkpoints:
                size, share = _file_bytes(path)
                row: dict[str, Any] = {"copies": number, **{
                    key: statistics.median(entry[key] for entry in recent)
                    for key in recent[0]}, "file_mb": size / 1e6, "log_share": share}
                if rows:
                    previous = rows[-1]
                    row["add_growth"] = row["add_ms"] / max(previous["add_ms"], 1e-9)
                    row["kb_growth"] = row["kb"] / max(previous["kb"], 1e-9)
                rows.append(row)
                print(_line(row), flush=True)
        index.close()
    return rows


HEADER = ("copies | add ms | plan ms | write ms | rows/add | kB/add | WAL kB/add | file MB | "
          "change log | × add time | × kB")


def _line(row: dict[str, Any]) -> str:
    growth = (f"{row['add_growth']:.1f} | {row['kb_growth']:.1f}" if "add_growth" in row
              else " | ")
    return (f"{row['copies']:,} | {row['add_ms']:.0f} | {row['plan_ms']:.0f} | "
            f"{row['write_ms']:.1f} | {row['rows']:,.0f} | {row['kb']:,.0f} | "
            f"{row['wal_kb']:,.0f} | {row['file_mb']:.1f} | {row['log_share']:.0%} | {growth}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile_index",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--syndicated", type=int, default=2000,
                        help="copies of the story, added one at a time")
    parser.add_argument("--window", type=int, default=5,
                        help="adds before each checkpoint whose median is reported")
    parser.add_argument("--article-bytes", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100 copies (a smoke run)")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)
    copies = 100 if args.quick else args.syndicated
    print(HEADER)
    print(" | ".join("---:" for _ in HEADER.split(" | ")))
    rows = run(copies, args.window, args.article_bytes, args.seed)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"copies": copies, "rows": rows}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
