"""Unicode normalization of article text, before paragraphs are tokenized.

Two articles that differ only in typography (curly vs straight quotes, en vs em dashes,
non-breaking spaces, full-width letters, letter case) must produce the same shingles. The
steps are: NFKC (compatibility forms, full-width letters, ligatures), case folding (a stronger,
language-neutral lower-casing), folding of quote and dash variants, of spelling variants of
one letter (Arabic-script kaf, yeh, alef and heh forms, short vowels and kashida; Cyrillic
"ё"), of digits of any script to ASCII digits, and collapsing whitespace.

Feeds and aggregators give text with HTML in it: a copy written ``Obama&rsquo;s <a
href="...">plan</a>`` (or in Markdown, ``[plan](https://...)``) must compare as ``Obama’s
plan``. So once, when a paragraph's text is taken from its article
(``_text.paragraphs.chunk_paragraphs``, and the rewrite step's reading), :func:`plain_text`
reads it as the text it stands for: its scripts and style sheets removed with what they
hold, its tags removed, its Markdown links read as their text, its character references
read as their characters (also those of text escaped twice over, ``&amp;rsquo;``, whose
letters would otherwise be a word), its JSON escapes read if it was encoded as JSON once too
often (:func:`json_escaped`); every step after reads that text. The spans still point at
the text as given (:func:`plain_text_read` says where each character came from, for the
steps that cut text by what it reads).

Crawled text is often *mojibake*: UTF-8 bytes read as Windows-1252 or Latin-1, so that
``Obama’s café`` arrives as ``Obamaâ€™s cafÃ©``. The stray letters stick to the words and
break every shingle around them (a seed article against its mojibake copy: Jaccard 0.49, not
grouped). :func:`plain_text` reads such sequences back as the characters they stand for
(:func:`repair_mojibake`), so a copy that went through a wrong decoding compares as its
original.

:func:`token_text` goes one step further for tokenization: everything that is not part of a
word becomes a space, and characters of scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar) become one token each, so shingles over them are
character n-grams.
"""

from __future__ import annotations

import contextlib
import html
import html.entities
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import regex

from .._core.types import I64

__all__ = ["LINE_BREAKS", "MOJIBAKE_LEADS", "block_tag_spans", "code_spans", "decode_references",
           "is_mojibake_continuation", "json_escaped", "json_white_escapes", "mojibake_repaired",
           "nfkc", "normalize_text", "plain_text", "plain_text_read", "repair_mojibake",
           "substituted", "token_text"]

_QUOTES_AND_DASHES: dict[str, str | None] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00ad": None,  # soft hyphen: invisible, must not split words
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    # Direction marks and embeddings (Arabic, Hebrew, Persian and Urdu pages carry them
    # where an editor put them): invisible, and as non-word characters they would part the
    # word they sit in.
    **{chr(point): None for point in (0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F),
                                      *range(0x2066, 0x206A))},
    # Variation selectors (an emoji's text or picture form, "❤️"): marks, so they would be
    # tokens of their own wherever a copy kept or dropped one.
    **{chr(point): None for point in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))},
}


# Spelling variants of one letter, and marks that writers add or leave out, in the
# Arabic script (Arabic, Persian, Urdu): two outlets writing one word with the Arabic or
# the Persian/Urdu code points of kaf and yeh, with or without short vowels and kashida,
# must shingle alike (the usual folding of Arabic-script retrieval). Cyrillic "ё" is
# commonly written "е"; a Ukrainian apostrophe is a letter (U+02BC) or punctuation (U+2019)
# depending on the keyboard.
_SCRIPT_VARIANTS: dict[str, str | None] = {
    "\u0640": None,  # tatweel (kashida): stretches a word, says nothing
    **{chr(mark): None for mark in range(0x064B, 0x0653)},  # short vowels, shadda, sukun
    "\u0670": None,  # superscript alef
    "\u0643": "\u06a9", "\u064a": "\u06cc", "\u0649": "\u06cc",  # kaf, yeh, alef maksura
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alefs
    "\u06c1": "\u0647", "\u06d5": "\u0647", "\u0629": "\u0647", "\u06c3": "\u0647",  # heh
    "\u0451": "\u0435",  # ё
    "\u02bc": "'",
}


