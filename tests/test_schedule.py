"""Monitoring schedules: expressions, windows, start delays, execution states, inputs and report files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial

import pandas as pd
import pytest

from labkit import capture, cloudwatch, data_quality, schedule
from labkit.errors import LabkitInputError
from labkit.schedule import ExecutionStatus

T = datetime(2024, 5, 2, 7, tzinfo=UTC)


# --- expressions --------------------------------------------------------------------------------


def test_helpers_write_what_the_sdk_writes():
    # sagemaker.core.model_monitor.cron_expression_generator.CronExpressionGenerator, verbatim.
    from sagemaker.core.model_monitor.cron_expression_generator import (
        CronExpressionGenerator as sdk,
    )

    assert schedule.hourly() == sdk.hourly() == "cron(0 * ? * * *)"
    assert schedule.daily(5) == sdk.daily(5) == "cron(0 5 ? * * *)"
    assert schedule.daily_every_x_hours(12, starting_hour=17) == sdk.daily_every_x_hours(
        12, starting_hour=17
    )
    assert schedule.now() == sdk.now() == "NOW"


@pytest.mark.parametrize(
    ("text", "hours", "interval"),
    [
        ("cron(0 * ? * * *)", tuple(range(24)), 1),
        ("cron(0 12 ? * * *)", (12,), 24),  # docs: daily at 12 PM UTC
        ("cron(0 0 ? * * *)", (0,), 24),
        ("cron(0 17/12 ? * * *)", (5, 17), 12),  # docs: every 12 hours, starting at 5 PM UTC
        ("cron(0 0/2 ? * * *)", tuple(range(0, 24, 2)), 2),  # docs: every two hours from 12 AM
        ("cron(0 0/10 ? * * *)", (0, 10, 20), 10),  # SDK: "midnight, 10am, and 8pm every day"
        ("cron(0 3/24 ? * * *)", (3,), 24),
    ],
)
def test_documented_expressions_parse(text, hours, interval):
    parsed = schedule.parse_schedule_expression(text)
    assert parsed.fire_hours() == hours and parsed.interval == timedelta(hours=interval)


@pytest.mark.parametrize(
    "text",
    [
        "cron(30 * ? * * *)",  # not on the hour
        "cron(0 * * * * *)",  # day of month must be ?
        "cron(0 * ? * MON *)",  # every day only
        "cron(0 24 ? * * *)",  # hours 0-23
        "cron(0 0/25 ? * * *)",  # intervals 1-24
        "cron(0 0/0 ? * * *)",
        "cron(0 */2 ? * * *)",
        "rate(1 hour)",
        "now",
        "cron(0 * ? * *)",
    ],
)
def test_undocumented_expressions_are_rejected(text):
    with pytest.raises(LabkitInputError, match="ScheduleExpression"):
        schedule.parse_schedule_expression(text)


def test_scheduled_times_cover_the_range_on_the_hour():
    every_six = schedule.parse_schedule_expression(schedule.daily_every_x_hours(6, 1))
    times = every_six.scheduled_times(
        datetime(2024, 5, 1, 0, 30, tzinfo=UTC), datetime(2024, 5, 2, 1, tzinfo=UTC)
    )
    assert [t.hour for t in times] == [1, 7, 13, 19]  # 01:00 next day is the exclusive end


@pytest.mark.parametrize(
    ("text", "hours"), [("-PT1H", -1), ("-P1D", -24), ("-P8D", -192), ("PT0H", 0), ("-P1DT2H", -26)]
)
def test_offsets_are_iso_8601_durations(text, hours):
    assert schedule.parse_offset(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["", "-P", "-PT", "1H", "-PT1.5H", "P1W"])
def test_malformed_offsets_are_refused(text):
    with pytest.raises(LabkitInputError, match="ISO 8601"):
        schedule.parse_offset(text)


# --- windows and delays ---------------------------------------------------------------------------


def _frame(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {"x": [float(i) for i in range(n)], "c": ["a", "b"] * (n // 2) + ["a"] * (n % 2)}
    )


def _records(start: datetime, n: int, seed: int = 0) -> list[capture.CaptureRecord]:
    frame = _frame(n)
    return capture.capture_requests(
        frame, [0] * n, start_time=start, sampling_percentage=100, seed=seed
    )


@pytest.fixture()
def baseline():
    return data_quality.suggest_baseline(_frame(40))


def _schedule(records, baseline, **kwargs) -> schedule.MonitoringSchedule:
    inputs = schedule.RecordsInput(("x", "c"), records=tuple(records), endpoint_name="ep")
    kwargs.setdefault("schedule_expression", schedule.hourly())
    return schedule.MonitoringSchedule(
        "dq-hourly",
        monitoring_input=inputs,
        analyse=partial(data_quality.monitor, statistics=baseline),
        **kwargs,
    )


def test_hourly_window_is_the_hour_before_and_ignores_the_delay(baseline):
    records = _records(T - timedelta(hours=2), 20) + _records(T - timedelta(hours=1), 10, seed=1)
    run = _schedule(records, baseline).run(T)
    assert (run.window_start, run.window_end) == (T - timedelta(hours=1), T)
    assert run.item_count == 10  # only the previous hour's records
    assert run.history[0] == (ExecutionStatus.PENDING, T)
    assert timedelta(0) <= run.start_time - T <= timedelta(minutes=20)


def test_daily_window_is_the_day_before(baseline):
    run = _schedule(
        _records(T - timedelta(hours=23), 10), baseline, schedule_expression=schedule.daily(7)
    ).run(T)
    assert run.window_start == T - timedelta(hours=24) and run.item_count == 10


def test_offsets_move_the_window_as_in_the_docs_example(baseline):
    # model-monitor-model-quality-schedule: -P8D / -P1D at 2020-01-09T13:00 → 2020-01-01T13:00 … 2020-01-08T13:00.
    s = _schedule(
        [],
        baseline,
        schedule_expression=schedule.daily(13),
        start_time_offset="-P8D",
        end_time_offset="-P1D",
    )
    run_at = datetime(2020, 1, 9, 13, tzinfo=UTC)
    assert s.window(run_at) == (
        datetime(2020, 1, 1, 13, tzinfo=UTC),
        datetime(2020, 1, 8, 13, tzinfo=UTC),
    )
    s = _schedule([], baseline, start_time_offset="-PT3H", end_time_offset="-PT2H")
    assert s.window(T) == (T - timedelta(hours=3), T - timedelta(hours=2))
    with pytest.raises(LabkitInputError, match="must precede the end"):
        _schedule([], baseline, start_time_offset="-PT1H", end_time_offset="-PT2H")


def test_start_delays_are_seeded_spread_over_twenty_minutes():
    delays = [schedule.start_delay(7, T + timedelta(hours=h)) for h in range(400)]
    assert all(timedelta(0) <= d <= timedelta(minutes=20) for d in delays)
    assert delays == [schedule.start_delay(7, T + timedelta(hours=h)) for h in range(400)]
    assert delays != [schedule.start_delay(8, T + timedelta(hours=h)) for h in range(400)]
    minutes = pd.Series([d.total_seconds() / 60 for d in delays])
    # Uniform on [0, 20]: mean 10 ± 4 sd of the mean (sd 20/√12 ≈ 5.77, n = 400).
    assert (
        abs(minutes.mean() - 10) < 4 * 5.77 / 400**0.5 and minutes.max() > 18 and minutes.min() < 2
    )


def test_now_needs_both_analysis_offsets_and_runs_once(baseline):
    with pytest.raises(LabkitInputError, match="required when ScheduleExpression is NOW"):
        _schedule([], baseline, schedule_expression="NOW", data_analysis_start_time="-PT2H")
    with pytest.raises(
        LabkitInputError, match="at most 24 hours"
    ):  # ScheduleConfig: not more than 24 hours apart
        _schedule(
            [],
            baseline,
            schedule_expression="NOW",
            data_analysis_start_time="-PT25H",
            data_analysis_end_time="-PT0H",
        )
    s = _schedule(
        _records(T - timedelta(hours=5), 30),
        baseline,
        schedule_expression="NOW",
        data_analysis_start_time="-PT6H",
        data_analysis_end_time="-PT1H",
    )
    runs = s.run_between(T, T + timedelta(days=2))
    assert len(runs) == 1 and (runs[0].window_start, runs[0].window_end) == (
        T - timedelta(hours=6),
        T - timedelta(hours=1),
    )
    assert runs[0].item_count == 30


# --- executions -----------------------------------------------------------------------------------


def test_an_empty_window_fails_with_a_reason(baseline):
    run = _schedule(_records(T - timedelta(hours=3), 10), baseline).run(T)
    assert (
        run.status is ExecutionStatus.FAILED
        and run.failure_reason == schedule.NO_DATA_FAILURE_REASON
    )
    assert [s for s, _ in run.history] == [
        ExecutionStatus.PENDING,
        ExecutionStatus.IN_PROGRESS,
        ExecutionStatus.FAILED,
    ]
    assert run.metrics == () and run.to_dict()["FailureReason"] == schedule.NO_DATA_FAILURE_REASON


def test_a_missing_capture_folder_fails_the_execution(tmp_path, baseline):
    inputs = schedule.EndpointInput(("x", "c"), capture_root=tmp_path, endpoint_name="ep")
    run = schedule.MonitoringSchedule(
        "dq", schedule.hourly(), inputs, partial(data_quality.monitor, statistics=baseline)
    ).run(T)
    assert run.status is ExecutionStatus.FAILED and "no such file" in run.failure_reason


def test_violations_and_clean_windows_end_in_the_right_state(baseline):
    drifted = capture.capture_requests(
        pd.DataFrame({"x": [1000.0] * 20, "c": ["a"] * 20}),
        [0] * 20,
        start_time=T - timedelta(hours=1),
        sampling_percentage=100,
        seed=0,
    )
    assert _schedule(drifted, baseline).run(T).status is ExecutionStatus.COMPLETED_WITH_VIOLATIONS
    clean = _schedule(_records(T - timedelta(hours=1), 40), baseline).run(T)
    assert clean.status is ExecutionStatus.COMPLETED and not clean.has_violations


def test_state_machine_refuses_undocumented_moves(baseline):
    run = _schedule(_records(T - timedelta(hours=1), 10), baseline).run(T)
    with pytest.raises(LabkitInputError, match="cannot go from Completed"):
        run.transition(ExecutionStatus.IN_PROGRESS, T)
    pending = schedule.MonitoringExecution(
        "dq", T, T - timedelta(hours=1), T, ((ExecutionStatus.PENDING, T),)
    )
    stopped = pending.transition(ExecutionStatus.IN_PROGRESS, T).stop(T + timedelta(minutes=5))
    assert [s.value for s, _ in stopped.history] == ["Pending", "InProgress", "Stopping", "Stopped"]
    assert stopped.status.is_terminal


def test_a_stopped_schedule_starts_nothing(baseline):
    s = _schedule([], baseline).stopped()
    assert s.status.value == "Stopped"
    with pytest.raises(LabkitInputError, match="Stopped"):
        s.run(T)


def test_schedule_and_type_are_validated(baseline):
    with pytest.raises(LabkitInputError, match="MonitoringScheduleName"):
        schedule.MonitoringSchedule("has_underscore", schedule.hourly(), None, print)
    with pytest.raises(LabkitInputError, match="MonitoringType"):
        schedule.MonitoringSchedule("ok", schedule.hourly(), None, print, monitoring_type="Latency")


def test_summary_has_the_api_shape_and_round_trips(baseline):
    run = _schedule(_records(T - timedelta(hours=1), 40), baseline).run(
        T
    )  # the baseline's own rows: no violation
    summary = run.to_dict()
    assert list(summary) == ["MonitoringScheduleName", "ScheduledTime", "CreationTime", "LastModifiedTime",
                             "MonitoringExecutionStatus", "EndpointName", "MonitoringType"]  # fmt: skip
    assert (
        summary["ScheduledTime"] == "2024-05-02T07:00:00Z"
        and summary["MonitoringExecutionStatus"] == "Completed"
    )
    assert schedule.MonitoringExecution.from_dict(summary).to_dict() == summary
    # botocore's model names exactly these members (and more optional ones).
    import botocore.session

    shape = (
        botocore.session.get_session()
        .get_service_model("sagemaker")
        .shape_for("MonitoringExecutionSummary")
    )
    assert set(summary) <= set(shape.members) and set(shape.required_members) <= set(summary)


# --- files ----------------------------------------------------------------------------------------


def test_reports_land_under_endpoint_schedule_and_hour(tmp_path, baseline):
    capture.write_capture(_records(T - timedelta(hours=1), 20), tmp_path / "capture", endpoint="ep")
    inputs = schedule.EndpointInput(
        ("x", "c"), capture_root=tmp_path / "capture", endpoint_name="ep"
    )
    s = schedule.MonitoringSchedule(
        "dq-hourly",
        schedule.hourly(),
        inputs,
        partial(data_quality.monitor, statistics=baseline),
        tmp_path / "reports",
    )
    run = s.run(T)
    assert (
        run.output_path == tmp_path / "reports" / "ep" / "dq-hourly" / "2024" / "05" / "02" / "07"
    )
    assert {p.name for p in run.output_path.iterdir()} == {
        "statistics.json",
        "constraints.json",  # a real execution's report folder (docs/fidelity.md)
        "constraint_violations.json",
    }
    assert (
        json.loads((run.output_path / "statistics.json").read_text())["dataset"]["item_count"] == 20
    )
    # The in-memory input gives the same table, so the same metrics.
    memory = _schedule(_records(T - timedelta(hours=1), 20), baseline).run(T)
    assert [m.to_dict() for m in memory.metrics] == [m.to_dict() for m in run.metrics]
    assert (
        run.metrics[0].namespace == cloudwatch.namespace("DataQuality")
        and run.metrics[0].timestamp == T
    )


def test_batch_transform_input_reads_the_manifests_of_the_window(tmp_path, baseline):
    rows = _frame(12)
    schedule.write_batch_capture(
        rows,
        tmp_path / "capture",
        job_start=T - timedelta(hours=5),
        input_dir=tmp_path / "in",
        seed=1,
    )
    schedule.write_batch_capture(
        rows.iloc[:3],
        tmp_path / "capture",
        job_start=T - timedelta(days=3),
        input_dir=tmp_path / "in",
        seed=2,
    )
    manifest = next((tmp_path / "capture" / "input" / "2024" / "05" / "02" / "02").glob("*.jsonl"))
    entries = json.loads(manifest.read_text())
    assert set(entries[0]) == {"prefix"} and entries[1].endswith(".csv")
    inputs = schedule.BatchTransformInput(tmp_path / "capture", feature_names=("x", "c"))
    s = schedule.MonitoringSchedule(
        "nightly",
        schedule.daily(7),
        inputs,
        partial(data_quality.monitor, statistics=baseline),
        tmp_path / "reports",
    )
    run = s.run(T)
    assert (
        run.item_count == 12 and run.endpoint_name is None
    )  # the 3-day-old job is outside the day
    assert run.output_path == tmp_path / "reports" / "nightly" / "2024" / "05" / "02" / "07"
    assert run.metrics and all(
        dict(m.dimensions).keys() >= {"MonitoringSchedule"} and "Endpoint" not in dict(m.dimensions)
        for m in run.metrics
    )
    assert run.metrics[0].namespace == cloudwatch.namespace("DataQuality", batch=True)


def test_a_malformed_manifest_is_named(tmp_path):
    bad = tmp_path / "capture" / "input" / "2024" / "05" / "02" / "06" / "m.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"not": "a list"}\n')
    with pytest.raises(LabkitInputError, match="manifest") as exc:
        schedule.BatchTransformInput(tmp_path / "capture").read_window(T - timedelta(hours=2), T)
    assert "m.jsonl" in str(exc.value)
