"""Copy classes: articles whose content is the very same set of paragraphs.

A wire story syndicated two thousand times, or a page a crawler fetched twice, gives many
articles whose non-boilerplate paragraphs are the same unique paragraphs (their headers and
footers, flagged boilerplate, may differ). Compared pair by pair they would make millions of
links, all with Jaccard 1. They form one *copy class* instead: the class is linked once to
other classes (``_near_duplicates.links``), joins a duplicate group whole
(``_near_duplicates.groups``) and is reported once (``_results.assemble``), so the cost of a run
grows with the number of distinct texts, not with the square of the number of copies.

Two articles are in one class when the sorted sets of unique paragraphs of their content
paragraphs are equal (compared through a 128-bit hash of the set: two different sets collide
with probability ~n^2 / 2^128). Articles without content paragraphs are in no class.
Each class has a *representative*: its member best by the caller's ``preference``.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import owner_offsets, sorted_unique
from .._core.hashing import fmix64
from .._core.types import I64, U64

__all__ = ["CopyClasses", "content_hashes", "copy_classes"]


_SECOND_HASH_SALT = np.uint64(0x9E3779B97F4A7C15)


@attrs.frozen(slots=True)
class CopyClasses:
    """Articles grouped into copy classes (see the module docstring).

    Attributes:
        class_of: class number of each article (-1: the article has no content paragraph).
        representative: article number of each class's best member by preference.
        member_offsets, members: CSR of each class's members, best first.
        unique_offsets, uniques: CSR of each class's distinct content unique paragraphs,
            ascending.
    """

    class_of: I64
    representative: I64
    member_offsets: I64
    members: I64
    unique_offsets: I64
    uniques: I64

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return int(self.representative.size)

    def sizes(self) -> I64:
        """Number of members of each class."""
        sizes: I64 = np.diff(self.member_offsets)
        return sizes


def content_hashes(paragraph_article: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                   n_articles: int) -> tuple[U64, U64, I64, I64]:
    """Two 64-bit hashes of each article's set of content unique paragraphs (0 for an article
    without content), and the sorted distinct (article, unique) incidences behind them
    (see :func:`copy_classes`).

    >>> import numpy as np
    >>> first, _, _, _ = content_hashes(np.array([0, 1, 1, 2]), np.array([5, 5, 5, 6]),
    ...                                 np.ones(4, dtype=bool), 3)
    >>> bool(first[0] == first[1]), bool(first[0] == first[2])
    (True, False)
    """
    rows = np.flatnonzero(content & (unique_of >= 0))
    # Distinct (article, unique) incidences, sorted by article then unique.
    n_unique_codes = max(int(unique_of.max(initial=0)) + 1, 1)
    codes = sorted_unique(paragraph_article[rows] * n_unique_codes + unique_of[rows])
    article, unique = codes // n_unique_codes, codes % n_unique_codes
    mixed = fmix64(unique.astype(np.uint64) + np.uint64(1))
    salted = fmix64(mixed ^ _SECOND_HASH_SALT)
    first_hash = np.zeros(n_articles, dtype=np.uint64)
    second_hash = np.zeros(n_articles, dtype=np.uint64)
    with np.errstate(over="ignore"):
        # Sums of mixed values: an order-independent hash of each article's set (its
        # elements are distinct, so a sum loses nothing a multiset hash would keep).
        np.add.at(first_hash, article, mixed)
        np.add.at(second_hash, article, salted)
    return first_hash, second_hash, article, unique


def copy_classes(paragraph_article: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                 n_articles: int, preference: I64) -> CopyClasses:
    """Group articles by their set of content unique paragraphs.

    ``unique_of[p]`` is paragraph ``p``'s unique-paragraph number, ``content[p]`` whether it
    counts as content (it has shingles and is not boilerplate); ``preference[a]`` ranks the
    articles (smaller is better; distinct values make the result independent of input order).

    >>> import numpy as np
    >>> classes = copy_classes(np.array([0, 1, 1, 2]), np.array([5, 5, 5, 6]),
    ...                        np.ones(4, dtype=bool), 3, np.array([2, 0, 1]))
    >>> classes.class_of.tolist(), classes.representative.tolist()
    ([0, 0, 1], [1, 2])
    """
    first_hash, second_hash, article, unique = content_hashes(paragraph_article, unique_of,
                                                              content, n_articles)
    has_content = np.zeros(n_articles, dtype=bool)
    has_content[article] = True
    with_content = np.flatnonzero(has_content)
    keys = np.stack([first_hash[with_content], second_hash[with_content]], axis=1)
    _, first_index, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    n_classes = first_index.size
    # Number classes by their best member's preference: independent of the input order.
    best = np.full(n_classes, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, inverse, preference[with_content])
    class_order = np.argsort(best, kind="stable")
    renumber = np.empty(n_classes, dtype=np.int64)
    renumber[class_order] = np.arange(n_classes)
    class_of = np.full(n_articles, -1, dtype=np.int64)
    class_of[with_content] = renumber[inverse]

    by_class = with_content[np.lexsort((preference[with_content], class_of[with_content]))]
    member_offsets = owner_offsets(class_of[with_content], n_classes)
    representative = by_class[member_offsets[:-1]]

    # Each class's uniques are its representative's (codes are sorted by article, unique).
    article_offsets = owner_offsets(article, n_articles)
    counts = np.diff(article_offsets)[representative]
    unique_offsets = np.zeros(n_classes + 1, dtype=np.int64)
    np.cumsum(counts, out=unique_offsets[1:])
    starts = np.repeat(article_offsets[representative], counts)
    within = np.arange(int(unique_offsets[-1]), dtype=np.int64) - np.repeat(
        unique_offsets[:-1], counts)
    uniques = unique[starts + within]
    return CopyClasses(class_of=class_of, representative=representative.astype(np.int64),
                       member_offsets=member_offsets, members=by_class.astype(np.int64),
                       unique_offsets=unique_offsets, uniques=uniques.astype(np.int64))
