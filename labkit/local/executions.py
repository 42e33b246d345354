"""One monitoring execution: the processing jobs SageMaker starts for a schedule at a scheduled time.

An execution of a schedule scheduled at T analyses the captured data of its window (``labkit.
schedule``: the previous interval, ``DataAnalysisStartTime``/``EndTime`` or the input's
``StartTimeOffset``/``EndTimeOffset``). Its processing job carries what the service puts there
(AWS "Container Contract Inputs"; ``labkit.analyzer.contract`` names every variable and path):

* the captured hour folders overlapping the window, under the input's ``LocalPath`` as
  ``{endpoint}/{variant}/yyyy/mm/dd/hh`` (batch transform: the files its capture manifests list);
* the baseline files (statistics and constraints, or Clarify's analysis.json) and Clarify's
  analysis configuration (the job definition's ``ConfigUri``);
* ``dataset_format``, ``dataset_source``, ``output_path``, ``start_time``, ``end_time``,
  ``metric_time``, the endpoint and schedule names, the model-quality and Clarify attributes,
  plus the job definition's own environment (``publish_cloudwatch_metrics``…);
* one output: ``{S3Uri}/{endpoint}/{schedule}/yyyy/mm/dd/hh`` (``labkit.schedule.report_prefix``).

Model quality and bias drift need ground truth: a merge job (the ``sagemaker-model-monitor-
groundtruth-merger`` image) first joins the window's captures with the labels collected up to T
and writes ``{S3Uri}/merge/{endpoint}/{variant}/yyyy/mm/dd/hh/``, which the analysis job reads.
A window without captured data fails with ``Job inputs had no data`` and starts no job, as an
execution without a ``ProcessingJobArn`` (the SDK's ``list_executions`` skips those).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from labkit import capture
from labkit.analyzer import contract as c
from labkit.aws.requests import split_s3_uri
from labkit.local import s3 as s3_files
from labkit.local.job_definitions import JobSpec
from labkit.local.s3 import LocalS3
from labkit.schedule import report_prefix

__all__ = ["JOB_NAME_FORMAT", "ExecutionOutcome", "ExecutionRunner"]

# [U] Names of the jobs an execution starts: "model-monitoring-<yyyymmddHHMM>-<24 hex>" as
# executions' ProcessingJobArns show in public outputs; the merge job's name is the kit's.
JOB_NAME_FORMAT = "model-monitoring-{time:%Y%m%d%H%M}-{suffix}"
MERGE_JOB_NAME_FORMAT = "groundtruth-merge-{time:%Y%m%d%H%M}-{suffix}"
MERGE_FOLDER = "merge"  # merged records under the output's S3Uri [C: a 2023 bias-drift run's
#                         monitor-output/merge/<endpoint>/AllTraffic/yyyy/mm/dd/hh/part-….jsonl]
# EndpointInput / BatchTransformInput members the container receives as variables [C docs, SDK]
_ATTRIBUTES = {c.FEATURES_ATTRIBUTE: "FeaturesAttribute", c.INFERENCE_ATTRIBUTE: "InferenceAttribute",
               c.PROBABILITY_ATTRIBUTE: "ProbabilityAttribute",
               c.PROBABILITY_THRESHOLD_ATTRIBUTE: "ProbabilityThresholdAttribute"}  # fmt: skip
NEEDS_GROUND_TRUTH = ("ModelQuality", "ModelBias")  # *JobInput.GroundTruthS3Input [C botocore]
READS_MERGED = NEEDS_GROUND_TRUTH
CLARIFY_TYPES = ("ModelBias", "ModelExplainability")
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ExecutionOutcome:
    """What the execution summary reports: status, the job that ran last, why it failed."""

    status: str
    processing_job_arn: str | None = None
    failure_reason: str | None = None


class ExecutionRunner:
    """Builds and runs the processing jobs of one execution."""

    def __init__(self, *, region: str, s3: LocalS3, start_job: Callable[..., dict],
                 capture_destination: Callable[[str], str | None], predictor_for_endpoint: Callable[[str], Any],
                 baselining_outputs: Callable[[str], str | None], seed: int) -> None:  # fmt: skip
        self.region, self.s3, self.start_job = region, s3, start_job
        self.capture_destination, self.predictor_for_endpoint = capture_destination, predictor_for_endpoint
        self.baselining_outputs, self.seed = baselining_outputs, seed

    def run(self, schedule: dict, spec: JobSpec, scheduled: datetime, window: tuple[datetime, datetime]) -> ExecutionOutcome:
        endpoint = spec.endpoint_name
        data = self._endpoint_hours(endpoint, window) if endpoint else self._batch_files(spec, window)
        if not data:
            return ExecutionOutcome("Failed", failure_reason=c.NO_DATA_REASON)
        local = spec.monitoring_input.get("LocalPath", str(c.ENDPOINT_INPUT))
        names = self._names(schedule["MonitoringScheduleName"], scheduled)
        output_uri = spec.outputs[0]["S3Output"]["S3Uri"]
        if spec.monitoring_type in NEEDS_GROUND_TRUTH:
            merged = self._merge(spec, names[1], data, scheduled, window, output_uri, schedule)
            if isinstance(merged, ExecutionOutcome):
                return merged
            data, local = merged, str(c.MERGE_INPUT_DATA)
        inputs = [_input(f"{_input_name(spec)}{i + 1}", uri, f"{local}/{folder}") for i, (uri, folder) in enumerate(data)]
        inputs += self._baseline_inputs(spec)
        env = self._environment(schedule, spec, window, local, inputs)
        report = report_prefix("", schedule_name=schedule["MonitoringScheduleName"], scheduled_time=scheduled,
                               endpoint_name=endpoint).as_posix()  # fmt: skip
        request = self._request(spec, names[0], inputs, env, s3_files.join(output_uri, report))
        predictor = self.predictor_for_endpoint(endpoint) if endpoint and spec.monitoring_type in CLARIFY_TYPES else None
        job = self.start_job(request, predictor=predictor, schedule_arn=schedule["MonitoringScheduleArn"])
        return _outcome(job)

    # --- what the job reads ---------------------------------------------------------------------

    def _endpoint_hours(self, endpoint: str, window: tuple[datetime, datetime]) -> list[tuple[str, str]]:
        """(S3 prefix, folder) of each captured hour overlapping the window, in key order."""
        destination = self.capture_destination(endpoint)
        if destination is None:
            return []
        return self._variant_hours(s3_files.join(destination, endpoint), f"{endpoint}/", window)

    def _variant_hours(self, root: str, folder_prefix: str, window: tuple[datetime, datetime]) -> list[tuple[str, str]]:
        """The hours of each variant folder under ``root`` (``{variant}/yyyy/mm/dd/hh``)."""
        return [hour for variant in self.s3.list_folders(root)
                for hour in self._hours(s3_files.join(root, variant), f"{folder_prefix}{variant}/", window)]  # fmt: skip

    def _hours(self, root: str, folder_prefix: str, window: tuple[datetime, datetime]) -> list[tuple[str, str]]:
        """(S3 prefix, folder) of each ``yyyy/mm/dd/hh`` folder under ``root`` that overlaps the window
        and holds objects; only those hours are listed."""
        hour = window[0].replace(minute=0, second=0, microsecond=0)
        found = []
        while hour < window[1]:
            uri = s3_files.join(root, capture.hour_prefix(hour)) + "/"
            if self.s3.list_keys(uri, limit=1):
                found.append((uri, f"{folder_prefix}{capture.hour_prefix(hour)}"))
            hour += _HOUR
        return found

    def _batch_files(self, spec: JobSpec, window: tuple[datetime, datetime]) -> list[tuple[str, str]]:
        """The files the batch transform capture manifests of the window's hours list."""
        # [U] reference: operations.md §1.3 — a transform job with data capture writes manifests
        # [{"prefix": "s3://…/"}, "file", …] under <DataCapturedDestinationS3Uri>/input/yyyy/mm/dd/hh.
        destination = spec.monitoring_input["DataCapturedDestinationS3Uri"]
        files = []
        for uri, _ in self._hours(s3_files.join(destination, "input"), "", window):
            bucket, prefix = split_s3_uri(uri)
            for key in self.s3.list_keys(uri):
                manifest = json.loads(self.s3.read(bucket, key))
                base = manifest[0]["prefix"]
                files += [(s3_files.join(base, name), "") for name in manifest[1:]]
        return files

    def _merge(self, spec: JobSpec, name: str, data: list[tuple[str, str]], scheduled: datetime,
               window: tuple[datetime, datetime], output_uri: str, schedule: dict) -> Any:  # fmt: skip
        labels_uri = spec.job_input["GroundTruthS3Input"]["S3Uri"]
        # [U] labels are filed by the hour they were collected (operations.md §2.3): the merge
        # reads every hour from the window's start up to the scheduled time.
        labels = self._hours(labels_uri.rstrip("/"), "", (window[0], scheduled))
        inputs = [_input(f"capture{i + 1}", uri, f"{c.MERGE_INPUT_DATA}/{folder}") for i, (uri, folder) in enumerate(data)]
        inputs += [_input(f"groundtruth{i + 1}", uri, f"{c.GROUND_TRUTH_INPUT}/{folder}") for i, (uri, folder) in enumerate(labels)]
        merged_uri = s3_files.join(output_uri, MERGE_FOLDER)
        env = {c.DATASET_SOURCE: str(c.MERGE_INPUT_DATA), c.GROUND_TRUTH_SOURCE: str(c.GROUND_TRUTH_INPUT),
               c.OUTPUT_PATH: str(c.MERGE_OUTPUT), c.START_TIME: c.format_time(window[0]),
               c.END_TIME: c.format_time(window[1])}  # fmt: skip
        if spec.endpoint_name:
            env[c.ENDPOINT_NAME] = spec.endpoint_name
        image = _sibling_image(spec.app["ImageUri"], c.GROUND_TRUTH_MERGER_REPOSITORY)
        request = self._request(spec, name, inputs, env, merged_uri, image=image, arguments=False)
        job = self.start_job(request, schedule_arn=schedule["MonitoringScheduleArn"])
        if job["ProcessingJobStatus"] != "Completed":
            return _outcome(job)
        hours = self._variant_hours(s3_files.join(merged_uri, spec.endpoint_name or ""), f"{spec.endpoint_name}/", window)
        return hours or ExecutionOutcome("Failed", job["ProcessingJobArn"], c.NO_DATA_REASON)

    def _baseline_inputs(self, spec: JobSpec) -> list[dict]:
        out = []
        for resource, local in (("StatisticsResource", c.BASELINE_STATISTICS_INPUT),
                                ("ConstraintsResource", c.BASELINE_CONSTRAINTS_INPUT)):  # fmt: skip
            uri = spec.baseline.get(resource, {}).get("S3Uri") or self._from_baselining_job(spec, resource)
            if uri:
                out.append(_input(resource.removesuffix("Resource").lower(), uri, str(local)))
        if spec.app.get("ConfigUri"):
            out.append(_input("analysis_config", spec.app["ConfigUri"], str(c.CLARIFY_CONFIG_INPUT)))
        return out

    def _from_baselining_job(self, spec: JobSpec, resource: str) -> str | None:
        job = spec.baseline.get("BaseliningJobName")
        output = self.baselining_outputs(job) if job else None
        if output is None:
            return None
        if spec.monitoring_type in CLARIFY_TYPES:
            return s3_files.join(output, c.ANALYSIS_FILE) if resource == "ConstraintsResource" else None
        files = {"StatisticsResource": c.STATISTICS_FILE, "ConstraintsResource": c.CONSTRAINTS_FILE}
        if spec.monitoring_type == "ModelQuality" and resource == "StatisticsResource":
            return None
        return s3_files.join(output, files[resource])

    # --- environment and request ----------------------------------------------------------------

    def _environment(self, schedule: dict, spec: JobSpec, window: tuple[datetime, datetime], source: str,
                     inputs: list[dict]) -> dict[str, str]:  # fmt: skip
        """The job definition's environment plus what the service adds (``execution_environment``)."""
        baseline = {}
        for item in inputs:
            local, uri = item["S3Input"]["LocalPath"], item["S3Input"]["S3Uri"]
            path = f"{local}/{uri.rstrip('/').rsplit('/', 1)[-1]}"
            if local == str(c.BASELINE_STATISTICS_INPUT):
                baseline["baseline_statistics"] = path
            elif local == str(c.BASELINE_CONSTRAINTS_INPUT):
                baseline["baseline_constraints"] = path
        attributes = {name: spec.monitoring_input.get(member) for name, member in _ATTRIBUTES.items()}
        if spec.monitoring_type == "ModelQuality":
            attributes.update({c.ANALYSIS_TYPE: c.MODEL_QUALITY_ANALYSIS, c.PROBLEM_TYPE: spec.app["ProblemType"]})
        env = dict(spec.environment)
        env.update(c.execution_environment(
            dataset_format=_dataset_format(spec), dataset_source=source, start_time=window[0], end_time=window[1],
            schedule=schedule["MonitoringScheduleName"], endpoint=spec.endpoint_name,
            output_path=spec.outputs[0]["S3Output"]["LocalPath"],
            publish_cloudwatch_metrics=spec.environment.get(c.PUBLISH_CLOUDWATCH_METRICS) == c.ENABLED,
            **baseline, **attributes,
        ))  # fmt: skip
        return env

    def _request(self, spec: JobSpec, name: str, inputs: list[dict], env: dict[str, str], output_uri: str,
                 *, image: str | None = None, arguments: bool = True) -> dict:  # fmt: skip
        output_local = env.get(c.OUTPUT_PATH, str(c.MONITORING_OUTPUT))
        app = {"ImageUri": image or spec.app["ImageUri"]}
        if arguments:
            for key in ("ContainerEntrypoint", "ContainerArguments"):
                if spec.app.get(key):
                    app[key] = list(spec.app[key])
        request = {
            "ProcessingJobName": name,
            "ProcessingInputs": inputs,
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": "monitoring_output", "S3Output": {
                "S3Uri": output_uri, "LocalPath": output_local, "S3UploadMode": "EndOfJob"}}]},
            "ProcessingResources": {"ClusterConfig": spec.resources.get("ClusterConfig", {})},
            "AppSpecification": app,
            "Environment": env,
            "RoleArn": spec.role_arn,
        }  # fmt: skip
        if spec.stopping_condition:
            request["StoppingCondition"] = spec.stopping_condition
        if spec.network_config:
            request["NetworkConfig"] = spec.network_config
        return request

    def _names(self, schedule: str, scheduled: datetime) -> tuple[str, str]:
        """The analysis and merge job names: deterministic in the seed, schedule and time."""
        key = [self.seed & 0xFFFFFFFF, int(scheduled.timestamp()), *schedule.encode()]
        rng = np.random.default_rng(key)
        return (JOB_NAME_FORMAT.format(time=scheduled, suffix=rng.bytes(12).hex()),
                MERGE_JOB_NAME_FORMAT.format(time=scheduled, suffix=rng.bytes(12).hex()))  # fmt: skip


