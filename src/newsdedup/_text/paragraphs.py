"""Splitting an article's text into paragraphs.

News text arrives with paragraphs separated by blank lines (most feeds) or by single line
breaks (many scrapers, the seed articles use both). Every non-blank line block is therefore a
paragraph. Paragraphs are returned as character spans into the original text, so the text a
user gave us is never altered: ``text[start:end]`` is the paragraph, stripped of surrounding
whitespace.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import regex

from .._core.arrays import owner_offsets
from .._core.types import I64
from .._kernels import line_spans as _line_spans

__all__ = ["chunk_paragraphs", "paragraph_spans", "split_paragraphs"]


#: Line boundaries: those of str.splitlines(), \r\n counted once.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = regex.compile(f"[^{LINE_BREAKS}]+")
#: The characters str.strip() removes (str.isspace(); tests/text/test_paragraphs.py checks it).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
              "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_BREAK_POINTS = np.array(sorted(map(ord, LINE_BREAKS)), dtype=np.uint32)
_SPACE_POINTS = np.array(sorted(map(ord, WHITESPACE)), dtype=np.uint32)
_LATIN1_KINDS = np.array([2 if chr(point) in LINE_BREAKS else 1 if chr(point) in WHITESPACE
                          else 0 for point in range(256)], dtype=np.uint8)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the non-blank paragraphs of ``text``.

    Leading and trailing whitespace (including non-breaking spaces) is excluded from a span.

    >>> paragraph_spans("Title\\n\\n  First para. \\nSecond\\n\\u00a0\\n")
    [(0, 5), (9, 20), (22, 28)]
    """
    spans: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def chunk_paragraphs(texts: Sequence[str]) -> tuple[I64, I64, list[str]]:
    """:func:`paragraph_spans` of many texts at once, and the paragraphs' text.

    Returns CSR offsets (text ``t`` owns paragraphs ``offsets[t]:offsets[t + 1]``), the
    ``(start, end)`` spans (n, 2) into each text, and the paragraph strings; one compiled pass
    over the code points of all texts instead of a regular expression per text.

    >>> offsets, spans, paragraphs = chunk_paragraphs(["One.\\n\\n Two.", "", "Three."])
    >>> offsets.tolist(), spans.tolist(), paragraphs
    ([0, 2, 2, 3], [[0, 4], [7, 11], [0, 6]], ['One.', 'Two.', 'Three.'])
    """
    joined = "\n".join(texts)  # a line break: no paragraph spans two texts
    if joined.isascii():
        points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8] = np.frombuffer(
            joined.encode("ascii"), dtype=np.uint8)
    else:
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
    text_starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=text_starts[1:])
    absolute = _line_spans(points, _LATIN1_KINDS, _BREAK_POINTS, _SPACE_POINTS)
    owner = np.searchsorted(text_starts, absolute[:, 0], side="right") - 1
    offsets = owner_offsets(owner, len(texts))
    paragraphs = [joined[start:end] for start, end in zip(absolute[:, 0].tolist(),
                                                          absolute[:, 1].tolist(), strict=True)]
    return offsets, absolute - text_starts[owner][:, None], paragraphs


def split_paragraphs(text: str) -> list[str]:
    """Return the paragraphs of ``text`` as strings (see :func:`paragraph_spans`).

    >>> split_paragraphs("One.\\nTwo.\\n\\nThree.")
    ['One.', 'Two.', 'Three.']
    """
    return [text[start:end] for start, end in paragraph_spans(text)]
