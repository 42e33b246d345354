"""One processing job inside the container: its environment and files, and ``run_job``.

``run_job`` is the container's main: it decides which twin the image runs (``job_kind``),
hands it a ``JobContext`` (the environment, the root standing for ``/``, the shadow
endpoint), turns what happens into the exit message SageMaker reads from
``/opt/ml/output/message``, and reads back the CloudWatch metric files the way the service
publishes them. The names and paths it uses are :mod:`labkit.analyzer.contract`'s.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from labkit.analyzer.contract import (
    ANALYSIS_CONFIG_FILE,
    CLARIFY_CONFIG_INPUT,
    CLARIFY_REPOSITORY,
    CLOUDWATCH_METRICS_DIR,
    ENABLED,
    END_TIME,
    ENDPOINT_NAME,
    EXIT_CODES,
    EXIT_MESSAGE_MAX_BYTES,
    FAILED,
    GROUND_TRUTH_MERGER_REPOSITORY,
    GROUND_TRUTH_SOURCE,
    MESSAGE_FILE,
    METRIC_TIME,
    MODEL_MONITOR_REPOSITORY,
    PUBLISH_CLOUDWATCH_METRICS,
    SCHEDULE_NAME,
    JobFailure,
    JobOutcome,
    Predictor,
    container_path,
    failure_texts,
    status_of,
)
from labkit.cloudwatch import MetricDatum, namespace, write_metrics
from labkit.errors import LabkitInputError

__all__ = ["JobContext", "JobResult", "job_kind", "read_metrics", "run_job"]


@dataclass(frozen=True)
class JobContext:
    """One job's environment and file system, as the container sees them."""

    environment: Mapping[str, str]
    root: Path
    predictor: Predictor | None = None

    def get(self, name: str) -> str | None:
        """An environment variable, or None when unset or blank."""
        value = self.environment.get(name)
        return value if value not in (None, "") else None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise JobFailure(f"environment variable {name} is not set")
        return value

    def path(self, where: str | PurePosixPath) -> Path:
        """The local file standing for a container path."""
        return container_path(self.root, where)

    def time(self, name: str) -> datetime | None:
        """``start_time``, ``end_time`` or ``metric_time`` as an aware UTC datetime."""
        text = self.get(name)
        if text is None:
            return None
        try:  # the docs' example writes "2019-12-01T16: 20: 00Z"; the service writes no spaces
            moment = datetime.fromisoformat(text.replace(" ", ""))
        except ValueError:
            raise JobFailure(
                f"environment variable {name} is not an ISO 8601 time: {text!r}"
            ) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    @property
    def publishes_metrics(self) -> bool:
        return self.get(PUBLISH_CLOUDWATCH_METRICS) == ENABLED

    @property
    def endpoint(self) -> str | None:
        return self.get(ENDPOINT_NAME)

    @property
    def schedule(self) -> str:
        # [U] a job outside a schedule has no schedule name; the kit's default dimension value
        from labkit.cloudwatch import DEFAULT_SCHEDULE

        return self.get(SCHEDULE_NAME) or DEFAULT_SCHEDULE

    @property
    def is_batch(self) -> bool:
        """Batch transform executions carry no endpoint name [C docs: Endpoint dimension only for endpoints]."""
        return self.endpoint is None

    def metric_timestamp(self, fallback: datetime | None = None) -> datetime:
        """metric_time, else end_time, else ``fallback``, else now [U: the order]."""
        return (
            self.time(METRIC_TIME)
            or self.time(END_TIME)
            or fallback
            or datetime.now(UTC).replace(microsecond=0)
        )

    def publish(self, report: Any, latest: datetime | None = None) -> Path | None:
        """Write a monitoring report's metrics as the service publishes them, if Enabled.

        Every twin's report has the same ``cloudwatch_metrics(timestamp=, endpoint=, schedule=,
        batch=)``; the timestamp is ``metric_timestamp(latest)``. One JSON object per line under
        ``/opt/ml/output/metrics/cloudwatch``.
        """
        if not self.publishes_metrics:
            return None
        metrics: Sequence[MetricDatum] = report.cloudwatch_metrics(
            timestamp=self.metric_timestamp(latest),
            endpoint=self.endpoint,
            schedule=self.schedule,
            batch=self.is_batch,
        )
        return write_metrics(metrics, self.path(CLOUDWATCH_METRICS_DIR))


@dataclass(frozen=True)
class JobResult:
    """A job that ran: its exit message and the monitoring type its metrics belong to."""

    exit_message: str
    monitoring_type: str | None = (
        None  # DataQuality | ModelQuality | ModelBias | ModelExplainability
    )


