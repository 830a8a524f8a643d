"""datasketch written for speed, the way its documentation recommends for many sets.

``MinHash.bulk`` hashes every paragraph's shingles (as UTF-8 bytes) with 128 permutations
and seed 1 in one call, ``MinHashLSH(num_perm=128, params=(32, 4))`` is filled through an
``insertion_session`` (buffered inserts, no duplicate-key check), and each paragraph is
queried once. ``LeanMinHash`` only saves memory and serialization time, so the MinHash
objects are inserted as they come.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._task import BANDS, NUM_PERM, ROWS, SEED, Paragraphs, StageClock

NAME = "datasketch-fast"
REQUIRES = ("datasketch",)


def candidates(paragraphs: Paragraphs, clock: StageClock) -> Iterable[tuple[int, Iterable[int]]]:
    """Each paragraph with the paragraphs sharing one of its LSH bands."""
    from datasketch import MinHash, MinHashLSH

    with clock.stage("sign"):
        minhashes = MinHash.bulk(
            ([shingle.encode("utf-8") for shingle in shingles]
             for shingles in paragraphs.shingles), num_perm=NUM_PERM, seed=SEED)
    with clock.stage("lsh"):
        lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        with lsh.insertion_session() as session:
            for key, minhash in enumerate(minhashes):
                session.insert(key, minhash, check_duplication=False)
        found = [lsh.query(minhash) for minhash in minhashes]
    return enumerate(found)
