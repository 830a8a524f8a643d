"""Clustering evaluation: pairwise, B³ and ARI scores, label files and the eval command."""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Sequence
from fractions import Fraction
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA
from newsdedup import InputError
from newsdedup.evaluate import (
    ClusterScores,
    adjusted_rand_index,
    bcubed_scores,
    evaluate_files,
    format_scores,
    main_eval,
    pairwise_scores,
    read_labels,
    score_clustering,
)

ECBPLUS = DATA / "ecbplus-dev.jsonl"

# Items a, b, c, d. Predicted {a,b,c},{d}; gold {a,b},{c,d}.
FOUR_PRED = ["p", "p", "p", "q"]
FOUR_GOLD = ["x", "x", "y", "y"]

# Items 1..6. Predicted {1,2,3},{4,5,6}; gold {1,2},{3,4},{5,6}.
SIX_PRED = [0, 0, 0, 1, 1, 1]
SIX_GOLD = ["g1", "g1", "g2", "g2", "g3", "g3"]


def _all_scores(pred: Sequence[Hashable] | npt.NDArray[Any],
                gold: Sequence[Hashable] | npt.NDArray[Any]) -> list[float]:
    return [*pairwise_scores(pred, gold), *bcubed_scores(pred, gold),
            adjusted_rand_index(pred, gold)]


# ---------------------------------------------------------------- hand-computed values


def test_pairwise_four_items_by_hand() -> None:
    """Pairwise P/R/F1 match the pair counts worked out by hand."""
    # Predicted pairs ab, ac, bc (3); gold pairs ab, cd (2); shared: ab (1).
    # P = 1/3, R = 1/2, F1 = 2·(1/3)(1/2) / (1/3 + 1/2) = (1/3) / (5/6) = 2/5.
    assert pairwise_scores(FOUR_PRED, FOUR_GOLD) == pytest.approx((1 / 3, 1 / 2, 2 / 5))


def test_bcubed_four_items_by_hand() -> None:
    """B³ P/R/F1 match the per-item overlaps worked out by hand."""
    # item  pred    gold   overlap  P     R
    # a     {abc}   {ab}   2        2/3   1
    # b     {abc}   {ab}   2        2/3   1
    # c     {abc}   {cd}   1        1/3   1/2
    # d     {d}     {cd}   1        1     1/2
    # P = (2/3+2/3+1/3+1)/4 = 2/3; R = (1+1+1/2+1/2)/4 = 3/4;
    # F1 = 2·(2/3)(3/4) / (2/3+3/4) = 1 / (17/12) = 12/17.
    assert bcubed_scores(FOUR_PRED, FOUR_GOLD) == pytest.approx((2 / 3, 3 / 4, 12 / 17))


def test_ari_four_items_by_hand() -> None:
    """ARI of the four-item example is exactly chance level, per the Hubert–Arabie formula."""
    # Contingency rows (pred) × columns (gold): [[2, 1], [0, 1]].
    # index = Σ C(n_ij, 2) = 1; Σ C(a_i, 2) = C(3,2)+C(1,2) = 3; Σ C(b_j, 2) = 1+1 = 2;
    # expected = 3·2 / C(4,2) = 1; max = (3+2)/2 = 2.5; ARI = (1−1) / (2.5−1) = 0.
    assert adjusted_rand_index(FOUR_PRED, FOUR_GOLD) == pytest.approx(0.0, abs=1e-12)


