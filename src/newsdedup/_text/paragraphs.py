"""Splitting an article's text into paragraphs.

News text arrives with paragraphs separated by blank lines (most feeds) or by single line
breaks (many scrapers, the seed articles use both). Every non-blank line block is therefore a
paragraph. Paragraphs are returned as character spans into the original text, so the text a
user gave us is never altered: ``text[start:end]`` is the paragraph, stripped of surrounding
whitespace.

**Hard-wrapped text is joined back.** A plain-text wire copy broken at a fixed width (blank
lines between paragraphs) would give a paragraph per line, ~10 words that a copy wrapped
otherwise never shares whole. A text that reads as hard-wrapped (:func:`_unwrapped`) has
each block of lines as one paragraph, its span covering the lines as given; the steps after
read its line breaks as spaces (:func:`chunk_paragraphs`).

**Long lines are cut into passages.** A text whose paragraphs were joined into one line (a
feed or an extractor that collapsed its white space) would be one paragraph, and paragraph
matching would have nothing to align: a repost's header glued to the first sentence, a
truncation or a footer each change the only paragraph. So a line longer than
:data:`LONG_LINE` characters is cut at sentence ends chosen by their content
(:func:`_passages`): from its third sentence end and :data:`PASSAGE_MIN` characters on, a
passage closes at a sentence end followed by :data:`PASSAGE_TAIL` characters or more when
a hash of the letters after it says so (half of them), and at the last one before it would
pass :data:`PASSAGE_MAX` characters. The
rule reads only the line from the last cut on, so two copies of one text are cut at the
same sentences once a cut falls in both, whatever was glued before or after the text (a
header without a full stop joins the first sentence and moves nothing), and their passages
match as two copies' paragraphs do. Lines up to :data:`LONG_LINE` characters are never cut:
news paragraphs are shorter (in ECB+ and the generated corpora, 21 of ~85,000 lines are
longer). Measured in ``docs/design.md`` ("Paragraphs and passages").
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import regex

from .._core.arrays import owner_offsets, sorted_unique
from .._core.types import I64
from .._kernels import line_spans as _line_spans
from .normalize import (
    LINE_BREAKS,
    MOJIBAKE_LEADS,
    block_tag_spans,
    code_spans,
    is_mojibake_continuation,
    json_escaped,
    json_white_escapes,
    plain_text,
    plain_text_read,
    substituted,
)

__all__ = ["chunk_paragraphs", "paragraph_spans", "split_lines", "split_paragraphs"]


_LINE = regex.compile(f"[^{LINE_BREAKS}]+")
#: The characters str.strip() removes (str.isspace(); tests/text/test_paragraphs.py checks it).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
              "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_BREAK_POINTS = np.array(sorted(map(ord, LINE_BREAKS)), dtype=np.uint32)
_SPACE_POINTS = np.array(sorted(map(ord, WHITESPACE)), dtype=np.uint32)
#: Lines longer than this are cut into passages; no shorter line is (news paragraphs: 99.9%
#: are shorter in ECB+ and the generated corpora, 21 lines of ~85,000 longer).
LONG_LINE = 600
#: Sentence ends a passage holds at least: the third or a later one may close it (initials
#: and abbreviations end "sentences" too, hence also a least length)...
_LEAST_SENTENCES = 3
PASSAGE_MIN = 150
#: ... when the hash of what follows it is divisible by this (half of them).
_SENTENCE_ANCHOR = 2
#: Characters that must follow a sentence end for it to close a passage (no passage of a
#: sentence or two at a line's end).
PASSAGE_TAIL = 200
#: Most characters of a passage: past it, the last sentence end (else word boundary)
#: closes it.
PASSAGE_MAX = 1000
#: In a run of text without sentence ends (over PASSAGE_MAX), words a passage holds at
#: least, and the divisor of the hash that closes it at a word boundary.
_LEAST_WORDS = 40
_WORD_ANCHOR = 8
#: Letters and digits after a boundary that its hash reads (case and punctuation aside, so
#: that straightened quotes or a capital do not move a cut).
_ANCHOR_CHARACTERS = 16
#: The ASCII characters that are no letter or digit (``str.isalnum``), deleted.
_ASCII_NOT_ALNUM = str.maketrans(dict.fromkeys(
    (chr(point) for point in range(128) if not chr(point).isalnum()), None))
#: A sentence end: terminal punctuation (with closing quotes and brackets) and white space;
#: the ideographic full stops need no space after them.
_FULL_STOPS = ".!?\u2026\u06d4\u0964\u061f\u203c"
_IDEOGRAPHIC_STOPS = "\u3002\uff01\uff1f"
_CLOSERS = "\"'\u201d\u2019\u00bb)\\]\u300d\u300f\uff09"
_SENTENCE_END = regex.compile(
    f"(?:[{_FULL_STOPS}]+[{_CLOSERS}]*\\s+|[{_IDEOGRAPHIC_STOPS}]+[{_CLOSERS}]*\\s*)")
_WORD_END = regex.compile("\\s+")
#: What a line's length, when it is cut, counts otherwise (``_as_counted``): runs of white
#: space, and letters with combining marks.
_WHITE_RUN = regex.compile(f"[{WHITESPACE}]{{2,}}")
_NOT_COUNTED = regex.compile(f"{_WHITE_RUN.pattern}|\\P{{M}}\\p{{M}}+")
#: Hard-wrapped text (a plain-text wire copy or e-mail, lines broken at a fixed width): the
#: most characters of its lines and the least width (its widest line), the share of its
#: lines that must be that narrow and of the lines followed by another that must be full,
#: the least lines and lines followed by another of their block.
WRAP_WIDTH = 100
_WRAP_LEAST_WIDTH = 30
_WRAP_SHARE = 0.9
_WRAP_LEAST_LINES = 4
_WRAP_LEAST_INNER = 3
#: One line break (\r\n counted once).
_BREAK = regex.compile(f"\r\n|[{LINE_BREAKS}]")
_BREAKS_AS_SPACES = str.maketrans(dict.fromkeys(LINE_BREAKS, " "))
_FIRST_WORD = regex.compile("\\S+")
#: A line that ends a sentence, and the most of the lines followed by another of their
#: block that may, in a hard-wrapped text.
_LINE_END_SENTENCE = regex.compile(f"[{_FULL_STOPS}{_IDEOGRAPHIC_STOPS}][{_CLOSERS}]*$")
_WRAP_ENDED_SHARE = 0.5
#: A line's first letter, and the most of the lines after a line of their block that may
#: begin with a capital in a hard-wrapped text: capitals begin the lines of a list, small
#: letters a wrapped sentence's continuation (ECB+ documents wrapped at 40-80 columns:
#: 18% of those lines begin with a capital, names included; 0.2% of documents over 0.7).
_FIRST_LETTER = regex.compile("\\p{L}")
_WRAP_CAPITAL_SHARE = 0.7
_LATIN1_KINDS = np.array([2 if chr(point) in LINE_BREAKS else 1 if chr(point) in WHITESPACE
                          else 0 for point in range(256)], dtype=np.uint8)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the non-blank paragraphs of ``text``.

    Leading and trailing whitespace (including non-breaking spaces) is excluded from a span.

    >>> paragraph_spans("Title\\n\\n  First para. \\nSecond\\n\\u00a0\\n")
    [(0, 5), (9, 20), (22, 28)]
    """
    spans: list[tuple[int, int]] = []
    for start, end in _unwrapped(text, paragraph_lines(text)):
        if end - start > LONG_LINE:
            spans.extend(_line_passages(text, start, end))
        else:
            spans.append((start, end))
    return spans


