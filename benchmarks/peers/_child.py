"""One measured run in a fresh process: ``python -m benchmarks.peers._child SYSTEM JSON_ARGS``.

``SYSTEM`` is ``newsdedup`` or a peer name (:data:`PEERS`). The process loads the corpus,
then times the system alone, so its peak RSS (``ru_maxrss``) is the corpus plus that
system's own peak. The last line printed is a JSON object with the measurements.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from types import ModuleType
from typing import Any

from .._child import current_rss_mb, peak_rss_mb, timed_dedup
from ._corpus import load
from ._task import (
    BANDS,
    ROWS,
    StageClock,
    article_pairs,
    duplicate_groups,
    prepare,
)

#: Peer name -> module of this package.
PEERS = {"rensa": "rensa_minhash", "datasketch-fast": "datasketch_fast",
         "datatrove": "datatrove_minhash", "datasketch": "datasketch_plain"}


def peer_module(name: str) -> ModuleType:
    """The module running peer ``name``."""
    return importlib.import_module(f"{__package__}.{PEERS[name]}")


def run_newsdedup(args: dict[str, Any]) -> dict[str, Any]:
    """newsdedup's whole ``dedup()`` with its stages and near-duplicate detection timed."""
    corpus = load(args["corpus"])
    records = corpus.records
    corpus_rss = current_rss_mb()
    result, timed = timed_dedup(lambda: records, args["workers"],
                                profile=bool(args.get("profile")), **args.get("config", {}))
    peak = peak_rss_mb()
    ids = [group.member_ids for group in result.groups]
    found = {(left, right) if left < right else (right, left)
             for members in ids for index, left in enumerate(members)
             for right in members[index + 1:]}
    return {"system": "newsdedup", "label": args["label"], "config": args.get("config", {}),
            "workers": args["workers"], "n": len(records), "bytes": corpus.n_bytes,
            "corpus": corpus.name, **timed, "corpus_rss_mb": corpus_rss, "peak_rss_mb": peak,
            "groups": len(result.groups), "quality": corpus.quality(found)}


def run_peer(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """A peer's near-duplicate detection: the shared task with the peer's MinHash and LSH."""
    module = peer_module(name)
    corpus = load(args["corpus"])
    records = corpus.records
    corpus_rss = current_rss_mb()
    clock = StageClock()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with clock.stage("prepare"):
        paragraphs = prepare(record["text"] for record in records)
    candidates = module.candidates(paragraphs, clock)
    with clock.stage("verify+groups"):
        groups, counts = duplicate_groups(paragraphs, candidates)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = peak_rss_mb()
    found = article_pairs(groups, [record["id"] for record in records])
    return {"system": name, "label": name, "workers": 1, "n": len(records),
            "bytes": corpus.n_bytes, "corpus": corpus.name, "seconds": wall,
            "cpu_seconds": cpu, "near_duplicate_seconds": wall, "stages": clock.wall,
            "stage_cpu": clock.cpu, "corpus_rss_mb": corpus_rss, "peak_rss_mb": peak,
            "groups": len(groups), "paragraphs": paragraphs.paragraphs,
            "paragraph_classes": len(paragraphs.texts),
            "boilerplate_classes": paragraphs.boilerplate,
            "max_carriers": paragraphs.max_carriers, "bands": BANDS, "rows": ROWS, **counts,
            "quality": corpus.quality(found)}


def main() -> None:
    system, args = sys.argv[1], json.loads(sys.argv[2])
    result = run_newsdedup(args) if system == "newsdedup" else run_peer(system, args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
