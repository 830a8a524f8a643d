"""Texts of a stream kept on disk for the run (src/newsdedup/_text/spill.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup._text.spill import SpilledTexts

# Any code point, lone surrogates included: what a text holds is given back as it was.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)


@given(st.lists(ANY_TEXT, max_size=12))
def test_texts_come_back_as_they_were_written(texts: list[str]) -> None:
    """Each text, empty, non-Latin and surrogate ones included, reads back unchanged, by
    position, negative position, slice and iteration."""
    spilled = SpilledTexts()
    for text in texts:
        spilled.append(text)
    try:
        assert len(spilled) == len(texts)
        assert [spilled[k] for k in range(len(texts))] == texts
        assert [spilled[-k] for k in range(1, len(texts) + 1)] == texts[::-1]
        assert spilled[1::2] == texts[1::2] and list(spilled) == texts
    finally:
        spilled.close()


def test_reading_beyond_the_texts_is_an_index_error() -> None:
    """Out of range is an IndexError naming the position, as for a list."""
    spilled = SpilledTexts()
    spilled.append("one")
    with pytest.raises(IndexError, match="text 1 out of range for 1 texts"):
        spilled[1]
    with pytest.raises(IndexError, match="text -2"):
        spilled[-2]
    spilled.close()


def test_appending_after_reading_keeps_every_text() -> None:
    """Reads move the file position; the next text is still written at the end."""
    spilled = SpilledTexts()
    spilled.append("first text")
    spilled.append("second")
    assert spilled[0] == "first text"
    spilled.append("third, after a read")
    assert list(spilled) == ["first text", "second", "third, after a read"]
    spilled.close()
