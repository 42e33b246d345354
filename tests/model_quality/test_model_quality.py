"""suggest_baseline → monitor end to end: files, learner edits, CloudWatch metrics."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from labkit import model_quality, scenarios
from labkit.errors import LabkitInputError

COLUMNS = {"label": "label", "prediction": "prediction", "probability": "probability"}
NOW = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def credit_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Baseline rows, a like-for-like window, and a window whose labels follow a shifted concept."""
    scenario = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(scenario)

    def merged(df: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
        score = model.predict_proba(df[list(scenario.features)])[:, 1]
        return pd.DataFrame(
            {"label": labels, "prediction": (score > 0.5).astype(int), "probability": score}
        )

    window = scenario.window
    shifted = scenarios.draw_labels(
        "credit", window[list(scenario.features)], seed=5, concept_shift=1.0
    )
    return (
        merged(scenario.baseline, scenario.baseline[scenario.target].to_numpy()),
        merged(window, window[scenario.target].to_numpy()),
        merged(window, np.asarray(shifted)),
    )


def test_baseline_then_monitor_on_the_credit_scenario(credit_frames, tmp_path):
    baseline_df, _, shifted_df = credit_frames
    baseline = model_quality.suggest_baseline(
        baseline_df, problem_type="BinaryClassification", **COLUMNS
    )
    assert baseline.problem_type == "BinaryClassification"
    assert not model_quality.monitor(
        baseline_df, baseline, **COLUMNS
    ).has_violations  # threshold = own value
    shifted = model_quality.monitor(shifted_df, baseline, **COLUMNS)
    assert shifted.statistics.value("auc") < baseline.statistics.value("auc")
    assert "auc" in shifted.violations.metric_names()
    assert shifted.has_violations
    loose = baseline
    for name, constraint in baseline.constraints.metrics.items():
        relaxed = 0.0 if constraint.comparison_operator.startswith("Less") else 1e9
        loose = loose.with_threshold(name, relaxed)
    assert not model_quality.monitor(shifted_df, loose, **COLUMNS).has_violations


def test_files_and_round_trips(credit_frames, tmp_path):
    baseline_df, same_df, _ = credit_frames
    baseline = model_quality.suggest_baseline(
        baseline_df, problem_type="BinaryClassification", **COLUMNS
    )
    assert baseline.to_json(tmp_path / "b") == tmp_path / "b"
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "constraints.json",
        "statistics.json",
    ]
    assert model_quality.Baseline.from_json(tmp_path / "b") == baseline
    report = model_quality.monitor(same_df, baseline, **COLUMNS)
    report.to_json(tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "constraint_violations.json",
        "statistics.json",
    ]
    assert model_quality.MonitoringReport.from_json(tmp_path / "r") == report


def test_monitor_reads_an_edited_constraints_file(credit_frames, tmp_path):
    baseline_df, _, shifted_df = credit_frames
    baseline = model_quality.suggest_baseline(
        baseline_df, problem_type="BinaryClassification", **COLUMNS
    )
    only_recall = model_quality.Constraints(
        "BinaryClassification", {"recall": baseline.constraints.metrics["recall"]}
    )
    only_recall.to_json(tmp_path)
    edited = model_quality.Constraints.from_json(tmp_path).with_threshold("recall", 0.0)
    assert not model_quality.monitor(shifted_df, edited, **COLUMNS).has_violations
    strict = edited.with_threshold("recall", 1.0)
    assert model_quality.monitor(shifted_df, strict, **COLUMNS).violations.metric_names() == {
        "recall"
    }


def test_cloudwatch_metrics_one_per_scalar_metric():
    df = pd.DataFrame(
        {
            "label": [1, 1, 0, 0, 1],
            "prediction": [1, 1, 1, 1, 1],
            "probability": [0.9, 0.8, 0.7, 0.6, 0.95],
        }
    )
    baseline = model_quality.suggest_baseline(df, problem_type="BinaryClassification", **COLUMNS)
    window = df.assign(
        label=[1, 1, 1, 1, 1]
    )  # one class: auc and the negative-class rates are undefined
    report = model_quality.monitor(window, baseline, **COLUMNS)
    data = report.cloudwatch_metrics(endpoint="ep", schedule="sched", timestamp=NOW)
    names = [d.metric_name for d in data]
    assert names == [n for n, v in report.statistics.scalar_metrics().items() if not math.isnan(v)]
    assert "auc" not in names and "recall" in names  # NaN is not published
    assert {d.namespace for d in data} == {"aws/sagemaker/Endpoints/model-metrics"}
    assert data[0].dimensions == (("Endpoint", "ep"), ("MonitoringSchedule", "sched"))
    batch = report.cloudwatch_metrics(schedule="sched", timestamp=NOW, batch=True)
    assert batch[0].namespace == "aws/sagemaker/ModelMonitoring/model-metrics"
    assert batch[0].dimensions == (("MonitoringSchedule", "sched"),)
    assert any("auc not checked" in n for n in report.notes)


