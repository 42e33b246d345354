"""Model-quality jobs: the baselining job, and an execution's two jobs (ground-truth merge, analysis).

Environments as the SDK sets them for ``ModelQualityMonitor.suggest_baseline`` and as the
service set them for a real execution's merge and analysis jobs (2021 requests, see
``labkit.analyzer.contract``); report files compared byte for byte with ``labkit model-quality``.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import capture, ground_truth
from labkit.analyzer import contract as c
from labkit.cli import main
from labkit.jsonfiles import read_json

from .conftest import END, MERGER_IMAGE, MODEL_MONITOR_IMAGE, START, iso, run_analyzer

COLUMNS = ["--label", "label", "--prediction", "prediction", "--probability", "probability"]


def scored(n: int, seed: int, *, flip: float) -> pd.DataFrame:
    """Labels, scores and predicted classes; ``flip`` of the predictions are wrong on purpose."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    probability = np.clip(
        np.where(label == 1, rng.normal(0.75, 0.15, n), rng.normal(0.25, 0.15, n)), 0, 1
    ).round(4)
    prediction = (probability > 0.5).astype(int)
    wrong = rng.random(n) < flip
    prediction[wrong] = 1 - prediction[wrong]
    return pd.DataFrame({"label": label, "prediction": prediction, "probability": probability})


