"""Model performance while ground truth is late: realised per window once labels land, estimated before.

A model-quality execution can only score the inferences whose labels have been merged (AWS:
"Ingest Ground Truth labels and merge them with predictions", model-monitor-model-quality-merge),
so with labels ``d`` hours late the newest ``d`` hourly windows have nothing to score. That is why
a model-quality schedule takes ``StartTimeOffset`` / ``EndTimeOffset`` (AWS: "Schedule model
quality monitoring jobs", model-monitor-model-quality-schedule): it evaluates an older window
whose labels have arrived. ``late_labels`` says which labels have landed at a given moment,
``performance_by_window`` what each hourly window shows then, and ``offset_window`` which window
an offset schedule reads. (``drift_grid.simulate_hours`` chains them over drifted traffic.)

While labels are missing, a *confidence-based performance estimate* (the CBPE idea, not a
SageMaker feature) guesses accuracy from the model's own probabilities: if they are calibrated,
row ``i`` is right with probability ``max(p_i, 1 − p_i)``, so the expected accuracy is the mean
of those. It assumes P(y | X) has not changed, so concept drift fools it: the estimate stays put
while realised accuracy falls.

Examples
--------
>>> import numpy as np
>>> round(estimate_accuracy(np.array([0.9, 0.2, 0.6, 0.5])).expected_accuracy, 3)
0.7
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from labkit import ground_truth, model_quality
from labkit.capture import to_utc
from labkit.errors import LabkitInputError
from labkit.model_quality.inputs import DEFAULT_PROBABILITY_THRESHOLD, predicted_from_probability

__all__ = [
    "CALIBRATION_BINS",
    "AccuracyEstimate",
    "CalibrationTable",
    "HourlyPerformance",
    "WindowPerformance",
    "calibration_table",
    "confidence",
    "estimate_accuracy",
    "hour_starts",
    "late_labels",
    "offset_window",
    "performance_by_window",
]

# Equal-width probability bins, as the default of sklearn.calibration.calibration_curve.
CALIBRATION_BINS = 10
NO_LABELS = "no labels yet"
NO_TRAFFIC = "no traffic"
OK = "within constraints"


# --- the CBPE idea ------------------------------------------------------------------------------


def _probabilities(probabilities: Sequence[float] | np.ndarray) -> np.ndarray:
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1:
        raise LabkitInputError(f"expected one probability per row, got an array of shape {p.shape}")
    bad = ~((p >= 0) & (p <= 1))  # also catches NaN
    if bad.any():
        first = int(bad.nonzero()[0][0])
        raise LabkitInputError(
            f"probability {p[first]!r} at row {first + 1} is not between 0 and 1"
        )
    return p


def confidence(
    probabilities: Sequence[float] | np.ndarray, *, threshold: float = DEFAULT_PROBABILITY_THRESHOLD
) -> np.ndarray:
    """Per row, the probability that the predicted class is right, if the probabilities are calibrated.

    The predicted class is positive when ``p > threshold`` (the model-quality twin's rule), so the
    row is right with probability ``p`` then, and ``1 − p`` otherwise (``max(p, 1 − p)`` at 0.5).
    """
    p = _probabilities(probabilities)
    return np.where(predicted_from_probability(p, threshold), p, 1.0 - p)


@dataclass(frozen=True)
class AccuracyEstimate:
    """Expected accuracy from calibrated probabilities, and how far realised accuracy may stray.

    ``standard_error`` is the spread of realised accuracy around ``expected_accuracy`` when the
    probabilities are calibrated: rows are independent Bernoulli(c_i), so sd = sqrt(Σ c_i(1 − c_i)) / n.
    """

    expected_accuracy: float
    standard_error: float
    n: int


def estimate_accuracy(
    probabilities: Sequence[float] | np.ndarray, *, threshold: float = DEFAULT_PROBABILITY_THRESHOLD
) -> AccuracyEstimate:
    """Confidence-based accuracy estimate: the mean of ``confidence`` over rows. No labels needed.

    Valid only while the probabilities stay calibrated, that is while P(y | X) is unchanged:
    under concept drift the estimate stays where it was and realised accuracy moves away from it.
    """
    c = confidence(probabilities, threshold=threshold)
    if len(c) == 0:
        raise LabkitInputError("no rows to estimate accuracy from")
    standard_error = math.sqrt(np.sum(c * (1.0 - c))) / len(c)
    return AccuracyEstimate(float(c.mean()), float(standard_error), len(c))


@dataclass(frozen=True, eq=False)
class CalibrationTable:
    """Reliability table: per probability bin, the mean predicted probability and the observed positive rate."""

    frame: pd.DataFrame  # bin_low, bin_high, count, mean_probability, positive_rate

    @property
    def expected_calibration_error(self) -> float:
        """Σ (count / n) · |positive_rate − mean_probability| over non-empty bins."""
        f = self.frame[self.frame["count"] > 0]
        gaps = (f["positive_rate"] - f["mean_probability"]).abs()
        return float(np.sum(f["count"] / f["count"].sum() * gaps))


def calibration_table(
    probabilities: Sequence[float] | np.ndarray,
    labels: Sequence[float] | np.ndarray,
    *,
    bins: int = CALIBRATION_BINS,
    positive_label: object = 1,
) -> CalibrationTable:
    """Bin the probabilities into ``bins`` equal-width bins and compare with the labels (needs labels).

    The CBPE estimate is only as good as this table is diagonal: check it on the baseline dataset.
    """
    p = _probabilities(probabilities)
    y = np.asarray(labels) == positive_label
    if len(y) != len(p):
        raise LabkitInputError(f"{len(y)} labels for {len(p)} probabilities; expected one per row")
    if bins < 1:
        raise LabkitInputError(f"bins is {bins!r}; expected at least 1")
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin k holds (edge_k, edge_k+1], and 0 joins the first: sklearn's calibration_curve rule.
    index = np.searchsorted(edges[1:-1], p)
    count = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(index, weights=p, minlength=bins) / count
        rate = np.bincount(index, weights=y.astype(float), minlength=bins) / count
    frame = pd.DataFrame(
        {
            "bin_low": edges[:-1],
            "bin_high": edges[1:],
            "count": count,
            "mean_probability": mean_p,
            "positive_rate": rate,
        }
    )
    return CalibrationTable(frame)


# --- late labels and the windows a schedule can score --------------------------------------------


def late_labels(
    captures: pd.DataFrame,
    labels: Sequence[object],
    *,
    window_starts: Sequence[datetime],
    window_hours: float = 1.0,
    label_delay_hours: float,
    labelled_pct: float,
    evaluated_at: datetime,
    seed: int,
) -> list[ground_truth.GroundTruthRecord]:
    """The ground-truth records that have landed by ``evaluated_at``.

    Each window's requests are labelled as one batch (``ground_truth.label_requests``: a
    ``labelled_pct`` share of them, 0–100), collected ``label_delay_hours`` after the window
    closes; a batch collected after ``evaluated_at`` has not arrived yet. ``captures`` needs
    ``inference_id`` (the join key) and ``inference_time``; ``labels[i]`` belongs to row ``i``.
    """
    if not 0 <= labelled_pct <= 100:
        raise LabkitInputError(
            f"labelled_pct is {labelled_pct!r}, expected a percentage from 0 to 100"
        )
    times = pd.to_datetime(captures["inference_time"], utc=True)
    ids, values = captures["inference_id"].to_numpy(), np.asarray(labels, dtype=object)
    arrived: list[ground_truth.GroundTruthRecord] = []
    for k, start in enumerate(window_starts):
        start = to_utc(start)
        end = start + timedelta(hours=window_hours)
        rows = ((times >= start) & (times < end)).to_numpy()
        collected_at = end + timedelta(hours=label_delay_hours)
        if not rows.any() or collected_at > to_utc(evaluated_at):  # not landed yet
            continue
        batch = ground_truth.label_requests(
            list(ids[rows]),
            list(values[rows]),
            seed=seed + k,
            labelled_fraction=labelled_pct / 100,
            collected_at=collected_at,
        )
        arrived.extend(a.record for a in batch)
    return arrived


def offset_window(
    scheduled_at: datetime, *, start_offset_hours: float, end_offset_hours: float
) -> tuple[datetime, datetime]:
    """The ``[start, end)`` an execution scheduled at ``scheduled_at`` analyses with these offsets.

    ``StartTimeOffset`` ``-PT{start}H`` and ``EndTimeOffset`` ``-PT{end}H`` (model-monitor-model-
    quality-schedule). With labels ``d`` hours late an hourly schedule uses ``d + 1`` and ``d``.
    # [U] reference: operations.md §3.3 — the docs say the job "subtracts" each offset from the
    # start and end time; their worked example (-P8D, -P1D, run at 2020-01-09T13:00 → data from
    # 2020-01-01T13:00 to 2020-01-08T13:00) counts both back from the scheduled time, as here.
    """
    if start_offset_hours <= end_offset_hours:
        raise LabkitInputError(
            f"StartTimeOffset (-PT{start_offset_hours:g}H) must reach further back than EndTimeOffset (-PT{end_offset_hours:g}H)"
        )
    t = to_utc(scheduled_at)
    return t - timedelta(hours=start_offset_hours), t - timedelta(hours=end_offset_hours)


@dataclass(frozen=True)
class WindowPerformance:
    """One hourly window as a model-quality execution would see it at ``evaluated_at``.

    ``report`` is None when no captured inference of the window has a label yet; ``estimate`` is
    the confidence-based accuracy of every captured inference (labelled or not).
    """

    start: datetime
    end: datetime
    n_captured: int
    n_labelled: int  # captures that merged with a label
    report: model_quality.MonitoringReport | None
    estimate: AccuracyEstimate | None

    def value(self, metric: str) -> float:
        """The metric's realised value, ``nan`` when the window has no labels (or it is undefined)."""
        if self.report is None:
            return float("nan")
        return self.report.statistics.scalar_metrics().get(metric, float("nan"))

    @property
    def status(self) -> str:
        if self.n_captured == 0:
            return NO_TRAFFIC
        if self.report is None:
            return NO_LABELS
        names = sorted(self.report.violations.metric_names())
        return f"violations: {', '.join(names)}" if names else OK


