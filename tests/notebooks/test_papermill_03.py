"""Notebook 03 runs with parameters other than its defaults (papermill, no widgets), and its files say so."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_bias_drift.ipynb"


def _metric(analysis: dict, stage: str, name: str) -> float:
    entry = analysis[stage]["facets"]["age_group"][0]
    return next(m["value"] for m in entry["metrics"] if m["name"] == name)


def test_a_large_base_rate_shift_moves_dpl_but_only_post_training_metrics_violate(tmp_path):
    out = tmp_path / "outputs"
    pm.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "03.ipynb"),
        parameters={"seed": 1, "window_size": 1_500, "group_base_rate": 0.85, "group_error_rate": 0.3,
                    "n_bootstrap": 100, "use_widgets": False, "output_dir": str(out)},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    baseline = json.loads((out / "baseline" / "analysis.json").read_text(encoding="utf-8"))
    window = json.loads((out / "monitoring" / "analysis.json").read_text(encoding="utf-8"))
    violations_path = out / "monitoring" / "constraint_violations.json"
    violations = (
        json.loads(violations_path.read_text(encoding="utf-8"))["violations"]
        if violations_path.exists()
        else []
    )

    # 85 % of group d default (about 46 % in the baseline): far fewer repay, so DPL = q_a − q_d grows.
    dpl = _metric(window, "pre_training_bias_metrics", "DPL")
    assert dpl > _metric(baseline, "pre_training_bias_metrics", "DPL") + 0.2
    # Yet a bias drift execution checks post-training metrics only, as real executions do.
    pre = {m["name"] for m in window["pre_training_bias_metrics"]["facets"]["age_group"][0]["metrics"]}
    assert not pre & {v["metric_name"] for v in violations}
    for v in violations:
        assert (v["facet"], v["facet_value"], v["constraint_check_type"]) == (
            "age_group", "18-25", "bias_drift_check",
        )  # fmt: skip
        assert v["description"].startswith("Metric value ")
    assert (
        window["pre_training_bias_metrics"]["label_value_or_threshold"] == "0"
    )  # favourable: repaid

    # The execution's CloudWatch entries carry DPL all the same (the container's metrics folder).
    lines = (out / "metrics" / "cloudwatch_metrics.jsonl").read_text(encoding="utf-8").splitlines()
    metrics = [json.loads(line) for line in lines]
    published = next(m for m in metrics if m["MetricName"] == "bias_metric_DPL")
    assert published["Value"] == dpl
    assert {d["Name"]: d["Value"] for d in published["Dimensions"]}["BiasStage"] == "Pre-training"
    assert not (out / "monitoring" / "cloudwatch_metrics.jsonl").exists()  # not a report file

    # "The same on SageMaker": ModelBiasMonitor's baseline job (shadow endpoint) wrote the twin's baseline
    # values (FT aside: the SDK's dataset has string features); its 14:00 execution, on the same hour and
    # labels, found the same DPL and, as the twin, lists no pre-training metric.
    sdk = out / "sagemaker"
    sdk_baseline = json.loads((sdk / "baselining" / "model_bias" / "analysis.json").read_text(encoding="utf-8"))
    for stage, name in (("pre_training_bias_metrics", "DPL"), ("post_training_bias_metrics", "DPPL"),
                        ("post_training_bias_metrics", "DI")):  # fmt: skip
        assert _metric(sdk_baseline, stage, name) == _metric(baseline, stage, name)
    sdk_report = sdk / "reports" / "credit-endpoint" / "credit-bias" / "2024" / "05" / "01" / "14"
    assert _metric(json.loads((sdk_report / "analysis.json").read_text(encoding="utf-8")), "pre_training_bias_metrics", "DPL") == dpl
    sdk_path = sdk_report / "constraint_violations.json"
    sdk_violations = json.loads(sdk_path.read_text(encoding="utf-8"))["violations"] if sdk_path.exists() else []
    assert not pre & {v["metric_name"] for v in sdk_violations}

    # Run All answers no question: the quizzes print their questions, with no key and no choice.
    cells = json.loads((tmp_path / "03.ipynb").read_text(encoding="utf-8"))["cells"]
    printed = "\n".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Which kinds of metrics did your execution's constraint_violations.json list?" in printed
    assert "← your choice" not in printed and "Answer:" not in printed
