"""Plain datasketch, the way most users write it (the baseline of ``python -m benchmarks``).

One ``MinHash(num_perm=128, seed=1)`` per paragraph, ``update`` per shingle (UTF-8 bytes),
``MinHashLSH(num_perm=128, params=(32, 4))`` with one ``insert`` and one ``query`` per
paragraph. Only the banding and the shared verification differ from ``benchmarks/_child.py``
(which uses ``threshold=0.8`` and its own article rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from ._task import BANDS, NUM_PERM, ROWS, SEED, Paragraphs, StageClock

NAME = "datasketch"
REQUIRES = ("datasketch",)


def candidates(paragraphs: Paragraphs, clock: StageClock) -> Iterable[tuple[int, Iterable[int]]]:
    """Each paragraph with the paragraphs sharing one of its LSH bands."""
    from datasketch import MinHash, MinHashLSH

    with clock.stage("sign"):
        minhashes = []
        for shingles in paragraphs.shingles:
            minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
            for shingle in shingles:
                minhash.update(shingle.encode("utf-8"))
            minhashes.append(minhash)
    with clock.stage("lsh"):
        lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        for key, minhash in enumerate(minhashes):
            lsh.insert(key, minhash)
        found = [lsh.query(minhash) for minhash in minhashes]
    return enumerate(found)
