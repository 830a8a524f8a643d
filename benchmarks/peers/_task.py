"""The task every peer performs, shared so that only the MinHash/LSH part differs.

newsdedup's near-duplicate detection, restated with plain Python sets and dictionaries:

1. **Paragraphs and shingles** (:func:`prepare`): ``newsdedup._text.paragraphs.split_paragraphs``
   (every non-blank line is a paragraph), newsdedup's normalization (``_text.normalize.token_text``:
   NFKC, case folding, everything that is not a letter, mark or digit becomes a space), and
   word 5-grams as strings; a paragraph shorter than five words is one shingle: the shingle
   sets newsdedup hashes. Exact repeats of a normalized paragraph are found with a
   dictionary, so each distinct paragraph (a *class*) is signed once, as newsdedup does. A
   class carried by more than 0.5% of the articles (and by more than 20) is boilerplate (an
   aggregator's footer) and is left out, the usual "drop lines repeated in many documents"
   step (``max_df`` in scikit-learn's terms): without it every pair of the ~1,000 articles
   carrying one footer would be compared (quadratic: minutes at 20k articles). It also means
   that an article reposted to more than 0.5% of the corpus could only be grouped through
   its edited paragraphs; no text in the corpora here comes near that (at most ~0.3%).
2. **Candidates**: the peer's MinHash (128 permutations, seed 1) and LSH (``BANDS`` bands of
   ``ROWS`` rows) over the classes. This is the only part that differs between peers.
3. **Exact verification and article pairs** (:func:`duplicate_groups`): a candidate pair of
   classes matches when the Jaccard of their shingle sets, or the share of the smaller set
   found in the larger, reaches 0.5 (``DedupConfig.paragraph_jaccard`` and
   ``paragraph_containment``); articles carrying one class share it exactly. Two articles
   sharing a matched or identical paragraph are duplicates when the unions of their
   (non-boilerplate) shingles have Jaccard >= 0.8, or one is contained in the other at >= 0.8
   while covering >= 0.5 of it (``article_threshold``, ``containment_threshold``,
   ``min_coverage``): newsdedup's rule, without its digest rule.
4. **Groups**: connected components of the duplicate pairs (union-find). An article pair
   whose articles are already in one component is not examined: it could not change the
   components, so the groups are those of examining every pair, at a cost linear in the
   copies of a widely reposted article rather than quadratic.

The banding: 32 bands of 4 rows use all 128 permutations; a pair is a candidate with
probability 0.87 at Jaccard 0.5 and 0.99 at 0.6 (the S-curve's midpoint is
``(1/32) ** (1/4)`` = 0.42). It is also what datasketch's ``MinHashLSH`` picks for
``threshold=0.4, num_perm=128``, and rensa and datatrove need a bands count that divides the
permutations. newsdedup bands 64 of its permutations as 32 bands of 2 rows (LSH threshold
0.3), which finds more candidates: the peers' banding is the cheaper one.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsdedup import DedupConfig
from newsdedup._text.normalize import token_text
from newsdedup._text.paragraphs import split_paragraphs

__all__ = ["BANDS", "BOILERPLATE_MIN", "BOILERPLATE_SHARE", "NUM_PERM", "ROWS", "SEED",
           "SHINGLE_SIZE", "Paragraphs", "StageClock", "article_pairs", "articles_duplicate",
           "duplicate_groups", "normalized", "prepare", "shingle_set"]

NUM_PERM = 128
SEED = 1
SHINGLE_SIZE = DedupConfig().shingle_size
BANDS, ROWS = 32, 4
#: Share of the articles, and least number, carrying one paragraph beyond which it is
#: boilerplate (see :class:`Paragraphs`).
BOILERPLATE_SHARE, BOILERPLATE_MIN = 0.005, 20

_NON_WORD_ASCII = re.compile(r"[\W_]+", re.ASCII)
#: Quotes, dashes, ellipsis and no-break space: token_text turns them into spaces, like any
#: other punctuation (NFKC first, for the last two).
_TYPOGRAPHIC = str.maketrans(dict.fromkeys("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
                                           "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
                                           "\u00ab\u00bb\u2039\u203a\u2032\u2033"
                                           "\u00a0\u2026", " "))


def normalized(paragraph: str) -> str:
    """``newsdedup._text.normalize.token_text(paragraph)``, with a fast path for the common case.

    ``token_text`` runs NFKC and a Unicode regular expression on every paragraph (~5× the
    cost of the rest of the preparation in pure Python). Text that is ASCII once typographic
    quotes, dashes, ellipses and no-break spaces are turned into spaces gives the same result
    with a lower-case and an ASCII regular expression (checked on the benchmark corpora by
    ``tests/test_bench_peers.py``); anything else goes through ``token_text`` itself.

    >>> normalized("“Ｎetflix’s” AI — jobs"), normalized("Netflix's $900K job!")
    ('netflix s ai jobs', 'netflix s 900k job')
    """
    plain = paragraph if paragraph.isascii() else paragraph.translate(_TYPOGRAPHIC)
    if plain.isascii():
        return _NON_WORD_ASCII.sub(" ", plain.lower()).strip(" ")
    return token_text(paragraph)


def shingle_set(words: list[str], size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Word ``size``-grams of a paragraph as strings (the whole paragraph when shorter).

    >>> sorted(shingle_set("a b c d e f".split()))
    ['a b c d e', 'b c d e f']
    >>> shingle_set(["short", "line"])
    frozenset({'short line'})
    """
    if len(words) < size:
        return frozenset((" ".join(words),)) if words else frozenset()
    return frozenset(map(" ".join, zip(*(words[start:] for start in range(size)), strict=False)))


