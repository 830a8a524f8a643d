"""Tests of newsdedup._near_duplicates.minhash: bit-exact compatibility with datasketch."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_ecbplus
from newsdedup import Article, DedupConfig
from newsdedup._near_duplicates.lsh import choose_bands, lsh_candidate_pairs
from newsdedup._near_duplicates.minhash import (
    EMPTY_VALUE,
    minhash_inputs,
    permutations,
    signatures,
    to_lean_minhash,
)
from newsdedup._text.features import Features, extract_features
from newsdedup._text.shingle import ShingleSets, shingle_sets
from newsdedup._text.tokenize import hash_tokens
from strategies import paragraph_lists

#: ECB+ documents used as the realistic corpus, plus lightly edited copies of some.
N_DOCUMENTS = 150
EDITED_EVERY = 10


def _datasketch_signature(row_shingles: npt.NDArray[np.uint64], num_perm: int,
                          seed: int) -> npt.NDArray[np.uint32]:
    minhash = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda value: value)
    minhash.update_batch(minhash_inputs(row_shingles).tolist())
    values: npt.NDArray[np.uint32] = minhash.hashvalues
    return values


def _edit(text: str, number: int) -> str:
    """A light rewrite: one word changed per paragraph, typography changed, a paragraph cut."""
    paragraphs = text.split("\n\n")
    edited = []
    for index, paragraph in enumerate(paragraphs):
        words = paragraph.split(" ")
        position = (number + index * 7) % len(words)
        words[position] = "edited" + str(number)
        edited.append(" ".join(words).replace('"', "\u201c").replace(" - ", " \u2014 "))
    if len(edited) > 2:
        del edited[1]
    return "\n\n".join(edited)


@pytest.fixture(scope="module")
def corpus_features() -> Features:
    """Features of ECB+ documents plus edited copies (so there are real neighbours)."""
    documents = load_ecbplus()[:N_DOCUMENTS]
    articles = [Article(id=doc["id"], text=doc["text"]) for doc in documents]
    articles += [
        Article(id=f"{doc['id']}-edited", text=_edit(doc["text"], number))
        for number, doc in enumerate(documents[::EDITED_EVERY])
    ]
    return extract_features(articles, DedupConfig())


def _shingles(texts: list[str], size: int) -> ShingleSets:
    return shingle_sets(hash_tokens(texts), size)


def _exact_jaccard(sets: ShingleSets, left: int, right: int) -> float:
    first, second = set(sets.row(left).tolist()), set(sets.row(right).tolist())
    return len(first & second) / len(first | second)


# --- (1) signatures equal datasketch's MinHash -----------------------------------------------


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7)])
@settings(max_examples=40, deadline=None)
@given(texts=paragraph_lists(max_size=8, max_words=25), size=st.integers(1, 5))
def test_rows_equal_datasketch_minhash(texts: list[str], size: int, num_perm: int,
                                       seed: int) -> None:
    """Each signature row is bit-exact datasketch.MinHash(num_perm, seed) of its shingles."""
    sets = _shingles(texts, size)
    signature_matrix = signatures(sets, num_perm=num_perm, seed=seed)
    assert signature_matrix.shape == (len(texts), num_perm)
    assert signature_matrix.dtype == np.uint32
    for index in range(len(sets)):
        expected = _datasketch_signature(sets.row(index), num_perm, seed)
        assert signature_matrix[index].tolist() == expected.tolist()


def test_corpus_signatures_equal_datasketch(corpus_features: Features) -> None:
    """On real news paragraphs every default signature row equals datasketch's MinHash."""
    config = DedupConfig()
    sets = corpus_features.shingles
    signature_matrix = signatures(sets, config.num_perm, config.seed)
    for index in range(len(sets)):
        expected = _datasketch_signature(sets.row(index), config.num_perm, config.seed)
        assert signature_matrix[index].tolist() == expected.tolist()


def test_permutations_are_datasketchs() -> None:
    """The (a, b) parameters are those of datasketch's affine32 MinHash for the seed."""
    a, b = permutations(64, 7)
    expected_a, expected_b = MinHash(num_perm=64, seed=7, scheme="affine32").permutations
    assert a.tolist() == expected_a.tolist()
    assert b.tolist() == expected_b.tolist()
    assert not a.flags.writeable


def test_datasketch_default_scheme_is_affine32() -> None:
    """datasketch's default scheme is the one signatures reproduce."""
    assert MinHash(num_perm=8).scheme == "affine32"


def test_minhash_inputs_are_the_upper_32_bits() -> None:
    """The 32-bit MinHash input of a shingle is the upper half of its 64-bit hash."""
    shingles = np.array([0, 2**32 - 1, 2**32, 0xDEADBEEF_00000001, 2**64 - 1], dtype=np.uint64)
    assert minhash_inputs(shingles).tolist() == [0, 0, 1, 0xDEADBEEF, 2**32 - 1]
    assert minhash_inputs(shingles).dtype == np.uint32


# --- (2) LSH candidates equal datasketch's MinHashLSH -----------------------------------------


def test_lsh_candidate_pairs_equal_datasketch_lsh(corpus_features: Features) -> None:
    """MinHashLSH(params=choose_bands(0.3, 128)) finds the pairs lsh_candidate_pairs does."""
    signature_matrix = signatures(corpus_features.shingles)
    n_rows = signature_matrix.shape[0]
    bands, rows = choose_bands(0.3, 128)
    lsh = MinHashLSH(threshold=0.3, num_perm=128, params=(bands, rows))
    lean = [to_lean_minhash(signature) for signature in signature_matrix]
    with lsh.insertion_session() as session:
        for index, minhash in enumerate(lean):
            session.insert(index, minhash)
    expected = {
        (min(index, other), max(index, other))
        for index, minhash in enumerate(lean)
        for other in lsh.query(minhash)
        if other != index
    }
    # max_bucket = n_rows: every bucket yields all its pairs, as a MinHashLSH query does.
    found = lsh_candidate_pairs(signature_matrix, bands, rows, max_bucket=n_rows)
    assert {(int(left), int(right)) for left, right in found} == expected
    # The edited copies make real near-duplicates, so the comparison is not vacuous.
    edited = np.flatnonzero(corpus_features.paragraph_article >= N_DOCUMENTS)
    assert len({pair for pair in expected if pair[1] in set(edited.tolist())}) >= edited.size // 2


