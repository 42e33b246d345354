"""From a drift metric to a retraining run: the CloudWatch, EventBridge and Pipelines requests.

The wiring AWS documents: a monitoring execution publishes metrics to CloudWatch (AWS page
"CloudWatch Metrics for Monitoring Jobs"); an alarm on one of them changes state; CloudWatch
sends every alarm state change to Amazon EventBridge as a "CloudWatch Alarm State Change" event
(CloudWatch User Guide, "Alarm events and EventBridge"); an EventBridge rule matching that event
can target a SageMaker pipeline, which EventBridge starts with ``SageMakerPipelineParameters``
(SageMaker Developer Guide, "Schedule Pipeline Runs"; EventBridge
``Target.SageMakerPipelineParameters``). ``StartPipelineExecution`` is the same start, by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from labkit.alarms import MetricAlarm
from labkit.aws.requests import ApiRequest
from labkit.cloudwatch import MetricDatum
from labkit.events import alarm_state_pattern

__all__ = [
    "ALARM_EVALUATION_PERIODS", "ALARM_PERIOD_SECONDS", "ALARM_STATISTIC", "alarm_event_pattern", "alarm_request",
    "delete_alarms", "delete_rule", "put_metric_alarm", "put_pipeline_target", "put_rule",
    "remove_targets", "set_alarm_state", "start_pipeline_execution",
]  # fmt: skip

# [U] reference: operations.md §4.2 — Model Monitor publishes one datapoint per metric per
# execution, so an hourly schedule is watched with one-hour periods; one breaching hour alarms.
ALARM_PERIOD_SECONDS = 3600
ALARM_EVALUATION_PERIODS = 1
ALARM_STATISTIC = "Maximum"


def alarm_request(alarm: MetricAlarm) -> ApiRequest:
    """The PutMetricAlarm request of the alarm twin's ``MetricAlarm`` (notebook 05's alarms, for real)."""
    return ApiRequest("cloudwatch", "PutMetricAlarm", alarm.to_dict(),
                      purpose=f"alarm when {alarm.metric_name} {alarm.comparison_operator} {alarm.threshold}")  # fmt: skip


def put_metric_alarm(
    alarm_name: str,
    metric: MetricDatum,
    *,
    threshold: float,
    comparison_operator: str = "GreaterThanThreshold",
    statistic: str = ALARM_STATISTIC,
    period: int = ALARM_PERIOD_SECONDS,
    evaluation_periods: int = ALARM_EVALUATION_PERIODS,
    datapoints_to_alarm: int | None = None,
    treat_missing_data: str = "missing",
    alarm_actions: Sequence[str] = (),
    description: str = "",
) -> ApiRequest:
    """PutMetricAlarm on the metric a twin publishes (``report.cloudwatch_metrics(...)``).

    Namespace, metric name and dimensions are copied from ``metric``, so the alarm watches exactly
    the series the monitoring execution writes; ``threshold`` is usually the constraint's own
    (``comparison_threshold`` 0.1 for ``feature_baseline_drift_<feature>``). The alarm twin
    (``labkit.alarms.MetricAlarm``) checks the limits and writes the parameters.
    """
    alarm = MetricAlarm(
        alarm_name=alarm_name, metric_name=metric.metric_name, namespace=metric.namespace,
        dimensions=metric.dimensions, period=period, evaluation_periods=evaluation_periods,
        comparison_operator=comparison_operator, threshold=float(threshold),
        datapoints_to_alarm=datapoints_to_alarm, treat_missing_data=treat_missing_data,
        statistic=statistic, alarm_description=description, alarm_actions=tuple(alarm_actions),
    )  # fmt: skip
    return alarm_request(alarm)


def set_alarm_state(
    alarm_name: str, state: str = "ALARM", reason: str = "testing the retraining wiring"
) -> ApiRequest:
    """SetAlarmState: force a state to test what an alarm triggers (the next evaluation resets it)."""
    return ApiRequest("cloudwatch", "SetAlarmState",
                      {"AlarmName": alarm_name, "StateValue": state, "StateReason": reason},
                      purpose=f"pretend {alarm_name} went to {state}")  # fmt: skip


def alarm_event_pattern(alarm_name: str, state: str = "ALARM") -> dict[str, Any]:
    """The EventBridge pattern matching ``alarm_name`` entering ``state`` (``events.alarm_state_pattern``).

    Fields as in the documented "CloudWatch Alarm State Change" event: ``detail.alarmName`` and
    ``detail.state.value``.
    """
    return alarm_state_pattern([alarm_name], (state,))


def put_rule(
    rule_name: str, alarm_name: str, *, state: str = "ALARM", description: str = ""
) -> ApiRequest:
    """EventBridge PutRule on the default event bus, matching the alarm's state change."""
    params: dict[str, Any] = {
        "Name": rule_name,
        "EventPattern": json.dumps(alarm_event_pattern(alarm_name, state), separators=(",", ":")),
        "State": "ENABLED",
    }
    if description:
        params["Description"] = description
    return ApiRequest("events", "PutRule", params,
                      purpose=f"an EventBridge rule: {alarm_name} → {state}")  # fmt: skip


