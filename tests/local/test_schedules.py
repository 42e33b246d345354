"""Monitoring schedules on the simulated clock: when executions start, what they read, what they say."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

import labkit.local
from labkit.schedule import start_delay

from .conftest import BUCKET, CAPTURE, ENDPOINT, deploy, invoke_rows, job_definition

HOUR = timedelta(hours=1)
T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)


def _schedule(aws, name: str = "hourly", expression: str | None = "cron(0 * ? * * *)", *,
              definition: str = "dq", **timing: str) -> None:  # fmt: skip
    sm = aws.client("sagemaker")
    if definition not in aws.job_definitions.tables["DataQuality"]:
        sm.create_data_quality_job_definition(**job_definition("DataQuality", definition))
    config = {"MonitoringJobDefinitionName": definition, "MonitoringType": "DataQuality"}
    if expression is not None:
        config["ScheduleConfig"] = {"ScheduleExpression": expression, **timing}
    sm.create_monitoring_schedule(MonitoringScheduleName=name, MonitoringScheduleConfig=config)


def _traffic(aws, credit, n: int = 3) -> None:
    from labkit import scenarios

    invoke_rows(aws, scenarios.draw_window("credit", n, seed=9)[list(credit.features)])


@pytest.fixture
def endpoint(aws, credit_model):
    deploy(aws, credit_model)
    return aws


def test_hourly_executions_start_after_their_seeded_delay_and_read_the_previous_hour(endpoint, fake_job, credit):
    aws = endpoint
    _schedule(aws)
    for hour in range(3):
        _traffic(aws, credit)
        aws.advance(hours=1)
    aws.advance(minutes=30)
    executions = aws.client("sagemaker").list_monitoring_executions(MonitoringScheduleName="hourly")["MonitoringExecutionSummaries"]
    scheduled = [e["ScheduledTime"] for e in executions]
    assert scheduled == [T0 + 3 * HOUR, T0 + 2 * HOUR, T0 + HOUR]  # newest first, as ListMonitoringExecutions sorts
    for e in executions:
        assert e["MonitoringExecutionStatus"] == "Completed"
        assert e["LastModifiedTime"] == e["ScheduledTime"] + start_delay(0, e["ScheduledTime"])
        assert e["ProcessingJobArn"].startswith("arn:aws:sagemaker:us-east-1:123456789012:processing-job/model-monitoring-")
    first = fake_job.calls[0]
    assert (first["env"]["start_time"], first["env"]["end_time"]) == ("2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z")
    assert first["env"]["dataset_source"] == "/opt/ml/processing/input/endpoint"
    assert json.loads(first["env"]["dataset_format"]) == {"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}
    assert first["env"]["sagemaker_endpoint_name"] == ENDPOINT and first["env"]["sagemaker_monitoring_schedule_name"] == "hourly"
    assert all(path.startswith(f"opt/ml/processing/input/endpoint/{ENDPOINT}/AllTraffic/2024/05/01/12/") for path in first["staged"])
    job = aws.client("sagemaker").describe_processing_job(ProcessingJobName=executions[-1]["ProcessingJobArn"].rsplit("/", 1)[-1])
    assert job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == f"s3://{BUCKET}/reports/{ENDPOINT}/hourly/2024/05/01/13"
    assert job["MonitoringScheduleArn"].endswith(":monitoring-schedule/hourly")


def test_an_execution_waits_pending_until_its_start_time(endpoint, credit):
    aws = endpoint
    _schedule(aws)
    _traffic(aws, credit)
    delay = start_delay(0, T0 + HOUR)
    assert aws.advance(hours=1) == []
    (summary,) = aws.client("sagemaker").list_monitoring_executions()["MonitoringExecutionSummaries"]
    assert summary["MonitoringExecutionStatus"] == "Pending"
    started = aws.advance(seconds=int(delay.total_seconds()))
    assert [s["MonitoringExecutionStatus"] for s in started] == ["Completed"]
    described = aws.client("sagemaker").describe_monitoring_schedule(MonitoringScheduleName="hourly")
    assert described["LastMonitoringExecutionSummary"]["MonitoringExecutionStatus"] == "Completed"


def test_a_window_without_capture_fails_with_the_services_reason_and_starts_no_job(endpoint, fake_job):
    aws = endpoint
    _schedule(aws)
    (summary,) = aws.advance(hours=1, minutes=30)
    assert summary["MonitoringExecutionStatus"] == "Failed"
    assert summary["FailureReason"] == "Job inputs had no data"
    assert "ProcessingJobArn" not in summary and fake_job.calls == []


def test_stop_start_and_delete(endpoint, credit):
    aws = endpoint
    sm = aws.client("sagemaker")
    _schedule(aws)
    sm.stop_monitoring_schedule(MonitoringScheduleName="hourly")
    assert sm.describe_monitoring_schedule(MonitoringScheduleName="hourly")["MonitoringScheduleStatus"] == "Stopped"
    assert aws.advance(hours=3) == []
    sm.start_monitoring_schedule(MonitoringScheduleName="hourly")  # resumes from now: no catching up
    _traffic(aws, credit)
    started = aws.advance(hours=1, minutes=30)
    assert [s["ScheduledTime"] for s in started] == [T0 + 4 * HOUR]
    with pytest.raises(sm.exceptions.ResourceInUse):
        sm.delete_data_quality_job_definition(JobDefinitionName="dq")  # still used by the schedule
    sm.delete_monitoring_schedule(MonitoringScheduleName="hourly")
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_monitoring_schedule(MonitoringScheduleName="hourly")
    sm.delete_data_quality_job_definition(JobDefinitionName="dq")
    assert aws.advance(hours=2) == []


def test_now_runs_once_over_its_data_analysis_window(endpoint, fake_job, credit):
    aws = endpoint
    _traffic(aws, credit)
    aws.advance(minutes=40)
    _schedule(aws, "once", "NOW", DataAnalysisStartTime="-PT1H", DataAnalysisEndTime="PT0H")
    started = aws.advance(minutes=20)
    assert [s["MonitoringExecutionStatus"] for s in started] == ["Completed"]
    assert fake_job.calls[0]["env"]["start_time"] == "2024-05-01T11:40:00Z"
    assert aws.advance(hours=5) == []


def test_daily_schedules_read_a_day_and_offsets_move_the_window(endpoint, fake_job, credit):
    aws = endpoint
    _traffic(aws, credit)
    sm = aws.client("sagemaker")
    shifted = job_definition("DataQuality", "shifted", DataQualityJobInput={"EndpointInput": {
        "EndpointName": ENDPOINT, "LocalPath": "/opt/ml/processing/input/endpoint", "StartTimeOffset": "-PT3H", "EndTimeOffset": "-PT1H"}})  # fmt: skip
    sm.create_data_quality_job_definition(**shifted)
    _schedule(aws, "daily", "cron(0 6 ? * * *)")
    _schedule(aws, "offset", "cron(0 * ? * * *)", definition="shifted")
    aws.advance(hours=19)
    windows = {(c["env"]["sagemaker_monitoring_schedule_name"], c["env"]["start_time"], c["env"]["end_time"]) for c in fake_job.calls}
    assert ("daily", "2024-05-01T06:00:00Z", "2024-05-02T06:00:00Z") in windows
    assert ("offset", "2024-05-01T11:00:00Z", "2024-05-01T13:00:00Z") in windows  # T = 14:00, -PT3H … -PT1H


def test_the_same_calls_give_the_same_names_and_times(credit_model, credit):
    def run(seed: int) -> list[tuple]:
        with labkit.local.sagemaker(seed=seed, run_job=lambda *a, **k: __import__("labkit.analyzer.contract", fromlist=["JobOutcome"]).JobOutcome("Completed", "Completed: ok", None, ())) as aws:
            aws.client("s3").create_bucket(Bucket=BUCKET)
            deploy(aws, credit_model)
            _schedule(aws)
            for _ in range(2):
                _traffic(aws, credit)
                aws.advance(hours=1)
            summaries = aws.client("sagemaker").list_monitoring_executions()["MonitoringExecutionSummaries"]
            return [(s["ProcessingJobArn"], s["LastModifiedTime"]) for s in summaries if "ProcessingJobArn" in s]

    assert run(0) == run(0)
    assert run(0) != run(7)


def test_listing_pages_and_filters_executions(endpoint, credit):
    aws = endpoint
    _schedule(aws)
    _traffic(aws, credit)
    aws.advance(hours=3, minutes=30)
    sm = aws.client("sagemaker")
    page = sm.list_monitoring_executions(MonitoringScheduleName="hourly", MaxResults=2, SortOrder="Ascending")
    assert [e["ScheduledTime"] for e in page["MonitoringExecutionSummaries"]] == [T0 + HOUR, T0 + 2 * HOUR]
    rest = sm.list_monitoring_executions(MonitoringScheduleName="hourly", MaxResults=2, SortOrder="Ascending", NextToken=page["NextToken"])
    assert [e["ScheduledTime"] for e in rest["MonitoringExecutionSummaries"]] == [T0 + 3 * HOUR]
    assert "NextToken" not in rest
    failed = sm.list_monitoring_executions(StatusEquals="Failed")["MonitoringExecutionSummaries"]
    assert [e["ScheduledTime"] for e in failed] == [T0 + 3 * HOUR, T0 + 2 * HOUR]  # the hours without traffic
    summaries = sm.list_monitoring_schedules(EndpointName=ENDPOINT)["MonitoringScheduleSummaries"]
    assert [(s["MonitoringScheduleName"], s["MonitoringJobDefinitionName"]) for s in summaries] == [("hourly", "dq")]


def test_batch_transform_input_reads_the_files_its_manifests_list(aws, fake_job):
    s3 = aws.client("s3")
    s3.put_object(Bucket=BUCKET, Key="transform/in/batch-1.csv", Body=b"1,2\n3,4\n")
    manifest = json.dumps([{"prefix": f"s3://{BUCKET}/transform/in/"}, "batch-1.csv"])
    s3.put_object(Bucket=BUCKET, Key="batch-capture/input/2024/05/01/12/m.jsonl", Body=manifest.encode())
    definition = job_definition("DataQuality", "batch", DataQualityJobInput={"BatchTransformInput": {
        "DataCapturedDestinationS3Uri": f"s3://{BUCKET}/batch-capture", "LocalPath": "/opt/ml/processing/input/batch_transform",
        "DatasetFormat": {"Csv": {"Header": False}}}})  # fmt: skip
    aws.client("sagemaker").create_data_quality_job_definition(**definition)
    _schedule(aws, "batch-hourly", definition="batch")
    (summary,) = aws.advance(hours=1, minutes=30)
    assert summary["MonitoringExecutionStatus"] == "Completed" and "EndpointName" not in summary
    (call,) = fake_job.calls
    assert call["staged"][-1] == "opt/ml/processing/input/batch_transform/batch-1.csv"
    assert json.loads(call["env"]["dataset_format"]) == {"csv": {"header": False}}
    assert "sagemaker_endpoint_name" not in call["env"]
    job = aws.client("sagemaker").describe_processing_job(ProcessingJobName=summary["ProcessingJobArn"].rsplit("/", 1)[-1])
    assert job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == f"s3://{BUCKET}/reports/batch-hourly/2024/05/01/13"


def test_the_sdk_sees_the_schedule_and_skips_executions_without_a_job(endpoint, credit):
    from sagemaker.core.model_monitor import DefaultModelMonitor

    aws = endpoint
    _schedule(aws)
    aws.advance(hours=1, minutes=30)  # no traffic: Failed, no processing job
    _traffic(aws, credit)
    aws.advance(hours=1)
    monitor = DefaultModelMonitor.attach("hourly", sagemaker_session=aws.session)
    assert monitor.describe_schedule()["MonitoringScheduleStatus"] == "Scheduled"
    executions = monitor.list_executions()
    assert len(executions) == 1 and executions[0].describe()["ProcessingJobStatus"] == "Completed"
    assert CAPTURE.endswith("data-capture")


def test_a_refused_schedule_is_a_client_error_not_a_traceback(endpoint):
    with pytest.raises(ClientError, match=r"ValidationException.*Invalid ScheduleExpression 'cron\(0 12 \? \* MON \*\)'"):
        _schedule(endpoint, "weekly", "cron(0 12 ? * MON *)")
