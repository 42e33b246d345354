"""What the local SageMaker answers when the real one would refuse: codes and messages, sourced.

Every refusal the kit serves is built here, so the wording can be checked (and corrected) in one
place. The error *codes* come from botocore's service model (the modeled exceptions of each
operation: ``ResourceNotFound``, ``ResourceInUse``; anything else is a ``ValidationException``,
and sagemaker-runtime's is ``ValidationError``). Tags as in ``shared/reference``: [C] the
message is quoted from a real answer, [U] the kit's most defensible wording.
"""

from __future__ import annotations

from labkit.local.resources import ResourceTable
from labkit.local.service import ServiceError, not_found, validation_error

__all__ = [
    "already_exists",
    "capture_not_enabled",
    "endpoint_not_found_for_invoke",
    "hosting_table",
    "in_use",
    "job_definition_not_found",
    "missing",
    "no_s3_objects",
    "processing_job_not_found",
    "schedule_not_found",
    "unsupported_schedule",
]


def missing(kind: str, arn: str) -> ServiceError:
    """``Could not find model "arn:…".`` (ValidationException).

    [C] aws/sagemaker-python-sdk#2112 (CreateEndpoint: ``Could not find model "arn:aws:sagemaker:
    us-east-1:111111111111:model/xgboost-…"."``) and aws/amazon-sagemaker-examples#2339
    (DescribeEndpointConfig: ``Could not find endpoint configuration "arn:…".``). ``kind`` is
    ``model``, ``endpoint configuration`` or ``endpoint``.
    """
    return validation_error(f'Could not find {kind} "{arn}".')


def already_exists(kind: str, arn: str) -> ServiceError:
    """``Cannot create already existing endpoint configuration "arn:…".`` (ValidationException).

    [C] awslabs/spot-tagging-bot-for-digital-assets#2 quotes CreateEndpointConfig's answer; the
    same words for models and endpoints [U].
    """
    return validation_error(f'Cannot create already existing {kind} "{arn}".')


def endpoint_not_found_for_invoke(endpoint: str, account: str) -> ServiceError:
    """InvokeEndpoint on a missing endpoint: ``Endpoint x of account 123 not found.``

    [C] aws/amazon-sagemaker-examples#293 and #559 (code ``ValidationError`` of sagemaker-runtime).
    """
    return ServiceError("ValidationError", f"Endpoint {endpoint} of account {account} not found.")


def capture_not_enabled(endpoint: str) -> ServiceError:
    """A monitoring schedule or job definition on an endpoint without data capture.

    [U] The API refuses it (the docs: "you must enable data capture" before monitoring an
    endpoint, model-monitor-data-capture); its exact text is not published.
    """
    return validation_error(
        f"Endpoint {endpoint} does not have data capture enabled. "
        "Enable data capture on the endpoint before creating a monitoring schedule for it."
    )


def unsupported_schedule(expression: str, reason: str) -> ServiceError:
    """A ScheduleExpression Model Monitor does not run.

    [U] The documented forms are ``cron(0 * ? * * *)``, ``cron(0 H ? * * *)``, ``cron(0 H/X ?
    * * *)`` and ``NOW`` (model-monitor-schedule-expression); the service's text is not
    published. ``reason`` is labkit.schedule's explanation.
    """
    return validation_error(f"Invalid ScheduleExpression {expression!r}: {reason}")


def schedule_not_found(arn: str) -> ServiceError:
    """[U] ResourceNotFound of the monitoring-schedule operations (code [C] botocore model)."""
    return not_found(f"Monitoring schedule {arn} does not exist.")


def job_definition_not_found(name: str) -> ServiceError:
    """[U] ResourceNotFound of the *JobDefinition operations (code [C] botocore model)."""
    return not_found(f"Job definition {name} does not exist.")


def processing_job_not_found(arn: str) -> ServiceError:
    """[U] ResourceNotFound of Describe/StopProcessingJob (code [C] botocore model)."""
    return not_found(f"Processing job {arn} does not exist.")


def in_use(what: str) -> ServiceError:
    """ResourceInUse: a name taken, or a job definition a schedule still uses ([U] wording)."""
    return ServiceError("ResourceInUse", what)


def no_s3_objects(s3_uri: str, region: str) -> str:
    """A processing job's FailureReason when an input prefix holds nothing.

    [C] aws/amazon-sagemaker-examples#1938 quotes it: ``No S3 objects found under S3 URL "…"
    given in input data source. Please ensure that the bucket exists in the selected region
    (eu-central-1), that objects exist under that S3 prefix, and that the role has
    "s3:ListBucket" permissions on bucket "my-bucket"``; the ``ClientError: `` prefix is the
    processing service's for input problems [U: seen on other download failures, e.g.
    aws-samples/sagemaker-run-notebook#32].
    """
    bucket = s3_uri[5:].split("/", 1)[0]
    return (
        f'ClientError: No S3 objects found under S3 URL "{s3_uri}" given in input data source. '
        f"Please ensure that the bucket exists in the selected region ({region}), that objects "
        f'exist under that S3 prefix, and that the role has "s3:ListBucket" permissions on '
        f'bucket "{bucket}"'
    )


def hosting_table(kind: str, label: str, region: str, account: str, *, name: str) -> ResourceTable:
    """The table of a hosting resource (model, endpoint configuration, endpoint): a missing or
    duplicate name is a ValidationException worded as above (``missing``, ``already_exists``)."""
    return ResourceTable(
        kind, region, account,
        not_found=lambda _, arn: missing(label, arn), exists=lambda _, arn: already_exists(label, arn),
        name_key=f"{name}Name", arn_key=f"{name}Arn",
    )  # fmt: skip
