"""Rewritten copies: source articles and articles derived from them (issue #15, scenario 6).

A *rewrite* tells a source's text again in other words; a *partial rewrite* does so for part
of it and adds other material. Word 5-gram MinHash cannot see either: few 5-grams survive.
:func:`rewrite_text` imitates what a rewriting editor does to the word sequence, without a
thesaurus (so in any language): it puts other words of the corpus where a paraphrase would
put a synonym, drops words and trailing clauses, swaps neighbouring
words and sentences, drops a few sentences and re-paragraphs the rest. Word 2-grams and
character n-grams survive it, as they survive a real paraphrase; word 5-grams mostly do not.
Where real human rewrites of the base texts exist (``variants``: e.g. the learner's original
text beside its corrected version in UA-GEC), the derived article starts from them.

:func:`rewrite_pairs` builds a corpus of sources, derived articles and independent write-ups
of the same events, with :class:`~newsdedup._corpora.messy.LabelledPair` labels: each derived
article against its source (``derived``), and, as negatives, sources against another
write-up of the same event that shares little text with them (``independent``; with only
one write-up per event, another event's document, ``unrelated``).

>>> import random
>>> rewrite_text("One two three four five six seven. Eight nine ten eleven twelve.",
...              random.Random(0)).count(".") >= 1
True
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Mapping, Sequence

from .._text.article import Article
from .._text.paragraphs import split_lines
from .messy import (
    START,
    BaseDocument,
    LabelledPair,
    MessyCorpus,
    _corpus,
    _original,
    _shingles,
    distinct_documents,
    outlet_names,
)
from .synthetic import ArticleLabels

__all__ = ["rewrite_pairs", "rewrite_text", "sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?\u0964\u06d4\u3002])\s+")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split after ., !, ?, and the Devanagari, Urdu and CJK
    full stops), paragraph breaks ignored.

    >>> sentences("A b. C d!\\n\\nE f?")
    ['A b.', 'C d!', 'E f?']
    """
    return [s for p in split_lines(text) for s in _SENTENCE_END.split(p.strip()) if s]


def _rewrite_sentence(sentence: str, chooser: random.Random, drop_word: float,
                      drop_clause: float, swap_word: float, replace_word: float,
                      vocabulary: Sequence[str]) -> str:
    words = sentence.split()
    if vocabulary:
        # Another word where a paraphrase would put a synonym: drawn by corpus frequency.
        words = [chooser.choice(vocabulary) if 0 < i < len(words) - 1 and w.isalpha()
                 and chooser.random() < replace_word else w for i, w in enumerate(words)]
    if len(words) >= 10 and chooser.random() < drop_clause:
        commas = [i for i, w in enumerate(words[:-1]) if w.endswith(",") and i >= 5]
        if commas:
            cut = chooser.choice(commas)
            end = "" if words[-1][-1:].isalnum() else words[-1][-1:]
            words = [*words[:cut], words[cut].rstrip(",") + end]
    kept = [w for i, w in enumerate(words)
            if i == 0 or i == len(words) - 1 or chooser.random() >= drop_word]
    for i in range(1, len(kept) - 2):
        if chooser.random() < swap_word:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    return " ".join(kept)


def rewrite_text(text: str, chooser: random.Random, *, drop_word: float = 0.2,
                 drop_clause: float = 0.3, swap_word: float = 0.08,
                 drop_sentence: float = 0.1, swap_sentence: float = 0.3,
                 replace_word: float = 0.0, vocabulary: Sequence[str] = ()) -> str:
    """``text`` rewritten at the word level (module docstring): each word (not the first or
    last of a sentence) replaced by a word drawn from ``vocabulary`` (a list of word
    occurrences, so by frequency) with ``replace_word`` or dropped with ``drop_word``, a
    trailing clause after a comma dropped
    with ``drop_clause``, neighbouring words swapped with ``swap_word``, sentences dropped
    with ``drop_sentence`` and swapped with the next with ``swap_sentence``, then grouped
    into paragraphs of one to three sentences.
    """
    parts = [s for s in sentences(text) if chooser.random() >= drop_sentence] or sentences(text)
    for i in range(len(parts) - 1):
        if chooser.random() < swap_sentence:
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
    rewritten = [_rewrite_sentence(s, chooser, drop_word, drop_clause, swap_word, replace_word,
                                   vocabulary) for s in parts]
    paragraphs, at = [], 0
    while at < len(rewritten):
        size = chooser.randint(1, 3)
        paragraphs.append(" ".join(rewritten[at:at + size]))
        at += size
    return "\n\n".join(paragraphs)


