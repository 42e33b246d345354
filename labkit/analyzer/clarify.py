"""The SageMaker Clarify container's jobs: bias and SHAP analyses, bias and attribution drift.

A Clarify processing job (the SDK's ``run_bias``, ``run_explainability``, and the monitors'
``suggest_baseline``) reads ``analysis_config.json`` from ``/opt/ml/processing/input/config``
and the dataset from ``/opt/ml/processing/input/data``, and writes ``analysis.json`` to
``/opt/ml/processing/output`` [C SDK SageMakerClarifyProcessor]. A monitoring execution
(``ModelBiasMonitor``, ``ModelExplainabilityMonitor``) also gets the baseline ``analysis.json``
and the window's data, and adds ``constraint_violations.json`` and CloudWatch metrics; how the
service hands those over is not published [U: the Model Monitor analyzer's variables, see
``contract``]. The computations are the twins' (``labkit.model_bias``,
``labkit.model_explainability``), as the ``labkit model-bias`` / ``model-explainability``
commands call them, and write their files through ``labkit.clarify_files`` (reports included:
``labkit.clarify_report``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.analyzer import contract as c
from labkit.analyzer import datasets
from labkit.analyzer.contract import JobFailure
from labkit.analyzer.job import JobContext, JobResult
from labkit.analyzer.predictor import EndpointModel, model_outputs
from labkit.clarify_files import write_analysis_files, write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json

__all__ = ["PREDICTED_LABEL_COLUMN", "run"]

PREDICTED_LABEL_COLUMN = "predicted_label"  # [U] the column the endpoint's predictions fill
CSV_DATASET_TYPE = "text/csv"  # analysis config dataset_type [C docs]


def run(context: JobContext) -> JobResult:
    """Run the Clarify job ``analysis_config.json`` and the environment describe."""
    config_path = context.path(c.CLARIFY_CONFIG_INPUT / c.ANALYSIS_CONFIG_FILE)
    if not config_path.is_file():
        raise JobFailure(
            f"analysis config {c.CLARIFY_CONFIG_INPUT / c.ANALYSIS_CONFIG_FILE} was not found"
        )
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise LabkitInputError("expected a JSON object", path=config_path)
    methods = config.get("methods") or {}
    bias = "facet" in config
    shap = isinstance(methods, dict) and "shap" in methods
    if bias == shap and context.get(c.BASELINE_CONSTRAINTS) is not None:
        raise JobFailure(
            "a Clarify monitoring analysis config holds either a bias config (facet) or methods.shap"
        )
    if not (bias or shap):
        raise LabkitInputError(
            "the analysis config asks for no bias metric (facet) and no SHAP (methods.shap)",
            path=config_path,
        )
    if context.get(c.BASELINE_CONSTRAINTS) is not None:
        return (
            _bias_drift(context, config, config_path)
            if bias
            else _attribution_drift(context, config, config_path)
        )
    return _analysis(context, config, config_path, bias=bias, shap=shap)


def _analysis(
    context: JobContext, config: dict, config_path: Path, *, bias: bool, shap: bool
) -> JobResult:
    """A processing job: analysis.json with the bias metrics and/or the SHAP explanations."""
    data, path = _dataset(context, config, config_path)
    document: dict[str, Any] = {}
    if bias:
        document.update(
            bias_analysis(context, config, data, config_path=config_path, path=path).to_dict()
        )
    if shap:
        document.update(explain(context, config, data, config_path=config_path).analysis.to_dict())
    output = context.path(c.CLARIFY_OUTPUT)
    if "report" in (config.get("methods") or {}):  # the SDK's run_bias / run_explainability ask for it [C SDK]
        write_analysis_files(output, document)
    else:
        write_clarify_json(document, output / c.ANALYSIS_FILE)
    print(f"analysed {len(data)} records: wrote {output / c.ANALYSIS_FILE}")
    return JobResult(c.clarify_message(0))


def _dataset(context: JobContext, config: dict, config_path: Path) -> tuple[pd.DataFrame, Path]:
    """The CSV dataset under /opt/ml/processing/input/data, its columns named by ``headers``.

    [U] A first row equal to ``headers`` is a header row; without ``headers`` the file must have one.
    """
    from labkit.csvfiles import read_csv

    dataset_type = config.get("dataset_type", CSV_DATASET_TYPE)
    if dataset_type != CSV_DATASET_TYPE:
        raise JobFailure(
            f"dataset_type {dataset_type!r} is not supported by the offline twin (text/csv only)"
        )
    source = context.path(c.CLARIFY_DATA_INPUT)
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else []
    if not files:
        raise JobFailure(c.NO_DATA_REASON)
    headers = config.get("headers")
    frames = []
    for file in files:
        first = file.read_text(encoding="utf-8-sig").split("\n", 1)[0].strip().split(",")
        has_header = headers is None or [h.strip().strip('"') for h in first] == list(headers)
        frame = read_csv(file, header=has_header)
        if headers is not None:
            if frame.shape[1] != len(headers):
                raise LabkitInputError(
                    f"{frame.shape[1]} columns but analysis_config.json lists {len(headers)} headers",
                    path=file,
                )
            frame.columns = list(headers)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(data) == 0:
        raise JobFailure(c.NO_DATA_REASON)
    return data, files[0]


def _predictor_config(config: dict) -> dict:
    predictor = config.get("predictor") or {}
    if not isinstance(predictor, dict):
        raise JobFailure("analysis_config.json predictor must be an object")
    return predictor


def _endpoint(context: JobContext, config: dict, why: str) -> EndpointModel:
    if context.predictor is None:
        raise JobFailure(
            f"{why} needs the model's predictions, and no shadow endpoint (predictor) is available to this job"
        )
    content_type = _predictor_config(config).get("content_type", "text/csv")
    return EndpointModel(context.predictor, content_type=content_type)


def _features(config: dict, data: pd.DataFrame, label: str | None) -> list[str]:
    excluded = {label, *(config.get("excluded_columns") or [])}
    return [str(column) for column in data.columns if column not in excluded]


def bias_analysis(
    context: JobContext, config: dict, data: pd.DataFrame, *, config_path: Path, path: Path
):
    """The bias twin on the dataset; post-training metrics take the endpoint's predictions."""
    from labkit.model_bias import BiasConfig
    from labkit.model_bias.report import run_bias

    methods = config.get("methods") or {}
    bias_config = dataclasses.replace(
        BiasConfig.from_dict(config, path=config_path), methods=stage_methods(methods)
    )
    wants_post = "post_training_bias" in methods
    if wants_post and bias_config.predicted_label is None:
        model = _endpoint(context, config, "post_training_bias")
        features = data[_features(config, data, bias_config.label)]
        data = data.assign(
            **{PREDICTED_LABEL_COLUMN: model_outputs(model, features, _predictor_config(config))}
        )
        bias_config = dataclasses.replace(bias_config, predicted_label=PREDICTED_LABEL_COLUMN)
    if not wants_post:
        bias_config = dataclasses.replace(bias_config, predicted_label=None)
    return run_bias(data, bias_config, path=path)


