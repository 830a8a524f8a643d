"""Bounded candidate pairs and exact pair cosines (src/newsdedup/_stories/candidates.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix, random_array

from newsdedup._stories.candidates import (
    masked_pair_cosines,
    pair_cosines,
    probe_terms,
    story_candidate_pairs,
    strongest_terms,
)


def _vectors(seed: int, n_rows: int = 300, n_terms: int = 400,
             density: float = 0.05) -> csr_matrix:
    """Random non-negative rows, L2-normalized, with a few empty rows."""
    dense = random_array((n_rows, n_terms), density=density, rng=seed).toarray()
    dense[dense > 0] = np.round(dense[dense > 0], 2) + 0.01  # rounded: ties at the cut happen
    dense[::37] = 0.0
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return csr_matrix(dense / np.maximum(norms, 1e-12))


def test_strongest_terms_are_each_rows_largest_with_ties_kept() -> None:
    """Each row keeps every entry at or above its keep-th largest value, nothing else."""
    vectors = _vectors(1, density=0.2)
    kept = strongest_terms(vectors, 10).toarray()
    dense = vectors.toarray()
    for row in range(dense.shape[0]):
        values = dense[row][dense[row] > 0]
        cut = np.sort(values)[-10] if values.size > 10 else 0.0
        assert ((kept[row] > 0) == (dense[row] >= max(cut, 1e-300))).all()
        assert (kept[row][kept[row] > 0] == dense[row][kept[row] > 0]).all()


def test_probe_reads_best_weight_per_posting_within_budget() -> None:
    """Each row probes its kept terms of most weight per posting, postings within the budget."""
    index = strongest_terms(_vectors(2), 8)
    postings = np.bincount(index.indices, minlength=index.shape[1])
    probe = probe_terms(index, budget=12)
    for row in range(index.shape[0]):
        span = slice(index.indptr[row], index.indptr[row + 1])
        value = dict(zip(index.indices[span].tolist(),
                         (index.data[span] / postings[index.indices[span]]).tolist(),
                         strict=True))
        probed = probe.indices[probe.indptr[row]:probe.indptr[row + 1]].tolist()
        assert postings[probed].sum() <= 12
        skipped = set(value) - set(probed)
        if probed and skipped:
            assert max(value[t] for t in skipped) <= min(value[t] for t in probed)


def test_unbounded_budget_finds_every_pair_reaching_the_floor() -> None:
    """With a budget no posting list exceeds, candidates are exactly the pairs whose product
    over their strongest terms reaches the floor."""
    vectors = _vectors(3)
    index = strongest_terms(vectors, 12)
    product = (index @ index.T).toarray()
    rows, cols = story_candidate_pairs(vectors, keep=12, budget=10**9, floor=0.05)
    expected = {(i, j) for i, j in zip(*np.nonzero(product >= 0.05), strict=True) if i < j}
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected


def test_pair_found_when_only_one_side_probes_the_shared_term() -> None:
    """A pair is found when one row probes a shared term the other row cannot afford."""
    # Term 0 is in every row (never affordable). Row 1 spends its budget of 2 on its strong
    # term 1 (rows 1 and 5) before its weak term 2 (rows 0 and 1); row 0 probes term 2.
    dense = np.zeros((6, 3))
    dense[:, 0] = 0.1
    dense[[1, 5], 1] = 1.0
    dense[0, 2] = 1.0
    dense[1, 2] = 0.5
    vectors = csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True))
    probe = probe_terms(strongest_terms(vectors, 3), budget=2).toarray()
    assert probe[1, 2] == 0.0 and probe[0, 2] > 0.0
    rows, cols = story_candidate_pairs(vectors, keep=3, budget=2, floor=0.1)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 1), (1, 5)]


def test_story_candidate_pairs_ordered_and_unique() -> None:
    """Pairs come once each, as (smaller row, larger row), in increasing order."""
    rows, cols = story_candidate_pairs(_vectors(4), keep=16, budget=40, floor=0.02)
    assert (rows < cols).all()
    keys = rows * 10**6 + cols
    assert (np.diff(keys) > 0).all()


def test_pair_cosines_equal_dense_dot_products() -> None:
    """Pair cosines equal the dense dot products (unsorted rows included)."""
    vectors = _vectors(5)
    shuffled = vectors.copy()
    shuffled.has_sorted_indices = False
    for row in range(shuffled.shape[0]):
        span = slice(shuffled.indptr[row], shuffled.indptr[row + 1])
        order = np.argsort(-shuffled.indices[span])
        shuffled.indices[span] = shuffled.indices[span][order]
        shuffled.data[span] = shuffled.data[span][order]
    rng = np.random.default_rng(0)
    rows = rng.integers(0, vectors.shape[0], 2000)
    cols = rng.integers(0, vectors.shape[0], 2000)
    dense = vectors.toarray()
    expected = np.einsum("ij,ij->i", dense[rows], dense[cols])
    np.testing.assert_allclose(pair_cosines(vectors, rows, cols), expected, atol=1e-12)
    np.testing.assert_allclose(pair_cosines(shuffled, rows, cols), expected, atol=1e-12)


def test_pair_cosines_on_threads_are_bit_identical() -> None:
    """Runs of pairs split over threads give exactly the one-thread cosines, wherever the
    cuts fall (rows with many partners, as the story candidates have)."""
    vectors = _vectors(7)
    rng = np.random.default_rng(1)
    rows = np.sort(rng.integers(0, vectors.shape[0], 3001))
    cols = rng.integers(0, vectors.shape[0], 3001)
    one = pair_cosines(vectors, rows, cols)
    for workers in (2, 3, 8):
        assert pair_cosines(vectors, rows, cols, workers).tobytes() == one.tobytes()
    same_row = np.zeros(50, dtype=np.int64)  # one run: nowhere to cut
    assert pair_cosines(vectors, same_row, cols[:50], 2).tobytes() == pair_cosines(
        vectors, same_row, cols[:50]).tobytes()


def test_strongest_and_probed_terms_on_threads_are_the_same() -> None:
    """Rows split over threads keep and probe exactly the one-thread entries (a matrix with
    empty rows, ties at the cut, and a long row), and so find the same candidate pairs."""
    vectors = _vectors(3, n_rows=500, density=0.08)
    one_kept = strongest_terms(vectors, 12)
    one_probed = probe_terms(one_kept, 40)
    one_pairs = story_candidate_pairs(vectors, 12, 40, 0.1)
    for workers in (2, 3, 8):
        kept = strongest_terms(vectors, 12, workers)
        assert (kept != one_kept).nnz == 0 and kept.indptr.tolist() == one_kept.indptr.tolist()
        probed = probe_terms(one_kept, 40, workers)
        assert probed.indptr.tolist() == one_probed.indptr.tolist()
        assert probed.indices.tolist() == one_probed.indices.tolist()
        pairs = story_candidate_pairs(vectors, 12, 40, 0.1, workers)
        assert [p.tolist() for p in pairs] == [p.tolist() for p in one_pairs]


def test_pair_cosines_of_no_pairs_is_empty() -> None:
    """No pairs in, no cosines out."""
    empty = np.zeros(0, dtype=np.int64)
    assert pair_cosines(_vectors(6), empty, empty).size == 0


@pytest.mark.parametrize("shape", [(0, 1), (1, 1), (3, 5)])
def test_empty_or_blank_rows_give_no_candidates(shape: tuple[int, int]) -> None:
    """No rows, one row, or rows without entries: no pairs and no error."""
    rows, cols = story_candidate_pairs(csr_matrix(shape), keep=4, budget=10, floor=0.0)
    assert rows.size == cols.size == 0


def test_masked_pair_cosines_equal_dense_cosines_over_the_columns() -> None:
    """The cosine of two rows over some columns equals the dense reference (each row cut to
    those columns and normalized again; 0 for a row with nothing left), on any workers."""
    vectors = _vectors(11)
    rng = np.random.default_rng(3)
    columns = rng.random(vectors.shape[1]) < 0.4
    rows = np.sort(rng.integers(0, vectors.shape[0], 1500))
    cols = rng.integers(0, vectors.shape[0], 1500)
    dense = vectors.toarray() * columns
    norms = np.linalg.norm(dense, axis=1)
    cut = dense / np.where(norms > 0, norms, 1.0)[:, None]
    expected = np.einsum("ij,ij->i", cut[rows], cut[cols])
    found = masked_pair_cosines(vectors, columns, rows, cols)
    np.testing.assert_allclose(found, expected, atol=1e-12)
    assert (found[norms[rows] == 0] == 0).all() and (norms == 0).any()
    assert masked_pair_cosines(vectors, columns, rows, cols, 2).tobytes() == found.tobytes()
    everything = np.ones(vectors.shape[1], dtype=bool)
    np.testing.assert_allclose(masked_pair_cosines(vectors, everything, rows, cols),
                               pair_cosines(vectors, rows, cols), atol=1e-12)
    assert masked_pair_cosines(vectors, columns, rows[:0], cols[:0]).size == 0


def test_rows_given_more_budget_find_what_the_budget_hid() -> None:
    """A row whose shared term has a long posting finds its partners only with more budget
    (``wider``); the other rows' pairs stay what they were, on any workers."""
    dense = np.zeros((7, 8))
    dense[:6, 0] = 0.8  # a term all of rows 0-5 hold: a posting of 6
    for row in range(6):
        dense[row, row + 1] = 0.6  # a term of each row's own: a posting of 1
    dense[6, 7] = 1.0
    vectors = csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True))
    rows, cols = story_candidate_pairs(vectors, keep=4, budget=3, floor=0.3)
    assert rows.size == 0
    wider = np.array([2])
    rows, cols = story_candidate_pairs(vectors, keep=4, budget=3, floor=0.3, wider=wider,
                                       wider_budget=10)
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [
        (0, 2), (1, 2), (2, 3), (2, 4), (2, 5)]
    for workers in (2, 3):
        again = story_candidate_pairs(vectors, 4, 3, 0.3, workers, wider, 10)
        assert again[0].tobytes() == rows.tobytes() and again[1].tobytes() == cols.tobytes()
