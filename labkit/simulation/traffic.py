"""The endpoint's traffic: when and how drift grows, the hourly requests, scoring and capture.

``DriftSchedule`` says how much drift each hour carries; ``_traffic`` draws every hour's requests
at once and drifts each hour by its own magnitude (``_Requests.drifted``); ``_score`` and
``_capture`` turn an hour of requests into the served predictions and the captured records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from labkit import capture, drift_grid, ground_truth, scenarios
from labkit.drift import restore_kind
from labkit.errors import LabkitInputError
from labkit.simulation.cache import SimulationCache

__all__ = ["SHAPES", "DriftSchedule"]

SHAPES = ("sudden", "gradual", "periodic")


@dataclass(frozen=True)
class DriftSchedule:
    """When drift starts and how it grows; ``magnitude(hour)`` is 0 (none) to 1 (full).

    At full magnitude ``feature`` moves by ``shift_sd`` standard deviations of the undrifted
    traffic (covariate drift, seen by data quality) and the label rule moves by ``concept_shift``
    (concept drift, seen by model quality once labels land); at magnitude m, m times both. Each
    request keeps one uniform draw that decides its label under whatever rule holds, so an hour's
    requests depend on that hour and its magnitude only. ``gradual`` ramps over ``ramp_hours``;
    ``periodic`` is on for the first half of every ``period_hours`` (a recurring population, e.g.
    night traffic).
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
) -> _Traffic:
    """Every hour's requests, drawn at once, each hour drifted by its own magnitude.

    An hour's requests depend on that hour and its magnitude only: the shift is ``shift_sd``
    standard deviations of the undrifted traffic, and each request's label comes from its own
    uniform draw. Moving the onset changes only the hours whose magnitude changed.
    """
    key = ("requests", scenario.name, hours, n, seed)
    requests = (SimulationCache() if cache is None else cache).get(key, lambda: _Requests.draw(scenario, hours, n, seed))
    magnitudes = [drift.magnitude(h) for h in range(hours)]
    drifted = requests.drifted(scenario, drift, np.repeat(np.array(magnitudes), n))
    keys = tuple((*key, h) if m == 0 else (*key, h, m, drift.feature, drift.shift_sd, drift.concept_shift)
                 for h, m in enumerate(magnitudes))  # fmt: skip
    return _Traffic(drifted, hours, n, frozenset(outage), keys)


@dataclass(frozen=True, eq=False)
class _Requests:
    """Every hour's requests before any drift, and the uniform draw behind each one's label."""

    frame: pd.DataFrame
    uniforms: np.ndarray  # a request's label is 1 where its draw is below P(label = 1 | x)

    @classmethod
    def draw(cls, scenario: scenarios.Scenario, hours: int, n: int, seed: int) -> _Requests:
        """``hours`` × ``n`` fresh requests, each with its inference id (hour and number): the
        rows and labels ``scenarios.draw_window(name, hours * n, seed=seed)`` draws."""
        rng = np.random.default_rng(seed)
        features = scenarios.draw_features(scenario.name, hours * n, rng=rng)
        uniforms = rng.random(hours * n)  # draw_labels' draw, in draw_window's order
        labels = uniforms < scenarios.label_probability(scenario.name, features)
        frame = features.assign(**{scenario.target: labels.astype("int64")})
        frame["inference_id"] = [f"{scenario.name}-{h:04d}-{i:04d}" for h in range(hours) for i in range(n)]
        return cls(frame, uniforms)

    def drifted(self, scenario: scenarios.Scenario, drift: DriftSchedule, magnitude: np.ndarray) -> pd.DataFrame:
        """The requests with each row drifted by its ``magnitude`` (0–1): ``drift.feature`` moved
        by ``magnitude × shift_sd`` sd of the undrifted requests, the label redrawn from the
        row's own draw under the rule moved by ``magnitude × concept_shift``."""
        rows = magnitude > 0
        if not rows.any():
            return self.frame
        if drift.feature not in scenario.numeric_features:
            raise LabkitInputError(
                f"the drift moves a numeric feature; {drift.feature!r} is not one of "
                f"{', '.join(scenario.numeric_features)}"
            )
        column = self.frame[drift.feature]
        values = column.to_numpy(dtype=float, na_value=np.nan)
        shifted = values.copy()
        shifted[rows] += magnitude[rows] * drift.shift_sd * np.nanstd(values)
        frame = self.frame.assign(**{drift.feature: restore_kind(column, shifted)})
        p = scenarios.label_probability(scenario.name, frame, concept_shift=magnitude * drift.concept_shift)
        return frame.assign(**{scenario.target: (self.uniforms < p).astype("int64")})