# The zero of every run of ten decimal digits in the Basic Multilingual Plane but ASCII's
# (Unicode 14, category Nd), listed rather than read from ``unicodedata`` so that the folds,
# hence the shingles, are the same on every Python version.
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
                0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
                0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
                0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10)
# Digits of every script as ASCII digits (NFKC folds full-width digits but not
# Arabic-Indic, Devanagari, Bengali, Thai ... ones): one figure, one token, whichever
# digits an outlet prints.
_DIGITS: dict[str, str | None] = {chr(zero + value): str(value) for zero in _DIGIT_ZEROS
                                  for value in range(10)}


#: What :func:`normalize_text` folds after NFKC and case folding (one code point to one or
#: none): quote and dash variants, invisible characters, script variants, digits.
_FOLDS: dict[str, str | None] = {**_QUOTES_AND_DASHES, **_SCRIPT_VARIANTS, **_DIGITS}
_FOLD_TABLE = str.maketrans(_FOLDS)

# Horizontal whitespace only: line breaks separate paragraphs and are kept.
_SPACES = regex.compile(r"[^\S\n]+")
# Word characters in the Unicode sense (letters, marks, digits), so that Arabic-script,
# Devanagari and other abugida words keep their combining vowel signs.
_NON_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}\n]+")
_UNSPACED_SCRIPT = regex.compile(
    r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}])"
)


#: An HTML character reference: named (``&amp;``), decimal (``&#8217;``) or hexadecimal
#: (``&#x2019;``), with its semicolon.
_REFERENCE_NAME = r"#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31}"
_REFERENCE_BODY = f"(?:{_REFERENCE_NAME});"
#: The names HTML reads without their semicolon too (``&nbsp``, ``&copy``, ``&eacute``: what
#: sloppy markup writes), longest first: as a page shows them, ``union&nbspwent`` is
#: ``union went`` (and ``&notes`` is ``¬es``), which is how ``html.unescape`` reads them.
_LEGACY_NAMES = sorted((name for name in html.entities.html5 if not name.endswith(";")),
                       key=lambda name: (-len(name), name))
_REFERENCE = regex.compile(f"&{_REFERENCE_BODY}|&(?:{'|'.join(_LEGACY_NAMES)})")
#: The ``&amp;`` of a reference escaped again: ``&`` once more.
_ESCAPED_AGAIN = regex.compile("&amp;(?=" + _REFERENCE_BODY + ")")
#: Line boundaries: those of str.splitlines(), \r\n counted once (``_text.paragraphs``
#: splits paragraphs at them).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: What a reference may not decode to: a line break (it would part a paragraph) or a NUL
#: (the rewrite step joins paragraphs with it).
_NOT_DECODED = LINE_BREAKS + "\x00"


def _decoded(match: regex.Match[str]) -> str:
    character = html.unescape(match.group())
    return " " if any(point in _NOT_DECODED for point in character) else character


#: A script or a style sheet in a page, what it holds included: code, never text (an ad
#: slot's ``googletag.cmd.push(...)`` would be a dozen words of the paragraph it sits in).
_CODE_PATTERN = r"<(?P<code>script|style)\b[^>]*>.*?</(?P=code)\s*>"
_CODE = regex.compile(_CODE_PATTERN, regex.DOTALL | regex.IGNORECASE)
#: An HTML tag (a letter right after ``<`` or ``</``: ``a < b`` is no tag), a comment, or
#: (first) a script or a style sheet with what it holds: one scan removes them all.
_TAG = regex.compile(r"(?i:" + _CODE_PATTERN + r")|<!--.*?-->"
                     r"|</?([A-Za-z][A-Za-z0-9]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>",
                     regex.DOTALL)
