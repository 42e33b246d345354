"""The columns a model-quality job reads, validated: label, prediction and probability.

The service names them ``ground_truth_attribute``, ``inference_attribute`` and
``probability_attribute``; ``probability_threshold_attribute`` turns a probability into a class
(SDK ``ModelQualityMonitor.suggest_baseline``). Errors name the column and the data row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError

__all__ = [
    "DEFAULT_POSITIVE_LABEL",
    "DEFAULT_PROBABILITY_THRESHOLD",
    "PROBLEM_TYPES",
    "ModelQualityInputs",
    "check_probability_threshold",
    "check_problem_type",
    "class_key",
    "predicted_from_probability",
]

PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")  # ProblemType
DEFAULT_PROBABILITY_THRESHOLD = 0.5  # the SDK example's probability_threshold_attribute
DEFAULT_POSITIVE_LABEL = 1


def check_problem_type(problem_type: str) -> str:
    """Return ``problem_type`` or raise naming the three the service accepts."""
    if problem_type not in PROBLEM_TYPES:
        raise LabkitInputError(
            f"unknown problem type {problem_type!r}; expected one of {', '.join(PROBLEM_TYPES)}"
        )
    return problem_type


def check_probability_threshold(threshold: float) -> float:
    """Return ``threshold`` as a float, or raise: a probability threshold lies in [0, 1].

    Outside that range (or NaN) every row would get the same predicted class without a word.
    """
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise LabkitInputError(
            f"probability threshold must be a number from 0 to 1, found {threshold!r}"
        )
    return value


def predicted_from_probability(probability: np.ndarray, threshold: float) -> np.ndarray:
    """True where a row counts as predicted positive.

    # [U] reference: operations.md §5.1 — strictly greater: the AWS model-quality example
    # notebook (model_quality_churn_sdk) writes `prediction = "1" if probability > churn_cutoff`.
    """
    return probability > threshold


def class_key(value: object) -> str:
    """A class as a confusion-matrix key: ``1.0`` → ``"1"`` (as in the docs example), text as is."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class ModelQualityInputs:
    """Validated label, prediction and score arrays for one problem type.

    Classes are compared as numbers when every value is numeric (1, 1.0 and "1" are one class),
    else as text. ``take`` gives a subsample that keeps the class list.
    """

    problem_type: str
    labels: np.ndarray
    predictions: np.ndarray
    scores: np.ndarray | None
    classes: list
    positive: object

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        problem_type: str,
        label: str,
        prediction: str | None,
        probability: str | None,
        threshold: float,
        positive_label: object,
        path: str | Path | None = None,
    ) -> ModelQualityInputs:
        """Check the columns (present, complete, usable for ``problem_type``) and convert them.

        ``path`` (the file ``df`` was read from) only names the file in errors.
        """
        threshold = check_probability_threshold(threshold)
        if prediction is None and not (
            problem_type == "BinaryClassification" and probability is not None
        ):
            needs = (
                "a prediction column, or a probability column"
                if problem_type == "BinaryClassification"
                else "a prediction column"
            )
            raise LabkitInputError(f"{problem_type} needs {needs}")
        used = [c for c in (label, prediction, probability) if c is not None]
        missing = [c for c in used if c not in df.columns]
        if missing:
            have = ", ".join(map(str, df.columns)) or "none"
            raise LabkitInputError(
                f"no such column (columns are: {have})", path=path, column=missing[0]
            )
        if len(df) == 0:
            raise LabkitInputError(
                "no rows to analyse: the data is empty (a merged row needs its ground-truth label)",
                path=path,
            )
        series = {column: df[column] for column in used}  # each column read once
        for column in used:
            _check_complete(series[column], path)
        scores = None if probability is None else _finite(series[probability], path)
        if problem_type == "Regression":
            labels, predictions = _finite(series[label], path), _finite(series[prediction], path)
            return cls(problem_type, labels, predictions, None, [], None)
        labels = _class_values(series[label])
        predictions = None if prediction is None else _class_values(series[prediction])
        if predictions is not None and labels.dtype != predictions.dtype:  # "yes" vs 1/0
            labels, predictions = _as_keys(labels), _as_keys(predictions)
        positive = _normalise(positive_label, labels.dtype, path)
        if predictions is None:
            negatives = sorted(set(labels.tolist()) - {positive})
            fallback = (
                (0.0 if positive != 0.0 else 1.0)
                if labels.dtype != object
                else ("0" if positive != "0" else "1")
            )
            negative = negatives[0] if negatives else fallback
            predictions = np.where(
                predicted_from_probability(scores, threshold), positive, negative
            )
            predictions = predictions.astype(labels.dtype)
        classes = sorted(set(labels.tolist()) | set(predictions.tolist()))
        if problem_type == "BinaryClassification":
            if positive not in classes and len(classes) == 2:
                raise LabkitInputError(
                    f"positive label {class_key(positive)!r} is not one of the classes "
                    f"({', '.join(class_key(c) for c in classes)}); "
                    "pass the positive label explicitly",
                    path=path,
                    column=label,
                )
            classes = sorted(set(classes) | {positive})
            if len(classes) > 2:
                shown = ", ".join(class_key(c) for c in classes[:6]) + (
                    ", …" if len(classes) > 6 else ""
                )
                raise LabkitInputError(
                    f"BinaryClassification needs two classes, found {len(classes)} across "
                    f"{label!r} and {prediction!r} ({shown}); if the prediction column holds "
                    "probabilities, pass it as the probability column with a probability threshold",
                    path=path,
                    column=prediction or label,
                )
            if scores is None:  # [U] reference: operations.md §5.1 — without a probability column
                scores = (predictions == positive).astype(float)  # the predicted class is the score
        return cls(problem_type, labels, predictions, scores, classes, positive)

    def take(self, index: np.ndarray) -> ModelQualityInputs:
        scores = None if self.scores is None else self.scores[index]
        return ModelQualityInputs(
            self.problem_type,
            self.labels[index],
            self.predictions[index],
            scores,
            self.classes,
            self.positive,
        )


