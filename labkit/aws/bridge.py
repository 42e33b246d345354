"""The opt-in half: send the validated requests with boto3 and read the results back into the twins.

Nothing here runs unless the learner opts in, with ``use_aws=True`` or ``LABKIT_USE_AWS=1`` in
the environment: ``connect`` refuses to create clients otherwise. The other functions take the
clients they use as arguments (tests hand them clients talking to a local moto server or wrapped
in botocore's Stubber). Every request goes through ``validation.validate`` first, so what is
sent is what the learner saw printed offline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from labkit import capture
from labkit.aws.plan import MonitoringPlan
from labkit.aws.requests import ApiRequest, describe_processing_job, split_s3_uri
from labkit.aws.validation import validate
from labkit.errors import LabkitInputError

__all__ = [
    "PLACEHOLDER_ACCOUNT", "PLACEHOLDER_BUCKET", "USE_AWS_ENV", "AwsClients", "AwsNotEnabledError", "alarm_state", "cleanup", "connect", "create_schedule",
    "download_capture", "download_violations", "enable_data_capture", "list_executions",
    "opted_in", "read_endpoint_config", "refuse_placeholders", "restore_endpoint", "run", "send", "upload_baseline",
    "wait_for_endpoint",
    "wait_until_schedule_deleted",
]  # fmt: skip

USE_AWS_ENV = "LABKIT_USE_AWS"  # set to 1 to let the kit call AWS (README, "Running on AWS")
# The AWS documentation's placeholders, used as notebook defaults; a live run must replace them.
PLACEHOLDER_ACCOUNT = "111122223333"
PLACEHOLDER_BUCKET = "amzn-s3-demo-bucket"
_HOUR = timedelta(hours=1)


class AwsNotEnabledError(RuntimeError):
    """A call that would reach AWS, made without opting in."""


def opted_in(use_aws: bool = False) -> bool:
    """True when the learner opted in: ``use_aws=True`` or ``LABKIT_USE_AWS=1``."""
    return bool(use_aws) or os.environ.get(USE_AWS_ENV, "").strip() == "1"


def refuse_placeholders(*, bucket: str, role_arn: str | None) -> None:
    """Raise before a live run that still names the documentation's placeholder bucket or account.

    Guards the opt-in path against a stray ``LABKIT_USE_AWS=1`` (e.g. while running the test suite).
    """
    if bucket == PLACEHOLDER_BUCKET or (role_arn or "").split(":")[4:5] == [PLACEHOLDER_ACCOUNT]:
        raise LabkitInputError(
            f"bucket {bucket!r} / role_arn {role_arn!r} are placeholders: set your own before using AWS",
            column="bucket" if bucket == PLACEHOLDER_BUCKET else "role_arn",
        )


@dataclass(frozen=True)
class AwsClients:
    """The four boto3 clients the bridge uses, in one region."""

    region: str
    sagemaker: Any
    s3: Any
    cloudwatch: Any
    events: Any


def connect(*, region: str, use_aws: bool = False, endpoint_url: str | None = None) -> AwsClients:
    """boto3 clients for ``region``, with the default credential chain (a Studio role, a profile…).

    Raises AwsNotEnabledError unless the learner opted in. ``endpoint_url`` points every client at
    a local stand-in such as moto's server.
    """
    if not opted_in(use_aws):
        raise AwsNotEnabledError(
            f"this would call AWS: pass use_aws=True or set {USE_AWS_ENV}=1 to opt in "
            "(offline, build and validate the requests instead)"
        )
    import boto3

    session = boto3.Session(region_name=region)
    made = [
        session.client(name, endpoint_url=endpoint_url)
        for name in ("sagemaker", "s3", "cloudwatch", "events")
    ]
    return AwsClients(region, *made)


def send(client: Any, request: ApiRequest, **extra: Any) -> dict[str, Any]:
    """Validate ``request`` offline, then call it on ``client``; ``extra`` adds unprinted params (a Body)."""
    validate(request)
    service = client.meta.service_model.service_name
    if service != request.service:
        raise ValueError(f"{request.operation} is a {request.service} request, not {service}")
    return getattr(client, request.method)(**request.params, **extra)


def run(clients: AwsClients, requests: Iterable[ApiRequest]) -> list[dict[str, Any]]:
    """``send`` each request with the client of its service, in order; returns the responses."""
    by_service = {"sagemaker": clients.sagemaker, "s3": clients.s3,
                  "cloudwatch": clients.cloudwatch, "events": clients.events}  # fmt: skip
    return [send(by_service[r.service], r) for r in requests]


def upload_baseline(
    s3_client: Any, plan: MonitoringPlan, baseline_dir: str | Path
) -> tuple[str, str]:
    """Upload the twin's statistics.json and constraints.json to the plan's baseline URIs."""
    uploaded = []
    for uri in (plan.statistics_s3_uri, plan.constraints_s3_uri):
        key = split_s3_uri(uri)[1]
        path = Path(baseline_dir) / key.rsplit("/", 1)[-1]
        if not path.is_file():
            raise LabkitInputError(
                "baseline file not found; run suggest_baseline(...).to_json first", path=path
            )
        request = next(
            r for r in plan.setup if r.operation == "PutObject" and r.params["Key"] == key
        )
        send(s3_client, request, Body=path.read_bytes())
        uploaded.append(uri)
    return uploaded[0], uploaded[1]


def read_endpoint_config(sagemaker_client: Any, endpoint_name: str) -> dict[str, Any]:
    """The endpoint's current configuration (DescribeEndpoint, then DescribeEndpointConfig)."""
    endpoint = sagemaker_client.describe_endpoint(EndpointName=endpoint_name)
    config = sagemaker_client.describe_endpoint_config(
        EndpointConfigName=endpoint["EndpointConfigName"]
    )
    return {k: v for k, v in config.items() if k != "ResponseMetadata"}


