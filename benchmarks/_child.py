"""One measured run in a fresh process: ``python -m benchmarks._child MODE JSON_ARGS``.

Each system runs in its own process so that its peak RSS (``ru_maxrss``) is its own. The last
line printed is a JSON object with the measurements.
"""

from __future__ import annotations

import itertools
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ._timing import StageTimer

#: Functions dedup() reaches, and the stage each one's time is reported under.
NEWSDEDUP_STAGES = [
    ("newsdedup._drivers.pipeline", "collect_features", "features (other)"),
    ("newsdedup._text.features", "chunk_paragraphs", "normalize/split"),
    ("newsdedup._text.features", "token_bytes", "normalize/split"),
    ("newsdedup._text.features", "hash_token_bytes", "normalize/split"),
    ("newsdedup._text.features", "pattern_boilerplate", "patterns"),
    ("newsdedup._text.features", "content_terms", "terms"),
    ("newsdedup._text.features", "shingle_sets", "shingle"),
    ("newsdedup._text.features", "set_fingerprints", "shingle"),
    ("newsdedup._results.reduce", "match_paragraphs", "candidates"),
    ("newsdedup._near_duplicates.paragraph_matches", "signatures", "sign"),
    ("newsdedup._near_duplicates.paragraph_matches", "lsh_candidate_pairs", "candidates"),
    ("newsdedup._near_duplicates.paragraph_matches", "pair_similarity", "verify"),
    ("newsdedup._results.reduce", "find_repeats", "repeats+boilerplate"),
    ("newsdedup._results.reduce", "copy_families", "repeats+boilerplate"),
    ("newsdedup._results.reduce", "find_boilerplate", "repeats+boilerplate"),
    ("newsdedup._results.reduce", "template_pages", "repeats+boilerplate"),
    ("newsdedup._results.reduce", "copy_classes", "links"),
    ("newsdedup._results.reduce", "link_articles", "links"),
    ("newsdedup._results.reduce", "content_sizes", "links"),
    ("newsdedup._results.reduce", "link_to_canonicals", "links"),
    ("newsdedup._near_duplicates.links", "article_content_sizes", "links"),
    ("newsdedup._near_duplicates.links", "_link_similarity_kernel", "verify"),
    ("newsdedup._near_duplicates.canonical_inputs", "article_content_sizes", "links"),
    ("newsdedup._near_duplicates.links", "article_shingle_sets", "links"),
    ("newsdedup._near_duplicates.canonical_inputs", "rank_keys", "groups"),
    ("newsdedup._results.reduce", "build_groups", "groups"),
    ("newsdedup._results.reduce", "canonical_keys", "groups"),
    ("newsdedup._results.reduce", "credited_times", "groups"),
    ("newsdedup._results.reduce", "group_keys", "groups"),
    ("newsdedup._results.reduce", "titles_as_terms", "stories"),
    ("newsdedup._results.reduce", "boilerplate_words", "stories"),
    ("newsdedup._results.reduce", "story_vectors", "stories"),
    ("newsdedup._results.reduce", "build_stories", "stories"),
    ("newsdedup._results.reduce", "find_rewrites", "rewrites"),
    ("newsdedup._results.reduce", "assemble", "canonical/assembly"),
]
#: The modules whose targets are the top-level stages (the batch driver's map step, then
#: the steps after it): the only ones timed when the features run on several threads.
TOP_LEVEL_MODULES = ("newsdedup._drivers.pipeline", "newsdedup._results.reduce")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Current resident set size, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def corpus(n: int, seed: int, limit: int | None) -> tuple[list[dict[str, Any]], Any, float, int]:
    """The synthetic corpus as JSON-like records (what a loader yields), its labels, seconds."""
    from newsdedup._corpora.synthetic import generate_corpus

    start = time.perf_counter()
    generated = generate_corpus(n, seed=seed)
    articles = generated.articles[:limit] if limit else generated.articles
    records = [article.to_dict() for article in articles]
    n_bytes = sum(len(article.text.encode("utf-8")) for article in articles)
    return records, generated, time.perf_counter() - start, n_bytes


