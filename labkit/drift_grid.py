"""Drift scenarios for model quality: both monitors on the 2×2 grid, and hours of drifted traffic.

Data drift is a change in P(X), the inputs; the data-quality monitor compares them with the
baseline statistics and needs no labels. Model drift is a fall in the model's metrics; the
model-quality monitor finds it by comparing predictions with ground truth. The two can happen
apart: a shift along a feature the model barely uses moves P(X) but not accuracy, and concept
drift (P(y | X) changes) lowers accuracy while every input looks as before. ``run_drift_grid``
injects each combination into one clean window and runs both twins on each, so a lesson can
assert all four verdicts.

The building blocks every model-quality scenario repeats: ``inject_drift`` (drift the traffic;
labels follow the rule of the world), ``score_window`` (the fixed model predicts) and
``review_constraints``, the review AWS asks for before a baseline's suggested constraints go live
(AWS: "Create a model quality baseline", model-monitor-model-quality-baseline).
``hourly_traffic`` and ``simulate_hours`` run them over hours of endpoint requests whose labels
arrive late (``performance_estimation`` scores each hourly window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from labkit import data_quality, drift, model_quality, performance_estimation, scenarios
from labkit.capture import to_utc
from labkit.errors import LabkitInputError
from labkit.model_quality.constraints import MetricConstraint
from labkit.model_quality.inputs import DEFAULT_PROBABILITY_THRESHOLD, predicted_from_probability
from labkit.scenarios import Scenario

__all__ = [
    "DriftGrid",
    "GridCell",
    "hourly_traffic",
    "inject_drift",
    "review_constraints",
    "run_drift_grid",
    "score_window",
    "simulate_hours",
]

# (data drift, model drift) of each cell: neither, data only, model only, both.
GRID_ORDER = ((False, False), (True, False), (False, True), (True, True))


def score_window(
    scenario: Scenario,
    model,
    df: pd.DataFrame,
    *,
    probability_threshold: float = DEFAULT_PROBABILITY_THRESHOLD,
) -> pd.DataFrame:
    """``df`` plus the model's ``prediction`` (and ``probability`` of the positive class when binary).

    The predicted class is ``probability > probability_threshold``, the model-quality twin's rule,
    so the captured prediction and the one the monitor derives agree.
    """
    X = df[list(scenario.features)]
    if scenario.problem_type == "Regression":
        return df.assign(prediction=np.round(model.predict(X), 4))
    if scenario.problem_type != "BinaryClassification":
        raise LabkitInputError(
            f"scenario {scenario.name!r} has no model to score (problem type {scenario.problem_type})"
        )
    p = np.round(model.predict_proba(X)[:, 1], 4)  # what an endpoint returns as CSV text
    return df.assign(
        probability=p,
        prediction=predicted_from_probability(p, probability_threshold).astype("int64"),
    )


def inject_drift(
    scenario: Scenario,
    df: pd.DataFrame,
    *,
    feature: str | None = None,
    covariate_shift_sd: float = 0.0,
    concept_shift: float = 0.0,
    label_noise_pct: float = 0.0,
    rows: np.ndarray | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Drift P(X), P(y | X) or the labels themselves; returns a new frame.

    * ``covariate_shift_sd``: ``feature``'s mean moves by that many standard deviations
      (``drift.shift_mean``) and the labels are redrawn under the UNCHANGED rule: P(X) drifts,
      P(y | X) holds. Drives the data-quality ``baseline_drift_check``.
    * ``concept_shift`` (0–1): the labels are redrawn under the changed rule
      (``drift.shift_concept``'s rule); the features stay. Drives the model-quality metrics.
    * ``label_noise_pct`` (0–100, binary only): that share of the labels is flipped, as careless
      labelling would: the model did not change, but its measured quality falls.

    ``rows`` (a boolean mask) limits the drift to those rows, e.g. the requests after a market
    change; the others come back as they were. With all three at zero the input comes back unchanged.
    """
    if rows is not None:
        rows = np.asarray(rows, dtype=bool)
        if len(rows) != len(df) or not df.index.is_unique:
            raise LabkitInputError(
                f"rows needs one entry per row of a uniquely indexed frame ({len(rows)} for {len(df)})"
            )
        if not rows.any():
            return df.copy()
        drifted = inject_drift(
            scenario, df[rows], feature=feature, covariate_shift_sd=covariate_shift_sd,
            concept_shift=concept_shift, label_noise_pct=label_noise_pct, seed=seed,
        )  # fmt: skip
        return pd.concat([df[~rows], drifted]).reindex(df.index)
    if not 0 <= label_noise_pct <= 100:
        raise LabkitInputError(
            f"label_noise_pct is {label_noise_pct!r}, expected a percentage from 0 to 100"
        )
    out = df.copy()
    if covariate_shift_sd:
        if feature is None:
            raise LabkitInputError("a covariate shift needs the feature to shift")
        out = drift.shift_mean(out, feature, covariate_shift_sd, seed=seed)
    if covariate_shift_sd or concept_shift:
        out[scenario.target] = drift.draw_labels_like(
            out, scenario.name, seed=seed + 1, concept_shift=concept_shift
        )
    if label_noise_pct:
        if scenario.problem_type != "BinaryClassification":
            raise LabkitInputError("label noise flips classes, so it needs a binary scenario")
        labels = out[scenario.target].to_numpy(copy=True)
        if not np.isin(labels, (0, 1)).all():
            raise LabkitInputError(
                "label noise flips 0 ↔ 1; the labels hold other values", column=scenario.target
            )
        flip = np.random.default_rng(seed + 2).random(len(out)) < label_noise_pct / 100
        out[scenario.target] = np.where(flip, 1 - labels, labels)
    return out


