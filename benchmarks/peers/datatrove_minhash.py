"""datatrove's MinHash deduplication stages, run by its own executor, in this process.

The paragraphs are the documents of a datatrove pipeline (a generator step yielding one
``Document`` per paragraph, its text already normalized by the shared preparation), run by
``LocalPipelineExecutor(workers=1)`` (sequentially, in this process) on a temporary local
folder:

* stage 1, ``MinhashDedupSignature``: word 5-grams hashed with xxhash64 (its default), 128
  hash functions (32 buckets of 4), signatures written per bucket and sorted;
* stage 2, ``MinhashDedupBuckets`` (32 tasks, one per bucket): merges each bucket's sorted
  signatures and writes a ``.dups`` file of consecutive documents with equal band values;
* the ``.dups`` pairs (read with datatrove's ``read_tuples_from_file``) are the candidates
  that the shared step verifies. Stage 3 (``MinhashDedupCluster``) is not run: it unions
  unverified paragraph pairs and picks paragraphs to remove, while the task needs verified
  pairs grouped into articles, which the shared step does for every peer.

Differences from datatrove's defaults, each to keep the task identical: the text is
newsdedup's normalized paragraph text and the word tokenizer splits on spaces (datatrove's
English tokenizer needs spaCy and would tokenize differently), and its text normalization
leaves numbers and diacritics alone (already normalized; replacing digits by 0 would make
shingles differ from the other peers'). A paragraph of fewer than five words has no 5-gram
in datatrove and gets no signature (the other peers hash it as one shingle).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ._task import BANDS, ROWS, SEED, SHINGLE_SIZE, Paragraphs, StageClock

NAME = "datatrove"
REQUIRES = ("datatrove", "xxhash", "tokenizers")


def _whitespace_tokenizer() -> Any:
    from datatrove.utils.word_tokenizers import WordTokenizer

    class Whitespace(WordTokenizer):  # type: ignore[misc]
        """Tokens of text that the shared preparation already normalized."""

        def word_tokenize(self, text: str) -> list[str]:
            return text.split(" ")

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    return Whitespace("normalized")


def candidates(paragraphs: Paragraphs, clock: StageClock) -> Iterable[tuple[int, Iterable[int]]]:
    """Pairs of paragraphs with equal values in one of the 32 buckets (datatrove's .dups)."""
    import logging

    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupSignature,
    )
    from datatrove.utils.binaryio import read_tuples_from_file
    from datatrove.utils.text import TextNormConfig

    logging.getLogger().setLevel(logging.WARNING)
    config = MinhashConfig(n_grams=SHINGLE_SIZE, num_buckets=BANDS, hashes_per_bucket=ROWS,
                           seed=SEED, norm_config=TextNormConfig(norm_numbers=False,
                                                                 norm_unicode_diacritics=False))
    texts = paragraphs.texts

    def documents(data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        for number, text in enumerate(texts):
            yield Document(text=text, id=str(number))

    pairs: list[tuple[int, tuple[int]]] = []
    with tempfile.TemporaryDirectory(prefix="datatrove-peer-") as folder:
        root = Path(folder)
        with clock.stage("sign"):
            LocalPipelineExecutor(
                pipeline=[documents,
                          MinhashDedupSignature(output_folder=str(root / "signatures"),
                                                config=config, language=_whitespace_tokenizer())],
                tasks=1, workers=1, logging_dir=str(root / "logs" / "signatures")).run()
        with clock.stage("lsh"):
            LocalPipelineExecutor(
                pipeline=[MinhashDedupBuckets(input_folder=str(root / "signatures"),
                                              output_folder=str(root / "buckets"),
                                              config=config)],
                tasks=BANDS, workers=1, logging_dir=str(root / "logs" / "buckets")).run()
            for path in sorted((root / "buckets").glob("*.dups")):
                with open(path, "rb") as handle:
                    pairs.extend((first, (second,)) for _, first, _, second
                                 in read_tuples_from_file(handle, "4I", lines_to_buffer=-1))
    return pairs
