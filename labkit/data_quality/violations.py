"""The six checks of a monitoring execution, the twin of ``constraint_violations.json``.

Each violation names a feature, its ``constraint_check_type`` and a sentence. Reference:
data-quality.md §4 and §5; AWS page "Schema for Violations (constraint_violations.json file)"
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-interpreting-violations.html).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.data_quality.consistency import check_distributions
from labkit.data_quality.constraints import Constraints, MonitoringConfig
from labkit.data_quality.distance import (
    categorical_linf,
    chi_squared_p_value,
    numeric_distance,
)
from labkit.data_quality.profile import ColumnProfile
from labkit.data_quality.statistics import FeatureStatistics, Statistics
from labkit.data_quality.types import NUMERIC_TYPES
from labkit.errors import LabkitInputError
from labkit.jsonfiles import java_double, read_json, write_json

__all__ = [
    "CHECK_TYPES",
    "FILE_NAME",
    "ConstraintViolations",
    "FeatureDrift",
    "Violation",
    "check_constraints",
    "check_distributions",
    "measure_drift",
]

FILE_NAME = "constraint_violations.json"  # SDK constant; one BYOC page misspells it

# [U] reference: data-quality.md §4.1 — violations are ordered by feature, then by check type in
# this (the docs table's) order.
CHECK_TYPES = (
    "data_type_check",
    "completeness_check",
    "baseline_drift_check",
    "missing_column_check",
    "extra_column_check",
    "categorical_values_check",
)


@dataclass(frozen=True)
class Violation:
    """One entry of ``violations``: exactly the service's three keys."""

    feature_name: str
    constraint_check_type: str
    description: str

    def to_dict(self) -> dict[str, str]:
        return {
            "feature_name": self.feature_name,
            "constraint_check_type": self.constraint_check_type,
            "description": self.description,
        }


