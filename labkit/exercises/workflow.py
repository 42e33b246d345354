"""Checkers for notebook 05 · The monitoring workflow: when a stricter alarm, replayed on the
drift metrics the run published, first goes to ALARM (CloudWatch PutMetricAlarm, M out of N).
"""

from __future__ import annotations

import numbers

from labkit.exercises.grading import Feedback, right, wrong

__all__ = ["workflow_strict_alarm"]


def workflow_strict_alarm(
    answer, *, datapoints_to_alarm, evaluation_periods, treat_missing_data, result, drift, threshold
) -> Feedback:
    """workflow-strict-alarm: the timeline hour at which the M-of-N alarm first goes to ALARM."""
    from labkit import alarms, simulation

    alarm = simulation.drift_alarm(
        drift.feature, threshold=threshold, evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm, treat_missing_data=treat_missing_data,
    )  # fmt: skip
    states = [state for _, state in simulation.reevaluate(result, alarm).states]
    first = next((h for h, s in enumerate(states) if s == alarms.ALARM), None)
    rule = f"{datapoints_to_alarm}-of-{evaluation_periods} ({treat_missing_data})"
    if isinstance(answer, str) and answer.strip().lower() == "never":
        if first is None:
            return right(f"A {rule} alarm never goes to ALARM on your run's metrics.")
        return wrong(
            f"The {rule} alarm does go to ALARM in your run.",
            "Replay it with simulation.reevaluate.",
        )
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise TypeError(f"expected an int hour, got {type(answer).__name__}")
    if not 0 <= answer < len(states):
        return wrong(
            f"Hour {answer} is not in the timeline (hours 0 to {len(states) - 1}).",
            "Answer with a value of the timeline's hour column.",
        )
    if first is None:
        return wrong(
            f"The {rule} alarm never goes to ALARM on your run's metrics.", 'Answer "never".'
        )
    if answer < first:
        return wrong(
            f"At hour {answer} the {rule} alarm is still {states[answer]}.",
            f"It needs {datapoints_to_alarm} breaching datapoints among the last {evaluation_periods}; "
            f"with {treat_missing_data} a missing hour counts as good. Look later.",
        )
    if answer > first:
        return wrong(
            f"The {rule} alarm is already in ALARM before hour {answer}.",
            "The first hour whose state is ALARM counts.",
        )
    paged = result.first_page()
    compare = (
        f"; the notebook's own alarm paged at {paged:%Y-%m-%d %H:%M} UTC"
        if paged is not None
        else ""
    )
    return right(
        f"The {rule} alarm first goes to ALARM after the execution of hour {first}{compare}. "
        "A stricter M waits for more breaching hours, and notBreaching never fills a gap with a breach."
    )
