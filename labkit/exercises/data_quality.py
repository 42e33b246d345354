"""Checkers for notebook 01 · Data quality drift: which checks a stuck sensor fires, and the
comparison_threshold that silences baseline_drift_check (DefaultModelMonitor's constraints.json).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import replace

from labkit.exercises.grading import Feedback, first_on_grid, names, right, wrong

__all__ = ["dq_comparison_threshold", "dq_stuck_mid_range"]


def dq_stuck_mid_range(
    answer, *, column, value, fraction, sensor, sensor_baseline, seed
) -> Feedback:
    """dq-stuck-mid-range: the check types constraint_violations.json lists."""
    from labkit import data_quality, drift

    chosen = {answer} if isinstance(answer, str) else set(answer)
    if chosen - set(data_quality.CHECK_TYPES):
        hint = f"Choose from {', '.join(data_quality.CHECK_TYPES)}; set() for none."
        return wrong(
            f"{names(chosen - set(data_quality.CHECK_TYPES))} is not a constraint_check_type.",
            hint,
        )
    report, low = (
        data_quality.monitor(
            drift.stuck_at(sensor.window, column, v, fraction, seed=seed), sensor_baseline
        )
        for v in (value, 0.0)
    )
    fired, distance = report.violations.check_types(), report.drift[column]
    explain = (
        f"{column}'s distance is {distance.value:.3f} against comparison_threshold {distance.threshold:g} "
        f"(stuck at 0 °C it was {low.drift[column].value:.3f})."
    )
    if chosen == fired:
        return right(
            f"constraint_violations.json lists {names(fired)}. {explain} Readings stuck inside the baseline's range "
            "move the cumulative distribution less than readings below all of it, so a sensor stuck at a plausible "
            "value is the hardest failure for the six checks to see."
        )
    if "completeness_check" in chosen - fired:
        hint = "A stuck sensor still sends a number for every reading: completeness stays at 100 %."
    elif "baseline_drift_check" in chosen ^ fired:
        relation = "more than" if distance.is_violation else "not more than"
        hint = f"{explain} The check fires when the distance is more than the threshold; here it is {relation}."
    else:
        hint = "Only the temperature values changed: no column was added or dropped, every value is a number."
    return wrong(
        f"constraint_violations.json lists {names(fired)}; you answered {names(chosen)}.", hint
    )


def dq_comparison_threshold(answer, *, feature, window, baseline) -> Feedback:
    """dq-comparison-threshold: the smallest two-decimal threshold that silences the check."""
    from labkit import data_quality

    def run(threshold: float, method: str = "Robust"):
        config = replace(baseline.constraints.monitoring_config, comparison_threshold=threshold, comparison_method=method)  # fmt: skip
        constraints = replace(baseline.constraints, monitoring_config=config)
        return data_quality.monitor(window, baseline.statistics, constraints)

    def silenced(threshold: float) -> bool:
        return (
            threshold > 0 and "baseline_drift_check" not in run(threshold).violations.check_types()
        )

    distance = run(0.1).distances[feature]
    problem = first_on_grid(answer, 0.01, silenced, "the check is silent")
    if problem is None:
        return right(
            f"{feature}'s distance is {distance:.4f}, so {answer:.2f} is the smallest two-decimal threshold it is "
            "not more than. A threshold that high would also hide every smaller drift of every numeric feature."
        )
    simple = run(0.1, "Simple").distances[feature]
    if isinstance(answer, numbers.Real) and math.isclose(
        answer, math.ceil(round(simple * 100, 9)) / 100
    ):
        hint = "You measured with comparison_method Simple (the edited copy); the baseline's file says Robust."
    else:
        hint = f"baseline_drift_check fires when {feature}'s distance, {distance:.4f}, is more than the threshold."
    if problem.message.startswith("Not yet"):
        problem = replace(problem, message=f"At {answer:g} baseline_drift_check still fires.")
    return replace(problem, hint=hint)
