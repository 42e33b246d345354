"""Turn the label, prediction and facet columns into smclarify's boolean indexes (bias.md §1).

Every metric works on three flags per row: in the sensitive group d, observed label positive,
predicted label positive. How a column becomes a flag depends on whether smclarify classifies it
as categorical (match the given values) or continuous (the given number is a threshold and the
flag is ``x > t``, written as the interval ``"(t, max]"``).

The classification gotcha, reproduced on purpose: an *integer* column is continuous when
``nunique / count >= UNIQUENESS_THRESHOLD`` (0.05). An int 0/1 label or facet with 40 rows or
fewer (2/40 = 0.05) is therefore continuous, the value ``[1]`` becomes the threshold, the
interval ``(1, 1]`` is empty and nothing is positive (or nobody is in group d). A float 0.0/1.0
column is always continuous. Use 41+ rows, strings or a ``category`` dtype to get categorical
matching. The same rule can make an integer facet such as age categorical on a large baseline
(62 ages in 2,000 rows is 3 %) and continuous on a smaller window: a threshold then matches the
one value exactly in the baseline. ``column_kind`` tells which reading applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError
from labkit.model_bias.config import BiasConfig

__all__ = [
    "NO_POSITIVE_PREDICTION",
    "UNIQUENESS_THRESHOLD",
    "Selection",
    "column_kind",
    "match_values",
    "select",
    "threshold_interval",
]

# smclarify constants.py: integer columns with at least 5 % distinct values count as continuous.
UNIQUENESS_THRESHOLD = 0.05
NO_POSITIVE_PREDICTION = (
    "No Label values are present in the predicted Label Column,"
    "Positive Predicted Index Series contains all False values"
)

Kind = Literal["categorical", "continuous"]


def column_kind(series: pd.Series, values: tuple[Any, ...] | list[Any] | None = None) -> Kind:
    """smclarify's ``series_datatype``: categorical or continuous, from the dtype and the values given.

    An integer column with missing values is judged as the float column that ``pandas.read_csv``
    (which the container uses) would have made of it, so it is continuous.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or (values is not None and len(values) > 1):
        return "categorical"
    uniqueness = series.nunique() / series.count() if series.count() else 0.0
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_float_dtype(dtype):
        return "continuous"
    if pd.api.types.is_integer_dtype(dtype):
        if series.isna().any():
            return "continuous"
        return "continuous" if uniqueness >= UNIQUENESS_THRESHOLD else "categorical"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        try:
            series.astype("int64")
        except (TypeError, ValueError, OverflowError):
            return "categorical"
        return "continuous" if uniqueness >= UNIQUENESS_THRESHOLD else "categorical"
    return "categorical"


def threshold_interval(data: pd.Series, threshold: float) -> pd.IntervalIndex:
    """smclarify's ``_interval_index``: the breaks ``sorted([t, max])``, so usually ``(t, max]``.

    Reproduced quirks: max is not added when ``abs(max)`` equals t (then there is no interval at
    all and nothing is selected), and a threshold above max gives ``(max, t]``, which holds nothing.
    """
    breaks = [threshold]
    top = data.max()
    if pd.isna(top):
        return pd.IntervalIndex.from_breaks([threshold])
    if abs(top) != threshold:
        breaks.append(top.item() if hasattr(top, "item") else top)
    return pd.IntervalIndex.from_breaks(sorted(breaks))


def _in_intervals(data: pd.Series, intervals: pd.IntervalIndex) -> np.ndarray:
    numbers = data.to_numpy(dtype=float, na_value=np.nan)
    inside = np.zeros(len(numbers), dtype=bool)
    for interval in intervals:  # right-closed: (left, right]
        inside |= (numbers > interval.left) & (numbers <= interval.right)
    return inside


