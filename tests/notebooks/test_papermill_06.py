"""Notebook 06 with other names, another Region and two drift levels: the request files it writes
validate and carry the parameters; the twin's hour and report follow the drift asked for.

A third run opts in with the placeholder bucket and role still set: it must stop before any
client exists (every AWS endpoint points at a closed loopback port in case it did not).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import papermill as pm
import pytest

from labkit import aws
from labkit.aws import requests as api

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_on_sagemaker.ipynb"
PARAMETERS = {"endpoint_name": "fraud-scoring", "bucket": "drift-lab-workshop", "region": "eu-west-1",
              "role_arn": "arn:aws:iam::444455556666:role/MonitorRole", "use_widgets": False, "seed": 2}  # fmt: skip


def _run(tmp_path: Path, name: str, **parameters) -> Path:
    output_dir = tmp_path / name
    pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / f"06_{name}.ipynb"),
        parameters={**PARAMETERS, "output_dir": str(output_dir), **parameters},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    return output_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    assert os.environ.get(aws.USE_AWS_ENV) != "1", "run the notebook tests without LABKIT_USE_AWS=1"
    tmp_path = tmp_path_factory.mktemp("papermill_06")
    return {
        "none": _run(tmp_path, "none", mean_shift_sd=0.0),
        "strong": _run(tmp_path, "strong", mean_shift_sd=3.0),
    }


def test_the_request_files_validate_and_carry_the_parameters(runs):
    requests = aws.read_requests(runs["none"] / "requests")
    assert [r.operation for r in requests][:6] == [
        "PutObject", "PutObject", "CreateEndpointConfig", "UpdateEndpoint",
        "CreateDataQualityJobDefinition", "CreateMonitoringSchedule",
    ]  # fmt: skip
    aws.validate_all(requests)
    by_operation = {
        r.operation: r.params for r in reversed(requests)
    }  # the first of each operation wins
    job = by_operation["CreateDataQualityJobDefinition"]
    assert job["DataQualityAppSpecification"]["ImageUri"] == api.model_monitor_image_uri(
        "eu-west-1"
    )
    assert job["RoleArn"] == PARAMETERS["role_arn"]
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == "fraud-scoring"
    assert job["DataQualityBaselineConfig"]["StatisticsResource"]["S3Uri"] == (
        "s3://drift-lab-workshop/model-monitor/baseline/fraud-scoring/statistics.json"
    )
    capture = by_operation["CreateEndpointConfig"]["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == "s3://drift-lab-workshop/model-monitor/data-capture"
    assert capture["InitialSamplingPercentage"] == 100
    schedule = by_operation["CreateMonitoringSchedule"]
    assert schedule["MonitoringScheduleName"] == "fraud-scoring-data-quality"
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"] == {
        "ScheduleExpression": "cron(0 * ? * * *)"
    }
    # the uploaded baseline is the file the notebook wrote
    statistics = json.loads((runs["none"] / "baseline" / "statistics.json").read_text())
    assert statistics["dataset"]["item_count"] > 0


def test_the_retraining_wiring_names_the_endpoints_alarm(runs):
    alarm, rule, target, *_ = aws.read_requests(runs["none"] / "requests-retraining")
    aws.validate_all([alarm, rule, target])
    assert alarm.params["AlarmName"] == "fraud-scoring-income-drift"
    assert {"Name": "Endpoint", "Value": "fraud-scoring"} in alarm.params["Dimensions"]
    assert json.loads(rule.params["EventPattern"])["detail"]["alarmName"] == [
        "fraud-scoring-income-drift"
    ]
    assert (
        target.params["Targets"][0]["Arn"]
        == "arn:aws:sagemaker:eu-west-1:444455556666:pipeline/fraud-scoring-retrain"
    )


def test_the_twins_hour_follows_the_capture_layout_and_the_drift(runs):
    for output_dir in runs.values():
        (file,) = sorted((output_dir / "capture").rglob("*.jsonl"))
        assert (
            file.parent.relative_to(output_dir / "capture").as_posix()
            == "fraud-scoring/AllTraffic/2024/05/01/13"
        )
        assert len(file.read_text(encoding="utf-8").splitlines()) == 600  # 100 % sampling

    def drift_features(run):
        report = json.loads((runs[run] / "monitoring" / "constraint_violations.json").read_text())
        return {
            v["feature_name"]
            for v in report["violations"]
            if v["constraint_check_type"] == "baseline_drift_check"
        }

    assert drift_features("none") == set()
    assert drift_features("strong") == {"income"}


def test_opting_in_with_placeholders_stops_before_any_client(tmp_path, monkeypatch):
    monkeypatch.setenv(aws.USE_AWS_ENV, "1")
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL", "http://127.0.0.1:9"
    )  # a closed port, should anything slip through
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(pm.PapermillExecutionError, match="are placeholders"):
        _run(tmp_path, "live", bucket="amzn-s3-demo-bucket")
