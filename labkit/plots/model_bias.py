"""Figures of notebook 03: bias metrics against their allowed ranges, hour by hour.

Each function draws on the ``Axes`` it is given from a table a ``labkit`` result already holds
(``model_bias.MonitoringReport.to_frame()`` or ``BiasDriftSeries.frame()``); nothing is
computed here beyond choosing colours and clipping infinite values to the plot. The two
figures of the notebook 03 playground return a view whose ``show`` moves their values, so a
change redraws those artists only.
"""

from __future__ import annotations

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
)

__all__ = [
    "HourlyAccuracyView",
    "HourlyMetricView",
    "accuracy_over_hours",
    "intervals_vs_allowed_ranges",
    "metric_over_hours",
]


def _few_ticks():  # fewer tick labels make a full redraw faster
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=5)


def _finite(*columns) -> np.ndarray:
    values = np.concatenate([pd.to_numeric(c, errors="coerce").to_numpy(float) for c in columns])
    return values[np.isfinite(values)]


class HourlyMetricView(ArtistView):
    """The moving parts of ``metric_over_hours``; ``show`` moves them to a new table."""

    def __init__(self, ax, hours: np.ndarray) -> None:
        self.ax, self.hours = ax, hours
        self.intervals = ax.vlines([], [], [], lw=3, alpha=0.6)
        self.points = ax.scatter([], [], zorder=3, s=22)
        self.notes = [
            ax.annotate("n/a", (h, 0.02), xycoords=("data", "axes fraction"), ha="center",
                        fontsize=SMALL_FONT, color=THRESHOLD_COLOR, visible=False)
            for h in hours
        ]  # fmt: skip

    @property
    def artists(self) -> list:
        return [self.intervals, self.points, *self.notes]

    def show(self, frame: pd.DataFrame) -> bool:
        """Move values and intervals; False for other hours or values past the y axis (draw anew)."""
        hours = frame["hour"].to_numpy()
        if not np.array_equal(hours, self.hours):
            return False
        low, high = self.ax.get_ylim()
        shown = _finite(frame["value"], frame["ci_lower"], frame["ci_upper"])
        if len(shown) and (shown.min() < low or shown.max() > high):
            return False
        defined = frame["value"].notna().to_numpy()
        colours = np.where(frame["violation"].to_numpy(bool), VIOLATION_COLOR, WINDOW_COLOR)
        has_ci = defined & frame["ci_lower"].notna().to_numpy()
        lower, upper = frame["ci_lower"].to_numpy(float), frame["ci_upper"].to_numpy(float)
        self.intervals.set_segments([[(h, a), (h, b)] for h, a, b in zip(hours[has_ci], lower[has_ci], upper[has_ci])])
        self.intervals.set_colors(list(colours[has_ci]))
        self.points.set_offsets(np.column_stack([hours[defined], frame["value"].to_numpy(float)[defined]]))
        self.points.set_facecolors(list(colours[defined]))
        for note, is_defined in zip(self.notes, defined):  # an empty facet group: an error entry
            note.set_visible(not is_defined)
        return True


