"""Content terms: salient words by both paths equal the expression; counts and term ids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import all_paragraphs, assert_same_tokens
from newsdedup._text import terms as terms_module
from newsdedup._text.normalize import token_text
from newsdedup._text.terms import (
    SALIENT_WORD,
    caseless_texts,
    content_terms,
    document_frequencies,
    paragraph_term_tokens,
    salient_texts,
    term_ids,
)
from newsdedup._text.tokenize import hash_texts, hash_tokens, token_bytes


def test_salient_words_in_bulk_equal_the_expression() -> None:
    """The vectorized salient words tokenize like SALIENT_WORD.findall on each paragraph."""
    paragraphs = all_paragraphs()
    assert_same_tokens(salient_texts(paragraphs),
                       [token_text(" ".join(SALIENT_WORD.findall(p))) for p in paragraphs])


def _terms(hashes: np.ndarray) -> list[int]:
    """Content terms of token hashes: their upper 32 bits."""
    return (hashes >> np.uint64(32)).astype(np.uint32).tolist()  # type: ignore[no-any-return]


def _salient_occurrences(paragraphs: list[str]) -> tuple[dict[tuple[int, int], int],
                                                          set[tuple[int, int]]]:
    """(article, term) -> salient count, one article per paragraph, via content_terms; and
    all (article, term) pairs."""
    tokens = hash_texts(paragraphs)
    terms = content_terms(paragraphs, tokens, np.arange(len(paragraphs)),
                          np.zeros(len(paragraphs), dtype=bool), [""] * len(paragraphs),
                          len(paragraphs))
    owner = np.repeat(np.arange(len(paragraphs)), np.diff(terms.offsets))
    pairs = list(zip(owner.tolist(), terms.terms.tolist(), terms.salient.tolist(), strict=True))
    return {(a, t): c for a, t, c in pairs if c}, {(a, t) for a, t, _ in pairs}


def test_salient_counts_equal_the_expression_on_ascii_and_other_text() -> None:
    """Both the ASCII kernel and the general path count the expression's salient words.

    (A salient word whose token text differs from every token of its paragraph, which odd
    characters can cause, marks no content term.)
    """
    paragraphs = all_paragraphs()
    assert any(p.isascii() for p in paragraphs) and not all(p.isascii() for p in paragraphs)
    expected: dict[tuple[int, int], int] = {}
    reference = hash_tokens([token_text(" ".join(SALIENT_WORD.findall(p))) for p in paragraphs])
    for article, term in zip(reference.paragraph.tolist(), _terms(reference.hashes),
                             strict=True):
        expected[(article, term)] = expected.get((article, term), 0) + 1
    counted, present = _salient_occurrences(paragraphs)
    assert counted == {key: count for key, count in expected.items() if key in present}
    assert len(counted) > 1000


def test_paragraph_names_are_the_expression_s_words_of_each_paragraph() -> None:
    """Each paragraph's names are the distinct hashes of its SALIENT_WORD matches (ASCII and
    other text), sorted; a paragraph naming nothing has none."""
    paragraphs = all_paragraphs()
    tokens = hash_texts(paragraphs)
    terms = content_terms(paragraphs, tokens, np.arange(len(paragraphs)),
                          np.zeros(len(paragraphs), dtype=bool), [""] * len(paragraphs),
                          len(paragraphs))
    reference = hash_tokens([token_text(" ".join(SALIENT_WORD.findall(p))) for p in paragraphs])
    expected: list[set[int]] = [set() for _ in paragraphs]
    for paragraph, word in zip(reference.paragraph.tolist(), _terms(reference.hashes),
                               strict=True):
        expected[paragraph].add(word)
    offsets = terms.name_offsets.tolist()
    found = [terms.names[offsets[n]:offsets[n + 1]].tolist() for n in range(len(paragraphs))]
    # A salient word whose token text is no token of its paragraph (odd characters) is
    # still a word the paragraph names: the names are the expression's, not the terms'.
    assert found == [sorted(words) for words in expected]
    assert sum(map(len, found)) > 1000 and any(not words for words in found)


def test_content_terms_count_titles_twice_and_skip_pattern_paragraphs() -> None:
    """Title tokens weigh 2, a pattern paragraph's tokens are left out, terms are sorted."""
    texts = ["Storm hits Lima.", "Read more here."]
    terms = content_terms(texts, hash_texts(texts), np.array([0, 0]), np.array([False, True]),
                          ["Lima storm"], 1)
    counted = dict(zip(terms.terms.tolist(), terms.counts.tolist(), strict=True))
    lima, storm, here = _terms(hash_texts(["lima storm here"]).hashes)
    assert counted[lima] == 3 and counted[storm] == 3 and here not in counted
    assert terms.terms.dtype == np.uint32
    assert np.all(np.diff(terms.terms.astype(np.float64)) > 0)


@given(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63]), max_size=200))
def test_term_ids_number_distinct_values_in_sorted_order(values: list[int]) -> None:
    """term_ids gives sorted distinct values and ids that map back to every value."""
    array = np.array(values, dtype=np.uint64)
    ids, distinct = term_ids(array)
    assert np.array_equal(distinct, np.unique(array))
    assert np.array_equal(distinct[ids], array)


@given(st.lists(st.integers(0, 50), max_size=300), st.lists(st.integers(0, 60), max_size=40,
                                                             unique=True))
def test_document_frequencies_count_each_member(values: list[int], members: list[int]) -> None:
    """document_frequencies counts the occurrences of each distinct member in the values."""
    counts = document_frequencies(np.array(values, dtype=np.uint64),
                                  np.array(members, dtype=np.uint64))
    assert counts.tolist() == [values.count(member) for member in members]


