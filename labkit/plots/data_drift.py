"""Baseline-versus-window histograms: the first picture of data drift (notebook 00)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.plots import BASELINE_COLOR, WINDOW_COLOR

__all__ = ["baseline_vs_window"]


def baseline_vs_window(ax, baseline: pd.Series, window: pd.Series, *, bins: int = 30, title: str | None = None) -> None:
    """Overlay the two distributions of one numeric column as densities on shared bins."""
    base = pd.to_numeric(baseline, errors="coerce").dropna().to_numpy(float)
    win = pd.to_numeric(window, errors="coerce").dropna().to_numpy(float)
    both = np.concatenate([base, win]) if len(win) else base
    edges = np.histogram_bin_edges(both, bins=bins) if len(both) else bins
    ax.hist(base, bins=edges, density=True, alpha=0.55, color=BASELINE_COLOR, label=f"baseline (n={len(base):,})")
    if len(win):
        ax.hist(win, bins=edges, density=True, alpha=0.55, color=WINDOW_COLOR, label=f"window (n={len(win):,})")
    ax.set_xlabel(str(baseline.name))
    ax.set_ylabel("density")
    ax.legend(loc="upper right", fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")
