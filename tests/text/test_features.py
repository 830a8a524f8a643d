"""The features map step: bulk paths equal the per-paragraph definitions, chunks and workers."""

from __future__ import annotations

import itertools

import attrs
import numpy as np
import pytest

from conftest import all_paragraphs, assert_same_tokens, load_seeds, mangled_texts
from newsdedup import Article, DedupConfig
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._text.features import (
    CHUNK_ARTICLES,
    Features,
    concat_features,
    extract_features,
    extract_features_parallel,
    select_features,
    split_features,
)
from newsdedup._text.normalize import token_text
from newsdedup._text.paragraphs import split_paragraphs
from newsdedup._text.shingle import set_fingerprints


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
    paragraphs = all_paragraphs()
    assert_same_tokens(paragraphs, [token_text(p) for p in paragraphs])
    for paragraph in paragraphs[-60:]:
        assert_same_tokens([paragraph], [token_text(paragraph)])


def test_extract_features_on_the_seeds() -> None:
    """Seeds: every paragraph is covered, fingerprints match shingle sets, terms are sorted."""
    seeds = load_seeds()
    features = extract_features(seeds, DedupConfig())
    n_paragraphs = sum(len(split_paragraphs(a.text)) for a in seeds)
    assert features.n_articles == 5
    assert features.article_paragraphs[-1] == n_paragraphs == len(features.shingles)
    assert features.fingerprints.shape == (n_paragraphs,)
    assert np.array_equal(set_fingerprints(features.shingles), features.fingerprints)
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
    # Articles refuse lone surrogates (the tokenizer's handling of them is tested apart).
    odd = [text.replace("\ud800", "\ufffd") for text in mangled_texts(3, 40)]
    articles = list(generate_corpus(60, seed=3).articles) + [
        Article(f"odd{n}", text, title=text[:20]) for n, text in enumerate(odd)]
    whole = extract_features(articles, DedupConfig())
    for cuts in ([0, 1, len(articles)], [0, 17, 18, 50, len(articles)], [0, 99, len(articles)]):
        parts = [extract_features(articles[a:b], DedupConfig())
                 for a, b in itertools.pairwise(cuts)]
        _assert_same_features(concat_features(parts), whole)


@pytest.mark.parametrize("workers", [2])
def test_parallel_features_equal_serial(workers: int) -> None:
    """extract_features_parallel with workers=2 gives the arrays of the one-thread run."""
    articles = list(generate_corpus(2 * CHUNK_ARTICLES + 37, seed=4).articles)
    serial = extract_features_parallel(articles, DedupConfig(workers=1))
    parallel = extract_features_parallel(articles, DedupConfig(workers=workers))
    _assert_same_features(parallel, serial)


def test_collected_articles_keep_no_text_unless_asked() -> None:
    """collect_features drops texts (memory) but keeps every other field; keep_text keeps it."""
    from newsdedup._text.features import collect_features

    articles = [Article("a", "Text one.", title="T", source="s", extra={"k": 1}),
                Article("b", "  \n ")]
    slim = collect_features(articles, DedupConfig())
    assert [a.text for a in slim.articles] == ["", ""]
    assert [attrs.evolve(a, text="") for a in articles] == slim.articles
    assert slim.empty.tolist() == [False, True]
    kept = collect_features(iter(articles), DedupConfig(), keep_text=True)
    assert kept.articles == articles


def test_selected_features_equal_those_computed_alone() -> None:
    """select_features of some articles equals extract_features of just those articles."""
    from newsdedup._text.features import select_features

    articles = [*generate_corpus(40, seed=5).articles, Article("e", "")]
    whole = extract_features(articles, DedupConfig())
    chosen = [40, 3, 17, 0, 39]
    _assert_same_features(select_features(whole, np.array(chosen)),
                          extract_features([articles[n] for n in chosen], DedupConfig()))


def test_split_features_equals_selecting_each_article(seeds: list[Article]) -> None:
    features = extract_features([*seeds, Article("empty", ""), seeds[0]], DedupConfig())
    parts = split_features(features)
    assert len(parts) == features.n_articles
    for number, part in enumerate(parts):
        _assert_same_features(part, select_features(features, np.array([number])))


def test_paragraph_texts_read_each_text_once_as_the_steps_read_it() -> None:
    """``Features.paragraph_texts`` gives the paragraphs' text as ``chunk_paragraphs`` reads
    it (markup and references read), from the articles' texts, each text read once."""
    from newsdedup._text.paragraphs import chunk_paragraphs

    texts = ["<p>The mayor&rsquo;s plan.</p>\n\nA second line, long enough.", "",
             "One more article.\n\nIts last &amp; final line."]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    reads: list[int] = []

    class Counted(list[str]):
        def __getitem__(self, index: int) -> str:  # type: ignore[override]
            reads.append(index)
            return str(super().__getitem__(index))

    paragraphs = np.arange(features.spans.shape[0])
    assert features.paragraph_texts(Counted(texts), paragraphs) == chunk_paragraphs(texts)[2]
    assert reads == [0, 2]
