"""Copy classes: articles with the same content paragraphs are one class."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig
from newsdedup._near_duplicates.copies import copy_classes
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import extract_features

CONFIG = DedupConfig()
BODY = ["Flood waters rose across the valley on Monday, forcing hundreds from their homes.",
        "Rescue crews used boats to reach villages cut off by the river, officials said."]


def _classes(articles: list[Article], content_of: object = None,
             preference: list[int] | None = None) -> tuple[object, object]:
    features = extract_features(articles, CONFIG)
    matches = match_paragraphs(features, CONFIG)
    content = features.shingles.sizes > 0
    if content_of is not None:
        content = content & content_of(features)  # type: ignore[operator]
    rank = np.arange(len(articles)) if preference is None else np.array(preference)
    return copy_classes(features.paragraph_article, matches.unique_of, content,
                        len(articles), rank), features


def test_copies_with_different_boilerplate_are_one_class() -> None:
    """Two reposts that differ only in a non-content footer share the original's class."""
    original = Article("orig", "\n".join(BODY))
    repost = Article("repost", "\n".join([*BODY, "Follow us for more news every day."]))
    other = Article("other", BODY[0])

    def not_footer(features: object) -> np.ndarray:
        mask = np.ones(len(features.shingles), dtype=bool)  # type: ignore[attr-defined]
        mask[-2] = False  # the repost's footer (the last paragraph is "other"'s)
        return mask

    classes, _ = _classes([original, repost, other], not_footer)
    assert classes.class_of.tolist() == [0, 0, 1]
    assert classes.representative.tolist() == [0, 2]
    assert classes.sizes().tolist() == [2, 1]


def test_an_article_without_content_is_in_no_class() -> None:
    """An article with no shingled paragraph has class -1 and is no class's member."""
    classes, _ = _classes([Article("a", "..."), Article("b", BODY[0])])
    assert classes.class_of.tolist() == [-1, 0]
    assert classes.members.tolist() == [1]


def test_the_representative_is_the_preferred_member() -> None:
    """The class's representative is its member of the smallest preference rank."""
    copies = [Article(f"c{n}", "\n".join(BODY)) for n in range(4)]
    classes, _ = _classes(copies, preference=[3, 1, 0, 2])
    assert classes.representative.tolist() == [2]
    assert classes.members.tolist() == [2, 1, 3, 0]


def test_a_class_lists_its_distinct_uniques() -> None:
    """A class's uniques are the distinct unique paragraphs of its content, once each."""
    classes, _ = _classes([Article("a", "\n".join([BODY[0], BODY[1], BODY[0]]))])
    assert classes.uniques.tolist() == [0, 1]
    assert classes.unique_offsets.tolist() == [0, 2]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["x", "y", "xy", "yx", "z", ""]), min_size=1, max_size=12),
       st.randoms(use_true_random=False))
def test_classes_do_not_depend_on_the_input_order(shapes: list[str], rng: object) -> None:
    """Property: shuffled input (with each article's preference) gives the same classes,
    numbered the same, with the same representatives."""
    text = {"x": BODY[0], "y": BODY[1], "z": "A different report on the city budget vote."}
    articles = [Article(f"a{n:02d}", "\n".join(text[c] for c in shape))
                for n, shape in enumerate(shapes)]
    preference = list(range(len(articles)))
    reference, _ = _classes(articles, preference=preference)
    order = list(range(len(articles)))
    rng.shuffle(order)  # type: ignore[attr-defined]
    shuffled, _ = _classes([articles[i] for i in order], preference=[preference[i] for i in order])
    assert [int(shuffled.class_of[order.index(n)]) for n in range(len(articles))] == \
        reference.class_of.tolist()
    assert [order[r] for r in shuffled.representative.tolist()] == \
        reference.representative.tolist()
    # Same content, same class: "xy" and "yx" are one text in another order.
    by_set = {}
    for article, shape in zip(range(len(articles)), shapes, strict=True):
        if shape:
            by_set.setdefault(frozenset(shape), set()).add(int(reference.class_of[article]))
    assert all(len(classes) == 1 for classes in by_set.values())
