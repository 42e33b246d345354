"""Notebook 01 runs with non-default parameters; the files it writes say what the parameters asked for.

Two papermill runs (no widgets, seed 1, 600 requests, 50 % sampling): one with no drift and one
with a 2.5 σ shift in income. The assertions read output_dir, not the notebook's printed text.
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_data_quality_drift.ipynb"
PARAMETERS = {"seed": 1, "window_size": 600, "sampling_percentage": 50, "use_widgets": False}


def _run(tmp_path: Path, mean_shift_sd: float) -> tuple[Path, object]:
    output_dir = tmp_path / f"shift_{mean_shift_sd}"
    executed = pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / f"01_shift_{mean_shift_sd}.ipynb"),
        parameters={**PARAMETERS, "mean_shift_sd": mean_shift_sd, "output_dir": str(output_dir)},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    return output_dir, executed


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _income_drift(output_dir: Path) -> float:
    lines = (output_dir / "metrics" / "cloudwatch_metrics.jsonl").read_text(encoding="utf-8")
    metrics = [json.loads(line) for line in lines.splitlines()]
    return next(m["Value"] for m in metrics if m["MetricName"] == "feature_baseline_drift_income")


@pytest.fixture(scope="module")
def executions(tmp_path_factory) -> dict[float, tuple[Path, object]]:
    tmp_path = tmp_path_factory.mktemp("papermill_01")
    return {shift: _run(tmp_path, shift) for shift in (0.0, 2.5)}


@pytest.fixture(scope="module")
def runs(executions) -> dict[float, Path]:
    return {shift: output_dir for shift, (output_dir, _) in executions.items()}


def test_a_strong_shift_gives_a_larger_distance_and_a_drift_violation(runs):
    none, strong = (
        _read(runs[s] / "monitoring" / "constraint_violations.json")["violations"]
        for s in (0.0, 2.5)
    )
    assert none == []  # a clean hour: {"violations" : [ ]}
    assert [(v["feature_name"], v["constraint_check_type"]) for v in strong] == [
        ("income", "baseline_drift_check")
    ]
    assert _income_drift(runs[2.5]) > 0.1 > _income_drift(runs[0.0])


def test_capture_files_follow_the_hour_layout_and_the_sampling_percentage(runs):
    for output_dir in runs.values():
        files = sorted((output_dir / "capture").rglob("*.jsonl"))
        assert len(files) == 1
        relative = files[0].relative_to(output_dir / "capture").parent.as_posix()
        assert relative == "credit-endpoint/AllTraffic/2024/05/01/13"
        lines = files[0].read_text(encoding="utf-8").splitlines()
        assert (
            abs(len(lines) - 300) < 4 * (600 * 0.25) ** 0.5
        )  # 50 % of 600 requests, 4 binomial sds
        # The monitoring execution analysed exactly the captured records.
        item_count = _read(output_dir / "monitoring" / "statistics.json")["dataset"]["item_count"]
        assert item_count == len(lines)


def test_the_baseline_and_the_edited_constraints_are_written(runs):
    output_dir = runs[0.0]
    constraints = _read(output_dir / "baseline" / "constraints.json")
    assert [f["name"] for f in constraints["features"]][:2] == ["age", "income"]
    edited = _read(output_dir / "edited" / "constraints.json")
    assert edited["monitoring_config"]["distribution_constraints"]["comparison_method"] == "Simple"
    assert (
        constraints["monitoring_config"]["distribution_constraints"]["comparison_method"]
        == "Robust"
    )


def test_the_metrics_use_the_sdk_namespace_and_dimensions(executions, shown):
    # The kit's reading [U]: the SDK dashboard's spelling, not the CloudWatch page's "/…/data-metric".
    output_dir, executed = executions[2.5]
    # The container's metrics folder (/opt/ml/output/metrics/cloudwatch), not the report folder.
    lines = (output_dir / "metrics" / "cloudwatch_metrics.jsonl").read_text(encoding="utf-8")
    metrics = [json.loads(line) for line in lines.splitlines()]
    assert not (output_dir / "monitoring" / "cloudwatch_metrics.jsonl").exists()
    drift = next(m for m in metrics if m["MetricName"] == "feature_baseline_drift_income")
    assert [d["Name"] for d in drift["Dimensions"]] == ["Endpoint", "MonitoringSchedule", "Feature"]
    assert "aws/sagemaker/Endpoints/data-metrics" in shown(executed)  # the table's namespace column


def test_run_all_answers_no_quiz_and_no_exercise(executions, unanswered):
    for _, executed in executions.values():
        unanswered(executed)


def test_the_sdk_schedule_on_labkit_local_writes_the_twins_files(runs):
    # "The same on SageMaker": DefaultModelMonitor's 14:00 execution on the same captured hour.
    for output_dir in runs.values():
        [folder] = {p.parent for p in (output_dir / "sagemaker").rglob("constraint_violations.json")}
        assert folder.relative_to(output_dir / "sagemaker").as_posix() == "credit-endpoint/credit-data-quality/2024/05/01/14"
        twin = _read(output_dir / "monitoring" / "constraint_violations.json")["violations"]
        sdk = _read(folder / "constraint_violations.json")["violations"]
        assert [v for v in sdk if v["feature_name"] != "prediction"] == twin
        assert _read(folder / "statistics.json")["dataset"] == _read(output_dir / "monitoring" / "statistics.json")["dataset"]
