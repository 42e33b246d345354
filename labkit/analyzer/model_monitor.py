"""The Model Monitor analyzer's four jobs: data-quality and model-quality, baselining and monitoring.

Which job runs follows the environment as the analyzer reads it: ``analysis_type``
``MODEL_QUALITY`` selects model quality (otherwise data quality), and ``baseline_constraints``
selects a monitoring execution (otherwise a baselining job: SDK ``suggest_baseline`` sets no
baseline). Each job calls the twin the ``labkit data-quality`` / ``labkit model-quality``
commands call, so the report files are the same bytes for the same data.

Files written to ``output_path`` (AWS "Container Contract Outputs"; the 2022 execution's report
folder): baselining: statistics.json, constraints.json; data-quality monitoring:
statistics.json, constraints.json, constraint_violations.json; model-quality monitoring:
statistics.json, constraint_violations.json. Metrics go to ``/opt/ml/output/metrics/cloudwatch``
when ``publish_cloudwatch_metrics`` is Enabled, never into the report folder.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import pandas as pd

from labkit.analyzer import contract as c
from labkit.analyzer import datasets
from labkit.analyzer.contract import JobFailure
from labkit.analyzer.job import JobContext, JobResult
from labkit.errors import LabkitInputError

__all__ = ["run"]

_PARSED: OrderedDict = OrderedDict()  # (class, SHA-256 of the file) -> parsed baseline; see _parsed
_PARSED_KEPT = 8  # the most recent baselines kept (a few schedules' statistics and constraints)


def run(context: JobContext) -> JobResult:
    """Run the job the environment describes; return its exit message."""
    model_quality = context.get(c.ANALYSIS_TYPE) == c.MODEL_QUALITY_ANALYSIS
    if context.get(c.ANALYSIS_TYPE) not in (None, c.MODEL_QUALITY_ANALYSIS):
        raise JobFailure(
            f"{c.ANALYSIS_TYPE} {context.get(c.ANALYSIS_TYPE)!r} is not supported (expected {c.MODEL_QUALITY_ANALYSIS} or unset)"
        )
    for variable in (c.RECORD_PREPROCESSOR_SCRIPT, c.POST_ANALYTICS_PROCESSOR_SCRIPT):
        if context.get(variable):  # never run a learner's script silently differently: refuse it
            raise JobFailure(
                f"{variable} is set; the offline twin does not run preprocessing or postprocessing scripts"
            )
    monitoring = context.get(c.BASELINE_CONSTRAINTS) is not None
    fmt = datasets.parse_dataset_format(context.get(c.DATASET_FORMAT))
    output = context.path(context.require(c.OUTPUT_PATH))
    if model_quality:
        return (
            _model_quality_monitor(context, fmt, output)
            if monitoring
            else _model_quality_baseline(context, fmt, output)
        )
    return (
        _data_quality_monitor(context, fmt, output)
        if monitoring
        else _data_quality_baseline(context, fmt, output)
    )


# --- data quality ------------------------------------------------------------------------------


def _data_quality_baseline(context: JobContext, fmt, output) -> JobResult:
    from labkit import data_quality

    table, path = datasets.read_table(context, fmt, typed=False)
    baseline = data_quality.suggest_baseline(
        table, monitoring_config=_monitoring_config(context), path=path
    )
    baseline.to_json(output)
    print(
        f"baseline on {baseline.statistics.item_count} rows: wrote {c.STATISTICS_FILE} and {c.CONSTRAINTS_FILE} to {output}"
    )
    return JobResult(c.model_monitor_message(0), "DataQuality")


def _monitoring_config(context: JobContext):
    """The container's defaults, with ``categorical_drift_method`` from the SDK's override [C SDK]."""
    from labkit.data_quality import MonitoringConfig

    method = context.get(c.CATEGORICAL_DRIFT_METHOD)
    if method is None:
        return None
    if method not in ("LInfinity", "ChiSquared"):
        raise JobFailure(f"{c.CATEGORICAL_DRIFT_METHOD} {method!r} is not LInfinity or ChiSquared")
    return MonitoringConfig(categorical_drift_method=method)


def _data_quality_monitor(context: JobContext, fmt, output) -> JobResult:
    from labkit import data_quality

    statistics = _parsed(data_quality.Statistics, _baseline_file(context, c.BASELINE_STATISTICS))
    constraints = _parsed(data_quality.Constraints, _baseline_file(context, c.BASELINE_CONSTRAINTS))
    names = statistics.names
    if fmt.is_captured:
        window, path, latest = datasets.read_captured(context, fmt, names)
    else:
        window, path = datasets.read_table(context, fmt, typed=False)
        if fmt.kind == c.CSV_FORMAT and not fmt.header:
            window = datasets.name_by_position(window, names)
        latest = None
    report = data_quality.monitor(window, statistics, constraints, path=path)
    report.to_json(output)  # statistics, constraints and violations, as the CLI writes them
    for name in data_quality.uncompared_features(statistics):
        print(f"note: {name!r} has no categorical distribution: baseline_drift_check skips it")
    context.publish(report, latest)
    n = len(report.violations.violations)
    print(
        f"{report.statistics.item_count} records analysed: {n} violation(s); wrote the reports to {output}"
    )
    return JobResult(c.model_monitor_message(n), "DataQuality")


def _parsed(kind, path):
    """``kind.from_json(path)``, parsed once per file content.

    Every execution of a schedule reads the same baseline files; parsing statistics.json is
    most of a small execution's fixed cost (~8 ms for the credit scenario's 10 features). The
    cache key is the file's bytes (SHA-256) and the class, so an edited or newly uploaded
    baseline is parsed afresh; the objects are frozen dataclasses of tuples, which ``monitor``
    only reads. A file that does not parse is never cached: it fails as ``from_json`` fails.
    """
    try:
        key = (kind, hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return kind.from_json(path)  # which names the file and the error
    if key in _PARSED:
        _PARSED.move_to_end(key)
        return _PARSED[key]
    value = _PARSED[key] = kind.from_json(path)
    while len(_PARSED) > _PARSED_KEPT:
        _PARSED.popitem(last=False)
    return value


def _baseline_file(context: JobContext, variable: str):
    path = context.path(context.require(variable))
    if path.is_dir():  # a LocalPath folder holding the one file
        files = sorted(p for p in path.iterdir() if p.is_file())
        if len(files) != 1:
            raise JobFailure(
                f"{variable} names folder {context.get(variable)} holding {len(files)} files; expected the one baseline file"
            )
        return files[0]
    if not path.is_file():
        raise JobFailure(f"baseline file {context.get(variable)} ({variable}) was not found")
    return path


# --- model quality -----------------------------------------------------------------------------


def _problem_type(context: JobContext) -> str:
    from labkit.model_quality import PROBLEM_TYPES

    value = context.require(c.PROBLEM_TYPE)
    if value not in PROBLEM_TYPES:
        raise JobFailure(f"{c.PROBLEM_TYPE} {value!r} is not one of {', '.join(PROBLEM_TYPES)}")
    return value


def _threshold(context: JobContext) -> float:
    from labkit.model_quality.inputs import (
        DEFAULT_PROBABILITY_THRESHOLD,
        check_probability_threshold,
    )

    text = context.get(c.PROBABILITY_THRESHOLD_ATTRIBUTE)
    return DEFAULT_PROBABILITY_THRESHOLD if text is None else check_probability_threshold(text)


def _model_quality_baseline(context: JobContext, fmt, output) -> JobResult:
    from labkit import model_quality

    problem_type = _problem_type(context)
    table, path = datasets.read_table(context, fmt, typed=True)
    columns = _columns(context, table, problem_type)
    baseline = model_quality.suggest_baseline(
        table,
        problem_type=problem_type,
        probability_threshold=_threshold(context),
        path=path,
        **columns,
    )
    baseline.to_json(output)
    print(
        f"{problem_type} baseline on {baseline.statistics.item_count} rows: wrote {c.STATISTICS_FILE} and {c.CONSTRAINTS_FILE} to {output}"
    )
    return JobResult(c.model_monitor_message(0), "ModelQuality")


def _columns(context: JobContext, table: pd.DataFrame, problem_type: str) -> dict[str, str | None]:
    label = datasets.column(
        table, context.get(c.GROUND_TRUTH_ATTRIBUTE), variable=c.GROUND_TRUTH_ATTRIBUTE
    )
    if label is None:
        raise JobFailure(f"environment variable {c.GROUND_TRUTH_ATTRIBUTE} is not set")
    prediction = datasets.column(
        table, context.get(c.INFERENCE_ATTRIBUTE), variable=c.INFERENCE_ATTRIBUTE
    )
    probability = datasets.column(
        table, context.get(c.PROBABILITY_ATTRIBUTE), variable=c.PROBABILITY_ATTRIBUTE
    )
    if prediction is None and not (problem_type == "BinaryClassification" and probability):
        raise JobFailure(
            f"{problem_type} needs {c.INFERENCE_ATTRIBUTE}"
            + (f" (or {c.PROBABILITY_ATTRIBUTE})" if problem_type == "BinaryClassification" else "")
        )
    for name in filter(None, (label, prediction, probability)):
        missing = table[name].isna().to_numpy()
        if missing.any():
            raise LabkitInputError(
                "empty value; every row needs one",
                line=int(missing.nonzero()[0][0]) + 2,
                column=name,
            )
    return {"label": label, "prediction": prediction, "probability": probability}


def _model_quality_monitor(context: JobContext, fmt, output) -> JobResult:
    from labkit import model_quality

    constraints = model_quality.Constraints.from_json(
        _baseline_file(context, c.BASELINE_CONSTRAINTS)
    )
    if (
        context.get(c.PROBLEM_TYPE) is not None
        and _problem_type(context) != constraints.problem_type
    ):
        raise JobFailure(
            f"{c.PROBLEM_TYPE} is {context.get(c.PROBLEM_TYPE)} but the baseline constraints are for {constraints.problem_type}"
        )
    latest = None
    if fmt.kind == c.MERGE_FORMAT:
        table, path, latest = _merged_table(context)
        columns = {
            "label": "label",
            "prediction": "prediction" if "prediction" in table.columns else None,
            "probability": "probability" if "probability" in table.columns else None,
        }
    else:
        table, path = datasets.read_table(context, fmt, typed=True)
        columns = _columns(context, table, constraints.problem_type)
    report = model_quality.monitor(
        table, constraints, probability_threshold=_threshold(context), path=path, **columns
    )
    report.to_json(output)
    context.publish(report, latest)
    n = len(report.violations)
    print(
        f"{constraints.problem_type} on {report.statistics.item_count} merged records: {n} violation(s); wrote the reports to {output}"
    )
    return JobResult(c.model_monitor_message(n), "ModelQuality")


def _merged_table(context: JobContext):
    """Merged records → label, prediction and probability columns, by the twin's merge."""
    from labkit.model_quality import merge_ground_truth

    merged = datasets.read_merged(context)
    inference = datasets.attribute(context.get(c.INFERENCE_ATTRIBUTE))
    probability = datasets.attribute(context.get(c.PROBABILITY_ATTRIBUTE))
    if inference is None and probability is None:
        raise JobFailure(
            f"{c.INFERENCE_ATTRIBUTE} or {c.PROBABILITY_ATTRIBUTE} must locate the prediction in endpointOutput"
        )
    result = merge_ground_truth(
        merged.captures,
        merged.labels,
        inference_attribute=inference,
        probability_attribute=probability,
    )
    latest = max(r.inference_time for r in merged.captures)
    return result.frame, merged.source, latest
