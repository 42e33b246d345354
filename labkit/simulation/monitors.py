"""What watches the simulated endpoint: the drift alarm, the deployed baselines, labelled input.

``drift_alarm`` is the CloudWatch alarm on the data-quality schedule's drift metric;
``_Deployment`` is the served model with its data-quality and model-quality baselines; the
``_LabelledInput`` classes give the model-quality schedule the captured predictions whose ground
truth has landed, from memory or from the capture and ground-truth files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from labkit import (
    alarms,
    capture,
    cloudwatch,
    data_quality,
    drift_grid,
    events,
    ground_truth,
    model_quality,
    scenarios,
    schedule,
)
from labkit.data_quality.metrics import FEATURE_DIMENSION
from labkit.simulation.cache import SimulationCache
from labkit.simulation.traffic import _Hour

__all__ = [
    "ACCURACY_MARGIN",
    "DATA_QUALITY_SCHEDULE",
    "MODEL_QUALITY_SCHEDULE",
    "ON_CALL_TOPIC",
    "drift_alarm",
]

DATA_QUALITY_SCHEDULE = "data-quality-hourly"
MODEL_QUALITY_SCHEDULE = "model-quality-hourly"
ON_CALL_TOPIC = f"arn:aws:sns:{events.DEFAULT_REGION}:{events.DEFAULT_ACCOUNT}:ml-on-call"  # the alarm's SNS action
ACCURACY_MARGIN = 0.05  # the model-quality constraint alerts 5 accuracy points under the baseline


def drift_alarm(
    feature: str,
    *,
    threshold: float = 0.1,
    evaluation_periods: int = 3,
    datapoints_to_alarm: int = 2,
    treat_missing_data: str = "missing",
    endpoint: str = "credit-endpoint",
    schedule_name: str = DATA_QUALITY_SCHEDULE,
) -> alarms.MetricAlarm:
    """An hourly alarm on ``feature_baseline_drift_<feature>`` that notifies the on-call SNS topic.

    Period 3,600 s: Model Monitor publishes one datapoint per execution, so a skipped hour is a
    missing datapoint. [U] reference: operations.md §4.2.
    """
    dims = cloudwatch.dimensions(
        endpoint=endpoint, schedule=schedule_name, **{FEATURE_DIMENSION: feature}
    )
    return alarms.MetricAlarm(
        f"{endpoint}-{feature}-drift",
        f"feature_baseline_drift_{feature}",
        cloudwatch.namespace("DataQuality"),
        dims,
        3600,
        evaluation_periods,
        "GreaterThanThreshold",
        threshold,
        datapoints_to_alarm,
        treat_missing_data,
        "Maximum",
        f"Drift in {feature} above {threshold} in {datapoints_to_alarm} of {evaluation_periods} hourly executions",
        (ON_CALL_TOPIC,),
    )


@dataclass(frozen=True, eq=False)
class _WindowInput:
    """In memory: the window's captured requests as the capture's text (``SimulationCache.window_frame``)."""

    frame: pd.DataFrame
    n_records: int
    endpoint_name: str

    def read_window(self, start: datetime, end: datetime) -> schedule.WindowData:
        return schedule.WindowData(self.frame, self.n_records)


@dataclass(frozen=True, eq=False)
class _LabelledInput:
    """In memory: the window's captured predictions that have a landed label (the merge's result)."""

    hour: _Hour | None  # the window's scored requests: inference_id, prediction, probability, target
    captured: frozenset[str]  # inference ids that were captured
    labelled: frozenset[str]  # inference ids whose label has landed
    target: str
    endpoint_name: str

    @cached_property
    def _selected(self) -> tuple[np.ndarray, int]:
        """Which requests were captured and labelled, and how many were captured."""
        ids = self.hour["inference_id"].tolist() if self.hour is not None else []
        captured = np.fromiter((i in self.captured for i in ids), dtype=bool, count=len(ids))
        keep = captured & np.fromiter((i in self.labelled for i in ids), dtype=bool, count=len(ids))
        return keep, int(captured.sum())

    def content(self) -> tuple:
        """Equal for inputs whose ``read_window`` gives equal windows."""
        keep, captured = self._selected
        columns = ("prediction", "probability", self.target)
        return (captured, *(SimulationCache.content_of(self.hour[c][keep]) for c in columns)) if keep.any() else (captured,)

    def read_window(self, start: datetime, end: datetime) -> schedule.WindowData:
        keep, captured = self._selected
        if not keep.any():
            return schedule.WindowData(pd.DataFrame(), captured)
        frame = pd.DataFrame({name: self.hour.values(column, keep) for name, column in
                              (("prediction", "prediction"), ("probability", "probability"), ("label", self.target))})  # fmt: skip
        return schedule.WindowData(frame, captured)


@dataclass(frozen=True)
class _FileLabelledInput:
    """From files: the window's capture merged with the ground truth collected since the window began."""

    capture_root: Path
    ground_truth_root: Path
    labels_until: datetime
    endpoint_name: str

    def read_window(self, start: datetime, end: datetime) -> schedule.WindowData:
        path = self.capture_root / self.endpoint_name
        records = capture.read_capture(path, start=start, end=end).records if path.is_dir() else []
        if not records or not self.ground_truth_root.is_dir():
            return schedule.WindowData(pd.DataFrame(), len(records))
        labels = ground_truth.read_ground_truth(
            self.ground_truth_root, start=start, end=self.labels_until
        ).records
        merged = model_quality.merge_ground_truth(
            records, labels, inference_attribute=0, probability_attribute=1
        )
        return schedule.WindowData(
            merged.frame[["prediction", "probability", "label"]], len(records)
        )


class _Deployment:
    """What the endpoint serves and what its monitors compare with: model, baselines, version."""

    def __init__(
        self,
        scenario: scenarios.Scenario,
        train: pd.DataFrame,
        baseline: pd.DataFrame,
        version: int,
        seed: int,
        cache: SimulationCache | None = None,
    ) -> None:
        features = list(scenario.features)
        self.version = version
        self.cache = SimulationCache() if cache is None else cache
        self.model = scenarios.train_model(scenario, data=train)
        self.data_quality = data_quality.suggest_baseline(baseline[features])
        scored = drift_grid.score_window(scenario, self.model, baseline)
        suggested = model_quality.suggest_baseline(
            scored,
            problem_type=scenario.problem_type,
            label=scenario.target,
            prediction="prediction",
            probability="probability",
            seed=seed,
        )
        self.model_quality = drift_grid.review_constraints(suggested, {"accuracy": ACCURACY_MARGIN})

    def analyse_inputs(self, frame: pd.DataFrame) -> data_quality.MonitoringReport:
        return self.cache.data_quality_report(frame, self.data_quality)

    def analyse_quality(self, frame: pd.DataFrame) -> model_quality.MonitoringReport:
        """The report, made once per window content (for a run not already kept by its input)."""
        return self.cache.model_quality_report(frame, self.quality, self)

    def quality(self, frame: pd.DataFrame) -> model_quality.MonitoringReport:
        """``model_quality.monitor`` of the window against this deployment's baseline."""
        return model_quality.monitor(
            frame,
            self.model_quality,
            label="label",
            prediction="prediction",
            probability="probability",
        )
