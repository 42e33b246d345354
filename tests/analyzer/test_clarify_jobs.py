"""Clarify jobs: bias and SHAP processing jobs, bias drift and attribution drift executions.

The analysis config is the SDK's shape (``BiasConfig.get_config``, ``SHAPConfig``,
``ModelConfig.get_predictor_config``); ``--model`` serves a skops model as the shadow endpoint.
Each analysis.json is compared byte for byte with the ``labkit model-bias`` /
``labkit model-explainability`` command run on the same data.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from labkit import capture, ground_truth
from labkit.analyzer import contract as c
from labkit.cli import main
from labkit.jsonfiles import read_json
from labkit.model_explainability import load_model, save_model

from .conftest import CLARIFY_IMAGE, END, KIT_IMAGE, START, iso, run_analyzer

FEATURES = ["age", "income", "ratio"]
HEADERS = [*FEATURES, "default"]
BIAS = {
    "label": "default",
    "label_values_or_threshold": [0],
    "facet": [{"name_or_index": "age", "value_or_threshold": [40]}],
}
BIAS_FLAGS = [
    "--label",
    "default",
    "--label-values",
    "0",
    "--facet",
    "age",
    "--facet-threshold",
    "40",
]
PREDICTOR = {"model_name": "credit-model", "instance_type": "ml.m5.xlarge", "initial_instance_count": 1,
             "content_type": "text/csv", "accept_type": "text/csv"}  # fmt: skip


def credit(n: int, seed: int, *, favour_old: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    income = rng.integers(20, 120, n) * 1000
    ratio = rng.beta(2, 5, n).round(3)
    risk = -2 + 3 * ratio - income / 100_000 - favour_old * (age > 40)
    default = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    return pd.DataFrame({"age": age, "income": income, "ratio": ratio, "default": default})


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clarify")
    data = credit(300, 0)
    save_model(
        LogisticRegression(max_iter=500).fit(data[FEATURES], data["default"]), root / "model.skops"
    )
    data.to_csv(root / "baseline.csv", index=False)
    return root


def stage_processing_job(root: Path, data: Path, config: dict) -> None:
    """What SageMakerClarifyProcessor stages: the dataset and analysis_config.json [C SDK]."""
    staged = c.container_path(root, c.CLARIFY_DATA_INPUT) / "baseline.csv"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(data.read_bytes())
    config_path = c.container_path(root, c.CLARIFY_CONFIG_INPUT) / c.ANALYSIS_CONFIG_FILE
    config_path.parent.mkdir(parents=True)
    config_path.write_text(json.dumps(config))


def test_bias_job_with_predictions_in_the_data(tmp_path, files):
    data = credit(300, 0).assign(prediction=lambda d: (d["ratio"] > 0.3).astype(int))
    data.to_csv(tmp_path / "scored.csv", index=False)
    config = {"dataset_type": "text/csv", "headers": [*HEADERS, "prediction"], **BIAS, "predicted_label": "prediction",
              "methods": {"pre_training_bias": {"methods": "all"}, "post_training_bias": {"methods": "all"}}}  # fmt: skip
    stage_processing_job(tmp_path / "root", tmp_path / "scored.csv", config)

    run = run_analyzer(tmp_path / "root", {}, image=CLARIFY_IMAGE)

    assert run.code == 0, run.stderr
    assert run.message() == "Completed: SageMaker XAI Analyzer ran successfully"
    assert (
        main(
            [
                "model-bias",
                "report",
                "--input",
                str(tmp_path / "scored.csv"),
                *BIAS_FLAGS,
                "--prediction",
                "prediction",
                "--output",
                str(tmp_path / "cli"),
            ]
        )
        == 0
    )
    assert (
        run.path(c.CLARIFY_OUTPUT / c.ANALYSIS_FILE).read_bytes()
        == (tmp_path / "cli" / c.ANALYSIS_FILE).read_bytes()
    )


def test_bias_baselining_job_asks_the_shadow_endpoint(tmp_path, files):
    config = {"dataset_type": "text/csv", "headers": HEADERS, **BIAS, "probability_threshold": 0.5,
              "methods": {"pre_training_bias": {"methods": "all"}, "post_training_bias": {"methods": "all"}},
              "predictor": {**PREDICTOR, "probability": 0}}  # fmt: skip
    stage_processing_job(tmp_path / "root", files / "baseline.csv", config)

    run = run_analyzer(tmp_path / "root", {}, image=CLARIFY_IMAGE, model=files / "model.skops")

    assert run.code == 0, run.stderr
    analysis = read_json(run.path(c.CLARIFY_OUTPUT / c.ANALYSIS_FILE))
    assert {"pre_training_bias_metrics", "post_training_bias_metrics"} <= set(analysis)
    # The CLI twin on the same rows with the model's scores as the prediction column.
    data = pd.read_csv(files / "baseline.csv")
    data["score"] = load_model(files / "model.skops").predict_proba(data[FEATURES])[:, 1]
    data.to_csv(tmp_path / "scored.csv", index=False)
    argv = [
        "model-bias",
        "report",
        "--input",
        str(tmp_path / "scored.csv"),
        *BIAS_FLAGS,
        "--prediction",
        "score",
        "--probability-threshold",
        "0.5",
        "--output",
        str(tmp_path / "cli"),
    ]
    assert main(argv) == 0
    assert (
        run.path(c.CLARIFY_OUTPUT / c.ANALYSIS_FILE).read_bytes()
        == (tmp_path / "cli" / c.ANALYSIS_FILE).read_bytes()
    )


def test_post_training_bias_without_an_endpoint_fails(tmp_path, files):
    config = {
        "dataset_type": "text/csv",
        "headers": HEADERS,
        **BIAS,
        "methods": {"post_training_bias": {"methods": "all"}},
        "predictor": PREDICTOR,
    }
    stage_processing_job(tmp_path / "root", files / "baseline.csv", config)

    run = run_analyzer(tmp_path / "root", {}, image=CLARIFY_IMAGE)

    assert run.code == 2
    assert (
        run.message()
        == "Failed: post_training_bias needs the model's predictions, and no shadow endpoint (predictor) is available to this job"
    )


def shap_config(baseline_rows=None) -> dict:
    shap = {
        "num_samples": 40,
        "agg_method": "mean_abs",
        "use_logit": False,
        "save_local_shap_values": False,
        "seed": 0,
    }
    if baseline_rows is not None:
        shap["baseline"] = baseline_rows
    return {
        "dataset_type": "text/csv",
        "headers": HEADERS,
        "label": "default",
        "methods": {"shap": shap},
        "predictor": PREDICTOR,
    }


@pytest.fixture(scope="module")
def cli_explained(files) -> Path:
    out = files / "cli-shap"
    argv = ["model-explainability", "baseline", "--input", str(files / "baseline.csv"), "--model", str(files / "model.skops"),
            "--label", "default", "--method", "kernel", "--num-samples", "40", "--max-rows", "0", "--seed", "0", "--output", str(out)]  # fmt: skip
    assert main(argv) == 0
    return out


def test_explainability_job_runs_kernel_shap_on_every_record(tmp_path, files, cli_explained):
    stage_processing_job(tmp_path / "root", files / "baseline.csv", shap_config())

    run = run_analyzer(
        tmp_path / "root", {}, image=KIT_IMAGE, model=files / "model.skops"
    )  # kind from the inputs

    assert run.code == 0, run.stderr
    assert run.message() == "Completed: SageMaker XAI Analyzer ran successfully"
    assert (
        run.path(c.CLARIFY_OUTPUT / c.ANALYSIS_FILE).read_bytes()
        == (cli_explained / c.ANALYSIS_FILE).read_bytes()
    )


def monitoring_environment(**extra: str) -> dict[str, str]:
    """[U] A Clarify execution's environment: the analyzer's variables (see contract)."""
    return {
        c.BASELINE_CONSTRAINTS: str(c.CLARIFY_BASELINE_INPUT / c.ANALYSIS_FILE),
        c.OUTPUT_PATH: str(c.CLARIFY_OUTPUT),
        c.PUBLISH_CLOUDWATCH_METRICS: c.ENABLED,
        c.ENDPOINT_NAME: "credit-ep",
        c.SCHEDULE_NAME: "credit-schedule",
        c.START_TIME: iso(START),
        c.END_TIME: iso(END),
        **extra,
    }


def stage_execution(
    root: Path, config: dict, baseline_analysis: Path, window: pd.DataFrame, where
) -> list:
    config_path = c.container_path(root, c.CLARIFY_CONFIG_INPUT) / c.ANALYSIS_CONFIG_FILE
    config_path.parent.mkdir(parents=True)
    config_path.write_text(json.dumps(config))
    staged = c.container_path(root, c.CLARIFY_BASELINE_INPUT) / c.ANALYSIS_FILE
    staged.parent.mkdir(parents=True)
    staged.write_bytes(baseline_analysis.read_bytes())
    times = [START + timedelta(seconds=15 * i) for i in range(len(window))]
    records = capture.capture_requests(
        window[FEATURES], window["score"].to_numpy(), times=times, sampling_percentage=100, seed=0
    )
    capture.write_capture(records, c.container_path(root, where), endpoint="credit-ep")
    return records


def test_bias_drift_execution_on_merged_records(tmp_path, files):
    model = load_model(files / "model.skops")
    baseline = pd.read_csv(files / "baseline.csv").assign(
        score=lambda d: model.predict_proba(d[FEATURES])[:, 1]
    )
    baseline.to_csv(tmp_path / "baseline.csv", index=False)
    flags = [*BIAS_FLAGS, "--prediction", "score", "--probability-threshold", "0.5"]
    assert (
        main(
            [
                "model-bias",
                "baseline",
                "--input",
                str(tmp_path / "baseline.csv"),
                *flags,
                "--output",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    window = credit(160, 3, favour_old=2.0)
    window["score"] = model.predict_proba(window[FEATURES])[:, 1]
    root = tmp_path / "root"
    records = stage_execution(
        root,
        {**BIAS, "headers": HEADERS},
        tmp_path / "b" / c.ANALYSIS_FILE,
        window,
        c.MERGE_INPUT_DATA,
    )
    # The merge job's output (see test_model_quality_jobs) is what a bias drift analysis reads.
    labels = ground_truth.label_requests(
        records, window["default"].tolist(), seed=0, collected_at=END
    )
    ground_truth.write_ground_truth(labels, c.container_path(root, c.GROUND_TRUTH_INPUT))
    merged = run_analyzer(
        root,
        {
            c.DATASET_SOURCE: str(c.MERGE_INPUT_DATA),
            c.GROUND_TRUTH_SOURCE: str(c.GROUND_TRUTH_INPUT),
            c.OUTPUT_PATH: "/opt/ml/processing/merged",
        },
    )
    assert merged.code == 0, merged.stderr
    env = monitoring_environment(**{
        c.DATASET_FORMAT: json.dumps({"sagemakerMergeJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}),
        c.DATASET_SOURCE: "/opt/ml/processing/merged", c.PROBABILITY_THRESHOLD_ATTRIBUTE: "0.5", c.PROBABILITY_ATTRIBUTE: "0",
    })  # fmt: skip

    run = run_analyzer(root, env, image=CLARIFY_IMAGE)

    assert run.code == 0, run.stderr
    found = read_json(run.path(c.CLARIFY_OUTPUT / c.VIOLATIONS_FILE))["violations"]
    assert found  # favouring the old group is bias drift
    assert (
        run.message()
        == f"CompletedWithViolations: Job completed successfully with {len(found)} violations."
    )
    window.to_csv(tmp_path / "window.csv", index=False)
    argv = [
        "model-bias",
        "monitor",
        "--input",
        str(tmp_path / "window.csv"),
        *flags,
        "--baseline",
        str(tmp_path / "b"),
        "--output",
        str(tmp_path / "cli"),
    ]
    assert main(argv) == 1
    for name in (c.ANALYSIS_FILE, c.VIOLATIONS_FILE):
        assert (
            run.path(c.CLARIFY_OUTPUT / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
        ), name
    assert "in aws/sagemaker/Endpoints/bias-metrics" in run.stdout


def test_attribution_drift_execution_on_captured_inputs(tmp_path, files, cli_explained):
    window = credit(60, 4)
    window["ratio"], window["income"] = 0.25, 70_000  # the strong features stop varying,
    window["age"] = window["age"] * 40  # the weak one varies a lot: the ranking turns over
    window["score"] = 0.0
    config = shap_config(
        read_json(cli_explained / c.ANALYSIS_CONFIG_FILE)["methods"]["shap"]["baseline"]
    )
    config["headers"] = FEATURES  # ExplainabilityAnalysisConfig: the features only [C SDK]
    # no label_headers, as the baseline job: both analyses key the explanation label0
    root = tmp_path / "root"
    stage_execution(root, config, cli_explained / c.ANALYSIS_FILE, window, c.ENDPOINT_INPUT)
    env = monitoring_environment(**{
        c.DATASET_FORMAT: json.dumps({"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput"]}}),
        c.DATASET_SOURCE: str(c.ENDPOINT_INPUT),
    })  # fmt: skip

    run = run_analyzer(root, env, image=CLARIFY_IMAGE, model=files / "model.skops")

    assert run.code == 0, run.stderr
    found = read_json(run.path(c.CLARIFY_OUTPUT / c.VIOLATIONS_FILE))["violations"]
    assert [v["constraint_check_type"] for v in found] == ["feature_attribution_drift_check"]
    window[FEATURES].to_csv(tmp_path / "window.csv", index=False)
    argv = ["model-explainability", "monitor", "--input", str(tmp_path / "window.csv"), "--model", str(files / "model.skops"), "--label", "default",
            "--baseline", str(cli_explained), "--method", "kernel", "--max-rows", "0", "--seed", "0", "--output", str(tmp_path / "cli")]  # fmt: skip
    assert main(argv) == 1
    for name in (c.ANALYSIS_FILE, c.VIOLATIONS_FILE):
        assert (
            run.path(c.CLARIFY_OUTPUT / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
        ), name
    assert "in aws/sagemaker/Endpoints/explainability-metrics" in run.stdout


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"dataset_type": "text/csv", "headers": HEADERS, "label": "default"},
         "analysis_config.json: the analysis config asks for no bias metric (facet) and no SHAP (methods.shap)"),
        ({"dataset_type": "application/x-parquet", **BIAS, "methods": {"pre_training_bias": {"methods": "all"}}},
         "dataset_type 'application/x-parquet' is not supported by the offline twin (text/csv only)"),
        ({"dataset_type": "text/csv", "headers": HEADERS, **BIAS, "methods": {"pre_training_bias": {"methods": ["CI", "XYZ"]}}},
         "Invalid metric_name: metrics should be one of the registered metrics"),
    ],
)  # fmt: skip
def test_a_bad_analysis_config_fails_the_job(tmp_path, files, config, message):
    stage_processing_job(tmp_path / "root", files / "baseline.csv", config)

    run = run_analyzer(tmp_path / "root", {}, image=CLARIFY_IMAGE)

    assert run.code == 2
    assert run.message().startswith("Failed: ")
    assert message in run.message()


def test_a_monitoring_execution_without_its_baseline_fails(tmp_path, files):
    root = tmp_path / "root"
    config_path = c.container_path(root, c.CLARIFY_CONFIG_INPUT) / c.ANALYSIS_CONFIG_FILE
    config_path.parent.mkdir(parents=True)
    config_path.write_text(json.dumps({**BIAS, "headers": HEADERS}))

    run = run_analyzer(root, monitoring_environment(), image=CLARIFY_IMAGE)

    assert run.code == 2
    assert run.message() == (
        "Failed: baseline file /opt/ml/processing/baseline/constraints/analysis.json "
        "(baseline_constraints) was not found"
    )
