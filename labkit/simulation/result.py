"""What a simulation produced: the timeline, executions, alarm history, events and retrains.

``SimulationResult`` holds it; ``_tables`` builds its hourly timeline, ``_write`` its files, and
``reevaluate`` replays another alarm on the metrics it published.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit import alarms, cloudwatch, schedule
from labkit.data_quality.metrics import FEATURE_DIMENSION
from labkit.simulation.traffic import DriftSchedule

__all__ = ["Retrain", "SimulationResult", "reevaluate"]


@dataclass(frozen=True)
class Retrain:
    """One run of the retraining target: when, why (the event), on which data, which version."""

    time: datetime
    event_id: str
    model_version: int
    training_rows: int
    data_start: datetime
    data_end: datetime


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What the simulation produced. ``timeline`` has one row per hour of traffic."""

    drift: DriftSchedule
    start: datetime
    hours: int
    timeline: pd.DataFrame
    distances: pd.DataFrame
    executions: tuple[schedule.MonitoringExecution, ...]
    model_quality_executions: tuple[schedule.MonitoringExecution, ...]
    alarm: alarms.MetricAlarm
    alarm_history: alarms.AlarmHistory
    events: tuple[dict[str, Any], ...]
    retrains: tuple[Retrain, ...]
    output_dir: Path | None = field(default=None)

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """Every datum the executions published, hour by hour (``cloudwatch.metrics_frame``);
        made when first read."""
        return cloudwatch.metrics_frame(self.published())

    def published(self) -> Iterator[cloudwatch.MetricDatum]:
        """The executions' CloudWatch datums in the order they were published: each hour's
        data-quality execution's, then its model-quality execution's."""
        for dq, mq in zip(self.executions, self.model_quality_executions, strict=True):
            yield from dq.metrics
            yield from mq.metrics

    def first_page(self) -> datetime | None:
        """When the alarm first changed to ALARM: the time the on-call engineer was paged."""
        return self.alarm_history.first_time_in(alarms.ALARM)

    def executions_frame(self) -> pd.DataFrame:
        """The data-quality executions as ListMonitoringExecutions lists them, plus each one's window."""
        return pd.DataFrame([{"ScheduledTime": e.scheduled_time, "started": e.start_time, "window start": e.window_start,
                              "window end": e.window_end, "status": e.status.value, "FailureReason": e.failure_reason}
                             for e in self.executions])  # fmt: skip


def _tables(
    traffic, records, dq_runs, mq_runs, serving, history, retrains, drift, alarm
) -> tuple[pd.DataFrame, pd.DataFrame]:
    retrained_at = {r.time.replace(minute=0, second=0) for r in retrains}
    paged_at = {
        c.timestamp.replace(minute=0, second=0)
        for c in history.changes
        if c.new_state == alarms.ALARM
    }
    feature = dict(alarm.dimensions).get(FEATURE_DIMENSION)
    quality = {
        run.window_start: run for run in mq_runs
    }  # the model-quality run that scored each hour (d hours later)
    rows, distance_rows = [], []
    for h, (dq, state) in enumerate(zip(dq_runs, (s for _, s in history.states))):
        distances = dq.report.distances if dq.report is not None else {}
        rows.append(
            {
                "hour": h,
                "window_start": dq.window_start,
                "scheduled_time": dq.scheduled_time,
                "execution_start": dq.start_time,
                "requests": traffic.size(h),
                "captured": len(records[h]),
                "drift_magnitude": drift.magnitude(h),
                "data_quality_status": dq.status.value,
                "alarm_metric": distances.get(feature, np.nan),
                "accuracy": _accuracy(quality.get(dq.window_start)),
                "model_quality_status": _status(quality.get(dq.window_start)),
                "alarm_state": state,
                "paged": dq.scheduled_time in paged_at,
                "retrained": dq.scheduled_time in retrained_at,
                "model_version": serving[h],
            }
        )
        distance_rows += [
            {"hour": h, "scheduled_time": dq.scheduled_time, "feature": f, "distance": d}
            for f, d in distances.items()
        ]
    return pd.DataFrame(rows), pd.DataFrame(
        distance_rows, columns=["hour", "scheduled_time", "feature", "distance"]
    )


def _accuracy(run: schedule.MonitoringExecution | None) -> float:
    if run is None or run.report is None:
        return np.nan
    return run.report.statistics.scalar_metrics().get("accuracy", np.nan)


def _status(run: schedule.MonitoringExecution | None) -> str | None:
    """The status of the execution that analysed the hour; None if none ran before the end."""
    return None if run is None else run.status.value


def _write(result: SimulationResult, out: Path) -> None:
    from labkit.jsonfiles import write_json

    write_json(result.alarm_history.describe_alarm_history(), out / "alarm_history.json")
    write_json(list(result.events), out / "events.json")
    write_json(result.alarm.to_dict(), out / "alarm.json")
    result.timeline.to_csv(out / "timeline.csv", index=False, lineterminator="\n")


def reevaluate(result: SimulationResult, alarm: alarms.MetricAlarm) -> alarms.AlarmHistory:
    """Evaluate another alarm on the datums the simulation published, at the same moments (each
    data-quality execution's start), without simulating again.

    Exact for a simulation run with ``retrain=False``; with retraining, the traffic itself
    depended on the original alarm.
    """
    datapoints = alarms.period_statistics(alarm, result.published())
    state, states, changes = alarms.INSUFFICIENT_DATA, [], []
    for run in result.executions:
        _, change = alarms.evaluate_at(alarm, datapoints, run.start_time, state)
        if change is not None:
            changes.append(change)
            state = change.new_state
        states.append((alarms.period_start(run.scheduled_time, alarm.period), state))
    return alarms.AlarmHistory(alarm, result.start, tuple(states), tuple(changes), datapoints)
