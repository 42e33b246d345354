"""Monitoring schedules: the cron expressions SageMaker accepts, executions, their windows and files.

A monitoring schedule starts one processing job (an *execution*) per scheduled time; each
execution analyses the captured data of its window and writes its reports to S3 (AWS: "Schedule
monitoring jobs", model-monitor-scheduling; "The cron expression for monitoring schedule",
model-monitor-schedule-expression). The twin:

* ``hourly()``, ``daily(hour)``, ``daily_every_x_hours(x, starting_hour)``, ``now()`` give the
  expressions the SageMaker Python SDK's ``CronExpressionGenerator`` gives;
  ``parse_schedule_expression`` accepts exactly the documented forms and rejects the rest;
* ``MonitoringSchedule.run(T)`` is one execution: ``Pending`` → ``InProgress`` (0–20 min after T)
  → ``Completed`` / ``CompletedWithViolations`` / ``Failed``; it reads ``[T − interval, T)`` of
  capture (or the ``DataAnalysisStartTime``/``EndTime`` or ``StartTimeOffset``/``EndTimeOffset``
  window), runs a twin's ``monitor`` and writes the report files under ``report_prefix``.

Inputs are a real-time endpoint's capture (``EndpointInput``, or ``RecordsInput`` for records
held in memory) or a batch transform job's captured inputs (``BatchTransformInput``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from labkit import capture, cloudwatch
from labkit.capture import CaptureRecord, hour_prefix, to_utc
from labkit.csvfiles import read_csv_text
from labkit.errors import LabkitInputError

__all__ = [
    "MAX_START_DELAY",
    "NOW",
    "NO_DATA_FAILURE_REASON",
    "BatchTransformInput",
    "EndpointInput",
    "ExecutionStatus",
    "MonitoringExecution",
    "MonitoringSchedule",
    "RecordsInput",
    "ScheduleExpression",
    "ScheduleStatus",
    "WindowData",
    "daily",
    "daily_every_x_hours",
    "hourly",
    "now",
    "parse_offset",
    "parse_schedule_expression",
    "report_prefix",
    "start_delay",
    "write_batch_capture",
]

NOW = "NOW"  # ScheduleConfig.ScheduleExpression: "run the job one time, immediately"
MAX_START_DELAY = timedelta(
    minutes=20
)  # ScheduleConfig: "a delay of 0-20 minutes" after the requested time
MAX_ANALYSIS_WINDOW = timedelta(
    hours=24
)  # DataAnalysisStartTime "must not precede the end time ... by more than 24 hours"
INTERVAL_HOURS = (1, 24)  # "only supports hourly integer rates between 1 hour and 24 hours"
NAME_PATTERN = re.compile(
    r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
)  # MonitoringScheduleName, EndpointName (API)
# [U] reference: operations.md §3.4 — the service's text for an empty window is not documented.
NO_DATA_FAILURE_REASON = "No data to analyze: no captured records in the analysis window"
_CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)")
_OFFSET = re.compile(r"([-+]?)P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_SUPPORTED = (
    "cron(0 * ? * * *), cron(0 H ? * * *), cron(0 H/X ? * * *) with H 0-23 and X 1-24, or NOW"
)


# --- expressions --------------------------------------------------------------------------------


def hourly() -> str:
    """``cron(0 * ? * * *)``: every hour, on the hour (SDK ``CronExpressionGenerator.hourly``)."""
    return "cron(0 * ? * * *)"


def daily(hour: int = 0) -> str:
    """``cron(0 H ? * * *)``: once a day at ``hour`` UTC (SDK ``daily``)."""
    return parse_schedule_expression(f"cron(0 {hour} ? * * *)").expression


def daily_every_x_hours(hour_interval: int, starting_hour: int = 0) -> str:
    """``cron(0 S/X ? * * *)``: every ``hour_interval`` hours from ``starting_hour`` UTC (SDK)."""
    return parse_schedule_expression(f"cron(0 {starting_hour}/{hour_interval} ? * * *)").expression


def now() -> str:
    """``NOW``: one execution, immediately, with no recurrence (SDK ``now``)."""
    return NOW


@dataclass(frozen=True)
class ScheduleExpression:
    """A parsed ``ScheduleExpression``: fires at hours ``starting_hour + k × interval_hours`` each day."""

    expression: str
    starting_hour: int = 0
    interval_hours: int | None = 1  # None for NOW

    @property
    def is_now(self) -> bool:
        return self.interval_hours is None

    @property
    def interval(self) -> timedelta:
        """The nominal time between executions (hourly 1 h, daily 24 h, ``H/X`` X hours)."""
        if self.is_now:
            raise LabkitInputError("a NOW schedule runs once; it has no interval")
        return timedelta(hours=self.interval_hours)

    def fire_hours(self) -> tuple[int, ...]:
        """The UTC hours of a day at which the schedule fires.

        [U] reference: operations.md §3.1 — the hours h with h ≡ starting_hour (mod interval).
        This satisfies both documented examples: AWS calls ``cron(0 17/12 ? * * *)`` "every 12
        hours, starting at 5 PM UTC" (05:00 and 17:00), and the SDK says
        ``daily_every_x_hours(10, 0)`` runs "at midnight, 10am, and 8pm every day". Plain cron
        would fire ``17/12`` at 17:00 only.
        """
        if self.is_now:
            return ()
        return tuple(
            h
            for h in range(24)
            if h % self.interval_hours == self.starting_hour % self.interval_hours
        )

    def scheduled_times(self, start: Any, end: Any) -> list[datetime]:
        """Every scheduled time in ``[start, end)``, oldest first (UTC)."""
        start, end = capture.window_bounds(start, end)
        hours = set(self.fire_hours())
        first = start.replace(minute=0, second=0, microsecond=0)
        if first < start:
            first += timedelta(hours=1)
        total = int((end - first) / timedelta(hours=1)) + 1
        times = (first + timedelta(hours=k) for k in range(max(total, 0)))
        return [t for t in times if t < end and t.hour in hours]


def parse_schedule_expression(text: str) -> ScheduleExpression:
    """Validate a ``ScheduleConfig.ScheduleExpression`` as SageMaker documents it; else LabkitInputError."""
    if not isinstance(text, str):
        raise LabkitInputError(f"ScheduleExpression must be a string, got {type(text).__name__}")
    if text == NOW:
        return ScheduleExpression(NOW, 0, None)
    match = _CRON.fullmatch(text.strip())
    if match is None:
        raise LabkitInputError(f"ScheduleExpression {text!r} is not supported; use {_SUPPORTED}")
    minute, hours, day_of_month, month, day_of_week, year = match.groups()
    if (minute, day_of_month, month, day_of_week, year) != ("0", "?", "*", "*", "*"):
        raise LabkitInputError(
            f"ScheduleExpression {text!r}: Model Monitor runs on the hour every day; "
            f"only the hour field may vary ({_SUPPORTED})"
        )
    if hours == "*":
        return ScheduleExpression(text.strip(), 0, 1)
    start_text, _, interval_text = hours.partition("/")
    start = _hour_number(start_text, text, 0, 23, "starting hour")
    interval = (
        24 if not interval_text else _hour_number(interval_text, text, *INTERVAL_HOURS, "interval")
    )
    return ScheduleExpression(text.strip(), start, interval)


def _hour_number(part: str, text: str, low: int, high: int, what: str) -> int:
    if not (part.isdigit() and len(part) <= 2 and low <= int(part) <= high):
        raise LabkitInputError(
            f"ScheduleExpression {text!r}: {what} {part!r} must be a whole number from {low} to {high}"
        )
    return int(part)


def parse_offset(text: str) -> timedelta:
    """An ISO 8601 duration such as ``-PT1H``, ``-P1D`` or ``-P1DT2H`` as a timedelta."""
    match = _OFFSET.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise LabkitInputError(f"offset {text!r} is not an ISO 8601 duration such as -PT1H or -P1D")
    sign, days, hours, minutes, seconds = match.groups()
    value = timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
    )
    return -value if sign == "-" else value


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


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WindowData:
    """The table one execution analyses, and how many records and bad lines fed it."""

    frame: pd.DataFrame
    n_records: int
    n_quarantined: int = 0


class MonitoringInput(Protocol):
    def read_window(self, start: datetime, end: datetime) -> WindowData: ...


@dataclass(frozen=True)
class _CaptureColumns:
    feature_names: tuple[str, ...]
    include_output: bool = False
    output_columns: tuple[str, ...] = ("prediction",)
    output_columns_position: str = "START"

    def frame(self, records: Sequence[CaptureRecord], n_quarantined: int) -> WindowData:
        table, bad = capture.records_to_frame(
            records,
            self.feature_names,
            include_output=self.include_output,
            output_columns=self.output_columns,
            output_columns_position=self.output_columns_position,
        )
        return WindowData(table, len(records), n_quarantined + len(bad))


@dataclass(frozen=True)
class EndpointInput(_CaptureColumns):
    """A real-time endpoint's data capture under ``<capture_root>/<endpoint>/<variant>/yyyy/mm/dd/hh``."""

    capture_root: Path = Path(".")
    endpoint_name: str = cloudwatch.DEFAULT_ENDPOINT

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        result = capture.read_capture(
            Path(self.capture_root) / self.endpoint_name, start=start, end=end
        )
        return self.frame(result.records, result.n_quarantined)


