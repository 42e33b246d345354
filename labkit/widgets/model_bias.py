"""Notebook 03's playground: one facet group drifts over several hours; watch the bias drift check.

The app scores ``n_hours`` fresh production windows once with the model. On every run the
chosen drift grows linearly from nothing in hour 1 to the control values in the last hour: the
facet group's share (``drift.shift_category_mix``), how often the model wrongly predicts label 1
for its label-0 rows (``drift.shift_group_error_rate(kind="false_positive")``) and its rate of
label 1 (``drift.shift_group_base_rate``). Each hour is one ``model_bias.monitor`` execution with
the bootstrap rule, so the figure shows when the interval C leaves the allowed range A, and when
it does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from labkit import drift, model_bias, scenarios
from labkit.errors import LabkitInputError
from labkit.plots.model_bias import accuracy_over_hours, metric_over_hours
from labkit.scenarios import Scenario
from labkit.widgets.app import WidgetApp

__all__ = [
    "APP_METRICS",
    "BiasDriftApp",
    "BiasDriftSeries",
    "GroupState",
    "HourResult",
    "group_state",
    "monitor_hours",
    "score_windows",
]

# The metrics the playground offers. FT is left out: its nearest-neighbour search on every
# bootstrap resample would make each change too slow to follow a slider.
APP_METRICS = ("DPPL", "DI", "RD", "AD", "DPL", "CI", "KL")
N_HOURS = 8  # monitored hours in the time series
MAX_WINDOW_SIZE = 5_000  # rows a window-size slider can ask for
MIN_WINDOW_SIZE = 100  # an int 0/1 label in fewer than 40 rows turns "continuous" (bias.md §1)
MAX_CACHED_HOURS = 800  # monitored hours the app keeps for settings seen again (a few MB)
_FRAME_METRIC_COLUMNS = ("baseline", "allowed_min", "allowed_max", "value", "ci_lower", "ci_upper")


@dataclass(frozen=True)
class GroupState:
    """What the drift controls move, measured on one dataset (0–1; NaN where undefined)."""

    share: float  # group rows / all rows
    base_rate: float  # group rows with label 1 / group rows
    false_positive_rate: float  # group rows with label 0 predicted 1 / group rows with label 0
    accuracy: float  # prediction == label, all rows
    group_accuracy: float  # prediction == label, group rows


def group_state(df: pd.DataFrame, *, facet: str, group: str, target: str, prediction: str) -> GroupState:  # fmt: skip
    """The group's share, base rate, false-positive rate and accuracy, and the overall accuracy."""
    rows = df[facet].to_numpy() == group
    labels, predicted = df[target].to_numpy(), df[prediction].to_numpy()
    correct = labels == predicted
    negatives = rows & (labels == 0)

    def mean(values: np.ndarray) -> float:
        return float(values.mean()) if len(values) else math.nan

    return GroupState(
        share=mean(rows),
        base_rate=mean(labels[rows] == 1),
        false_positive_rate=mean(predicted[negatives] == 1),
        accuracy=mean(correct),
        group_accuracy=mean(correct[rows]),
    )


def score_windows(
    scenario: Scenario,
    model: Any,
    *,
    n_hours: int = N_HOURS,
    rows: int = MAX_WINDOW_SIZE,
    prediction: str = "prediction",
    seed: int = 0,
) -> tuple[pd.DataFrame, ...]:
    """``n_hours`` fresh production windows of ``rows`` rows, each with the model's predicted label.

    Window ``i`` (0-based) is drawn with seed ``seed + 1 + i``: fresh rows, never the baseline's.
    """
    windows = []
    for i in range(n_hours):
        window = scenarios.draw_window(scenario.name, rows, seed=seed + 1 + i)
        window[prediction] = model.predict(window[list(scenario.features)])
        windows.append(window)
    return tuple(windows)


@dataclass(frozen=True)
class HourResult:
    """One monitored hour: its execution's report (None if the analysis failed) and the group's state."""

    hour: int  # 1-based
    report: model_bias.MonitoringReport | None
    state: GroupState
    group_rows: int
    error: str | None = None  # why the whole analysis failed
    # report.to_frame(), computed once per hour; empty when the analysis failed
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)