def metric_over_hours(
    ax, frame: pd.DataFrame, *, metric: str, title: str | None = None
) -> HourlyMetricView:
    """One bias metric per monitored hour: its value, its bootstrap interval C and the allowed range A.

    ``frame`` has one row per hour with ``hour, value, ci_lower, ci_upper, allowed_min,
    allowed_max, baseline, violation`` (NaN where the metric is undefined). A is the grey band,
    the baseline value the dashed line; an hour that violates (a post-training metric whose C
    misses A) is drawn in the violation colour. The y axis leaves room around what it shows, so a
    playground moves the values (the returned view's ``show``) without drawing the figure anew.
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator

    hours = frame["hour"].to_numpy()
    handles = []
    allowed = frame[["allowed_min", "allowed_max"]].dropna()
    if len(allowed):
        low, high = allowed.iloc[0]
        handles.append(ax.axhspan(low, high, color=THRESHOLD_COLOR, alpha=0.15, lw=0, label="allowed range A"))
        baseline = frame["baseline"].dropna().iloc[0]
        handles.append(ax.axhline(baseline, color=BASELINE_COLOR, ls="--", lw=1, label="baseline value"))
    handles.append(Line2D([], [], color=WINDOW_COLOR, marker="o", lw=3, alpha=0.8, label="window value, interval C"))
    shown = _finite(frame["value"], frame["ci_lower"], frame["ci_upper"], frame["allowed_min"],
                    frame["allowed_max"], frame["baseline"])  # fmt: skip
    if len(shown):
        low, high = shown.min(), shown.max()
        pad = max(high - low, 0.1) * 0.35  # room for the values a slider moves next
        ax.set_ylim(low - pad, high + pad)
    view = HourlyMetricView(ax, hours)
    view.show(frame)
    ax.xaxis.set_major_locator(FixedLocator(hours))  # set_xticks would build the ticks now
    ax.set_xlim(hours.min() - 0.5, hours.max() + 0.5)
    ax.yaxis.set_major_locator(_few_ticks())
    ax.set_xlabel("monitored hour")
    ax.set_ylabel(metric)
    ax.legend(handles=handles, loc="best", fontsize=SMALL_FONT)
    if title:
        ax.set_title(title, fontsize="medium")
    return view


class HourlyAccuracyView(ArtistView):
    """The two accuracy lines of ``accuracy_over_hours``; ``show`` moves them."""

    def __init__(self, overall, group) -> None:
        self.overall, self.group = overall, group

    @property
    def artists(self) -> list:
        return [self.overall, self.group]

    def show(self, frame: pd.DataFrame) -> bool:
        if len(frame) != len(self.overall.get_xdata()):
            return False
        self.overall.set_ydata(frame["accuracy"].to_numpy(float))
        self.group.set_ydata(frame["group_accuracy"].to_numpy(float))
        return True


def accuracy_over_hours(
    ax, frame: pd.DataFrame, *, baseline_accuracy: float, group: str, title: str | None = None
) -> HourlyAccuracyView:
    """Overall and in-group accuracy per hour beside the baseline's overall accuracy.

    ``frame`` has ``hour, accuracy, group_accuracy`` (NaN when the group has no rows).
    """
    from matplotlib.ticker import FixedLocator

    hours = frame["hour"].to_numpy()
    ax.axhline(baseline_accuracy, color=BASELINE_COLOR, ls="--", lw=1, label="baseline, overall")
    (overall,) = ax.plot(hours, frame["accuracy"], marker="o", ms=4, color=WINDOW_COLOR, label="window, overall")
    (in_group,) = ax.plot(
        hours,
        frame["group_accuracy"],
        marker="s",
        ms=4,
        color=OK_COLOR,
        ls=":",
        label=f"window, group {group}",
    )
    ax.set_ylim(0.0, 1.0)
    ax.xaxis.set_major_locator(FixedLocator(hours))  # set_xticks would build the ticks now
    ax.set_xlabel("monitored hour")
    ax.set_ylabel("accuracy")
    ax.legend(loc="lower left", fontsize=SMALL_FONT)
    if title:
        ax.set_title(title, fontsize="medium")
    return HourlyAccuracyView(overall, in_group)


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
            fontsize=SMALL_FONT,
        )
    ax.axvline(0, color=THRESHOLD_COLOR, lw=0.8)
    labels = [
        f"{m} ({'pre' if s == 'pre_training' else 'post'})"
        for m, s in zip(rows["metric"], rows["stage"])
    ]
    ax.set_yticks(y, labels, fontsize=SMALL_FONT)
    ax.invert_yaxis()
    ax.set_xlabel("metric value (red: a violation, a post-training C disjoint from A)")
    ax.legend(loc="lower right", fontsize=SMALL_FONT)
    if title:
        ax.set_title(title, fontsize="medium")