def review_constraints(
    baseline: model_quality.Baseline, margins: Mapping[str, float]
) -> model_quality.Baseline:
    """Keep only the metrics in ``margins`` and move each threshold that far in the "worse" direction.

    The twin suggests each baseline metric value itself as its threshold, so a clean window of
    another sample violates about half of them. A margin says how much worse than the baseline
    you tolerate: accuracy 0.83 with margin 0.05 alerts below 0.78 (``LessThanThreshold``);
    rmse 25 with margin 5 alerts above 30 (``GreaterThanThreshold``).
    """
    if not margins:
        raise LabkitInputError("name at least one metric to keep")
    statistics = baseline.statistics.scalar_metrics()
    kept = {}
    for metric, margin in margins.items():
        suggested = baseline.constraints.metrics.get(metric)
        if suggested is None:
            raise LabkitInputError(
                f"the baseline has no constraint for {metric!r}; it has {', '.join(baseline.constraints.metrics)}"
            )
        if not margin >= 0:
            raise LabkitInputError(f"the margin for {metric} is {margin!r}; expected a number >= 0")
        lower_alerts = suggested.comparison_operator.startswith("LessThan")
        threshold = statistics[metric] - margin if lower_alerts else statistics[metric] + margin
        kept[metric] = MetricConstraint(float(threshold), suggested.comparison_operator)
    return replace(baseline, constraints=model_quality.Constraints(baseline.problem_type, kept))


@dataclass(frozen=True)
class GridCell:
    """One injected window and what each monitor said about it."""

    data_drift: bool  # P(X) drift injected
    model_drift: bool  # concept drift injected
    data_quality: data_quality.MonitoringReport
    model_quality: model_quality.MonitoringReport

    @property
    def data_quality_fired(self) -> bool:
        return self.data_quality.has_violations

    @property
    def model_quality_fired(self) -> bool:
        return self.model_quality.has_violations


