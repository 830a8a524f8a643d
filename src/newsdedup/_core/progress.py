"""Progress bars and log messages of a :func:`~newsdedup.dedup` run, stage by stage.

``dedup()`` opens a run (:func:`run_progress`); the pipeline marks where each stage begins
with :func:`stage`, one line per stage, which does nothing outside a run (the persistent
index calls the same steps for its small adds, silently). A run

- logs each stage's duration on the ``"newsdedup"`` logger (INFO), and the total;
- shows tqdm bars (``progress=True``, or by default when stderr is a terminal or the code
  runs in a Jupyter kernel): articles read and featurized, then the stages. A bar appears
  only after a second, so short runs (tests, the demo, small notebooks) stay quiet.

tqdm is a dependency (pure Python, no dependencies of its own); a notebook gets its widget
bar when ``ipywidgets`` is installed, the text bar otherwise.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["STAGES", "RunProgress", "progress_enabled", "run_progress", "stage"]

logger = logging.getLogger("newsdedup")

#: The stages after the features, in the order the pipeline marks them (the bar's length).
STAGES = ("paragraph matches", "repeats and boilerplate", "article links", "groups",
          "stories", "assembly")
#: Seconds before a bar is drawn, and between two redraws.
BAR_DELAY, BAR_INTERVAL = 1.0, 0.1
_UPDATE_EVERY = 256  # articles between two updates of the features bar

T = TypeVar("T")
_current: contextvars.ContextVar[RunProgress | None] = contextvars.ContextVar(
    "newsdedup_progress", default=None)


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ipython = getattr(shell, "get_ipython", lambda: None)()
    return type(ipython).__name__ == "ZMQInteractiveShell"


def progress_enabled(progress: bool | None) -> bool:
    """``progress`` if given, else whether bars can be seen: a terminal or a notebook.

    >>> progress_enabled(False), progress_enabled(True)
    (False, True)
    """
    if progress is not None:
        return bool(progress)
    stream = sys.stderr
    return bool((stream is not None and getattr(stream, "isatty", lambda: False)())
                or _in_notebook())


def _bar_class() -> Any:
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401  (tqdm.notebook needs it)
            from tqdm.notebook import tqdm as notebook_bar

            return notebook_bar
        except ImportError:
            pass
    from tqdm import tqdm as text_bar

    return text_bar


class RunProgress:
    """The progress of one run: its bars (if shown) and the start of its current stage."""

    def __init__(self, show: bool, total: int | None) -> None:
        self.show = show
        self.total = total
        self.started = self.stage_started = time.perf_counter()
        self.stage_name = "features"
        self.articles = 0
        self._bar: Any = None
        if show:
            self._bar = self._new_bar(total, "newsdedup: features", " articles")

    @staticmethod
    def _new_bar(total: int | None, description: str, unit: str) -> Any:
        return _bar_class()(total=total, desc=description, unit=unit, delay=BAR_DELAY,
                            mininterval=BAR_INTERVAL, file=sys.stderr, leave=False,
                            dynamic_ncols=True)

    def count(self, items: Iterable[T]) -> Iterator[T]:
        """Pass ``items`` through, counting them on the features bar."""
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending == _UPDATE_EVERY:
                self.articles += pending
                if self._bar is not None:
                    self._bar.update(pending)
                pending = 0
        self.articles += pending
        if self._bar is not None and pending:
            self._bar.update(pending)

    def stage(self, name: str) -> None:
        """End the current stage (log its time) and begin ``name``."""
        self._end_stage()
        if self.stage_name == "features" and self._bar is not None:
            self._bar.close()
            self._bar = self._new_bar(len(STAGES), f"newsdedup: {name}", " stages")
        elif self._bar is not None:
            # Described first: the update draws the bar (once its delay has passed).
            self._bar.set_description_str(f"newsdedup: {name}", refresh=False)
            self._bar.update(1)
        self.stage_name = name

    def _end_stage(self) -> None:
        now = time.perf_counter()
        if self.stage_name == "features":
            logger.info("features: %d articles in %.2f s", self.articles,
                        now - self.stage_started)
        else:
            logger.info("%s: %.2f s", self.stage_name, now - self.stage_started)
        self.stage_started = now

    def close(self, failed: bool = False) -> None:
        """Close the bars; log the last stage and the total unless the run failed."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if not failed:
            self._end_stage()
            logger.info("dedup: %d articles in %.2f s", self.articles,
                        time.perf_counter() - self.started)


@contextlib.contextmanager
def run_progress(progress: bool | None, total: int | None) -> Iterator[RunProgress]:
    """The progress of a :func:`~newsdedup.dedup` run, current while the block runs.

    ``total`` is the number of articles when known (a list), else None.

    >>> with run_progress(False, 2) as run:
    ...     items = list(run.count(["a", "b"]))
    ...     stage("paragraph matches")
    >>> run.articles, run.stage_name
    (2, 'paragraph matches')
    """
    run = RunProgress(progress_enabled(progress), total)
    token = _current.set(run)
    failed = True
    try:
        yield run
        failed = False
    finally:
        _current.reset(token)
        run.close(failed)


def stage(name: str) -> None:
    """Mark the beginning of the stage ``name`` of the current run (nothing outside a run)."""
    run = _current.get()
    if run is not None:
        run.stage(name)
