"""Notebook 05's figures: the five-step monitoring workflow and the simulated timeline.

Plot functions draw on axes they are given and compute nothing; the numbers come from
``labkit.simulation`` and ``labkit.ab_testing`` results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from labkit.plots import (
    BASELINE_COLOR,
    OK_COLOR,
    SMALL_FONT,
    THRESHOLD_COLOR,
    VIOLATION_COLOR,
    WINDOW_COLOR,
    ArtistView,
    empty_figure,
    figure_image,
)

__all__ = [
    "STATE_COLORS",
    "WORKFLOW_STEPS",
    "AlarmView",
    "ab_test",
    "figure_image",
    "timeline",
    "timeline_figure",
    "workflow_diagram",
]

STATE_COLORS = {"OK": OK_COLOR, "ALARM": VIOLATION_COLOR, "INSUFFICIENT_DATA": "#BBBBBB"}
# The five steps of "How Model Monitor works" (model-monitor), with what each produces. Lines
# are short enough for a box of an 8.4-inch figure in SMALL_FONT (tests/plots measures them).
WORKFLOW_STEPS = (
    ("1  Capture", "DataCaptureConfig\nrequests and\npredictions → S3\n(hourly folders)"),
    ("2  Baseline", "suggest_baseline\nstatistics.json\nconstraints.json"),
    ("3  Schedule", "CreateMonitoring-\nSchedule\ncron(0 * ? * * *)\n(+0–20 min)"),
    ("4  Analyse", "one execution\nper window\nconstraint_\nviolations.json"),
    ("5  Report & alert", "CloudWatch metrics\n→ alarm (M of N)\n→ SNS /\nEventBridge"),
)


def workflow_diagram(ax: Any, *, highlight: int | None = None) -> None:
    """Five boxes left to right, and the automated response looping from 5 back to 2."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    ax.set_xlim(0, 10.2)
    ax.set_ylim(0.25, 3.65)
    ax.axis("off")
    width, gap = 1.7, 0.35
    for i, (title, body) in enumerate(WORKFLOW_STEPS):
        x = 0.15 + i * (width + gap)
        color = WINDOW_COLOR if highlight == i + 1 else BASELINE_COLOR
        ax.add_patch(
            FancyBboxPatch(
                (x, 1.4),
                width,
                2.1,
                boxstyle="round,pad=0.05",
                facecolor="white",
                edgecolor=color,
                linewidth=2,
            )
        )
        ax.text(
            x + width / 2,
            3.2,
            title,
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=color,
        )
        ax.text(x + width / 2, 2.15, body, ha="center", va="center", fontsize=SMALL_FONT, linespacing=1.15)
        if i < len(WORKFLOW_STEPS) - 1:
            ax.add_patch(
                FancyArrowPatch(
                    (x + width + 0.03, 2.45),
                    (x + width + gap - 0.03, 2.45),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    color=THRESHOLD_COLOR,
                )
            )
    start, end = 0.15 + 4 * (width + gap) + width / 2, 0.15 + 1 * (width + gap) + width / 2
    ax.add_patch(
        FancyArrowPatch(
            (start, 1.35),
            (end, 1.35),
            connectionstyle="arc3,rad=-0.18",
            arrowstyle="-|>",
            mutation_scale=14,
            color=VIOLATION_COLOR,
        )
    )
    ax.text(
        (start + end) / 2,
        1.0,
        "automated response: EventBridge rule → retrain, re-baseline, swap the model",
        ha="center",
        fontsize=SMALL_FONT,
        color=VIOLATION_COLOR,
    )


