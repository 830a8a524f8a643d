"""Unicode normalization of article text, before paragraphs are tokenized.

Two articles that differ only in typography (curly vs straight quotes, en vs em dashes,
non-breaking spaces, full-width letters, letter case) must produce the same shingles. The
steps are: NFKC (compatibility forms, full-width letters, ligatures), case folding (a stronger,
language-neutral lower-casing), folding of quote and dash variants, and collapsing whitespace.

:func:`token_text` goes one step further for tokenization: everything that is not part of a
word becomes a space, and characters of scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar) become one token each, so shingles over them are
character n-grams.
"""

from __future__ import annotations

import unicodedata

import regex

__all__ = ["normalize_text", "token_text"]

_QUOTES_AND_DASHES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
        "\u00ad": None,  # soft hyphen: invisible, must not split words
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    }
)

# Horizontal whitespace only: line breaks separate paragraphs and are kept.
_SPACES = regex.compile(r"[^\S\n]+")
# Word characters in the Unicode sense (letters, marks, digits), so that Arabic-script,
# Devanagari and other abugida words keep their combining vowel signs.
_NON_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}\n]+")
_UNSPACED_SCRIPT = regex.compile(
    r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}])"
)


def normalize_text(text: str) -> str:
    """Return ``text`` in the canonical form used for comparison.

    Line breaks are kept (they separate paragraphs); other whitespace runs become one space.

    >>> normalize_text("“Ｎetflix’s”  AI\u00a0—  jobs")
    '"netflix\\'s" ai - jobs'
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES_AND_DASHES)
    # Removing invisible characters and case folding ("ß" -> "ss") can bring a combining mark
    # next to a letter it composes with: compose again, or a second pass would change the text.
    folded = unicodedata.normalize("NFKC", folded)
    collapsed: str = _SPACES.sub(" ", folded)
    return collapsed.strip(" ")


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
