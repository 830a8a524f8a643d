"""Exclusive per-stage timing by wrapping module-level functions (no copy of the driver).

``dedup()`` is run as is; the functions it calls are replaced, for the benchmark process only,
by wrappers that time them. Nested wrapped calls are subtracted from their caller, so every
second is counted once, under the innermost stage that was running.
"""

from __future__ import annotations

import functools
import importlib
import resource
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["StageTimer"]


class StageTimer:
    """Accumulates exclusive wall and CPU seconds per stage label."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        #: Peak RSS (MB) of the process when each outermost stage ended: the first stage
        #: whose value jumps is the one that set the peak.
        self.peak_after: dict[str, float] = {}
        # [child wall, child cpu] of each open stage, per thread: a stage run on another
        # thread (the rewrite step beside the assembly) is nested in none of this one's.
        self._stacks = threading.local()
        self._patched: list[tuple[Any, str, Any]] = []

    @property
    def _stack(self) -> list[list[float]]:
        """The open stages of the calling thread."""
        stack: list[list[float]] | None = getattr(self._stacks, "stack", None)
        if stack is None:
            stack = self._stacks.stack = []
        return stack

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """Time a block as ``label`` (exclusive of wrapped calls inside it, on its thread;
        CPU seconds are the whole process's, so a stage beside another counts both)."""
        wall0, cpu0 = time.perf_counter(), time.process_time()
        self._stack.append([0.0, 0.0])
        try:
            yield
        finally:
            children = self._stack.pop()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            self.wall[label] += wall - children[0]
            self.cpu[label] += cpu - children[1]
            self.calls[label] += 1
            if self._stack:
                self._stack[-1][0] += wall
                self._stack[-1][1] += cpu
            else:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                self.peak_after[label] = max(self.peak_after.get(label, 0.0), peak)

    def wrap(self, module_name: str, attribute: str, label: str) -> None:
        """Replace ``module.attribute`` by a timed wrapper (undone by :meth:`restore`)."""
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(label):
                return original(*args, **kwargs)

        self._patched.append((module, attribute, original))
        setattr(module, attribute, timed)

    def wrap_all(self, targets: list[tuple[str, str, str]]) -> None:
        """Wrap ``(module, attribute, label)`` triples; a missing attribute is an error."""
        for module_name, attribute, label in targets:
            module = importlib.import_module(module_name)
            if not hasattr(module, attribute):
                # A renamed function would silently drop out of the stage table.
                raise AttributeError(f"stage {label!r}: {module_name}.{attribute} does not exist")
            self.wrap(module_name, attribute, label)

    def restore(self) -> None:
        """Undo every wrap."""
        for module, attribute, original in reversed(self._patched):
            setattr(module, attribute, original)
        self._patched.clear()

    def capture(self, module_name: str, attribute: str, sink: Callable[[Any], None]) -> None:
        """Pass the return value of ``module.attribute`` to ``sink`` (e.g. to keep features)."""
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)

        @functools.wraps(original)
        def captured(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            sink(result)
            return result

        self._patched.append((module, attribute, original))
        setattr(module, attribute, captured)
