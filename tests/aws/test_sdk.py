"""The SageMaker Python SDK v3 path sends the plan's requests: DefaultModelMonitor under a Stubber.

The SDK needs a Session to build its objects; here it gets one with dummy credentials, a Stubber
on its SageMaker client, and S3 redirected to the moto server (the SDK reads the baseline files
back from S3 before it creates the job definition).
"""

from __future__ import annotations

import pytest

from labkit import aws
from labkit.aws import sdk

from .conftest import BUCKET, REGION


def test_default_model_monitor_sends_the_plans_requests(
    moto, moto_url, monkeypatch, sagemaker_stub, plan, credit_baseline
):
    import boto3
    from botocore.stub import ANY
    from sagemaker.core.helper.session_helper import Session

    aws.upload_baseline(moto.s3, plan, credit_baseline)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)  # the SDK's own S3 client goes to moto too
    client, stub = sagemaker_stub
    sent = []
    client.meta.events.register(
        "before-parameter-build.sagemaker.*",
        lambda params, model, **_: sent.append((model.name, params)),
    )
    job = dict(plan.request("CreateDataQualityJobDefinition").params, JobDefinitionName=ANY)
    schedule = plan.request("CreateMonitoringSchedule").params
    schedule = dict(
        schedule,
        MonitoringScheduleConfig=dict(
            schedule["MonitoringScheduleConfig"], MonitoringJobDefinitionName=ANY
        ),
    )
    stub.add_response(
        "create_data_quality_job_definition",
        {
            "JobDefinitionArn": "arn:aws:sagemaker:us-east-1:111122223333:data-quality-job-definition/j"
        },
        job,
    )
    stub.add_response(
        "create_monitoring_schedule",
        {"MonitoringScheduleArn": "arn:aws:sagemaker:us-east-1:111122223333:monitoring-schedule/s"},
        schedule,
    )

    session = Session(
        boto_session=boto3.Session(region_name=REGION),
        sagemaker_client=client,
        default_bucket=BUCKET,
    )
    monitor = aws.create_schedule_with_sdk(plan, sagemaker_session=session)

    assert [name for name, _ in sent] == [
        "CreateDataQualityJobDefinition",
        "CreateMonitoringSchedule",
    ]
    generated = monitor.job_definition_name
    assert generated.startswith(
        "data-quality-job-definition-"
    )  # the one field the SDK names itself
    assert (
        sent[0][1]["JobDefinitionName"]
        == generated
        == sent[1][1]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
    )
    assert monitor.monitoring_schedule_name == plan.schedule_name


def test_the_sdk_session_is_opt_in(aws_env):
    with pytest.raises(aws.AwsNotEnabledError, match="LABKIT_USE_AWS=1"):
        sdk.sdk_session(REGION)


def test_the_mapping_table_names_real_operations():
    from labkit.aws import validation

    operations = set(validation.service_model("sagemaker").operation_names)
    for sdk_call, request, _ in aws.SDK_EQUIVALENTS:
        for name in request.split(", "):
            assert name == "both" or name in operations, (sdk_call, name)
    assert len(aws.SDK_COLUMNS) == len(aws.SDK_EQUIVALENTS[0])
