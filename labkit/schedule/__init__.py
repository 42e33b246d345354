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

# Importable from labkit.schedule as before the split, though not in __all__.
from labkit.schedule.executions import MAX_ANALYSIS_WINDOW as MAX_ANALYSIS_WINDOW
from labkit.schedule.executions import (
    MAX_START_DELAY,
    NO_DATA_FAILURE_REASON,
    ExecutionStatus,
    MonitoringExecution,
    MonitoringSchedule,
    ScheduleStatus,
    report_prefix,
    start_delay,
)
from labkit.schedule.executions import NAME_PATTERN as NAME_PATTERN
from labkit.schedule.executions import TRANSITIONS as TRANSITIONS
from labkit.schedule.expressions import INTERVAL_HOURS as INTERVAL_HOURS
from labkit.schedule.expressions import (
    NOW,
    ScheduleExpression,
    daily,
    daily_every_x_hours,
    hourly,
    now,
    parse_offset,
    parse_schedule_expression,
)
from labkit.schedule.inputs import (
    BatchTransformInput,
    EndpointInput,
    RecordsInput,
    WindowData,
    write_batch_capture,
)
from labkit.schedule.inputs import MonitoringInput as MonitoringInput

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
