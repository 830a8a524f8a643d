"""Running compiled kernels on several threads, with results identical to one thread.

The compiled kernels release the GIL (``kernels/README.md``), so a step that splits its work
into independent parts (rows of a matrix, bands of an LSH index, ranges of articles) runs the
parts on a small thread pool. Parts are fixed by position and results come back in order, so
the outcome does not depend on the number of threads.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["map_in_threads", "split_range", "split_rows", "split_runs"]

Part = TypeVar("Part")
Result = TypeVar("Result")


def map_in_threads(function: Callable[[Part], Result], parts: Sequence[Part],
                   workers: int) -> list[Result]:
    """``[function(part) for part in parts]``, on up to ``workers`` threads.

    >>> map_in_threads(lambda n: n * n, [1, 2, 3], workers=2)
    [1, 4, 9]
    """
    if workers <= 1 or len(parts) <= 1:
        return [function(part) for part in parts]
    with ThreadPoolExecutor(max_workers=min(workers, len(parts))) as pool:
        return list(pool.map(function, parts))


def split_range(size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive ``(start, stop)`` ranges covering ``range(size)`` evenly.

    >>> split_range(10, 3)
    [(0, 3), (3, 7), (7, 10)]
    """
    bounds: npt.NDArray[np.int64] = np.linspace(0, size, max(parts, 1) + 1).round().astype(
        np.int64)
    return [(int(bounds[k]), int(bounds[k + 1])) for k in range(len(bounds) - 1)]


def split_runs(keys: npt.NDArray[np.int64], parts: int) -> list[tuple[int, int]]:
    """``split_range(keys.size, parts)`` with each cut moved forward to where a run of
    equal consecutive ``keys`` starts: no run is split over two ranges (a kernel that
    scatters a run's key once per run then does so on one thread). At least one range.

    >>> split_runs(np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3]), 3)
    [(0, 3), (3, 9), (9, 10)]
    >>> split_runs(np.array([4, 4, 4, 4]), 2)
    [(0, 4)]
    """
    cuts = [0]
    for start, _ in split_range(keys.size, parts)[1:]:
        cut = start
        while 0 < cut < keys.size and keys[cut] == keys[cut - 1]:
            cut += 1
        if cut > cuts[-1]:
            cuts.append(cut)
    if cuts[-1] < keys.size or len(cuts) == 1:
        cuts.append(keys.size)
    return list(itertools.pairwise(cuts))


def split_rows(indptr: npt.NDArray[np.int64], parts: int) -> list[tuple[int, int]]:
    """Up to ``parts`` consecutive ``(start, stop)`` ranges of the rows of a CSR matrix
    (offsets ``indptr``) holding about as many entries each; at least one range, none empty.

    >>> split_rows(np.array([0, 6, 7, 8, 9, 10, 12]), 2)
    [(0, 1), (1, 6)]
    """
    n_rows = indptr.size - 1
    if n_rows <= 0:
        return [(0, max(n_rows, 0))]
    targets = np.linspace(0, int(indptr[-1]), max(parts, 1) + 1)[1:-1]
    cuts = np.searchsorted(indptr, targets).clip(1, n_rows).tolist()
    bounds = sorted({0, n_rows, *cuts})
    return list(itertools.pairwise(bounds))