def job_kind(image_uri: str, environment: Mapping[str, str], root: Path) -> str:
    """Which twin an image runs: "model-monitor", "merge" or "clarify".

    The AWS images are recognised by repository name. Any other image is the kit's own
    (bring your own container, one image for every kind): a Clarify job is recognised by its
    analysis_config.json, a merge job by ground_truth_source, anything else is the analyzer.
    """
    repository = image_uri.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    if repository == MODEL_MONITOR_REPOSITORY:
        return "model-monitor"
    if repository == GROUND_TRUTH_MERGER_REPOSITORY:
        return "merge"
    if repository == CLARIFY_REPOSITORY:
        return "clarify"
    if environment.get(GROUND_TRUTH_SOURCE):
        return "merge"
    if container_path(root, CLARIFY_CONFIG_INPUT / ANALYSIS_CONFIG_FILE).is_file():
        return "clarify"
    return "model-monitor"


def run_job(
    image_uri: str,
    environment: Mapping[str, str],
    *,
    root: Path,
    container_arguments: Sequence[str] | None = None,
    predictor: Predictor | None = None,
) -> JobOutcome:
    """Run one processing job of ``image_uri`` as its container would, under ``root``.

    The caller has staged each input under ``root/<LocalPath>``; afterwards it uploads each
    output ``root/<LocalPath>``. Writes the message file and the metrics files, and returns the
    job's status, ExitMessage, FailureReason and the metrics (namespaced as the service
    publishes them). Never raises for bad input: that is a Failed job.
    """
    root = Path(root)
    context = JobContext(environment=dict(environment), root=root, predictor=predictor)
    monitoring_type = None
    try:
        if container_arguments:
            raise JobFailure(
                "the analyzer takes no container arguments, got "
                + " ".join(map(str, container_arguments))
            )
        kind = job_kind(image_uri, context.environment, root)
        result = _run_kind(kind, context)
        monitoring_type = result.monitoring_type
        exit_message, failure_reason, exit_code = result.exit_message, None, 0
    except JobFailure as failure:
        exit_message, failure_reason = failure_texts(failure.reason)
        exit_code = EXIT_CODES[FAILED]
    except LabkitInputError as error:
        exit_message, failure_reason = failure_texts(str(error))
        exit_code = EXIT_CODES[FAILED]
    except Exception as error:  # noqa: BLE001 — a container always leaves its message
        traceback.print_exc()  # to the job's log (stderr): a bug stays visible
        exit_message, failure_reason = failure_texts(
            f"internal error, please report it: {type(error).__name__}: {error}"
        )
        exit_code = EXIT_CODES[FAILED]
    exit_message = _truncate(exit_message)
    message_path = context.path(MESSAGE_FILE)
    message_path.parent.mkdir(parents=True, exist_ok=True)
    message_path.write_text(exit_message, encoding="utf-8")
    metrics = read_metrics(root, monitoring_type, batch=context.is_batch) if exit_code == 0 else ()
    return JobOutcome(
        status=status_of(exit_message, exit_code),
        exit_message=exit_message,
        failure_reason=failure_reason,
        metrics=metrics,
    )


def _run_kind(kind: str, context: JobContext) -> JobResult:
    if kind == "merge":
        from labkit.analyzer import merge

        return merge.run(context)
    if kind == "clarify":
        from labkit.analyzer import clarify

        return clarify.run(context)
    from labkit.analyzer import model_monitor

    return model_monitor.run(context)


def read_metrics(
    root: Path, monitoring_type: str | None, *, batch: bool
) -> tuple[MetricDatum, ...]:
    """The metric files under ``root/opt/ml/output/metrics/cloudwatch``, as the service reads them.

    The files carry no namespace: the service adds the monitoring type's (docs
    model-monitor-byoc-cloudwatch; labkit.cloudwatch.NAMESPACES). Each file holds one JSON
    object per line; a line that is not one fails loudly, naming the file and line.
    """
    directory = container_path(root, CLOUDWATCH_METRICS_DIR)
    if monitoring_type is None or not directory.is_dir():
        return ()
    ns = namespace(monitoring_type, batch=batch)
    out: list[MetricDatum] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                out.append(_metric_datum(line, ns, path, line_no))
    return tuple(out)


def _metric_datum(line: str, ns: str, path: Path, line_no: int) -> MetricDatum:
    try:
        entry: dict[str, Any] = json.loads(line)
        timestamp = datetime.fromisoformat(entry["Timestamp"]).replace(tzinfo=UTC)
        return MetricDatum(
            namespace=ns,
            metric_name=entry["MetricName"],
            dimensions=tuple((d["Name"], d["Value"]) for d in entry.get("Dimensions", [])),
            timestamp=timestamp,
            value=entry.get("Value"),
            statistic_values=entry.get("StatisticValues"),
            unit=entry.get("Unit", "None"),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise LabkitInputError(
            f"not a CloudWatch metric entry ({exc})", path=path, line=line_no
        ) from None


def _truncate(message: str) -> str:
    data = message.encode("utf-8")[:EXIT_MESSAGE_MAX_BYTES]
    return data.decode("utf-8", errors="ignore")
