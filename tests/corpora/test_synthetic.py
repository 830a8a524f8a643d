"""The synthetic corpus generator: determinism, sizes, labels, and the repost/digest helpers."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import attrs
import pytest

from conftest import load_seeds
from newsdedup import Article, ConfigError
from newsdedup._corpora.synthetic import (
    ArticleLabels,
    SyntheticCorpus,
    aggregator_boilerplate,
    digest,
    generate_corpus,
    iter_corpus,
    repost,
)
from newsdedup._text.paragraphs import split_paragraphs

ROOT = Path(__file__).resolve().parent.parent.parent


def corpus_digest(n_articles: int, seed: int) -> str:
    """SHA-256 of a corpus's articles and labels (used in-process and in a subprocess)."""
    sha = hashlib.sha256()
    for article, labels in iter_corpus(n_articles, seed):
        record = {"article": article.to_dict(), "labels": attrs.asdict(labels)}
        sha.update(json.dumps(record, sort_keys=True).encode("utf-8"))
    return sha.hexdigest()


@functools.lru_cache(maxsize=4096)
def shingles(text: str, size: int = 5) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


@pytest.fixture(scope="module")
def corpus() -> SyntheticCorpus:
    """A corpus large enough to hold every kind of article."""
    return generate_corpus(1000, seed=42)


def by_id(corpus: SyntheticCorpus) -> dict[str, Article]:
    return {article.id: article for article in corpus.articles}


def test_same_seed_gives_identical_corpus(corpus: SyntheticCorpus) -> None:
    """The same seed and knobs give equal articles and labels."""
    again = generate_corpus(1000, seed=42)
    assert again.articles == corpus.articles
    assert again.labels == corpus.labels


def test_different_seeds_give_different_corpora() -> None:
    """Another seed changes the text."""
    one, two = generate_corpus(20, seed=1), generate_corpus(20, seed=2)
    assert all(a.text != b.text for a, b in zip(one.articles, two.articles, strict=True))