def stage_methods(methods: dict) -> str | tuple[str, ...]:
    """The metrics ``methods.pre_training_bias`` and ``methods.post_training_bias`` ask for.

    Each stage lists names or says ``"all"``; a stage left out runs nothing [C docs: the
    analysis config's methods].
    """
    from labkit.model_bias import POSTTRAINING_METRICS, PRETRAINING_METRICS

    stages = {"pre_training_bias": PRETRAINING_METRICS, "post_training_bias": POSTTRAINING_METRICS}
    chosen = {
        stage: (methods.get(stage) or {}).get("methods", "all")
        for stage in stages
        if stage in methods
    }
    if len(chosen) == len(stages) and all(m == "all" for m in chosen.values()):
        return "all"
    names: list[str] = []
    for stage, metrics in stages.items():
        if stage in chosen:
            names += [m.name for m in metrics] if chosen[stage] == "all" else list(chosen[stage])
    return tuple(names)


def explain(context: JobContext, config: dict, data: pd.DataFrame, *, config_path: Path):
    """The SHAP twin on the dataset, as Clarify runs Kernel SHAP on every record [C docs]."""
    from labkit.model_explainability import suggest_baseline

    shap = config["methods"]["shap"]
    label = config.get("label")
    features = _features(config, data, label)
    rows = shap.get("baseline")
    if isinstance(rows, str):
        raise JobFailure(
            f"methods.shap.baseline is a URI ({rows}); the offline twin needs the rows inline"
        )
    baseline_rows = (
        None
        if rows is None
        else pd.DataFrame(
            [r["features"] if isinstance(r, dict) else r for r in rows], columns=features
        )
    )
    predictor = _predictor_config(config)
    probability = predictor.get("probability")
    label_headers = predictor.get("label_headers")
    # analysis.json's label key: predictor.label_headers[0], else label0 even with a label
    # column, as real jobs write it (labkit.model_explainability.analysis.label_key)
    return suggest_baseline(
        data, _endpoint(context, config, "methods.shap"),
        label=label, label_header=str(label_headers[0]) if label_headers else None,
        features=features, agg_method=shap.get("agg_method", "mean_abs"),
        method="kernel", num_samples=shap.get("num_samples"), max_rows=None,
        seed=int(shap.get("seed", 0)), use_logit=bool(shap.get("use_logit", False)),
        probability_index=probability if isinstance(probability, int) else None,
        shap_baseline_rows=baseline_rows,
    )  # fmt: skip


