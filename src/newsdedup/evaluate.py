"""Score predicted duplicate groups or stories against gold cluster labels.

Three families of scores compare two partitions of the same items:

* **pairwise** precision/recall/F1 over the pairs of items put in the same cluster;
* **B³** (B-cubed, Bagga & Baldwin 1998) precision/recall/F1, averaged over items;
* the **adjusted Rand index** (ARI, Hubert & Arabie 1985), 0 for chance, 1 for identical.

All three are computed from one contingency table (how many items each predicted cluster
shares with each gold cluster), built with numpy in O(n log n), so a million items take a
second, not the O(n²) of enumerating pairs.

Conventions for degenerate inputs, chosen so that a perfect prediction always scores 1.0:

* pairwise precision is 1.0 when no pair is predicted (nothing claimed, nothing wrong), and
  pairwise recall is 1.0 when the gold has no pairs (nothing to find);
* F1 (pairwise or B³) is 0.0 when precision and recall are both 0;
* ARI is 1.0 when its denominator vanishes, which happens exactly when both partitions are
  all singletons, both a single cluster, or there are fewer than two items: in every such case
  the partitions are identical (scikit-learn's ``adjusted_rand_score`` agrees);
* empty label sequences score 1.0 everywhere, but :func:`score_clustering` refuses an empty
  gold, which is nearly always a wrong file or field.

>>> scores = score_clustering({"a": 1, "b": 1, "c": 1, "d": 2},
...                           {"a": "x", "b": "x", "c": "y", "d": "y"})
>>> round(scores.pairwise_precision, 4), scores.pairwise_recall, scores.ari
(0.3333, 0.5, 0.0)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, NoReturn

import attrs
import numpy as np
import numpy.typing as npt

from ._core.errors import InputError
from ._text.loaders import open_regular

__all__ = [
    "ClusterScores",
    "adjusted_rand_index",
    "bcubed_scores",
    "evaluate_files",
    "format_scores",
    "main_eval",
    "pairwise_scores",
    "read_labels",
    "score_clustering",
]

Labels = Sequence[Hashable] | npt.NDArray[Any]
"""A sequence of cluster labels, one per item: any hashable values, or a numpy array."""

_Codes = npt.NDArray[np.int64]
_SHOWN_MISSING = 5

_unit = [attrs.validators.instance_of((int, float)), attrs.validators.ge(0.0),
         attrs.validators.le(1.0)]
_count = [attrs.validators.instance_of(int), attrs.validators.ge(0)]


@attrs.frozen(slots=True)
class ClusterScores:
    """How well a predicted clustering matches the gold one; see :func:`score_clustering`.

    Precision, recall and F1 are in [0, 1]; ``ari`` is at most 1 (0 is chance level and it
    can be negative). ``n_predicted_clusters`` counts the predicted clusters among the scored
    items only; ``n_ignored`` (default 0) is the number of predicted items absent from gold.

    >>> scores = score_clustering({"a": 1, "b": 1}, {"a": "x", "b": "x"})
    >>> scores.pairwise_f1, scores.bcubed_f1, scores.ari, scores.n_items
    (1.0, 1.0, 1.0, 2)
    """

    pairwise_precision: float = attrs.field(validator=_unit)
    pairwise_recall: float = attrs.field(validator=_unit)
    pairwise_f1: float = attrs.field(validator=_unit)
    bcubed_precision: float = attrs.field(validator=_unit)
    bcubed_recall: float = attrs.field(validator=_unit)
    bcubed_f1: float = attrs.field(validator=_unit)
    ari: float = attrs.field(validator=[attrs.validators.instance_of((int, float)),
                                        attrs.validators.ge(-1.0), attrs.validators.le(1.0)])
    n_items: int = attrs.field(validator=_count)
    n_predicted_clusters: int = attrs.field(validator=_count)
    n_gold_clusters: int = attrs.field(validator=_count)
    n_ignored: int = attrs.field(default=0, validator=_count)

    def as_dict(self) -> dict[str, float | int]:
        """The scores as a plain dict (field name → value), ready for JSON.

        >>> score_clustering({"a": 1}, {"a": 2}).as_dict()["n_items"]
        1
        """
        return attrs.asdict(self)


@attrs.frozen(slots=True)
class _Contingency:
    """The non-empty cells of the predicted × gold contingency table.

    ``cells[k]`` items share a predicted cluster of ``cell_pred_sizes[k]`` items and a gold
    cluster of ``cell_gold_sizes[k]`` items; ``pred_sizes``/``gold_sizes`` are all the cluster
    sizes (the table's margins).
    """

    cells: npt.NDArray[np.int64]
    cell_pred_sizes: npt.NDArray[np.int64]
    cell_gold_sizes: npt.NDArray[np.int64]
    pred_sizes: npt.NDArray[np.int64]
    gold_sizes: npt.NDArray[np.int64]
    n_items: int


def _codes(labels: Labels, name: str) -> _Codes:
    """Map labels to integer codes 0..k-1 (equal labels, equal codes)."""
    if isinstance(labels, np.ndarray):
        if labels.ndim != 1:
            raise InputError(f"{name} labels: expected a 1-D array, got shape {labels.shape}")
        if labels.dtype.kind in "biufUSM":
            _, inverse = np.unique(labels, return_inverse=True)
            return inverse.astype(np.int64).reshape(-1)
    index: dict[Hashable, int] = {}
    try:
        # Insertion-order codes: a dict handles labels numpy cannot sort (mixed types, tuples).
        return np.fromiter((index.setdefault(label, len(index)) for label in labels),
                           dtype=np.int64, count=len(labels))
    except TypeError:
        for position, label in enumerate(labels):
            if not isinstance(label, Hashable):
                raise InputError(f"{name} label at position {position}: expected a hashable "
                                 f"cluster label, got {label!r}") from None
        raise


def _contingency(pred_labels: Labels, gold_labels: Labels) -> _Contingency:
    if len(pred_labels) != len(gold_labels):
        raise InputError(f"expected label sequences of equal length, got {len(pred_labels)} "
                         f"predicted and {len(gold_labels)} gold labels")
    pred = _codes(pred_labels, "predicted")
    gold = _codes(gold_labels, "gold")
    n_gold = int(gold.max()) + 1 if gold.size else 1
    cell_keys, cells = np.unique(pred * n_gold + gold, return_counts=True)
    pred_sizes = np.bincount(pred).astype(np.int64)
    gold_sizes = np.bincount(gold).astype(np.int64)
    return _Contingency(cells=cells.astype(np.int64),
                        cell_pred_sizes=pred_sizes[cell_keys // n_gold],
                        cell_gold_sizes=gold_sizes[cell_keys % n_gold],
                        pred_sizes=pred_sizes, gold_sizes=gold_sizes, n_items=int(pred.size))


def _pairs(sizes: npt.NDArray[np.int64]) -> int:
    """Number of unordered pairs inside clusters of these sizes, as an exact Python int."""
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2.0 * precision * recall / total if total > 0 else 0.0


def _pairwise(table: _Contingency) -> tuple[float, float, float]:
    together_in_both = _pairs(table.cells)
    predicted_pairs, gold_pairs = _pairs(table.pred_sizes), _pairs(table.gold_sizes)
    precision = together_in_both / predicted_pairs if predicted_pairs else 1.0
    recall = together_in_both / gold_pairs if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def _bcubed(table: _Contingency) -> tuple[float, float, float]:
    if table.n_items == 0:
        return 1.0, 1.0, 1.0
    # Each of the n_ij items of a cell has n_ij / |pred cluster| precision: sum n_ij² / |pred|.
    squares = table.cells.astype(np.float64) ** 2
    precision = float((squares / table.cell_pred_sizes).sum()) / table.n_items
    recall = float((squares / table.cell_gold_sizes).sum()) / table.n_items
    return precision, recall, _f1(precision, recall)


def _ari(table: _Contingency) -> float:
    # Pair confusion counts as exact Python ints: products overflow int64 beyond ~3M items.
    both = _pairs(table.cells)
    pred_only = _pairs(table.pred_sizes) - both
    gold_only = _pairs(table.gold_sizes) - both
    neither = table.n_items * (table.n_items - 1) // 2 - both - pred_only - gold_only
    denominator = ((both + gold_only) * (gold_only + neither)
                   + (both + pred_only) * (pred_only + neither))
    if denominator == 0:
        return 1.0
    return 2 * (both * neither - gold_only * pred_only) / denominator


def pairwise_scores(pred_labels: Labels, gold_labels: Labels) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1) of ``pred_labels`` against ``gold_labels``.

    Precision is the share of predicted same-cluster pairs that are also together in gold;
    recall the share of gold pairs that were predicted. With no predicted pairs precision is
    1.0, with no gold pairs recall is 1.0. Label values only matter through equality.

    >>> pairwise_scores(["p", "p", "p", "q"], ["x", "x", "y", "y"])  # pairs ab, ac, bc / ab, cd
    (0.3333333333333333, 0.5, 0.4)
    """
    return _pairwise(_contingency(pred_labels, gold_labels))


def bcubed_scores(pred_labels: Labels, gold_labels: Labels) -> tuple[float, float, float]:
    """B³ (precision, recall, F1): per-item overlap of its predicted and gold clusters.

    For each item, precision is |pred ∩ gold| / |pred| of its two clusters and recall is
    |pred ∩ gold| / |gold|; both are averaged over items and F1 is their harmonic mean.

    >>> bcubed_scores(["p", "p", "p", "q"], ["x", "x", "y", "y"])  # P = (2/3+2/3+1/3+1)/4
    (0.6666666666666666, 0.75, 0.7058823529411765)
    """
    return _bcubed(_contingency(pred_labels, gold_labels))


def adjusted_rand_index(pred_labels: Labels, gold_labels: Labels) -> float:
    """Adjusted Rand index of two labelings: 1.0 identical, about 0.0 for random ones.

    Symmetric in its arguments. Returns 1.0 for the degenerate cases where the index is 0/0
    (both all singletons, both one cluster, fewer than two items), as scikit-learn does.

    >>> adjusted_rand_index([1, 1, 2, 2], ["b", "b", "a", "a"])
    1.0
    >>> adjusted_rand_index(["p", "p", "p", "q"], ["x", "x", "y", "y"])
    0.0
    """
    return _ari(_contingency(pred_labels, gold_labels))


def score_clustering(predicted: Mapping[str, Hashable],
                     gold: Mapping[str, Hashable]) -> ClusterScores:
    """Score a predicted clustering (item id → label) against the gold one.

    The items scored are those of ``gold``; each must have a predicted label, else
    :class:`~newsdedup.InputError` names the first few missing ids. Predicted items absent from
    gold are ignored and counted in ``n_ignored``.

    >>> scores = score_clustering({"a": 1, "b": 1, "c": 2, "extra": 3},
    ...                           {"a": "x", "b": "x", "c": "y"})
    >>> scores.pairwise_f1, scores.ari, scores.n_items, scores.n_ignored
    (1.0, 1.0, 3, 1)
    """
    if not gold:
        raise InputError("expected at least one gold item to score, got an empty gold mapping")
    try:
        pred_labels = [predicted[item] for item in gold]
    except KeyError:
        missing = [item for item in gold if item not in predicted]
        shown = ", ".join(repr(item) for item in missing[:_SHOWN_MISSING])
        more = f" and {len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
        raise InputError(f"{len(missing)} of {len(gold)} gold items have no predicted label: "
                         f"{shown}{more}") from None
    table = _contingency(pred_labels, list(gold.values()))
    pairwise = _pairwise(table)
    bcubed = _bcubed(table)
    return ClusterScores(
        pairwise_precision=pairwise[0], pairwise_recall=pairwise[1], pairwise_f1=pairwise[2],
        bcubed_precision=bcubed[0], bcubed_recall=bcubed[1], bcubed_f1=bcubed[2],
        ari=_ari(table), n_items=len(gold), n_predicted_clusters=int(table.pred_sizes.size),
        n_gold_clusters=int(table.gold_sizes.size), n_ignored=len(predicted) - len(gold))


def _fields_of(record: Mapping[str, Any]) -> str:
    names = sorted(record)
    return repr(names[:8])[:-1] + (", ...]" if len(names) > 8 else "]")


def read_labels(path: str | os.PathLike[str], field: str, id_field: str = "id") -> dict[str, str]:
    """Read a JSONL file into item id → ``str(record[field])``.

    Blank lines are skipped. :class:`~newsdedup.InputError` names the file and line of a
    record that is not a JSON object, lacks ``id_field`` or ``field`` (or has them null), or
    repeats an id. Ids and labels may be strings or numbers; both are read as strings.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> _ = path.write_text('{"id": "a", "event": "1-a"}\\n{"id": 7, "event": 2}\\n')
    >>> read_labels(path, "event")
    {'a': '1-a', '7': '2'}
    """
    labels: dict[str, str] = {}
    first_line: dict[str, int] = {}
    with io.TextIOWrapper(open_regular(path), encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{os.fspath(path)}, line {line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{where}: invalid JSON ({error.msg} at column "
                                 f"{error.colno})") from None
            except RecursionError:
                raise InputError(f"{where}: invalid JSON (nested too deeply)") from None
            except ValueError as error:  # e.g. an integer of more than 4,300 digits
                raise InputError(f"{where}: invalid JSON ({error})") from None
            if not isinstance(record, dict):
                raise InputError(f"{where}: expected a JSON object, got "
                                 f"{type(record).__name__}")
            item = _scalar(record, id_field, where)
            if item in labels:
                raise InputError(f"{where}: duplicate {id_field} {item!r} "
                                 f"(first on line {first_line[item]})")
            labels[item] = _scalar(record, field, where)
            first_line[item] = line_number
    return labels


def _scalar(record: dict[str, Any], name: str, where: str) -> str:
    value = record.get(name)
    if name not in record:
        raise InputError(f"{where}: expected a {name!r} field, got a record with fields "
                         f"{_fields_of(record)}")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        raise InputError(f"{where}: expected {name!r} to be a non-empty string or number, "
                         f"got {value!r}")
    return str(value)


def _default_pred_field(pred_path: str | os.PathLike[str], field: str) -> str:
    """``f"{field}_id"`` if the first record of ``pred_path`` has it, else ``field``."""
    with io.TextIOWrapper(open_regular(pred_path), encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError):
                    break  # read_labels reports it with its line number
                if isinstance(record, dict) and f"{field}_id" in record:
                    return f"{field}_id"
                break
    return field


def evaluate_files(pred_path: str | os.PathLike[str], gold_path: str | os.PathLike[str],
                   field: str = "story", pred_field: str | None = None,
                   gold_field: str | None = None) -> ClusterScores:
    """Score the labels of a predictions JSONL file against a gold JSONL file.

    Records are matched on ``id``. The gold label is ``gold_field`` (default ``field``). The
    predicted label is ``pred_field``; by default ``f"{field}_id"`` if the first prediction
    record has it (``newsdedup dedup`` writes ``group_id`` and ``story_id``), else ``field``.
    So ``field="story"`` compares the predicted ``story_id`` with the gold ``story``, and
    ``field="story", gold_field="event"`` compares it with the gold ``event``.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pred.jsonl").write_text('{"id": "a", "story_id": "s1"}\\n'
    ...                                        '{"id": "b", "story_id": "s1"}\\n')
    >>> _ = (folder / "gold.jsonl").write_text('{"id": "a", "story": 4}\\n'
    ...                                        '{"id": "b", "story": 4}\\n')
    >>> evaluate_files(folder / "pred.jsonl", folder / "gold.jsonl").pairwise_f1
    1.0
    """
    if pred_field is None:
        pred_field = _default_pred_field(pred_path, field)
    predicted = read_labels(pred_path, pred_field)
    gold = read_labels(gold_path, field if gold_field is None else gold_field)
    return score_clustering(predicted, gold)


def format_scores(scores: ClusterScores, title: str = "") -> str:
    """A small text table of the scores, under an optional title line.

    >>> print(format_scores(score_clustering({"a": 1, "b": 1, "c": 2}, {"a": 1, "b": 2, "c": 2})))
    3 items: 2 predicted clusters, 2 gold clusters
    metric     precision  recall      F1
    pairwise      0.0000  0.0000  0.0000
    B-cubed       0.6667  0.6667  0.6667
    ARI          -0.5000
    """
    counts = (f"{scores.n_items} items: {scores.n_predicted_clusters} predicted clusters, "
              f"{scores.n_gold_clusters} gold clusters")
    if scores.n_ignored:
        counts += f" ({scores.n_ignored} predicted items not in gold, ignored)"
    lines = [title] if title else []
    lines += [
        counts,
        f"{'metric':<9}{'precision':>11}{'recall':>8}{'F1':>8}",
        f"{'pairwise':<9}{scores.pairwise_precision:>11.4f}{scores.pairwise_recall:>8.4f}"
        f"{scores.pairwise_f1:>8.4f}",
        f"{'B-cubed':<9}{scores.bcubed_precision:>11.4f}{scores.bcubed_recall:>8.4f}"
        f"{scores.bcubed_f1:>8.4f}",
        f"{'ARI':<9}{scores.ari:>11.4f}",
    ]
    return "\n".join(lines)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one stderr line and exit code 2, not exit()
        raise _UsageError(f"{message} (see newsdedup eval --help)")


def _eval_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsdedup eval",
                     description="Score predicted groups/stories against gold cluster labels "
                                 "(pairwise and B-cubed precision/recall/F1, adjusted Rand).")
    parser.add_argument("pred", metavar="PRED.jsonl", help="predictions, e.g. newsdedup dedup -o")
    parser.add_argument("gold", metavar="GOLD.jsonl", help="gold labels (id and label fields)")
    parser.add_argument("--field", default="story",
                        help="label to compare (default story): the prediction's FIELD_id if "
                             "present, else FIELD, against the gold's FIELD")
    parser.add_argument("--pred-field", help="prediction field to read instead")
    parser.add_argument("--gold-field", help="gold field to read instead of FIELD")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    return parser


def main_eval(argv: Sequence[str] | None = None) -> int:
    """The ``newsdedup eval`` command: print the scores and return the exit code.

    Errors (bad arguments, unreadable or malformed files, unlabelled gold items) print one
    ``newsdedup eval: error: ...`` line to stderr and return 2.

    >>> main_eval(["missing-pred.jsonl", "missing-gold.jsonl"])
    2
    """
    try:
        args = _eval_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
        pred_field = args.pred_field or _default_pred_field(args.pred, args.field)
        gold_field = args.gold_field or args.field
        scores = evaluate_files(args.pred, args.gold, args.field, pred_field, gold_field)
    except (_UsageError, InputError, OSError, UnicodeDecodeError) as error:
        print(f"newsdedup eval: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scores.as_dict(), indent=2))
    else:
        print(format_scores(scores, f"{args.pred} [{pred_field}] vs {args.gold} [{gold_field}]"))
    return 0
