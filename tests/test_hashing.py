"""Stable hashing primitives."""

from __future__ import annotations

import numpy as np

from newsdedup._hashing import fmix64, stable_id


def test_fmix64_is_a_fixed_bijection_on_samples() -> None:
    """fmix64 has pinned values and no collisions on a sample of inputs."""
    values = np.arange(100_000, dtype=np.uint64)
    mixed = fmix64(values)
    assert np.unique(mixed).size == values.size
    assert int(fmix64(np.array([1], dtype=np.uint64))[0]) == 12994781566227106604


def test_stable_id_is_order_independent_and_prefixed() -> None:
    """Ids depend on the set of parts only, and carry the prefix."""
    first = stable_id("g", ["b", "a", "c"])
    assert first == stable_id("g", ["c", "b", "a"]) and first.startswith("g-")
    assert first != stable_id("g", ["a", "b"]) and len(first) == 14
