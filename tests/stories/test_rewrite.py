"""Rewrites: paraphrased copies among a story's candidate pairs
(src/newsdedup/_stories/rewrite.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig, dedup
from newsdedup._core.hashing import fmix64
from newsdedup._kernels import ngram_counts, sentence_figures
from newsdedup._stories import rewrite as rewrite_module
from newsdedup._stories.rewrite import (
    _BUCKETS,
    _NGRAM,
    _PRIME,
    find_rewrites,
)
from newsdedup._text.features import extract_features
from newsdedup._text.sentences import sentence_points
from newsdedup.synthetic import generate_corpus
from rewrite_texts import OTHER, REWRITE, SOURCE


def test_a_paraphrased_copy_is_a_rewrite_match() -> None:
    """A reworded copy sharing no five-word run is reported as a rewrite, with its paragraphs."""
    result = dedup([Article("src", SOURCE), Article("rw", REWRITE)])
    rewrites = [m for m in result.matches if m.relation == "rewrite"]
    assert len(rewrites) == 1
    match = rewrites[0]
    assert (match.a, match.b) == ("rw", "src") and not match.is_duplicate
    assert match.score >= 0.55
    assert [(p.a_index, p.b_index) for p in match.shared_paragraphs] == [(0, 0), (1, 1), (2, 2)]
    assert len(result.groups) == 2  # a match, not a duplicate link


@pytest.mark.parametrize(("days", "rewritten"), [(0.5, True), (6.0, True), (30.0, False),
                                                  (None, True)])
def test_a_rewrite_is_published_while_the_news_is(days: float | None, rewritten: bool) -> None:
    """A rewrite tells news again while it is news: published further than
    ``story_window_days`` (7) from its source, the same text is no rewrite (formulaic
    reports of other incidents weeks apart read alike); undated, it is."""
    start = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)
    later = None if days is None else start + dt.timedelta(days=days)
    result = dedup([Article("src", SOURCE, published=None if days is None else start),
                    Article("rw", REWRITE, published=later)])
    assert any(m.relation == "rewrite" for m in result.matches) is rewritten
    # The window is the story window's: widened, the late copy is a rewrite again.
    if not rewritten:
        wide = dedup([Article("src", SOURCE, published=start),
                      Article("rw", REWRITE, published=later)], story_window_days=60.0)
        assert [m.relation for m in wide.matches] == ["rewrite"]


def test_another_write_up_of_the_story_is_not_a_rewrite() -> None:
    """A different write-up of the same event (same names, other wording) is no rewrite."""
    result = dedup([Article("src", SOURCE), Article("other", OTHER)])
    assert not [m for m in result.matches if m.relation == "rewrite"]


PARTIAL = ("Half of the entrance roof collapsed when a blaze hit the Waitrose supermarket in "
           "Wellington early Sunday, fire services said, as firefighters battled it.\n\n"
           "Neighbours on the high street said the smoke could be seen from the motorway, and "
           "several families living above nearby shops spent the morning in a church hall.\n\n"
           "The town council said bus routes through the centre would be diverted until the "
           "weekend and asked drivers to avoid the area during the clean-up.")


def test_a_rewrite_in_part_needs_a_supporting_paragraph() -> None:
    """An article rewording the source's lead and going on about other things scores under
    ``rewrite_threshold`` (its whole cosine is ~0.33); from ``rewrite_supported_threshold``
    (0.3) it is a rewrite, supported by the reworded lead, and with 0.42 (the former
    default) it is not read at all. An independent write-up scoring higher (~0.39) has no
    reworded paragraph and stays out."""
    pair = [Article("src", SOURCE), Article("part", PARTIAL)]
    assert not [m for m in dedup(pair, rewrite_supported_threshold=0.42).matches
                if m.relation == "rewrite"]
    for config in (DedupConfig(), DedupConfig(rewrite_supported_threshold=0.25)):
        found = [m for m in dedup(pair, config).matches if m.relation == "rewrite"]
        assert len(found) == 1
        assert 0.3 <= found[0].score < 0.45
        assert [(p.a_index, p.b_index) for p in found[0].shared_paragraphs] == [(0, 0)]
        other = dedup([Article("src", SOURCE), Article("other", OTHER)], config)
        assert not [m for m in other.matches if m.relation == "rewrite"]


def test_a_stream_finds_a_rewrite_in_part_as_a_list_does() -> None:
    """A generator's texts are not kept on its articles, but the rewrite support reads them
    (kept on disk for the run): the stream's matches equal the list's."""
    pair = [Article("src", SOURCE), Article("part", PARTIAL)]
    listed = dedup(pair, rewrite_supported_threshold=0.25)
    streamed = dedup((article for article in pair), rewrite_supported_threshold=0.25)
    assert [m.relation for m in listed.matches] == ["rewrite"]
    assert streamed.matches == listed.matches
    assert [a.text for a in streamed.articles] == [None, None]
    # A whole rewrite's supporting paragraphs too, with rewrites in part off.
    whole = [Article("src", SOURCE), Article("rw", REWRITE)]
    listed = dedup(whole, rewrite_supported_threshold=None)
    assert [len(m.shared_paragraphs) for m in listed.matches] == [3]
    assert dedup(iter(whole), rewrite_supported_threshold=None).matches == listed.matches


def test_a_rewrite_in_part_without_texts_is_not_reported() -> None:
    """Support needs the texts: without them only ``rewrite_threshold`` decides. With them,
    a pair over the whole threshold is a rewrite only if some of its sentences are retold
    (``rewrite_evidence_share``): the independent write-up, given a whole score of 0.5,
    retells none."""
    texts = [SOURCE, PARTIAL, OTHER]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    config = DedupConfig(rewrite_supported_threshold=0.25)
    # (source, part) under the whole threshold; (source, other) at it.
    pairs = (np.array([0, 0]), np.array([1, 2]), np.array([0.33, 0.5]))
    allowed = np.ones(features.spans.shape[0], dtype=bool)
    without = find_rewrites(*pairs, None, features, allowed, config)
    assert (without.a.tolist(), without.b.tolist()) == ([0], [2])
    assert without.pair_offsets.tolist() == [0, 0]
    found = find_rewrites(*pairs, texts, features, allowed, config)
    assert (found.a.tolist(), found.b.tolist()) == ([0], [1])
    assert found.pair_offsets.tolist() == [0, 1] and found.paragraph_first.size == 1
    no_evidence = find_rewrites(*pairs, texts, features, allowed,
                                DedupConfig(rewrite_supported_threshold=0.25,
                                            rewrite_evidence_share=None))
    assert (no_evidence.a.tolist(), no_evidence.b.tolist()) == ([0, 0], [1, 2])
    assert no_evidence.pair_offsets.tolist() == [0, 1, 1]


#: SOURCE's sentences cut into clauses and regrouped into other paragraphs: no paragraph
#: pair keeps half its phrasing (closest ~0.46), a sentence of each of its paragraphs does
#: (0.52-0.61).
REGROUPED = ("Half of the entrance roof collapsed in the blaze. Police confirmed that Robert "
             "Pitman, 24, from the town was charged with arson.\n\n"
             "Firefighters battled the fire at the Waitrose supermarket in Wellington early "
             "Sunday, fire services said. A spokeswoman for the chain said the store would stay "
             "closed.\n\n"
             "He will appear before magistrates in Taunton Deane on Tuesday. The damage will be "
             "assessed over several weeks.")


def test_a_rewrite_regrouped_into_other_paragraphs_is_found_by_its_sentences() -> None:
    """A rewrite whose sentences are cut and regrouped into other paragraphs is compared
    sentence by sentence: under ``rewrite_threshold`` every sentence of its source is
    retold in it (``rewrite_sentence_threshold``), each paragraph pair listed once; the
    independent write-up at the same score retells none and stays out; a rewrite in part
    (one of the source's three sentences retold) is one at ``rewrite_retold_share`` 0.2,
    not at 0.5."""
    texts = [SOURCE, REGROUPED, OTHER, PARTIAL]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    allowed = np.ones(features.spans.shape[0], dtype=bool)
    pairs = (np.array([0, 0, 0]), np.array([1, 2, 3]), np.array([0.35, 0.35, 0.35]))
    found = find_rewrites(*pairs, texts, features, allowed, DedupConfig())
    assert (found.a.tolist(), found.b.tolist()) == ([0, 0], [1, 3])
    regrouped = slice(found.pair_offsets[0], found.pair_offsets[1])
    assert found.paragraph_first[regrouped].tolist() == [0, 1, 2]
    assert found.paragraph_second[regrouped].tolist() == [4, 3, 5]
    assert all(value >= 0.35 for value in found.paragraph_similarity[regrouped].tolist())
    strict = find_rewrites(*pairs, texts, features, allowed, DedupConfig(rewrite_retold_share=0.5))
    assert (strict.a.tolist(), strict.b.tolist()) == ([0], [1])


def test_long_pages_are_compared_on_their_first_sentences(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentences of two articles are compared on each one's first ``_MOST_COMPARED``
    only (a page of thousands would cost their square), and the shares of retold
    sentences are of those compared."""
    texts = [SOURCE, REWRITE]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    allowed = np.ones(features.spans.shape[0], dtype=bool)
    pair = (np.array([0]), np.array([1]))
    support = rewrite_module._supporting_entries_of(texts, features, allowed, *pair, 0.3)
    assert support.offsets.tolist() == [0, 3] and support.sentences.tolist() == [[3, 3]]
    monkeypatch.setattr(rewrite_module, "_MOST_COMPARED", 2)
    bounded = rewrite_module._supporting_entries_of(texts, features, allowed, *pair, 0.3)
    kept = (support.first_sentence < 2) & (support.second_sentence - 3 < 2)
    assert bounded.first_sentence.tolist() == support.first_sentence[kept].tolist() == [0, 1]
    assert bounded.second_sentence.tolist() == support.second_sentence[kept].tolist()
    assert bounded.sentences.tolist() == [[2, 2]]
    assert bounded.retold_share().tolist() == [1.0]


def test_rewrites_work_in_a_script_without_spaces_or_case() -> None:
    """Character n-grams find a reordered Cyrillic rewrite too."""
    source = ("Пожарные в Веллингтоне в воскресенье тушили пожар в супермаркете, обрушилась "
              "половина крыши над входом.\n\nМестный житель 24 лет обвиняется в поджоге и "
              "предстанет перед судом во вторник, сообщила полиция.")
    rewrite = ("Во вторник перед судом предстанет местный житель 24 лет, которого обвиняют в "
               "поджоге, сообщила полиция.\n\nВ воскресенье пожарные тушили пожар в "
               "супермаркете в Веллингтоне; обрушилась половина крыши над входом.")
    result = dedup([Article("a", source), Article("b", rewrite)])
    assert [m.relation for m in result.matches] == ["rewrite"]


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_a_rewrite_that_copies_a_paragraph_is_a_rewrite_with_its_copied_text() -> None:
    """An article that rewords two paragraphs of its source and copies the third is a
    rewrite whose Jaccard and containments measure the copied paragraph (a partial reuse
    alone, were it not reworded); its paragraph pairs are the copied one (similarity 1)
    and the reworded ones. The copy is not the rewrite's evidence: without the reworded
    paragraphs it is a partial reuse (next test)."""
    mixed = "\n\n".join(_paragraphs(REWRITE)[:2] + _paragraphs(SOURCE)[2:])
    result = dedup([Article("src", SOURCE), Article("mixed", mixed)])
    assert [m.relation for m in result.matches] == ["rewrite"]
    rewrite = result.matches[0]
    alone = dedup([Article("src", SOURCE), Article("mixed", mixed)], rewrite_threshold=None)
    assert [m.relation for m in alone.matches] == ["partial-reuse"]
    reuse = alone.matches[0]
    assert (rewrite.jaccard, rewrite.a_in_b, rewrite.b_in_a) == (
        reuse.jaccard, reuse.a_in_b, reuse.b_in_a) and rewrite.jaccard > 0
    assert [(p.a_index, p.b_index) for p in rewrite.shared_paragraphs] == [(0, 0), (1, 1),
                                                                          (2, 2)]
    assert rewrite.shared_paragraphs[2] == reuse.shared_paragraphs[0]
    assert all(p.similarity < 1 for p in rewrite.shared_paragraphs[:2])
    assert len(result.groups) == 2


def test_a_copied_paragraph_is_no_evidence_of_a_rewrite() -> None:
    """A page that carries a report's lead word for word and goes on in its own words about
    the story (another write-up) reuses part of it; it rewrites nothing: the copied lead,
    a perfect paragraph pair, does not count as a reworded one."""
    carrier = "\n\n".join(_paragraphs(SOURCE)[:1] + _paragraphs(OTHER))
    result = dedup([Article("src", SOURCE), Article("carrier", carrier)])
    assert [m.relation for m in result.matches] == ["partial-reuse"]


def test_text_links_are_not_reported_again_and_rewrites_can_be_off() -> None:
    """A near-duplicate pair is reported once, as near-duplicate; rewrite_threshold=None
    reports no rewrite."""
    result = dedup([Article("src", SOURCE), Article("copy", SOURCE + " Updated.")])
    assert [m.relation for m in result.matches] == ["near-duplicate"]
    off = dedup([Article("src", SOURCE), Article("rw", REWRITE)], rewrite_threshold=None)
    assert not [m for m in off.matches if m.relation == "rewrite"]


def _ngram_hashes(text: str) -> np.ndarray:
    """The reference: one piece's n-gram hashes, a polynomial hash of each n-gram's code
    points (Horner), or the sum of the code points of a piece shorter than an n-gram."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if points.size < _NGRAM:
        return points[:0] if points.size == 0 else np.array([points.sum()], dtype=np.uint64)
    hashes = np.zeros(points.size - _NGRAM + 1, dtype=np.uint64)
    for offset in range(_NGRAM):
        hashes = hashes * _PRIME + points[offset:points.size - _NGRAM + 1 + offset]
    return hashes


@given(st.lists(st.text(alphabet="ab дж東", max_size=12), min_size=1, max_size=8))
def test_ngram_columns_equal_each_piece_hashed_alone(pieces: list[str]) -> None:
    """The n-gram columns of many pieces hashed in one pass equal each piece's own, short
    and empty pieces included (no n-gram spans two pieces)."""
    points = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum([len(piece) for piece in pieces], out=starts[1:])
    frequency = np.zeros(_BUCKETS, dtype=np.int32)
    indptr, entries, *_ = ngram_counts(points, starts, int(_PRIME),
                                       np.full(len(pieces), _NGRAM, dtype=np.int8), frequency)
    indices = entries & np.uint32(_BUCKETS - 1)
    for k, piece in enumerate(pieces):
        alone = np.unique(fmix64(_ngram_hashes(piece)) % np.uint64(_BUCKETS))
        assert indices[indptr[k]:indptr[k + 1]].tolist() == alone.tolist()


def test_the_support_in_batches_finds_the_same_rewrites(
        ecbplus: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The support counts its n-gram rows chunk by chunk (``_CHUNK_CHARACTERS``), in
    memory or, past ``_BATCH_CHARACTERS`` of text, into temporary files, and checks the
    pairs on them memory-mapped: on the ECB+ dev documents (rewrites in part from 0.25),
    chunks of 20,000 characters (dozens), in memory or on disk, report exactly the rewrites
    and supporting paragraphs of one chunk, on one thread or two (two: a chunk counted while
    the next is read)."""
    whole = dedup(ecbplus, rewrite_supported_threshold=0.25)
    rewrites = [m for m in whole.matches if m.relation == "rewrite"]
    assert len(rewrites) > 300 and sum(bool(m.shared_paragraphs) for m in rewrites) > 100
    batches = []
    original = rewrite_module._batches

    def counted(size: np.ndarray, budget: int) -> list[slice]:
        batches.extend(found := original(size, budget))
        return found

    assert dedup(ecbplus, rewrite_supported_threshold=0.25, workers=2).matches == whole.matches
    monkeypatch.setattr(rewrite_module, "_CHUNK_CHARACTERS", 20000)
    monkeypatch.setattr(rewrite_module, "_batches", counted)
    # Chunks kept in memory, counted one after the other or while the next is read.
    assert dedup(ecbplus, rewrite_supported_threshold=0.25).matches == whole.matches
    assert len(batches) > 20
    assert dedup(ecbplus, rewrite_supported_threshold=0.25, workers=2).matches == whole.matches
    # Chunks written to temporary files.
    monkeypatch.setattr(rewrite_module, "_BATCH_CHARACTERS", 20000)
    batched = dedup(ecbplus, rewrite_supported_threshold=0.25)
    assert batched.matches == whole.matches
    assert dedup(ecbplus, rewrite_supported_threshold=0.25, workers=2).matches == whole.matches


def test_independent_write_ups_sharing_only_names_are_no_rewrites() -> None:
    """The synthetic corpus's stories have independent write-ups drawn from one vocabulary
    of names; at 5,000 articles ten pairs of them reach the whole threshold (more as the
    corpus grows), none with a paragraph pair keeping any phrasing: no rewrite is reported,
    and without the evidence rule they are."""
    corpus = generate_corpus(5000, seed=0)
    rewrites = [m for m in dedup(corpus.articles).matches if m.relation == "rewrite"]
    assert rewrites == []
    unguarded = [m for m in dedup(corpus.articles, rewrite_evidence_share=None).matches
                 if m.relation == "rewrite"]
    assert len(unguarded) >= 5
    assert all(corpus.labels[m.a].kind == corpus.labels[m.b].kind == "original"
               and corpus.labels[m.a].story == corpus.labels[m.b].story for m in unguarded)


@pytest.mark.parametrize("on_disk", [False, True])
@given(parts=st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), max_size=6),
       capacity=st.integers(0, 30))
