"""_index.codec: feature blobs round-trip bit-exactly and store integers narrowly."""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_seeds
from newsdedup import Article, DedupConfig
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.codec import (
    LEGACY_MAGIC,
    MAGIC,
    _checksum,
    add_checksum,
    decode_arrays,
    decode_features,
    encode_arrays,
    encode_features,
    flatten,
)
from newsdedup._text.features import Features, extract_features, select_features
from strategies import article_texts

CONFIG = DedupConfig()
ARTICLES = [*load_seeds(), *generate_corpus(30, seed=3, article_bytes=800).articles,
            Article("empty", ""), Article("blank", "\n\n \n"),
            Article("titled", "Short.", title="A Title With Names Like Lima")]
FEATURES = extract_features(ARTICLES, CONFIG)


def _header(blob: bytes) -> dict[str, Any]:
    """The JSON header of a blob (the format in the module docstring)."""
    assert blob[:4] == MAGIC
    (length,) = struct.unpack("<I", blob[12:16])
    header: dict[str, Any] = json.loads(blob[16:16 + length])
    return header


def _sealed(body: bytes, key: str = "") -> bytes:
    """A blob of ``body`` (header length, header, arrays) with its checksum."""
    return MAGIC + _checksum(key, body) + body


def _assert_same_features(back: Features, features: Features) -> None:
    """Every leaf field equal, bit for bit, with the same dtype and shape."""
    original, decoded = dict(flatten(features)), dict(flatten(back))
    assert set(decoded) == set(original)
    for path, value in original.items():
        if isinstance(value, np.ndarray):
            assert isinstance(decoded[path], np.ndarray), path
            assert decoded[path].dtype == value.dtype, path
            assert decoded[path].shape == value.shape, path
            assert decoded[path].tobytes() == value.tobytes(), path
        else:
            assert decoded[path] == value and type(decoded[path]) is type(value), path


def test_flatten_names_every_leaf_field_of_features() -> None:
    """The dotted paths cover each Features field, the nested shingle sets included."""
    paths = [path for path, _ in flatten(FEATURES)]
    assert paths == ["n_articles", "article_paragraphs", "spans", "token_counts",
                     "shingles.offsets", "shingles.values", "fingerprints",
                     "pattern_boilerplate", "article_terms", "terms", "term_counts",
                     "term_salient", "name_offsets", "names", "named_day"]


def test_real_features_round_trip_bit_exactly() -> None:
    """Seeds and a synthetic corpus (with empty articles) come back identical, every field."""
    blob = encode_features(FEATURES)
    _assert_same_features(decode_features(blob), FEATURES)
    for number in (0, 7, len(ARTICLES) - 3, len(ARTICLES) - 1):  # one article, incl. empty
        part = select_features(FEATURES, np.array([number]))
        _assert_same_features(decode_features(encode_features(part)), part)


def test_decoded_arrays_are_writable_copies() -> None:
    """Decoded arrays own their memory: writing to them leaves the blob and others intact."""
    blob = encode_features(FEATURES)
    first = decode_features(blob)
    first.spans[...] = -1
    first.shingles.values[...] = 0
    second = decode_features(blob)
    assert np.array_equal(second.spans, FEATURES.spans)
    assert np.array_equal(second.shingles.values, FEATURES.shingles.values)


def test_integer_arrays_are_stored_in_the_narrowest_dtype() -> None:
    """Spans and counts take one or two bytes each in the blob, not eight; hashes stay wide."""
    blob = encode_features(FEATURES)
    stored = {name: (dtype, kept) for name, dtype, kept, _ in _header(blob)["arrays"]}
    assert stored["spans"] == ("<i8", "<u2")  # article offsets below 65,536
    assert stored["token_counts"] == ("<i8", "|u1")
    assert stored["shingles.offsets"][1] in ("<u2", "<u4")
    assert stored["shingles.values"] == (FEATURES.shingles.values.dtype.str,) * 2
    assert stored["fingerprints"] == ("<u8", "<u8")  # 64-bit hashes need all their bits
    assert stored["pattern_boilerplate"] == ("|b1", "|b1")
    # The blob holds exactly the narrowed bytes: header, then each array at its stored width.
    header = _header(blob)
    length = len(json.dumps(header, separators=(",", ":")))
    body = sum(int(np.prod(shape)) * np.dtype(kept).itemsize
               for _, _, kept, shape in header["arrays"])
    assert len(blob) == 16 + length + body
    raw = sum(v.nbytes for _, v in flatten(FEATURES) if isinstance(v, np.ndarray))
    assert raw - body >= 6 * FEATURES.spans.size + 7 * FEATURES.token_counts.size