def test_six_items_by_hand() -> None:
    """All three metrics match hand arithmetic on a six-item example with a non-zero ARI."""
    # Contingency [[2, 1, 0], [0, 1, 2]]; pred sizes (3, 3); gold sizes (2, 2, 2).
    # Pairwise: shared pairs 12, 56 (2); predicted 3+3 = 6; gold 1+1+1 = 3.
    #   P = 2/6 = 1/3, R = 2/3, F1 = 2·(1/3)(2/3) / 1 = 4/9.
    # B³ precision: items 1,2,5,6 → 2/3; items 3,4 → 1/3: (4·2/3 + 2·1/3)/6 = 5/9.
    # B³ recall:    items 1,2,5,6 → 1;   items 3,4 → 1/2: (4 + 1)/6 = 5/6.
    #   F1 = 2·(5/9)(5/6) / (5/9 + 5/6) = (25/27) / (25/18) = 2/3.
    # ARI: index 2; expected 6·3 / C(6,2) = 18/15 = 1.2; max (6+3)/2 = 4.5;
    #   ARI = (2 − 1.2) / (4.5 − 1.2) = 0.8 / 3.3 = 8/33.
    assert pairwise_scores(SIX_PRED, SIX_GOLD) == pytest.approx((1 / 3, 2 / 3, 4 / 9))
    assert bcubed_scores(SIX_PRED, SIX_GOLD) == pytest.approx((5 / 9, 5 / 6, 2 / 3))
    assert adjusted_rand_index(SIX_PRED, SIX_GOLD) == pytest.approx(8 / 33)


def test_score_clustering_combines_the_metrics() -> None:
    """score_clustering reports each metric and the cluster counts for id → label maps."""
    predicted = dict(zip("abcd", FOUR_PRED, strict=True))
    gold = dict(zip("abcd", FOUR_GOLD, strict=True))
    scores = score_clustering(predicted, gold)
    assert (scores.pairwise_precision, scores.pairwise_recall,
            scores.pairwise_f1) == pytest.approx((1 / 3, 1 / 2, 2 / 5))
    assert (scores.bcubed_precision, scores.bcubed_recall,
            scores.bcubed_f1) == pytest.approx((2 / 3, 3 / 4, 12 / 17))
    assert scores.ari == pytest.approx(0.0, abs=1e-12)
    assert (scores.n_items, scores.n_predicted_clusters, scores.n_gold_clusters,
            scores.n_ignored) == (4, 2, 2, 0)


# ---------------------------------------------------------------- edge cases and conventions


def test_perfect_clustering_scores_one() -> None:
    """A prediction equal to gold up to label names scores 1.0 on every metric."""
    assert _all_scores([7, 7, 8, 9, 9, 9], ["a", "a", "b", "c", "c", "c"]) == [1.0] * 7


def test_all_in_one_against_all_singletons() -> None:
    """One predicted cluster against singleton gold: precision 0, recall 1 by convention."""
    # Pairwise: 6 predicted pairs, none in gold → P = 0; no gold pairs → R = 1 (convention).
    # B³: each item's predicted cluster has 4 items, 1 of them right → P = 1/4, R = 1,
    #   F1 = 2·(1/4) / (5/4) = 2/5. ARI: index 0 = expected 0 → 0.
    one, singletons = ["all"] * 4, ["a", "b", "c", "d"]
    assert pairwise_scores(one, singletons) == (0.0, 1.0, 0.0)
    assert bcubed_scores(one, singletons) == pytest.approx((1 / 4, 1.0, 2 / 5))
    assert adjusted_rand_index(one, singletons) == pytest.approx(0.0, abs=1e-12)


def test_all_singletons_against_all_in_one() -> None:
    """Singleton predictions against one gold cluster: precision 1 by convention, recall 0."""
    singletons, one = ["a", "b", "c", "d"], ["all"] * 4
    assert pairwise_scores(singletons, one) == (1.0, 0.0, 0.0)
    assert bcubed_scores(singletons, one) == pytest.approx((1.0, 1 / 4, 2 / 5))
    assert adjusted_rand_index(singletons, one) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("labels", [[], ["only"], ["a", "b", "c"], ["same"] * 5],
                         ids=["empty", "one item", "all singletons", "one cluster"])
def test_degenerate_identical_partitions_score_one(labels: list[str]) -> None:
    """Identical trivial partitions (where ARI is 0/0) score 1.0 everywhere, as in sklearn."""
    assert _all_scores(labels, labels) == [1.0] * 7


