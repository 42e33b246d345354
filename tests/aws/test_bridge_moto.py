"""The bridge's boto3 code over real HTTP, against moto's server on loopback (S3, CloudWatch, EventBridge).

Capture files are written by the local twin under the real key layout, uploaded, read back through
the bridge and compared with what the twin reads from disk: the two must agree record for record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from labkit import aws, capture, data_quality, drift, scenarios
from labkit.aws import bridge, retraining
from labkit.aws.requests import split_s3_uri
from labkit.cloudwatch import MetricDatum, dimensions, namespace
from labkit.errors import LabkitInputError

from .conftest import BUCKET, ENDPOINT, REGION, ROLE_ARN

HOUR = datetime(2024, 5, 1, 13, tzinfo=UTC)


def test_connect_needs_an_opt_in(aws_env, monkeypatch, moto_url):
    with pytest.raises(aws.AwsNotEnabledError, match="LABKIT_USE_AWS=1"):
        aws.connect(region=REGION)
    monkeypatch.setenv("LABKIT_USE_AWS", "1")
    clients = aws.connect(region=REGION, endpoint_url=moto_url)
    assert clients.s3.list_buckets()["Buckets"] is not None


def test_upload_baseline_puts_the_twins_files_at_the_plans_uris(moto, plan, credit_baseline):
    uris = aws.upload_baseline(moto.s3, plan, credit_baseline)
    assert uris == (plan.statistics_s3_uri, plan.constraints_s3_uri)
    for uri, name in zip(uris, ("statistics.json", "constraints.json")):
        bucket, key = split_s3_uri(uri)
        body = moto.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body == (credit_baseline / name).read_bytes()


def test_upload_baseline_names_a_missing_file(moto, plan, tmp_path):
    with pytest.raises(LabkitInputError, match="statistics.json: baseline file not found"):
        aws.upload_baseline(moto.s3, plan, tmp_path)


def _captured_hours(credit, tmp_path):
    """Two hours of the twin's capture, plus noise a reader must skip or quarantine."""
    model = scenarios.train_model(credit)
    features = list(credit.features)
    window = scenarios.draw_window("credit", 240, seed=5)[features]
    records = capture.capture_requests(window, model.predict(window), start_time=HOUR, requests_per_hour=120,
                                       sampling_percentage=100, seed=5)  # fmt: skip
    local = tmp_path / "local"
    paths = capture.write_capture(records, local, endpoint=ENDPOINT, seed=5)
    with paths[0].open("a", encoding="utf-8") as f:
        f.write("{not json\n")  # one malformed line in the first hour
    other = capture.write_capture(records[:3], local, endpoint="other-endpoint", seed=6)
    return local, paths + other, features


def test_capture_read_from_s3_equals_the_twins_local_read(moto, plan, credit, tmp_path):
    local, paths, features = _captured_hours(credit, tmp_path)
    bucket, root = split_s3_uri(plan.capture_s3_uri)
    keys = []
    for path in paths:
        key = f"{root}/{path.relative_to(local).as_posix()}"
        moto.s3.upload_file(str(path), bucket, key)
        keys.append(key)
    assert keys[0].startswith(f"model-monitor/data-capture/{ENDPOINT}/AllTraffic/2024/05/01/13/")

    cloud = aws.download_capture(moto.s3, plan.capture_s3_uri, ENDPOINT, start=HOUR, end=HOUR + timedelta(hours=1),
                                 directory=tmp_path / "downloaded")  # fmt: skip
    twin = capture.read_capture(
        local / ENDPOINT / "AllTraffic", start=HOUR, end=HOUR + timedelta(hours=1)
    )
    assert [r.to_line() for r in cloud.records] == [r.to_line() for r in twin.records]
    assert cloud.n_records == 120 and cloud.n_quarantined == 1 == twin.n_quarantined
    assert [f.relative_to(tmp_path / "downloaded").as_posix() for f in cloud.files] == [
        paths[0].relative_to(local).as_posix()
    ]  # only the monitored hour of this endpoint was copied
    cloud_frame, _ = capture.records_to_frame(cloud.records, features)
    twin_frame, _ = capture.records_to_frame(twin.records, features)
    assert cloud_frame.equals(twin_frame)


def test_no_capture_in_the_window_is_an_error(moto, plan, tmp_path):
    with pytest.raises(LabkitInputError, match="no capture files between"):
        aws.download_capture(moto.s3, plan.capture_s3_uri, ENDPOINT, start=HOUR, end=HOUR + timedelta(hours=1),
                             directory=tmp_path)  # fmt: skip


