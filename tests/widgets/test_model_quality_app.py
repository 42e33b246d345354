"""Notebook 02's playground, driven from Python: set controls, assert on .result and .status."""

from __future__ import annotations

import numpy as np
import pytest

from labkit import scenarios
from labkit.widgets.model_quality import MARGINS, ModelQualityApp


@pytest.fixture(scope="module")
def app(credit):
    return ModelQualityApp(credit, seed=0, model=scenarios.train_model(credit), use_widgets=False)


@pytest.fixture(autouse=True)
def _defaults(app):
    yield
    app.set(
        concept_shift=0.0,
        covariate_shift_sd=0.0,
        label_delay_hours=0,
        labelled_pct=100,
        label_noise_pct=0,
        metric="accuracy",
    )


def _pooled(result, metric, windows=slice(2, None)):
    return np.mean([w.value(metric) for w in result.performance.windows[windows]])


def test_built_computed_with_every_window_labelled(app):
    result = app.result
    assert (
        len(result.performance.windows) == 6 and len(result.performance.windows_with_labels()) == 6
    )
    assert app.png().startswith(b"\x89PNG") and "6 of 6 windows scored" in app.status
    assert set(app.baseline.constraints.metrics) == set(MARGINS)


def test_concept_drift_sinks_auc_after_the_drift_starts(app):
    result = app.set(concept_shift=1.0, metric="auc")
    threshold = app.baseline.constraints.metrics["auc"].threshold
    # Pooled over the 4 drifted windows (720 requests) auc falls to about 0.70, 3+ standard errors under the threshold.
    assert _pooled(result, "auc") < threshold
    assert _pooled(result, "auc", slice(0, 2)) > _pooled(result, "auc")
    assert "auc" in set(app.table(result)["metric_name"])


def test_the_estimate_follows_covariate_drift_but_not_concept_drift(app):
    estimate = lambda r: np.mean([w.estimate.expected_accuracy for w in r.performance.windows[2:]])
    clean = estimate(app.result)
    assert estimate(app.set(concept_shift=1.0)) == pytest.approx(
        clean
    )  # the model's probabilities did not move
    shifted = app.set(concept_shift=0.0, covariate_shift_sd=1.0)
    assert (
        estimate(shifted) < clean - 0.02
    )  # riskier borrowers: the model itself expects more errors
    assert (
        abs(estimate(shifted) - _pooled(shifted, "accuracy")) < 0.04
    )  # 720 rows: sd ≈ 0.015, plus the model's calibration error (ECE ≈ 0.03)


def test_label_delay_leaves_the_newest_windows_unscored(app):
    result = app.set(label_delay_hours=2)
    assert [w.report is None for w in result.performance.windows] == [False] * 4 + [True] * 2
    assert "StartTimeOffset -PT3H, EndTimeOffset -PT2H" in app.status


@pytest.mark.parametrize(
    "values",
    [
        {"labelled_pct": 0},
        {"label_delay_hours": 6},
        {"labelled_pct": 5, "label_delay_hours": 5},
        {"concept_shift": 1.0, "covariate_shift_sd": 3.0, "label_noise_pct": 50},
        {"covariate_shift_sd": -3.0, "labelled_pct": 100},
    ],
)
def test_extreme_values_do_not_raise(app, values):
    app.set(**values)
    assert app.error is None and app.png().startswith(b"\x89PNG")
    if not app.result.performance.windows_with_labels():
        assert "No window has labels yet" in app.status
        assert app.table(app.result).empty


def test_switching_the_metric_reuses_the_run(app):
    before = app.result.performance
    after = app.set(metric="auc")
    assert after.performance is before and after.metric == "auc"


def test_label_noise_alone_lowers_measured_accuracy(app):
    result = app.set(label_noise_pct=20)
    assert _pooled(result, "accuracy") < app.baseline.constraints.metrics["accuracy"].threshold


def test_static_display_and_widget(app, capsys):
    app._ipython_display_()  # use_widgets=False: figure, status and table as plain outputs
    assert app.widget() is not None


def test_refuses_a_regression_scenario(housing):
    with pytest.raises(ValueError):
        ModelQualityApp(housing, use_widgets=False)