def match_values(series: pd.Series, values: tuple[Any, ...], *, role: str) -> np.ndarray:
    """Rows equal to any of ``values`` (logical OR), retrying once with the values cast to the column's type.

    smclarify casts the values to the type of the column's first element when nothing matches
    (``"1"`` → ``1``). A value that cannot be cast raises here, naming the column; a cast value that
    still matches nothing gives an all-False flag (then the metrics report empty-group errors).
    """
    mask = _equal_any(series, values)
    if mask.any() or series.count() == 0:
        return mask
    first = series.dropna().iloc[0]
    first = first.item() if hasattr(first, "item") else first
    if isinstance(values[0], type(first)):
        return mask
    return _equal_any(series, _cast(values, type(first), series.name, role))


def _equal_any(series: pd.Series, values: tuple[Any, ...]) -> np.ndarray:
    column = series.astype(object).to_numpy()
    mask = np.zeros(len(column), dtype=bool)
    for value in values:
        mask |= np.fromiter((_same(x, value) for x in column), dtype=bool, count=len(column))
    return mask


def _same(x: Any, value: Any) -> bool:
    """Python equality; a missing cell (None, NaN, pd.NA) equals nothing."""
    try:
        return bool(x == value)
    except (TypeError, ValueError):
        return False


def _cast(values: tuple[Any, ...], kind: type, column: Any, role: str) -> tuple[Any, ...]:
    try:
        if kind is bool:  # smclarify would make bool("False") True; the twin reads the words
            return tuple(_to_bool(v) for v in values)
        try:
            return tuple(kind(v) for v in values)
        except ValueError as exc:
            if kind is int and "invalid literal for int()" in str(exc):
                return tuple(float(v) for v in values)
            raise
    except (TypeError, ValueError):
        raise LabkitInputError(
            f"{role} values {list(values)} never occur in the column and cannot be read as its "
            f"type ({kind.__name__})",
            column=column,
        ) from None


