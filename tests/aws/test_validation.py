"""Offline validation: botocore's own messages, the model's constraints, the documented schedule forms.

The oracle for "botocore's message" is botocore itself: the same parameters are passed to a real
(stubbed, never sending) boto3 client, whose ParamValidationError must say the same thing.
"""

from __future__ import annotations

import pytest

from labkit import aws
from labkit.aws import requests as api
from labkit.aws import retraining, validation
from labkit.cloudwatch import MetricDatum, dimensions, namespace

from .conftest import ENDPOINT, ROLE_ARN


def _job(**changes):
    base = {"endpoint_name": ENDPOINT, "statistics_s3_uri": "s3://b/s.json", "constraints_s3_uri": "s3://b/c.json",
            "output_s3_uri": "s3://b/reports", "role_arn": ROLE_ARN, "image_uri": "img"}  # fmt: skip
    return api.create_data_quality_job_definition("credit-dq-job", **{**base, **changes})


@pytest.fixture
def offline_sagemaker(aws_env):
    """A real boto3 client whose calls are answered locally (never sent) once botocore validated them."""
    import boto3
    from botocore.awsrequest import AWSResponse

    client = boto3.client("sagemaker", region_name="us-east-1")
    client.meta.events.register(
        "before-call.sagemaker.*", lambda **_: (AWSResponse("https://offline", 200, {}, None), {})
    )
    return client


def _client_error(client, request) -> str:
    """What boto3 itself says about ``request``: its ParamValidationError, raised before sending."""
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError) as caught:
        getattr(client, request.method)(**request.params)
    return str(caught.value)


def test_the_whole_plan_validates(plan):
    assert [r.operation for r in aws.validate_all(plan.requests())] == [
        r.operation for r in plan.requests()
    ]


def test_missing_role_is_rejected_with_botocores_own_message(offline_sagemaker):
    request = _job(role_arn=None)
    with pytest.raises(aws.RequestRejected) as caught:
        aws.validate(request)
    assert caught.value.problems == (
        validation.Problem("botocore", 'Missing required parameter in input: "RoleArn"'),
    )
    assert 'Missing required parameter in input: "RoleArn"' in _client_error(
        offline_sagemaker, request
    )
    getattr(offline_sagemaker, _job().method)(
        **_job().params
    )  # the oracle accepts the complete request


def test_a_wrong_field_is_rejected_with_botocores_own_message(offline_sagemaker):
    params = dict(_job().params)
    params["JobResources"] = {
        "ClusterConfig": {**params["JobResources"]["ClusterConfig"], "InstanceCnt": 1}
    }
    request = api.ApiRequest("sagemaker", "CreateDataQualityJobDefinition", params)
    messages = [p.message for p in aws.check(request)]
    assert len(messages) == 1 and messages[0].startswith(
        'Unknown parameter in JobResources.ClusterConfig: "InstanceCnt"'
    )
    assert messages[0] in _client_error(offline_sagemaker, request)


def test_a_bad_cron_passes_botocore_but_not_the_documented_forms(sagemaker_stub):
    """botocore's model says only 'string, 1-256 chars' for ScheduleExpression: boto3 would send
    cron(0 * * * *) and the service would refuse it. The kit refuses it offline."""
    client, stub = sagemaker_stub
    request = api.create_monitoring_schedule(
        "credit-dq", "credit-dq-job", schedule_expression="cron(0 * * * *)"
    )
    stub.add_response(
        "create_monitoring_schedule",
        {
            "MonitoringScheduleArn": "arn:aws:sagemaker:us-east-1:111122223333:monitoring-schedule/credit-dq"
        },
        request.params,
    )
    client.create_monitoring_schedule(**request.params)  # botocore lets it through
    (problem,) = aws.check(request)
    assert (
        problem.source == "AWS docs"
        and "ScheduleExpression 'cron(0 * * * *)' is not supported" in problem.message
    )


@pytest.mark.parametrize(
    "expression, ok",
    [("cron(0 * ? * * *)", True), ("cron(0 0 ? * * *)", True), ("cron(0 23 ? * * *)", True), ("cron(0 05 ? * * *)", True),
     ("cron(0 17/12 ? * * *)", True), ("cron(0 0/2 ? * * *)", True), ("cron(0 0/24 ? * * *)", True),
     ("cron(0 24 ? * * *)", False), ("cron(0 0/25 ? * * *)", False), ("cron(0 0/0 ? * * *)", False),
     ("cron(30 * ? * * *)", False), ("rate(1 hour)", False), ("now", False)],
)  # fmt: skip
def test_schedule_expression_forms(expression, ok):
    assert (validation.check_schedule_expression(expression) is None) == ok