def _pipeline_parameters(parameters: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Name": str(k), "Value": str(v)} for k, v in parameters.items()]


def put_pipeline_target(
    rule_name: str,
    pipeline_arn: str,
    *,
    role_arn: str,
    parameters: Mapping[str, str] | None = None,
    target_id: str = "retrain-pipeline",
) -> ApiRequest:
    """EventBridge PutTargets: the rule starts the SageMaker pipeline ``pipeline_arn``.

    ``role_arn`` is the role EventBridge assumes to call StartPipelineExecution.
    """
    target: dict[str, Any] = {"Id": target_id, "Arn": pipeline_arn, "RoleArn": role_arn}
    if parameters:
        target["SageMakerPipelineParameters"] = {
            "PipelineParameterList": _pipeline_parameters(parameters)
        }
    return ApiRequest("events", "PutTargets", {"Rule": rule_name, "Targets": [target]},
                      purpose=f"rule {rule_name} starts {pipeline_arn.rsplit('/', 1)[-1]}")  # fmt: skip


def start_pipeline_execution(
    pipeline_name: str,
    parameters: Mapping[str, str] | None = None,
    *,
    display_name: str | None = None,
) -> ApiRequest:
    """StartPipelineExecution, as EventBridge (or a person) starts the retraining pipeline.

    ``ClientRequestToken`` (required) is left out: boto3 fills it with a fresh UUID, as it does
    for every idempotency token.
    """
    params: dict[str, Any] = {"PipelineName": pipeline_name}
    if display_name:
        params["PipelineExecutionDisplayName"] = display_name
    if parameters:
        params["PipelineParameters"] = _pipeline_parameters(parameters)
    return ApiRequest("sagemaker", "StartPipelineExecution", params,
                      purpose=f"start the pipeline {pipeline_name.rsplit('/', 1)[-1]}")  # fmt: skip


def delete_alarms(*alarm_names: str) -> ApiRequest:
    return ApiRequest("cloudwatch", "DeleteAlarms", {"AlarmNames": list(alarm_names)},
                      purpose="delete the alarm(s)")  # fmt: skip


def remove_targets(rule_name: str, *target_ids: str) -> ApiRequest:
    return ApiRequest("events", "RemoveTargets", {"Rule": rule_name, "Ids": list(target_ids)},
                      purpose=f"detach the targets of {rule_name}")  # fmt: skip


def delete_rule(rule_name: str) -> ApiRequest:
    return ApiRequest("events", "DeleteRule", {"Name": rule_name},
                      purpose=f"delete the rule {rule_name} (its targets first)")  # fmt: skip