#: Tags that part words (a block or a line break); others (``<a>``, ``<b>``, ``<span>``)
#: are removed without a trace, so that ``<b>Ne</b>ws`` reads as ``News``.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"})


#: The start of a closing ``</script>`` or ``</style>`` (stdlib ``re``: a search of a page
#: for it is several times faster than the full pattern's, or substring scans').
_CODE_HINT = re.compile(r"</[sS][cCtT]")


def _may_hold_code(text: str) -> bool:
    """Whether ``text`` may hold a script or a style sheet."""
    return _CODE_HINT.search(text) is not None


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the scripts and style sheets of ``text`` start and end (``_text.paragraphs``
    reads them as white space, so that the lines of a script are no paragraphs).

    >>> code_spans("a<script>\\nx=1;\\n</script>b")
    [(1, 24)]
    """
    return [match.span() for match in _CODE.finditer(text)] if _may_hold_code(text) else []


def block_tag_spans(text: str) -> list[tuple[int, int]]:
    """Where the tags of ``text`` that part lines (``<p>``, ``<br>``, ``<div>``, ``<li>``,
    see ``_BLOCK_TAGS``) start and end: ``_text.paragraphs`` reads each as a line break,
    so that a page given on one line (``<p>One.</p><p>Two.</p>``, as feeds give
    ``content:encoded``) has the paragraphs of its text.

    >>> block_tag_spans("<p>One <b>bold</b>.</p><br/>Two")
    [(0, 3), (19, 23), (23, 28)]
    """
    return [match.span() for match in _TAG.finditer(text)
            if match.group(2) is not None and match.group(2).lower() in _BLOCK_TAGS]


def _untagged(match: regex.Match[str]) -> str:
    """A tag as the text reads it: a block's, a comment's or a script's as a space (they
    part words), another's as nothing (``<b>Ne</b>ws`` reads as ``News``)."""
    name = match.group(2)
    return " " if name is None or name.lower() in _BLOCK_TAGS else ""


def plain_text(text: str) -> str:
    """``text`` with its JSON escapes read if it went through JSON encoding once too often
    (:func:`json_escaped`), its HTML tags and comments removed (a block's or a line break's
    as a space; a script or a style sheet with what it holds), its Markdown links read as
    their text, its character references decoded (:func:`decode_references`) and its
    mojibake repaired (:func:`repair_mojibake`): what a paragraph's steps read
    (:func:`plain_text_read` says where each character came from).

    >>> plain_text('<p>Obama&rsquo;s <a href="https://x.example/a?b=1&amp;c=2">plan</a>'
    ...            '<br/>for <b>Ne</b>ws &lt;p&gt; 2 < 3</p>')
    ' Obama’s plan for News <p> 2 < 3 '
    >>> plain_text('The <script>ad.push("slot-1");</script>plan<STYLE>p{x:1}</STYLE>.')
    'The  plan .'
    >>> plain_text("Obamaâ€™s cafÃ© &amp; Ã©")
    'Obama’s café & é'
    >>> plain_text('The [new plan](https://x.example/a_(b)?c=1 "Plan") and ![a map](m.png).')
    'The new plan and a map.'
    """
    # Most paragraphs hold none of it: a few scans of the string say so (the rewrite step
    # reads hundreds of thousands).
    if ("<" not in text and "&" not in text and "\\" not in text and "]" not in text
            and (text.isascii() or _MOJIBAKE_START.search(text) is None)):
        return text
    return _plain(text, None)[0]


def plain_text_read(text: str) -> tuple[str, I64]:
    """:func:`plain_text` of ``text``, and where each of its characters (and its end) is in
    ``text``: a character kept or decoded at the start of what it was read from (a
    reference, a mojibake character's bytes), a link's text at its own place but its first
    character at the link's start, a tag's space at the tag. What cuts a long line into
    passages reads (``_text.paragraphs``).

    >>> plain_text_read("<b>A</b>&amp;[BC](u) Ã©")
    ('A&BC é', array([ 3,  8, 13, 15, 20, 21, 23]))
    """
    read, where = _plain(text, np.arange(len(text) + 1, dtype=np.int64))
    assert where is not None
    return read, where


