"""All options of a run, in one frozen, validated object.

``dedup(articles, config)`` takes a :class:`DedupConfig`; ``dedup(articles, **overrides)``
builds one from the defaults. Every field is documented with the reason for its default.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from .errors import ConfigError

__all__ = ["RETIRED_OPTIONS", "DedupConfig", "check_positive_int"]

#: Options of earlier releases that no longer exist, with what replaced them: named in the
#: error a run gets for one, and dropped from the settings an index stored with them.
RETIRED_OPTIONS = {
    "rewrite_paragraph_threshold": "rewrites compare sentences, not paragraphs: see "
                                   "rewrite_sentence_threshold and rewrite_retold_share",
    "rewrite_text_threshold": "rewrites compare sentences, not whole texts: see "
                              "rewrite_sentence_threshold and rewrite_retold_share",
    "rewrite_evidence_threshold": "replaced by rewrite_evidence_share (a share of retold "
                                  "sentences, not a paragraph pair's cosine)",
}


def _unit_interval(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 < value <= 1.0:
        raise ConfigError(f"{attribute.name}: expected a number in (0, 1], got {value!r}")


def check_positive_int(name: str, value: object) -> None:
    """Raise ``ConfigError`` naming ``name`` unless ``value`` is an int of 1 or more (not a
    bool): the check of ``workers``, and of options like it outside the config."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name}: expected a positive integer, got {value!r}")


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    check_positive_int(attribute.name, value)


def _optional_positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if (isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value)
            or value <= 0):
        raise ConfigError(f"{attribute.name}: expected a positive number or None, got {value!r}")