def test_label_permutation_invariance() -> None:
    """Swapping which label names which cluster, on either side, changes no score."""
    renamed_pred = [{0: 1, 1: 0}[label] for label in SIX_PRED]
    renamed_gold = [{"g1": "g3", "g2": "g1", "g3": "g2"}[label] for label in SIX_GOLD]
    assert _all_scores(renamed_pred, renamed_gold) == pytest.approx(
        _all_scores(SIX_PRED, SIX_GOLD))


def test_numpy_arrays_and_mixed_labels() -> None:
    """Numeric and string numpy arrays and mixed-type label lists give the same scores."""
    expected = _all_scores(SIX_PRED, SIX_GOLD)
    assert _all_scores(np.array(SIX_PRED), np.array(SIX_GOLD)) == pytest.approx(expected)
    mixed_gold = [1, 1, "two", "two", (3,), (3,)]
    assert _all_scores(SIX_PRED, mixed_gold) == pytest.approx(expected)


def test_unequal_lengths_and_bad_labels_are_input_errors() -> None:
    """Label sequences of different lengths, 2-D arrays and unhashable labels are refused."""
    with pytest.raises(InputError, match="equal length, got 2 predicted and 3 gold"):
        pairwise_scores([1, 2], [1, 2, 3])
    with pytest.raises(InputError, match="1-D array"):
        adjusted_rand_index(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(InputError, match=r"gold label at position 1: .*hashable.*\[2\]"):
        bcubed_scores([1, 1], [1, [2]])  # type: ignore[list-item]


def test_missing_predicted_items_are_named() -> None:
    """Gold items without a prediction raise InputError naming the first few missing ids."""
    gold = {f"doc{n}": "e" for n in range(10)}
    predicted = {"doc0": 1, "doc1": 1}
    with pytest.raises(InputError, match="8 of 10 gold items") as caught:
        score_clustering(predicted, gold)
    assert "'doc2', 'doc3', 'doc4', 'doc5', 'doc6' and 3 more" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_extra_predicted_items_are_ignored_and_counted() -> None:
    """Predicted items that gold lacks do not change the scores and are counted."""
    gold = dict(zip("abcd", FOUR_GOLD, strict=True))
    predicted = {**dict(zip("abcd", FOUR_PRED, strict=True)), "e": "p", "f": "z"}
    scores = score_clustering(predicted, gold)
    assert scores.pairwise_precision == pytest.approx(1 / 3)
    assert (scores.n_items, scores.n_predicted_clusters, scores.n_ignored) == (4, 2, 2)


def test_empty_gold_is_refused() -> None:
    """Scoring against an empty gold mapping is an InputError, not a vacuous 1.0."""
    with pytest.raises(InputError, match="at least one gold item"):
        score_clustering({"a": 1}, {})


def test_cluster_scores_validate_and_export() -> None:
    """ClusterScores rejects out-of-range values and as_dict lists every field."""
    scores = score_clustering({"a": 1, "b": 1}, {"a": 2, "b": 2})
    assert scores.as_dict() == {
        "pairwise_precision": 1.0, "pairwise_recall": 1.0, "pairwise_f1": 1.0,
        "bcubed_precision": 1.0, "bcubed_recall": 1.0, "bcubed_f1": 1.0, "ari": 1.0,
        "n_items": 2, "n_predicted_clusters": 1, "n_gold_clusters": 1, "n_ignored": 0}
    with pytest.raises(ValueError, match="pairwise_precision"):
        ClusterScores(1.5, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="n_items"):
        ClusterScores(1, 1, 1, 1, 1, 1, 1, -1, 1, 1)


def test_format_scores_table() -> None:
    """format_scores prints the title, counts and one row per metric family."""
    scores = score_clustering({**dict(zip("abcd", FOUR_PRED, strict=True)), "z": "q"},
                              dict(zip("abcd", FOUR_GOLD, strict=True)))
    assert format_scores(scores, "story").splitlines() == [
        "story",
        "4 items: 2 predicted clusters, 2 gold clusters (1 predicted items not in gold, ignored)",
        "metric     precision  recall      F1",
        "pairwise      0.3333  0.5000  0.4000",
        "B-cubed       0.6667  0.7500  0.7059",
        "ARI           0.0000",
    ]


# ---------------------------------------------------------------- properties (hypothesis)


def _brute_force(pred: Sequence[Hashable],
                 gold: Sequence[Hashable]) -> tuple[list[Fraction], Fraction]:
    """Reference scores by enumerating all O(n²) pairs and per-item clusters, exactly."""
    n = len(pred)
    both = pred_pairs = gold_pairs = 0
    for i, j in combinations(range(n), 2):
        same_pred, same_gold = pred[i] == pred[j], gold[i] == gold[j]
        pred_pairs += same_pred
        gold_pairs += same_gold
        both += same_pred and same_gold
    precision = Fraction(both, pred_pairs) if pred_pairs else Fraction(1)
    recall = Fraction(both, gold_pairs) if gold_pairs else Fraction(1)
    b3_precision = b3_recall = Fraction(0)
    for i in range(n):
        in_pred = {j for j in range(n) if pred[j] == pred[i]}
        in_gold = {j for j in range(n) if gold[j] == gold[i]}
        b3_precision += Fraction(len(in_pred & in_gold), len(in_pred) * n)
        b3_recall += Fraction(len(in_pred & in_gold), len(in_gold) * n)
    if n == 0:
        b3_precision = b3_recall = Fraction(1)
    total = n * (n - 1) // 2
    expected = Fraction(pred_pairs * gold_pairs, total) if total else Fraction(0)
    maximum = Fraction(pred_pairs + gold_pairs, 2)
    ari = (both - expected) / (maximum - expected) if maximum != expected else Fraction(1)
    return [precision, recall, b3_precision, b3_recall], ari


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


labelings = st.integers(min_value=0, max_value=25).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 4), min_size=n, max_size=n),
                        st.lists(st.integers(0, 4), min_size=n, max_size=n)))


