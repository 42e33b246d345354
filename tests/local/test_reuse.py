"""What the local SageMaker keeps between calls for speed never hides a change.

The analyzer parses a baseline file once per content (``labkit.analyzer.model_monitor._parsed``)
and every block reads botocore's service models through one loader per process
(``labkit.local.sandbox._boto_session``): a baseline uploaded again to the same key is read
anew, and a block opened after another is built as the first was.
"""

from __future__ import annotations

import json

import pytest

import labkit.local
from labkit import data_quality, scenarios

from .conftest import BUCKET, ENDPOINT, deploy, job_definition

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")


def _baseline_files(credit, model, *, income_factor: float = 1.0, threshold: float | None = None) -> dict[str, bytes]:
    """statistics.json and constraints.json of the credit baseline, score first as captured."""
    features = list(credit.features)
    table = credit.baseline[features].copy()
    table.insert(0, "score", model.predict_proba(table)[:, 1])
    table["income"] = table["income"] * income_factor
    baseline = data_quality.suggest_baseline(table)
    statistics = baseline.statistics.to_dict()
    constraints = baseline.constraints.to_dict()
    if threshold is not None:
        constraints["monitoring_config"]["distribution_constraints"]["comparison_threshold"] = threshold
    return {name: json.dumps(body).encode() for name, body in
            (("statistics.json", statistics), ("constraints.json", constraints))}  # fmt: skip


def _upload(aws, files: dict[str, bytes]) -> None:
    for name, body in files.items():
        aws.client("s3").put_object(Bucket=BUCKET, Key=f"baseline/{name}", Body=body)


def _violations(aws, started: list[dict]) -> set[tuple[str, str]]:
    (execution,) = started
    key = execution["ProcessingJobArn"]  # the report folder holds constraint_violations.json
    job = aws.client("sagemaker").describe_processing_job(ProcessingJobName=key.rsplit("/", 1)[-1])
    uri = job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    body = aws.client("s3").get_object(Bucket=BUCKET, Key=uri.split("/", 3)[3] + "/constraint_violations.json")["Body"]
    return {(v["feature_name"], v["constraint_check_type"]) for v in json.loads(body.read())["violations"]}


def test_a_baseline_uploaded_again_to_the_same_key_is_read_anew(credit, credit_model):
    features = list(credit.features)
    with labkit.local.sagemaker() as aws:
        aws.client("s3").create_bucket(Bucket=BUCKET)
        deploy(aws, credit_model)
        _upload(aws, _baseline_files(credit, credit_model))
        sm = aws.client("sagemaker")
        baseline_config = {"StatisticsResource": {"S3Uri": f"s3://{BUCKET}/baseline/statistics.json"},
                           "ConstraintsResource": {"S3Uri": f"s3://{BUCKET}/baseline/constraints.json"}}  # fmt: skip
        sm.create_data_quality_job_definition(**job_definition("DataQuality", "dq", DataQualityBaselineConfig=baseline_config))
        sm.create_monitoring_schedule(MonitoringScheduleName="hourly", MonitoringScheduleConfig={
            "MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality",
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}})  # fmt: skip

        def hour(seed: int) -> set[tuple[str, str]]:
            window = scenarios.draw_window("credit", 300, seed=seed)[features]
            aws.record_traffic(ENDPOINT, window, credit_model.predict_proba(window)[:, 1])
            return _violations(aws, aws.advance(hours=1, minutes=30 if seed == 1 else 0))

        first = hour(1)
        assert ("income", "baseline_drift_check") not in first
        _upload(aws, _baseline_files(credit, credit_model, income_factor=3.0))  # same keys, new statistics
        second = hour(2)
        assert ("income", "baseline_drift_check") in second
        _upload(aws, _baseline_files(credit, credit_model, income_factor=3.0, threshold=1.0))  # new constraints only
        third = hour(3)
        assert not {check for _, check in third} & {"baseline_drift_check"}


def test_every_block_reads_the_service_models_through_one_loader_with_its_paths_once():
    from labkit.local.sandbox import _shared_loader

    for _ in range(2):
        with labkit.local.sagemaker() as aws:
            assert aws.client("s3").list_buckets()["Buckets"] == []
            assert aws.session.boto_session._session.get_component("data_loader") is _shared_loader()
    paths = _shared_loader().search_paths
    assert len(paths) == len(set(paths)) and any(p.endswith("boto3/data") or p.endswith("boto3\\data") for p in paths)
