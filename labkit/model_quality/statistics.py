"""The model-quality ``statistics.json``: metric values and their standard deviations.

A baseline job and every monitoring execution write this file (AWS page "Model quality metrics
and Amazon CloudWatch monitoring"). Layout: ``version``, ``dataset.item_count`` and one block per
problem type (``binary_classification_metrics`` …) holding ``{value, standard_deviation}`` per
metric, plus the confusion matrix and, for binary problems, the ROC and precision-recall curves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json, write_json
from labkit.model_quality import metrics as m
from labkit.model_quality.inputs import (
    DEFAULT_POSITIVE_LABEL,
    DEFAULT_PROBABILITY_THRESHOLD,
    ModelQualityInputs,
    check_problem_type,
    class_key,
)

__all__ = ["METRICS_KEYS", "STATISTICS_FILE", "Statistics", "compute_statistics"]

STATISTICS_FILE = "statistics.json"
METRICS_KEYS = {
    "BinaryClassification": "binary_classification_metrics",
    "MulticlassClassification": "multiclass_classification_metrics",
    "Regression": "regression_metrics",
}
NAN = (
    "NaN"  # how the file spells an unavailable number (docs example: "standard_deviation" : "NaN")
)
# Standard deviation "only when at least 200 samples are available ... randomly sampling 80% of
# the data 5 times" (model-monitor-model-quality-metrics).
STD_MIN_ITEMS = 200
STD_SUBSAMPLES = 5
STD_SUBSAMPLE_FRACTION = 0.8
STD_DDOF = 1  # [U] reference: operations.md §5.1 — sample standard deviation of the 5 results


@dataclass(frozen=True)
class Statistics:
    """One ``statistics.json``: ``metrics`` is the problem type's block exactly as written.

    ``notes`` (not part of the file) explain every undefined metric and missing deviation.
    """

    problem_type: str
    item_count: int
    metrics: dict[str, Any]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 0.0,
            "dataset": {"item_count": self.item_count},
            METRICS_KEYS[self.problem_type]: self.metrics,
        }

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/statistics.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / STATISTICS_FILE)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str | Path | None = None) -> Statistics:
        found = [p for p, key in METRICS_KEYS.items() if isinstance(data, dict) and key in data]
        if len(found) != 1:
            raise LabkitInputError(
                f"expected exactly one of {', '.join(METRICS_KEYS.values())}", path=path
            )
        key = METRICS_KEYS[found[0]]
        dataset = data.get("dataset")
        item_count = dataset.get("item_count") if isinstance(dataset, dict) else None
        if isinstance(item_count, bool) or not isinstance(item_count, int) or item_count < 0:
            raise LabkitInputError(
                f"dataset.item_count: expected a whole number of rows, found {item_count!r}",
                path=path,
            )
        block = data[key]
        if not isinstance(block, dict):
            raise LabkitInputError(f"{key}: expected an object, found {block!r}", path=path)
        for name, entry in block.items():
            if isinstance(entry, dict) and "value" in entry:
                for field_name in ("value", "standard_deviation"):
                    _check_number(entry.get(field_name), f"{key}.{name}.{field_name}", path)
        return cls(found[0], item_count, block)

    @classmethod
    def from_json(cls, path: str | Path) -> Statistics:
        """Read a model-quality ``statistics.json`` (a path to the file or its directory)."""
        path = Path(path)
        path = path / STATISTICS_FILE if path.is_dir() else path
        return cls.from_dict(read_json(path), path=path)

    def value(self, metric: str) -> float:
        """The metric's value as a float (``nan`` when the file says "NaN")."""
        return _number(self.metrics[metric]["value"])

    def standard_deviation(self, metric: str) -> float:
        return _number(self.metrics[metric]["standard_deviation"])

    def scalar_metrics(self) -> dict[str, float]:
        """``{name: value}`` for every ``{value, standard_deviation}`` metric, in file order."""
        return {
            k: _number(v["value"])
            for k, v in self.metrics.items()
            if isinstance(v, dict) and "value" in v
        }

    def undefined_metrics(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.scalar_metrics().items() if math.isnan(v))

    def confusion_matrix(self) -> pd.DataFrame | None:
        """Rows = actual class, columns = predicted class (``None`` for regression)."""
        matrix = self.metrics.get("confusion_matrix")
        if matrix is None:
            return None
        frame = pd.DataFrame.from_dict(matrix, orient="index").fillna(0).astype(int)
        return frame.rename_axis(index="actual", columns="predicted")

    def to_frame(self) -> pd.DataFrame:
        """One row per scalar metric: ``metric``, ``value``, ``standard_deviation``."""
        rows = [(k, self.value(k), self.standard_deviation(k)) for k in self.scalar_metrics()]
        return pd.DataFrame(rows, columns=["metric", "value", "standard_deviation"])