@given(labelings)
def test_agrees_with_brute_force_pair_counting(pair: tuple[list[int], list[int]]) -> None:
    """Contingency-table scores equal an O(n²) pair-by-pair reference on random labelings."""
    pred, gold = pair
    (precision, recall, b3_precision, b3_recall), ari = _brute_force(pred, gold)
    assert pairwise_scores(pred, gold) == pytest.approx(
        (float(precision), float(recall), _f1(float(precision), float(recall))))
    assert bcubed_scores(pred, gold) == pytest.approx(
        (float(b3_precision), float(b3_recall), _f1(float(b3_precision), float(b3_recall))))
    assert adjusted_rand_index(pred, gold) == pytest.approx(float(ari), abs=1e-12)


@given(labelings, st.data())
def test_invariant_to_relabeling_and_item_order(pair: tuple[list[int], list[int]],
                                                data: st.DataObject) -> None:
    """Renaming labels injectively or shuffling items leaves every score unchanged."""
    pred, gold = pair
    order = data.draw(st.permutations(range(len(pred))))
    renamed = [f"cluster-{label * 7 + 3}" for label in pred]
    baseline = _all_scores(pred, gold)
    assert _all_scores(renamed, gold) == pytest.approx(baseline)
    assert _all_scores([pred[i] for i in order], [gold[i] for i in order]) == pytest.approx(
        baseline)


@given(labelings)
def test_symmetry_and_ranges(pair: tuple[list[int], list[int]]) -> None:
    """ARI and F1 are symmetric, P/R swap with the sides, P/R/F1 in [0, 1] and ARI ≤ 1."""
    pred, gold = pair
    forward, backward = _all_scores(pred, gold), _all_scores(gold, pred)
    assert forward[6] == pytest.approx(backward[6])
    for first in (0, 3):  # pairwise and B³ (precision, recall, F1)
        precision, recall, f1 = forward[first:first + 3]
        assert (backward[first], backward[first + 1]) == pytest.approx((recall, precision))
        assert backward[first + 2] == pytest.approx(f1)
    assert all(0.0 <= value <= 1.0 for value in forward[:6])
    assert -1.0 <= forward[6] <= 1.0


