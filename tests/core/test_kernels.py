"""The compiled kernels give, bit for bit, what the numba kernels they replaced gave.

``tests/reference_kernels`` holds those numba kernels as they were when they were ported to C
(compiled by numba, a test dependency). Each test draws random inputs of the shapes the
pipeline passes (CSR offsets, sorted sets, hash tables, repeats and ties included) from a
hypothesis-chosen seed and size, runs both, and compares every output and every array the
kernel writes in place: dtype, shape and bytes (floats bit for bit). Skipped without numba
(``pip install -e '.[test]'`` has it).
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")

from newsdedup import _kernels
from newsdedup._stories import sparse_linkage
from newsdedup._stories import weights as weights_module
from newsdedup._text import patterns as package_patterns
from newsdedup._text import terms as package_terms
from newsdedup._text.paragraphs import _BREAK_POINTS, _LATIN1_KINDS, _SPACE_POINTS
from newsdedup._text.sentences import sentence_classes
from newsdedup._text.shingle import _POSITION_KEYS
from newsdedup._text.tokenize import CharClass
from reference_kernels import (
    _boilerplate,
    _copy_families,
    _hashing,
    _hashsort,
    _index_lookup,
    _index_paragraphs,
    _index_terms,
    _links,
    _lsh,
    _minhash,
    _paragraphs,
    _patterns,
    _repeated,
    _rewrite,
    _shared,
    _shingle,
    _sparse_linkage,
    _story_candidates,
    _story_vectors,
    _terms,
    _tokenize,
    _verify,
)

I64 = npt.NDArray[np.int64]
SEEDS = st.integers(0, 2**32 - 1)
#: Examples per test: 40 in CI; ``NEWSDEDUP_KERNEL_EXAMPLES=2000`` searches longer.
EXAMPLES = settings(max_examples=int(os.environ.get("NEWSDEDUP_KERNEL_EXAMPLES", "40")),
                    deadline=None)


def same(compiled: Any, reference: Any) -> None:
    """Equal results: tuples item by item, arrays by dtype, shape and bytes, scalars by value."""
    if isinstance(reference, tuple):
        assert isinstance(compiled, tuple) and len(compiled) == len(reference)
        for mine, theirs in zip(compiled, reference, strict=True):
            same(mine, theirs)
    elif isinstance(reference, np.ndarray):
        assert isinstance(compiled, np.ndarray)
        assert compiled.dtype == reference.dtype and compiled.shape == reference.shape
        assert np.ascontiguousarray(compiled).tobytes() == np.ascontiguousarray(
            reference).tobytes()
    else:
        assert int(compiled) == int(reference)


def run_both(compiled: Any, reference: Any, *arguments: Any) -> None:
    """Call both on copies of ``arguments``; compare results and the arrays they changed."""
    mine = [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]
    theirs = [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]
    result = compiled(*mine)
    expected = reference(*theirs)
    if expected is not None:
        same(result, expected)
    for changed, expected_array in zip(mine, theirs, strict=True):
        if isinstance(expected_array, np.ndarray):
            same(changed, expected_array)


def csr(rng: np.random.Generator, rows: int, most: int) -> I64:
    """CSR offsets of ``rows`` rows of 0 to ``most`` entries."""
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(rng.integers(0, most + 1, rows), out=offsets[1:])
    return offsets


def hashes(rng: np.random.Generator, size: int, dtype: Any, distinct: int) -> npt.NDArray[Any]:
    """Hash-like values of ``dtype``, drawn from ``distinct`` values (repeats when small)."""
    top = 2**32 if dtype == np.uint32 else 2**64
    pool = rng.integers(0, top, max(distinct, 1), dtype=np.uint64, endpoint=False)
    return pool[rng.integers(0, pool.size, size)].astype(dtype)


def sorted_sets(rng: np.random.Generator, offsets: I64, dtype: Any,
                distinct: int) -> npt.NDArray[Any]:
    """Ascending, distinct values in each CSR row (rows may come out shorter: repeats go)."""
    rows = [np.unique(hashes(rng, int(stop - start), dtype, distinct))
            for start, stop in itertools.pairwise(offsets)]
    offsets[1:] = np.cumsum([row.size for row in rows])
    return np.concatenate(rows).astype(dtype) if rows else np.zeros(0, dtype)


@EXAMPLES
@given(SEEDS)
def test_fmix64(seed: int) -> None:
    """The 64-bit finalizer of one value."""
    value = np.random.default_rng(seed).integers(0, 2**64, dtype=np.uint64, endpoint=False)
    assert int(_kernels.fmix64_scalar(value)) == int(_hashing.fmix64_scalar(value))


@EXAMPLES
@given(SEEDS, st.integers(0, 3000), st.sampled_from([np.uint32, np.uint64]),
       st.integers(0, 40))
def test_sorts(seed: int, size: int, dtype: Any, crowd: int) -> None:
    """Bucket sort with its insertion budget, the radix fallback and the slot sort: same
    order and same move counts, crowded top bits included."""
    rng = np.random.default_rng(seed)
    values = hashes(rng, size, dtype, rng.integers(1, size + 2))
    values >>= dtype(min(crowd, 31 if dtype == np.uint32 else 63))
    buckets = np.zeros(257, np.int64)
    run_both(_kernels.sort_hashes, _hashsort.sort_hashes, values, np.zeros(max(size, 1), dtype),
             buckets)
    run_both(_kernels.radix_sort, _hashsort._radix_sort, values, np.zeros(size, dtype),
             buckets)
    keys = hashes(rng, size + 1, np.uint64, rng.integers(1, size + 2)) >> np.uint64(crowd)
    slots = rng.permutation(size + 1)[:size].astype(np.int64)
    run_both(_kernels.sort_slots_by_hash, _hashsort.sort_slots_by_hash, slots, keys,
             np.zeros(size, np.int64), buckets)


@EXAMPLES
@given(SEEDS, st.integers(0, 400))
def test_token_hashes(seed: int, size: int) -> None:
    """Token hashes and paragraph numbers of UTF-8 bytes."""
    alphabet = np.frombuffer("ab cé\n€z ".encode(), dtype=np.uint8)
    raw = alphabet[np.random.default_rng(seed).integers(0, alphabet.size, size)]
    run_both(_kernels.hash_token_kernel, _tokenize._hash_token_kernel, raw)


@EXAMPLES
@given(SEEDS, st.integers(0, 60), st.integers(1, 8), st.integers(1, 50))
def test_shingles_and_fingerprints(seed: int, paragraphs: int, size: int, words: int) -> None:
    """Shingle sets (sorted, de-duplicated, short paragraphs salted) and set fingerprints."""
    rng = np.random.default_rng(seed)
    token_start = csr(rng, paragraphs, 30)
    tokens = hashes(rng, int(token_start[-1]), np.uint64, words)
    compiled = _kernels.shingle_kernel(tokens, token_start, size, _POSITION_KEYS)
    reference = _shingle._shingle_kernel(tokens, token_start, size, _POSITION_KEYS)
    same(compiled, reference)
    offsets, values = reference
    run_both(_kernels.fingerprint_kernel, _shingle._fingerprint_kernel, offsets, values)
    run_both(_kernels.fingerprint_kernel, _shingle._fingerprint_kernel, offsets,
             values.astype(np.uint64) << np.uint64(7))


@EXAMPLES
@given(SEEDS, st.integers(0, 40), st.integers(1, 130))
def test_signatures(seed: int, rows: int, num_perm: int) -> None:
    """MinHash rows, empty rows, repeated and reordered rows."""
    rng = np.random.default_rng(seed)
    offsets = csr(rng, rows + 1, 40)
    values = hashes(rng, int(offsets[-1]), np.uint32, 500)
    chosen = rng.integers(0, rows + 1, rng.integers(0, 2 * rows + 2)).astype(np.int64)
    a = hashes(rng, num_perm, np.uint32, num_perm) | np.uint32(1)
    b = hashes(rng, num_perm, np.uint32, num_perm)
    out = np.zeros((chosen.size, num_perm), np.uint32)
    run_both(_kernels.signature_kernel, _minhash._signature_kernel, offsets, values, chosen,
             a, b, out)


@EXAMPLES
@given(SEEDS, st.integers(1, 40), st.sampled_from([np.uint32, np.uint64]))
def test_intersections(seed: int, rows: int, dtype: Any) -> None:
    """Exact intersections of sorted sets, by pair and by run."""
    rng = np.random.default_rng(seed)
    offsets = csr(rng, rows, 30)
    values = sorted_sets(rng, offsets, dtype, 60)
    left = rng.integers(0, rows, 50).astype(np.int64)
    right = rng.integers(0, rows, 50).astype(np.int64)
    run_both(_kernels.intersection_kernel, _verify._intersection_kernel, offsets, values, left,
             right)
    for first, second in zip(left[:5].tolist(), right[:5].tolist(), strict=True):
        arguments = (values, int(offsets[first]), int(offsets[first + 1]), values,
                     int(offsets[second]), int(offsets[second + 1]))
        assert _kernels.count_shared(*arguments) == _verify.count_shared(*arguments)


@EXAMPLES
@given(SEEDS, st.integers(0, 300), st.integers(1, 6), st.integers(1, 4), st.integers(2, 12))
def test_band_pairs(seed: int, rows: int, bands: int, width: int, max_bucket: int) -> None:
    """LSH bucket pairs, oversized buckets paired through hubs, in priority order."""
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, 3, (rows, bands * width + 2)).astype(np.uint32)
    order = rng.permutation(rows).astype(np.int64)
    first = int(rng.integers(0, bands))
    run_both(_kernels.band_pair_codes, _lsh._band_pair_codes,
             np.ascontiguousarray(signatures[:, :bands * width]), first, bands, width,
             max_bucket, order)


@EXAMPLES
@given(SEEDS, st.integers(0, 300), st.booleans())
def test_line_spans(seed: int, size: int, wide: bool) -> None:
    """Stripped spans of non-blank lines, for Latin-1 bytes and for code points."""
    pool = [ord(c) for c in "ab \n\r\t\x0b\x85\xa0."]
    if wide:
        pool += [0x2028, 0x3000, 0x1680, 0x4E00, 0x200A, 0x202F, 0x2029]
    points = np.array(pool, dtype=np.uint32)[np.random.default_rng(seed).integers(
        0, len(pool), size)]
    if not wide:
        points = points.astype(np.uint8)
    run_both(_kernels.line_spans, _paragraphs._line_spans, points, _LATIN1_KINDS,
             _BREAK_POINTS, _SPACE_POINTS)


@EXAMPLES
@given(SEEDS, st.integers(0, 200))
def test_pattern_candidates(seed: int, size: int) -> None:
    """Key tokens, key pairs in one paragraph and whole-paragraph words."""
    rng = np.random.default_rng(seed)
    pool = np.concatenate([package_patterns._KEY_HASHES, hashes(rng, 20, np.uint64, 20),
                           package_patterns._KEY_HASHES[:5] ^ np.uint64(1 << 40)])
    tokens = pool[rng.integers(0, pool.size, size)]
    paragraph = np.sort(rng.integers(0, max(size // 3, 1), size)).astype(np.int64)
    n_paragraphs = int(paragraph.max(initial=-1)) + 2
    counts = np.bincount(paragraph, minlength=n_paragraphs).astype(np.int64)
    arguments = (tokens, paragraph, counts, package_patterns._KEY_FILTER,
                 package_patterns._KEY_HASHES, package_patterns._KEY_ROLES, n_paragraphs)
    same(package_patterns._candidate_kernel(*arguments), _patterns._candidate_kernel(*arguments))


@EXAMPLES
@given(SEEDS, st.integers(0, 300))
def test_ascii_salient_words(seed: int, size: int) -> None:
    """Salient words (capitalised inside a sentence, after "A"/"An"/"The" or "p.m.", or
    carrying a digit) of ASCII text."""
    alphabet = np.frombuffer(b"aZ9 ,;.\n_BAnThe", dtype=np.uint8)
    raw = alphabet[np.random.default_rng(seed).integers(0, alphabet.size, size)]
    word = (package_terms._ASCII_CLASSES[raw] & CharClass.WORD) != 0
    n_tokens = int(np.count_nonzero(word & ~np.concatenate([[False], word[:-1]])))
    run_both(_kernels.ascii_salient_kernel, _terms._ascii_salient_kernel, raw,
             package_terms._ASCII_CLASSES, n_tokens)
    flags = {name: int(getattr(CharClass, name)) for name in _kernels.TERM_CLASS_FLAGS}
    assert flags == _kernels.TERM_CLASS_FLAGS


@EXAMPLES
@given(SEEDS, st.integers(0, 12), st.integers(1, 40), st.booleans())
def test_content_terms(seed: int, articles: int, words: int, saturate: bool) -> None:
    """Per-article term counts: kept paragraphs, doubled titles, salient marks of the general
    path, counts saturating at 255 with their salient share."""
    rng = np.random.default_rng(seed)
    paragraph_owner = np.sort(rng.integers(0, max(articles, 1), rng.integers(0, 30)))
    paragraph_start = csr(rng, paragraph_owner.size, 400 if saturate else 20)
    n_tokens = int(paragraph_start[-1])
    token_hashes = hashes(rng, n_tokens, np.uint64, words)
    token_hashes[::3] ^= np.uint64(0xFFFF)  # same 32-bit term, another 64-bit hash
    title_owner = np.sort(rng.integers(0, max(articles, 1), rng.integers(0, 20)))
    other_owner = np.sort(rng.integers(0, max(articles, 1), rng.integers(0, 20)))
    run_both(_kernels.count_terms, _terms._count_terms, token_hashes,
             paragraph_start, rng.random(n_tokens) < 0.3, rng.random(paragraph_owner.size) < 0.8,
             paragraph_owner.astype(np.int64), hashes(rng, title_owner.size, np.uint64, words),
             title_owner.astype(np.int64), hashes(rng, other_owner.size, np.uint64, words),
             other_owner.astype(np.int64), rng.random(other_owner.size) < 0.7, articles)


@EXAMPLES
@given(SEEDS, st.integers(0, 20_000), st.sampled_from([np.uint32, np.uint64]),
       st.sampled_from([np.uint32, np.uint64]))
def test_term_numbering_and_counting(seed: int, size: int, dtype: Any, other: Any) -> None:
    """Ids by first appearance (the table grows), renumbering, and member counts."""
    rng = np.random.default_rng(seed)
    values = hashes(rng, size, dtype, int(rng.integers(1, size + 2)))
    run_both(_kernels.first_appearance_ids, _terms._first_appearance_ids, values)
    ids, distinct = _terms._first_appearance_ids(values)
    run_both(_kernels.renumber, _terms._renumber, ids,
             rng.permutation(distinct.size).astype(np.int32))
    members = np.unique(np.concatenate([distinct[:7], hashes(rng, 5, dtype, 5)])).astype(other)
    run_both(_kernels.count_members, _terms._count_members, values, members)


def _paragraph_sets(rng: np.random.Generator, dtype: Any) -> tuple[I64, Any, Any, Any]:
    articles = int(rng.integers(1, 15))
    article_paragraphs = csr(rng, articles, 6)
    shingle_offsets = csr(rng, int(article_paragraphs[-1]), 25)
    values = sorted_sets(rng, shingle_offsets, dtype, 80)
    allowed = rng.random(int(article_paragraphs[-1])) < 0.8
    return article_paragraphs, allowed, shingle_offsets, values


@EXAMPLES
@given(SEEDS, st.sampled_from([np.uint32, np.uint64]), st.booleans())
def test_unions_and_link_similarity(seed: int, dtype: Any, keep: bool) -> None:
    """Article unions by merging sorted runs, and intersections of two articles' unions."""
    rng = np.random.default_rng(seed)
    article_paragraphs, allowed, shingle_offsets, values = _paragraph_sets(rng, dtype)
    articles = article_paragraphs.size - 1
    chosen = rng.random(articles) < 0.7
    run_both(_kernels.union_kernel, _links._union_kernel, article_paragraphs, allowed, chosen,
             shingle_offsets, values, keep)
    a = np.sort(rng.integers(0, articles, 20)).astype(np.int64)
    b = rng.integers(0, articles, 20).astype(np.int64)
    run_both(_kernels.link_similarity_kernel, _links._link_similarity_kernel, article_paragraphs,
             allowed, shingle_offsets, values, a, b)


