"""End-to-end behaviour of dedup() on the seeds, reposts, digests and real news."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsdedup
from conftest import load_ecbplus, load_seeds
from newsdedup import Article, Carrier, dedup
from newsdedup._text.paragraphs import split_paragraphs


def seed_id(prefix: str) -> str:
    return next(a.id for a in load_seeds() if a.id.startswith(prefix))


def test_seeds_are_one_story_and_no_duplicates(seeds: list[Article]) -> None:
    """The five seeds tell one story five ways: one story, five singleton groups."""
    result = dedup(seeds)
    assert len(result.stories) == 1
    assert len(result.groups) == 5
    assert all(len(group.members) == 1 for group in result.groups)
    assert not any(match.is_duplicate for match in result.matches)


def test_seed_000_repeat_is_flagged(seeds: list[Article]) -> None:
    """Seed 000 repeats its "Generative AI, capable of generating ..." paragraph."""
    article = dedup(seeds).article(seed_id("000"))
    paragraphs = newsdedup._text.paragraphs.split_paragraphs(seeds[0].text)
    assert [(r.index, r.repeat_of) for r in article.repeated_paragraphs] == [(11, 7)]
    assert paragraphs[11].startswith("Generative AI, capable of generating")
    assert paragraphs[7].startswith("Generative AI, capable of generating")


def test_seed_004_repeats_and_near_repeats_are_flagged(seeds: list[Article]) -> None:
    """Seed 004: the job-description/MLP paragraph and the two stock-image captions."""
    article = dedup(seeds).article(seed_id("004"))
    paragraphs = newsdedup._text.paragraphs.split_paragraphs(seeds[4].text)
    found = {(r.index, r.repeat_of) for r in article.repeated_paragraphs}
    assert found == {(7, 4), (9, 8)}
    assert "The MLP is Netflix’s in-house AI program" in paragraphs[4]
    assert "The MLP is Netflix’s in-house AI program" in paragraphs[7]
    assert paragraphs[8].startswith("Stock image of a Man")
    assert paragraphs[9].startswith("Stock image of a man")


def test_seed_004_aggregator_footer_is_boilerplate(seeds: list[Article]) -> None:
    """The aggregator footer of 004 ("Read original article here", ...) is boilerplate."""
    article = dedup(seeds).article(seed_id("004"))
    paragraphs = newsdedup._text.paragraphs.split_paragraphs(seeds[4].text)
    flagged = {paragraphs[b.index] for b in article.boilerplate_paragraphs}
    assert "Read original article here" in flagged
    assert any(text.startswith("Denial of responsibility!") for text in flagged)
    # The article's own reporting is not boilerplate.
    assert not any("Black Mirror" in text for text in flagged)


def test_shipped_seeds_equal_test_copies(seeds: list[Article]) -> None:
    """The seeds shipped in the package are the same texts as tests/data/seeds."""
    shipped = {a.id: a.text for a in newsdedup.seed_articles()}
    assert shipped == {a.id: a.text for a in seeds}


def test_digest_links_both_articles_without_merging(seeds: list[Article]) -> None:
    """A page concatenating two articles contains both but joins neither group."""
    first, second = seeds[1], seeds[3]
    page = Article("digest", f"Today's picks\n\n{first.text}\n\n{second.text}")
    result = dedup([*seeds, page])
    digest = result.article("digest")
    assert digest.is_digest
    assert digest.group_id not in {result.article(first.id).group_id,
                                   result.article(second.id).group_id}
    assert result.article(first.id).group_id != result.article(second.id).group_id
    relations = {(m.a, m.b): m.relation for m in result.matches}
    assert relations[(first.id, "digest")] == "contained-in"
    assert relations[(second.id, "digest")] == "contained-in"


def test_a_chain_wanders_two_links_at_most() -> None:
    """Near-duplicates chained a~b~c~d~e (each window of ten paragraphs two further on):
    groups are stars around a centre that every member is a direct duplicate of, so no
    group holds two articles more than two links apart; a member joined through the centre
    reports its own relation to the canonical (a partial reuse), not a duplicate."""
    words = [f"w{n}" for n in range(600)]
    part = [" ".join(words[i:i + 30]) for i in range(0, 600, 30)]  # 20 paragraphs
    articles = [Article(name, "\n\n".join(part[2 * k:2 * k + 10]),
                        published=f"2023-01-0{k + 1}") for k, name in enumerate("abcde")]
    # Jaccard of neighbours 8/12, two apart 6/14: a chain under a 0.6 threshold.
    result = dedup(articles, article_threshold=0.6, containment_threshold=0.95)
    duplicates = {(m.a, m.b) for m in result.matches if m.is_duplicate}
    assert ("a", "b") in duplicates and ("a", "c") not in duplicates
    groups = sorted(sorted(group.member_ids) for group in result.groups)
    assert groups == [["a", "b", "c"], ["d", "e"]]
    first = result.group(result.article("a").group_id)
    assert first.canonical_id == "a"
    joined = next(member for member in first.members if member.id == "c")
    assert joined.relation == "partial-reuse" and joined.jaccard == round(6 / 14, 6)


def test_truncated_copy_loses_to_original_without_dates(seeds: list[Article]) -> None:
    """Undated: the original beats its 70% truncated copy by completeness."""
    original = seeds[0]
    paragraphs = newsdedup._text.paragraphs.split_paragraphs(original.text)
    copy = Article("aaa-copy", "\n".join(paragraphs[: int(len(paragraphs) * 0.7)]))
    result = dedup([copy, original])
    group = result.group(result.article(original.id).group_id)
    assert group.canonical_id == original.id
    assert group.canonical_rule == "most complete text"
    assert result.article(copy.id).relation == "contained-in"


def test_earliest_published_wins() -> None:
    """Identical texts: the earliest published is canonical, whatever the ids."""
    text = "\n\n".join(f"Paragraph {n} of the wire story about the flood in Valencia, "
                       f"with its own details number {n}." for n in range(8))
    result = dedup([Article("a", text, published="2023-05-02"),
                    Article("z", text, published="2023-05-01")])
    group = result.groups[0]
    assert group.canonical_id == "z"
    assert group.canonical_rule == "earliest published"


def test_user_canonical_key_overrides_rule() -> None:
    """A user key function picks the canonical; the rule says so."""
    text = "\n\n".join(f"Shared paragraph {n} about the election results in the region "
                       f"and the count of district {n}." for n in range(6))
    articles = [Article("a", text, source="blog"), Article("b", text, source="agency")]
    result = dedup(articles, canonical_key=lambda art: 0 if art.source == "agency" else 1)
    assert result.groups[0].canonical_id == "b"
    assert result.groups[0].canonical_rule == "user key"


def test_provenance_points_at_carriers(seeds: list[Article]) -> None:
    """Every paragraph of a canonical is traced to the copy's paragraph that carries it."""
    original = seeds[2]
    copy = Article("zz-copy", "Header line of a reposting site.\n\n" + original.text)
    result = dedup([original, copy])
    group = result.group(result.article(original.id).group_id)
    assert group.member_ids == (original.id, copy.id)
    content = [entry for entry in group.provenance if not entry.is_boilerplate]
    assert content and all(entry.carriers for entry in content)
    for entry in content:
        # The same paragraph one position later (after the header) carries it verbatim;
        # 002 repeats its title, so a title paragraph has a second carrier.
        assert Carrier(copy.id, entry.index + 1, 1.0) in entry.carriers
        assert {carrier.article_id for carrier in entry.carriers} == {copy.id}


