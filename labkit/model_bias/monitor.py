"""ModelBiasMonitor's twin: ``suggest_baseline`` then ``monitor`` each window for bias drift.

The baseline job runs every pre- and post-training metric (``run_bias`` defaults to
``methods="all"`` for both) and its **analysis.json is the suggested constraints file**
(``ClarifyBaseliningJob.suggested_constraints`` reads it). Each monitoring execution computes the
window's analysis.json, compares each (facet, facet value, metric) with the baseline's and writes
constraint_violations.json; the metrics go to CloudWatch as ``bias_metric_<NAME>``
(reference: bias.md §8; AWS pages clarify-model-monitor-bias-drift-baseline,
-bias-drift-violations and -bias-drift-cw).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.clarify_files import write_analysis_files, write_execution_files
from labkit.cloudwatch import DEFAULT_ENDPOINT, DEFAULT_SCHEDULE, MetricDatum, dimensions, namespace
from labkit.errors import LabkitInputError
from labkit.model_bias.bootstrap import (
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_CONFIDENCE_LEVEL,
    BootstrapInterval,
    bootstrap_intervals,
)
from labkit.model_bias.config import BiasConfig
from labkit.model_bias.report import ANALYSIS_FILE, BiasReport, run_bias
from labkit.model_bias.violations import (
    CHECKED_STAGES,
    ConstraintViolations,
    allowed_range,
    check_baseline,
    check_drift,
    entries,
    is_violation,
)

__all__ = [
    "BIAS_STAGES",
    "CLOUDWATCH_INFINITY",
    "RULES",
    "Baseline",
    "MonitoringReport",
    "monitor",
    "suggest_baseline",
]

RULES = ("point", "bootstrap")
# clarify-model-monitor-bias-drift-cw: ±infinity is published as ±2.348543e108; BiasStage spellings.
CLOUDWATCH_INFINITY = 2.348543e108
BIAS_STAGES = {"pre_training": "Pre-training", "post_training": "Post-Training"}


@dataclass(frozen=True)
class Baseline:
    """The baseline job's output: its analysis.json (the constraints) and the config it ran with."""

    analysis: BiasReport
    config: BiasConfig

    def to_json(self, directory: str | Path) -> Path:
        """Write what a baselining job leaves: analysis.json and the reports, plus analysis_config.json.

        Returns analysis.json's path. The SDK uploads the config into the same output prefix.
        """
        self.config.to_json(directory)
        return write_analysis_files(directory, self.analysis.to_dict())[0]

    @classmethod
    def from_json(cls, path: str | Path) -> Baseline:
        """Read a baseline directory (or its analysis.json) holding both files."""
        directory = Path(path)
        if directory.suffix == ".json":
            directory = directory.parent
        return cls(BiasReport.from_json(directory / ANALYSIS_FILE), BiasConfig.from_json(directory))


def suggest_baseline(
    baseline_df: pd.DataFrame,
    *,
    label: str,
    label_values_or_threshold: Any,
    facet: str,
    predicted_label: str,
    facet_values_or_threshold: Any = None,
    group_variable: str | None = None,
    probability_threshold: float | None = None,
    methods: str | Sequence[str] = "all",
) -> Baseline:
    """Run the baseline job: pre- and post-training metrics of ``baseline_df`` (see ``bias_report``)."""
    if predicted_label is None:
        raise LabkitInputError("a bias baseline needs the model's predictions (predicted_label)")
    config = BiasConfig(
        label=label,
        label_values_or_threshold=label_values_or_threshold,
        facet=facet,
        facet_values_or_threshold=facet_values_or_threshold,
        predicted_label=predicted_label,
        group_variable=group_variable,
        probability_threshold=probability_threshold,
        methods=methods,
    )
    return Baseline(run_bias(baseline_df, config), config)


