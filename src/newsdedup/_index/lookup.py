"""Compact, appendable lookup structures for the index's memory: numpy arrays, not dicts.

The index keeps a few tens of millions of small entries in memory (one per stored paragraph,
one per LSH band of each distinct paragraph), so a Python object per entry is out of the
question. :class:`Growable` is an array with amortised O(1) appends; :class:`SortedMultimap`
maps keys to values by binary search in sorted arrays. Inserts go to a small sorted *delta*
that is merged into the large *base* run only once it has grown to a fraction of it (a
two-level log-structured merge), so an add of a thousand articles never re-sorts millions of
entries, and a lookup is one compiled binary search per run, through a small fence of the
run's keys that stays in cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .._core.types import I64
from .._kernels import gather as _gather
from .._kernels import run_bounds as _run_bounds

__all__ = ["Growable", "SortedMultimap"]

#: The delta is merged into the base once it holds this share of the base's entries, or
#: ``_MAX_DELTA`` entries: every insert rewrites the delta, so it must stay small however
#: large the base grows (a merge into the base is then due every few dozen adds).
_MERGE_SHARE = 0.25
_MIN_DELTA = 1 << 16
_MAX_DELTA = 1 << 18
#: Keys of a run per entry of its fence (see ``SortedMultimap._fence``).
_FENCE_STEP = 64


class Growable:
    """A 1-d numpy array with amortised O(1) appends; :attr:`values` is a view of the filled part.

    >>> grown = Growable(np.int64)
    >>> grown.extend(np.array([4, 5]))
    0
    >>> grown.extend(np.array([6]))
    2
    >>> grown.values.tolist()
    [4, 5, 6]
    """

    def __init__(self, dtype: npt.DTypeLike, fill: Any = 0) -> None:
        self._data = np.full(16, fill, dtype=dtype)
        self._fill = fill
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def values(self) -> npt.NDArray[Any]:
        """The filled part (a view: writes go to the array; it moves on the next growth)."""
        return self._data[:self._size]

    def extend(self, values: npt.ArrayLike) -> int:
        """Append ``values``; return the index of the first one."""
        values = np.asarray(values, dtype=self._data.dtype).ravel()
        start = self._size
        end = start + values.size
        if end > self._data.size:
            grown = np.full(max(end, 2 * self._data.size), self._fill, dtype=self._data.dtype)
            grown[:start] = self._data[:start]
            self._data = grown
        self._data[start:end] = values
        self._size = end
        return start

    def grow_to(self, size: int) -> None:
        """Extend with the fill value up to ``size`` entries (no-op if already that long)."""
        if size > self._size:
            self.extend(np.full(size - self._size, self._fill, dtype=self._data.dtype))


class SortedMultimap:
    """Many keys to many values, looked up in bulk; keys and values are numpy scalars.

    >>> table = SortedMultimap(np.uint64, np.int64)
    >>> table.insert(np.array([7, 3, 7], dtype=np.uint64), np.array([0, 1, 2]))
    >>> which, values = table.lookup(np.array([7, 9, 3], dtype=np.uint64))
    >>> sorted(zip(which.tolist(), values.tolist()))
    [(0, 0), (0, 2), (2, 1)]
    """

    def __init__(self, key_dtype: npt.DTypeLike, value_dtype: npt.DTypeLike) -> None:
        self._key_dtype, self._value_dtype = np.dtype(key_dtype), np.dtype(value_dtype)
        self._runs = [self._empty(), self._empty()]  # base, delta
        self._fences: list[tuple[npt.NDArray[Any], int, npt.NDArray[Any]] | None] = [None,
                                                                                   None]
        self._pending: list[tuple[npt.NDArray[Any], npt.NDArray[Any]]] = []

    def _empty(self) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        return np.zeros(0, self._key_dtype), np.zeros(0, self._value_dtype)

    def __len__(self) -> int:
        self._flush()
        return sum(keys.size for keys, _ in self._runs)

    @property
    def nbytes(self) -> int:
        """Memory held by the entries."""
        self._flush()
        return sum(keys.nbytes + values.nbytes for keys, values in self._runs)

    def insert(self, keys: npt.ArrayLike, values: npt.ArrayLike, defer: bool = False) -> None:
        """Add ``(key, value)`` entries (a repeated pair is stored twice). With ``defer``,
        they are only queued, and sorted in once with all queued ones on the next read (for
        bulk loads: one sort instead of many merges)."""
        keys = np.asarray(keys, dtype=self._key_dtype).ravel()
        values = np.asarray(values, dtype=self._value_dtype).ravel()
        if keys.size == 0:
            return
        if defer:
            self._pending.append((keys, values))
            return
        self._flush()
        order = np.argsort(keys, kind="stable")
        delta = _merge_runs(self._runs[1], (keys[order], values[order]))
        base = self._runs[0]
        if delta[0].size >= max(_MIN_DELTA, min(_MERGE_SHARE * base[0].size, _MAX_DELTA)):
            self._runs = [_merge_runs(base, delta), self._empty()]
        else:
            self._runs[1] = delta

    def lookup(self, keys: npt.ArrayLike) -> tuple[I64, Any]:
        """All entries whose key is in ``keys``: ``(position in keys, value)`` pairs."""
        (base_left, base_right, base), (delta_left, delta_right, delta) = self.spans(keys)
        return _gather(base_left, base_right, base, delta_left, delta_right, delta)

    def _fence(self, run: int) -> tuple[npt.NDArray[Any], int]:
        """Every ``_FENCE_STEP``-th key of a run, and that step (computed once per run): a
        lookup's binary search runs in this small array, which stays in cache, then in one
        block of the run, instead of jumping across the whole run (each jump a cache miss at
        a million articles)."""
        keys = self._runs[run][0]
        cached = self._fences[run]
        if cached is None or cached[0] is not keys or cached[1] != _FENCE_STEP:
            cached = self._fences[run] = (keys, _FENCE_STEP, keys[::_FENCE_STEP].copy())
        return cached[2], cached[1]

    def spans(self, keys: npt.ArrayLike) -> list[tuple[I64, I64, npt.NDArray[Any]]]:
        """Where each of ``keys`` lies in each sorted run: ``(left, right, values)`` per run,
        the values of ``keys[k]`` in that run being ``values[left[k]:right[k]]`` (for a
        compiled loop over the postings, with no array of one entry per posting)."""
        keys = np.asarray(keys, dtype=self._key_dtype).ravel()
        self._flush()
        out = []
        for run, (run_keys, run_values) in enumerate(self._runs):
            left, right = _run_bounds(run_keys, *self._fence(run), keys)
            out.append((left, right, run_values))
        return out

    def counts(self, keys: npt.ArrayLike) -> I64:
        """How many values each of ``keys`` holds."""
        (base_left, base_right, _), (delta_left, delta_right, _) = self.spans(keys)
        total: I64 = base_right - base_left + delta_right - delta_left
        return total

    def _flush(self) -> None:
        """Sort the queued entries into the base run (all at once)."""
        if not self._pending:
            return
        keys = np.concatenate([self._runs[0][0], self._runs[1][0],
                               *(part[0] for part in self._pending)])
        values = np.concatenate([self._runs[0][1], self._runs[1][1],
                                 *(part[1] for part in self._pending)])
        self._pending = []
        order = np.argsort(keys)
        self._runs = [(keys[order], values[order]), self._empty()]


def _merge_runs(first: tuple[npt.NDArray[Any], npt.NDArray[Any]],
           second: tuple[npt.NDArray[Any], npt.NDArray[Any]]
           ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Merge two key-sorted runs in linear time (``second``'s entries after equal keys)."""
    if first[0].size == 0:
        return second
    if second[0].size == 0:
        return first
    at = np.searchsorted(first[0], second[0], side="right")
    return np.insert(first[0], at, second[0]), np.insert(first[1], at, second[1])
