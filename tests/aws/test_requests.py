"""Request builders: the API's field names, the SDK's defaults, files that round-trip."""

from __future__ import annotations

import json

import pytest

from labkit.aws import requests as api
from labkit.aws import retraining
from labkit.capture import DEFAULT_VARIANT
from labkit.cloudwatch import MetricDatum, dimensions, namespace
from labkit.errors import LabkitInputError

from .conftest import ENDPOINT, REGION, ROLE_ARN


def test_hourly_is_the_sdk_generators_expression():
    from sagemaker.core.model_monitor import CronExpressionGenerator

    assert api.HOURLY == CronExpressionGenerator.hourly() == "cron(0 * ? * * *)"


def test_data_capture_config_is_what_the_sdk_object_sends(aws_env):
    """Oracle: the SDK's DataCaptureConfig._to_request_dict(), built with an explicit offline session."""
    import boto3
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.model_monitor import DataCaptureConfig

    session = Session(boto_session=boto3.Session(region_name=REGION), default_bucket="b-offline")
    uri = "s3://drift-lab-test-bucket/model-monitor/data-capture"
    sdk = DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=100,
        destination_s3_uri=uri,
        sagemaker_session=session,
    )
    assert api.data_capture_config(uri, sampling_percentage=100) == sdk._to_request_dict()
    assert (
        api.data_capture_config(uri)["InitialSamplingPercentage"] == 100
    )  # the worked example: every request


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "il-central-1"]
)
def test_image_uri_matches_the_sdk(region):
    from sagemaker.core import image_uris

    assert api.model_monitor_image_uri(region) == image_uris.retrieve(
        framework="model-monitor", region=region
    )


def test_image_uri_for_an_unknown_region_names_the_known_ones():
    with pytest.raises(LabkitInputError, match="no Model Monitor container for region 'mars-1'"):
        api.model_monitor_image_uri("mars-1")


def test_job_definition_carries_the_baseline_uris_and_the_sdk_defaults():
    request = api.create_data_quality_job_definition(
        "jd", endpoint_name=ENDPOINT, statistics_s3_uri="s3://b/s.json", constraints_s3_uri="s3://b/c.json",
        output_s3_uri="s3://b/reports", role_arn=ROLE_ARN, image_uri="img",
    )  # fmt: skip
    params = request.params
    assert params["DataQualityBaselineConfig"] == {
        "ConstraintsResource": {"S3Uri": "s3://b/c.json"},
        "StatisticsResource": {"S3Uri": "s3://b/s.json"},
    }
    assert params["JobResources"]["ClusterConfig"] == {
        "InstanceCount": 1,
        "InstanceType": "ml.m5.xlarge",
        "VolumeSizeInGB": 30,
    }
    assert params["DataQualityAppSpecification"]["Environment"] == {
        "publish_cloudwatch_metrics": "Enabled"
    }
    assert (
        "StoppingCondition" not in params
    )  # the SDK sends none unless max_runtime_in_seconds is set
    assert "RoleArn" not in api.create_data_quality_job_definition(
        "jd", endpoint_name=ENDPOINT, statistics_s3_uri="s3://b/s", constraints_s3_uri="s3://b/c",
        output_s3_uri="s3://b/r", role_arn=None, image_uri="img",
    ).params  # fmt: skip


def test_endpoint_config_copies_what_create_accepts_and_replaces_capture():
    described = {
        "EndpointConfigName": "old", "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/old",
        "ProductionVariants": [{"VariantName": DEFAULT_VARIANT, "ModelName": "m", "InitialInstanceCount": 2, "InstanceType": "ml.c5.large"}],
        "KmsKeyId": "key-1", "CreationTime": "2024-05-01T00:00:00Z",
        "DataCaptureConfig": {"EnableCapture": False, "InitialSamplingPercentage": 5, "DestinationS3Uri": "s3://x/y",
                              "CaptureOptions": [{"CaptureMode": "Input"}]},
        "Tags": [{"Key": "k", "Value": "v"}],
    }  # fmt: skip
    capture = api.data_capture_config("s3://b/capture")
    params = api.create_endpoint_config("new", data_capture=capture, copy_from=described).params
    assert params["EndpointConfigName"] == "new"
    assert (
        params["ProductionVariants"] == described["ProductionVariants"]
        and params["KmsKeyId"] == "key-1"
    )
    assert params["DataCaptureConfig"] == capture
    assert not {"EndpointConfigArn", "CreationTime", "Tags"} & set(
        params
    )  # response-only fields dropped
    with pytest.raises(LabkitInputError, match="production_variants or copy_from"):
        api.create_endpoint_config("new", data_capture=capture)