def test_omitted_fields_are_left_out_and_must_be_supplied() -> None:
    """Fields in ``omit`` are not in the blob; decoding needs them in ``extra``."""
    blob = encode_features(FEATURES, frozenset({"terms", "fingerprints"}))
    names = {entry[0] for entry in _header(blob)["arrays"]}
    assert "terms" not in names and "fingerprints" not in names
    with pytest.raises(ValueError, match="lack the field 'fingerprints'"):
        decode_features(blob, {"terms": FEATURES.terms})
    back = decode_features(blob, {"terms": FEATURES.terms,
                                  "fingerprints": FEATURES.fingerprints})
    _assert_same_features(back, FEATURES)


# (values, dtype given, dtype expected in the blob): each range's narrowest holder, at its
# boundaries, and arrays too short to be worth narrowing.
_BOUNDARIES = [
    ([0, 255], "int64", "|u1"),
    ([-128, 127], "int64", "|i1"),
    ([-1, 255], "int64", "<i2"),
    ([0, 256], "int64", "<u2"),
    ([0, 65_535], "uint64", "<u2"),
    ([-32_768, 32_767], "int64", "<i2"),
    ([-1, 65_535], "int64", "<i4"),
    ([0, 65_536], "int32", "<i4"),  # a uint32 is not narrower
    ([0, 65_536], "int64", "<u4"),
    ([0, 2**32 - 1], "uint64", "<u4"),
    ([-(2**31), 2**31 - 1], "int64", "<i4"),
    ([-1, 2**32 - 1], "int64", "<i8"),
    ([0, 2**32], "uint64", "<u8"),
    ([0, 2**64 - 1], "uint64", "<u8"),
    ([0, 200], "int16", "|u1"),
    ([-200, 200], "int16", "<i2"),  # nothing narrower holds it
    ([0, 40_000], "uint16", "<u2"),  # a uint32 is not narrower
    ([0, 1], "uint8", "|u1"),
    ([0, 1], "bool", "|b1"),
]


@pytest.mark.parametrize(("bounds", "dtype", "kept"), _BOUNDARIES)
def test_narrowing_picks_the_smallest_dtype_holding_the_range(bounds: list[int], dtype: str,
                                                              kept: str) -> None:
    """The stored dtype is the first of uint8, int8, uint16, int16, uint32, int32 that holds
    the range (and narrower than the array's own); values come back in the original dtype."""
    low, high = bounds
    array = np.array([low, high] + [low] * 38, dtype=dtype)
    blob = encode_arrays({"a": array})
    ((_, given_dtype, stored, shape),) = _header(blob)["arrays"]
    assert (given_dtype, stored, shape) == (array.dtype.str, kept, [40])
    decoded = decode_arrays(blob)[0]["a"]
    assert decoded.dtype == array.dtype and decoded.tobytes() == array.tobytes()
    short = array[:31]  # below the length worth narrowing: stored as it is
    assert _header(encode_arrays({"a": short}))["arrays"][0][2] == short.dtype.str


def test_big_endian_fortran_and_strided_arrays_round_trip() -> None:
    """Arrays of any byte order and memory layout decode to equal values and dtype."""
    base = np.arange(-50, 70, dtype=np.int64).reshape(40, 3)
    arrays = {"big": base.astype(">i8"), "fortran": np.asfortranarray(base),
              "strided": base[::2, ::-1], "float": base.astype(np.float32) / 3,
              "empty2d": np.zeros((0, 2), dtype=np.int64)}
    decoded, scalars = decode_arrays(encode_arrays(arrays, {"x": -5}))
    assert scalars == {"x": -5}
    for name, array in arrays.items():
        assert decoded[name].dtype == array.dtype and decoded[name].shape == array.shape
        assert np.array_equal(decoded[name], array), name


