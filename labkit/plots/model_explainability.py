"""Figures of notebook 04: baseline-versus-window attributions and the NDCG gauge.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds
(global SHAP values from analysis.json, an NDCG score, model-quality metric values); nothing is
computed here beyond ordering bars and choosing colours.

Both are redrawn on every change of the notebook 04 playground, so they avoid matplotlib's
costly calls: row names are plain texts rather than tick labels (each tick label builds a tick
with two lines and two texts), each chart is one ``barh`` call, and the axis limits are fixed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.plots import BASELINE_COLOR, OK_COLOR, THRESHOLD_COLOR, VIOLATION_COLOR, WINDOW_COLOR

__all__ = ["attribution_bars", "ndcg_gauge"]

BAR_HEIGHT = 0.38  # two bars per feature in one row of height 1
LEGEND_ROOM = 1.35  # x-axis length as a multiple of the longest bar: room for the legend


def _row_labels(ax, labels: list[str]) -> None:
    """Names of the rows (y = 0, 1, …) left of the axes, without tick machinery."""
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # row 0 on top
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for y, text in enumerate(labels):
        ax.text(-0.02, y, text, transform=transform, ha="right", va="center", fontsize="small")


def attribution_bars(
    ax,
    baseline: Mapping[str, float],
    window: Mapping[str, float],
    *,
    baseline_label: str = "baseline",
    window_label: str = "window",
    title: str | None = None,
    xlabel: str = "global attribution (mean |SHAP|)",
) -> None:
    """Global attribution per feature, baseline and window side by side, baseline's ranking top-down.

    The rank of each feature in both rankings is written after its name (``age  #3 → #1``), so a
    reader sees the ranking NDCG scores, not only the bar lengths. Bars are magnitudes |value|,
    the size by which the twin ranks features.
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    base_order = sorted(baseline, key=lambda f: -abs(baseline[f]))
    features = base_order + [f for f in window if f not in baseline]
    base_rank = {f: i + 1 for i, f in enumerate(base_order)}
    win_rank = {f: i + 1 for i, f in enumerate(sorted(window, key=lambda f: -abs(window[f])))}
    base = [abs(baseline.get(f, 0.0)) for f in features]
    win = [abs(window.get(f, 0.0)) for f in features]
    y = np.arange(len(features), dtype=float)
    colours = [BASELINE_COLOR] * len(features) + [WINDOW_COLOR] * len(features)
    ax.barh(
        np.concatenate([y - BAR_HEIGHT / 2, y + BAR_HEIGHT / 2]),
        base + win,
        height=BAR_HEIGHT,
        color=colours,
    )
    _row_labels(ax, [f"{f}  #{base_rank.get(f, '–')} → #{win_rank.get(f, '–')}" for f in features])
    ax.set_xlim(0.0, LEGEND_ROOM * (max([*base, *win, 0.0]) or 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3))  # few tick labels: fewer texts per redraw
    ax.set_xlabel(xlabel)
    handles = [
        Patch(color=BASELINE_COLOR, label=baseline_label),
        Patch(color=WINDOW_COLOR, label=window_label),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")


def ndcg_gauge(
    ax,
    ndcg: float,
    *,
    threshold: float,
    quality: Mapping[str, tuple[float, float]] | None = None,
    title: str | None = None,
) -> None:
    """The NDCG bar against its threshold (dashed), with model-quality metrics (baseline, window) beside it.

    All bars share the 0–1 scale. The NDCG bar is vermilion below ``threshold`` (a violation),
    green otherwise; ``quality`` maps a metric name (``"accuracy"``) to its (baseline, window)
    values, drawn in the baseline and window colours. NaN values are written as "n/a".
    """
    from matplotlib.ticker import FixedLocator

    rows = [
        (f"NDCG (alert < {threshold:.2f})", ndcg, VIOLATION_COLOR if ndcg < threshold else OK_COLOR)
    ]
    for name, (base, win) in (quality or {}).items():
        rows.append((f"{name} (baseline)", base, BASELINE_COLOR))
        rows.append((f"{name} (window)", win, WINDOW_COLOR))
    values = [0.0 if value is None or np.isnan(value) else float(value) for _, value, _ in rows]
    ax.barh(np.arange(len(rows)), values, height=0.6, color=[c for _, _, c in rows])
    for i, value in enumerate(values):
        text = "n/a" if rows[i][1] is None or np.isnan(rows[i][1]) else f"{value:.3f}"
        inside = value > 0.8  # the number inside long bars, after short ones
        x, ha, colour = (
            (value - 0.01, "right", "white") if inside else (value + 0.01, "left", "black")
        )
        ax.text(x, i, text, va="center", ha=ha, fontsize="small", color=colour)
    ax.plot([threshold, threshold], [-0.45, 0.45], color=THRESHOLD_COLOR, ls="--", lw=1.5)
    _row_labels(ax, [name for name, _, _ in rows])
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))  # set_xticks would build ticks now
    ax.set_xlabel("score (0–1)")
    if title:
        ax.set_title(title, fontsize="medium")
