"""Texts of a streamed corpus, kept on disk for the run.

A stream's texts are not kept in memory (``features.collect_features``): a million articles
hold gigabytes of text. A step that reads a few of them later (the article links read the
short texts the shingles leave undecided, ``_near_duplicates.word_edits``; the rewrite
support of ``_stories.rewrite`` the paragraphs of the pairs it checks) gets them from
:class:`SpilledTexts` instead: each text is written, UTF-8, to an anonymous temporary file
as it is read, and read back by position. Memory: one offset per article; disk: the texts'
size. The file is deleted when the store is closed or collected.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterator, Sequence
from typing import overload

__all__ = ["SpilledTexts"]


class SpilledTexts(Sequence[str]):
    """A sequence of texts on disk: :meth:`append` each, then index like a list.

    >>> texts = SpilledTexts()
    >>> texts.append("Première.")
    >>> texts.append("")
    >>> len(texts), texts[0], texts[1], texts[-2]
    (2, 'Première.', '', 'Première.')
    >>> texts.close()
    """

    def __init__(self) -> None:
        # Lives as long as the store (closed by close() or when collected), not a block.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._offsets = array("q", [0])

    def append(self, text: str) -> None:
        """Write ``text`` at the end of the file."""
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(self._offsets[-1])
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError(f"text {index} out of range for {size} texts")
        start, stop = self._offsets[position], self._offsets[position + 1]
        self._file.seek(start)
        return self._file.read(stop - start).decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return (self[k] for k in range(len(self)))

    def close(self) -> None:
        """Delete the file (the texts cannot be read after)."""
        self._file.close()
