"""The data quality monitor twin: SageMaker's ``DefaultModelMonitor``, offline.

``suggest_baseline`` profiles a baseline dataset and suggests constraints (statistics.json,
constraints.json); ``monitor`` profiles one window of captured data, checks it against them and
reports violations (statistics.json, constraints.json, constraint_violations.json: a real
execution's report folder) and CloudWatch metrics, as the Model Monitor prebuilt container does (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html).

Examples
--------
>>> import pandas as pd
>>> from labkit import data_quality
>>> baseline = data_quality.suggest_baseline(pd.DataFrame({"age": [23, 35, 31, 47], "plan": ["a", "a", "b", "b"]}))
>>> report = data_quality.monitor(pd.DataFrame({"age": [23, 35, 31.5, 47], "plan": ["a", "b", "a", "b"]}), baseline)
>>> sorted(report.violations.check_types())
['data_type_check']

Input frames may hold text cells (``csvfiles.read_csv_text``: what the container reads) or typed
columns; typed values are judged on the text a CSV writer would give them (``types`` module).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from labkit import cloudwatch
from labkit.data_quality import constraints as _constraints
from labkit.data_quality import statistics as _statistics
from labkit.data_quality.consistency import check_distributions, uncompared_features
from labkit.data_quality.constraints import (
    ConfigOverrides,
    Constraints,
    FeatureConstraints,
    MonitoringConfig,
    suggest_constraints,
)
from labkit.data_quality.metrics import data_quality_metrics
from labkit.data_quality.profile import DatasetProfile, as_profile
from labkit.data_quality.statistics import (
    FeatureStatistics,
    Statistics,
    compute_statistics,
    statistics_from_columns,
)
from labkit.data_quality.types import TypeCounts
from labkit.data_quality.violations import (
    CHECK_TYPES,
    ConstraintViolations,
    FeatureDrift,
    Violation,
    check_constraints,
    measure_drift,
)
from labkit.errors import LabkitInputError

__all__ = [
    "CHECK_TYPES",
    "Baseline",
    "ConfigOverrides",
    "ConstraintViolations",
    "Constraints",
    "DatasetProfile",
    "FeatureConstraints",
    "FeatureDrift",
    "FeatureStatistics",
    "MonitoringConfig",
    "MonitoringReport",
    "Statistics",
    "TypeCounts",
    "Violation",
    "compute_statistics",
    "monitor",
    "suggest_baseline",
    "suggest_constraints",
    "uncompared_features",
]


@dataclass(frozen=True)
class Baseline:
    """What a baselining job writes: statistics.json and constraints.json."""

    statistics: Statistics
    constraints: Constraints

    def to_json(self, directory: str | Path) -> tuple[Path, Path]:
        """Write both files into ``directory``; return (statistics path, constraints path)."""
        return self.statistics.to_json(directory), self.constraints.to_json(directory)

    @classmethod
    def from_json(cls, directory: str | Path) -> Baseline:
        """Read both files from ``directory`` (a missing one is named in the error)."""
        directory = Path(directory)
        if not directory.is_dir():
            raise LabkitInputError(
                "expected a baseline directory holding statistics.json and constraints.json",
                path=directory,
            )
        statistics_path = directory / _statistics.FILE_NAME
        constraints_path = directory / _constraints.FILE_NAME
        statistics = Statistics.from_json(statistics_path)
        constraints = Constraints.from_json(constraints_path)
        check_distributions(
            statistics, constraints, path=statistics_path, constraints_path=constraints_path
        )
        return cls(statistics, constraints)


@dataclass(frozen=True)
class MonitoringReport:
    """One monitoring execution: the window's statistics, the violations and the drift per feature."""

    statistics: Statistics
    violations: ConstraintViolations
    drift: dict[str, FeatureDrift]
    constraints: Constraints
    type_counts: dict[str, TypeCounts]
    distinct_counts: Mapping[str, int]  # HyperLogLog++ estimates, computed when first read

    @property
    def distances(self) -> dict[str, float]:
        """The value emitted as ``feature_baseline_drift_<f>`` (a p-value for ChiSquared features)."""
        return {name: d.value for name, d in self.drift.items()}

    @property
    def has_violations(self) -> bool:
        """True when the execution would end ``CompletedWithViolations``."""
        return bool(self.violations.violations)

    @property
    def window_constraints(self) -> Constraints:
        """The constraints.json an execution writes beside its violations.

        [C] a real execution's report folder holds statistics.json, constraints.json and
        constraint_violations.json (sm-model_monitor_introduction, run 2022-04-18; docs/fidelity.md).
        [U] its content is not published: the kit writes the constraints the analyzer suggests
        for the window's statistics, with the baseline's monitoring_config.
        """
        return suggest_constraints(
            self.statistics, monitoring_config=self.constraints.monitoring_config
        )

    def to_json(self, directory: str | Path) -> tuple[Path, Path, Path]:
        """Write the execution's report folder; return the statistics, constraints and violations paths.

        CloudWatch metrics are not report files: the container writes them to
        ``/opt/ml/output/metrics/cloudwatch`` (``labkit.cloudwatch.write_metrics``).
        """
        return (
            self.statistics.to_json(directory),
            self.window_constraints.to_json(directory),
            self.violations.to_json(directory),
        )

    def cloudwatch_metrics(
        self,
        *,
        endpoint: str = cloudwatch.DEFAULT_ENDPOINT,
        schedule: str = cloudwatch.DEFAULT_SCHEDULE,
        timestamp: datetime,
        batch: bool = False,
    ) -> list[cloudwatch.MetricDatum]:
        """The metrics this execution publishes (see ``labkit.data_quality.metrics``)."""
        return data_quality_metrics(
            self.statistics,
            self.constraints,
            drift=self.distances,
            type_counts=self.type_counts,
            distinct_counts=self.distinct_counts,
            endpoint=endpoint,
            schedule=schedule,
            timestamp=timestamp,
            batch=batch,
        )