@dataclass(frozen=True)
class BiasDriftSeries:
    """Consecutive bias drift executions and the rule's parameters they ran with."""

    metric: str
    group: str
    hours: tuple[HourResult, ...]
    baseline: GroupState
    n_bootstrap: int
    confidence_level: float
    # frame() per metric, built once: the figure, the table and the status line all read it
    _frames: dict = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:  # the reports inside make the default repr unreadable
        fired = self.violation_hours()
        return f"BiasDriftSeries({self.metric!r}, group={self.group!r}, violation_hours={fired})"

    def frame(self, metric: str | None = None) -> pd.DataFrame:
        """One row per hour for ``metric``: value, interval C, range A, verdict, accuracy, error."""
        metric = metric or self.metric
        if metric not in self._frames:
            self._frames[metric] = self._frame(metric)
        return self._frames[metric].copy()

    def _frame(self, metric: str) -> pd.DataFrame:
        rows = []
        for h in self.hours:
            row: dict[str, Any] = dict.fromkeys(_FRAME_METRIC_COLUMNS, math.nan)
            row.update(hour=h.hour, violation=False, accuracy=h.state.accuracy, group_accuracy=h.state.group_accuracy,
                       group_rows=h.group_rows, error=h.error)  # fmt: skip
            found = h.metrics[h.metrics["metric"] == metric] if len(h.metrics) else h.metrics
            if len(found):
                first = found.iloc[0]
                row.update({k: float(first[k]) for k in _FRAME_METRIC_COLUMNS})
                row["violation"] = bool(first["violation"])
                if math.isnan(row["value"]):
                    row["error"] = _metric_error(h.report, metric)
            rows.append(row)
        columns = ["hour", "value", "ci_lower", "ci_upper", "allowed_min", "allowed_max", "baseline", "violation",
                   "accuracy", "group_accuracy", "group_rows", "error"]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def violation_hours(self, metric: str | None = None) -> list[int]:
        """The hours whose constraint_violations.json lists ``metric``."""
        frame = self.frame(metric)
        return [int(h) for h in frame.loc[frame["violation"], "hour"]]


def _metric_error(report: model_bias.MonitoringReport | None, metric: str) -> str | None:
    if report is None:
        return None
    try:
        return report.analysis.get(metric).error
    except KeyError:
        return None


def monitor_hours(
    baseline: model_bias.Baseline,
    windows: Sequence[pd.DataFrame],
    *,
    group: str,
    baseline_state: GroupState,
    metric: str = "DPPL",
    group_share: float | None = None,
    group_base_rate: float | None = None,
    group_false_positive_rate: float | None = None,
    window_size: int = 1_000,
    n_bootstrap: int = 100,
    confidence_level: float = model_bias.DEFAULT_CONFIDENCE_LEVEL,
    seed: int = 0,
    cache: dict | None = None,
) -> BiasDriftSeries:
    """Monitor each window after a drift that grows linearly from none (first hour) to full (last).

    Parameters
    ----------
    baseline, windows
        The bias baseline (its config names the facet, label and predicted-label columns) and
        the clean scored windows, one per hour; the first ``window_size`` rows of each are used.
    group, baseline_state
        The facet value whose rows drift, and ``group_state`` of the baseline dataset.
    group_share, group_base_rate, group_false_positive_rate
        0–1 targets reached in the last hour; ``None`` leaves that aspect untouched. The label's
        class 1 is the injectors' positive class (credit: ``default`` = 1, defaulted).
    n_bootstrap, confidence_level, seed
        The bootstrap rule's parameters; hour ``i`` resamples with seed ``seed + i``.
    cache
        A dict the caller keeps for one (baseline, windows, group): an hour already monitored
        with the same window size, drift step and rule is reused (the first hour, which never
        drifts, and every setting seen before), the same result as monitoring it again.
    """
    config = baseline.config
    facet, target, prediction = config.facet, config.label, config.predicted_label
    targets = {"share": group_share, "false_positive_rate": group_false_positive_rate,
               "base_rate": group_base_rate}  # fmt: skip
    cache = {} if cache is None else cache
    rule = (int(n_bootstrap), float(confidence_level), int(seed))
    hours = []
    for i, clean in enumerate(windows):
        window = clean.head(int(window_size)).reset_index(drop=True)
        strength = i / (len(windows) - 1) if len(windows) > 1 else 1.0
        if ("clean", i, len(window)) not in cache:
            cache["clean", i, len(window)] = group_state(window, facet=facet, group=group, target=target,
                                                         prediction=prediction)  # fmt: skip
        now = cache["clean", i, len(window)]
        step = {}
        for key, goal in targets.items():
            here = getattr(now, key)
            if goal is None or strength == 0 or math.isnan(here):
                step[key] = None
            else:
                step[key] = float(np.clip(here + strength * (goal - here), 0.0, 1.0))
        key = ("hour", i, len(window), tuple(step.items()), rule)
        if key not in cache:
            cache[key] = _monitor_hour(i, window, step, baseline, group=group, rule=rule)
        hours.append(cache[key])
    return BiasDriftSeries(metric, group, tuple(hours), baseline_state, *rule[:2])


