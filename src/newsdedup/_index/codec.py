"""Arrays as bytes for the index file: any dtype, any attrs layout, an exact round trip.

The index stores each article's :class:`~newsdedup._text.features.Features` once, when the article
is added, and reads them back for every neighbourhood run, so the map step never runs twice on
an article. The layout is read from the attrs classes (``Features`` and the nested
``ShingleSets``), not written out here: a new field or a narrower dtype in the pipeline needs
no change in this module, and since a blob records each array's dtype, blobs written before
such a change still decode to exactly what they held. Integer arrays are stored in the
narrowest integer dtype that holds their values (spans and counts take one or two bytes
instead of eight) and widened back when read.

A blob is ``MAGIC``, an 8-byte BLAKE2b checksum, the length of a JSON header, the header
(scalars, and for each array its name, dtype, stored dtype and shape), then the arrays' bytes
in header order. The checksum covers everything after it and a *key* (the index passes the
article id), so a flipped byte, a cut blob or a blob copied into another article's row is
caught when it is read instead of silently changing decisions. Blobs written before the
checksum (``LEGACY_MAGIC``, index schema 2) are read only where the caller allows them.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._text.features import Features

__all__ = ["LEGACY_MAGIC", "MAGIC", "add_checksum", "decode_arrays", "decode_features",
           "encode_arrays", "encode_features", "flatten"]

MAGIC = b"NDX2"
#: Blobs without a checksum (index schema 2 and before).
LEGACY_MAGIC = b"NDX1"
_LENGTH = struct.Struct("<I")
_CHECK_SIZE = 8
#: Bytes before the JSON header: magic, checksum, header length.
_PREFIX = len(MAGIC) + _CHECK_SIZE + _LENGTH.size
#: Narrower integer dtypes tried in turn, with the range each holds.
_NARROW = tuple((np.dtype(name), int(np.iinfo(name).min), int(np.iinfo(name).max))
                for name in ("uint8", "int8", "uint16", "int16", "uint32", "int32"))


#: Arrays shorter than this are stored as they are (narrowing them saves a few bytes and
#: costs a pass over them).
_NARROW_FROM = 32


def _stored_dtype(array: npt.NDArray[Any]) -> np.dtype[Any]:
    """The narrowest integer dtype holding every value of ``array`` (else its own dtype)."""
    if (array.dtype.kind not in "iu" or array.size < _NARROW_FROM
            or array.dtype.itemsize == 1):
        return array.dtype
    low, high = int(array.min()), int(array.max())
    for dtype, lowest, highest in _NARROW:
        if dtype.itemsize >= array.dtype.itemsize:
            break
        if lowest <= low and high <= highest:
            return dtype
    return array.dtype


def _checksum(key: str, body: bytes | memoryview) -> bytes:
    digest = hashlib.blake2b(digest_size=_CHECK_SIZE)
    encoded = key.encode("utf-8", "surrogatepass")
    digest.update(_LENGTH.pack(len(encoded)) + encoded)
    digest.update(body)
    return digest.digest()


def encode_arrays(arrays: Mapping[str, npt.NDArray[Any]],
                  scalars: Mapping[str, int] | None = None, key: str = "") -> bytes:
    """``arrays`` (and integer ``scalars``) as one blob, checksummed with ``key``;
    :func:`decode_arrays` with the same ``key`` reads it back.

    >>> blob = encode_arrays({"a": np.arange(40, dtype=np.int64)}, {"n": 2})
    >>> len(blob) < 40 * 8
    True
    >>> arrays, scalars = decode_arrays(blob)
    >>> arrays["a"].dtype.name, arrays["a"][-3:].tolist(), scalars
    ('int64', [37, 38, 39], {'n': 2})
    """
    entries, parts = [], []
    for name, array in arrays.items():
        stored = _stored_dtype(array)
        data = np.ascontiguousarray(array, dtype=stored.newbyteorder("<"))
        entries.append([name, array.dtype.str, data.dtype.str, list(array.shape)])
        parts.append(data.tobytes())
    header = json.dumps({"scalars": dict(scalars or {}), "arrays": entries},
                        separators=(",", ":")).encode("ascii")
    body = b"".join([_LENGTH.pack(len(header)), header, *parts])
    return b"".join([MAGIC, _checksum(key, body), body])


def add_checksum(blob: bytes, key: str) -> bytes:
    """A legacy (unchecked) blob as a checksummed one, after checking that it decodes."""
    decode_arrays(blob, legacy=True)
    body = blob[len(LEGACY_MAGIC):]
    return b"".join([MAGIC, _checksum(key, body), body])


_DTYPES: dict[str, np.dtype[Any]] = {}


def _dtype(name: str) -> np.dtype[Any]:
    if name not in _DTYPES:
        _DTYPES[name] = np.dtype(name)
    return _DTYPES[name]


def decode_arrays(blob: bytes, key: str = "", legacy: bool = False
                  ) -> tuple[dict[str, npt.NDArray[Any]], dict[str, int]]:
    """The arrays (in their original dtypes, writable) and scalars of an :func:`encode_arrays`
    blob written with ``key``; ``ValueError`` if the bytes are not such a blob or fail their
    checksum. ``legacy`` also accepts blobs without a checksum."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise ValueError(f"expected a blob, got {type(blob).__name__}")
    view = memoryview(blob)
    magic = bytes(view[:4])
    if magic == MAGIC:
        if len(view) < _PREFIX:
            raise ValueError(f"array blob cut short ({len(view)} bytes)")
        if bytes(view[4:4 + _CHECK_SIZE]) != _checksum(key, view[4 + _CHECK_SIZE:]):
            raise ValueError("checksum mismatch: the blob's bytes were changed or cut, or "
                             "it belongs to another article")
        start = 4 + _CHECK_SIZE
    elif magic == LEGACY_MAGIC and legacy:
        start = 4
    elif magic == LEGACY_MAGIC:
        raise ValueError("a blob without checksum (schema 2) in a file whose blobs all have one")
    else:
        raise ValueError("not an array blob (bad magic number)")
    if len(view) < start + _LENGTH.size:
        raise ValueError(f"array blob cut short ({len(view)} bytes)")
    (length,) = _LENGTH.unpack(view[start:start + _LENGTH.size])
    try:
        header = json.loads(bytes(view[start + _LENGTH.size:start + _LENGTH.size + length]))
        position = start + _LENGTH.size + length
        arrays = {}
        for name, dtype, stored, shape in header["arrays"]:
            stored_dtype = _dtype(stored)
            if stored_dtype.hasobject or _dtype(dtype).hasobject:
                raise ValueError(f"array {name!r} has an object dtype")
            if not all(isinstance(extent, int) and extent >= 0 for extent in shape):
                raise ValueError(f"array {name!r} has an impossible shape {shape!r}")
            size = math.prod(shape) * stored_dtype.itemsize
            if position + size > len(view):
                raise ValueError(f"array {name!r} runs past the end of the blob")
            data = np.frombuffer(view[position:position + size], dtype=stored_dtype)
            arrays[name] = data.astype(_dtype(dtype)).reshape(shape)
            position += size
        scalars = {str(key): int(value) for key, value in header["scalars"].items()}
    except (KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"unreadable array blob header ({error})") from error
    if position != len(view):
        raise ValueError(f"{len(view) - position} stray bytes after the arrays")
    return arrays, scalars