@EXAMPLES
@given(SEEDS, st.integers(1, 40), st.integers(1, 20))
def test_popular_hubs(seed: int, classes: int, steps: int) -> None:
    """The best carriers of popular paragraphs by period, completeness step and rank."""
    rng = np.random.default_rng(seed)
    uniques = int(rng.integers(1, 10))
    carriers = [rng.permutation(classes)[:rng.integers(0, classes + 1)] for _ in range(uniques)]
    offsets = np.zeros(uniques + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([c.size for c in carriers])
    flat = np.concatenate(carriers).astype(np.int64)
    popular = np.flatnonzero(rng.random(uniques) < 0.6).astype(np.int64)
    run_both(_kernels.popular_hubs, _links._popular_hubs, popular, offsets, flat,
             rng.integers(0, 500, classes).astype(np.int64),
             rng.integers(-1, 3, classes).astype(np.int64),
             rng.permutation(classes).astype(np.int64), steps, int(rng.integers(1, 17)))


@EXAMPLES
@given(SEEDS, st.integers(1, 30))
def test_candidate_pass(seed: int, classes: int) -> None:
    """Class pairs through shared paragraphs and matched partners, hubs for popular ones."""
    rng = np.random.default_rng(seed)
    uniques = int(rng.integers(1, 12))
    carrier_offsets = csr(rng, uniques, 6)
    carriers = rng.integers(0, classes, int(carrier_offsets[-1])).astype(np.int64)
    hub_row = np.full(uniques, -1, dtype=np.int64)
    popular = np.flatnonzero(rng.random(uniques) < 0.3)
    hub_row[popular] = np.arange(popular.size)
    hub_offsets = csr(rng, popular.size, 3)
    hubs = rng.integers(0, classes, int(hub_offsets[-1])).astype(np.int64)
    partner_offsets = csr(rng, uniques, 3)
    partner = rng.integers(0, uniques, int(partner_offsets[-1])).astype(np.int64)
    arguments = (carrier_offsets, carriers, hub_row, hub_offsets, hubs, partner_offsets, partner,
                 classes)
    count = _links._candidate_pass(*arguments, np.zeros(0, np.int64), False)
    assert _kernels.candidate_pass(*arguments, np.zeros(0, np.int64), False) == count
    run_both(_kernels.candidate_pass, _links._candidate_pass, *arguments,
             np.zeros(count, np.int64), True)


@EXAMPLES
@given(SEEDS)
def test_shared_paragraphs(seed: int) -> None:
    """Counterparts of each content paragraph of two articles (repeats aligned in order)."""
    rng = np.random.default_rng(seed)
    articles = int(rng.integers(1, 8))
    article_paragraphs = csr(rng, articles, 8)
    paragraphs = int(article_paragraphs[-1])
    uniques = int(rng.integers(1, 10))
    unique_of = rng.integers(-1, uniques, paragraphs).astype(np.int64)
    # Symmetric partners with one Jaccard per pair (as ParagraphMatches.partners gives them).
    pairs = {(int(x), int(y)) for x, y in rng.integers(0, uniques, (12, 2)) if x != y}
    similarity = {pair: float(rng.choice([0.5, 0.6, 0.75])) for pair in pairs}
    links = sorted({*pairs, *((y, x) for x, y in pairs)})
    partner_offsets = np.zeros(uniques + 1, dtype=np.int64)
    np.cumsum(np.bincount([x for x, _ in links], minlength=uniques), out=partner_offsets[1:])
    partner = np.array([y for _, y in links], dtype=np.int64)
    jaccard = np.array([similarity.get((x, y), similarity.get((y, x), 0.0)) for x, y in links])
    first = rng.integers(0, articles, 10).astype(np.int64)
    second = rng.integers(0, articles, 10).astype(np.int64)
    run_both(_kernels.shared_kernel, _shared._shared_kernel, article_paragraphs, unique_of,
             rng.random(paragraphs) < 0.8, partner_offsets, partner, jaccard, first, second)


@EXAMPLES
@given(SEEDS)
def test_boilerplate_families(seed: int) -> None:
    """Carriers of candidate blocks and their families (content blocks, copy families)."""
    rng = np.random.default_rng(seed)
    articles, blocks = int(rng.integers(1, 20)), int(rng.integers(1, 12))
    block_offsets = csr(rng, blocks, 6)
    articles_by_block = rng.integers(0, articles, int(block_offsets[-1])).astype(np.int64)
    pairs = sorted({(int(article), block) for block in range(blocks)
                    for article in articles_by_block[block_offsets[block]:
                                                     block_offsets[block + 1]]})
    article_offsets = np.zeros(articles + 1, dtype=np.int64)
    np.cumsum(np.bincount([a for a, _ in pairs], minlength=articles), out=article_offsets[1:])
    blocks_by_article = np.array([b for _, b in pairs], dtype=np.int64)
    is_candidate = rng.random(blocks) < 0.5
    chosen = np.flatnonzero(is_candidate).astype(np.int64)
    copy_family = rng.integers(-1, 4, articles).astype(np.int64)
    run_both(_kernels.families, _boilerplate._families, chosen, block_offsets,
             articles_by_block, article_offsets, blocks_by_article, is_candidate, copy_family)


@EXAMPLES
@given(SEEDS, st.sampled_from([0.5, 0.3, 1.0]))
def test_related_class_pairs(seed: int, share: float) -> None:
    """Shingles of the clusters two classes share (repeated clusters on either side), all
    and those of few carriers, against ``share`` of the smaller and the larger class."""
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(1, 10))
    offsets = csr(rng, classes, 8)
    cluster = np.concatenate([np.sort(rng.integers(0, 6, int(stop - start)))
                              for start, stop in itertools.pairwise(offsets)]).astype(np.int64)
    size = rng.integers(0, 50, cluster.size).astype(np.int64)
    popular = rng.random(6) < 0.4
    specific = np.where(popular[cluster], 0, size).astype(np.int64)
    weight = np.bincount(np.repeat(np.arange(classes), np.diff(offsets)), weights=size,
                         minlength=classes).astype(np.int64) + rng.integers(0, 20, classes)
    a = rng.integers(0, classes, 15).astype(np.int64)
    b = rng.integers(0, classes, 15).astype(np.int64)
    run_both(_kernels.related_pairs, _copy_families._related_pairs, offsets, cluster, size,
             specific, weight, a, b, share)


