"""The SageMaker and S3 API requests behind a data-quality monitoring schedule, built offline.

Each builder returns an ``ApiRequest``: the service, the operation and the exact parameters boto3
would send. Nothing here creates a client or imports boto3; :mod:`labkit.aws.validation` checks a
request against botocore's service model and :mod:`labkit.aws.bridge` sends it when the learner
opts in. Field names and order follow the AWS API reference and what the SageMaker Python SDK v3
(``sagemaker.core.model_monitor``) sends for the same call (tests/aws/test_sdk.py compares them).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.capture import CSV_CONTENT_TYPES, DEFAULT_VARIANT, JSON_CONTENT_TYPES
from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json, write_json

__all__ = [
    "CAPTURE_MODES_BOTH", "CONTAINER_ENDPOINT_INPUT_PATH", "CONTAINER_OUTPUT_PATH",
    "HOURLY", "INSTANCE_COUNT", "INSTANCE_TYPE", "VOLUME_SIZE_IN_GB", "ApiRequest",
    "create_data_quality_job_definition", "create_endpoint_config", "create_monitoring_schedule",
    "data_capture_config", "delete_data_quality_job_definition", "delete_endpoint_config",
    "delete_monitoring_schedule", "describe_processing_job", "list_monitoring_executions",
    "model_monitor_image_uri", "put_object", "read_requests", "s3_uri", "split_s3_uri",
    "update_endpoint", "write_requests",
]  # fmt: skip

# SageMaker Python SDK v3 defaults (sagemaker/core/model_monitor/model_monitoring.py,
# DefaultModelMonitor.__init__ and create_monitoring_schedule).
INSTANCE_TYPE = "ml.m5.xlarge"
INSTANCE_COUNT = 1
VOLUME_SIZE_IN_GB = 30
CONTAINER_ENDPOINT_INPUT_PATH = "/opt/ml/processing/input/endpoint"  # EndpointInput.LocalPath
CONTAINER_OUTPUT_PATH = "/opt/ml/processing/output"  # MonitoringOutput S3Output.LocalPath
PUBLISH_CLOUDWATCH_METRICS_ENV = "publish_cloudwatch_metrics"  # container env, "Enabled"/"Disabled"
HOURLY = "cron(0 * ? * * *)"  # CronExpressionGenerator.hourly()
CAPTURE_MODES_BOTH = ("Input", "Output")  # SDK capture_options ["REQUEST", "RESPONSE"] mapped
MONITORING_TYPE = "DataQuality"  # MonitoringScheduleConfig.MonitoringType of DefaultModelMonitor
_IMAGE_TABLE = ("core", "image_uri_config", "model-monitor.json")  # the SDK's registry per region


@dataclass(frozen=True)
class ApiRequest:
    """One API call as boto3 would send it: ``service``, ``operation`` (the API's name), ``params``.

    ``service`` is botocore's service name ("sagemaker", "s3", "cloudwatch", "events"); the
    boto3 method is ``method`` (``CreateMonitoringSchedule`` → ``create_monitoring_schedule``).
    """

    service: str
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    purpose: str = ""  # one line for the learner: why this call

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", copy.deepcopy(dict(self.params)))

    @property
    def method(self) -> str:
        from botocore import xform_name

        return xform_name(self.operation)

    def to_dict(self) -> dict[str, Any]:
        """The request file's content: service, operation, purpose and params."""
        return {"service": self.service, "operation": self.operation, "purpose": self.purpose,
                "params": copy.deepcopy(self.params)}  # fmt: skip

    def as_text(self) -> str:
        """``service.method(**params)`` with the parameters as indented JSON, for printing."""
        head = f"# {self.purpose}\n" if self.purpose else ""
        body = json.dumps(self.params, indent=2, default=str)
        return f"{head}{self.service}.{self.method}(**{body})"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | Path | None = None) -> ApiRequest:
        if not isinstance(data, Mapping) or not all(
            k in data for k in ("service", "operation", "params")
        ):
            raise LabkitInputError(
                "expected an object with service, operation and params", path=path
            )
        return cls(
            str(data["service"]),
            str(data["operation"]),
            dict(data["params"]),
            str(data.get("purpose", "")),
        )