@dataclass(frozen=True)
class HourlyPerformance:
    """Every window's performance at one moment, and the merge counts behind it."""

    windows: tuple[WindowPerformance, ...]
    merge_counts: dict[str, int]
    evaluated_at: datetime
    constraints: model_quality.Constraints

    def to_frame(self, metric: str = "accuracy") -> pd.DataFrame:
        """One row per window: start, captured, labelled, the metric, its threshold, the estimate, status."""
        constraint = self.constraints.metrics.get(metric)
        rows = [
            {
                "window_start": w.start,
                "captured": w.n_captured,
                "labelled": w.n_labelled,
                metric: w.value(metric),
                "threshold": constraint.threshold if constraint else float("nan"),
                "estimated_accuracy": w.estimate.expected_accuracy if w.estimate else float("nan"),
                "status": w.status,
            }
            for w in self.windows
        ]
        return pd.DataFrame(rows)

    def violations_frame(self) -> pd.DataFrame:
        """Every window's constraint_violations.json entries, with the window they came from."""
        frames = [
            w.report.violations.to_frame().assign(window_start=w.start)
            for w in self.windows
            if w.report is not None
        ]
        columns = ["window_start", "metric_name", "constraint_check_type", "description"]
        frames = [f for f in frames if len(f)]
        return (
            pd.concat(frames, ignore_index=True)[columns]
            if frames
            else pd.DataFrame(columns=columns)
        )

    def windows_with_labels(self) -> tuple[WindowPerformance, ...]:
        return tuple(w for w in self.windows if w.report is not None)