def _sparse_rows(rng: np.random.Generator, rows: int, columns: int,
                 index_dtype: Any) -> tuple[I64, Any, npt.NDArray[np.float64]]:
    indptr = csr(rng, rows, min(columns, 12))
    indices = np.concatenate([np.zeros(0, np.int64)] + [
        np.sort(rng.permutation(columns)[:stop - start])
        for start, stop in itertools.pairwise(indptr)]).astype(index_dtype)
    data = rng.choice([0.0, 0.25, 0.5, 1 / 3, 0.7, 2.0], indptr[-1]) + rng.random(
        indptr[-1]) * (rng.random(indptr[-1]) < 0.5)
    return indptr, indices, data


@EXAMPLES
@given(SEEDS, st.integers(0, 30), st.integers(1, 20), st.sampled_from([np.int32, np.int64]))
def test_story_candidates(seed: int, rows: int, columns: int, index_dtype: Any) -> None:
    """Strongest terms (ties at the cut), the probe order with its budget, and cosines."""
    rng = np.random.default_rng(seed)
    indptr, indices, data = _sparse_rows(rng, rows, columns, index_dtype)
    keep = int(rng.integers(1, 8))
    run_both(_kernels.strongest_kernel, _story_candidates._strongest_kernel, indptr, data, keep)
    postings = np.bincount(indices, minlength=columns).astype(np.int64)
    run_both(_kernels.probe_kernel, _story_candidates._probe_kernel, indptr, indices, data,
             postings, int(rng.integers(0, 40)))
    pick = rng.integers(0, max(rows, 1), (25, 2)).astype(np.int64) if rows else np.zeros(
        (0, 2), np.int64)
    run_both(_kernels.dot_kernel, _story_candidates._dot_kernel, indptr, indices, data,
             np.ascontiguousarray(pick[:, 0]), np.ascontiguousarray(pick[:, 1]), columns)
    runs = pick[np.lexsort((pick[:, 1], pick[:, 0]))]  # runs of one row, as candidates come
    run_both(_kernels.dot_kernel, _story_candidates._dot_kernel, indptr, indices, data,
             np.ascontiguousarray(runs[:, 0]), np.ascontiguousarray(runs[:, 1]), columns)


