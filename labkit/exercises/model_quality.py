"""Checkers for notebook 02 · Model quality drift: the smallest crash the reviewed constraints
catch, and the StartTimeOffset/EndTimeOffset pair for late ground-truth labels.
"""

from __future__ import annotations

import re
from typing import Any

from labkit.exercises.grading import Feedback, first_on_grid, names, right, wrong

__all__ = ["mq_crash_margin", "mq_offsets"]


def mq_crash_margin(answer, *, step, housing, model, baseline, seed) -> Feedback:
    """mq-crash-margin: the smallest concept_shift that ends CompletedWithViolations."""
    from labkit import drift, drift_grid, model_quality, scenarios

    def run(concept_shift: float):
        crashed = drift.shift_concept(housing.window, housing, concept_shift, seed=seed)
        scored = drift_grid.score_window(housing, model, crashed)
        return model_quality.monitor(
            scored, baseline, label=housing.target, prediction="prediction"
        )

    problem = first_on_grid(
        answer, step, lambda x: run(x).has_violations, "the execution ends CompletedWithViolations"
    )
    if problem is not None:
        return problem
    flagged, drop = run(answer).violations.metric_names(), scenarios.MARKET_CRASH_DROP
    crosses = "crosses its threshold" if len(flagged) == 1 else "cross their thresholds"
    return right(
        f"At concept_shift {answer:g} prices fall {drop * answer:.1%} and {names(flagged)} {crosses}; a fall of "
        f"{drop * (answer - step):.1%} still passes the reviewed constraints unnoticed."
    )


_OFFSET = re.compile(
    r"^(-?)P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?$"
)


def _offset_hours(text: Any) -> tuple[float, bool]:
    """Hours of an ISO 8601 offset such as -PT7H, -P1D or -PT90M, and whether it is negative."""
    match = _OFFSET.match(text.strip()) if isinstance(text, str) else None
    if match is None or not any(match.groups()[1:]) or text.strip().endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 offset like -PT7H or -P1D")
    sign, days, hours, minutes = match.groups()
    return 24 * float(days or 0) + float(hours or 0) + float(minutes or 0) / 60, sign == "-"


def mq_offsets(answer, *, delay_hours) -> Feedback:
    """mq-offsets: (StartTimeOffset, EndTimeOffset) for the newest fully labelled hour."""
    if isinstance(answer, str) or len(answer) != 2:
        return wrong(
            f"{answer!r} is not a pair.", "Answer with (StartTimeOffset, EndTimeOffset) strings."
        )
    try:
        (start, start_negative), (end, end_negative) = map(_offset_hours, answer)
    except ValueError as error:
        return wrong(f"{error}.", "-PT#H for hours, -P#D for days.")
    window = (
        f"An execution scheduled at T analyses inferences from T − {start:g} h to T − {end:g} h"
    )
    if not (start_negative and end_negative):
        return wrong(
            "Both offsets count back from the scheduled time.", "Write them negative, e.g. -PT7H."
        )
    if start <= end:
        return wrong(
            f"StartTimeOffset must reach further back than EndTimeOffset. {window}.", "Swap them."
        )
    if end < delay_hours:
        return wrong(
            f"{window}, but labels land {delay_hours:g} h after each prediction: the newest {delay_hours - end:g} h "
            "of that window have no labels yet when it runs, and an execution scores only merged rows.",
            f"EndTimeOffset must reach back at least {delay_hours:g} hours.",
        )
    if start - end != 1:
        hint = "An hourly schedule should analyse one hour per execution, so that each hour is scored once."
        return wrong(f"{window}: {start - end:g} h per execution of an hourly schedule.", hint)
    if end > delay_hours:
        hint = "Pick the newest fully labelled hour."
        return wrong(
            f"{window}: all labelled, but {end - delay_hours:g} h older than needed.", hint
        )
    return right(f"{window}: the newest hour whose labels have all landed, each hour scored once.")
