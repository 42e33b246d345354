"""Executions of a monitoring schedule: the start delay, statuses, report folders, ``run``.

``MonitoringSchedule.run(T)`` is one execution: ``Pending`` → ``InProgress`` (0–20 min after T)
→ ``Completed`` / ``CompletedWithViolations`` / ``Failed``; it reads ``[T − interval, T)`` of
capture (or the ``DataAnalysisStartTime``/``EndTime`` or ``StartTimeOffset``/``EndTimeOffset``
window), runs a twin's ``monitor`` and writes the report files under ``report_prefix`` (AWS:
"Schedule monitoring jobs", model-monitor-scheduling).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit import capture, cloudwatch
from labkit.analyzer.contract import NO_DATA_REASON
from labkit.capture import hour_prefix, to_utc
from labkit.errors import LabkitInputError
from labkit.schedule.expressions import ScheduleExpression, parse_offset, parse_schedule_expression

__all__ = [
    "MAX_ANALYSIS_WINDOW",
    "MAX_START_DELAY",
    "NAME_PATTERN",
    "NO_DATA_FAILURE_REASON",
    "TRANSITIONS",
    "ExecutionStatus",
    "MonitoringExecution",
    "MonitoringSchedule",
    "ScheduleStatus",
    "report_prefix",
    "start_delay",
]

MAX_START_DELAY = timedelta(
    minutes=20
)  # ScheduleConfig: "a delay of 0-20 minutes" after the requested time
MAX_ANALYSIS_WINDOW = timedelta(
    hours=24
)  # DataAnalysisStartTime "must not precede the end time ... by more than 24 hours"
NAME_PATTERN = re.compile(
    r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
)  # MonitoringScheduleName, EndpointName (API)
# The FailureReason of an execution whose window holds no captured data, as a real execution
# reported it (aws/sagemaker-python-sdk issue #2634); the container contract keeps the source.
NO_DATA_FAILURE_REASON = NO_DATA_REASON


@lru_cache(maxsize=4096)  # a pure function of its arguments; simulations ask for the same hours again
def start_delay(seed: int, scheduled_time: datetime) -> timedelta:
    """How long after ``scheduled_time`` the execution starts: 0–20 minutes, whole seconds.

    [U] reference: operations.md §3.1 — uniform over [0, 20 min]; seeded per scheduled time so
    running the executions in any order gives the same delays.
    """
    key = int(to_utc(scheduled_time).timestamp())
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, key]))
    return timedelta(seconds=int(rng.integers(0, int(MAX_START_DELAY.total_seconds()) + 1)))


# --- statuses and executions ---------------------------------------------------------------------


class ExecutionStatus(str, Enum):
    """``MonitoringExecutionSummary.MonitoringExecutionStatus`` (botocore ExecutionStatus)."""

    PENDING = "Pending"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    COMPLETED_WITH_VIOLATIONS = "CompletedWithViolations"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL


class ScheduleStatus(str, Enum):
    """``MonitoringScheduleStatus`` (botocore ScheduleStatus)."""

    PENDING = "Pending"
    FAILED = "Failed"
    SCHEDULED = "Scheduled"
    STOPPED = "Stopped"


_S = ExecutionStatus
_TERMINAL = {_S.COMPLETED, _S.COMPLETED_WITH_VIOLATIONS, _S.FAILED, _S.STOPPED}
# [U] reference: operations.md §3.4 — Pending → InProgress → one terminal state; a stop request
# goes through Stopping to Stopped.
TRANSITIONS = {
    _S.PENDING: {_S.IN_PROGRESS, _S.STOPPING},
    _S.IN_PROGRESS: {_S.COMPLETED, _S.COMPLETED_WITH_VIOLATIONS, _S.FAILED, _S.STOPPING},
    _S.STOPPING: {_S.STOPPED},
}


def _iso(moment: datetime) -> str:
    return capture.format_inference_time(moment)


@dataclass(frozen=True)
class MonitoringExecution:
    """One execution of a schedule: its window, status history, report folder and metrics."""

    schedule_name: str
    scheduled_time: datetime
    window_start: datetime
    window_end: datetime
    history: tuple[tuple[ExecutionStatus, datetime], ...]
    monitoring_type: str = "DataQuality"
    endpoint_name: str | None = None
    failure_reason: str | None = None
    output_path: Path | None = None
    item_count: int = 0
    n_quarantined: int = 0
    metrics: tuple[cloudwatch.MetricDatum, ...] = ()
    report: Any = field(default=None, compare=False, repr=False)

    @property
    def status(self) -> ExecutionStatus:
        return self.history[-1][0]

    @property
    def start_time(self) -> datetime | None:
        """When the job started (``InProgress``): the scheduled time plus the 0–20 min delay."""
        return next((t for s, t in self.history if s is _S.IN_PROGRESS), None)

    @property
    def has_violations(self) -> bool:
        return self.status is _S.COMPLETED_WITH_VIOLATIONS

    def transition(
        self, status: ExecutionStatus, at: datetime, **changes: Any
    ) -> MonitoringExecution:
        """A copy in ``status`` at ``at``; an undocumented move raises LabkitInputError."""
        status = ExecutionStatus(status)
        if status not in TRANSITIONS.get(self.status, set()):
            raise LabkitInputError(
                f"execution at {_iso(self.scheduled_time)}: cannot go from {self.status.value} to {status.value}"
            )
        return replace(self, history=(*self.history, (status, to_utc(at))), **changes)

    def stop(self, at: datetime) -> MonitoringExecution:
        """``StopMonitoringSchedule`` while the job runs: ``Stopping``, then ``Stopped``."""
        return self.transition(_S.STOPPING, at).transition(_S.STOPPED, at)

    def to_dict(self) -> dict[str, Any]:
        """The ``MonitoringExecutionSummary`` of ListMonitoringExecutions, times as ISO 8601 UTC."""
        out: dict[str, Any] = {
            "MonitoringScheduleName": self.schedule_name,
            "ScheduledTime": _iso(self.scheduled_time),
            "CreationTime": _iso(self.history[0][1]),
            "LastModifiedTime": _iso(self.history[-1][1]),
            "MonitoringExecutionStatus": self.status.value,
        }
        if self.endpoint_name is not None:
            out["EndpointName"] = self.endpoint_name
        if self.failure_reason is not None:
            out["FailureReason"] = self.failure_reason
        out["MonitoringType"] = self.monitoring_type
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MonitoringExecution:
        """A summary read back (window and metrics are not part of the summary)."""
        try:
            scheduled = to_utc(d["ScheduledTime"])
            history = (
                (_S.PENDING, to_utc(d["CreationTime"])),
                (ExecutionStatus(d["MonitoringExecutionStatus"]), to_utc(d["LastModifiedTime"])),
            )
            return cls(
                d["MonitoringScheduleName"],
                scheduled,
                scheduled,
                scheduled,
                history,
                d.get("MonitoringType", "DataQuality"),
                d.get("EndpointName"),
                d.get("FailureReason"),
            )
        except (KeyError, ValueError) as exc:
            raise LabkitInputError(f"not a MonitoringExecutionSummary: {exc}") from None


# --- schedules -------------------------------------------------------------------------------------


def report_prefix(
    output_root: str | Path,
    *,
    schedule_name: str,
    scheduled_time: datetime,
    endpoint_name: str | None = None,
) -> Path:
    """Where an execution's reports land: ``<S3Uri>/<endpoint>/<schedule>/yyyy/mm/dd/hh``.

    [U] reference: operations.md §3 — the layout seen in the SDK's example outputs (not in the AWS
    docs); batch schedules have no endpoint level. The hour is the scheduled time's.
    """
    parts = ([endpoint_name] if endpoint_name else []) + [
        schedule_name,
        hour_prefix(scheduled_time),
    ]
    return Path(output_root).joinpath(*parts)


@dataclass(frozen=True)
class MonitoringSchedule:
    """``CreateMonitoringSchedule`` in one object: when to run, what to read, how to analyse it.

    ``analyse(frame)`` is a twin's monitor returning a report with ``has_violations``,
    ``to_json(directory)`` and ``cloudwatch_metrics(...)`` (e.g. ``partial(data_quality.monitor,
    statistics=baseline)``). ``start_time_offset``/``end_time_offset`` are the EndpointInput offsets of
    model-quality jobs; ``data_analysis_*`` are ScheduleConfig's (required with ``NOW``).
    """

    name: str
    schedule_expression: str
    monitoring_input: Any
    analyse: Callable[[pd.DataFrame], Any] = field(compare=False)
    output_root: Path | None = None
    monitoring_type: str = "DataQuality"
    data_analysis_start_time: str | None = None
    data_analysis_end_time: str | None = None
    start_time_offset: str | None = None
    end_time_offset: str | None = None
    status: ScheduleStatus = ScheduleStatus.SCHEDULED
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_PATTERN.fullmatch(self.name):
            raise LabkitInputError(
                f"MonitoringScheduleName {self.name!r} must match [a-zA-Z0-9](-*[a-zA-Z0-9]){{0,62}}"
            )
        if self.monitoring_type not in cloudwatch.NAMESPACES:
            raise LabkitInputError(
                f"MonitoringType {self.monitoring_type!r} is not one of {', '.join(cloudwatch.NAMESPACES)}"
            )
        expression = self.expression
        pair = (self.data_analysis_start_time, self.data_analysis_end_time)
        if expression.is_now and None in pair:
            raise LabkitInputError(
                "DataAnalysisStartTime and DataAnalysisEndTime are required when ScheduleExpression is NOW"
            )
        # DataAnalysisStartTime may precede DataAnalysisEndTime by at most 24 h (ScheduleConfig);
        # EndpointInput's StartTimeOffset/EndTimeOffset have no such limit (docs: -P8D/-P1D).
        for (first, second), longest in (
            (pair, MAX_ANALYSIS_WINDOW),
            ((self.start_time_offset, self.end_time_offset), None),
        ):
            if (first is None) != (second is None):
                raise LabkitInputError("give both a start and an end offset, or neither")
            if first is not None:
                start, end = parse_offset(first), parse_offset(second)
                if not start < end:
                    raise LabkitInputError(
                        f"offsets {first}/{second}: the start must precede the end"
                    )
                if longest is not None and end - start > longest:
                    raise LabkitInputError(
                        f"offsets {first}/{second}: the start may precede the end by at most 24 hours"
                    )

    @property
    def expression(self) -> ScheduleExpression:
        return parse_schedule_expression(self.schedule_expression)

    @property
    def endpoint_name(self) -> str | None:
        return getattr(self.monitoring_input, "endpoint_name", None)

    def window(self, scheduled_time: datetime) -> tuple[datetime, datetime]:
        """``[start, end)`` analysed by the execution scheduled at ``scheduled_time``.

        [U] reference: operations.md §3.2 — ``[T − interval, T)``; the start delay does not move it.
        """
        t = to_utc(scheduled_time)
        for start, end in (
            (self.data_analysis_start_time, self.data_analysis_end_time),
            (self.start_time_offset, self.end_time_offset),
        ):
            if start is not None:
                return t + parse_offset(start), t + parse_offset(end)
        return t - self.expression.interval, t

    def scheduled_times(self, start: Any, end: Any) -> list[datetime]:
        """The schedule's times in ``[start, end)``; a NOW schedule runs once, at ``start``."""
        return (
            [to_utc(start)]
            if self.expression.is_now
            else self.expression.scheduled_times(start, end)
        )

    def stopped(self) -> MonitoringSchedule:
        """``StopMonitoringSchedule``: the schedule becomes ``Stopped`` and starts no execution."""
        return replace(self, status=ScheduleStatus.STOPPED)

    def run(self, scheduled_time: datetime) -> MonitoringExecution:
        """Run the execution scheduled at ``scheduled_time`` and return it in its terminal state."""
        if self.status is not ScheduleStatus.SCHEDULED:
            raise LabkitInputError(
                f"schedule {self.name} is {self.status.value}; it starts no executions"
            )
        t = to_utc(scheduled_time)
        window = self.window(t)
        started = t + start_delay(self.seed, t)
        execution = MonitoringExecution(
            self.name, t, *window, ((_S.PENDING, t),), self.monitoring_type, self.endpoint_name
        ).transition(_S.IN_PROGRESS, started)
        try:
            data = self.monitoring_input.read_window(*window)
            if data.n_records == 0 or data.frame.empty:
                return execution.transition(
                    _S.FAILED,
                    started,
                    failure_reason=NO_DATA_FAILURE_REASON,
                    n_quarantined=data.n_quarantined,
                )
            report = self.analyse(data.frame)
        except LabkitInputError as exc:
            return execution.transition(_S.FAILED, started, failure_reason=str(exc))
        output = None
        if self.output_root is not None:
            output = report_prefix(
                self.output_root,
                schedule_name=self.name,
                scheduled_time=t,
                endpoint_name=self.endpoint_name,
            )
            report.to_json(output)
        batch = self.endpoint_name is None
        metrics = report.cloudwatch_metrics(
            endpoint=cloudwatch.DEFAULT_ENDPOINT if batch else self.endpoint_name,
            schedule=self.name,
            timestamp=window[1],
            batch=batch,
        )
        status = _S.COMPLETED_WITH_VIOLATIONS if report.has_violations else _S.COMPLETED
        # [U] reference: operations.md §3.4 — the twin's job takes no simulated time.
        return execution.transition(
            status,
            started,
            output_path=output,
            item_count=data.n_records,
            n_quarantined=data.n_quarantined,
            metrics=tuple(metrics),
            report=report,
        )

    def run_between(self, start: Any, end: Any) -> list[MonitoringExecution]:
        """Every execution scheduled in ``[start, end)``, oldest first."""
        return [self.run(t) for t in self.scheduled_times(start, end)]