@EXAMPLES
@given(SEEDS, st.integers(1, 20), st.integers(1, 30))
def test_group_vectors(seed: int, articles: int, terms: int) -> None:
    """Each group's summed normalized rows, then IDF weighting, norms and kept columns."""
    rng = np.random.default_rng(seed)
    offsets = csr(rng, articles, min(terms, 10))
    # An article's terms ascend (a group of one writes its row straight from them); when
    # they do not (odd seeds), the general path must give the same rows.
    order = np.sort if seed % 2 == 0 else (lambda picked: picked)
    term_ids = np.concatenate([order(rng.permutation(terms)[:stop - start])
                               for start, stop in itertools.pairwise(offsets)]
                              ).astype(np.int32)
    counts = rng.integers(1, 256, term_ids.size).astype(np.uint8)
    boost = 2.2 * (1.0 + 2.0 * rng.random(terms))
    groups = int(rng.integers(1, articles + 1))
    group_of = rng.integers(0, groups, articles)
    members = np.argsort(group_of, kind="stable").astype(np.int64)
    group_starts = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_of, minlength=groups), out=group_starts[1:])
    arguments = (offsets, term_ids, counts, boost, group_starts, members, terms)
    # The compiled loops take k1 (and the name boost) from _stories.weights on every call;
    # the references keep them as constants: the same values.
    run_both(weights_module.group_rows, _story_vectors._group_rows, *arguments)
    indptr, indices, data = _story_vectors._group_rows(*arguments)
    full_idf = 1.0 + rng.random(terms) * 3
    shared = rng.random(terms) < 0.7
    idf = np.where(shared | (rng.random(terms) < 0.5), full_idf, 0.0)
    column = (np.cumsum(shared) - 1).astype(np.int32)
    run_both(_kernels.weigh_and_keep, _story_vectors._weigh_and_keep, indptr, indices, data,
             idf, full_idf, shared, column, np.ones(groups))


