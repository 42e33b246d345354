"""Checkers for notebook 06 · On SageMaker: the hourly schedule moved to a daily run at 05:00 UTC
with the SDK's ``update_monitoring_schedule``, read back from the account.
"""

from __future__ import annotations

from typing import Any

from labkit.errors import LabkitInputError
from labkit.exercises.grading import Feedback, right, wrong

__all__ = ["cloud_daily_schedule"]


def cloud_daily_schedule(answer: Any, *, hour: int, monitor: Any) -> Feedback:
    """cloud-daily-schedule: ``answer`` runs once a day at ``hour`` UTC and is what the schedule now runs.

    ``monitor`` is the notebook's ``DefaultModelMonitor`` (only its ``describe_schedule`` is read).
    """
    from labkit import schedule

    if not isinstance(answer, str):
        raise TypeError(f"expected the ScheduleExpression string, got {type(answer).__name__}")
    try:
        fires = schedule.parse_schedule_expression(answer).fire_hours()
    except LabkitInputError as error:
        return wrong(f"Model Monitor would refuse it: {error}.", "CronExpressionGenerator.daily(hour=...) writes a daily expression.")
    if fires != (hour,):
        at = "every hour" if len(fires) == 24 else ", ".join(f"{h:02d}:00" for h in fires) or "once, now"
        return wrong(f"{answer} fires at {at} (UTC).",
                     "A daily schedule sets only the hour field of the cron; CronExpressionGenerator.daily(hour=...) writes one.")  # fmt: skip
    running = monitor.describe_schedule()["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"]
    if running != answer:
        return wrong(f"{answer} is right, but the schedule still runs {running}.",
                     "Call monitor.update_monitoring_schedule(schedule_cron_expression=...), then read "
                     "monitor.describe_schedule() again.")  # fmt: skip
    return right(f"{answer}: the schedule now runs once a day at {hour:02d}:00 UTC, up to 20 minutes late, "
                 "on the data of the hours it is given.")  # fmt: skip
