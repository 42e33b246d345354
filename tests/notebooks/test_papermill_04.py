"""Notebook 04 runs with non-default parameters; the files it writes say what the parameters asked for.

One papermill run (no widgets, half of debt_to_income's signal moved, a 2,000-row window). The
assertions read output_dir, then compare with the full move computed here with labkit directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest

from labkit import drift, scenarios
from labkit import model_explainability as mx
from labkit.widgets.model_explainability import clean_window

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_feature_attribution_drift.ipynb"
PARAMETERS = {
    "seed": 0,
    "window_size": 2_000,
    "signal_fraction": 0.5,
    "from_feature": "debt_to_income",
    "to_feature": "credit_history_months",
    "use_widgets": False,
}


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("papermill_04")
    out = tmp_path / "outputs"
    pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "04.ipynb"), parameters={**PARAMETERS, "output_dir": str(out)},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    return out


def _global_shap(path: Path) -> dict[str, float]:
    return _read(path / "analysis.json")["explanations"]["kernel_shap"]["label0"][
        "global_shap_values"
    ]


def test_half_the_signal_keeps_the_ranking_close_and_writes_no_violation(output_dir):
    baseline, window = (
        _global_shap(output_dir / "baseline"),
        _global_shap(output_dir / "monitoring"),
    )
    assert set(baseline) == set(window) == set(scenarios.load_scenario("credit").features)
    half = mx.ndcg(baseline, window)
    assert half >= mx.NDCG_THRESHOLD
    # No violation, so no constraint_violations.json, as a real execution that ends Completed.
    assert not (output_dir / "monitoring" / "constraint_violations.json").exists()
    # The full move on the same 2,000 rows, computed here: a lower NDCG, below the threshold.
    credit = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(credit)
    twin_baseline = mx.suggest_baseline(credit.baseline, model, label=credit.target, seed=0)
    assert (
        twin_baseline.global_shap_values == baseline
    )  # the notebook's baseline file is this baseline
    full = drift.move_signal(
        clean_window(credit, 2_000, seed=0),
        credit,
        "debt_to_income",
        "credit_history_months",
        1.0,
        seed=0,
    )
    full_ndcg = mx.monitor(full, twin_baseline, model, seed=0).ndcg["label0"]
    assert full_ndcg < mx.NDCG_THRESHOLD <= half


def test_the_quizzes_start_unanswered(output_dir):
    cells = json.loads((output_dir.parent / "04.ipynb").read_text(encoding="utf-8"))["cells"]
    printed = "\n".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Which statement is true of the constraint_violations.json your execution wrote?" in printed
    assert "← your choice" not in printed and "Answer:" not in printed


def test_the_cloudwatch_file_carries_the_window_attributions(output_dir):
    lines = (output_dir / "metrics" / "cloudwatch_metrics.jsonl").read_text(encoding="utf-8")
    metrics = [json.loads(line) for line in lines.splitlines()]
    window = _global_shap(output_dir / "monitoring")
    published = {m["MetricName"]: m["Value"] for m in metrics}
    assert {f"feature_{f}": v for f, v in window.items()}.items() <= published.items()
    for m in metrics:
        assert {"Name": "ExplainabilityMethod", "Value": "KernelShap"} in m["Dimensions"]


def test_the_sdk_schedule_on_labkit_local_reaches_the_twins_ndcg(output_dir):
    # "The same on SageMaker": ModelExplainabilityMonitor's baseline job and 14:00 execution on the
    # records the twin explained; Clarify's key without label_headers is label0.
    sdk = output_dir / "sagemaker"
    sdk_baseline = _read(sdk / "baselining" / "model_explainability" / "analysis.json")["explanations"]["kernel_shap"]
    assert list(sdk_baseline) == ["label0"]
    twin = _global_shap(output_dir / "baseline")
    assert sdk_baseline["label0"]["global_shap_values"] == pytest.approx(twin, rel=1e-9)
    report = sdk / "reports" / "credit-endpoint" / "credit-attribution" / "2024" / "05" / "01" / "14"
    window = _read(report / "analysis.json")["explanations"]["kernel_shap"]["label0"]["global_shap_values"]
    assert mx.ndcg(sdk_baseline["label0"]["global_shap_values"], window) == pytest.approx(
        mx.ndcg(twin, _global_shap(output_dir / "monitoring")), abs=1e-9)
    assert not (report / "constraint_violations.json").exists()  # half the signal: NDCG >= 0.90, Completed
