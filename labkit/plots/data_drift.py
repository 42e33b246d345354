"""Baseline-versus-window histograms: the first picture of data drift (notebook 00).

The same figure as notebook 01's, under the name notebook 00 first used.
"""

from __future__ import annotations

from labkit.plots.data_quality import feature_histograms as baseline_vs_window

__all__ = ["baseline_vs_window"]
