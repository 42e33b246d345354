"""Monitoring schedules and their executions on the simulated clock.

Create/Describe/Update/Start/Stop/Delete/ListMonitoringSchedule(s) and ListMonitoringExecutions,
as the API reference describes them, for the four monitoring types. The rules of time come from
``labkit.schedule``: which expressions Model Monitor accepts (``parse_schedule_expression``),
the ``NOW`` and 24-hour rules of ``DataAnalysisStartTime``/``EndTime``, the window each
execution reads (``MonitoringSchedule.window``) and the seeded 0–20 minute start delay
(``start_delay``). ``run_until(t)`` plays the clock forward: each scheduled time T that passes
creates an execution (``Pending``), which starts at T + delay (``InProgress``) and ends at once
(its processing jobs take no simulated time) in ``Completed``, ``CompletedWithViolations`` or
``Failed``.

A schedule is ``Scheduled`` as soon as it is created (AWS: it goes from ``Pending`` to
``Scheduled`` when ready; the SDK waits for that, and finds it ready on its first look).
Stopping a schedule stops new executions; an execution already created runs to its end (as in
AWS's bias-drift example, where an execution finished after ``stop_monitoring_schedule``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from labkit.errors import LabkitInputError
from labkit.local import service_errors
from labkit.local.executions import ExecutionRunner
from labkit.local.job_definitions import JobDefinitions, JobSpec, inline_spec
from labkit.local.resources import ResourceTable, page
from labkit.local.service import ServiceError, validation_error
from labkit.schedule import MonitoringSchedule, start_delay

__all__ = ["Schedules"]

_SUMMARY_KEYS = ("MonitoringScheduleName", "MonitoringScheduleArn", "CreationTime", "LastModifiedTime",
                 "MonitoringScheduleStatus", "EndpointName", "MonitoringJobDefinitionName", "MonitoringType")  # fmt: skip


class Schedules:
    """The monitoring schedules of one local account, and the executions they start."""

    def __init__(self, region: str, account: str, clock: Any, definitions: JobDefinitions,
                 capture_enabled: Callable[[str], bool], runner: ExecutionRunner, seed: int) -> None:  # fmt: skip
        self.clock, self.definitions, self.capture_enabled = clock, definitions, capture_enabled
        self.runner, self.seed = runner, seed
        self.table = ResourceTable(
            "monitoring-schedule", region, account,
            not_found=lambda name, arn: service_errors.schedule_not_found(arn),
            exists=lambda name, arn: service_errors.in_use(f"Monitoring schedule {name} already exists."),
        )  # fmt: skip
        self.executions: list[dict[str, Any]] = []  # every execution summary, in creation order
        self._next: dict[str, datetime | None] = {}  # each schedule's next scheduled time
        self._starts: dict[tuple[str, datetime], datetime] = {}  # (schedule, T) → when a Pending execution starts
        definitions.in_use = self._user_of

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        return {
            ("sagemaker", "CreateMonitoringSchedule"): self.create,
            ("sagemaker", "DescribeMonitoringSchedule"): self.describe,
            ("sagemaker", "UpdateMonitoringSchedule"): self.update,
            ("sagemaker", "StartMonitoringSchedule"): self.start,
            ("sagemaker", "StopMonitoringSchedule"): self.stop,
            ("sagemaker", "DeleteMonitoringSchedule"): self.delete,
            ("sagemaker", "ListMonitoringSchedules"): self.list,
            ("sagemaker", "ListMonitoringExecutions"): self.list_executions,
        }

    # --- the API ----------------------------------------------------------------------------------

    def create(self, params: dict) -> dict:
        name = params["MonitoringScheduleName"]
        if name in self.table:
            raise self.table.exists(name, self.table.arn(name))
        config = params["MonitoringScheduleConfig"]
        spec, plan = self._check(name, config, creating=True)
        now = self.clock()
        record = {"MonitoringScheduleArn": self.table.arn(name), "MonitoringScheduleName": name,
                  "MonitoringScheduleStatus": "Scheduled", "MonitoringType": spec.monitoring_type,
                  "CreationTime": now, "LastModifiedTime": now, "MonitoringScheduleConfig": config,
                  "Tags": params.get("Tags", [])}  # fmt: skip
        if spec.endpoint_name:
            record["EndpointName"] = spec.endpoint_name
        self.table.add(name, record)
        self._plan_from(name, plan, now)
        return {"MonitoringScheduleArn": record["MonitoringScheduleArn"]}

    def update(self, params: dict) -> dict:
        name = params["MonitoringScheduleName"]
        record = self.table.get(name)
        config = params["MonitoringScheduleConfig"]
        spec, plan = self._check(name, config, creating=True)
        record.update(MonitoringScheduleConfig=config, MonitoringType=spec.monitoring_type, LastModifiedTime=self.clock())
        record.pop("EndpointName", None)
        if spec.endpoint_name:
            record["EndpointName"] = spec.endpoint_name
        if record["MonitoringScheduleStatus"] == "Scheduled":
            self._plan_from(name, plan, self.clock())
        return {"MonitoringScheduleArn": record["MonitoringScheduleArn"]}

    def describe(self, params: dict) -> dict:
        record = self.table.get(params["MonitoringScheduleName"])
        out = dict(record)
        mine = [e for e in self.executions if e["MonitoringScheduleName"] == record["MonitoringScheduleName"]]
        if mine:
            out["LastMonitoringExecutionSummary"] = dict(max(mine, key=lambda e: e["ScheduledTime"]))
        return out

    def start(self, params: dict) -> dict:
        record = self.table.get(params["MonitoringScheduleName"])
        if record["MonitoringScheduleStatus"] != "Scheduled":
            record.update(MonitoringScheduleStatus="Scheduled", LastModifiedTime=self.clock())
            _, plan = self._check(record["MonitoringScheduleName"], record["MonitoringScheduleConfig"])
            self._plan_from(record["MonitoringScheduleName"], plan, self.clock())
        return {}

    def stop(self, params: dict) -> dict:
        record = self.table.get(params["MonitoringScheduleName"])
        record.update(MonitoringScheduleStatus="Stopped", LastModifiedTime=self.clock())
        self._next[record["MonitoringScheduleName"]] = None
        return {}

    def delete(self, params: dict) -> dict:
        name = params["MonitoringScheduleName"]
        self.table.pop(name)
        self._next.pop(name, None)
        self.executions = [e for e in self.executions if e["MonitoringScheduleName"] != name]
        self._starts = {key: t for key, t in self._starts.items() if key[0] != name}
        return {}

    def list(self, params: dict) -> dict:
        summaries = self.table.summaries(_SUMMARY_KEYS)
        for summary, record in zip(summaries, self.table.values()):
            job = record["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")
            if job:
                summary["MonitoringJobDefinitionName"] = job
        return page(summaries, params, result_key="MonitoringScheduleSummaries", name_key="MonitoringScheduleName",
                    sort_keys={"Name": "MonitoringScheduleName", "CreationTime": "CreationTime", "Status": "MonitoringScheduleStatus"},
                    filters={"EndpointName": lambda s, v: s.get("EndpointName") == v,
                             "StatusEquals": lambda s, v: s["MonitoringScheduleStatus"] == v,
                             "MonitoringJobDefinitionName": lambda s, v: s.get("MonitoringJobDefinitionName") == v,
                             "MonitoringTypeEquals": lambda s, v: s["MonitoringType"] == v})  # fmt: skip

    def list_executions(self, params: dict) -> dict:
        return page(self.executions, params, result_key="MonitoringExecutionSummaries", name_key="MonitoringScheduleName",
                    sort_keys={"CreationTime": "CreationTime", "ScheduledTime": "ScheduledTime",
                               "Status": "MonitoringExecutionStatus"},
                    default_sort="ScheduledTime",
                    filters={"MonitoringScheduleName": lambda s, v: s["MonitoringScheduleName"] == v,
                             "EndpointName": lambda s, v: s.get("EndpointName") == v,
                             "StatusEquals": lambda s, v: s["MonitoringExecutionStatus"] == v,
                             "MonitoringJobDefinitionName": lambda s, v: s.get("MonitoringJobDefinitionName") == v,
                             "MonitoringTypeEquals": lambda s, v: s.get("MonitoringType") == v,
                             "ScheduledTimeBefore": lambda s, v: s["ScheduledTime"] < v,
                             "ScheduledTimeAfter": lambda s, v: s["ScheduledTime"] > v,
                             "LastModifiedTimeBefore": lambda s, v: s["LastModifiedTime"] < v,
                             "LastModifiedTimeAfter": lambda s, v: s["LastModifiedTime"] > v})  # fmt: skip

    # --- checks ---------------------------------------------------------------------------------

    def _check(self, name: str, config: dict, *, creating: bool = False) -> tuple[JobSpec, MonitoringSchedule]:
        """The schedule's job spec and its plan in time, or the service's refusal (the endpoint's
        data capture is checked when the schedule is created or updated)."""
        kind = config.get("MonitoringType")
        if config.get("MonitoringJobDefinitionName"):
            if kind is None:  # [U] wording
                raise validation_error("MonitoringType is required when MonitoringJobDefinitionName is given.")
            spec = self.definitions.spec(kind, config["MonitoringJobDefinitionName"])
        elif config.get("MonitoringJobDefinition"):
            spec = inline_spec(config["MonitoringJobDefinition"], kind or "DataQuality")
        else:  # [U] wording
            raise validation_error("Either MonitoringJobDefinition or MonitoringJobDefinitionName must be provided.")
        given = [k for k in ("EndpointInput", "BatchTransformInput") if k in spec.job_input]
        if len(given) != 1:  # [U] wording; the API takes exactly one of the two inputs
            raise validation_error("Exactly one of EndpointInput and BatchTransformInput must be provided.")
        if creating and spec.endpoint_name and not self.capture_enabled(spec.endpoint_name):
            raise service_errors.capture_not_enabled(spec.endpoint_name)
        timing = config.get("ScheduleConfig") or {}
        expression = timing.get("ScheduleExpression")
        if expression is None:
            # [U] AWS picks the time of a daily schedule given no expression; the kit runs it at 00:00 UTC
            expression = "cron(0 0 ? * * *)"
        try:
            plan = MonitoringSchedule(
                name, expression, monitoring_input=None, analyse=None, monitoring_type=spec.monitoring_type,
                data_analysis_start_time=timing.get("DataAnalysisStartTime"),
                data_analysis_end_time=timing.get("DataAnalysisEndTime"),
                start_time_offset=spec.monitoring_input.get("StartTimeOffset"),
                end_time_offset=spec.monitoring_input.get("EndTimeOffset"),
                seed=self.seed,
            )  # fmt: skip
        except LabkitInputError as exc:
            if "ScheduleExpression" in exc.reason:
                raise service_errors.unsupported_schedule(expression, exc.reason) from None
            raise validation_error(exc.reason) from None
        return spec, plan

    def _user_of(self, kind: str, job_definition: str) -> str | None:
        """The schedule that uses a job definition, if any (a job definition in use stays)."""
        for record in self.table.values():
            config = record["MonitoringScheduleConfig"]
            if config.get("MonitoringType") == kind and config.get("MonitoringJobDefinitionName") == job_definition:
                return record["MonitoringScheduleName"]
        return None

    # --- the clock ------------------------------------------------------------------------------

    def _plan_from(self, name: str, plan: MonitoringSchedule, moment: datetime) -> None:
        # [U] a cron schedule's first execution is its first time after the schedule was created
        # (or restarted); NOW runs at once.
        self._next[name] = moment if plan.expression.is_now else _first_time(plan, moment, after=True)

    def next_event(self) -> datetime | None:
        """When something next happens: a scheduled time arrives or a pending execution starts."""
        times = [t for t in self._next.values() if t is not None] + list(self._starts.values())
        return min(times) if times else None

    def run_due(self) -> list[dict[str, Any]]:
        """Create the executions due at the clock's time and run those whose start has come."""
        now = self.clock()
        for name in sorted(n for n, t in self._next.items() if t is not None and t <= now):
            self._create_execution(name, self._next[name])
        due = sorted((t, key) for key, t in self._starts.items() if t <= now)
        started = []
        for _, key in due:
            del self._starts[key]
            summary = next(e for e in self.executions if (e["MonitoringScheduleName"], e["ScheduledTime"]) == key)
            self._run(summary)
            started.append(summary)
        return started

    def _create_execution(self, name: str, scheduled: datetime) -> None:
        record = self.table.get(name)
        try:
            _, plan = self._check(name, record["MonitoringScheduleConfig"])
            following = None if plan.expression.is_now else _first_time(plan, scheduled, after=True)
        except ServiceError:  # the execution will fail when it starts, saying why
            following = None
        summary = {"MonitoringScheduleName": name, "ScheduledTime": scheduled, "CreationTime": scheduled,
                   "LastModifiedTime": scheduled, "MonitoringExecutionStatus": "Pending",
                   "MonitoringType": record["MonitoringType"]}  # fmt: skip
        job = record["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")
        if job:
            summary["MonitoringJobDefinitionName"] = job
        if record.get("EndpointName"):
            summary["EndpointName"] = record["EndpointName"]
        self.executions.append(summary)
        self._starts[(name, scheduled)] = scheduled + start_delay(self.seed, scheduled)
        self._next[name] = following

    def _run(self, summary: dict[str, Any]) -> None:
        name, scheduled = summary["MonitoringScheduleName"], summary["ScheduledTime"]
        summary.update(MonitoringExecutionStatus="InProgress", LastModifiedTime=self.clock())
        record = self.table.get(name)
        try:
            spec, plan = self._check(name, record["MonitoringScheduleConfig"])
        except ServiceError as error:  # e.g. its job definition was deleted since
            summary.update(MonitoringExecutionStatus="Failed", FailureReason=error.message)
            return
        outcome = self.runner.run(record, spec, scheduled, plan.window(scheduled))
        summary.update(MonitoringExecutionStatus=outcome.status, LastModifiedTime=self.clock())
        if outcome.processing_job_arn:
            summary["ProcessingJobArn"] = outcome.processing_job_arn
        if outcome.failure_reason:
            summary["FailureReason"] = outcome.failure_reason


def _first_time(plan: MonitoringSchedule, moment: datetime, *, after: bool = False) -> datetime | None:
    """The schedule's first time at or after ``moment`` (strictly after with ``after``)."""
    from datetime import timedelta

    start = moment + timedelta(seconds=1) if after else moment
    times = plan.scheduled_times(start, start + timedelta(days=2))
    return times[0] if times else None
