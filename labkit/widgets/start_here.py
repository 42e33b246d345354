"""Notebook 00's first playground: shift one feature and watch its histogram move."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from labkit import drift
from labkit.plots.data_quality import feature_histograms, numeric_values, shared_edges
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = ["MeanShiftApp", "MeanShiftPreview", "preview_mean_shift"]

MAX_SHIFT_SD = 3.0  # the slider's reach, in baseline standard deviations


@dataclass(frozen=True)
class MeanShiftPreview:
    """A feature's baseline and shifted window values, and how far the window mean moved."""

    feature: str
    baseline: pd.Series
    window: pd.Series
    mean_change_sd: float  # (window mean − baseline mean) / baseline sd


def preview_mean_shift(scenario: Scenario, feature: str, shift_sd: float, *, seed: int = 0) -> MeanShiftPreview:
    """Shift ``feature`` of the scenario's clean window by ``shift_sd`` baseline sds (pure)."""
    window = drift.shift_mean(scenario.window, feature, shift_sd, seed=seed)[feature]
    baseline = scenario.baseline[feature]
    change = (pd.to_numeric(window).mean() - baseline.mean()) / baseline.std(ddof=0)
    return MeanShiftPreview(feature, baseline, window, float(change))


class MeanShiftApp(WidgetApp):
    """Pick a numeric feature, move its mean, see the baseline-versus-window histogram."""

    def __init__(self, scenario: Scenario, *, seed: int = 0, use_widgets: bool = True) -> None:
        import ipywidgets as widgets

        self.scenario, self.seed = scenario, seed
        self.controls = {
            "feature": widgets.Dropdown(options=list(scenario.numeric_features), description="feature"),
            "shift_sd": widgets.FloatSlider(
                value=0.0, min=-MAX_SHIFT_SD, max=MAX_SHIFT_SD, step=0.25, description="mean shift (σ)",
                continuous_update=False,
            ),
        }  # fmt: skip
        self._edges: dict[str, object] = {}  # per feature: bins that hold every shift the slider makes
        super().__init__(use_widgets=use_widgets)

    def compute(self, feature: str, shift_sd: float) -> MeanShiftPreview:
        return preview_mean_shift(self.scenario, feature, shift_sd, seed=self.seed)

    def draw(self, ax, result: MeanShiftPreview) -> None:
        self._feature = result.feature
        self._view = feature_histograms(ax, result.baseline, result.window, edges=self._bins(result), title=f"{result.feature}: baseline vs shifted window")  # fmt: skip
        self.live(*self._view.artists)

    def update(self, result: MeanShiftPreview) -> bool:
        return result.feature == self._feature and self._view.show(result.window)

    def summary(self, result: MeanShiftPreview) -> str:
        return f"{result.feature}: the window's mean is {result.mean_change_sd:+.2f} baseline standard deviations from the baseline's"

    def _bins(self, result: MeanShiftPreview):
        """Bins over the baseline's range widened by the slider's reach, so the axis stays put."""
        if result.feature not in self._edges:
            base = numeric_values(result.baseline)
            self._edges[result.feature] = shared_edges(base, bins=50, pad=MAX_SHIFT_SD * base.std())
        return self._edges[result.feature]