def test_now_needs_an_analysis_window():
    bare = api.create_monitoring_schedule("s", "j", schedule_expression="NOW")
    assert [p.message for p in aws.check(bare)] == [
        "DataAnalysisStartTime and DataAnalysisEndTime are required when ScheduleExpression is NOW"
    ]
    windowed = api.create_monitoring_schedule("s", "j", schedule_expression="NOW",
                                              data_analysis_start_time="-PT1H", data_analysis_end_time="-PT0H")  # fmt: skip
    assert aws.check(windowed) == ()


def test_model_constraints_botocore_leaves_to_the_service():
    problems = aws.check(
        _job(
            endpoint_name="credit_endpoint",
            instance_type="ml.m5.huge",
            statistics_s3_uri="statistics.json",
        )
    )
    assert {p.source for p in problems} == {"service model"}
    text = "\n".join(p.message for p in problems)
    assert (
        "DataQualityJobInput.EndpointInput.EndpointName, value: credit_endpoint, valid pattern"
        in text
    )
    assert (
        "JobResources.ClusterConfig.InstanceType, value: ml.m5.huge, valid values: ml.t3.medium"
        in text
    )
    assert "StatisticsResource.S3Uri, value: statistics.json, valid pattern: (https|s3)://" in text
    too_long = retraining.delete_alarms("a" * 256)  # AlarmName: at most 255 characters, no pattern
    assert [p.message for p in aws.check(too_long)] == [
        "Invalid length for parameter AlarmNames[0], value: 256, valid max length: 255"
    ]
    assert aws.check(retraining.delete_alarms("a" * 255)) == ()
    assert (
        len(aws.check(api.delete_monitoring_schedule("x" * 64))) == 2
    )  # max 63 and the {0,62} pattern


def test_sampling_percentage_above_100_is_out_of_the_models_range():
    capture = api.data_capture_config("s3://b/capture", sampling_percentage=101)
    request = api.create_endpoint_config(
        "c", data_capture=capture, production_variants=api.placeholder_variants(ENDPOINT)
    )
    assert [p.message for p in aws.check(request)] == [
        "Invalid value for parameter DataCaptureConfig.InitialSamplingPercentage, value: 101, valid max value: 100"
    ]


def test_alarm_limits_come_from_the_alarm_twin():
    """A hand-written PutMetricAlarm is checked with labkit.alarms' rules (the CloudWatch User Guide's)."""
    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income", dimensions(endpoint=ENDPOINT, schedule="s"),
                        __import__("datetime").datetime(2024, 5, 1), value=0.3)  # fmt: skip
    good = retraining.put_metric_alarm("a", datum, threshold=0.1)
    assert aws.check(good) == ()
    for change, message in [
        ({"Period": 90}, "Period 90 must be 10, 20, 30 or a multiple of 60 seconds"),
        (
            {"EvaluationPeriods": 169, "DatapointsToAlarm": 1},
            "Period × EvaluationPeriods = 608400 s exceeds 604,800 s",
        ),
        (
            {"EvaluationPeriods": 2, "DatapointsToAlarm": 3},
            "DatapointsToAlarm (3) must not exceed EvaluationPeriods (2)",
        ),
    ]:
        bad = api.ApiRequest("cloudwatch", "PutMetricAlarm", {**good.params, **change})
        (problem,) = aws.check(bad)
        assert problem.source == "AWS docs" and problem.message.startswith(message), problem
    with pytest.raises(
        aws.requests.LabkitInputError, match="Period 90"
    ):  # the builder refuses it too
        retraining.put_metric_alarm("a", datum, threshold=0.1, period=90)


def test_idempotency_tokens_are_filled_as_the_client_does():
    request = retraining.start_pipeline_execution("credit-retrain", {"Reason": "drift"})
    assert "ClientRequestToken" not in request.params and aws.check(request) == ()


def test_an_event_pattern_must_be_json_and_an_unknown_operation_is_named():
    bad = api.ApiRequest(
        "events", "PutRule", {"Name": "r", "EventPattern": "{source: aws.cloudwatch}"}
    )
    assert [p.message for p in aws.check(bad)] == ["EventPattern must be a JSON object in a string"]
    (problem,) = aws.check(api.ApiRequest("sagemaker", "CreateMonitoringScheduel", {}))
    assert problem.message == "sagemaker has no operation 'CreateMonitoringScheduel'"


def test_rejection_lists_every_problem_with_its_source():
    with pytest.raises(aws.RequestRejected) as caught:
        aws.validate(_job(role_arn=None, endpoint_name="credit_endpoint"))
    text = str(caught.value)
    assert text.splitlines()[0] == "sagemaker CreateDataQualityJobDefinition would be rejected:"
    assert (
        "[botocore] Missing required parameter" in text
        and "[service model] Invalid value for parameter" in text
    )
