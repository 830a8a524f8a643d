"""Reposts of real texts with roundup pages, at benchmark scale (issue #15, scenario 7).

:func:`repost_feed` posts each base text as an original and has it reposted 10-20 times by
20 aggregators, each repost messy the way real ones are: a header line on half, the
aggregator's footer on most, cut to the first 60-80% of its paragraphs, 1-3 words edited, a
paragraph moved, quotes made straight or curly. Roundup pages carry the first ~40% of two or
three articles of one topic under their titles.

A base corpus is small (ECB+ has 413 documents), so larger feeds reuse it: *instance* ``k``
of a text (k >= 1) is the text with every word replaced through a permutation of the base
vocabulary that is fixed per instance (:func:`rekey`). Words only trade places with words of
similar frequency and the same shape (capitalized or not, with or without digits), so an
instance keeps the real text's paragraph structure, word-frequency profile, repeated names
and shared quotes between documents of one event, while sharing no word 5-gram with other
instances: it is a different original. Instance 0 is the real text.

>>> from newsdedup._corpora.messy import BaseDocument
>>> docs = [BaseDocument(f"d{n}", "\\n\\n".join(f"Item {p} of report {n} says the mayor agreed."
...                                            for p in range(4)), f"e{n}", "t") for n in range(3)]
>>> corpus = repost_feed(docs, 60, seed=0)
>>> len(corpus.articles), corpus.labels[corpus.articles[0].id].kind
(60, 'original')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence

import attrs

from .._text.article import Article
from .._text.paragraphs import split_lines
from .messy import (
    START,
    BaseDocument,
    MessyCorpus,
    _corpus,
    _original,
    aggregator_names,
    distinct_documents,
    messy_repost,
    outlet_names,
)
from .syndication import _syndicate
from .synthetic import ArticleLabels

__all__ = ["iter_repost_feed", "rekey", "repost_feed"]

_TOKEN = re.compile(r"\w+")
_BAND = 64  # words trade places within bands of this many ranks


def _word_class(word: str, capitalized: float) -> int:
    return 2 * any(c.isdigit() for c in word) + (capitalized >= 0.5)


def vocabulary_bands(docs: Sequence[BaseDocument]) -> dict[str, tuple[str, ...]]:
    """Case-folded words of ``docs`` by class (``"0"`` plain, ``"1"`` mostly capitalized,
    ``"2"``/``"3"`` with digits), most frequent first (ties by the word)."""
    counts: Counter[str] = Counter()
    capitals: Counter[str] = Counter()
    for doc in docs:
        for word in _TOKEN.findall(doc.text):
            folded = word.casefold()
            counts[folded] += 1
            capitals[folded] += word[:1].isupper()
    classes: dict[str, list[str]] = {}
    for word, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        key = str(_word_class(word, capitals[word] / count))
        classes.setdefault(key, []).append(word)
    return {key: tuple(words) for key, words in classes.items()}


def _permutation(bands: dict[str, tuple[str, ...]], instance: int) -> dict[str, str]:
    seed = hashlib.blake2b(f"rekey:{instance}".encode(), digest_size=8).digest()
    chooser = random.Random(int.from_bytes(seed, "big"))
    mapping: dict[str, str] = {}
    for key in sorted(bands):
        words = bands[key]
        for start in range(0, len(words), _BAND):
            band = list(words[start:start + _BAND])
            shuffled = band[:]
            chooser.shuffle(shuffled)
            mapping.update(zip(band, shuffled, strict=True))
    return mapping


def _recase(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def rekey(text: str, mapping: dict[str, str]) -> str:
    """``text`` with each word replaced through ``mapping`` (case-folded keys), keeping its
    capitalization; words not in the mapping stay.

    >>> rekey("The Mayor said no.", {"the": "a", "mayor": "judge", "said": "told"})
    'A Judge told no.'
    """
    return _TOKEN.sub(lambda m: _recase(mapping.get(m.group().casefold(), m.group()),
                                        m.group()), text)


def iter_repost_feed(docs: Sequence[BaseDocument], seed: int = 0, *,
                     reposts: tuple[int, int] = (10, 20), n_aggregators: int = 20,
                     truncate_rate: float = 0.4, truncate_range: tuple[float, float] = (0.6, 0.8),
                     header_rate: float = 0.5, footer_rate: float = 0.85,
                     edit_rate: float = 0.7, move_rate: float = 0.2, quote_rate: float = 0.5,
                     roundup_rate: float = 0.03, roundup_share: tuple[float, float] = (0.35, 0.45),
                     days: float = 30.0, start: dt.datetime = START, hashed_ids: bool = True
                     ) -> Iterator[tuple[Article, ArticleLabels]]:
    """Endless stream of :func:`repost_feed` (same knobs), topic by topic, instance by
    instance; a shorter feed is a prefix of a longer one."""
    for article, labels in _stream(docs, seed, reposts, n_aggregators, truncate_rate,
                                   truncate_range, header_rate, footer_rate, edit_rate,
                                   move_rate, quote_rate, roundup_rate, roundup_share, days,
                                   start):
        yield (_hashed(article, labels) if hashed_ids else (article, labels))


def _hashed_id(article_id: str) -> str:
    return f"{hashlib.blake2b(article_id.encode(), digest_size=3).hexdigest()}:{article_id}"


def _hashed(article: Article, labels: ArticleLabels) -> tuple[Article, ArticleLabels]:
    """Ids led by a short digest: their sort order then says nothing about topic or source
    (a structured id order biases id-ordered samples; see docs/messy.md)."""
    new = _hashed_id(article.id)
    return (attrs.evolve(article, id=new, url=article.url and article.url.replace(
        article.id, new)), attrs.evolve(
        labels, id=new, group=f"g:{_hashed_id(labels.group[2:])}",
        canonical=_hashed_id(labels.canonical),
        derived_from=labels.derived_from and _hashed_id(labels.derived_from),
        parts=tuple(_hashed_id(part) for part in labels.parts)))


def _stream(docs: Sequence[BaseDocument], seed: int, reposts: tuple[int, int],
            n_aggregators: int, truncate_rate: float, truncate_range: tuple[float, float],
            header_rate: float, footer_rate: float, edit_rate: float, move_rate: float,
            quote_rate: float, roundup_rate: float, roundup_share: tuple[float, float],
            days: float, start: dt.datetime) -> Iterator[tuple[Article, ArticleLabels]]:
    base = distinct_documents(docs)
    if not base:
        return
    bands = vocabulary_bands(base)
    aggregators = aggregator_names(n_aggregators)
    outlets = outlet_names(40)
    topics: dict[str, list[BaseDocument]] = {}
    for doc in base:
        topics.setdefault(doc.topic or doc.event, []).append(doc)
    roundup_numbers = itertools.count()
    for instance in itertools.count():
        chooser = random.Random(f"repost-feed:{seed}:{instance}")
        mapping = _permutation(bands, instance) if instance else {}
        order = sorted(topics)
        chooser.shuffle(order)
        for topic in order:
            members = sorted(topics[topic], key=lambda d: d.id)
            chooser.shuffle(members)
            topic_start = start + dt.timedelta(days=chooser.uniform(0, days))
            originals: list[tuple[Article, ArticleLabels]] = []
            for doc in members:
                article_id = doc.id if instance == 0 else f"{doc.id}#{instance}"
                published = topic_start + dt.timedelta(hours=chooser.uniform(0, 72))
                original = _original(doc, id=article_id, text=rekey(doc.text, mapping),
                                     outlet=chooser.choice(outlets), published=published,
                                     event=doc.event if instance == 0
                                     else f"{doc.event}#{instance}")
                originals.append(original)
                yield original
                for aggregator in chooser.sample(list(aggregators),
                                                 min(chooser.randint(*reposts), n_aggregators)):
                    cut = (chooser.uniform(*truncate_range)
                           if chooser.random() < truncate_rate else None)
                    yield messy_repost(
                        original[0], original[1], id=f"{article_id}~{aggregator}",
                        aggregator=aggregator, chooser=chooser,
                        header=chooser.random() < header_rate,
                        footer=chooser.random() < footer_rate, truncate=cut,
                        edits=chooser.randint(1, 3) if chooser.random() < edit_rate else 0,
                        move=chooser.random() < move_rate,
                        quotes=(chooser.random() < 0.5) if chooser.random() < quote_rate
                        else None, hours=chooser.uniform(0.25, 72))
            per_original = 1 + (reposts[0] + reposts[1]) / 2  # articles per original
            n_roundups = _poisson(chooser, roundup_rate * len(originals) * per_original)
            for _ in range(n_roundups if len(originals) >= 2 else 0):
                parts = chooser.sample(originals, min(len(originals), chooser.randint(2, 3)))
                yield _roundup(parts, f"roundup-{seed}-{next(roundup_numbers)}",
                               chooser.choice(aggregators), chooser, roundup_share)


def _poisson(chooser: random.Random, mean: float) -> int:
    count, total = 0, chooser.expovariate(1.0)
    while total < mean:
        count += 1
        total += chooser.expovariate(1.0)
    return count


def _roundup(parts: Sequence[tuple[Article, ArticleLabels]], id: str, aggregator: str,
             chooser: random.Random, share: tuple[float, float]
             ) -> tuple[Article, ArticleLabels]:
    """A roundup page: the first ``share`` of each part's paragraphs under its title."""
    blocks: list[str] = []
    for article, _ in parts:
        paragraphs = split_lines(article.text)
        keep = max(1, round(chooser.uniform(*share) * len(paragraphs)))
        blocks += [article.title or "More news", *paragraphs[:keep]]
    out, boilerplate, _, _ = _syndicate(blocks, source=aggregator, origin=None, chooser=chooser,
                                        header=chooser.random() < 0.5, footer=True, edit=False,
                                        truncate=None)
    dates = [a.published for a, _ in parts if a.published is not None]
    published = max(dates) + dt.timedelta(hours=chooser.uniform(1, 12)) if dates else None
    article = Article(id=id, text="\n\n".join(out), title=f"Roundup: {parts[0][0].title}",
                      source=aggregator, url=f"https://{aggregator}/{id}", published=published)
    return article, ArticleLabels(id, f"g:{id}", f"roundup:{id}", id, "roundup", boilerplate,
                                  parts=tuple(a.id for a, _ in parts))


def repost_feed(docs: Sequence[BaseDocument], n_articles: int, seed: int = 0,
                **knobs: object) -> MessyCorpus:
    """``n_articles`` of real texts reposted by aggregators, with roundups (module docstring).

    Knobs (see :func:`iter_repost_feed`): ``reposts`` range per original, ``n_aggregators``,
    ``truncate_rate``/``truncate_range``, ``header_rate``, ``footer_rate``, ``edit_rate``
    (1-3 words), ``move_rate``, ``quote_rate``, ``roundup_rate`` (roundups per article),
    ``roundup_share``, ``days``, ``start``, ``hashed_ids`` (ids led by a 6-hex-digit digest,
    e.g. ``3fa2c1:1_10ecb~dailyfeed.example``; the default). Gold: an original and its
    reposts form a group (the original canonical) in the original's event; a roundup is its
    own group and story.
    """
    stream = iter_repost_feed(docs, seed, **knobs)  # type: ignore[arg-type]
    return _corpus("repost-feed", list(itertools.islice(stream, n_articles)))
