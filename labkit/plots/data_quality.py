"""Figures of notebook 01: drift distances against their thresholds, and five verdicts by sample size.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds;
nothing is computed here beyond binning a histogram and choosing colours. The two a playground
redraws return a small view (``HistogramView``, ``DistanceBars``) whose ``show`` moves their
artists to a new result, so a change redraws those artists only.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    "DistanceBars",
    "HistogramView",
    "drift_distances",
    "feature_histograms",
    "numeric_values",
    "shared_edges",
    "verdicts_by_sample_size",
]


MIN_DISTANCE_AXIS = 0.2  # twice the default thresholds (0.1): small distances stay visible


def _few_ticks():  # fewer tick labels make a full redraw faster
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=4)


def numeric_values(values: pd.Series) -> np.ndarray:
    """The numbers of a column: text cells that are not numbers (junk strings) and nulls left out."""
    return pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)


def shared_edges(*samples: np.ndarray, bins: int = 30, pad: float = 0.0) -> np.ndarray:
    """``bins`` equal bins over all samples' range, widened by ``pad`` on each side."""
    both = np.concatenate([np.asarray(s, float) for s in samples]) if samples else np.array([])
    if not len(both):
        return np.linspace(0, 1, bins + 1)
    low, high = both.min() - pad, both.max() + pad
    return np.histogram_bin_edges(both, bins=bins, range=(low, high) if high > low else None)


class HistogramView(ArtistView):
    """The histograms of ``feature_histograms``, which ``show`` moves to new samples."""

    def __init__(self, ax, edges: np.ndarray, steps: dict, legend) -> None:
        self.ax, self.edges, self.steps, self.legend = ax, edges, steps, legend

    @property
    def artists(self) -> list:
        """What a new sample changes: the steps and the legend that counts their values."""
        return [*self.steps.values(), *([self.legend] if self.legend is not None else [])]

    def show(self, window: pd.Series, baseline: pd.Series | None = None) -> bool:
        """Draw the new window (and baseline) on the same bins; False if the bins or the y axis
        no longer hold them, or a sample has no number (draw anew)."""
        samples = {"window": window} if baseline is None else {"baseline": baseline, "window": window}
        shares = {}
        for label, sample in samples.items():
            values = numeric_values(sample)
            if label not in self.steps or not len(values):
                return False
            if values.min() < self.edges[0] or values.max() > self.edges[-1]:
                return False
            shares[label] = (np.histogram(values, self.edges)[0] / len(values), len(values))
        if max(s.max() for s, _ in shares.values()) > self.ax.get_ylim()[1]:
            return False
        labels = list(self.steps)
        for label, (share, n) in shares.items():
            self.steps[label].set_data(share, self.edges)
            if self.legend is not None:
                self.legend.get_texts()[labels.index(label)].set_text(f"{label} (n={n:,})")
        return True


def feature_histograms(
    ax,
    baseline: pd.Series,
    window: pd.Series,
    *,
    bins: int = 30,
    title: str | None = None,
    edges: np.ndarray | None = None,
) -> HistogramView:
    """Baseline and window of one column as two filled step histograms on shared bins.

    Bar heights are the share of each sample's numeric values in the bin, so samples of any size
    compare and the axis labels stay short. Text cells that are not numbers (junk strings) and
    nulls are left out; the legend gives how many values each sample plots. ``edges`` fixes the
    bins (an app passes bins wide enough for every window its sliders make, so the axes stay
    put); by default ``bins`` bins span both samples. Returns the view an app moves.
    """
    base, win = numeric_values(baseline), numeric_values(window)
    if edges is None:
        edges = shared_edges(base, win, bins=bins)
    steps = {}
    for values, colour, label in ((base, BASELINE_COLOR, "baseline"), (win, WINDOW_COLOR, "window")):
        if len(values):
            counts, _ = np.histogram(values, edges)
            steps[label] = ax.stairs(
                counts / len(values), edges, fill=True, alpha=0.55, color=colour, label=f"{label} (n={len(values):,})"
            )  # fmt: skip
    ax.xaxis.set_major_locator(_few_ticks())
    ax.yaxis.set_major_locator(_few_ticks())
    ax.set_xlim(edges[0], edges[-1])
    top = max([s.get_data().values.max() for s in steps.values()], default=0.0)
    ax.set_ylim(0, max(top * 1.25, 0.05))  # room above the bars for a window that piles up
    ax.set_xlabel(str(baseline.name))
    ax.set_ylabel("share of values")
    legend = ax.legend(loc="upper right", fontsize=SMALL_FONT) if steps else None
    if title:
        ax.set_title(title, fontsize="medium")
    return HistogramView(ax, edges, steps, legend)