class _Traffic:
    """The hours' requests: ``traffic[h]`` is hour ``h``'s frame (empty in an outage), cut from
    one frame of every hour only when asked for; ``keys[h]`` names what decides hour ``h``'s
    requests (equal keys, equal requests)."""

    def __init__(self, frame: pd.DataFrame, hours: int, n: int, outage: frozenset[int],
                 keys: tuple[tuple, ...]) -> None:  # fmt: skip
        self.frame, self.hours, self.n, self.outage, self.keys = frame, hours, n, outage, keys
        self._hours: dict[int, pd.DataFrame] = {}

    def __len__(self) -> int:
        return self.hours

    def __getitem__(self, h: int) -> pd.DataFrame:
        if not 0 <= h < self.hours:
            raise IndexError(h)
        if h not in self._hours:
            self._hours[h] = self.frame.iloc[:0] if h in self.outage else self.rows([h])
        return self._hours[h]

    def size(self, h: int) -> int:
        return 0 if h in self.outage else self.n

    def rows(self, hours: Sequence[int]) -> pd.DataFrame:
        """The requests of ``hours`` (outages left out) in one frame, in that order, indexed from 0."""
        kept = [h for h in hours if h not in self.outage]
        if kept and kept == list(range(kept[0], kept[-1] + 1)):  # consecutive hours: one slice
            return self.frame.iloc[kept[0] * self.n : (kept[-1] + 1) * self.n].reset_index(drop=True)
        rows = np.concatenate([np.arange(h * self.n, (h + 1) * self.n) for h in kept]) if kept else np.arange(0)
        return self.frame.iloc[rows].reset_index(drop=True)


class _Hour:
    """One hour of scored requests: each column as a numpy slice, and the frame when asked."""

    def __init__(self, scored: pd.DataFrame, columns: dict[str, np.ndarray], start: int, stop: int,
                 dtypes: dict[str, Any]) -> None:  # fmt: skip
        """``columns`` and ``dtypes``: each of ``scored``'s columns as numpy, and its dtype."""
        self._scored, self._columns, self._dtypes, self.start, self.stop = scored, columns, dtypes, start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name][self.start : self.stop]

    def values(self, name: str, rows: np.ndarray) -> Any:
        """``rows`` of a column with the frame's dtype (a numpy array, or an extension array)."""
        column = self[name]
        return column[rows] if self._dtypes[name] == column.dtype else self.frame[name].array[rows]

    @cached_property
    def frame(self) -> pd.DataFrame:
        return self._scored.iloc[self.start : self.stop].reset_index(drop=True)

    @classmethod
    def split(cls, scored: pd.DataFrame, n: int, *, hours: int | None = None) -> list[_Hour]:
        """``scored``'s rows as consecutive hours of ``n`` rows (``hours`` of them: all by default)."""
        columns = {str(c): scored[c].to_numpy() for c in scored.columns}
        dtypes = {str(c): t for c, t in scored.dtypes.items()}
        count = len(scored) // n if hours is None else hours
        return [cls(scored, columns, i * n, (i + 1) * n, dtypes) for i in range(count)]


