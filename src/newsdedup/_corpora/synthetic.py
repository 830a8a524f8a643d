"""Seeded, labeled synthetic news corpora for tests and benchmarks.

A corpus is a stream of *stories*. Each story has 1-6 independent original write-ups (fresh
text sharing the story's key terms: names, places, numbers), syndicated copies of them by
aggregators (a header and/or that aggregator's fixed footer, a lightly edited sentence, some
truncated), originals that repeat a paragraph, and a few digest pages joining two unrelated
originals. Every article comes with :class:`ArticleLabels` saying what it truly is.

Text is pseudo-English: pronounceable pseudo-words from a Zipf-like distribution behind real
function words. Words for a few hundred stories are drawn with numpy at once and turned into
text through a fixed-width token table, so 3 KB articles stream at tens of thousands per
second. Everything follows from the seed (``numpy.random.default_rng`` and ``random.Random``,
never the salted ``hash()``): the same seed gives byte-identical corpora in every process.

>>> corpus = generate_corpus(20, seed=1)
>>> len(corpus.articles), corpus.labels[corpus.articles[0].id].kind
(20, 'original')
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import random
from collections.abc import Iterator, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .._core.errors import ConfigError
from .._text.article import Article
from .._text.paragraphs import split_lines
from .syndication import (
    _edit,
    _later,
    _syndicate,
    aggregator_boilerplate,
    digest,
    repost,
)

__all__ = ["ArticleLabels", "SyntheticCorpus", "aggregator_boilerplate", "digest",
           "generate_corpus", "iter_corpus", "repost"]

# Real function words take the top frequency ranks; pseudo-words follow.
_FUNCTION_TEXT = (
    "the of and to a in that is for on it with as was said he by at from his be have has are "
    "an this but not they its who were had been their which will after more one would about "
    "her new than when she over up out into there two some could")
_SYLLABLE_TEXT = ("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh sl st th tr "
                  "b d k l m n r s t|a e i o u a e i o ai ea ou io")
_FUNCTION_WORDS = tuple(_FUNCTION_TEXT.split())
_ONSETS, _VOWELS = (tuple(part.split()) for part in _SYLLABLE_TEXT.split("|"))
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "nd", "st", "rk", "nt")
_OUTLET_SUFFIXES = ("times", "herald", "post", "daily", "gazette", "tribune", "observer", "news")
_AGGREGATOR_SUFFIXES = ("feed", "hub", "wire", "digest", "now", "roundup")
# Token-table rows: a token mid-sentence, before a comma, opening a sentence, closing a
# sentence, closing a paragraph, closing an article (the separator of a batch of texts).
_MID, _COMMA, _START, _END, _PARAGRAPH_END, _ARTICLE_END = range(6)
_ROW_ENDINGS = (" ", ", ", " ", ". ", ".\n\n", ".\x1e")
_N_NAMES, _N_NUMBERS, _KEY_NAMES, _KEY_NUMBERS = 20_000, 2_000, 6, 2
_CHUNK_STORIES = 256  # stories planned and written together
_WORDS_PER_PARAGRAPH = 3.5 * 17  # mean sentences per paragraph x mean words per sentence
_WRITEUP_WEIGHTS = (30, 25, 18, 12, 8, 7)
_KEY_TERM_RATE = 0.4  # share of sentences that mention one of the story's key terms
_KEY_TERM_WEIGHTS = np.array([4, 3, 2, 1.5, 1, 1, 1.5, 1]) / 15  # the leading names come up most
_COMMA_RATE = 0.06
_START_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@attrs.frozen(slots=True)
class ArticleLabels:
    """The ground truth for one synthetic article.

    Attributes:
        id: the article's id.
        group: duplicate-group label; an original and all its copies share it, a digest is
            its own group.
        story: story label; copies share their original's story, a digest is its own story.
        canonical: id of the group's original (a digest's own id).
        kind: ``"original"``, ``"copy"``, ``"truncated"`` (a copy cut short) or ``"digest"``;
            the messy-feed scenarios (``_corpora.messy``) add ``"template"``, ``"excerpt"``,
            ``"follow-up"``, ``"rewrite"``, ``"partial-rewrite"`` and ``"roundup"``.
        boilerplate_paragraphs: indices of added header/footer paragraphs.
        repeated_paragraphs: indices of paragraphs repeating an earlier one of the article.
            (Both count the text's non-blank lines, ``split_lines``: the library's paragraph
            indices unless a line before is cut into passages, ``_text.paragraphs``.)
        parts: for a digest, the ids of the articles it concatenates.
        key_terms: the story's key terms (names and numbers).
        derived_from: id of the article this one copies, excerpts, rewrites or follows up
            ("" for an original); used by the messy-feed scenarios (``_corpora.messy``).

    >>> ArticleLabels("a", "g1", "s1", "a", "original").is_original
    True
    """

    id: str
    group: str
    story: str
    canonical: str
    kind: str
    boilerplate_paragraphs: tuple[int, ...] = ()
    repeated_paragraphs: tuple[int, ...] = ()
    parts: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()
    derived_from: str = ""

    @property
    def is_original(self) -> bool:
        """True for an original write-up (the canonical member of its group)."""
        return self.kind == "original"


@attrs.frozen(slots=True)
class SyntheticCorpus:
    """A generated corpus: articles in stream order and their labels by id.

    >>> corpus = generate_corpus(30, seed=2)
    >>> all(a < b for a, b in corpus.true_duplicate_pairs())
    True
    """

    articles: tuple[Article, ...]
    labels: Mapping[str, ArticleLabels]

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Duplicate-group label → member ids, in stream order."""
        return self._members("group")

    def stories(self) -> dict[str, tuple[str, ...]]:
        """Story label → member ids, in stream order."""
        return self._members("story")

    def true_duplicate_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair of ids in one duplicate group, as ``(smaller, larger)``."""
        return {pair for members in self.groups().values()
                for pair in itertools.combinations(sorted(members), 2)}

    def _members(self, field: str) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for article in self.articles:
            out.setdefault(getattr(self.labels[article.id], field), []).append(article.id)
        return {key: tuple(ids) for key, ids in out.items()}


@attrs.frozen
class _Pools:
    """Precomputed text material, the same for every corpus seed."""

    tokens: tuple[str, ...]  # vocabulary words, then key names, then key numbers
    table: npt.NDArray[np.bytes_]  # row * len(tokens) + token → text with punctuation
    sampler: npt.NDArray[np.int32]  # word ids repeated by frequency: uniform draws are Zipf
    title_words: tuple[str, ...]  # common content words, capitalized
    vocab_size: int
    mean_token_bytes: float


def _pseudo_words(rng: np.random.Generator, count: int, taken: set[str],
                  syllables: Sequence[int]) -> list[str]:
    pieces = np.array(["", *(onset + vowel for onset in _ONSETS for vowel in _VOWELS)])
    words: list[str] = []
    while len(words) < count:
        size = int(1.3 * (count - len(words))) + 64
        picks = rng.integers(1, len(pieces), (size, 4))
        picks[np.arange(4) >= rng.choice(syllables, size)[:, None]] = 0  # unused syllables
        drawn = np.array(_CODAS)[rng.integers(0, len(_CODAS), size)]
        for column in range(4):
            drawn = np.char.add(pieces[picks[:, column]], drawn)
        lengths = np.char.str_len(drawn)
        for word in drawn[(lengths > 2) & (lengths <= 10)].tolist():  # keeps the table narrow
            if word not in taken and len(words) < count:
                taken.add(word)
                words.append(word)
    return words


@functools.lru_cache(maxsize=4)
def _pools(vocab_size: int) -> _Pools:
    rng = np.random.default_rng(20240101)  # fixed: the pools are the same for every corpus
    taken = set(_FUNCTION_WORDS)
    pseudo = _pseudo_words(rng, vocab_size - len(_FUNCTION_WORDS), taken, (1, 2, 2, 3, 3, 4))
    words = list(_FUNCTION_WORDS) + sorted(pseudo, key=len)  # frequent words are short
    names = [w.capitalize() for w in _pseudo_words(rng, _N_NAMES, taken, (2, 2, 3))]
    numbers = [template.format(amount, amount % 98 + 2) for template, amount in zip(
        rng.choice(["{0}", "${0},000", "{1} percent", "{1} million"], _N_NUMBERS).tolist(),
        rng.integers(2, 1000, _N_NUMBERS).tolist(), strict=True)]
    tokens = np.array(words + names + numbers)
    capitals = np.array([w.capitalize() for w in words] + names + numbers)
    table = np.concatenate([np.char.add(capitals if row == _START else tokens, ending)
                            for row, ending in enumerate(_ROW_ENDINGS)]).astype(np.bytes_)
    weights = 1.0 / (np.arange(vocab_size) + 2.7)
    weights /= weights.sum()
    slots = max(1 << 20, 8 * vocab_size)
    counts = np.maximum(1, np.floor(weights * slots)).astype(np.int64)
    counts[0] += slots - counts.sum()
    mean_bytes = float(weights @ np.char.str_len(tokens[:vocab_size]) + 1)
    return _Pools(tuple(tokens.tolist()), table,
                  np.repeat(np.arange(vocab_size, dtype=np.int32), counts),
                  tuple(capitals[len(_FUNCTION_WORDS):3000].tolist()), vocab_size, mean_bytes)


def _write(pools: _Pools, rng: np.random.Generator, key_terms: npt.NDArray[np.int32],
           words_per_article: float) -> list[tuple[str, str]]:
    """``(text, title words)`` of one original per row of ``key_terms`` (its story's terms).

    Paragraphs have 2-5 sentences of 6-28 words; a sentence in ``_KEY_TERM_RATE`` names
    one of the article's key terms. All randomness is drawn in bulk.
    """
    stride, n_articles = len(pools.tokens), len(key_terms)
    targets = words_per_article * (0.8 + 0.4 * rng.random(n_articles))
    paragraph_counts = np.maximum(1, np.rint(targets / _WORDS_PER_PARAGRAPH)).astype(np.int64)
    sizes = rng.integers(2, 6, int(paragraph_counts.sum()))
    lengths = rng.integers(6, 29, int(sizes.sum()))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    paragraph_ends = ends[np.cumsum(sizes) - 1]
    article_ends = paragraph_ends[np.cumsum(paragraph_counts) - 1]
    ids = pools.sampler[rng.integers(0, len(pools.sampler), int(ends[-1]))]
    term = rng.choice(len(_KEY_TERM_WEIGHTS), len(lengths), p=_KEY_TERM_WEIGHTS)
    term[rng.random(len(lengths)) >= _KEY_TERM_RATE] = -1  # -1: the sentence names no term
    leads = np.concatenate([[0], np.cumsum(sizes)[np.cumsum(paragraph_counts)[:-1] - 1]])
    term[leads], term[leads + 1] = 0, 1  # an article's first two sentences: the main names
    mention = term >= 0
    at = starts[mention] + (rng.random(int(mention.sum())) * lengths[mention]).astype(np.int64)
    ids[at] = key_terms[np.searchsorted(article_ends, at, side="right"), term[mention]]
    rows = np.zeros(len(ids), dtype=np.int32)
    rows[rng.integers(0, len(ids), int(_COMMA_RATE * len(ids)))] = _COMMA * stride
    rows[starts], rows[ends - 1] = _START * stride, _END * stride
    rows[paragraph_ends - 1] = _PARAGRAPH_END * stride
    rows[article_ends - 1] = _ARTICLE_END * stride
    text = pools.table[ids + rows].tobytes().translate(None, b"\0").decode("ascii")
    words = pools.title_words
    titles = [" ".join([words[i] for i in row])
              for row in rng.integers(0, len(words), (n_articles, 5)).tolist()]
    return list(zip(text.split("\x1e")[:-1], titles, strict=True))


def iter_corpus(n_articles: int, seed: int = 0, *, article_bytes: int = 3000,
                copies_rate: float = 0.3, truncate_rate: float = 0.3, repeat_rate: float = 0.05,
                digest_rate: float = 0.01, max_writeups: int = 6, days: float = 30.0,
                n_sources: int = 200, n_aggregators: int = 20, vocab_size: int = 50_000,
                start: dt.datetime = _START_DATE) -> Iterator[tuple[Article, ArticleLabels]]:
    """Stream ``n_articles`` synthetic articles with their labels, story by story.

    A generator: only a chunk of ~256 stories' original texts is held at a time, and a
    shorter run is a prefix of a longer one with the same seed. Knobs (defaults in the
    signature): ``article_bytes`` mean size of an original; ``copies_rate`` expected share of
    syndicated copies; ``truncate_rate`` share of copies cut to 60-80% of their paragraphs;
    ``repeat_rate`` share of originals repeating a paragraph (verbatim or one word changed);
    ``digest_rate`` share of digest pages; ``max_writeups`` most originals per story;
    ``days`` span of story dates after ``start`` (an aware datetime); ``n_sources`` outlets;
    ``n_aggregators`` aggregators; ``vocab_size`` words in the Zipf vocabulary.

    >>> article, labels = next(iter_corpus(10, seed=3))
    >>> labels.kind, labels.canonical == article.id, article.published.tzname()
    ('original', True, 'UTC')
    """
    for name, value, low, high in (
            ("n_articles", n_articles, 0, math.inf), ("article_bytes", article_bytes, 200, 1e7),
            ("copies_rate", copies_rate, 0, 0.9), ("truncate_rate", truncate_rate, 0, 1),
            ("repeat_rate", repeat_rate, 0, 1), ("digest_rate", digest_rate, 0, 0.5),
            ("max_writeups", max_writeups, 1, len(_WRITEUP_WEIGHTS)), ("days", days, 0, 1e5),
            ("n_sources", n_sources, max_writeups, _N_NAMES // 2),
            ("n_aggregators", n_aggregators, 1, _N_NAMES // 2),
            ("vocab_size", vocab_size, 1000, 1_000_000)):
        kind = "a number" if name.endswith(("rate", "days")) else "an integer"
        if isinstance(value, bool) or not isinstance(value, int if kind == "an integer" else
                                                     int | float) or not low <= value <= high:
            raise ConfigError(f"expected {name!r} to be {kind} from {low} to {high}, "
                              f"got {value!r}")
    if copies_rate + digest_rate > 0.9:
        raise ConfigError(f"expected copies_rate + digest_rate at most 0.9, got "
                          f"{copies_rate} + {digest_rate}")
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise ConfigError(f"expected an aware datetime for 'start', got {start!r}")
    stream = _endless(seed, article_bytes, copies_rate, truncate_rate, repeat_rate, digest_rate,
                      max_writeups, days, n_sources, n_aggregators, vocab_size, start)
    return (item for item in itertools.islice(stream, n_articles))


def _endless(seed: int, article_bytes: int, copies_rate: float, truncate_rate: float,
             repeat_rate: float, digest_rate: float, max_writeups: int, days: float,
             n_sources: int, n_aggregators: int, vocab_size: int,
             start: dt.datetime) -> Iterator[tuple[Article, ArticleLabels]]:
    pools = _pools(vocab_size)
    rng = np.random.default_rng(seed)
    chooser = random.Random(int(rng.integers(2**62)))
    words_per_article = article_bytes / (pools.mean_token_bytes + _COMMA_RATE)
    names = pools.tokens[vocab_size:vocab_size + _N_NAMES]
    outlets = [f"{name.lower()}-{_OUTLET_SUFFIXES[i % 8]}.example"
               for i, name in enumerate(names[:n_sources])]
    aggregators = [f"{name.lower()}{_AGGREGATOR_SUFFIXES[i % 6]}.example"
                   for i, name in enumerate(names[-n_aggregators:])]
    per_original = 1.0 - copies_rate - digest_rate
    stride = len(pools.tokens)
    weights = np.array(_WRITEUP_WEIGHTS[:max_writeups]) / sum(_WRITEUP_WEIGHTS[:max_writeups])
    ids, stories = (f"syn{n:07d}" for n in itertools.count()), itertools.count()
    previous: list[tuple[Article, ArticleLabels]] = []
    while True:
        key_terms = np.concatenate(  # six names and two numbers per story
            [rng.integers(vocab_size, vocab_size + _N_NAMES, (_CHUNK_STORIES, _KEY_NAMES)),
             rng.integers(vocab_size + _N_NAMES, stride, (_CHUNK_STORIES, _KEY_NUMBERS))],
            axis=1).astype(np.int32)
        writeups = rng.choice(np.arange(1, max_writeups + 1), _CHUNK_STORIES, p=weights)
        texts = iter(_write(pools, rng, np.repeat(key_terms, writeups, axis=0),
                            words_per_article))
        copy_counts = iter(rng.poisson(copies_rate / per_original, writeups.sum()).tolist())
        plans = zip(key_terms.tolist(), writeups.tolist(),
                    (days * rng.random(_CHUNK_STORIES)).tolist(),
                    rng.poisson(writeups * digest_rate / per_original).tolist(), strict=True)
        for story_terms, n_writeups, story_day, n_digests in plans:
            story = f"s{next(stories):07d}"
            terms = tuple(dict.fromkeys(pools.tokens[i] for i in story_terms))
            story_start = start + dt.timedelta(days=story_day)
            originals: list[tuple[Article, ArticleLabels]] = []
            for outlet in chooser.sample(outlets, n_writeups):
                (text, title), repeated = next(texts), tuple[int, ...]()
                if chooser.random() < repeat_rate:  # a paragraph again a little later
                    paragraphs = text.split("\n\n")
                    first = chooser.randrange(len(paragraphs))
                    again = paragraphs[first]
                    at = min(len(paragraphs), first + 1 + chooser.randrange(3))
                    paragraphs.insert(at, again if chooser.random() < 0.5
                                      else _edit(again, chooser, 1))
                    text, repeated = "\n\n".join(paragraphs), (at,)
                article_id = next(ids)
                originals.append((
                    Article(id=article_id, text=text, title=f"{terms[0]} {title}", source=outlet,
                            url=f"https://{outlet}/{article_id}",
                            published=story_start + dt.timedelta(hours=36 * chooser.random())),
                    ArticleLabels(article_id, f"g{article_id}", story, article_id, "original",
                                  repeated_paragraphs=repeated, key_terms=terms)))
                yield originals[-1]
            for original, labels in originals:
                for _ in range(next(copy_counts)):
                    aggregator = aggregators[chooser.randrange(n_aggregators)]
                    truncate = (0.6 + 0.2 * chooser.random()
                                if chooser.random() < truncate_rate else None)
                    paragraphs, boilerplate, offset, kept = _syndicate(
                        original.text.split("\n\n"), source=aggregator, origin=original.source,
                        chooser=chooser, header=chooser.random() < 0.5,
                        footer=chooser.random() < 0.85, edit=chooser.random() < 0.5,
                        truncate=truncate)
                    article_id = next(ids)
                    yield (Article(id=article_id, text="\n\n".join(paragraphs),
                                   title=original.title, source=aggregator,
                                   url=f"https://{aggregator}/{article_id}",
                                   published=_later(original.published,
                                                    0.25 + 72 * chooser.random())),
                           ArticleLabels(article_id, labels.group, story, labels.canonical,
                                         "copy" if truncate is None else "truncated",
                                         boilerplate, tuple(offset + i for i in
                                                            labels.repeated_paragraphs
                                                            if i < kept), key_terms=terms))
            for _ in range(n_digests if previous else 0):
                parts = (chooser.choice(previous), chooser.choice(originals))
                article_id, in_page, offset = next(ids), list[int](), 1
                for part, part_labels in parts:
                    in_page += [offset + i for i in part_labels.repeated_paragraphs]
                    offset += len(split_lines(part.text)) + 1
                yield (digest([part for part, _ in parts], id=article_id,
                              source=aggregators[chooser.randrange(n_aggregators)]),
                       ArticleLabels(article_id, f"g{article_id}", f"d{article_id}", article_id,
                                     "digest", (), tuple(in_page),
                                     parts=tuple(part.id for part, _ in parts)))
            previous = originals


def generate_corpus(n_articles: int, seed: int = 0, *, article_bytes: int = 3000,
                    copies_rate: float = 0.3, truncate_rate: float = 0.3,
                    repeat_rate: float = 0.05, digest_rate: float = 0.01,
                    max_writeups: int = 6, days: float = 30.0, n_sources: int = 200,
                    n_aggregators: int = 20, vocab_size: int = 50_000,
                    start: dt.datetime = _START_DATE) -> SyntheticCorpus:
    """The whole corpus of :func:`iter_corpus` (same knobs and defaults) with its labels.

    >>> corpus = generate_corpus(50, seed=7, copies_rate=0.5)
    >>> {"original", "copy"} <= {labels.kind for labels in corpus.labels.values()}
    True
    """
    stream = iter_corpus(
        n_articles, seed, article_bytes=article_bytes, copies_rate=copies_rate,
        truncate_rate=truncate_rate, repeat_rate=repeat_rate, digest_rate=digest_rate,
        max_writeups=max_writeups, days=days, n_sources=n_sources,
        n_aggregators=n_aggregators, vocab_size=vocab_size, start=start)
    pairs = list(stream)
    return SyntheticCorpus(tuple(article for article, _ in pairs),
                           {labels.id: labels for _, labels in pairs})