def test_empty_text_is_reported_not_dropped() -> None:
    """An article with empty text stays in the output, flagged empty, in its own group."""
    result = dedup([{"id": "e", "text": ""}, {"id": "f", "text": "Some words here."}])
    assert [a.id for a in result.articles] == ["e", "f"]
    assert result.article("e").is_empty
    assert result.article("e").n_paragraphs == 0


@pytest.mark.parametrize("texts", [
    ["...", "..."], ["***"], ["\U0001F600\U0001F525", "!!!\n\n???", "   \n\n\t"],
    ["...", "\u200b\u00ad", "\u2014 \u2014"],
])
def test_batch_without_a_word_gives_one_group_per_article(texts: list[str]) -> None:
    """Articles without any word (punctuation, emoji, invisible characters) each get their own
    group and story instead of crashing the paragraph step."""
    result = dedup([{"id": f"a{n}", "text": text} for n, text in enumerate(texts)])
    assert [a.id for a in result.articles] == [f"a{n}" for n in range(len(texts))]
    assert len(result.groups) == len(texts) and len(result.stories) == len(texts)
    assert not result.matches
    assert len(result.to_records()) == len(texts)


def test_wordless_articles_mixed_with_normal_ones() -> None:
    """Wordless articles next to real copies: the copies still group, the rest stand alone."""
    body = "The storm hit the coast at dawn, officials said.\n\nRescue teams were sent north."
    result = dedup([{"id": "w1", "text": "..."}, {"id": "n1", "text": body},
                    {"id": "w2", "text": "***"}, {"id": "n2", "text": body}])
    assert result.article("n1").group_id == result.article("n2").group_id
    assert len({result.article(i).group_id for i in ("w1", "w2", "n1")}) == 3


