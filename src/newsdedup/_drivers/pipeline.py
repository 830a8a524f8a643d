"""The batch driver: :func:`dedup` runs every step of the data flow over a corpus.

load -> features (normalize, split, tokenize, shingle, sign) -> paragraph matches (LSH +
exact verification) -> repeats, boilerplate -> article links -> duplicate groups -> stories ->
canonical + provenance -> result. The map step (features) runs here; the steps after it are
``_results.reduce.reduce_collected``, which the Dask driver and the incremental index run too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Sized
from typing import Any

from .._core.collector import collector_paused
from .._core.config import DedupConfig
from .._core.progress import run_progress
from .._near_duplicates.canonical import CanonicalKey
from .._results.reduce import reduce_collected
from .._results.result import DedupResult, attach_texts
from .._text.article import Article, is_dataframe
from .._text.features import collect_features
from .._text.loaders import from_dataframe

__all__ = ["dedup"]


def dedup(
    articles: Iterable[Article | Mapping[str, Any]],
    config: DedupConfig | None = None,
    *,
    canonical_key: CanonicalKey | None = None,
    keep_text: bool | None = None,
    progress: bool | None = None,
    **options: Any,
) -> DedupResult:
    """Find repeated paragraphs, boilerplate, duplicate groups and stories in ``articles``.

    ``articles`` is any iterable of :class:`Article` or mappings with ``id`` and ``text``
    (plus optional ``title``, ``url``, ``source``, ``published``), or a pandas DataFrame
    with those columns. Options are the fields of
    :class:`DedupConfig`, given as ``config`` or as keyword overrides.
    ``canonical_key`` replaces the default canonical rule: the member with the smallest key
    wins (ties: smallest id).

    ``keep_text`` keeps each article's text on its result (``ArticleResult.text`` and
    ``.paragraphs``, the records, the notebook views). By default (None) texts are kept when
    ``articles`` is a sequence (a list: the texts are in memory anyway, keeping them costs
    nothing) and dropped when it is a stream (a generator, :func:`read_jsonl`), whose texts
    would otherwise all be held at once. ``progress`` shows progress bars (None: when
    stderr is a terminal or in a notebook); stage timings are logged on the ``"newsdedup"``
    logger either way.

    >>> result = dedup([{"id": "a", "text": "Same words in the same order here."},
    ...                 {"id": "b", "text": "Same words in the same order here."}])
    >>> [(a.id, a.group_id == result.articles[0].group_id) for a in result.articles]
    [('a', True), ('b', True)]
    """
    settings = DedupConfig.from_options(config, **options)
    if is_dataframe(articles):  # its rows (iterating a DataFrame gives its column names)
        articles = from_dataframe(articles)
    if keep_text is None:
        keep_text = isinstance(articles, Sequence) and not isinstance(articles, str | bytes)
    # A user's key and the embeddings read the texts: kept on the articles. The links read
    # the texts of short pairs the shingles leave undecided (``_near_duplicates.word_edits``)
    # and rewrites those of the pairs they check (their supporting paragraphs, and whether
    # a rewrite in part is one): a stream's are kept on disk for the run, so it finds what
    # a list does.
    keep = keep_text or canonical_key is not None or settings.story_embedding_weight > 0.0
    spill = not keep
    # Anything but an iterable of records goes to the features step as is, to be refused there.
    countable = isinstance(articles, Iterable) and not isinstance(
        articles, str | bytes | Mapping | Article)
    total = len(articles) if countable and isinstance(articles, Sized) else None
    # The cyclic garbage collector is paused for the map step too (``_core.collector``):
    # its collections walk the articles read so far, again and again as they grow (0.24 s
    # of a streamed 100k run, 0.84 s at 300k, measured with ``gc.callbacks``).
    with run_progress(progress, total) as run, collector_paused():
        # Handed over in a list that the next steps empty: nothing else keeps the features
        # alive, so their largest arrays are freed as soon as no step needs them.
        handed_over = [collect_features(run.count(articles) if countable else articles,
                                        settings, keep, spill)]
        texts = [article.text for article in handed_over[0].articles] if keep_text else None
        result = reduce_collected(handed_over, settings, canonical_key)
    if texts is not None:
        attach_texts(result, texts)
    return result
