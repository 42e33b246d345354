"""Notebook 01's playgrounds: break a captured window and watch the data-quality monitor react.

``DataQualityApp`` injects drift into the scenario's clean window, sends it through a simulated
endpoint with data capture (``sampling_percentage`` decides which requests are kept, the real
rule), and runs ``data_quality.monitor`` on what was captured. ``VerdictsApp`` judges one small
shift five ways at a chosen sample size. Both compute once in ``__init__``; the baseline is
computed once, not per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from labkit import capture, data_quality, drift, drift_statistics, scenarios
from labkit.plots.data_quality import (
    drift_distances,
    feature_histograms,
    numeric_values,
    shared_edges,
)
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = ["DataQualityApp", "DataQualityResult", "VerdictsApp", "VerdictsResult", "monitor_window"]

WINDOW_START = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)  # the captured hour; any hour would do
MAX_WINDOW_SIZE = 5_000  # rows a window-size slider can ask for
MAX_SHIFT_SD = 3.0  # the mean-shift slider's reach, in standard deviations
EMPTY_WINDOW = "empty window: no request was captured, nothing to analyse (monitor not run)"


@dataclass(frozen=True)
class DataQualityResult:
    """One monitored window: what was sent and captured, and the monitor's report (None if empty)."""

    feature: str
    baseline_values: pd.Series  # the chosen feature in the baseline dataset
    window: pd.DataFrame  # the captured rows, text cells as the monitor reads them
    n_requests: int  # rows sent to the endpoint
    report: data_quality.MonitoringReport | None
    n_unreadable: int = 0  # captured records whose payload could not be read (none expected)
    sent: pd.DataFrame | None = None  # the rows sent to the endpoint, drift injected

    @property
    def n_captured(self) -> int:
        return len(self.window)

    @property
    def distance(self) -> float | None:
        """The chosen feature's baseline_drift_check value (None: not measured)."""
        if self.report is None or self.feature not in self.report.drift:
            return None
        return self.report.drift[self.feature].value


def monitor_window(
    scenario: Scenario,
    baseline: data_quality.Baseline,
    window_pool: pd.DataFrame,
    *,
    feature: str,
    mean_shift_sd: float = 0.0,
    scale_factor: float = 1.0,
    missing_pct: float = 0.0,
    outlier_pct: float = 0.0,
    stuck_pct: float = 0.0,
    corrupt_pct: float = 0.0,
    new_category_pct: float = 0.0,
    window_size: int = 1_000,
    sampling_pct: float = 100.0,
    seed: int = 0,
) -> DataQualityResult:
    """Drift the first ``window_size`` rows of ``window_pool``, capture them, monitor the capture.

    Percentages are 0–100. Injectors run in a fixed order (shift, scale, stuck at 0, outliers,
    missing, junk text on ``feature``; new category on ``loan_purpose``, or the first categorical
    feature of other scenarios), each with its own seed so one control never reshuffles another's
    rows. Captured payloads that cannot be read are counted in ``n_unreadable``.
    """
    columns = list(scenario.features)
    window = window_pool[columns].head(int(window_size)).reset_index(drop=True)
    on_feature = [
        ("shift_mean", {"shift_sd": mean_shift_sd}),
        ("scale", {"factor": scale_factor}),
        ("stuck_at", {"value": 0.0, "fraction": stuck_pct / 100}),
        ("inject_outliers", {"fraction": outlier_pct / 100}),
        ("inject_missing", {"fraction": missing_pct / 100}),
        ("corrupt_strings", {"fraction": corrupt_pct / 100}),
    ]
    specs = [
        drift.DriftSpec(kind, {"column": feature, **params, "seed": seed + i})
        for i, (kind, params) in enumerate(on_feature)
        if not _is_identity(params)
    ]
    if scenario.categorical_features and new_category_pct:
        params = {"column": _category_feature(scenario), "fraction": new_category_pct / 100}
        specs.append(
            drift.DriftSpec("add_new_category", {**params, "seed": seed + len(on_feature)})
        )
    if len(window):
        window = drift.apply(window, specs, seed=seed)
    # What the capture keeps, read as the monitor reads it: records_to_frame's table, taken
    # straight from the rows (the same cells); a cell that would break a CSV line goes the long way.
    captured, unreadable = capture.captured_frame(window, capture.captured_rows(len(window), sampling_pct, seed)), []
    if captured is None:
        records = capture.capture_requests(
            window, [None] * len(window), start_time=WINDOW_START, sampling_percentage=sampling_pct,
            seed=seed, capture_mode="Input",
        )  # fmt: skip
        captured, unreadable = capture.records_to_frame(records, columns)
    report = data_quality.monitor(captured, baseline) if len(captured) else None
    baseline_values = scenario.baseline[feature]
    return DataQualityResult(
        feature, baseline_values, captured, len(window), report, len(unreadable), window
    )