@dataclass(frozen=True)
class MonitoringReport:
    """One bias-drift execution: the window's analysis.json, its violations and (bootstrap) the intervals."""

    analysis: BiasReport
    violations: ConstraintViolations
    baseline: Baseline
    rule: str = "point"
    intervals: tuple[BootstrapInterval, ...] = field(default=())

    @property
    def has_violations(self) -> bool:
        return len(self.violations) > 0

    def to_json(self, directory: str | Path) -> Path:
        """Write what the execution writes into ``directory``; return it.

        ``analysis.json`` and the reports always; ``constraint_violations.json`` only when there
        are violations, as real Clarify executions do (``labkit.clarify_files``).
        """
        write_execution_files(directory, self.analysis, self.violations)
        return Path(directory)

    def to_frame(self) -> pd.DataFrame:
        """Per metric: baseline, allowed range A, window value, interval C (if any) and the verdict.

        ``outside`` says whether the value (point rule) or C (bootstrap rule) misses A;
        ``violation`` whether constraint_violations.json lists it, which only a checked
        (post-training) metric can (``violations.CHECKED_STAGES``).
        """
        config = self.baseline.config
        constraints = entries(self.baseline.analysis, config)
        spans = {
            (i.stage, i.facet, config.facet_value(i.value_or_threshold), i.metric): i
            for i in self.intervals
        }
        rows = []
        for key, (value_or_threshold, value) in entries(self.analysis, config).items():
            b = constraints.get(key, (None, None))[1]
            low, high = allowed_range(key[3], b) if b is not None else (math.nan, math.nan)
            span = spans.get(key)
            comparable = b is not None and value is not None
            interval = (
                (span.lower, span.upper) if span is not None and self.rule == "bootstrap" else None
            )
            outside = comparable and is_violation(key[3], value, b, interval)
            rows.append(
                {
                    "stage": key[0],
                    "facet": key[1],
                    "facet_value": key[2],
                    "value_or_threshold": value_or_threshold,
                    "metric": key[3],
                    "baseline": math.nan if b is None else b,
                    "allowed_min": low,
                    "allowed_max": high,
                    "value": math.nan if value is None else value,
                    "ci_lower": math.nan if span is None else span.lower,
                    "ci_upper": math.nan if span is None else span.upper,
                    "outside": outside,
                    "violation": outside and key[0] in CHECKED_STAGES,
                }
            )
        return pd.DataFrame(rows)

    def cloudwatch_metrics(
        self,
        *,
        timestamp: datetime,
        endpoint: str = DEFAULT_ENDPOINT,
        schedule: str = DEFAULT_SCHEDULE,
        batch: bool = False,
    ) -> list[MetricDatum]:
        """``bias_metric_<NAME>`` per metric entry; errors (null values) are not published."""
        config = self.baseline.config
        out = []
        for stage, block in self.analysis.stages():
            for facet, groups in block.facets:
                for group in groups:
                    dims = dimensions(
                        endpoint=None if batch else endpoint,
                        schedule=schedule,
                        BiasStage=BIAS_STAGES[stage],
                        Label=block.label,
                        LabelValue=config.label_value(),
                        Facet=facet,
                        FacetValue=config.facet_value(group.value_or_threshold),
                    )
                    for m in group.metrics:
                        if m.value is None:
                            continue
                        value = (
                            math.copysign(CLOUDWATCH_INFINITY, m.value)
                            if math.isinf(m.value)
                            else m.value
                        )
                        out.append(
                            MetricDatum(
                                namespace("ModelBias", batch=batch),
                                f"bias_metric_{m.name}",
                                dims,
                                timestamp,
                                value,
                            )
                        )
        return out


def monitor(
    window_df: pd.DataFrame,
    baseline: Baseline,
    *,
    rule: str = "point",
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    confidence_level: float = DEFAULT_CONFIDENCE_LEVEL,
    seed: int = 0,
    path: str | Path | None = None,
) -> MonitoringReport:
    """One monitoring execution over ``window_df`` with the baseline's config.

    ``rule="point"`` flags a metric whose window value is farther from parity than the baseline's
    (the violations page); ``rule="bootstrap"`` flags one whose Normal Bootstrap interval, from
    ``n_bootstrap`` resamples at ``confidence_level`` (seeded by ``seed``), misses the allowed range
    (the bias-drift overview). See ``violations.is_violation``. ``path`` (the file
    ``window_df`` was read from) only names the file in errors.
    """
    if rule not in RULES:
        raise LabkitInputError(f"rule must be one of {RULES}, got {rule!r}")
    config = baseline.config
    check_baseline(baseline.analysis, config)  # before the window is analysed
    analysis = run_bias(window_df, config, path=path)
    intervals: tuple[BootstrapInterval, ...] = ()
    spans = None
    if rule == "bootstrap":
        intervals = bootstrap_intervals(
            window_df,
            config,
            n_bootstrap=n_bootstrap,
            confidence_level=confidence_level,
            seed=seed,
            path=path,
        )
        spans = {
            (i.stage, i.facet, config.facet_value(i.value_or_threshold), i.metric): (
                i.lower,
                i.upper,
            )
            for i in intervals
        }
    violations = check_drift(baseline.analysis, analysis, config, spans)
    return MonitoringReport(analysis, violations, baseline, rule, intervals)
