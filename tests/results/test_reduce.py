"""The pipeline hook the index uses: corpus-wide document frequencies for the topic check."""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from newsdedup import DedupConfig, dedup
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._near_duplicates import boilerplate as boilerplate_module
from newsdedup._results import reduce as reduce_module
from newsdedup._results.reduce import dedup_collected
from newsdedup._text.features import collect_features
from newsdedup._text.terms import CorpusFrequencies, document_frequencies

ARTICLES = generate_corpus(300, seed=4, article_bytes=600).articles


def test_own_frequencies_give_the_batch_result() -> None:
    """Passing the run's own document frequencies changes nothing, and they are consulted."""
    config = DedupConfig()
    collected = collect_features(ARTICLES, config)
    terms = collected.features.terms
    asked: list[int] = []

    def lookup(distinct: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        asked.append(distinct.size)
        return document_frequencies(terms, distinct)

    frequencies = CorpusFrequencies(collected.features.n_articles, lookup)
    assert dedup_collected(collected, config, corpus_frequencies=frequencies) == dedup(
        ARTICLES, config)
    assert asked  # the corpus has blocks that reach the topic check


def test_other_frequencies_change_the_topic_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other frequencies give other topic cosines (uniform ones: plain term-frequency cosines)."""
    config = DedupConfig()
    collected = collect_features(ARTICLES, config)
    cosines: list[float] = []
    real = boilerplate_module._mean_cross_family_cosines

    def recorded(*args: Any) -> Any:
        means = real(*args)
        cosines.extend(means.tolist())
        return means

    monkeypatch.setattr(boilerplate_module, "_mean_cross_family_cosines", recorded)
    dedup_collected(collected, config)
    batch, cosines[:] = list(cosines), []
    uniform = CorpusFrequencies(10**6, lambda distinct: np.full(distinct.size, 10**6))
    dedup_collected(collected, config, corpus_frequencies=uniform)
    assert len(cosines) == len(batch) > 0 and cosines != batch


def test_the_steps_after_the_map_step_run_with_the_collector_paused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reduce steps build millions of objects at scale; the cyclic collections they
    would trigger walk every live container (3.1 s of a 43 s run at 100k,
    ``_core.collector``). The collector is off from the first step to the assembly, and
    back on after, with the same result."""
    seen: dict[str, bool] = {}
    for name in ("match_paragraphs", "build_stories", "assemble"):
        step = getattr(reduce_module, name)

        def spy(*args: Any, _step: Any = step, _name: str = name, **kwargs: Any) -> Any:
            seen[_name] = gc.isenabled()
            return _step(*args, **kwargs)

        monkeypatch.setattr(reduce_module, name, spy)
    result = dedup_collected(collect_features(ARTICLES, DedupConfig()), DedupConfig())
    assert seen == {"match_paragraphs": False, "build_stories": False, "assemble": False}
    assert gc.isenabled()
    monkeypatch.undo()
    assert result == dedup(ARTICLES)
