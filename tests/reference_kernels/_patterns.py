"""The numba kernels of ``newsdedup._text.patterns`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


_WORD_PAIRS = (
    (("read",), ("the", "original", "full", "more", "source")),
    (("min", "minute"), ("read",)),
    (("click",), ("here",)),
    (("share", "like"), ("this",)),
    (("sign",), ("up",)),
    (("follow", "join", "find"), ("us", "our")),
    (("connect",), ("with",)),
    (("related",), ("articles", "posts", "stories", "news", "content")),
    (("view",), ("all", "articles", "posts")),
    (("leave",), ("a",)),
    (("stay",), ("connected", "updated", "tuned")),
)


_SINGLE, _WHOLE, _FIRST = 1, 2, 2


_SECOND = _FIRST + len(_WORD_PAIRS)


@kernel
def _candidate_kernel(hashes: U64, paragraph: I64, token_counts: I64,
                      key_filter: npt.NDArray[np.bool_], key_hashes: U64,
                      key_roles: npt.NDArray[np.uint64], n_paragraphs: int
                      ) -> npt.NDArray[np.bool_]:
    candidate = np.zeros(n_paragraphs, dtype=np.bool_)
    pair_bits = np.uint64((1 << len(_WORD_PAIRS)) - 1)
    previous_role = np.uint64(0)
    previous_paragraph = -1
    for token in range(hashes.size):
        role = np.uint64(0)
        if key_filter[np.int64(hashes[token] & np.uint64(0xFFFF))]:
            slot = np.searchsorted(key_hashes, hashes[token])
            if slot < key_hashes.size and key_hashes[slot] == hashes[token]:
                role = key_roles[slot]
        owner = paragraph[token]
        if role & np.uint64(_SINGLE):
            candidate[owner] = True
        if role & np.uint64(_WHOLE) and token_counts[owner] == 1:
            candidate[owner] = True
        if owner == previous_paragraph and (
                (previous_role >> np.uint64(_FIRST)) & (role >> np.uint64(_SECOND)) & pair_bits):
            candidate[owner] = True
        previous_role = role
        previous_paragraph = owner
    return candidate