def test_every_group_lies_inside_one_story(ecbplus: list[dict[str, str]]) -> None:
    """Two levels stay consistent: all members of a group share its story."""
    result = dedup(ecbplus)
    story_of = {a.id: a.story_id for a in result.articles}
    for group in result.groups:
        assert {story_of[m] for m in group.member_ids} == {group.story_id}
    for story in result.stories:
        assert sorted(story.member_ids) == sorted(
            m for g in result.groups if g.story_id == story.id for m in g.member_ids)


def test_real_news_quotes_are_not_boilerplate(ecbplus: list[dict[str, str]]) -> None:
    """Quotes shared by reports of one event are reuse, not boilerplate."""
    result = dedup(ecbplus)
    recurring = [b for a in result.articles for b in a.boilerplate_paragraphs
                 if b.reason == "recurring"]
    assert recurring == []
    assert any(m.relation == "partial-reuse" for m in result.matches)


def test_matches_are_symmetric_in_input_order(seeds: list[Article]) -> None:
    """Matches are reported with a < b by id, whatever the input order."""
    page = Article("digest", seeds[0].text + "\n\n" + seeds[1].text)
    forward = dedup([*seeds, page]).matches
    backward = dedup([page, *reversed(seeds)]).matches
    assert forward == backward
    assert all(m.a < m.b for m in forward)


@pytest.mark.parametrize("bad", [None, "text", 5])
def test_non_iterable_input_is_rejected(bad: object) -> None:
    """dedup() names the problem when it does not get an iterable of articles."""
    with pytest.raises((newsdedup.InputError, TypeError)):
        dedup(bad)  # type: ignore[arg-type]


def test_unknown_option_is_rejected() -> None:
    """A misspelt option is an error naming it, not silently ignored."""
    with pytest.raises(newsdedup.ConfigError, match="article_treshold"):
        dedup([], article_treshold=0.9)


def test_empty_corpus() -> None:
    """No articles give an empty result."""
    result = dedup([])
    assert result.articles == () and result.groups == () and result.stories == ()


def test_pairwise_relations_cover_all_copies(seeds: list[Article]) -> None:
    """Two exact copies of every seed: three-member groups, nothing merged across seeds."""
    articles = list(seeds)
    for article, n in itertools.product(seeds, range(2)):
        articles.append(Article(f"{article.id}-copy{n}", article.text))
    result = dedup(articles)
    assert sorted(len(g.members) for g in result.groups) == [3] * 5
    for group in result.groups:
        assert len({member.split("-copy")[0] for member in group.member_ids}) == 1


# --- properties -----------------------------------------------------------------------

