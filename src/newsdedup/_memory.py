"""Giving freed memory back to the operating system between the pipeline's steps.

The map step allocates and frees many medium-sized temporaries in several threads. glibc
keeps freed blocks in per-thread arenas for reuse, so after the map step a process can hold
twice the memory its live arrays need (measured: 278 MB resident for 142 MB of features at
20k articles). ``malloc_trim`` returns those free blocks; elsewhere (other C libraries,
other systems) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

__all__ = ["release_free_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def release_free_memory() -> bool:
    """Return free heap memory to the operating system; whether it could be done.

    >>> isinstance(release_free_memory(), bool)
    True
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