def test_requests_round_trip_through_files(tmp_path):
    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income",
                        dimensions(endpoint=ENDPOINT, schedule="s"), __import__("datetime").datetime(2024, 5, 1), value=0.3)  # fmt: skip
    written = [
        api.update_endpoint(ENDPOINT, "c"),
        retraining.put_metric_alarm("a", datum, threshold=0.1),
    ]
    paths = api.write_requests(written, tmp_path)
    assert [p.name for p in paths] == ["01_UpdateEndpoint.json", "02_PutMetricAlarm.json"]
    assert api.read_requests(tmp_path) == written
    assert json.loads(paths[1].read_text())["params"]["Dimensions"] == [
        {"Name": "Endpoint", "Value": ENDPOINT}, {"Name": "MonitoringSchedule", "Value": "s"},
    ]  # fmt: skip


def test_request_is_a_frozen_copy():
    params = {"EndpointName": "e", "EndpointConfigName": "c"}
    request = api.ApiRequest("sagemaker", "UpdateEndpoint", params)
    params["EndpointName"] = "changed"
    assert request.params["EndpointName"] == "e" and request.method == "update_endpoint"
    assert request.as_text().startswith("sagemaker.update_endpoint(**{")


def test_s3_uri_helpers():
    assert api.s3_uri("b", "/model-monitor/", "data-capture") == "s3://b/model-monitor/data-capture"
    assert api.split_s3_uri("s3://b/a/b/c.json") == ("b", "a/b/c.json")
    with pytest.raises(LabkitInputError, match="s3://bucket/key"):
        api.split_s3_uri("https://b/a")


def test_alarm_rule_and_target_shapes():
    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income",
                        dimensions(endpoint=ENDPOINT, schedule="s", Feature="income"),
                        __import__("datetime").datetime(2024, 5, 1), value=0.3)  # fmt: skip
    alarm = retraining.put_metric_alarm("a", datum, threshold=0.1).params
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        "aws/sagemaker/Endpoints/data-metrics",
        "feature_baseline_drift_income",
    )
    assert [d["Name"] for d in alarm["Dimensions"]] == ["Endpoint", "MonitoringSchedule", "Feature"]
    assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["Threshold"]) == (3600, 1, 0.1)
    pattern = json.loads(retraining.put_rule("r", "a").params["EventPattern"])
    assert pattern == {"source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"],
                       "detail": {"alarmName": ["a"], "state": {"value": ["ALARM"]}}}  # fmt: skip
    target = retraining.put_pipeline_target("r", "arn:aws:sagemaker:us-east-1:111122223333:pipeline/p",
                                            role_arn=ROLE_ARN, parameters={"Reason": "drift"}).params["Targets"][0]  # fmt: skip
    assert target["SageMakerPipelineParameters"] == {
        "PipelineParameterList": [{"Name": "Reason", "Value": "drift"}]
    }
    assert "ClientRequestToken" not in retraining.start_pipeline_execution("p").params


def test_the_rule_matches_the_documented_event_of_that_alarm_only():
    """Oracle: the EventBridge twin's "CloudWatch Alarm State Change" event, shaped as the User Guide's."""
    from datetime import UTC, datetime

    from labkit import alarms, events

    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income",
                        dimensions(endpoint=ENDPOINT, schedule="s"), datetime(2024, 5, 1, tzinfo=UTC), value=0.3)  # fmt: skip
    request = retraining.put_metric_alarm("credit-income-drift", datum, threshold=0.1)
    alarm = alarms.MetricAlarm.from_dict(request.params)
    pattern = json.loads(retraining.put_rule("r", "credit-income-drift").params["EventPattern"])

    def event(name: str, new: str):
        change = alarms.AlarmStateChange(
            name, datetime(2024, 5, 1, 14, tzinfo=UTC), "OK", new, "threshold crossed"
        )
        return events.alarm_state_change_event(
            alarms.MetricAlarm.from_dict({**request.params, "AlarmName": name}), change, None
        )

    assert events.matches_pattern(pattern, event("credit-income-drift", "ALARM"))
    assert not events.matches_pattern(pattern, event("credit-income-drift", "OK"))
    assert not events.matches_pattern(pattern, event("another-alarm", "ALARM"))
    assert alarm.to_dict() == request.params
