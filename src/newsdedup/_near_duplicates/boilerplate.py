"""Boilerplate: paragraphs that recur across unrelated articles.

Shared text is either *content* (a syndicated copy carries its original's paragraphs) or
*boilerplate* (an aggregator's footer, a share prompt, a disclaimer, an author bio). What
tells them apart is what else the carriers share:

1. Paragraph clusters are grouped into *blocks* by their exact set of carrier articles, so a
   five-line footer that always travels together is judged as one piece.
2. A block is a boilerplate candidate when, on average, it makes up at most
   ``boilerplate_max_share`` of its carriers' text: content copies share most of their text.
3. Its carriers are split into *families*: two carriers are related when they also share
   content, i.e. a block that is not itself a candidate (an original and its repost share
   the body; two reposts sharing only an aggregator's several footer blocks do not). The block must
   recur in at least ``boilerplate_min_articles`` families, i.e. across articles that share
   no other text.
4. Boilerplate belongs to a site, not to a story. The families must either come from one
   source (a site's template: same ``source``, or the same web domain in ``url``), or be
   about different things: the mean cosine similarity of their content-term vectors stays
   below ``TOPIC_THRESHOLD``. A quote or a wire lead reused by several reports of one event
   is shared by otherwise different articles too, but those articles are about the same
   event, so it stays content (a partial reuse).
5. A paragraph of a boilerplate block is flagged when it recurs itself: the families
   carrying paragraphs of its cluster at least half its size are enough (clusters join by
   containment, and a short headline contained in an article's lead must not make the lead
   boilerplate; see :func:`_recurs_itself`).

Paragraphs matching well-known boilerplate phrases (see ``_text.features``) are flagged too, with
the reason ``"pattern"``, so a single article's own footer is recognised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, diags

from .._core.arrays import gather_rows, owner_offsets, sorted_unique
from .._core.config import DedupConfig
from .._core.hashing import fmix64
from .._core.types import F64, I64
from .._kernels import TERM_MAX_COUNT
from .._kernels import families as _families
from .._text.features import Features
from .._text.templates import template_blocks
from .._text.terms import CorpusFrequencies, document_frequencies, term_ids, term_tokens
from .links import TEXT_TOKENS
from .paragraph_matches import ParagraphMatches

__all__ = ["TOPIC_THRESHOLD", "Boilerplate", "boilerplate_words", "find_boilerplate"]


#: Families about different things: the mean cosine of their content-term vectors stays
#: below this. Its own value, not the story step's ``story_threshold`` (whose default it
#: equals, 0.18): the two rules are tuned apart.
TOPIC_THRESHOLD = 0.18
#: Carriers per block whose topics are compared (the first ones by a hash of their id).
_TOPIC_SAMPLE = 25
#: A block is content when one of its carriers tells it (names again, in its other lines,
#: this many of the names the block names, and this share of them); carriers looked at
#: (the first ones by a hash of their id).
_TOLD_NAMES = 2
_TOLD_SHARE = 0.5
_TOLD_SAMPLE = 200
#: ... and only a block making this share of its carriers' text or more, on average: a
#: teaser is a share of a briefing, a headline in a list of related or most-read stories a
#: line of a page (which its own article tells too, but which is no text of the page).
_TOLD_LEAST_SHARE = 0.05
#: Carriers of the blocks checked at once (their paragraphs' names as arrays).
_TOLD_CARRIERS = 1 << 16
#: Families of one site carry boilerplate unless they are about one thing: their topic
#: cosine stays below this multiple of ``TOPIC_THRESHOLD`` (a roundup and a repost of one
#: article on one aggregator share its lead and are about it; two reports of one beat on a
#: site share its footer and are about two events).
_SITE_TOPIC_FACTOR = 2.0


@attrs.frozen(slots=True)
class Boilerplate:
    """Boilerplate flags per paragraph.

    Attributes:
        recurring: flagged because its block recurs across unrelated articles.
        pattern: flagged by a built-in boilerplate phrase.
        template: flagged because its block is a site template standing in for the text of
            pages whose titles it is not about (see ``_text.templates``).
        families: for recurring paragraphs, the number of unrelated article families
            carrying the block (0 otherwise).
    """

    recurring: npt.NDArray[np.bool_]
    pattern: npt.NDArray[np.bool_]
    families: I64
    template: npt.NDArray[np.bool_]

    @property
    def any(self) -> npt.NDArray[np.bool_]:
        """Paragraphs flagged for any reason."""
        return self.recurring | self.pattern | self.template


@attrs.frozen(slots=True)
class _Blocks:
    """Shared paragraph clusters grouped into blocks by their exact set of carriers (step 1).

    Attributes:
        n_blocks: number of blocks.
        paragraph_block: block of each paragraph (-1: in none).
        article_offsets, blocks_by_article: CSR of each article's blocks, one entry per
            shared cluster it carries.
        block_offsets, articles_by_block: CSR of each block's carrier articles, one entry
            per shared cluster of the block.
    """

    n_blocks: int
    paragraph_block: I64
    article_offsets: I64
    blocks_by_article: I64
    block_offsets: I64
    articles_by_block: I64


def find_boilerplate(features: Features, matches: ParagraphMatches, config: DedupConfig,
                     site: Sequence[str | None], ids: Sequence[str],
                     frequencies: CorpusFrequencies | None = None,
                     titles: Sequence[str | None] | None = None,
                     copy_family: I64 | None = None,
                     earliest_first: I64 | None = None) -> Boilerplate:
    """Flag boilerplate paragraphs (see the module docstring for the rule).

    ``site[a]`` is article ``a``'s source or web domain (None if unknown); ``ids[a]`` its id,
    whose hash picks a deterministic sample of the carriers of a huge block.
    ``frequencies`` replaces the document frequencies of ``features`` in the topic check.
    ``titles`` (one per article, None: untitled) let a block that is most of its carriers'
    text be recognised as a site template (``_text.templates``). ``copy_family`` (per article, -1:
    none; see ``_near_duplicates.copy_families``) relates carriers that are copies of one text;
    with ``earliest_first`` (each article's rank by publication), a block that a copy
    family's first publication carries is that text's own, not its reposts' site template.

    The steps of the module docstring: blocks of shared clusters (1, :func:`_blocks`); the
    candidates, a minor share of their carriers' text (2, :func:`_mean_shares`; the others
    may be site templates, :func:`_text.templates`); the candidates recurring across enough
    families whose topics differ, or of one site (3 and 4, :func:`_recurring_blocks`).
    """
    n_paragraphs = matches.unique_of.size
    recurring = np.zeros(n_paragraphs, dtype=bool)
    families_out = np.zeros(n_paragraphs, dtype=np.int64)
    pattern = features.pattern_boilerplate.copy()
    blocks = _blocks(features, matches)
    if blocks is None:
        return Boilerplate(recurring, pattern, families_out, np.zeros_like(recurring))
    mean_share = _mean_shares(features, blocks)
    candidate_blocks = np.flatnonzero(mean_share <= config.boilerplate_max_share)
    content_blocks = np.flatnonzero(mean_share > config.boilerplate_max_share)
    paragraph_block = blocks.paragraph_block
    template = _templates(features, titles, content_blocks, blocks.block_offsets,
                          blocks.articles_by_block, paragraph_block)
    if candidate_blocks.size == 0:
        return Boilerplate(recurring, pattern, families_out, template)
    boilerplate_blocks, family_count, labels = _recurring_blocks(
        features, blocks, candidate_blocks, config, site, ids, frequencies, copy_family,
        _first_publications(copy_family, earliest_first), mean_share >= _TOLD_LEAST_SHARE)
    in_some_block = np.flatnonzero(paragraph_block >= 0)
    flagged = in_some_block[boilerplate_blocks[paragraph_block[in_some_block]]]
    flagged = flagged[_recurs_itself(features, matches, config, paragraph_block, flagged,
                                     labels)]
    recurring[flagged] = True
    families_out[flagged] = family_count[paragraph_block[flagged]]
    return Boilerplate(recurring, pattern, families_out, template)


def _blocks(features: Features, matches: ParagraphMatches) -> _Blocks | None:
    """The blocks of the clusters carried by two or more articles (None: no such cluster)."""
    cluster = matches.cluster_of_paragraph
    article = features.paragraph_article
    # Distinct (cluster, article) carriers; keep clusters carried by 2+ articles. Most
    # clusters are one paragraph of one article: leave those out before sorting.
    has_cluster = np.flatnonzero(cluster >= 0)
    paragraphs_per_cluster = np.bincount(cluster[has_cluster])
    has_cluster = has_cluster[paragraphs_per_cluster[cluster[has_cluster]] >= 2]
    n_articles = features.n_articles
    carrier_code = sorted_unique(cluster[has_cluster] * n_articles + article[has_cluster])
    carrier_cluster, carrier_article = carrier_code // n_articles, carrier_code % n_articles
    carriers_per_cluster = np.bincount(carrier_cluster,
                                       minlength=int(cluster.max(initial=-1)) + 1)
    shared = carriers_per_cluster[carrier_cluster] >= 2
    carrier_cluster, carrier_article = carrier_cluster[shared], carrier_article[shared]
    if carrier_cluster.size == 0:
        return None

    # Block key of each shared cluster: an order-independent hash of its carrier set.
    mixed = fmix64(carrier_article.astype(np.uint64) + np.uint64(1))
    n_clusters = carriers_per_cluster.size
    block_hash = np.zeros(n_clusters, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(block_hash, carrier_cluster, mixed)
    shared_clusters = sorted_unique(carrier_cluster)
    _, block_of_shared = np.unique(block_hash[shared_clusters], return_inverse=True)
    block_of_cluster = np.full(n_clusters, -1, dtype=np.int64)
    block_of_cluster[shared_clusters] = block_of_shared
    n_blocks = int(block_of_shared.max()) + 1
    paragraph_block = np.where(cluster >= 0, block_of_cluster[np.maximum(cluster, 0)], -1)

    # (article, block) incidence, to find what else each carrier shares.
    carrier_block = block_of_cluster[carrier_cluster]
    by_article = np.argsort(carrier_article, kind="stable")
    article_offsets = owner_offsets(carrier_article, n_articles)
    blocks_by_article = carrier_block[by_article]
    cluster_order = np.argsort(carrier_block, kind="stable")
    block_offsets = owner_offsets(carrier_block, n_blocks)
    articles_by_block = carrier_article[cluster_order]
    return _Blocks(n_blocks, paragraph_block, article_offsets, blocks_by_article,
                   block_offsets, articles_by_block)


def _mean_shares(features: Features, blocks: _Blocks) -> F64:
    """Share of each carrier's shingles that lies in the block, averaged over carriers."""
    article = features.paragraph_article
    sizes = features.shingles.sizes
    n_articles, n_blocks = features.n_articles, blocks.n_blocks
    article_size = np.bincount(article, weights=sizes, minlength=n_articles)
    in_block = np.flatnonzero(blocks.paragraph_block >= 0)
    key = blocks.paragraph_block[in_block] * n_articles + article[in_block]
    block_article, key_inverse = np.unique(key, return_inverse=True)
    block_size = np.bincount(key_inverse, weights=sizes[in_block])
    carrier_size = article_size[block_article % n_articles]
    share = np.divide(block_size, carrier_size, out=np.ones(block_size.size),
                      where=carrier_size > 0)
    key_block = block_article // n_articles
    mean_share: F64 = np.bincount(key_block, weights=share, minlength=n_blocks) / np.maximum(
        np.bincount(key_block, minlength=n_blocks), 1)
    return mean_share