def compute_statistics(
    df: pd.DataFrame,
    *,
    problem_type: str,
    label: str,
    prediction: str | None = None,
    probability: str | None = None,
    probability_threshold: float = DEFAULT_PROBABILITY_THRESHOLD,
    positive_label: object = DEFAULT_POSITIVE_LABEL,
    seed: int = 0,
    path: str | Path | None = None,
) -> Statistics:
    """Compute the ``statistics.json`` of ``df`` (merged rows: label, prediction, [probability]).

    Parameters
    ----------
    problem_type : "BinaryClassification", "MulticlassClassification" or "Regression".
    label, prediction, probability : column names (the service's ground_truth_attribute,
        inference_attribute and probability_attribute). A binary problem may give only
        ``probability``; the predicted class is then ``probability > probability_threshold``.
    positive_label : the positive class of a binary problem.
    seed : drives the 5 subsamples behind each standard deviation.
    path : the file ``df`` was read from; only names the file in errors.
    """
    cols = ModelQualityInputs.from_frame(
        df,
        problem_type=check_problem_type(problem_type),
        label=label,
        prediction=prediction,
        probability=probability,
        threshold=probability_threshold,
        positive_label=positive_label,
        path=path,
    )
    # Regression values near the double limit (e.g. ±1e308) overflow mse or the variance behind
    # r2; the file cannot hold the inf, so the column is refused here instead of numpy warning
    # and write_json failing later.
    curves = None
    if problem_type == "BinaryClassification":
        curves = m.binary_curves(cols.labels, cols.scores, positive_label=cols.positive)
    try:
        with np.errstate(over="raise"):
            values = _scalar_metrics(cols, curves)
            deviations = _standard_deviations(cols, seed, list(values))
    except FloatingPointError:
        raise _overflow(cols, label, prediction, path) from None
    block: dict[str, Any] = {}
    if problem_type != "Regression":
        counts = m.confusion_counts(cols.labels, cols.predictions, cols.classes)
        keys = [class_key(c) for c in cols.classes]
        block["confusion_matrix"] = {
            a: {p: int(counts[i, j]) for j, p in enumerate(keys)} for i, a in enumerate(keys)
        }
    for name, value in values.items():
        if name == "auc":
            block["receiver_operating_characteristic_curve"], block["precision_recall_curve"] = curves[:2]
        block[name] = {"value": _spelled(value), "standard_deviation": deviations[name]}
    return Statistics(problem_type, len(cols.labels), block, _notes(cols, values, probability))


def _overflow(
    cols: ModelQualityInputs, label: str, prediction: str | None, path: str | Path | None
) -> LabkitInputError:
    """The error for metrics that overflow a double, naming the column with the largest value."""
    largest = {
        column: float(np.max(np.abs(values)))
        for column, values in ((label, cols.labels), (prediction, cols.predictions))
        if column is not None and values.dtype != object
    }
    column = max(largest, key=largest.get) if largest else label
    return LabkitInputError(
        "values too large for the metrics: mse or r2 overflows a double"
        + (f" (largest magnitude {largest[column]:g})" if column in largest else ""),
        path=path,
        column=column,
    )


