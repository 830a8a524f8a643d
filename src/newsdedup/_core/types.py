"""The array aliases the modules share: one name per dtype, defined once.

``I64`` is an ``int64`` array (positions, ids, offsets), ``F64`` a ``float64`` one (weights,
similarities), ``U64`` / ``U32`` hashes, ``U8`` bytes, ``I32`` compact indices.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["F64", "I32", "I64", "U8", "U32", "U64"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
