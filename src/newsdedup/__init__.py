"""newsdedup: repeated paragraphs, boilerplate, duplicate articles and stories in news.

>>> import newsdedup
>>> result = newsdedup.dedup([
...     {"id": "a", "text": "Netflix lists AI jobs paying up to $900,000 during the strike."},
...     {"id": "b", "text": "Netflix lists AI jobs paying up to $900,000 during the strike."},
... ])
>>> result.articles[1].canonical_id
'a'
"""

import logging

from . import synthetic
from ._article import Article
from ._canonical import RULES as CANONICAL_RULES
from ._config import DedupConfig
from ._demo import demo_articles, seed_articles
from ._errors import ConfigError, IndexStoreError, InputError, MissingExtraError, NewsdedupError
from ._index import AddResult, DedupIndex, IndexChange, IndexDecision, open_index
from ._loaders import from_dataframe, load_inputs, read_jsonl, read_text_folder
from ._minhash import signatures, to_lean_minhash
from ._pipeline import dedup
from ._result import (
    ArticleResult,
    BoilerplateParagraph,
    Carrier,
    DedupResult,
    DuplicateGroup,
    GroupMember,
    Match,
    ParagraphProvenance,
    RepeatedParagraph,
    SharedParagraph,
    Story,
)

__version__ = "0.1.0"

# A library logs and lets the application decide where to (``newsdedup -v`` does).
logging.getLogger("newsdedup").addHandler(logging.NullHandler())

__all__ = [
    "CANONICAL_RULES",
    "AddResult",
    "Article",
    "ArticleResult",
    "BoilerplateParagraph",
    "Carrier",
    "ConfigError",
    "DedupConfig",
    "DedupIndex",
    "DedupResult",
    "DuplicateGroup",
    "GroupMember",
    "IndexChange",
    "IndexDecision",
    "IndexStoreError",
    "InputError",
    "Match",
    "MissingExtraError",
    "NewsdedupError",
    "ParagraphProvenance",
    "RepeatedParagraph",
    "SharedParagraph",
    "Story",
    "dedup",
    "demo_articles",
    "from_dataframe",
    "load_inputs",
    "open_index",
    "read_jsonl",
    "read_text_folder",
    "seed_articles",
    "signatures",
    "synthetic",
    "to_lean_minhash",
]
