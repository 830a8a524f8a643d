"""Python's cyclic garbage collector paused while the pipeline builds its objects.

The collector runs a full collection whenever the containers created since the last one
reach a quarter of those alive, and each walks every live container. The assembly creates
one object per article, group member, carried paragraph and match (millions at a million
articles), so those collections walk an ever larger heap: on synthetic 100k, 3.1 s of a
43 s `dedup()`, 2.1 s of them in the assembly (measured with ``gc.callbacks``); the map
step's walk the articles read so far (0.24 s of a streamed 100k run, 0.84 s at 300k); the
incremental index's in-memory lookups are millions of long-lived objects that every
collection an add triggers walks too. So ``dedup()``, the steps after the map step (which
the Dask driver and the index run) and the index's adds and queries pause it. Nothing the
pipeline builds depends on a cycle being collected: reference counting frees it as usual,
and the collector runs again afterwards (its first pass then walks the new objects once:
0.5 s at 100k, 1.6 s at 300k).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside the block, then as it was before (a caller
    that had turned it off keeps it off; nested blocks are fine).

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