def test_every_truncation_of_a_real_blob_is_a_value_error() -> None:
    """A feature blob cut at any point is refused with ValueError, never half-decoded."""
    part = select_features(FEATURES, np.array([1]))
    blob = encode_features(part)
    for cut in [*range(0, 60), *range(len(blob) - 40, len(blob))]:
        with pytest.raises(ValueError):
            decode_features(blob[:cut])


@settings(max_examples=25, deadline=None)
@given(st.lists(article_texts, min_size=1, max_size=4), st.sampled_from([None, "Title"]))
def test_features_of_any_article_text_round_trip(texts: list[str], title: str | None) -> None:
    """Property: the features of generated article bodies survive a round trip exactly."""
    features = extract_features([Article(str(n), text, title=title)
                                 for n, text in enumerate(texts)], CONFIG)
    _assert_same_features(decode_features(encode_features(features)), features)


@pytest.mark.parametrize("shape", [[-1], [2, -1], [1.5], ["2"]])
def test_a_header_with_an_impossible_shape_is_a_value_error(shape: list[Any]) -> None:
    """A header claiming shape [-1] is not a blob (it would move the read position backwards
    and decode header bytes as array data): decode_arrays must refuse it."""
    header = json.dumps({"scalars": {}, "arrays": [["a", "<i8", "<i8", shape],
                                                   ["b", "<i8", "<i8", [1]]]},
                        separators=(",", ":")).encode("ascii")
    with pytest.raises(ValueError, match="impossible shape"):
        decode_arrays(_sealed(struct.pack("<I", len(header)) + header))


def test_every_flipped_byte_of_a_blob_is_a_value_error() -> None:
    """A blob with any one byte changed (magic, checksum, header or arrays) is refused: before
    the checksum, a flipped byte in a shingle hash decoded silently into other decisions."""
    blob = encode_features(select_features(FEATURES, np.array([2])), key="article-2")
    assert decode_features(blob, key="article-2").spans.size > 0
    for position in range(len(blob)):
        for flip in (0x01, 0x80):
            damaged = bytearray(blob)
            damaged[position] ^= flip
            with pytest.raises(ValueError):
                decode_features(bytes(damaged), key="article-2")


def test_a_blob_of_another_article_fails_its_checksum() -> None:
    """The checksum is keyed with the article id: a blob copied into another row is caught."""
    blob = encode_arrays({"a": np.arange(5)}, key="one")
    assert decode_arrays(blob, key="one")[0]["a"].tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="checksum mismatch"):
        decode_arrays(blob, key="two")


def test_blobs_without_checksum_are_read_only_when_allowed() -> None:
    """A schema 2 blob (no checksum) decodes with legacy=True, is refused otherwise, and
    add_checksum turns it into a checked blob with the same arrays."""
    body = encode_arrays({"a": np.arange(40, dtype=np.int64)}, {"n": 3})[12:]
    legacy = LEGACY_MAGIC + body
    with pytest.raises(ValueError, match="without checksum"):
        decode_arrays(legacy)
    arrays, scalars = decode_arrays(legacy, legacy=True)
    assert arrays["a"].tolist() == list(range(40)) and scalars == {"n": 3}
    sealed = add_checksum(legacy, "k")
    assert sealed[:4] == MAGIC and decode_arrays(sealed, key="k")[0]["a"].tolist() == list(
        range(40))
    with pytest.raises(ValueError):
        add_checksum(LEGACY_MAGIC + body[:-3], "k")


@pytest.mark.parametrize("value", [None, "text", 17])
def test_a_value_that_is_not_a_blob_is_a_value_error(value: Any) -> None:
    """A hand-edited column holding text or a number instead of a blob is a ValueError."""
    with pytest.raises(ValueError):
        decode_arrays(value)


def test_a_header_with_an_object_dtype_is_refused() -> None:
    """A header asking for Python objects ('|O') is refused (frombuffer would read pointers)."""
    header = json.dumps({"scalars": {}, "arrays": [["a", "|O", "<i8", [1]]]},
                        separators=(",", ":")).encode("ascii")
    with pytest.raises(ValueError, match="object dtype"):
        decode_arrays(_sealed(struct.pack("<I", len(header)) + header + b"\0" * 8))