def wait_for_endpoint(sagemaker_client: Any, endpoint_name: str) -> None:
    """Block until the endpoint is InService again (boto3's waiter; an update takes minutes)."""
    sagemaker_client.get_waiter("endpoint_in_service").wait(EndpointName=endpoint_name)


def enable_data_capture(
    sagemaker_client: Any, plan: MonitoringPlan, *, wait: bool = True
) -> list[str]:
    """Send the plan's CreateEndpointConfig and UpdateEndpoint (if it has them); returns their names."""
    sent = []
    for request in plan.setup:
        if request.operation in ("CreateEndpointConfig", "UpdateEndpoint"):
            send(sagemaker_client, request)
            sent.append(request.operation)
    if wait and sent:
        wait_for_endpoint(sagemaker_client, plan.endpoint_name)
    return sent


def create_schedule(sagemaker_client: Any, plan: MonitoringPlan) -> dict[str, Any]:
    """Send CreateDataQualityJobDefinition then CreateMonitoringSchedule; returns the schedule's response."""
    send(sagemaker_client, plan.request("CreateDataQualityJobDefinition"))
    return send(sagemaker_client, plan.request("CreateMonitoringSchedule"))


def list_executions(sagemaker_client: Any, plan: MonitoringPlan) -> list[dict[str, Any]]:
    """The schedule's latest executions, newest first (MonitoringExecutionSummary dicts)."""
    response = send(sagemaker_client, plan.results[0])
    return list(response.get("MonitoringExecutionSummaries", []))


def download_violations(
    sagemaker_client: Any, s3_client: Any, execution: Mapping[str, Any], directory: str | Path
) -> Any:
    """Download one execution's constraint_violations.json into ``directory`` and read it with the
    twin's own reader: ``data_quality.ConstraintViolations`` (its ``to_frame()`` renders it).
    """
    from labkit import data_quality
    from labkit.data_quality.violations import FILE_NAME

    status = execution.get("MonitoringExecutionStatus")
    if status not in ("Completed", "CompletedWithViolations"):
        reason = execution.get("FailureReason", "no report yet")
        raise LabkitInputError(f"execution status is {status}: {reason}")
    job = send(sagemaker_client, describe_processing_job(execution["ProcessingJobArn"]))
    outputs = job["ProcessingOutputConfig"]["Outputs"]
    bucket, prefix = split_s3_uri(outputs[0]["S3Output"]["S3Uri"])
    key = f"{prefix.rstrip('/')}/{FILE_NAME}"
    path = Path(directory) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())
    return data_quality.ConstraintViolations.from_json(path)


