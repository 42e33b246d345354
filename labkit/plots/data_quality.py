"""Figures of notebook 01: drift distances against their thresholds, and five verdicts by sample size.

Each function draws on the ``Axes`` it is given from numbers a ``labkit`` result already holds;
nothing is computed here beyond choosing colours.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from labkit.plots import BASELINE_COLOR, OK_COLOR, THRESHOLD_COLOR, VIOLATION_COLOR, WINDOW_COLOR

__all__ = ["drift_distances", "feature_histograms", "verdicts_by_sample_size"]


def _few_ticks():  # fewer tick labels make a widget redraw faster
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=4)


def feature_histograms(
    ax, baseline: pd.Series, window: pd.Series, *, bins: int = 30, title: str | None = None
) -> None:
    """Baseline and window of one column as two filled step histograms on shared bins.

    Bar heights are the share of each sample's numeric values in the bin, so samples of any size
    compare and the axis labels stay short. Text cells that are not numbers (junk strings) and
    nulls are left out; the legend gives how many values each sample plots. Steps (``stairs``)
    draw one artist per sample, which keeps a widget's redraw fast.
    """
    base = pd.to_numeric(baseline, errors="coerce").dropna().to_numpy(float)
    win = pd.to_numeric(window, errors="coerce").dropna().to_numpy(float)
    both = np.concatenate([base, win])
    edges = np.histogram_bin_edges(both, bins=bins) if len(both) else np.linspace(0, 1, bins + 1)
    for values, colour, label in (
        (base, BASELINE_COLOR, "baseline"),
        (win, WINDOW_COLOR, "window"),
    ):
        if len(values):
            counts, _ = np.histogram(values, edges)
            ax.stairs(
                counts / len(values),
                edges,
                fill=True,
                alpha=0.55,
                color=colour,
                label=f"{label} (n={len(values):,})",
            )
    ax.xaxis.set_major_locator(_few_ticks())
    ax.yaxis.set_major_locator(_few_ticks())
    ax.set_xlabel(str(baseline.name))
    ax.set_ylabel("share of values")
    if len(both):
        ax.legend(loc="upper right", fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")


def drift_distances(
    ax, drift: Mapping[str, object], *, highlight: str | None = None, title: str | None = None
) -> None:
    """One bar per feature: its ``baseline_drift_check`` value, a tick at its threshold.

    ``drift`` maps feature names to ``data_quality.FeatureDrift`` (``value``, ``threshold``,
    ``is_violation``); bars over their threshold are drawn in the violation colour.
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
        return
    values = [float(np.nan_to_num(drift[n].value)) for n in names]
    colours = [VIOLATION_COLOR if drift[n].is_violation else OK_COLOR for n in names]
    y = np.arange(len(names))
    bars = ax.barh(y, values, color=colours, height=0.6)
    thresholds = [drift[n].threshold for n in names]
    ax.vlines(thresholds, y - 0.4, y + 0.4, color=THRESHOLD_COLOR, lw=2)  # one artist for all
    if highlight in names:
        bars[names.index(highlight)].set_edgecolor("black")
        bars[names.index(highlight)].set_linewidth(1.5)
    ax.set_yticks(y, names, fontsize="small")
    ax.invert_yaxis()
    top = max([*values, *thresholds])
    ax.set_xlim(0, max(0.2, top * 1.15))
    ax.xaxis.set_major_locator(_few_ticks())
    ax.set_xlabel("drift distance (grey tick: threshold)")
    if title:
        ax.set_title(title, fontsize="medium")


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
    ax_ks.legend(fontsize="small")
    ax_ks.set_title("a p-value keeps falling as n grows", fontsize="medium")
    for method, rows in sweep[~sweep["method"].str.startswith("KS")].groupby("method", sort=False):
        ax_distance.plot(rows["n"], rows["value"], marker="o", label=method)
    ax_distance.axhline(
        0.1, color=THRESHOLD_COLOR, ls="--", label="0.1 (SageMaker, PSI, Wasserstein)"
    )
    ax_distance.set_xscale("log")
    ax_distance.set_xlabel("rows in baseline and window (n)")
    ax_distance.set_ylabel("value")
    ax_distance.legend(fontsize="x-small")
    ax_distance.set_title("distances settle at the drift's size", fontsize="medium")