def _optional_unit(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _unit_interval(instance, attribute, value)


def _optional_positive_int(instance: object, attribute: attrs.Attribute[Any],
                           value: object) -> None:
    if value is not None:
        _positive_int(instance, attribute, value)


def _non_negative_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{attribute.name}: expected an integer >= 0, got {value!r}")


#: Seeds numpy's RandomState takes (datasketch draws its permutations from one): 0..2**32-1.
MAX_SEED = 2**32 - 1
#: Longest shingle, in words: each position of an n-gram has its own hash multiplier.
MAX_SHINGLE_SIZE = 64


def _seed(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ConfigError(f"{attribute.name}: expected an integer from 0 to 2**32 - 1 "
                          f"({MAX_SEED}, the seeds of numpy's RandomState that datasketch "
                          f"uses), got {value!r}")


def _shingle_size(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if (isinstance(value, bool) or not isinstance(value, int)
            or not 1 <= value <= MAX_SHINGLE_SIZE):
        raise ConfigError(f"{attribute.name}: expected an integer from 1 to {MAX_SHINGLE_SIZE}, "
                          f"got {value!r}")


def _weight(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"{attribute.name}: expected a number in [0, 1], got {value!r}")


@attrs.frozen(slots=True, kw_only=True)
class DedupConfig:
    """Options of a deduplication run. All fields are keyword-only and validated.

    >>> DedupConfig(article_threshold=0.9).article_threshold
    0.9
    >>> DedupConfig(num_perm=0)
    Traceback (most recent call last):
    newsdedup._core.errors.ConfigError: num_perm: expected a positive integer, got 0
    """

    #: Words (characters for CJK/Thai scripts) per shingle, 1 to 64. 5 is the usual choice for
    #: near-duplicate news: common 5-word phrases are rare, so shared shingles mean shared text.
    shingle_size: int = attrs.field(default=5, validator=_shingle_size)
    #: MinHash permutations per paragraph signature (datasketch's default, 128).
    num_perm: int = attrs.field(default=128, validator=_positive_int)
    #: Seed of the MinHash permutations; equal seeds give datasketch-compatible signatures.
    #: From 0 to 2**32 - 1, the range of numpy's RandomState, which datasketch seeds with it.
    seed: int = attrs.field(default=1, validator=_seed)
    #: Jaccard similarity at which the LSH bands are tuned: pairs above it are found with
    #: high probability (see docs/design.md, "Choosing bands and rows"). Below the paragraph
    #: thresholds so that partly rewritten paragraphs still become candidates.
    lsh_threshold: float = attrs.field(default=0.3, validator=_unit_interval)
    #: Two paragraphs match when their shingle Jaccard reaches this ...
    paragraph_jaccard: float = attrs.field(default=0.5, validator=_unit_interval)
    #: ... or when this share of the shorter paragraph's shingles is in the longer one.
    paragraph_containment: float = attrs.field(default=0.5, validator=_unit_interval)
    #: Articles are near-duplicates at this Jaccard over their non-boilerplate shingles.
    article_threshold: float = attrs.field(default=0.8, validator=_unit_interval)
    #: ... or when they differ by at most this many edited words (estimated from the
    #: shingles each does not share): on a 40-word brief, three edited words change half of
    #: its 5-word shingles. (Two different texts sharing only a few sentences differ by many
    #: more words; see _near_duplicates/links.py.) A short text (up to 40 content tokens)
    #: whose shingles are too few to tell is compared word by word: within this many word
    #: edits of the other, or of its first words (see _near_duplicates/word_edits.py).
    near_duplicate_edits: int = attrs.field(default=3, validator=_non_negative_int)
    #: A shorter article is a copy contained in a longer one at this containment ...
    containment_threshold: float = attrs.field(default=0.8, validator=_unit_interval)
    #: ... provided the shorter one also covers this share of the longer one: a truncated copy
    #: that keeps 70% of the paragraphs may keep only ~55% of the words, while a page that
    #: merely quotes an article covers little of it. (A digest page carrying two or more
    #: articles is recognised as such and never joins their groups, see _near_duplicates/links.py.)
    min_coverage: float = attrs.field(default=0.5, validator=_unit_interval)
    #: An *excerpt* (a lead or a repost cut to its first paragraphs) is a copy too: almost
    #: wholly contained (this containment) while covering less of the longer article ...
    excerpt_containment: float = attrs.field(default=0.9, validator=_unit_interval)
    #: ... down to this share, provided it shares the longer article's lead paragraph (see
    #: _near_duplicates/links.py). Lead excerpts of a third of the paragraphs keep 15-30% of the
    #: words; a page quoting an article as one part of its own text does not start with that
    #: article's lead, and a digest carrying several articles is recognised as such. (On the excerpt
    #: stand-in of docs/messy.md, 0.2 against 0.3: group pair F1 0.987 against 0.970, with no
    #: loss of precision there or on the feed and crawl stand-ins.)
    excerpt_coverage: float = attrs.field(default=0.2, validator=_unit_interval)
    #: ... or whatever it covers, when it is a *teaser* of at least this many content tokens:
    #: a feed's description, an article's first sentences run together and cut anywhere (40
    #: to 60 words, a tenth of an article), wholly contained as it is (``excerpt_containment``)
    #: or within ``near_duplicate_edits`` word edits of the other's first words, and starting
    #: with its lead. Fewer words copied from a lead (a sentence) prove no copying: reports
    #: of other events share a formulaic lead. None: an excerpt covers ``excerpt_coverage``.
    #: (Excerpt stand-in of docs/messy.md, seeds 0-4: teasers grouped 0.19-0.40 -> 1.000,
    #: group pair F1 0.933-0.965 -> 1.000; every other stand-in within its noise or better.)
    teaser_tokens: int | None = attrs.field(default=24, validator=_optional_positive_int)
    #: Contained copies (cut reposts, excerpts) and copies differing by a few edited words
    #: (``near_duplicate_edits``) are duplicates only when published within this many days of
    #: each other (or one is undated): they share less text than a near-duplicate, and a
    #: formulaic report of another incident months later can share as much. None: no limit.
    #: 91 (a season, as ``story_max_gap_days``): aggregators repost a text again weeks later,
    #: cut or edited, and formulaic reports of other incidents are told apart by the names
    #: their edited lines hold (docs/design.md, copies). Against 31: reposts of real texts at
    #: 20k (three rounds over five weeks) pair recall 0.71 -> 0.86 at precision 0.995 -> 0.992;
    #: the crawl stand-in still has no group spanning two incidents.
    copy_window_days: float | None = attrs.field(default=91.0, validator=_optional_positive)
    #: Copies told by a few edited words (``near_duplicate_edits``) within this many days
    #: (or one undated) may name one word the other lacks (a corrected name or toll); later,
    #: within ``copy_window_days``, their edited lines must name nothing new: a repost round
    #: weeks after its original edits words, while a formulaic report of another incident
    #: differs in as few, an age, a street, a town. None: the lenient rule at any distance.
    edited_copy_days: float | None = attrs.field(default=3.0, validator=_optional_positive)
    #: A paragraph shared by at least this many unrelated articles is boilerplate.
    boilerplate_min_articles: int = attrs.field(default=2, validator=_positive_int)
    #: Boilerplate makes up a minor share of the articles that carry it; a block of shared
    #: paragraphs covering more than this share of its carriers is shared content instead.
    boilerplate_max_share: float = attrs.field(default=0.5, validator=_unit_interval)
    #: Also flag short paragraphs matching well-known English boilerplate phrases
    #: ("Read original article here", "Click here to join", "About the Author", ...).
    boilerplate_patterns: bool = attrs.field(default=True)
    #: Stories: cosine similarity of content-term vectors at which two groups share a story
    #: (best event ARI on the ECB+ development set, see docs/stories.md).
    story_threshold: float = attrs.field(default=0.18, validator=_unit_interval)
    #: Stories: two groups whose nearest members are at most this many days apart are
    #: compared on their similarity alone (a gap between members, not a span from the first:
    #: a story follows its event for as long as reports keep coming). Further apart, a pair
    #: needs more in common (``story_gap_penalty``). None: dates are ignored altogether.
    #: Documents without a date are never excluded.
    story_window_days: float | None = attrs.field(default=7.0, validator=_optional_positive)
    #: Stories: beyond ``story_window_days``, this much is taken off a pair's similarity per
    #: doubling of the gap: a follow-up four weeks later needs a cosine of threshold + 0.04
    #: (its names and places, which weigh most, in common), eight weeks later + 0.06, unless
    #: its lead names the day of the other's event (``_text.dates``: the gap is then counted
    #: from that day). Kept small: five real reports of one event (the seeds) two weeks apart
    #: each have cosines of 0.23-0.47 and stay one story only up to 0.02.
    story_gap_penalty: float = attrs.field(default=0.02, validator=_weight)
    #: Stories: groups whose nearest members are further apart than this many days never
    #: share a story (None: no limit). Thirteen weeks: a trial or an inquiry reported a season
    #: after the event is a story of its own.
    story_max_gap_days: float | None = attrs.field(default=91.0, validator=_optional_positive)
    #: Stories: two clusters of groups join one story only if the cosine of their names,
    #: places and figures (each group's own ones counted) reaches this, whatever else they
    #: share: two earthquakes in one region, or two arrests of players of one team, are
    #: told in the same words but name other people and places. Measured between whole
    #: clusters, so a long report naming much besides its event still joins the reports of
    #: that event. Groups further apart than ``story_window_days`` count as agreeing (a
    #: follow-up names whom the first reports could not; ``story_content_agreement`` applies
    #: to them instead). 0.3: on ECB+ with one report per event (docs/stories.md) story ARI
    #: 0.74 to 0.93, event ARI on all of ECB+ unchanged within 0.01. None: off.
    story_name_agreement: float | None = attrs.field(default=0.3, validator=_optional_unit)
    #: Stories: two groups published further apart than ``story_window_days`` (whose names
    #: are not compared: a follow-up names whom the first reports could not) are linked only
    #: if the cosine of their other words, what happened (the shared terms that are no name,
    #: place or figure), reaches this: a follow-up tells its incident again ("the stabbing",
    #: "the knife"), while a report of another incident in the same town weeks later shares
    #: its town, police department and spokesman, and stock phrases. 0.15: on the crawl
    #: stand-in at 3,500 incidents (docs/messy.md) story ARI without template pages 0.798 ->
    #: 0.815 (seed 0) and 0.800 -> 0.806 (seed 2), follow-ups in their story unchanged; ECB+
    #: events spread over 1-8 weeks (real reports far apart) 0.816 -> 0.815, where 0.2 gives
    #: 0.786 and 0.25 0.713. Undated corpora are not affected. None: off.
    story_content_agreement: float | None = attrs.field(default=0.15,
                                                        validator=_optional_unit)
    #: Stories: two groups whose leads name event days this many days apart or more (a
    #: weekday or a date, English only: "shot on Elm Street Thursday", see ``_text.dates``)
    #: report two events and are not linked directly: two robberies in one town that week,
    #: told in the same stock sentences. 2, not 1: "late Monday" and "early Tuesday" may be
    #: one night. On the look-alike crawl (docs/messy.md) story ARI 0.28 to 0.79. It trusts
    #: leads to date their event as news style does (weekdays within a week, dates beyond):
    #: texts dated weeks after they were written name days of the wrong week (docs/stories.md).
    #: None: off (also when ``story_window_days`` is None: dates are ignored altogether).
    story_day_conflict_days: float | None = attrs.field(default=2.0,
                                                        validator=_optional_positive)
    #: Stories: share of the sentence-embedding cosine in the similarity of two groups (the
    #: rest is the lexical cosine). 0 keeps stories purely lexical; above 0 needs the
    #: ``[embed]`` extra (a MiniLM model shipped inside a PyPI package, loaded offline).
    story_embedding_weight: float = attrs.field(default=0.0, validator=_weight)
    #: Rewrites (``_stories.rewrite``): two groups the story step compares are rewrites of one
    #: another (a ``rewrite`` match between their canonicals) when the cosine of their whole
    #: term vectors reaches this, and they share no text. 0.45: on the ECB+ rewrite stand-in
    #: (docs/stories.md) recall 0.70 at precision 0.9, while independent write-ups mostly
    #: stay below (the five seeds: 0.17-0.34; of the synthetic corpus's write-ups of one
    #: story, 141 pairs per 10k articles reach it; 16% of the ECB+ pairs of one event, many
    #: from one wire report). Raise it for fewer, surer rewrites; None: off.
    rewrite_threshold: float | None = attrs.field(default=0.45, validator=_optional_unit)
    #: Rewrites read from the texts: a pair scoring at least this (under
    #: ``rewrite_threshold``) is a rewrite when ``rewrite_retold_share`` of the sentences of
    #: one of its articles are retold in the other (part of one retold from the other; the
    #: rest of it says something else, which lowers the whole cosine). Reads the texts of
    #: the pairs it checks (a stream's are kept on disk for the run). A rewrite in an
    #: inflected language shares few word forms with its source (Ukrainian stand-in: derived
    #: pairs score 0.12-0.79). 0.2 (0.3 before; 0.42 before that), with retold sentences
    #: keeping their figures (``_stories.rewrite``): Ukrainian stand-in recall 0.723 ->
    #: 0.823 and ECB+ 0.922 -> 0.945 (five seeds), for 17,273 pairs read instead of 14,782 on
    #: the synthetic corpus at 20k (docs/stories.md, "Figures"). None: ``rewrite_threshold``
    #: alone, for large runs that need no rewrites in part.
    rewrite_supported_threshold: float | None = attrs.field(default=0.2,
                                                            validator=_optional_unit)
    #: Rewrites: a sentence of one article is *retold* in the other when one of the other's
    #: sentences reaches this character 4-gram cosine with it (``1 + log tf`` times IDF
    #: over the sentences compared): the same facts in partly the same words. An editor
    #: retells a report sentence by sentence and regroups the sentences into paragraphs of
    #: his own; independent write-ups of one story share names and figures, and a stock
    #: sentence here and there. 0.35 with ``rewrite_retold_share`` 0.2: ECB+ stand-in
    #: recall 0.908 -> 0.950 at precision 0.958, Ukrainian 0.533 -> 0.667 (paragraph pairs
    #: before; docs/stories.md, "Sentence by sentence"). 0.4: 0.883 and 0.617.
    rewrite_sentence_threshold: float = attrs.field(default=0.35, validator=_unit_interval)
    #: Rewrites: a pair scoring at least ``rewrite_supported_threshold`` is a rewrite when
    #: this share of the sentences of one of its articles is retold in the other
    #: (``rewrite_sentence_threshold``): a rewrite in part retells a fifth of its source, or
    #: a fifth of it is retold from the source.
    rewrite_retold_share: float = attrs.field(default=0.2, validator=_unit_interval)
    #: Rewrites: a pair reaching ``rewrite_threshold`` is a rewrite only if this share of
    #: the sentences of one of its articles is retold in the other, when the texts are at
    #: hand. Independent write-ups of one story drawn from a shared vocabulary of names reach
    #: the whole threshold more often as the corpus grows (the names' IDF grows with it: on
    #: the synthetic corpus 143 such pairs at 10k, 760 at 20k, 3,718 at 50k) and retell
    #: nothing; a stock sentence is a small share. None: the whole cosine alone.
    rewrite_evidence_share: float | None = attrs.field(default=0.1, validator=_optional_unit)
    #: Threads computing features (paragraphs, tokens, shingles, terms) while the input is
    #: read; 1 computes them in the calling thread. Results are identical for any number.
    workers: int = attrs.field(default=1, validator=_positive_int)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.boilerplate_patterns, bool):
            raise ConfigError(
                f"boilerplate_patterns: expected True or False, got {self.boilerplate_patterns!r}"
            )

    @classmethod
    def from_options(cls, config: DedupConfig | None = None, **overrides: Any) -> DedupConfig:
        """Return ``config`` (or the defaults) with ``overrides`` applied, validating names."""
        base = config if config is not None else cls()
        if not isinstance(base, DedupConfig):
            raise ConfigError(f"config: expected a DedupConfig, got {type(base).__name__}")
        known = {field.name for field in attrs.fields(cls)}
        retired = sorted(set(overrides) & set(RETIRED_OPTIONS))
        if retired:
            raise ConfigError("; ".join(f"{name!r} is no longer an option: "
                                        f"{RETIRED_OPTIONS[name]}" for name in retired))
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(
                f"unknown option(s) {', '.join(map(repr, unknown))}; known options: "
                f"{', '.join(sorted(known))}"
            )
        return attrs.evolve(base, **overrides) if overrides else base
