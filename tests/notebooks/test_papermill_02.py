"""Notebook 02 runs with parameters other than its defaults (papermill, no widgets); its files are checked."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_model_quality_drift.ipynb"
PARAMETERS = {
    "seed": 3,
    "window_size": 600,
    "concept_shift": 0.9,
    "covariate_shift_sd": 2.5,
    "label_delay_hours": 3,
    "labelled_percentage": 60,
    "use_widgets": False,
}


def test_model_quality_notebook_with_other_parameters(tmp_path, unanswered):
    out = tmp_path / "outputs"
    executed = pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "02.ipynb"), parameters={**PARAMETERS, "output_dir": str(out)},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip

    # The market crash: the housing execution flagged both error metrics, nothing else.
    violations = json.loads(
        (out / "housing" / "monitoring" / "constraint_violations.json").read_text()
    )
    assert sorted(v["metric_name"] for v in violations["violations"]) == ["mae", "rmse"]
    constraints = json.loads((out / "housing" / "baseline" / "constraints.json").read_text())
    assert set(constraints["regression_constraints"]) == {"mae", "rmse"}

    # Six hours captured; labels filed by collection hour, the first one 3 hours after 08:00.
    assert len(list((out / "datacapture" / "credit-endpoint" / "AllTraffic").rglob("*.jsonl"))) == 6
    label_hours = sorted(
        p.parent.relative_to(out / "groundtruth").as_posix()
        for p in (out / "groundtruth").rglob("*.jsonl")
    )
    assert label_hours[0] == "2024/05/01/11"
    n_labels = sum(len(p.read_text().splitlines()) for p in (out / "groundtruth").rglob("*.jsonl"))
    assert abs(n_labels / 3_600 - 0.60) < 4 * (0.6 * 0.4 / 3_600) ** 0.5  # binomial, 4 sd

    # With labels 3 hours late, only the 3 oldest hourly windows could be scored at 14:00; the
    # concept drift from 10:00 on shows as an auc violation in the one drifted window among them.
    windows = sorted(p.name for p in (out / "credit").iterdir())
    assert windows == ["2024-05-01T08", "2024-05-01T09", "2024-05-01T10"]
    drifted = json.loads(
        (out / "credit" / "2024-05-01T10" / "constraint_violations.json").read_text()
    )
    assert {"auc", "f1"} <= {v["metric_name"] for v in drifted["violations"]}
    clean = json.loads(
        (out / "credit" / "2024-05-01T08" / "constraint_violations.json").read_text()
    )
    assert clean["violations"] == []
    # The reviewed credit constraints keep F1 next to accuracy and AUC.
    statistics = json.loads((out / "credit" / "2024-05-01T08" / "statistics.json").read_text())
    assert {"f1", "accuracy", "auc"} <= set(statistics["binary_classification_metrics"])

    # "The same on SageMaker": the ModelQualityMonitor schedule's 14:00 execution, offsets -PT4H/-PT3H,
    # merged the 10:00 hour's labels and scored what the twin scored for that window.
    sdk = out / "sagemaker" / "credit-endpoint" / "credit-model-quality" / "2024" / "05" / "01" / "14"
    sdk_statistics = json.loads((sdk / "statistics.json").read_text())
    twin = json.loads((out / "credit" / "2024-05-01T10" / "statistics.json").read_text())
    assert sdk_statistics["dataset"] == twin["dataset"]
    values = {k: v["value"] for k, v in sdk_statistics["binary_classification_metrics"].items() if "value" in v}
    assert values == {k: v["value"] for k, v in twin["binary_classification_metrics"].items() if "value" in v}
    merged = list((out / "sagemaker" / "merge" / "credit-endpoint" / "AllTraffic").rglob("*.jsonl"))
    assert [p.parent.name for p in merged] == ["10"]
    unanswered(executed)
