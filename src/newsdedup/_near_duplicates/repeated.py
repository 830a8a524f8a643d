"""Repeated paragraphs: text that occurs twice, exactly or nearly, inside one article.

A paragraph is a repeat when an earlier paragraph of the same article has the same shingle
set (``exact``), or matches it (see ``_near_duplicates.paragraph_matches``): ``near-duplicate`` when
their Jaccard reaches ``paragraph_jaccard`` or they are one line edited in a few words,
``partial`` when only the shorter one is contained in the longer. Each repeat names the
earliest paragraph it repeats.
"""

from __future__ import annotations

import attrs
import numpy as np

from .._core.arrays import owner_offsets
from .._core.config import DedupConfig
from .._core.types import F64, I64
from .._kernels import near_repeats as _near_repeats
from .._text.features import Features
from .paragraph_matches import ParagraphMatches

__all__ = ["Repeats", "find_repeats"]


EXACT = "exact"
NEAR_DUPLICATE = "near-duplicate"
PARTIAL = "partial"


@attrs.frozen(slots=True)
class Repeats:
    """Repeated paragraphs (paragraph numbers), each with the earlier one it repeats."""

    paragraph: I64
    repeat_of: I64
    jaccard: F64
    containment: F64
    kind: tuple[str, ...]


def find_repeats(features: Features, matches: ParagraphMatches,
                 config: DedupConfig) -> Repeats:
    """Find repeated paragraphs inside each article."""
    article = features.paragraph_article
    unique_of = matches.unique_of
    n_unique = matches.representative.size
    rows = np.flatnonzero(unique_of >= 0)
    codes = article[rows] * max(n_unique, 1) + unique_of[rows]
    order = np.lexsort((rows, codes))
    sorted_codes, sorted_rows = codes[order], rows[order]
    # Exact repeats: later occurrences of the same unique paragraph in the same article.
    run_start = np.ones(sorted_codes.size, dtype=bool)
    run_start[1:] = sorted_codes[1:] != sorted_codes[:-1]
    first_of_run = sorted_rows[np.maximum.accumulate(np.where(run_start,
                                                              np.arange(run_start.size), 0))]
    exact_paragraph = sorted_rows[~run_start]
    exact_of = first_of_run[~run_start]

    # Near repeats: each occurrence of a matched pair's left member with the first occurrence
    # of its right member in the same article.
    by_left = np.lexsort((matches.right, matches.left))
    left_offsets = owner_offsets(matches.left, n_unique)
    left_rows, right_rows, pair = _near_repeats(
        features.article_paragraphs, unique_of, left_offsets, matches.right[by_left],
        by_left.astype(np.int64), matches.left[by_left] * np.int64(max(n_unique, 1))
        + matches.right[by_left])
    near_first = np.minimum(left_rows, right_rows)
    near_second = np.maximum(left_rows, right_rows)

    paragraph = np.concatenate([exact_paragraph, near_second])
    repeat_of = np.concatenate([exact_of, near_first])
    jaccard = np.concatenate([np.ones(exact_paragraph.size), matches.jaccard[pair]])
    containment = np.concatenate([np.ones(exact_paragraph.size), matches.containment[pair]])
    # One entry per repeated paragraph: exact first, then the most similar, then earliest.
    order = np.lexsort((repeat_of, -jaccard, paragraph))
    paragraph, repeat_of = paragraph[order], repeat_of[order]
    jaccard, containment = jaccard[order], containment[order]
    keep = np.ones(paragraph.size, dtype=bool)
    keep[1:] = paragraph[1:] != paragraph[:-1]
    paragraph, repeat_of = paragraph[keep], repeat_of[keep]
    jaccard, containment = jaccard[keep], containment[keep]
    # Under paragraph_jaccard, a match is the shorter one contained, or an edited line.
    kind = tuple(
        EXACT if j >= 1.0 else PARTIAL if (j < config.paragraph_jaccard
                                           and c >= config.paragraph_containment)
        else NEAR_DUPLICATE
        for j, c in zip(jaccard.tolist(), containment.tolist(), strict=True)
    )
    return Repeats(paragraph, repeat_of, jaccard, containment, kind)
