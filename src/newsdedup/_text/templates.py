"""Template pages: the same body under unrelated titles is a site template, not a story.

When extraction fails, a crawler stores a site's chrome ("verify your email", "get email
notifications", a captcha, a cookie notice) as the article's text. Every page where it
failed has that body, under its own title, over months or years: the pages look like exact
copies of one another, and grouping them would glue unrelated events together.

A copy's title tells them apart. A real article's headline is about its text: the words that
make a title specific (those not shared with the titles of most other carriers, such as a
site's name) mostly appear in its body. A template page's title is about an article the body
does not contain. So a block of shared paragraphs (``_near_duplicates.boilerplate``: paragraphs
travelling together on the same carriers) that is most of its carriers' text is a *template* when

1. at least two of its carriers have titles, and the titles differ (copies of one article
   under one headline are copies, whatever else they share), and
2. for at least ``_TEMPLATE_CARRIER_SHARE`` of the carriers whose titles have specific
   words, fewer than ``_TITLE_IN_BODY`` of those words occur in the carrier's body. A title
   of common words only is judged by all its words: copies of one article under its
   headline make the headline's words common, and those words are about the body. (Judged
   only by their specific words, such copies had none left, and the few roundup pages
   carrying the article's lead under their own titles made the lead a template: on the
   repost feed at 20k, 1,187 content paragraphs, and pair recall 0.983 against 0.987.)

Its paragraphs are then boilerplate (reason ``"template"``): not content, so the pages join
no duplicate group, and their stories are told by their titles alone. Without titles, nothing
tells a template from a syndicated copy, and the block stays content.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import sorted_unique
from .._core.types import I64
from .features import Features
from .terms import term_tokens

__all__ = ["TITLE_WEIGHT", "template_blocks", "template_pages", "title_terms",
           "titles_as_terms"]


#: Weight of a title token in an article's content terms (see ``_text.terms``).
TITLE_WEIGHT = 2
#: A title whose specific words occur in the body below this share is not about the body.
_TITLE_IN_BODY = 0.25
#: Share of the carriers (with specific title words) whose titles are not about the body.
_TEMPLATE_CARRIER_SHARE = 2 / 3
#: A title word used by at least this share of a block's titled carriers (and by two) is not
#: specific (a site's name, a section).
_COMMON_TITLE_SHARE = 0.5
# Upper half of a 64-bit token hash: the 32-bit term (see ``_text.terms``).
_TERM_SHIFT = np.uint64(32)


def title_terms(titles: Sequence[str | None]) -> list[dict[int, int]]:
    """The terms of each title with their occurrences (as ``_text.terms`` hashes them)."""
    batch = term_tokens([(title or "").replace("\n", " ") for title in titles])
    terms = (batch.hashes >> _TERM_SHIFT).astype(np.uint32).tolist()
    out: list[dict[int, int]] = [{} for _ in titles]
    for owner, term in zip(batch.paragraph.tolist(), terms, strict=True):
        out[owner][term] = out[owner].get(term, 0) + 1
    return out


def _body_terms(features: Features, article: int, title: dict[int, int]) -> set[int]:
    """Terms of an article's body: its content terms less what its title contributes."""
    start, stop = features.article_terms[article], features.article_terms[article + 1]
    terms = features.terms[start:stop].tolist()
    counts = features.term_counts[start:stop].tolist()
    return {term for term, count in zip(terms, counts, strict=True)
            if count > TITLE_WEIGHT * title.get(term, 0)}


def template_blocks(blocks: I64, carrier_offsets: I64, carriers: I64, features: Features,
                    titles: Sequence[str | None]) -> npt.NDArray[np.bool_]:
    """Which of ``blocks`` are templates (see the module docstring).

    ``carriers[carrier_offsets[k]:carrier_offsets[k + 1]]`` are the distinct carriers of
    ``blocks[k]``; ``titles`` are every article's titles (None: untitled).
    """
    verdict = np.zeros(blocks.size, dtype=bool)
    # Only blocks whose carriers have two different titles can be templates (found with
    # arrays: the blocks are every syndicated text of the corpus).
    _, title_code = np.unique(np.array([(t or "").strip().casefold() for t in titles],
                                       dtype=object), return_inverse=True)
    untitled = np.array([not (t or "").strip() for t in titles], dtype=bool)
    owner = np.repeat(np.arange(blocks.size, dtype=np.int64), np.diff(carrier_offsets))
    has_title = ~untitled[carriers]
    pairs = sorted_unique(owner[has_title] * np.int64(len(titles) + 1)
                          + title_code[carriers[has_title]])
    distinct = np.bincount(pairs // (len(titles) + 1), minlength=blocks.size)
    candidates = []
    for number in np.flatnonzero(distinct >= 2).tolist():
        members = carriers[carrier_offsets[number]:carrier_offsets[number + 1]]
        candidates.append((number, members[~untitled[members]].tolist()))
    if not candidates:
        return verdict
    needed = sorted({m for _, titled in candidates for m in titled})
    terms_of = dict(zip(needed, title_terms([titles[m] for m in needed]), strict=True))
    for number, titled in candidates:
        usage: dict[int, int] = {}
        for member in titled:
            for term in terms_of[member]:
                usage[term] = usage.get(term, 0) + 1
        floor = max(2.0, _COMMON_TITLE_SHARE * len(titled))
        common = {term for term, n in usage.items() if n >= floor}
        judged = off_topic = 0
        for member in titled:
            # A title of common words only is judged whole: copies of one article under
            # its headline share all its words, which are about their body.
            specific = (set(terms_of[member]) - common) or set(terms_of[member])
            if not specific:
                continue
            judged += 1
            found = len(specific & _body_terms(features, member, terms_of[member]))
            off_topic += found < _TITLE_IN_BODY * len(specific)
        verdict[number] = judged >= 2 and off_topic >= _TEMPLATE_CARRIER_SHARE * judged
    return verdict


def template_pages(features: Features, template: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Articles at least half of whose paragraphs with words are flagged ``template``."""
    has_words = features.token_counts > 0
    article = features.paragraph_article
    worded = np.bincount(article[has_words], minlength=features.n_articles)
    templated = np.bincount(article[template & has_words], minlength=features.n_articles)
    pages: npt.NDArray[np.bool_] = (templated > 0) & (2 * templated >= worded)
    return pages


def titles_as_terms(features: Features, pages: npt.NDArray[np.bool_],
                    titles: Sequence[str | None]) -> Features:
    """``features`` whose content terms of ``pages`` are those of their titles only: a
    template page's story is told by its title, not by the template all such pages share."""
    if not pages.any():
        return features
    offsets = features.article_terms
    keep = np.ones(features.terms.size, dtype=bool)
    counts = features.term_counts.copy()
    salient = features.term_salient.copy()
    chosen = np.flatnonzero(pages)
    for article, title in zip(chosen.tolist(), title_terms([titles[a] for a in chosen.tolist()]),
                              strict=True):
        for position in range(int(offsets[article]), int(offsets[article + 1])):
            occurrences = title.get(int(features.terms[position]), 0)
            keep[position] = occurrences > 0
            counts[position] = min(int(counts[position]), TITLE_WEIGHT * occurrences)
            salient[position] = min(int(salient[position]), int(counts[position]))
    kept_before = np.zeros(keep.size + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    new_offsets = kept_before[offsets]
    return attrs.evolve(features, article_terms=new_offsets, terms=features.terms[keep],
                        term_counts=counts[keep], term_salient=salient[keep])
