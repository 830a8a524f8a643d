"""Candidate pairs of similar rows of a sparse matrix, with a work bound per row, and their cosines.

Rows are L2-normalized, non-negative term vectors (one per duplicate group, see
``_stories.clusters``). Finding every pair whose cosine reaches a threshold exactly costs, for each
term, the square of the number of rows holding it; with a vocabulary that does not grow as
fast as the corpus (a news stream keeps using the same names and words) that is quadratic.
So the work is bounded per row instead:

1. **Index.** Each row keeps its strongest terms (``keep``, ties at the cut kept too); the
   posting list of a term is the rows keeping it.
2. **Probe, most weight per posting first.** Each row looks up its kept terms in order of
   decreasing weight over posting length (what the term can add to a pair's product, per
   posting read; ties by term id) while the postings read stay within ``budget``. A row's
   names and figures (strong, and shared by few rows) come first; a common word, or a rare
   word that is weak in the row, comes last or never. A pair is found when *either* row
   probes one of the terms they share. Work: at most ``budget`` postings per row, whatever
   the corpus size; when every row can afford all its kept terms this is the full product.
3. **Floor.** A pair is kept when, in either direction, the product over the terms probed
   reaches ``floor`` (a lower bound of the cosine, since weights are non-negative).

:func:`pair_cosines` then gives each candidate's exact cosine over the full rows, and
:func:`masked_pair_cosines` the cosine over some of the columns only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from .._core.arrays import sorted_unique
from .._core.threads import map_in_threads, split_rows, split_runs
from .._core.types import F64, I64
from .._kernels import dot_kernel as _dot_kernel
from .._kernels import probe_kernel as _probe_kernel
from .._kernels import strongest_kernel as _strongest_kernel

__all__ = ["masked_pair_cosines", "pair_cosines", "probe_terms", "story_candidate_pairs",
           "strongest_terms"]


#: Rows per block of the probe product (bounds the memory of its output).
_BLOCK_ROWS = 4096


def strongest_terms(matrix: csr_matrix, keep: int, workers: int = 1) -> csr_matrix:
    """The entries of each row at or above its ``keep``-th largest value (all of a short row).

    Ties at the cut are all kept, so the result does not depend on the order of a row's
    entries. The result's rows are sorted by column. Ranges of rows are read on ``workers``
    threads (the same result for any number).

    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> m = csr_matrix(np.array([[0.1, 0.5, 0.3, 0.3], [0.0, 0.2, 0.0, 0.0]]))
    >>> strongest_terms(m, 2).toarray().tolist()
    [[0.0, 0.5, 0.3, 0.3], [0.0, 0.2, 0.0, 0.0]]
    """
    indptr = matrix.indptr.astype(np.int64)
    chosen = _by_rows(lambda rows, data: _strongest_kernel(rows, data, keep), indptr,
                      (matrix.data,), workers)
    result = _select(matrix, indptr, chosen)
    result.sort_indices()
    return result


def probe_terms(index: csr_matrix, budget: int, workers: int = 1,
                postings: I64 | None = None) -> csr_matrix:
    """The entries of ``index`` each row probes, best weight per posting first, within budget.

    A term's posting length is the number of rows of ``index`` holding it (or ``postings``,
    when the rows are some of the index's). Each row takes its
    entries by decreasing weight over posting length (ties by term id) while the running
    total of their posting lengths is at most ``budget``. Ranges of rows are read on
    ``workers`` threads (the same result for any number).

    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> index = csr_matrix(np.array([[0.2, 0.9, 0.1], [0.6, 0.8, 0.0], [1.0, 0.0, 0.0]]))
    >>> probe_terms(index, budget=3).toarray().tolist()  # postings: 3, 2 and 1
    [[0.0, 0.9, 0.1], [0.0, 0.8, 0.0], [1.0, 0.0, 0.0]]
    """
    index = csr_matrix(index)
    index.sort_indices()
    indptr = index.indptr.astype(np.int64)
    if postings is None:
        postings = np.bincount(index.indices, minlength=index.shape[1]).astype(np.int64)
    chosen = _by_rows(lambda rows, indices, data: _probe_kernel(rows, indices, data, postings,
                                                                budget),
                      indptr, (index.indices, index.data), workers)
    return _select(index, indptr, chosen)


def _by_rows(kernel: Callable[..., npt.NDArray[np.bool_]], indptr: I64,
             entries: tuple[npt.NDArray[Any], ...], workers: int) -> npt.NDArray[np.bool_]:
    """``kernel(indptr, *entries)``, a flag per entry decided row by row, run on ranges of
    rows (``_core.threads.split_rows``) on ``workers`` threads and joined in order."""
    ranges = split_rows(indptr, workers) if workers > 1 else [(0, indptr.size - 1)]
    if len(ranges) == 1:
        flags: npt.NDArray[np.bool_] = kernel(indptr, *entries)
        return flags

    def part(bounds: tuple[int, int]) -> npt.NDArray[np.bool_]:
        first, last = int(indptr[bounds[0]]), int(indptr[bounds[1]])
        flags: npt.NDArray[np.bool_] = kernel(indptr[bounds[0]:bounds[1] + 1] - first,
                                               *(array[first:last] for array in entries))
        return flags

    return np.concatenate(map_in_threads(part, ranges, workers))


def _select(matrix: csr_matrix, indptr: I64, chosen: npt.NDArray[np.bool_]) -> csr_matrix:
    """The entries of ``matrix`` marked in ``chosen`` (same shape, same order)."""
    row_counts = np.zeros(matrix.shape[0], dtype=np.int64)
    filled = indptr[1:] > indptr[:-1]
    # reduceat sums up to the next start: with empty rows left out that is each row's end.
    row_counts[filled] = np.add.reduceat(chosen, indptr[:-1][filled], dtype=np.int64)
    kept_indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(row_counts, out=kept_indptr[1:])
    return csr_matrix((matrix.data[chosen], matrix.indices[chosen], kept_indptr),
                      shape=matrix.shape)


def story_candidate_pairs(vectors: csr_matrix, keep: int, budget: int,
                          floor: float, workers: int = 1,
                          wider: I64 | None = None, wider_budget: int = 0) -> tuple[I64, I64]:
    """Pairs ``i < j`` of rows found by the bounded probe (see the module docstring), in
    order of ``(i, j)``; the rows ``wider`` (ascending) probe ``wider_budget`` postings
    instead. Blocks of rows are probed on ``workers`` threads (the same pairs for any
    number).

    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> v = csr_matrix(np.array([[0.8, 0.6, 0.0], [0.6, 0.0, 0.8], [0.0, 0.0, 1.0]]))
    >>> rows, cols = story_candidate_pairs(v, keep=2, budget=100, floor=0.3)
    >>> list(zip(rows.tolist(), cols.tolist()))
    [(0, 1), (1, 2)]
    """
    index = strongest_terms(vectors, keep, workers)
    # Posting lengths over every row: the rows given more budget read the same postings.
    postings = np.bincount(index.indices, minlength=index.shape[1]).astype(np.int64)
    probe = probe_terms(index, budget, workers, postings)
    transposed = csr_matrix(index.T)
    n_rows = index.shape[0]

    def block_keys(start: int, probing: csr_matrix = probe, numbers: I64 | None = None
                   ) -> I64:
        block = (probing[start:start + _BLOCK_ROWS] @ transposed).tocoo()
        reached = block.data >= floor
        row = block.row[reached].astype(np.int64) + start
        if numbers is not None:
            row = numbers[row]
        col = block.col[reached].astype(np.int64)
        apart = row != col
        row, col = row[apart], col[apart]
        keys: I64 = np.minimum(row, col) * np.int64(n_rows) + np.maximum(row, col)
        return keys

    found = map_in_threads(block_keys, list(range(0, n_rows, _BLOCK_ROWS)), workers)
    if wider is not None and wider.size:
        # The rows given more budget probe again, against the postings of every row.
        more = probe_terms(index[wider], wider_budget, workers, postings)
        found += map_in_threads(lambda start: block_keys(start, more, wider),
                                list(range(0, wider.size, _BLOCK_ROWS)), workers)
    keys = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    del found
    keys.sort()  # in place: at a million articles there are tens of millions of keys
    keys = keys[np.concatenate([keys[:1] >= 0, keys[1:] != keys[:-1]])]  # both sides: once
    return keys // n_rows, keys % n_rows


def pair_cosines(vectors: csr_matrix, rows: I64, cols: I64, workers: int = 1) -> F64:
    """Dot product of rows ``rows[k]`` and ``cols[k]`` of ``vectors``, for every ``k``.

    Each run of pairs sharing a ``rows`` row scatters that row into a dense table once (the
    candidates come sorted by row, so once per row); each partner's entries then read their
    products from it. Runs of pairs are split over ``workers`` threads (cut where the row
    changes); the result is the same for any number, bit for bit a merge of the two rows.

    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> v = csr_matrix(np.array([[0.6, 0.8, 0.0], [0.0, 0.6, 0.8]]))
    >>> pair_cosines(v, np.array([0, 0]), np.array([1, 0])).round(2).tolist()
    [0.48, 1.0]
    """
    if rows.size == 0:
        return np.zeros(0)
    vectors = csr_matrix(vectors)
    if not vectors.has_sorted_indices:
        vectors = vectors.sorted_indices()  # a copy: the caller's matrix stays as it is
    indptr = vectors.indptr.astype(np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    cols = np.ascontiguousarray(cols, dtype=np.int64)
    n_columns = int(vectors.shape[1])
    parts = map_in_threads(
        lambda bounds: _dot_kernel(indptr, vectors.indices, vectors.data,
                                   rows[bounds[0]:bounds[1]], cols[bounds[0]:bounds[1]],
                                   n_columns),
        split_runs(rows, workers), workers)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def masked_pair_cosines(vectors: csr_matrix, columns: npt.NDArray[np.bool_], rows: I64,
                        cols: I64, workers: int = 1) -> F64:
    """Cosine of rows ``rows[k]`` and ``cols[k]`` of ``vectors`` over the marked ``columns``
    alone (each row taken without its other columns and normalized again; 0 for a row with
    nothing in them). Only the rows of the pairs are copied: for a few pairs of a large
    matrix. ``rows`` sorted, as :func:`pair_cosines` reads them best.

    >>> v = csr_matrix(np.array([[0.6, 0.8, 0.0], [0.0, 0.6, 0.8]]))
    >>> masked_pair_cosines(v, np.array([False, True, True]), np.array([0]),
    ...                     np.array([1])).round(2).tolist()
    [0.6]
    """
    if rows.size == 0:
        return np.zeros(0)
    involved = sorted_unique(np.concatenate([rows, cols]))
    part = csr_matrix(vectors)[involved]
    marked = np.zeros(max(part.shape[1], columns.size), dtype=bool)
    marked[:columns.size] = columns
    part.data = np.where(marked[part.indices], part.data, 0.0)
    norms = np.sqrt(np.add.reduceat(np.r_[part.data ** 2, 0.0], part.indptr[:-1])
                    * (np.diff(part.indptr) > 0))
    part.data /= np.repeat(np.where(norms > 0.0, norms, 1.0), np.diff(part.indptr))
    return pair_cosines(part, np.searchsorted(involved, rows), np.searchsorted(involved, cols),
                        workers)
