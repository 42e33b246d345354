"""Processing jobs: S3 inputs staged under the container's paths, outputs uploaded, status recorded."""

from __future__ import annotations

import pytest

from labkit.analyzer.contract import JobOutcome

from .conftest import BUCKET, ROLE, deploy, metric, s3_keys

IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"


def _job(aws, name: str = "job-1", *, inputs: dict[str, str] | None = None, env: dict[str, str] | None = None,
         image: str = IMAGE) -> dict:  # fmt: skip
    items = [{"InputName": n, "S3Input": {"S3Uri": uri, "LocalPath": f"/opt/ml/processing/input/{n}", "S3DataType": "S3Prefix",
              "S3InputMode": "File"}} for n, uri in (inputs or {}).items()]  # fmt: skip
    sm = aws.client("sagemaker")
    sm.create_processing_job(
        ProcessingJobName=name, RoleArn=ROLE, AppSpecification={"ImageUri": image}, Environment=env or {},
        ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}},
        ProcessingInputs=items,
        ProcessingOutputConfig={"Outputs": [{"OutputName": "out", "S3Output": {
            "S3Uri": f"s3://{BUCKET}/out/{name}", "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}]},
    )  # fmt: skip
    return sm.describe_processing_job(ProcessingJobName=name)


def test_inputs_are_staged_and_outputs_uploaded(aws, fake_job):
    s3 = aws.client("s3")
    s3.put_object(Bucket=BUCKET, Key="data/train.csv", Body=b"a\n1\n")
    s3.put_object(Bucket=BUCKET, Key="capture/ep/AllTraffic/2024/05/01/11/x.jsonl", Body=b"{}\n")
    job = _job(aws, inputs={"data": f"s3://{BUCKET}/data/train.csv", "capture": f"s3://{BUCKET}/capture/ep/"},
               env={"output_path": "/opt/ml/processing/output"})  # fmt: skip
    assert job["ProcessingJobStatus"] == "Completed"
    assert job["ExitMessage"] == "Completed: Job completed successfully with no violations."
    assert job["Environment"] == {"output_path": "/opt/ml/processing/output"}
    (call,) = fake_job.calls
    assert call["image"] == IMAGE
    assert call["staged"] == ["opt/ml/processing/input/capture/AllTraffic/2024/05/01/11/x.jsonl",
                              "opt/ml/processing/input/data/train.csv"]  # fmt: skip
    assert s3_keys(aws, "out/job-1/") == ["out/job-1/constraints.json", "out/job-1/statistics.json"]
    assert job["CreationTime"] == job["ProcessingEndTime"] == aws.now  # a job takes no simulated time


def test_an_input_prefix_without_objects_fails_the_job_as_the_service_does(aws, fake_job):
    job = _job(aws, inputs={"data": f"s3://{BUCKET}/nothing/here.csv"})
    assert job["ProcessingJobStatus"] == "Failed"
    assert job["FailureReason"] == (
        f'ClientError: No S3 objects found under S3 URL "s3://{BUCKET}/nothing/here.csv" given in input data source. '
        "Please ensure that the bucket exists in the selected region (us-east-1), that objects exist under that "
        f'S3 prefix, and that the role has "s3:ListBucket" permissions on bucket "{BUCKET}"'
    )
    assert fake_job.calls == []


def test_metrics_are_published_only_when_the_job_asks(aws, fake_job):
    fake_job.outcome = JobOutcome("Completed", "Completed: ok", None, (metric("feature_baseline_drift_income", 0.4, Endpoint="e", MonitoringSchedule="s", Feature="income"),))
    _job(aws, "quiet", env={"publish_cloudwatch_metrics": "Disabled"})
    cloudwatch = aws.client("cloudwatch")
    namespace = "aws/sagemaker/Endpoints/data-metrics"
    assert cloudwatch.list_metrics(Namespace=namespace)["Metrics"] == []
    _job(aws, "loud", env={"publish_cloudwatch_metrics": "Enabled"})
    (published,) = cloudwatch.list_metrics(Namespace=namespace)["Metrics"]
    assert published["Namespace"] == "aws/sagemaker/Endpoints/data-metrics"
    assert published["MetricName"] == "feature_baseline_drift_income"


def test_a_failed_container_is_a_failed_job_with_its_message(aws, fake_job):
    fake_job.outcome = JobOutcome("Failed", "Failed: no such column", "AlgorithmError: no such column", ())
    job = _job(aws)
    assert (job["ProcessingJobStatus"], job["ExitMessage"], job["FailureReason"]) == (
        "Failed", "Failed: no such column", "AlgorithmError: no such column")
    assert s3_keys(aws, "out/") == []  # nothing uploaded for a failed job


def test_a_fault_in_the_kit_is_a_failed_job_not_a_traceback(aws, fake_job):
    def crash(*args, **kwargs):
        print("reading the data")
        raise KeyError("unexpected")

    aws.processing.run_job = crash
    job = _job(aws, "crashing")
    assert job["ProcessingJobStatus"] == "Failed"
    assert job["FailureReason"] == "InternalServerError: We encountered an internal error. Please try again."
    events = aws.client("logs").filter_log_events(logGroupName="/aws/sagemaker/ProcessingJobs")["events"]
    messages = [e["message"] for e in events]
    assert "reading the data" in messages and any("KeyError: 'unexpected'" in m for m in messages)


def test_clarify_jobs_call_the_predictor_of_the_model_their_config_names(aws, fake_job, credit_model):
    s3 = aws.client("s3")
    s3.put_object(Bucket=BUCKET, Key="cfg/analysis_config.json", Body=b'{"predictor": {"model_name": "credit-model"}}')
    deploy(aws, credit_model, capture=False)
    _job(aws, "clarify", inputs={"config": f"s3://{BUCKET}/cfg/analysis_config.json"})
    assert fake_job.calls[-1]["predictor"] is aws.models.predictor("credit-model")
    s3.put_object(Bucket=BUCKET, Key="cfg2/analysis_config.json", Body=b'{"predictor": {"model_name": "missing"}}')
    job = _job(aws, "clarify-2", inputs={"config": f"s3://{BUCKET}/cfg2/analysis_config.json"})
    assert job["FailureReason"] == 'ClientError: Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/missing".'


def test_a_job_name_is_used_once(aws):
    _job(aws)
    sm = aws.client("sagemaker")
    with pytest.raises(sm.exceptions.ResourceInUse):
        _job(aws)
    assert [j["ProcessingJobName"] for j in sm.list_processing_jobs()["ProcessingJobSummaries"]] == ["job-1"]