@dataclass
class Paragraphs:
    """The distinct paragraphs of a corpus (after normalization) and the articles carrying them.

    Peers sign and index these *paragraph classes*: exact repeats are found by a dictionary,
    not by MinHash (newsdedup signs unique paragraphs too). Classes carried by more than
    ``max_carriers`` articles are boilerplate: left out of the classes and of the unions.
    """

    #: Normalized text of each class (space-separated tokens).
    texts: list[str]
    #: Shingle set of each class.
    shingles: list[frozenset[str]]
    #: Articles (numbers in input order, increasing) carrying each class.
    carriers: list[list[int]]
    #: Classes of each article, for the unions of the article step.
    article_classes: list[list[int]]
    #: Non-blank paragraphs with at least one word, in all articles.
    paragraphs: int
    #: Distinct paragraphs dropped as boilerplate.
    boilerplate: int
    #: Carriers beyond which a paragraph was boilerplate.
    max_carriers: int

    @property
    def n_articles(self) -> int:
        """Articles in the corpus (with or without paragraphs)."""
        return len(self.article_classes)


def prepare(texts: Iterable[str], max_carriers: int | None = None) -> Paragraphs:
    """Paragraph classes and their shingle sets, and each article's classes (step 1).

    ``max_carriers``: by default 0.5% of the articles, at least 20.
    """
    number_of: dict[str, int] = {}
    class_texts: list[str] = []
    carriers: list[list[int]] = []
    article_classes: list[list[int]] = []
    paragraphs = 0
    for article, text in enumerate(texts):
        classes = []
        for paragraph in split_paragraphs(text):
            normal = normalized(paragraph)
            if not normal:
                continue
            paragraphs += 1
            number = number_of.setdefault(normal, len(class_texts))
            if number == len(class_texts):
                class_texts.append(normal)
                carriers.append([])
            if not carriers[number] or carriers[number][-1] != article:
                carriers[number].append(article)
            classes.append(number)
        article_classes.append(classes)
    if max_carriers is None:
        max_carriers = max(BOILERPLATE_MIN, math.ceil(BOILERPLATE_SHARE * len(article_classes)))
    # Renumber without the boilerplate classes.
    kept = [number for number, arts in enumerate(carriers) if len(arts) <= max_carriers]
    new_number = dict(zip(kept, range(len(kept)), strict=True))
    return Paragraphs(
        texts=[class_texts[number] for number in kept],
        shingles=[shingle_set(class_texts[number].split(" ")) for number in kept],
        carriers=[carriers[number] for number in kept],
        article_classes=[sorted({new_number[number] for number in classes
                                 if number in new_number}) for classes in article_classes],
        paragraphs=paragraphs, boilerplate=len(carriers) - len(kept), max_carriers=max_carriers)


def _paragraphs_match(a: frozenset[str], b: frozenset[str], config: DedupConfig) -> bool:
    shared = len(a & b)
    if not shared:
        return False
    return (shared / (len(a) + len(b) - shared) >= config.paragraph_jaccard
            or shared / min(len(a), len(b)) >= config.paragraph_containment)


