"""ModelBiasMonitor's twin: baseline files, monitoring executions, CloudWatch metrics (bias.md §8)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from labkit.errors import LabkitInputError
from labkit.model_bias import (
    POSTTRAINING_METRICS,
    Baseline,
    BiasReport,
    monitor,
    suggest_baseline,
)
from labkit.model_bias.monitor import CLOUDWATCH_INFINITY

OPTIONS = {
    "label": "label",
    "label_values_or_threshold": [1],
    "facet": "age",
    "facet_values_or_threshold": [40],
    "predicted_label": "score",
    "probability_threshold": 0.5,
    "group_variable": "region",
}
WHEN = datetime(2024, 5, 1, 13, tzinfo=UTC)


def _data(n=1200, seed=0, favour_old=0.0):
    """Ages 18–99 on 1,200 rows (82/1200 ≥ 5 % distinct: continuous); favour_old shifts older scores."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 100, n)
    x = rng.normal(size=n)
    label = (rng.random(n) < 0.45).astype(int)
    score = np.clip(
        0.45 + 0.2 * x + 0.1 * label + favour_old * (age > 40) + rng.normal(0, 0.1, n), 0, 1
    )
    return pd.DataFrame(
        {"age": age, "x": x, "region": rng.integers(0, 3, n), "label": label, "score": score}
    )


@pytest.fixture(scope="module")
def baseline():
    return suggest_baseline(_data(), **OPTIONS)


def test_baseline_writes_the_constraints_and_its_config_and_reads_them_back(baseline, tmp_path):
    path = baseline.to_json(tmp_path)
    assert path.name == "analysis.json"
    # A baselining job's output with the config the SDK uploads beside it (real 2023/2024 runs).
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "analysis.json", "analysis_config.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip
    data = json.loads(path.read_text())
    # The real baselines' order (2023, 2024 runs; tests/fixtures/real/): post-training first.
    assert list(data) == ["version", "post_training_bias_metrics", "pre_training_bias_metrics"]
    assert (
        data["post_training_bias_metrics"]["facets"]["age"][0]["value_or_threshold"] == "(40, 99]"
    )
    config = json.loads((tmp_path / "analysis_config.json").read_text())
    assert config["facet"] == [{"name_or_index": "age", "value_or_threshold": [40]}]
    assert config["methods"]["post_training_bias"] == {"methods": "all"}
    assert Baseline.from_json(tmp_path) == baseline


def test_baseline_needs_predictions():
    with pytest.raises(LabkitInputError, match="predicted_label"):
        suggest_baseline(_data(), **(OPTIONS | {"predicted_label": None}))


def test_the_baseline_data_itself_has_no_violations(baseline):
    report = monitor(_data(), baseline)
    assert not report.has_violations
    assert report.analysis == baseline.analysis


