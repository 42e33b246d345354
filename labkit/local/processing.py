"""Processing jobs that run the twins through the container contract, on the local S3.

``CreateProcessingJob`` does what SageMaker Processing does around a container (AWS: "Data
Processing with Processing jobs", processing-job): it copies each S3 input to its ``LocalPath``
(under a temporary folder standing for the container's ``/``), runs the image, uploads each
output ``LocalPath`` to its ``S3Uri``, and records the status, ``ExitMessage`` and
``FailureReason``. The image is run by ``labkit.analyzer.run_job`` (the Model Monitor analyzer,
the ground-truth merger and SageMaker Clarify, by image); its CloudWatch metrics go to the local
CloudWatch when the job's environment says ``publish_cloudwatch_metrics=Enabled``, and a few log
lines to ``/aws/sagemaker/ProcessingJobs`` (what the SDK prints with ``logs=True``).

Jobs take no simulated time: a job is finished when CreateProcessingJob returns (the SDK's
``wait`` finds it done on its first look). Each job's container file system (``root``) is kept
under ``scratch/<job name>`` until the local SageMaker closes, to look into. A Clarify job that needs a shadow endpoint calls the
predictor registered for the model its ``analysis_config.json`` names.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC
from pathlib import Path
from typing import Any

from labkit.local import service_errors
from labkit.local.logs import write_log
from labkit.local.resources import ResourceTable, page
from labkit.local.s3 import LocalS3

__all__ = ["ProcessingJobs"]

LOG_GROUP = "/aws/sagemaker/ProcessingJobs"  # the SDK's logs_for_processing_job reads it [C SDK]
PUBLISH_METRICS = ("publish_cloudwatch_metrics", "Enabled")  # contract: env name and value [C docs]
ANALYSIS_CONFIG_FILE = "analysis_config.json"  # Clarify's configuration file [C docs]
# [C] SageMaker's generic answer to an internal fault (InternalFailure / "We encountered an
# internal error. Please try again."); the kit's own error goes to the job's log.
INTERNAL_FAILURE = "InternalServerError: We encountered an internal error. Please try again."


class ProcessingJobs:
    """Create/Describe/List/StopProcessingJob, each job run to its end when created."""

    def __init__(self, region: str, account: str, clock: Callable[[], Any], s3: LocalS3,
                 run_job: Callable[..., Any], predictor_for: Callable[[dict], tuple[Any, str | None]]) -> None:  # fmt: skip
        self.region, self.clock, self.s3 = region, clock, s3
        # Each job's container file system stays under scratch/<job name> until the local
        # SageMaker closes (one removal then: file-system churn per job would cost more than the job).
        self.scratch = Path(tempfile.mkdtemp(prefix="labkit-processing-"))
        self.run_job, self.predictor_for = run_job, predictor_for
        self.table = ResourceTable(
            "processing-job", region, account,
            not_found=lambda name, arn: service_errors.processing_job_not_found(arn),
            exists=lambda name, arn: service_errors.in_use(f"Job name {name} already exists."),
            name_key="ProcessingJobName", arn_key="ProcessingJobArn",
        )  # fmt: skip

    def close(self) -> None:
        """Remove every job's folder."""
        shutil.rmtree(self.scratch, ignore_errors=True)

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        return {
            ("sagemaker", "CreateProcessingJob"): self.create,
            ("sagemaker", "DescribeProcessingJob"): self.table.describe,
            ("sagemaker", "ListProcessingJobs"): self.list,
            ("sagemaker", "StopProcessingJob"): self.stop,
        }

    def create(self, params: dict) -> dict:
        record = self.start(params)
        return {"ProcessingJobArn": record["ProcessingJobArn"]}

    def start(self, params: Mapping[str, Any], *, predictor: Any = None,
              schedule_arn: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Create the job and run it; ``predictor`` overrides the analysis config's model."""
        name, now = params["ProcessingJobName"], self.clock()
        linked = {} if schedule_arn is None else {"MonitoringScheduleArn": schedule_arn}
        record = self.table.create(params, ProcessingJobStatus="InProgress", CreationTime=now,
                                   LastModifiedTime=now, ProcessingStartTime=now, **linked)  # fmt: skip
        status, exit_message, failure_reason, log_lines = self._run(record, self.scratch / name, predictor)
        record.update(ProcessingJobStatus=status, ProcessingEndTime=self.clock(), LastModifiedTime=self.clock())
        if exit_message:
            record["ExitMessage"] = exit_message
        if failure_reason:
            record["FailureReason"] = failure_reason
        self._log(name, log_lines + [f"exit_message: {exit_message or failure_reason}"])
        return record

    def _run(self, record: dict, root: Path, predictor: Any) -> tuple[str, str | None, str | None, list[str]]:
        for item in record.get("ProcessingInputs", []):
            source = item.get("S3Input")
            if source is None:
                return "Failed", None, "ClientError: only S3 inputs are supported locally", []  # [U]
            local = root / source["LocalPath"].lstrip("/")
            local.mkdir(parents=True, exist_ok=True)
            if not self.s3.download_prefix(source["S3Uri"], local):
                return "Failed", None, service_errors.no_s3_objects(source["S3Uri"], self.region), []
        if predictor is None:
            predictor, refusal = self.predictor_for(_analysis_config(record, root))
            if refusal is not None:
                return "Failed", None, refusal, []
        app = record["AppSpecification"]
        printed = io.StringIO()  # the container's output goes to its log stream, as on AWS
        try:
            with contextlib.redirect_stdout(printed):
                outcome = self.run_job(app["ImageUri"], record.get("Environment", {}), root=root,
                                       container_arguments=app.get("ContainerArguments"), predictor=predictor)  # fmt: skip
        except Exception:  # a fault in the kit must not reach the learner as a traceback
            return "Failed", None, INTERNAL_FAILURE, printed.getvalue().splitlines() + traceback.format_exc().splitlines()
        log = printed.getvalue().splitlines()
        if outcome.status == "Failed":
            return "Failed", outcome.exit_message, outcome.failure_reason, log
        for item in record.get("ProcessingOutputConfig", {}).get("Outputs", []):
            target = item.get("S3Output")
            if target is not None:
                try:
                    self.s3.upload_directory(root / target["LocalPath"].lstrip("/"), target["S3Uri"])
                except LookupError as missing:  # [U] the upload's failure, worded as S3's error
                    return "Failed", outcome.exit_message, f"ClientError: {missing}", log
        if (record.get("Environment") or {}).get(PUBLISH_METRICS[0]) == PUBLISH_METRICS[1]:
            self._publish(outcome.metrics)
        return "Completed", outcome.exit_message, None, log

    def _publish(self, metrics: Any) -> None:
        """PutMetricData into the local CloudWatch (moto's backend), by namespace."""
        from moto.cloudwatch.models import cloudwatch_backends

        backend = cloudwatch_backends[self.table.account][self.region]
        by_namespace: dict[str, list[dict]] = {}
        for datum in metrics:
            entry = datum.to_dict()
            entry["Timestamp"] = datum.timestamp.astimezone(UTC).replace(tzinfo=None)  # naive UTC, as moto keeps it
            by_namespace.setdefault(datum.namespace, []).append(entry)
        for namespace, entries in sorted(by_namespace.items()):
            backend.put_metric_data(namespace, entries)

    def _log(self, job: str, lines: list[str]) -> None:
        write_log(self.table.account, self.region, LOG_GROUP, f"{job}/algo-1-{int(self.clock().timestamp())}", lines)

    def list(self, params: dict) -> dict:
        keys = ("ProcessingJobName", "ProcessingJobArn", "CreationTime", "ProcessingEndTime",
                "LastModifiedTime", "ProcessingJobStatus", "FailureReason", "ExitMessage")  # fmt: skip
        summaries = self.table.summaries(keys)
        return page(summaries, params, result_key="ProcessingJobSummaries", name_key="ProcessingJobName",
                    sort_keys={"Name": "ProcessingJobName", "CreationTime": "CreationTime",
                               "Status": "ProcessingJobStatus"},
                    filters={"StatusEquals": lambda s, v: s["ProcessingJobStatus"] == v})  # fmt: skip

    def stop(self, params: dict) -> dict:
        record = self.table.get(params["ProcessingJobName"])
        if record["ProcessingJobStatus"] != "InProgress":
            # [U] the service refuses to stop a job that has ended; its exact text is not published
            from labkit.local.service import validation_error

            raise validation_error(f"Job {record['ProcessingJobName']} is not in progress and cannot be stopped.")
        return {}


def _analysis_config(record: dict, root: Path) -> dict:
    """The staged analysis_config.json of a Clarify job, or {} for any other job."""
    for item in record.get("ProcessingInputs", []):
        path = root / item.get("S3Input", {}).get("LocalPath", "").lstrip("/") / ANALYSIS_CONFIG_FILE
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                return {}  # the Clarify twin reports the unreadable file itself
    return {}
