"""Short texts compared word by word: edited copies too short for their shingles.

A shingle of ``shingle_size`` words survives no edit inside it. One edited word in a line of
seven leaves none of its three shingles; two in a twelve-word line (a URL line, a headline)
leave one of eight. On a short text the shingles an edited copy still shares are then as
few as those two different texts share (a stock phrase), so the article links
(``_near_duplicates.links``) cannot tell the copy by its shingles: two different lines of
one site differ in as many. Its words in order can: a repost that replaced two of nineteen
words has the other seventeen in the original's order.

Looked at here are only the linked pairs (they share a matched paragraph) that the
shingles left undecided: close in time, the shorter side's content at most
``WORD_CHECK_TOKENS`` tokens (a longer text edited in ``near_duplicate_edits`` words keeps
shingles enough for the shingle rules), and as few shingles apart as ``near_duplicate_edits``
edited words can make (see :func:`link_candidates`). Their content paragraphs (those not
boilerplate) are read from the texts, tokenized as the shingles are, and aligned:

- **an edited copy** (near-duplicate): the two token sequences are at most
  ``near_duplicate_edits`` word edits apart (Levenshtein over words);
- **an edited lead excerpt** (contained copy): the shorter is that close to the longer's
  first words (a repost cut to its first line, edited), and covers ``excerpt_coverage`` of
  its tokens, or is a *teaser* of ``teaser_tokens`` or more (a feed's description: the
  first sentences of an article run together across its paragraphs, cut anywhere, a "Read
  more" after them). A teaser of up to ``TEASER_CHECK_TOKENS`` tokens is read so: each
  paragraph it runs across costs it ``shingle_size - 1`` shingles the original has in no
  paragraph, so a short one falls under ``excerpt_containment`` (two paragraphs and a cut
  word in 40 tokens: 0.86).

Either way the words the copy has in common with its original must be many against its
edits: at least ``shingle_size`` of them per edit and one run more (``(edits + 1) ×
shingle_size`` tokens on the shorter side), so a line of seven words is a copy with one edit
and not with two. And an edit changes words, not names or figures (the rule of the shingle
links: two formulaic reports of other incidents differ in an age, a street, a town): the
words one side put in place of the other's (for an excerpt, the excerpt's) are no salient
word of its paragraph (``Features.names``). Without the texts (never in the batch run or the
index, which keep or store them) nothing is looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Editops, Levenshtein

from .._core.arrays import gather_rows
from .._core.config import DedupConfig
from .._core.types import I64
from .._kernels import own_lines_kernel as _own_lines_kernel
from .._text.features import Features
from .._text.shingle import ShingleSets
from .._text.terms import term_tokens
from .._text.tokenize import TokenBatch, hash_texts
from .verify import count_shared

__all__ = ["TEASER_CHECK_TOKENS", "WORD_CHECK_TOKENS", "content_tokens", "link_candidates",
           "own_lines_edited", "word_edited_copies"]

#: Content tokens of the shorter side up to which a pair is compared word by word. Above, a
#: text edited in ``near_duplicate_edits`` (3) words keeps most of its shingles (a text of
#: 40 tokens, 36 shingles, keeps 21 or more: Jaccard 0.41 and up, the shingle rules' line).
WORD_CHECK_TOKENS = 40
#: A teaser (``DedupConfig.teaser_tokens``) of up to this many content tokens is read word
#: by word (see the module docstring); a longer one loses few enough shingles at its
#: paragraphs' junctions to be contained by its shingles.
TEASER_CHECK_TOKENS = 120

_Words = tuple[list[int], list[bool]]


def content_tokens(features: Features, allowed: npt.NDArray[np.bool_]) -> I64:
    """Tokens of each article's content paragraphs (``allowed``)."""
    counts: I64 = np.bincount(features.paragraph_article,
                              weights=np.where(allowed, features.token_counts, 0),
                              minlength=features.n_articles).astype(np.int64)
    return counts