@EXAMPLES
@given(SEEDS, st.integers(0, 3000))
def test_index_term_tables(seed: int, size: int) -> None:
    """The index's term count table: adds (new slots counted), lookups, absent terms."""
    rng = np.random.default_rng(seed)
    capacity = 16
    while capacity < 2 * size:
        capacity *= 2
    terms = hashes(rng, size, np.uint64, int(rng.integers(1, size + 2)))
    change = rng.integers(-2, 3, size).astype(np.int64)
    table = (np.zeros(capacity, np.uint64), np.zeros(capacity, np.int64),
             np.zeros(capacity, np.bool_))
    run_both(_kernels.count_into, _index_terms._count_into, *table, terms, change)
    _index_terms._count_into(*table, terms, change)
    queries = np.concatenate([terms[:50], hashes(rng, 20, np.uint64, 20)])
    run_both(_kernels.counts_of, _index_terms._counts_of, *table, queries)


@EXAMPLES
@given(SEEDS, st.integers(0, 30), st.integers(1, 14))
def test_strongest_story_terms(seed: int, articles: int, per_article: int) -> None:
    """Each article's strongest terms by weight, ties kept in term order."""
    rng = np.random.default_rng(seed)
    offsets = csr(rng, articles, 30)
    size = int(offsets[-1])
    run_both(weights_module.strongest_terms, _index_terms._strongest, offsets,
             hashes(rng, size, np.uint64, 1000), rng.integers(0, 6, size).astype(np.uint8),
             rng.integers(0, 6, size).astype(np.uint8), rng.integers(0, 5, size).astype(np.int64),
             float(rng.integers(1, 100)), per_article)