def test_appended_rows_are_the_parts_joined(on_disk: bool, parts: list[list[int]],
                                            capacity: int) -> None:
    """The rows' entries appended chunk by chunk read back as the chunks joined, in memory
    (past the room first made for them: normalized text may be longer than its source,
    "ﬃ" is three letters) or from a temporary file."""
    column = rewrite_module._Appended(capacity, on_disk)
    try:
        for part in parts:
            column.extend(np.array(part, dtype=np.uint32))
        assert column.array().tolist() == [value for part in parts for value in part]
    finally:
        column.close()


def test_texts_longer_once_normalized_find_the_same_rewrites(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts that grow when normalized (more n-grams than characters read) outgrow the room
    first made for their rows: the rewrites are those of the same texts written plainly."""
    # Squared abbreviations ("㎏" is "kg", "㎑" "kHz"): three times as many characters.
    squared = "".join(chr(point) for point in range(0x3380, 0x33E0))
    fancy = [f"The council approved the new budget on Monday. {squared}",
             f"On Monday the council approved its budget. {squared[:80]}"]
    plain = [unicodedata.normalize("NFKC", text) for text in fancy]
    grown = []
    extend = rewrite_module._Appended.extend

    def spy(column: rewrite_module._Appended, values: np.ndarray) -> None:
        grown.append(column.size + values.size > column._data.size)
        extend(column, values)

    monkeypatch.setattr(rewrite_module._Appended, "extend", spy)
    pairs = (np.array([0]), np.array([1]), np.array([0.7]))
    monkeypatch.setattr(rewrite_module, "_CHUNK_CHARACTERS", 40)
    found = []
    for texts in (plain, fancy):
        features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                    DedupConfig())
        found.append(find_rewrites(*pairs, texts, features, np.ones(2, dtype=bool),
                                   DedupConfig()))
    assert found[0].a.tolist() == found[1].a.tolist() == [0]
    assert found[0].paragraph_similarity.tolist() == found[1].paragraph_similarity.tolist()
    assert any(grown)  # the fancy texts' rows outgrew their room


#: Leads of formulaic fire reports of five different incidents, and the set phrases their
#: newsroom closes every report with.
_LEADS = ["Fire crews were called to a house fire on Union Avenue in Carverton around 11:30 "
          "p.m. Monday.",
          "A garage on Center Street in Millbrook burned down shortly after midnight Thursday.",
          "Firefighters put out a kitchen fire at an apartment on Elm Road in Danbury on "
          "Saturday morning.",
          "A barn west of Fairview was destroyed by fire late Sunday, with two horses rescued.",
          "Smoke filled a bakery on Main Street in Oakdale when an oven caught fire Tuesday."]
_STOCK = ("The cause of the fire is under investigation. Anyone with information is asked to "
          "call the county fire marshal's office.")


def test_stock_rows_count_articles_not_repeats() -> None:
    """A sentence is stock when five articles carry it, not when one article repeats it
    five times; every row of a stock sentence is marked, none of another."""
    hashes = np.array([7, 7, 7, 7, 7, 9, 9, 9, 9, 9, 7, 5], dtype=np.uint64)
    # Articles: 0 holds rows 0-4 (7 five times); 1-5 hold one 9 each; 6 holds 7 and 5.
    article_rows = np.array([0, 5, 6, 7, 8, 9, 10, 12], dtype=np.int64)
    stock = rewrite_module._stock_rows(hashes, article_rows)
    assert stock.tolist() == [False] * 5 + [True] * 5 + [False, False]


def test_stock_sentences_are_never_retold() -> None:
    """Reports of different incidents closing with the same set phrases (a sentence written
    alike in five or more of the articles compared) are no rewrites of one another, though
    those sentences are half of each; with only two such reports the phrases are nobody's
    stock and the two are rewrites (the rule counts carriers, it knows no phrase)."""
    texts = [f"{lead}\n\n{_STOCK}" for lead in _LEADS]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    allowed = np.ones(features.spans.shape[0], dtype=bool)
    first, second = (np.array(side) for side in zip(*itertools.combinations(range(5), 2),
                                                     strict=True))
    found = find_rewrites(first, second, np.full(first.size, 0.35), texts, features, allowed,
                          DedupConfig())
    assert found.a.size == 0
    two = find_rewrites(np.array([0]), np.array([1]), np.array([0.35]), texts, features,
                        allowed, DedupConfig())
    assert (two.a.tolist(), two.b.tolist()) == ([0], [1])


#: A fire report in Chinese and a rewrite of it: its sentences retold and regrouped, a word
#: or two changed in each (every character a syllable: two of them make most words).
_CHINESE = ("周日清晨，惠灵顿一家超市发生大火，入口处一半的屋顶坍塌。"
            "消防部门说，火灾在早上六点左右被发现。\n\n"
            "警方确认，一名来自该镇的二十四岁男子已被控纵火罪，他将于周二在法院出庭。\n\n"
            "连锁店的一位女发言人说，这家店将关闭数周，以便评估损失。")
_CHINESE_REWRITE = ("警方周二表示，一名二十四岁的本地男子因纵火被起诉，将在法院出庭。"
                    "周日早上，惠灵顿的一家超市起火，入口屋顶有一半倒塌。\n\n"
                    "消防部门称大火是在清晨六点前后发现的。"
                    "该连锁店发言人表示，商店会关闭几个星期来评估损失。")
_CHINESE_OTHER = ("北京市气象台周三发布暴雨预警，预计未来两天将有强降雨。市民出行请注意安全。\n\n"
                  "交通部门提醒司机减速慢行，避开积水路段。")


def test_a_chinese_rewrite_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sentences written in a script whose characters are syllables or words (Chinese) are
    compared by character bigrams (``_SYLLABIC_NGRAM``): the rewrite of the fire report is
    one, the weather report is nobody's rewrite. Compared by 4-grams, as alphabetic
    sentences are, the rewrite keeps too little (its closest sentences: 0.09)."""
    articles = [Article("src", _CHINESE), Article("rw", _CHINESE_REWRITE),
                Article("other", _CHINESE_OTHER)]
    found = [(m.a, m.b, m.relation) for m in dedup(articles).matches]
    assert found == [("rw", "src", "rewrite")]
    monkeypatch.setattr(rewrite_module, "_SYLLABIC_NGRAM", 4)
    assert dedup(articles).matches == ()


#: A formulaic robbery report, the same newsroom's report of another robbery (the same
#: formula, other figures), and a rewrite of the first (its figures kept).
_ROBBERY = ("A man robbed a liquor store on Route 22 in Thornton at gunpoint around 11:30 p.m. "
            "Tuesday, police said. He left with about $7,600 and fled on foot toward School "
            "Street. The suspect was described as a man in his 20s wearing a dark hooded "
            "sweatshirt.")
_OTHER_ROBBERY = ("A man robbed a liquor store on Route 9 in Thornton at gunpoint around 9:15 "
                  "p.m. Tuesday, police said. He left with about $5,200 and fled on foot toward "
                  "School Street. The suspect was described as a man in his 40s wearing a dark "
                  "hooded sweatshirt.")
_ROBBERY_RETOLD = ("Police said a gunman robbed a liquor store on Route 22 in Thornton late "
                   "Tuesday, at about 11:30 p.m. The robber fled toward School Street on foot "
                   "with about $7,600. He was described as a man in his 20s in a dark hooded "
                   "sweatshirt.")


@pytest.mark.parametrize("rule", [True, False])
def test_a_sentence_with_other_figures_is_not_retold(monkeypatch: pytest.MonkeyPatch,
                                                     rule: bool) -> None:
    """A retold sentence keeps its figures or drops some: the report of another robbery in
    the same formula (other route, time, sum, age) retells none of the first report's
    sentences, its rewrite does. Without the rule both would be rewrites."""
    if not rule:
        monkeypatch.setattr(rewrite_module, "_figures_differ",
                            lambda figures, first, second: np.zeros(first.size, dtype=bool))
    texts = [_ROBBERY, _OTHER_ROBBERY, _ROBBERY_RETOLD]
    features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
                                DedupConfig())
    found = find_rewrites(np.array([0, 0]), np.array([1, 2]), np.full(2, 0.35), texts,
                          features, np.ones(features.spans.shape[0], dtype=bool),
                          DedupConfig())
    assert list(zip(found.a.tolist(), found.b.tolist(), strict=True)) == (
        [(0, 2)] if rule else [(0, 1), (0, 2)])


