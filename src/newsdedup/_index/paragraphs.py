"""The index's paragraph memory: distinct paragraphs, their LSH bands, clusters and carriers.

An add must find, among millions of stored paragraphs, the ones its new paragraphs match, and
then every article that carries them. The pipeline's own rules decide the matches (the same
fingerprints, the same LSH bands, the same exact thresholds), so this module keeps, in
compact arrays rebuilt on open:

* one *uid* per distinct paragraph (distinct shingle-set fingerprint), found by fingerprint;
* the LSH band keys of each uid (``_near_duplicates.lsh.choose_bands`` bands of the MinHash
  signature, each band's values hashed to 32 bits), so a new paragraph finds every stored one it
  shares a band with: a superset of the candidates a batch run over everything would verify;
* the verified matches as a union-find over uids: *clusters*, a superset of the batch run's
  paragraph clusters (they never split until the index is reopened, which only makes the
  neighbourhoods the index recomputes larger, never wrong);
* every stored paragraph *occurrence* (article slot, uid, boilerplate flag as last decided),
  chained per uid, so the carriers of a cluster are a walk over its occurrences.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import distinct_pairs, pairs_in_runs
from .._core.config import DedupConfig
from .._core.hashing import fmix64
from .._core.types import I64, U32
from .._kernels import find_roots as _find_roots
from .._kernels import walk as _walk
from .._near_duplicates.lsh import choose_bands
from .._near_duplicates.minhash import signatures
from .._text.shingle import ShingleSets
from .lookup import Growable, SortedMultimap

__all__ = ["NO_FLAG", "PATTERN", "RECURRING", "ParagraphIndex", "Staged", "band_keys"]

#: Boilerplate flag of an occurrence, as last decided.
NO_FLAG, PATTERN, RECURRING = 0, 1, 2
_MULTIPLIER = np.uint64(0x100000001B3)


def band_keys(shingles: ShingleSets, config: DedupConfig) -> U32:
    """The LSH band keys of each paragraph: shape ``(paragraphs, bands)``, 32-bit hashes.

    Two paragraphs share a key in band ``b`` when their MinHash values of that band agree
    (up to 32-bit collisions, which only add candidates that verification then drops).

    >>> from newsdedup._text.tokenize import hash_tokens
    >>> from newsdedup._text.shingle import shingle_sets
    >>> keys = band_keys(shingle_sets(hash_tokens(["a b c d e f", "a b c d e f"]), 3),
    ...                  DedupConfig())
    >>> keys.shape, bool((keys[0] == keys[1]).all())
    ((2, 32), True)
    """
    bands, rows = choose_bands(config.lsh_threshold, config.num_perm)
    values = signatures(shingles, config.num_perm, config.seed, columns=bands * rows).astype(
        np.uint64).reshape(len(shingles), bands, rows)
    with np.errstate(over="ignore"):
        keys = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64),
                               (len(shingles), bands)).copy()
        for row in range(rows):
            keys = fmix64(keys * _MULTIPLIER + values[:, :, row])
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@attrs.frozen(slots=True)
class Staged:
    """New paragraphs placed against the stored ones (nothing stored yet).

    Attributes:
        uid: per new paragraph, its uid: a stored one (same fingerprint), a new one (numbered
            from the index's uid count on, in order of first appearance), or -1 (no shingles).
        new_fingerprints: fingerprint of each new uid.
        new_keys: band keys of each new uid.
        new_first: the new paragraph that introduced each new uid.
        candidates: ``(new uid, other uid)`` pairs sharing a band, to verify exactly.
    """

    uid: I64
    new_fingerprints: npt.NDArray[np.uint64]
    new_keys: U32
    new_first: I64
    candidates: I64


class ParagraphIndex:
    """Distinct paragraphs, band index, clusters and occurrences of the retained articles."""

    def __init__(self, config: DedupConfig) -> None:
        self.bands = choose_bands(config.lsh_threshold, config.num_perm)[0]
        self._by_fingerprint = SortedMultimap(np.uint64, np.int64)
        self._by_band = [SortedMultimap(np.uint32, np.int32) for _ in range(self.bands)]
        # Per uid.
        self._fingerprint = Growable(np.uint64)
        self._parent = Growable(np.int64)
        self._head = Growable(np.int64, -1)
        self._tail = Growable(np.int64, -1)
        self._live = Growable(np.int64)
        self._cluster_live = Growable(np.int64)  # meaningful at roots
        self._members: dict[int, list[int]] = {}  # root -> uids, clusters of two or more
        # Per occurrence.
        self.occurrence_uid = Growable(np.int64, -1)
        self.occurrence_slot = Growable(np.int64, -1)
        self._next = Growable(np.int64, -1)
        self.alive = Growable(np.bool_, False)
        self.flag = Growable(np.uint8, NO_FLAG)
        self.families = Growable(np.int32)
        # Per article slot: its occurrences are first .. first + count - 1.
        self.slot_first = Growable(np.int64, -1)
        self.slot_count = Growable(np.int64)

    @property
    def n_uids(self) -> int:
        """Number of distinct paragraphs ever stored."""
        return len(self._fingerprint)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the band index dominates)."""
        tables = sum(table.nbytes for table in (self._by_fingerprint, *self._by_band))
        arrays = (self._fingerprint, self._parent, self._head, self._tail, self._live,
                  self._cluster_live, self.occurrence_uid, self.occurrence_slot, self._next,
                  self.alive, self.flag, self.families, self.slot_first, self.slot_count)
        return tables + sum(array.values.nbytes for array in arrays)

    # -- placing new paragraphs ---------------------------------------------------------

    def uids_of(self, fingerprints: npt.NDArray[np.uint64]) -> tuple[I64, I64]:
        """``(position, uid)`` of the given fingerprints that are stored."""
        which, uids = self._by_fingerprint.lookup(fingerprints)
        return which, uids.astype(np.int64)

    def stage(self, fingerprints: npt.NDArray[np.uint64], keys: U32,
              has_shingles: npt.NDArray[np.bool_], candidates: bool = True) -> Staged:
        """Find the stored uid of each new paragraph and, with ``candidates``, the band
        neighbours of the new distinct ones (nothing changes)."""
        uid = np.full(fingerprints.size, -1, dtype=np.int64)
        rows = np.flatnonzero(has_shingles)
        which, known = self._by_fingerprint.lookup(fingerprints[rows])
        uid[rows[which]] = known
        unknown = rows[uid[rows] < 0]
        distinct, first, inverse = np.unique(fingerprints[unknown], return_index=True,
                                             return_inverse=True)
        appearance = np.argsort(first, kind="stable")
        renumber = np.empty_like(appearance)
        renumber[appearance] = np.arange(appearance.size)
        uid[unknown] = self.n_uids + renumber[inverse.ravel()]
        new_first = unknown[np.sort(first)]
        new_keys = keys[new_first]
        pairs = [np.zeros((0, 2), dtype=np.int64)]
        new_uids = np.arange(self.n_uids, self.n_uids + new_first.size, dtype=np.int64)
        for band, table in enumerate(self._by_band if candidates else ()):
            column = new_keys[:, band]
            which, stored = table.lookup(column)
            pairs.append(np.stack([new_uids[which], stored.astype(np.int64)], axis=1))
            # New uids sharing a band key among themselves.
            order = np.argsort(column, kind="stable")
            starts = np.flatnonzero(np.r_[True, column[order][1:] != column[order][:-1]])
            lengths = np.diff(np.r_[starts, column.size])
            left, right = pairs_in_runs(starts[lengths > 1], lengths[lengths > 1], 1 << 62)
            first_uid, second_uid = new_uids[order[left]], new_uids[order[right]]
            pairs.append(np.stack([np.maximum(first_uid, second_uid),
                                   np.minimum(first_uid, second_uid)], axis=1))
        # Each pair once, the newer uid first.
        found = distinct_pairs(np.concatenate(pairs))
        found = found[found[:, 0] != found[:, 1]]
        return Staged(uid, distinct[appearance], new_keys, new_first, found)

    def fingerprints(self, uids: I64) -> npt.NDArray[np.uint64]:
        """The fingerprint of each stored uid."""
        prints: npt.NDArray[np.uint64] = self._fingerprint.values[uids]
        return prints

    def representatives(self, uids: I64) -> I64:
        """A live occurrence of each stored uid (-1 when none is left)."""
        out = np.full(uids.size, -1, dtype=np.int64)
        head, following, alive = self._head.values, self._next.values, self.alive.values
        for index, uid in enumerate(uids.tolist()):
            occurrence = head[uid]
            while occurrence >= 0 and not alive[occurrence]:
                occurrence = following[occurrence]
            out[index] = occurrence
        return out

    # -- clusters and carriers ----------------------------------------------------------

    def roots(self, uids: I64) -> I64:
        """Cluster root of each stored uid."""
        return _find_roots(self._parent.values, np.asarray(uids, dtype=np.int64))

    def cluster_uids(self, root: int) -> list[int]:
        """The uids of the cluster rooted at ``root``."""
        return self._members.get(root, [root])

    def cluster_size(self, root: int) -> int:
        """Live occurrences of the cluster rooted at ``root``."""
        return int(self._cluster_live.values[root])

    def cluster_flag(self, root: int) -> tuple[int, int]:
        """``(flag, families)`` of a live occurrence of the cluster (as last decided)."""
        for uid in self.cluster_uids(root):
            (occurrence,) = self.representatives(np.array([uid]))
            if occurrence >= 0:
                return int(self.flag.values[occurrence]), int(self.families.values[occurrence])
        return NO_FLAG, 0

    def occurrences(self, roots: Iterable[int]) -> I64:
        """Live occurrences of the clusters rooted at ``roots``."""
        uids = [uid for root in roots for uid in self.cluster_uids(root)]
        return _walk(np.array(uids, dtype=np.int64), self._head.values, self._next.values,
                     self.alive.values)

    def slot_occurrences(self, slots: I64) -> I64:
        """All occurrences (paragraphs, in order) of article ``slots``."""
        first = self.slot_first.values[slots]
        counts = self.slot_count.values[slots]
        occurrences: I64 = np.repeat(first, counts) + np.arange(int(counts.sum())) - np.repeat(
            np.cumsum(counts) - counts, counts)
        return occurrences

    # -- changes ------------------------------------------------------------------------

    def commit(self, staged: Staged, slots: I64, paragraph_counts: I64,
               edges: I64, bulk: bool = False) -> None:
        """Store the staged paragraphs as the occurrences of article ``slots`` (in order, with
        ``paragraph_counts`` each) and union the verified ``edges`` (uid pairs). ``bulk``
        (while loading) queues the band keys to be sorted in once, at the first lookup."""
        if staged.new_first.size:
            start = self._fingerprint.extend(staged.new_fingerprints)
            new_uids = np.arange(start, start + staged.new_first.size)
            self._parent.extend(new_uids)
            for array in (self._head, self._tail, self._live, self._cluster_live):
                array.grow_to(self.n_uids)
            self._by_fingerprint.insert(staged.new_fingerprints, new_uids)
            for band, table in enumerate(self._by_band):
                table.insert(staged.new_keys[:, band], new_uids, defer=bulk)
        self.add_occurrences(slots, paragraph_counts, staged.uid)
        for left, right in edges.tolist():
            self.union(left, right)

    def add_occurrences(self, slots: I64, paragraph_counts: I64, uids: I64) -> None:
        """Append the paragraphs of article ``slots`` with their (already known) ``uids``."""
        first = self.occurrence_uid.extend(uids)
        self.occurrence_slot.extend(np.repeat(slots, paragraph_counts))
        for array in (self._next, self.alive, self.flag, self.families):
            array.grow_to(len(self.occurrence_uid))
        self.alive.values[first:] = True
        self.slot_first.grow_to(int(slots.max(initial=-1)) + 1)
        self.slot_count.grow_to(int(slots.max(initial=-1)) + 1)
        starts = first + np.cumsum(paragraph_counts) - paragraph_counts
        self.slot_first.values[slots] = starts
        self.slot_count.values[slots] = paragraph_counts
        head, tail, following = self._head.values, self._tail.values, self._next.values
        live, cluster_live = self._live.values, self._cluster_live.values
        known = np.flatnonzero(uids >= 0)
        for occurrence, uid in zip((first + known).tolist(), uids[known].tolist(), strict=True):
            if tail[uid] >= 0:
                following[tail[uid]] = occurrence
            else:
                head[uid] = occurrence
            tail[uid] = occurrence
            live[uid] += 1
        roots = self.roots(uids[known])
        np.add.at(cluster_live, roots, 1)

    def remove(self, slots: I64) -> None:
        """Forget the occurrences of article ``slots`` (they leave every cluster)."""
        occurrences = self.slot_occurrences(np.asarray(slots, dtype=np.int64))
        occurrences = occurrences[self.alive.values[occurrences]]
        self.alive.values[occurrences] = False
        uids = self.occurrence_uid.values[occurrences]
        uids = uids[uids >= 0]
        np.subtract.at(self._live.values, uids, 1)
        np.subtract.at(self._cluster_live.values, self.roots(uids), 1)

    def union(self, left: int, right: int) -> None:
        """Merge the clusters of two uids (the larger cluster's root stays root)."""
        root_left, root_right = self.roots(np.array([left, right])).tolist()
        if root_left == root_right:
            return
        live = self._cluster_live.values
        if live[root_left] < live[root_right]:
            root_left, root_right = root_right, root_left
        self._parent.values[root_right] = root_left
        live[root_left] += live[root_right]
        self._members[root_left] = (self._members.pop(root_left, [root_left])
                                    + self._members.pop(root_right, [root_right]))

    def set_flags(self, slot: int, flags: npt.NDArray[np.uint8],
                  families: npt.NDArray[np.int32]) -> None:
        """Record the boilerplate flag and family count of each paragraph of ``slot``."""
        first = int(self.slot_first.values[slot])
        self.flag.values[first:first + flags.size] = flags
        self.families.values[first:first + flags.size] = families