def _recurring_blocks(features: Features, blocks: _Blocks, candidate_blocks: I64,
                      config: DedupConfig, site: Sequence[str | None], ids: Sequence[str],
                      frequencies: CorpusFrequencies | None, copy_family: I64 | None,
                      first_publication: I64 | None = None,
                      tellable: npt.NDArray[np.bool_] | None = None
                      ) -> tuple[npt.NDArray[np.bool_], I64, _FamilyLabels]:
    """Which blocks are boilerplate, the number of families carrying each candidate block,
    and the family of each of their carriers. Of the blocks found boilerplate, those marked
    ``tellable`` are content when a carrier tells them (:func:`_told_by_a_carrier`)."""
    n_blocks, n_articles = blocks.n_blocks, features.n_articles
    is_candidate = np.zeros(n_blocks, dtype=bool)
    is_candidate[candidate_blocks] = True
    family_count = np.zeros(n_blocks, dtype=np.int64)
    boilerplate_blocks = np.zeros(n_blocks, dtype=bool)
    topic_checks: list[tuple[int, I64, I64, float, I64]] = []
    id_hash = _IdHashes(ids)
    if copy_family is None:
        copy_family = np.full(n_articles, -1, dtype=np.int64)
    carrier_offsets, all_carriers, all_families, counts = _families(
        candidate_blocks, blocks.block_offsets, blocks.articles_by_block,
        blocks.article_offsets, blocks.blocks_by_article, is_candidate, copy_family)
    family_count[candidate_blocks] = counts
    for number, block in enumerate(candidate_blocks.tolist()):
        if family_count[block] < max(2, config.boilerplate_min_articles):
            continue
        carriers = all_carriers[carrier_offsets[number]:carrier_offsets[number + 1]]
        family = all_families[carrier_offsets[number]:carrier_offsets[number + 1]]
        # On one site, families need only not be about one thing (a site's footer on
        # articles of one beat); across sites, they must be about different things.
        limit = (min(1.0, _SITE_TOPIC_FACTOR * TOPIC_THRESHOLD)
                 if _site_template(carriers, family, site, first_publication)
                 else TOPIC_THRESHOLD)
        # A bounded sample, by a hash of the ids: independent of the input order, and not
        # of one topic when ids are ordered by section or date.
        by_hash = carriers[np.lexsort((carriers, id_hash.of(carriers)))]
        sample = by_hash[:_TOPIC_SAMPLE]
        topic_checks.append((block, sample, family[np.searchsorted(carriers, sample)], limit,
                             by_hash[:_TOLD_SAMPLE]))
    if topic_checks:
        rows = sorted_unique(np.concatenate([check[1] for check in topic_checks]))
        vectors = _article_vectors(features, rows, frequencies)
        told_checks: list[tuple[int, I64]] = []
        means = _mean_cross_family_cosines(
            vectors, [np.searchsorted(rows, check[1]) for check in topic_checks],
            [check[2] for check in topic_checks])
        for (block, _, _, limit, told_sample), mean in zip(topic_checks, means.tolist(),
                                                            strict=True):
            if mean < limit:
                boilerplate_blocks[block] = True
                if tellable is None or tellable[block]:
                    told_checks.append((block, told_sample))
        if told_checks:
            told_blocks = np.array([block for block, _ in told_checks], dtype=np.int64)
            boilerplate_blocks[told_blocks] = ~_told_by_a_carrier(
                features, blocks.paragraph_block, family_count, told_blocks,
                [sample for _, sample in told_checks])
    labels = _FamilyLabels.of_carriers(candidate_blocks, carrier_offsets, all_carriers,
                                       all_families, n_articles)
    return boilerplate_blocks, family_count, labels


