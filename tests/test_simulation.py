"""The hour-by-hour workflow simulation: determinism, drift shapes, the alarm, the automated response."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

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


def test_an_hour_depends_on_its_own_magnitude_only(credit):
    """Two onsets give the same executions in every hour whose drift magnitude they share."""
    kwargs = {"days": 1, "requests_per_hour": 40, "retrain": False, "seed": 2}
    early = simulation.simulate(credit, drift=simulation.DriftSchedule(6), **kwargs)
    late = simulation.simulate(credit, drift=simulation.DriftSchedule(11), **kwargs)
    same = [h for h in range(24) if h < 6 or h >= 11]
    columns = ["alarm_metric", "accuracy", "data_quality_status"]
    pd.testing.assert_frame_equal(early.timeline.loc[same, columns], late.timeline.loc[same, columns])
    assert not early.timeline.loc[6:10, "alarm_metric"].equals(late.timeline.loc[6:10, "alarm_metric"])


def test_the_drift_moves_each_drifted_request_by_its_magnitude(credit):
    """shift_sd × magnitude standard deviations of the undrifted traffic; labels from each
    request's own draw under the moved rule; undrifted requests as draw_window draws them."""
    import numpy as np

    from labkit import scenarios
    from labkit.simulation.traffic import _traffic

    drift = simulation.DriftSchedule(3, "gradual", ramp_hours=4, shift_sd=1.5, concept_shift=0.5)
    traffic = _traffic(credit, drift, 8, 30, seed=9, outage=set())
    plain = scenarios.draw_window("credit", 8 * 30, seed=9)
    magnitude = np.repeat([drift.magnitude(h) for h in range(8)], 30)
    sd = np.std(plain["debt_to_income"].to_numpy())
    moved = traffic.frame["debt_to_income"].to_numpy() - plain["debt_to_income"].to_numpy()
    np.testing.assert_allclose(moved, magnitude * 1.5 * sd, rtol=1e-12, atol=1e-12)
    undrifted = magnitude == 0
    assert (traffic.frame["default"].to_numpy()[undrifted] == plain["default"].to_numpy()[undrifted]).all()
    uniforms = np.random.default_rng(9)
    scenarios.draw_features("credit", 8 * 30, rng=uniforms)
    draws = uniforms.random(8 * 30)
    rule = scenarios.label_probability("credit", traffic.frame, concept_shift=magnitude * 0.5)
    assert (traffic.frame["default"].to_numpy() == (draws < rule)).all()
    earlier = _traffic(credit, dataclasses.replace(drift, onset_hour=2), 8, 30, seed=9, outage=set())
    equal = [h for h in range(8) if traffic.keys[h] == earlier.keys[h]]
    assert equal == [0, 1, 6, 7]  # the hours whose magnitude both onsets share (0 or 1)
    for h in range(8):
        assert traffic[h].equals(earlier[h]) == (h in equal)
    with pytest.raises(LabkitInputError, match="numeric feature"):
        _traffic(credit, simulation.DriftSchedule(3, feature="loan_purpose"), 8, 30, seed=9, outage=set())


def test_the_executions_frame_lists_each_execution_and_its_window(run):
    frame = run.executions_frame()
    assert len(frame) == len(run.executions)
    first = run.executions[0]
    assert tuple(frame.iloc[0][["ScheduledTime", "window start", "status"]]) == (first.scheduled_time, first.window_start, first.status.value)
    from labkit import schedule

    assert set(frame.loc[frame["status"] == "Failed", "FailureReason"]) == {schedule.NO_DATA_FAILURE_REASON}


# --- the same numbers as before: fingerprints of whole simulations -------------------------------
#
# Each case's SimulationResult is reduced to digests of everything it holds: the timeline, the
# distances, every execution's summary, window, statistics, violations, drift, metrics and report
# folder, the alarm's datapoints, states and changes, the events, the retrains, and (with an
# output_dir) every file written. tests/fixtures/simulation/fingerprints.json holds the digests
# the simulation gave before it was made faster (main at 45e740d); a speed-up that changes a
# single number fails here, naming the part and the execution. To record new fingerprints after
# an intended change of the numbers: LABKIT_WRITE_FINGERPRINTS=1 pytest tests/test_simulation.py

