"""Shared paragraphs of two articles: which paragraph of one carries which of the other.

A match and a group's provenance say which paragraphs two articles share. Each content
paragraph of either article is paired with its counterpart in the other: a paragraph with the
same shingle set (similarity 1), else a matched paragraph (see
``_near_duplicates.paragraph_matches``) of the highest Jaccard, the earliest on ties. A text
repeated in both articles is aligned in order: the k-th occurrence on one side with the k-th on the
other (the last one when the other side has fewer). The pairs found from both sides are merged, so a
paragraph the other article repeats, or a caption matched in two of the other's paragraphs, is
listed with each; but two articles repeating one paragraph ten thousand times give ten thousand
pairs, not a hundred million.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .._core.types import F64, I64
from .._kernels import shared_kernel as _shared_kernel

__all__ = ["shared_paragraphs"]



def shared_paragraphs(article_paragraphs: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                      partners: tuple[I64, I64, F64], first: I64, second: I64
                      ) -> tuple[I64, I64, I64, F64]:
    """The shared paragraphs of each article pair ``(first[k], second[k])``.

    ``unique_of`` and ``content`` are per paragraph (unique-paragraph number; whether it is
    content), ``partners`` the CSR of each unique paragraph's matched partners with their
    Jaccard (``ParagraphMatches.partners``). Returns CSR ``offsets`` over the pairs and, for
    each shared pair, the paragraph numbers in ``first``'s and ``second``'s article and the
    similarity, sorted by the first article's paragraph, then the second's.
    """
    partner_offsets, partner, jaccard = partners
    return _shared_kernel(article_paragraphs, unique_of, content, partner_offsets, partner,
                          jaccard, first.astype(np.int64), second.astype(np.int64))

