"""Stems: words of a non-Latin alphabet cut to their first letters for the content terms."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig
from newsdedup._text.features import extract_features
from newsdedup._text.stems import _ALPHABETS, STEM_LETTERS, stemmed_token_bytes
from newsdedup._text.terms import term_tokens
from newsdedup._text.tokenize import token_bytes

#: The rule as one expression over a text: a token (a run of letters, marks and digits; a
#: letter of a script written without spaces is a token of its own) of the alphabets'
#: letters (with their marks; marks before its first letter, stray, go with it) only, longer
#: than a stem, cut to the stem.
_LETTER = r"[[" + _ALPHABETS + r"]&&\p{L}]\p{M}*"
_IN_TOKEN = (r"[[\p{L}\p{M}\p{N}]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}"
             r"\p{Myanmar}]]")
_REFERENCE = regex.compile(
    r"(?<!" + _IN_TOKEN + r")(\p{M}*(?:" + _LETTER + r"){" + str(STEM_LETTERS) + r"})"
    r"(?:" + _LETTER + r")+(?!" + _IN_TOKEN + r")", regex.V1)


def _words(texts: list[str]) -> list[list[str]]:
    """Each text's tokens as the content terms count them."""
    data = token_bytes(texts)[0]
    cut = stemmed_token_bytes(data) or data
    return [line.split() for line in cut.decode().split("\n")]


def test_inflected_forms_of_one_word_share_a_stem() -> None:
    """Ukrainian and Russian case forms of a word become one term; Greek and Arabic-script
    words are cut the same way."""
    forms = ["пожежа", "пожежі", "пожежу", "пожежею", "пожежах"]
    assert {word for words in _words(forms) for word in words} == {"пожеж"}
    assert _words(["Москвы Москве Москвой"]) == [["москв"] * 3]
    assert _words(["σεισμός σεισμού"]) == [["σεισμ", "σεισμ"]]
    assert _words(["المدينة"]) == _words(["المدي"])  # (its yeh folded as tokens fold it)
    assert len({term_tokens([form]).hashes[0] for form in forms}) == 1


def test_what_is_not_cut() -> None:
    """Latin words (accented or not), words of a script written without spaces, words
    holding a digit, and words no longer than a stem stay whole; an ASCII batch is None."""
    kept = ["Zürich Kraków Киев", "東京で地震", "рік2024 5км", "ліс"]
    data = token_bytes(kept)[0]
    assert stemmed_token_bytes(data) is None
    assert stemmed_token_bytes(token_bytes(["Earthquakes struck the islands."])[0]) is None
    assert _words(["Пожежа у Львові, Lviv."]) == [["пожеж", "у", "львов", "lviv"]]


def test_a_stem_keeps_a_letter_s_marks() -> None:
    """A letter and its combining marks count as one (a Devanagari vowel sign, an accent
    written apart): the marks of the fifth letter stay, later letters and marks go."""
    assert _words(["пож\u0301еж\u0301ею"]) == [["пож\u0301еж\u0301"]]
    word = "प्रधानमंत्री"  # letters with vowel signs and viramas between them
    cut = _words([word])[0][0]
    assert word.startswith(cut) and STEM_LETTERS < len(cut) < len(word)


_MIXED = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщьюяαβγδεζθ\u0301\u0902\u093eकखगघमनपत"
                          "ابتثجحخ٣abcxyz0123456789 ,.-\n東京", max_size=60)


@given(st.lists(_MIXED, min_size=1, max_size=4))
def test_the_compiled_cut_is_the_expression_s(texts: list[str]) -> None:
    """Cut by one compiled pass over the token text, each text gives the tokens the
    expression's cut text gives, in any mix of alphabets, marks, digits, Latin and unspaced
    letters; cutting twice is cutting once."""
    data = token_bytes(texts)[0]
    once = stemmed_token_bytes(data) or data
    assert once == token_bytes([_REFERENCE.sub(r"\1", text) for text in texts])[0]
    assert (stemmed_token_bytes(once) or once) == once


def test_features_count_the_stems_of_an_inflected_text() -> None:
    """Two reports writing a word in other cases share its term; their shingles (copies
    are found by exact words) are the words as written."""
    config = DedupConfig()
    first = extract_features([Article("a", "Рятувальники гасили пожежу в Києві.")], config)
    second = extract_features([Article("b", "Пожежа: рятувальників викликали до Києва.")],
                              config)
    assert len(set(first.terms.tolist()) & set(second.terms.tolist())) >= 2
    assert not set(first.shingles.values.tolist()) & set(second.shingles.values.tolist())
