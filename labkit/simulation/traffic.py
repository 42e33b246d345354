"""The endpoint's traffic: when and how drift grows, the hourly requests, scoring and capture.

``DriftSchedule`` says how much drift each hour carries; ``_traffic`` draws every hour's requests
at once and injects that drift (``drift_grid.inject_drift``); ``_score`` and ``_capture`` turn an
hour of requests into the served predictions and the captured records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from labkit import capture, drift_grid, scenarios
from labkit.errors import LabkitInputError
from labkit.simulation.cache import SimulationCache

__all__ = ["SHAPES", "DriftSchedule"]

SHAPES = ("sudden", "gradual", "periodic")


@dataclass(frozen=True)
class DriftSchedule:
    """When drift starts and how it grows; ``magnitude(hour)`` is 0 (none) to 1 (full).

    At full magnitude ``feature`` moves by ``shift_sd`` standard deviations (covariate drift,
    seen by data quality) and the label rule moves by ``concept_shift`` (concept drift, seen by
    model quality once labels land). ``gradual`` ramps over ``ramp_hours``; ``periodic`` is on
    for the first half of every ``period_hours`` (a recurring population, e.g. night traffic).
    """

    onset_hour: int
    shape: str = "sudden"
    feature: str = "debt_to_income"
    shift_sd: float = 2.0
    concept_shift: float = 0.8
    ramp_hours: int = 24
    period_hours: int = 24

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise LabkitInputError(f"drift shape {self.shape!r} is not one of {', '.join(SHAPES)}")
        if self.onset_hour < 0 or self.ramp_hours < 1 or self.period_hours < 2:
            raise LabkitInputError("onset_hour must be >= 0, ramp_hours >= 1 and period_hours >= 2")

    def magnitude(self, hour: int) -> float:
        since = hour - self.onset_hour
        if since < 0:
            return 0.0
        if self.shape == "gradual":
            return min(1.0, (since + 1) / self.ramp_hours)
        if self.shape == "periodic":
            return 1.0 if since % self.period_hours < self.period_hours / 2 else 0.0
        return 1.0

    def drifted_window(self, scenario: scenarios.Scenario, n: int, *, seed: int) -> pd.DataFrame:
        """``n`` fresh requests at full drift: the traffic after the onset (notebook 05's A/B test)."""
        window = scenarios.draw_window(scenario.name, n, seed=seed)
        return drift_grid.inject_drift(scenario, window, feature=self.feature, covariate_shift_sd=self.shift_sd,
                                       concept_shift=self.concept_shift, seed=seed)  # fmt: skip


def _traffic(
    scenario: scenarios.Scenario,
    drift: DriftSchedule,
    hours: int,
    n: int,
    seed: int,
    outage: set[int],
    cache: SimulationCache | None = None,
) -> list[pd.DataFrame]:
    """Every hour's requests, drawn at once; hours with the same drift magnitude drift together."""
    key = ("requests", scenario.name, hours, n, seed)
    frame = (SimulationCache() if cache is None else cache).get(key, lambda: _requests(scenario.name, hours, n, seed))
    hour = np.repeat(np.arange(hours), n)
    magnitude = np.array([drift.magnitude(h) for h in range(hours)])[hour]
    for k, m in enumerate(sorted(set(magnitude) - {0.0})):
        rows = magnitude == m
        frame = drift_grid.inject_drift(
            scenario,
            frame,
            feature=drift.feature,
            covariate_shift_sd=m * drift.shift_sd,
            concept_shift=m * drift.concept_shift,
            rows=rows,
            seed=seed + 1 + k,
        )
    return [
        frame.iloc[:0] if h in outage else frame.iloc[h * n : (h + 1) * n].reset_index(drop=True)
        for h in range(hours)
    ]


def _requests(name: str, hours: int, n: int, seed: int) -> pd.DataFrame:
    """``hours`` × ``n`` fresh requests, each with its inference id (hour and number)."""
    frame = scenarios.draw_window(name, hours * n, seed=seed)
    frame["inference_id"] = [f"{name}-{h:04d}-{i:04d}" for h in range(hours) for i in range(n)]
    return frame


def _score(
    scenario: scenarios.Scenario, model: Any, traffic: list[pd.DataFrame], first: int
) -> dict[int, pd.DataFrame]:
    """Score hours ``first`` onwards with ``model`` in one call (sklearn's overhead is per call)."""
    sizes = [len(traffic[h]) for h in range(first, len(traffic))]
    if not sum(sizes):
        empty = traffic[first].assign(
            probability=pd.Series(dtype=float), prediction=pd.Series(dtype="int64")
        )
        return {first + i: empty for i in range(len(sizes))}
    scored = drift_grid.score_window(scenario, model, pd.concat(traffic[first:], ignore_index=True))
    bounds = np.cumsum([0, *sizes])
    return {
        first + i: scored.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True)
        for i in range(len(sizes))
    }


def _capture(
    frame: pd.DataFrame,
    features: list[str],
    start: datetime,
    n: int,
    sampling_percentage: float,
    seed: int,
    *,
    payloads: bool = True,
) -> list[capture.CaptureRecord]:
    """The hour's captured records. ``payloads=False``: the capture's bookkeeping only (which
    requests were sampled, their event ids, inference ids and times, all independent of the
    values), with empty payloads, for a caller that reads the values from ``frame`` itself."""
    if not len(frame):
        return []
    times = [start + timedelta(seconds=int(i * 3600 / n)) for i in range(len(frame))]
    shown = features if payloads else []
    return capture.capture_requests(
        frame[shown],
        frame[["prediction", "probability"] if payloads else []],
        times=times,
        inference_ids=frame["inference_id"].tolist(),
        sampling_percentage=sampling_percentage,
        seed=seed,
    )
