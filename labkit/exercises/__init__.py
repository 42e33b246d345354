"""Exercises: one to three per notebook, each graded against the learner's own objects.

A notebook's *Exercises* section gives every exercise a task (markdown), a cell the learner fills
in (``answer = ...``) and a cell that checks it::

    if reveal_solutions:
        answer = solutions.reveal("start-mean-shift", credit=credit, seed=seed)
    exercises.check("start-mean-shift", answer, credit=credit, seed=seed, strict=reveal_solutions)

Each checker recomputes the truth from those objects, or tests a property of the answer (the
smallest grid value that fires: it fires there and nowhere below), so a check still holds when
the notebook runs with other parameters; it never reads ``labkit.solutions``. ``check`` prints
✅ or ❌ with a hint, or "not answered yet" for ``...``/None, and never raises unless
``strict=True`` (papermill runs with ``reveal_solutions=True``): then a wrong or missing answer
raises AssertionError. Kaggle Learn's problem/check/solution split (STYLE.md §1).

Layout: this module holds the registry (``EXERCISES``) and ``get``/``for_notebook``/``grade``/
``check``; ``grading`` defines ``Exercise``, ``Feedback`` and the checkers' shared pieces; one
module per lesson holds its checkers (``start_here``, ``data_quality``, ``model_quality``,
``model_bias``, ``model_explainability``, named like the twins they exercise; ``workflow``,
``on_sagemaker``, ``exam_review``, named like notebooks 05–07).
"""

from __future__ import annotations

from typing import Any

from labkit.exercises.data_quality import dq_comparison_threshold, dq_stuck_mid_range
from labkit.exercises.exam_review import exam_data_drift_monitors
from labkit.exercises.grading import Exercise, Feedback
from labkit.exercises.model_bias import bias_dpl_sign, bias_dppl_first_violation
from labkit.exercises.model_explainability import (
    attribution_largest_drop,
    attribution_ndcg_by_hand,
)
from labkit.exercises.model_quality import mq_crash_margin, mq_offsets
from labkit.exercises.on_sagemaker import cloud_daily_schedule
from labkit.exercises.start_here import start_mean_shift
from labkit.exercises.workflow import workflow_strict_alarm

__all__ = ["EXERCISES", "Exercise", "Feedback", "check", "for_notebook", "get", "grade"]


def get(exercise_id: str) -> Exercise:
    """The registered exercise with this id (KeyError lists the ids)."""
    if exercise_id not in EXERCISES:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def for_notebook(notebook: str) -> tuple[Exercise, ...]:
    """The exercises of one notebook, in the order the notebook asks them."""
    return tuple(e for e in EXERCISES.values() if e.notebook == notebook)


def grade(exercise_id: str, answer: Any, **context: Any) -> Feedback:
    """The feedback on ``answer`` (pure: no printing)."""
    return get(exercise_id).check(answer, **context)


def check(exercise_id: str, answer: Any, *, strict: bool = False, **context: Any) -> None:
    """Print the feedback; with ``strict=True`` a wrong or missing answer raises AssertionError."""
    feedback = grade(exercise_id, answer, **context)
    print(feedback.as_text())
    if strict and not feedback.correct:
        raise AssertionError(feedback.as_text())


def _exercise(id, notebook, title, prompt, expects, context, checker, **params) -> Exercise:
    return Exercise(id, notebook, title, prompt, expects, tuple(context), checker, params)


