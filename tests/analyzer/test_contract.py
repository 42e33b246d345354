"""labkit.analyzer.contract and .job: images, paths, messages, statuses, metrics read back (in-process)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from labkit.analyzer import JobOutcome, job, run_job
from labkit.analyzer import contract as c
from labkit.errors import LabkitInputError

from .conftest import CLARIFY_IMAGE, KIT_IMAGE, MERGER_IMAGE, MODEL_MONITOR_IMAGE, features


@pytest.mark.parametrize(
    ("image", "kind"),
    [
        (MODEL_MONITOR_IMAGE, "model-monitor"),
        (
            "159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer",
            "model-monitor",
        ),
        (MERGER_IMAGE, "merge"),
        (CLARIFY_IMAGE, "clarify"),
        (CLARIFY_IMAGE.replace(":1.0", "@sha256:abc"), "clarify"),
    ],
)
def test_aws_images_are_recognised_by_repository(tmp_path, image, kind):
    assert job.job_kind(image, {}, tmp_path) == kind


def test_the_kits_own_image_takes_its_kind_from_the_inputs(tmp_path):
    assert job.job_kind(KIT_IMAGE, {}, tmp_path) == "model-monitor"
    assert (
        job.job_kind(KIT_IMAGE, {c.GROUND_TRUTH_SOURCE: "/opt/ml/processing/groundtruth"}, tmp_path)
        == "merge"
    )
    config = c.container_path(tmp_path, c.CLARIFY_CONFIG_INPUT / c.ANALYSIS_CONFIG_FILE)
    config.parent.mkdir(parents=True)
    config.write_text("{}")
    assert job.job_kind(KIT_IMAGE, {}, tmp_path) == "clarify"


def test_container_paths_stay_under_the_root(tmp_path):
    assert (
        c.container_path(tmp_path, "/opt/ml/processing/output")
        == tmp_path / "opt" / "ml" / "processing" / "output"
    )
    for bad in ("opt/ml/processing", "/opt/ml/../../etc"):
        with pytest.raises(c.JobFailure):
            c.container_path(tmp_path, bad)


def test_messages_and_statuses():
    assert c.model_monitor_message(0) == "Completed: Job completed successfully with no violations."
    assert (
        c.model_monitor_message(60)
        == "CompletedWithViolations: Job completed successfully with 60 violations."
    )
    assert c.clarify_message(0) == "Completed: SageMaker XAI Analyzer ran successfully"
    assert c.status_of(c.model_monitor_message(60), 0) == "CompletedWithViolations"
    assert c.status_of(c.model_monitor_message(0), 0) == "Completed"
    assert c.status_of("anything", 2) == "Failed"
    assert c.failure_texts(c.NO_DATA_REASON) == (c.NO_DATA_REASON, c.NO_DATA_REASON)
    assert c.failure_texts("x is wrong") == ("Failed: x is wrong", "AlgorithmError: x is wrong")
    assert c.EXIT_CODES == {"Completed": 0, "CompletedWithViolations": 0, "Failed": 2}


def test_container_arguments_fail_the_job(tmp_path):
    outcome = run_job(KIT_IMAGE, {}, root=tmp_path, container_arguments=["--mode", "fast"])
    assert outcome == JobOutcome(
        "Failed", "Failed: the analyzer takes no container arguments, got --mode fast",
        "AlgorithmError: the analyzer takes no container arguments, got --mode fast", (),
    )  # fmt: skip
    assert outcome.exit_code == 2
    assert c.container_path(tmp_path, c.MESSAGE_FILE).read_text() == outcome.exit_message


def test_run_job_in_process_returns_the_outcome_and_leaves_the_environment_alone(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(c.DATASET_SOURCE, raising=False)
    staged = c.container_path(tmp_path, c.BASELINE_DATASET_INPUT) / "train.csv"
    staged.parent.mkdir(parents=True)
    features(50, 0).to_csv(staged, index=False)
    env = {
        c.DATASET_FORMAT: json.dumps({"csv": {"header": True}}),
        c.DATASET_SOURCE: str(c.BASELINE_DATASET_INPUT),
        c.OUTPUT_PATH: str(c.MONITORING_OUTPUT),
    }
    outcome = run_job(MODEL_MONITOR_IMAGE, env, root=tmp_path)
    assert (outcome.status, outcome.failure_reason, outcome.metrics) == ("Completed", None, ())
    assert (c.container_path(tmp_path, c.MONITORING_OUTPUT) / c.STATISTICS_FILE).is_file()
    assert c.DATASET_SOURCE not in os.environ


def test_exit_message_keeps_the_first_kilobyte(tmp_path):
    outcome = run_job(KIT_IMAGE, {}, root=tmp_path, container_arguments=["é" * 2000])
    assert len(outcome.exit_message.encode("utf-8")) <= c.EXIT_MESSAGE_MAX_BYTES
    assert outcome.exit_message.startswith("Failed: the analyzer takes no container arguments")


def write_metrics(root: Path, lines: list[str]) -> None:
    directory = c.container_path(root, c.CLOUDWATCH_METRICS_DIR)
    directory.mkdir(parents=True)
    (directory / c.CLOUDWATCH_METRICS_FILE).write_text("".join(line + "\n" for line in lines))


def test_metrics_are_read_back_with_the_services_namespace(tmp_path):
    entry = {"MetricName": "feature_non_null_age", "Timestamp": "2024-03-01T11:00:00Z",
             "Dimensions": [{"Name": "MonitoringSchedule", "Value": "s"}], "Value": 1.0, "Unit": "None"}  # fmt: skip
    write_metrics(tmp_path, [json.dumps(entry), ""])
    (datum,) = job.read_metrics(tmp_path, "DataQuality", batch=True)
    assert datum.namespace == "aws/sagemaker/ModelMonitoring/data-metrics"
    assert datum.timestamp == datetime(2024, 3, 1, 11, tzinfo=UTC)
    assert datum.to_dict() == entry
    assert job.read_metrics(tmp_path, None, batch=False) == ()


def test_a_bad_metrics_line_names_file_and_line(tmp_path):
    write_metrics(tmp_path, ['{"MetricName": "x"}'])
    with pytest.raises(
        LabkitInputError, match=r"cloudwatch_metrics.jsonl line 1: not a CloudWatch metric entry"
    ):
        job.read_metrics(tmp_path, "ModelQuality", batch=False)


def test_contract_run_job_is_the_runner():
    assert c.run_job is run_job


def test_an_unexpected_error_still_leaves_a_message(tmp_path, monkeypatch, capsys):
    def broken(kind, context):
        raise KeyError("boom")

    monkeypatch.setattr(job, "_run_kind", broken)
    outcome = run_job(KIT_IMAGE, {}, root=tmp_path)
    assert outcome.status == "Failed"
    assert outcome.exit_message == "Failed: internal error, please report it: KeyError: 'boom'"
    assert "Traceback" in capsys.readouterr().err


def test_execution_environment_has_the_services_shape():
    """The analysis job of a real model-quality execution, as its request was logged on 2021-05-06."""
    logged = {
        "analysis_type": "MODEL_QUALITY",
        "baseline_constraints": "/opt/ml/processing/baseline/constraints/constraints.json",
        "dataset_format": '{"sagemakerMergeJson":{"captureIndexNames":["endpointOutput"]}}',
        "dataset_source": "/opt/ml/processing/input_data",
        "end_time": "2021-05-06T23:00:00Z",
        "inference_attribute": "0",
        "metric_time": "2021-05-06T22:00:00Z",
        "output_path": "/opt/ml/processing/output",
        "problem_type": "Regression",
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "abalone-prod-endpoint",
        "sagemaker_monitoring_schedule_name": "abalone-monitoring-schedule-2021-05-06-2240",
        "start_time": "2021-05-06T22:00:00Z",
    }
    built = c.execution_environment(
        dataset_format={"sagemakerMergeJson": {"captureIndexNames": ["endpointOutput"]}},
        dataset_source=c.MERGE_INPUT_DATA,
        start_time=datetime(2021, 5, 6, 22, tzinfo=UTC),
        end_time=datetime(2021, 5, 6, 23, tzinfo=UTC),
        endpoint="abalone-prod-endpoint",
        schedule="abalone-monitoring-schedule-2021-05-06-2240",
        baseline_constraints=c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE,
        analysis_type=c.MODEL_QUALITY_ANALYSIS,
        problem_type="Regression",
        inference_attribute="0",
        probability_attribute=None,
    )
    assert built == logged
