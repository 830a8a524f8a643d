"""How ``_near_duplicates.links._find_digests`` chose each container's parts before it was
vectorized (main's 4ae827f): Python lists per container, ``max`` for the widest part.
tests/near_duplicates/test_links.py checks the new code against it."""
# mypy: ignore-errors

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from newsdedup._core.config import DedupConfig
from newsdedup._near_duplicates.links import _SAME_TEXT, _carrying_texts

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _find_digests(a: I64, b: I64, a_in_b: F64, b_in_a: F64, a_first: npt.NDArray[np.bool_],
                  config: DedupConfig, n_classes: int) -> npt.NDArray[np.bool_]:
    """The digest classes, by the per-container lists (the rule: ``links._find_digests``)."""
    threshold = config.containment_threshold
    a_inside = (a_in_b >= threshold) & a_first
    b_inside = (b_in_a >= threshold) & ~a_inside
    # (container, contained, share of the container the contained one covers)
    contained_by: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for small, big, covered in zip(a[a_inside].tolist(), b[a_inside].tolist(),
                                   b_in_a[a_inside].tolist(), strict=True):
        contained_by[big].append((small, covered))
    for big, small, covered in zip(a[b_inside].tolist(), b[b_inside].tolist(),
                                   a_in_b[b_inside].tolist(), strict=True):
        contained_by[big].append((small, covered))
    digest = np.zeros(n_classes, dtype=bool)
    candidates = {big: smalls for big, smalls in contained_by.items() if len(smalls) >= 2}
    if not candidates:
        return digest
    # Two parts covering c1 >= c2 of the container share at least c1 + c2 - 1 of it; the
    # part covering most is the best partner for every other (see docs/design.md), so
    # copies of one text are one part at once, in one pass.
    parts: dict[int, tuple[int, list[int]]] = {}
    for big, smalls in candidates.items():
        widest, most = max(smalls, key=lambda entry: (entry[1], -entry[0]))
        apart = [small for small, covered in smalls
                 if small != widest and most + covered - 1.0 < _SAME_TEXT * covered]
        if apart:
            parts[big] = (widest, apart)
    # Joining the parts apart that links call one text is the package's (unchanged).
    return _carrying_texts(parts, {big: [small for small, _ in smalls]
                                   for big, smalls in candidates.items()},
                           a, b, a_in_b, b_in_a, digest)