def _plain(text: str, where: I64 | None) -> tuple[str, I64 | None]:
    """:func:`plain_text`, carrying ``where`` (see :func:`_spliced`) along if given."""
    if "\\" in text and json_escaped(text):
        text, where = substituted(text, where, _JSON_ESCAPE, _unescaped)
    if "<" in text:
        text, where = substituted(text, where, _TAG, _untagged)
    if "]" in text and "](" in text:
        text, where = substituted(text, where, _MARKDOWN_LINK, _link_text, _link_text_placed)
    if "&" in text:
        text, where = _references_decoded(text, where)
    if text.isascii():
        return text, where
    return _mojibake_read_back(text, where)


def substituted(text: str, where: I64 | None, pattern: regex.Pattern[str],
                 replace: str | Callable[[regex.Match[str]], str],
                 placed: Callable[[regex.Match[str]], Sequence[int]] | None = None
                 ) -> tuple[str, I64 | None]:
    """``text`` with each match of ``pattern`` replaced by ``replace`` (as ``Pattern.sub``
    takes it); ``where`` carried along if given, each character of a replacement placed at
    the match's start, or where ``placed(match)`` says."""
    if where is None:
        return pattern.sub(replace, text), None
    splices = []
    for match in pattern.finditer(text):
        string = replace if isinstance(replace, str) else replace(match)
        starts = [match.start()] * len(string) if placed is None else placed(match)
        splices.append((match.start(), match.end(), list(string), list(starts)))
    return _spliced(text, where, splices)


#: A piece of text read back: the characters that replace ``text[start:end]``, and where
#: each one starts in ``text``.
_Splice = tuple[int, int, list[str], list[int]]


def _spliced(text: str, where: I64 | None, splices: list[_Splice]) -> tuple[str, I64 | None]:
    """``text`` with its ``splices`` (in order, apart) made, and ``where`` (the position in
    the original text of each character of ``text``, and of its end) carried along."""
    pieces: list[str] = []
    kept: list[I64] = []
    copied = 0
    for start, end, characters, starts in splices:
        pieces += [text[copied:start], *characters]
        if where is not None:
            kept += [where[copied:start], where[np.array(starts, dtype=np.int64)]]
        copied = end
    pieces.append(text[copied:])
    if where is not None:
        kept.append(where[copied:])
        where = np.concatenate(kept)
    return "".join(pieces), where


#: A JSON string escape: ``\\n``, ``\\"``, ``\\u2019``, a surrogate pair as one.
_JSON_ESCAPE = regex.compile(r'\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}'
                             r'|u[0-9a-fA-F]{4}|["\\/bfnrt])')


def json_escaped(text: str) -> bool:
    """Whether ``text`` went through JSON encoding once more than it should (a scraper
    storing a string it had already encoded): it holds an escape, and it is the body of a
    valid JSON string (every backslash starts an escape, no quote or control character is
    raw: a text with line breaks of its own, or ``C:\\Users``, is none).

    >>> json_escaped(r'He said \\"no\\".\\n\\nIt\\u2019s over.'), json_escaped('a\\nb "c"')
    (True, False)
    """
    if _JSON_ESCAPE.search(text) is None:
        return False
    try:
        json.loads(f'"{text}"')
    except ValueError:
        return False
    return True


def json_white_escapes(text: str) -> list[tuple[int, int, bool]]:
    """The escapes of white space in a :func:`json_escaped` text (``\\n``, ``\\t``,
    ``\\u00a0``): where each starts and ends, and whether it is a line break (what
    ``_text.paragraphs`` reads paragraphs by).

    >>> json_white_escapes(r"a\\nb\\u00a0c\\u2019")
    [(1, 3, True), (4, 10, False)]
    """
    out = []
    for match in _JSON_ESCAPE.finditer(text):
        character = _escaped_character(match)
        if character.isspace():
            out.append((match.start(), match.end(), character in LINE_BREAKS))
    return out