class AlarmView(ArtistView):
    """The alarm's parts of ``timeline`` (threshold, state bar, pages); ``show`` redraws them for
    the same simulation evaluated with other alarm settings. A ``timeline(..., full_range=True)``
    view also moves the drift's parts (distances, accuracy, onset) to another simulation of the
    same traffic."""

    def __init__(self, result: Any, threshold_line, legend, state_spans: dict, pages) -> None:
        self.result, self.threshold_line, self.legend = result, threshold_line, legend
        self.state_spans, self.pages = state_spans, pages
        self.overlays: list = []  # the state bar's onset and swap lines, drawn over the spans
        self.drift_lines: dict[str, Any] = {}  # feature -> its distance line (full_range only)
        self.accuracy_line, self.onset_lines = None, []

    @property
    def artists(self) -> list:
        data = [*self.drift_lines.values(), self.accuracy_line, *self.onset_lines]
        return list(dict.fromkeys([*(a for a in data if a is not None), self.threshold_line, self.legend,
                                   *self.state_spans.values(), self.pages, *self.overlays]))  # fmt: skip

    def show(self, history: Any, result: Any = None) -> bool:
        """Another alarm on the same simulation, or (``full_range``) on another simulation of the
        same traffic; False when the figure must be drawn anew."""
        if result is not None and result is not self.result and not self._move_to(result):
            return False
        self.threshold_line.set_ydata([history.alarm.threshold] * 2)
        self.legend.get_texts()[-1].set_text(_threshold_label(history))
        spans = _state_spans(self.result, history)
        for state, collection in self.state_spans.items():
            collection.set_verts([[(a, 0), (a + w, 0), (a + w, 1), (a, 1)] for a, w in spans.get(state, [])])
        pages = _page_hours(self.result, history)
        self.pages.set_offsets(np.column_stack([pages, [0.5] * len(pages)]) if pages else np.empty((0, 2)))
        return True

    def _move_to(self, result: Any) -> bool:
        """Move the drift's lines to ``result``; False if its traffic or retraining differ."""
        old, new = self.result.timeline, result.timeline
        same = ["hour", "requests", "captured"]
        if (self.accuracy_line is None or len(old) != len(new) or not old[same].equals(new[same])
                or not old["data_quality_status"].eq("Failed").equals(new["data_quality_status"].eq("Failed"))
                or self.result.retrains or result.retrains):  # fmt: skip
            return False
        d = result.distances
        for feature, line in self.drift_lines.items():
            rows = d[d["feature"] == feature]
            line.set_data(rows["hour"], rows["distance"])
        self.accuracy_line.set_data(new["hour"], new["accuracy"])
        for line in self.onset_lines:
            line.set_xdata([result.drift.onset_hour - 0.5] * 2)
        self.result = result
        return True


def _threshold_label(history: Any) -> str:
    return f"alarm threshold {history.alarm.threshold:g}"


def _state_spans(result: Any, history: Any) -> dict[str, list[tuple[float, float]]]:
    """Runs of one alarm state as (start, width) in traffic hours, by state."""
    frame = history.to_frame()
    x = [(p - result.start).total_seconds() / 3600 - 1 for p in frame["period"]]  # the traffic hour each evaluation follows
    runs: list[tuple[str, float, float]] = []
    for xi, state in zip(x, frame["state"]):
        if runs and runs[-1][0] == state and abs(runs[-1][1] + runs[-1][2] - (xi - 0.5)) < 1e-9:
            runs[-1] = (state, runs[-1][1], runs[-1][2] + 1.0)
        else:
            runs.append((state, xi - 0.5, 1.0))
    spans: dict[str, list[tuple[float, float]]] = {}
    for state, start, width in runs:
        spans.setdefault(state, []).append((start, width))
    return spans


def _page_hours(result: Any, history: Any) -> list[float]:
    return [(c.timestamp - result.start).total_seconds() / 3600 - 1 for c in history.changes if c.new_state == "ALARM"]