def _is_identity(params: dict) -> bool:
    """A zero shift, a unit scale or a zero fraction changes nothing: skip the copy it costs."""
    return (
        params.get("shift_sd", 0) == 0
        and params.get("factor", 1) == 1
        and params.get("fraction", 0) == 0
    )


def _category_feature(scenario: Scenario) -> str:
    """The categorical feature given new categories: loan_purpose for credit, else the first."""
    categorical = scenario.categorical_features
    return "loan_purpose" if "loan_purpose" in categorical else categorical[0]


class DataQualityApp(WidgetApp):
    """Break the captured window seven ways, resize it, sample it, and read the monitor's verdict."""

    def __init__(self, scenario: Scenario, *, seed: int = 0, use_widgets: bool = True) -> None:
        import ipywidgets as w

        self.scenario, self.seed = scenario, seed
        self.baseline = data_quality.suggest_baseline(scenario.baseline[list(scenario.features)])
        extra = MAX_WINDOW_SIZE - len(scenario.window)
        self.window_pool = scenario.window
        if extra > 0:  # the clean window first, then fresh rows from the same process
            more = scenarios.draw_window(scenario.name, extra, seed=seed + 1)
            self.window_pool = pd.concat([scenario.window, more], ignore_index=True)
        lazy = {"continuous_update": False}
        pct = {"value": 0, "min": 0, "max": 100, "step": 5, **lazy}
        category = _category_feature(scenario) if scenario.categorical_features else None
        self.controls = {
            "feature": w.Dropdown(options=list(scenario.numeric_features), description="feature"),
            "mean_shift_sd": w.FloatSlider(
                value=0.0, min=-3, max=3, step=0.25, description="mean shift (σ)", **lazy
            ),
            "scale_factor": w.FloatSlider(
                value=1.0, min=0, max=3, step=0.1, description="scale (× sd)", **lazy
            ),
            "missing_pct": w.IntSlider(description="missing (%)", **pct),
            "outlier_pct": w.IntSlider(description="outliers (%)", **pct),
            "stuck_pct": w.IntSlider(description="stuck at 0 (%)", **pct),
            "corrupt_pct": w.IntSlider(description="junk text (%)", **pct),
            "new_category_pct": w.IntSlider(
                description=f"new {category or 'category'} (%)", disabled=category is None, **pct
            ),
            "window_size": w.IntSlider(
                value=1_000,
                min=0,
                max=MAX_WINDOW_SIZE,
                step=100,
                description="window (rows)",
                **lazy,
            ),
            "sampling_pct": w.IntSlider(description="sampling (%)", **{**pct, "value": 100}),
        }
        self._edges: dict[str, object] = {}  # per feature: bins that hold every mean shift
        super().__init__(use_widgets=use_widgets, figsize=(8.4, 3.0), ncols=2)

    def compute(self, **values) -> DataQualityResult:
        return monitor_window(
            self.scenario, self.baseline, self.window_pool, seed=self.seed, **values
        )

    def draw(self, axes, result: DataQualityResult) -> None:
        left, right = axes
        self._draw_histogram(left, result)
        self._draw_bars(right, result)

    def update(self, result: DataQualityResult) -> bool:
        """Move the bars and the window's histogram; a panel that cannot show the change (another
        feature, an empty window, values past its axes) is drawn anew on its own."""
        drift = result.report.drift if result.report else {}
        if not self._bars.show(drift, highlight=result.feature):
            self._draw_bars(self.redraw_axes(self.axes[1]), result)
        if result.feature != self._drawn or not self._histogram.show(result.window[result.feature]):
            self._draw_histogram(self.redraw_axes(self.axes[0]), result)
        return True

    def _draw_histogram(self, ax, result: DataQualityResult) -> None:
        title = f"{result.feature}: baseline vs captured window"
        edges = _shift_bins(self._edges, result.feature, result.baseline_values)
        self._drawn = result.feature
        self._histogram = feature_histograms(ax, result.baseline_values, result.window[result.feature], title=title, edges=edges)  # fmt: skip
        self.live(*self._histogram.artists)

    def _draw_bars(self, ax, result: DataQualityResult) -> None:
        drift = result.report.drift if result.report else {}
        self._bars = drift_distances(ax, drift, highlight=result.feature, title="baseline_drift_check")
        self.live(*self._bars.artists)

    def table(self, result: DataQualityResult) -> pd.DataFrame | None:
        return result.report.violations.to_frame() if result.report else None

    def summary(self, result: DataQualityResult) -> str:
        sent = f"{result.n_captured:,} of {result.n_requests:,} requests captured"
        if result.n_unreadable:
            sent += f" ({result.n_unreadable:,} unreadable payloads set aside)"
        if result.report is None:
            return f"{sent} — {EMPTY_WINDOW}"
        fired = ", ".join(sorted(result.report.violations.check_types())) or "none"
        status = "CompletedWithViolations" if result.report.has_violations else "Completed"
        return f"{sent}; execution {status}; checks fired: {fired}"


