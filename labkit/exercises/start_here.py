"""Checker for notebook 00 · Start here: how far a requested mean shift really moves the window."""

from __future__ import annotations

import math

from labkit.exercises.grading import ROUNDED_3DP, Feedback, number, right, wrong

__all__ = ["start_mean_shift"]


def start_mean_shift(answer, *, feature, shift_sd, credit, seed) -> Feedback:
    """start-mean-shift: the measured move of the window mean, in baseline σ."""
    from labkit import drift

    baseline, window = (
        credit.baseline[feature].to_numpy(float),
        credit.window[feature].to_numpy(float),
    )
    shifted = drift.shift_mean(credit.window, feature, shift_sd, seed=seed)[feature].to_numpy(float)
    sd = baseline.std()  # population sd (ddof=0), the unit of the playground's slider
    moved, before, ratio = (shifted.mean() - baseline.mean()) / sd, (window.mean() - baseline.mean()) / sd, window.std() / sd  # fmt: skip
    value = number(answer)
    if math.isclose(value, moved, abs_tol=ROUNDED_3DP):
        sign = "−" if shift_sd < 0 else "+"
        return right(
            f"{feature}'s mean moved {moved:+.3f} baseline σ, not exactly {shift_sd:+g}: before the shift the window's "
            f"mean already sat {before:+.3f} σ from the baseline's, and shift_mean moves by the window's own standard "
            f"deviation, {ratio:.3f} of the baseline's ({before:+.3f} {sign} {abs(shift_sd):g} × {ratio:.3f} ≈ {moved:+.3f})."
        )
    if math.isclose(value, shift_sd, abs_tol=ROUNDED_3DP):
        hint = "That is the shift you asked for. Measure it: (window mean − baseline mean) / baseline sd."
    elif math.isclose(value, -moved, abs_tol=ROUNDED_3DP):
        hint = "Check the sign: window mean minus baseline mean."
    elif math.isclose(value, moved * sd / shifted.std(), abs_tol=ROUNDED_3DP):
        hint = "Divide by the baseline's standard deviation, not the shifted window's."
    else:
        hint = "From the preview: (window.mean() − baseline.mean()) / baseline.std(ddof=0), in σ, not in units."
    return wrong(f"{value:+.3f} is not the move of the window's mean.", hint)
