"""The worked example as a plan: every request that puts an hourly data-quality schedule on a
real endpoint, in order, with the S3 locations it uses and the requests that undo it.

``plan_data_quality_monitoring`` is pure: it builds and names things, it sends nothing. The S3
layout mirrors the SageMaker Python SDK's defaults under ``s3://<bucket>/model-monitor/``
(data capture in ``data-capture``, reports in ``monitoring/<schedule>/results``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labkit.aws import requests as api
from labkit.aws.requests import ApiRequest
from labkit.data_quality.constraints import FILE_NAME as CONSTRAINTS_FILE
from labkit.data_quality.statistics import FILE_NAME as STATISTICS_FILE

__all__ = ["DEFAULT_PREFIX", "MonitoringPlan", "plan_data_quality_monitoring"]

DEFAULT_PREFIX = "model-monitor"  # the SDK's _MODEL_MONITOR_S3_PATH
CAPTURE_FOLDER = "data-capture"  # the SDK's _DATA_CAPTURE_S3_PATH
BASELINE_FOLDER = "baseline"  # the kit's choice: where the twin's two files are uploaded


@dataclass(frozen=True)
class MonitoringPlan:
    """Names, S3 URIs and requests of one data-quality schedule on one endpoint.

    ``setup`` runs in order (upload the baseline, turn capture on unless ``capture_already_on``,
    define the job, schedule it);
    ``results`` reads an execution back; ``cleanup`` stops the spending (schedule, job
    definition); ``restore`` optionally puts the endpoint back on its original configuration.
    """

    endpoint_name: str
    region: str
    role_arn: str | None
    schedule_name: str
    job_definition_name: str
    capture_config_name: str
    original_config_name: str
    statistics_s3_uri: str
    constraints_s3_uri: str
    capture_s3_uri: str
    reports_s3_uri: str
    schedule_expression: str
    sampling_percentage: int
    capture_already_on: bool
    setup: tuple[ApiRequest, ...]
    results: tuple[ApiRequest, ...]
    cleanup: tuple[ApiRequest, ...]
    restore: tuple[ApiRequest, ...]

    def requests(self) -> tuple[ApiRequest, ...]:
        """Every request of the plan: setup, results, cleanup, restore."""
        return self.setup + self.results + self.cleanup + self.restore

    def request(self, operation: str) -> ApiRequest:
        """The first request of the plan calling ``operation``."""
        for r in self.requests():
            if r.operation == operation:
                return r
        raise KeyError(f"the plan has no {operation} request")

    def summary(self) -> dict[str, Any]:
        """The plan's names and locations, for a table."""
        return {
            "endpoint": self.endpoint_name,
            "region": self.region,
            "monitoring schedule": f"{self.schedule_name} ({self.schedule_expression})",
            "job definition": self.job_definition_name,
            "capture": f"{self.sampling_percentage} % → {self.capture_s3_uri}",
            "baseline statistics": self.statistics_s3_uri,
            "baseline constraints": self.constraints_s3_uri,
            "reports": self.reports_s3_uri,
        }


