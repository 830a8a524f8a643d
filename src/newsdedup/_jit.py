"""Compiled kernels: the one place where numba is configured.

The hot loops of the pipeline (hashing tokens, building shingle sets, MinHash, merging sorted
sets) visit every byte, token or shingle of the corpus. numpy expresses them only as many
full passes over large temporary arrays; a compiled loop does each in one pass, with no
temporaries. Every kernel goes through :func:`kernel`: compiled ahead of its first call (and
cached on disk next to the module, so later processes skip compilation), releasing the GIL
so threads can run kernels side by side, and typed for mypy as the plain Python function it
compiles (so the same code can be read, and run uncompiled, as Python).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

__all__ = ["kernel"]

Function = TypeVar("Function", bound=Callable[..., Any])


def kernel(function: Function) -> Function:
    """Compile ``function`` with numba (no Python objects inside, GIL released, cached).

    Kernels must live in a module file (numba caches by file). For example
    ``_hashing.fmix64_scalar``:

    >>> import numpy as np
    >>> from newsdedup._hashing import fmix64, fmix64_scalar
    >>> value = np.uint64(1)
    >>> int(fmix64_scalar(value)) == int(fmix64(np.array([value]))[0])
    True
    """
    return cast(Function, numba.njit(cache=True, nogil=True)(function))
