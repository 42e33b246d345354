"""Scoring, drift injection with labels that follow, reviewed constraints, the 2×2 grid, drifted hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from labkit import data_quality, drift_grid, model_quality, performance_estimation, scenarios
from labkit.errors import LabkitInputError

START = datetime(2024, 5, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def credit_model(credit):
    return scenarios.train_model(credit)


@pytest.fixture(scope="module")
def credit_baselines(credit, credit_model):
    scored = drift_grid.score_window(credit, credit_model, credit.baseline)
    suggested = model_quality.suggest_baseline(
        scored,
        problem_type="BinaryClassification",
        label="default",
        prediction="prediction",
        probability="probability",
    )
    return data_quality.suggest_baseline(credit.baseline[list(credit.features)]), suggested


def test_score_window_binary_and_regression(credit, credit_model, housing):
    scored = drift_grid.score_window(credit, credit_model, credit.window)
    expected = np.round(credit_model.predict_proba(credit.window[list(credit.features)])[:, 1], 4)
    np.testing.assert_array_equal(scored["probability"], expected)
    assert (scored["prediction"] == (scored["probability"] > 0.5)).all()  # the twin's strict rule
    assert credit.window.columns.isin(scored.columns).all() and "probability" not in credit.window
    house_model = scenarios.train_model(housing)
    priced = drift_grid.score_window(housing, house_model, housing.window)
    np.testing.assert_allclose(
        priced["prediction"], house_model.predict(housing.window[list(housing.features)]), atol=5e-5
    )


def test_no_drift_is_the_identity(credit):
    assert drift_grid.inject_drift(credit, credit.window, seed=3).equals(credit.window)


def test_covariate_shift_moves_the_feature_and_redraws_labels(credit):
    out = drift_grid.inject_drift(
        credit, credit.window, feature="age", covariate_shift_sd=2.0, seed=1
    )
    sd = credit.window["age"].std(ddof=0)
    assert out["age"].mean() - credit.window["age"].mean() == pytest.approx(
        2.0 * sd, abs=0.5
    )  # ages stay whole years
    others = [c for c in credit.features if c != "age"]
    assert out[others].equals(credit.window[others])
    assert not out["default"].equals(credit.window["default"])  # drawn again under the same rule


def test_concept_shift_keeps_every_feature(credit):
    out = drift_grid.inject_drift(credit, credit.window, concept_shift=1.0, seed=1)
    features = list(credit.features)
    assert out[features].equals(credit.window[features])
    assert (out["default"] != credit.window["default"]).mean() > 0.1


def test_label_noise_flips_the_asked_share(credit):
    out = drift_grid.inject_drift(credit, credit.window, label_noise_pct=20, seed=5)
    flipped = (out["default"] != credit.window["default"]).mean()
    assert flipped == pytest.approx(0.20, abs=4 * np.sqrt(0.2 * 0.8 / len(out)))  # binomial, 4 sd
    assert set(out["default"]) <= {0, 1}


def test_rows_limit_the_drift(credit):
    rows = np.zeros(len(credit.window), dtype=bool)
    rows[500:] = True
    out = drift_grid.inject_drift(
        credit, credit.window, concept_shift=1.0, label_noise_pct=30, rows=rows, seed=2
    )
    assert out.iloc[:500].equals(credit.window.iloc[:500])
    assert not out.iloc[500:]["default"].equals(credit.window.iloc[500:]["default"])
    assert list(out.index) == list(credit.window.index)


def test_bad_drift_requests_are_refused(credit, housing):
    with pytest.raises(LabkitInputError):
        drift_grid.inject_drift(credit, credit.window, covariate_shift_sd=1.0)  # which feature?
    with pytest.raises(LabkitInputError):
        drift_grid.inject_drift(credit, credit.window, label_noise_pct=150)
    with pytest.raises(LabkitInputError):
        drift_grid.inject_drift(housing, housing.window, label_noise_pct=10)
    with pytest.raises(LabkitInputError):
        drift_grid.inject_drift(
            credit, credit.window, concept_shift=1.0, rows=np.ones(3, dtype=bool)
        )


def test_review_constraints_moves_thresholds_the_worse_way(credit_baselines, tmp_path):
    _, suggested = credit_baselines
    reviewed = drift_grid.review_constraints(
        suggested, {"accuracy": 0.05, "false_positive_rate": 0.02}
    )
    values = suggested.statistics.scalar_metrics()
    metrics = reviewed.constraints.metrics
    assert set(metrics) == {"accuracy", "false_positive_rate"}
    assert metrics["accuracy"].threshold == pytest.approx(values["accuracy"] - 0.05)
    assert metrics["accuracy"].comparison_operator == "LessThanThreshold"
    assert metrics["false_positive_rate"].threshold == pytest.approx(
        values["false_positive_rate"] + 0.02
    )
    assert metrics["false_positive_rate"].comparison_operator == "GreaterThanThreshold"
    assert reviewed.statistics == suggested.statistics
    assert (
        model_quality.Baseline.from_json(reviewed.to_json(tmp_path)).constraints
        == reviewed.constraints
    )
    for margins in ({}, {"no_such_metric": 0.1}, {"accuracy": -0.1}):
        with pytest.raises(LabkitInputError):
            drift_grid.review_constraints(suggested, margins)


def test_credit_grid_each_monitor_sees_only_its_drift(credit, credit_model, credit_baselines):
    inputs, suggested = credit_baselines
    reviewed = drift_grid.review_constraints(suggested, {"accuracy": 0.05, "auc": 0.07})
    grid = drift_grid.run_drift_grid(
        credit, credit_model, credit.window, data_quality_baseline=inputs, model_quality_baseline=reviewed,
        feature="age", covariate_shift_sd=2.0, concept_shift=1.0, seed=0,
    )  # fmt: skip
    assert grid.each_monitor_sees_only_its_drift, grid.to_frame()
    assert grid.cell(data_drift=True, model_drift=False).data_quality.violations.features() == {
        "age"
    }
    frame = grid.to_frame()
    assert list(frame["data quality"]) == [
        "Completed",
        "CompletedWithViolations",
        "Completed",
        "CompletedWithViolations",
    ]
    with pytest.raises(KeyError):
        drift_grid.DriftGrid(grid.cells[:1]).cell(data_drift=True, model_drift=True)


def test_housing_grid_a_well_specified_model_shrugs_off_covariate_drift(housing):
    # The housing rule is linear and so is the model: moving sqft along the rule keeps rmse.
    model = scenarios.train_model(housing)
    scored = drift_grid.score_window(housing, model, housing.baseline)
    suggested = model_quality.suggest_baseline(
        scored, problem_type="Regression", label="price", prediction="prediction"
    )
    rmse = suggested.statistics.value("rmse")
    reviewed = drift_grid.review_constraints(suggested, {"rmse": 0.2 * rmse})
    grid = drift_grid.run_drift_grid(
        housing, model, housing.window, data_quality_baseline=data_quality.suggest_baseline(housing.baseline[list(housing.features)]),
        model_quality_baseline=reviewed, feature="sqft", covariate_shift_sd=2.0, concept_shift=1.0, seed=0,
    )  # fmt: skip
    assert grid.each_monitor_sees_only_its_drift, grid.to_frame()
    assert isinstance(grid.to_frame(), pd.DataFrame)


def test_hourly_traffic_spreads_requests_evenly():
    traffic = drift_grid.hourly_traffic("credit", hours=2, requests_per_hour=4, start=START, seed=0)
    assert traffic["inference_id"].is_unique and len(traffic) == 8
    assert list(traffic["inference_time"])[:2] == [START, START + timedelta(minutes=15)]
    with pytest.raises(LabkitInputError):
        drift_grid.hourly_traffic("credit", hours=0, requests_per_hour=4, start=START, seed=0)


def test_simulated_hours_concept_drift_and_late_labels(credit, credit_model, credit_baselines):
    model = credit_model
    baseline = drift_grid.review_constraints(credit_baselines[1], {"accuracy": 0.05, "auc": 0.07})
    traffic = drift_grid.hourly_traffic(
        "credit", hours=4, requests_per_hour=500, start=START, seed=2
    )
    hours = performance_estimation.hour_starts(START, 4)
    kwargs = {
        "window_starts": hours,
        "drift_from": hours[2],
        "evaluated_at": START + timedelta(hours=4),
        "feature": "debt_to_income",
        "seed": 0,
    }
    clean = drift_grid.simulate_hours(credit, model, baseline, traffic, **kwargs)
    drifted = drift_grid.simulate_hours(
        credit, model, baseline, traffic, concept_shift=1.0, **kwargs
    )
    assert (
        drift_grid.simulate_hours(credit, model, baseline, traffic, concept_shift=1.0, **kwargs)
        .to_frame()
        .equals(drifted.to_frame())
    )
    # Before drift_from both runs see the same windows; after it, accuracy falls (pooled over 1,000
    # requests the concept flip costs about 0.07, several standard errors of 0.012).
    assert drifted.windows[0].value("auc") == clean.windows[0].value("auc")
    after = lambda run: np.mean([w.value("accuracy") for w in run.windows[2:]])
    assert after(drifted) < after(clean) - 0.03
    # The confidence-based estimate does not see the concept move.
    assert drifted.windows[3].estimate == clean.windows[3].estimate
    late = drift_grid.simulate_hours(
        credit, model, baseline, traffic, label_delay_hours=1, labelled_pct=50, **kwargs
    )
    assert [w.report is None for w in late.windows] == [False, False, False, True]
    assert late.merge_counts["n_matched"] == pytest.approx(
        1_500 * 0.5, abs=4 * np.sqrt(1_500 * 0.25)
    )  # binomial, 4 sd
