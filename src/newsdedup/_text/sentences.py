"""Sentences of paragraphs, in any script, without a tokenizer or a model.

The rewrite step (``_stories.rewrite``) compares articles sentence by sentence: an editor
who rewrites a report retells it a sentence at a time and regroups the sentences into
paragraphs of his own, so two paragraphs rarely line up while their sentences do.

The rule (compiled: ``kernels/rewrite.pxi``, ``sentence_pieces``, over normalized text):
a sentence ends at a full stop, a question or an exclamation mark or an ellipsis, or the
Devanagari danda, the Urdu full stop, the Arabic question mark, the Armenian, Ethiopic or
Myanmar full stop (closing quotes and brackets after it belong to it), where white space
follows; and after the ideographic full stop without white space (Chinese and Japanese
write none). Not where the word holds another period ("u.s.", "a.m."), not before a digit
("sept. 4"), and not before the sentence holds :data:`SHORTEST_SENTENCE` characters ("mr.
smith"): a piece that short is no sentence of its own, and a paragraph's last sentence that
short goes on the one before. Normalized text is case-folded, so "calif. officials" is cut
after "calif.": both halves are still compared.

>>> split_sentences(["Mr. Smith said the fire started at 6 a.m. on Sunday. Crews came fast."])
(['mr. smith said the fire started at 6 a.m. on sunday.', 'crews came fast.'], [2])
>>> split_sentences(["火灾发生在周日上午，造成三人受伤。消防员很快赶到现场并控制了火势。"])[1]
[2]
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import regex

from .._core.types import I64
from .._kernels import SENTENCE_CLASS_FLAGS
from .._kernels import sentence_pieces as _sentence_pieces
from .tokenize import code_points, folded_text, matching_code_points

__all__ = ["SHORTEST_SENTENCE", "sentence_classes", "sentence_points", "split_sentences",
           "syllabic_shares"]

#: Characters a sentence needs to stand on its own (shorter, it goes on with the next one):
#: longer than "mr." or a dateline's "(ap) --", shorter than most sentences.
SHORTEST_SENTENCE = 16

#: Marks ending a sentence where white space follows: . ! ? and the ellipsis, the Devanagari
#: danda and double danda, the Urdu full stop, the Arabic question mark, the Armenian,
#: Ethiopic and Myanmar full stops.
_ENDS = ".!?\u2026\u0964\u0965\u06d4\u061f\u0589\u1362\u104b"
#: Marks ending a sentence with no white space after them: the ideographic full stop (and
#: the full-width ! and ? before normalization maps them to ASCII).
_BARE_ENDS = "\u3002\uff01\uff1f"
#: Closing quotes and brackets, which belong to the sentence they follow.
_CLOSING = "\"')]\u201d\u2019\u00bb\u300d\u300f\uff09"


@functools.cache
def sentence_classes() -> npt.NDArray[np.uint8]:
    """The class bits (``SENTENCE_CLASS_FLAGS``) of every code point, as a table."""
    flags = SENTENCE_CLASS_FLAGS
    table = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    # str.isspace of every code point (what str.split() splits on): ``\s`` of a str
    # pattern is str.isspace.
    table[matching_code_points(re.compile(r"\s"))] |= flags["SPACE"]
    table[[ord(mark) for mark in _ENDS]] |= flags["END"]
    table[ord(".")] |= flags["PERIOD"]
    table[[ord(mark) for mark in _BARE_ENDS]] |= flags["END_BARE"]
    table[[ord(mark) for mark in _CLOSING]] |= flags["CLOSE"]
    table[ord("0"):ord("9") + 1] |= flags["DIGIT"]
    return table


#: Joins the paragraphs normalized in one call: kept by normalization, never white space.
_JOIN = "\x00"


def split_sentences(paragraphs: Sequence[str]) -> tuple[list[str], list[int]]:
    """The sentences of ``paragraphs``, normalized as :func:`sentence_points` gives them,
    as strings, and how many each paragraph has: the readable form of that function (for
    tests and examples).

    >>> split_sentences(["It burned. Nobody was hurt, police said.", ""])
    (['it burned. nobody was hurt, police said.', ''], [1, 1])
    """
    points, starts, counts = sentence_points(paragraphs)
    text = points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return ([text[start:stop] for start, stop in zip(starts[:-1].tolist(), starts[1:].tolist(),
                                                      strict=True)], counts.tolist())


def sentence_points(paragraphs: Sequence[str]) -> tuple[npt.NDArray[np.uint32], I64, I64]:
    """The sentences of ``paragraphs``, normalized (``normalize_text``, one space between
    words), as code points back to back; each sentence's start (CSR offsets); and how many
    sentences each paragraph has (one at least).

    Normalization runs once for all paragraphs (it is per character but for compositions,
    which a NUL between two paragraphs stops) and only folds (``folded_text``:
    ``normalize_text`` but its white-space collapsing); the white space is collapsed and
    the sentences cut by one compiled pass over the code points. A NUL inside a paragraph
    is read as a space."""
    if not paragraphs:
        return np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), np.zeros(
            0, dtype=np.int64)
    joined = _JOIN.join(paragraph.replace(_JOIN, " ") if _JOIN in paragraph else paragraph
                        for paragraph in paragraphs)
    return _sentence_pieces(code_points(folded_text(joined, _JOIN)), sentence_classes(),
                            SHORTEST_SENTENCE)


@functools.cache
def _syllabic() -> npt.NDArray[np.bool_]:
    """Which code points are letters of a script whose characters are syllables or words
    (Han, Hiragana, Katakana, Hangul), as a table."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[matching_code_points(_SYLLABIC)] = True
    return table


@functools.cache
def _first_syllabic() -> int:
    """The lowest code point of :func:`_syllabic` (Hangul's first jamo)."""
    return int(np.flatnonzero(_syllabic())[0])


_SYLLABIC = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def syllabic_shares(points: npt.NDArray[np.uint32], starts: I64) -> npt.NDArray[np.float64]:
    """Per piece (``points[starts[k]:starts[k + 1]]``), the share of its code points other
    than spaces that are letters of a syllabic or logographic script (:func:`_syllabic`):
    Chinese and Japanese sentences are near 1, a Latin one with a Chinese name near 0.

    >>> points = np.array([ord(c) for c in "火灾发生。a fire"], dtype=np.uint32)
    >>> syllabic_shares(points, np.array([0, 5, 11])).round(2).tolist()
    [0.8, 0.0]
    """
    shares = np.zeros(starts.size - 1)
    if not points.size or int(points.max()) < _first_syllabic():
        # No letter of those scripts at all (most chunks of most corpora): one pass, where
        # the sums below cost 3 s at 100k articles on two workers.
        return shares
    lengths = np.diff(starts)
    solid = np.flatnonzero(lengths > 0)
    if solid.size:
        # Sums over the non-empty pieces only (reduceat reads an empty piece as one point),
        # over one byte a code point: fresh memory costs more to touch than to add up.
        syllabic = np.add.reduceat(_syllabic()[points], starts[solid], dtype=np.int64)
        spaces = np.add.reduceat(points == 32, starts[solid], dtype=np.int64)
        shares[solid] = syllabic / np.maximum(lengths[solid] - spaces, 1)
    return shares