@dataclass(frozen=True)
class RecordsInput(_CaptureColumns):
    """Captured records held in memory (the simulation's fast path); same frames as EndpointInput."""

    records: tuple[CaptureRecord, ...] = ()
    endpoint_name: str = cloudwatch.DEFAULT_ENDPOINT

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        start, end = capture.window_bounds(start, end)
        return self.frame([r for r in self.records if start <= r.inference_time < end], 0)


@dataclass(frozen=True)
class BatchTransformInput:
    """A batch transform job's captured inputs: manifests under ``<destination>/input/yyyy/mm/dd/hh``.

    Each manifest lists ``[{"prefix": ...}, "file", ...]``, the transform job's input files
    (AWS: "Capture data from batch transform job", model-monitor-data-capture-batch).
    ``header`` is the ``DatasetFormat.Csv.Header`` of those files.
    """

    data_captured_destination: Path
    header: bool = False
    feature_names: tuple[str, ...] | None = None
    endpoint_name: None = None

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        root = Path(self.data_captured_destination) / "input"
        if not root.is_dir():
            raise LabkitInputError("no captured batch input under this destination", path=root)
        frames = []
        # [U] reference: operations.md §3.2 — a batch job belongs to the window of its hour folder.
        for manifest in capture.find_jsonl_files(root, start=start, end=end):
            if capture.hour_folder(manifest) is None:
                continue
            for path in _manifest_files(manifest):
                frames.append(read_csv_text(path, header=self.header))
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if self.feature_names is not None and not table.empty:
            if table.shape[1] != len(self.feature_names):
                raise LabkitInputError(
                    f"batch input has {table.shape[1]} columns, expected {len(self.feature_names)}"
                )
            table.columns = list(self.feature_names)
        return WindowData(table, len(table))


