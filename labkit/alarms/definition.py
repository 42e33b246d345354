"""A metric alarm's definition: the ``PutMetricAlarm`` request, validated as the API does.

The constants are the API's limits and enumerations (CloudWatch API Reference, PutMetricAlarm);
``MetricAlarm`` refuses what the API refuses, with the API's parameter names in the message.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from labkit.errors import LabkitInputError

__all__ = [
    "ALARM",
    "ANOMALY_DETECTION_OPERATORS",
    "COMPARISON_OPERATORS",
    "HIGH_RESOLUTION_PERIODS",
    "INSUFFICIENT_DATA",
    "MAX_DIMENSIONS",
    "MAX_EVALUATION_SECONDS",
    "MAX_EVALUATION_SECONDS_SUB_HOUR",
    "OK",
    "STATES",
    "STATISTICS",
    "TREAT_MISSING_DATA",
    "MetricAlarm",
]

OK, ALARM, INSUFFICIENT_DATA = "OK", "ALARM", "INSUFFICIENT_DATA"  # StateValue (API)
STATES = (OK, ALARM, INSUFFICIENT_DATA)
TREAT_MISSING_DATA = (
    "missing",
    "notBreaching",
    "breaching",
    "ignore",
)  # PutMetricAlarm; default missing
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")  # PutMetricAlarm Statistic
COMPARISON_OPERATORS = {  # the statistic is the left operand (PutMetricAlarm ComparisonOperator)
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
ANOMALY_DETECTION_OPERATORS = (
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
)
HIGH_RESOLUTION_PERIODS = (10, 20, 30)  # Period: "10, 20, 30, and any multiple of 60"
MAX_EVALUATION_SECONDS = 604_800  # Period × EvaluationPeriods "can't be more than 604,800 seconds"
MAX_EVALUATION_SECONDS_SUB_HOUR = 86_400  # ... and one day when Period < 3,600 s
MAX_DIMENSIONS = 30  # PutMetricAlarm Dimensions


@dataclass(frozen=True)
class MetricAlarm:
    """A ``PutMetricAlarm`` request on one metric with a static threshold, validated as the API does."""

    alarm_name: str
    metric_name: str
    namespace: str
    dimensions: tuple[tuple[str, str], ...]
    period: int
    evaluation_periods: int
    comparison_operator: str
    threshold: float
    datapoints_to_alarm: int | None = None  # None: M = N
    treat_missing_data: str = "missing"
    statistic: str = "Average"
    alarm_description: str = ""
    alarm_actions: tuple[str, ...] = ()  # e.g. an SNS topic ARN; run on a change to ALARM
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    actions_enabled: bool = True

    def __post_init__(self) -> None:
        dims = tuple(
            (str(k), str(v))
            for k, v in (
                self.dimensions.items() if isinstance(self.dimensions, Mapping) else self.dimensions
            )
        )
        object.__setattr__(self, "dimensions", dims)
        for name in ("alarm_actions", "ok_actions", "insufficient_data_actions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for problem in _problems(self):
            raise LabkitInputError(f"PutMetricAlarm: {problem}")

    @property
    def m(self) -> int:
        """DatapointsToAlarm (M); N when not given."""
        return (
            self.evaluation_periods
            if self.datapoints_to_alarm is None
            else self.datapoints_to_alarm
        )

    def breaches(self, value: float) -> bool:
        return bool(COMPARISON_OPERATORS[self.comparison_operator][0](value, self.threshold))

    def to_dict(self) -> dict[str, Any]:
        """The PutMetricAlarm request parameters."""
        out = {
            "AlarmName": self.alarm_name,
            "AlarmDescription": self.alarm_description,
            "ActionsEnabled": self.actions_enabled,
            "OKActions": list(self.ok_actions),
            "AlarmActions": list(self.alarm_actions),
            "InsufficientDataActions": list(self.insufficient_data_actions),
            "MetricName": self.metric_name,
            "Namespace": self.namespace,
            "Statistic": self.statistic,
            "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
            "Period": self.period,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.m,
            "Threshold": float(self.threshold),
            "ComparisonOperator": self.comparison_operator,
            "TreatMissingData": self.treat_missing_data,
        }
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MetricAlarm:
        try:
            return cls(
                d["AlarmName"],
                d["MetricName"],
                d["Namespace"],
                tuple((x["Name"], x["Value"]) for x in d.get("Dimensions", [])),
                d["Period"],
                d["EvaluationPeriods"],
                d["ComparisonOperator"],
                d["Threshold"],
                d.get("DatapointsToAlarm"),
                d.get("TreatMissingData", "missing"),
                d.get("Statistic", "Average"),
                d.get("AlarmDescription", ""),
                tuple(d.get("AlarmActions", ())),
                tuple(d.get("OKActions", ())),
                tuple(d.get("InsufficientDataActions", ())),
                d.get("ActionsEnabled", True),
            )
        except (KeyError, TypeError) as exc:
            raise LabkitInputError(
                f"PutMetricAlarm: missing or malformed parameter {exc}"
            ) from None


def _problems(a: MetricAlarm) -> Iterable[str]:
    for name, value, high in (
        ("AlarmName", a.alarm_name, 255),
        ("MetricName", a.metric_name, 255),
        ("Namespace", a.namespace, 255),
    ):
        if not isinstance(value, str) or not 1 <= len(value) <= high:
            yield f"{name} must be 1-{high} characters, got {value!r}"
    if not a.alarm_name.isascii():
        yield "AlarmName must contain only ASCII characters"
    if a.namespace.startswith(":"):
        yield "Namespace must not start with ':'"
    if len(a.dimensions) > MAX_DIMENSIONS or any(
        not (1 <= len(k) <= 255 and 1 <= len(v) <= 1024) for k, v in a.dimensions
    ):
        yield f"Dimensions: at most {MAX_DIMENSIONS}, names 1-255 and values 1-1024 characters"
    if a.statistic not in STATISTICS:
        yield f"Statistic {a.statistic!r} is not one of {', '.join(STATISTICS)} (percentiles are ExtendedStatistic, not modelled)"
    if a.comparison_operator in ANOMALY_DETECTION_OPERATORS:
        yield f"ComparisonOperator {a.comparison_operator} needs an anomaly detection band (ThresholdMetricId), not modelled"
    elif a.comparison_operator not in COMPARISON_OPERATORS:
        yield f"ComparisonOperator {a.comparison_operator!r} is not one of {', '.join(COMPARISON_OPERATORS)}"
    if (
        isinstance(a.threshold, bool)
        or not isinstance(a.threshold, (int, float))
        or not math.isfinite(a.threshold)
    ):
        yield f"Threshold must be a finite number, got {a.threshold!r}"
    if a.treat_missing_data not in TREAT_MISSING_DATA:
        yield f"TreatMissingData {a.treat_missing_data!r} is not one of {', '.join(TREAT_MISSING_DATA)}"
    ints = {"Period": a.period, "EvaluationPeriods": a.evaluation_periods, "DatapointsToAlarm": a.m}
    bad = [k for k, v in ints.items() if isinstance(v, bool) or not isinstance(v, int) or v < 1]
    if bad:
        yield f"{', '.join(bad)} must be whole numbers >= 1"
        return
    if a.period not in HIGH_RESOLUTION_PERIODS and a.period % 60:
        yield f"Period {a.period} must be 10, 20, 30 or a multiple of 60 seconds"
    total = a.period * a.evaluation_periods
    if total > MAX_EVALUATION_SECONDS or (
        a.period < 3600 and total > MAX_EVALUATION_SECONDS_SUB_HOUR
    ):
        yield f"Period × EvaluationPeriods = {total} s exceeds 604,800 s (86,400 s when Period < 3,600 s)"
    # [U] reference: operations.md §4.1 — the API refuses M > N (M out of N).
    if a.m > a.evaluation_periods:
        yield f"DatapointsToAlarm ({a.m}) must not exceed EvaluationPeriods ({a.evaluation_periods})"
