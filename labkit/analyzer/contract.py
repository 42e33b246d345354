"""The processing-job contract the twins run behind: environment in, files and exit message out.

A monitoring execution (or a baselining job) is a SageMaker Processing job. SageMaker downloads
each input to its ``LocalPath`` under ``/opt/ml/processing``, starts the image with an environment,
uploads each output ``LocalPath`` afterwards, and reads back two things the container leaves:
the first 1 KB of ``/opt/ml/output/message`` (DescribeProcessingJob's ``ExitMessage``) and the
CloudWatch metric files under ``/opt/ml/output/metrics/cloudwatch``. ``run_job`` (in
:mod:`labkit.analyzer.job`, also reachable as ``contract.run_job``) is that container:
it reads the environment as the analyzer images do, runs the matching twin on files under
``root`` (which stands for the container's ``/``), writes the service's files, and returns what
DescribeProcessingJob and the monitoring execution would report.

Every name and path the service uses lives in this module, with its source. Tags as in
``shared/reference``: [C] confirmed in a primary source, [U] the kit's most defensible reading.

Sources
-------
- AWS, "Container Contract Inputs" (model-monitor-byoc-contract-inputs), "Container Contract
  Outputs" (model-monitor-byoc-contract-outputs), "CloudWatch Metrics for Bring Your Own
  Containers" (model-monitor-byoc-cloudwatch), "Build Your Own Processing Container"
  (build-your-own-processing-container: ``/opt/ml/output/message``, exit codes),
  "Configure the analysis" (clarify-processing-job-configure-analysis), "Get Started with a
  SageMaker Clarify Container" (clarify-processing-job-configure-container), "Schedule Bias
  Drift Monitoring Jobs" (clarify-model-monitor-bias-drift-schedule); read from
  awsdocs/amazon-sagemaker-developer-guide at a869fa5 (doc_source/).
- SageMaker Python SDK v3 (sagemaker-core, as installed): ``sagemaker/core/model_monitor/
  model_monitoring.py`` (``_CONTAINER_BASE_PATH``, ``_BASELINE_DATASET_INPUT_NAME``, the
  ``*_ENV_NAME`` constants, ``suggest_baseline``), ``dataset_format.py``, and
  ``sagemaker/core/clarify/__init__.py`` (``_CLARIFY_DATA_INPUT``, ``_CLARIFY_CONFIG_INPUT``,
  ``_CLARIFY_OUTPUT``).
- Real executions: aws/amazon-sagemaker-examples ``sm-model_monitor_introduction.ipynb`` as run
  on 2022-04-18 (commit 1732bc214): baseline job log ``Completed: Job completed successfully
  with no violations.`` then ``Write to file /opt/ml/output/message``; a monitoring execution's
  ExitMessage ``CompletedWithViolations: Job completed successfully with 60 violations.`` with
  ProcessingJobStatus ``Completed``; its report folder holds constraint_violations.json,
  constraints.json and statistics.json. Clarify job logs (``text_explainability.ipynb``,
  commit 01fbfc646, run 2023-02-23): ``exit_message: Completed: SageMaker XAI Analyzer ran
  successfully``.
- Real processing requests of a model-quality execution, logged 2021-05-06 and quoted in a
  public MLOps CDK project's notes (code index id 24524157696): the ground-truth merge job
  (image ``sagemaker-model-monitor-groundtruth-merger``; env ``dataset_source``,
  ``ground_truth_source``, ``output_path``) and the analysis job (``analysis_type``
  ``MODEL_QUALITY``, ``dataset_format`` ``sagemakerMergeJson``, ``metric_time`` …).
- aws/sagemaker-python-sdk issue #2634 (2021-09): a data-quality execution that fails with
  FailureReason ``Job inputs had no data``.
- aws/amazon-sagemaker-examples ``sm-model_monitor_byoc_llm_monitor/src/main.py``: metrics
  written as JSON Lines to ``/opt/ml/output/metrics/cloudwatch/cloudwatch_metrics.jsonl``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from labkit.cloudwatch import METRICS_FILE, MetricDatum

__all__ = [
    "CLARIFY_REPOSITORY",
    "MODEL_MONITOR_REPOSITORY",
    "JobOutcome",
    "Predictor",
    "container_path",
]

Predictor = Callable[[bytes, str], tuple[bytes, str]]
"""``predictor(payload, content_type) -> (body, content_type)``: the shadow endpoint Clarify calls."""

# --- images ------------------------------------------------------------------------------------
# Repository names in the image URIs [C SDK image_uri_config; docs clarify-processing-job-configure-container].
MODEL_MONITOR_REPOSITORY = "sagemaker-model-monitor-analyzer"
GROUND_TRUTH_MERGER_REPOSITORY = "sagemaker-model-monitor-groundtruth-merger"  # [C 2021 log]
CLARIFY_REPOSITORY = "sagemaker-clarify-processing"

# --- environment variables the Model Monitor analyzer reads --------------------------------------
# Names: [C] docs "Container Contract Inputs" and the SDK's *_ENV_NAME constants; the real 2021
# model-quality request adds metric_time.
DATASET_FORMAT = "dataset_format"  # JSON text, e.g. {"csv": {"header": true, "output_columns_position": "START"}}
DATASET_SOURCE = "dataset_source"  # a directory: baseline dataset, capture hours or merged data
OUTPUT_PATH = "output_path"  # report folder, uploaded to the output's S3Uri
BASELINE_STATISTICS = "baseline_statistics"  # a file path
BASELINE_CONSTRAINTS = (
    "baseline_constraints"  # a file path (Clarify: the baseline analysis.json [U])
)
ANALYSIS_TYPE = "analysis_type"  # absent for data quality; "MODEL_QUALITY" [C SDK]
PROBLEM_TYPE = "problem_type"  # Regression | BinaryClassification | MulticlassClassification
INFERENCE_ATTRIBUTE = "inference_attribute"  # predicted label: column name, or index in the output
PROBABILITY_ATTRIBUTE = "probability_attribute"
PROBABILITY_THRESHOLD_ATTRIBUTE = "probability_threshold_attribute"
GROUND_TRUTH_ATTRIBUTE = "ground_truth_attribute"
CATEGORICAL_DRIFT_METHOD = "categorical_drift_method"  # LInfinity | ChiSquared [C SDK]
START_TIME = "start_time"  # window start, "2021-05-06T22:00:00Z"
END_TIME = "end_time"  # window end (exclusive)
METRIC_TIME = "metric_time"  # the metrics' timestamp [C 2021 log]
PUBLISH_CLOUDWATCH_METRICS = "publish_cloudwatch_metrics"  # "Enabled" | "Disabled"
ENDPOINT_NAME = "sagemaker_endpoint_name"
SCHEDULE_NAME = "sagemaker_monitoring_schedule_name"
DATACAPTURE_PREFIX = "sagemaker_endpoint_datacapture_prefix"
RECORD_PREPROCESSOR_SCRIPT = "record_preprocessor_script"
POST_ANALYTICS_PROCESSOR_SCRIPT = "post_analytics_processor_script"
GROUND_TRUTH_SOURCE = "ground_truth_source"  # the merge job's labels folder [C 2021 log]
# The Clarify monitoring executions' EndpointInput fields reach the container under the same
# names as model quality's [U: by analogy with the 2021 model-quality request].
FEATURES_ATTRIBUTE = "features_attribute"

ENABLED, DISABLED = "Enabled", "Disabled"
MODEL_QUALITY_ANALYSIS = "MODEL_QUALITY"  # [C SDK ModelQualityMonitor.suggest_baseline]

# --- dataset_format values ---------------------------------------------------------------------
# csv / json / parquet: baselines and batch transform [C docs, SDK DatasetFormat]; captured data
# from an endpoint [C docs]; merged captured data + labels [C 2021 log].
CSV_FORMAT, JSON_FORMAT, PARQUET_FORMAT = "csv", "json", "parquet"
CAPTURE_FORMAT = "sagemakerCaptureJson"
MERGE_FORMAT = "sagemakerMergeJson"
CAPTURE_INDEX_NAMES = ("endpointInput", "endpointOutput")  # the analyzer's default [C image dump]
DEFAULT_CSV_HEADER = False  # the analyzer's CSV default when "header" is absent [C image dump]
DEFAULT_OUTPUT_COLUMNS_POSITION = "START"  # [C SDK DatasetFormat.csv, image dump]

# --- container paths ---------------------------------------------------------------------------
PROCESSING_ROOT = PurePosixPath("/opt/ml/processing")  # every LocalPath starts here [C docs]
MESSAGE_FILE = PurePosixPath("/opt/ml/output/message")  # ExitMessage = its first 1 KB [C docs]
EXIT_MESSAGE_MAX_BYTES = 1024
CLOUDWATCH_METRICS_DIR = PurePosixPath("/opt/ml/output/metrics/cloudwatch")  # [C docs]
CLOUDWATCH_METRICS_FILE = METRICS_FILE  # one JSON object per line [C AWS BYOC example]
PROCESSING_JOB_CONFIG = PurePosixPath("/opt/ml/config/processingjobconfig.json")  # [C docs]

# What the SDK and the service put in each job's ProcessingInputs / ProcessingOutputs.
# Baselining jobs started by the SDK's suggest_baseline [C SDK]:
BASELINE_DATASET_INPUT = PROCESSING_ROOT / "input" / "baseline_dataset_input"
RECORD_PREPROCESSOR_INPUT = PROCESSING_ROOT / "input" / "record_preprocessor_script_input"
POST_ANALYTICS_PROCESSOR_INPUT = PROCESSING_ROOT / "input" / "post_analytics_processor_script_input"
MONITORING_OUTPUT = PROCESSING_ROOT / "output"  # OutputName "monitoring_output" [C SDK, 2022 run]
# Scheduled executions [C SDK EndpointInput default destination; docs bias drift schedule]:
ENDPOINT_INPUT = PROCESSING_ROOT / "input" / "endpoint"  # + /{endpoint}/{variant}/yyyy/mm/dd/hh
# Batch-transform capture [U: the SDK's BatchTransformInput destination is the user's choice;
# the kit uses this one]:
BATCH_TRANSFORM_INPUT = PROCESSING_ROOT / "input" / "batch_transform"
# The model-quality merge job and the analysis job after it [C 2021 log]:
MERGE_INPUT_DATA = PROCESSING_ROOT / "input_data"  # capture hours in, merged hours for the analysis
GROUND_TRUTH_INPUT = PROCESSING_ROOT / "groundtruth"  # + /yyyy/mm/dd/hh (collection hour)
MERGE_OUTPUT = PROCESSING_ROOT / "output"
# Baseline files of a scheduled execution: constraints [C 2021 log]; statistics [C AWS example
# monitoringjob_utils.py]:
BASELINE_CONSTRAINTS_INPUT = PROCESSING_ROOT / "baseline" / "constraints"
BASELINE_STATISTICS_INPUT = PROCESSING_ROOT / "baseline" / "stats"
# Clarify processing jobs [C SDK SageMakerClarifyProcessor]:
CLARIFY_DATA_INPUT = PROCESSING_ROOT / "input" / "data"  # InputName "dataset"
CLARIFY_CONFIG_INPUT = PROCESSING_ROOT / "input" / "config"  # InputName "analysis_config"
CLARIFY_OUTPUT = PROCESSING_ROOT / "output"  # OutputName "analysis_result"
ANALYSIS_CONFIG_FILE = "analysis_config.json"
# Clarify monitoring executions: analysis config from the job definition's ConfigUri, baseline
# analysis.json from its ConstraintsResource; where the service puts them is not published
# [U: the kit uses the Clarify processing job's config folder and the Model Monitor baseline
# folder]. Bias drift reads merged data (ground truth needed), attribution drift captured data.
CLARIFY_BASELINE_INPUT = BASELINE_CONSTRAINTS_INPUT

# Report file names [C docs / SDK]:
STATISTICS_FILE = "statistics.json"
CONSTRAINTS_FILE = "constraints.json"
VIOLATIONS_FILE = "constraint_violations.json"
ANALYSIS_FILE = "analysis.json"

# --- statuses and messages ---------------------------------------------------------------------
COMPLETED = "Completed"
COMPLETED_WITH_VIOLATIONS = "CompletedWithViolations"
FAILED = "Failed"
STATUSES = (COMPLETED, COMPLETED_WITH_VIOLATIONS, FAILED)
# Exit codes: a processing job completes only when the container exits 0 [C docs], and an
# execution with violations is a *Completed* processing job [C 2022 run]; so both completed
# states exit 0. Failed: the kit's exit code 2 (labkit.cli.EXIT_FAILED).
EXIT_CODES = {COMPLETED: 0, COMPLETED_WITH_VIOLATIONS: 0, FAILED: 2}
NO_DATA_REASON = "Job inputs had no data"  # FailureReason [C issue #2634]


def format_time(moment: datetime) -> str:
    """A time as the service writes ``start_time``/``end_time``/``metric_time``: ``2021-05-06T22:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def execution_environment(
    *,
    dataset_format: Mapping[str, Any],
    dataset_source: str | PurePosixPath,
    start_time: datetime,
    end_time: datetime,
    schedule: str,
    endpoint: str | None = None,
    output_path: str | PurePosixPath = MONITORING_OUTPUT,
    baseline_constraints: str | PurePosixPath | None = None,
    baseline_statistics: str | PurePosixPath | None = None,
    publish_cloudwatch_metrics: bool = True,
    metric_time: datetime | None = None,
    **attributes: str | None,
) -> dict[str, str]:
    """The environment the service gives a scheduled execution's analysis job.

    Shapes as in a real model-quality execution (2021 requests) and the docs' example:
    ``dataset_format`` as compact JSON, times as ``format_time``, ``publish_cloudwatch_metrics``
    Enabled/Disabled, ``metric_time`` = the window start [C 2021 log]. ``attributes`` are
    further variables by name (``analysis_type``, ``problem_type``, ``inference_attribute``, …);
    None leaves one out. ``endpoint`` None is a batch-transform execution.
    """
    env = {
        DATASET_FORMAT: json.dumps(dict(dataset_format), separators=(",", ":")),
        DATASET_SOURCE: str(dataset_source),
        OUTPUT_PATH: str(output_path),
        START_TIME: format_time(start_time),
        END_TIME: format_time(end_time),
        METRIC_TIME: format_time(metric_time or start_time),
        PUBLISH_CLOUDWATCH_METRICS: ENABLED if publish_cloudwatch_metrics else DISABLED,
        SCHEDULE_NAME: schedule,
    }
    for name, value in (
        (ENDPOINT_NAME, endpoint),
        (BASELINE_CONSTRAINTS, baseline_constraints),
        (BASELINE_STATISTICS, baseline_statistics),
        *attributes.items(),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def model_monitor_message(n_violations: int) -> str:
    """The analyzer's ExitMessage: ``Completed: …no violations.`` or ``CompletedWithViolations: …``.

    Both texts [C 2022 run]; "1 violations" for one [U: the format string is not published].
    """
    if n_violations == 0:
        return "Completed: Job completed successfully with no violations."
    return f"CompletedWithViolations: Job completed successfully with {n_violations} violations."


def clarify_message(n_violations: int) -> str:
    """Clarify's ExitMessage. Completed [C 2023 logs]; with violations [U: the monitor's wording]."""
    if n_violations == 0:
        return "Completed: SageMaker XAI Analyzer ran successfully"
    return f"CompletedWithViolations: Job completed successfully with {n_violations} violations."


def failure_texts(reason: str) -> tuple[str, str]:
    """(ExitMessage, FailureReason) of a failed job, from the one-line reason.

    [U] The analyzers' failure wording is not published: the message keeps the
    "<status>: <text>" shape of the confirmed ones; FailureReason takes the processing service's
    "AlgorithmError: " prefix for a container that exited non-zero. The no-data failure keeps
    the service's own text [C issue #2634].
    """
    if reason == NO_DATA_REASON:
        return reason, reason
    return f"Failed: {reason}", f"AlgorithmError: {reason}"


def status_of(exit_message: str, exit_code: int) -> str:
    """The monitoring execution status SageMaker derives: exit code, then the message's prefix."""
    if exit_code != 0:
        return FAILED
    return (
        COMPLETED_WITH_VIOLATIONS
        if exit_message.startswith(COMPLETED_WITH_VIOLATIONS)
        else COMPLETED
    )


@dataclass(frozen=True)
class JobOutcome:
    """What DescribeProcessingJob (and the monitoring execution summary) would report."""

    status: str  # "Completed" | "CompletedWithViolations" | "Failed"
    exit_message: str  # what DescribeProcessingJob's ExitMessage would say
    failure_reason: str | None  # what FailureReason would say
    metrics: tuple[MetricDatum, ...]  # read back from root/opt/ml/output/metrics/cloudwatch

    @property
    def exit_code(self) -> int:
        """The container's exit code: 0 for both completed states, 2 when failed."""
        return EXIT_CODES[self.status]


class JobFailure(Exception):
    """A job that cannot run: the one-line reason becomes ExitMessage and FailureReason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def container_path(root: Path, where: str | PurePosixPath) -> Path:
    """``root`` + an absolute container path: ``/opt/ml/processing/output`` → ``root/opt/ml/processing/output``."""
    posix = PurePosixPath(where)
    if not posix.is_absolute():
        raise JobFailure(f"expected an absolute container path, got {str(where)!r}")
    if ".." in posix.parts:
        raise JobFailure(f"container path {str(where)!r} leaves the container's file system")
    return Path(root, *posix.parts[1:])


def __getattr__(name: str) -> Any:
    """``contract.run_job``: the runner lives in :mod:`labkit.analyzer.job` (imported on use)."""
    if name == "run_job":
        from labkit.analyzer.job import run_job

        return run_job
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