def _escaped_character(match: regex.Match[str]) -> str:
    """The character a JSON escape stands for."""
    character: str = json.loads(f'"{match.group()}"')
    return character


def _unescaped(match: regex.Match[str]) -> str:
    character = _escaped_character(match)
    if any(point in _NOT_DECODED or "\ud800" <= point <= "\udfff" for point in character):
        # A paragraph is one line to the steps (the spans read the breaks); a lone
        # surrogate is no character.
        return " "
    return character


def _link_text(match: regex.Match[str]) -> str:
    return match.group(1)


def _link_text_placed(match: regex.Match[str]) -> list[int]:
    # The first character at the "[": a passage starting there holds the whole link.
    start, end = match.span(1)
    return [match.start(), *range(start + 1, end)]


#: A Markdown link or image, ``[text](url "title")`` or ``![alt](url)``: its text is what
#: it says; the address (dozens of tokens: ``https www example com 2024 05 ...``) is not.
_MARKDOWN_LINK = regex.compile(
    r"!?\[([^\[\]\n]*)\]\(\s*<?[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*>?"
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)""")


# --- mojibake ------------------------------------------------------------------------------
#
# What each byte 0x80-0xFF of UTF-8 shows as when the text was decoded as Windows-1252, or as
# Latin-1 (which 1252 leaves undefined bytes to: 0x81, 0x8D, 0x8F, 0x90, 0x9D show as the C1
# controls of those numbers).
_BYTE_OF: dict[str, int] = {}
for _byte in range(0x80, 0x100):
    _BYTE_OF[chr(_byte)] = _byte
    with contextlib.suppress(UnicodeDecodeError):
        _BYTE_OF[bytes([_byte]).decode("cp1252")] = _byte
del _byte
#: The characters a UTF-8 continuation byte (0x80-0xBF) shows as.
_CONTINUATIONS = "".join(sorted(char for char, byte in _BYTE_OF.items() if byte < 0xC0))
#: The code points a UTF-8 lead byte of two to four bytes (0xC2-0xF4) shows as (the same
#: in both readings).
MOJIBAKE_LEADS = (0xC2, 0xF4)
_CONTINUATION = "[" + regex.escape(_CONTINUATIONS) + "]"
#: One character's UTF-8 bytes as they show: a lead and its continuations.
_MOJIBAKE_UNIT = regex.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}"
    f"|[\u00f0-\u00f4]{_CONTINUATION}{{3}}")
#: A lead followed by a continuation: where mojibake may start.
_MOJIBAKE_START = regex.compile(f"[\u00c2-\u00f4]{_CONTINUATION}")
#: ``â€`` left alone: a right double quote (``â€`` + 0x9D) whose last byte was dropped or
#: replaced (0x9D is undefined in Windows-1252).
_LOST_QUOTE = regex.compile(f"\u00e2\u20ac(?:\ufffd|(?!{_CONTINUATION}))")


def is_mojibake_continuation(points: npt.NDArray[np.unsignedinteger[Any]]
                             ) -> npt.NDArray[np.bool_]:
    """Whether each code point is one a UTF-8 continuation byte shows as (see
    :func:`repair_mojibake`): what ``_text.paragraphs`` looks for after a lead, over the code
    points of a whole chunk.

    >>> is_mojibake_continuation(np.array([0x80, 0xBF, 0xC0, 0x2122, 0x41])).tolist()
    [True, True, False, True, False]
    """
    return np.isin(points, _CONTINUATION_POINTS)


_CONTINUATION_POINTS = np.array(sorted(map(ord, _CONTINUATIONS)), dtype=np.uint32)


def _western(character: str) -> bool:
    """Whether one repaired character is what Western text holds (Latin-1 Supplement but its
    control characters, Latin Extended-A, general punctuation, currency and letterlike
    symbols) or past the Basic Multilingual Plane (an emoji's four bytes show as a lead and
    three symbols, never as text)."""
    point = ord(character)
    return (0xA0 <= point < 0x180 or 0x2000 <= point < 0x20D0 or 0x2100 <= point < 0x2150
            or point >= 0x10000)


def _runs_read_back(text: str) -> list[_Splice]:
    """The runs of units met back to back that one pass of :func:`repair_mojibake` reads
    back."""
    runs: list[_Splice] = []
    for match in _MOJIBAKE_UNIT.finditer(text):
        try:
            character = bytes(_BYTE_OF[char] for char in match.group()).decode("utf-8")
        except UnicodeDecodeError:  # not UTF-8 (an overlong form, a surrogate): text
            continue
        if runs and runs[-1][1] == match.start():
            first, _, characters, starts = runs[-1]
            runs[-1] = (first, match.end(), [*characters, character], [*starts, match.start()])
        else:
            runs.append((match.start(), match.end(), [character], [match.start()]))
    # A lone unit is read back only as a Western character, or in a text that shows
    # mojibake elsewhere (a Ukrainian "я" among words of two letters or more): "é" + a
    # no-break space + "»" (French typography) are the bytes of a Chinese character, "ß«"
    # of an N'Ko one. Two or more back to back are a word of another script, or symbols.
    sure = [len(characters) > 1 or _western(characters[0]) for _, _, characters, _ in runs]
    evident = any(sure)
    return [run for run, certain in zip(runs, sure, strict=True) if certain or evident]


def mojibake_repaired(text: str, positions: bool = False) -> tuple[str, I64 | None]:
    """``text`` with its mojibake read back: runs of characters that are the UTF-8 bytes of
    other characters shown as Windows-1252 or Latin-1 (``â€™`` for ``’``, ``Ã©`` for ``é``,
    ``ÐŸÑ€Ð¸`` for ``При``), decoded, twice over for text that went through it twice; a
    ``â€`` left alone (its last byte lost) is ``”``.

    Only what cannot be text is read back: a lead byte's character (``Â``-``ô``) directly
    followed by the right number of continuations (characters of bytes 0x80-0xBF: Latin-1
    symbols, ``€``, ``™``, curly quotes, dashes), whose bytes are valid UTF-8; one such
    character alone (not next to another) only when it is one Western text holds (``é``,
    ``’``, ``€``) or the text shows mojibake elsewhere, so French ``café »`` with a no-break
    space, German ``»Straße«`` or ``Ã`` in Portuguese stay as they are.

    With ``positions``, also where each character of the result (and its end) is in
    ``text``: a run read back maps each character to the start of its bytes.

    >>> mojibake_repaired("cafÃ© â€œ1", positions=True)[1].tolist()
    [0, 1, 2, 3, 5, 6, 9, 10]
    """
    return _mojibake_read_back(
        text, np.arange(len(text) + 1, dtype=np.int64) if positions else None)


def _mojibake_read_back(text: str, where: I64 | None) -> tuple[str, I64 | None]:
    """:func:`mojibake_repaired`, carrying ``where`` along if given."""
    if text.isascii():
        return text, where
    for _ in range(3):
        if _MOJIBAKE_START.search(text) is None:
            break
        runs = _runs_read_back(text)
        if not runs:
            break
        text, where = _spliced(text, where, runs)
    if "\u00e2\u20ac" in text:
        text, where = _spliced(text, where, [(match.start(), match.end(), ["\u201d"],
                                              [match.start()])
                                             for match in _LOST_QUOTE.finditer(text)])
    return text, where


def repair_mojibake(text: str) -> str:
    """:func:`mojibake_repaired` without the positions.

    >>> repair_mojibake("Itâ€™s a cafÃ© â€œnearâ€\ufffd Ã‰vian, Â£5 â€” ðŸ˜€")
    'It’s a café “near” Évian, £5 — 😀'
    >>> repair_mojibake("ÐŸÑ€Ð¸Ð²ÐµÑ‚ and Ã¢â‚¬â„¢")  # Russian; a quote decoded wrongly twice
    'Привет and ’'
    >>> repair_mojibake("café\u00a0» NÃO »Straße«") == "café\u00a0» NÃO »Straße«"
    True
    """
    return mojibake_repaired(text)[0]


def decode_references(text: str) -> str:
    """``text`` with its HTML character references read as the characters they stand for,
    as ``html.unescape`` reads them (a reference to a line break as a space; an unknown
    name is left as it is).

    A reference escaped again (``&amp;rsquo;``, ``&amp;amp;#8217;``: text escaped twice
    or more, as a feed that escapes what it took from another feed gives it) is read as the
    character too; ``&amp;`` before anything else is ``&``.

    >>> decode_references("Obama&rsquo;s &ldquo;plan&rdquo; &amp; the &#8220;cuts&#x201D; &foo;")
    'Obama’s “plan” & the “cuts” &foo;'
    >>> decode_references("Obama&amp;rsquo;s &amp;amp;#8220;plan&amp;#x201D; AT&amp;T")
    'Obama’s “plan” AT&T'
    """
    return _references_decoded(text, None)[0]


def _references_decoded(text: str, where: I64 | None) -> tuple[str, I64 | None]:
    """:func:`decode_references`, carrying ``where`` along if given."""
    if "&" not in text:
        return text, where
    for _ in range(3):
        if "&amp;" not in text:
            break
        text, where = substituted(text, where, _ESCAPED_AGAIN, "&")
    return substituted(text, where, _REFERENCE, _decoded)


def normalize_text(text: str) -> str:
    """Return ``text`` in the canonical form used for comparison.

    Line breaks are kept (they separate paragraphs); other whitespace runs become one space.

    >>> normalize_text("“Ｎetflix’s”  AI\u00a0—  jobs")
    '"netflix\\'s" ai - jobs'
    """
    folded = nfkc(text).casefold().translate(_FOLD_TABLE)
    # Removing invisible characters and case folding ("ß" -> "ss") can bring a combining mark
    # next to a letter it composes with: compose again, or a second pass would change the text.
    folded = nfkc(folded)
    collapsed: str = _SPACES.sub(" ", folded)
    return collapsed.strip(" ")


def nfkc(text: str, boundary: str = "\n") -> str:
    """``unicodedata.normalize("NFKC", text)``, computed piece by piece between ``boundary``
    characters (a line break, or the NUL that joins pieces of text).

    Such a character is a boundary normalization never crosses (a starter that neither
    decomposes nor composes with a neighbour), so the result is the same. But the
    normalizer's quick check (is the text normalized already?) is per call: one line holding
    a non-breaking space or an ellipsis sent a whole chunk of articles, megabytes, through
    the full normalization, ~20 MB/s. Piece by piece only the pieces that need it pay: the
    reposts corpus, 42 MB in 373,525 lines of which 547 need it, 1.0 s -> 0.085 s.

    >>> text = "ﬁne\u00a0print\\nplain"
    >>> nfkc(text) == unicodedata.normalize("NFKC", text) == "fine print\\nplain"
    True
    """
    if text.isascii():  # no ASCII character changes (a flag of the string: no scan)
        return text
    if boundary not in text:
        return unicodedata.normalize("NFKC", text)
    return boundary.join([unicodedata.normalize("NFKC", piece) for piece in text.split(boundary)])


def token_text(text: str) -> str:
    """Normalize ``text`` and reduce it to space-separated tokens (line breaks kept).

    >>> token_text("Netflix's $900K job — “ghoulish”!")
    'netflix s 900k job ghoulish'
    >>> token_text("网飞招聘")
    '网 飞 招 聘'
    """
    spaced = _UNSPACED_SCRIPT.sub(r" \1 ", normalize_text(text))
    words = _NON_WORD.sub(" ", spaced)
    collapsed: str = _SPACES.sub(" ", words)
    return collapsed.strip(" ")