def chunk_paragraphs(texts: Sequence[str]) -> tuple[I64, I64, list[str]]:
    """:func:`paragraph_spans` of many texts at once, and the paragraphs' text.

    Returns CSR offsets (text ``t`` owns paragraphs ``offsets[t]:offsets[t + 1]``), the
    ``(start, end)`` spans (n, 2) into each text, and the paragraph strings as every step
    after reads them: a hard-wrapped block's line breaks as spaces, HTML tags removed,
    Markdown links read as their text, character references, the escapes of a text encoded
    as JSON once too often and mojibake read (``_text.normalize.plain_text``). The lines are
    those of what the text stands for (:func:`_read_for_spans`): escaped line breaks and
    tags that part lines part them, a script's lines and a mojibake no-break space are white
    space. One compiled pass over the code points of all texts instead of a regular
    expression per text.

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
    leads, nel = _mojibake_positions(joined, points)
    angles, backslashes = _positions_of(joined, points, "<"), _positions_of(joined, points, "\\")
    holding = np.searchsorted(text_starts, np.concatenate([angles, backslashes]), side="right") - 1
    read = _read_as_white(_mojibake_for_spans(points, leads, nel), [
        (int(text_starts[number]), _white_ranges(texts[number]))
        for number in sorted_unique(holding).tolist()])
    absolute = _line_spans(read, _LATIN1_KINDS, _BREAK_POINTS, _SPACE_POINTS)
    absolute, wrapped = _unwrap_texts(joined, absolute, text_starts)
    long_lines = np.flatnonzero(absolute[:, 1] - absolute[:, 0] > LONG_LINE)
    if long_lines.size:
        absolute = _cut_long_lines(joined, absolute, long_lines)
    owner = np.searchsorted(text_starts, absolute[:, 0], side="right") - 1
    offsets = owner_offsets(owner, len(texts))
    paragraphs = [joined[start:end] for start, end in zip(absolute[:, 0].tolist(),
                                                          absolute[:, 1].tolist(), strict=True)]
    if wrapped:
        # A hard-wrapped block's line breaks are spaces to the steps after (a paragraph is
        # one line to them); its span still points at the text as given.
        for number in np.flatnonzero(np.isin(owner, wrapped)).tolist():
            paragraphs[number] = paragraphs[number].translate(_BREAKS_AS_SPACES)
    # Markup can start only at a "<", a "&" or a "](" (a Markdown link), an escape at a
    # backslash, mojibake only at a lead byte's character followed by a continuation's:
    # only the paragraphs holding one are read.
    links = _positions_of(joined, points, "]")
    marks = np.concatenate([angles, _positions_of(joined, points, "&"),
                            backslashes, links[_following(points, links) == ord("(")],
                            leads[is_mojibake_continuation(_following(points, leads))]])
    if marks.size:
        holding = np.searchsorted(absolute[:, 0], marks, side="right") - 1
        # (A mark may be in no paragraph: a "Â" read as white space, before any line.)
        marks, holding = marks[holding >= 0], holding[holding >= 0]
        holding = sorted_unique(holding[marks < absolute[holding, 1]])
        for number in holding.tolist():
            paragraphs[number] = plain_text(paragraphs[number])
    return offsets, absolute - text_starts[owner][:, None], paragraphs


def _positions_of(text: str, points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8],
                  character: str) -> I64:
    """Where the code points of ``text`` hold ``character``, if ``text`` holds it at all (a
    scan of the string for one character, several times faster than one of the points, says
    so)."""
    if character not in text:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(points == ord(character))


def _mojibake_positions(text: str, points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8]
                        ) -> tuple[I64, I64]:
    """Where the code points of ``text`` hold the character of a UTF-8 lead byte, and a NEL
    (see :func:`_mojibake_for_spans`); none in ASCII."""
    if points.dtype != np.uint32:
        none = np.zeros(0, dtype=np.int64)
        return none, none
    return np.flatnonzero(_is_lead(points)), _positions_of(text, points, "\x85")


def _following(points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8], at: I64
               ) -> npt.NDArray[np.uint32] | npt.NDArray[np.uint8]:
    """The code point after each position ``at`` (0 after the last)."""
    following = np.zeros(at.size, dtype=points.dtype)
    inside = at + 1 < points.size
    following[inside] = points[at[inside] + 1]
    return following


def _is_lead(points: npt.NDArray[np.unsignedinteger[Any]]) -> npt.NDArray[np.bool_]:
    """Whether each code point is a UTF-8 lead byte's character (one subtraction, wrapping
    below the range, and one comparison: two passes over a chunk instead of three)."""
    lead: npt.NDArray[np.bool_] = (points.astype(np.uint32, copy=False)
                                   - np.uint32(MOJIBAKE_LEADS[0])
                                   <= MOJIBAKE_LEADS[1] - MOJIBAKE_LEADS[0])
    return lead


def _mojibake_for_spans(points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8], leads: I64,
                        nel: I64) -> npt.NDArray[np.uint32] | npt.NDArray[np.uint8]:
    """``points`` as the line spans should read them where the text is mojibake (UTF-8 shown
    as Windows-1252 or Latin-1, ``_text.normalize.repair_mojibake``): a ``Â`` directly
    before a no-break space is a space (the two are the no-break space's bytes: a line
    holding only one is blank, and one ending in one ends before it; twice over, ``Ã‚Â``
    and the no-break space); and a NEL (U+0085) that ends a lead's character and one to
    three continuations' is no line break (the byte 0x85 of ``Å``, ``ą``, ``х`` or an emoji
    shown as Latin-1): a letter inside a word, a space before white space. Inside a line,
    ``plain_text`` reads them back. ``leads``, ``nel``: :func:`_mojibake_positions`."""
    spaces = leads[(points[leads] == 0xC2) & (_following(points, leads) == 0xA0)]
    nel = nel[nel >= 1]
    if spaces.size == 0 and nel.size == 0:
        return points
    # Twice over, "Â" itself shows as "Ã‚".
    twice = spaces[spaces >= 2]
    twice = twice[(points[twice - 2] == 0xC3) & (points[twice - 1] == 0x201A)]
    read = points.copy()
    read[np.concatenate([spaces, twice - 1, twice - 2])] = ord(" ")
    if nel.size:
        # The NEL is the second, third or fourth byte of a character: a lead's character,
        # then as many continuations' as the NEL's place asks.
        in_unit = np.zeros(nel.size, dtype=bool)
        continued = np.ones(nel.size, dtype=bool)  # the characters between are continuations'
        for back in (1, 2, 3):
            reach = nel >= back
            before = points[np.where(reach, nel - back, 0)]
            in_unit |= reach & continued & _is_lead(before)
            continued &= reach & is_mojibake_continuation(before)
        nel = nel[in_unit]
        # Inside a word it is a letter; before white space, or last, a space.
        follows = np.zeros(nel.size, dtype=bool)
        inside = nel + 1 < points.size
        follows[inside] = ~_white(read[nel[inside] + 1])
        read[nel[follows]] = ord("x")
        read[nel[~follows]] = ord(" ")
    return read


def _white(points: npt.NDArray[np.unsignedinteger[Any]]) -> npt.NDArray[np.bool_]:
    """Whether each code point is white space (``str.isspace``, line breaks included)."""
    return np.array([chr(point) in WHITESPACE for point in points.tolist()], dtype=bool)


def _read_for_spans(text: str) -> str:
    """``text`` as :func:`chunk_paragraphs` reads it for its line spans (as long as
    ``text``): :func:`_mojibake_for_spans`, :func:`_read_as_white`."""
    ranges = _white_ranges(text) if "\\" in text or "<" in text else []
    if not ranges and (text.isascii() or ("\u00a0" not in text and "\x85" not in text)):
        return text
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    read = _read_as_white(_mojibake_for_spans(points, *_mojibake_positions(text, points)),
                          [(0, ranges)])
    if read is points:
        return text
    return read.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def _white_ranges(text: str) -> list[tuple[int, int, bool]]:
    """What of ``text`` its line spans read as white space (:func:`_read_as_white`): the
    escaped white space of a text encoded as JSON once too often
    (``_text.normalize.json_white_escapes``), its HTML tags that part lines, as line breaks
    (``_text.normalize.block_tag_spans``: a page on one line has its paragraphs), and its
    scripts and style sheets (``_text.normalize.code_spans``: a script's lines are no
    paragraphs)."""
    ranges = json_white_escapes(text) if "\\" in text and json_escaped(text) else []
    if "<" in text:
        if _BLOCKS_SHARE_A_LINE.search(text) is not None:
            ranges += [(start, end, True) for start, end in block_tag_spans(text)]
        ranges += [(start, end, False) for start, end in code_spans(text)]
    return ranges


#: The end of a block (``</p>``, ``</div>``, ``</li>``, a heading) or a ``<br>`` with more
#: on its line: a page whose tags part its lines, not its line breaks (one written a
#: paragraph per line is read as it is, without a scan of its tags).
_BLOCKS_SHARE_A_LINE = re.compile(r"(?:</(?:p|div|li|h[1-6]|tr|td|blockquote)\s*>|<br\s*/?>)"
                                  r"[^\S\n]*[^\s]", re.IGNORECASE)


def _read_as_white(points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8],
                   ranges: list[tuple[int, list[tuple[int, int, bool]]]]
                   ) -> npt.NDArray[np.uint32] | npt.NDArray[np.uint8]:
    """``points`` with ranges of texts read as white space (each ``(start of the text,
    its _white_ranges)``: where a range starts and ends, and whether it is a line break,
    read as a line break and spaces; ``\\n`` of a JSON-encoded text as a line break and a
    space, ``\\u00a0`` as six spaces, a script as spaces), so that such a text has the
    paragraphs of what it stands for (``plain_text`` reads the text inside them)."""
    flat = [(offset + start, offset + end, line_break)
            for offset, found in ranges for start, end, line_break in found]
    if not flat:
        return points
    starts, ends, breaks = (np.array(column) for column in zip(*flat, strict=True))
    # Covered: where more ranges have started than ended (ranges may overlap), counted
    # from the first range's start to the last one's end.
    low, high = int(starts.min()), int(ends.max())
    depth = np.zeros(high - low + 1, dtype=np.int32)
    np.add.at(depth, starts - low, 1)
    np.add.at(depth, ends - low, -1)
    read = points.copy()
    read[low:high][np.cumsum(depth[:-1]) > 0] = ord(" ")
    read[starts[breaks.astype(bool)]] = ord("\n")
    return read


def _unwrap_texts(text: str, lines: I64, text_starts: I64) -> tuple[I64, list[int]]:
    """The line spans ``lines`` of the texts joined in ``text`` (each starting at
    ``text_starts``), with the blocks of the hard-wrapped texts joined (:func:`_unwrapped`),
    and the numbers of those texts. Only texts of :data:`_WRAP_LEAST_LINES` lines or more,
    nearly all of them at most :data:`WRAP_WIDTH` characters, are read."""
    if lines.shape[0] < _WRAP_LEAST_LINES:
        return lines, []
    owner = np.searchsorted(text_starts, lines[:, 0], side="right") - 1
    n_lines = np.bincount(owner, minlength=text_starts.size)
    narrow = np.bincount(owner, weights=lines[:, 1] - lines[:, 0] <= WRAP_WIDTH,
                         minlength=text_starts.size)
    candidates = np.flatnonzero((n_lines >= _WRAP_LEAST_LINES)
                                & (narrow >= _WRAP_SHARE * n_lines))
    if not candidates.size:
        return lines, []
    offsets = owner_offsets(owner, text_starts.size)
    parts: list[I64] = []
    wrapped: list[int] = []
    done = 0
    for number in candidates.tolist():
        first, last = int(offsets[number]), int(offsets[number + 1])
        own = [(int(start), int(end)) for start, end in lines[first:last].tolist()]
        blocks = _unwrapped(text, own)
        if len(blocks) < len(own):
            parts.append(lines[done:first])
            parts.append(np.array(blocks, dtype=np.int64).reshape(-1, 2))
            wrapped.append(number)
            done = last
    parts.append(lines[done:])
    return np.concatenate(parts), wrapped


def _unwrapped(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``lines`` (the stripped non-blank lines of one text, in order), with each block of
    lines not parted by a blank line joined into one span when the text is **hard-wrapped**:
    nearly all its lines (:data:`_WRAP_SHARE`) are at most :data:`WRAP_WIDTH` characters,
    and nearly every line followed by another of its block is full, the next line's first
    word not fitting after it within the text's widest line (what greedy wrapping does),
    and most of those lines end within a sentence (a break falls after a sentence's last
    word by chance only) and, in a script with case, the lines after them do not nearly all
    begin with a capital. Paragraphs written one per line, even as long as one another, end
    their sentences; headlines one per line begin with capitals.

    >>> import textwrap
    >>> paragraph = ("The council approved the new budget on Monday after a long debate "
    ...              "over school funding and road repairs.")
    >>> text = "\\n\\n".join([textwrap.fill(paragraph, 40)] * 2)
    >>> [text[start:end].split() == paragraph.split()
    ...  for start, end in _unwrapped(text, paragraph_lines(text))]
    [True, True]
    """
    if len(lines) < _WRAP_LEAST_LINES:
        return lines
    lengths = [end - start for start, end in lines]
    narrow = [length for length in lengths if length <= WRAP_WIDTH]
    if len(narrow) < _WRAP_SHARE * len(lines):
        return lines
    width = max(narrow)
    if width < _WRAP_LEAST_WIDTH:
        return lines
    continues = [len(_BREAK.findall(text, end, following)) == 1
                 for (_, end), (following, _) in itertools.pairwise(lines)]
    inner = full = ended = cased = capital = 0
    for number, joined in enumerate(continues):
        if joined:
            inner += 1
            start, end = lines[number + 1]
            word = _FIRST_WORD.match(text, start, end)
            full += lengths[number] + 1 + (word.end() - start if word else 0) > width
            ended += _LINE_END_SENTENCE.search(text, *lines[number]) is not None
            letter = _FIRST_LETTER.search(text, start, end)
            if letter is not None and letter.group().lower() != letter.group().upper():
                cased += 1
                capital += letter.group().isupper()
    if (inner < _WRAP_LEAST_INNER or full < _WRAP_SHARE * inner
            or ended > _WRAP_ENDED_SHARE * inner or capital > _WRAP_CAPITAL_SHARE * cased):
        return lines
    blocks: list[tuple[int, int]] = []
    begin = lines[0][0]
    for number, (_, end) in enumerate(lines):
        if number < len(continues) and continues[number]:
            continue
        blocks.append((begin, end))
        if number + 1 < len(lines):
            begin = lines[number + 1][0]
    return blocks