def test_figures_differ_when_neither_sentence_keeps_the_others() -> None:
    """Rows with figures {7600, 22} and {7600} agree (one dropped), {22} and {9} differ,
    a row without figures agrees with any; a figure written "7,600" is "7600"."""
    points, starts, _ = sentence_points(["route 22 and $7,600.", "only 7600 then.",
                                         "route 9, no more.", "none at all here."])
    offsets, hashes = sentence_figures(points, starts)
    first, second = np.array([0, 1, 0, 2, 3]), np.array([1, 0, 2, 1, 2])
    differ = rewrite_module._figures_differ((offsets, hashes), first, second)
    assert differ.tolist() == [False, False, True, True, False]


def test_figures_are_read_in_any_script_s_digits() -> None:
    """Normalization writes every script's digits as 0-9, so "۷,۶۰۰" (Urdu), "७६००"
    (Devanagari) and "７６００" (full width) are the figure "7,600" is; "۵,۶۰۰" is another."""
    points, starts, _ = sentence_points(["قیمت ۷,۶۰۰ روپے ہے۔", "कीमत ७६०० रुपये है।",
                                         "price ７６００ now.", "price 7,600 now.",
                                         "قیمت ۵,۶۰۰ روپے ہے۔"])
    offsets, hashes = sentence_figures(points, starts)
    assert np.diff(offsets).tolist() == [1, 1, 1, 1, 1]
    assert len(set(hashes[:4].tolist())) == 1 and hashes[4] != hashes[0]
