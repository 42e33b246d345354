"""Notebook 06 on labkit.local with other names, another Region, another feature and drift level:
the report it downloads from the local S3, the alarm it shows and the quiz it leaves open follow the
parameters. A run that opts in with the placeholder bucket and role still set must stop before any
client exists (every AWS endpoint points at a closed loopback port in case it did not).

Its Going deeper notebook builds the same worked example as requests: they validate and carry the
parameters.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from labkit import aws
from labkit.aws import requests as api

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "06_on_sagemaker.ipynb"
DEEPER = NOTEBOOKS / "deeper" / "06_requests_and_retraining.ipynb"
PARAMETERS = {"endpoint_name": "fraud-scoring", "bucket": "drift-lab-workshop", "region": "eu-west-1",
              "role_arn": "arn:aws:iam::444455556666:role/MonitorRole", "use_widgets": False, "seed": 2}  # fmt: skip


def _run(path: Path, tmp_path: Path, name: str, **parameters) -> tuple[Path, object]:
    """Execute ``path``; returns its output_dir and the executed notebook."""
    output_dir, executed = tmp_path / name, tmp_path / f"{path.stem}_{name}.ipynb"
    pm.execute_notebook(
        str(path), str(executed), parameters={**PARAMETERS, "output_dir": str(output_dir), **parameters},
        kernel_name="python3", cwd=str(path.parent), progress_bar=False,
    )  # fmt: skip
    return output_dir, nbformat.read(executed, as_version=4)


@pytest.fixture(scope="module")
def strong(tmp_path_factory) -> tuple[Path, object]:
    assert os.environ.get(aws.USE_AWS_ENV) != "1", "run the notebook tests without LABKIT_USE_AWS=1"
    return _run(NOTEBOOK, tmp_path_factory.mktemp("papermill_06"), "strong", drift_feature="debt_to_income",
                mean_shift_sd=3.0, requests_sent=150)  # fmt: skip


def _drift_features(output_dir: Path) -> set[str]:
    report = json.loads((output_dir / "report" / "constraint_violations.json").read_text())
    return {v["feature_name"] for v in report["violations"] if v["constraint_check_type"] == "baseline_drift_check"}


def test_the_execution_reads_every_captured_request_and_finds_the_drift_asked_for(strong, shown):
    output_dir, shown = strong[0], shown(strong[1])
    statistics = json.loads((output_dir / "report" / "statistics.json").read_text())
    assert statistics["dataset"]["item_count"] == 150  # 100 % capture: every request sent
    assert "debt_to_income" in _drift_features(output_dir)
    assert "s3://drift-lab-workshop/model-monitor/reports/fraud-scoring/fraud-scoring-data-quality/2024/05/01/13" in shown
    assert "CompletedWithViolations" in shown


def test_the_alarm_watches_the_parameters_feature_and_goes_to_alarm(strong, shown):
    shown = shown(strong[1])
    assert "'Name': 'Feature', 'Value': 'debt_to_income'" in shown
    assert "→ INSUFFICIENT_DATA" in shown  # a new alarm, before its first evaluation
    assert "Alarm updated from INSUFFICIENT_DATA to ALARM" in shown


def test_cleanup_leaves_nothing_running_and_the_quiz_open(strong, shown, unanswered):
    assert "{'schedules': [], 'alarms': [], 'endpoint runs': 'fraud-scoring-config'}" in shown(strong[1])
    assert "Q3. An hourly data-quality schedule publishes CloudWatch metrics." in shown(strong[1])
    unanswered(strong[1])


def test_without_drift_the_alarm_follows_the_report(tmp_path, shown):
    output_dir, executed = _run(NOTEBOOK, tmp_path, "none", mean_shift_sd=0.0)
    shown = shown(executed)
    fired = "income" in _drift_features(output_dir)
    assert ("Alarm updated from INSUFFICIENT_DATA to ALARM" in shown) == fired
    assert ("Alarm updated from INSUFFICIENT_DATA to OK" in shown) == (not fired)


def test_opting_in_with_placeholders_stops_before_any_client(tmp_path, monkeypatch):
    monkeypatch.setenv(aws.USE_AWS_ENV, "1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a closed port, should anything slip through
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(pm.PapermillExecutionError, match="are placeholders"):
        _run(NOTEBOOK, tmp_path, "live", bucket="amzn-s3-demo-bucket")


@pytest.fixture(scope="module")
def deeper(tmp_path_factory) -> Path:
    return _run(DEEPER, tmp_path_factory.mktemp("papermill_06_deeper"), "deeper", mean_shift_sd=3.0)[0]


def test_the_deeper_request_files_validate_and_carry_the_parameters(deeper):
    requests = aws.read_requests(deeper / "requests")
    assert [r.operation for r in requests][:6] == [
        "PutObject", "PutObject", "CreateEndpointConfig", "UpdateEndpoint",
        "CreateDataQualityJobDefinition", "CreateMonitoringSchedule",
    ]  # fmt: skip
    aws.validate_all(requests)
    by_operation = {r.operation: r.params for r in reversed(requests)}  # the first of each operation wins
    job = by_operation["CreateDataQualityJobDefinition"]
    assert job["DataQualityAppSpecification"]["ImageUri"] == api.model_monitor_image_uri("eu-west-1")
    assert job["RoleArn"] == PARAMETERS["role_arn"]
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == "fraud-scoring"
    assert job["DataQualityBaselineConfig"]["StatisticsResource"]["S3Uri"] == (
        "s3://drift-lab-workshop/model-monitor/baseline/fraud-scoring/statistics.json")  # fmt: skip
    capture = by_operation["CreateEndpointConfig"]["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == "s3://drift-lab-workshop/model-monitor/data-capture"
    assert capture["InitialSamplingPercentage"] == 100
    schedule = by_operation["CreateMonitoringSchedule"]
    assert schedule["MonitoringScheduleName"] == "fraud-scoring-data-quality"
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"] == {"ScheduleExpression": "cron(0 * ? * * *)"}
    statistics = json.loads((deeper / "baseline" / "statistics.json").read_text())
    assert statistics["dataset"]["item_count"] > 0  # the uploaded baseline is the file the notebook wrote


def test_the_deeper_retraining_wiring_names_the_endpoints_alarm(deeper):
    alarm, rule, target, *_ = aws.read_requests(deeper / "requests-retraining")
    aws.validate_all([alarm, rule, target])
    assert alarm.params["AlarmName"] == "fraud-scoring-income-drift"
    assert {"Name": "Endpoint", "Value": "fraud-scoring"} in alarm.params["Dimensions"]
    assert json.loads(rule.params["EventPattern"])["detail"]["alarmName"] == ["fraud-scoring-income-drift"]
    assert target.params["Targets"][0]["Arn"] == "arn:aws:sagemaker:eu-west-1:444455556666:pipeline/fraud-scoring-retrain"