def paragraph_lines(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the stripped non-blank lines of ``text`` (read as
    :func:`_read_for_spans` reads it)."""
    spans = []
    for match in _LINE.finditer(_read_for_spans(text)):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def _cut_long_lines(text: str, spans: I64, long_lines: I64) -> I64:
    """``spans`` with each of the ``long_lines`` replaced by its passages."""
    parts: list[I64] = []
    done = 0
    for line in long_lines.tolist():
        parts.append(spans[done:line])
        parts.append(np.array(_line_passages(text, int(spans[line, 0]), int(spans[line, 1])),
                              dtype=np.int64).reshape(-1, 2))
        done = line + 1
    parts.append(spans[done:])
    return np.concatenate(parts)


def _line_passages(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """:func:`_passages` of the line ``text[start:end]`` as the steps read it
    (``_text.normalize.plain_text_read``: markup, links, references and mojibake read; its
    spacing and Unicode form aside, ``_as_counted``), as
    spans of ``text``: a copy in HTML or Markdown, or one that went through a wrong decoding
    (twice as many characters in a Cyrillic text), is cut where its original is, and kept
    whole where its original is."""
    line, where = _as_counted(*plain_text_read(text[start:end]))
    if len(line) == end - start and line == text[start:end]:  # nothing read otherwise
        return _passages(text, start, end)
    if len(line) <= LONG_LINE:
        return [(start, end)]
    return [(start + int(where[first]), start + int(where[last]))
            for first, last in _passages(line, 0, len(line))]


def _as_counted(line: str, where: I64) -> tuple[str, I64]:
    """``line`` (read, ``where`` its characters are) as its length is counted when it is cut:
    each run of white space as one space, and each letter with combining marks composed
    (NFC), so that spacing (two spaces after a full stop, indentation doubled by a
    converter) and the Unicode form (a letter and its accent as one character or two) do
    not move a cut. What replaces a run is placed at its start
    (``_text.normalize.substituted``).

    >>> _as_counted("A.  B e\u0301", np.arange(9))
    ('A. B é', array([0, 1, 2, 4, 5, 6, 8]))
    """
    pattern = _WHITE_RUN if unicodedata.is_normalized("NFC", line) else _NOT_COUNTED
    counted, placed = substituted(line, where, pattern, _counted)
    assert placed is not None  # ``where`` was given
    return counted, placed


def _counted(run: regex.Match[str]) -> str:
    """What a run of :data:`_NOT_COUNTED` counts as: one space, or its letter composed."""
    return " " if run.group()[0] in WHITESPACE else unicodedata.normalize("NFC", run.group())


def _passages(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The passages of the line ``text[start:end]`` (stripped, longer than
    :data:`LONG_LINE`): cut at sentence ends, then runs still over :data:`PASSAGE_MAX` at
    word boundaries, then at :data:`PASSAGE_MAX` characters (see the module docstring).

    >>> line = " ".join(f"Sentence {n} says a little more about the event." for n in range(40))
    >>> cuts = _passages(line, 0, len(line))
    >>> len(cuts) > 3 and all(e - s <= PASSAGE_MAX for s, e in cuts)
    True
    >>> " ".join(line[s:e] for s, e in cuts) == line
    True
    """
    passages = []
    for s, e in _cut(text, start, end, _SENTENCE_END, _LEAST_SENTENCES, _SENTENCE_ANCHOR):
        if e - s <= PASSAGE_MAX:
            passages.append((s, e))
            continue
        for s2, e2 in _cut(text, s, e, _WORD_END, _LEAST_WORDS, _WORD_ANCHOR):
            passages.extend((k, min(k + PASSAGE_MAX, e2)) for k in range(s2, e2, PASSAGE_MAX))
    return passages


def _cut(text: str, start: int, end: int, boundary: regex.Pattern[str], least: int,
         every: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at the ``boundary`` matches (a passage ends before the
    match's white space and the next starts after it): at the ``least``-th boundary of a
    passage or a later one whose :func:`_anchor` is divisible by ``every``, with
    :data:`PASSAGE_TAIL` characters after it, or at the last boundary before a passage would
    pass :data:`PASSAGE_MAX`. A run without a boundary stays whole."""
    pieces = []
    begin = start
    seen = 0  # boundaries of this passage so far
    last: tuple[int, int] | None = None  # the last boundary seen in this passage
    for match in boundary.finditer(text, start, end):
        open_ = match.end()
        close = _strip_end(text, begin, open_)
        if open_ >= end or close <= begin:
            continue
        if close - begin > PASSAGE_MAX and last is not None:
            pieces.append((begin, last[0]))
            begin = last[1]
            seen = 0
        seen += 1
        if (seen >= least and close - begin >= PASSAGE_MIN and end - open_ >= PASSAGE_TAIL
                and _anchor(text, open_, end) % every == 0):
            pieces.append((begin, close))
            begin = open_
            seen = 0
            last = None
        else:
            last = (close, open_)
    if end - begin > PASSAGE_MAX and last is not None:
        pieces.append((begin, last[0]))
        begin = last[1]
    pieces.append((begin, end))
    return pieces


def _strip_end(text: str, begin: int, close: int) -> int:
    """``close`` moved back over white space (not before ``begin``)."""
    while close > begin and text[close - 1] in WHITESPACE:
        close -= 1
    return close


def _anchor(text: str, position: int, end: int) -> int:
    """The hash that says whether the boundary before ``text[position:end]`` closes a
    passage: of the first :data:`_ANCHOR_CHARACTERS` letters and digits after it (within 64
    characters), case-folded."""
    following = text[position:min(end, position + 64)]
    kept = (following.translate(_ASCII_NOT_ALNUM) if following.isascii()
            else "".join(filter(str.isalnum, following)))
    key = kept.casefold()[:_ANCHOR_CHARACTERS]
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def split_paragraphs(text: str) -> list[str]:
    """Return the paragraphs of ``text`` as strings (see :func:`paragraph_spans`).

    >>> split_paragraphs("One.\\nTwo.\\n\\nThree.")
    ['One.', 'Two.', 'Three.']
    """
    return [text[start:end] for start, end in paragraph_spans(text)]


def split_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped: its paragraphs as written, long lines
    whole (what the corpus generators build copies from).

    >>> split_lines("One.\\nTwo.\\n\\nThree.")
    ['One.', 'Two.', 'Three.']
    """
    return [text[start:end] for start, end in paragraph_lines(text)]