def _check_complete(series: pd.Series, path: str | Path | None) -> None:
    numbers = _numpy_numbers(series)
    missing = series.isna().to_numpy() if numbers is None else np.isnan(numbers)
    if missing.any():
        first = int(missing.nonzero()[0][0])
        raise LabkitInputError(
            f"{int(missing.sum())} missing values (first at data row {first + 1})",
            path=path,
            column=series.name,
        )


def _finite(series: pd.Series, path: str | Path | None) -> np.ndarray:
    numbers = _numpy_numbers(series)
    if numbers is None:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        first = int(bad.nonzero()[0][0])
        raise LabkitInputError(
            f"expected a finite number, found {_shown(series.iloc[first])} (data row {first + 1})",
            path=path,
            column=series.name,
        )
    return numbers


def _shown(value: object) -> str:
    """A cell as a learner wrote it: ``inf``, not ``np.float64(inf)``; text quoted."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return str(value.item() if isinstance(value, np.number) else value)
    return repr(value)


def _class_values(series: pd.Series) -> np.ndarray:
    """Floats when every value is numeric (so 1, 1.0 and "1" are one class), else text."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(int).to_numpy(dtype=float)
    numbers = _numpy_numbers(series)
    if numbers is not None and not np.isnan(numbers).any():
        return numbers
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.notna().all():
        return numbers.to_numpy(dtype=float)
    return np.array([str(v) for v in series], dtype=object)


def _numpy_numbers(series: pd.Series) -> np.ndarray | None:
    """A numpy int or float column as floats, what ``pd.to_numeric`` would give without its
    per-call overhead; None for any other column."""
    dtype = series.dtype
    return series.to_numpy(dtype=float) if isinstance(dtype, np.dtype) and dtype.kind in "iuf" else None


def _as_keys(values: np.ndarray) -> np.ndarray:
    return np.array([class_key(v) for v in values], dtype=object)


def _normalise(value: object, dtype: np.dtype, path: str | Path | None) -> object:
    if dtype == object:
        return (
            class_key(float(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else str(value)
        )
    try:
        return float(value)
    except (TypeError, ValueError):
        raise LabkitInputError(
            f"positive label {value!r} is not a class of the numeric labels", path=path
        ) from None
