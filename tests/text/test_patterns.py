"""Pattern boilerplate: the token prefilter never hides a match of the expression."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import all_paragraphs
from newsdedup._text import patterns as patterns_module
from newsdedup._text.normalize import normalize_text
from newsdedup._text.patterns import BOILERPLATE_PATTERN, PATTERN_MAX_TOKENS, pattern_boilerplate
from newsdedup._text.tokenize import hash_token_bytes, token_bytes


def test_pattern_prefilter_misses_no_match() -> None:
    """Boilerplate-pattern flags equal the expression run on every short paragraph."""
    paragraphs = [
        *all_paragraphs(), "Read the original article here.", "Click  here to join",
        "About the Author",
        "Follow us on Twitter for more", "Connect with us via LinkedIn", "3 minute read",
        "This story first appeared on Example.", "Related Articles", "View all posts",
        "© All rights reserved.", "Stay tuned with us", "Sponsored content", "Leave a reply",
        "Originally published at example.com", "Sign up for our newsletter", "advertising",
        "Share this article", "Like this story?", "Subscribe now", "Denial of responsibility",
        "read_the original article", "Ｒｅａｄ the full story", "share", "the read more"]
    data, ambiguous = token_bytes(paragraphs)
    tokens = hash_token_bytes(data, len(paragraphs))
    counts = np.bincount(tokens.paragraph, minlength=len(paragraphs))
    expected = np.array([count <= PATTERN_MAX_TOKENS
                         and BOILERPLATE_PATTERN.search(normalize_text(p)) is not None
                         for p, count in zip(paragraphs, counts, strict=True)])
    assert expected.sum() > 20
    assert np.array_equal(pattern_boilerplate(paragraphs, tokens, counts, ambiguous), expected)


def test_long_paragraphs_are_never_pattern_boilerplate() -> None:
    """A paragraph over PATTERN_MAX_TOKENS tokens is not flagged, whatever it says."""
    long = "Read the original article here. " + "word " * PATTERN_MAX_TOKENS
    data, ambiguous = token_bytes([long])
    tokens = hash_token_bytes(data, 1)
    assert not pattern_boilerplate([long], tokens, np.bincount(tokens.paragraph),
                                   ambiguous).any()


def test_each_distinct_paragraph_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A site's footer line on thousands of pages is normalized and matched once: the
    checks of a batch of 3,000 paragraphs of two distinct footer lines normalize two
    texts, and flag every copy as the first."""
    texts = ["Subscribe to our newsletter for more local news.",
             "Follow us on Twitter and Facebook."] * 1500
    data, ambiguous = token_bytes(texts)
    tokens = hash_token_bytes(data, len(texts))
    normalized: list[str] = []

    def counted(text: str) -> str:
        normalized.append(text)
        return normalize_text(text)

    monkeypatch.setattr(patterns_module, "normalize_text", counted)
    patterns_module._matches_pattern.cache_clear()
    flags = pattern_boilerplate(texts, tokens, np.bincount(tokens.paragraph), ambiguous)
    assert flags.all()
    assert sorted(normalized) == sorted(set(texts))