def suggest_baseline(
    baseline_df: pd.DataFrame | DatasetProfile,
    *,
    monitoring_config: MonitoringConfig | None = None,
    path: str | Path | None = None,
) -> Baseline:
    """Profile the baseline dataset and suggest constraints, as ``DefaultModelMonitor.suggest_baseline`` does.

    ``baseline_df`` may also be a ``DatasetProfile`` (``engine.profile_csv`` builds one from a
    file of any size in bounded memory). ``monitoring_config`` replaces the container's defaults
    in the suggested constraints.json; ``path`` (the file ``baseline_df`` was read from) only
    names the file in errors.
    """
    if len(baseline_df) == 0:
        raise LabkitInputError("the baseline dataset has no rows", path=path)
    profile = as_profile(baseline_df)
    statistics = statistics_from_columns(profile.columns, item_count=profile.item_count, path=path)
    return Baseline(
        statistics, suggest_constraints(statistics, monitoring_config=monitoring_config)
    )


def monitor(
    window_df: pd.DataFrame | DatasetProfile,
    statistics: Statistics | Baseline,
    constraints: Constraints | None = None,
    *,
    path: str | Path | None = None,
) -> MonitoringReport:
    """Check one window against the baseline, as one monitoring execution does.

    ``statistics`` may be a ``Baseline`` (its constraints are used unless ``constraints`` is
    given). With bare statistics and no constraints, the suggested defaults are used. ``path``
    (the file ``window_df`` was read from) only names the file in errors.
    """
    if isinstance(statistics, Baseline):
        constraints = constraints or statistics.constraints
        statistics = statistics.statistics
    if constraints is None:
        constraints = suggest_constraints(statistics)
    profile = as_profile(window_df)
    columns = profile.columns
    window_statistics = statistics_from_columns(columns, item_count=profile.item_count, path=path)
    drift = measure_drift(statistics, constraints, columns)
    violations = check_constraints(constraints, columns, item_count=profile.item_count, drift=drift)
    return MonitoringReport(
        statistics=window_statistics,
        violations=violations,
        drift=drift,
        constraints=constraints,
        type_counts={name: column.type_counts() for name, column in columns.items()},
        distinct_counts=_DistinctCounts(columns),
    )


class _DistinctCounts(Mapping[str, int]):
    """Each column's HyperLogLog++ distinct count, computed when first read (metrics only)."""

    def __init__(self, columns: Mapping[str, object]) -> None:
        self._columns, self._counts = columns, {}

    def __getitem__(self, name: str) -> int:
        if name not in self._counts:
            self._counts[name] = self._columns[name].distinct_count()
        return self._counts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)
