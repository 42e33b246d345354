"""CloudWatch-style metrics that the monitoring twins emit.

A real execution writes PutMetricData-like entries under ``/opt/ml/output/metrics/cloudwatch``
and the service publishes them (reference: data-quality.md §7.2, operations.md §5.3, bias.md §8,
explainability.md §3). The twins return the same entries as ``MetricDatum`` objects;
``metrics_frame`` turns them into the tidy table the alarm simulator reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.paths import write_text

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_SCHEDULE",
    "METRICS_FILE",
    "NAMESPACES",
    "MetricDatum",
    "dimensions",
    "metrics_frame",
    "namespace",
    "write_metrics",
]

METRICS_FILE = "cloudwatch_metrics.jsonl"  # one JSON object per line [C AWS BYOC example]
# (real-time endpoint, batch transform) namespaces per MonitoringType, from the AWS CloudWatch
# pages for each monitor and the SDK dashboards (operations.md §3.5).
NAMESPACES: dict[str, tuple[str, str]] = {
    "DataQuality": ("aws/sagemaker/Endpoints/data-metrics", "aws/sagemaker/ModelMonitoring/data-metrics"),
    "ModelQuality": ("aws/sagemaker/Endpoints/model-metrics", "aws/sagemaker/ModelMonitoring/model-metrics"),
    "ModelBias": ("aws/sagemaker/Endpoints/bias-metrics", "aws/sagemaker/ModelMonitoring/bias-metrics"),
    "ModelExplainability": (
        "aws/sagemaker/Endpoints/explainability-metrics",
        "aws/sagemaker/ModelMonitoring/explainability-metrics",
    ),
}
DEFAULT_ENDPOINT = "local-endpoint"
DEFAULT_SCHEDULE = "local-schedule"


def namespace(monitoring_type: str, *, batch: bool = False) -> str:
    """The namespace a ``MonitoringType`` publishes to, for an endpoint or a batch transform job."""
    try:
        endpoint_ns, batch_ns = NAMESPACES[monitoring_type]
    except KeyError:
        raise ValueError(f"unknown MonitoringType {monitoring_type!r}; expected one of {sorted(NAMESPACES)}") from None
    return batch_ns if batch else endpoint_ns


def dimensions(
    *, endpoint: str | None = DEFAULT_ENDPOINT, schedule: str = DEFAULT_SCHEDULE, **extra: str
) -> tuple[tuple[str, str], ...]:
    """Dimensions in the service's order: ``Endpoint`` (omitted for batch), ``MonitoringSchedule``, extras."""
    dims = [] if endpoint is None else [("Endpoint", endpoint)]
    dims.append(("MonitoringSchedule", schedule))
    dims.extend((name, str(value)) for name, value in extra.items())
    return tuple(dims)


@dataclass(frozen=True)
class MetricDatum:
    """One PutMetricData entry: either ``value`` or ``statistic_values``, never both."""

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    timestamp: datetime
    value: float | None = None
    statistic_values: dict[str, float] | None = field(default=None)
    unit: str = "None"

    def __post_init__(self) -> None:
        if (self.value is None) == (self.statistic_values is None):
            raise ValueError("a metric datum has exactly one of value and statistic_values")

    def to_dict(self) -> dict[str, Any]:
        """The entry as the bring-your-own-container contract writes it."""
        out: dict[str, Any] = {
            "MetricName": self.metric_name,
            "Timestamp": _iso(self.timestamp),
            "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
        }
        if self.value is not None:
            out["Value"] = float(self.value)
        else:
            out["StatisticValues"] = {k: float(v) for k, v in self.statistic_values.items()}
        out["Unit"] = self.unit
        return out


def metrics_frame(data: Iterable[MetricDatum]) -> pd.DataFrame:
    """A tidy table: one row per datum; dimensions become columns; StatisticValues are spread out."""
    rows = []
    for d in data:
        row: dict[str, Any] = {"namespace": d.namespace, "metric_name": d.metric_name, "timestamp": d.timestamp}
        row.update(dict(d.dimensions))
        if d.value is not None:
            row["value"] = d.value
        else:
            row["value"] = d.statistic_values.get("Sum", float("nan")) / max(d.statistic_values.get("SampleCount", 1), 1)
            row.update({f"stat_{k}": v for k, v in d.statistic_values.items()})
        rows.append(row)
    columns = ["namespace", "metric_name", "timestamp", "value"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame[columns + [c for c in frame.columns if c not in columns]]


def write_metrics(data: Iterable[MetricDatum], directory: str | Path) -> Path:
    """Write the entries as the container does and return the file's path.

    One JSON object per line in ``<directory>/cloudwatch_metrics.jsonl``; the container's
    directory is ``/opt/ml/output/metrics/cloudwatch`` [C docs model-monitor-byoc-cloudwatch; the
    file name and JSON Lines from AWS's BYOC example, labkit.analyzer.contract], which is not the
    report folder: a real execution's report folder holds no metrics file (docs/fidelity.md).
    """
    lines = (json.dumps(d.to_dict(), separators=(",", ":")) for d in data)
    return write_text(Path(directory) / METRICS_FILE, "".join(line + "\n" for line in lines))


def _iso(ts: datetime) -> str:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