def test_counts_saturate_at_8_bits_keeping_the_salient_share() -> None:
    """A term seen 700 times counts 255; its salient count is scaled alike."""
    lima, said = _terms(hash_texts(["lima said"]).hashes)
    for repeats, expected_said, expected_lima in ((200, (200, 0), (200, 199)),
                                                   (700, (255, 0), (255, 699 * 255 // 700))):
        text = " ".join(["Lima said"] * repeats)  # "Lima" salient after "said", not the first
        terms = content_terms([text], hash_texts([text]), np.array([0]), np.array([False]),
                              [""], 1)
        counted = dict(zip(terms.terms.tolist(), zip(terms.counts.tolist(),
                                                     terms.salient.tolist(), strict=True),
                           strict=True))
        assert counted[said] == expected_said
        assert counted[lima] == expected_lima


def test_names_after_an_article_or_a_time_abbreviation_are_salient() -> None:
    """A capitalised word after a capitalised article ("A Maplewood family") or after an
    abbreviation of single lower-case letters ("7 p.m. Tuesday") is a name, as after a
    lower-case word; after a sentence's end it is not. The bulk path and the ASCII kernel
    say the same (checked on every paragraph above)."""
    text = ("A Maplewood family returned home at 7 p.m. Tuesday. The Red Cross helped. "
            "An Elm Street house and a Quincy shop, e.g. Main Street. "
            "Smith left. AN Other. THE Place.")
    assert SALIENT_WORD.findall(text) == ["Maplewood", "7", "Tuesday", "Red", "Cross", "Elm",
                                          "Street", "Quincy", "Main", "Street"]
    assert salient_texts([text])[0].split() == SALIENT_WORD.findall(text)
    counted, _ = _salient_occurrences([text])
    assert sum(counted.values()) == 10


@pytest.mark.parametrize(("text", "caseless"), [
    ("Fire in Lima, 12 hurt.", False),
    ("Пожежа у Львові, 12 поранених.", False),  # Cyrillic has case
    ("Πυρκαγιά στην Αθήνα.", False),
    ("آگ لاہور میں، 12 زخمی۔", True),  # Urdu
    ("حريق في ليما أصاب 12 شخصا", True),
    ("שריפה בתל אביב", True),
    ("दिल्ली में आग, 12 घायल", True),  # Devanagari: vowel signs are marks
    ("北京发生火灾，12人受伤", True),
    ("ไฟไหม้ที่กรุงเทพ", True),
    ("BBC: حريق كبير في مدينة ليما اليوم", True),  # a Latin acronym inside
    ("12 345", False),  # no letters: nothing to tell
    ("", False),
])
def test_caseless_texts_by_script(text: str, caseless: bool) -> None:
    """A text is caseless when fewer than half of its letters have case."""
    assert caseless_texts([text, "Fire in Lima."]).tolist() == [caseless, False]


def test_a_caseless_paragraph_s_figures_weigh_but_name_nothing() -> None:
    """In a script without case a figure is still a salient term (its weight), but not a
    name of its paragraph: names are not marked there, and figures alone would make a poor
    names check. Latin and Cyrillic paragraphs name their figures as before."""
    paragraphs = ["حريق في ليما أصاب 12 شخصا", "Fire in lima hurt 12 people",
                  "Пожежа у місті, 12 поранених"]
    tokens = hash_texts(paragraphs)
    terms = content_terms(paragraphs, tokens, np.arange(3), np.zeros(3, dtype=bool),
                          [""] * 3, 3)
    twelve = int(hash_tokens(["12"]).hashes[0] >> np.uint64(32))
    owner = np.repeat(np.arange(3), np.diff(terms.offsets))
    salient = {int(a): int(c) for a, t, c in zip(owner, terms.terms, terms.salient, strict=True)
               if int(t) == twelve}
    assert salient == {0: 1, 1: 1, 2: 1}
    offsets = terms.name_offsets.tolist()
    names = [terms.names[offsets[n]:offsets[n + 1]].tolist() for n in range(3)]
    assert names == [[], [twelve], [twelve]]


_TYPOGRAPHIC = ["Police", "said", "Lima", "the", "A", "The", "fire", "p.m.", "12", ",", ";",
                ".", "\u2019", "\u201c", "\u201d", " \u2014 ", "\u2026", "\u00a0", "\u2009",
                "\u00ab", "\u00bb", "\u2032", "\u00ad", "caf\u00e9", "Z\u00f6e", "\u0661",
                "\u041b\u0456\u043c\u0430", "\u02bc", "\u0301"]


@given(st.lists(st.lists(st.sampled_from(_TYPOGRAPHIC), max_size=25).map(" ".join),
                min_size=1, max_size=8))
def test_typography_read_in_ascii_leaves_the_terms_as_they_were(texts: list[str]) -> None:
    """Paragraphs that are ASCII but for their typography are read by the compiled path,
    with stand-ins of the same classes (``SALIENT_TYPOGRAPHY``): their content terms,
    salient counts and names are those of reading them as written."""
    def terms() -> tuple[list[int], ...]:
        found = content_terms(texts, paragraph_term_tokens(token_bytes(texts)[0],
                                                           hash_texts(texts)),
                              np.zeros(len(texts), dtype=np.int64),
                              np.zeros(len(texts), dtype=bool), [""], 1)
        return (found.terms.tolist(), found.counts.tolist(), found.salient.tolist(),
                found.name_offsets.tolist(), found.names.tolist())

    fast = terms()
    saved = terms_module.SALIENT_TYPOGRAPHY
    try:
        terms_module.SALIENT_TYPOGRAPHY = {}
        assert terms() == fast
    finally:
        terms_module.SALIENT_TYPOGRAPHY = saved