@pytest.fixture(scope="module")
def baseline_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mq") / "validation.csv"
    scored(400, 0, flip=0.0).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cli_baseline(baseline_csv, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mq-cli") / "baseline"
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(baseline_csv),
        "--problem-type",
        "BinaryClassification",
        *COLUMNS,
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    return out


def test_baselining_job_writes_the_cli_twins_files(tmp_path, baseline_csv, cli_baseline):
    root = tmp_path / "root"
    staged = c.container_path(root, c.BASELINE_DATASET_INPUT) / "validation.csv"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(baseline_csv.read_bytes())
    env = {  # ModelQualityMonitor.suggest_baseline [C SDK; a 2021 baselining request]
        c.ANALYSIS_TYPE: "MODEL_QUALITY",
        c.DATASET_FORMAT: json.dumps({"csv": {"header": True, "output_columns_position": "START"}}),
        c.DATASET_SOURCE: str(c.BASELINE_DATASET_INPUT),
        c.GROUND_TRUTH_ATTRIBUTE: "label",
        c.INFERENCE_ATTRIBUTE: "prediction",
        c.PROBABILITY_ATTRIBUTE: "probability",
        c.PROBABILITY_THRESHOLD_ATTRIBUTE: "0.5",
        c.PROBLEM_TYPE: "BinaryClassification",
        c.OUTPUT_PATH: str(c.MONITORING_OUTPUT),
        c.PUBLISH_CLOUDWATCH_METRICS: c.DISABLED,
    }

    run = run_analyzer(root, env, image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr
    assert run.message() == "Completed: Job completed successfully with no violations."
    for name in (c.STATISTICS_FILE, c.CONSTRAINTS_FILE):
        assert (
            run.path(c.MONITORING_OUTPUT / name).read_bytes() == (cli_baseline / name).read_bytes()
        ), name


def stage_execution_inputs(
    root: Path, window: pd.DataFrame, *, labelled_fraction: float = 1.0
) -> None:
    """The merge job's inputs: one captured hour (output "class,score") and labels collected later."""
    times = [START + timedelta(seconds=3600 * i // len(window)) for i in range(len(window))]
    records = capture.capture_requests(
        pd.DataFrame({"x": np.arange(len(window))}),
        window[["prediction", "probability"]].to_numpy().tolist(),
        times=times, inference_ids=[f"order-{i}" for i in range(len(window))], sampling_percentage=100, seed=0,
    )  # fmt: skip
    capture.write_capture(records, c.container_path(root, c.MERGE_INPUT_DATA), endpoint="churn-ep")
    labels = ground_truth.label_requests(
        records, window["label"].tolist(), seed=0, collected_at=END + timedelta(hours=1),
        labelled_fraction=labelled_fraction,
    )  # fmt: skip
    ground_truth.write_ground_truth(labels, c.container_path(root, c.GROUND_TRUTH_INPUT))


def merge_environment() -> dict[str, str]:
    return {  # the merge job of a 2021 execution [C]
        c.DATASET_SOURCE: str(c.MERGE_INPUT_DATA),
        c.GROUND_TRUTH_SOURCE: str(c.GROUND_TRUTH_INPUT),
        c.OUTPUT_PATH: str(c.MERGE_OUTPUT),
    }


def analysis_environment() -> dict[str, str]:
    return {  # the analysis job of a 2021 execution [C], with this schedule's attributes
        c.ANALYSIS_TYPE: "MODEL_QUALITY",
        c.BASELINE_CONSTRAINTS: str(c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE),
        c.DATASET_FORMAT: json.dumps(
            {"sagemakerMergeJson": {"captureIndexNames": ["endpointOutput"]}}
        ),
        c.DATASET_SOURCE: str(c.MERGE_INPUT_DATA),
        c.END_TIME: iso(END),
        c.INFERENCE_ATTRIBUTE: "0",
        c.PROBABILITY_ATTRIBUTE: "1",
        c.PROBABILITY_THRESHOLD_ATTRIBUTE: "0.5",
        c.METRIC_TIME: iso(START),
        c.OUTPUT_PATH: str(c.MONITORING_OUTPUT),
        c.PROBLEM_TYPE: "BinaryClassification",
        c.PUBLISH_CLOUDWATCH_METRICS: c.ENABLED,
        c.ENDPOINT_NAME: "churn-ep",
        c.SCHEDULE_NAME: "churn-schedule",
        c.START_TIME: iso(START),
    }


@pytest.mark.parametrize(
    ("n", "seed", "flip", "violations"), [(400, 0, 0.0, False), (180, 1, 0.35, True)]
)
def test_execution_merges_ground_truth_then_checks_the_metrics(
    tmp_path, cli_baseline, n, seed, flip, violations
):
    window = scored(n, seed, flip=flip)  # the baseline's own rows meet its suggested constraints
    merge_root, analysis_root = tmp_path / "merge", tmp_path / "analysis"
    stage_execution_inputs(merge_root, window)

    merged = run_analyzer(merge_root, merge_environment(), image=MERGER_IMAGE)

    assert merged.code == 0, merged.stderr
    assert merged.message().startswith("Completed")
    out_files = sorted(
        p.relative_to(merged.path(c.MERGE_OUTPUT))
        for p in merged.path(c.MERGE_OUTPUT).rglob("*.jsonl")
    )
    assert [str(p.parent) for p in out_files] == [
        "churn-ep/AllTraffic/2024/03/01/10"
    ]  # the capture's folders kept
    first = json.loads((merged.path(c.MERGE_OUTPUT) / out_files[0]).read_text().splitlines()[0])
    assert first["groundTruthData"] == {"data": str(window["label"][0]), "encoding": "CSV"}

    # The service uploads the merge output and stages it, with the baseline, for the analysis job.
    shutil.copytree(
        merged.path(c.MERGE_OUTPUT), c.container_path(analysis_root, c.MERGE_INPUT_DATA)
    )
    staged = c.container_path(analysis_root, c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE)
    staged.parent.mkdir(parents=True)
    staged.write_bytes((cli_baseline / c.CONSTRAINTS_FILE).read_bytes())

    run = run_analyzer(analysis_root, analysis_environment(), image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr
    out = run.path(c.MONITORING_OUTPUT)
    found = read_json(out / c.VIOLATIONS_FILE)["violations"]
    assert bool(found) is violations
    if violations:
        assert (
            run.message()
            == f"CompletedWithViolations: Job completed successfully with {len(found)} violations."
        )
    else:
        assert run.message() == "Completed: Job completed successfully with no violations."

    # The CLI twin on the same merged rows writes the same bytes.
    window.to_csv(tmp_path / "merged.csv", index=False)
    argv = [
        "model-quality",
        "monitor",
        "--input",
        str(tmp_path / "merged.csv"),
        *COLUMNS,
        "--baseline",
        str(cli_baseline),
        "--output",
        str(tmp_path / "cli"),
    ]
    assert main(argv) == (1 if violations else 0)
    for name in (c.STATISTICS_FILE, c.VIOLATIONS_FILE):
        assert (out / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name

    entries = [
        json.loads(x)
        for x in (run.path(c.CLOUDWATCH_METRICS_DIR) / c.CLOUDWATCH_METRICS_FILE)
        .read_text()
        .splitlines()
    ]
    recall = next(e for e in entries if e["MetricName"] == "recall")
    assert (
        recall["Value"]
        == read_json(out / c.STATISTICS_FILE)["binary_classification_metrics"]["recall"]["value"]
    )
    assert recall["Timestamp"] == iso(START)  # metric_time, as the service sets it
    assert "in aws/sagemaker/Endpoints/model-metrics" in run.stdout


def test_merge_without_labels_fails_with_no_data(tmp_path):
    root = tmp_path / "root"
    stage_execution_inputs(root, scored(10, 2, flip=0.0))
    shutil.rmtree(c.container_path(root, c.GROUND_TRUTH_INPUT))

    run = run_analyzer(root, merge_environment(), image=MERGER_IMAGE)

    assert run.code == 2
    assert run.message() == c.NO_DATA_REASON
    assert f"FailureReason: {c.NO_DATA_REASON}" in run.stderr


def test_analysis_refuses_a_baseline_of_another_problem_type(tmp_path, cli_baseline):
    root = tmp_path / "root"
    stage_execution_inputs(root, scored(10, 2, flip=0.0))
    staged = c.container_path(root, c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE)
    staged.parent.mkdir(parents=True)
    staged.write_bytes((cli_baseline / c.CONSTRAINTS_FILE).read_bytes())
    env = analysis_environment() | {
        c.PROBLEM_TYPE: "Regression",
        c.DATASET_FORMAT: json.dumps({"sagemakerCaptureJson": {}}),
    }

    run = run_analyzer(root, env, image=MODEL_MONITOR_IMAGE)

    assert run.code == 2
    assert (
        run.message()
        == "Failed: problem_type is Regression but the baseline constraints are for BinaryClassification"
    )


def test_merge_keeps_only_the_labelled_captures(tmp_path):
    root = tmp_path / "root"
    stage_execution_inputs(root, scored(200, 3, flip=0.0), labelled_fraction=0.5)
    labels = [
        json.loads(line)
        for path in c.container_path(root, c.GROUND_TRUTH_INPUT).rglob("*.jsonl")
        for line in path.read_text().splitlines()
    ]

    run = run_analyzer(root, merge_environment(), image=MERGER_IMAGE)

    assert run.code == 0, run.stderr
    merged = [
        json.loads(line)
        for path in run.path(c.MERGE_OUTPUT).rglob("*.jsonl")
        for line in path.read_text().splitlines()
    ]
    assert 60 < len(labels) < 140 and len(merged) == len(labels)
    by_id = {label["eventMetadata"]["eventId"]: label["groundTruthData"] for label in labels}
    assert all(by_id[m["eventMetadata"]["inferenceId"]] == m["groundTruthData"] for m in merged)
    assert f"merged {len(labels)} of 200 captured record(s)" in run.stdout