@EXAMPLES
@given(SEEDS, st.integers(1, 12), st.booleans())
def test_shared_story_terms(seed: int, queries: int, windowed: bool) -> None:
    """Stored articles sharing enough strong terms with each query, ranked and windowed."""
    rng = np.random.default_rng(seed)
    slots = int(rng.integers(1, 40))
    offsets = csr(rng, queries, 6)
    n_terms = int(offsets[-1])

    def spans(values: int) -> tuple[I64, I64, I64]:
        left = rng.integers(0, values + 1, n_terms).astype(np.int64)
        right = np.minimum(left + rng.integers(0, 12, n_terms), values).astype(np.int64)
        return left, right, rng.integers(0, slots, values).astype(np.int64)

    base_left, base_right, base = spans(60)
    delta_left, delta_right, delta = spans(10)
    times = rng.choice([0.0, 10.0, np.nan], queries)
    published = rng.choice([0.0, 5.0, 50.0, np.nan], slots)
    run_both(_kernels.shared_terms, _index_terms._shared_terms, offsets, base_left, base_right,
             base, delta_left, delta_right, delta, rng.random(slots) < 0.9, times, published,
             20.0 if windowed else -1.0, int(rng.integers(3, 30)), int(rng.integers(1, 4)),
             int(rng.integers(1, 6)), np.full(slots, -1, np.int64), int(rng.integers(0, 50)))


@EXAMPLES
@given(SEEDS, st.integers(1, 60))
def test_index_paragraph_walks(seed: int, uids: int) -> None:
    """Union-find roots with path halving, and live occurrences along uid chains."""
    rng = np.random.default_rng(seed)
    parent = np.arange(uids, dtype=np.int64)
    for child in range(1, uids):
        if rng.random() < 0.6:
            parent[child] = rng.integers(0, child)
    nodes = rng.integers(0, uids, 30).astype(np.int64)
    run_both(_kernels.find_roots, _index_paragraphs._find_roots, parent, nodes)
    occurrences = int(rng.integers(0, 80))
    owner = rng.integers(0, uids, occurrences)
    head = np.full(uids, -1, dtype=np.int64)
    following = np.full(occurrences, -1, dtype=np.int64)
    for occurrence in range(occurrences - 1, -1, -1):
        following[occurrence] = head[owner[occurrence]]
        head[owner[occurrence]] = occurrence
    run_both(_kernels.walk, _index_paragraphs._walk, nodes, head, following,
             rng.random(occurrences) < 0.7)


@EXAMPLES
@given(SEEDS, st.integers(0, 2000), st.sampled_from([np.uint32, np.uint64]),
       st.sampled_from([np.int32, np.int64]), st.integers(1, 70))
def test_sorted_run_lookups(seed: int, size: int, key_dtype: Any, value_dtype: Any,
                            step: int) -> None:
    """Fenced binary searches in a sorted run, and gathering two runs' postings."""
    rng = np.random.default_rng(seed)
    keys = np.sort(hashes(rng, size, key_dtype, int(rng.integers(1, size + 2))))
    fence = keys[::step].copy()
    queries = np.concatenate([keys[rng.integers(0, max(size, 1), 30)] if size else keys,
                              hashes(rng, 10, key_dtype, 10)]).astype(key_dtype)
    run_both(_kernels.run_bounds, _index_lookup._run_bounds, keys, fence, step, queries)
    base_left, base_right = _index_lookup._run_bounds(keys, fence, step, queries)
    values = rng.integers(0, 1000, size).astype(value_dtype)
    delta_left = np.zeros(queries.size, np.int64)
    delta_right = rng.integers(0, 3, queries.size).astype(np.int64)
    run_both(_kernels.gather, _index_lookup._gather, base_left, base_right, values, delta_left,
             delta_right, rng.integers(0, 9, 3).astype(value_dtype))


@EXAMPLES
@given(SEEDS, st.integers(1, 12), st.integers(1, 15))
def test_near_repeats(seed: int, articles: int, uniques: int) -> None:
    """Near repeats inside articles, by pair lookups or by scans of each paragraph's matches
    (paragraphs matched many ways push articles to the lookups)."""
    rng = np.random.default_rng(seed)
    article_paragraphs = csr(rng, articles, 9)
    unique_of = rng.integers(-1, uniques, int(article_paragraphs[-1])).astype(np.int64)
    # Matches as ParagraphMatches holds them (left < right), ordered by (left, right): the
    # match numbers, the pair codes and the scans all follow that order.
    pairs = sorted({(int(min(x, y)), int(max(x, y)))
                    for x, y in rng.integers(0, uniques, (40, 2)) if x != y})
    left = np.array([x for x, _ in pairs], dtype=np.int64)
    right = np.array([y for _, y in pairs], dtype=np.int64)
    left_offsets = np.zeros(uniques + 1, dtype=np.int64)
    np.cumsum(np.bincount(left, minlength=uniques), out=left_offsets[1:])
    run_both(_kernels.near_repeats, _repeated._near_repeats, article_paragraphs, unique_of,
             left_offsets, right, rng.permutation(left.size).astype(np.int64),
             left * np.int64(uniques) + right)


