"""Notebook 04's playground: move the signal from one feature to another and watch NDCG react.

``monitor_moved_signal`` is the pure step the app repeats: ``drift.move_signal`` on a window,
then the feature-attribution twin (``model_explainability.monitor``) and the model's accuracy
on the same rows (``model_quality.compute_statistics``). ``AttributionDriftApp`` builds the
baseline and the SHAP explainer once, in ``__init__``, and explains a seeded sample of each
window, so a change answers in a fraction of a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from labkit import drift, drift_grid, model_quality, scenarios
from labkit import model_explainability as mx
from labkit.plots.model_explainability import attribution_bars, ndcg_gauge
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = [
    "AttributionDriftApp",
    "AttributionDriftResult",
    "clean_window",
    "monitor_moved_signal",
    "quality_statistics",
    "signal_features",
]

MAX_WINDOW_SIZE = 5_000  # rows a window-size slider can ask for
MIN_WINDOW_SIZE = 1
FEW_ROWS = 30  # below this many rows, the status warns that attributions are noisy
QUALITY_METRIC = {"BinaryClassification": "accuracy", "Regression": "r2"}  # shown beside NDCG
SAME_FEATURE = "from and to are the same feature, so no signal moves: choose two different features"


@dataclass(frozen=True)
class AttributionDriftResult:
    """One monitored window: the twin's report, the model's quality on it, and what was moved."""

    from_feature: str
    to_feature: str
    signal_fraction: float  # 0–1 of from_feature's share of the signal moved to to_feature
    window_size: int  # rows in the window
    baseline_shap: dict[str, float]  # the constraints' global SHAP values (NDCG gains)
    report: mx.MonitoringReport
    quality: model_quality.Statistics  # the model's metrics on the window's rows
    baseline_quality: model_quality.Statistics
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return next(iter(self.report.ndcg))

    @property
    def ndcg(self) -> float:
        return self.report.ndcg[self.label]

    @property
    def window_shap(self) -> dict[str, float]:
        return self.report.analysis.kernel_shap[self.label].global_shap_values

    @property
    def has_violations(self) -> bool:
        return self.report.has_violations

    @property
    def quality_metric(self) -> str:
        return QUALITY_METRIC[self.quality.problem_type]

    @property
    def accuracy(self) -> float:
        """The window's quality metric (accuracy; r2 for regression); NaN when undefined."""
        return self.quality.value(self.quality_metric)

    @property
    def baseline_accuracy(self) -> float:
        return self.baseline_quality.value(self.quality_metric)


def signal_features(scenario: Scenario) -> list[str]:
    """The features ``drift.move_signal`` can move in this scenario, in the scenario's order."""
    weights = scenarios.signal_weights(scenario.name)
    return [f for f in scenario.features if f in weights]


def clean_window(scenario: Scenario, n: int, *, seed: int = 0) -> pd.DataFrame:
    """The first ``n`` rows of the scenario's clean window, continued with fresh rows of the same process.

    Rows past the scenario's window come from ``scenarios.draw_window(..., seed=seed + 1)``, so a
    window of any size up to ``MAX_WINDOW_SIZE`` starts with the same rows.
    """
    n = max(0, min(int(n), MAX_WINDOW_SIZE))
    rows = scenario.window
    if n > len(rows):
        more = scenarios.draw_window(scenario.name, MAX_WINDOW_SIZE - len(rows), seed=seed + 1)
        rows = pd.concat([rows, more], ignore_index=True)
    return rows.head(n).reset_index(drop=True)


def quality_statistics(
    scenario: Scenario, model: Any, df: pd.DataFrame, *, seed: int = 0
) -> model_quality.Statistics:
    """The model-quality twin's statistics of the model's predictions on ``df`` (labels included)."""
    scored = drift_grid.score_window(scenario, model, df)
    binary = scenario.problem_type == "BinaryClassification"
    return model_quality.compute_statistics(
        scored, problem_type=scenario.problem_type, label=scenario.target, prediction="prediction",
        probability="probability" if binary else None, seed=seed,
    )  # fmt: skip