def plan_data_quality_monitoring(
    *,
    endpoint_name: str,
    role_arn: str | None,
    bucket: str,
    region: str,
    prefix: str = DEFAULT_PREFIX,
    schedule_name: str | None = None,
    schedule_expression: str = api.HOURLY,
    sampling_percentage: int = 100,
    instance_type: str = api.INSTANCE_TYPE,
    instance_count: int = api.INSTANCE_COUNT,
    max_runtime_in_seconds: int | None = None,
    image_uri: str | None = None,
    existing_config: Mapping[str, Any] | None = None,
    production_variants: Sequence[Mapping[str, Any]] | None = None,
) -> MonitoringPlan:
    """The worked example: an hourly ``DefaultModelMonitor`` schedule on ``endpoint_name``.

    Parameters
    ----------
    role_arn
        The execution role the monitoring jobs assume (None is kept, so validation shows the error).
    existing_config
        The endpoint's DescribeEndpointConfig response (the bridge reads it). Offline, a placeholder
        variant stands in (``requests.placeholder_variants``) unless ``production_variants`` is given.
    image_uri
        The Model Monitor container; default: the SDK's image for ``region``.
    """
    schedule_name = schedule_name or f"{endpoint_name}-data-quality"
    job_definition_name = f"{schedule_name}-job"
    capture_config_name = f"{endpoint_name}-capture-{sampling_percentage}"
    original_config_name = (existing_config or {}).get(
        "EndpointConfigName"
    ) or f"{endpoint_name}-config"
    baseline_key = "/".join(p for p in (prefix.strip("/"), BASELINE_FOLDER, endpoint_name) if p)
    statistics_key, constraints_key = (
        f"{baseline_key}/{STATISTICS_FILE}",
        f"{baseline_key}/{CONSTRAINTS_FILE}",
    )
    capture_s3_uri = api.s3_uri(bucket, prefix, CAPTURE_FOLDER)
    reports_s3_uri = api.s3_uri(bucket, prefix, "monitoring", schedule_name, "results")
    already_on = _captures(existing_config, sampling_percentage)
    if already_on:  # attach: keep the endpoint as it is and read its capture where it writes it
        capture_s3_uri = existing_config["DataCaptureConfig"]["DestinationS3Uri"]
        capture_requests: tuple[ApiRequest, ...] = ()
    else:
        data_capture = api.data_capture_config(
            capture_s3_uri, sampling_percentage=sampling_percentage
        )
        if existing_config is None and production_variants is None:
            production_variants = api.placeholder_variants(endpoint_name)
        capture_requests = (
            api.create_endpoint_config(
                capture_config_name, data_capture=data_capture,
                production_variants=production_variants, copy_from=existing_config,
            ),
            api.update_endpoint(endpoint_name, capture_config_name),
        )  # fmt: skip
    setup = (
        api.put_object(bucket, statistics_key),
        api.put_object(bucket, constraints_key),
        *capture_requests,
        api.create_data_quality_job_definition(
            job_definition_name, endpoint_name=endpoint_name,
            statistics_s3_uri=api.s3_uri(bucket, statistics_key),
            constraints_s3_uri=api.s3_uri(bucket, constraints_key),
            output_s3_uri=reports_s3_uri, role_arn=role_arn,
            image_uri=image_uri or api.model_monitor_image_uri(region),
            instance_type=instance_type, instance_count=instance_count,
            max_runtime_in_seconds=max_runtime_in_seconds,
        ),
        api.create_monitoring_schedule(
            schedule_name, job_definition_name, schedule_expression=schedule_expression
        ),
    )  # fmt: skip
    return MonitoringPlan(
        endpoint_name=endpoint_name,
        region=region,
        role_arn=role_arn,
        schedule_name=schedule_name,
        job_definition_name=job_definition_name,
        capture_config_name=capture_config_name,
        original_config_name=original_config_name,
        statistics_s3_uri=api.s3_uri(bucket, statistics_key),
        constraints_s3_uri=api.s3_uri(bucket, constraints_key),
        capture_s3_uri=capture_s3_uri,
        reports_s3_uri=reports_s3_uri,
        schedule_expression=schedule_expression,
        sampling_percentage=sampling_percentage,
        capture_already_on=already_on,
        setup=setup,
        results=(api.list_monitoring_executions(schedule_name),),
        cleanup=(
            api.delete_monitoring_schedule(schedule_name),
            api.delete_data_quality_job_definition(job_definition_name),
        ),
        restore=()
        if already_on
        else (
            api.update_endpoint(endpoint_name, original_config_name),
            api.delete_endpoint_config(capture_config_name),
        ),
    )


def _captures(config: Mapping[str, Any] | None, sampling_percentage: int) -> bool:
    """True when ``config`` already captures inputs at ``sampling_percentage`` %."""
    capture = (config or {}).get("DataCaptureConfig") or {}
    modes = {o.get("CaptureMode") for o in capture.get("CaptureOptions", [])}
    return (
        bool(capture)
        and capture.get("EnableCapture", True)  # API: EnableCapture defaults to enabled
        and capture.get("InitialSamplingPercentage") == sampling_percentage
        and bool(modes & {"Input", "InputAndOutput"})
    )
