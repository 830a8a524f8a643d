"""The benchmark child's stage table (benchmarks/_child.py)."""

from __future__ import annotations

import importlib

from benchmarks._child import NEWSDEDUP_STAGES


def test_every_timed_stage_exists() -> None:
    """Each (module, function) the benchmark times exists, so a renamed or moved function
    fails here instead of in a benchmark run."""
    missing = [f"{module}.{name}" for module, name, _ in NEWSDEDUP_STAGES
               if not hasattr(importlib.import_module(module), name)]
    assert missing == []