@EXAMPLES
@given(SEEDS, st.integers(0, 80), st.sampled_from([1, 3, 6]))
def test_rewrite_sentence_pieces(seed: int, size: int, shortest: int) -> None:
    """Sentences cut and white space collapsed per piece: runs between two words become one
    space or end a sentence (after an end mark and closing marks, not after a second period
    of a word, not before a digit, not before the sentence holds ``shortest``), a bare end
    mark ends one inside a word, a short last sentence goes on the one before; runs at a
    piece's ends go (pieces of spaces only, empty pieces and text with no separator
    included)."""
    rng = np.random.default_rng(seed)
    # Separators, spaces, end marks (., !, the ideographic full stop), closing marks,
    # digits and other characters, in runs.
    alphabet = np.array([0, 9, 32, 0x3000, 46, 46, 33, 0x3002, 34, 41, 0x300D, 49, 97, 98,
                         1078, 128512], dtype=np.uint32)
    points = alphabet[rng.integers(0, alphabet.size, size)]
    classes = sentence_classes()
    run_both(_kernels.sentence_pieces, _rewrite._sentence_pieces, points, classes, shortest)


@EXAMPLES
@given(SEEDS, st.integers(0, 60), st.integers(0, 6))
def test_rewrite_sentence_figures(seed: int, size: int, pieces: int) -> None:
    """Figures per piece: runs of digits with a single separator between two digits inside
    one ("7,600", "3.5"), hashed on their digits alone; a separator at a piece's end, a
    doubled one or one beside a letter ends a figure (pieces cut anywhere, empty ones
    included)."""
    rng = np.random.default_rng(seed)
    alphabet = np.array([ord(c) for c in "0179,.,. a-"] + [0x0663, 1078], dtype=np.uint32)
    points = alphabet[rng.integers(0, alphabet.size, size)]
    starts = np.sort(np.concatenate([[0, size], rng.integers(0, size + 1, pieces)])).astype(
        np.int64)
    run_both(_kernels.sentence_figures, _rewrite._sentence_figures, points, starts)


@EXAMPLES
@given(SEEDS, st.integers(0, 12), st.integers(1, 6), st.sampled_from([12, 13, 16]),
       st.booleans())
