"""Figures of notebook 04: baseline-versus-window attributions and the NDCG gauge.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds
(global SHAP values from analysis.json, an NDCG score, model-quality metric values); nothing is
computed here beyond ordering bars and choosing colours.

Both are redrawn on every change of the notebook 04 playground: each returns a view whose
``show`` moves the bars and texts a change touches, so the playground redraws those only. Row
names are plain texts rather than tick labels (each tick label builds a tick with two lines and
two texts), and the axis limits are fixed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.plots import (
    BASELINE_COLOR,
    OK_COLOR,
    SMALL_FONT,
    THRESHOLD_COLOR,
    VIOLATION_COLOR,
    WINDOW_COLOR,
    ArtistView,
)

__all__ = ["AttributionView", "GaugeView", "attribution_bars", "ndcg_gauge"]

BAR_HEIGHT = 0.38  # two bars per feature in one row of height 1
LEGEND_ROOM = 1.35  # x-axis length as a multiple of the longest bar: room for the legend


def _row_labels(ax, labels: list[str]) -> list:
    """Names of the rows (y = 0, 1, …) left of the axes, without tick machinery."""
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # row 0 on top
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    return [
        ax.text(-0.02, y, text, transform=transform, ha="right", va="center", fontsize=SMALL_FONT)
        for y, text in enumerate(labels)
    ]


def _ranks(values: Mapping[str, float]) -> dict[str, int]:
    return {f: i + 1 for i, f in enumerate(sorted(values, key=lambda f: -abs(values[f])))}


def _rank_labels(features: list[str], baseline: Mapping[str, float], window: Mapping[str, float]) -> list[str]:
    base_rank, win_rank = _ranks(baseline), _ranks(window)
    return [f"{f}  #{base_rank.get(f, '–')} → #{win_rank.get(f, '–')}" for f in features]


class AttributionView(ArtistView):
    """The window's bars and the rank labels of ``attribution_bars``; ``show`` moves them."""

    def __init__(self, ax, features: list[str], baseline: Mapping[str, float], bars, labels) -> None:
        self.ax, self.features, self.baseline, self.bars, self.labels = ax, features, baseline, bars, labels

    @property
    def artists(self) -> list:
        return [*self.bars, *self.labels]

    def show(self, window: Mapping[str, float]) -> bool:
        """The window's attributions on the same features and axis; else False (draw anew)."""
        features = list(self.baseline) + [f for f in window if f not in self.baseline]
        widths = [abs(window.get(f, 0.0)) for f in features]
        if features != self.features or max(widths, default=0.0) > self.ax.get_xlim()[1]:
            return False
        for bar, width in zip(self.bars, widths):
            bar.set_width(width)
        for label, text in zip(self.labels, _rank_labels(features, self.baseline, window)):
            label.set_text(text)
        return True