def streamed_corpus(n: int, seed: int) -> tuple[Path, dict[str, str], int]:
    """The synthetic corpus written once to a JSONL file (cached between runs), its duplicate
    group label by id, and its size in bytes of text. The file is what a pipeline streams."""
    from newsdedup._corpora.synthetic import iter_corpus

    path = Path(tempfile.gettempdir()) / f"newsdedup-bench-{n}-{seed}.jsonl"
    labels_path = path.with_suffix(".labels.json")
    if not (path.exists() and labels_path.exists()):
        groups: dict[str, str] = {}
        n_bytes = 0
        partial = path.with_suffix(".tmp")
        with open(partial, "w", encoding="utf-8") as handle:
            for article, labels in iter_corpus(n, seed):
                handle.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
                groups[article.id] = labels.group
                n_bytes += len(article.text.encode("utf-8"))
        partial.replace(path)
        labels_path.write_text(json.dumps({"groups": groups, "bytes": n_bytes}))
    stored = json.loads(labels_path.read_text())
    return path, stored["groups"], stored["bytes"]


def group_pairs(group_of: dict[str, str]) -> set[tuple[str, str]]:
    """Every unordered pair of ids with the same group label, as ``(smaller, larger)``."""
    members: dict[str, list[str]] = defaultdict(list)
    for article_id, group in group_of.items():
        members[group].append(article_id)
    return {pair for ids in members.values() for pair in itertools.combinations(sorted(ids), 2)}


def pair_quality(found: set[tuple[str, str]], ids: list[str], generated: Any) -> dict[str, Any]:
    """Precision and recall of near-duplicate article pairs against the corpus labels."""
    present = set(ids)
    pairs = (generated.true_duplicate_pairs() if hasattr(generated, "true_duplicate_pairs")
             else group_pairs(generated))
    truth = {pair for pair in pairs if pair[0] in present and pair[1] in present}
    hits = len(found & truth)
    return {"true_pairs": len(truth), "found_pairs": len(found),
            "precision": hits / len(found) if found else 1.0,
            "recall": hits / len(truth) if truth else 1.0}


