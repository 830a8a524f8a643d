"""The canonical rule's inputs (src/newsdedup/_near_duplicates/canonical_inputs.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from newsdedup import Article
from newsdedup._near_duplicates.canonical_inputs import (
    canonical_keys,
    neighbour_max_content,
    noise_counts,
    user_rank_keys,
)


def _pair_linked() -> tuple[Any, Any]:
    """Articles 0 and 1 in two copy classes linked as duplicates; article 2 has no class."""
    classes = SimpleNamespace(class_of=np.array([0, 1, -1]), representative=np.array([0, 1]))
    links = SimpleNamespace(a=np.array([0]), b=np.array([1]), duplicate=np.array([True]))
    return classes, links


def test_noise_counts_boilerplate_template_like_and_repeated_paragraphs() -> None:
    """Each article's paragraphs flagged for any reason, template-like and repeated ones."""
    features = SimpleNamespace(paragraph_article=np.array([0, 0, 1, 2]))
    boilerplate = SimpleNamespace(any=np.array([True, False, False, False]),
                                  template_like=np.array([False, False, True, False]))
    repeats = SimpleNamespace(paragraph=np.array([1]))
    assert noise_counts(features, boilerplate, repeats, 4).tolist() == [2, 1, 0, 0]


def test_neighbour_max_is_the_largest_content_among_linked_duplicates() -> None:
    """Duplicates share the larger content size; an article without class keeps its own."""
    classes, links = _pair_linked()
    content = np.array([10, 20, 5])
    assert neighbour_max_content(content, classes, links).tolist() == [20, 20, 5]


def test_default_keys_measure_completeness_against_the_neighbour_max() -> None:
    """Half the content of its duplicate is completeness step 10 of 20; the other is 19."""
    classes, links = _pair_linked()
    articles = [Article("a", "x"), Article("b", "y"), Article("c", "z")]
    keys = canonical_keys(articles, np.array([10, 20, 5]), classes, links, np.zeros(3, int))
    assert [key[1] for key in keys] == [-10, -19, -19]


def test_a_user_key_replaces_the_measured_inputs() -> None:
    """Under a user key the keys are the user's, whatever the measurements."""
    articles = [Article("a", "x"), Article("b", "y")]
    user_keys = user_rank_keys(articles, lambda article: -len(article.id))
    assert user_keys is not None
    classes, links = _pair_linked()
    assert canonical_keys(articles, np.array([1, 2]), classes, links, np.zeros(2, int),
                          user_keys) == user_keys
    assert user_rank_keys(articles, None) is None