class DistanceBars(ArtistView):
    """The bars of ``drift_distances``, which ``show`` moves to new values."""

    def __init__(self, names: list[str], bars, xmax: float, ticks=None) -> None:
        self.names, self.bars, self.xmax = names, bars, xmax
        self.ticks = ticks  # the threshold ticks, drawn over the bars, so redrawn with them

    @property
    def artists(self) -> list:
        return [*(self.bars or []), *([self.ticks] if self.ticks is not None else [])]

    def show(self, drift: Mapping[str, object], highlight: str | None = None) -> bool:
        """Same features, values inside the axis: move the bars (and the outlined one, if
        ``highlight`` names one); else False (draw anew)."""
        if not self.bars or list(drift) != self.names:
            return False
        values = [float(np.nan_to_num(drift[n].value)) for n in self.names]
        thresholds = [drift[n].threshold for n in self.names]
        top = max([*values, *thresholds])
        if top > self.xmax or (top < self.xmax / 4 and self.xmax > MIN_DISTANCE_AXIS):
            return False  # past the axis, or so far inside it that the bars would look empty
        for bar, name, value in zip(self.bars, self.names, values):
            bar.set_width(value)
            bar.set_facecolor(VIOLATION_COLOR if drift[name].is_violation else OK_COLOR)
        if highlight is not None:
            _outline(self.bars, self.names, highlight)
        return True


def _outline(bars, names: list[str], highlight: str | None) -> None:
    """A black edge around the highlighted feature's bar, none around the others."""
    for bar, name in zip(bars, names):
        bar.set_edgecolor("black" if name == highlight else "none")
        bar.set_linewidth(1.5 if name == highlight else 0)


def drift_distances(
    ax, drift: Mapping[str, object], *, highlight: str | None = None, title: str | None = None
) -> DistanceBars:
    """One bar per feature: its ``baseline_drift_check`` value, a tick at its threshold.

    ``drift`` maps feature names to ``data_quality.FeatureDrift`` (``value``, ``threshold``,
    ``is_violation``); bars over their threshold are drawn in the violation colour. The axis
    runs from 0 to at least ``MIN_DISTANCE_AXIS``, with room for values that grow a little.
    """
    names = list(drift)
    if not names:
        ax.text(
            0.5,
            0.5,
            "no drift values: nothing to compare",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return DistanceBars([], None, 0.0)
    values = [float(np.nan_to_num(drift[n].value)) for n in names]
    colours = [VIOLATION_COLOR if drift[n].is_violation else OK_COLOR for n in names]
    y = np.arange(len(names))
    bars = ax.barh(y, values, color=colours, height=0.6)
    thresholds = [drift[n].threshold for n in names]
    ticks = ax.vlines(thresholds, y - 0.4, y + 0.4, color=THRESHOLD_COLOR, lw=2)  # one artist for all
    _outline(bars, names, highlight)
    ax.set_yticks(y, names, fontsize=SMALL_FONT)
    ax.invert_yaxis()
    xmax = max(MIN_DISTANCE_AXIS, max([*values, *thresholds]) * 1.3)
    ax.set_xlim(0, xmax)
    ax.xaxis.set_major_locator(_few_ticks())
    ax.set_xlabel("drift distance (grey tick: threshold)")
    if title:
        ax.set_title(title, fontsize="medium")
    return DistanceBars(names, bars, xmax, ticks)


def verdicts_by_sample_size(ax_ks, ax_distance, sweep: pd.DataFrame) -> None:
    """Left: the KS p-value against n (log scale, alpha line). Right: the distances against n.

    ``sweep`` is ``drift_statistics.sample_size_sweep``'s table (n, method, value, threshold, …).
    """
    ks = sweep[sweep["method"].str.startswith("KS")]
    ax_ks.plot(ks["n"], ks["value"].clip(lower=1e-300), marker="o", color=VIOLATION_COLOR)
    ax_ks.axhline(
        ks["threshold"].iloc[0],
        color=THRESHOLD_COLOR,
        ls="--",
        label=f"alpha = {ks['threshold'].iloc[0]}",
    )
    ax_ks.set_xscale("log")
    ax_ks.set_yscale("log")
    ax_ks.set_xlabel("rows in baseline and window (n)")
    ax_ks.set_ylabel("KS p-value")
    ax_ks.legend(fontsize=SMALL_FONT)
    ax_ks.set_title("a p-value keeps falling as n grows", fontsize="medium")
    for method, rows in sweep[~sweep["method"].str.startswith("KS")].groupby("method", sort=False):
        ax_distance.plot(rows["n"], rows["value"], marker="o", label=method)
    ax_distance.axhline(
        0.1, color=THRESHOLD_COLOR, ls="--", label="0.1 (SageMaker, PSI, Wasserstein)"
    )
    ax_distance.set_xscale("log")
    ax_distance.set_xlabel("rows in baseline and window (n)")
    ax_distance.set_ylabel("value")
    ax_distance.legend(fontsize=SMALL_FONT)
    ax_distance.set_title("distances settle at the drift's size", fontsize="medium")
