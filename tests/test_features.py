"""The features map step: bulk paths equal the per-paragraph definitions, chunks and workers."""

from __future__ import annotations

import itertools
import random

import attrs
import numpy as np
import pytest

from conftest import load_ecbplus, load_seeds
from newsdedup import Article, DedupConfig
from newsdedup._features import (
    _BOILERPLATE_PATTERN,
    _PATTERN_MAX_TOKENS,
    _SALIENT_WORD,
    CHUNK_ARTICLES,
    Features,
    concat_features,
    extract_features,
    extract_features_parallel,
)
from newsdedup._normalize import normalize_text, token_text
from newsdedup._paragraphs import split_paragraphs
from newsdedup._synthetic import generate_corpus
from newsdedup._tokenize import hash_texts, hash_tokens

# Characters that stress normalization and word boundaries: compatibility forms, case folding
# that grows ("ß", "ẞ"), combining marks, invisible and deleted characters, unspaced scripts,
# digits of other scripts, "_" and joiners (regex word characters but not token characters),
# number signs that are not \w, surrogates, NUL and unusual white space.
_ODD = ("\u00a8", "\u00b4", "\u00ad", "\u200b", "\u200d", "\u2019", "\u201c", "\uff21\uff42",
        "\ufb01", "\u03a3", "\u00df", "\u1e9e", "\u0130", "\u0301", "网飞", "ภาษาไทย", "\u00a0",
        "\u3000", "\t", "\x1f", "\r", "`", "\u2014", "١٢٣", "हिन्दी", "\ud800", "\u01c4",
        "\u01c5", "\ufdfa", "\u337f", "\u00bd", "\u2122", "\U00010107", "_", "\x00", "A1",
        " Upper", ", Name", "; X", "9 Z", "ǅx", " click here ", " read the original article",
        "5 min read", "Follow us on X")


def _mangled_texts(seed: int, count: int = 400) -> list[str]:
    rng = random.Random(seed)
    base = [p for doc in load_ecbplus()[:120] for p in split_paragraphs(doc["text"])]
    out = []
    for paragraph in base[:count]:
        chars = list(paragraph)
        for _ in range(rng.randrange(0, 30)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_ODD))
        out.append("".join(chars).strip() or "x")
    return [*out, "", "Advertisement", "ADVERTISEMENT", "comments", "_share", "Share"]


def _all_paragraphs() -> list[str]:
    seeds = [p for article in load_seeds() for p in split_paragraphs(article.text)]
    ecb = [p for doc in load_ecbplus() for p in split_paragraphs(doc["text"])]
    return seeds + ecb + _mangled_texts(1) + _mangled_texts(2)


def _assert_same_tokens(bulk_texts: list[str], reference_texts: list[str]) -> None:
    bulk, reference = hash_texts(bulk_texts), hash_tokens(reference_texts)
    assert bulk.n_paragraphs == reference.n_paragraphs
    assert np.array_equal(bulk.paragraph, reference.paragraph)
    assert np.array_equal(bulk.hashes, reference.hashes)


def _assert_same_features(left: Features, right: Features) -> None:
    for field in attrs.fields(Features):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if field.name == "shingles":
            assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.values, b.values)
        elif isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), field.name
        else:
            assert a == b, field.name


def test_bulk_token_hashing_equals_per_paragraph_token_text() -> None:
    """hash_texts over a batch gives the tokens of token_text() paragraph by paragraph."""
    paragraphs = _all_paragraphs()
    _assert_same_tokens(paragraphs, [token_text(p) for p in paragraphs])
    for paragraph in paragraphs[-60:]:
        _assert_same_tokens([paragraph], [token_text(paragraph)])


def test_salient_words_in_bulk_equal_the_expression() -> None:
    """The vectorized salient words tokenize like _SALIENT_WORD.findall on each paragraph."""
    from newsdedup._features import _salient_texts

    paragraphs = _all_paragraphs()
    _assert_same_tokens(_salient_texts(paragraphs),
                        [token_text(" ".join(_SALIENT_WORD.findall(p))) for p in paragraphs])


