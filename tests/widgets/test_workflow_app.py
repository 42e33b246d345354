"""Notebook 05's playground, driven from Python: drift controls simulate, alarm controls only re-evaluate."""

from __future__ import annotations

import pandas as pd
import pytest

from labkit import alarms, plots, simulation
from labkit.widgets.workflow import WorkflowApp
from test_app import _share_of_pixels_apart  # tests/widgets/test_app.py


@pytest.fixture(scope="module")
def app(credit):
    drift = simulation.DriftSchedule(onset_hour=8)
    return WorkflowApp(
        credit,
        days=1,
        requests_per_hour=60,
        outage_hours=(12, 13, 14),
        drift=drift,
        use_widgets=False,
    )


@pytest.fixture(autouse=True)
def _defaults(app):
    yield
    app.set(
        drift_onset_hour=8,
        drift_shape="sudden",
        evaluation_periods=3,
        datapoints_to_alarm=2,
        treat_missing_data="missing",
        threshold=0.1,
    )


def test_built_computed_and_paged_after_the_drift(app):
    view = app.result
    assert app.png().startswith(b"\x89PNG") and app.error is None
    assert (
        view.reaction_hours is not None and 1 <= view.reaction_hours <= 3
    )  # 2 of 3 hourly datapoints, plus a 0-20 min delay
    assert app.status.startswith("Paged at") and "M=2 of N=3" in app.status
    assert list(app.table(view).columns) == ["time", "from", "to", "actions", "reason"]
    assert simulation.ON_CALL_TOPIC in app.table(view)["actions"].tolist()


def test_alarm_controls_reuse_the_cached_simulation(app):
    first = app.result.simulation
    for change in (
        {"datapoints_to_alarm": 1, "evaluation_periods": 1},
        {"threshold": 0.6},
        {"treat_missing_data": "breaching"},
    ):
        assert app.set(**change).simulation is first
    assert len(app.cached_drifts) == 1
    assert app.set(drift_shape="gradual").simulation is not first and len(app.cached_drifts) == 2


def test_a_lower_m_never_pages_later(app):
    strict = app.set(datapoints_to_alarm=3).paged_at
    eager = app.set(datapoints_to_alarm=1).paged_at
    assert eager <= strict


def test_treat_missing_data_matters_on_the_outage(app):
    # Hours 12-14 have no traffic. Evaluated after hour 14, the 5-period range holds 2 real datapoints,
    # fewer than N = 3, so the gap is filled: breaching → 1 breaching datapoint ≥ M = 1 → ALARM.
    settings = {
        "datapoints_to_alarm": 1,
        "evaluation_periods": 3,
        "threshold": 0.8,
    }  # the drift stays under 0.8
    breaching = app.set(treat_missing_data="breaching", **settings).history
    ok = app.set(treat_missing_data="notBreaching", **settings).history
    start = app.result.simulation.start
    in_outage = [
        c
        for c in breaching.changes
        if c.new_state == alarms.ALARM and (c.timestamp - start).total_seconds() // 3600 == 15
    ]
    assert in_outage and ok.first_time_in(alarms.ALARM) is None


def test_invalid_alarm_settings_show_in_the_status(app):
    app.controls["evaluation_periods"].value = 2
    app.controls["datapoints_to_alarm"].value = 3
    assert (
        app.error is not None
        and "DatapointsToAlarm (3) must not exceed EvaluationPeriods (2)" in app.status
    )


def test_drift_controls_answer_at_once_with_the_numbers_of_a_fresh_simulation(app, credit):
    assert app.run_button is None  # no Run button: every control reacts
    before = app.full_redraws
    for change in ({"drift_onset_hour": 3}, {"drift_shape": "periodic"}, {"drift_onset_hour": 15}):
        view = app.set(**change)
        # the new drift's lines moved over the cached background; the figure is still whole
        assert _share_of_pixels_apart(app.png(), plots.figure_png(app.figure)) < 0.002
    assert app.full_redraws == before
    drawn_anew = WorkflowApp(credit, days=1, requests_per_hour=60, outage_hours=(12, 13, 14), use_widgets=False,
                             drift=simulation.DriftSchedule(15, "periodic"))  # fmt: skip
    assert _share_of_pixels_apart(app.png(), drawn_anew.png()) < 0.002  # what a new app draws for this drift
    fresh = simulation.simulate(credit, drift=simulation.DriftSchedule(15, "periodic"), days=1, requests_per_hour=60,
                                retrain=False, outage_hours=(12, 13, 14), seed=0)  # fmt: skip
    pd.testing.assert_frame_equal(view.simulation.timeline, fresh.timeline)
    pd.testing.assert_frame_equal(view.simulation.metrics, fresh.metrics)
    assert [e.report.violations.to_dict() for e in view.simulation.executions if e.report] == [
        e.report.violations.to_dict() for e in fresh.executions if e.report
    ]