def articles_duplicate(a: frozenset[str], b: frozenset[str], config: DedupConfig) -> bool:
    """newsdedup's rule on two articles' shingle unions (see the module docstring, step 3).

    >>> text = frozenset(map(str, range(10)))
    >>> articles_duplicate(text, text | {"footer"}, DedupConfig())
    True
    >>> articles_duplicate(text, frozenset(map(str, range(6))), DedupConfig())  # truncated
    True
    >>> articles_duplicate(text, frozenset(map(str, range(4))), DedupConfig())  # a quote
    False
    """
    shared = len(a & b)
    if not shared:
        return False
    if shared / (len(a) + len(b) - shared) >= config.article_threshold:
        return True
    a_in_b, b_in_a = shared / len(a), shared / len(b)
    # The shorter text contained in the longer one, covering enough of it.
    return (max(a_in_b, b_in_a) >= config.containment_threshold
            and min(a_in_b, b_in_a) >= config.min_coverage)


@dataclass
class _Counts:
    candidate_pairs: int = 0
    paragraph_checks: int = 0
    paragraph_matches: int = 0
    article_pairs_skipped: int = 0
    article_checks: int = 0
    duplicate_pairs: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def duplicate_groups(paragraphs: Paragraphs, candidates: Iterable[tuple[int, Iterable[int]]],
                     config: DedupConfig | None = None) -> tuple[list[list[int]], dict[str, int]]:
    """Duplicate groups (article numbers, 2+ members) from candidate class pairs (3, 4).

    ``candidates`` yields ``(class, other classes)``: a query's answer, or one pair. Each
    unordered pair is verified once, whichever way round it comes. The articles carrying one
    class share that paragraph exactly and are paired without verification.
    """
    config = config or DedupConfig()
    shingles, carriers = paragraphs.shingles, paragraphs.carriers
    parent = list(range(paragraphs.n_articles))

    def root(article: int) -> int:
        while parent[article] != article:
            parent[article] = parent[parent[article]]
            article = parent[article]
        return article

    unions: dict[int, frozenset[str]] = {}

    def union_of(article: int) -> frozenset[str]:
        found = unions.get(article)
        if found is None:
            found = unions[article] = frozenset().union(
                *(shingles[number] for number in paragraphs.article_classes[article]))
        return found

    examined: set[tuple[int, int]] = set()
    counts = _Counts()

    def link(left_articles: list[int], right_articles: list[int]) -> None:
        for article in left_articles:
            for other in right_articles:
                if other == article:
                    continue
                left, right = root(article), root(other)
                if left == right:
                    counts.article_pairs_skipped += 1
                    continue
                pair = (article, other) if article < other else (other, article)
                if pair in examined:
                    continue
                examined.add(pair)
                counts.article_checks += 1
                if articles_duplicate(union_of(article), union_of(other), config):
                    counts.duplicate_pairs += 1
                    parent[left] = right

    for articles in carriers:  # exact repeats: the first carrier with each other one, then
        if len(articles) > 1:   # the pairs of those not joined to it
            link(articles[:1], articles[1:])
            first = root(articles[0])
            link([article for article in articles[1:] if root(article) != first], articles[1:])
    verified: set[tuple[int, int]] = set()
    for number, others in candidates:
        for other in others:
            if other == number:
                continue
            counts.candidate_pairs += 1
            pair = (number, other) if number < other else (other, number)
            if pair in verified:
                continue
            verified.add(pair)
            counts.paragraph_checks += 1
            if _paragraphs_match(shingles[number], shingles[other], config):
                counts.paragraph_matches += 1
                link(carriers[number], carriers[other])
    members: dict[int, list[int]] = {}
    for article in range(paragraphs.n_articles):
        members.setdefault(root(article), []).append(article)
    return [group for group in members.values() if len(group) > 1], counts.as_dict()


@dataclass
class StageClock:
    """Wall and CPU seconds per stage of a peer run (stages do not nest)."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def stage(self, label: str) -> _Stage:
        """A context manager timing its block as ``label``."""
        return _Stage(self, label)


class _Stage:
    def __init__(self, clock: StageClock, label: str) -> None:
        self.clock, self.label = clock, label
        self.wall0 = self.cpu0 = 0.0

    def __enter__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: Any) -> None:
        clock = self.clock
        clock.wall[self.label] = (clock.wall.get(self.label, 0.0)
                                  + time.perf_counter() - self.wall0)
        clock.cpu[self.label] = clock.cpu.get(self.label, 0.0) + time.process_time() - self.cpu0


def article_pairs(groups: Sequence[Sequence[int]], ids: Sequence[str]) -> set[tuple[str, str]]:
    """Every unordered pair of ids inside one group, as ``(smaller, larger)``."""
    out: set[tuple[str, str]] = set()
    for group in groups:
        names = sorted(ids[member] for member in group)
        out.update((left, right) for index, left in enumerate(names)
                   for right in names[index + 1:])
    return out