def _to_bool(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in {"true", "1", "1.0"}:
        return True
    if text in {"false", "0", "0.0"}:
        return False
    raise ValueError(value)


def _threshold(values: tuple[Any, ...], column: Any, role: str) -> float:
    value = values[0]
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise LabkitInputError(
            f"{role} value provided must be a single numeric threshold for continuous data, got {value!r}",
            column=column,
        ) from None


def _numeric(series: pd.Series, role: str) -> pd.Series:
    try:
        return pd.to_numeric(series)
    except (TypeError, ValueError) as exc:
        raise LabkitInputError(
            f"{role} column is continuous but not numeric ({exc})", column=series.name
        ) from None


def _label_index(
    series: pd.Series, values: tuple[Any, ...]
) -> tuple[np.ndarray, str, Kind, pd.Series]:
    if not values:
        raise LabkitInputError(
            "Positive label values or thresholds are empty for Label column", column=series.name
        )
    kind = column_kind(series, values)
    if kind == "continuous":
        data = _numeric(series, "label")
        intervals = threshold_interval(data, _threshold(values, series.name, "label"))
        return _in_intervals(data, intervals), ",".join(map(str, intervals)), kind, data
    return match_values(series, values, role="label"), ",".join(map(str, values)), kind, series


def _predicted_index(
    series: pd.Series, config: BiasConfig, label_kind: Kind, label_data: pd.Series
) -> np.ndarray:
    values = config.label_values_or_threshold
    if config.probability_threshold is not None:
        scores = _numeric(series, "prediction score")
        if scores.isna().any():
            raise LabkitInputError(
                f"{int(scores.isna().sum())} rows have no score", column=series.name
            )
        series = (scores > config.probability_threshold).astype("int64").rename(series.name)
    kind = column_kind(series, values)
    if kind != label_kind:
        raise LabkitInputError(
            f"Predicted Label Column series datatype is not the same as Label Column series "
            f"({kind} here, {label_kind} for label {config.label!r})",
            column=series.name,
        )
    if kind == "continuous":
        try:
            data = _numeric(series, "prediction").astype(label_data.dtype)
        except (TypeError, ValueError) as exc:
            raise LabkitInputError(
                f"cannot read predictions as the label's type ({exc})", column=series.name
            ) from None
        threshold = _threshold(values, series.name, "label")
        positive = _in_intervals(data, threshold_interval(pd.concat([label_data, data]), threshold))
    else:
        positive = match_values(series, values, role="label")
    if not positive.any():
        raise LabkitInputError(NO_POSITIVE_PREDICTION, column=series.name)
    return positive


def _facet_groups(
    series: pd.Series, values: tuple[Any, ...] | None
) -> list[tuple[str, np.ndarray]]:
    kind = column_kind(series, values)
    if kind == "continuous":
        if not values:
            raise LabkitInputError(
                "Threshold values must be provided for continuous features (the facet column is "
                "continuous, so one-vs-rest over its values is not done)",
                column=series.name,
            )
        data = _numeric(series, "facet")
        intervals = threshold_interval(data, _threshold(values, series.name, "facet"))
        return [(",".join(map(str, intervals)), _in_intervals(data, intervals))]
    if values:
        return [(",".join(map(str, values)), match_values(series, values, role="facet"))]
    groups = []
    for value in pd.unique(series):  # one vs rest, in order of first appearance
        if pd.isna(value):  # smclarify writes an entry "nan" that matches no row
            groups.append(("nan", np.zeros(len(series), dtype=bool)))
            continue
        shown = value.item() if hasattr(value, "item") else value
        groups.append((str(shown), match_values(series, (shown,), role="facet")))
    return groups


@dataclass(frozen=True)
class Selection:
    """The flags every metric needs, computed once per dataset (report) or window (bootstrap).

    ``groups`` holds one ``(value_or_threshold, sensitive flag)`` per facet entry; ``strata`` is
    (codes, count) of the group variable with −1 for missing values; ``features`` are the columns
    the flip test uses (everything but facet, label and predicted label).
    """

    label_value_or_threshold: str
    positive_label: np.ndarray
    positive_predicted: np.ndarray | None
    groups: tuple[tuple[str, np.ndarray], ...]
    strata: tuple[np.ndarray, int] | None
    features: pd.DataFrame


def select(df: pd.DataFrame, config: BiasConfig, *, path: str | Path | None = None) -> Selection:
    """Validate the columns and compute the flags, raising LabkitInputError on what smclarify refuses.

    ``path`` (the file ``df`` was read from) names the file in every error.
    """
    try:
        return _select(df, config)
    except LabkitInputError as exc:
        if path is None or exc.path is not None:
            raise
        raise LabkitInputError(exc.reason, path=path, line=exc.line, column=exc.column) from None


def _select(df: pd.DataFrame, config: BiasConfig) -> Selection:
    needed = [config.label, config.facet, config.predicted_label, config.group_variable]
    for column in filter(None, needed):
        if column not in df.columns:
            have = ", ".join(map(str, df.columns)) or "none"
            raise LabkitInputError(f"no such column (columns are: {have})", column=column)
    if len(df) == 0:
        raise LabkitInputError("the dataset has no rows")
    df = df.reset_index(drop=True)
    positive_label, label_text, label_kind, label_data = _label_index(
        df[config.label], config.label_values_or_threshold
    )
    predicted = None
    if config.predicted_label is not None:
        predicted = _predicted_index(df[config.predicted_label], config, label_kind, label_data)
    groups = _facet_groups(df[config.facet], config.facet_values_or_threshold)
    strata = None
    if config.group_variable is not None:
        codes, uniques = pd.factorize(df[config.group_variable], sort=False)
        strata = (codes.astype(np.int64), len(uniques))
    dropped = [c for c in (config.facet, config.label, config.predicted_label) if c is not None]
    features = df.drop(columns=list(dict.fromkeys(dropped)))
    return Selection(label_text, positive_label, predicted, tuple(groups), strata, features)