def attribution_bars(
    ax,
    baseline: Mapping[str, float],
    window: Mapping[str, float],
    *,
    baseline_label: str = "baseline",
    window_label: str = "window",
    title: str | None = None,
    xlabel: str = "global attribution (mean |SHAP|)",
) -> AttributionView:
    """Global attribution per feature, baseline and window side by side, baseline's ranking top-down.

    The rank of each feature in both rankings is written after its name (``age  #3 → #1``), so a
    reader sees the ranking NDCG scores, not only the bar lengths. Bars are magnitudes |value|,
    the size by which the twin ranks features. Returns the view a playground moves (``show``).
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    baseline = dict(sorted(baseline.items(), key=lambda item: -abs(item[1])))
    features = list(baseline) + [f for f in window if f not in baseline]
    base = [abs(baseline.get(f, 0.0)) for f in features]
    win = [abs(window.get(f, 0.0)) for f in features]
    y = np.arange(len(features), dtype=float)
    base_bars = ax.barh(y - BAR_HEIGHT / 2, base, height=BAR_HEIGHT, color=BASELINE_COLOR)
    win_bars = ax.barh(y + BAR_HEIGHT / 2, win, height=BAR_HEIGHT, color=WINDOW_COLOR)
    labels = _row_labels(ax, _rank_labels(features, baseline, window))
    ax.set_xlim(0.0, LEGEND_ROOM * (max([*base, *win, 0.0]) or 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3))  # few tick labels: fewer texts per redraw
    ax.set_xlabel(xlabel)
    handles = [
        Patch(color=BASELINE_COLOR, label=baseline_label),
        Patch(color=WINDOW_COLOR, label=window_label),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=SMALL_FONT)
    if title:
        ax.set_title(title, fontsize="medium")
    del base_bars  # the baseline's bars never move
    return AttributionView(ax, features, baseline, list(win_bars), labels)


def _gauge_rows(ndcg: float, threshold: float, quality) -> list[tuple[str, float, str]]:
    rows = [(f"NDCG (alert < {threshold:.2f})", ndcg, VIOLATION_COLOR if ndcg < threshold else OK_COLOR)]
    for name, (base, win) in (quality or {}).items():
        rows.append((f"{name} (baseline)", base, BASELINE_COLOR))
        rows.append((f"{name} (window)", win, WINDOW_COLOR))
    return rows


def _bar_value(value) -> float:
    return 0.0 if value is None or np.isnan(value) else float(value)


def _place_value(text, value, raw) -> None:
    """The number inside a long bar (white), after a short one (black); "n/a" for NaN."""
    text.set_text("n/a" if raw is None or np.isnan(raw) else f"{value:.3f}")
    inside = value > 0.8
    text.set_x(value - 0.01 if inside else value + 0.01)
    text.set_horizontalalignment("right" if inside else "left")
    text.set_color("white" if inside else "black")


class GaugeView(ArtistView):
    """The bars and numbers of ``ndcg_gauge``; ``show`` moves them."""

    def __init__(self, names: list[str], threshold: float, bars, texts, threshold_line) -> None:
        self.names, self.threshold, self.bars, self.texts = names, threshold, bars, texts
        self.threshold_line = threshold_line  # drawn over the NDCG bar, so redrawn with it

    @property
    def artists(self) -> list:
        return [*self.bars, *self.texts, self.threshold_line]

    def show(self, ndcg: float, quality=None) -> bool:
        rows = _gauge_rows(ndcg, self.threshold, quality)
        if [name for name, _, _ in rows] != self.names:
            return False
        for bar, text, (_, raw, colour) in zip(self.bars, self.texts, rows):
            value = _bar_value(raw)
            bar.set_width(value)
            bar.set_facecolor(colour)
            _place_value(text, value, raw)
        return True


def ndcg_gauge(
    ax,
    ndcg: float,
    *,
    threshold: float,
    quality: Mapping[str, tuple[float, float]] | None = None,
    title: str | None = None,
) -> GaugeView:
    """The NDCG bar against its threshold (dashed), with model-quality metrics (baseline, window) beside it.

    All bars share the 0–1 scale. The NDCG bar is vermilion below ``threshold`` (a violation),
    green otherwise; ``quality`` maps a metric name (``"accuracy"``) to its (baseline, window)
    values, drawn in the baseline and window colours. NaN values are written as "n/a". Returns
    the view a playground moves (``show``).
    """
    from matplotlib.ticker import FixedLocator

    rows = _gauge_rows(ndcg, threshold, quality)
    values = [_bar_value(raw) for _, raw, _ in rows]
    bars = ax.barh(np.arange(len(rows)), values, height=0.6, color=[c for _, _, c in rows])
    texts = []
    for i, (value, (_, raw, _)) in enumerate(zip(values, rows)):
        text = ax.text(0, i, "", va="center", fontsize=SMALL_FONT)
        _place_value(text, value, raw)
        texts.append(text)
    (line,) = ax.plot([threshold, threshold], [-0.45, 0.45], color=THRESHOLD_COLOR, ls="--", lw=1.5)
    _row_labels(ax, [name for name, _, _ in rows])
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))  # set_xticks would build ticks now
    ax.set_xlabel("score (0–1)")
    if title:
        ax.set_title(title, fontsize="medium")
    return GaugeView([name for name, _, _ in rows], threshold, list(bars), texts, line)
