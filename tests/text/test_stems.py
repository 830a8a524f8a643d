"""Stems: words of a non-Latin alphabet cut to their first letters for the content terms."""

from __future__ import annotations

import re

import regex
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig
from newsdedup._text.features import extract_features
from newsdedup._text.stems import _ALPHABETS, STEM_LETTERS, stemmed

#: The rule as one expression (what :func:`stemmed` computes with arrays): a token of the
#: alphabets' letters (with their marks) only, longer than a stem, cut to the stem.
_LETTER = r"[[" + _ALPHABETS + r"]&&\p{L}]\p{M}*"
_REFERENCE = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}])((?:" + _LETTER + r"){" + str(STEM_LETTERS) + r"})"
    r"(?:" + _LETTER + r")+(?![\p{L}\p{M}\p{N}])", regex.V1)


def test_inflected_forms_of_one_word_share_a_stem() -> None:
    """Ukrainian and Russian case forms of a word (five letters of stem or more) become one
    term; Greek and Arabic-script words are cut the same way."""
    forms = ["пожежа", "пожежі", "пожежу", "пожежею", "пожежах"]
    assert len(set(stemmed(forms) or forms)) == 1
    assert stemmed(["Москвы", "Москве", "Москвой"]) == ["Москв"] * 3
    assert stemmed(["σεισμός", "σεισμού"]) == ["σεισμ", "σεισμ"]
    assert stemmed(["المدينة"]) == ["المدي"]


def test_what_is_not_cut() -> None:
    """Latin words (accented or not), words of a script written without spaces, words
    holding a digit, and words no longer than a stem stay whole; an ASCII batch is None."""
    kept = ["Zürich Kraków Киев", "東京で地震が発生しました", "рік2024 5км", "ліс"]
    assert stemmed(kept) is None
    assert stemmed(["Earthquakes struck the islands."]) is None
    assert stemmed(["Пожежа у Львові, Lviv."]) == ["Пожеж у Львов, Lviv."]


def test_a_stem_keeps_a_letter_s_marks() -> None:
    """A letter and its combining marks count as one (a Devanagari vowel sign, an accent
    written apart): the same word composed or decomposed gets one stem's letters."""
    composed, decomposed = "пожежею", "пожежею".replace("ж", "ж\u0301")
    assert stemmed([decomposed]) == ["пож\u0301еж\u0301"]
    assert stemmed([composed]) == ["пожеж"]
    word = "प्रधानमंत्री"  # letters with vowel signs and viramas between them
    cut = (stemmed([word]) or [word])[0]
    assert word.startswith(cut) and len(cut) > STEM_LETTERS


_CYRILLIC = st.text(alphabet="абвгдеєжзиіїйклмнопрстуфхцчшщьюя ,.0123456789ABC",
                    max_size=80)


@given(st.lists(_CYRILLIC, max_size=5))
def test_stemming_is_idempotent_and_keeps_the_words(texts: list[str]) -> None:
    """Cutting twice is cutting once; every text keeps its number of words, and each word
    is a prefix of the word it was."""
    once = stemmed(texts) or texts
    assert (stemmed(once) or once) == once
    for before, after in zip(texts, once, strict=True):
        words_before, words_after = re.findall(r"\w+", before), re.findall(r"\w+", after)
        assert len(words_before) == len(words_after)
        assert all(b.startswith(a) for a, b in zip(words_after, words_before, strict=True))


_MIXED = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщьюяΑαβγδεζ\u0301\u0902\u093eकखगघमनपत"
                         "ابتثجحخ٣abcxyz0123456789 ,.-\n東京", max_size=60)


@given(st.lists(_MIXED, min_size=1, max_size=4))
def test_the_array_cut_is_the_expression_s(texts: list[str]) -> None:
    """Cut by arrays over the code points, each text is what the expression gives it, in
    any mix of alphabets, marks, digits, Latin and unspaced letters."""
    expected = [_REFERENCE.sub(r"\1", text) for text in texts]
    assert (stemmed(texts) or texts) == expected


def test_features_count_the_stems_of_an_inflected_text() -> None:
    """Two reports writing a word in other cases share its term; their shingles (copies
    are found by exact words) are the words as written."""
    config = DedupConfig()
    first = extract_features([Article("a", "Рятувальники гасили пожежу в Києві.")], config)
    second = extract_features([Article("b", "Пожежа: рятувальників викликали до Києва.")],
                              config)
    assert len(set(first.terms.tolist()) & set(second.terms.tolist())) >= 2
    assert not set(first.shingles.values.tolist()) & set(second.shingles.values.tolist())
