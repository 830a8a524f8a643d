"""Byte-identity of results across a change of the compiled kernels.

``python -m benchmarks.identity dump DIR`` writes, for the seeds with their reposts, the
ECB+ development documents (``tests/data/ecbplus-dev.jsonl``) and the synthetic corpus
(``generate_corpus(3000, seed=7)``):

* ``<corpus>-records.json``: ``dedup(...).to_records()``;
* ``<corpus>-findings.json``: ``result.groups``, ``result.stories`` and ``result.matches``
  (every attrs field, provenance and shared paragraphs included);
* ``<corpus>-features.npz``: every array of ``_text.features.extract_features`` over the corpus;
* ``<corpus>-signatures.npz``: ``_near_duplicates.minhash.signatures`` of those shingle sets (128
  permutations, every row);

and ``manifest.json``: a SHA-256 of each JSON file and of each array (dtype, shape, bytes).
``python -m benchmarks.identity compare OLD NEW`` compares two such folders and names
every difference (exit status 1 if any). Run ``dump`` before a change and after it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _corpora() -> dict[str, list[Any]]:
    from newsdedup._corpora.demo import demo_articles
    from newsdedup._corpora.synthetic import generate_corpus

    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        ecb = [json.loads(line) for line in handle if line.strip()]
    return {
        "seeds": demo_articles(reposts=True),
        "ecbplus": [{"id": doc["id"], "text": doc["text"]} for doc in ecb],
        "synthetic3000": list(generate_corpus(3000, seed=7).articles),
    }


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {field.name: _plain(getattr(value, field.name))
                for field in attrs.fields(type(value))}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return repr(value)


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr).encode("utf-8")


def _array_digest(array: np.ndarray) -> str:
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def dump(folder: Path) -> dict[str, str]:
    """Write the files described in the module docstring; return the manifest."""
    from newsdedup import Article, DedupConfig, dedup
    from newsdedup._near_duplicates.minhash import signatures
    from newsdedup._text.features import extract_features

    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    for name, articles in _corpora().items():
        for workers in (1, 2):
            result = dedup(articles, workers=workers, progress=False)
            suffix = "" if workers == 1 else "-workers2"
            for kind, value in (("records", result.to_records()),
                                ("findings", {"groups": _plain(result.groups),
                                              "stories": _plain(result.stories),
                                              "matches": _plain(result.matches)})):
                data = _json(_plain(value))
                (folder / f"{name}{suffix}-{kind}.json").write_bytes(data)
                manifest[f"{name}{suffix}-{kind}.json"] = hashlib.sha256(data).hexdigest()
        records = [article if isinstance(article, Article) else Article(**article)
                   for article in articles]
        features = extract_features(records, DedupConfig())
        arrays = {field.name: getattr(features, field.name)
                  for field in attrs.fields(type(features))
                  if isinstance(getattr(features, field.name), np.ndarray)}
        arrays["shingle_offsets"] = features.shingles.offsets
        arrays["shingle_values"] = features.shingles.values
        np.savez(folder / f"{name}-features.npz", **arrays)
        signed = {"signatures": signatures(features.shingles),
                  "signatures_64": signatures(features.shingles, columns=(0, 64), workers=2)}
        np.savez(folder / f"{name}-signatures.npz", **signed)
        for kind, group in (("features", arrays), ("signatures", signed)):
            for key, array in group.items():
                manifest[f"{name}-{kind}.npz:{key}"] = _array_digest(array)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def compare(old: Path, new: Path) -> list[str]:
    """Differences between two dumps (empty when byte-identical)."""
    before = json.loads((old / "manifest.json").read_text())
    after = json.loads((new / "manifest.json").read_text())
    problems = [f"only in {old}: {key}" for key in sorted(set(before) - set(after))]
    problems += [f"only in {new}: {key}" for key in sorted(set(after) - set(before))]
    problems += [f"differs: {key}" for key in sorted(set(before) & set(after))
                 if before[key] != after[key]]
    for path in sorted(old.glob("*.json")):
        other = new / path.name
        if path.name != "manifest.json" and other.exists() and (
                path.read_bytes() != other.read_bytes()):
            problems.append(f"bytes differ: {path.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("folder", type=Path)
    compared = commands.add_parser("compare")
    compared.add_argument("old", type=Path)
    compared.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        manifest = dump(args.folder)
        print(f"{len(manifest)} digests written to {args.folder / 'manifest.json'}")
        return 0
    problems = compare(args.old, args.new)
    for problem in problems:
        print(problem)
    print("byte-identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
