"""Notebook 05's playground: move the drift and the alarm settings, watch when the pager goes off.

Simulating the hours is the slow part, so the app keeps one monitoring-only simulation
(``retrain=False``) per (drift onset, drift shape), and every simulation shares one
``simulation.SimulationCache``: a new onset or shape recomputes only the hours and columns the
drift changed. Changing M, N, TreatMissingData or the threshold re-evaluates the alarm on the
cached metrics (``simulation.reevaluate``), which takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from labkit import alarms, simulation
from labkit.plots import workflow as figures
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = ["ALARM_DEFAULTS", "WorkflowApp", "WorkflowView"]

# The alarm controls' starting values: simulation.drift_alarm's defaults.
ALARM_DEFAULTS = {
    "evaluation_periods": 3,
    "datapoints_to_alarm": 2,
    "treat_missing_data": "missing",
    "threshold": 0.1,
}


@dataclass(frozen=True, eq=False)
class WorkflowView:
    """One setting of the controls: the cached simulation and the alarm evaluated on it."""

    simulation: simulation.SimulationResult
    history: alarms.AlarmHistory
    onset: datetime

    @property
    def paged_at(self) -> datetime | None:
        """The first change to ALARM after the drift began (earlier ones are false alarms)."""
        return next(
            (
                c.timestamp
                for c in self.history.changes
                if c.new_state == alarms.ALARM and c.timestamp >= self.onset
            ),
            None,
        )

    @property
    def reaction_hours(self) -> float | None:
        """Hours from the drift onset to the page (None: never paged)."""
        return (
            None if self.paged_at is None else (self.paged_at - self.onset).total_seconds() / 3600
        )


class WorkflowApp(WidgetApp):
    """Drift onset and shape, alarm M-of-N, TreatMissingData and threshold → the timeline."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        days: int = 3,
        seed: int = 0,
        outage_hours: Sequence[int] = (),
        drift: simulation.DriftSchedule | None = None,
        requests_per_hour: int = 100,
        alarm: Mapping[str, Any] | None = None,
        use_widgets: bool = True,
    ) -> None:
        """``alarm``: starting values of the alarm controls, e.g. ``{"datapoints_to_alarm": 3}``."""
        import ipywidgets as widgets

        self.scenario, self.days, self.seed = scenario, days, seed
        self.outage_hours = tuple(outage_hours)
        start = {**ALARM_DEFAULTS, **(alarm or {})}
        self.drift = drift or simulation.DriftSchedule(onset_hour=days * 12)
        self.requests_per_hour = requests_per_hour
        self._cache: dict[tuple[int, str], simulation.SimulationResult] = {}
        self._work = simulation.SimulationCache()  # what every drift's simulation shares
        slider = {"continuous_update": False}
        self.controls = {
            "drift_onset_hour": widgets.IntSlider(
                value=self.drift.onset_hour,
                min=0,
                max=days * 24 - 1,
                description="drift onset (hour)",
                **slider,
            ),
            "drift_shape": widgets.Dropdown(
                options=list(simulation.SHAPES), value=self.drift.shape, description="drift shape"
            ),
            "evaluation_periods": widgets.IntSlider(
                value=start["evaluation_periods"],
                min=1,
                max=12,
                description="N: EvaluationPeriods",
                **slider,
            ),
            "datapoints_to_alarm": widgets.IntSlider(
                value=start["datapoints_to_alarm"],
                min=1,
                max=12,
                description="M: DatapointsToAlarm",
                **slider,
            ),
            "treat_missing_data": widgets.Dropdown(
                options=list(alarms.TREAT_MISSING_DATA),
                value=start["treat_missing_data"],
                description="TreatMissingData",
            ),
            "threshold": widgets.FloatSlider(
                value=start["threshold"],
                min=0.02,
                max=0.8,
                step=0.02,
                description="threshold (distance)",
                **slider,
            ),
        }
        # A new drift onset or shape simulates again, reusing what does not depend on the drift;
        # the alarm's settings only re-evaluate a cached simulation. Every control reacts at once.
        super().__init__(use_widgets=use_widgets, figsize=(8.4, 6.4))

    @property
    def cached_drifts(self) -> tuple[tuple[int, str], ...]:
        """The (onset hour, shape) pairs simulated so far."""
        return tuple(self._cache)

    def simulation_for(self, onset: int, shape: str) -> simulation.SimulationResult:
        """The monitoring-only simulation for this drift, computed once and cached."""
        key = (int(onset), shape)
        if key not in self._cache:
            drift = simulation.DriftSchedule(
                int(onset),
                shape,
                self.drift.feature,
                self.drift.shift_sd,
                self.drift.concept_shift,
                self.drift.ramp_hours,
                self.drift.period_hours,
            )
            self._cache[key] = simulation.simulate(
                self.scenario,
                drift=drift,
                days=self.days,
                requests_per_hour=self.requests_per_hour,
                retrain=False,
                outage_hours=self.outage_hours,
                seed=self.seed,
                cache=self._work,
            )
        return self._cache[key]

    def compute(
        self,
        drift_onset_hour: int,
        drift_shape: str,
        evaluation_periods: int,
        datapoints_to_alarm: int,
        treat_missing_data: str,
        threshold: float,
    ) -> WorkflowView:
        result = self.simulation_for(drift_onset_hour, drift_shape)
        alarm = simulation.drift_alarm(
            self.drift.feature,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=treat_missing_data,
            endpoint=f"{self.scenario.name}-endpoint",
        )
        return WorkflowView(
            result,
            simulation.reevaluate(result, alarm),
            result.start + simulation.HOUR * drift_onset_hour,
        )

    def draw(self, axes: Any, view: WorkflowView) -> None:
        if len(self.figure.axes) != 4:  # first draw: the four stacked panels, laid out once
            self.figure.clear()
            self.figure.set_layout_engine("constrained")
            self.axes = self.figure.subplots(4, 1, sharex=True, height_ratios=[0.8, 1.4, 1, 0.5])
        self._alarm = figures.timeline(self.axes, view.simulation, view.history, features=[self.drift.feature],
                                       full_range=True)  # fmt: skip
        self.live(*self._alarm.artists)

    def update(self, view: WorkflowView) -> bool:
        """Another alarm or another drift of the same traffic redraws the lines that moved only."""
        return self._alarm.show(view.history, view.simulation)

    def table(self, view: WorkflowView) -> pd.DataFrame:
        """The alarm's state changes (DescribeAlarmHistory, oldest first)."""
        rows = [
            {
                "time": c.timestamp,
                "from": c.old_state,
                "to": c.new_state,
                "actions": ", ".join(c.actions) or "-",
                "reason": c.reason[:90],
            }
            for c in view.history.changes
        ]
        return pd.DataFrame(rows, columns=["time", "from", "to", "actions", "reason"])

    def summary(self, view: WorkflowView) -> str:
        a = view.history.alarm
        setting = f"M={a.m} of N={a.evaluation_periods}, TreatMissingData={a.treat_missing_data}, threshold {a.threshold:g}"
        if view.paged_at is None:
            return f"Never paged after the drift began ({setting})."
        return f"Paged at {view.paged_at:%Y-%m-%d %H:%M} UTC, {view.reaction_hours:.1f} h after the drift began ({setting})."