def monitor_moved_signal(
    window_df: pd.DataFrame,
    scenario: Scenario,
    model: Any,
    baseline: mx.Baseline,
    *,
    from_feature: str,
    to_feature: str,
    signal_fraction: float,
    seed: int = 0,
    explainer: mx.Explainer | None = None,
    max_rows: int | None = mx.DEFAULT_MAX_ROWS,
    baseline_quality: model_quality.Statistics | None = None,
) -> AttributionDriftResult:
    """Move ``signal_fraction`` of ``from_feature``'s signal onto ``to_feature``, then monitor.

    The same feature twice moves nothing (a note says so) instead of calling ``move_signal``.
    ``explainer`` (``baseline.explainer(model)``) is reused when given; ``max_rows`` rows of the
    window are explained, a seeded sample (the twin's default), all rows if None.
    """
    notes = []
    if from_feature == to_feature:
        window, notes = window_df.copy(), [SAME_FEATURE]
    else:
        window = drift.move_signal(
            window_df, scenario, from_feature, to_feature, signal_fraction, seed=seed
        )
    if len(window) < FEW_ROWS:
        rows = f"{len(window)} row" + ("s" if len(window) != 1 else "")
        notes.append(f"only {rows}: attributions of so few records are noisy")
    report = mx.monitor(window, baseline, model, explainer=explainer, max_rows=max_rows, seed=seed)
    if baseline_quality is None:
        baseline_quality = quality_statistics(scenario, model, scenario.baseline, seed=seed)
    return AttributionDriftResult(
        from_feature=from_feature, to_feature=to_feature, signal_fraction=float(signal_fraction),
        window_size=len(window), baseline_shap=baseline.global_shap_values, report=report,
        quality=quality_statistics(scenario, model, window, seed=seed),
        baseline_quality=baseline_quality, notes=tuple(notes),
    )  # fmt: skip


class AttributionDriftApp(WidgetApp):
    """Move the signal between two features; compare attribution rankings, NDCG and accuracy."""

    def __init__(
        self,
        scenario: Scenario,
        model: Any = None,
        *,
        baseline: mx.Baseline | None = None,
        seed: int = 0,
        from_feature: str | None = None,
        to_feature: str | None = None,
        signal_fraction: float = 0.0,
        window_size: int = 1_000,
        use_widgets: bool = True,
    ) -> None:
        import ipywidgets as w

        self.scenario, self.seed = scenario, seed
        self.model = scenarios.train_model(scenario) if model is None else model
        if baseline is None:
            baseline = mx.suggest_baseline(
                scenario.baseline, self.model, label=scenario.target, seed=seed
            )
        self.baseline = baseline
        # Built once: the SHAP baseline rows and the coalition weights, reused by every change.
        self.explainer = baseline.explainer(self.model)
        self.baseline_quality = quality_statistics(
            scenario, self.model, scenario.baseline, seed=seed
        )
        self.window_pool = clean_window(scenario, MAX_WINDOW_SIZE, seed=seed)  # sliced per change
        options = signal_features(scenario)
        self.controls = {
            "from_feature": w.Dropdown(options=options, value=from_feature or options[0], description="from"),
            "to_feature": w.Dropdown(options=options, value=to_feature or options[1], description="to"),
            "signal_fraction": w.FloatSlider(
                value=signal_fraction, min=0.0, max=1.0, step=0.05, description="signal moved (0–1)",
                continuous_update=False,
            ),
            "window_size": w.IntSlider(
                value=window_size, min=MIN_WINDOW_SIZE, max=MAX_WINDOW_SIZE, step=1, description="window (rows)",
                continuous_update=False,
            ),
        }  # fmt: skip
        super().__init__(use_widgets=use_widgets, figsize=(8.4, 3.4), ncols=2)

    def compute(
        self, from_feature: str, to_feature: str, signal_fraction: float, window_size: int
    ) -> AttributionDriftResult:
        window = self.window_pool.head(int(window_size)).reset_index(drop=True)
        return monitor_moved_signal(
            window, self.scenario, self.model, self.baseline, from_feature=from_feature, to_feature=to_feature,
            signal_fraction=signal_fraction, seed=self.seed, explainer=self.explainer,
            baseline_quality=self.baseline_quality,
        )  # fmt: skip

    def draw(self, axes, result: AttributionDriftResult) -> None:
        # No titles: the x labels name the charts and the status line reads the verdict.
        left, right = axes
        self._attributions = attribution_bars(left, result.baseline_shap, result.window_shap)
        self._gauge = ndcg_gauge(right, result.ndcg, threshold=result.report.threshold, quality=_quality(result))
        self.live(*self._attributions.artists, *self._gauge.artists)

    def update(self, result: AttributionDriftResult) -> bool:
        return self._attributions.show(result.window_shap) and self._gauge.show(result.ndcg, _quality(result))

    def table(self, result: AttributionDriftResult) -> pd.DataFrame:
        return result.report.violations.to_frame()

    def summary(self, result: AttributionDriftResult) -> str:
        verdict = (
            "violation (feature_attribution_drift_check)"
            if result.has_violations
            else "no violation"
        )
        sign = "<" if result.ndcg < result.report.threshold else "≥"
        metric = result.quality_metric
        window = "n/a" if math.isnan(result.accuracy) else f"{result.accuracy:.3f}"
        line = (
            f"NDCG {result.ndcg:.3f} {sign} {result.report.threshold:.2f} → {verdict}; "
            f"{metric} {result.baseline_accuracy:.3f} (baseline) vs {window} (window)"
        )
        return "; ".join([line, *result.notes])


def _quality(result: AttributionDriftResult) -> dict[str, tuple[float, float]]:
    return {result.quality_metric: (result.baseline_accuracy, result.accuracy)}
