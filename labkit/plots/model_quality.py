"""Figures of notebook 02: concept vs covariate drift, a metric per hourly window, the 2×2 grid, CBPE.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from labkit.plots import BASELINE_COLOR, OK_COLOR, THRESHOLD_COLOR, VIOLATION_COLOR, WINDOW_COLOR

__all__ = [
    "calibration",
    "drift_grid",
    "estimate_vs_realised",
    "figure_image",
    "metric_by_window",
    "two_kinds_of_drift",
]

WAITING_COLOR = "#DDDDDD"  # windows whose labels have not arrived
MAX_POINTS = 400  # scatter points per sample: enough to see a cloud, few enough to draw fast
FIGURE_DPI = 90  # as labkit.widgets.app: the same size in a static cell as in an app


def figure_image(fig, *, dpi: int = FIGURE_DPI):
    """A figure as an IPython PNG image: what a static cell displays (a bare Figure shows only its repr)."""
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return Image(buffer.getvalue())


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
        ax.legend(loc="upper left", fontsize="small", markerscale=2)


def metric_by_window(
    ax,
    performance,
    metric: str,
    *,
    baseline_value: float | None = None,
    drift_from=None,
    ylim: tuple[float, float] = (0.5, 1.0),
) -> None:
    """The realised ``metric`` of each hourly window against its threshold; windows still waiting
    for labels are shaded, and the CBPE estimate of accuracy is drawn where it exists.

    ``performance`` is a ``performance_estimation.HourlyPerformance``. Lines are labelled at their
    right end instead of in a legend, and the ticks are fixed: a widget redraws this on every change.
    """
    from matplotlib.ticker import FixedLocator, NullLocator

    windows = performance.windows
    n = len(windows)
    x = np.arange(n)
    right = n - 0.5
    waiting = [i for i, w in enumerate(windows) if w.report is None]
    for first, last in _runs(waiting):
        ax.axvspan(first - 0.5, last + 0.5, color=WAITING_COLOR, zorder=0, lw=0)
        ax.text(
            (first + last) / 2,
            ylim[0] + 0.02 * (ylim[1] - ylim[0]),
            "no labels yet",
            ha="center",
            va="bottom",
            fontsize="small",
        )
    constraint = performance.constraints.metrics.get(metric)
    if constraint is not None:
        ax.axhline(constraint.threshold, color=THRESHOLD_COLOR, ls="--", lw=1.2)
        ax.text(
            right,
            constraint.threshold,
            f" threshold\n ({constraint.comparison_operator})",
            color=THRESHOLD_COLOR,
            va="center",
            fontsize="x-small",
        )
    if baseline_value is not None:
        ax.axhline(baseline_value, color=BASELINE_COLOR, lw=1, alpha=0.7)
        ax.text(
            right,
            baseline_value,
            " baseline",
            color=BASELINE_COLOR,
            va="center",
            fontsize="x-small",
        )
    if metric == "accuracy":
        estimates = np.array(
            [w.estimate.expected_accuracy if w.estimate else np.nan for w in windows]
        )
        ax.plot(x, estimates, ls=":", marker="s", ms=4, color=THRESHOLD_COLOR)
        key = "● realised, from labels    ■ estimated from confidence (CBPE), no labels needed"
        # A text, not a title: a title costs a layout pass on every redraw.
        ax.text(0.0, 1.02, key, fontsize="x-small", transform=ax.transAxes)
    values = np.array([w.value(metric) for w in windows])
    violated = [
        w.report is not None and metric in w.report.violations.metric_names() for w in windows
    ]
    ax.plot(x, values, color=WINDOW_COLOR, lw=1.5)
    ax.scatter(x, values, c=[VIOLATION_COLOR if v else OK_COLOR for v in violated], s=36, zorder=3)
    starts = [w.start for w in windows]
    if drift_from is not None and drift_from in starts:
        k = starts.index(drift_from) - 0.5
        ax.axvline(k, color=VIOLATION_COLOR, lw=1, alpha=0.6)
        ax.text(
            k + 0.05,
            ylim[1] - 0.03 * (ylim[1] - ylim[0]),
            "drift starts",
            color=VIOLATION_COLOR,
            va="top",
            fontsize="x-small",
        )
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
            fontsize="small",
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
    ax.legend(loc="lower left", fontsize="small")


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
    ax.legend(loc="upper left", fontsize="small")