def test_regression_and_multiclass_problem_types():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    reg = pd.DataFrame({"y": y, "yhat": y + rng.normal(scale=0.3, size=300)})
    baseline = model_quality.suggest_baseline(
        reg, problem_type="Regression", label="y", prediction="yhat"
    )
    worse = reg.assign(yhat=reg.yhat + 1.0)
    report = model_quality.monitor(worse, baseline, label="y", prediction="yhat")
    assert {"mae", "mse", "rmse", "r2"} == report.violations.metric_names()
    assert report.violations.check_types() == {"GreaterThanThreshold", "LessThanThreshold"}
    classes = rng.choice(["a", "b", "c"], size=300)
    multi = pd.DataFrame({"t": classes, "p": np.where(rng.random(300) < 0.8, classes, "a")})
    base = model_quality.suggest_baseline(
        multi, problem_type="MulticlassClassification", label="t", prediction="p"
    )
    assert "weighted_f1" in base.constraints.metrics
    regression_constraints = model_quality.Constraints("Regression", {})
    with pytest.raises(LabkitInputError, match="column 't': expected a finite number, found 'c'"):
        model_quality.monitor(
            multi, regression_constraints, label="t", prediction="p"
        )  # the constraints' type


def test_errors_name_the_file_the_rows_came_from():
    empty = pd.DataFrame({"label": [], "prediction": []})
    with pytest.raises(LabkitInputError, match=r"^merged\.csv: no rows to analyse"):
        model_quality.suggest_baseline(
            empty, problem_type="BinaryClassification", label="label", prediction="prediction",
            path="merged.csv",
        )  # fmt: skip
    infinite = pd.DataFrame({"label": [1, 0], "prediction": [1, 0], "probability": [np.inf, 0.2]})
    with pytest.raises(LabkitInputError) as info:
        model_quality.suggest_baseline(
            infinite, problem_type="BinaryClassification", path="merged.csv", **COLUMNS
        )
    assert str(info.value) == (
        "merged.csv, column 'probability': expected a finite number, found inf (data row 1)"
    )  # the cell as written, not numpy's repr np.float64(inf)


def test_regression_values_that_overflow_the_metrics_are_refused_without_warnings(recwarn):
    labels = np.where(np.arange(50) % 2, 1e308, -1e308)
    df = pd.DataFrame({"y": labels, "yhat": np.arange(50.0)})
    with pytest.raises(LabkitInputError) as info:
        model_quality.suggest_baseline(
            df, problem_type="Regression", label="y", prediction="yhat", path="r.csv"
        )
    assert (info.value.path, info.value.column) == ("r.csv", "y")  # the column with the huge values
    assert "overflows a double" in info.value.reason
    assert [str(w.message) for w in recwarn] == []
    big_predictions = pd.DataFrame({"y": np.arange(50.0), "yhat": labels})
    with pytest.raises(LabkitInputError, match="column 'yhat'"):
        model_quality.suggest_baseline(
            big_predictions, problem_type="Regression", label="y", prediction="yhat"
        )


@pytest.mark.parametrize("threshold", [1.5, -0.2, math.nan, "high"])
def test_probability_threshold_outside_0_1_is_refused(threshold):
    df = pd.DataFrame({"label": [1, 0, 1, 0], "probability": [0.9, 0.1, 0.8, 0.3]})
    with pytest.raises(
        LabkitInputError, match="probability threshold must be a number from 0 to 1"
    ):
        model_quality.suggest_baseline(
            df, problem_type="BinaryClassification", label="label", probability="probability",
            probability_threshold=threshold,
        )  # fmt: skip


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_probability_threshold_at_the_ends_of_0_1_is_accepted(threshold):
    df = pd.DataFrame({"label": [1, 0, 1, 0], "probability": [0.9, 0.1, 0.8, 0.3]})
    baseline = model_quality.suggest_baseline(
        df, problem_type="BinaryClassification", label="label", probability="probability",
        probability_threshold=threshold,
    )  # fmt: skip
    assert baseline.statistics.item_count == 4
