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
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["EXERCISES", "Exercise", "Feedback", "check", "for_notebook", "get", "grade"]

CORRECT, INCORRECT, UNANSWERED = "correct", "incorrect", "unanswered"
ROUNDED_3DP = 5e-4  # an answer rounded to three decimals still passes
ROUNDED_4DP = 5e-5  # … to four decimals


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: correct, incorrect (with a hint) or unanswered (with guidance)."""

    exercise_id: str
    status: str  # CORRECT, INCORRECT or UNANSWERED
    message: str
    hint: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def as_text(self) -> str:
        head = {CORRECT: "✅ Correct", INCORRECT: "❌ Not quite", UNANSWERED: "✏️ Not answered yet"}
        text = f"{head[self.status]} ({self.exercise_id}). {self.message}"
        return f"{text}\nHint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it lives, what it asks, and the checker that grades an answer."""

    id: str
    notebook: str  # a notebook stem, e.g. "01_data_quality_drift"
    title: str
    prompt: str  # one sentence; the notebook's markdown cell states the task in full
    expects: str  # the answer's form, e.g. "a float"
    context: tuple[str, ...]  # the notebook objects the checker (and the solution) take, by keyword
    checker: Callable[..., Feedback]
    params: Mapping[str, Any] = field(default_factory=dict)  # the task's fixed numbers

    def check(self, answer: Any, **context: Any) -> Feedback:
        """Grade ``answer``; unanswered (``...`` or None) gives guidance, never an exception."""
        missing = [name for name in self.context if name not in context]
        if missing:
            raise TypeError(f"exercise {self.id!r} needs the notebook objects {missing} by keyword")
        if answer is None or answer is Ellipsis:
            guidance = (
                f"Replace `...` in the cell above with {self.expects}, then run this cell again."
            )
            return Feedback(self.id, UNANSWERED, f"{self.prompt} {guidance}")
        try:
            feedback = self.checker(answer, **self.params, **{n: context[n] for n in self.context})
        except (TypeError, ValueError, KeyError) as error:
            feedback = _wrong(
                f"Could not read {answer!r} ({error}).", f"Answer with {self.expects}."
            )
        return replace(feedback, exercise_id=self.id)


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


# -- shared pieces of the checkers -----------------------------------------------------------------


def _right(message: str) -> Feedback:
    return Feedback("", CORRECT, message)


def _wrong(message: str, hint: str = "") -> Feedback:
    return Feedback("", INCORRECT, message, hint)


def _number(answer: Any) -> float:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"expected a number, got {type(answer).__name__}")
    return float(answer)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "nothing"


def _first_on_grid(
    answer: Any, step: float, happens: Callable[[float], bool], what: str
) -> Feedback | None:
    """None when ``answer`` is the smallest of 0, step … 1 where ``what`` happens; else what is wrong."""
    value = _number(answer)
    k = round(value / step)
    if not math.isclose(value, k * step, abs_tol=1e-9) or not 0 <= k * step <= 1 + 1e-9:
        return _wrong(
            f"{answer!r} is not on the grid 0, {step:g}, … 1.",
            f"Answer with a multiple of {step:g}.",
        )
    if any(happens(round(j * step, 10)) for j in range(k)):
        return _wrong(
            f"{what[:1].upper()}{what[1:]} already below {value:g}.",
            "Search upwards from 0: the first grid value counts.",
        )
    if not happens(round(k * step, 10)):
        return _wrong(
            f"Not yet at {value:g}.",
            f"Look at larger values for where {what}.",
        )
    return None


# -- 00 · Start here -------------------------------------------------------------------------------