def _monitor_hour(i: int, window: pd.DataFrame, step: dict, baseline: model_bias.Baseline, *, group: str,
                  rule: tuple[int, float, int]) -> HourResult:  # fmt: skip
    """Hour ``i`` (0-based): drift its window by ``step``, then one bias drift execution."""
    config = baseline.config
    facet, target, prediction = config.facet, config.label, config.predicted_label
    n_bootstrap, confidence_level, seed = rule
    columns = {"facet": facet, "group": group, "target": target, "prediction": prediction}
    window = _drift(window, step, **columns, seed=seed + 100 * i)
    try:
        report = model_bias.monitor(window, baseline, rule="bootstrap", n_bootstrap=n_bootstrap,
                                    confidence_level=confidence_level, seed=seed + i)  # fmt: skip
        error = None
    except LabkitInputError as exc:  # e.g. no favourable prediction left: the analysis fails
        report, error = None, str(exc)
    state = group_state(window, facet=facet, group=group, target=target, prediction=prediction)
    metrics = report.to_frame() if report is not None else pd.DataFrame()
    group_rows = int((window[facet] == group).sum())
    return HourResult(i + 1, report, state, group_rows, error, metrics)


def _drift(window: pd.DataFrame, step: dict, *, facet: str, group: str, target: str,
           prediction: str, seed: int) -> pd.DataFrame:  # fmt: skip
    """Share, then the model's errors, then the labels; each with its own seed; ``None`` skips one.

    The model turns stricter before the labels move, so the group's repayers are wrongly refused
    at about the target rate whichever of them later default (notebook 03 does the same).
    """
    if step["share"] is not None:
        window = drift.shift_category_mix(window, facet, group, step["share"], seed=seed)
    if step["false_positive_rate"] is not None:
        rate = step["false_positive_rate"]
        window = drift.shift_group_error_rate(window, facet, [group], target, prediction, rate,
                                              kind="false_positive", seed=seed + 2)  # fmt: skip
    if step["base_rate"] is not None:
        rate = step["base_rate"]
        window = drift.shift_group_base_rate(window, facet, [group], target, rate, seed=seed + 1)
    return window


