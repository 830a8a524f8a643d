"""Labeled synthetic news corpora: the way to build test sets with known answers.

:func:`generate_corpus` (or :func:`iter_corpus`, streaming) writes stories of original
articles, aggregator reposts of them (a header, the aggregator's fixed footer, a light edit,
sometimes a truncation), originals repeating a paragraph and digest pages, and labels every
article with the truth (:class:`ArticleLabels`: its duplicate group, story, canonical, kind,
boilerplate and repeated paragraphs). :func:`repost` and :func:`digest` do the same to your
own articles, e.g. to test tuning on real text; :func:`aggregator_boilerplate` gives an
aggregator's footer lines. Everything is deterministic in its arguments and seed.

>>> import newsdedup
>>> from newsdedup.synthetic import generate_corpus
>>> corpus = generate_corpus(300, seed=1)
>>> result = newsdedup.dedup(corpus.articles)
>>> truth = corpus.true_duplicate_pairs()
>>> found = {(m.a, m.b) for m in result.matches if m.is_duplicate}
>>> len(found & truth) / len(truth) > 0.9
True

Your own article reposted by an aggregator:

>>> from newsdedup import Article
>>> from newsdedup.synthetic import repost
>>> copy = repost(Article("a1", "First paragraph.\\n\\nSecond one."), source="hub.example",
...               seed=0, header=False, edit=False)
>>> copy.id, copy.text.startswith("First paragraph.")
('a1~hub.example~0', True)

Labels as JSONL for ``newsdedup eval`` (``group`` and ``story`` fields):

>>> labels = corpus.labels[corpus.articles[0].id]
>>> labels.kind, labels.canonical == corpus.articles[0].id
('original', True)
"""

from __future__ import annotations

from ._corpora.syndication import aggregator_boilerplate, digest, repost
from ._corpora.synthetic import ArticleLabels, SyntheticCorpus, generate_corpus, iter_corpus

__all__ = ["ArticleLabels", "SyntheticCorpus", "aggregator_boilerplate", "digest",
           "generate_corpus", "iter_corpus", "repost"]