@dataclass(frozen=True)
class ConstraintViolations:
    """The whole constraint_violations.json; an empty file is ``{"violations" : [ ]}``."""

    violations: tuple[Violation, ...] = ()

    def check_types(self) -> set[str]:
        return {v.constraint_check_type for v in self.violations}

    def features(self) -> set[str]:
        return {v.feature_name for v in self.violations}

    def to_frame(self) -> pd.DataFrame:
        """One row per violation: feature_name, constraint_check_type, description."""
        return pd.DataFrame(
            [v.to_dict() for v in self.violations],
            columns=["feature_name", "constraint_check_type", "description"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {"violations": [v.to_dict() for v in self.violations]}

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/constraint_violations.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / FILE_NAME)

    @classmethod
    def from_json(cls, path: str | Path) -> ConstraintViolations:
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        return cls.from_dict(read_json(path), path=path)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> ConstraintViolations:
        entries = data.get("violations") if isinstance(data, Mapping) else None
        if not isinstance(entries, list):
            raise LabkitInputError("expected an object with a 'violations' list", path=path)
        out = []
        for i, entry in enumerate(entries):
            keys = ("feature_name", "constraint_check_type", "description")
            if not isinstance(entry, Mapping) or not all(
                isinstance(entry.get(k), str) for k in keys
            ):
                raise LabkitInputError(
                    f"violations[{i}]: expected strings {', '.join(keys)}", path=path
                )
            out.append(Violation(*(entry[k] for k in keys)))
        return cls(tuple(out))


@dataclass(frozen=True)
class FeatureDrift:
    """The drift value of one feature and how it compares with its threshold."""

    value: float  # a distance, or a p-value for ChiSquared (NaN: no test possible)
    threshold: float
    method: str  # Simple / Robust (numeric and LInfinity) or ChiSquared

    @property
    def is_violation(self) -> bool:
        if math.isnan(self.value):
            return False
        # [U] reference: data-quality.md §5.2 — a chi-square p-value is small when drift is large.
        if self.method == "ChiSquared":
            return self.value < self.threshold
        return self.value > self.threshold


def measure_drift(
    baseline: Statistics, constraints: Constraints, window: Mapping[str, ColumnProfile]
) -> dict[str, FeatureDrift]:
    """The ``baseline_drift_check`` value of every baseline feature found in the window.

    Skipped where ``perform_comparison`` is Disabled or either side has no values to compare;
    baseline statistics without the distribution to compare with are refused
    (``check_distributions``).
    """
    check_distributions(baseline, constraints, names=window.keys())
    out = {}
    for feature in baseline.features:
        column = window.get(feature.name)
        config = constraints.config_for(feature.name)
        if column is None or config.perform_comparison == "Disabled":
            continue
        measure = partial(_feature_drift, feature.inferred_type, feature, column, config)
        drift = column.derived(("drift", config), measure, of=feature)
        if drift is not None:
            out[feature.name] = drift
    return out


def _feature_drift(
    baseline_type: str, feature: FeatureStatistics, column: ColumnProfile, config: MonitoringConfig
) -> FeatureDrift | None:
    # [U] reference: data-quality.md §5 — the window is read the baseline's way: for a numeric
    # baseline its Integral/Fractional values are sketched, for a String baseline its texts are
    # counted, whatever type the window alone would infer.
    if (
        baseline_type in NUMERIC_TYPES
        and feature.numerical is not None
        and feature.numerical.sketch is not None
    ):
        if column.moments.count == 0 or feature.numerical.sketch.total_weight == 0:
            return None
        distance = numeric_distance(feature.numerical.sketch, column.sketch())
        return FeatureDrift(
            distance.select(config.comparison_method),
            config.comparison_threshold,
            config.comparison_method,
        )
    if baseline_type == "String" and feature.string is not None:
        baseline_counts, window_counts = feature.string.counts(), column.value_counts()
        if not baseline_counts or not window_counts:
            return None
        threshold = config.categorical_comparison_threshold
        if config.categorical_drift_method == "ChiSquared":
            # [U] reference: data-quality.md §5.2 — the p-value, whatever comparison_method says.
            return FeatureDrift(
                chi_squared_p_value(window_counts, baseline_counts), threshold, "ChiSquared"
            )
        distance = categorical_linf(baseline_counts, window_counts)
        return FeatureDrift(
            distance.select(config.comparison_method), threshold, config.comparison_method
        )
    return None


def check_constraints(
    constraints: Constraints,
    window: Mapping[str, ColumnProfile],
    *,
    item_count: int,
    drift: Mapping[str, FeatureDrift],
) -> ConstraintViolations:
    """Evaluate the six checks; ``window`` maps the window's column names (in order) to their values."""
    if constraints.monitoring_config.evaluate_constraints == "Disabled":
        return ConstraintViolations()
    found: list[tuple[int, int, Violation]] = []
    order = {
        name: i
        for i, name in enumerate(
            [*constraints.names, *(n for n in window if n not in constraints.names)]
        )
    }

    def add(feature: str, check: str, description: str) -> None:
        if constraints.config_for(feature).evaluate_constraints == "Enabled":
            found.append(
                (order[feature], CHECK_TYPES.index(check), Violation(feature, check, description))
            )

    for check, feature, description in _column_violations(constraints.names, list(window)):
        add(feature, check, description)
    for feature in constraints.features:
        column = window.get(feature.name)
        if column is None:
            continue
        config = constraints.config_for(feature.name)
        counts = column.type_counts()
        # [U] reference: data-quality.md §4.1 — a ratio needs values: data_type_check and
        # categorical_values_check skip a column with none (completeness_check reports it), and
        # completeness_check skips a window with no rows.
        if counts.non_null:
            ratio = counts.count(feature.inferred_type) / counts.non_null
            if ratio < config.datatype_check_threshold:
                add(
                    feature.name,
                    "data_type_check",
                    describe_data_type(
                        feature.inferred_type, config.datatype_check_threshold, ratio
                    ),
                )
        if item_count and _completeness_violated(
            counts.non_null / item_count, feature.completeness
        ):
            add(
                feature.name,
                "completeness_check",
                describe_completeness(feature.completeness, counts.non_null / item_count),
            )
        if feature.name in drift and drift[feature.name].is_violation:
            add(feature.name, "baseline_drift_check", describe_drift(drift[feature.name]))
        if feature.inferred_type == "String" and feature.domains is not None and counts.non_null:
            in_domain = _in_domain_ratio(column, feature.domains)
            if in_domain < config.domain_content_threshold:
                add(
                    feature.name,
                    "categorical_values_check",
                    describe_domain(config.domain_content_threshold, in_domain),
                )
    return ConstraintViolations(tuple(v for _, _, v in sorted(found, key=lambda t: (t[0], t[1]))))


def _completeness_violated(observed: float, baseline: float) -> bool:
    # [U] reference: data-quality.md §4.1 — a violation means completeness fell strictly below the baseline's.
    return observed < baseline


def _in_domain_ratio(column: ColumnProfile, domains: Sequence[str]) -> float:
    counts = column.value_counts()
    allowed = set(domains)
    total = sum(counts.values())
    return sum(c for v, c in counts.items() if v in allowed) / total


def _column_violations(
    baseline: Sequence[str], window: Sequence[str]
) -> list[tuple[str, str, str]]:
    """missing_column_check and extra_column_check, matching columns by name.

    A CSV window's columns are its header's names; captured rows get the baseline's names by
    position before they reach here (they carry no names). Matching by name means a window
    whose names differ from the baseline's, even with the same column count (a CSV without its
    header row), reports every baseline column it lacks and every column the baseline lacks
    instead of passing unchecked.

    [U] reference: data-quality.md §4.1 — the docs describe both checks as a column-count
    comparison and publish no description text. The twin reports each missing baseline column
    and each extra window column under its own name, with the sentence below.
    """
    names = set(window)
    known = set(baseline)
    counts = f"Number of columns in current dataset: {len(window)}, Number of columns in baseline constraints: {len(baseline)}"
    missing = [
        ("missing_column_check", name, f"There are missing columns in current dataset. {counts}")
        for name in baseline
        if name not in names
    ]
    extra = [
        ("extra_column_check", name, f"There are extra columns in current dataset. {counts}")
        for name in window
        if name not in known
    ]
    return missing + extra


# Descriptions. [U] reference: data-quality.md §4.1 — only data_type_check's wording is confirmed.
def describe_data_type(inferred_type: str, threshold: float, ratio: float) -> str:
    return (
        f"Data type match requirement is not met. Expected data type: {inferred_type}, "
        f"Expected match: {_percent(threshold)}. Observed: Only {_percent(ratio)} of data is {inferred_type}."
    )


def describe_completeness(expected: float, observed: float) -> str:
    return (
        f"Data completeness requirement is not met. Expected completeness: {_percent(expected)}. "
        f"Observed: Only {_percent(observed)} of data is present."
    )


def describe_drift(drift: FeatureDrift) -> str:
    if drift.method == "ChiSquared":  # [U] the reference gives no sentence for a p-value
        return f"Baseline drift p-value: {java_double(drift.value)} is below threshold: {java_double(drift.threshold)}"
    return f"Baseline drift distance: {java_double(drift.value)} exceeds threshold: {java_double(drift.threshold)}"


def describe_domain(threshold: float, observed: float) -> str:
    return (
        f"Data content requirement is not met. Expected: {_percent(threshold)} of values in baseline domain. "
        f"Observed: {_percent(observed)}."
    )


def _percent(fraction: float) -> str:
    return f"{java_double(fraction * 100)}%"