class BiasDriftApp(WidgetApp):
    """Let one facet group drift over eight hours; read the bias drift check hour by hour.

    Eight bootstrap executions and their figure take about 0.2 s of CPU, more than a slider
    should wait for (STYLE.md §4), so the data and rule controls wait for the **Run** button;
    the metric menu redraws at once from the hours already computed. From Python, ``app.set(...)``
    (or ``app.run()``) recomputes synchronously, exactly as Run does.
    """

    def __init__(
        self,
        scenario: Scenario,
        model: Any,
        *,
        group: str,
        label_values_or_threshold: Sequence[Any] = (0,),
        n_hours: int = N_HOURS,
        confidence_level: float = model_bias.DEFAULT_CONFIDENCE_LEVEL,
        seed: int = 0,
        use_widgets: bool = True,
    ) -> None:
        import ipywidgets as w

        self.scenario, self.group, self.seed = scenario, group, seed
        self.confidence_level = confidence_level
        facet, target = scenario.facet, scenario.target
        columns = [facet, target, "prediction"]  # every APP_METRICS metric reads only these
        scored = model.predict(scenario.baseline[list(scenario.features)])
        base = scenario.baseline.assign(prediction=scored)
        self.baseline_state = group_state(base, facet=facet, group=group, target=target, prediction="prediction")  # fmt: skip
        # Invariants, computed once: the baseline job and the scored windows.
        self.baseline = model_bias.suggest_baseline(
            base[columns], label=target, label_values_or_threshold=list(label_values_or_threshold), facet=facet,
            facet_values_or_threshold=[group], predicted_label="prediction", methods=list(APP_METRICS),
        )  # fmt: skip
        hours = score_windows(scenario, model, n_hours=n_hours, seed=seed)
        self.windows = tuple(window[columns] for window in hours)
        # The drift sliders start at the baseline's values; there they leave the windows alone.
        self.defaults = {
            "share_pct": round(100 * self.baseline_state.share),
            "base_rate_pct": round(100 * self.baseline_state.base_rate),
            "false_positive_pct": round(100 * self.baseline_state.false_positive_rate),
        }
        self._cache: tuple[tuple, BiasDriftSeries] | None = None
        self._hours: dict = {}  # monitor_hours' cache: hours already monitored, by their inputs
        pct = {"min": 0, "max": 100, "step": 1, "continuous_update": False}
        d = self.defaults
        self.controls = {
            "metric": w.Dropdown(options=list(APP_METRICS), value="DPPL", description="metric"),
            "share_pct": w.IntSlider(value=d["share_pct"], description=f"{group} share (%)", **pct),
            "base_rate_pct": w.IntSlider(value=d["base_rate_pct"], description=f"{group} {target}=1 (%)", **pct),
            "false_positive_pct": w.IntSlider(value=d["false_positive_pct"], description="wrongly refused (%)", **pct),
            "window_size": w.IntSlider(value=1_000, min=MIN_WINDOW_SIZE, max=MAX_WINDOW_SIZE, step=100,
                                       description="window (rows)", continuous_update=False),
            "n_bootstrap": w.IntSlider(value=100, min=10, max=1_000, step=10, description="bootstrap samples",
                                       continuous_update=False),
        }  # fmt: skip
        self.live_controls = frozenset({"metric"})  # the hours are cached: a metric change only redraws
        super().__init__(use_widgets=use_widgets, figsize=(8.4, 3.4), ncols=2, run_button=True)

    def compute(self, metric: str, share_pct: int, base_rate_pct: int, false_positive_pct: int,
                window_size: int, n_bootstrap: int) -> BiasDriftSeries:  # fmt: skip
        key = (share_pct, base_rate_pct, false_positive_pct, window_size, n_bootstrap)
        if self._cache is not None and self._cache[0] == key:  # only the metric changed
            return replace(self._cache[1], metric=metric)

        if len(self._hours) > MAX_CACHED_HOURS:  # a long session of experiments: start afresh
            self._hours.clear()

        def target(name: str, value: int) -> float | None:  # at its default: data left alone
            return None if value == self.defaults[name] else value / 100

        series = monitor_hours(
            self.baseline, self.windows, group=self.group, baseline_state=self.baseline_state, metric=metric,
            group_share=target("share_pct", share_pct), group_base_rate=target("base_rate_pct", base_rate_pct),
            group_false_positive_rate=target("false_positive_pct", false_positive_pct), window_size=window_size,
            n_bootstrap=n_bootstrap, confidence_level=self.confidence_level, seed=self.seed, cache=self._hours,
        )  # fmt: skip
        self._cache = (key, series)
        return series

    def draw(self, axes, result: BiasDriftSeries) -> None:
        left, right = axes
        frame = result.frame()
        self._draw_metric(left, result)
        self._accuracy = accuracy_over_hours(right, frame, baseline_accuracy=result.baseline.accuracy,
                                             group=result.group, title="accuracy")  # fmt: skip
        self.live(*self._accuracy.artists)

    def update(self, result: BiasDriftSeries) -> bool:
        frame = result.frame()
        if not self._accuracy.show(frame):
            return False
        self.axes[0].title.set_text(_title(result))
        if result.metric != self._drawn or not self._metric.show(frame):  # another metric, or past its axis
            self._draw_metric(self.redraw_axes(self.axes[0]), result)
        return True

    def _draw_metric(self, ax, result: BiasDriftSeries) -> None:
        self._drawn = result.metric
        self._metric = metric_over_hours(ax, result.frame(), metric=result.metric, title=_title(result))
        self.live(*self._metric.artists, ax.title)

    def table(self, result: BiasDriftSeries) -> pd.DataFrame:
        columns = ["hour", "group_rows", "value", "ci_lower", "ci_upper", "allowed_min",
                   "allowed_max", "violation", "accuracy"]  # fmt: skip
        return result.frame()[columns].round(3)

    def summary(self, result: BiasDriftSeries) -> str:
        frame = result.frame()
        fired = result.violation_hours()
        if fired:
            verdict = f"{result.metric} violates in hours {', '.join(map(str, fired))}"
        else:
            verdict = f"{result.metric}: no violation in {len(frame)} hours"
        undefined = frame[frame["value"].isna()]
        if len(undefined):
            first = undefined.iloc[0]
            verdict += (f"; hour {int(first['hour'])} has {int(first['group_rows'])} rows in group {result.group}, "
                        f"so {result.metric} is undefined ({first['error'] or 'no value'})")  # fmt: skip
        accuracy = (result.baseline.accuracy, frame["accuracy"].iloc[-1])
        return (
            f"{verdict}. Overall accuracy: baseline {accuracy[0]:.3f}, last hour {accuracy[1]:.3f}."
        )


def _title(result: BiasDriftSeries) -> str:
    level = f"{100 * result.confidence_level:g} %"
    return f"{result.metric}: {level} interval C, B = {result.n_bootstrap}"