def _input(name: str, uri: str, local: str) -> dict:
    return {"InputName": name, "S3Input": {"S3Uri": uri, "LocalPath": str(PurePosixPath(local)), "S3DataType": "S3Prefix",
            "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}}  # fmt: skip


def _input_name(spec: JobSpec) -> str:
    return "endpoint_input" if spec.endpoint_name else "batch_transform_input"


def _dataset_format(spec: JobSpec) -> dict[str, Any]:
    if spec.monitoring_type in READS_MERGED:
        return {c.MERGE_FORMAT: {"captureIndexNames": list(c.CAPTURE_INDEX_NAMES)}}
    if spec.endpoint_name:
        return {c.CAPTURE_FORMAT: {"captureIndexNames": list(c.CAPTURE_INDEX_NAMES)}}
    given = spec.monitoring_input.get("DatasetFormat", {"Csv": {"Header": False}})
    (kind, options), = given.items()
    return {kind.lower(): {k.lower(): v for k, v in (options or {}).items()}}


def _sibling_image(image_uri: str, repository: str) -> str:
    """The same registry's image of another repository (the merger lives beside the analyzer)."""
    registry = image_uri.rsplit("/", 1)[0] if "/" in image_uri else image_uri
    return f"{registry}/{repository}"


def _outcome(job: dict) -> ExecutionOutcome:
    if job["ProcessingJobStatus"] != "Completed":
        return ExecutionOutcome("Failed", job["ProcessingJobArn"], job.get("FailureReason") or job.get("ExitMessage"))
    message = job.get("ExitMessage", "")
    status = c.COMPLETED_WITH_VIOLATIONS if message.startswith(c.COMPLETED_WITH_VIOLATIONS) else c.COMPLETED
    return ExecutionOutcome(status, job["ProcessingJobArn"])
