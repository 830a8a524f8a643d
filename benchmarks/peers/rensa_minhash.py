"""rensa (Rust MinHash): its batch API, as its README recommends for many documents.

``RMinHash.from_token_sets`` builds every paragraph's full-set R-MinHash (128 slots, seed 1)
in one call from the shingle sets, ``RMinHashLSH.insert_many`` indexes them with 32 bands,
and ``query_all`` returns every paragraph's candidates in one call. The rho sketch
(``digest_matrix_from_token_sets_rho``) is faster but samples token positions, and its
matrix APIs return only "has a duplicate" flags, not the candidates that exact verification
needs; the full-set sketch is rensa's choice "when token order should have no effect".
"""

from __future__ import annotations

from collections.abc import Iterable

from ._task import BANDS, NUM_PERM, ROWS, SEED, Paragraphs, StageClock

NAME = "rensa"
REQUIRES = ("rensa",)


def candidates(paragraphs: Paragraphs, clock: StageClock) -> Iterable[tuple[int, Iterable[int]]]:
    """Each paragraph with the paragraphs sharing one of its LSH bands."""
    from rensa import RMinHash, RMinHashLSH

    with clock.stage("sign"):
        minhashes = RMinHash.from_token_sets(paragraphs.shingles, num_perm=NUM_PERM, seed=SEED)
    with clock.stage("lsh"):
        # The threshold only serves is_similar(); the banding decides the candidates.
        lsh = RMinHashLSH(threshold=(1 / BANDS) ** (1 / ROWS), num_perm=NUM_PERM,
                          num_bands=BANDS)
        lsh.insert_many(minhashes)
        found = lsh.query_all(minhashes)
    return enumerate(found)
