"""Whether a baseline's two files fit together: statistics.json against constraints.json.

``baseline_drift_check`` compares the window with the distributions in statistics.json, while
constraints.json says which features are checked and how. Two files from different baselines,
a renamed feature or a type flipped between numeric and String would switch the check off
without a word; these functions refuse such a pair with the reason and the JSON path instead.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from labkit.data_quality.constraints import Constraints
from labkit.data_quality.statistics import FeatureStatistics, Statistics
from labkit.data_quality.types import NUMERIC_TYPES
from labkit.errors import LabkitInputError

__all__ = ["check_distributions", "uncompared_features"]


def check_distributions(
    baseline: Statistics,
    constraints: Constraints,
    *,
    names: Collection[str] | None = None,
    path: str | Path | None = None,
    constraints_path: str | Path | None = None,
) -> None:
    """Refuse a statistics.json that cannot give ``baseline_drift_check`` what it compares with.

    Every constraints.json feature whose ``perform_comparison`` is Enabled (and, with ``names``,
    that the window has) needs an entry of the same name and kind in statistics.json, holding
    the distribution the check compares: ``distribution.kll.sketch`` for a numeric feature (the
    container always writes it; AWS page "Schema for Statistics (statistics.json file)"),
    categorical buckets for a String one. Files from two baselines, renamed features or a type
    that flips between numeric and String would otherwise switch the check off without a word,
    so they are refused, naming the JSON path. Integral and Fractional are one kind (a learner
    may relax one to the other in constraints.json).

    [U] A String feature with values but no ``distribution`` is accepted: a real
    ``suggest_baseline`` output (2024) leaves it out for high-cardinality string columns, so the
    service has nothing to compare; ``uncompared_features`` lists them for the report.
    """
    if constraints.monitoring_config.evaluate_constraints == "Disabled":
        return
    index = {feature.name: i for i, feature in enumerate(baseline.features)}
    for j, wanted in enumerate(constraints.features):
        if names is not None and wanted.name not in names:
            continue
        if constraints.config_for(wanted.name).perform_comparison == "Disabled":
            continue
        if wanted.name not in index:
            raise LabkitInputError(
                f"features[{j}] {wanted.name!r} has no entry in {_name(path, 'statistics.json')}, "
                "so baseline_drift_check cannot compare it (perform_comparison is Enabled); "
                "statistics.json and constraints.json must come from the same baseline",
                path=constraints_path,
            )
        i = index[wanted.name]
        feature = baseline.features[i]
        if _kind(feature.inferred_type) != _kind(wanted.inferred_type) and "Unknown" not in (
            feature.inferred_type,
            wanted.inferred_type,
        ):
            raise LabkitInputError(
                f"features[{i}].inferred_type is {feature.inferred_type} but "
                f"{_name(constraints_path, 'constraints.json')} features[{j}] says "
                f"{wanted.inferred_type}; baseline_drift_check cannot compare a "
                f"{_kind(wanted.inferred_type)} column with a {_kind(feature.inferred_type)} "
                "distribution",
                path=path,
                column=feature.name,
            )
        missing = _missing_distribution(feature)
        if missing is not None:
            raise LabkitInputError(
                f"features[{i}].{missing} is missing, and baseline_drift_check compares the "
                "window with it (perform_comparison is Enabled)",
                path=path,
                column=feature.name,
            )


def uncompared_features(baseline: Statistics) -> list[str]:
    """String features with values but no categorical distribution: no drift check for them.

    [U] reference: the fidelity notes of issue 19 — a real ``suggest_baseline`` output leaves
    ``distribution`` out of ``string_statistics`` for high-cardinality string columns.
    """
    return [
        f.name
        for f in baseline.features
        if f.inferred_type == "String"
        and f.string is not None
        and f.string.num_present
        and not f.string.buckets
    ]


def _kind(inferred_type: str) -> str:
    return "numeric" if inferred_type in NUMERIC_TYPES else inferred_type


def _name(path: str | Path | None, default: str) -> str:
    return default if path is None else str(path)


def _missing_distribution(feature: FeatureStatistics) -> str | None:
    """The statistics.json key a feature with values lacks for the drift check, if any."""
    numerical, string = feature.numerical, feature.string
    if feature.inferred_type in NUMERIC_TYPES:
        if numerical is None:
            return "numerical_statistics"
        return (
            "numerical_statistics.distribution.kll.sketch"
            if numerical.num_present and numerical.sketch is None
            else None
        )
    if feature.inferred_type == "String" and string is None:
        return "string_statistics"
    return None