def timeline(
    axes: Sequence[Any],
    result: Any,
    history: Any = None,
    *,
    features: Sequence[str] | None = None,
    full_range: bool = False,
) -> AlarmView:
    """Four stacked panels over the simulated hours: traffic, drift distance per feature, accuracy,
    alarm state; dashed line = drift onset, triangles = pages, green lines = model swaps.

    ``history`` replaces the simulation's own alarm history (an alarm re-evaluated on its metrics).
    Returns the view a playground moves (``show``) when only the alarm's settings change.
    ``full_range``: distance and accuracy on their whole 0–1 range, so the view can also move
    them to another simulation of the same traffic without new axes.
    """
    from matplotlib.collections import PolyCollection

    traffic_ax, drift_ax, metric_ax, state_ax = axes
    history = history or result.alarm_history
    t = result.timeline
    hours = t["hour"]
    # Stepped areas, not one bar per hour: a few artists redraw far faster than hundreds.
    traffic_ax.fill_between(
        hours, t["requests"], step="mid", color=BASELINE_COLOR, alpha=0.35, lw=0, label="requests"
    )
    traffic_ax.step(hours, t["captured"], where="mid", color=BASELINE_COLOR, lw=1, label="captured")
    failed = t[t["data_quality_status"] == "Failed"]
    traffic_ax.scatter(
        failed["hour"],
        [0] * len(failed),
        marker="x",
        color=VIOLATION_COLOR,
        zorder=3,
        label="execution Failed",
    )
    traffic_ax.set_ylabel("requests\nper hour")
    traffic_ax.legend(loc="upper right", fontsize=SMALL_FONT, ncols=3)
    d = result.distances
    alarm_feature = dict(history.alarm.dimensions).get("Feature")
    shown = (
        list(features) if features is not None else sorted(d["feature"].unique()) if len(d) else []
    )
    drift_lines = {}
    for feature in shown:
        rows = d[d["feature"] == feature]
        strong = feature == alarm_feature
        (line,) = drift_ax.plot(
            rows["hour"],
            rows["distance"],
            lw=1.8 if strong else 0.8,
            color=WINDOW_COLOR if strong else "#999999",
            alpha=1 if strong else 0.6,
            label=f"{feature} (alarm metric)" if strong else None,
        )
        drift_lines[feature] = line
    threshold_line = drift_ax.axhline(
        history.alarm.threshold, color=THRESHOLD_COLOR, ls=":", lw=1, label=_threshold_label(history)
    )
    drift_ax.set_ylabel("drift distance\nper feature")
    legend = drift_ax.legend(loc="upper left", fontsize=SMALL_FONT)
    (accuracy_line,) = metric_ax.plot(hours, t["accuracy"], color=BASELINE_COLOR, marker=".", ms=3, lw=1)
    metric_ax.set_ylabel("accuracy\n(labels late)")
    state_spans = {}
    for state, colour in STATE_COLORS.items():  # one collection per state, even if empty for now
        state_spans[state] = PolyCollection([], facecolor=colour, lw=0)
        state_ax.add_collection(state_spans[state])
    state_ax.set_ylim(0, 1)
    state_ax.set_yticks([])
    state_ax.set_ylabel("alarm\nstate")
    state_ax.set_title(
        "alarm state: green OK, vermilion ALARM, grey INSUFFICIENT_DATA", fontsize=SMALL_FONT, loc="left"
    )
    pages = state_ax.scatter([], [], marker="v", s=60, color="black", zorder=4, transform=state_ax.get_xaxis_transform())
    view = AlarmView(result, threshold_line, legend, state_spans, pages)
    if full_range:
        drift_ax.set_ylim(-0.02, 1.02)  # a distance (or a p-value) lies in [0, 1], so does accuracy
        metric_ax.set_ylim(-0.02, 1.02)
        view.drift_lines, view.accuracy_line = drift_lines, accuracy_line
    offset = result.start
    for ax in axes:
        lines = [ax.axvline(result.drift.onset_hour - 0.5, color=VIOLATION_COLOR, ls="--", lw=1)]
        if full_range:
            view.onset_lines.append(lines[0])
        for r in result.retrains:
            lines.append(ax.axvline((r.time - offset).total_seconds() / 3600 - 0.5, color=OK_COLOR, lw=1.5))
        if ax is state_ax:
            view.overlays += lines
        ax.set_xlim(-0.5, len(t) - 0.5)
    state_ax.set_xlabel(
        "hour of simulated traffic (dashed: drift onset; ▼: page; green: new model)"
    )
    view.show(history)
    return view


def timeline_figure(
    result: Any,
    history: Any = None,
    *,
    width: float = 10,
    height: float = 7.2,
    features: Sequence[str] | None = None,
):
    """A new figure holding ``timeline`` (for static cells; apps redraw their own figure)."""
    fig = empty_figure(width, height)
    timeline(
        fig.subplots(4, 1, sharex=True, height_ratios=[0.8, 1.4, 1, 0.5]),
        result,
        history,
        features=features,
    )
    return fig


def ab_test(ax: Any, result: Any) -> None:
    """Each variant's success rate with its Wilson interval."""
    variants = [result.control, result.challenger]
    for i, (v, color) in enumerate(zip(variants, (BASELINE_COLOR, WINDOW_COLOR))):
        ax.errorbar(
            [i],
            [v.rate],
            yerr=[[v.rate - v.ci_low], [v.ci_high - v.rate]],
            fmt="o",
            color=color,
            capsize=6,
        )
        ax.text(i + 0.08, v.rate, f"{v.rate:.3f}\n(n={v.n})", va="center", fontsize=SMALL_FONT)
    ax.set_xticks([0, 1], [v.variant_name for v in variants])
    ax.set_xlim(-0.5, 1.7)
    ax.set_ylabel("accuracy")
    ax.set_title(
        f"{result.decision}: difference {result.difference:+.3f} [{result.ci_low:+.3f}, {result.ci_high:+.3f}]",
        fontsize=9,
    )
