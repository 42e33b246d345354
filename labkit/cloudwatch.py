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
    """A tidy table: one row per datum; dimensions become columns; StatisticValues are spread out.

    The columns: namespace, metric_name, timestamp, value, then each dimension and ``stat_<k>``
    in the order they first appear; a datum without one holds NaN there. Built column by column
    (a simulation's table has thousands of rows).
    """
    data = list(data)
    columns = ["namespace", "metric_name", "timestamp", "value"]
    if not data:
        return pd.DataFrame(columns=columns)
    known: dict[int, dict[str, str]] = {}  # an execution's datums share their dimensions' tuple
    dims = [known.get(id(d.dimensions)) or known.setdefault(id(d.dimensions), dict(d.dimensions)) for d in data]
    stats = [d.statistic_values or {} for d in data]
    values = [
        d.value if d.value is not None
        else s.get("Sum", float("nan")) / max(s.get("SampleCount", 1), 1)
        for d, s in zip(data, stats)
    ]
    # Each row's keys in order: its dimensions, then its statistics; the first row of each set of
    # keys brings any new column, so walking the distinct sets in order gives every column's place.
    shapes = dict.fromkeys((tuple(dim), tuple(s)) for dim, s in zip(dims, stats))
    extra = dict.fromkeys(key for names, kept in shapes for key in (*names, *(f"stat_{k}" for k in kept)))
    table: dict[str, list[Any]] = {
        "namespace": [d.namespace for d in data],
        "metric_name": [d.metric_name for d in data],
        "timestamp": [d.timestamp for d in data],
        "value": values,
    }
    nan = float("nan")
    for key in extra:  # each cell as a row dict would hold it: fixed keys, then dimensions, value, stats
        if key == "value":
            continue
        if key in table:  # a dimension named like a fixed column replaces it
            table[key] = [dim.get(key, old) for dim, old in zip(dims, table[key])]
        elif key.startswith("stat_"):
            name = key[len("stat_") :]
            table[key] = [s[name] if name in s else dim.get(key, nan) for dim, s in zip(dims, stats)]
        else:
            table[key] = [dim.get(key, nan) for dim in dims]
    return pd.DataFrame(table)[columns + [c for c in extra if c not in columns]]


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