_LAYOUTS: dict[type[Any], tuple[tuple[str, type[Any] | None], ...]] = {}


def _layout(cls: type[Any]) -> tuple[tuple[str, type[Any] | None], ...]:
    """``(field name, nested attrs class or None)`` of each field of ``cls``."""
    if cls not in _LAYOUTS:
        attrs.resolve_types(cls)
        _LAYOUTS[cls] = tuple((field.name, field.type if isinstance(field.type, type)
                               and attrs.has(field.type) else None)
                              for field in attrs.fields(cls))
    return _LAYOUTS[cls]


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted field path, value)`` of every leaf field of an attrs instance."""
    for name, nested in _layout(type(value)):
        item = getattr(value, name)
        if nested is not None:
            yield from flatten(item, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", item


def _build(cls: type, values: Mapping[str, Any], prefix: str = "") -> Any:
    kwargs = {}
    for name, nested in _layout(cls):
        path = f"{prefix}{name}"
        if nested is not None:
            kwargs[name] = _build(nested, values, f"{path}.")
        elif path in values:
            kwargs[name] = values[path]
        else:
            raise ValueError(f"the stored features lack the field {path!r}")
    return cls(**kwargs)


def encode_features(features: Features, omit: frozenset[str] = frozenset(),
                    key: str = "") -> bytes:
    """The features as one blob (checksummed with ``key``), without the fields in ``omit``
    (dotted paths).

    >>> from newsdedup import Article, DedupConfig
    >>> from newsdedup._text.features import extract_features
    >>> features = extract_features([Article("a", "One two.\\n\\nThree.")], DedupConfig())
    >>> decode_features(encode_features(features)).spans.tolist()
    [[0, 8], [10, 16]]
    """
    arrays, scalars = {}, {}
    for path, value in flatten(features):
        if path in omit:
            continue
        if isinstance(value, np.ndarray):
            arrays[path] = value
        else:
            scalars[path] = int(value)
    return encode_arrays(arrays, scalars, key)


def decode_features(blob: bytes, extra: Mapping[str, npt.NDArray[Any]] | None = None,
                    key: str = "", legacy: bool = False) -> Features:
    """Features from an :func:`encode_features` blob written with ``key``, with omitted
    fields given in ``extra``."""
    arrays, scalars = decode_arrays(blob, key, legacy)
    values: dict[str, Any] = {**arrays, **scalars, **(extra or {})}
    features: Features = _build(Features, values)
    return features
