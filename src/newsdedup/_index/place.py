"""New articles placed among the stored ones: featurized once, paragraphs matched.

The only map step an article ever goes through runs here, when it arrives. Its paragraphs
are then placed against the stored ones: a stored paragraph with the same fingerprint is the
same distinct paragraph; a stored one sharing an LSH band is a candidate, kept if it passes
the pipeline's exact test (``_near_duplicates.paragraph_matches.paragraphs_match``, computed
on the stored shingle sets and token counts), exactly as a batch run over everything would
verify it. The result is an :class:`Incoming`: what the neighbourhood run and the writes need.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import sorted_unique
from .._core.config import DedupConfig
from .._core.types import I64
from .._near_duplicates.paragraph_matches import paragraphs_match
from .._near_duplicates.verify import pair_similarity
from .._text.article import Article
from .._text.features import Features, collect_features, split_features
from .._text.shingle import ShingleSets
from .._text.terms import CorpusFrequencies
from .blobs import Lookup, lookup_of
from .paragraphs import Staged, band_keys
from .state import IndexState
from .store import IndexStore

__all__ = ["Incoming", "features_terms", "place_articles", "verify_candidates"]



@attrs.frozen(slots=True)
class Incoming:
    """The articles an add stores (or a query asks about), featurized and placed.

    ``staged`` places their paragraphs, ``edges`` are the verified matches of new distinct
    paragraphs (uid pairs), ``slots`` the slots they will get (numbered after the stored
    ones), ``story_terms`` each one's strongest terms (``_index.terms.story_terms``),
    ``term_delta`` the change of document frequencies once they are in (and the articles
    leaving with them gone), ``frequencies`` the index's document frequencies with that
    change, ``parts`` each one's features on its own.
    """

    articles: list[Article]
    features: Features
    staged: Staged
    edges: I64
    slots: I64
    story_terms: list[npt.NDArray[np.uint64]]
    term_delta: tuple[npt.NDArray[np.uint64], I64]
    frequencies: CorpusFrequencies
    parts: list[Features]


def place_articles(memory: IndexState, store: IndexStore, articles: list[Article],
                   config: DedupConfig,
                   leaving_terms: Sequence[npt.NDArray[np.unsignedinteger]]
                   ) -> tuple[Incoming, list[Lookup]]:
    """Featurize ``articles`` (arriving while articles with ``leaving_terms`` go) and place
    them: their paragraphs staged and matched, their lookups ready to store."""
    features = collect_features(articles, config, keep_text=True).features
    keys = band_keys(features.shingles, config)
    staged = memory.paragraphs.stage(features.fingerprints, keys, features.shingles.sizes > 0)
    edges = verify_candidates(memory, store, features, staged, config)
    n_uids = memory.paragraphs.n_uids
    matches = [(int(staged.new_first[left - n_uids]),
                int(memory.paragraphs.fingerprints(np.array([right]))[0] if right < n_uids
                    else staged.new_fingerprints[right - n_uids]))
               for left, right in edges.tolist()]
    term_delta = memory.term_counts.delta(
        [features_terms(features, n) for n in range(features.n_articles)], leaving_terms)
    frequencies = memory.term_counts.frequencies(
        term_delta, memory.n_alive + features.n_articles - len(leaving_terms))
    lookups = lookup_of(features, config, matches, frequencies, keys)
    slots = np.arange(len(memory.ids), len(memory.ids) + len(articles), dtype=np.int64)
    parts = split_features(features)
    return Incoming(articles, features, staged, edges, slots,
                    [lookup.story_terms for lookup in lookups], term_delta, frequencies,
                    parts), lookups


def verify_candidates(memory: IndexState, store: IndexStore, incoming_features: Features,
                      staged: Staged, config: DedupConfig) -> I64:
    """The candidate uid pairs of ``staged`` that pass the pipeline's exact paragraph test."""
    pairs = staged.candidates
    if pairs.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n_uids = memory.paragraphs.n_uids
    stored_uids = sorted_unique(pairs[pairs < n_uids])
    occurrences = memory.paragraphs.representatives(stored_uids)
    live = occurrences >= 0
    stored_uids, occurrences = stored_uids[live], occurrences[live]
    slots = memory.paragraphs.occurrence_slot.values[occurrences]
    firsts = memory.paragraphs.slot_first.values[slots]
    unique_slots = sorted(set(slots.tolist()))
    stored = dict(zip(unique_slots, memory.features(store, unique_slots), strict=True))
    # The paragraphs compared, new ones first: their shingle sets and token counts.
    parts = [(incoming_features, staged.new_first)]
    parts += [(stored[slot], np.array([occurrence - first]))
              for slot, occurrence, first in zip(slots.tolist(), occurrences.tolist(),
                                                 firsts.tolist(), strict=True)]
    sets = _stack([(features.shingles, rows) for features, rows in parts])
    tokens = np.concatenate([features.token_counts[rows]
                             for features, rows in parts]).astype(np.int64)

    def row_of(uids: I64) -> I64:
        """Row of each uid in ``sets`` (new uids first, then the live stored ones; -1 for a
        stored uid with no live occurrence). Not a table over all uids: at a million
        articles that is millions of entries for a few thousand pairs."""
        at = np.minimum(np.searchsorted(stored_uids, uids), max(stored_uids.size - 1, 0))
        found = (stored_uids[at] == uids) if stored_uids.size else np.zeros(uids.size, bool)
        rows: I64 = np.where(uids >= n_uids, uids - n_uids,
                             np.where(found, staged.new_first.size + at, -1))
        return rows

    left, right = row_of(pairs[:, 0]), row_of(pairs[:, 1])
    known = (left >= 0) & (right >= 0)
    pairs, left, right = pairs[known], left[known], right[known]
    similarity = pair_similarity(sets, left, right)
    keep = paragraphs_match(similarity, tokens[left], tokens[right], config)
    return pairs[keep]


def _stack(parts: Sequence[tuple[ShingleSets, I64]]) -> ShingleSets:
    """The shingle sets of the chosen rows of several ShingleSets, one after the other."""
    sizes, values = [], []
    for sets, rows in parts:
        for row in rows.tolist():
            values.append(sets.row(row))
            sizes.append(values[-1].size)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    joined: npt.NDArray[np.uint32] = (np.concatenate(values) if values
                                      else np.zeros(0, np.uint32))
    return ShingleSets(offsets, joined)


def features_terms(features: Features, article: int) -> npt.NDArray[np.unsignedinteger]:
    """The distinct content terms of article ``article`` of ``features``."""
    start, stop = features.article_terms[article:article + 2]
    terms: npt.NDArray[np.unsignedinteger] = features.terms[start:stop]
    return terms