def test_download_violations_renders_with_the_twins_viewer(moto, sagemaker_stub, credit, tmp_path):
    """A report in S3 (the twin's own file for a drifted window) comes back as the same table."""
    features = list(credit.features)
    baseline = data_quality.suggest_baseline(credit.baseline[features])
    window = drift.shift_mean(credit.window[features], "income", 2.5, seed=0)
    local = data_quality.monitor(window, baseline).violations
    report_uri = f"s3://{BUCKET}/model-monitor/monitoring/s/results/{ENDPOINT}/s/2024/05/01/14"
    bucket, prefix = split_s3_uri(report_uri)
    moto.s3.put_object(Bucket=bucket, Key=f"{prefix}/constraint_violations.json",
                       Body=local.to_json(tmp_path / "local").read_bytes())  # fmt: skip
    client, stub = sagemaker_stub
    job = "exec-2024-05-01-14"
    stub.add_response("describe_processing_job", {
        "ProcessingJobName": job, "ProcessingJobArn": f"arn:aws:sagemaker:us-east-1:111122223333:processing-job/{job}",
        "ProcessingJobStatus": "Completed", "CreationTime": HOUR, "AppSpecification": {"ImageUri": "img"},
        "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}},
        "ProcessingOutputConfig": {"Outputs": [{"OutputName": "monitoring_output",
                                                "S3Output": {"S3Uri": report_uri, "LocalPath": "/opt/ml/processing/output",
                                                             "S3UploadMode": "Continuous"}}]},
    }, {"ProcessingJobName": job})  # fmt: skip
    execution = {"MonitoringExecutionStatus": "CompletedWithViolations",
                 "ProcessingJobArn": f"arn:aws:sagemaker:us-east-1:111122223333:processing-job/{job}"}  # fmt: skip
    cloud = aws.download_violations(client, moto.s3, execution, tmp_path / "cloud")
    assert cloud == local and "baseline_drift_check" in cloud.check_types()
    assert cloud.to_frame().equals(local.to_frame())


def test_alarm_round_trip_and_state(moto):
    datum = MetricDatum(namespace("DataQuality"), "feature_baseline_drift_income",
                        dimensions(endpoint=ENDPOINT, schedule="credit-endpoint-data-quality", Feature="income"),
                        HOUR, value=0.3)  # fmt: skip
    request = retraining.put_metric_alarm("credit-income-drift", datum, threshold=0.1)
    aws.send(moto.cloudwatch, request)
    (alarm,) = moto.cloudwatch.describe_alarms(AlarmNames=["credit-income-drift"])["MetricAlarms"]
    for field in ("Namespace", "MetricName", "Dimensions", "Period", "EvaluationPeriods", "Threshold",
                  "ComparisonOperator", "Statistic", "TreatMissingData"):  # fmt: skip
        assert alarm[field] == request.params[field], field
    # moto starts new alarms in OK; the service starts them in INSUFFICIENT_DATA. SetAlarmState is
    # how AWS suggests testing what an alarm triggers.
    aws.send(moto.cloudwatch, retraining.set_alarm_state("credit-income-drift"))
    assert aws.alarm_state(moto.cloudwatch, "credit-income-drift") == "ALARM"
    with pytest.raises(LabkitInputError, match="no alarm named 'nope'"):
        aws.alarm_state(moto.cloudwatch, "nope")


def test_rule_and_pipeline_target_reach_eventbridge(moto):
    pipeline = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/credit-retrain"
    aws.run(moto, [retraining.put_rule("credit-drift-retrain", "credit-income-drift"),
                   retraining.put_pipeline_target("credit-drift-retrain", pipeline, role_arn=ROLE_ARN,
                                                  parameters={"Reason": "income drift"})])  # fmt: skip
    rule = moto.events.describe_rule(Name="credit-drift-retrain")
    assert json.loads(rule["EventPattern"])["detail"] == {
        "alarmName": ["credit-income-drift"],
        "state": {"value": ["ALARM"]},
    }
    (target,) = moto.events.list_targets_by_rule(Rule="credit-drift-retrain")["Targets"]
    assert target["Arn"] == pipeline and target["RoleArn"] == ROLE_ARN


@pytest.mark.parametrize("env, argument, expected", [(None, False, False), ("1", False, True), ("0", False, False),
                                                      ("true", False, False), (None, True, True)])  # fmt: skip
def test_opt_in_is_the_argument_or_LABKIT_USE_AWS_1(aws_env, monkeypatch, env, argument, expected):
    if env is not None:
        monkeypatch.setenv(bridge.USE_AWS_ENV, env)
    assert bridge.USE_AWS_ENV == "LABKIT_USE_AWS"
    assert bridge.opted_in(argument) is expected