# fmt: off
EXERCISES: dict[str, Exercise] = {e.id: e for e in (
    _exercise("start-mean-shift", "00_start_here", "How far did the mean move?",
              "Shift debt_to_income by −1.5 σ and measure how far its window mean moved, in baseline "
              "standard deviations.",
              "a float", ["credit", "seed"], start_mean_shift, feature="debt_to_income", shift_sd=-1.5),
    _exercise("dq-stuck-mid-range", "01_data_quality_drift", "A sensor stuck at a plausible value",
              "Which constraint_check_type values fire when 30 % of the sensor's readings are stuck at 25.0 °C?",
              "a set of check-type strings (set() for none)", ["sensor", "sensor_baseline", "seed"],
              dq_stuck_mid_range, column="temperature_c", value=25.0, fraction=0.3),
    _exercise("dq-comparison-threshold", "01_data_quality_drift", "Tune comparison_threshold",
              "Find the smallest comparison_threshold, to two decimals, at which the 2 σ income shift no "
              "longer violates.",
              "a float with two decimals", ["window", "baseline"], dq_comparison_threshold, feature="income"),
    _exercise("mq-crash-margin", "02_model_quality_drift", "How big a crash does the margin let through?",
              "Find the smallest concept_shift (steps of 0.01) at which the housing execution ends "
              "CompletedWithViolations.",
              "a float", ["housing", "model", "baseline", "seed"], mq_crash_margin, step=0.01),
    _exercise("mq-offsets", "02_model_quality_drift", "Offsets for six-hour labels",
              "With labels 6 hours late, which StartTimeOffset and EndTimeOffset give the newest fully "
              "labelled hour?",
              'a pair of strings, e.g. ("-PT3H", "-PT2H")', [], mq_offsets, delay_hours=6),
    _exercise("bias-dpl-sign", "03_bias_drift", "Which way does DPL point?",
              "Raise the 61+ group's default rate to 0.45 and give Clarify's DPL with 61+ as group d.",
              "a float", ["window", "seed"], bias_dpl_sign,
              facet="age_group", label="default", favourable=0, group="61+", rate=0.45),
    _exercise("bias-dppl-first-violation", "03_bias_drift", "When does the interval rule fire?",
              "Find the smallest false-positive error rate (steps of 0.05) at which DPPL violates under the "
              "bootstrap rule.",
              "a float", ["window", "baseline", "facet_group", "n_bootstrap", "confidence_level", "seed"],
              bias_dppl_first_violation, step=0.05, metric="DPPL", facet="age_group", label="default",
              prediction="prediction"),
    _exercise("attribution-ndcg-by-hand", "04_feature_attribution_drift", "NDCG by hand",
              "Compute your run's NDCG from baseline_shap and window_shap without model_explainability.ndcg.",
              "a float", ["baseline_shap", "window_shap"], attribution_ndcg_by_hand),
    _exercise("attribution-largest-drop", "04_feature_attribution_drift", "Which move hurts the ranking most?",
              "Moving all of from_feature's signal, which destination feature gives the lowest NDCG?",
              "a feature name (a string)", ["window", "scenario", "model", "baseline", "from_feature", "seed"],
              attribution_largest_drop, fraction=1.0),
    _exercise("workflow-strict-alarm", "05_monitoring_workflow", "When does a 3-of-3 alarm fire?",
              "Replay a 3-of-3 alarm with TreatMissingData notBreaching on your run's drift metrics: at which "
              "timeline hour does it first go to ALARM?",
              'an int, the timeline\'s hour (or "never")', ["result", "drift", "threshold"],
              workflow_strict_alarm, datapoints_to_alarm=3, evaluation_periods=3,
              treat_missing_data="notBreaching"),
    _exercise("cloud-daily-schedule", "06_on_sagemaker", "A daily schedule at 05:00 UTC",
              "Move the hourly schedule to one execution a day at 05:00 UTC with update_monitoring_schedule, and "
              "give the ScheduleExpression describe_schedule() then reports.",
              "a string, the ScheduleExpression", ["monitor"], cloud_daily_schedule, hour=5),
    _exercise("exam-data-drift-monitors", "07_exam_review", "Data drift, model drift?",
              "Applicants' age moves by 2 standard deviations while the rule linking inputs to default stays: "
              "which of DataQuality and ModelQuality end CompletedWithViolations?",
              'a set of MonitoringType strings, e.g. {"DataQuality"} (set() for none)', ["seed"],
              exam_data_drift_monitors, feature="age", covariate_shift_sd=2.0),
)}
# fmt: on
