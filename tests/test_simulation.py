"""The hour-by-hour workflow simulation: determinism, drift shapes, the alarm, the automated response."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest

from labkit import alarms, simulation
from labkit.errors import LabkitInputError

DAYS, RATE = 1, 60  # 24 hours of 60 requests: enough to drift, page, retrain and recover; fast
DRIFT = simulation.DriftSchedule(onset_hour=8, shape="sudden")


@pytest.fixture(scope="module")
def run(credit) -> simulation.SimulationResult:
    return simulation.simulate(
        credit,
        drift=DRIFT,
        days=DAYS,
        requests_per_hour=RATE,
        outage_hours=(3,),
        retrain_hours=4,
        seed=0,
    )


@pytest.fixture(scope="module")
def watch_only(credit) -> simulation.SimulationResult:
    return simulation.simulate(
        credit,
        drift=DRIFT,
        days=DAYS,
        requests_per_hour=RATE,
        outage_hours=(3,),
        retrain=False,
        seed=0,
    )


def test_same_seed_same_timeline(credit, run):
    again = simulation.simulate(
        credit,
        drift=DRIFT,
        days=DAYS,
        requests_per_hour=RATE,
        outage_hours=(3,),
        retrain_hours=4,
        seed=0,
    )
    pd.testing.assert_frame_equal(run.timeline, again.timeline)
    pd.testing.assert_frame_equal(run.metrics, again.metrics)
    assert [e["id"] for e in run.events] == [e["id"] for e in again.events]
    other = simulation.simulate(credit, drift=DRIFT, days=1, requests_per_hour=RATE, seed=1)
    assert not run.timeline["accuracy"].equals(other.timeline["accuracy"])


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("sudden", [0, 0, 1, 1, 1, 1, 1, 1]),
        ("gradual", [0, 0, 0.25, 0.5, 0.75, 1, 1, 1]),
        ("periodic", [0, 0, 1, 1, 0, 0, 1, 1]),
    ],
)
def test_drift_shapes(shape, expected):
    d = simulation.DriftSchedule(onset_hour=2, shape=shape, ramp_hours=4, period_hours=4)
    assert [d.magnitude(h) for h in range(8)] == expected
    with pytest.raises(LabkitInputError, match="shape"):
        simulation.DriftSchedule(0, "spiky")


def test_timeline_rows_and_the_outage(run):
    t = run.timeline
    assert len(t) == DAYS * 24 and list(t["hour"]) == list(range(DAYS * 24))
    assert (t["scheduled_time"] - t["window_start"] == timedelta(hours=1)).all()
    outage = t.iloc[3]
    assert (
        outage["requests"] == 0
        and outage["data_quality_status"] == "Failed"
        and pd.isna(outage["alarm_metric"])
    )
    assert t.loc[t["hour"] != 3, "captured"].eq(RATE).all()  # 100 % sampling
    # Before the drift, no feature moves; after a sudden drift, debt_to_income's distance jumps.
    assert (t.loc[t["hour"] < DRIFT.onset_hour, "alarm_metric"].dropna() < 0.1).all()
    assert (
        t.loc[DRIFT.onset_hour, "alarm_metric"] > 0.1
        and t.loc[DRIFT.onset_hour, "data_quality_status"] == "CompletedWithViolations"
    )


def test_accuracy_belongs_to_the_hour_it_scores(run):
    # The model-quality schedule at T reads [T-3h, T-2h): the hour whose labels (2 h late) have landed.
    for e in run.model_quality_executions:
        assert e.window_end == e.scheduled_time - timedelta(hours=2)
    t = run.timeline
    assert t["accuracy"].iloc[-2:].isna().all()  # their labels land after the simulation ends
    assert t["accuracy"].iloc[:3].notna().all() and pd.isna(
        t["accuracy"].iloc[3]
    )  # the outage hour has nothing to score


def test_page_follows_the_m_of_n_rule_and_triggers_retraining(run):
    t = run.timeline
    page = run.first_page()
    real = t.dropna(subset=["alarm_metric"])
    hits = (real["alarm_metric"] > 0.1).astype(int).rolling(3).sum()
    assert (
        page.replace(minute=0, second=0) == real.loc[hits >= 2, "scheduled_time"].min()
    )  # default 2 of 3
    alarm_events = [e for e in run.events if e["detail"]["state"]["value"] == "ALARM"]
    assert len(alarm_events) >= 1 and run.retrains
    first = run.retrains[0]
    assert first.event_id == alarm_events[0]["id"]
    # The pipeline trained on the 4 hours from the alarm on, once their labels (2 h late) had landed.
    assert first.data_end - first.data_start == timedelta(
        hours=4
    ) and first.time >= first.data_end + timedelta(hours=2)
    after = t[t["window_start"] >= first.time]
    assert (after["model_version"] == 2).all() and (
        t.loc[t["window_start"] < first.time, "model_version"] == 1
    ).all()
    # The new baseline knows the drifted data: the alarm returns to OK.
    assert run.alarm_history.states[-1][1] == alarms.OK


def test_without_retraining_the_alarm_stays_and_reevaluation_is_exact(watch_only):
    assert not watch_only.retrains and (watch_only.timeline["model_version"] == 1).all()
    assert watch_only.alarm_history.states[-1][1] == alarms.ALARM
    same = simulation.reevaluate(watch_only, watch_only.alarm)
    assert same.states == watch_only.alarm_history.states
    assert [(c.timestamp, c.new_state) for c in same.changes] == [
        (c.timestamp, c.new_state) for c in watch_only.alarm_history.changes
    ]
    eager = simulation.reevaluate(
        watch_only,
        simulation.drift_alarm("debt_to_income", evaluation_periods=1, datapoints_to_alarm=1),
    )
    assert eager.first_time_in("ALARM") < same.first_time_in("ALARM")


def test_files_and_memory_give_the_same_numbers(credit, tmp_path):
    kwargs = {
        "drift": simulation.DriftSchedule(onset_hour=6),
        "days": 1,
        "requests_per_hour": 40,
        "outage_hours": (2,),
        "seed": 3,
    }
    memory = simulation.simulate(credit, **kwargs)
    files = simulation.simulate(credit, **kwargs, output_dir=tmp_path, merge_files=True)
    pd.testing.assert_frame_equal(memory.timeline, files.timeline)
    pd.testing.assert_frame_equal(memory.metrics, files.metrics)
    reports = sorted(
        p.relative_to(tmp_path / "reports").parent.as_posix()
        for p in (tmp_path / "reports").rglob("constraint_violations.json")
    )
    assert (
        "credit-endpoint/data-quality-hourly/2024/05/01/01" in reports
        and "credit-endpoint/model-quality-hourly/2024/05/01/06" in reports
    )
    assert (
        len(list((tmp_path / "datacapture").rglob("*.jsonl"))) == 23
        and (tmp_path / "groundtruth").is_dir()
    )
    history = json.loads((tmp_path / "alarm_history.json").read_text())
    assert (
        history["AlarmHistoryItems"][-1]["HistorySummary"]
        == "Alarm updated from INSUFFICIENT_DATA to OK"
    )
    assert (
        pd.read_csv(tmp_path / "timeline.csv")["data_quality_status"].tolist()
        == memory.timeline["data_quality_status"].tolist()
    )


def test_bad_arguments_are_refused(housing):
    with pytest.raises(LabkitInputError, match="binary scenario"):
        simulation.simulate(housing, drift=DRIFT, days=1)
    with pytest.raises(LabkitInputError, match=">= 1"):
        simulation.simulate("credit", drift=DRIFT, days=0)


def test_a_drifted_window_is_the_full_drift_on_fresh_requests(credit):
    from labkit import drift_grid, scenarios

    schedule = simulation.DriftSchedule(30, "gradual")
    window = schedule.drifted_window(credit, 500, seed=4)
    fresh = scenarios.draw_window("credit", 500, seed=4)
    expected = drift_grid.inject_drift(credit, fresh, feature="debt_to_income", covariate_shift_sd=2.0, concept_shift=0.8, seed=4)
    pd.testing.assert_frame_equal(window, expected)  # full magnitude, whatever the shape
    moved = (window["debt_to_income"].mean() - fresh["debt_to_income"].mean()) / credit.baseline["debt_to_income"].std()
    assert moved > 1.0  # a 2 sd covariate shift (integer rounding and clipping aside)


def test_the_executions_frame_lists_each_execution_and_its_window(run):
    frame = run.executions_frame()
    assert len(frame) == len(run.executions)
    first = run.executions[0]
    assert tuple(frame.iloc[0][["ScheduledTime", "window start", "status"]]) == (first.scheduled_time, first.window_start, first.status.value)
    from labkit import schedule

    assert set(frame.loc[frame["status"] == "Failed", "FailureReason"]) == {schedule.NO_DATA_FAILURE_REASON}
