"""The worked example's plan: order, names, S3 layout, and attaching to an endpoint that already captures."""

from __future__ import annotations

from labkit import aws
from labkit.aws import requests as api

from .conftest import BUCKET, ENDPOINT, REGION, ROLE_ARN


def test_setup_runs_in_dependency_order(plan):
    assert [r.operation for r in plan.setup] == [
        "PutObject", "PutObject", "CreateEndpointConfig", "UpdateEndpoint",
        "CreateDataQualityJobDefinition", "CreateMonitoringSchedule",
    ]  # fmt: skip
    assert [r.operation for r in plan.cleanup] == [
        "DeleteMonitoringSchedule",
        "DeleteDataQualityJobDefinition",
    ]
    assert [r.operation for r in plan.restore] == ["UpdateEndpoint", "DeleteEndpointConfig"]


def test_the_schedule_is_hourly_on_the_named_endpoint_with_full_capture(plan):
    schedule = plan.request("CreateMonitoringSchedule").params
    assert schedule["MonitoringScheduleConfig"] == {
        "MonitoringJobDefinitionName": plan.job_definition_name,
        "MonitoringType": "DataQuality",
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
    }
    capture = plan.request("CreateEndpointConfig").params["DataCaptureConfig"]
    assert (
        capture["InitialSamplingPercentage"] == 100
        and capture["DestinationS3Uri"] == plan.capture_s3_uri
    )
    assert plan.request("UpdateEndpoint").params == {
        "EndpointName": ENDPOINT,
        "EndpointConfigName": plan.capture_config_name,
    }
    job = plan.request("CreateDataQualityJobDefinition").params
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == ENDPOINT
    assert job["RoleArn"] == ROLE_ARN


def test_the_baseline_uris_are_the_uploaded_keys(plan):
    uploads = [
        f"s3://{r.params['Bucket']}/{r.params['Key']}"
        for r in plan.setup
        if r.operation == "PutObject"
    ]
    assert uploads == [plan.statistics_s3_uri, plan.constraints_s3_uri]
    assert uploads[0].endswith("/statistics.json") and uploads[1].endswith("/constraints.json")
    baseline = plan.request("CreateDataQualityJobDefinition").params["DataQualityBaselineConfig"]
    assert baseline == {
        "ConstraintsResource": {"S3Uri": uploads[1]},
        "StatisticsResource": {"S3Uri": uploads[0]},
    }
    assert (
        plan.capture_s3_uri == f"s3://{BUCKET}/model-monitor/data-capture"
    )  # the SDK's default folder
    assert (
        plan.reports_s3_uri
        == f"s3://{BUCKET}/model-monitor/monitoring/{plan.schedule_name}/results"
    )


def test_an_endpoint_already_capturing_is_attached_not_updated():
    described = {
        "EndpointConfigName": "credit-config-7",
        "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
        "DataCaptureConfig": {"EnableCapture": True, "InitialSamplingPercentage": 100,
                              "DestinationS3Uri": "s3://their-bucket/capture", "CaptureOptions": [{"CaptureMode": "Input"}]},
    }  # fmt: skip
    plan = aws.plan_data_quality_monitoring(endpoint_name=ENDPOINT, role_arn=ROLE_ARN, bucket=BUCKET,
                                            region=REGION, existing_config=described)  # fmt: skip
    assert plan.capture_already_on and plan.capture_s3_uri == "s3://their-bucket/capture"
    assert "CreateEndpointConfig" not in [r.operation for r in plan.setup] and plan.restore == ()
    sampled = {
        **described,
        "DataCaptureConfig": {**described["DataCaptureConfig"], "InitialSamplingPercentage": 20},
    }
    replanned = aws.plan_data_quality_monitoring(endpoint_name=ENDPOINT, role_arn=ROLE_ARN, bucket=BUCKET,
                                                 region=REGION, existing_config=sampled)  # fmt: skip
    assert not replanned.capture_already_on
    config = replanned.request("CreateEndpointConfig").params
    assert (
        config["ProductionVariants"] == described["ProductionVariants"]
    )  # the endpoint's own variants
    assert (
        replanned.request(
            "UpdateEndpoint",
        ).params["EndpointConfigName"]
        == config["EndpointConfigName"]
    )
    assert replanned.restore[0].params == {
        "EndpointName": ENDPOINT,
        "EndpointConfigName": "credit-config-7",
    }


def test_parameters_reach_the_requests():
    plan = aws.plan_data_quality_monitoring(
        endpoint_name="housing-endpoint", role_arn=ROLE_ARN, bucket=BUCKET, region="eu-west-1",
        schedule_name="housing-dq", schedule_expression="cron(0 0/6 ? * * *)", sampling_percentage=50,
        instance_type="ml.m5.large", max_runtime_in_seconds=1800,
    )  # fmt: skip
    job = plan.request("CreateDataQualityJobDefinition").params
    assert job["DataQualityAppSpecification"]["ImageUri"] == api.model_monitor_image_uri(
        "eu-west-1"
    )
    assert job["JobResources"]["ClusterConfig"]["InstanceType"] == "ml.m5.large"
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800}
    assert plan.request("CreateMonitoringSchedule").params["MonitoringScheduleConfig"][
        "ScheduleConfig"
    ] == {"ScheduleExpression": "cron(0 0/6 ? * * *)"}
    assert (
        plan.request("CreateEndpointConfig").params["DataCaptureConfig"][
            "InitialSamplingPercentage"
        ]
        == 50
    )
    assert aws.validate_all(plan.requests())
    assert plan.summary()["monitoring schedule"] == "housing-dq (cron(0 0/6 ? * * *))"