# --- monitoring executions ---------------------------------------------------------------------


def _baseline_analysis(context: JobContext) -> Path:
    path = context.path(context.require(c.BASELINE_CONSTRAINTS))
    if path.is_dir():
        path = path / c.ANALYSIS_FILE
    if not path.is_file():
        raise JobFailure(
            f"baseline file {context.get(c.BASELINE_CONSTRAINTS)} ({c.BASELINE_CONSTRAINTS}) was not found"
        )
    return path


def _bias_drift(context: JobContext, config: dict, config_path: Path) -> JobResult:
    """Bias drift: merged captured records (features, prediction, ground truth) against the baseline."""
    from labkit.model_bias import BiasConfig, BiasReport, monitor
    from labkit.model_bias.monitor import Baseline
    from labkit.model_quality import merge_ground_truth

    baseline_report = BiasReport.from_json(_baseline_analysis(context))
    bias_config = BiasConfig.from_dict(config, path=config_path)
    headers = config.get("headers")
    if not headers:
        raise LabkitInputError(
            "a bias drift analysis config needs headers (the captured features' names)",
            path=config_path,
        )
    fmt = datasets.parse_dataset_format(
        context.get(c.DATASET_FORMAT) or '{"sagemakerMergeJson": {}}'
    )
    if fmt.kind != c.MERGE_FORMAT:
        raise JobFailure(
            f"bias drift reads captured records merged with ground truth ({c.MERGE_FORMAT}), not {fmt.kind}"
        )
    merged = datasets.read_merged(context)
    features = [h for h in headers if h != bias_config.label]
    window = datasets.captured_frame(merged.captures, features, source=merged.source)
    inference = datasets.attribute(context.get(c.INFERENCE_ATTRIBUTE))
    probability = datasets.attribute(context.get(c.PROBABILITY_ATTRIBUTE))
    if inference is None and probability is None:
        inference = 0  # [U] a single-valued endpointOutput is the prediction
    joined = merge_ground_truth(
        merged.captures,
        merged.labels,
        inference_attribute=inference,
        probability_attribute=None if inference is not None else probability,
    ).frame
    window = window.apply(_numbers_if_all)
    window[bias_config.label] = joined["label"].to_numpy()
    window[PREDICTED_LABEL_COLUMN] = joined[
        "prediction" if inference is not None else "probability"
    ].to_numpy()
    threshold = context.get(c.PROBABILITY_THRESHOLD_ATTRIBUTE)
    bias_config = dataclasses.replace(
        bias_config, predicted_label=PREDICTED_LABEL_COLUMN,
        probability_threshold=float(threshold) if threshold is not None else (bias_config.probability_threshold if inference is not None else 0.5),
    )  # fmt: skip
    report = monitor(window, Baseline(baseline_report, bias_config), path=merged.source)
    output = context.path(context.get(c.OUTPUT_PATH) or str(c.CLARIFY_OUTPUT))
    report.to_json(output)
    latest = max(r.inference_time for r in merged.captures)
    context.publish(report, latest)
    n = len(report.violations)
    print(
        f"bias drift on {len(window)} merged records: {n} violation(s); wrote the reports to {output}"
    )
    return JobResult(c.clarify_message(n), "ModelBias")


def _attribution_drift(context: JobContext, config: dict, config_path: Path) -> JobResult:
    """Feature attribution drift: SHAP of the window's captured inputs, NDCG against the baseline."""
    from labkit.model_explainability import Baseline, monitor
    from labkit.model_explainability.analysis import Analysis, AnalysisConfig

    analysis_config = AnalysisConfig.from_dict(config, path=config_path)
    baseline = Baseline(Analysis.from_json(_baseline_analysis(context)), analysis_config)
    window_records = datasets.read_window(context)
    window = datasets.captured_frame(
        window_records.records, list(analysis_config.headers), source=window_records.source
    )
    report = monitor(
        window, baseline, _endpoint(context, config, "feature attribution drift"),
        method="kernel", max_rows=None, seed=analysis_config.seed or 0,
    )  # fmt: skip
    output = context.path(context.get(c.OUTPUT_PATH) or str(c.CLARIFY_OUTPUT))
    report.to_json(output)
    latest = max(r.inference_time for r in window_records.records)
    context.publish(report, latest)
    n = len(report.violations.violations)
    print(
        f"attribution drift on {len(window)} records: NDCG {', '.join(f'{v:.4f}' for v in report.ndcg.values())}; {n} violation(s)"
    )
    return JobResult(c.clarify_message(n), "ModelExplainability")


def _numbers_if_all(column: pd.Series) -> pd.Series:
    """Captured text cells as numbers when every one parses (the dataset's CSV reading)."""
    numbers = pd.to_numeric(column, errors="coerce")
    return numbers if numbers.notna().sum() == column.notna().sum() else column
