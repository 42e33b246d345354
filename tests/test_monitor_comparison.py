"""The four-monitor comparison: static rows, rows rebuilt from each twin's report, wrong inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from labkit import data_quality, model_bias, model_quality, monitor_comparison
from labkit import model_explainability as mx
from labkit.model_explainability.analysis import Analysis, LabelExplanation
from labkit.monitor_comparison import MONITOR_TYPES, STATIC_DESCRIPTIONS, compare_monitors

COLUMNS = ["monitor", "focus", "requirement", "tool", "key_metric", "your_run"]


def _explainability_report(
    live: dict[str, float], *, threshold: float = mx.NDCG_THRESHOLD
) -> mx.MonitoringReport:
    """A report on AWS's college-admissions attributions, without a model (the NDCG step only)."""
    training = Analysis({"label0": LabelExplanation({"SAT": 0.70, "GPA": 0.50, "rank": 0.05}, 0.5)})
    current = Analysis({"label0": LabelExplanation(live, 0.5)})
    scores, violations = mx.check_feature_attribution_drift(training, current, threshold=threshold)
    return mx.MonitoringReport(
        analysis=current, ndcg=scores, violations=violations, threshold=threshold
    )


REVERSED = {"SAT": 0.10, "GPA": 0.20, "rank": 0.70}  # AWS's live column: NDCG 0.687640


def test_without_reports_every_row_is_the_documented_description():
    table = compare_monitors()
    assert [r.monitor_type for r in table.rows] == list(MONITOR_TYPES)
    assert table.rows == tuple(STATIC_DESCRIPTIONS[t] for t in MONITOR_TYPES)
    assert table.from_runs == ()
    frame = table.to_frame()
    assert list(frame.columns) == COLUMNS
    assert list(frame["monitor"]) == [
        "Data quality",
        "Model quality",
        "Bias drift",
        "Feature attribution drift",
    ]
    assert set(frame["your_run"]) == {monitor_comparison.NOT_RUN}


def test_every_static_fact_is_filled_and_cites_an_aws_page():
    for monitor_type, row in STATIC_DESCRIPTIONS.items():
        assert row.monitor_type == monitor_type and not row.from_run
        assert all(getattr(row, c).strip() for c in COLUMNS)
        assert row.sources and all(
            s.startswith("https://docs.aws.amazon.com/sagemaker/latest/dg/") for s in row.sources
        )
    # Who needs labels (model-monitor-model-quality, clarify-model-monitor-bias-drift-schedule,
    # clarify-model-monitor-feature-attribute-drift-schedule): the fact notebook 00 also teaches.
    needs_labels = {
        t for t, r in STATIC_DESCRIPTIONS.items() if "no ground truth" not in r.requirement
    }
    assert needs_labels == {"model_quality", "model_bias"}
    assert "0.90" in STATIC_DESCRIPTIONS["model_explainability"].key_metric


def test_an_explainability_report_fills_its_row_with_the_ndcg_it_measured():
    table = compare_monitors(model_explainability=_explainability_report(REVERSED))
    row = table.row("model_explainability")
    assert table.from_runs == ("model_explainability",)
    assert (
        row.your_run
        == "NDCG 0.688 for label 'label0'; 1 violation (feature_attribution_drift_check)"
    )
    assert row.tool == STATIC_DESCRIPTIONS["model_explainability"].tool
    for other in ("data_quality", "model_quality", "model_bias"):
        assert table.row(other) == STATIC_DESCRIPTIONS[other]


def test_the_explainability_row_follows_the_report_threshold():
    row = compare_monitors(
        model_explainability=_explainability_report(REVERSED, threshold=0.5)
    ).row("model_explainability")
    assert row.your_run.endswith("; no violation")  # 0.688 is not below 0.5
    assert "alert below 0.50" in row.key_metric


def test_a_model_quality_report_quotes_its_headline_metrics():
    labels = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0])
    probability = np.array([0.9, 0.2, 0.4, 0.8, 0.6, 0.1, 0.7, 0.3, 0.55, 0.45])
    frame = pd.DataFrame(
        {"label": labels, "probability": probability, "prediction": (probability > 0.5).astype(int)}
    )
    kwargs = {"label": "label", "prediction": "prediction", "probability": "probability"}
    baseline = model_quality.suggest_baseline(frame, problem_type="BinaryClassification", **kwargs)
    report = model_quality.monitor(frame, baseline, **kwargs)
    accuracy, f1, auc = (
        accuracy_score(labels, probability > 0.5),
        f1_score(labels, probability > 0.5),
        roc_auc_score(labels, probability),
    )  # 0.8, 0.8, 0.88
    row = compare_monitors(model_quality=report).row("model_quality")
    assert row.your_run == (
        f"accuracy {accuracy:.3f}, f1 {f1:.3f}, auc {auc:.3f} on 10 labelled rows; no violation"
    )
    assert "BinaryClassification" in row.key_metric


def test_a_data_quality_report_names_the_drifted_features():
    rng = np.random.default_rng(0)
    baseline_df = pd.DataFrame({"x": rng.normal(size=1_000), "y": rng.normal(size=1_000)})
    window = baseline_df.assign(x=baseline_df["x"] + 3.0)  # 3 sd: far past comparison_threshold 0.1
    report = data_quality.monitor(window, data_quality.suggest_baseline(baseline_df))
    row = compare_monitors(data_quality=report).row("data_quality")
    assert (
        row.your_run
        == "baseline_drift_check fired on 1 of 2 features (x); 1 violation (baseline_drift_check)"
    )
    assert row.key_metric.endswith("comparison_threshold 0.1")


def test_a_bias_report_names_its_label_and_facet():
    rng = np.random.default_rng(1)
    n = 400
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], n), "label": rng.integers(0, 2, n)})
    frame["prediction"] = frame["label"]
    baseline = model_bias.suggest_baseline(frame, label="label", label_values_or_threshold=[1], facet="group",
                                           facet_values_or_threshold=["a"], predicted_label="prediction")  # fmt: skip
    report = model_bias.monitor(frame, baseline)
    row = compare_monitors(model_bias=report).row("model_bias")
    assert "label 'label'" in row.requirement and "facet 'group'" in row.requirement
    assert "(point rule)" in row.your_run
    assert row.your_run.endswith("no violation")  # the window is the baseline itself


def test_a_report_of_another_twin_is_refused():
    with pytest.raises(
        TypeError, match="data_quality= expects labkit.data_quality.MonitoringReport"
    ):
        compare_monitors(data_quality=_explainability_report(REVERSED))
    with pytest.raises(KeyError, match="no monitor type"):
        compare_monitors().row("latency")
