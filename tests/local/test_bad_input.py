"""What the real service refuses, refused with its error code and message, through the SDK's own code."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import BUCKET, ENDPOINT, ROLE, deploy, job_definition


def _monitor(aws):
    from sagemaker.core.model_monitor import DefaultModelMonitor

    return DefaultModelMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=aws.session)


def _baseline_files(aws) -> tuple[str, str]:
    s3 = aws.client("s3")
    for name in ("statistics.json", "constraints.json"):
        s3.put_object(Bucket=BUCKET, Key=f"baseline/{name}", Body=b'{"version": 0.0, "features": []}')
    return f"s3://{BUCKET}/baseline/statistics.json", f"s3://{BUCKET}/baseline/constraints.json"


def _error(caught) -> dict:
    return caught.value.response["Error"]


def test_a_schedule_on_an_endpoint_without_data_capture(aws, credit_model):
    from sagemaker.core.model_monitor import CronExpressionGenerator

    deploy(aws, credit_model, capture=False)
    statistics, constraints = _baseline_files(aws)
    with pytest.raises(ClientError) as caught:
        _monitor(aws).create_monitoring_schedule(
            endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/reports", statistics=statistics,
            constraints=constraints, schedule_cron_expression=CronExpressionGenerator.hourly())  # fmt: skip
    assert _error(caught) == {"Code": "ValidationException", "Message": (
        f"Endpoint {ENDPOINT} does not have data capture enabled. "
        "Enable data capture on the endpoint before creating a monitoring schedule for it.")}  # fmt: skip
    sm = aws.client("sagemaker")
    assert sm.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []  # the SDK cleaned up


def test_a_missing_baseline_file(aws, credit_model):
    from sagemaker.core.model_monitor import CronExpressionGenerator

    deploy(aws, credit_model)
    with pytest.raises(ClientError) as caught:  # the SDK reads the files back first: S3's own answer
        _monitor(aws).create_monitoring_schedule(
            endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/reports",
            statistics=f"s3://{BUCKET}/nowhere/statistics.json", constraints=f"s3://{BUCKET}/nowhere/constraints.json",
            schedule_cron_expression=CronExpressionGenerator.hourly())  # fmt: skip
    assert _error(caught)["Code"] == "NoSuchKey"
    # Through boto3 the service accepts the URI, and the execution fails when it cannot stage it.
    sm = aws.client("sagemaker")
    sm.create_data_quality_job_definition(**job_definition("DataQuality", "dq", DataQualityBaselineConfig={
        "ConstraintsResource": {"S3Uri": f"s3://{BUCKET}/nowhere/constraints.json"}}))  # fmt: skip
    sm.create_monitoring_schedule(MonitoringScheduleName="s", MonitoringScheduleConfig={
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}, "MonitoringJobDefinitionName": "dq",
        "MonitoringType": "DataQuality"})  # fmt: skip
    from labkit import scenarios

    runtime = aws.client("sagemaker-runtime")
    row = scenarios.draw_window("credit", 1, seed=1)[list(credit_model.feature_names_in_)].to_csv(header=False, index=False)
    runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="text/csv", Body=row)
    (execution,) = aws.advance(hours=1, minutes=30)
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert execution["FailureReason"].startswith(
        f'ClientError: No S3 objects found under S3 URL "s3://{BUCKET}/nowhere/constraints.json" given in input data source.')


@pytest.mark.parametrize("expression", ["cron(0 12 ? * MON *)", "cron(30 * ? * * *)", "rate(1 hour)", "cron(0 0/30 ? * * *)"])
def test_an_unsupported_schedule_expression(aws, credit_model, expression):
    deploy(aws, credit_model)
    statistics, constraints = _baseline_files(aws)
    with pytest.raises(ClientError) as caught:
        _monitor(aws).create_monitoring_schedule(endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/reports",
                                                 statistics=statistics, constraints=constraints,
                                                 schedule_cron_expression=expression)  # fmt: skip
    error = _error(caught)
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(f"Invalid ScheduleExpression {expression!r}: ")


def test_now_without_its_analysis_window(aws, credit_model):
    deploy(aws, credit_model)
    statistics, constraints = _baseline_files(aws)
    with pytest.raises(ValueError, match="data_analysis_start_time and data_analysis_end_time are required"):
        _monitor(aws).create_monitoring_schedule(endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/reports",
                                                 statistics=statistics, constraints=constraints,
                                                 schedule_cron_expression="NOW")  # the SDK's own check  # fmt: skip
    sm = aws.client("sagemaker")
    sm.create_data_quality_job_definition(**job_definition("DataQuality", "dq"))
    with pytest.raises(ClientError, match="DataAnalysisStartTime and DataAnalysisEndTime are required when ScheduleExpression is NOW"):
        sm.create_monitoring_schedule(MonitoringScheduleName="now", MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "NOW"}, "MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality"})  # fmt: skip
    with pytest.raises(ClientError, match="may precede the end by at most 24 hours"):
        sm.create_monitoring_schedule(MonitoringScheduleName="now", MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "NOW", "DataAnalysisStartTime": "-PT25H", "DataAnalysisEndTime": "PT0H"},
            "MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality"})  # fmt: skip


def test_a_wrong_problem_type(aws, credit_model):
    from sagemaker.core.model_monitor import EndpointInput, ModelQualityMonitor

    deploy(aws, credit_model)
    aws.client("s3").put_object(Bucket=BUCKET, Key="mq/constraints.json", Body=b'{"version": 0.0}')
    monitor = ModelQualityMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=aws.session)
    with pytest.raises(ClientError) as caught:
        monitor.create_monitoring_schedule(
            endpoint_input=EndpointInput(ENDPOINT, "/opt/ml/processing/input_data", probability_attribute="0"),
            ground_truth_input=f"s3://{BUCKET}/ground-truth", problem_type="Classification",
            output_s3_uri=f"s3://{BUCKET}/mq", constraints=f"s3://{BUCKET}/mq/constraints.json",
            schedule_cron_expression="cron(0 * ? * * *)")  # fmt: skip
    assert _error(caught) == {"Code": "ValidationException", "Message": (
        "1 validation error detected: Value 'Classification' at 'modelQualityAppSpecification.problemType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [BinaryClassification, MulticlassClassification, Regression]")}  # fmt: skip


def test_a_name_that_breaks_the_apis_pattern(aws, credit_model):
    deploy(aws, credit_model)
    statistics, constraints = _baseline_files(aws)
    with pytest.raises(ClientError) as caught:
        _monitor(aws).create_monitoring_schedule(monitor_schedule_name="credit_hourly", endpoint_input=ENDPOINT,
                                                 output_s3_uri=f"s3://{BUCKET}/reports", statistics=statistics,
                                                 constraints=constraints, schedule_cron_expression="cron(0 * ? * * *)")  # fmt: skip
    assert _error(caught)["Message"] == (
        "1 validation error detected: Value 'credit_hourly' at 'monitoringScheduleName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    )


def test_a_schedule_on_an_endpoint_that_does_not_exist(aws):
    sm = aws.client("sagemaker")
    sm.create_data_quality_job_definition(**job_definition("DataQuality", "dq"))
    with pytest.raises(ClientError, match=rf'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/{ENDPOINT}"\.'):
        sm.create_monitoring_schedule(MonitoringScheduleName="s", MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}, "MonitoringJobDefinitionName": "dq",
            "MonitoringType": "DataQuality"})  # fmt: skip