def download_capture(
    s3_client: Any,
    capture_s3_uri: str,
    endpoint_name: str,
    *,
    start: datetime,
    end: datetime,
    directory: str | Path,
    variant: str = capture.DEFAULT_VARIANT,
) -> capture.CaptureReadResult:
    """Copy the capture files of the hours in ``[start, end)`` and read them with the twin's reader.

    Keys follow ``{capture_s3_uri}/{endpoint}/{variant}/yyyy/mm/dd/hh/*.jsonl`` and land under
    ``directory`` with the same relative path, so ``capture.read_capture`` sees the same layout.
    """
    start, end = capture.window_bounds(start, end)
    if start is None or end is None:
        raise LabkitInputError("download_capture needs both start and end")
    bucket, root = split_s3_uri(capture_s3_uri)
    root = root.strip("/")
    local_root = Path(directory)
    paginator = s3_client.get_paginator("list_objects_v2")
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        prefix = (
            "/".join(p for p in (root, endpoint_name, variant, capture.hour_prefix(hour)) if p)
            + "/"
        )
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                relative = item["Key"][len(root) + 1 :] if root else item["Key"]
                target = local_root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                s3_client.download_file(bucket, item["Key"], str(target))
        hour += _HOUR
    folder = local_root / endpoint_name / variant
    if not folder.is_dir():
        raise LabkitInputError(
            f"no capture files between {start.isoformat()} and {end.isoformat()} under {capture_s3_uri}"
        )
    return capture.read_capture(folder, start=start, end=end)


def alarm_state(cloudwatch_client: Any, alarm_name: str) -> str:
    """The alarm's StateValue: OK, ALARM or INSUFFICIENT_DATA (DescribeAlarms)."""
    alarms = cloudwatch_client.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    if not alarms:
        raise LabkitInputError(f"no alarm named {alarm_name!r}")
    return alarms[0]["StateValue"]


def wait_until_schedule_deleted(
    sagemaker_client: Any,
    schedule_name: str,
    *,
    poll_seconds: float = 5.0,
    max_polls: int = 60,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll DescribeMonitoringSchedule until it is gone: its job definition stays locked until then."""
    for _ in range(max_polls):
        try:
            sagemaker_client.describe_monitoring_schedule(MonitoringScheduleName=schedule_name)
        except sagemaker_client.exceptions.ResourceNotFound:
            return
        sleep(poll_seconds)
    raise TimeoutError(f"monitoring schedule {schedule_name} still exists after {max_polls} polls")


def cleanup(
    clients: AwsClients,
    plan: MonitoringPlan,
    *,
    extra: Iterable[ApiRequest] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Delete the schedule, wait for it to go, delete its job definition, then send ``extra``
    (e.g. DeleteAlarms); returns the operations sent."""
    sent = []
    schedule, job_definition = plan.cleanup
    send(clients.sagemaker, schedule)
    sent.append(schedule.operation)
    wait_until_schedule_deleted(clients.sagemaker, plan.schedule_name, sleep=sleep)
    send(clients.sagemaker, job_definition)
    sent.append(job_definition.operation)
    for request in extra:
        run(clients, [request])
        sent.append(request.operation)
    return sent


def restore_endpoint(sagemaker_client: Any, plan: MonitoringPlan) -> list[str]:
    """Put the endpoint back on its original configuration, wait, then delete the capture one.

    The API reference forbids deleting an endpoint configuration in use, or during an
    UpdateEndpoint, hence the wait in between. Returns the operations sent (none if capture was
    already on before the plan).
    """
    if not plan.restore:
        return []
    update, delete = plan.restore
    send(sagemaker_client, update)
    wait_for_endpoint(sagemaker_client, plan.endpoint_name)
    send(sagemaker_client, delete)
    return [update.operation, delete.operation]