def test_another_process_generates_the_same_bytes() -> None:
    """A fresh interpreter with another hash seed produces a byte-identical corpus."""
    script = ("import sys; sys.path.insert(0, 'tests')\n"
              "from corpora.test_synthetic import corpus_digest; print(corpus_digest(300, 9))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == corpus_digest(300, 9)


def test_shorter_run_is_a_prefix_of_a_longer_one() -> None:
    """Asking for fewer articles gives the first ones of a longer run."""
    assert list(iter_corpus(40, seed=3)) == list(itertools.islice(iter_corpus(400, seed=3), 40))


def test_iter_corpus_is_a_lazy_generator() -> None:
    """iter_corpus streams: it returns a generator and builds nothing up front."""
    assert inspect.isgenerator(iter_corpus(10**9, seed=0))
    article, labels = next(iter_corpus(10**9, seed=0))
    assert labels.id == article.id and labels.kind == "original"


def test_originals_are_about_article_bytes_long() -> None:
    """The mean size of originals is within 25% of article_bytes, for two sizes."""
    for size in (3000, 1200):
        corpus = generate_corpus(400, seed=5, article_bytes=size)
        lengths = [len(a.text.encode("utf-8")) for a in corpus.articles
                   if corpus.labels[a.id].kind == "original"]
        assert abs(sum(lengths) / len(lengths) - size) < 0.25 * size


def test_paragraphs_have_two_to_five_sentences(corpus: SyntheticCorpus) -> None:
    """Originals are paragraphs of 2-5 sentences separated by blank lines."""
    for article in corpus.articles[:200]:
        if corpus.labels[article.id].kind == "original":
            for paragraph in paragraphs(article):
                assert paragraph.endswith(".") and "\n" not in paragraph
                assert 2 <= paragraph.count(". ") + 1 <= 5


def test_article_fields(corpus: SyntheticCorpus) -> None:
    """Every article has a source and an aware UTC date in the span; all but digests a title."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for article in corpus.articles:
        assert article.source and article.published is not None
        assert article.title or corpus.labels[article.id].kind == "digest"
        assert article.published.utcoffset() == dt.timedelta(0)
        assert start <= article.published <= start + dt.timedelta(days=30 + 5)


def test_corpus_has_every_kind(corpus: SyntheticCorpus) -> None:
    """Originals, copies, truncated copies, digests and repeated paragraphs all occur."""
    kinds = Counter(labels.kind for labels in corpus.labels.values())
    assert set(kinds) == {"original", "copy", "truncated", "digest"}
    assert 0.2 < (kinds["copy"] + kinds["truncated"]) / len(corpus.articles) < 0.4
    assert any(labels.repeated_paragraphs for labels in corpus.labels.values()
               if labels.kind == "original")


def test_groups_have_one_original_and_sit_in_one_story(corpus: SyntheticCorpus) -> None:
    """Each group has exactly one original (or is one digest) and lies inside one story."""
    labels = corpus.labels
    for members in corpus.groups().values():
        kinds = Counter(labels[m].kind for m in members)
        assert kinds["original"] == 1 or (kinds["digest"] == 1 and len(members) == 1)
        canonical = {labels[m].canonical for m in members}
        assert len(canonical) == 1 and canonical <= set(members)
        assert len({labels[m].story for m in members}) == 1
    stories = corpus.stories()
    writeups = Counter(len([m for m in ids if labels[m].is_original]) for ids in stories.values())
    assert set(writeups) - {0} <= set(range(1, 7)) and len(writeups) > 3


def test_copies_come_after_their_original(corpus: SyntheticCorpus) -> None:
    """Copies are published after their original and stream after it."""
    articles, position = by_id(corpus), {a.id: n for n, a in enumerate(corpus.articles)}
    for labels in corpus.labels.values():
        if labels.kind in ("copy", "truncated"):
            copy, original = articles[labels.id], articles[labels.canonical]
            assert copy.published > original.published  # type: ignore[operator]
            assert position[copy.id] > position[original.id]


def test_write_ups_share_key_terms_but_not_text(corpus: SyntheticCorpus) -> None:
    """Originals of one story share key terms, but their word 5-gram Jaccard is below 0.1."""
    articles, shared = by_id(corpus), []
    for members in corpus.stories().values():
        originals = [articles[m] for m in members if corpus.labels[m].is_original]
        for a, b in itertools.combinations(originals, 2):
            terms = corpus.labels[a.id].key_terms
            shared.append(sum(term in a.text and term in b.text for term in terms))
            assert jaccard(shingles(a.text), shingles(b.text)) < 0.1
    assert len(shared) > 50 and min(shared) >= 2 and sum(shared) / len(shared) > 3


def test_copies_carry_their_original_text(corpus: SyntheticCorpus) -> None:
    """A copy's 5-gram Jaccard with its original is above 0.6, or it is mostly contained."""
    articles = by_id(corpus)
    for labels in corpus.labels.values():
        if labels.kind in ("copy", "truncated"):
            copy, original = shingles(articles[labels.id].text), shingles(
                articles[labels.canonical].text)
            assert jaccard(copy, original) > 0.6 or len(copy & original) / len(copy) > 0.7


def test_copy_labels_point_at_boilerplate_and_kept_content(corpus: SyntheticCorpus) -> None:
    """Boilerplate indices are the header/footer; the rest is the original's (edited) prefix."""
    articles = by_id(corpus)
    for labels in corpus.labels.values():
        if labels.kind not in ("copy", "truncated"):
            continue
        copy, original = articles[labels.id], articles[labels.canonical]
        parts, source_parts = paragraphs(copy), paragraphs(original)
        footer = set(aggregator_boilerplate(copy.source or ""))
        boilerplate = set(labels.boilerplate_paragraphs)
        content = [p for i, p in enumerate(parts) if i not in boilerplate]
        assert all(parts[i] in footer or i == 0 for i in boilerplate)
        assert not footer & set(content)
        changed = [n for n, p in enumerate(content) if p != source_parts[n]]
        assert len(changed) <= 1
        share = len(content) / len(source_parts)
        assert share == 1 if labels.kind == "copy" else 0.5 <= share <= 0.85


def test_repeated_paragraph_labels(corpus: SyntheticCorpus) -> None:
    """A labeled repeated paragraph equals, or differs by a few words from, an earlier one."""
    articles, seen = by_id(corpus), 0
    for labels in corpus.labels.values():
        parts = paragraphs(articles[labels.id])
        for index in labels.repeated_paragraphs:
            words = parts[index].split()
            assert any(len(words) == len(p.split()) and
                       sum(x != y for x, y in zip(words, p.split(), strict=True)) <= 4
                       for p in parts[:index])
            seen += 1
    assert seen > 10


def test_footer_recurs_across_reposts_of_different_originals(corpus: SyntheticCorpus) -> None:
    """An aggregator's footer lines appear verbatim in its reposts of different stories."""
    reposts: dict[str, list[ArticleLabels]] = defaultdict(list)
    articles = by_id(corpus)
    for labels in corpus.labels.values():
        if labels.kind in ("copy", "truncated") and labels.boilerplate_paragraphs[-1:] == (
                len(paragraphs(articles[labels.id])) - 1,):
            reposts[articles[labels.id].source or ""].append(labels)
    source, carriers = max(reposts.items(), key=lambda item: len(item[1]))
    assert len({labels.story for labels in carriers}) > 3
    footer = aggregator_boilerplate(source)
    assert all(paragraphs(articles[labels.id])[-len(footer):] == list(footer)
               for labels in carriers)


def test_true_duplicate_pairs_match_the_groups(corpus: SyntheticCorpus) -> None:
    """true_duplicate_pairs has every same-group pair once, ordered, and nothing else."""
    pairs = corpus.true_duplicate_pairs()
    expected = sum(len(m) * (len(m) - 1) // 2 for m in corpus.groups().values())
    assert len(pairs) == expected > 0
    assert all(a < b and corpus.labels[a].group == corpus.labels[b].group for a, b in pairs)


def test_digests_join_two_unrelated_originals(corpus: SyntheticCorpus) -> None:
    """A digest carries the full text of two originals from different stories."""
    articles = by_id(corpus)
    digests = [labels for labels in corpus.labels.values() if labels.kind == "digest"]
    assert digests
    for labels in digests:
        page, parts = articles[labels.id], [articles[p] for p in labels.parts]
        assert len({corpus.labels[p.id].story for p in parts}) == 2
        assert all(p.text in page.text and p.published < page.published  # type: ignore[operator]
                   for p in parts)


def test_repost_of_the_real_seeds() -> None:
    """repost() on the seeds truncates, edits one paragraph, adds header/footer, dates later."""
    for number, seed in enumerate(load_seeds(dated=True)):
        source_parts = split_paragraphs(seed.text)
        copy = repost(seed, source="newsroundup.example", seed=number, header=True,
                      footer=True, edit=True, truncate=0.7)
        footer = aggregator_boilerplate("newsroundup.example")
        parts = paragraphs(copy)
        assert copy.id == f"{seed.id}~newsroundup.example~{number}"
        assert copy.source == "newsroundup.example"
        assert copy.published > seed.published  # type: ignore[operator]
        assert parts[-len(footer):] == list(footer)
        content = parts[1:-len(footer)]
        assert len(content) == round(0.7 * len(source_parts))
        changed = [n for n, p in enumerate(content) if p != source_parts[n]]
        assert len(changed) == 1
        assert 0 < sum(x != y for x, y in zip(content[changed[0]].split(),
                                               source_parts[changed[0]].split(),
                                               strict=True)) <= 3


def test_repost_without_changes_keeps_the_text() -> None:
    """Without header, footer, edit or truncation a repost is the text, paragraphs re-joined."""
    seed = load_seeds()[0]
    copy = repost(seed, source="mirror.example", seed=0, header=False, footer=False,
                  edit=False, truncate=None)
    assert paragraphs(copy) == split_paragraphs(seed.text) and copy.published is None
    assert copy == repost(seed, source="mirror.example", seed=0, header=False, footer=False,
                          edit=False, truncate=None)


def test_footer_is_fixed_per_aggregator_and_differs_between_them() -> None:
    """aggregator_boilerplate is a function of the source name alone."""
    one, other = aggregator_boilerplate("dailyfeed.example"), aggregator_boilerplate("x.example")
    assert one == aggregator_boilerplate("dailyfeed.example") and one != other
    assert any("Read" in line for line in one)


def test_digest_helper_puts_headings_before_whole_articles() -> None:
    """digest() concatenates whole articles under their titles, dated after the latest."""
    seeds = load_seeds(dated=True)
    titled = attrs.evolve(seeds[1], title="Netflix lists AI jobs")
    page = digest([titled, seeds[3]], id="d1", source="digestpage.example")
    assert page.text.startswith("Netflix lists AI jobs\n\n" + seeds[1].text.strip())
    assert seeds[3].text.strip() in page.text
    assert page.published == seeds[3].published + dt.timedelta(hours=1)  # type: ignore[operator]


@pytest.mark.parametrize("knobs", [{"copies_rate": 1.5}, {"article_bytes": 0}, {"n_sources": 2.5},
                                   {"max_writeups": 7}, {"copies_rate": True},
                                   {"start": dt.datetime(2024, 1, 1)}])
def test_invalid_knobs_are_rejected(knobs: dict[str, object]) -> None:
    """Out-of-range knobs raise ConfigError naming the knob, before anything is generated."""
    with pytest.raises(ConfigError, match=next(iter(knobs))):
        iter_corpus(10, 0, **knobs)  # type: ignore[arg-type]


def test_repost_rejects_a_bad_truncation() -> None:
    """A truncation share outside (0, 1] is an error."""
    with pytest.raises(ConfigError, match="truncate"):
        repost(load_seeds()[0], source="x.example", seed=0, header=True, footer=True,
               edit=False, truncate=1.5)
