"""Figures of notebook 02: concept vs covariate drift, a metric per hourly window, the 2×2 grid, CBPE.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from labkit.plots import (
    BASELINE_COLOR,
    OK_COLOR,
    SMALL_FONT,
    THRESHOLD_COLOR,
    VIOLATION_COLOR,
    WINDOW_COLOR,
    ArtistView,
    figure_image,
)

__all__ = [
    "WindowMetricView",
    "calibration",
    "drift_grid",
    "estimate_vs_realised",
    "figure_image",
    "metric_by_window",
    "two_kinds_of_drift",
]

WAITING_COLOR = "#DDDDDD"  # windows whose labels have not arrived
MAX_POINTS = 400  # scatter points per sample: enough to see a cloud, few enough to draw fast


def two_kinds_of_drift(
    axes,
    baseline: pd.DataFrame,
    covariate: pd.DataFrame,
    concept: pd.DataFrame,
    *,
    feature: str,
    target: str,
) -> None:
    """Left: P(X) moves along the same rule (covariate drift). Right: same X, new rule (concept drift)."""
    left, right = axes
    panels = (
        (left, covariate, "covariate drift: P(X) moves, P(y | X) stays"),
        (right, concept, "concept drift: P(X) stays, P(y | X) moves"),
    )
    for ax, window, title in panels:
        for frame, colour, name in (
            (baseline, BASELINE_COLOR, "baseline"),
            (window, WINDOW_COLOR, "window"),
        ):
            shown = frame.head(MAX_POINTS)
            ax.scatter(
                shown[feature],
                shown[target],
                s=6,
                alpha=0.45,
                color=colour,
                label=name,
                rasterized=True,
            )
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel(feature)
        ax.set_ylabel(target)
        ax.legend(loc="upper left", fontsize=SMALL_FONT, markerscale=2)


class WindowMetricView(ArtistView):
    """The moving parts of ``metric_by_window``; ``show`` moves them to a new performance."""

    def __init__(self, ax, metric: str, n: int, ylim: tuple[float, float]) -> None:
        from matplotlib.collections import PolyCollection

        self.ax, self.metric, self.n, self.ylim = ax, metric, n, ylim
        x = np.arange(n)
        self.waiting = PolyCollection([], facecolor=WAITING_COLOR, zorder=0, lw=0)
        ax.add_collection(self.waiting)
        self.waiting_notes = [
            ax.text(i, ylim[0] + 0.02 * (ylim[1] - ylim[0]), "no labels yet", ha="center", va="bottom",
                    fontsize=SMALL_FONT, visible=False)
            for i in range(n)
        ]  # fmt: skip
        self.estimate = None
        if metric == "accuracy":
            (self.estimate,) = ax.plot(x, np.full(n, np.nan), ls=":", marker="s", ms=4, color=THRESHOLD_COLOR)
        (self.line,) = ax.plot(x, np.full(n, np.nan), color=WINDOW_COLOR, lw=1.5)
        self.points = ax.scatter(x, np.full(n, np.nan), s=36, zorder=3)
        self.overlays: list = []  # fixed lines and texts the shading would cover: redrawn over it

    @property
    def artists(self) -> list:
        moving = [self.waiting, *self.waiting_notes, *([self.estimate] if self.estimate else [])]
        return [*moving, self.line, self.points, *self.overlays]

    def show(self, performance, metric: str | None = None) -> bool:
        """Move every window's value, colour, estimate and shading; False for another metric or
        another number of windows (draw anew)."""
        windows = performance.windows
        if (metric or self.metric) != self.metric or len(windows) != self.n:
            return False
        x = np.arange(self.n)
        low, high = self.ylim
        waiting = [i for i, w in enumerate(windows) if w.report is None]
        self.waiting.set_verts([[(a - 0.5, low), (b + 0.5, low), (b + 0.5, high), (a - 0.5, high)] for a, b in _runs(waiting)])
        centres = {(a + b) / 2 for a, b in _runs(waiting)}
        for i, note in enumerate(self.waiting_notes):  # one note per run of waiting windows
            note.set_visible(False)
        for k, centre in enumerate(sorted(centres)):
            self.waiting_notes[k].set_x(centre)
            self.waiting_notes[k].set_visible(True)
        if self.estimate is not None:
            self.estimate.set_ydata([w.estimate.expected_accuracy if w.estimate else np.nan for w in windows])
        values = np.array([w.value(self.metric) for w in windows])
        violated = [w.report is not None and self.metric in w.report.violations.metric_names() for w in windows]
        self.line.set_ydata(values)
        self.points.set_offsets(np.column_stack([x, values]))
        self.points.set_facecolors([VIOLATION_COLOR if v else OK_COLOR for v in violated])
        return True


def metric_by_window(
    ax,
    performance,
    metric: str,
    *,
    baseline_value: float | None = None,
    drift_from=None,
    ylim: tuple[float, float] = (0.5, 1.0),
) -> WindowMetricView:
    """The realised ``metric`` of each hourly window against its threshold; windows still waiting
    for labels are shaded, and the CBPE estimate of accuracy is drawn where it exists.

    ``performance`` is a ``performance_estimation.HourlyPerformance``. Lines are labelled at their
    right end instead of in a legend, and the ticks are fixed. Returns the view a playground
    moves on a change (``show``), so it redraws the windows' values only.
    """
    from matplotlib.ticker import FixedLocator, NullLocator

    windows = performance.windows
    n = len(windows)
    right = n - 0.5
    view = WindowMetricView(ax, metric, n, ylim)
    constraint = performance.constraints.metrics.get(metric)
    if constraint is not None:
        view.overlays += [
            ax.axhline(constraint.threshold, color=THRESHOLD_COLOR, ls="--", lw=1.2),
            ax.text(right, constraint.threshold, f" threshold\n ({constraint.comparison_operator})",
                    color=THRESHOLD_COLOR, va="center", fontsize=SMALL_FONT),
        ]  # fmt: skip
    if baseline_value is not None:
        view.overlays += [
            ax.axhline(baseline_value, color=BASELINE_COLOR, lw=1, alpha=0.7),
            ax.text(right, baseline_value, " baseline", color=BASELINE_COLOR, va="center", fontsize=SMALL_FONT),
        ]  # fmt: skip
    if metric == "accuracy":
        key = "● realised, from labels    ■ estimated from confidence (CBPE), no labels needed"
        ax.text(0.0, 1.02, key, fontsize=SMALL_FONT, transform=ax.transAxes)
    view.show(performance)
    starts = [w.start for w in windows]
    if drift_from is not None and drift_from in starts:
        k = starts.index(drift_from) - 0.5
        view.overlays += [
            ax.axvline(k, color=VIOLATION_COLOR, lw=1, alpha=0.6),
            ax.text(k + 0.05, ylim[1] - 0.03 * (ylim[1] - ylim[0]), "drift starts", color=VIOLATION_COLOR,
                    va="top", fontsize=SMALL_FONT),
        ]  # fmt: skip
    # Hours as plain text under the axis and three y ticks: after each clear() matplotlib rebuilds
    # every tick (two lines and two texts each), which costs more than the rest of a redraw.
    ax.xaxis.set_major_locator(NullLocator())
    for i, t in enumerate(starts):
        ax.text(i, -0.03, f"{t:%H}:00", ha="center", va="top", transform=ax.get_xaxis_transform())
    ax.yaxis.set_major_locator(FixedLocator(np.linspace(ylim[0], ylim[1], 3)))
    ax.set_xlim(-0.5, right)
    ax.set_ylim(*ylim)
    ax.set_xlabel("hourly window (start, UTC)", labelpad=16)
    ax.set_ylabel(metric)
    return view


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted indices as (first, last) pairs: [3, 4, 5, 8] → [(3, 5), (8, 8)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def drift_grid(ax, grid) -> None:
    """The 2×2 grid: columns = data drift no/yes, rows = model drift no/yes; each cell both verdicts."""
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    for cell in grid.cells:
        col, row = int(cell.data_drift), 1 - int(cell.model_drift)
        fired = cell.data_quality_fired or cell.model_quality_fired
        ax.add_patch(
            _rectangle((col + 0.03, row + 0.03), 0.94, 0.94, VIOLATION_COLOR if fired else OK_COLOR)
        )
        dq = ", ".join(sorted(cell.data_quality.violations.features())) or "quiet"
        mq = ", ".join(sorted(cell.model_quality.violations.metric_names())) or "quiet"
        ax.text(
            col + 0.5,
            row + 0.5,
            f"data quality: {dq}\nmodel quality: {mq}",
            ha="center",
            va="center",
            fontsize=SMALL_FONT,
            wrap=True,
        )
    ax.set_xticks([0.5, 1.5], ["no data drift", "data drift (P(X))"])
    ax.set_yticks([1.5, 0.5], ["no model drift", "model drift (P(y|X))"])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("what each monitor reports", fontsize="medium")


def _rectangle(xy, width, height, colour):
    from matplotlib.patches import Rectangle

    return Rectangle(xy, width, height, facecolor=colour, alpha=0.18, edgecolor=colour)


def estimate_vs_realised(
    ax, names: Sequence[str], estimates: Sequence, realised: Sequence[float]
) -> None:
    """Per window: the CBPE estimate (± 2 standard errors) beside the accuracy the labels reveal."""
    x = np.arange(len(names))
    est = np.array([e.expected_accuracy for e in estimates])
    err = np.array([2 * e.standard_error for e in estimates])
    ax.errorbar(
        x - 0.08,
        est,
        yerr=err,
        fmt="s",
        color=THRESHOLD_COLOR,
        capsize=4,
        label="estimated (CBPE, no labels)",
    )
    ax.scatter(
        x + 0.08, realised, color=WINDOW_COLOR, s=50, zorder=3, label="realised (with labels)"
    )
    ax.set_xticks(x, names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    ax.set_ylabel("accuracy")
    ax.legend(loc="lower left", fontsize=SMALL_FONT)


def calibration(ax, table) -> None:
    """Reliability diagram of a ``performance_estimation.CalibrationTable``: on the diagonal = calibrated."""
    f = table.frame[table.frame["count"] > 0]
    ax.plot([0, 1], [0, 1], color=THRESHOLD_COLOR, ls="--", lw=1, label="perfectly calibrated")
    ax.plot(
        f["mean_probability"],
        f["positive_rate"],
        marker="o",
        color=BASELINE_COLOR,
        label="baseline dataset",
    )
    ece = table.expected_calibration_error
    ax.set_title(
        f"calibration (ECE = {ece:.3f})" if not math.isnan(ece) else "calibration",
        fontsize="medium",
    )
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed default rate")
    ax.legend(loc="upper left", fontsize=SMALL_FONT)
