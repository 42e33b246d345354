"""The bridge's SageMaker and CloudWatch calls under botocore's Stubber: exactly the expected requests.

Stubber fails a test on any call that was not queued, or queued with other parameters, so each
test states the whole conversation the bridge has with the service.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from labkit import aws
from labkit.aws import bridge, retraining
from labkit.cloudwatch import MetricDatum, dimensions, namespace
from labkit.errors import LabkitInputError

from .conftest import ENDPOINT, REGION

NOW = datetime(2024, 5, 1, 14, 5, tzinfo=UTC)
ARN = "arn:aws:sagemaker:us-east-1:111122223333"


def _endpoint(status: str = "InService", config: str = "credit-config") -> dict:
    return {"EndpointName": ENDPOINT, "EndpointArn": f"{ARN}:endpoint/{ENDPOINT}", "EndpointConfigName": config,
            "EndpointStatus": status, "CreationTime": NOW, "LastModifiedTime": NOW}  # fmt: skip


def test_enable_data_capture_sends_the_new_config_then_the_update(sagemaker_stub, plan):
    client, stub = sagemaker_stub
    create, update = plan.request("CreateEndpointConfig"), plan.request("UpdateEndpoint")
    stub.add_response(
        "create_endpoint_config", {"EndpointConfigArn": f"{ARN}:endpoint-config/x"}, create.params
    )
    stub.add_response(
        "update_endpoint", {"EndpointArn": f"{ARN}:endpoint/{ENDPOINT}"}, update.params
    )
    stub.add_response(
        "describe_endpoint", _endpoint("InService"), {"EndpointName": ENDPOINT}
    )  # the waiter
    assert aws.enable_data_capture(client, plan) == ["CreateEndpointConfig", "UpdateEndpoint"]


def test_read_endpoint_config_then_plan_with_the_real_variants(sagemaker_stub):
    client, stub = sagemaker_stub
    variants = [
        {
            "VariantName": "AllTraffic",
            "ModelName": "credit-model",
            "InitialInstanceCount": 1,
            "InstanceType": "ml.c5.large",
        }
    ]
    stub.add_response("describe_endpoint", _endpoint(), {"EndpointName": ENDPOINT})
    stub.add_response("describe_endpoint_config",
                      {"EndpointConfigName": "credit-config", "EndpointConfigArn": f"{ARN}:endpoint-config/credit-config",
                       "ProductionVariants": variants, "CreationTime": NOW},
                      {"EndpointConfigName": "credit-config"})  # fmt: skip
    existing = aws.read_endpoint_config(client, ENDPOINT)
    plan = aws.plan_data_quality_monitoring(endpoint_name=ENDPOINT, role_arn=None, bucket="b-b-b", region=REGION,
                                            existing_config=existing)  # fmt: skip
    assert plan.request("CreateEndpointConfig").params["ProductionVariants"] == variants
    assert plan.restore[0].params["EndpointConfigName"] == "credit-config"


def test_create_schedule_sends_the_job_definition_then_the_schedule(sagemaker_stub, plan):
    client, stub = sagemaker_stub
    job, schedule = (
        plan.request("CreateDataQualityJobDefinition"),
        plan.request("CreateMonitoringSchedule"),
    )
    stub.add_response(
        "create_data_quality_job_definition",
        {"JobDefinitionArn": f"{ARN}:data-quality-job-definition/j"},
        job.params,
    )
    stub.add_response(
        "create_monitoring_schedule",
        {"MonitoringScheduleArn": f"{ARN}:monitoring-schedule/s"},
        schedule.params,
    )
    assert aws.create_schedule(client, plan)["MonitoringScheduleArn"].endswith(
        "monitoring-schedule/s"
    )


def test_an_invalid_plan_is_refused_before_anything_is_sent(sagemaker_stub):
    client, _ = sagemaker_stub  # no response queued: any call would fail the test
    plan = aws.plan_data_quality_monitoring(
        endpoint_name=ENDPOINT, role_arn=None, bucket="b-b-b", region=REGION
    )
    with pytest.raises(aws.RequestRejected, match='Missing required parameter in input: "RoleArn"'):
        aws.create_schedule(client, plan)


def test_list_executions_newest_first(sagemaker_stub, plan):
    client, stub = sagemaker_stub
    summaries = [
        {"MonitoringScheduleName": plan.schedule_name, "ScheduledTime": NOW, "CreationTime": NOW, "LastModifiedTime": NOW,
         "MonitoringExecutionStatus": "CompletedWithViolations", "ProcessingJobArn": f"{ARN}:processing-job/exec-14"},
    ]  # fmt: skip
    stub.add_response("list_monitoring_executions", {"MonitoringExecutionSummaries": summaries},
                      {"MonitoringScheduleName": plan.schedule_name, "SortBy": "ScheduledTime",
                       "SortOrder": "Descending", "MaxResults": 10})  # fmt: skip
    assert aws.list_executions(client, plan) == summaries


def test_a_failed_execution_has_no_report(sagemaker_stub):
    client, _ = sagemaker_stub
    failed = {
        "MonitoringExecutionStatus": "Failed",
        "FailureReason": "ClientError: no data",
        "ProcessingJobArn": "x",
    }
    with pytest.raises(LabkitInputError, match="execution status is Failed: ClientError: no data"):
        aws.download_violations(client, None, failed, "unused")


def test_cleanup_waits_for_the_schedule_before_deleting_its_job_definition(sagemaker_stub, plan):
    client, stub = sagemaker_stub
    stub.add_response(
        "delete_monitoring_schedule", {}, {"MonitoringScheduleName": plan.schedule_name}
    )
    stub.add_response("describe_monitoring_schedule",
                      {"MonitoringScheduleArn": f"{ARN}:monitoring-schedule/s", "MonitoringScheduleName": plan.schedule_name,
                       "MonitoringScheduleStatus": "Pending", "CreationTime": NOW, "LastModifiedTime": NOW,
                       "MonitoringScheduleConfig": {}},
                      {"MonitoringScheduleName": plan.schedule_name})  # fmt: skip
    stub.add_client_error(
        "describe_monitoring_schedule", service_error_code="ResourceNotFound", http_status_code=400
    )
    stub.add_response(
        "delete_data_quality_job_definition", {}, {"JobDefinitionName": plan.job_definition_name}
    )
    clients = bridge.AwsClients(REGION, client, None, None, None)
    slept = []
    assert aws.cleanup(clients, plan, sleep=slept.append) == [
        "DeleteMonitoringSchedule",
        "DeleteDataQualityJobDefinition",
    ]
    assert slept == [5.0]  # one poll while the schedule was still there


def test_put_alarm_sends_exactly_the_validated_request(cloudwatch_stub):
    client, stub = cloudwatch_stub
    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income",
                        dimensions(endpoint=ENDPOINT, schedule="credit-endpoint-data-quality", Feature="income"),
                        NOW, value=0.31)  # fmt: skip
    request = retraining.put_metric_alarm("credit-income-drift", datum, threshold=0.1)
    stub.add_response("put_metric_alarm", {}, request.params)
    stub.add_response("describe_alarms", {"MetricAlarms": [{"AlarmName": "credit-income-drift", "StateValue": "INSUFFICIENT_DATA"}]},
                      {"AlarmNames": ["credit-income-drift"]})  # fmt: skip
    aws.send(client, request)
    assert aws.alarm_state(client, "credit-income-drift") == "INSUFFICIENT_DATA"


def test_send_refuses_a_request_for_another_service(cloudwatch_stub, plan):
    client, _ = cloudwatch_stub
    with pytest.raises(ValueError, match="is a sagemaker request, not cloudwatch"):
        aws.send(client, plan.request("UpdateEndpoint"))


def test_restore_waits_before_deleting_the_capture_config(sagemaker_stub, plan):
    client, stub = sagemaker_stub
    update, delete = plan.restore
    stub.add_response(
        "update_endpoint", {"EndpointArn": f"{ARN}:endpoint/{ENDPOINT}"}, update.params
    )
    stub.add_response(
        "describe_endpoint",
        _endpoint("InService", plan.original_config_name),
        {"EndpointName": ENDPOINT},
    )
    stub.add_response("delete_endpoint_config", {}, delete.params)
    assert aws.restore_endpoint(client, plan) == ["UpdateEndpoint", "DeleteEndpointConfig"]
    assert delete.params == {"EndpointConfigName": plan.capture_config_name}


@pytest.mark.parametrize("bucket, role, column", [
    ("amzn-s3-demo-bucket", "arn:aws:iam::444455556666:role/r", "bucket"),
    ("my-bucket", "arn:aws:iam::111122223333:role/SageMakerModelMonitorRole", "role_arn"),
])  # fmt: skip
def test_a_live_run_refuses_the_docs_placeholders(bucket, role, column):
    with pytest.raises(LabkitInputError, match="are placeholders") as caught:
        aws.refuse_placeholders(bucket=bucket, role_arn=role)
    assert caught.value.column == column
    aws.refuse_placeholders(bucket="my-bucket", role_arn="arn:aws:iam::444455556666:role/r")
