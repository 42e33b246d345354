"""Schedule expressions: the ``cron`` forms Model Monitor accepts, and ISO 8601 offsets.

``hourly()``, ``daily(hour)``, ``daily_every_x_hours(x, starting_hour)`` and ``now()`` give the
expressions the SageMaker Python SDK's ``CronExpressionGenerator`` gives;
``parse_schedule_expression`` accepts exactly the documented forms and rejects the rest (AWS: "The
cron expression for monitoring schedule", model-monitor-schedule-expression). ``parse_offset``
reads the ``StartTimeOffset``/``EndTimeOffset`` and ``DataAnalysis*Time`` durations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from labkit import capture
from labkit.errors import LabkitInputError

__all__ = [
    "INTERVAL_HOURS",
    "NOW",
    "ScheduleExpression",
    "daily",
    "daily_every_x_hours",
    "hourly",
    "now",
    "parse_offset",
    "parse_schedule_expression",
]

NOW = "NOW"  # ScheduleConfig.ScheduleExpression: "run the job one time, immediately"
INTERVAL_HOURS = (1, 24)  # "only supports hourly integer rates between 1 hour and 24 hours"
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
