"""Notebook 03 runs with parameters other than its defaults (papermill, no widgets), and its files say so."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_bias_drift.ipynb"


def _metric(analysis: dict, stage: str, name: str) -> float:
    entry = analysis[stage]["facets"]["age_group"][0]
    return next(m["value"] for m in entry["metrics"] if m["name"] == name)


def test_a_large_base_rate_shift_is_a_dpl_bias_drift_violation(tmp_path):
    out = tmp_path / "outputs"
    pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "03.ipynb"),
        parameters={"seed": 1, "window_size": 1_500, "group_base_rate": 0.85, "group_error_rate": 0.3,
                    "n_bootstrap": 100, "use_widgets": False, "output_dir": str(out)},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    baseline = json.loads((out / "baseline" / "analysis.json").read_text(encoding="utf-8"))
    window = json.loads((out / "monitoring" / "analysis.json").read_text(encoding="utf-8"))
    violations = json.loads(
        (out / "monitoring" / "constraint_violations.json").read_text(encoding="utf-8")
    )

    # 85 % of group d default (about 46 % in the baseline): far fewer repay, so DPL = q_a − q_d grows.
    dpl = _metric(window, "pre_training_bias_metrics", "DPL")
    assert dpl > _metric(baseline, "pre_training_bias_metrics", "DPL") + 0.2
    fired = {v["metric_name"]: v for v in violations["violations"]}
    assert "DPL" in fired
    assert fired["DPL"]["constraint_check_type"] == "bias_drift_check"
    assert (fired["DPL"]["facet"], fired["DPL"]["facet_value"]) == ("age_group", "18-25")
    assert fired["DPL"]["description"] == f"Value {dpl!r} does not meet the constraint requirement"
    assert (
        window["pre_training_bias_metrics"]["label_value_or_threshold"] == "0"
    )  # favourable: repaid

    # The execution's CloudWatch entries carry the same number.
    metrics = json.loads(
        (out / "monitoring" / "cloudwatch_metrics.json").read_text(encoding="utf-8")
    )
    published = next(m for m in metrics if m["MetricName"] == "bias_metric_DPL")
    assert published["Value"] == dpl
    assert {d["Name"]: d["Value"] for d in published["Dimensions"]}["BiasStage"] == "Pre-training"

    # "The same on SageMaker": ModelBiasMonitor's baseline job (shadow endpoint) wrote the twin's baseline
    # values, FT aside (the SDK's dataset has string features); its 14:00 execution flagged DPL too.
    sdk = out / "sagemaker"
    sdk_baseline = json.loads((sdk / "baselining" / "model_bias" / "analysis.json").read_text(encoding="utf-8"))
    for stage, name in (("pre_training_bias_metrics", "DPL"), ("post_training_bias_metrics", "DPPL"),
                        ("post_training_bias_metrics", "DI")):  # fmt: skip
        assert _metric(sdk_baseline, stage, name) == _metric(baseline, stage, name)
    sdk_violations = json.loads((sdk / "reports" / "credit-endpoint" / "credit-bias" / "2024" / "05" / "01" / "14"
                                 / "constraint_violations.json").read_text(encoding="utf-8"))  # fmt: skip
    assert "DPL" in {v["metric_name"] for v in sdk_violations["violations"]}

    # Run All answers no question: the quizzes print their questions, with no key and no choice.
    cells = json.loads((tmp_path / "03.ipynb").read_text(encoding="utf-8"))["cells"]
    printed = "\n".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Which kinds of metrics did your execution's constraint_violations.json list?" in printed
    assert "← your choice" not in printed and "Answer:" not in printed
