"""newsdedup: repeated paragraphs, boilerplate, duplicate articles and stories in news."""

from ._article import Article
from ._config import DedupConfig
from ._errors import ConfigError, IndexStoreError, InputError, MissingExtraError, NewsdedupError

__all__ = [
    "Article",
    "ConfigError",
    "DedupConfig",
    "IndexStoreError",
    "InputError",
    "MissingExtraError",
    "NewsdedupError",
]
