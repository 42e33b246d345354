"""Data-quality jobs through the container contract: a baselining job and monitoring executions.

Each job runs ``labkit analyzer`` as a subprocess with the environment the SDK (baselining) or
the service (scheduled execution) sets, and its report files must be the bytes ``labkit
data-quality`` writes for the same data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from labkit import capture
from labkit.analyzer import contract as c
from labkit.cli import main
from labkit.jsonfiles import read_json

from .conftest import END, MODEL_MONITOR_IMAGE, START, features, iso, run_analyzer, stage_csv

CSV_FORMAT = json.dumps(
    {"csv": {"header": True, "output_columns_position": "START"}}
)  # SDK DatasetFormat.csv()
CAPTURE_FORMAT = json.dumps(
    {"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}
)


def baseline_environment() -> dict[str, str]:
    """What DefaultModelMonitor.suggest_baseline puts in the job [C SDK]."""
    return {
        c.DATASET_FORMAT: CSV_FORMAT,
        c.DATASET_SOURCE: str(c.BASELINE_DATASET_INPUT),
        c.OUTPUT_PATH: str(c.MONITORING_OUTPUT),
        c.PUBLISH_CLOUDWATCH_METRICS: c.DISABLED,
    }


def monitoring_environment(**extra: str) -> dict[str, str]:
    """What the service puts in a scheduled execution (docs "Container Contract Inputs")."""
    return {
        c.DATASET_FORMAT: CAPTURE_FORMAT,
        c.DATASET_SOURCE: str(c.ENDPOINT_INPUT),
        c.OUTPUT_PATH: "/opt/ml/processing/resultdata",
        c.PUBLISH_CLOUDWATCH_METRICS: c.ENABLED,
        c.ENDPOINT_NAME: "credit-ep",
        c.SCHEDULE_NAME: "credit-schedule",
        c.START_TIME: iso(START),
        c.END_TIME: iso(END),
        c.BASELINE_CONSTRAINTS: str(c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE),
        c.BASELINE_STATISTICS: str(c.BASELINE_STATISTICS_INPUT / c.STATISTICS_FILE),
        **extra,
    }


@pytest.fixture(scope="module")
def train(tmp_path_factory) -> Path:
    """The baseline dataset: the model's output first, as the analyzer assumes (START)."""
    path = tmp_path_factory.mktemp("train") / "train.csv"
    features(600, 4).assign(prediction=0).iloc[:, [3, 0, 1, 2]].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cli_baseline(train, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "baseline"
    assert main(["data-quality", "baseline", "--input", str(train), "--output", str(out)]) == 0
    return out


def stage_baseline(root: Path, baseline: Path) -> None:
    for name, where in (
        (c.CONSTRAINTS_FILE, c.BASELINE_CONSTRAINTS_INPUT),
        (c.STATISTICS_FILE, c.BASELINE_STATISTICS_INPUT),
    ):
        target = c.container_path(root, where) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((baseline / name).read_bytes())


def stage_capture(root: Path, *, predictions: int, n: int = 120, seed: int = 5) -> None:
    """n requests inside the window, and 30 in the next hour that the execution must leave out."""
    window = features(n + 30, seed)
    times = [START.replace(minute=i % 60, second=i // 60) for i in range(n)] + [
        END.replace(minute=i) for i in range(30)
    ]
    records = capture.capture_requests(
        window, np.full(n + 30, predictions), times=times, sampling_percentage=100, seed=0
    )
    capture.write_capture(records, c.container_path(root, c.ENDPOINT_INPUT), endpoint="credit-ep")


def test_baselining_job_writes_the_cli_twins_files(tmp_path, train, cli_baseline):
    root = tmp_path / "root"
    staged = c.container_path(root, c.BASELINE_DATASET_INPUT) / "train.csv"  # S3Prefix: a folder
    staged.parent.mkdir(parents=True)
    staged.write_bytes(train.read_bytes())

    run = run_analyzer(root, baseline_environment(), image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr
    assert run.message() == "Completed: Job completed successfully with no violations."
    out = run.path(c.MONITORING_OUTPUT)
    assert sorted(p.name for p in out.iterdir()) == [c.CONSTRAINTS_FILE, c.STATISTICS_FILE]
    for name in (c.CONSTRAINTS_FILE, c.STATISTICS_FILE):
        assert (out / name).read_bytes() == (cli_baseline / name).read_bytes(), name
    assert not run.path(c.CLOUDWATCH_METRICS_DIR).exists()  # publish_cloudwatch_metrics Disabled


@pytest.mark.parametrize(("predictions", "violations"), [(0, False), (1, True)])
def test_monitoring_execution_on_captured_data(tmp_path, cli_baseline, predictions, violations):
    root = tmp_path / "root"
    stage_baseline(root, cli_baseline)
    stage_capture(root, predictions=predictions)

    run = run_analyzer(root, monitoring_environment(), image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr  # a processing job with violations still completes
    out = run.path("/opt/ml/processing/resultdata")
    assert sorted(p.name for p in out.iterdir()) == [
        c.VIOLATIONS_FILE,
        c.CONSTRAINTS_FILE,
        c.STATISTICS_FILE,
    ]
    found = read_json(out / c.VIOLATIONS_FILE)["violations"]
    assert bool(found) is violations
    expected = (
        f"CompletedWithViolations: Job completed successfully with {len(found)} violations."
        if violations else "Completed: Job completed successfully with no violations."
    )  # fmt: skip
    assert run.message() == expected
    assert (
        read_json(out / c.STATISTICS_FILE)["dataset"]["item_count"] == 120
    )  # the next hour is left out

    # The same files as the CLI twin on the same capture folder and window.
    cli_out = tmp_path / "cli"
    argv = ["data-quality", "monitor", "--input", str(c.container_path(root, c.ENDPOINT_INPUT)), "--baseline", str(cli_baseline),
            "--output", str(cli_out), "--include-output", "--start", iso(START), "--end", iso(END),
            "--metrics-dir", str(tmp_path / "cli-metrics"), "--endpoint", "credit-ep", "--schedule", "credit-schedule"]  # fmt: skip
    assert main(argv) == (1 if violations else 0)
    for name in (c.STATISTICS_FILE, c.CONSTRAINTS_FILE, c.VIOLATIONS_FILE):
        assert (out / name).read_bytes() == (cli_out / name).read_bytes(), name

    # Metrics: JSON lines under /opt/ml/output/metrics/cloudwatch, never in the report folder.
    lines = (
        (run.path(c.CLOUDWATCH_METRICS_DIR) / c.CLOUDWATCH_METRICS_FILE).read_text().splitlines()
    )
    entries = [json.loads(line) for line in lines]
    cli_metrics = tmp_path / "cli-metrics" / c.CLOUDWATCH_METRICS_FILE
    assert "\n".join(lines) + "\n" == cli_metrics.read_text()  # one writer, the same file
    assert {e["Timestamp"] for e in entries} == {iso(END)}
    assert all(
        e["Dimensions"][:2]
        == [
            {"Name": "Endpoint", "Value": "credit-ep"},
            {"Name": "MonitoringSchedule", "Value": "credit-schedule"},
        ]
        for e in entries
    )
    assert (
        f"{len(entries)} CloudWatch metric(s) in aws/sagemaker/Endpoints/data-metrics" in run.stdout
    )


def test_batch_transform_csv_execution_publishes_to_the_batch_namespace(
    tmp_path, train, cli_baseline
):
    root = tmp_path / "root"
    stage_baseline(root, cli_baseline)
    (c.container_path(root, c.BATCH_TRANSFORM_INPUT) / "part-0.csv").parent.mkdir(parents=True)
    (c.container_path(root, c.BATCH_TRANSFORM_INPUT) / "part-0.csv").write_bytes(train.read_bytes())
    env = monitoring_environment(
        **{
            c.DATASET_FORMAT: CSV_FORMAT,
            c.DATASET_SOURCE: str(c.BATCH_TRANSFORM_INPUT),
            c.METRIC_TIME: "2024-03-01T10:00:00Z",
        }
    )
    del env[c.ENDPOINT_NAME]

    run = run_analyzer(root, env, image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr
    assert (
        run.message() == "Completed: Job completed successfully with no violations."
    )  # its own baseline data
    entries = [
        json.loads(line)
        for line in (run.path(c.CLOUDWATCH_METRICS_DIR) / c.CLOUDWATCH_METRICS_FILE)
        .read_text()
        .splitlines()
    ]
    assert entries and all(
        e["Dimensions"][0] == {"Name": "MonitoringSchedule", "Value": "credit-schedule"}
        for e in entries
    )
    assert {e["Timestamp"] for e in entries} == {
        "2024-03-01T10:00:00Z"
    }  # metric_time wins over end_time
    assert "in aws/sagemaker/ModelMonitoring/data-metrics" in run.stdout


@pytest.mark.parametrize(("shift", "extra_column", "expected"), [
    (0, False, set()),                                        # the baseline's own rows, no names
    (40, False, {("baseline_drift_check", "age")}),           # drift is still seen, by position
    (0, True, {("extra_column_check", "_c4")}),               # a fifth column keeps its Spark name
])  # fmt: skip
def test_headerless_batch_transform_csv_is_matched_to_the_baseline_by_position(
    tmp_path, train, cli_baseline, shift, extra_column, expected
):
    """A batch transform's files carry no header; the checks must still run, column by column."""
    import pandas as pd

    root = tmp_path / "root"
    stage_baseline(root, cli_baseline)
    frame = pd.read_csv(train)
    frame["age"] += shift
    if extra_column:
        frame["note"] = "x"
    stage_csv(root, c.BATCH_TRANSFORM_INPUT, frame, "part-0.csv", header=False)
    headerless = json.dumps({"csv": {"header": False, "output_columns_position": "START"}})
    env = monitoring_environment(
        **{c.DATASET_FORMAT: headerless, c.DATASET_SOURCE: str(c.BATCH_TRANSFORM_INPUT)}
    )
    del env[c.ENDPOINT_NAME]

    run = run_analyzer(root, env, image=MODEL_MONITOR_IMAGE)

    assert run.code == 0, run.stderr
    found = read_json(run.path("/opt/ml/processing/resultdata") / c.VIOLATIONS_FILE)["violations"]
    assert {(v["constraint_check_type"], v["feature_name"]) for v in found} == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("outside-window", c.NO_DATA_REASON),
        ("no-capture", c.NO_DATA_REASON),
        ("no-baseline", "Failed: baseline file /opt/ml/processing/baseline/constraints/constraints.json (baseline_constraints) was not found"),
        ("bad-format", "Failed: dataset_format is not JSON"),
        ("bad-time", "Failed: environment variable start_time is not an ISO 8601 time: 'yesterday'"),
        ("preprocessor", "Failed: record_preprocessor_script is set; the offline twin does not run"),
    ],
)  # fmt: skip
def test_failed_executions_say_why(tmp_path, cli_baseline, change, message):
    root = tmp_path / "root"
    env = monitoring_environment()
    stage_baseline(root, cli_baseline)
    stage_capture(root, predictions=0)
    if change == "outside-window":
        env[c.START_TIME], env[c.END_TIME] = "2024-03-02T10:00:00Z", "2024-03-02T11:00:00Z"
    elif change == "no-capture":
        env[c.DATASET_SOURCE] = "/opt/ml/processing/input/nothing-here"
    elif change == "no-baseline":
        c.container_path(root, c.BASELINE_CONSTRAINTS_INPUT / c.CONSTRAINTS_FILE).unlink()
    elif change == "bad-format":
        env[c.DATASET_FORMAT] = "{sagemakerCaptureJson"
    elif change == "bad-time":
        env[c.START_TIME] = "yesterday"
    else:
        env[c.RECORD_PREPROCESSOR_SCRIPT] = "/opt/ml/processing/code/preprocessor.py"

    run = run_analyzer(root, env, image=MODEL_MONITOR_IMAGE)

    assert run.code == 2
    assert run.message().startswith(message)
    reason = (
        message
        if message == c.NO_DATA_REASON
        else "AlgorithmError: " + message.removeprefix("Failed: ")
    )
    assert f"FailureReason: {reason}" in run.stderr
    assert not run.path("/opt/ml/processing/resultdata").exists()
    assert not run.path(c.CLOUDWATCH_METRICS_DIR).exists()


def test_the_readme_example(tmp_path):
    """README "Run the twin as a processing job": the baselining job on the credit baseline."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "labkit analyzer --root job" in readme and "cp data/credit_baseline.csv" in readme
    staged = c.container_path(tmp_path, c.BASELINE_DATASET_INPUT) / "credit_baseline.csv"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(
        (Path(__file__).resolve().parents[2] / "data" / "credit_baseline.csv").read_bytes()
    )
    env = baseline_environment()
    del env[c.PUBLISH_CLOUDWATCH_METRICS]  # the README sets only these three

    run = run_analyzer(tmp_path, env)

    assert run.code == 0, run.stderr
    assert run.message() == "Completed: Job completed successfully with no violations."
    assert "exit message: Completed: Job completed successfully with no violations." in run.stdout


@pytest.mark.parametrize("kind", ["json", "parquet"])
def test_json_lines_and_parquet_baselines_match_the_csv_one(tmp_path, train, cli_baseline, kind):
    """The same rows as JSON Lines or parquet give the CSV baseline's files (in-process run_job)."""
    import pandas as pd

    from labkit.analyzer import run_job

    frame = pd.read_csv(train)
    staged = c.container_path(tmp_path, c.BASELINE_DATASET_INPUT) / f"train.{kind}"
    staged.parent.mkdir(parents=True)
    if kind == "json":
        frame.to_json(staged, orient="records", lines=True)
        dataset_format = json.dumps({"json": {"lines": True}})
    else:
        frame.to_parquet(staged)
        dataset_format = json.dumps({"parquet": {}})
    env = baseline_environment() | {c.DATASET_FORMAT: dataset_format}

    outcome = run_job(MODEL_MONITOR_IMAGE, env, root=tmp_path)

    assert outcome.status == "Completed", outcome.exit_message
    for name in (c.STATISTICS_FILE, c.CONSTRAINTS_FILE):
        written = c.container_path(tmp_path, c.MONITORING_OUTPUT) / name
        assert written.read_bytes() == (cli_baseline / name).read_bytes(), name


def test_metrics_stay_unpublished_when_disabled(tmp_path, cli_baseline):
    from labkit.analyzer import run_job

    stage_baseline(tmp_path, cli_baseline)
    stage_capture(tmp_path, predictions=1)
    env = monitoring_environment(**{c.PUBLISH_CLOUDWATCH_METRICS: c.DISABLED})

    outcome = run_job(MODEL_MONITOR_IMAGE, env, root=tmp_path)

    assert outcome.status == "CompletedWithViolations"
    assert outcome.metrics == ()
    assert not c.container_path(tmp_path, c.CLOUDWATCH_METRICS_DIR).exists()
