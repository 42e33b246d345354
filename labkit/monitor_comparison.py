"""The four Model Monitor types side by side: focus, requirement, tool and key metric.

AWS lists four types of monitoring (*Monitor models for data and model quality, bias, and
explainability*, https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html): data
quality, model quality, bias drift and feature attribution drift. ``compare_monitors`` builds
that comparison from the monitoring reports a learner produced: a monitor that was run gets its
row from its report (the metric it measured, what fired, the label and facet it used); a monitor
that was not run gets the static row of ``STATIC_DESCRIPTIONS``, each fact cited to its AWS page.

    from labkit import monitor_comparison
    table = monitor_comparison.compare_monitors(model_explainability=report)   # others static
    table.to_frame()
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

__all__ = [
    "MONITOR_TYPES",
    "STATIC_DESCRIPTIONS",
    "MonitorComparison",
    "MonitorRow",
    "compare_monitors",
]

MONITOR_TYPES = ("data_quality", "model_quality", "model_bias", "model_explainability")
NOT_RUN = "not run here"  # the "your run" cell of a static row

_DOCS = "https://docs.aws.amazon.com/sagemaker/latest/dg/"


@dataclass(frozen=True)
class MonitorRow:
    """One monitor type: the four facts of the comparison, what the learner's run showed, sources."""

    monitor_type: str  # a key of MONITOR_TYPES
    monitor: str
    focus: str
    requirement: str
    tool: str
    key_metric: str
    your_run: str = NOT_RUN
    sources: tuple[str, ...] = ()  # the AWS pages behind the static facts

    @property
    def from_run(self) -> bool:
        """True when this row was built from a report the learner produced."""
        return self.your_run != NOT_RUN


# Every fact below is checked against the AWS page(s) in ``sources``.
STATIC_DESCRIPTIONS: dict[str, MonitorRow] = {
    "data_quality": MonitorRow(
        "data_quality",
        monitor="Data quality",
        focus="drift in the statistics of the input data (P(X)) away from the baseline dataset",
        requirement="data capture of the inputs; a baseline dataset; no ground truth",
        tool="SageMaker Model Monitor, DefaultModelMonitor (prebuilt container, Deequ)",
        key_metric="per-feature statistics and constraints; baseline_drift_check distance above "
        "comparison_threshold (0.1 by default)",
        sources=(
            _DOCS + "model-monitor-data-quality.html",
            _DOCS + "model-monitor-byoc-constraints.html",
        ),
    ),
    "model_quality": MonitorRow(
        "model_quality",
        monitor="Model quality",
        focus="the model's performance: its predictions compared with the actual labels",
        requirement="data capture of inputs and predictions; ground-truth labels in S3, merged "
        "with the captured predictions",
        tool="SageMaker Model Monitor, ModelQualityMonitor",
        key_metric="metrics of the problem type, e.g. accuracy, precision, recall, F1, AUC "
        "(binary) or MAE, MSE, RMSE, R² (regression), against constraint thresholds",
        sources=(
            _DOCS + "model-monitor-model-quality.html",
            _DOCS + "model-monitor-model-quality-metrics.html",
        ),
    ),
    "model_bias": MonitorRow(
        "model_bias",
        monitor="Bias drift",
        focus="bias in the model's predictions for a facet (group) of the data",
        requirement="data capture; a bias analysis configuration (label, facet); ground-truth labels",
        tool="SageMaker Clarify, ModelBiasMonitor",
        key_metric="Clarify bias metrics such as DPPL; alert when a metric leaves its allowed range",
        sources=(
            _DOCS + "clarify-model-monitor-bias-drift.html",
            _DOCS + "clarify-model-monitor-bias-drift-schedule.html",
        ),
    ),
    "model_explainability": MonitorRow(
        "model_explainability",
        monitor="Feature attribution drift",
        focus="the ranking of features by their global SHAP attributions",
        requirement="data capture of the features; a SHAP baseline and the model (ModelConfig); "
        "no ground truth",
        tool="SageMaker Clarify, ModelExplainabilityMonitor",
        key_metric="NDCG of the live attribution ranking against the baseline's; alert below 0.90",
        sources=(
            _DOCS + "clarify-model-monitor-feature-attribution-drift.html",
            _DOCS + "clarify-model-monitor-feature-attribute-drift-schedule.html",
        ),
    ),
}

# The headline metrics reported from a model-quality run, per problem type (model-monitor-model-quality-metrics).
HEADLINE_METRICS = {
    "BinaryClassification": ("accuracy", "f1", "auc"),
    "MulticlassClassification": ("accuracy", "weighted_f1"),
    "Regression": ("rmse", "r2"),
}


