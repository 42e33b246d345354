"""suggest_baseline → monitor: files, NDCG, violations and CloudWatch metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from labkit.errors import LabkitInputError
from labkit.model_explainability.monitor import (
    Baseline,
    MonitoringReport,
    monitor,
    suggest_baseline,
)
from labkit.model_explainability.ndcg import ndcg

from .conftest import CATEGORICAL, NUMERIC, credit_like

FEATURES = NUMERIC + CATEGORICAL
WHEN = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def baseline(credit_df, credit_model) -> Baseline:
    return suggest_baseline(credit_df, credit_model, label="default", max_rows=200, seed=0)


def flattened(df):
    """Drift that reverses the ranking: the two strongest features stop varying, a weak one varies a lot."""
    out = df.copy()
    out["debt_to_income"] = df["debt_to_income"].mean()
    out["income"] = df["income"].mean()
    out["loan_amount"] = df["loan_amount"] * 40
    return out


def test_baseline_holds_the_constraints_and_the_config(baseline, credit_df):
    # No label_headers: Clarify's placeholder, although the data has a label column (real runs).
    assert baseline.label == "label0"
    # Features come from feature_names_in_: not the facet age_group, not the label.
    assert baseline.features == tuple(FEATURES)
    assert baseline.analysis.labels == ("label0",)
    row = baseline.config.shap_baseline[0]
    assert row[FEATURES.index("income")] == pytest.approx(credit_df["income"].mean(), rel=1e-12)
    assert row[FEATURES.index("loan_purpose")] == credit_df["loan_purpose"].mode().iloc[0]
    assert baseline.config.num_samples == 2 * 8 + 2048 and baseline.config.seed == 0
    assert baseline.local.additivity_gap < 1e-10


def test_baseline_round_trip(baseline, tmp_path):
    path = baseline.to_json(tmp_path)
    assert path == tmp_path / "analysis.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "analysis.json", "analysis_config.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip
    assert Baseline.from_json(tmp_path) == baseline
    assert Baseline.from_json(tmp_path / "analysis.json") == baseline  # the file, its config beside
    with pytest.raises(LabkitInputError, match="baseline directory"):
        Baseline.from_json(tmp_path / "nothing-here")


def test_no_drift_on_fresh_data_from_the_same_distribution(baseline, credit_model, tmp_path):
    report = monitor(credit_like(400, seed=5), baseline, credit_model)
    assert report.ndcg["label0"] > 0.95
    assert not report.has_violations and len(report.violations) == 0
    # A real execution without violations writes no constraint_violations.json (2023, 2024 runs).
    assert sorted(p.name for p in report.to_json(tmp_path).iterdir()) == [
        "analysis.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip


def test_reversed_ranking_is_a_violation(baseline, credit_model, credit_df, tmp_path):
    window = flattened(credit_df).drop(columns=["default"])  # captured data: no label needed
    report = monitor(window, baseline, credit_model)
    current = report.analysis.kernel_shap["label0"].global_shap_values
    assert report.ndcg["label0"] == ndcg(baseline.global_shap_values, current) < 0.90
    assert report.has_violations
    out = report.to_json(tmp_path)
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    assert [v["label"] for v in violations] == ["label0"]
    assert violations[0]["description"].startswith("Feature attribution drift 0.")
    assert violations[0]["description"].endswith(" exceeds threshold 0.9")
    assert (out / "analysis.json").exists()


def test_threshold_and_agg_method_are_used(baseline, credit_model, credit_df):
    report = monitor(flattened(credit_df), baseline, credit_model, threshold=0.0)
    assert not report.has_violations and report.threshold == 0.0
    median = monitor(credit_df, baseline, credit_model, agg_method="median")
    mean_abs = monitor(credit_df, baseline, credit_model)
    assert median.analysis != mean_abs.analysis


def test_a_cached_explainer_gives_the_same_report(baseline, credit_model, credit_df):
    explainer = baseline.explainer(credit_model)
    window = flattened(credit_df)
    assert monitor(window, baseline, credit_model, explainer=explainer) == monitor(
        window, baseline, credit_model
    )


def test_kernel_method_agrees_with_exact_at_the_default_num_samples(
    baseline, credit_model, credit_df
):
    exact = monitor(credit_df, baseline, credit_model, max_rows=10)
    kernel = monitor(credit_df, baseline, credit_model, max_rows=10, method="kernel")
    a = exact.analysis.kernel_shap["label0"].global_shap_values
    b = kernel.analysis.kernel_shap["label0"].global_shap_values
    # 2·8 + 2048 ≥ 2^8 − 2: every coalition enumerated, so both are exact up to rounding.
    np.testing.assert_allclose([a[f] for f in FEATURES], [b[f] for f in FEATURES], atol=1e-9)


def test_missing_feature_in_window_is_named(baseline, credit_model, credit_df):
    with pytest.raises(LabkitInputError, match="'loan_purpose'"):
        monitor(credit_df.drop(columns=["loan_purpose"]), baseline, credit_model)


def test_label_and_features_rules(credit_df, credit_model):
    placeholder = suggest_baseline(credit_df, credit_model, label=None, max_rows=20)
    assert placeholder.label == "label0" and placeholder.config.label_headers is None
    with pytest.raises(LabkitInputError, match="'default'"):
        suggest_baseline(credit_df, credit_model, label="default", features=[*FEATURES, "default"])
    chosen = suggest_baseline(
        credit_df, credit_model, label="default", features=FEATURES, max_rows=20
    )
    assert chosen.features == tuple(FEATURES)


def test_cloudwatch_metrics(baseline, credit_model, credit_df):
    report = monitor(credit_df, baseline, credit_model)
    data = report.cloudwatch_metrics(endpoint="ep", schedule="sch", timestamp=WHEN)
    names = [d.metric_name for d in data]
    assert names == [f"feature_{f}" for f in FEATURES] + ["ExpectedValue"]
    first = data[0]
    assert first.namespace == "aws/sagemaker/Endpoints/explainability-metrics"
    assert dict(first.dimensions) == {
        "Endpoint": "ep",
        "MonitoringSchedule": "sch",
        "ExplainabilityMethod": "KernelShap",
        "Label": "label0",
        "ValueType": "GlobalShapValues",
    }
    assert first.value == report.analysis.kernel_shap["label0"].global_shap_values[FEATURES[0]]
    assert dict(data[-1].dimensions)["ValueType"] == "ExpectedValue"
    assert data[-1].value == report.analysis.kernel_shap["label0"].expected_value
    batch = report.cloudwatch_metrics(schedule="sch", timestamp=WHEN, batch=True)
    assert batch[0].namespace == "aws/sagemaker/ModelMonitoring/explainability-metrics"
    assert "Endpoint" not in dict(batch[0].dimensions)


def test_report_is_a_frozen_result(baseline, credit_model, credit_df):
    report = monitor(credit_df, baseline, credit_model, max_rows=10)
    assert isinstance(report, MonitoringReport)
    with pytest.raises(AttributeError):
        report.threshold = 0.5


def test_probability_index_is_kept_for_the_monitor(credit_df, credit_model, tmp_path):
    negative = suggest_baseline(
        credit_df, credit_model, label="default", probability_index=0, max_rows=30
    )
    negative.to_json(tmp_path)
    loaded = Baseline.from_json(tmp_path)
    assert loaded.config.probability_index == 0
    positive = suggest_baseline(credit_df, credit_model, label="default", max_rows=30)
    # P(class 0) = 1 − P(class 1): the SHAP values flip sign, the expected value complements.
    ev0 = loaded.analysis.kernel_shap["label0"].expected_value
    ev1 = positive.analysis.kernel_shap["label0"].expected_value
    assert ev0 == pytest.approx(1 - ev1, abs=1e-12)  # float rounding of 1 − p
    report = monitor(credit_df, loaded, credit_model, max_rows=30)
    assert report.analysis.kernel_shap["label0"].expected_value == pytest.approx(ev0, abs=1e-15)


@pytest.mark.parametrize("threshold", [1.7, -1.0])
def test_a_threshold_outside_ndcgs_range_is_refused_before_explaining(
    threshold, baseline, credit_model, credit_df
):
    with pytest.raises(LabkitInputError, match="NDCG threshold"):
        monitor(credit_df, baseline, object(), threshold=threshold)  # object(): never scored


def test_a_label_header_names_the_explanation(credit_df, credit_model):
    named = suggest_baseline(
        credit_df, credit_model, label="default", label_header="p_default", max_rows=20
    )
    assert named.analysis.labels == ("p_default",)
    assert named.config.to_dict()["predictor"]["label_headers"] == ["p_default"]


def test_a_bare_baseline_analysis_json_is_enough(baseline, credit_model, credit_df, tmp_path):
    # A real baselining job's output folder: analysis.json and no analysis_config.json.
    baseline.analysis.to_json(tmp_path)
    bare = Baseline.from_json(tmp_path / "analysis.json")
    assert bare.features == baseline.features and bare.label == "label0"
    assert bare.config.shap_baseline == ()  # computed from each window, as Clarify clusters it
    report = monitor(flattened(credit_df), bare, credit_model, max_rows=200)
    assert report.analysis.labels == ("label0",) and report.has_violations