# ---------------------------------------------------------------- files and the command


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A dedup-style predictions file (story_id, group_id) and a gold file (story)."""
    pred = _write(tmp_path / "pred.jsonl", [
        {"id": item, "group_id": f"g-{item}", "story_id": story, "text": "..."}
        for item, story in zip("abcd", FOUR_PRED, strict=True)])
    gold = _write(tmp_path / "gold.jsonl", [
        {"id": item, "story": story, "event": f"e{n}"}
        for n, (item, story) in enumerate(zip("abcd", FOUR_GOLD, strict=True))])
    return pred, gold


def test_read_labels_reads_ids_and_stringifies(tmp_path: Path) -> None:
    """read_labels maps id → str(label), skipping blank lines, with numeric ids and labels."""
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "event": "1-a", "doc": "x"}\n\n'
                    '{"id": 2, "event": 3, "doc": "y"}\n{"id": "c", "event": 4.5, "doc": "z"}\n',
                    "utf-8")
    assert read_labels(path, "event") == {"a": "1-a", "2": "3", "c": "4.5"}
    assert read_labels(path, "event", id_field="doc") == {"x": "1-a", "y": "3", "z": "4.5"}


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "event": "x"}\n{"id": "b", "event": \n', "gold.jsonl, line 2: invalid JSON"),
    ('{"id": "a", "event": "x"}\n\n["b", "x"]\n', "gold.jsonl, line 3: expected a JSON object"),
    ('{"event": "x", "text": "t"}\n', "line 1: expected a 'id' field, got a record with fields "
                                      "\\['event', 'text'\\]"),
    ('{"id": "a", "topic": "1"}\n', "line 1: expected a 'event' field"),
    ('{"id": "a", "event": null}\n', "line 1: expected 'event' to be a non-empty string or "
                                     "number, got None"),
    ('{"id": "", "event": "x"}\n', "line 1: expected 'id' to be a non-empty"),
    ('{"id": "a", "event": "x"}\n{"id": "a", "event": "y"}\n',
     "line 2: duplicate id 'a' \\(first on line 1\\)"),
    ("[" * 100_000 + "]" * 100_000 + "\n", "line 1: invalid JSON \\(nested too deeply\\)"),
    ('{"id": "a", "event": ' + "7" * 5000 + "}\n", "line 1: invalid JSON \\(Exceeds the limit"),
], ids=["invalid json", "not an object", "missing id", "missing field", "null label",
        "empty id", "duplicate id", "deep nesting", "giant integer"])
def test_read_labels_errors_name_file_and_line(tmp_path: Path, content: str,
                                               message: str) -> None:
    """Malformed records raise InputError naming the file and the line."""
    path = tmp_path / "gold.jsonl"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message):
        read_labels(path, "event")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_labels_refuses_a_fifo_without_waiting(tmp_path: Path) -> None:
    """A named pipe as a labels file is refused at once instead of waiting for a writer."""
    fifo = tmp_path / "gold.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"gold\.jsonl: expected a regular file, but it is a FIFO"):
        read_labels(fifo, "event")


def test_evaluate_files_field_defaults(files: tuple[Path, Path]) -> None:
    """--field story compares the prediction's story_id against the gold's story."""
    pred, gold = files
    scores = evaluate_files(pred, gold, field="story")
    assert (scores.pairwise_precision, scores.pairwise_recall) == pytest.approx((1 / 3, 1 / 2))


def test_evaluate_files_explicit_fields(files: tuple[Path, Path]) -> None:
    """pred_field and gold_field override the defaults (here: singleton groups vs events)."""
    pred, gold = files
    scores = evaluate_files(pred, gold, field="group", gold_field="event")
    assert (scores.n_predicted_clusters, scores.n_gold_clusters, scores.ari) == (4, 4, 1.0)
    scores = evaluate_files(pred, gold, field="story", pred_field="group_id")
    assert scores.pairwise_precision == 1.0
    assert scores.pairwise_recall == 0.0


def test_main_eval_prints_table(files: tuple[Path, Path],
                                capsys: pytest.CaptureFixture[str]) -> None:
    """newsdedup eval prints the score table with the fields compared and exits 0."""
    pred, gold = files
    assert main_eval([str(pred), str(gold), "--field", "story"]) == 0
    out, err = capsys.readouterr()
    assert f"{pred} [story_id] vs {gold} [story]" in out
    assert "pairwise      0.3333  0.5000  0.4000" in out
    assert err == ""


def test_main_eval_json(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the scores as a JSON object and exits 0."""
    pred, gold = files
    assert main_eval([str(pred), str(gold), "--gold-field", "story", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["n_items"] == 4
    assert scores["bcubed_f1"] == pytest.approx(12 / 17)


@pytest.mark.parametrize(("arguments", "message"), [
    (["{pred}"], "the following arguments are required: GOLD.jsonl"),
    (["{pred}", "{gold}", "--bogus"], "unrecognized arguments: --bogus"),
    (["{pred}", "{tmp}/absent.jsonl"], "No such file or directory"),
    (["{pred}", "{gold}", "--pred-field", "title"], "pred.jsonl, line 1: expected a 'title'"),
    (["{gold}", "{pred}", "--field", "story"], "pred.jsonl, line 1: expected a 'story' field"),
], ids=["missing argument", "unknown option", "missing file", "missing field",
        "gold without field"])
def test_main_eval_errors(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
                          arguments: list[str], message: str) -> None:
    """Errors print one 'newsdedup eval: error:' line to stderr and return 2."""
    pred, gold = files
    argv = [a.format(pred=pred, gold=gold, tmp=pred.parent) for a in arguments]
    assert main_eval(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("newsdedup eval: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_main_eval_missing_items(files: tuple[Path, Path], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Gold items absent from the predictions are a one-line error naming them, exit 2."""
    _, gold = files
    partial = _write(tmp_path / "partial.jsonl", [{"id": "a", "story_id": "s"}])
    assert main_eval([str(partial), str(gold)]) == 2
    assert "3 of 4 gold items have no predicted label: 'b', 'c', 'd'" in capsys.readouterr().err


# ---------------------------------------------------------------- real data


def test_ecbplus_events_nest_in_topics() -> None:
    """On ECB+, events nest in topics: topics predicted for event gold have recall 1, P < 1."""
    events = read_labels(ECBPLUS, "event")
    topics = read_labels(ECBPLUS, "topic")
    # Every pair of documents on one event is on one topic, not the other way round.
    coarse = score_clustering(predicted=topics, gold=events)
    assert coarse.pairwise_recall == 1.0
    assert coarse.bcubed_recall == 1.0
    assert coarse.pairwise_precision < 1.0
    fine = score_clustering(predicted=events, gold=topics)
    assert fine.pairwise_precision == 1.0
    assert fine.pairwise_recall < 1.0
    assert fine.ari == pytest.approx(coarse.ari)  # ARI is symmetric
    assert 0.0 < fine.ari < 1.0
    assert fine.n_items == len(topics) == 413
    assert fine.n_predicted_clusters > fine.n_gold_clusters > 1
    assert score_clustering(topics, topics).ari == 1.0
    assert score_clustering(events, events).ari == 1.0


def test_ecbplus_evaluate_files_falls_back_to_plain_field() -> None:
    """Without a topic_id field in the predictions, --field topic reads the plain 'topic'."""
    scores = evaluate_files(ECBPLUS, ECBPLUS, field="topic", gold_field="event")
    assert (scores.n_predicted_clusters, scores.n_gold_clusters) == (18, 36)
    assert scores.pairwise_recall == 1.0
    assert scores.bcubed_precision < 1.0
