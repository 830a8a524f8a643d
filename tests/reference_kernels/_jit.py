"""The numba decorator the reference kernels were written for (numba is a test dependency)."""

from __future__ import annotations

from typing import Any

import numba


def kernel(function: Any) -> Any:
    """Compile ``function`` as the package compiled its kernels before the port."""
    return numba.njit(cache=True, nogil=True)(function)