def bare_kernel(values: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The MinHash kernel alone, in its fastest numpy layout, computing the same signatures.

    Permutations x shingles products per chunk of ~32k shingles, min-reduced per paragraph
    along contiguous rows: the least code around the arithmetic that numpy allows.
    """
    from newsdedup._near_duplicates.minhash import permutations

    a, b = permutations(num_perm, seed)
    n_rows = offsets.size - 1
    out = np.full((n_rows, num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    rows = np.flatnonzero(np.diff(offsets) > 0)
    # The 32-bit MinHash inputs: shingle sets hold them (older, 64-bit sets: the upper half).
    hashed = (values.astype(np.uint32) if values.dtype == np.uint32
              else (values >> np.uint64(32)).astype(np.uint32))
    with np.errstate(over="ignore"):  # MurmurHash3's 32-bit finalizer, as datasketch's input
        hashed ^= hashed >> np.uint32(16)
        hashed *= np.uint32(0x85EBCA6B)
        hashed ^= hashed >> np.uint32(13)
        hashed *= np.uint32(0xC2B2AE35)
        hashed ^= hashed >> np.uint32(16)
    ends = offsets[rows + 1]
    step = 1 << 15
    cut = np.unique(np.searchsorted(ends, np.arange(step, int(ends[-1]) + step, step)) + 1)
    lo = 0
    with np.errstate(over="ignore"):
        for hi in np.minimum(cut, rows.size).tolist():
            if hi <= lo:
                continue
            chunk = rows[lo:hi]
            start, stop = int(offsets[chunk[0]]), int(offsets[chunk[-1] + 1])
            product = a[:, None] * hashed[None, start:stop] + b[:, None]
            out[chunk] = np.minimum.reduceat(product, offsets[chunk] - start, axis=1).T
            lo = hi
    return out


def timed_dedup(make_source: Callable[[], Any], workers: int, profile: bool = False,
                stage_detail_parallel: bool = False, **config: Any) -> tuple[Any, dict[str, Any]]:
    """``dedup(make_source(), workers=workers, **config)`` with every stage timed.

    Returns the result and the measurements: wall and CPU seconds, the seconds of
    near-duplicate detection (until the story step begins), exclusive seconds per stage, the
    peak RSS after each stage, and a pyinstrument profile when asked.
    """
    import newsdedup
    import newsdedup._results.reduce as reduce_module

    timer = StageTimer()
    if workers == 1 or stage_detail_parallel:
        timer.wrap_all(NEWSDEDUP_STAGES)
    else:  # the features' threads cannot report into this timer: only top-level stages
        timer.wrap_all([t for t in NEWSDEDUP_STAGES if t[0] in TOP_LEVEL_MODULES])
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    # Near-duplicate detection ends where the story step begins: everything before it (input,
    # features including content terms, matching, boilerplate, links, groups) is timed as one.
    marks: dict[str, float] = {}
    story_vectors = reduce_module.story_vectors  # the story step's first call

    def marked_story_vectors(*call_args: Any, **call_kwargs: Any) -> Any:
        marks.setdefault("stories_start", time.perf_counter())
        return story_vectors(*call_args, **call_kwargs)

    reduce_module.story_vectors = marked_story_vectors  # type: ignore[assignment]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        source = make_source()
        result = newsdedup.dedup(source, workers=workers, **config)
        del source
    finally:
        reduce_module.story_vectors = story_vectors  # type: ignore[assignment]
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    profile_text = None
    if profiler is not None:
        profiler.stop()
        profile_text = profiler.output_text(unicode=False, color=False)
    timer.restore()
    stages = dict(timer.wall)
    stages["driver (other)"] = max(wall - sum(stages.values()), 0.0)
    return result, {"seconds": wall, "cpu_seconds": cpu,
                    "near_duplicate_seconds": marks.get("stories_start", wall0 + wall) - wall0,
                    "stages": stages, "stage_cpu": dict(timer.cpu),
                    "peak_rss_after_stage_mb": timer.peak_after, "profile": profile_text}


def run_newsdedup(args: dict[str, Any]) -> dict[str, Any]:
    """dedup() end to end, stage by stage, plus the signature stage against the bare kernel."""
    import newsdedup
    from newsdedup._near_duplicates.minhash import signatures

    records: list[dict[str, Any]] | None = None
    if args.get("stream"):  # read from a JSONL file while deduplicating: texts never all held
        path, generated, n_bytes = streamed_corpus(args["n"], args["seed"])
        generate_seconds, ids = 0.0, list(generated)
    else:
        records, generated, generate_seconds, n_bytes = corpus(args["n"], args["seed"],
                                                               args.get("limit"))
        ids = [record["id"] for record in records]
    corpus_rss = current_rss_mb()
    result, timed = timed_dedup(
        lambda: records if records is not None else newsdedup.read_jsonl(path),
        args["workers"], profile=bool(args.get("profile")),
        stage_detail_parallel=bool(args.get("stage_detail_parallel")))
    peak = peak_rss_mb()

    found = {tuple(sorted(pair)) for group in result.groups
             for pair in itertools.combinations(group.member_ids, 2)}
    out: dict[str, Any] = {
        "system": "newsdedup", "workers": args["workers"], "n": len(ids), "bytes": n_bytes,
        "streamed": bool(args.get("stream")), "generate_seconds": generate_seconds, **timed,
        "corpus_rss_mb": corpus_rss, "peak_rss_mb": peak, "groups": len(result.groups),
        "stories": len(result.stories), "quality": pair_quality(found, ids, generated),
    }
    del result
    if args.get("kernel"):
        # Recomputed after the measured run (its peak is recorded): keeping them from the run
        # would have kept them alive through it.
        from newsdedup import DedupConfig
        from newsdedup._text.features import collect_features

        source = records if records is not None else newsdedup.read_jsonl(path)
        sets = collect_features(source, DedupConfig()).features.shingles
        timings = []
        for name, function in (("bare_kernel", lambda: bare_kernel(sets.values, sets.offsets,
                                                                    128, 1)),
                               ("newsdedup_signatures", lambda: signatures(sets, 128, 1))):
            best, value = float("inf"), None
            for _ in range(2):
                start = time.perf_counter()
                value = function()
                best = min(best, time.perf_counter() - start)
            timings.append((name, best, value))
        same = bool(np.array_equal(timings[0][2], timings[1][2]))
        out["kernel"] = {"shingles": int(sets.values.size), "paragraphs": len(sets),
                         "bare_kernel_seconds": timings[0][1],
                         "signatures_seconds": timings[1][1],
                         "ratio": timings[1][1] / timings[0][1], "identical": same}
    return out


def _word_shingles(paragraph: str, size: int) -> set[str]:
    from newsdedup._text.normalize import token_text

    words = token_text(paragraph).split()
    if not words:
        return set()
    if len(words) < size:
        return {" ".join(words)}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def run_datasketch(args: dict[str, Any]) -> dict[str, Any]:
    """Plain datasketch at paragraph level: the way most users write it."""
    from datasketch import MinHash, MinHashLSH

    from newsdedup._text.paragraphs import split_paragraphs

    records, generated, generate_seconds, n_bytes = corpus(args["n"], args["seed"],
                                                           args.get("limit"))
    corpus_rss = current_rss_mb()
    timer = StageTimer()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    keys: list[tuple[int, int]] = []
    shingle_sets: list[set[str]] = []
    paragraphs_of = []
    with timer.stage("normalize/split+shingle"):
        for number, record in enumerate(records):
            count = 0
            for index, paragraph in enumerate(split_paragraphs(record["text"])):
                shingles = _word_shingles(paragraph, 5)
                if shingles:
                    keys.append((number, index))
                    shingle_sets.append(shingles)
                count += 1
            paragraphs_of.append(count)
    minhashes = []
    with timer.stage("sign"):
        for shingles in shingle_sets:
            minhash = MinHash(num_perm=128, seed=1)
            for shingle in shingles:
                minhash.update(shingle.encode("utf-8"))
            minhashes.append(minhash)
    lsh = MinHashLSH(threshold=args["threshold"], num_perm=128)
    with timer.stage("candidates"):
        for key, minhash in enumerate(minhashes):
            lsh.insert(key, minhash)
        candidates = set()
        for key, minhash in enumerate(minhashes):
            for other in lsh.query(minhash):
                if other != key:
                    candidates.add((min(key, other), max(key, other)))
    with timer.stage("verify"):
        matched: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
        for left, right in candidates:
            a, b = shingle_sets[left], shingle_sets[right]
            if len(a & b) / len(a | b) >= args["threshold"]:
                article_a, article_b = keys[left][0], keys[right][0]
                if article_a != article_b:
                    pair = (min(article_a, article_b), max(article_a, article_b))
                    first = keys[left] if article_a < article_b else keys[right]
                    second = keys[right] if article_a < article_b else keys[left]
                    matched[pair].add((0, first[1]))
                    matched[pair].add((1, second[1]))
    with timer.stage("groups"):
        # Duplicates: matched paragraphs cover at least `coverage` of both articles.
        found = set()
        for (a, b), sides in matched.items():
            share_a = sum(1 for side, _ in sides if side == 0) / max(paragraphs_of[a], 1)
            share_b = sum(1 for side, _ in sides if side == 1) / max(paragraphs_of[b], 1)
            if min(share_a, share_b) >= args["coverage"]:
                ids = (records[a]["id"], records[b]["id"])
                found.add((min(ids), max(ids)))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "system": "datasketch", "workers": 1, "n": len(records), "bytes": n_bytes,
        "generate_seconds": generate_seconds, "seconds": wall, "cpu_seconds": cpu,
        "stages": dict(timer.wall), "corpus_rss_mb": corpus_rss, "peak_rss_mb": peak_rss_mb(),
        "paragraphs": len(minhashes), "candidates": len(candidates),
        "quality": pair_quality(found, [r["id"] for r in records], generated),
    }


def main() -> None:
    mode, raw = sys.argv[1], sys.argv[2]
    args = json.loads(raw)
    result = run_newsdedup(args) if mode == "newsdedup" else run_datasketch(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