def link_candidates(tokens: I64, a: I64, b: I64, unshared_a: I64, unshared_b: I64,
                    wanted: npt.NDArray[np.bool_], config: DedupConfig
                    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_],
                               npt.NDArray[np.bool_]]:
    """Where ``wanted``, the pairs :func:`word_edited_copies` looks at: ``(near, a_lead,
    b_lead)``, possible edited copies of each other and possible edited lead excerpts of
    ``b[k]`` (``a_lead``) or of ``a[k]`` (``b_lead``).

    ``tokens`` are the articles' content tokens (:func:`content_tokens`); ``unshared_a``
    and ``unshared_b`` the shingles each side does not share with the other. A word edit
    changes at most ``shingle_size`` shingles of a side, so an edited copy lacks at most
    ``near_duplicate_edits × shingle_size`` of the other's shingles on each side and is as
    many tokens long within the edits; an edited excerpt lacks that many on its own side.
    """
    edits = config.near_duplicate_edits
    budget = edits * config.shingle_size
    shorter = np.minimum(tokens[a], tokens[b])
    readable = wanted & (shorter >= config.shingle_size)
    short = readable & (shorter <= WORD_CHECK_TOKENS)
    near = (short & (unshared_a <= budget) & (unshared_b <= budget)
            & (np.abs(tokens[a] - tokens[b]) <= edits))
    lead = readable & (shorter <= (WORD_CHECK_TOKENS if config.teaser_tokens is None
                                   else TEASER_CHECK_TOKENS))
    a_lead = lead & (tokens[a] < tokens[b]) & (unshared_a <= budget)
    b_lead = lead & (tokens[b] < tokens[a]) & (unshared_b <= budget)
    return near, a_lead, b_lead


def word_edited_copies(features: Features, allowed: npt.NDArray[np.bool_],
                       texts: Sequence[str] | None, a: I64, b: I64,
                       near: npt.NDArray[np.bool_], a_lead: npt.NDArray[np.bool_],
                       b_lead: npt.NDArray[np.bool_], config: DedupConfig
                       ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_],
                                  npt.NDArray[np.bool_]]:
    """Which of the pairs ``(a[k], b[k])`` (article numbers) that :func:`link_candidates`
    chose are edited copies: ``(near, a_lead, b_lead)`` as there, each decided on the
    words in order (see the module docstring). All False without ``texts``."""
    found = (np.zeros(a.size, dtype=bool), np.zeros(a.size, dtype=bool),
             np.zeros(a.size, dtype=bool))
    wanted = np.flatnonzero(near | a_lead | b_lead)
    if texts is None or wanted.size == 0:
        return found
    words = _content_words(features, allowed, texts,
                           np.union1d(a[wanted], b[wanted]))
    edits = config.near_duplicate_edits
    for k in wanted.tolist():
        left, right = words[int(a[k])], words[int(b[k])]
        if near[k] and _edited_copy(left, right, edits, config.shingle_size):
            found[0][k] = True
        elif a_lead[k]:
            found[1][k] = _edited_lead(left, right, config)
        elif b_lead[k]:
            found[2][k] = _edited_lead(right, left, config)
    return found


def _edited_copy(left: _Words, right: _Words, edits: int, shingle_size: int) -> bool:
    """Whether two texts' words are within ``edits`` word edits of each other, with
    ``shingle_size`` words in common per edit and one run more, and one side's new words
    naming nothing."""
    distance = Levenshtein.distance(left[0], right[0], score_cutoff=edits)
    if distance > edits or min(len(left[0]), len(right[0])) < (distance + 1) * shingle_size:
        return False
    operations = Levenshtein.editops(left[0], right[0])
    return (not _new_names(operations, right, destination=True)
            or not _new_names(operations, left, destination=False))


def _edited_lead(inner: _Words, outer: _Words, config: DedupConfig) -> bool:
    """Whether ``inner``'s words are within ``near_duplicate_edits`` word edits of
    ``outer``'s first words (as many as ``inner`` has, give or take the edits), covering
    ``excerpt_coverage`` of ``outer`` or ``teaser_tokens`` long, with ``shingle_size`` words
    per edit and one run more, and naming nothing ``outer``'s lead lacks."""
    edits = config.near_duplicate_edits
    size = len(inner[0])
    teaser = config.teaser_tokens is not None and size >= config.teaser_tokens
    if size < config.excerpt_coverage * len(outer[0]) and not teaser:
        return False
    best, best_length = edits + 1, 0
    for length in range(max(1, size - edits), min(len(outer[0]), size + edits) + 1):
        distance = Levenshtein.distance(inner[0], outer[0][:length], score_cutoff=edits)
        if distance < best:
            best, best_length = distance, length
    if best > edits or size < (best + 1) * config.shingle_size:
        return False
    operations = Levenshtein.editops(outer[0][:best_length], inner[0])
    return not _new_names(operations, inner, destination=True)


def _new_names(operations: Editops, words: _Words, destination: bool) -> bool:
    """Whether a word an edit put into ``words`` (the edit's destination side, or its
    source side when not ``destination``) is a salient one: a name, a place, a figure."""
    for operation in operations:
        removed = "delete" if destination else "insert"  # a word taken out of the other side
        if operation.tag == removed:
            continue
        position = operation.dest_pos if destination else operation.src_pos
        if position < len(words[1]) and words[1][position]:
            return True
    return False