def performance_by_window(
    merge: model_quality.MergeResult,
    baseline: model_quality.Baseline,
    *,
    window_starts: Sequence[datetime],
    evaluated_at: datetime,
    label: str = "label",
    prediction: str = "prediction",
    probability: str | None = "probability",
    window_hours: float = 1.0,
    seed: int = 0,
) -> HourlyPerformance:
    """Split merged and unmerged captures into windows by ``inference_time`` and score each window.

    Parameters
    ----------
    merge : ``model_quality.merge_ground_truth``'s result; its matched rows carry the label and
        its unmatched captures are the inferences still waiting for one.
    baseline : the (reviewed) model-quality baseline whose constraints each window is checked against.
    window_starts : the start of each window, ``window_hours`` long.
    probability : the score column, for the confidence-based estimate (None: no estimate).
    """
    captured = pd.concat(
        [merge.frame.drop(columns=[label]), merge.unmatched_captures], ignore_index=True
    )
    capture_times = _times(captured)
    merged_times = _times(merge.frame)
    windows = []
    for k, start in enumerate(window_starts):
        start = to_utc(start)
        end = start + timedelta(hours=window_hours)
        in_window = ((capture_times >= start) & (capture_times < end)).to_numpy()
        labelled = merge.frame[((merged_times >= start) & (merged_times < end)).to_numpy()]
        report = None
        if len(labelled):
            report = model_quality.monitor(
                labelled,
                baseline,
                label=label,
                prediction=prediction,
                probability=probability,
                seed=seed + k,
            )
        estimate = None
        if probability is not None and in_window.any():
            estimate = estimate_accuracy(captured.loc[in_window, probability].to_numpy(float))
        windows.append(
            WindowPerformance(start, end, int(in_window.sum()), len(labelled), report, estimate)
        )
    return HourlyPerformance(
        tuple(windows), merge.counts(), to_utc(evaluated_at), baseline.constraints
    )


def hour_starts(start: datetime, hours: int) -> list[datetime]:
    """The start of each hourly window from ``start`` on."""
    return [to_utc(start) + timedelta(hours=k) for k in range(hours)]


def _times(frame: pd.DataFrame) -> pd.Series:
    if "inference_time" not in frame.columns:
        raise LabkitInputError(
            "the captures need an inference_time column to be split into windows",
            column="inference_time",
        )
    return pd.to_datetime(frame["inference_time"], utc=True)
