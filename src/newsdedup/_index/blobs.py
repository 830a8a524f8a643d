"""What an article's row stores besides its text: its features and its lookup, checked.

The ``features`` blob holds the article's :class:`~newsdedup._text.features.Features` (but its
terms and fingerprints); the ``lookup`` blob (a :class:`Lookup`) holds what the in-memory
lookups are rebuilt from: paragraph fingerprints, LSH band keys, the verified matches of its
paragraphs, its strongest and all its content terms. Both are ``_index.codec`` blobs
checksummed with the article id, and decoding also checks that their arrays fit together, so
a damaged blob is an error when it is read, not an ``IndexError`` deep in a later step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.config import DedupConfig
from .._core.types import I64
from .._text.features import Features
from .._text.terms import CorpusFrequencies
from .codec import decode_arrays, encode_arrays, encode_features, flatten
from .paragraphs import band_keys
from .terms import story_terms

__all__ = ["Lookup", "check_features", "encode_article", "lookup_of"]

#: Features are stored without these arrays; the lookup blob holds them.
_IN_LOOKUP = frozenset({"terms", "fingerprints"})


@attrs.frozen(slots=True)
class Lookup:
    """The per-article arrays the in-memory lookups are built from (the ``lookup`` column)."""

    fingerprints: npt.NDArray[np.uint64]
    band_keys: npt.NDArray[np.uint32]
    has_shingles: npt.NDArray[np.bool_]
    match_paragraph: I64
    match_fingerprint: npt.NDArray[np.uint64]
    story_terms: npt.NDArray[np.uint64]
    terms: npt.NDArray[Any]

    def encode(self, key: str) -> bytes:
        """The ``lookup`` blob of article ``key``."""
        return encode_arrays({field.name: getattr(self, field.name)
                              for field in attrs.fields(Lookup)}, key=key)

    @classmethod
    def decode(cls, blob: bytes, key: str, legacy: bool = False) -> Lookup:
        """Read the ``lookup`` blob of article ``key`` back (``ValueError`` if it is not one,
        fails its checksum or holds arrays that do not fit together)."""
        arrays, _ = decode_arrays(blob, key, legacy)
        try:
            lookup = cls(**{field.name: arrays[field.name] for field in attrs.fields(Lookup)})
        except KeyError as error:
            raise ValueError(f"lookup blob without {error}") from error
        for name, (kind, ndim) in _LOOKUP_ARRAYS.items():
            array = getattr(lookup, name)
            if array.dtype.kind != kind or array.ndim != ndim:
                raise ValueError(f"lookup array {name!r} is {array.dtype} of {array.ndim} "
                                 f"dimension(s)")
        n = lookup.fingerprints.size
        if (lookup.band_keys.shape[0] != n or lookup.has_shingles.size != n
                or lookup.match_paragraph.size != lookup.match_fingerprint.size
                or (lookup.match_paragraph.size and not (
                    0 <= lookup.match_paragraph.min() <= lookup.match_paragraph.max() < n))):
            raise ValueError("lookup arrays of inconsistent sizes")
        return lookup


#: dtype kind and dimensions of each lookup array.
_LOOKUP_ARRAYS = {"fingerprints": ("u", 1), "band_keys": ("u", 2), "has_shingles": ("b", 1),
                  "match_paragraph": ("i", 1), "match_fingerprint": ("u", 1),
                  "story_terms": ("u", 1), "terms": ("u", 1)}


def check_features(features: Features, paragraphs: int) -> None:
    """``ValueError`` unless ``features`` are one article's, of ``paragraphs`` paragraphs,
    with arrays that fit together (what the pipeline's kernels index by)."""
    terms = int(features.terms.size)
    offsets = features.shingles.offsets
    if (features.n_articles != 1
            or features.article_paragraphs.tolist() != [0, paragraphs]
            or features.spans.shape != (paragraphs, 2)
            or features.token_counts.shape != (paragraphs,)
            or features.fingerprints.shape != (paragraphs,)
            or features.pattern_boilerplate.shape != (paragraphs,)
            or features.name_offsets.shape != (paragraphs + 1,)
            or int(features.name_offsets[0]) != 0
            or int(features.name_offsets[-1]) != features.names.size
            or bool(np.any(np.diff(features.name_offsets) < 0))
            or offsets.shape != (paragraphs + 1,) or int(offsets[0]) != 0
            or int(offsets[-1]) != features.shingles.values.size
            or bool(np.any(np.diff(offsets) < 0))
            or features.article_terms.tolist() != [0, terms]
            or features.term_counts.shape != (terms,)
            or features.term_salient.shape != (terms,)
            or features.named_day.shape != (1,)):
        raise ValueError("arrays of inconsistent sizes")
    for name, value in flatten(features):
        expected = _FEATURE_KINDS.get(name)
        if expected is not None and np.asarray(value).dtype.kind != expected:
            raise ValueError(f"field {name!r} is {np.asarray(value).dtype}")


#: dtype kind of each array of Features (integer kinds may be narrower or wider).
_FEATURE_KINDS = {"article_paragraphs": "i", "spans": "i", "token_counts": "i",
                  "shingles.offsets": "i", "shingles.values": "u", "fingerprints": "u",
                  "pattern_boilerplate": "b", "article_terms": "i", "terms": "u",
                  "term_counts": "u", "term_salient": "u", "name_offsets": "i",
                  "names": "u", "named_day": "i"}


def lookup_of(features: Features, config: DedupConfig, matches: Sequence[tuple[int, int]],
              frequencies: CorpusFrequencies,
              keys: npt.NDArray[np.uint32] | None = None) -> list[Lookup]:
    """The :class:`Lookup` of each article of ``features``; ``matches`` are verified
    ``(paragraph number in features, matched fingerprint)`` pairs to remember,
    ``frequencies`` weigh the story terms, ``keys`` are the paragraphs' band keys if
    already computed."""
    if keys is None:
        keys = band_keys(features.shingles, config)
    strong = story_terms(features, frequencies)
    pairs = np.array(matches, dtype=object).reshape(-1, 2)
    match_rows = pairs[:, 0].astype(np.int64)
    match_prints = pairs[:, 1].astype(np.uint64)
    owner = features.paragraph_article[match_rows]
    out = []
    for number in range(features.n_articles):
        start, stop = features.article_paragraphs[number:number + 2]
        terms_start, terms_stop = features.article_terms[number:number + 2]
        mine = owner == number
        out.append(Lookup(features.fingerprints[start:stop], keys[start:stop],
                          features.shingles.sizes[start:stop] > 0,
                          match_rows[mine] - start, match_prints[mine], strong[number],
                          features.terms[terms_start:terms_stop]))
    return out


def encode_article(features: Features, key: str) -> bytes:
    """The ``features`` blob of article ``key`` (its terms and fingerprints go to the
    lookup)."""
    return encode_features(features, _IN_LOOKUP, key)