def _scalar_metrics(cols: ModelQualityInputs, curves: tuple | None = None) -> dict[str, float]:
    """Every ``{value, standard_deviation}`` metric of the problem type, in file order.

    ``curves``: ``binary_curves`` of these rows when already computed (binary problems)."""
    if cols.problem_type == "Regression":
        return m.regression_metrics(cols.labels, cols.predictions)
    binary = cols.problem_type == "BinaryClassification"
    constant_class = m.best_constant_prediction(
        cols.labels, binary=binary, positive_label=cols.positive
    )
    constant = np.full(len(cols.labels), constant_class, dtype=cols.labels.dtype)
    if not binary:
        model = m.multiclass_metrics(cols.labels, cols.predictions, cols.classes)
        best = m.multiclass_metrics(cols.labels, constant, cols.classes)
        return {
            name: (
                model.get(name)
                if name in model
                else best[name.removesuffix("_best_constant_classifier")]
            )
            for name in m.MULTICLASS_METRICS
        }
    model = m.binary_metrics(cols.labels, cols.predictions, positive_label=cols.positive)
    best = m.binary_metrics(cols.labels, constant, positive_label=cols.positive)
    if curves is None:
        curves = m.binary_curves(cols.labels, cols.scores, positive_label=cols.positive)
    _, _, model["auc"], model["au_prc"] = curves
    return {
        name: (
            model.get(name)
            if name in model
            else best[name.removesuffix("_best_constant_classifier")]
        )
        for name in m.BINARY_METRICS
    }


def _subsample_indices(n: int, rng: np.random.Generator) -> np.ndarray:
    # [U] reference: operations.md §5.1 — without replacement, floor(80 % of n) rows.
    return rng.choice(n, size=int(n * STD_SUBSAMPLE_FRACTION), replace=False)


def _standard_deviations(cols: ModelQualityInputs, seed: int, names: list[str]) -> dict[str, float | str]:
    """Each metric's standard deviation over the service's subsamples (``names``: the metrics)."""
    n = len(cols.labels)
    if n < STD_MIN_ITEMS:
        return dict.fromkeys(names, NAN)
    rng = np.random.default_rng(seed)
    runs = [_scalar_metrics(cols.take(_subsample_indices(n, rng))) for _ in range(STD_SUBSAMPLES)]
    out: dict[str, float | str] = {}
    for name in names:
        values = np.array([run[name] for run in runs], dtype=float)
        out[name] = NAN if np.isnan(values).any() else float(np.std(values, ddof=STD_DDOF))
    return out


def _notes(
    cols: ModelQualityInputs, values: dict[str, float], probability: str | None
) -> tuple[str, ...]:
    notes = []
    for name, value in values.items():
        if math.isnan(value):
            base = name.removesuffix("_best_constant_classifier")
            reason = m.UNDEFINED_REASONS.get(name) or m.UNDEFINED_REASONS.get(
                base, "no row is positive in either the labels or the predictions"
            )
            notes.append(f'{name} is undefined ("NaN"): {reason}')
    if len(cols.labels) < STD_MIN_ITEMS:
        notes.append(
            f'standard deviations are "NaN": {len(cols.labels)} rows, '
            f"the service needs at least {STD_MIN_ITEMS}"
        )
    if probability is not None and cols.scores is not None:
        note = _probability_note(cols.scores, probability)
        if note is not None:
            notes.append(note)
    if cols.problem_type == "BinaryClassification" and probability is None:
        notes.append(
            "no probability column: auc, au_prc and the curves use the predicted class as the score"
        )
    return tuple(notes)


def _check_number(value: Any, where: str, path: str | Path | None) -> None:
    """A metric field holds a number or the file's "NaN"; anything else is refused by JSON path."""
    if value == NAN:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabkitInputError(f'{where}: expected a number or "NaN", found {value!r}', path=path)


def _probability_note(scores: np.ndarray, probability: str) -> str | None:
    """Name the probabilities outside [0, 1]; the metrics still rank them as scores.

    [U] reference: operations.md §5.1 — AWS documents no check on probability_attribute
    values, so the twin keeps computing (auc and the curves only rank the scores; a row is
    predicted positive when its score is above the threshold) and says so in the report.
    """
    outside = (scores < 0.0) | (scores > 1.0)
    if not outside.any():
        return None
    first = int(outside.nonzero()[0][0])
    return (
        f"column {probability!r}: {int(outside.sum())} of {len(scores)} values lie outside "
        f"[0, 1] (first {float(scores[first])!r} at data row {first + 1}); they are used as "
        "scores as given"
    )


def _spelled(value: float) -> float | str:
    return NAN if math.isnan(value) else float(value)


def _number(value: float | str) -> float:
    return float("nan") if value == NAN else float(value)