def _pool() -> list[Article]:
    """Seeds, exact and edited copies, a truncated copy and some real ECB+ documents."""
    from conftest import load_ecbplus

    seeds = load_seeds()
    pool = list(seeds)
    for n, seed in enumerate(seeds[:3]):
        paragraphs = newsdedup._text.paragraphs.split_paragraphs(seed.text)
        pool.append(Article(f"copy-{n}", seed.text + "\n\nRead original article here"))
        edited = list(paragraphs)
        edited[3] = edited[3].replace("Netflix", "the streamer", 1)
        pool.append(Article(f"edit-{n}", "\n\n".join(edited)))
        pool.append(Article(f"trunc-{n}", "\n".join(paragraphs[: len(paragraphs) * 7 // 10])))
    pool.append(Article("digest", seeds[0].text + "\n\n" + seeds[3].text))
    pool.extend(Article(d["id"], d["text"]) for d in load_ecbplus()[:40])
    return pool


POOL = _pool()


def _partition(result: newsdedup.DedupResult, attribute: str) -> set[frozenset[str]]:
    clusters: dict[str, set[str]] = {}
    for article in result.articles:
        clusters.setdefault(getattr(article, attribute), set()).add(article.id)
    return {frozenset(c) for c in clusters.values()}


@settings(max_examples=12, deadline=None)
@given(st.permutations(range(len(POOL))))
def test_order_invariance(order: list[int]) -> None:
    """Property: any input order gives the same groups, stories, canonicals and ids."""
    articles = [POOL[i] for i in order]
    shuffled, reference = dedup(articles), REFERENCE
    assert {a.id: a for a in shuffled.articles} == {a.id: a for a in reference.articles}
    assert shuffled.groups == reference.groups
    assert shuffled.stories == reference.stories
    assert shuffled.matches == reference.matches


REFERENCE = dedup(POOL)


@settings(max_examples=10, deadline=None)
@given(st.sets(st.integers(0, len(POOL) - 1), min_size=1))
def test_no_article_is_lost(subset: set[int]) -> None:
    """Property: every input article appears once in the output, in input order."""
    articles = [POOL[i] for i in sorted(subset)]
    result = dedup(articles)
    assert [a.id for a in result.articles] == [a.id for a in articles]
    assert sorted(m for g in result.groups for m in g.member_ids) == sorted(
        a.id for a in articles)


def test_idempotence_on_canonicals() -> None:
    """Deduplicating the canonicals again finds no duplicates."""
    canonical_ids = {g.canonical_id for g in REFERENCE.groups}
    again = dedup([a for a in POOL if a.id in canonical_ids])
    assert all(len(g.members) == 1 for g in again.groups)
    assert not any(m.is_duplicate for m in again.matches)


def test_pool_groups_copies_with_their_originals() -> None:
    """The copies in the pool group with their seed, which is canonical."""
    seeds = load_seeds()
    for n, seed in enumerate(seeds[:3]):
        group = REFERENCE.group(REFERENCE.article(seed.id).group_id)
        assert group.canonical_id == seed.id
        assert set(group.member_ids) == {seed.id, f"copy-{n}", f"edit-{n}", f"trunc-{n}"}
    assert REFERENCE.article("digest").is_digest


def test_determinism_across_processes() -> None:
    """Results are identical in a fresh process with another hash seed (no salted hash())."""
    import json
    import os
    import subprocess
    import sys

    script = ("import json, sys; sys.path.insert(0, 'tests');"
              "import drivers.test_pipeline as t;"
              "print(json.dumps(t.REFERENCE.to_records(), sort_keys=True))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, env=env, cwd=root)
    assert json.loads(output.stdout.strip().splitlines()[-1]) == json.loads(
        json.dumps(REFERENCE.to_records(), sort_keys=True))


def test_parallel_workers_give_identical_result() -> None:
    """workers=2 (a thread pool over chunks) gives exactly the single-threaded result."""
    from newsdedup._text import features as features_module

    original = features_module.CHUNK_ARTICLES
    features_module.CHUNK_ARTICLES = 7  # several chunks on a small corpus
    try:
        parallel = dedup(POOL, workers=2)
    finally:
        features_module.CHUNK_ARTICLES = original
    assert parallel.articles == REFERENCE.articles
    assert parallel.groups == REFERENCE.groups and parallel.stories == REFERENCE.stories


def test_a_one_shot_stream_gives_the_result_of_a_list() -> None:
    """dedup() over a generator (read once, never held as a list) equals dedup() over a list."""
    streamed = dedup(article for article in POOL)
    assert streamed.articles == REFERENCE.articles
    assert streamed.groups == REFERENCE.groups and streamed.stories == REFERENCE.stories


def test_a_stream_without_rewrites_still_reads_short_texts_word_by_word() -> None:
    """With rewrites off, a stream's texts are still kept on disk for the run: the links
    read the short texts the shingles leave undecided (``word_edits``), so a stream groups
    a short article's edited repost as a list does."""
    text = next(row["text"] for row in load_ecbplus() if row["id"] == "4_6ecbplus")
    articles = [Article("original", text, published="2013-06-06T10:00:00Z"),
                Article("copy", text.replace("nightly", "widely").replace("June", "recently"),
                        published="2013-06-06T12:00:00Z")]
    listed = dedup(articles, rewrite_threshold=None)
    streamed = dedup((article for article in articles), rewrite_threshold=None)
    assert listed.article("copy").group_id == listed.article("original").group_id
    assert streamed.groups == listed.groups


def test_a_dataframe_gives_the_result_of_its_records() -> None:
    """dedup(df) reads the DataFrame's rows, with its empty cells (NaT dates, NaN titles) as
    missing fields, and keeps the texts as a list does."""
    pandas = pytest.importorskip("pandas")
    articles = load_seeds(dated=True) + POOL[len(load_seeds()):]  # dated seeds, undated rest
    frame = pandas.DataFrame([article.to_dict() for article in articles])
    frame["published"] = pandas.to_datetime(frame["published"], utc=True, format="ISO8601")
    assert frame["published"].isna().any() and frame["published"].notna().any()
    reference, result = dedup(articles), dedup(frame)
    assert result.articles == reference.articles
    assert result.groups == reference.groups and result.stories == reference.stories
    assert [a.text for a in result.articles] == [a.text for a in articles]


# Hostile shapes: huge sets of copies must cost linear work and give order-free answers.

def _wire_copies(n_copies: int, edit: bool = False) -> list[Article]:
    """``n_copies`` reposts of one seed (dated after it), optionally each with a one-word edit."""
    seed = load_seeds(dated=True)[1]
    paragraphs = split_paragraphs(seed.text)
    copies = [seed]
    for number in range(n_copies):
        body = list(paragraphs)
        if edit:
            words = body[3].split()
            words[number % len(words)] = f"edit{number}"
            body[3] = " ".join(words)
        copies.append(Article(f"copy-{number:05d}", "\n\n".join(body),
                              published=seed.published + dt.timedelta(hours=1 + number % 50)))
    return copies


def _shared_quote(n_articles: int) -> list[Article]:
    """``n_articles`` different ECB+ reports, each also quoting one paragraph of a seed."""
    quote = split_paragraphs(load_seeds()[0].text)[4]
    documents = load_ecbplus()
    return [Article(f"q{n:05d}", documents[n % len(documents)]["text"] + f"\n\nNote {n}.\n\n"
                    + quote) for n in range(n_articles)]


@pytest.mark.parametrize("edit", [False, True], ids=["exact", "edited"])
def test_thousands_of_copies_make_one_group_with_a_star_of_matches(edit: bool) -> None:
    """Copies of one story group around the original, each matched with it only."""
    articles = _wire_copies(1500, edit)
    result = dedup(articles)
    group = result.group(result.article(articles[0].id).group_id)
    assert group.canonical_id == articles[0].id and len(group.members) == 1501
    in_group = [m for m in result.matches if m.is_duplicate]
    assert len(in_group) == 1500
    assert all(articles[0].id in (m.a, m.b) for m in in_group)


@pytest.mark.parametrize("shape", ["copies", "edited copies", "shared quote", "repeats"])
def test_output_grows_linearly_with_the_copies(shape: str) -> None:
    """Doubling the copies at most doubles the matches, shared paragraphs and repeats."""
    def size(n: int) -> int:
        if shape == "repeats":
            line = split_paragraphs(load_seeds()[0].text)[4]
            result = dedup([Article("a", "\n".join([line] * n)), Article("b", line)])
            return (len(result.article("a").repeated_paragraphs)
                    + sum(len(m.shared_paragraphs) for m in result.matches))
        articles = (_shared_quote(n) if shape == "shared quote"
                    else _wire_copies(n, edit=shape == "edited copies"))
        result = dedup(articles)
        return len(result.matches) + sum(len(m.shared_paragraphs) for m in result.matches)

    # (ECB+ has 413 documents: the shared quote's carriers stay distinct texts.)
    small, large = size(200), size(400)
    assert 0 < large <= 2.2 * small


NEAR_DUPLICATES = _wire_copies(150, edit=True)
NEAR_REFERENCE = dedup(NEAR_DUPLICATES)


@settings(max_examples=8, deadline=None)
@given(st.permutations(range(len(NEAR_DUPLICATES))))
def test_big_buckets_give_the_same_result_in_any_order(order: list[int]) -> None:
    """Property: 150 edited copies (LSH buckets beyond their pairing limit) give the same
    groups, canonicals, stories and matches in any input order."""
    shuffled = dedup([NEAR_DUPLICATES[i] for i in order])
    assert len(NEAR_REFERENCE.groups) == 1
    assert shuffled.groups == NEAR_REFERENCE.groups
    assert shuffled.stories == NEAR_REFERENCE.stories
    assert shuffled.matches == NEAR_REFERENCE.matches


def test_the_collector_is_paused_for_the_map_step_and_back_on_after(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The map step's collections walk the articles read so far, again and again as they
    grow (``_core.collector``): ``dedup()`` pauses the collector from the map step on and
    restores it, also when the input is refused."""
    from newsdedup._drivers import pipeline

    seen: list[bool] = []
    collect = pipeline.collect_features

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return collect(*args, **kwargs)

    monkeypatch.setattr(pipeline, "collect_features", spy)
    result = dedup(load_seeds())
    assert seen == [False] and gc.isenabled()
    assert len(result.articles) == len(load_seeds())
    with pytest.raises(newsdedup.InputError):
        dedup([{"id": "no-text"}])
    assert gc.isenabled()