@dataclass(frozen=True)
class VerdictsResult:
    """One shift judged five ways at one sample size."""

    feature: str
    baseline_values: pd.Series
    window_values: pd.Series
    verdicts: drift_statistics.Verdicts


class VerdictsApp(WidgetApp):
    """Same drift, five verdicts: grow the sample and watch the p-value and the distances part."""

    SIZES = (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000)

    def __init__(self, scenario: Scenario, *, seed: int = 0, use_widgets: bool = True) -> None:
        import ipywidgets as w

        self.scenario, self.seed = scenario, seed
        self.pool = {  # drawn once: the largest baseline and window; a smaller n takes the first rows
            "baseline": scenarios.draw_window(scenario.name, max(self.SIZES), seed=seed),
            "window": scenarios.draw_window(scenario.name, max(self.SIZES), seed=seed + 1),
        }
        numeric = list(scenario.numeric_features)
        lazy = {"continuous_update": False}
        self.controls = {
            "feature": w.Dropdown(
                options=numeric,
                value="income" if "income" in numeric else numeric[0],
                description="feature",
            ),
            "shift_sd": w.FloatSlider(
                value=0.05, min=0, max=1, step=0.05, description="mean shift (σ)", **lazy
            ),
            "n": w.SelectionSlider(
                options=list(self.SIZES), value=1_000, description="rows (n)", **lazy
            ),
        }
        self._edges: dict[str, object] = {}
        super().__init__(use_widgets=use_widgets, figsize=(8.4, 3.2), ncols=2)

    def compute(self, feature: str, shift_sd: float, n: int) -> VerdictsResult:
        base = self.pool["baseline"][feature].head(n)
        window = drift.shift_mean(self.pool["window"].head(n), feature, shift_sd, seed=self.seed)
        window = window[feature]
        return VerdictsResult(feature, base, window, drift_statistics.compare(base, window))

    def draw(self, axes, result: VerdictsResult) -> None:
        left, right = axes
        self._draw_histogram(left, result)
        self._draw_bars(right, result)

    def update(self, result: VerdictsResult) -> bool:
        """Move both panels; one that cannot show the change (another feature, distances past or
        far inside their axis) is drawn anew on its own."""
        if self._bars.show(_verdict_bars(result)):
            self.axes[1].title.set_text(_p_value_text(result))
        else:
            self._draw_bars(self.redraw_axes(self.axes[1]), result)
        if result.feature != self._drawn or not self._histogram.show(result.window_values, result.baseline_values):
            self._draw_histogram(self.redraw_axes(self.axes[0]), result)
        return True

    def _draw_bars(self, ax, result: VerdictsResult) -> None:
        self._bars = drift_distances(ax, _verdict_bars(result), title=_p_value_text(result))
        self.live(*self._bars.artists, ax.title)

    def _draw_histogram(self, ax, result: VerdictsResult) -> None:
        self._drawn = result.feature
        edges = _shift_bins(self._edges, result.feature, self.pool["baseline"][result.feature], reach_sd=1.0)
        self._histogram = feature_histograms(ax, result.baseline_values, result.window_values, title=result.feature, edges=edges)  # fmt: skip
        self.live(*self._histogram.artists)

    def table(self, result: VerdictsResult) -> pd.DataFrame:
        return result.verdicts.to_frame()

    def summary(self, result: VerdictsResult) -> str:
        flagged = ", ".join(m for m, f in result.verdicts.flagged().items() if f) or "no method"
        return f"n = {result.verdicts.n_window:,}: flagged by {flagged}"


def _verdict_bars(result: VerdictsResult) -> dict[str, _Bar]:
    """The distances (the KS test is a p-value, written apart) as bars for ``drift_distances``."""
    frame = result.verdicts.to_frame()
    rows = frame[~frame["method"].str.startswith("KS")]
    return {r.method: _Bar(r.value, r.threshold, r.flags_drift) for r in rows.itertuples()}


def _p_value_text(result: VerdictsResult) -> str:
    return f"KS p-value = {result.verdicts.ks_p_value:.2g} (flags below {drift_statistics.KS_ALPHA})"


def _shift_bins(cache: dict, feature: str, baseline: pd.Series, *, reach_sd: float = MAX_SHIFT_SD):
    """Bins over the baseline's range widened by the shift slider's reach, once per feature."""
    if feature not in cache:
        values = numeric_values(baseline)
        cache[feature] = shared_edges(values, bins=50, pad=reach_sd * values.std())
    return cache[feature]


@dataclass(frozen=True)
class _Bar:
    """What ``drift_distances`` reads from a FeatureDrift, for a verdict row."""

    value: float
    threshold: float
    is_violation: bool