FINGERPRINTS = Path(__file__).parent / "fixtures" / "simulation" / "fingerprints.json"
FINGERPRINT_CASES = {
    "sudden, retraining, an outage": {
        "scenario": "credit", "seed": 0, "drift": {"onset_hour": 8, "shape": "sudden"}, "days": 1,
        "requests_per_hour": 60, "outage_hours": (3,), "retrain_hours": 4,
    },
    "gradual, sampled, another scenario seed": {
        "scenario": "credit", "seed": 1, "drift": {"onset_hour": 5, "shape": "gradual", "ramp_hours": 6},
        "days": 1, "requests_per_hour": 50, "sampling_percentage": 70, "retrain": False,
    },
    "periodic, retraining, labels 1 h late": {
        "scenario": "credit", "seed": 2, "drift": {"onset_hour": 10, "shape": "periodic", "period_hours": 8},
        "days": 2, "requests_per_hour": 40, "outage_hours": (0, 1), "label_delay_hours": 1, "retrain_hours": 6,
    },
    "sparse capture": {
        "scenario": "credit", "seed": 4, "drift": {"onset_hour": 3, "shape": "sudden", "shift_sd": -1.5},
        "days": 1, "requests_per_hour": 20, "sampling_percentage": 10,
    },
    "notebook 05's playground": {
        "scenario": "credit", "seed": 0, "drift": {"onset_hour": 50, "shape": "gradual"}, "days": 3,
        "requests_per_hour": 100, "outage_hours": (2, 3), "retrain": False,
    },
    "files written and merged": {
        "scenario": "credit", "seed": 3, "drift": {"onset_hour": 6, "shape": "sudden"}, "days": 1,
        "requests_per_hour": 40, "outage_hours": (2,), "files": True,
    },
}  # fmt: skip


def _digest(value) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)  # floats by repr: every bit counts
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _frame_digest(frame: pd.DataFrame) -> str:
    return _digest([list(frame.columns), [str(t) for t in frame.dtypes], frame.astype(object).values.tolist()])


def _execution_fingerprint(e, root: Path | None) -> dict[str, str]:
    out = {
        "summary": _digest([e.to_dict(), e.window_start, e.window_end, [(s.value, t) for s, t in e.history],
                            e.item_count, e.n_quarantined, e.failure_reason]),
        "output_path": _digest(None if e.output_path is None else e.output_path.relative_to(root).as_posix()),
        "metrics": _digest([m.to_dict() for m in e.metrics]),
    }  # fmt: skip
    report = e.report
    if report is None:
        return out
    out["statistics"] = _digest(report.statistics.to_dict())
    out["violations"] = _digest(report.violations.to_dict())
    if e.monitoring_type == "DataQuality":
        out["drift"] = _digest({k: [d.value, d.threshold, d.method] for k, d in report.drift.items()})
        out["window"] = _digest([{k: vars(c) for k, c in report.type_counts.items()}, dict(report.distinct_counts),
                                 report.window_constraints.to_dict()])  # fmt: skip
    else:
        out["notes"] = _digest(list(report.notes))
    return out


def fingerprint(result: simulation.SimulationResult, root: Path | None = None) -> dict:
    """Digests of everything a simulation produced (see the comment above FINGERPRINTS)."""
    history = result.alarm_history
    out = {
        "timeline": _frame_digest(result.timeline),
        "distances": _frame_digest(result.distances),
        "metrics": _frame_digest(result.metrics),
        "alarm": _digest([result.alarm.to_dict(), sorted(history.datapoints.items()), history.states,
                          [c.history_item() for c in history.changes], [c.actions for c in history.changes]]),
        "events": _digest(list(result.events)),
        "retrains": _digest([vars(r) for r in result.retrains]),
        "data_quality": [_execution_fingerprint(e, root) for e in result.executions],
        "model_quality": [_execution_fingerprint(e, root) for e in result.model_quality_executions],
    }  # fmt: skip
    if root is not None:
        out["files"] = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:16]
                        for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip
    return out


def simulate_case(case: dict, tmp_path: Path) -> tuple[simulation.SimulationResult, Path | None]:
    kwargs = dict(case)
    drift = simulation.DriftSchedule(**kwargs.pop("drift"))
    root = tmp_path / "out" if kwargs.pop("files", False) else None
    if root is not None:
        kwargs.update(output_dir=root, merge_files=True)
    return simulation.simulate(kwargs.pop("scenario"), drift=drift, **kwargs), root