def test_a_window_that_favours_older_applicants_violates_dppl_and_di(baseline, tmp_path):
    report = monitor(_data(seed=5, favour_old=0.3), baseline)
    assert report.has_violations
    assert {"DPPL", "DI"} <= report.violations.metric_names()
    dppl = next(v for v in report.violations.violations if v.metric_name == "DPPL")
    entry = report.analysis.post_training.facets[0][1][0]
    # facet_value is the window's value_or_threshold, as in real executions ("(100, 232]").
    assert (dppl.facet, dppl.facet_value, dppl.constraint_check_type) == (
        "age",
        entry.value_or_threshold,
        "bias_drift_check",
    )
    assert entry.value_or_threshold.startswith("(40, ")
    value, limit = report.analysis.get("DPPL").value, baseline.analysis.get("DPPL").value
    assert dppl.description == (
        f"Metric value {value!r} doesn't meet the baseline constraint requirement {limit!r}"
    )
    # Only post-training metrics are checked, as in every real bias drift execution.
    assert report.violations.metric_names() <= {m.name for m in POSTTRAINING_METRICS}
    out = report.to_json(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        "analysis.json", "constraint_violations.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip: the real execution's file set
    assert BiasReport.from_json(out) == report.analysis


def test_bootstrap_rule_is_more_tolerant_than_the_point_rule(baseline):
    window = _data(seed=9)  # the same process, another sample: only sampling noise
    point = monitor(window, baseline)
    boot = monitor(window, baseline, rule="bootstrap", n_bootstrap=100, seed=0)
    assert boot.violations.metric_names() <= point.violations.metric_names()
    assert len(boot.violations) < len(point.violations)
    assert boot.intervals and not point.intervals
    frame = boot.to_frame().set_index("metric")
    for name in boot.violations.metric_names():
        row = frame.loc[name]
        assert row.ci_upper < row.allowed_min or row.ci_lower > row.allowed_max


def test_unknown_rule_is_refused(baseline):
    with pytest.raises(LabkitInputError, match="rule"):
        monitor(_data(), baseline, rule="strict")


def test_to_frame_lists_every_metric_with_its_allowed_range(baseline):
    frame = monitor(_data(seed=5, favour_old=0.3), baseline).to_frame()
    assert len(frame) == 21
    row = frame.set_index("metric").loc["DI"]
    assert (row.allowed_min, row.allowed_max) == pytest.approx(
        (1 - abs(row.baseline - 1), 1 + abs(row.baseline - 1))
    )
    assert frame.violation.sum() > 0


def test_cloudwatch_metrics_follow_the_bias_drift_page(baseline):
    report = monitor(_data(seed=5, favour_old=0.3), baseline)
    data = report.cloudwatch_metrics(timestamp=WHEN, endpoint="credit-ep", schedule="hourly")
    names = {d.metric_name for d in data}
    assert "bias_metric_DPPL" in names and "bias_metric_CI" in names
    dppl = next(d for d in data if d.metric_name == "bias_metric_DPPL")
    assert dppl.namespace == "aws/sagemaker/Endpoints/bias-metrics"
    assert dict(dppl.dimensions) == {
        "Endpoint": "credit-ep",
        "MonitoringSchedule": "hourly",
        "BiasStage": "Post-Training",
        "Label": "label",
        "LabelValue": "1",
        "Facet": "age",
        "FacetValue": "40",
    }
    assert next(d for d in data if d.metric_name == "bias_metric_CI").dimensions[2] == (
        "BiasStage",
        "Pre-training",
    )
    assert dppl.value == report.analysis.get("DPPL").value


def test_cloudwatch_skips_errors_and_caps_infinity(tmp_path):
    df = pd.DataFrame(
        {"g": ["a", "d"] * 30, "y": ["yes", "yes", "no"] * 20, "p": ["yes", "no"] * 30}
    )
    df.loc[df.g == "a", "p"] = "yes"  # a: all predicted positive, with negative labels → r_a = inf
    df.loc[df.g == "d", "y"] = "yes"
    base = suggest_baseline(
        df,
        label="y",
        label_values_or_threshold=["yes"],
        facet="g",
        facet_values_or_threshold=["d"],
        predicted_label="p",
    )
    report = monitor(df, base)
    assert report.analysis.get("DCR").value == -math.inf
    batch = report.cloudwatch_metrics(timestamp=WHEN, batch=True)
    dcr = next(d for d in batch if d.metric_name == "bias_metric_DCR")
    assert dcr.value == -CLOUDWATCH_INFINITY == -2.348543e108
    assert dcr.namespace == "aws/sagemaker/ModelMonitoring/bias-metrics"
    assert "Endpoint" not in dict(dcr.dimensions)
    assert "bias_metric_CDDL" not in {
        d.metric_name for d in batch
    }  # an error entry is not published


@pytest.mark.parametrize("rule", ["point", "bootstrap"])
def test_window_errors_name_the_file_it_came_from(baseline, rule):
    with pytest.raises(LabkitInputError, match=r"^window\.csv: the dataset has no rows"):
        monitor(_data().iloc[:0], baseline, rule=rule, n_bootstrap=10, path="window.csv")


def test_window_errors_keep_their_column_when_the_file_is_added(baseline):
    with pytest.raises(LabkitInputError) as info:
        monitor(_data().drop(columns=["score"]), baseline, path="window.csv")
    assert (info.value.path, info.value.column) == ("window.csv", "score")


@pytest.mark.parametrize("threshold", [7, -0.1, math.nan, "half"])
def test_probability_threshold_outside_0_1_is_refused(threshold):
    with pytest.raises(
        LabkitInputError, match="probability_threshold must be a number from 0 to 1"
    ):
        suggest_baseline(_data(200), **(OPTIONS | {"probability_threshold": threshold}))


def test_probability_threshold_outside_0_1_in_an_analysis_config_names_the_file(tmp_path, baseline):
    baseline.to_json(tmp_path)
    config = json.loads((tmp_path / "analysis_config.json").read_text())
    (tmp_path / "analysis_config.json").write_text(
        json.dumps(config | {"probability_threshold": 7})
    )
    with pytest.raises(LabkitInputError) as info:
        Baseline.from_json(tmp_path)
    assert info.value.path == str(tmp_path / "analysis_config.json")


def test_monitor_refuses_a_baseline_it_cannot_compare_with(baseline):
    """Before any computing: a baseline with no stage, or made for another facet, is refused."""
    from dataclasses import replace

    with pytest.raises(LabkitInputError, match="holds neither pre_training_bias_metrics"):
        monitor(_data(seed=1), replace(baseline, analysis=BiasReport(None, None)))
    other = replace(baseline, config=replace(baseline.config, facet="region"))
    with pytest.raises(LabkitInputError, match="facets has no facet 'region' \\(it has: age\\)"):
        monitor(_data(seed=1), other)
    threshold = replace(baseline, config=replace(baseline.config, facet_values_or_threshold=(60,)))
    with pytest.raises(LabkitInputError, match="no entry for facet value '60'"):
        monitor(_data(seed=1), threshold)