def test_rewrite_ngram_rows(seed: int, pieces: int, ngram: int, bucket_bits: int,
                            long_run: bool) -> None:
    """Character n-gram rows: columns listed from bit sets equal sorted n-grams, with their
    counts (packed with their columns; counts of 1,023 or more in the escape table) and
    document frequencies (added to what the table holds; short and empty pieces included);
    then each row's norm of its weights equals the plain computation."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 40, pieces)
    if long_run and pieces:
        # A piece repeating n-grams past what an entry holds.
        sizes[rng.integers(0, pieces)] = int(rng.integers(1020, 1400))
    # Few distinct code points (ASCII and beyond), so n-grams repeat within and across pieces.
    alphabet = np.array([32, 97, 98, 99, 1078, 26481, 128512], dtype=np.uint32)
    points = alphabet[rng.integers(0, rng.integers(1, alphabet.size + 1), int(sizes.sum()))]
    starts = np.zeros(pieces + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    frequency = rng.integers(0, 3, 1 << bucket_bits).astype(np.int32)
    # Each piece's n-grams of its own length (mostly one, as a run gives them).
    ngrams = np.where(rng.random(pieces) < 0.7, ngram, rng.integers(1, 7, pieces)).astype(np.int8)
    run_both(_kernels.ngram_counts, _rewrite._ngram_counts, points, starts, 0x100000001B3,
             ngrams, frequency)
    indptr, entries, positions, escaped = _kernels.ngram_counts(points, starts, 0x100000001B3,
                                                                ngrams, frequency)
    run_both(_kernels.ngram_norms, _rewrite._ngram_norms, indptr, entries, positions, escaped,
             frequency, pieces + int(rng.integers(0, 5)))


def test_rewrite_ngram_counts_escape_large_counts_and_refuse_wide_tables() -> None:
    """A count an entry cannot hold is in the escape table, exact; an entry holds 22 bits
    of column, so a table of more columns is refused, and so are n-gram lengths that are
    not one per piece or under one."""
    points = np.full(3000, 97, dtype=np.uint32)
    fours = np.full(2, 4, dtype=np.int8)
    indptr, entries, positions, escaped = _kernels.ngram_counts(
        points, np.array([0, 1000, 3000]), 0x100000001B3, fours, np.zeros(1 << 12, np.int32))
    assert indptr.tolist() == [0, 1, 2]
    assert (entries >> 22).tolist() == [997, 1023]
    assert positions.tolist() == [1] and escaped.tolist() == [1997]
    with pytest.raises(ValueError, match="at most 4194304 columns"):
        _kernels.ngram_counts(points, np.array([0, 8]), 3, fours[:1],
                              np.zeros(1 << 23, np.int32))
    with pytest.raises(ValueError, match="1 pieces, 2 n-gram lengths"):
        _kernels.ngram_counts(points, np.array([0, 8]), 3, fours, np.zeros(1 << 12, np.int32))
    with pytest.raises(ValueError, match="piece 0: n-grams of 0 code points"):
        _kernels.ngram_counts(points, np.array([0, 8]), 3, np.zeros(1, dtype=np.int8),
                              np.zeros(1 << 12, np.int32))


@EXAMPLES
@given(SEEDS, st.integers(0, 12))
def test_rewrite_row_hashes(seed: int, rows: int) -> None:
    """A row's hash is the sum of its entries mixed, whatever their order: rows holding the
    same entries (sentences written alike) hash alike, others apart."""
    rng = np.random.default_rng(seed)
    indptr, indices, _ = _sparse_rows(rng, rows, 40, np.int64)
    entries = (indices | (rng.integers(1, 4, indices.size) << 22)).astype(np.uint32)
    run_both(_kernels.row_hashes, _rewrite._row_hashes, indptr, entries)
    hashes = _kernels.row_hashes(indptr, entries)
    if rows:
        reordered = entries.copy()
        reordered[indptr[0]:indptr[1]] = entries[indptr[0]:indptr[1]][::-1]
        assert _kernels.row_hashes(indptr, reordered)[0] == hashes[0]
    lengths = np.diff(indptr)
    for i, j in itertools.combinations(range(rows), 2):
        same = sorted(entries[indptr[i]:indptr[i + 1]].tolist()) == sorted(
            entries[indptr[j]:indptr[j + 1]].tolist())
        assert (hashes[i] == hashes[j]) == same or (lengths[i] == lengths[j] == 0)


@EXAMPLES
@given(SEEDS, st.integers(0, 25), st.integers(1, 30),
       st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0.0, 1.0)))
def test_rewrite_supporting_entries(seed: int, rows: int, columns: int,
                                    threshold: float) -> None:
    """Row pairs of article pairs at a threshold (a row's cosine with itself reaches 1.0):
    scattered left rows, each right row added along them, weights computed on the way,
    equal the merge of each row pair of the weighed rows (same sums, in column order), for
    each article's first ``most_compared`` rows (escaped counts included)."""
    rng = np.random.default_rng(seed)
    indptr, indices, _ = _sparse_rows(rng, rows, columns, np.int64)
    counts = rng.choice([1, 1, 1, 2, 3, 1022, 1023, 5000], indices.size)
    entries, positions, escaped = _rewrite.pack_entries(indices, counts)
    frequency = rng.integers(0, 4, 32).astype(np.int32)
    n_rows = rows + int(rng.integers(0, 4))
    cuts = np.sort(rng.integers(0, rows + 1, rng.integers(0, 5)))
    article_rows = np.concatenate([[0], cuts, [rows]]).astype(np.int64)
    norms = _kernels.ngram_norms(indptr, entries, positions, escaped, frequency, n_rows)
    n_articles = article_rows.size - 1
    left = np.sort(rng.integers(0, n_articles, rng.integers(0, 8))).astype(np.int64)
    right = rng.integers(0, n_articles, left.size).astype(np.int64)
    most_compared = int(rng.integers(1, rows + 2))
    run_both(_kernels.supporting_entries, _rewrite._supporting_entries, indptr, entries,
             positions, escaped, frequency, norms, n_rows, article_rows, left, right,
             threshold, most_compared)


@EXAMPLES
@given(SEEDS, st.integers(1, 60), st.floats(0.02, 0.6), st.booleans(),
       st.sampled_from([0.1, 0.3, 0.5]), st.sampled_from([0.0, 0.2, 0.5, 0.8]))
def test_average_linkage_merge_loop(seed: int, n_nodes: int, density: float, agreeing: bool,
                                    threshold: float, minimum: float) -> None:
    """The compiled merge loop of average linkage gives the parents the Python loop gave, on
    random graphs of nodes standing for 1-3 items, means drawn from a few values (ties pop
    by cluster number), with and without an agreement (given for more pairs than the edges,
    some merges refused and retried when a cluster grows)."""
    rng = np.random.default_rng(seed)
    pairs_first, pairs_second = np.triu_indices(n_nodes, k=1)
    sizes = rng.integers(1, 4, n_nodes).astype(np.int64)
    chosen = rng.random(pairs_first.size) < density
    first = pairs_first[chosen].astype(np.int64)
    second = pairs_second[chosen].astype(np.int64)
    means = rng.choice([0.2, 0.5, 0.9, 1.0, float(rng.uniform(0.05, 1.0))], first.size)
    edges = sparse_linkage._UnitEdges(first, second,
                                      means * (sizes[first] * sizes[second]))
    agreement = None
    if agreeing:
        compared = chosen | (rng.random(pairs_first.size) < density)
        agreement = sparse_linkage._UnitAgreement(
            sparse_linkage._UnitEdges(pairs_first[compared].astype(np.int64),
                                      pairs_second[compared].astype(np.int64),
                                      rng.choice([0.0, 0.3, 1.0, float(rng.random())],
                                                 int(compared.sum()))),
            rng.uniform(0.0, 2.0, n_nodes) * (sizes > 1), minimum)
    run_both(sparse_linkage._merge_clusters, _sparse_linkage._merge_clusters, n_nodes, edges,
             sizes, threshold, agreement)


@EXAMPLES
@given(SEEDS, st.integers(1, 40), st.floats(0.0, 0.7))
def test_agreement_runs(seed: int, n_nodes: int, density: float) -> None:
    """Each node's agreements laid out by node, then neighbour, by a counting sort equal
    the layout a sort gives; pairs out of order are refused."""
    rng = np.random.default_rng(seed)
    first, second = np.triu_indices(n_nodes, k=1)
    chosen = rng.random(first.size) < density
    first, second = first[chosen].astype(np.int64), second[chosen].astype(np.int64)
    value = rng.random(first.size)
    run_both(_kernels.agreement_runs, _sparse_linkage._agreement_runs, n_nodes, first, second,
             value)
    if first.size >= 2:
        with pytest.raises(ValueError, match="sorted"):
            _kernels.agreement_runs(n_nodes, first[::-1].copy(), second[::-1].copy(), value)


@EXAMPLES
@given(SEEDS, st.integers(0, 3000), st.integers(1, 50))
def test_term_totals(seed: int, entries: int, terms: int) -> None:
    """Each term's occurrences and salient occurrences in one pass equal the sliced
    bincounts (counts up to 255, some terms never seen)."""
    rng = np.random.default_rng(seed)
    term_ids = rng.integers(0, terms, entries).astype(np.int32)
    counts = rng.integers(0, 256, entries).astype(np.uint8)
    salient = np.minimum(counts, rng.integers(0, 256, entries)).astype(np.uint8)
    run_both(_kernels.term_totals, _story_vectors._term_totals, term_ids, counts, salient,
             terms + int(rng.integers(0, 3)))