def _overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def rewrite_pairs(docs: Sequence[BaseDocument], seed: int = 0, *, n_sources: int = 80,
                  partial_rate: float = 0.6, negative_share: float = 0.3,
                  partial_share: tuple[float, float] = (0.2, 0.6),
                  variants: Mapping[str, str] | None = None, max_overlap: float = 0.2,
                  replace_word: tuple[float, float] = (0.1, 0.6),
                  name: str = "rewrites", start: dt.datetime = START) -> MessyCorpus:
    """Sources, derived articles and independent write-ups, with labelled pairs.

    Up to ``n_sources`` sources each get one derived article published 2-48 hours later
    (:func:`rewrite_text`; a share of its words drawn from ``replace_word`` is replaced by
    corpus words, so some editors keep more of the source than others): a
    partial rewrite with ``partial_rate`` (the rewritten first ``partial_share`` of the
    source's sentences, then rewritten sentences of another write-up of the same event, or
    of another document when there is none), else a whole rewrite. Its text starts from
    ``variants[source id]`` when given (a real human rewrite). Negatives are added until they
    are ``negative_share`` of the pairs: a source against another write-up of its event whose
    5-gram overlap with it stays under ``max_overlap`` (``independent``), else against a
    document of another event (``unrelated``). Gold: every article is its own group; a
    derived article is in its source's story.
    """
    chooser = random.Random(f"rewrite-pairs:{seed}")
    outlets = outlet_names(20)
    pool = [d for d in distinct_documents(docs) if len(sentences(d.text)) >= 3]
    by_event: dict[str, list[BaseDocument]] = {}
    for doc in pool:
        by_event.setdefault(doc.event, []).append(doc)
    order = pool[:]
    chooser.shuffle(order)
    sources = order[:n_sources]
    shingles = {d.id: _shingles(d.text) for d in pool}
    # Word occurrences of the whole pool: replacements drawn by corpus frequency.
    vocabulary = [w for d in pool for w in d.text.split() if w.isalpha()]
    articles: dict[str, tuple[Article, ArticleLabels]] = {}
    pairs: list[LabelledPair] = []

    def post(doc: BaseDocument) -> Article:
        if doc.id not in articles:
            when = start + dt.timedelta(days=chooser.uniform(0, 30))
            articles[doc.id] = _original(doc, outlet=chooser.choice(outlets), published=when)
        return articles[doc.id][0]

    for doc in sources:
        source = post(doc)
        base = (variants or {}).get(doc.id, doc.text)
        others = [d for d in by_event[doc.event] if d.id != doc.id] or [
            d for d in pool if d.event != doc.event]
        partial = chooser.random() < partial_rate
        replace = chooser.uniform(*replace_word)  # how freely this editor words it
        if partial:
            own = sentences(base)
            keep = max(1, round(chooser.uniform(*partial_share) * len(own)))
            other = chooser.choice(sorted(others, key=lambda d: d.id))
            added = sentences(other.text)[:max(2, len(own) - keep)]
            mixed = "\n\n".join([" ".join(own[:keep]), " ".join(added)])
            text = rewrite_text(mixed, chooser, swap_sentence=0.0, replace_word=replace,
                                vocabulary=vocabulary)
        else:
            text = rewrite_text(base, chooser, replace_word=replace, vocabulary=vocabulary)
        kind = "partial-rewrite" if partial else "rewrite"
        derived_id = f"{doc.id}~{kind}"
        published = source.published + dt.timedelta(hours=chooser.uniform(2, 48)) \
            if source.published else None
        derived = Article(id=derived_id, text=text, title=source.title,
                          source=chooser.choice(outlets),
                          url=f"https://derived.example/{derived_id}", published=published)
        articles[derived_id] = (derived, ArticleLabels(
            derived_id, f"g:{derived_id}", doc.event, derived_id, kind,
            derived_from=doc.id))
        pairs.append(LabelledPair(doc.id, derived_id, True, kind))
    n_negatives = round(len(pairs) * negative_share / (1 - negative_share))
    for doc in sources * 2:
        if sum(not p.derived for p in pairs) >= n_negatives:
            break
        taken = {p.b for p in pairs if p.a == doc.id}
        independent = [d for d in by_event[doc.event] if d.id != doc.id and d.id not in taken
                       and _overlap(shingles[doc.id], shingles[d.id]) < max_overlap]
        unrelated = [d for d in pool if d.event != doc.event and d.id not in taken]
        candidates, kind = (independent, "independent") if independent else (unrelated,
                                                                             "unrelated")
        if candidates:
            other = chooser.choice(sorted(candidates, key=lambda d: d.id))
            post(other)
            pairs.append(LabelledPair(doc.id, other.id, False, kind))
    return _corpus(name, list(articles.values()), pairs)
