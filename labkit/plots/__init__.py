"""Matplotlib drawing for the lessons: one module per lesson, colours defined once here.

Plot functions draw on an ``Axes`` they are given and compute nothing: the numbers come from a
``labkit`` result. Importing this package does not import pyplot.
"""

from __future__ import annotations

__all__ = ["BASELINE_COLOR", "THRESHOLD_COLOR", "VIOLATION_COLOR", "WINDOW_COLOR", "OK_COLOR", "new_figure"]

# One colour per role in every figure of the kit (colour-blind safe, Okabe–Ito palette).
BASELINE_COLOR = "#0072B2"  # blue: the baseline dataset
WINDOW_COLOR = "#E69F00"  # orange: the monitored window (captured data)
VIOLATION_COLOR = "#D55E00"  # vermilion: a constraint violation
THRESHOLD_COLOR = "#555555"  # grey: a threshold or allowed range
OK_COLOR = "#009E73"  # green: within the constraint


def new_figure(width: float = 7.0, height: float = 3.2, ncols: int = 1):
    """One figure for an app or a static cell, created without pyplot's global figure manager.

    Figures made through ``matplotlib.figure.Figure`` are not kept alive by pyplot, so an app that
    redraws one figure on every change never leaks figures.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes
