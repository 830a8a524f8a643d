"""Splitting an article's text into paragraphs.

News text arrives with paragraphs separated by blank lines (most feeds) or by single line
breaks (many scrapers, the seed articles use both). Every non-blank line block is therefore a
paragraph. Paragraphs are returned as character spans into the original text, so the text a
user gave us is never altered: ``text[start:end]`` is the paragraph, stripped of surrounding
whitespace.
"""

from __future__ import annotations

import regex

__all__ = ["paragraph_spans", "split_paragraphs"]

# The same line boundaries as str.splitlines(), \r\n counted once.
_LINE = regex.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


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


def split_paragraphs(text: str) -> list[str]:
    """Return the paragraphs of ``text`` as strings (see :func:`paragraph_spans`).

    >>> split_paragraphs("One.\\nTwo.\\n\\nThree.")
    ['One.', 'Two.', 'Three.']
    """
    return [text[start:end] for start, end in paragraph_spans(text)]
