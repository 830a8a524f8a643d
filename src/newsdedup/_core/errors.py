"""Exceptions raised by newsdedup.

The hierarchy, in one place::

    NewsdedupError                 base class of everything newsdedup raises on purpose
    ├── InputError(ValueError)     an article, file or record the user gave us is malformed
    ├── ConfigError(ValueError)    an option has a wrong type or is out of range
    ├── IndexStoreError(RuntimeError)  a persistent index file is missing, empty, damaged,
    │                                   foreign or too new, read-only, full or locked
    └── MissingExtraError(ImportError) an optional extra is needed: the message names the
                                        ``pip install newsdedup[extra]`` line that fixes it

Every message names the record (line number, file, article id or position) and says what was
expected and what came instead.
"""

from __future__ import annotations


class NewsdedupError(Exception):
    """Base class of every error newsdedup raises on purpose."""


class InputError(NewsdedupError, ValueError):
    """An input article or file is malformed; the message names the record and the problem.

    >>> raise InputError("article 3: expected a non-empty 'id' string, got None")
    Traceback (most recent call last):
    newsdedup._core.errors.InputError: article 3: expected a non-empty 'id' string, got None
    """


class ConfigError(NewsdedupError, ValueError):
    """An option passed to :class:`~newsdedup.DedupConfig` is invalid."""


class IndexStoreError(NewsdedupError, RuntimeError):
    """A persistent index cannot be opened or written: missing (with ``create=False``),
    empty, damaged (the message says how to recover), not an index, a newer schema, open
    read-only, on a full disk, or locked by another writer."""


class MissingExtraError(NewsdedupError, ImportError):
    """An optional dependency is missing; the message gives the pip line that installs it."""


def missing_extra(extra: str, module: str) -> MissingExtraError:
    """Build the error raised when ``module`` from the optional ``extra`` is not installed."""
    return MissingExtraError(
        f"this feature needs the optional module {module!r}; "
        f"install it with: pip install 'newsdedup[{extra}]'"
    )
