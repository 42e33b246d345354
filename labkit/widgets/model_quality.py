"""Notebook 02's playground: drift the credit traffic, delay its labels, watch each hourly window.

``ModelQualityApp`` simulates ``hours`` hours of requests to the credit endpoint, drifts the
ones after ``drift_from_hour``, lets a share of the labels land ``label delay`` hours after each
window closes, merges them and runs the model-quality twin on every window that has labels
(``drift_grid.simulate_hours``). The model and the reviewed baseline are computed
once, in ``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from labkit import drift_grid, model_quality, performance_estimation, scenarios
from labkit.plots.model_quality import metric_by_window
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = ["MARGINS", "ModelQualityApp", "ModelQualityResult"]

START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)  # the first captured hour; any hour would do
HOURS = 6  # hourly windows shown
# Default window size: under 200, so no window pays for the 5-subsample standard deviations.
REQUESTS_PER_HOUR = 180
DRIFT_FROM_HOUR = 2  # drift hits the requests from the third window on
SHIFTED_FEATURE = "debt_to_income"  # the covariate-shift slider moves this feature
MARGINS = {
    "accuracy": 0.05,
    "auc": 0.07,
}  # reviewed constraints: how much worse than the baseline is tolerated
YLIM = (0.5, 1.0)


@dataclass(frozen=True)
class ModelQualityResult:
    """What the app shows: every window's performance, and the metric being plotted."""

    performance: performance_estimation.HourlyPerformance
    metric: str
    label_delay_hours: int


class ModelQualityApp(WidgetApp):
    """Concept drift, covariate shift, late and noisy labels: see which hourly windows violate."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int = 0,
        hours: int = HOURS,
        requests_per_hour: int = REQUESTS_PER_HOUR,
        drift_from_hour: int = DRIFT_FROM_HOUR,
        model=None,
        use_widgets: bool = True,
    ) -> None:
        import ipywidgets as w

        if scenario.problem_type != "BinaryClassification":
            raise ValueError("ModelQualityApp needs a binary scenario (credit)")
        self.scenario, self.seed = scenario, seed
        # Computed once: the deployed model and its reviewed baseline do not change with the controls.
        self.model = model if model is not None else scenarios.train_model(scenario)
        scored = drift_grid.score_window(scenario, self.model, scenario.baseline)
        suggested = model_quality.suggest_baseline(
            scored,
            problem_type=scenario.problem_type,
            label=scenario.target,
            prediction="prediction",
            probability="probability",
        )
        self.baseline = drift_grid.review_constraints(suggested, MARGINS)
        self.baseline_values = suggested.statistics.scalar_metrics()
        self.traffic = drift_grid.hourly_traffic(
            scenario.name,
            hours=hours,
            requests_per_hour=requests_per_hour,
            start=START,
            seed=seed + 1,
        )
        self.window_starts = performance_estimation.hour_starts(START, hours)
        self.drift_from = self.window_starts[min(drift_from_hour, hours - 1)]
        self.evaluated_at = START + timedelta(hours=hours)
        self._last: tuple[tuple, performance_estimation.HourlyPerformance] | None = None
        self.controls = {
            "concept_shift": w.FloatSlider(value=0.0, min=0, max=1, step=0.1, description="concept drift (0–1)", continuous_update=False),
            "covariate_shift_sd": w.FloatSlider(value=0.0, min=-3, max=3, step=0.25, description="DTI shift (σ)", continuous_update=False),
            "label_delay_hours": w.IntSlider(value=0, min=0, max=hours, description="label delay (h)", continuous_update=False),
            "labelled_pct": w.IntSlider(value=100, min=0, max=100, step=5, description="labelled (%)", continuous_update=False),
            "label_noise_pct": w.IntSlider(value=0, min=0, max=50, step=5, description="label noise (%)", continuous_update=False),
            "metric": w.Dropdown(options=list(MARGINS), value="accuracy", description="metric"),
        }  # fmt: skip
        super().__init__(use_widgets=use_widgets, figsize=(8.0, 3.4))

    def compute(self, *, metric: str, label_delay_hours: int, **drift) -> ModelQualityResult:
        key = (
            label_delay_hours,
            *sorted(drift.items()),
        )  # switching the metric alone needs no new run
        if self._last is None or self._last[0] != key:
            performance = drift_grid.simulate_hours(
                self.scenario, self.model, self.baseline, self.traffic, window_starts=self.window_starts,
                drift_from=self.drift_from, evaluated_at=self.evaluated_at, feature=SHIFTED_FEATURE,
                label_delay_hours=label_delay_hours, seed=self.seed, **drift,
            )  # fmt: skip
            self._last = (key, performance)
        return ModelQualityResult(self._last[1], metric, label_delay_hours)

    def draw(self, ax, result: ModelQualityResult) -> None:
        self._view = metric_by_window(
            ax,
            result.performance,
            result.metric,
            baseline_value=self.baseline_values[result.metric],
            drift_from=self.drift_from,
            ylim=YLIM,
        )
        self.live(*self._view.artists)

    def update(self, result: ModelQualityResult) -> bool:
        return self._view.show(result.performance, result.metric)

    def table(self, result: ModelQualityResult) -> pd.DataFrame:
        frame = result.performance.violations_frame()
        return frame.assign(window_start=[f"{t:%H}:00" for t in frame["window_start"]])

    def summary(self, result: ModelQualityResult) -> str:
        performance = result.performance
        counts = performance.merge_counts
        scored = performance.windows_with_labels()
        violated = sum(1 for w in scored if w.report.has_violations)
        head = f"{counts['n_captured']:,} captured, {counts['n_matched']:,} merged with a label, {counts['n_unmatched_captures']:,} still waiting"
        if not scored:
            return f"{head}. No window has labels yet: model quality needs ground truth, so no execution can score anything."
        d = result.label_delay_hours
        offsets = (
            f"; labels {d} h late → StartTimeOffset -PT{d + 1}H, EndTimeOffset -PT{d}H" if d else ""
        )
        return f"{head}. {len(scored)} of {len(performance.windows)} windows scored, {violated} with violations{offsets}."