@dataclass(frozen=True)
class DriftGrid:
    """The four cells, in the order neither, data only, model only, both."""

    cells: tuple[GridCell, ...]

    def cell(self, *, data_drift: bool, model_drift: bool) -> GridCell:
        for c in self.cells:
            if (c.data_drift, c.model_drift) == (data_drift, model_drift):
                return c
        raise KeyError(f"no cell with data_drift={data_drift}, model_drift={model_drift}")

    @property
    def each_monitor_sees_only_its_drift(self) -> bool:
        """True when data quality fired exactly where P(X) drifted and model quality where the concept did."""
        return all(
            c.data_quality_fired == c.data_drift and c.model_quality_fired == c.model_drift
            for c in self.cells
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: what was injected, what each monitor reported."""
        rows = []
        for c in self.cells:
            rows.append(
                {
                    "data drift injected": c.data_drift,
                    "model drift injected": c.model_drift,
                    "data quality": _verdict(c.data_quality_fired),
                    "features flagged": ", ".join(sorted(c.data_quality.violations.features()))
                    or "-",
                    "model quality": _verdict(c.model_quality_fired),
                    "metrics flagged": ", ".join(sorted(c.model_quality.violations.metric_names()))
                    or "-",
                }
            )
        return pd.DataFrame(rows)


def _verdict(fired: bool) -> str:
    return "CompletedWithViolations" if fired else "Completed"


def run_drift_grid(
    scenario: Scenario,
    model,
    window: pd.DataFrame,
    *,
    data_quality_baseline: data_quality.Baseline,
    model_quality_baseline: model_quality.Baseline,
    feature: str,
    covariate_shift_sd: float,
    concept_shift: float,
    seed: int = 0,
) -> DriftGrid:
    """Inject neither / data only / model only / both into ``window`` and run both monitors on each.

    Data drift is ``inject_drift(covariate_shift_sd=…)`` on ``feature``; model drift is
    ``inject_drift(concept_shift=…)``. The data-quality monitor sees the model's input columns
    (what data capture records as ``endpointInput``); the model-quality monitor sees the
    predictions merged with the (drifted) labels.
    """
    columns = list(scenario.features)
    probability = "probability" if scenario.problem_type == "BinaryClassification" else None
    cells = []
    for data_drift, model_drift in GRID_ORDER:
        drifted = inject_drift(
            scenario,
            window,
            feature=feature,
            covariate_shift_sd=covariate_shift_sd if data_drift else 0.0,
            concept_shift=concept_shift if model_drift else 0.0,
            seed=seed,
        )
        scored = score_window(scenario, model, drifted)
        dq = data_quality.monitor(drifted[columns], data_quality_baseline)
        mq = model_quality.monitor(
            scored,
            model_quality_baseline,
            label=scenario.target,
            prediction="prediction",
            probability=probability,
            seed=seed,
        )
        cells.append(GridCell(data_drift, model_drift, dq, mq))
    return DriftGrid(tuple(cells))


# --- hours of endpoint traffic ---------------------------------------------------------------


def hourly_traffic(
    scenario: str, *, hours: int, requests_per_hour: int, start: datetime, seed: int
) -> pd.DataFrame:
    """``hours`` hours of requests to the scenario's endpoint, evenly spread, with the label each will get.

    Columns: the scenario's features and target (the ground truth the world reveals later), an
    ``inference_id`` (what the caller passes as InvokeEndpoint's InferenceId, the merge key) and
    the ``inference_time``.
    """
    if hours < 1 or requests_per_hour < 1:
        raise LabkitInputError(
            f"need at least one hour and one request per hour, got {hours} and {requests_per_hour}"
        )
    n = hours * requests_per_hour
    start = to_utc(start)
    frame = scenarios.draw_window(scenario, n, seed=seed)
    return frame.assign(
        inference_id=[f"{scenario}-{i:06d}" for i in range(n)],
        inference_time=[start + timedelta(hours=i / requests_per_hour) for i in range(n)],
    )


def simulate_hours(
    scenario: Scenario,
    model,
    baseline: model_quality.Baseline,
    traffic: pd.DataFrame,
    *,
    window_starts: Sequence[datetime],
    drift_from: datetime,
    evaluated_at: datetime,
    feature: str,
    covariate_shift_sd: float = 0.0,
    concept_shift: float = 0.0,
    label_noise_pct: float = 0.0,
    label_delay_hours: float = 0.0,
    labelled_pct: float = 100.0,
    seed: int = 0,
) -> performance_estimation.HourlyPerformance:
    """Hours of endpoint traffic, drifted from ``drift_from`` on, labelled late, scored per window.

    Parameters
    ----------
    traffic : the requests, with the scenario's features and target plus ``inference_id`` (the
        caller's InferenceId, the merge key) and ``inference_time``.
    drift_from : requests at or after this time get ``inject_drift`` with ``feature``,
        ``covariate_shift_sd`` (σ), ``concept_shift`` (0–1) and ``label_noise_pct`` (0–100).
    label_delay_hours, labelled_pct : see ``performance_estimation.late_labels``: each window's
        labels land that many hours after it closes, for that share (0–100) of its requests.
    """
    late = (
        pd.to_datetime(traffic["inference_time"], utc=True) >= pd.Timestamp(to_utc(drift_from))
    ).to_numpy()
    traffic = inject_drift(
        scenario, traffic, feature=feature, covariate_shift_sd=covariate_shift_sd, concept_shift=concept_shift,
        label_noise_pct=label_noise_pct, rows=late, seed=seed,
    )  # fmt: skip
    scored = score_window(scenario, model, traffic)
    captures = scored[["inference_id", "inference_time", "prediction", "probability"]]
    labels = performance_estimation.late_labels(
        captures, scored[scenario.target].tolist(), window_starts=window_starts, label_delay_hours=label_delay_hours,
        labelled_pct=labelled_pct, evaluated_at=evaluated_at, seed=seed,
    )  # fmt: skip
    merge = model_quality.merge_ground_truth(captures, labels)
    return performance_estimation.performance_by_window(
        merge, baseline, window_starts=window_starts, evaluated_at=evaluated_at, seed=seed
    )
