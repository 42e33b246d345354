"""The CloudWatch metrics a data quality execution publishes.

Per feature: ``feature_baseline_drift_<f>`` (the drift value, with or without a violation),
``feature_non_null_<f>``, ``feature_data_<f>`` (numeric features, one StatisticValues set) and
the ones the SageMaker Python SDK's data quality dashboard reads. Nothing is emitted when
``monitoring_config.emit_metrics`` (or a feature's override) is Disabled. Reference:
data-quality.md §7.2; AWS page "CloudWatch Metrics for Monitoring Jobs"
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-interpreting-cloudwatch.html).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from labkit import cloudwatch
from labkit.data_quality.constraints import Constraints
from labkit.data_quality.statistics import Statistics
from labkit.data_quality.types import TypeCounts

__all__ = ["DOCUMENTED_METRICS", "FEATURE_DIMENSION", "data_quality_metrics", "metric_source"]

MONITORING_TYPE = "DataQuality"
# [U] reference: data-quality.md §7.2 — the SDK dashboard searches a Feature dimension; its value
# format is undocumented, the twin uses the feature name.
FEATURE_DIMENSION = "Feature"
# The three per-feature metric names the AWS page "CloudWatch Metrics" documents
# (model-monitor-interpreting-cloudwatch). The other eight the twin writes are the names the
# SageMaker Python SDK's data quality dashboard searches [C SDK]; their values are the twin's reading.
DOCUMENTED_METRICS = ("feature_data", "feature_non_null", "feature_baseline_drift")
AWS_PAGE = "AWS CloudWatch Metrics page"
SDK_DASHBOARD = "SageMaker Python SDK dashboard (the kit's reading)"


def metric_source(metric_name: str) -> str:
    """Where a data quality metric name comes from: the AWS page, or the SDK's dashboard."""
    documented = any(metric_name.startswith(f"{prefix}_") for prefix in DOCUMENTED_METRICS)
    return AWS_PAGE if documented else SDK_DASHBOARD


def data_quality_metrics(
    statistics: Statistics,
    constraints: Constraints,
    *,
    drift: Mapping[str, float],
    type_counts: Mapping[str, TypeCounts],
    distinct_counts: Mapping[str, int],
    endpoint: str = cloudwatch.DEFAULT_ENDPOINT,
    schedule: str = cloudwatch.DEFAULT_SCHEDULE,
    timestamp: datetime,
    batch: bool = False,
) -> list[cloudwatch.MetricDatum]:
    """One execution's metrics for every baseline feature found in the window, in window column order.

    ``timestamp`` is the window end. [U] reference: data-quality.md §7.2 (the container's
    end_time). ``batch=True`` gives the batch-transform namespace and drops the Endpoint dimension.
    """
    namespace = cloudwatch.namespace(MONITORING_TYPE, batch=batch)
    out: list[cloudwatch.MetricDatum] = []
    if constraints.monitoring_config.emit_metrics == "Disabled":
        return out
    for feature in statistics.features:
        name = feature.name
        if name not in constraints.names or constraints.config_for(name).emit_metrics == "Disabled":
            continue
        dims = cloudwatch.dimensions(
            endpoint=None if batch else endpoint, schedule=schedule, **{FEATURE_DIMENSION: name}
        )
        # [U] reference: data-quality.md §7.2 — the values behind the documented names: non_null and
        # completeness are the non-null fraction, null and unknown_counts the missing count.
        values: list[tuple[str, float | dict[str, float]]] = []
        if name in drift and not math.isnan(drift[name]):  # CloudWatch accepts no NaN
            values.append(("feature_baseline_drift", float(drift[name])))
        values.append(("feature_non_null", feature.completeness))
        if feature.numerical is not None:
            stats = feature.numerical
            summary = {"SampleCount": float(stats.num_present), "Sum": stats.sum}
            values.append(("feature_data", {**summary, "Minimum": stats.min, "Maximum": stats.max}))
        counts = type_counts[name]
        values += [
            ("feature_null", float(counts.null)),
            ("feature_completeness", feature.completeness),
            ("feature_estimated_unique_values", float(distinct_counts[name])),
            ("feature_fractional_counts", float(counts.fractional)),
            ("feature_integral_counts", float(counts.integral)),
            ("feature_string_counts", float(counts.string)),
            ("feature_boolean_counts", float(counts.boolean)),
            ("feature_unknown_counts", float(counts.null)),
        ]
        for metric, value in values:
            number, statistic_values = (None, value) if isinstance(value, dict) else (value, None)
            out.append(
                cloudwatch.MetricDatum(
                    namespace, f"{metric}_{name}", dims, timestamp, number, statistic_values
                )
            )
    return out