@attrs.frozen(slots=True)
class _FamilyLabels:
    """The family of each carrier of the candidate blocks (``_families``), looked up by
    (block, article).

    Attributes:
        blocks: the candidate blocks, ascending.
        keys: ``row * n_articles + carrier`` of every carrier (``row``: its block's position
            in ``blocks``), ascending.
        families: each key's family label.
        n_articles: articles of the corpus.
    """

    blocks: I64
    keys: I64
    families: I64
    n_articles: int

    @classmethod
    def of_carriers(cls, blocks: I64, offsets: I64, carriers: I64, families: I64,
                    n_articles: int) -> _FamilyLabels:
        """From ``_families``' output: CSR ``offsets`` over ``blocks``, each block's carriers
        ascending, and their families."""
        owner = np.repeat(np.arange(blocks.size, dtype=np.int64), np.diff(offsets))
        return cls(blocks, owner * np.int64(n_articles) + carriers, families, n_articles)

    def of(self, block: I64, article: I64) -> I64:
        """Family labels of ``article[k]`` in ``block[k]`` (each a carrier of that block)."""
        row = np.searchsorted(self.blocks, block)
        return self.families[np.searchsorted(self.keys, row * np.int64(self.n_articles)
                                             + article)]


def _recurs_itself(features: Features, matches: ParagraphMatches, config: DedupConfig,
                   paragraph_block: I64, flagged: I64, labels: _FamilyLabels
                   ) -> npt.NDArray[np.bool_]:
    """Which of the ``flagged`` paragraphs (of boilerplate blocks) recur themselves across
    enough families, not only through a much shorter line contained in them.

    Clusters join paragraphs by containment too: a digest's ten-word headline of one article
    is contained in the lead paragraph of another write-up of the event, so the digest
    carries that lead's cluster, and the lead would be boilerplate because its headline
    recurs. A paragraph counts the families of the carriers of the paragraphs of its cluster
    that are at least half its size (in shingles); it stays boilerplate when they are
    ``boilerplate_min_articles`` (and two) or more. Only clusters whose paragraphs differ
    that much in size are checked: a footer, or an aggregator's dated header line, recurs
    at its own size."""
    keep = np.ones(flagged.size, dtype=bool)
    cluster_of = matches.cluster_of_paragraph
    sizes = features.shingles.sizes
    cluster = cluster_of[flagged]
    in_clusters = np.flatnonzero(np.isin(cluster_of, sorted_unique(cluster[cluster >= 0])))
    if in_clusters.size == 0:
        return keep
    order = in_clusters[np.lexsort((in_clusters, cluster_of[in_clusters]))]
    ordered = cluster_of[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    smallest = np.minimum.reduceat(sizes[order], first)
    largest = np.maximum.reduceat(sizes[order], first)
    checked = np.flatnonzero(np.isin(cluster, ordered[first][largest > 2 * smallest]))
    needed = max(2, config.boilerplate_min_articles)
    bounds = dict(zip(ordered[first].tolist(),
                      zip(first.tolist(), np.r_[first[1:], order.size].tolist(),
                          strict=True), strict=True))
    decided: dict[tuple[int, int], bool] = {}
    for position in checked.tolist():
        paragraph = int(flagged[position])
        key = (int(cluster[position]), int(sizes[paragraph]))
        if key not in decided:
            start, stop = bounds[key[0]]
            members = order[start:stop]
            members = members[2 * sizes[members] >= key[1]]
            families = labels.of(paragraph_block[members],
                                 features.paragraph_article[members])
            decided[key] = np.unique(families).size >= needed
        keep[position] = decided[key]
    return keep


def _templates(features: Features, titles: Sequence[str | None] | None, blocks: I64,
               block_offsets: I64, articles_by_block: I64, paragraph_block: I64
               ) -> npt.NDArray[np.bool_]:
    """Paragraphs of the ``blocks`` (most of their carriers' text) that are site templates."""
    template = np.zeros(paragraph_block.size, dtype=bool)
    if titles is None or blocks.size == 0:
        return template
    positions, owner = gather_rows(block_offsets, blocks)
    codes = sorted_unique(owner * np.int64(features.n_articles) + articles_by_block[positions])
    owner, carriers = codes // features.n_articles, codes % features.n_articles
    offsets = owner_offsets(owner, blocks.size)
    flagged_blocks = blocks[template_blocks(blocks, offsets, carriers, features, titles)]
    template[np.isin(paragraph_block, flagged_blocks) & (paragraph_block >= 0)] = True
    return template


class _IdHashes:
    """Stable 64-bit hashes of article ids (BLAKE2b), computed for the articles asked."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = ids
        self._known: dict[int, int] = {}

    def of(self, articles: I64) -> npt.NDArray[np.uint64]:
        values = []
        for article in articles.tolist():
            value = self._known.get(article)
            if value is None:
                digest = hashlib.blake2b(self._ids[article].encode("utf-8", "surrogatepass"),
                                         digest_size=8).digest()
                value = self._known[article] = int.from_bytes(digest, "little")
            values.append(value)
        return np.array(values, dtype=np.uint64)


def _article_vectors(features: Features, rows: I64,
                     frequencies: CorpusFrequencies | None = None) -> csr_matrix:
    """L2-normalized TF-IDF vectors of the content terms of articles ``rows`` (one row each),
    with document frequencies over the whole corpus (or the given ones)."""
    positions, owner = gather_rows(features.article_terms, rows)
    ids, distinct = term_ids(features.terms[positions])
    if frequencies is None:
        document_frequency = document_frequencies(features.terms, distinct)
        n_articles = features.n_articles
    else:
        document_frequency = frequencies.lookup(distinct)
        n_articles = frequencies.n_articles
    idf = np.log((1.0 + n_articles) / (1.0 + document_frequency)) + 1.0
    weights = (1.0 + np.log(features.term_counts[positions].astype(np.float64))) * idf[ids]
    # Terms are sorted by hash within each article and ids follow hash order: the arrays are
    # already a CSR matrix with sorted, distinct column indices per row.
    offsets = owner_offsets(owner, rows.size)
    matrix = csr_matrix((weights, ids, offsets), shape=(rows.size, max(int(distinct.size), 1)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return csr_matrix(diags(1.0 / np.maximum(norms, 1e-12)) @ matrix)


def _first_publications(copy_family: I64 | None, earliest_first: I64 | None) -> I64 | None:
    """Per article, the first publication of its copy family (by ``earliest_first``; -1 for
    an article in no family or alone in its own)."""
    if copy_family is None or earliest_first is None:
        return None
    first = np.full(copy_family.size, -1, dtype=np.int64)
    members = np.flatnonzero(copy_family >= 0)
    if members.size == 0:
        return first
    order = members[np.lexsort((earliest_first[members], copy_family[members]))]
    label = copy_family[order]
    starts = np.flatnonzero(np.r_[True, label[1:] != label[:-1]])
    sizes = np.diff(np.r_[starts, order.size])
    first[order] = np.repeat(np.where(sizes >= 2, order[starts], -1), sizes)
    return first


def _site_template(carriers: I64, family: I64, site: Sequence[str | None],
                   first_publication: I64 | None = None) -> bool:
    """Whether two different families share a site (the same source or web domain), counting
    only carriers to which the block was added: a carrier whose copy family's first
    publication carries the block has it as that text's own (an article's lead in its
    repost and in one aggregator's roundup beside that aggregator's repost of it)."""
    families_of_site: dict[str, set[int]] = {}
    carried = set(carriers.tolist())
    for carrier, label in zip(carriers.tolist(), family.tolist(), strict=True):
        if first_publication is not None and int(first_publication[carrier]) in carried:
            continue
        key = site[carrier]
        if key is not None:
            families_of_site.setdefault(key, set()).add(label)
    return any(len(labels) >= 2 for labels in families_of_site.values())


def _told_by_a_carrier(features: Features, paragraph_block: I64, family_count: I64,
                       checked: I64, carriers: list[I64]) -> npt.NDArray[np.bool_]:
    """Whether one of the ``carriers[k]`` of block ``checked[k]`` tells what the block tells,
    in its own text: ``_TOLD_NAMES`` or more of the names the block names there (salient
    words, ``Features.names``), and ``_TOLD_SHARE`` of them, are named again in its own
    lines of text (``TEXT_TOKENS`` tokens or more, no pattern boilerplate, and in no
    candidate block that recurs across families: ``family_count`` per block, 0 for the
    others). An article's lead teased by briefings is told on by its article (the names come
    back in text that it, or its copies, alone carry); a footer, a disclaimer or a site's
    notice is about none of its carriers' stories, and the site's other recurring lines
    that name the site again are no text of a carrier's own. Scripts without case name
    nothing: no carrier tells a block there. The blocks are checked ``_TOLD_CARRIERS`` of
    their carriers at a time, as arrays.
    """
    told = np.zeros(checked.size, dtype=bool)
    sizes = np.array([part.size for part in carriers], dtype=np.int64)
    start = 0
    while start < checked.size:
        stop = start + max(1, int(np.searchsorted(np.cumsum(sizes[start:]), _TOLD_CARRIERS,
                                                  side="right")))
        told[start:stop] = _told(features, paragraph_block, family_count,
                                 checked[start:stop], np.concatenate(carriers[start:stop]),
                                 sizes[start:stop])
        start = stop
    return told


def _told(features: Features, paragraph_block: I64, family_count: I64, checked: I64,
          carriers: I64, sizes: I64) -> npt.NDArray[np.bool_]:
    """:func:`_told_by_a_carrier` of the blocks ``checked``, their carriers concatenated
    (``sizes[k]`` of block ``checked[k]``)."""
    check_of = np.repeat(np.arange(checked.size, dtype=np.int64), sizes)
    paragraphs, row = gather_rows(features.article_paragraphs, carriers)
    positions, name_row = gather_rows(features.name_offsets, paragraphs)
    named_in = paragraphs[name_row]
    row = row[name_row]  # the carrier (its place in ``carriers``) of each name
    named_block = paragraph_block[named_in]
    in_block = named_block == checked[check_of[row]]
    text = ((features.token_counts[named_in] >= TEXT_TOKENS)
            & ~features.pattern_boilerplate[named_in]
            & ~((named_block >= 0) & (family_count[np.maximum(named_block, 0)] >= 2)))
    key = (row << np.int64(32)) | features.names[positions].astype(np.int64)
    named = sorted_unique(key[in_block])
    again = np.isin(named, key[~in_block & text])
    carrier = named >> np.int64(32)
    count = np.bincount(carrier, minlength=carriers.size)
    repeated = np.bincount(carrier[again], minlength=carriers.size)
    tells = (repeated >= _TOLD_NAMES) & (repeated >= _TOLD_SHARE * count)
    told: npt.NDArray[np.bool_] = np.bincount(check_of, weights=tells,
                                              minlength=checked.size) > 0
    return told


def _mean_cross_family_cosines(vectors: csr_matrix, carriers: Sequence[I64],
                               families: Sequence[I64]) -> F64:
    """For each sample of carriers (rows of ``vectors``, L2-normalized) with their
    families, the mean cosine of its pairs of carriers of different families (1.0 when all
    are of one family). All samples at once, by sums instead of pairs: the cosines of the
    pairs of a sample add up to the squared norm of its vectors' sum, those within a family
    to the squared norm of the family's sum, so the pairs across families add up to the
    difference (two sparse products for all the samples, where a product per sample cost
    1 ms each: 1.1 s of the repost feed at 20k)."""
    sizes = np.array([sample.size for sample in carriers], dtype=np.int64)
    rows = np.concatenate(carriers)
    sample_of = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    keys = (sample_of << np.int64(32)) | np.concatenate(families).astype(np.int64)
    groups = sorted_unique(keys)
    group_of = np.searchsorted(groups, keys)
    picked = vectors[rows]
    everyone = np.arange(rows.size)

    def squared_sums(owner: I64, n_owners: int) -> F64:
        summed = csr_matrix((np.ones(rows.size), (owner, everyone)),
                            shape=(n_owners, rows.size)) @ picked
        norms: F64 = np.asarray(summed.multiply(summed).sum(axis=1), dtype=np.float64).ravel()
        return norms

    group_sample = groups >> np.int64(32)
    group_size = np.bincount(group_of, minlength=groups.size).astype(np.float64)
    across = (squared_sums(sample_of, sizes.size)
              - np.bincount(group_sample, weights=squared_sums(group_of, groups.size),
                            minlength=sizes.size))
    pairs = (sizes.astype(np.float64) ** 2
             - np.bincount(group_sample, weights=group_size ** 2, minlength=sizes.size))
    means: F64 = np.where(pairs > 0, across / np.maximum(pairs, 1.0), 1.0)
    return means


def boilerplate_words(features: Features, flagged: npt.NDArray[np.bool_],
                      texts: Sequence[str]) -> npt.NDArray[np.bool_] | None:
    """Which content-term entries (``Features.terms``) are words that their article's
    short ``flagged`` lines hold (under ``TEXT_TOKENS`` tokens: the headlines of a list of
    related or most-read stories, an aggregator's header, a byline) and its other
    paragraphs and title do not (every occurrence counted in the entry is in those lines).
    None when there are none. ``texts`` are the articles' texts: those lines are read and
    tokenized again (short lines, a few per page). A flagged line of text is left alone:
    boilerplate that long is a footer or a notice, whose words are common, or text taken
    for boilerplate (a lead that briefings tease), whose words are the story's. (Pattern
    boilerplate is never in the content terms.)"""
    short = np.flatnonzero(flagged & ~features.pattern_boilerplate
                           & (features.token_counts < TEXT_TOKENS))
    if short.size == 0:
        return None
    owner = features.paragraph_article[short].astype(np.int64)
    tokens = term_tokens(features.paragraph_texts(texts, short))
    held, times = np.unique((owner[tokens.paragraph] << np.int64(32))
                            | (tokens.hashes >> np.uint64(32)).astype(np.int64),
                            return_counts=True)
    if held.size == 0:
        return None
    articles = sorted_unique(owner)
    positions, row = gather_rows(features.article_terms, articles)
    key = (articles[row] << np.int64(32)) | features.terms[positions].astype(np.int64)
    at = np.minimum(np.searchsorted(held, key), held.size - 1)
    found = held[at] == key
    chrome = np.zeros(features.terms.size, dtype=bool)
    chrome[positions[found]] = (np.minimum(times[at[found]], TERM_MAX_COUNT)
                                >= features.term_counts[positions[found]])
    return chrome