def _manifest_files(manifest: Path) -> list[Path]:
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        prefix = Path(entries[0]["prefix"])
        names = [str(name) for name in entries[1:]]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LabkitInputError(
            'expected a manifest [{"prefix": ...}, "file", ...]', path=manifest
        ) from None
    prefix = prefix if prefix.is_absolute() else manifest.parent / prefix
    return [prefix / name for name in names]


def write_batch_capture(
    frame: pd.DataFrame,
    destination: str | Path,
    *,
    job_start: datetime,
    input_dir: str | Path,
    seed: int = 0,
) -> Path:
    """Simulate a transform job with data capture: its input CSV in ``input_dir`` and a manifest in
    ``<destination>/input/yyyy/mm/dd/hh/`` (the job's start hour); returns the manifest path."""
    rng = np.random.default_rng(seed)
    name = f"batch-{uuid.UUID(bytes=rng.bytes(16), version=4)}.csv"
    input_dir = Path(input_dir)
    input_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(input_dir / name, header=False, index=False, lineterminator="\n")
    manifest = (
        Path(destination)
        / "input"
        / hour_prefix(job_start)
        / f"{uuid.UUID(bytes=rng.bytes(16), version=4)}.jsonl"
    )
    return capture.write_jsonl(
        manifest, [json.dumps([{"prefix": input_dir.resolve().as_posix() + "/"}, name])]
    )


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
