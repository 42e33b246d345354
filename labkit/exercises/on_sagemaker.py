"""Checkers for notebook 06 · On SageMaker: a daily CreateMonitoringSchedule request for the
plan's job definition, validated offline (botocore, the service model, the documented cron forms).
"""

from __future__ import annotations

from labkit.exercises.grading import Feedback, right, wrong

__all__ = ["cloud_daily_schedule"]


def cloud_daily_schedule(answer, *, hour, plan) -> Feedback:
    """cloud-daily-schedule: a valid CreateMonitoringSchedule that runs plan's job daily at ``hour`` UTC."""
    from labkit import aws, schedule

    if not isinstance(answer, aws.ApiRequest):
        raise TypeError(f"expected an ApiRequest, got {type(answer).__name__}")
    if (answer.service, answer.operation) != ("sagemaker", "CreateMonitoringSchedule"):
        return wrong(
            f"That is {answer.service} {answer.operation}.",
            "Build it with api.create_monitoring_schedule(...).",
        )
    problems = aws.check(answer)
    if problems:
        listed = "; ".join(p.as_text() for p in problems)
        return wrong(
            f"The request would be rejected: {listed}.",
            "Fix what each layer names, then validate again.",
        )
    config = answer.params["MonitoringScheduleConfig"]
    if config.get("MonitoringJobDefinitionName") != plan.job_definition_name:
        return wrong(
            f"It runs {config.get('MonitoringJobDefinitionName')!r}.",
            f"Run the plan's job definition, plan.job_definition_name ({plan.job_definition_name!r}).",
        )
    if config.get("MonitoringType") != "DataQuality":
        return wrong(
            f"MonitoringType is {config.get('MonitoringType')!r}.",
            "The plan's job definition is DataQuality.",
        )
    expression = config["ScheduleConfig"]["ScheduleExpression"]
    fires = schedule.parse_schedule_expression(expression).fire_hours()
    if fires != (hour,):
        at = (
            "every hour"
            if len(fires) == 24
            else ", ".join(f"{h:02d}:00" for h in fires) or "once, now"
        )
        return wrong(
            f"{expression} fires at {at} (UTC).",
            "A daily schedule sets only the hour field of the cron; schedule.daily(hour=...) writes one.",
        )
    return right(
        f"{expression} runs {plan.job_definition_name} once a day at {hour:02d}:00 UTC, and the request "
        "passes botocore, the service model and the documented cron forms."
    )