def test_pattern_prefilter_misses_no_match() -> None:
    """Boilerplate-pattern flags equal the expression run on every short paragraph."""
    from newsdedup._features import _pattern_boilerplate
    from newsdedup._tokenize import hash_token_bytes, token_bytes

    paragraphs = [
        *_all_paragraphs(), "Read the original article here.", "Click  here to join",
        "About the Author",
        "Follow us on Twitter for more", "Connect with us via LinkedIn", "3 minute read",
        "This story first appeared on Example.", "Related Articles", "View all posts",
        "© All rights reserved.", "Stay tuned with us", "Sponsored content", "Leave a reply",
        "Originally published at example.com", "Sign up for our newsletter", "advertising",
        "Share this article", "Like this story?", "Subscribe now", "Denial of responsibility",
        "read_the original article", "Ｒｅａｄ the full story"]
    data, ambiguous = token_bytes(paragraphs)
    tokens = hash_token_bytes(data, len(paragraphs))
    counts = np.bincount(tokens.paragraph, minlength=len(paragraphs))
    expected = np.array([count <= _PATTERN_MAX_TOKENS
                         and _BOILERPLATE_PATTERN.search(normalize_text(p)) is not None
                         for p, count in zip(paragraphs, counts, strict=True)])
    assert expected.sum() > 20
    assert np.array_equal(_pattern_boilerplate(paragraphs, tokens, counts, ambiguous), expected)


def test_extract_features_on_the_seeds() -> None:
    """Seeds: every paragraph is covered, signatures have num_perm columns, terms are sorted."""
    seeds = load_seeds()
    features = extract_features(seeds, DedupConfig())
    n_paragraphs = sum(len(split_paragraphs(a.text)) for a in seeds)
    assert features.n_articles == 5
    assert features.article_paragraphs[-1] == n_paragraphs == len(features.shingles)
    assert features.signatures.shape == (n_paragraphs, 128)
    assert features.signatures.dtype == np.uint32
    assert features.spans.shape == (n_paragraphs, 2)
    for start, stop in zip(features.article_terms[:-1], features.article_terms[1:], strict=True):
        assert np.all(np.diff(features.terms[start:stop].astype(np.float64)) > 0)
    # Seed 004 ends in aggregator boilerplate the pattern knows ("Read original article here").
    last = features.article_paragraphs[5] - 1
    assert features.pattern_boilerplate[last]


def test_a_title_with_a_line_break_is_one_title() -> None:
    """A line break in a title does not shift the paragraphs (it used to raise IndexError)."""
    plain = extract_features([Article("a", "Body text here.", title="Big news today")],
                             DedupConfig())
    broken = extract_features([Article("a", "Body text here.", title="Big news\ntoday")],
                              DedupConfig())
    _assert_same_features(plain, broken)


def test_chunks_concatenate_to_one_chunk() -> None:
    """Features of consecutive chunks, concatenated, equal those of one chunk."""
    articles = list(generate_corpus(60, seed=3).articles) + [
        Article(f"odd{n}", text, title=text[:20]) for n, text in enumerate(_mangled_texts(3, 40))]
    whole = extract_features(articles, DedupConfig())
    for cuts in ([0, 1, len(articles)], [0, 17, 18, 50, len(articles)], [0, 99, len(articles)]):
        parts = [extract_features(articles[a:b], DedupConfig())
                 for a, b in itertools.pairwise(cuts)]
        _assert_same_features(concat_features(parts), whole)


@pytest.mark.parametrize("workers", [2])
def test_parallel_features_equal_serial(workers: int) -> None:
    """extract_features_parallel with workers=2 gives the arrays of the in-process run."""
    articles = list(generate_corpus(2 * CHUNK_ARTICLES + 37, seed=4).articles)
    serial = extract_features_parallel(articles, DedupConfig(workers=1))
    parallel = extract_features_parallel(articles, DedupConfig(workers=workers))
    _assert_same_features(parallel, serial)