def _score(scenario: scenarios.Scenario, model: Any, traffic: _Traffic, first: int,
           cache: SimulationCache) -> dict[int, _Hour]:  # fmt: skip
    """Hours ``first`` onwards scored by ``model``. An hour it scored before (the same
    ``traffic.keys[h]``) comes from ``cache``; the others are scored in one call (sklearn's
    overhead is per call)."""
    served = [h for h in range(first, len(traffic)) if traffic.size(h)]
    keys = {h: ("scored hour", model, traffic.keys[h]) for h in served}
    new = [h for h in served if keys[h] not in cache]
    if new:
        scored = drift_grid.score_window(scenario, model, traffic.rows(new))
        for h, hour in zip(new, _Hour.split(scored, traffic.n), strict=True):
            cache.get(keys[h], lambda hour=hour: hour)
    idle = None
    if len(served) < len(traffic) - first:  # an outage: an hour without requests
        empty = traffic.frame.iloc[:0].assign(probability=pd.Series(dtype=float), prediction=pd.Series(dtype="int64"))
        idle = _Hour.split(empty, 0, hours=1)[0]
    return {h: cache[keys[h]] if h in keys else idle for h in range(first, len(traffic))}


def _capture_hour(
    cache: SimulationCache,
    hour: _Hour,
    scenario: scenarios.Scenario,
    start: datetime,
    requests_per_hour: int,
    sampling_percentage: float,
    seed: int,
    label_delay_hours: int,
    *,
    in_memory: bool,
) -> tuple[list[capture.CaptureRecord], list[ground_truth.LabelArrival], pd.DataFrame | None]:
    """The hour's captured records, its labels' arrivals and, in memory, the data-quality window.

    In memory the monitors read the values from the hour's columns, so the records carry the
    capture's bookkeeping only (which requests were sampled, their ids and times) and the
    arrivals serve only to say which labels landed when: neither depends on the values, so both
    are made once per hour and kept in ``cache``. With files (``window`` None) both are made in full.
    """
    features, labels = list(scenario.features), hour[scenario.target]
    ids = hour["inference_id"]
    if in_memory and not (pd.isna(labels).any() or (labels.dtype == object and (labels == "").any())):
        listed = ids.tolist()

        def bookkeeping() -> tuple[list[capture.CaptureRecord], list[ground_truth.LabelArrival], np.ndarray]:
            records, arrivals = _label(hour.frame, features, scenario.target, start, requests_per_hour,
                                       sampling_percentage, seed, label_delay_hours, payloads=False)  # fmt: skip
            position = {inference_id: i for i, inference_id in enumerate(listed)}  # the captured requests' rows
            return records, arrivals, np.array([position[r.inference_id] for r in records], dtype=np.intp)

        key = ("capture", start, requests_per_hour, sampling_percentage, seed, tuple(listed), label_delay_hours)
        records, arrivals, rows = cache.get(key, bookkeeping)
        window = cache.window_frame({name: hour[name] for name in features}, rows)
        if window is not None:
            return records, arrivals, window
    records, arrivals = _label(hour.frame, features, scenario.target, start, requests_per_hour, sampling_percentage,
                               seed, label_delay_hours)  # fmt: skip
    return records, arrivals, None


def _label(frame, features, target, start, requests_per_hour, sampling_percentage, seed, label_delay_hours, *,
           payloads: bool = True) -> tuple[list[capture.CaptureRecord], list[ground_truth.LabelArrival]]:  # fmt: skip
    """The hour's captured records and their labels' arrivals, ``label_delay_hours`` late."""
    records = _capture(frame, features, start, requests_per_hour, sampling_percentage, seed, payloads=payloads)
    truth = dict(zip(frame["inference_id"], frame[target]))
    arrivals = ground_truth.label_requests(records, [truth[r.inference_id] for r in records], seed=seed,
                                           delay_hours=label_delay_hours)  # fmt: skip
    return records, arrivals


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