def differences(expected, found, where: str = "") -> list[str]:
    """The paths at which two fingerprints differ, e.g. ``data_quality[37].statistics``."""
    if isinstance(expected, dict) and isinstance(found, dict):
        return [d for k in dict.fromkeys([*expected, *found])
                for d in differences(expected.get(k), found.get(k), f"{where}.{k}" if where else k)]  # fmt: skip
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [d for i, (a, b) in enumerate(zip(expected, found)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if expected == found else [where or "(whole)"]


@pytest.mark.parametrize("name", list(FINGERPRINT_CASES))
def test_the_simulation_gives_the_same_numbers_as_before(name, tmp_path):
    result, root = simulate_case(FINGERPRINT_CASES[name], tmp_path)
    found = fingerprint(result, root)
    if os.environ.get("LABKIT_WRITE_FINGERPRINTS"):
        stored = json.loads(FINGERPRINTS.read_text()) if FINGERPRINTS.exists() else {}
        FINGERPRINTS.parent.mkdir(parents=True, exist_ok=True)
        FINGERPRINTS.write_text(json.dumps({**stored, name: found}, indent=1) + "\n")
    expected = json.loads(FINGERPRINTS.read_text())[name]
    changed = differences(expected, found)
    assert not changed, f"{len(changed)} part(s) changed, first: {', '.join(changed[:8])}"


# --- the same numbers through a SimulationCache -----------------------------------------------------


@pytest.fixture(scope="module")
def shared_cache() -> simulation.SimulationCache:
    """One cache for every case below, first filled by other drifts of the same traffic."""
    cache = simulation.SimulationCache()
    for drift in (simulation.DriftSchedule(2, "periodic", period_hours=6), simulation.DriftSchedule(12, "sudden")):
        simulation.simulate("credit", drift=drift, days=1, requests_per_hour=60, outage_hours=(3,), seed=0, cache=cache)
    return cache


@pytest.mark.parametrize("name", list(FINGERPRINT_CASES))
def test_a_shared_cache_gives_the_same_numbers(name, shared_cache, tmp_path):
    case = dict(FINGERPRINT_CASES[name])
    drift = simulation.DriftSchedule(**case.pop("drift"))
    root = tmp_path / "out" if case.pop("files", False) else None
    if root is not None:
        case.update(output_dir=root, merge_files=True)
    result = simulation.simulate(case.pop("scenario"), drift=drift, cache=shared_cache, **case)
    changed = differences(json.loads(FINGERPRINTS.read_text())[name], fingerprint(result, root))
    assert not changed, f"{len(changed)} part(s) changed, first: {', '.join(changed[:8])}"


def test_the_window_is_the_text_the_capture_carries():
    """The in-memory data-quality window equals records_to_frame's decoding of the captured CSV."""
    import numpy as np

    from labkit import capture

    frame = pd.DataFrame({
        "text": ["plain", "a, comma", 'a "quote"', " lead", "", None, "x" * 3, "ünï", "'", "trail "],
        "number": [0.1, 1e-7, -0.0, np.nan, 1e300, 2.5, 3.0, -1.25, 0.3333333333333333, np.inf],
        "integer": [1, -2, 0, 10**12, 5, 6, 7, 8, 9, 10],
        "flag": [True, False] * 5,
        "small": np.array([0.1, 0.2] * 5, dtype=np.float32),
    })  # fmt: skip
    records = capture.capture_requests(frame, [0] * len(frame), start_time=simulation.SIMULATION_START,
                                       sampling_percentage=70, seed=5)  # fmt: skip
    decoded, quarantined = capture.records_to_frame(records, list(frame.columns))
    rows = np.array([int((r.inference_time - simulation.SIMULATION_START).total_seconds() * len(frame) / 3600)
                     for r in records])  # fmt: skip
    window = simulation.SimulationCache().window_frame({c: frame[c].to_numpy() for c in frame}, rows)
    assert not quarantined and 0 < len(rows) < len(frame)
    assert window.astype(object).values.tolist() == decoded.values.tolist()
    assert list(window.columns) == list(decoded.columns)
    broken = {"text": np.array(["two\nlines"], dtype=object)}
    assert simulation.SimulationCache().window_frame(broken, np.array([0])) is None  # read from records instead


def test_values_python_finds_equal_but_that_write_differently_are_not_confused():
    import numpy as np

    cache = simulation.SimulationCache()
    first = cache.window_frame({"v": np.array([1, 0.0, "a"], dtype=object)}, np.arange(3))
    second = cache.window_frame({"v": np.array([1.0, -0.0, "a"], dtype=object)}, np.arange(3))
    third = cache.window_frame({"v": np.array([True, 0.0, "a"], dtype=object)}, np.arange(3))
    assert [c[0] for c in (first.values, second.values, third.values)] == [["1"], ["1.0"], ["True"]]
    assert second.values[1, 0] == "-0.0" and first.values[1, 0] == "0.0"
