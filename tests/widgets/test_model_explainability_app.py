"""Notebook 04's playground, driven from Python: controls in, AttributionDriftResult out."""

from __future__ import annotations

import pytest
from sklearn.metrics import accuracy_score

from labkit import drift, scenarios
from labkit import model_explainability as mx
from labkit.widgets import model_explainability as app_module
from labkit.widgets.model_explainability import (
    AttributionDriftApp,
    clean_window,
    monitor_moved_signal,
)

FROM, TO = "debt_to_income", "credit_history_months"


@pytest.fixture(scope="module")
def model(credit):
    return scenarios.train_model(credit)


@pytest.fixture(scope="module")
def baseline(credit, model):
    return mx.suggest_baseline(credit.baseline, model, label=credit.target, seed=0)


@pytest.fixture(scope="module")
def app(credit, model, baseline):
    return AttributionDriftApp(
        credit, model, baseline=baseline, from_feature=FROM, to_feature=TO, use_widgets=False
    )


DEFAULTS = {"from_feature": FROM, "to_feature": TO, "signal_fraction": 0.0, "window_size": 1_000}


@pytest.fixture(autouse=True)
def _reset(app):
    yield
    if app.values != DEFAULTS:  # each recompute costs a SHAP run and a PNG
        app.set(**DEFAULTS)


def test_the_app_reproduces_move_signal_then_the_twin(app, credit, model, baseline):
    result = app.set(signal_fraction=1.0, window_size=800)
    # Oracle: the same steps composed by hand, with a fresh explainer inside monitor().
    drifted = drift.move_signal(credit.window.head(800), credit, FROM, TO, 1.0, seed=0)
    expected = mx.monitor(drifted, baseline, model, seed=0)
    assert result.ndcg == pytest.approx(
        expected.ndcg["label0"], abs=1e-12
    )  # same sample, same coalitions
    assert result.window_shap == pytest.approx(
        expected.analysis.kernel_shap["label0"].global_shap_values, abs=1e-12
    )
    assert result.window_size == 800


def test_moving_all_of_a_strong_feature_signal_trips_the_check_while_accuracy_holds(
    app, credit, model
):
    result = app.set(signal_fraction=1.0)
    assert result.has_violations and result.ndcg < mx.NDCG_THRESHOLD
    assert result.report.violations.check_types() == {"feature_attribution_drift_check"}
    assert result.window_shap[FROM] < 0.2 * result.baseline_shap[FROM]  # its spread shrank to 0
    assert result.window_shap[TO] > result.baseline_shap[TO]
    # accuracy against sklearn on the same rows (score_window rounds P to 4 decimals; > 0.5 is default)
    drifted = drift.move_signal(credit.window, credit, FROM, TO, 1.0, seed=0)
    p = model.predict_proba(drifted[list(credit.features)])[:, 1].round(4)
    assert result.accuracy == pytest.approx(
        accuracy_score(drifted[credit.target], p > 0.5), abs=1e-12
    )
    sd = (
        0.25 * (1 / 1_000 + 1 / len(credit.baseline))
    ) ** 0.5  # worst-case binomial sd of the difference
    assert abs(result.accuracy - result.baseline_accuracy) < 4 * sd
    assert "violation (feature_attribution_drift_check)" in app.status


def test_nothing_moved_means_no_violation(app):
    result = app.set(signal_fraction=0.0)
    assert not result.has_violations and result.ndcg > 0.95
    assert result.report.violations.to_frame().empty
    assert "no violation" in app.status


def test_the_same_feature_twice_moves_nothing_and_says_so(app):
    still = app.set(signal_fraction=0.0).ndcg
    result = app.set(to_feature=FROM, signal_fraction=0.8)
    assert app.error is None
    assert app_module.SAME_FEATURE in result.notes and "same feature" in app.status
    assert result.ndcg == still  # the window was not touched


@pytest.mark.parametrize(
    ("asked", "got"), [(1, 1), (0, 1), (3, 3), (10**6, app_module.MAX_WINDOW_SIZE)]
)
def test_tiny_and_out_of_range_windows_give_a_status_not_an_error(app, asked, got):
    result = app.set(window_size=asked, signal_fraction=1.0)
    assert app.error is None and result.window_size == got
    if got < app_module.FEW_ROWS:
        assert f"only {got} row" in app.status


def test_the_explainer_is_built_once(app, monkeypatch):
    explainer = app.explainer
    calls = []
    monkeypatch.setattr(mx.Explainer, "fit", lambda self, *a, **k: calls.append(1) or self)
    for fraction in (0.25, 0.5, 1.0):
        app.set(signal_fraction=fraction)
    assert calls == [] and app.explainer is explainer


def test_the_static_page_shows_the_violations_file_and_a_figure(app):
    result = app.set(signal_fraction=1.0)
    table = app.table(result)
    assert list(table.columns) == ["label", "metric_name", "constraint_check_type", "description"]
    assert table["description"].iloc[0].startswith("Feature attribution drift ")
    assert app.png().startswith(b"\x89PNG")


def test_clean_window_starts_with_the_scenario_window(credit):
    assert clean_window(credit, 10).equals(credit.window.head(10).reset_index(drop=True))
    long = clean_window(credit, 1_500, seed=0)
    assert len(long) == 1_500 and long.head(len(credit.window)).equals(
        credit.window.reset_index(drop=True)
    )
    assert len(clean_window(credit, 10**6)) == app_module.MAX_WINDOW_SIZE


def test_monitor_moved_signal_without_an_explainer(credit, model, baseline):
    result = monitor_moved_signal(credit.window.head(200), credit, model, baseline, from_feature="age",
                                  to_feature="open_accounts", signal_fraction=0.0)  # fmt: skip
    expected = mx.monitor(credit.window.head(200), baseline, model)
    assert result.ndcg == pytest.approx(expected.ndcg["label0"], abs=1e-12)
    assert result.notes == ()
    assert app_module.signal_features(credit) == [
        "age",
        "debt_to_income",
        "credit_history_months",
        "open_accounts",
    ]
