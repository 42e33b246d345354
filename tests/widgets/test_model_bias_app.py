"""Notebook 03's playground, driven from Python as the Run button drives it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from labkit import model_bias, scenarios
from labkit.widgets.model_bias import APP_METRICS, BiasDriftApp, group_state, monitor_hours

GROUP = "18-25"
N_HOURS = 4  # enough for a ramp (none, 1/3, 2/3, full) and fast to recompute


@pytest.fixture(scope="module")
def model(credit):
    return scenarios.train_model(credit)


@pytest.fixture(scope="module")
def app(credit, model) -> BiasDriftApp:
    return BiasDriftApp(credit, model, group=GROUP, n_hours=N_HOURS, use_widgets=False)


def _set(app: BiasDriftApp, **changes):
    """Every control at its default except ``changes``: one recompute, whatever ran before."""
    defaults = {"metric": "DPPL", **app.defaults, "window_size": 1_000, "n_bootstrap": 100}
    return app.set(**{**defaults, **changes})


def _oracle(app: BiasDriftApp, hour: int, window: pd.DataFrame) -> model_bias.MonitoringReport:
    """The twin called directly, with the seeds the app documents (hour i resamples with seed + i)."""
    return model_bias.monitor(
        window, app.baseline, rule="bootstrap", n_bootstrap=100, seed=app.seed + hour - 1
    )


def test_group_state_matches_a_hand_counted_table():
    df = pd.DataFrame(
        {
            "g": ["d", "d", "d", "d", "a", "a"],
            "y": [1, 0, 0, 0, 1, 0],
            "p": [1, 1, 0, 0, 0, 0],
        }
    )
    state = group_state(df, facet="g", group="d", target="y", prediction="p")
    assert state.share == 4 / 6
    assert state.base_rate == 1 / 4
    assert state.false_positive_rate == 1 / 3  # label 0 rows of d: one of three predicted 1
    assert state.accuracy == 4 / 6  # correct: rows 0, 2, 3, 5
    assert state.group_accuracy == 3 / 4
    empty = group_state(df, facet="g", group="missing", target="y", prediction="p")
    assert math.isnan(empty.base_rate) and math.isnan(empty.group_accuracy) and empty.share == 0


def test_at_its_defaults_the_app_monitors_the_clean_windows(app):
    result = _set(app)
    assert [h.hour for h in result.hours] == list(range(1, N_HOURS + 1))
    for h, window in zip(result.hours, app.windows):
        expected = _oracle(app, h.hour, window.head(1_000))
        assert h.report.violations == expected.violations
        pd.testing.assert_frame_equal(h.metrics, expected.to_frame())
    assert app.png().startswith(b"\x89PNG")


def test_the_first_hour_is_clean_and_the_last_reaches_the_target(app):
    result = _set(app, false_positive_pct=70, window_size=5_000)
    clean = group_state(
        app.windows[0], facet="age_group", group=GROUP, target="default", prediction="prediction"
    )
    assert result.hours[0].state == clean  # strength 0 in hour 1: no injector runs
    last = result.hours[-1]
    negatives = last.group_rows * (1 - last.state.base_rate)
    assert abs(last.state.false_positive_rate - 0.70) < 4 * math.sqrt(
        0.7 * 0.3 / negatives
    )  # 4 binomial sds
    rates = [h.state.false_positive_rate for h in result.hours]
    assert rates[0] < rates[1] < rates[2] < rates[3]  # steps of about 0.17, far above the noise


def test_a_stricter_model_violates_dppl_by_the_last_hour_and_leaves_dpl_alone(app):
    result = _set(app, false_positive_pct=70)
    assert result.violation_hours("DPPL")[-1] == N_HOURS and 1 not in result.violation_hours("DPPL")
    assert "CompletedWithViolations" not in app.status or "violates" in app.status
    for h, window in zip(
        result.hours, app.windows
    ):  # labels untouched → DPL exactly as on the clean window
        clean = _oracle(app, h.hour, window.head(1_000))
        assert h.report.analysis.get("DPL").value == clean.analysis.get("DPL").value
    assert result.frame("DPL")["violation"].sum() == 0


def test_more_defaults_move_dpl_and_leave_dppl_alone(app):
    result = _set(app, base_rate_pct=80)
    last = result.frame("DPL").iloc[-1]  # DPL's interval leaves its allowed range ...
    assert last.ci_lower > last.allowed_max or last.ci_upper < last.allowed_min
    # ... yet no violation: bias drift executions check post-training metrics only (real runs).
    assert result.violation_hours("DPL") == []
    for h, window in zip(
        result.hours, app.windows
    ):  # predictions untouched → DPPL exactly as before
        clean = _oracle(app, h.hour, window.head(1_000))
        assert h.report.analysis.get("DPPL").value == clean.analysis.get("DPPL").value


def test_the_group_share_moves_class_imbalance(app):
    result = _set(app, metric="CI", share_pct=40)
    ci = result.frame()["value"].to_numpy()
    share = np.array([h.state.share for h in result.hours])
    np.testing.assert_allclose(ci, 1 - 2 * share)  # CI = (n_a − n_d)/n = 1 − 2·share, exactly
    assert ci[-1] < ci[0]


def test_changing_the_metric_redraws_without_new_executions(app):
    before = _set(app, false_positive_pct=60)
    app.controls["metric"].value = "RD"  # observers fire synchronously
    assert app.result.metric == "RD" and app.result.hours is before.hours
    assert set(app.result.frame()["hour"]) == set(range(1, N_HOURS + 1))


def test_sliders_wait_for_run(app):
    before = _set(app)
    app.controls["false_positive_pct"].value = 80
    assert app.result is before and "press Run" in app.status
    after = app.run()
    assert after is not before and N_HOURS in after.violation_hours("DPPL")


def test_an_empty_group_gives_error_entries_and_a_status(app):
    result = _set(app, share_pct=0)
    last = result.hours[-1]
    assert last.group_rows == 0 and last.report is not None
    assert last.report.analysis.get("DPPL").value is None
    assert (
        last.report.analysis.get("DPPL").error == "Facet set is empty."
    )  # smclarify's text (bias.md §3)
    assert math.isnan(result.frame().iloc[-1]["value"])
    assert "undefined" in app.status and app.error is None


EXTREMES = [
    {"share_pct": 0}, {"share_pct": 100}, {"base_rate_pct": 0}, {"base_rate_pct": 100},
    {"false_positive_pct": 0}, {"false_positive_pct": 100}, {"window_size": 100}, {"window_size": 5_000},
    {"n_bootstrap": 10}, {"share_pct": 100, "base_rate_pct": 0, "false_positive_pct": 100},
    {"share_pct": 100, "base_rate_pct": 100, "window_size": 100, "n_bootstrap": 10},
]  # fmt: skip


def test_extreme_controls_never_raise(app):
    for controls in EXTREMES:
        result = _set(app, **controls)
        assert app.error is None and app.status, controls
        for metric in APP_METRICS:
            assert len(result.frame(metric)) == N_HOURS, (controls, metric)
        assert app.table(result) is not None


def test_a_failed_analysis_is_reported_per_hour(app):
    # A model that refuses everybody: no favourable prediction is left, so smclarify fails the
    # whole post-training analysis of the hour (bias.md §3), and the series reports it per hour.
    refusing = [w.assign(prediction=1) for w in app.windows[:2]]
    result = monitor_hours(app.baseline, refusing, group=GROUP, baseline_state=app.baseline_state)
    for h in result.hours:
        assert h.report is None and "No Label values are present" in h.error
    assert list(result.frame()["error"]) == [h.error for h in result.hours]
    assert result.violation_hours() == []


def test_monitor_hours_is_pure_and_seeded(app):
    windows = tuple(w.copy() for w in app.windows)
    drift_and_rule = {"group_share": 0.2, "group_base_rate": 0.6, "group_false_positive_rate": 0.5,
                      "window_size": 500, "n_bootstrap": 20, "seed": 3}  # fmt: skip
    first = monitor_hours(
        app.baseline, app.windows, group=GROUP, baseline_state=app.baseline_state, **drift_and_rule
    )
    second = monitor_hours(
        app.baseline, app.windows, group=GROUP, baseline_state=app.baseline_state, **drift_and_rule
    )
    for before, now in zip(windows, app.windows):
        pd.testing.assert_frame_equal(before, now)  # inputs untouched
    pd.testing.assert_frame_equal(first.frame(), second.frame())
    assert first.n_bootstrap == 20 and first.confidence_level == model_bias.DEFAULT_CONFIDENCE_LEVEL


def test_a_cache_reuses_hours_and_changes_no_number(app):
    settings = {"group": GROUP, "baseline_state": app.baseline_state, "window_size": 500, "n_bootstrap": 20}
    cache = {}
    fresh = monitor_hours(app.baseline, app.windows, group_false_positive_rate=0.6, **settings)
    cached = monitor_hours(app.baseline, app.windows, group_false_positive_rate=0.6, cache=cache, **settings)
    pd.testing.assert_frame_equal(fresh.frame(), cached.frame())
    other = monitor_hours(app.baseline, app.windows, group_false_positive_rate=0.3, cache=cache, **settings)
    assert other.hours[0] is cached.hours[0]  # hour 1 never drifts: monitored once
    assert other.hours[-1] is not cached.hours[-1]  # the others moved
    again = monitor_hours(app.baseline, app.windows, group_false_positive_rate=0.6, cache=cache, **settings)
    assert again.hours == cached.hours and all(a is b for a, b in zip(again.hours, cached.hours))


def test_the_widget_shows_the_controls_and_the_run_button(credit, model):
    live = BiasDriftApp(credit, model, group=GROUP, n_hours=2, use_widgets=True)
    box = live.widget()
    assert live.run_button in box.children
    assert list(live.controls) == [
        "metric",
        "share_pct",
        "base_rate_pct",
        "false_positive_pct",
        "window_size",
        "n_bootstrap",
    ]
    assert live.controls["metric"].options == APP_METRICS
    live.run_button.click()  # what a learner's click does
    assert live.error is None and live.result is not None