def test_lean_minhash_round_trips(corpus_features: Features) -> None:
    """to_lean_minhash keeps the values and the affine32 scheme of a signature."""
    signature = signatures(corpus_features.shingles)[0]
    lean = to_lean_minhash(signature)
    assert isinstance(lean, LeanMinHash)
    assert lean.scheme == "affine32"
    assert lean.seed == 1
    assert lean.hashvalues.tolist() == signature.tolist()


# --- (3) empty paragraphs ---------------------------------------------------------------------


def test_empty_paragraphs_get_the_empty_value_row() -> None:
    """Paragraphs without shingles get EMPTY_VALUE everywhere, as an empty datasketch MinHash."""
    signature_matrix = signatures(_shingles(["", "a b c d", ""], 3))
    empty = MinHash(num_perm=128, seed=1).hashvalues
    assert np.uint32(2**32 - 1) == EMPTY_VALUE
    for index in (0, 2):
        assert (signature_matrix[index] == EMPTY_VALUE).all()
        assert signature_matrix[index].tolist() == empty.tolist()
        assert to_lean_minhash(signature_matrix[index]).is_empty()
    assert not (signature_matrix[1] == EMPTY_VALUE).all()


def test_all_empty_and_no_paragraphs() -> None:
    """A batch of only empty paragraphs, or none, has the right shape."""
    assert (signatures(_shingles(["", ""], 5), num_perm=16) == EMPTY_VALUE).all()
    assert signatures(_shingles([], 5), num_perm=16).shape == (0, 16)


# --- (4) estimated Jaccard ---------------------------------------------------------------------


def test_estimated_jaccard_is_close_to_exact() -> None:
    """The share of equal signature values is within 0.15 of the exact Jaccard similarity."""
    base = [f"word{index}" for index in range(80)]
    texts = [" ".join(base)]
    for changed in (1, 4, 10, 20, 40, 80):
        words = list(base)
        for position in range(0, 80, max(1, 80 // changed))[:changed]:
            words[position] = f"new{position}"
        texts.append(" ".join(words))
    texts.append(" ".join(base[:40]))  # contained in the base paragraph
    sets = _shingles(texts, 5)
    signature_matrix = signatures(sets)
    exact = [_exact_jaccard(sets, 0, index) for index in range(1, len(texts))]
    estimated = [float((signature_matrix[0] == signature_matrix[index]).mean())
                 for index in range(1, len(texts))]
    assert min(exact) == 0.0 and max(exact) > 0.9  # the pairs span the whole range
    for exact_value, estimate in zip(exact, estimated, strict=True):
        assert abs(estimate - exact_value) <= 0.15
    lean_estimate = to_lean_minhash(signature_matrix[0]).jaccard(
        to_lean_minhash(signature_matrix[3]))
    assert lean_estimate == pytest.approx(estimated[2])


def test_identical_paragraphs_have_identical_signatures() -> None:
    """Paragraphs that tokenize the same have equal signatures (estimated Jaccard 1)."""
    signature_matrix = signatures(_shingles(["the storm hit the city"] * 2, 3))
    assert signature_matrix[0].tolist() == signature_matrix[1].tolist()


def test_corpus_edited_copies_are_near_their_originals(corpus_features: Features) -> None:
    """Each paragraph of an edited copy is estimated within 0.15 of its nearest original."""
    sets, signature_matrix = corpus_features.shingles, signatures(corpus_features.shingles)
    paragraph_article = corpus_features.paragraph_article
    edited_rows = np.flatnonzero(paragraph_article == N_DOCUMENTS)  # the copy of document 0
    original_rows = np.flatnonzero(paragraph_article == 0)
    near = 0
    for edited_row in edited_rows.tolist():
        scores = [_exact_jaccard(sets, edited_row, row) for row in original_rows.tolist()]
        nearest = int(original_rows[int(np.argmax(scores))])
        estimate = float((signature_matrix[edited_row] == signature_matrix[nearest]).mean())
        assert abs(estimate - max(scores)) <= 0.15
        near += max(scores) > 0.3
    assert near >= 1


def test_first_columns_are_a_prefix_of_the_signature(corpus_features: Features) -> None:
    """signatures(columns=k) gives exactly the first k values of the full signatures."""
    full = signatures(corpus_features.shingles, 128, 1)
    prefix = signatures(corpus_features.shingles, 128, 1, columns=64)
    assert prefix.shape == (full.shape[0], 64)
    assert np.array_equal(prefix, full[:, :64])


def test_64_bit_sets_are_signed_by_their_upper_halves() -> None:
    """Sets of 64-bit hashes sign like the 32-bit sets of their upper halves."""
    wide = ShingleSets(np.array([0, 3, 3, 5]), np.array(
        [2**32 + 5, 7 * 2**32 + 1, 9 * 2**32, 2**32 + 5, 2**63], dtype=np.uint64))
    narrow = ShingleSets(wide.offsets, minhash_inputs(wide.values))
    assert narrow.values.dtype == np.uint32
    assert np.array_equal(signatures(wide), signatures(narrow))
    assert minhash_inputs(narrow.values) is narrow.values
