"""CloudWatch metrics of a data quality execution (reference data-quality.md §7.2)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from labkit import cloudwatch, data_quality
from labkit.data_quality.constraints import ConfigOverrides

WHEN = datetime(2024, 5, 1, 13, tzinfo=UTC)


@pytest.fixture(scope="module")
def report() -> data_quality.MonitoringReport:
    rng = np.random.default_rng(0)
    base = pd.DataFrame(
        {
            "x": rng.normal(size=500).round(3),
            "k": rng.choice(np.array(["a", "b"], dtype=object), 500),
        }
    )
    window = pd.DataFrame(
        {
            "x": np.r_[rng.normal(2, 1, 95).round(3), [np.nan] * 5],
            "k": ["a"] * 60 + ["b"] * 39 + ["true"],
        }
    )
    return data_quality.monitor(window, data_quality.suggest_baseline(base))


def by_name(metrics):
    return {m.metric_name: m for m in metrics}


def test_metric_names_values_and_dimensions(report):
    metrics = by_name(report.cloudwatch_metrics(endpoint="ep", schedule="sch", timestamp=WHEN))
    assert metrics["feature_baseline_drift_x"].value == report.distances["x"] > 0
    assert metrics["feature_non_null_x"].value == 0.95
    assert metrics["feature_completeness_x"].value == 0.95
    assert metrics["feature_null_x"].value == 5.0
    data = metrics["feature_data_x"].statistic_values
    x = report.statistics.feature("x").numerical
    assert data == {"SampleCount": 95.0, "Sum": x.sum, "Minimum": x.min, "Maximum": x.max}
    assert "feature_data_k" not in metrics  # String features have no numeric summary
    assert metrics["feature_boolean_counts_k"].value == 1.0  # "true" is a Boolean value
    assert metrics["feature_string_counts_k"].value == 99.0
    assert metrics["feature_estimated_unique_values_k"].value == 3.0
    for m in metrics.values():
        assert m.namespace == "aws/sagemaker/Endpoints/data-metrics"
        assert m.timestamp == WHEN
        feature = m.metric_name.rsplit("_", 1)[1]
        assert m.dimensions == (
            ("Endpoint", "ep"),
            ("MonitoringSchedule", "sch"),
            ("Feature", feature),
        )


def test_batch_namespace_has_no_endpoint(report):
    metrics = report.cloudwatch_metrics(timestamp=WHEN, batch=True)
    assert {m.namespace for m in metrics} == {cloudwatch.namespace("DataQuality", batch=True)}
    assert all(m.dimensions[0][0] == "MonitoringSchedule" for m in metrics)


def test_emit_metrics_switches(report):
    off = dataclasses.replace(report.constraints.monitoring_config, emit_metrics="Disabled")
    silent = dataclasses.replace(
        report, constraints=dataclasses.replace(report.constraints, monitoring_config=off)
    )
    assert silent.cloudwatch_metrics(timestamp=WHEN) == []
    features = tuple(
        dataclasses.replace(f, overrides=ConfigOverrides(emit_metrics="Disabled"))
        if f.name == "x"
        else f
        for f in report.constraints.features
    )
    only_k = dataclasses.replace(
        report, constraints=dataclasses.replace(report.constraints, features=features)
    )
    assert {m.dimensions[-1][1] for m in only_k.cloudwatch_metrics(timestamp=WHEN)} == {"k"}


def test_metrics_file_is_written_by_cloudwatch(report, tmp_path):
    path = cloudwatch.write_metrics(report.cloudwatch_metrics(timestamp=WHEN), tmp_path)
    frame = cloudwatch.metrics_frame(report.cloudwatch_metrics(timestamp=WHEN))
    assert path.exists() and set(frame["Feature"]) == {"x", "k"}


def test_the_three_names_the_aws_page_documents_are_told_apart_from_the_sdk_dashboards(report):
    from labkit.data_quality.metrics import AWS_PAGE, SDK_DASHBOARD, metric_source

    names = {m.metric_name for m in report.cloudwatch_metrics(timestamp=WHEN)}
    documented = {n for n in names if metric_source(n) == AWS_PAGE}
    # AWS page "CloudWatch Metrics": feature_data_ for numeric fields, the other two for all fields.
    assert documented == {"feature_data_x", "feature_non_null_x", "feature_baseline_drift_x",
                          "feature_non_null_k", "feature_baseline_drift_k"}  # fmt: skip
    assert metric_source("feature_null_x") == SDK_DASHBOARD
    assert metric_source("feature_data") == SDK_DASHBOARD  # a bare prefix names no feature
