"""Stems: the words of an inflected language counted as one term whatever their endings.

A story is told in the words its reports share, and a language that inflects writes the
same word in many forms: Ukrainian "Київ", "Києва", "Києві", Russian "пожар", "пожара",
"пожаре", "пожаром". Two reports of one fire share the word and few of its forms, so their
term vectors (``_stories.vectors``) share little: on the ECB+ development documents
written in Cyrillic with 40% of their words in another form
(``python -m benchmarks.messy``, scenario 9: ``MessyCorpus.inflected``), the story step's
event ARI fell from 0.867 (the same Cyrillic text uninflected) to 0.458. Cutting each word
to its first ``STEM_LETTERS`` letters (a *truncation stem*, the stemmer of information
retrieval for languages without one: it needs no word list) brings it back to 0.828, and
raises a rewrite's story cosine with it, so that the rewrite step reads its texts (recall at
precision 0.9 on the inflected rewrites of scenario 6: 0.725 -> 0.858; character 4-gram
TF-IDF reaches 0.667 there).

The cut also joins words that differ: the look-alike events of scenario 5 (one report per
event, two events of a kind) written in Cyrillic without inflections fall from 0.935 to
0.900 with it; a language that inflects gains far more than that (above). English writes
few inflections, and on the English stand-ins the same cut cost the look-alike events
0.930 -> 0.902 and moved boilerplate and groups of the repost feed. So the cut applies
to words written in an alphabet other than Latin (Greek, Cyrillic, Armenian, Hebrew,
Arabic, Syriac, Thaana, the Indic scripts, Georgian, Ethiopic: ``_ALPHABETS``), where the
languages inflect (or attach particles) far more than English does;
Latin-script languages that inflect (Polish, Czech, Finnish) keep their forms, a limit.
Not cut: words of a script written without spaces (Chinese, Japanese, Thai: a token per
character already), Korean, words holding a digit (a figure is read whole) and words
holding a letter of another script.

Only the *content terms* are cut (what stories, the boilerplate topic check and the names
checks read), never the shingles: copies are still found by their exact words.

>>> from newsdedup._text.tokenize import token_bytes
>>> text = token_bytes(["Пожежа у Києві: рятувальники гасили пожежу. Fire in Kyiv."])[0]
>>> (stemmed_token_bytes(text) or text).decode().split()
['пожеж', 'у', 'києві', 'рятув', 'гасил', 'пожеж', 'fire', 'in', 'kyiv']
"""

from __future__ import annotations

import functools
import sys

import numpy as np
import numpy.typing as npt
import regex

from .._kernels import stem_token_bytes as _stem_token_bytes
from .tokenize import matching_code_points

__all__ = ["STEM_LETTERS", "stemmed_token_bytes"]

#: Letters a word is cut to. Five, the usual truncation for Slavic languages. On the ECB+
#: stand-ins of scenario 9 (event ARI uninflected / inflected, inflected rewrite recall):
#: four 0.860 / 0.854 / 0.883 (negatives linked 0.098), five 0.871 / 0.828 / 0.858
#: (0.078), six 0.866 / 0.838 / 0.850 (0.078, and the Ukrainian rewrites 0.767 for 0.783).
STEM_LETTERS = 5

#: The alphabets whose words are cut, by their Unicode blocks: Greek (and Greek Extended),
#: Cyrillic (and its supplement and Extended-C), Armenian, Hebrew, Arabic (and its
#: supplement and Extended-A), Syriac, Thaana, the Indic scripts from Devanagari to Sinhala,
#: Georgian (and Mtavruli), Ethiopic: all between U+0370 and U+1FFF. (Not: Latin; the
#: scripts written without spaces, Thai on, which ``_text.tokenize`` cuts a token per
#: character; Hangul, whose syllable blocks are words' parts already.)
_ALPHABETS = ("\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u1c80-\u1c8f\u0530-\u058f\u0590-\u05ff"
              "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u0700-\u074f\u0780-\u07bf\u0900-\u0dff"
              "\u10a0-\u10ff\u1c90-\u1cbf\u1200-\u137f")
#: UTF-8 lead bytes of U+0340 to U+1FFF, which hold every one of those blocks: a batch
#: whose bytes have none is passed over (an English text's curly quotes, U+2019, lead
#: with 0xE2).
_FIRST_LEAD, _LAST_LEAD = 0xCD, 0xE1


#: Bits of :func:`_classes`: a letter of those alphabets, a mark (a vowel sign, an accent
#: written apart: it belongs to the letter before it). (Tokens need no class: the token
#: text holds them apart by spaces.)
_CUT_LETTER, _MARK = 1, 2


@functools.cache
def _classes() -> npt.NDArray[np.uint8]:
    """The bits of every code point, as a table (built once, ~0.1 s)."""
    table = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    for bit, pattern in ((_CUT_LETTER, r"[[" + _ALPHABETS + r"]&&\p{L}]"), (_MARK, r"\p{M}")):
        table[matching_code_points(regex.compile(pattern, regex.V1))] |= bit
    return table


def stemmed_token_bytes(data: bytes) -> bytes | None:
    """Token text (``_text.tokenize.token_bytes``: UTF-8, tokens apart by spaces,
    paragraphs by line breaks) with each word of those alphabets cut to its first
    ``STEM_LETTERS`` letters, with their marks; None when none is cut. A word is a token
    made only of such letters and marks: a token holding a digit or a letter of another
    script is kept whole. One compiled pass (``stem_token_bytes``), after one pass over the
    bytes that passes over a batch without such letters.

    >>> stemmed_token_bytes("рятувальники гасили пожежу 5км\\nfire".encode()).decode()
    'рятув гасил пожеж 5км\\nfire'
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    if data.isascii() or not np.any((raw >= _FIRST_LEAD) & (raw <= _LAST_LEAD)):
        return None
    cut, count = _stem_token_bytes(raw, _classes(), STEM_LETTERS, _CUT_LETTER, _MARK)
    return None if count == 0 else cut.tobytes()
