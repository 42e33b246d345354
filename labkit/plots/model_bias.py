"""Figures of notebook 03: bias metrics against their allowed ranges, hour by hour.

Each function draws on the ``Axes`` it is given from a table a ``labkit`` result already holds
(``model_bias.MonitoringReport.to_frame()`` or ``BiasDriftSeries.frame()``); nothing is
computed here beyond choosing colours and clipping infinite values to the plot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.plots import BASELINE_COLOR, OK_COLOR, THRESHOLD_COLOR, VIOLATION_COLOR, WINDOW_COLOR

__all__ = ["accuracy_over_hours", "intervals_vs_allowed_ranges", "metric_over_hours"]


def _few_ticks():  # fewer tick labels make a widget redraw faster
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=5)


def metric_over_hours(ax, frame: pd.DataFrame, *, metric: str, title: str | None = None) -> None:
    """One bias metric per monitored hour: its value, its bootstrap interval C and the allowed range A.

    ``frame`` has one row per hour with ``hour, value, ci_lower, ci_upper, allowed_min,
    allowed_max, baseline, violation`` (NaN where the metric is undefined). A is the grey band,
    the baseline value the dashed line; an hour that violates (a post-training metric whose C
    misses A) is drawn in the violation colour.
    """
    hours = frame["hour"].to_numpy()
    allowed = frame[["allowed_min", "allowed_max"]].dropna()
    if len(allowed):
        low, high = allowed.iloc[0]
        ax.axhspan(low, high, color=THRESHOLD_COLOR, alpha=0.15, lw=0, label="allowed range A")
        ax.axhline(
            frame["baseline"].dropna().iloc[0],
            color=BASELINE_COLOR,
            ls="--",
            lw=1,
            label="baseline value",
        )
    defined = frame["value"].notna().to_numpy()
    colours = np.where(frame["violation"].to_numpy(bool), VIOLATION_COLOR, WINDOW_COLOR)
    has_ci = defined & frame["ci_lower"].notna().to_numpy()
    if has_ci.any():
        ax.vlines(
            hours[has_ci],
            frame["ci_lower"][has_ci],
            frame["ci_upper"][has_ci],
            colors=colours[has_ci],
            lw=3,
            alpha=0.6,
        )
    if defined.any():
        ax.scatter(
            hours[defined],
            frame["value"][defined],
            c=colours[defined],
            zorder=3,
            s=22,
            label="window value, interval C",
        )
    for hour in hours[~defined]:  # an empty facet group: the metric is an error entry, not a number
        ax.annotate(
            "n/a",
            (hour, 0.02),
            xycoords=("data", "axes fraction"),
            ha="center",
            fontsize="small",
            color=THRESHOLD_COLOR,
        )
    ax.set_xticks(hours)
    ax.set_xlim(hours.min() - 0.5, hours.max() + 0.5)
    ax.yaxis.set_major_locator(_few_ticks())
    ax.set_xlabel("monitored hour")
    ax.set_ylabel(metric)
    ax.legend(loc="best", fontsize="x-small")
    if title:
        ax.set_title(title, fontsize="medium")


def accuracy_over_hours(
    ax, frame: pd.DataFrame, *, baseline_accuracy: float, group: str, title: str | None = None
) -> None:
    """Overall and in-group accuracy per hour beside the baseline's overall accuracy.

    ``frame`` has ``hour, accuracy, group_accuracy`` (NaN when the group has no rows).
    """
    hours = frame["hour"].to_numpy()
    ax.axhline(baseline_accuracy, color=BASELINE_COLOR, ls="--", lw=1, label="baseline, overall")
    ax.plot(hours, frame["accuracy"], marker="o", ms=4, color=WINDOW_COLOR, label="window, overall")
    ax.plot(
        hours,
        frame["group_accuracy"],
        marker="s",
        ms=4,
        color=OK_COLOR,
        ls=":",
        label=f"window, group {group}",
    )
    ax.set_ylim(0.0, 1.0)
    ax.set_xticks(hours)
    ax.set_xlabel("monitored hour")
    ax.set_ylabel("accuracy")
    ax.legend(loc="lower left", fontsize="x-small")
    if title:
        ax.set_title(title, fontsize="medium")


def intervals_vs_allowed_ranges(
    ax, frame: pd.DataFrame, *, limit: float = 2.0, title: str | None = None
) -> None:
    """One row per metric: the allowed range A (grey), the interval C (bar) and the value (dot).

    ``frame`` is ``model_bias.MonitoringReport.to_frame()``. Metrics without a value (error
    entries) are left out; values beyond ±``limit`` are clipped to the edge and marked with an arrow.
    """
    rows = frame[frame["value"].notna()].reset_index(drop=True)
    if rows.empty:
        ax.text(0.5, 0.5, "no metric has a value", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return

    def clip(values):
        return np.clip(pd.to_numeric(values).to_numpy(float), -limit, limit)

    y = np.arange(len(rows))
    colours = np.where(rows["violation"].to_numpy(bool), VIOLATION_COLOR, WINDOW_COLOR)
    ax.hlines(
        y,
        clip(rows["allowed_min"]),
        clip(rows["allowed_max"]),
        color=THRESHOLD_COLOR,
        alpha=0.35,
        lw=9,
        label="allowed range A",
    )
    has_ci = rows["ci_lower"].notna().to_numpy()
    ax.hlines(
        y[has_ci],
        clip(rows["ci_lower"][has_ci]),
        clip(rows["ci_upper"][has_ci]),
        colors=colours[has_ci],
        lw=3,
        label="interval C",
    )
    values = clip(rows["value"])
    ax.scatter(values, y, c=colours, zorder=3, s=18)
    for i in np.flatnonzero(np.abs(rows["value"].to_numpy(float)) > limit):
        ax.annotate(
            "→" if values[i] > 0 else "←",
            (values[i], y[i]),
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.axvline(0, color=THRESHOLD_COLOR, lw=0.8)
    labels = [
        f"{m} ({'pre' if s == 'pre_training' else 'post'})"
        for m, s in zip(rows["metric"], rows["stage"])
    ]
    ax.set_yticks(y, labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlabel("metric value (red: a violation, a post-training C disjoint from A)")
    ax.legend(loc="lower right", fontsize="x-small")
    if title:
        ax.set_title(title, fontsize="medium")