def _content_words(features: Features, allowed: npt.NDArray[np.bool_], texts: Sequence[str],
                   articles: I64) -> dict[int, _Words]:
    """Each of ``articles``' content words in order, as token hashes (the shingles' tokens)
    with whether each is a salient word of its paragraph (``Features.names``, which hashes
    words as the content terms do)."""
    paragraphs, owner = gather_rows(features.article_paragraphs, articles)
    kept = allowed[paragraphs]
    paragraphs, owner = paragraphs[kept], owner[kept]
    pieces = features.paragraph_texts(texts, paragraphs)
    tokens, terms = _paragraph_tokens(pieces), _paragraph_tokens(pieces, term_tokens)
    names_of = features.name_offsets
    words: dict[int, _Words] = {int(article): ([], []) for article in articles.tolist()}
    for paragraph, article, mine, theirs in zip(paragraphs.tolist(),
                                                articles[owner].tolist(), tokens, terms,
                                                strict=True):
        names = set(features.names[names_of[paragraph]:names_of[paragraph + 1]].tolist())
        if len(theirs) == len(mine):
            salient = [term >> 32 in names for term in theirs]
        else:  # words cut otherwise than one per token: every word may be a name
            salient = [True] * len(mine)
        words[article][0].extend(mine)
        words[article][1].extend(salient)
    return words


def _paragraph_tokens(pieces: list[str],
                      hashed: Callable[[Sequence[str]], TokenBatch] = hash_texts
                      ) -> list[list[int]]:
    """Each text's token hashes in order (``hash_texts``: the shingles' tokens; or
    ``hashed``, e.g. ``term_tokens``)."""
    batch = hashed(pieces)
    bounds = np.searchsorted(batch.paragraph, np.arange(len(pieces) + 1)).tolist()
    hashes = batch.hashes.tolist()
    return [hashes[bounds[k]:bounds[k + 1]] for k in range(len(pieces))]


def own_lines_edited(features: Features, allowed: npt.NDArray[np.bool_],
                     texts: Sequence[str] | None, inner: I64, outer: I64,
                     wanted: npt.NDArray[np.bool_], unions: ShingleSets, config: DedupConfig
                     ) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether every line of its own in the middle of ``inner[k]``'s text
    is a line of ``outer[k]`` edited: a content paragraph sharing no shingle with
    ``outer``'s content, after ``inner``'s first line that shares some and before its last
    (a header or a footer is a repost's own), must be within ``near_duplicate_edits`` word
    edits, and a fifth of its words, of one of ``outer``'s content paragraphs (an edit in a
    short line may leave it no shingle). A copy reposted weeks later edits words; a report
    of another incident in the same formula adds a sentence of its own ("Police said the
    two men knew each other."). ``unions`` hold the articles' content shingles (at least
    ``outer``'s where wanted: ``links.article_shingle_sets``). True where not wanted, and
    everywhere without the texts."""
    result = np.ones(inner.size, dtype=bool)
    pairs = np.flatnonzero(wanted)
    if texts is None or pairs.size == 0:
        return result
    offsets, values = features.shingles.offsets, features.shingles.values
    edits = config.near_duplicate_edits
    # Most copies hold no such line: found by one compiled merge per paragraph, and only
    # those that do are read (a repost round weeks later: 131,679 pairs read in Python took
    # 4.8 s of a 20k reposts run).
    pairs = pairs[_own_lines_kernel(features.article_paragraphs, allowed, offsets, values,
                                    unions.offsets, unions.values, inner[pairs],
                                    outer[pairs])]
    for k in pairs.tolist():
        mine, theirs = (_content_paragraphs(features.article_paragraphs, allowed, int(side[k]))
                        for side in (inner, outer))
        other = int(outer[k])
        start, stop = int(unions.offsets[other]), int(unions.offsets[other + 1])
        shares = np.array([count_shared(values, offsets[p], offsets[p + 1], unions.values,
                                        start, stop) > 0 for p in mine.tolist()])
        sharing = np.flatnonzero(shares)
        own = mine[sharing[0] + 1:sharing[-1]][~shares[sharing[0] + 1:sharing[-1]]]
        lines, others = (_paragraph_tokens(features.paragraph_texts(texts, paragraphs))
                         for paragraphs in (own, theirs))
        result[k] = all(any(Levenshtein.distance(line, words, score_cutoff=edits)
                            <= min(edits, max(1, len(line) // config.shingle_size))
                            for words in others) for line in lines)
    return result


def _content_paragraphs(bounds: I64, allowed: npt.NDArray[np.bool_], article: int) -> I64:
    """The ``allowed`` (content) paragraphs of ``article``, in order."""
    paragraphs = np.arange(bounds[article], bounds[article + 1], dtype=np.int64)
    kept: I64 = paragraphs[allowed[paragraphs]]
    return kept