def write_requests(requests: Iterable[ApiRequest], directory: str | Path) -> list[Path]:
    """Write each request to ``<directory>/NN_<Operation>.json`` (NN from 01, in order)."""
    return [
        write_json(r.to_dict(), Path(directory) / f"{i:02d}_{r.operation}.json")
        for i, r in enumerate(requests, start=1)
    ]


def read_requests(directory: str | Path) -> list[ApiRequest]:
    """Read the files ``write_requests`` wrote, in their numbered order."""
    files = sorted(Path(directory).glob("[0-9][0-9]_*.json"))
    return [ApiRequest.from_dict(read_json(f), path=f) for f in files]


def s3_uri(bucket: str, *parts: str) -> str:
    """``s3://bucket/part/part`` with single slashes between the parts."""
    keys = [p.strip("/") for p in parts if p and p.strip("/")]
    return "/".join([f"s3://{bucket}", *keys])


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key/prefix`` → (bucket, key/prefix)."""
    if not isinstance(uri, str) or not uri.startswith("s3://") or len(uri) <= 5:
        raise LabkitInputError(f"expected an s3://bucket/key URI, found {uri!r}")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def model_monitor_image_uri(region: str) -> str:
    """The prebuilt Model Monitor container for ``region``, as the SDK computes it.

    Reads the registry table the SageMaker Python SDK ships (``image_uri_config/model-monitor.json``)
    as data, without importing the SDK, and the ECR host name from botocore's endpoint data.
    """
    import importlib.util

    import botocore.loaders
    import botocore.regions

    spec = importlib.util.find_spec("sagemaker")
    table = None
    for root in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(root).joinpath(*_IMAGE_TABLE)
        if candidate.is_file():
            table = json.loads(candidate.read_text(encoding="utf-8"))["versions"][""]
    if table is None:
        raise LabkitInputError(
            "the SageMaker Python SDK's image table was not found; pass image_uri"
        )
    if region not in table["registries"]:
        raise LabkitInputError(
            f"no Model Monitor container for region {region!r}; known: {', '.join(sorted(table['registries']))}"
        )
    resolver = botocore.regions.EndpointResolver(
        botocore.loaders.create_loader().load_data("endpoints")
    )
    endpoint = resolver.construct_endpoint("ecr", region) or {
        "hostname": f"ecr.{region}.amazonaws.com"
    }
    return f"{table['registries'][region]}.dkr.{endpoint['hostname']}/{table['repository']}"


def put_object(bucket: str, key: str, *, content_type: str = "application/json") -> ApiRequest:
    """S3 PutObject of one file; the bridge adds ``Body`` (the file's bytes) when it sends it."""
    return ApiRequest(
        "s3", "PutObject", {"Bucket": bucket, "Key": key, "ContentType": content_type},
        purpose=f"upload {key.rsplit('/', 1)[-1]} to s3://{bucket}/{key}",
    )  # fmt: skip


def data_capture_config(
    destination_s3_uri: str,
    *,
    sampling_percentage: int = 100,
    capture_modes: Sequence[str] = CAPTURE_MODES_BOTH,
    csv_content_types: Sequence[str] = CSV_CONTENT_TYPES,
    json_content_types: Sequence[str] = JSON_CONTENT_TYPES,
    kms_key_id: str | None = None,
) -> dict[str, Any]:
    """The ``DataCaptureConfig`` of CreateEndpointConfig, as ``DataCaptureConfig._to_request_dict()``.

    ``sampling_percentage`` is InitialSamplingPercentage (0–100, never a fraction).
    """
    config: dict[str, Any] = {
        "EnableCapture": True,
        "InitialSamplingPercentage": sampling_percentage,
        "DestinationS3Uri": destination_s3_uri,
        "CaptureOptions": [{"CaptureMode": mode} for mode in capture_modes],
    }
    if kms_key_id is not None:
        config["KmsKeyId"] = kms_key_id
    config["CaptureContentTypeHeader"] = {
        "CsvContentTypes": list(csv_content_types),
        "JsonContentTypes": list(json_content_types),
    }
    return config


def placeholder_variants(endpoint_name: str) -> list[dict[str, Any]]:
    """A stand-in ProductionVariants list for offline plans; the bridge copies the endpoint's own."""
    return [
        {
            "VariantName": DEFAULT_VARIANT,
            "ModelName": f"{endpoint_name}-model",
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1,
        }
    ]


def create_endpoint_config(
    name: str,
    *,
    data_capture: Mapping[str, Any],
    production_variants: Sequence[Mapping[str, Any]] | None = None,
    copy_from: Mapping[str, Any] | None = None,
) -> ApiRequest:
    """CreateEndpointConfig with ``data_capture``: endpoint configurations cannot be edited, so
    capture on a running endpoint means a new configuration and an UpdateEndpoint.

    ``copy_from`` is a DescribeEndpointConfig response: every field CreateEndpointConfig accepts
    is copied (variants, KMS key, async config, …), as the SDK v2's
    ``Predictor.update_data_capture_config`` did, then the capture settings replace its own.
    """
    params: dict[str, Any] = {"EndpointConfigName": name}
    if copy_from is not None:
        from labkit.aws.validation import input_members

        for member in input_members("sagemaker", "CreateEndpointConfig"):
            if (
                member not in ("EndpointConfigName", "DataCaptureConfig", "Tags")
                and member in copy_from
            ):
                params[member] = copy.deepcopy(copy_from[member])
    if production_variants is not None:
        params["ProductionVariants"] = [dict(v) for v in production_variants]
    if "ProductionVariants" not in params:
        raise LabkitInputError("CreateEndpointConfig needs production_variants or copy_from")
    params["DataCaptureConfig"] = dict(data_capture)
    percent = data_capture.get("InitialSamplingPercentage")
    return ApiRequest("sagemaker", "CreateEndpointConfig", params,
                      purpose=f"a new endpoint configuration capturing {percent} % of requests")  # fmt: skip


def update_endpoint(endpoint_name: str, endpoint_config_name: str) -> ApiRequest:
    """UpdateEndpoint: the endpoint moves to ``endpoint_config_name`` (a new fleet is deployed)."""
    return ApiRequest(
        "sagemaker", "UpdateEndpoint",
        {"EndpointName": endpoint_name, "EndpointConfigName": endpoint_config_name},
        purpose=f"switch {endpoint_name} to {endpoint_config_name}",
    )  # fmt: skip


def create_data_quality_job_definition(
    name: str,
    *,
    endpoint_name: str,
    statistics_s3_uri: str,
    constraints_s3_uri: str,
    output_s3_uri: str,
    role_arn: str | None,
    image_uri: str,
    instance_type: str = INSTANCE_TYPE,
    instance_count: int = INSTANCE_COUNT,
    volume_size_in_gb: int = VOLUME_SIZE_IN_GB,
    max_runtime_in_seconds: int | None = None,
    publish_cloudwatch_metrics: bool = True,
) -> ApiRequest:
    """CreateDataQualityJobDefinition: what each execution runs, on which data, against which baseline.

    The baseline is the S3 URIs of the twin's statistics.json and constraints.json
    (``DataQualityBaselineConfig``); ``role_arn=None`` leaves RoleArn out, which botocore rejects.
    """
    params: dict[str, Any] = {
        "JobDefinitionName": name,
        "DataQualityAppSpecification": {
            "ImageUri": image_uri,
            "Environment": {
                PUBLISH_CLOUDWATCH_METRICS_ENV: "Enabled"
                if publish_cloudwatch_metrics
                else "Disabled"
            },
        },
        "DataQualityJobInput": {
            "EndpointInput": {
                "EndpointName": endpoint_name,
                "LocalPath": CONTAINER_ENDPOINT_INPUT_PATH,
                "S3InputMode": "File",
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "DataQualityJobOutputConfig": {
            "MonitoringOutputs": [
                {
                    "S3Output": {
                        "S3Uri": output_s3_uri,
                        "LocalPath": CONTAINER_OUTPUT_PATH,
                        "S3UploadMode": "Continuous",
                    }
                }
            ]
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": instance_count,
                "InstanceType": instance_type,
                "VolumeSizeInGB": volume_size_in_gb,
            }
        },
    }
    if role_arn is not None:
        params["RoleArn"] = role_arn
    params["DataQualityBaselineConfig"] = {
        "ConstraintsResource": {"S3Uri": constraints_s3_uri},
        "StatisticsResource": {"S3Uri": statistics_s3_uri},
    }
    if max_runtime_in_seconds is not None:
        params["StoppingCondition"] = {"MaxRuntimeInSeconds": max_runtime_in_seconds}
    return ApiRequest("sagemaker", "CreateDataQualityJobDefinition", params,
                      purpose=f"the data-quality job: {instance_count} × {instance_type} per execution")  # fmt: skip


def create_monitoring_schedule(
    name: str,
    job_definition_name: str,
    *,
    schedule_expression: str = HOURLY,
    monitoring_type: str = MONITORING_TYPE,
    data_analysis_start_time: str | None = None,
    data_analysis_end_time: str | None = None,
    tags: Sequence[Mapping[str, str]] = (),
) -> ApiRequest:
    """CreateMonitoringSchedule: run ``job_definition_name`` on ``schedule_expression`` (UTC)."""
    schedule: dict[str, Any] = {"ScheduleExpression": schedule_expression}
    if data_analysis_start_time is not None:
        schedule["DataAnalysisStartTime"] = data_analysis_start_time
    if data_analysis_end_time is not None:
        schedule["DataAnalysisEndTime"] = data_analysis_end_time
    params = {
        "MonitoringScheduleName": name,
        "MonitoringScheduleConfig": {
            "MonitoringJobDefinitionName": job_definition_name,
            "MonitoringType": monitoring_type,
            "ScheduleConfig": schedule,
        },
        "Tags": [dict(t) for t in tags],  # the SDK sends an empty list when there are none
    }
    return ApiRequest("sagemaker", "CreateMonitoringSchedule", params,
                      purpose=f"run {job_definition_name} on {schedule_expression}")  # fmt: skip


def list_monitoring_executions(schedule_name: str, *, max_results: int = 10) -> ApiRequest:
    """ListMonitoringExecutions, newest scheduled time first."""
    params = {
        "MonitoringScheduleName": schedule_name,
        "SortBy": "ScheduledTime",
        "SortOrder": "Descending",
        "MaxResults": max_results,
    }
    return ApiRequest("sagemaker", "ListMonitoringExecutions", params,
                      purpose=f"the latest executions of {schedule_name}")  # fmt: skip


def describe_processing_job(processing_job: str) -> ApiRequest:
    """DescribeProcessingJob of an execution (its ARN or name): where its reports were written."""
    name = processing_job.rsplit("/", 1)[-1]
    return ApiRequest("sagemaker", "DescribeProcessingJob", {"ProcessingJobName": name},
                      purpose="find the execution's S3 output (statistics.json, constraint_violations.json)")  # fmt: skip


def delete_monitoring_schedule(name: str) -> ApiRequest:
    """DeleteMonitoringSchedule: stops it too; execution history stays (API reference)."""
    return ApiRequest("sagemaker", "DeleteMonitoringSchedule", {"MonitoringScheduleName": name},
                      purpose=f"stop and delete the schedule {name}")  # fmt: skip


def delete_data_quality_job_definition(name: str) -> ApiRequest:
    """DeleteDataQualityJobDefinition, after the schedule that uses it is gone."""
    return ApiRequest("sagemaker", "DeleteDataQualityJobDefinition", {"JobDefinitionName": name},
                      purpose=f"delete the job definition {name}")  # fmt: skip


def delete_endpoint_config(name: str) -> ApiRequest:
    """DeleteEndpointConfig of the capture configuration, once the endpoint no longer uses it."""
    return ApiRequest("sagemaker", "DeleteEndpointConfig", {"EndpointConfigName": name},
                      purpose=f"delete the endpoint configuration {name}")  # fmt: skip
