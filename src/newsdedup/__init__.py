"""newsdedup: repeated paragraphs, boilerplate, duplicate articles and stories in news.

>>> import newsdedup
>>> result = newsdedup.dedup([
...     {"id": "a", "text": "Netflix lists AI jobs paying up to $900,000 during the strike."},
...     {"id": "b", "text": "Netflix lists AI jobs paying up to $900,000 during the strike."},
... ])
>>> result.articles[1].canonical_id
'a'
"""

import importlib
import logging
from typing import TYPE_CHECKING, Any

from ._core.config import DedupConfig
from ._core.errors import (
    ConfigError,
    IndexStoreError,
    InputError,
    MissingExtraError,
    NewsdedupError,
)
from ._core.version import __version__ as __version__
from ._corpora.demo import demo_articles, seed_articles
from ._text.article import Article

if TYPE_CHECKING:
    from . import synthetic
    from ._drivers.pipeline import dedup
    from ._index.driver import AddResult, DedupIndex, IndexChange, IndexDecision, open_index
    from ._near_duplicates.canonical import RULES as CANONICAL_RULES
    from ._near_duplicates.minhash import signatures, to_lean_minhash
    from ._results.result import (
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
    from ._text.loaders import from_dataframe, load_inputs, read_jsonl, read_text_folder

# The rest of the public names are imported on first use (PEP 562), so that ``import
# newsdedup`` stays light: the pipeline brings numpy, scipy and regex, the index sqlite3.
_LAZY = {
    "CANONICAL_RULES": ("._near_duplicates.canonical", "RULES"),
    **{name: ("._index.driver", name) for name in (
        "AddResult", "DedupIndex", "IndexChange", "IndexDecision", "open_index")},
    **{name: ("._text.loaders", name) for name in (
        "from_dataframe", "load_inputs", "read_jsonl", "read_text_folder")},
    "signatures": ("._near_duplicates.minhash", "signatures"),
    "to_lean_minhash": ("._near_duplicates.minhash", "to_lean_minhash"),
    "dedup": ("._drivers.pipeline", "dedup"),
    **{name: ("._results.result", name) for name in (
        "ArticleResult", "BoilerplateParagraph", "Carrier", "DedupResult", "DuplicateGroup",
        "GroupMember", "Match", "ParagraphProvenance", "RepeatedParagraph", "SharedParagraph",
        "Story")},
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (see ``_LAZY``)."""
    if name == "synthetic":
        value: Any = importlib.import_module(".synthetic", __name__)
    elif name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module, __name__), attribute)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
