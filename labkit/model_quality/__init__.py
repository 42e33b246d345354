"""The ModelQualityMonitor twin: merge labels, baseline the metrics, flag the drops.

A model-quality monitor compares the model's predictions with ground truth labels that arrive
later (AWS: "Model quality", model-monitor-model-quality). The twin follows the service's three
steps and writes its files:

1. ``merge_ground_truth(captures, labels)`` joins labels to captured predictions;
2. ``suggest_baseline(baseline_df, problem_type=..., label=..., prediction=...)`` computes
   ``statistics.json`` and suggests ``constraints.json`` (a threshold per metric);
3. ``monitor(window_df, baseline, ...)`` recomputes the metrics on merged window rows and
   writes ``statistics.json`` and ``constraint_violations.json``.

Example::

    baseline = model_quality.suggest_baseline(
        baseline_df, problem_type="BinaryClassification", label="label", prediction="prediction",
        probability="probability")
    baseline = baseline.with_threshold("recall", 0.70)       # loosen a suggested threshold
    report = model_quality.monitor(window_df, baseline, label="label", prediction="prediction",
                                   probability="probability")
    report.violations.to_frame()
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from labkit import cloudwatch
from labkit.errors import LabkitInputError
from labkit.model_quality.constraints import (
    Constraints,
    ConstraintViolations,
    check_constraints,
    suggest_constraints,
)
from labkit.model_quality.inputs import (
    DEFAULT_POSITIVE_LABEL,
    DEFAULT_PROBABILITY_THRESHOLD,
    PROBLEM_TYPES,
    check_problem_type,
)
from labkit.model_quality.merge import MergeResult, merge_ground_truth
from labkit.model_quality.statistics import Statistics, compute_statistics

__all__ = [
    "PROBLEM_TYPES",
    "Baseline",
    "ConstraintViolations",
    "Constraints",
    "MergeResult",
    "MonitoringReport",
    "Statistics",
    "compute_statistics",
    "merge_ground_truth",
    "monitor",
    "suggest_baseline",
]

MONITORING_TYPE = "ModelQuality"  # cloudwatch.namespace key: aws/sagemaker/Endpoints/model-metrics


@dataclass(frozen=True)
class Baseline:
    """What a model-quality baselining job writes: ``statistics.json`` and ``constraints.json``."""

    statistics: Statistics
    constraints: Constraints

    @property
    def problem_type(self) -> str:
        return self.statistics.problem_type

    def with_threshold(
        self, metric: str, threshold: float, comparison_operator: str | None = None
    ) -> Baseline:
        """A copy whose constraint for ``metric`` has a new threshold (and optionally operator)."""
        return replace(
            self,
            constraints=self.constraints.with_threshold(metric, threshold, comparison_operator),
        )

    def to_json(self, directory: str | Path) -> Path:
        """Write both files into ``directory`` and return the directory."""
        self.statistics.to_json(directory)
        self.constraints.to_json(directory)
        return Path(directory)

    @classmethod
    def from_json(cls, directory: str | Path) -> Baseline:
        """Read both files; they must be for one problem type (else the check compares nothing)."""
        statistics, constraints = Statistics.from_json(directory), Constraints.from_json(directory)
        if statistics.problem_type != constraints.problem_type:
            raise LabkitInputError(
                f"statistics.json is for {statistics.problem_type} but constraints.json is for "
                f"{constraints.problem_type}; both files must come from the same baseline",
                path=directory,
            )
        return cls(statistics, constraints)


@dataclass(frozen=True)
class MonitoringReport:
    """What a model-quality execution writes: statistics.json and constraint_violations.json.

    ``notes`` explain undefined metrics and constraints that could not be checked.
    """

    statistics: Statistics
    violations: ConstraintViolations
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_violations(self) -> bool:
        """True when the execution would end ``CompletedWithViolations``."""
        return len(self.violations) > 0

    def to_json(self, directory: str | Path) -> Path:
        """Write both files into ``directory`` and return the directory."""
        self.statistics.to_json(directory)
        self.violations.to_json(directory)
        return Path(directory)

    @classmethod
    def from_json(cls, directory: str | Path) -> MonitoringReport:
        return cls(Statistics.from_json(directory), ConstraintViolations.from_json(directory))

    def cloudwatch_metrics(
        self,
        *,
        timestamp: datetime,
        endpoint: str | None = cloudwatch.DEFAULT_ENDPOINT,
        schedule: str = cloudwatch.DEFAULT_SCHEDULE,
        batch: bool = False,
    ) -> list[cloudwatch.MetricDatum]:
        """One datum per scalar metric (value = the metric's ``value``), as the schedule publishes
        with ``enable_cloudwatch_metrics=True`` (model-monitor-model-quality-cw).

        Undefined ("NaN") metrics publish nothing: CloudWatch takes no NaN, and the alarm then
        sees a missing datapoint. # [U] reference: operations.md §5.3
        """
        namespace = cloudwatch.namespace(MONITORING_TYPE, batch=batch)
        dims = cloudwatch.dimensions(endpoint=None if batch else endpoint, schedule=schedule)
        return [
            cloudwatch.MetricDatum(namespace, name, dims, timestamp, value=value)
            for name, value in self.statistics.scalar_metrics().items()
            if not math.isnan(value)
        ]


def suggest_baseline(
    baseline_df: pd.DataFrame,
    *,
    problem_type: str,
    label: str,
    prediction: str | None = None,
    probability: str | None = None,
    probability_threshold: float = DEFAULT_PROBABILITY_THRESHOLD,
    positive_label: object = DEFAULT_POSITIVE_LABEL,
    seed: int = 0,
    path: str | Path | None = None,
) -> Baseline:
    """Compute the baseline statistics and suggest a constraint per metric (the SDK's
    ``ModelQualityMonitor.suggest_baseline``). Column arguments as in ``compute_statistics``;
    ``path`` (the file ``baseline_df`` was read from) only names the file in errors.
    """
    statistics = compute_statistics(
        baseline_df,
        problem_type=problem_type,
        label=label,
        prediction=prediction,
        probability=probability,
        probability_threshold=probability_threshold,
        positive_label=positive_label,
        seed=seed,
        path=path,
    )
    return Baseline(statistics, suggest_constraints(statistics))


def monitor(
    window_df: pd.DataFrame,
    baseline: Baseline | Constraints,
    *,
    label: str,
    prediction: str | None = None,
    probability: str | None = None,
    probability_threshold: float = DEFAULT_PROBABILITY_THRESHOLD,
    positive_label: object = DEFAULT_POSITIVE_LABEL,
    seed: int = 0,
    path: str | Path | None = None,
) -> MonitoringReport:
    """Recompute the metrics on merged window rows and check them against the constraints.

    ``baseline`` is a ``Baseline`` or just ``Constraints`` (e.g. an edited ``constraints.json``
    read with ``Constraints.from_json``); its problem type is used. ``path`` (the file
    ``window_df`` was read from) only names the file in errors.
    """
    constraints = baseline.constraints if isinstance(baseline, Baseline) else baseline
    statistics = compute_statistics(
        window_df,
        problem_type=check_problem_type(constraints.problem_type),
        label=label,
        prediction=prediction,
        probability=probability,
        probability_threshold=probability_threshold,
        positive_label=positive_label,
        seed=seed,
        path=path,
    )
    violations = check_constraints(statistics, constraints)
    return MonitoringReport(statistics, violations, statistics.notes + violations.notes)