def _start_mean_shift(answer, *, feature, shift_sd, credit, seed) -> Feedback:
    from labkit import drift

    baseline, window = (
        credit.baseline[feature].to_numpy(float),
        credit.window[feature].to_numpy(float),
    )
    shifted = drift.shift_mean(credit.window, feature, shift_sd, seed=seed)[feature].to_numpy(float)
    sd = baseline.std()  # population sd (ddof=0), the unit of the playground's slider
    moved, before, ratio = (shifted.mean() - baseline.mean()) / sd, (window.mean() - baseline.mean()) / sd, window.std() / sd  # fmt: skip
    value = _number(answer)
    if math.isclose(value, moved, abs_tol=ROUNDED_3DP):
        sign = "−" if shift_sd < 0 else "+"
        return _right(
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
    return _wrong(f"{value:+.3f} is not the move of the window's mean.", hint)


# -- 01 · Data quality drift -----------------------------------------------------------------------


def _dq_stuck_mid_range(
    answer, *, column, value, fraction, sensor, sensor_baseline, seed
) -> Feedback:
    from labkit import data_quality, drift

    chosen = {answer} if isinstance(answer, str) else set(answer)
    if chosen - set(data_quality.CHECK_TYPES):
        hint = f"Choose from {', '.join(data_quality.CHECK_TYPES)}; set() for none."
        return _wrong(
            f"{_names(chosen - set(data_quality.CHECK_TYPES))} is not a constraint_check_type.",
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
        return _right(
            f"constraint_violations.json lists {_names(fired)}. {explain} Readings stuck inside the baseline's range "
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
    return _wrong(
        f"constraint_violations.json lists {_names(fired)}; you answered {_names(chosen)}.", hint
    )


def _dq_comparison_threshold(answer, *, feature, window, baseline) -> Feedback:
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
    problem = _first_on_grid(answer, 0.01, silenced, "the check is silent")
    if problem is None:
        return _right(
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


# -- 02 · Model quality drift ----------------------------------------------------------------------


def _mq_crash_margin(answer, *, step, housing, model, baseline, seed) -> Feedback:
    from labkit import drift, drift_grid, model_quality, scenarios

    def run(concept_shift: float):
        crashed = drift.shift_concept(housing.window, housing, concept_shift, seed=seed)
        scored = drift_grid.score_window(housing, model, crashed)
        return model_quality.monitor(
            scored, baseline, label=housing.target, prediction="prediction"
        )

    problem = _first_on_grid(
        answer, step, lambda x: run(x).has_violations, "the execution ends CompletedWithViolations"
    )
    if problem is not None:
        return problem
    flagged, drop = run(answer).violations.metric_names(), scenarios.MARKET_CRASH_DROP
    crosses = "crosses its threshold" if len(flagged) == 1 else "cross their thresholds"
    return _right(
        f"At concept_shift {answer:g} prices fall {drop * answer:.1%} and {_names(flagged)} {crosses}; a fall of "
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


def _mq_offsets(answer, *, delay_hours) -> Feedback:
    if isinstance(answer, str) or len(answer) != 2:
        return _wrong(
            f"{answer!r} is not a pair.", "Answer with (StartTimeOffset, EndTimeOffset) strings."
        )
    try:
        (start, start_negative), (end, end_negative) = map(_offset_hours, answer)
    except ValueError as error:
        return _wrong(f"{error}.", "-PT#H for hours, -P#D for days.")
    window = (
        f"An execution scheduled at T analyses inferences from T − {start:g} h to T − {end:g} h"
    )
    if not (start_negative and end_negative):
        return _wrong(
            "Both offsets count back from the scheduled time.", "Write them negative, e.g. -PT7H."
        )
    if start <= end:
        return _wrong(
            f"StartTimeOffset must reach further back than EndTimeOffset. {window}.", "Swap them."
        )
    if end < delay_hours:
        return _wrong(
            f"{window}, but labels land {delay_hours:g} h after each prediction: the newest {delay_hours - end:g} h "
            "of that window have no labels yet when it runs, and an execution scores only merged rows.",
            f"EndTimeOffset must reach back at least {delay_hours:g} hours.",
        )
    if start - end != 1:
        hint = "An hourly schedule should analyse one hour per execution, so that each hour is scored once."
        return _wrong(f"{window}: {start - end:g} h per execution of an hourly schedule.", hint)
    if end > delay_hours:
        hint = "Pick the newest fully labelled hour."
        return _wrong(
            f"{window}: all labelled, but {end - delay_hours:g} h older than needed.", hint
        )
    return _right(f"{window}: the newest hour whose labels have all landed, each hour scored once.")


# -- 03 · Bias drift -------------------------------------------------------------------------------


def _share_gap(df, *, facet, group, label, favourable) -> float:
    """DPL = q_a − q_d: the favourable-label share of everyone else minus that of group d."""
    in_d, good = df[facet] == group, df[label] == favourable
    return float(good[~in_d].mean() - good[in_d].mean())


def _bias_dpl_sign(answer, *, facet, label, favourable, group, rate, window, seed) -> Feedback:
    from labkit import drift

    drifted = drift.shift_group_base_rate(window, facet=facet, group_values=[group], target=label, rate=rate, seed=seed)  # fmt: skip
    keys = {"facet": facet, "group": group, "label": label, "favourable": favourable}
    clean, new, value = _share_gap(window, **keys), _share_gap(drifted, **keys), _number(answer)
    if math.isclose(value, new, abs_tol=ROUNDED_3DP):
        side = "group a (everyone else) now has" if new > 0 else f"group d ({group}) still has"
        return _right(
            f"DPL for {group} moved from {clean:+.3f} to {new:+.3f}. DPL = q_a − q_d, the shares of favourable "
            f"labels (repaid); it is {'positive' if new > 0 else 'negative'}: {side} the larger share of them."
        )
    if math.isclose(value, -new, abs_tol=ROUNDED_3DP):
        hint = "Check the sign: DPL = q_a − q_d with repaid (label 0) favourable; label 1 would flip it."
    elif math.isclose(value, clean, abs_tol=ROUNDED_3DP):
        hint = "That is the clean window's DPL: compute it after shift_group_base_rate."
    else:
        hint = f"Group d is {group}, group a everyone else; q is the share of rows with {label} = {favourable}."
    return _wrong(f"{value:+.3f} is not the drifted window's DPL for {group}.", hint)


def _bias_dppl_first_violation(answer, *, step, metric, facet, label, prediction, window, baseline,
                               facet_group, n_bootstrap, confidence_level, seed) -> Feedback:  # fmt: skip
    from labkit import drift, model_bias

    def run(rate: float):
        stricter = drift.shift_group_error_rate(
            window, facet=facet, group_values=[facet_group], target=label, prediction=prediction,
            error_rate=rate, kind="false_positive", seed=seed,
        )  # fmt: skip
        return model_bias.monitor(stricter, baseline, rule="bootstrap", n_bootstrap=n_bootstrap,
                                  confidence_level=confidence_level, seed=seed)  # fmt: skip

    problem = _first_on_grid(
        answer, step, lambda r: metric in run(r).violations.metric_names(), f"{metric} violates"
    )
    if problem is not None and problem.message.startswith("Not yet"):
        hint = f"At {answer:g} {metric}'s interval C still overlaps its allowed range A: try larger rates."
        return replace(problem, hint=hint)
    if problem is not None:
        return problem
    if answer == 0:
        return _right(f"{metric} violates even at 0.")
    row = run(round(answer - step, 10)).to_frame().set_index("metric").loc[metric]
    where = "inside" if row.allowed_min <= row.value <= row.allowed_max else "outside"
    return _right(
        f"One step earlier, at {answer - step:g}, {metric} was {row.value:.3f}, {where} A [{row.allowed_min:.3f}, "
        f"{row.allowed_max:.3f}], and its interval C [{row.ci_lower:.3f}, {row.ci_upper:.3f}] still overlapped A: "
        "the rule waits until the change is larger than the window's sampling noise."
    )


# -- 04 · Feature attribution drift ----------------------------------------------------------------


def _attribution_ndcg_by_hand(answer, *, baseline_shap, window_shap) -> Feedback:
    from sklearn.metrics import ndcg_score  # an independent NDCG: the oracle

    features = list(baseline_shap)
    truth = float(
        ndcg_score([[baseline_shap[f] for f in features]], [[window_shap[f] for f in features]])
    )
    value = _number(answer)
    if math.isclose(value, truth, abs_tol=ROUNDED_4DP):
        verdict = "below" if truth < 0.9 else "not below"
        return _right(
            f"NDCG = {truth:.4f}, as scikit-learn's ndcg_score computes it: {verdict} 0.90."
        )
    live = [baseline_shap[f] for f in sorted(features, key=lambda f: -window_shap[f])]
    linear = sum(g / i for i, g in enumerate(live, 1)) / sum(
        g / i for i, g in enumerate(sorted(live)[::-1], 1)
    )
    if not math.isfinite(value):
        hint = "Rank 1's discount is 1/log2(1 + 1) = 1: count ranks from 1 in log2(i + 1)."
    elif math.isclose(value, 1.0) and truth < 1 - ROUNDED_4DP:
        hint = "In the live order the window's own attributions are ideal: take the gains from baseline_shap."
    elif math.isclose(value, 1 / truth, rel_tol=1e-4):
        hint = "NDCG = DCG / iDCG, at most 1."
    elif math.isclose(value, linear, rel_tol=1e-4):
        hint = "Discount rank i by 1/log2(i + 1), not 1/i."
    else:
        hint = (
            "DCG sums baseline_shap[f] / log2(i + 1) over the features in window_shap's order (i = 1 for the "
            "largest); iDCG does the same in baseline_shap's own order."
        )
    return _wrong(f"{value:.4f} is not this run's NDCG.", hint)


def _attribution_largest_drop(answer, *, fraction, window, scenario, model, baseline, from_feature, seed) -> Feedback:  # fmt: skip
    from labkit import drift, model_explainability, scenarios

    candidates = [f for f in scenarios.signal_weights(scenario.name) if f != from_feature]
    if answer not in candidates:
        hint = f"Choose from {', '.join(candidates)}."
        return _wrong(
            f"{answer!r} is not a feature move_signal can move {from_feature}'s signal to.", hint
        )
    ndcg, climbed = {}, {}
    for f in candidates:
        drifted = drift.move_signal(window, scenario, from_feature, f, fraction, seed=seed)
        report = model_explainability.monitor(drifted, baseline, model, seed=seed)
        live = report.analysis.kernel_shap[baseline.label].global_shap_values
        ndcg[f], climbed[f] = (
            report.ndcg[baseline.label],
            1 + sorted(live, key=lambda g: -live[g]).index(f),
        )
    if answer != min(ndcg, key=ndcg.get):
        hint = f"Run the monitor for each of {', '.join(candidates)}."
        return _wrong(f"{answer}'s NDCG is {ndcg[answer]:.3f}, not the lowest.", hint)
    ranked = sorted(baseline.global_shap_values, key=lambda g: -baseline.global_shap_values[g])
    table = "; ".join(f"{f}: NDCG {ndcg[f]:.3f}, rank {1 + ranked.index(f)} → {climbed[f]}" for f in sorted(ndcg, key=ndcg.get))  # fmt: skip
    return _right(
        f"{table} (the destination's baseline rank → live rank). NDCG counts, at each live rank, the baseline "
        "attribution of the feature now there, and the top ranks are discounted least: a feature with a small "
        "baseline attribution that climbs to the top costs the most."
    )


def _exercise(id, notebook, title, prompt, expects, context, checker, **params) -> Exercise:
    return Exercise(id, notebook, title, prompt, expects, tuple(context), checker, params)


# fmt: off
EXERCISES: dict[str, Exercise] = {e.id: e for e in (
    _exercise("start-mean-shift", "00_start_here", "How far did the mean move?",
              "Shift debt_to_income by −1.5 σ and measure how far its window mean moved, in baseline "
              "standard deviations.",
              "a float", ["credit", "seed"], _start_mean_shift, feature="debt_to_income", shift_sd=-1.5),
    _exercise("dq-stuck-mid-range", "01_data_quality_drift", "A sensor stuck at a plausible value",
              "Which constraint_check_type values fire when 30 % of the sensor's readings are stuck at 25.0 °C?",
              "a set of check-type strings (set() for none)", ["sensor", "sensor_baseline", "seed"],
              _dq_stuck_mid_range, column="temperature_c", value=25.0, fraction=0.3),
    _exercise("dq-comparison-threshold", "01_data_quality_drift", "Tune comparison_threshold",
              "Find the smallest comparison_threshold, to two decimals, at which the 2 σ income shift no "
              "longer violates.",
              "a float with two decimals", ["window", "baseline"], _dq_comparison_threshold, feature="income"),
    _exercise("mq-crash-margin", "02_model_quality_drift", "How big a crash does the margin let through?",
              "Find the smallest concept_shift (steps of 0.01) at which the housing execution ends "
              "CompletedWithViolations.",
              "a float", ["housing", "model", "baseline", "seed"], _mq_crash_margin, step=0.01),
    _exercise("mq-offsets", "02_model_quality_drift", "Offsets for six-hour labels",
              "With labels 6 hours late, which StartTimeOffset and EndTimeOffset give the newest fully "
              "labelled hour?",
              'a pair of strings, e.g. ("-PT3H", "-PT2H")', [], _mq_offsets, delay_hours=6),
    _exercise("bias-dpl-sign", "03_bias_drift", "Which way does DPL point?",
              "Raise the 61+ group's default rate to 0.45 and give Clarify's DPL with 61+ as group d.",
              "a float", ["window", "seed"], _bias_dpl_sign,
              facet="age_group", label="default", favourable=0, group="61+", rate=0.45),
    _exercise("bias-dppl-first-violation", "03_bias_drift", "When does the interval rule fire?",
              "Find the smallest false-positive error rate (steps of 0.05) at which DPPL violates under the "
              "bootstrap rule.",
              "a float", ["window", "baseline", "facet_group", "n_bootstrap", "confidence_level", "seed"],
              _bias_dppl_first_violation, step=0.05, metric="DPPL", facet="age_group", label="default",
              prediction="prediction"),
    _exercise("attribution-ndcg-by-hand", "04_feature_attribution_drift", "NDCG by hand",
              "Compute your run's NDCG from baseline_shap and window_shap without model_explainability.ndcg.",
              "a float", ["baseline_shap", "window_shap"], _attribution_ndcg_by_hand),
    _exercise("attribution-largest-drop", "04_feature_attribution_drift", "Which move hurts the ranking most?",
              "Moving all of from_feature's signal, which destination feature gives the lowest NDCG?",
              "a feature name (a string)", ["window", "scenario", "model", "baseline", "from_feature", "seed"],
              _attribution_largest_drop, fraction=1.0),
)}
# fmt: on
