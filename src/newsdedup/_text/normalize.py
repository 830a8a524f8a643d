"""Unicode normalization of article text, before paragraphs are tokenized.

Two articles that differ only in typography (curly vs straight quotes, en vs em dashes,
non-breaking spaces, full-width letters, letter case) must produce the same shingles. The
steps are: NFKC (compatibility forms, full-width letters, ligatures), case folding (a stronger,
language-neutral lower-casing), folding of quote and dash variants, of spelling variants of
one letter (Arabic-script kaf, yeh, alef and heh forms, short vowels and kashida; Cyrillic
"ё"), of digits of any script to ASCII digits, and collapsing whitespace.

Feeds and aggregators give text with HTML in it: a copy written ``Obama&rsquo;s <a
href="...">plan</a>`` must compare as ``Obama’s plan``. So once, when a paragraph's text is
taken from its article (``_text.paragraphs.chunk_paragraphs``, and the rewrite step's
reading), :func:`plain_text` removes its tags and reads its character references as the
characters they stand for; every step after reads that text (decoding twice would read
``&amp;amp;`` as ``&``). The spans still point at the text as given.

:func:`token_text` goes one step further for tokenization: everything that is not part of a
word becomes a space, and characters of scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar) become one token each, so shingles over them are
character n-grams.
"""

from __future__ import annotations

import html
import unicodedata

import regex

__all__ = ["LINE_BREAKS", "decode_references", "nfkc", "normalize_text", "plain_text",
           "token_text"]

_QUOTES_AND_DASHES: dict[str, str | None] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00ad": None,  # soft hyphen: invisible, must not split words
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
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
_REFERENCE = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: Line boundaries: those of str.splitlines(), \r\n counted once (``_text.paragraphs``
#: splits paragraphs at them).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: What a reference may not decode to: a line break (it would part a paragraph) or a NUL
#: (the rewrite step joins paragraphs with it).
_NOT_DECODED = LINE_BREAKS + "\x00"


def _decoded(match: regex.Match[str]) -> str:
    character = html.unescape(match.group())
    return " " if any(point in _NOT_DECODED for point in character) else character


#: An HTML tag (a letter right after ``<`` or ``</``: ``a < b`` is no tag) or comment.
_TAG = regex.compile(r"<!--.*?-->|</?([A-Za-z][A-Za-z0-9]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>",
                     regex.DOTALL)
#: Tags that part words (a block or a line break); others (``<a>``, ``<b>``, ``<span>``)
#: are removed without a trace, so that ``<b>Ne</b>ws`` reads as ``News``.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"})


def _untagged(match: regex.Match[str]) -> str:
    name = match.group(1)
    return " " if name is None or name.lower() in _BLOCK_TAGS else ""


def plain_text(text: str) -> str:
    """``text`` with its HTML tags and comments removed (a block's or a line break's as a
    space) and its character references decoded (:func:`decode_references`): what a
    paragraph's steps read.

    >>> plain_text('<p>Obama&rsquo;s <a href="https://x.example/a?b=1&amp;c=2">plan</a>'
    ...            '<br/>for <b>Ne</b>ws &lt;p&gt; 2 < 3</p>')
    ' Obama’s plan for News <p> 2 < 3 '
    """
    if "<" in text:
        text = _TAG.sub(_untagged, text)
    return decode_references(text)


def decode_references(text: str) -> str:
    """``text`` with its HTML character references read as the characters they stand for,
    as ``html.unescape`` reads them (a reference to a line break as a space; an unknown
    name is left as it is).

    >>> decode_references("Obama&rsquo;s &ldquo;plan&rdquo; &amp; the &#8220;cuts&#x201D; &foo;")
    'Obama’s “plan” & the “cuts” &foo;'
    """
    if "&" not in text:
        return text
    return _REFERENCE.sub(_decoded, text)


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