@dataclass(frozen=True)
class MonitorComparison:
    """The four rows, in MONITOR_TYPES order."""

    rows: tuple[MonitorRow, ...]

    def row(self, monitor_type: str) -> MonitorRow:
        for r in self.rows:
            if r.monitor_type == monitor_type:
                return r
        raise KeyError(
            f"no monitor type {monitor_type!r}; choose one of {', '.join(MONITOR_TYPES)}"
        )

    @property
    def from_runs(self) -> tuple[str, ...]:
        """The monitor types whose rows come from the learner's reports."""
        return tuple(r.monitor_type for r in self.rows if r.from_run)

    def to_frame(self) -> pd.DataFrame:
        """One row per monitor: monitor, focus, requirement, tool, key metric, your run."""
        columns = ["monitor", "focus", "requirement", "tool", "key_metric", "your_run"]
        return pd.DataFrame(
            [{c: getattr(r, c) for c in columns} for r in self.rows], columns=columns
        )


def compare_monitors(
    *,
    data_quality: Any = None,
    model_quality: Any = None,
    model_bias: Any = None,
    model_explainability: Any = None,
) -> MonitorComparison:
    """Build the four-monitor comparison from whichever ``MonitoringReport``s are given.

    Each argument is the ``MonitoringReport`` of that twin's ``monitor()`` (for example
    ``labkit.model_explainability.monitor(...)``) or None, in which case the row is the
    documented static description. A report of the wrong twin raises TypeError.
    """
    given = {
        "data_quality": data_quality,
        "model_quality": model_quality,
        "model_bias": model_bias,
        "model_explainability": model_explainability,
    }
    rows = []
    for monitor_type in MONITOR_TYPES:
        report = given[monitor_type]
        static = STATIC_DESCRIPTIONS[monitor_type]
        if report is None:
            rows.append(static)
            continue
        _check_type(monitor_type, report)
        rows.append(_ROW_BUILDERS[monitor_type](static, report))
    return MonitorComparison(tuple(rows))


def _check_type(monitor_type: str, report: Any) -> None:
    import importlib

    expected = importlib.import_module(f"labkit.{monitor_type}").MonitoringReport
    if not isinstance(report, expected):
        raise TypeError(
            f"{monitor_type}= expects labkit.{monitor_type}.MonitoringReport, got {type(report).__module__}.{type(report).__name__}"
        )


def _violations(n: int, names: set[str]) -> str:
    if n == 0:
        return "no violation"
    return f"{n} violation{'s' if n != 1 else ''} ({', '.join(sorted(names))})"


def _data_quality_row(static: MonitorRow, report: Any) -> MonitorRow:
    measured = {f: d for f, d in report.drift.items() if not math.isnan(d.value)}
    drifted = sorted(f for f, d in measured.items() if d.is_violation)
    threshold = report.constraints.monitoring_config.comparison_threshold
    drift_text = f"baseline_drift_check fired on {len(drifted)} of {len(measured)} features"
    if drifted:
        drift_text += f" ({', '.join(drifted)})"
    return replace(
        static,
        key_metric=f"per-feature statistics and constraints; baseline_drift_check distance above "
        f"comparison_threshold {threshold:g}",
        your_run=f"{drift_text}; {_violations(len(report.violations.violations), report.violations.check_types())}",
    )


def _model_quality_row(static: MonitorRow, report: Any) -> MonitorRow:
    statistics = report.statistics
    values = statistics.scalar_metrics()
    shown = [
        f"{m} {values[m]:.3f}"
        for m in HEADLINE_METRICS[statistics.problem_type]
        if m in values and not math.isnan(values[m])
    ]
    metrics = ", ".join(HEADLINE_METRICS[statistics.problem_type])
    return replace(
        static,
        key_metric=f"{statistics.problem_type} metrics (e.g. {metrics}) against constraint thresholds",
        your_run=f"{', '.join(shown) or 'metrics undefined'} on {statistics.item_count} labelled rows; "
        f"{_violations(len(report.violations), report.violations.metric_names())}",
    )


def _model_bias_row(static: MonitorRow, report: Any) -> MonitorRow:
    config = report.baseline.config
    metrics = sorted(
        {
            m.name
            for _, block in report.analysis.stages()
            for _, groups in block.facets
            for g in groups
            for m in g.metrics
        }
    )
    return replace(
        static,
        requirement=f"data capture; a bias analysis configuration (label {config.label!r}, facet "
        f"{config.facet!r}); ground-truth labels",
        your_run=f"{len(metrics)} bias metrics computed ({report.rule} rule); "
        f"{_violations(len(report.violations), report.violations.metric_names())}",
    )


def _model_explainability_row(static: MonitorRow, report: Any) -> MonitorRow:
    scores = "; ".join(
        f"NDCG {score:.3f} for label {label!r}" for label, score in report.ndcg.items()
    )
    return replace(
        static,
        key_metric=f"NDCG of the live attribution ranking against the baseline's; alert below {report.threshold:.2f}",
        your_run=f"{scores}; {_violations(len(report.violations), report.violations.check_types())}",
    )


_ROW_BUILDERS = {
    "data_quality": _data_quality_row,
    "model_quality": _model_quality_row,
    "model_bias": _model_bias_row,
    "model_explainability": _model_explainability_row,
}
