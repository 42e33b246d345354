"""From the lab to the cloud: the twins' files as real, validated SageMaker requests.

Offline by default. Every call that would reach AWS is first built as the exact request boto3
would send (``requests``, ``retraining``, ``plan``) and checked against botocore's service model
(``validation``): no client, no credentials, no network. Sending them is opt-in
(``bridge``, ``sdk``): pass ``use_aws=True`` or set ``LABKIT_USE_AWS=1``.

==============  ==============================================================================
``requests``    ``ApiRequest`` and the SageMaker/S3 builders (capture, job definition, schedule)
``retraining``  CloudWatch alarm → EventBridge rule → SageMaker pipeline requests
``plan``        ``plan_data_quality_monitoring``: the worked example, setup to cleanup
``validation``  ``check``/``validate``: botocore's ParamValidator, model constraints, AWS docs rules
``bridge``      opt-in: ``connect``, ``send``, upload, capture, executions, violations, alarms
``sdk``         the SageMaker Python SDK v3 mapping and the ``DefaultModelMonitor`` path
``account``     ``open_account``: notebook 06's cells on ``labkit.local`` or, opted in, on AWS
==============  ==============================================================================

``import labkit.aws`` loads neither boto3, botocore nor sagemaker: they are imported inside the
functions that use them (tests/test_imports.py and tests/aws/test_imports.py check it).
"""

from __future__ import annotations

from labkit.aws import requests, retraining, validation
from labkit.aws.account import RealAccount, open_account, stock_example, wait_until
from labkit.aws.bridge import (
    USE_AWS_ENV,
    AwsClients,
    AwsNotEnabledError,
    alarm_state,
    cleanup,
    connect,
    create_schedule,
    download_capture,
    download_violations,
    enable_data_capture,
    list_executions,
    opted_in,
    read_endpoint_config,
    refuse_placeholders,
    restore_endpoint,
    run,
    send,
    upload_baseline,
)
from labkit.aws.plan import MonitoringPlan, plan_data_quality_monitoring
from labkit.aws.requests import ApiRequest, read_requests, write_requests
from labkit.aws.sdk import SDK_COLUMNS, SDK_EQUIVALENTS, create_schedule_with_sdk, sdk_session
from labkit.aws.validation import Problem, RequestRejected, check, validate, validate_all

__all__ = [
    "SDK_COLUMNS",
    "SDK_EQUIVALENTS",
    "USE_AWS_ENV",
    "ApiRequest",
    "AwsClients",
    "AwsNotEnabledError",
    "MonitoringPlan",
    "Problem",
    "RealAccount",
    "RequestRejected",
    "alarm_state",
    "check",
    "cleanup",
    "connect",
    "create_schedule",
    "create_schedule_with_sdk",
    "download_capture",
    "download_violations",
    "enable_data_capture",
    "list_executions",
    "open_account",
    "opted_in",
    "plan_data_quality_monitoring",
    "read_endpoint_config",
    "read_requests",
    "refuse_placeholders",
    "requests",
    "restore_endpoint",
    "retraining",
    "run",
    "sdk_session",
    "send",
    "stock_example",
    "upload_baseline",
    "validate",
    "validate_all",
    "validation",
    "wait_until",
    "write_requests",
]  # fmt: skip
